#!/usr/bin/env node
// Photos as a teacher's browser meets them (issue 12): the sample case with
// a cover and two photos in its body, opened from file:// in headless
// Chromium at phone width (390 px, DPR 2) and desktop width (1280 px,
// DPR 1), scrolled to the end so lazy images load. Every picture the page
// loads must be a derived file of the width its srcset/sizes call for —
// never the full-size file on the phone — and the images must add up to at
// most 500 KB on the phone and 800 KB on the desktop (sizes read from the
// files on disk: exact bytes). Each <img> has width/height, and the page
// does not shift when the pictures arrive.
//
// usage: node tests/browser/images.test.js PUBLIC_DIR [CASE_PAGE PHOTOS]
//        (bench/images.sh passes a generated case with 5 photos)
// env:   CHROMIUM=/usr/bin/chromium (default)
'use strict';
const fs = require('fs');
const path = require('path');
const { pathToFileURL, fileURLToPath } = require('url');
const { chromium } = require('playwright-core');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const CASE = process.argv[3] || 'cases/jijiang-youeryuan-yuanhuo.html';
const PHOTOS = Number(process.argv[4] || 3);

async function main() {
  const root = path.resolve(process.argv[2] || 'public');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  const problems = [];
  const report = [];
  for (const [width, dpr, budget, phone] of [[390, 2, 500 * 1024, true], [1280, 1, 800 * 1024, false]]) {
    const ctx = await browser.newContext({ viewport: { width, height: 844 }, deviceScaleFactor: dpr });
    const page = await ctx.newPage();
    const loaded = new Set();
    page.on('requestfinished', (req) => {
      const u = req.url();
      if (u.startsWith('file:') && /\/media\/images\/.*\.(jpe?g|png)$/i.test(u)) loaded.add(fileURLToPath(u));
    });
    // Layout shifts while the pictures arrive (width/height reserve space).
    await page.addInitScript(() => {
      window.__shift = 0;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; })
        .observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(pathToFileURL(path.join(root, CASE)).href, { waitUntil: 'load' });
    // Scroll through the page so every lazy picture is requested.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0; y <= height; y += 400) {
      await page.evaluate((yy) => window.scrollTo(0, yy), y);
      await page.waitForTimeout(60);
    }
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    const imgs = await page.evaluate(() => [...document.querySelectorAll('main img')].map((i) => ({
      src: i.currentSrc, w: i.getAttribute('width'), h: i.getAttribute('height'),
      shown: i.getBoundingClientRect().width,
    })));
    const shift = await page.evaluate(() => window.__shift);
    if (shift > 0.02) problems.push(`${width}px: layout shift ${shift.toFixed(3)} while loading`);
    const photos = imgs.filter((i) => /\.jpe?g$/i.test(i.src));
    if (photos.length !== PHOTOS) problems.push(`${width}px: expected ${PHOTOS} photos on the page, found ${photos.length}: ${JSON.stringify(imgs)}`);
    for (const i of photos) {
      if (!i.w || !i.h) problems.push(`${width}px: <img> without width/height: ${i.src}`);
      // The file chosen is at least as wide as the picture is shown (in
      // device pixels), up to the largest there is.
      // (naturalWidth is density-corrected: the file's width is in its name,
      // or the full width for the file under the original's name.)
      const m = /-(\d+)w\.jpe?g$/.exec(i.src);
      const fileWidth = m ? Number(m[1]) : Number(i.w);
      if (fileWidth < Math.min(i.shown * dpr, Number(i.w)) - 1) problems.push(`${width}px: ${i.src} is ${fileWidth} px for ${i.shown * dpr} device px`);
    }
    let bytes = 0;
    for (const f of loaded) {
      bytes += fs.statSync(f).size;
      const name = path.basename(f);
      if (phone && !/-\d+w\.jpe?g$/.test(name)) problems.push(`${width}px: the phone loaded the full-size ${name}`);
    }
    if (loaded.size < PHOTOS) problems.push(`${width}px: only ${loaded.size} pictures loaded: ${[...loaded].join(', ')}`);
    if (bytes > budget) problems.push(`${width}px: images ${bytes} bytes > ${budget}`);
    report.push(`${width}px DPR ${dpr}: ${loaded.size} files, ${bytes} bytes, layout shift ${shift.toFixed(3)} (${[...loaded].map((f) => path.basename(f)).sort().join(', ')})`);
    await ctx.close();
  }
  await browser.close();
  console.log(report.join('\n'));

  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log('all checks passed: photos load as derived files within the budgets');
}

main().catch((e) => { console.error(e); process.exit(1); });
