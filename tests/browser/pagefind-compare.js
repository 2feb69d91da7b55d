#!/usr/bin/env node
// Side-by-side with Pagefind (npm `pagefind` 1.6) on the same built site and
// the same query set: index time, peak memory, size and file count, and
// recall / R-precision against the ground truth (the exact sets of the
// chengguo runtime, which tests/search_bench.rs checks against brute force).
//
// usage: node tests/browser/pagefind-compare.js PUBLIC_DIR QUERIES_FILE
// Needs `npm ci` and `npm install --no-save pagefind@1.6.0` in tests/browser and
// chromium. Pagefind cannot search from file://, so both run over http.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const http = require('http');
const { spawnSync } = require('child_process');
const { chromium } = require('playwright-core');

function walk(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out); else out.push(p);
  }
  return out;
}

function serve(root) {
  const server = http.createServer((req, res) => {
    let p;
    try { p = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch (e) { res.writeHead(400); res.end(); return; }
    const file = path.join(root, path.normalize(p).replace(/^([/\\])+/, ''));
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); res.end(); return; }
      const ext = path.extname(file);
      const type = ext === '.js' ? 'text/javascript' : ext === '.html' ? 'text/html; charset=utf-8' :
        ext === '.json' ? 'application/json' : ext === '.wasm' ? 'application/wasm' : 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const [pub, qfile] = process.argv.slice(2);
  const queries = fs.readFileSync(qfile, 'utf8').split('\n').filter((q) => Array.from(q.trim()).length >= 2);
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'pagefind-site-'));
  fs.cpSync(path.resolve(pub), site, { recursive: true });
  fs.rmSync(path.join(site, 'pagefind'), { recursive: true, force: true });

  // index with Pagefind, measuring time and peak memory (GNU time)
  const bin = path.join(__dirname, 'node_modules', '.bin', 'pagefind');
  const t0 = Date.now();
  const r = spawnSync('/usr/bin/time', ['-v', bin, '--site', site], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const secs = (Date.now() - t0) / 1000;
  const rss = (/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr || '') || [])[1];
  if (r.status !== 0) { console.error(r.stdout, r.stderr); process.exit(1); }
  const pfFiles = walk(path.join(site, 'pagefind'), []);
  const pfBytes = pfFiles.reduce((a, f) => a + fs.statSync(f).size, 0);
  const ourFiles = walk(path.join(site, 'search'), []);
  const ourBytes = ourFiles.reduce((a, f) => a + fs.statSync(f).size, 0);

  // fragment id → url
  const urlOf = {};
  for (const f of fs.readdirSync(path.join(site, 'pagefind', 'fragment'))) {
    const raw = zlib.gunzipSync(fs.readFileSync(path.join(site, 'pagefind', 'fragment', f))).toString('utf8');
    const j = JSON.parse(raw.replace(/^pagefind_dcd/, ''));
    urlOf[f.replace(/\.pf_fragment$/, '')] = j.url.replace(/^\//, '');
  }

  const server = await serve(site);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await browser.newPage();
  await page.goto(base + 'search.html');
  await page.waitForFunction(() => window.chengguo && window.chengguo.search);
  await page.evaluate(async (b) => { window.pf = await import(b + 'pagefind/pagefind.js'); await window.pf.init(); }, base);
  let recall = 0, rprec = 0, n = 0, perfectRecall = 0, perfectR = 0;
  for (const q of queries) {
    const truth = await page.evaluate((q) => window.chengguo.search(q, { limit: 1e6 }).then((x) => x.filter((h) => h.exact).map((h) => h.url)), q);
    if (!truth.length) continue;
    const ids = await page.evaluate((q) => window.pf.search(q).then((r) => r.results.map((x) => x.id)), q);
    // only record pages can be ground truth; list and browse pages are ignored (in Pagefind's favour)
    const urls = ids.map((id) => urlOf[id]).filter((u) => u && /^[a-z]+\/[^/]+\.html$/.test(u) && !/\/index\.html$/.test(u));
    const T = new Set(truth);
    const found = urls.filter((u) => T.has(u)).length;
    const top = urls.slice(0, T.size).filter((u) => T.has(u)).length;
    recall += found / T.size; rprec += top / T.size; n++;
    if (found === T.size) perfectRecall++;
    if (top === T.size) perfectR++;
  }
  await browser.close();
  server.close();
  fs.rmSync(site, { recursive: true, force: true });
  const mb = (b) => (b / 1048576).toFixed(1) + ' MB';
  console.log(`Pagefind 1.6: index ${secs.toFixed(1)} s, peak RSS ${rss ? (rss / 1048576).toFixed(2) + ' GB' : '?'}, ${pfFiles.length} files, ${mb(pfBytes)}`);
  console.log(`chengguo:     ${ourFiles.length} files, ${mb(ourBytes)} (public/search)`);
  console.log(`queries with a non-empty ground truth: ${n}`);
  console.log(`Pagefind mean recall ${(100 * recall / n).toFixed(1)}%, mean R-precision ${(100 * rprec / n).toFixed(1)}%; recall 100% on ${perfectRecall}/${n}, R-precision 100% on ${perfectR}/${n}`);
}

main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
