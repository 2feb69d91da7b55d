#!/usr/bin/env node
// Browser benchmark of the portal search (issue 11), headless Chromium:
//
//   * cold queries: a FRESH browser context per query (empty cache), the
//     search page opened at search.html?q=…; time = navigation start →
//     the first page of results on screen; bytes = every file the page
//     loads for the query beyond its own HTML/CSS (the runtime
//     static/search.js and everything under search/), counted after the
//     facets are drawn (what arrives after the first paint counts too);
//   * the plain-page yardstick in the same run: record pages opened cold the
//     same way (fresh context; navigation start → load event);
//   * later queries: on the last cold page, each query typed into the form;
//     time to its results on screen;
//   * snippet context: share of the results on the first page that show at
//     least 10 characters of the record's own text around the first
//     highlighted match (the title when it holds a mark, else the snippet;
//     the 正文包含 note and … do not count);
//   * both from file:// and over http from nginx (Debian, gzip on +
//     gzip_static; bytes on the wire = encoded response bodies).
//
// usage: node bench/search-browser.js PUBLIC_DIR QUERIES_FILE [--no-http] [--no-file] [--json OUT]
// env:   CHROMIUM=/usr/bin/chromium, NGINX=/usr/sbin/nginx
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { pathToFileURL } = require('url');
const { chromium } = require(path.join(__dirname, '..', 'tests', 'browser', 'node_modules', 'playwright-core'));

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

function pct(a, p) {
  const s = a.slice().sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))] : NaN;
}
const kb = (x) => (x / 1024).toFixed(0) + ' KB';

function startNginx(root) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chengguo-nginx-'));
  const port = 18000 + (process.pid % 1000);
  fs.mkdirSync(path.join(dir, 'logs'));
  const conf = `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  gzip on;
  gzip_static on;
  gzip_comp_level 6;
  gzip_types text/css application/javascript text/javascript application/json image/svg+xml;
  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const proc = spawn(process.env.NGINX || '/usr/sbin/nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise((resolve) => setTimeout(() => resolve({ proc, base: `http://127.0.0.1:${port}/` }), 500));
}

function counted(url) {
  return /\/search\/[^/]+\.js(\?|$)/.test(url) || /\/static\/search\.js(\?|$)/.test(url);
}

async function resultsOnScreen(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status');
    if (!s || !s.textContent || /正在检索/.test(s.textContent)) return false;
    return /没有找到|出错/.test(s.textContent) || document.querySelectorAll('#search-results li').length > 0;
  }, null, { timeout: 60000, polling: 'raf' });
  return page.evaluate(() => performance.now());
}

async function contextShare(page) {
  return page.evaluate(() => {
    let n = 0, ok = 0;
    for (const li of document.querySelectorAll('#search-results li')) {
      n++;
      const title = li.querySelector('.search-result-title a');
      const snip = li.querySelector('.search-result-snippet');
      let el = title && title.querySelector('mark') ? title : snip;
      if (!el || !el.querySelector('mark')) continue;
      const clone = el.cloneNode(true);
      clone.querySelectorAll('.search-result-in-body').forEach((x) => x.remove());
      if (!clone.querySelector('mark')) continue;
      clone.querySelectorAll('mark').forEach((m) => m.remove());
      const own = clone.textContent.replace(/[…\s]/g, '');
      if (Array.from(own).length >= 10) ok++;
    }
    return [ok, n];
  });
}

async function coldQuery(browser, base, root, q, onWire) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const reqs = [];
  page.on('requestfinished', (r) => { if (counted(r.url())) reqs.push(r); });
  await page.goto(base + 'search.html?q=' + encodeURIComponent(q), { waitUntil: 'commit' });
  const t = await resultsOnScreen(page);
  // facets are drawn after the results; wait for them (their bytes count)
  await page.waitForFunction(() => document.querySelector('#search-facets fieldset') ||
    /没有找到|出错/.test(document.getElementById('search-status').textContent), null, { timeout: 60000 }).catch(() => {});
  await page.waitForTimeout(50);
  const share = await contextShare(page);
  let bytes = 0;
  for (const r of reqs) {
    if (onWire) {
      const s = await r.sizes().catch(() => null);
      bytes += s ? s.responseBodySize : 0;
    } else {
      const u = new URL(r.url());
      try { bytes += fs.statSync(decodeURIComponent(u.pathname)).size; } catch (e) { /* not a file */ }
    }
  }
  return { ctx, page, t, bytes, files: reqs.length, share };
}

