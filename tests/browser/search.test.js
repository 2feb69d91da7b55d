#!/usr/bin/env node
// Headless Chromium test of the portal search, from file:// AND from a local
// http server on 127.0.0.1: types queries in the header box and on the
// search page, checks results, links, <mark> highlighting, facets, paging,
// and that every outcome and case is found by words of its title and body.
//
// usage: node tests/browser/search.test.js [PUBLIC_DIR]
//        node tests/browser/search.test.js PUBLIC_DIR --bench QUERIES_FILE
// env:   CHROMIUM=/usr/bin/chromium (default)
// Needs `npm install` in tests/browser (playwright-core) and the Debian
// package `chromium`. Exit status 0 only when every check passed.
'use strict';
const fs = require('fs');
const path = require('path');
const http = require('http');
const { pathToFileURL } = require('url');
const { chromium } = require('playwright-core');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

let failures = 0;
function check(cond, msg) {
  if (cond) console.log('  ok   ' + msg);
  else { failures++; console.log('  FAIL ' + msg); }
}

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.jpg': 'image/jpeg', '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf', '.mp4': 'video/mp4', '.xml': 'application/xml' };

function serve(root) {
  const server = http.createServer((req, res) => {
    let p;
    try { p = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch (e) { res.writeHead(400); res.end(); return; }
    const file = path.join(root, path.normalize(p).replace(/^([/\\])+/, ''));
    if (!file.startsWith(root)) { res.writeHead(403); res.end(); return; }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); res.end('not found'); return; }
      res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function records(root, kind) {
  const dir = path.join(root, kind);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.html') && f !== 'index.html').sort().map((f) => {
    const html = fs.readFileSync(path.join(dir, f), 'utf8');
    const h1 = (html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/) || [])[1] || '';
    const prose = (html.match(/<section class="prose"[^>]*>([\s\S]*?)<\/section>/) || [])[1] || '';
    const strip = (s) => s.replace(/<[^>]+>/g, ' ').replace(/&[a-z#0-9]+;/g, ' ').replace(/\s+/g, ' ').trim();
    return { url: kind + '/' + f, title: strip(h1), body: strip(prose) };
  });
}

// A run of 2–6 CJK characters from a text (deterministic: the longest early run).
function cjkWord(text, from) {
  const runs = text.slice(from || 0).match(/[\u4e00-\u9fff]{2,}/g) || [];
  const r = runs.find((x) => x.length >= 4) || runs[0];
  return r ? r.slice(0, Math.min(6, r.length)) : null;
}

// A query with a precomputed first page: the first phrase of the first
// answer file (search/a-0.js), or null.
function answerQuery(root) {
  const f = path.join(root, 'search', 'a-0.js');
  if (!fs.existsSync(f)) return null;
  const m = fs.readFileSync(f, 'utf8').match(/^__chengguo_search_load\("a","a-0",(.*)\);\s*$/s);
  return m ? Object.keys(JSON.parse(m[1]))[0] || null : null;
}

async function waitResults(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status');
    return s && s.textContent && !/正在检索/.test(s.textContent) && s.textContent !== '';
  }, null, { timeout: 20000 });
}

