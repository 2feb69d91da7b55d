#!/usr/bin/env node
// Headless Chromium test of the USB-stick portal (`chengguo pack`, unzipped):
// opens 打开门户.html from file:// in an offline browser context, follows the
// meta refresh into portal/index.html, crawls every page reachable by links
// (all kinds: records, lists, browse, matrix, search, verify), uses a listing
// filter, runs searches (lazy-loaded script shards), loads the local video's
// metadata and seeks in it, downloads a document, prints a page to PDF, and
// asserts that no request other than file:// was ever attempted.
//
// usage: node tests/browser/pack.test.js TOP_FOLDER   (the unzipped top folder)
// env:   CHROMIUM=/usr/bin/chromium (default)
'use strict';
const fs = require('fs');
const path = require('path');
const { pathToFileURL, fileURLToPath } = require('url');
const { chromium } = require('playwright-core');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

// Resources of the browser itself (its built-in PDF viewer's pages and
// styles): never network requests, whatever happens to them.
const internal = (u) => /^(chrome|chrome-extension|chrome-untrusted|devtools):/.test(u || '');

let failures = 0;
function check(cond, msg) {
  if (cond) console.log('  ok   ' + msg);
  else { failures++; console.log('  FAIL ' + msg); }
}

async function main() {
  const top = path.resolve(process.argv[2] || '.');
  const portal = path.join(top, 'portal');
  const portalUrl = pathToFileURL(portal + path.sep).href;
  const startUrl = pathToFileURL(path.join(top, '打开门户.html')).href;
  check(fs.existsSync(path.join(top, '打开门户.html')) && fs.existsSync(path.join(top, '使用说明.txt'))
    && fs.existsSync(path.join(top, '校验清单.sha256')), 'top folder has the start file, instructions and manifest');

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  const context = await browser.newContext({ acceptDownloads: true });
  await context.setOffline(true);
  const outside = [];
  const problems = [];
  let current = '';
  // Any non-file request is recorded and aborted (never reaches the network).
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('file:') || internal(u)) return route.continue();
    outside.push(`${current}: ${u}`);
    return route.abort();
  });
  const fileRequests = [];
  context.on('request', (r) => {
    const u = r.url();
    if (u.startsWith('file:')) fileRequests.push(u);
    if (!/^(file|data|about|blob):/.test(u) && !internal(u)) outside.push(`${current}: ${u}`);
    else if (u.startsWith('file:') && !u.startsWith(pathToFileURL(top).href)) outside.push(`${current}: outside the folder ${u}`);
  });
  const page = await context.newPage();
  page.on('requestfailed', (r) => {
    const err = r.failure() && r.failure().errorText;
    // A media element cancels its own (range) requests when it reloads or
    // the page is left; the built-in PDF viewer's page is not a network request.
    if (internal(r.url())) return;
    if (err === 'net::ERR_ABORTED' && /\.(mp4|webm|ogv|mov|m4v)$/.test(r.url())) return;
    problems.push(`${current}: request failed ${r.url()} (${err})`);
  });
  page.on('pageerror', (e) => problems.push(`${current}: JavaScript error ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !internal(m.location() && m.location().url)) problems.push(`${current}: console error ${m.text()} (${m.location() && m.location().url})`);
  });

  // 1. The start file: meta refresh (no JavaScript needed) into the portal.
  console.log('\n== start file');
  current = '打开门户.html';
  await page.goto(startUrl);
  await page.waitForURL(portalUrl + 'index.html', { timeout: 10000 });
  check(page.url() === portalUrl + 'index.html', '打开门户.html leads to portal/index.html');
  check((await page.$$('.site-header, .site-nav')).length > 0, 'the portal home page is shown');

  // 2. Crawl every page reachable by links.
  console.log('\n== crawl');
  const queue = [portalUrl + 'index.html'];
  const seen = new Set(queue);
  const downloads = new Set();
  const externalLinks = [];
  while (queue.length) {
    const url = queue.shift();
    current = url.slice(portalUrl.length);
    await page.goto(url, { waitUntil: 'load' });
    const links = await page.$$eval('a[href]', (as) => as.map((a) => ({ href: a.href, download: a.hasAttribute('download'), text: a.parentElement ? a.parentElement.textContent : '' })));
    for (const { href, download, text } of links) {
      if (/^https?:/.test(href)) { externalLinks.push([current, href, text]); continue; }
      if (!href.startsWith('file:')) continue;
      const clean = href.split('#')[0].split('?')[0];
      let file;
      try { file = fileURLToPath(clean); } catch (e) { problems.push(`${current}: bad link ${href}`); continue; }
      if (!file.startsWith(portal)) { problems.push(`${current}: link leaves the portal: ${href}`); continue; }
      if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) { problems.push(`${current}: broken link ${href}`); continue; }
      if (download) downloads.add(clean);
      if (clean.endsWith('.html') && !seen.has(clean)) { seen.add(clean); queue.push(clean); }
    }
  }
  const visited = [...seen].map((u) => u.slice(portalUrl.length));
  console.log(`  crawled ${visited.length} pages, ${downloads.size} download links, ${externalLinks.length} external links`);
  for (const kind of ['outcomes', 'holders', 'regions', 'cases', 'notices', 'pages']) {
    check(visited.some((p) => p.startsWith(kind + '/') && !/\/(index|page-\d+)\.html$/.test(p)), `a ${kind} detail page was reached`);
    check(visited.includes(kind + '/index.html'), `the ${kind} list was reached`);
  }
  for (const p of ['browse/index.html', 'matrix.html', 'search.html', 'verify.html']) check(visited.includes(p), `${p} was reached`);
  check(visited.some((p) => /^browse\/[a-z]+-.+\.html$/.test(p)), 'a browse term page was reached');
  // External links must say that they need the internet.
  for (const [from, href, text] of externalLinks) check(/需联网|需要联网/.test(text), `external link ${href} on ${from} is marked as needing the internet`);

  // 3. A listing filter.
  console.log('\n== listing filter');
  current = 'outcomes/index.html';
  await page.goto(portalUrl + 'outcomes/index.html');
  const filter = await page.evaluate(() => {
    const form = document.getElementById('list-filters');
    if (!form || form.hidden) return null;
    const cards = document.querySelectorAll('.card[data-facets]');
    const sel = form.querySelector('select');
    const opt = sel.options[sel.options.length - 1];
    sel.value = opt.value;
    form.dispatchEvent(new Event('change'));
    const shown = [...cards].filter((c) => !c.hidden).length;
    return { total: cards.length, shown, status: (form.querySelector('.filter-status') || {}).textContent || '' };
  });
  check(filter !== null, 'the filter form is shown (filter.js ran from file://)');
  if (filter) {
    check(filter.shown > 0 && filter.shown < filter.total, `filter keeps ${filter.shown} of ${filter.total} outcome cards`);
    check(filter.status.includes(`${filter.shown} / ${filter.total}`), `filter status says so: ${filter.status}`);
  }

  // 4. Search: the header box and the search page, shards loaded by script tags.
  console.log('\n== search');
  async function waitResults() {
    await page.waitForFunction(() => {
      const s = document.getElementById('search-status');
      return s && s.textContent && !/正在检索/.test(s.textContent);
    }, null, { timeout: 20000 });
  }
  current = 'index.html (header search)';
  await page.goto(portalUrl + 'index.html');
  const before = fileRequests.length;
  await page.fill('#q-header', '物理实验');
  await Promise.all([page.waitForURL(/search\.html\?q=/), page.press('#q-header', 'Enter')]);
  await waitResults();
  let hrefs = await page.$$eval('#search-results a', (as) => as.map((a) => a.getAttribute('href')));
  check(hrefs.some((h) => /outcomes\/wuli-shiyan-jiaoxue\.html/.test(h)), 'header search 物理实验 finds the physics outcome');
  const shards = fileRequests.slice(before).filter((u) => u.startsWith(portalUrl + 'search/') && u.endsWith('.js'));
  check(shards.length > 0, `search loaded ${shards.length} index shards (script files) from file://`);
  for (const q of ['专递课堂', '作业设计', '江津']) {
    current = 'search.html?q=' + q;
    await page.goto(portalUrl + 'search.html?q=' + encodeURIComponent(q));
    await waitResults();
    const n = (await page.$$('#search-results li')).length;
    check(n > 0, `search ${q}: ${n} results`);
  }
  hrefs = await page.$$eval('#search-results a', (as) => as.map((a) => a.href));
  if (hrefs.length) {
    await page.goto(hrefs[0]);
    check(page.url().startsWith(portalUrl) && fs.existsSync(fileURLToPath(page.url().split('#')[0])), 'a search result opens its page');
  }

  // 5. The local video: metadata and seeking.
  console.log('\n== video');
  const videoPages = visited.filter((p) => {
    const html = fs.readFileSync(path.join(portal, p), 'utf8');
    return /<video[\s>]/.test(html) && /<source src="(?!https?:)/.test(html);
  });
  check(videoPages.length > 0, `pages with a local video: ${videoPages.join(', ')}`);
  for (const p of videoPages) {
    current = p;
    await page.goto(portalUrl + p);
    const v = await page.evaluate(async () => {
      const v = document.querySelector('video');
      const wait = (ev) => new Promise((res) => {
        const t = setTimeout(() => res('timeout'), 15000);
        v.addEventListener(ev, () => { clearTimeout(t); res(ev); }, { once: true });
        v.addEventListener('error', () => { clearTimeout(t); res('error'); }, { once: true });
      });
      v.preload = 'metadata';
      const meta = wait('loadedmetadata');
      v.load();
      const m = await meta;
      const out = { meta: m, duration: v.duration, width: v.videoWidth, src: v.currentSrc, error: v.error && v.error.code };
      if (m === 'loadedmetadata') {
        const target = Math.min(v.duration / 2, 2);
        const seeked = wait('seeked');
        v.currentTime = target;
        out.seek = await seeked;
        out.target = target;
        out.time = v.currentTime;
      }
      return out;
    });
    check(v.meta === 'loadedmetadata' && v.duration > 0, `${p}: video metadata loaded (duration ${v.duration}s, ${v.width}px, ${v.src.slice(portalUrl.length)}, error ${v.error})`);
    check(v.src.startsWith(portalUrl), `${p}: the video plays from the stick`);
    check(v.seek === 'seeked' && Math.abs(v.time - v.target) < 0.6, `${p}: seeking to ${v.target}s lands at ${v.time}s`);
  }

  // 6. A document download.
  console.log('\n== download');
  const docPage = visited.find((p) => /<a href="[^"]+\.(pdf|txt|docx?)" download>/.test(fs.readFileSync(path.join(portal, p), 'utf8')));
  check(!!docPage, `a page with a document download: ${docPage}`);
  if (docPage) {
    current = docPage;
    await page.goto(portalUrl + docPage);
    const link = await page.$('a[download][href$=".pdf"], a[download][href$=".txt"]');
    const targetUrl = await link.evaluate((a) => a.href);
    const target = fileURLToPath(targetUrl);
    // From file:// Chromium either saves the file (download) or opens it in
    // the browser (the download attribute needs a same-origin URL); both
    // give the teacher the document.
    const got = Promise.any([
      page.waitForEvent('download', { timeout: 10000 }).then((d) => ({ d })),
      page.waitForURL(targetUrl, { timeout: 10000 }).then(() => ({ nav: true })),
    ]).catch(() => ({}));
    await link.click();
    const r = await got;
    if (r.d) {
      const saved = await r.d.path();
      check((await r.d.failure()) === null, `download of ${path.basename(target)} succeeded`);
      check(saved && fs.readFileSync(saved).equals(fs.readFileSync(target)), 'the downloaded bytes are the document on the stick');
    } else if (r.nav) {
      const shown = target.endsWith('.txt') ? await page.evaluate(() => document.body.innerText) : null;
      check(shown === null || shown.trim() === fs.readFileSync(target, 'utf8').trim(), `${path.basename(target)} opens in the browser with its content`);
    } else {
      check(false, `clicking ${path.basename(target)} neither downloads nor opens it`);
    }
  }
  for (const d of downloads) check(fs.existsSync(fileURLToPath(d)), `download target exists: ${d.slice(portalUrl.length)}`);

  // 7. Printing.
  console.log('\n== print');
  current = videoPages[0] || 'index.html';
  await page.goto(portalUrl + current);
  const pdf = await page.pdf({ format: 'A4' });
  check(pdf.slice(0, 5).toString() === '%PDF-' && pdf.length > 5000, `printed to PDF (${pdf.length} bytes)`);
  await page.emulateMedia({ media: 'print' });
  const hidden = await page.evaluate(() => getComputedStyle(document.querySelector('.site-nav')).display);
  check(hidden === 'none', 'print style hides the navigation');
  await page.emulateMedia({ media: 'screen' });

  // 8. The verify page explains the check.
  current = 'verify.html';
  await page.goto(portalUrl + 'verify.html');
  const vt = await page.textContent('main');
  check(/chengguo verify/.test(vt) && /校验清单\.sha256/.test(vt), 'verify.html explains chengguo verify');

  await browser.close();
  for (const p of problems) check(false, p);
  check(outside.length === 0, `no request other than file:// inside the folder (${outside.length}: ${outside.slice(0, 5).join(' | ')})`);
  if (failures) { console.log(`${failures} checks failed`); process.exit(1); }
  console.log('all checks passed');
}

main().catch((e) => { console.error(e); process.exit(1); });