async function plainPage(browser, base, url) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(base + url, { waitUntil: 'load' });
  const t = await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
  await ctx.close();
  return t;
}

async function warmQueries(page, queries) {
  const out = [];
  for (const q of queries) {
    out.push(await page.evaluate((q2) => {
      const t0 = performance.now();
      const input = document.getElementById('search-input');
      input.value = q2;
      document.getElementById('search-form').dispatchEvent(new Event('submit', { cancelable: true }));
      return new Promise((resolve) => {
        const tick = () => {
          const s = document.getElementById('search-status').textContent;
          if (s.indexOf(q2.trim()) >= 0 && !/正在检索/.test(s) &&
            (/没有找到|出错/.test(s) || document.querySelectorAll('#search-results li').length)) resolve(performance.now() - t0);
          else requestAnimationFrame(tick);
        };
        tick();
      });
    }, q));
  }
  return out;
}

async function run(browser, base, root, queries, label, onWire) {
  const recs = fs.readdirSync(path.join(root, 'outcomes')).filter((f) => f.endsWith('.html') && f !== 'index.html').sort();
  const plainUrls = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => 'outcomes/' + recs[Math.floor(i * recs.length / 10)]);
  const plain = [];
  for (const u of plainUrls) plain.push(await plainPage(browser, base, u));
  const cold = [], bytes = [], files = [];
  let ok = 0, shown = 0, last = null;
  for (let i = 0; i < queries.length; i++) {
    const r = await coldQuery(browser, base, root, queries[i], onWire);
    cold.push(r.t); bytes.push(r.bytes); files.push(r.files);
    ok += r.share[0]; shown += r.share[1];
    if (last) await last.ctx.close();
    last = r;
    // the yardstick is interleaved, so both see the same machine load
    if (i % 23 === 22) plain.push(await plainPage(browser, base, plainUrls[(i / 23 | 0) % plainUrls.length]));
  }
  const warm = await warmQueries(last.page, queries.slice(0, 60));
  await last.ctx.close();
  const res = {
    label, queries: queries.length,
    bytes: { median: pct(bytes, 0.5), p90: pct(bytes, 0.9), max: Math.max(...bytes) },
    files: { median: pct(files, 0.5), max: Math.max(...files) },
    coldMs: { median: pct(cold, 0.5), p90: pct(cold, 0.9), max: Math.max(...cold) },
    plainMs: { median: pct(plain, 0.5) },
    warmMs: { median: pct(warm, 0.5), p90: pct(warm, 0.9) },
    context: { ok, shown, share: ok / Math.max(1, shown) },
  };
  console.log(`== ${label}: ${queries.length} cold queries, each in a fresh browser context`);
  console.log(`  bytes per cold query${onWire ? ' (on the wire, gzip)' : ''}: median ${kb(res.bytes.median)}, p90 ${kb(res.bytes.p90)}, max ${kb(res.bytes.max)}; files median ${res.files.median}, max ${res.files.max}`);
  console.log(`  cold time to results on screen: median ${res.coldMs.median.toFixed(0)} ms, p90 ${res.coldMs.p90.toFixed(0)} ms; ` +
    `plain record page cold: median ${res.plainMs.median.toFixed(0)} ms → ratio ${(res.coldMs.median / res.plainMs.median).toFixed(1)}×`);
  console.log(`  later queries (${warm.length}): median ${res.warmMs.median.toFixed(1)} ms, p90 ${res.warmMs.p90.toFixed(1)} ms`);
  console.log(`  snippet context ≥ 10 characters around the first match: ${ok} / ${shown} = ${(100 * res.context.share).toFixed(1)}%`);
  return res;
}

async function main() {
  const args = process.argv.slice(2);
  const root = path.resolve(args[0]);
  const queries = fs.readFileSync(args[1], 'utf8').split('\n').filter(Boolean);
  const ji = args.indexOf('--json');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS, headless: true });
  const out = [];
  let nginx = null;
  try {
    if (!args.includes('--no-file')) out.push(await run(browser, pathToFileURL(root).href.replace(/\/?$/, '/'), root, queries, 'file://', false));
    if (!args.includes('--no-http')) {
      nginx = await startNginx(root);
      out.push(await run(browser, nginx.base, root, queries, 'http (nginx, gzip)', true));
    }
  } finally {
    await browser.close();
    if (nginx) nginx.proc.kill('SIGTERM');
  }
  if (ji >= 0) fs.writeFileSync(args[ji + 1], JSON.stringify(out, null, 1));
}

main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
