#!/usr/bin/env node
// Accessibility of every page type of a built portal, with axe-core in
// headless Chromium from file://, at phone (390 px) and desktop (1280 px)
// width: no violation of moderate, serious or critical impact. The page
// types: home, each kind's list and detail page, a taxonomy and a term
// page, browse, matrix, statistics, data downloads, verify, 404, and the
// search page with results (after the search script has run).
//
// usage: node tests/browser/a11y.test.js PUBLIC_DIR
// env:   CHROMIUM=/usr/bin/chromium (default)
'use strict';
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const { chromium } = require('playwright-core');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const AXE = require.resolve('axe-core/axe.min.js');
const BAD = new Set(['moderate', 'serious', 'critical']);

function firstHtml(root, dir) {
  const files = fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.html') && f !== 'index.html' && !f.startsWith('page-')).sort();
  if (!files.length) throw new Error(`no page in ${dir}/`);
  return `${dir}/${files[0]}`;
}

async function main() {
  const root = path.resolve(process.argv[2] || 'public');
  const pages = ['index.html', 'browse/index.html', 'matrix.html', 'stats/index.html', 'data/index.html',
    'verify.html', '404.html', 'search.html?q=%E4%BD%9C%E4%B8%9A'];
  for (const kind of ['outcomes', 'holders', 'regions', 'cases', 'notices', 'pages']) {
    pages.push(`${kind}/index.html`, firstHtml(root, kind));
  }
  const browse = fs.readdirSync(path.join(root, 'browse')).filter((f) => f.endsWith('.html') && f !== 'index.html').sort();
  pages.push(`browse/${browse.find((f) => !f.includes('-'))}`, `browse/${browse.find((f) => f.includes('-'))}`);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  const problems = [];
  let checked = 0;
  for (const width of [390, 1280]) {
    const ctx = await browser.newContext({ viewport: { width, height: 844 } });
    const page = await ctx.newPage();
    for (const p of pages) {
      const url = pathToFileURL(path.join(root, p.split('?')[0])).href + (p.includes('?') ? '?' + p.split('?')[1] : '');
      await page.goto(url, { waitUntil: 'load' });
      if (p.startsWith('search.html')) {
        await page.waitForSelector('#search-results li', { timeout: 15000 });
      }
      await page.addScriptTag({ path: AXE });
      const result = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      });
      for (const v of result) {
        if (BAD.has(v.impact)) problems.push(`${width}px ${p}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
      }
      checked++;
    }
    await ctx.close();
  }
  await browser.close();
  if (checked < 40) problems.push(`only ${checked} page checks ran`);
  if (problems.length) {
    for (const p of problems) console.log('FAIL ' + p);
    process.exit(1);
  }
  console.log(`axe-core: ${checked} page checks (${pages.length} page types × 2 widths), no moderate or worse violation`);
  console.log('all checks passed');
}

main().catch((e) => { console.log('FAIL ' + (e.stack || e)); process.exit(1); });
