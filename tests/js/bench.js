#!/usr/bin/env node
// Bytes and time per query of the browser runtime under node (the real
// timings come from Chromium, tests/browser/); every query runs in a fresh
// context (cold: nothing loaded yet) and then again after all others (warm).
//
// usage: node tests/js/bench.js SEARCH_DIR QUERIES_FILE [--limit N] [--json]
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { pathToFileURL, fileURLToPath } = require('url');

const runtime = path.join(__dirname, '..', '..', 'themes', 'default', 'static', 'search.js');

function context(searchDir) {
  const code = fs.readFileSync(runtime, 'utf8');
  let ctx;
  const head = {
    appendChild(s) {
      setImmediate(() => {
        let src;
        try { src = fs.readFileSync(fileURLToPath(s.src), 'utf8'); } catch (e) { s.onerror(e); return; }
        vm.runInContext(src, ctx);
        s.onload();
      });
    },
    removeChild() {},
  };
  ctx = vm.createContext({
    document: { currentScript: null, readyState: 'complete', head, documentElement: head,
      createElement: () => ({}), getElementById: () => null, addEventListener() {} },
    atob: (s) => Buffer.from(s, 'base64').toString('latin1'),
    setTimeout, setImmediate, console,
    chengguoSearchBase: pathToFileURL(searchDir).href.replace(/\/?$/, '/'),
  });
  vm.runInContext('var window = this;', ctx);
  vm.runInContext(code, ctx);
  return ctx;
}

function sizeOf(dir, files) {
  let b = 0;
  for (const f of files) b += fs.statSync(path.join(dir, f)).size;
  return b;
}

// Bytes per file family (`s`, `tb`, `docs`, …) of one query's files.
function families(dir, files) {
  const out = {};
  for (const f of files) {
    const k = f.replace(/-?[0-9]*\.js$/, '');
    out[k] = (out[k] || 0) + fs.statSync(path.join(dir, f)).size;
  }
  return out;
}

function pct(a, p) {
  const s = a.slice().sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
}

async function main() {
  const args = process.argv.slice(2);
  const dir = path.resolve(args[0]);
  const queries = fs.readFileSync(args[1], 'utf8').split('\n').filter(Boolean);
  const li = args.indexOf('--limit');
  const limit = li >= 0 ? parseInt(args[li + 1], 10) : 10;
  const rows = [];
  for (const q of queries) {
    const ctx = context(dir);
    const eng = ctx.chengguo._engine;
    // as the search page does: a precomputed first page when there is one,
    // else ranking, the rows, and the facets (facets.js) for the counts
    const t0 = process.hrtime.bigint();
    const ans = await eng.getAnswer(q);
    let res = null;
    if (!ans) res = await eng.rank(q, { limit });
    const t1 = process.hrtime.bigint();
    const searchFiles = eng.stats.files.slice();
    let hits = [];
    if (res) {
      hits = res.exact.map((h) => [h, true]).concat(res.partial.map((h) => [h, false]));
      await Promise.all(hits.map((p) => eng.details(p[0], p[1], p[1] ? res.chunks.join(' ') : res.words.join(' '))));
      // (the page counts facets from its rows when they hold every exact result)
      if (!(res.exactTotal > 0 && res.exactTotal <= 20)) await eng.getFacets();
    }
    const t2 = process.hrtime.bigint();
    rows.push({
      q, exact: ans ? ans.n : (res.exactTotal || 0), shown: ans ? ans.r.length : hits.length, answered: !!ans,
      searchBytes: sizeOf(dir, searchFiles), searchFiles: searchFiles.length,
      totalBytes: sizeOf(dir, eng.stats.files), totalFiles: eng.stats.files.length,
      searchMs: Number(t1 - t0) / 1e6, totalMs: Number(t2 - t0) / 1e6,
      families: families(dir, eng.stats.files),
    });
  }
  if (args.includes('--json')) for (const r of rows) console.log(JSON.stringify(r));
  const col = (k) => rows.map((r) => r[k]);
  const kb = (x) => (x / 1024).toFixed(0) + ' KB';
  console.log(`queries: ${rows.length}, limit ${limit}`);
  console.log(`index bytes per query (ranking only): median ${kb(pct(col('searchBytes'), 0.5))}, p90 ${kb(pct(col('searchBytes'), 0.9))}, max ${kb(Math.max(...col('searchBytes')))}`);
  console.log(`bytes per query incl. ${limit} result rows: median ${kb(pct(col('totalBytes'), 0.5))}, p90 ${kb(pct(col('totalBytes'), 0.9))}, max ${kb(Math.max(...col('totalBytes')))}`);
  console.log(`answered by a precomputed page: ${rows.filter((r) => r.answered).length}`);
  console.log(`files per query: median ${pct(col('totalFiles'), 0.5)}, max ${Math.max(...col('totalFiles'))}`);
  const fam = {};
  for (const r of rows) for (const k in r.families) (fam[k] = fam[k] || []).push(r.families[k]);
  console.log('family: queries loading it, mean KB when loaded, share of all bytes');
  const all = rows.reduce((a, r) => a + r.totalBytes, 0);
  for (const k of Object.keys(fam).sort()) {
    const v = fam[k], sum = v.reduce((a, b) => a + b, 0);
    console.log(`  ${k}: ${v.length}, ${(sum / v.length / 1024).toFixed(0)} KB, ${(100 * sum / all).toFixed(1)}%`);
  }
  console.log(`node cold time (ranking): median ${pct(col('searchMs'), 0.5).toFixed(1)} ms, max ${Math.max(...col('searchMs')).toFixed(1)} ms`);
  console.log(`node cold time (with rows): median ${pct(col('totalMs'), 0.5).toFixed(1)} ms, max ${Math.max(...col('totalMs')).toFixed(1)} ms`);
}

main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
