#!/usr/bin/env node
// Headless Chromium crawl of a built portal opened from disk (file://):
// starting at index.html, follows every internal <a href> breadth-first and
// loads every page once. A page fails when any request it makes fails (a
// missing stylesheet, script, image, poster…), when it logs a JavaScript
// error, or when it asks for anything that is not a file:// URL inside the
// portal (the portal must need no network). Also checks that #fragments of
// followed links exist on their target page.
//
// usage: node tests/browser/crawl.test.js PUBLIC_DIR
// env:   CHROMIUM=/usr/bin/chromium (default)
'use strict';
const fs = require('fs');
const path = require('path');
const { pathToFileURL, fileURLToPath } = require('url');
const { chromium } = require('playwright-core');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

async function main() {
  const root = path.resolve(process.argv[2] || 'public');
  const rootUrl = pathToFileURL(root + path.sep).href;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  const page = await browser.newPage();
  const problems = [];
  let current = '';
  page.on('requestfailed', (r) => problems.push(`${current}: request failed ${r.url()} (${r.failure() && r.failure().errorText})`));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(rootUrl) && !u.startsWith('data:') && !u.startsWith('about:')) problems.push(`${current}: request outside the portal: ${u}`);
  });
  page.on('pageerror', (e) => problems.push(`${current}: JavaScript error ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${current}: console error ${m.text()}`); });

  const queue = [rootUrl + 'index.html'];
  const seen = new Set(queue);
  const fragments = []; // [pageUrl, id, from]
  let pages = 0;
  while (queue.length) {
    const url = queue.shift();
    current = url.slice(rootUrl.length);
    const resp = await page.goto(url, { waitUntil: 'load' });
    pages++;
    if (!resp) { /* file:// navigations may report no response */ }
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
    for (const href of links) {
      if (!href.startsWith('file:')) continue; // mailto:, tel:, outward links (navigation, not resources)
      const [noHash, hash] = href.split('#');
      const clean = noHash.split('?')[0];
      let file;
      try { file = fileURLToPath(clean); } catch (e) { problems.push(`${current}: bad link ${href}`); continue; }
      if (!file.startsWith(root)) { problems.push(`${current}: link leaves the portal: ${href}`); continue; }
      if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) { problems.push(`${current}: broken link ${href}`); continue; }
      if (hash) fragments.push([clean, decodeURIComponent(hash), current]);
      if (clean.endsWith('.html') && !seen.has(clean)) { seen.add(clean); queue.push(clean); }
    }
  }
  // Fragments: the id must exist on the target page.
  const ids = new Map();
  for (const [target, id, from] of fragments) {
    if (!ids.has(target)) {
      await page.goto(target, { waitUntil: 'load' });
      ids.set(target, new Set(await page.$$eval('[id]', (els) => els.map((e) => e.id))));
    }
    if (!ids.get(target).has(id)) problems.push(`${from}: fragment #${id} missing on ${target.slice(rootUrl.length)}`);
  }
  await browser.close();
  const htmlFiles = [];
  (function walk(d) {
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (fs.statSync(p).isDirectory()) walk(p); else if (f.endsWith('.html')) htmlFiles.push(p);
    }
  })(root);
  const unreached = htmlFiles.filter((f) => !seen.has(pathToFileURL(f).href) && !/(^|\/)404\.html$/.test(f));
  console.log(`crawled ${pages} pages from file://, ${fragments.length} fragment links, ${htmlFiles.length} HTML files in the portal`);
  for (const u of unreached) problems.push(`not reachable by links from index.html: ${path.relative(root, u)}`);
  for (const p of problems) console.log('  FAIL ' + p);
  if (problems.length || pages < 10) { console.log(`${problems.length} problems`); process.exit(1); }
  console.log('all checks passed');
}

main().catch((e) => { console.error(e); process.exit(1); });
