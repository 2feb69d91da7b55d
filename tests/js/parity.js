#!/usr/bin/env node
// Runs the browser search runtime (themes/default/static/search.js) under
// node against an exported static index, with a minimal fake `document`
// whose <script> tags are executed with vm.runInContext. No npm packages.
//
// usage: node tests/js/parity.js SEARCH_DIR QUERIES_FILE [--snippets FILE] [--runtime search.js]
//   QUERIES_FILE: one query per line.
//   Prints one JSON object per query:
//     {"q", "exact": [ids in rank order], "partial": [ids], "words": [...],
//      "files": n, "bytes": n, "ms": n}
//   "rows": the first 20 results as the search page shows them,
//     [id, titleHtml, snippet] (exact ones highlighted with the chunks,
//     partial ones with the query words).
//   "answer", "general": for a query with a precomputed first page, that
//     page and the same page, counts and facets as the general path builds them.
//   --errors: for a damaged index; prints {"q", "error"} (the message the
//     runtime rejected with, or null) per query, ranking only.
//   --fieldnorms: prints the runtime's fieldnorm id -> length table.
//   --snippets FILE: JSON lines [text, query, maxChars] (text an array of
//     strings: the snippet of a record's extra strings); prints one JSON
//     string per line (the runtime's snippet HTML; maxChars < 0: the whole
//     text highlighted, as titles are) instead.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { pathToFileURL, fileURLToPath } = require('url');

