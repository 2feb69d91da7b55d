#!/usr/bin/env node
// `chengguo serve` in headless Chromium: an open page reloads itself after
// an edit, shows the build's errors as an overlay while the content is
// broken (and keeps the last good page), and reloads again once fixed; the
// local video plays and seeks through the server's range requests.
//
// usage: node tests/browser/serve.test.js CHENGGUO_BIN SITE_DIR
// env:   CHROMIUM=/usr/bin/chromium (default)
// Prints the change-to-reload times and their median.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { chromium } = require('playwright-core');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'];
const CASE = 'content/cases/jiangjin-kecheng-lingdaoli.md';
const CASE_URL = 'cases/jiangjin-kecheng-lingdaoli.html';

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

function startServer(bin, site) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['serve', site, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('serve did not start:\n' + out)), 60000);
    const onData = (d) => {
      out += d.toString();
      const m = /预览地址：(\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, base: m[1] }); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => { out += d.toString(); });
    child.on('exit', (c) => reject(new Error(`serve exited ${c}:\n${out}`)));
  });
}

async function main() {
  const [bin, site] = process.argv.slice(2);
  const { child, base } = await startServer(bin, site);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  try {
    const page = await browser.newPage();
    const jsErrors = [];
    page.on('pageerror', (e) => jsErrors.push(e.message));
    await page.goto(base + CASE_URL);
    const file = path.join(site, CASE);
    const original = fs.readFileSync(file, 'utf8');

    // Edits: each one must reload the open page by itself.
    const times = [];
    for (let i = 1; i <= 7; i++) {
      const mark = `【第${i}次修改】`;
      await page.evaluate(() => { window.__notReloaded = true; });
      const t0 = Date.now();
      fs.writeFileSync(file, original.replace('title: 江津区', `title: ${mark}江津区`));
      await page.waitForFunction((m) => !window.__notReloaded && document.querySelector('h1') &&
        document.querySelector('h1').textContent.includes(m), mark, { timeout: 15000, polling: 10 });
      times.push(Date.now() - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(`change-to-reload ms: ${times.join(', ')}; median ${median}`);
    check(times.length === 7, 'page reloaded itself after each of 7 edits');
    check(median < 1000, `median change-to-reload under 1 s (${median} ms)`);

    // Broken content: overlay with file:line:col, old page kept.
    await page.evaluate(() => { window.__notReloaded = true; });
    fs.writeFileSync(file, original.replace('title: 江津区', 'title: 【第7次修改】江津区').replace('date: 2023-12-06', 'date: 2023-13-45'));
    await page.waitForSelector('#chengguo-errors', { timeout: 15000 });
    const overlay = await page.textContent('#chengguo-errors');
    check(overlay.includes(`${CASE}:3:7`), `overlay names file:line:col (${overlay.slice(0, 160)})`);
    check(overlay.includes('2023-13-45'), 'overlay says what was found');
    check(await page.evaluate(() => window.__notReloaded === true), 'page not reloaded while broken');
    // A page opened while broken shows the overlay too.
    const other = await browser.newPage();
    await other.goto(base + 'index.html');
    await other.waitForSelector('#chengguo-errors', { timeout: 15000 });
    check(true, 'a page opened while broken shows the overlay');

    // Fixed: reload, overlay gone.
    fs.writeFileSync(file, original);
    await page.waitForFunction(() => !window.__notReloaded, null, { timeout: 15000, polling: 10 });
    await page.waitForLoadState('load');
    check(await page.$('#chengguo-errors') === null, 'overlay gone after the fix');
    check(!(await page.textContent('h1')).includes('修改'), 'page shows the fixed content');
    await other.waitForFunction(() => !document.getElementById('chengguo-errors'), null, { timeout: 15000 });
    check(true, 'overlay gone on the other page too');

    // Search works in the served portal.
    await page.goto(base + 'search.html?q=' + encodeURIComponent('课程领导力'));
    await page.waitForFunction(() => {
      const s = document.getElementById('search-status');
      return s && s.textContent && !/正在检索/.test(s.textContent);
    }, null, { timeout: 20000 });
    const hrefs = await page.$$eval('#search-results a', (as) => as.map((a) => a.getAttribute('href')));
    check(hrefs.some((h) => h.includes('jiangjin-kecheng-lingdaoli')), `search finds the edited case over http (${hrefs.length} results)`);

    // Video: metadata and seeking through range requests.
    const videoPage = await findVideoPage(site);
    if (videoPage) {
      await page.goto(base + videoPage);
      const r = await page.evaluate(() => new Promise((resolve) => {
        const v = document.querySelector('video');
        if (!v) return resolve('no video');
        const seek = () => {
          v.addEventListener('seeked', () => resolve(`seeked to ${v.currentTime.toFixed(2)} of ${v.duration.toFixed(2)}`), { once: true });
          v.currentTime = v.duration / 2;
        };
        if (v.readyState >= 1) seek(); else v.addEventListener('loadedmetadata', seek, { once: true });
        v.addEventListener('error', () => resolve('video error ' + (v.error && v.error.code)));
        v.load && v.readyState < 1 && v.load();
        setTimeout(() => resolve('timeout'), 10000);
      }));
      check(r.startsWith('seeked'), `video loads and seeks over http (${r})`);
    } else {
      check(false, 'found a page with a local video');
    }
    check(jsErrors.length === 0, `no JavaScript errors (${jsErrors.join('; ')})`);
  } finally {
    await browser.close();
    child.kill('SIGINT');
  }
  if (failures) { console.log(`${failures} FAILED`); process.exit(1); }
  console.log('all checks passed');
}

// The first built page (in the preview folder) with a <video> element.
async function findVideoPage(site) {
  const root = path.join(site, '.chengguo-cache', 'serve');
  for (const dir of ['outcomes', 'cases']) {
    const d = path.join(root, dir);
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d)) {
      if (f.endsWith('.html') && fs.readFileSync(path.join(d, f), 'utf8').includes('<video')) return `${dir}/${f}`;
    }
  }
  return null;
}

main().catch((e) => { console.error(e); console.log('FAIL', e.message); process.exit(1); });