async function suite(browser, base, root, label) {
  console.log(`\n== ${label}: ${base}`);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // the browser asks for /favicon.ico by itself; any other failed request is an error
  page.on('response', (r) => { if (r.status() >= 400 && !/\/favicon\.ico$/.test(r.url())) errors.push(r.status() + ' ' + r.url()); });
  page.on('requestfailed', (r) => errors.push('failed ' + r.url()));

  // 1. header search box on the home page
  await page.goto(base + 'index.html');
  const header = await page.$('header input[type=search], #q-header');
  check(!!header, 'home page has a header search box');
  if (header) {
    await header.fill('作业设计');
    await header.press('Enter');
    await page.waitForURL(/search\.html\?q=/, { timeout: 10000 });
    await waitResults(page);
    const status = await page.textContent('#search-status');
    check(/找到 \d+ 条完全匹配/.test(status), 'header query 作业设计 → status: ' + status);
    const marks = await page.$$eval('#search-results li:not(.search-result-partial) mark', (ms) => ms.map((m) => m.textContent));
    check(marks.length > 0 && marks.every((m) => m.replace(/\s/g, '') === '作业设计'), 'every <mark> is the whole 作业设计 (' + marks.length + ')');
    const hrefs = await page.$$eval('#search-results a', (as) => as.map((a) => a.getAttribute('href')));
    check(hrefs.includes('outcomes/zuoye-sheji-zhiliang.html'), 'result links to the outcome 提升中小学作业设计质量的实践研究');
    check(await page.inputValue('#search-input') === '作业设计', 'search page input filled from ?q=');
  }

  // 2. search page form: 立德树人 highlighted as one
  await page.fill('#search-input', '立德树人');
  await page.press('#search-input', 'Enter');
  await page.waitForFunction(() => /立德树人/.test(document.getElementById('search-status').textContent) &&
    !/正在检索/.test(document.getElementById('search-status').textContent));
  const marks2 = await page.$$eval('#search-results mark', (ms) => ms.map((m) => m.textContent));
  check(marks2.length > 0 && marks2.every((m) => m === '立德树人'), '立德树人 is highlighted as one mark (' + marks2.join('|') + ')');

  // 3. across jieba word boundaries
  await page.goto(base + 'search.html?q=' + encodeURIComponent('一学校'));
  await waitResults(page);
  const h3 = await page.$$eval('#search-results a', (as) => as.map((a) => a.getAttribute('href')));
  check(h3.some((h) => /beijing-shiyi-xuexiao/.test(h)), '一学校 finds 北京市第十一学校');
  // few exact results: their facet counts come from the rows, without facets.js
  await page.waitForSelector('#search-facets fieldset');
  const few = await page.evaluate(() => ({
    files: window.chengguo._engine.stats.files.slice(),
    status: document.getElementById('search-status').textContent,
    counts: document.querySelectorAll('#search-facets fieldset:not(.search-kind) label').length,
  }));
  check(/找到 \d+ 条/.test(few.status) && few.counts > 0 && !few.files.includes('facets.js'),
    '一学校 (' + few.status + '): ' + few.counts + ' facet values counted without facets.js');

  // 4. partial results for a long question are labelled
  await page.goto(base + 'search.html?q=' + encodeURIComponent('如何提高作业设计质量'));
  await waitResults(page);
  const st4 = await page.textContent('#search-status');
  check(/未找到完全匹配/.test(st4) && (await page.$('.search-partial')) !== null, 'long question → partial results, labelled: ' + st4);

  // 5. a result link opens the record
  await page.goto(base + 'search.html?q=' + encodeURIComponent('专递课堂'));
  await waitResults(page);
  const first = await page.$('#search-results li a');
  check(!!first, '专递课堂 has results');
  if (first) {
    const href = await first.getAttribute('href');
    await Promise.all([page.waitForNavigation(), first.click()]);
    check(page.url().endsWith(href), 'clicking the first result opens ' + href);
  }

  // 6. facets and kind filter
  await page.goto(base + 'search.html?q=' + encodeURIComponent('教研'));
  await waitResults(page);
  const n0 = (await page.$$('#search-results li')).length;
  await page.waitForSelector('#search-facets fieldset');
  const radio = await page.$('#search-facets input[type=radio][value="outcomes"]');
  check(!!radio, 'kind filter offers 成果');
  if (radio) {
    await radio.click();
    await page.waitForFunction(() => {
      const r = document.querySelector('#search-facets input[value="outcomes"]');
      return r && r.checked && !/正在检索/.test(document.getElementById('search-status').textContent);
    });
    await page.waitForSelector('#search-facets input[type=checkbox]');
    const kinds = await page.$$eval('#search-results .search-result-kind', (k) => k.map((x) => x.textContent));
    check(kinds.length > 0 && kinds.every((k) => k === '成果'), 'kind filter keeps only 成果 (' + kinds.length + ' of ' + n0 + ')');
  }
  const box = await page.$('#search-facets input[type=checkbox]');
  if (box) {
    const label = await box.evaluate((b) => b.parentNode.textContent);
    const name = await box.getAttribute('name'), value = await box.getAttribute('value');
    await box.click();
    await page.waitForFunction((nv) => {
      const c = document.querySelector('#search-facets input[name="' + nv[0] + '"][value="' + nv[1] + '"]');
      return c && c.checked && !/正在检索/.test(document.getElementById('search-status').textContent);
    }, [name, value]);
    const m = label.match(/（(\d+)）/);
    const shown = (await page.$$('#search-results li')).length;
    check(m && shown === Math.min(20, parseInt(m[1], 10)), 'facet ' + label.trim() + ' → ' + shown + ' results');
  }

  // 6b. a precomputed first page (answers.rs) loads one answer file instead
  // of the record store, docs.js and facets.js, and shows exactly what the
  // general path shows: status, rows, facets with counts, pager
  const aq = answerQuery(root);
  check(!!aq, 'the portal has a precomputed first page');
  if (aq) {
    const url = base + 'search.html?q=' + encodeURIComponent(aq);
    const shown = async (pg) => {
      await pg.goto(url);
      await waitResults(pg);
      await pg.waitForSelector('#search-facets fieldset');
      return pg.evaluate(() => ({
        status: document.getElementById('search-status').textContent,
        results: document.getElementById('search-results').innerHTML,
        facets: document.getElementById('search-facets').innerHTML,
        pager: document.getElementById('search-pager').innerHTML,
        files: window.chengguo._engine.stats.files.slice(),
      }));
    };
    const fast = await shown(page);
    check(fast.files.some((f) => /^a-\d+\.js$/.test(f)) && !fast.files.some((f) => /^(s-\d+|docs|facets)\.js$/.test(f)),
      aq + ': answered from an a- file alone (' + fast.files.join(' ') + ')');
    const ctx = await browser.newContext();
    await ctx.addInitScript(() => { window.chengguoNoAnswers = true; });
    const other = await ctx.newPage();
    const slow = await shown(other);
    await ctx.close();
    check(slow.files.some((f) => /^s-\d+\.js$/.test(f)), aq + ': the general path reads the record store (' + slow.files.join(' ') + ')');
    check(fast.status === slow.status && fast.results === slow.results, aq + ': same status and rows as the general path (' + fast.status + ')');
    check(fast.facets === slow.facets && fast.pager === slow.pager && fast.pager !== '', aq + ': same facets, counts and pager as the general path');
    // page 2 takes the general path
    const next2 = await page.$('#search-pager a[rel=next]');
    if (next2) {
      await next2.click();
      await page.waitForFunction(() => /第 2\//.test(document.getElementById('search-status').textContent));
      const n2 = (await page.$$('#search-results li')).length;
      check(n2 > 0, aq + ': page 2 shows ' + n2 + ' results');
    }
  }

  // 7. paging (single character, many results)
  await page.goto(base + 'search.html?q=' + encodeURIComponent('的'));
  await waitResults(page);
  const next = await page.$('#search-pager a[rel=next]');
  check(!!next, 'single-character query 的 has a pager');
  if (next) {
    await next.click();
    await page.waitForFunction(() => /第 2\//.test(document.getElementById('search-status').textContent));
    const start = await page.$eval('#search-results ol', (o) => o.getAttribute('start'));
    check(start === '21', 'page 2 starts at 21');
  }

  // 8. every outcome and case is found by words of its title and of its body
  const recs = records(root, 'outcomes').concat(records(root, 'cases'));
  await page.goto(base + 'search.html');
  await page.waitForFunction(() => window.chengguo && window.chengguo.search);
  let missTitle = [], missBody = [], noBodyWord = [];
  for (const r of recs) {
    const tw = cjkWord(r.title);
    const bw = cjkWord(r.body, Math.floor(r.body.length / 3));
    if (!bw) noBodyWord.push(r.url);
    if (tw) {
      const res = await page.evaluate((q) => window.chengguo.search(q, { limit: 1000 }).then((x) => x.map((h) => h.url)), tw);
      if (!res.includes(r.url)) missTitle.push(r.url + ' ' + tw);
    }
    if (bw) {
      const res = await page.evaluate((q) => window.chengguo.search(q, { limit: 1000 }).then((x) => x.map((h) => h.url)), bw);
      if (!res.includes(r.url)) missBody.push(r.url + ' ' + bw);
    }
  }
  check(recs.length >= 17 && !missTitle.length, `all ${recs.length} outcomes and cases found by a title word` + (missTitle.length ? ': missing ' + missTitle.join(', ') : ''));
  check(!noBodyWord.length, 'every outcome and case page has body text to search' + (noBodyWord.length ? ': none in ' + noBodyWord.join(', ') : ''));
  check(!missBody.length, 'all found by a body word' + (missBody.length ? ': missing ' + missBody.join(', ') : ''));

  // 9. a body-only match names the matched text, highlighted
  const b = recs.find((r) => cjkWord(r.body, Math.floor(r.body.length / 2)));
  if (b) {
    const w = cjkWord(b.body, Math.floor(b.body.length / 2));
    const res = await page.evaluate((q) => window.chengguo.search(q, { limit: 1000 }), w);
    const mine = res.find((h) => h.url === b.url);
    check(mine && mine.snippet.indexOf('<mark>' + w + '</mark>') >= 0, 'body word ' + w + ' is highlighted in the snippet of ' + b.url);
  }

  check(errors.length === 0, 'no JavaScript errors' + (errors.length ? ': ' + errors.join(' | ') : ''));
  await page.close();
}

async function bench(browser, base, root, qfile) {
  const queries = fs.readFileSync(qfile, 'utf8').split('\n').filter(Boolean);
  const cold = [], warm = [], bytes = [];
  const page = await browser.newPage();
  for (let i = 0; i < queries.length; i++) {
    const q = queries[i];
    // cold: a fresh search page; time from navigation start to results on screen
    await page.goto(base + 'search.html?q=' + encodeURIComponent(q));
    await waitResults(page);
    const t = await page.evaluate(() => performance.now());
    cold.push(t);
    const files = await page.evaluate(() => window.chengguo._engine.stats.files.slice());
    bytes.push(files.reduce((a, f) => a + fs_size(f), 0));
    // warm: another query on the same page, by the form
    const q2 = queries[(i + 1) % queries.length];
    const w = await page.evaluate((q2) => {
      const t0 = performance.now();
      const input = document.getElementById('search-input');
      input.value = q2;
      document.getElementById('search-form').dispatchEvent(new Event('submit', { cancelable: true }));
      return new Promise((resolve) => {
        const tick = () => {
          const s = document.getElementById('search-status').textContent;
          if (s.indexOf(q2.trim()) >= 0 && !/正在检索/.test(s)) resolve(performance.now() - t0);
          else requestAnimationFrame(tick);
        };
        tick();
      });
    }, q2);
    warm.push(w);
  }
  function fs_size(f) { try { return fs.statSync(path.join(root, 'search', f)).size; } catch (e) { return 0; } }
  const med = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(`queries ${queries.length}: cold (navigation → results on screen) median ${med(cold).toFixed(0)} ms, max ${Math.max(...cold).toFixed(0)} ms; ` +
    `warm median ${med(warm).toFixed(1)} ms, max ${Math.max(...warm).toFixed(0)} ms; ` +
    `bytes per page load median ${(med(bytes) / 1024).toFixed(0)} KB, max ${(Math.max(...bytes) / 1024).toFixed(0)} KB`);
  await page.close();
}

async function main() {
  const args = process.argv.slice(2);
  const root = path.resolve(args[0] && !args[0].startsWith('--') ? args[0] : path.join(__dirname, '..', '..', 'public'));
  if (!fs.existsSync(path.join(root, 'search.html')) || !fs.existsSync(path.join(root, 'search', 'meta.js'))) {
    console.error(`no built portal with search in ${root} (run chengguo build first)`);
    process.exit(2);
  }
  const exe = process.env.CHROMIUM || '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath: exe, args: ARGS, headless: true });
  const server = await serve(root);
  const httpBase = `http://127.0.0.1:${server.address().port}/`;
  const fileBase = pathToFileURL(root).href.replace(/\/?$/, '/');
  try {
    const bi = args.indexOf('--bench');
    if (bi >= 0) {
      await bench(browser, fileBase, root, args[bi + 1]);
    } else {
      await suite(browser, fileBase, root, 'file://');
      await suite(browser, httpBase, root, 'http://127.0.0.1');
    }
  } finally {
    await browser.close();
    server.close();
  }
  if (failures) { console.log(`\n${failures} check(s) failed`); process.exit(1); }
  console.log('\nall checks passed');
}

main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