function main() {
  const args = process.argv.slice(2);
  let runtime = path.join(__dirname, '..', '..', 'themes', 'default', 'static', 'search.js');
  let snippets = null, fieldnorms = false;
  let errors = false;
  const pos = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runtime') runtime = args[++i];
    else if (args[i] === '--snippets') snippets = args[++i];
    else if (args[i] === '--errors') errors = true;
    else if (args[i] === '--fieldnorms') fieldnorms = true;
    else pos.push(args[i]);
  }
  if (pos.length < 1) {
    console.error('usage: parity.js SEARCH_DIR QUERIES_FILE [--snippets FILE]');
    process.exit(2);
  }
  const searchDir = path.resolve(pos[0]);
  const ctx = makeContext(searchDir);
  vm.runInContext(fs.readFileSync(runtime, 'utf8'), ctx, { filename: runtime });
  const eng = ctx.chengguo._engine;

  if (fieldnorms) {
    process.stdout.write(JSON.stringify(Array.from(eng.fieldnorms)) + '\n');
    return Promise.resolve();
  }
  if (snippets) {
    const lines = fs.readFileSync(snippets, 'utf8').split('\n').filter(Boolean);
    for (const l of lines) {
      const [text, q, max] = JSON.parse(l);
      // (an array: a record's extra strings, snippetOfValues)
      const html = Array.isArray(text) ? eng.snippetOfValues(text, q, max) :
        max < 0 ? eng.highlight(text, q) : eng.snippet(text, q, max);
      process.stdout.write(JSON.stringify(html) + '\n');
    }
    return Promise.resolve();
  }
  const queries = fs.readFileSync(pos[1], 'utf8').split('\n').filter((l) => l.length > 0);
  if (errors) {
    return (async () => {
      for (const q of queries) {
        let error = null;
        try { await eng.rank(q, { limit: 20 }); } catch (e) { error = String(e && e.message ? e.message : e); }
        process.stdout.write(JSON.stringify({ q, error }) + '\n');
      }
    })();
  }
  return eng.getMeta().then(async (meta) => {
    const ids = [];
    // record ids come from the store shards (loaded on demand per record)
    const idOf = async (ord) => {
      if (ids[ord] === undefined) {
        const r = await eng.details([ord, 0, 0], true, '');
        ids[ord] = r.id;
      }
      return ids[ord];
    };
    for (const q of queries) {
      const before = eng.stats.files.length;
      const t0 = process.hrtime.bigint();
      const res = await eng.rank(q, { limit: 1000000 });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const files = eng.stats.files.slice(before);
      let bytes = 0;
      for (const f of files) bytes += fs.statSync(path.join(searchDir, f)).size;
      const exact = [];
      for (const h of res.exact) exact.push(await idOf(h[0]));
      const partial = [];
      for (const h of res.partial) partial.push(await idOf(h[0]));
      const shown = res.exact.map((h) => [h, true]).concat(res.partial.map((h) => [h, false])).slice(0, 20);
      const rows = [];
      for (const [h, ex] of shown) {
        const r = await eng.details(h, ex, ex ? res.chunks.join(' ') : res.words.join(' '));
        rows.push([r.id, r.titleHtml, r.snippet]);
      }
      // facet counts of a query whose exact results fit on one page: from
      // the rows' store entries (what the search page uses) and from facets.js
      let rowFacets = null;
      if (res.exact.length > 0 && res.exact.length <= 20) {
        const fac = await eng.getFacets();
        const a = new Map(), b = new Map();
        for (const h of res.exact) {
          const d = await eng.details(h, true, res.chunks.join(' '));
          for (const ix of d.facets) a.set(ix, (a.get(ix) || 0) + 1);
          for (const ix of fac.docs[h[0]]) b.set(ix, (b.get(ix) || 0) + 1);
        }
        const flat = (m) => Array.from(m.keys()).sort((x, y) => x - y).flatMap((k) => [k, m.get(k)]);
        rowFacets = [flat(a), flat(b)];
      }
      const out = {
        q, exact, partial, words: Array.from(res.words), files: files.length, bytes, ms, rows,
        scores: res.exact.map((h) => h[2]), rowFacets,
      };
      // A precomputed first page (answers.rs) and what the general path
      // shows for the same query: page 1 as [ord, titleHtml, url, kind,
      // snippet], the kind counts and the facet-value counts.
      const ans = await eng.getAnswer(q);
      if (ans) {
        const fac = await eng.getFacets();
        const docs = eng.docsOf();
        const k = eng.metaOf().kinds.map(() => 0);
        const counts = new Map();
        for (const h of res.exact) {
          k[docs.kind[h[0]]]++;
          for (const ix of fac.docs[h[0]]) counts.set(ix, (counts.get(ix) || 0) + 1);
        }
        const f = [];
        for (const ix of Array.from(counts.keys()).sort((a, b) => a - b)) f.push(ix, counts.get(ix));
        const r = [];
        for (const h of res.exact.slice(0, 20)) {
          const d = await eng.details(h, true, res.chunks.join(' '));
          r.push([h[0], d.titleHtml, d.url, docs.kind[h[0]], d.snippet]);
        }
        out.answer = ans;
        out.general = { n: res.exactTotal, r, k, f };
      }
      process.stdout.write(JSON.stringify(out) + '\n');
    }
    void meta;
  });
}

function makeContext(searchDir) {
  const head = {
    appendChild(s) {
      setImmediate(() => {
        let file;
        try {
          file = fileURLToPath(s.src);
        } catch (e) {
          s.onerror && s.onerror(e);
          return;
        }
        let code;
        try {
          code = fs.readFileSync(file, 'utf8');
        } catch (e) {
          s.onerror && s.onerror(e);
          return;
        }
        vm.runInContext(code, ctx, { filename: file });
        s.onload && s.onload();
      });
    },
    removeChild() {},
  };
  const document = {
    currentScript: null,
    readyState: 'complete',
    head,
    documentElement: head,
    createElement() {
      return { parentNode: null };
    },
    getElementById() {
      return null;
    },
    addEventListener() {},
  };
  const ctx = vm.createContext({
    document,
    atob: (s) => Buffer.from(s, 'base64').toString('latin1'),
    console,
    setTimeout,
    setImmediate,
    location: { search: '', pathname: '/search.html', protocol: 'file:' },
    chengguoSearchBase: pathToFileURL(searchDir).href.replace(/\/?$/, '/'),
  });
  vm.runInContext('var window = this;', ctx);
  return ctx;
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
