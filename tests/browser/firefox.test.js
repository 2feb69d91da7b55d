#!/usr/bin/env node
// The USB-stick portal (`chengguo pack`, unzipped) in headless Firefox ESR
// (Debian's firefox-esr, driven by puppeteer-core over WebDriver BiDi), from
// file://: the start file's meta refresh, every page reachable from the home
// page's navigation and one record of each kind, a listing filter, the
// header search box and the search page (script-tag shards), the local
// video's metadata, and no JavaScript error anywhere. (The Chromium test
// pack.test.js also asserts that no request leaves the machine.)
//
// usage: node tests/browser/firefox.test.js TOP_FOLDER
// env:   FIREFOX=/usr/bin/firefox-esr (default)
'use strict';
const path = require('path');
const { pathToFileURL } = require('url');
const puppeteer = require('puppeteer-core');

let failures = 0;
function check(cond, msg) {
  if (cond) console.log('  ok   ' + msg);
  else { failures++; console.log('  FAIL ' + msg); }
}

async function main() {
  const top = path.resolve(process.argv[2] || '.');
  const portalUrl = pathToFileURL(path.join(top, 'portal') + path.sep).href;
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
    headless: true,
    // No update checks, telemetry or prefetching: nothing to reach.
    extraPrefsFirefox: {
      'network.dns.disablePrefetch': true,
      'network.prefetch-next': false,
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
    },
  });
  console.log(`== ${await browser.version()}`);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));

  // 1. The start file's meta refresh leads into the portal.
  await page.goto(pathToFileURL(path.join(top, '打开门户.html')).href);
  await page.waitForFunction((u) => location.href.startsWith(u), { timeout: 15000 }, portalUrl);
  check(page.url() === portalUrl + 'index.html', `start file opens the portal (${page.url().slice(portalUrl.length)})`);

  // 2. Pages: the navigation and footer of the home page, plus the first
  //    record linked from each list.
  const links = await page.$$eval('header a[href], nav a[href], footer a[href]', (as) => as.map((a) => a.getAttribute('href')));
  const pages = [...new Set(links.filter((h) => h && !h.startsWith('#') && !/^[a-z]+:/.test(h)))];
  for (const list of ['outcomes/index.html', 'holders/index.html', 'regions/index.html', 'cases/index.html', 'notices/index.html']) {
    await page.goto(portalUrl + list);
    const first = await page.$eval('main a[href$=".html"]:not([href*="index"])', (a) => a.getAttribute('href')).catch(() => null);
    check(first !== null, `${list} links a record`);
    if (first) pages.push(new URL(first, portalUrl + list).href.slice(portalUrl.length));
  }
  let opened = 0;
  for (const p of new Set(pages)) {
    await page.goto(portalUrl + p);
    const h1 = await page.$eval('h1', (h) => h.textContent.trim()).catch(() => '');
    if (h1) opened++;
    else check(false, `${p} has a heading`);
  }
  check(opened >= 12, `${opened} pages open with their heading`);

  // 3. A listing filter (filter.js).
  await page.goto(portalUrl + 'outcomes/index.html');
  const filter = await page.evaluate(() => {
    const form = document.getElementById('list-filters');
    if (!form || form.hidden) return null;
    const cards = document.querySelectorAll('.card[data-facets]');
    const sel = form.querySelector('select');
    sel.value = sel.options[sel.options.length - 1].value;
    form.dispatchEvent(new Event('change'));
    return { total: cards.length, shown: [...cards].filter((c) => !c.hidden).length };
  });
  check(filter && filter.shown > 0 && filter.shown < filter.total,
    `listing filter keeps ${filter && filter.shown} of ${filter && filter.total} cards`);

  // 4. Search: the header box, then the search page.
  const waitResults = () => page.waitForFunction(() => {
    const s = document.getElementById('search-status');
    return s && s.textContent && !/正在检索/.test(s.textContent);
  }, { timeout: 20000 });
  await page.goto(portalUrl + 'index.html');
  await page.type('#q-header', '物理实验');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await waitResults();
  let hrefs = await page.$$eval('#search-results a', (as) => as.map((a) => a.getAttribute('href')));
  check(hrefs.some((h) => /wuli-shiyan-jiaoxue/.test(h)), `header search 物理实验 finds the physics outcome (${hrefs.length} results)`);
  await page.goto(portalUrl + 'search.html?q=' + encodeURIComponent('立德树人'));
  await waitResults();
  const marks = await page.$$eval('#search-results mark', (ms) => ms.map((m) => m.textContent));
  check(marks.length > 0 && marks.every((m) => m === '立德树人'), `立德树人 found and highlighted as one (${marks.length} marks)`);
  await page.goto(portalUrl + 'search.html?q=' + encodeURIComponent('一学校'));
  await waitResults();
  hrefs = await page.$$eval('#search-results a', (as) => as.map((a) => a.getAttribute('href')));
  check(hrefs.some((h) => /beijing-shiyi-xuexiao/.test(h)), '一学校 finds 北京市第十一学校 (across word boundaries)');

  // 5. The local video's metadata.
  await page.goto(portalUrl + 'outcomes/wuli-shiyan-jiaoxue.html');
  const v = await page.evaluate(() => new Promise((resolve) => {
    const v = document.querySelector('video');
    if (!v) return resolve({ r: 'no video' });
    const t = setTimeout(() => resolve({ r: 'timeout' }), 15000);
    v.addEventListener('loadedmetadata', () => { clearTimeout(t); resolve({ r: 'loadedmetadata', d: v.duration }); }, { once: true });
    v.addEventListener('error', () => { clearTimeout(t); resolve({ r: 'error ' + (v.error && v.error.code) }); }, { once: true });
    v.preload = 'metadata';
    v.load();
  }));
  check(v.r === 'loadedmetadata' && v.d > 0, `video metadata from the stick (${v.r}, ${v.d}s)`);

  check(errors.length === 0, `no JavaScript errors (${errors.join('; ')})`);
  await browser.close();
  if (failures) { console.log(`${failures} FAILED`); process.exit(1); }
  console.log('all checks passed');
}

main().catch((e) => { console.error(e); console.log('FAIL', e.message); process.exit(1); });
