#!/usr/bin/env node
// Deterministic benchmark query set from a site's content folder: theme and
// subject words, names (people, schools, holders), title phrases, two-word
// queries and random body substrings (which mostly cross word boundaries).
//
// usage: node tests/js/make-queries.js SITE_DIR [N=240] > queries.txt
'use strict';
const fs = require('fs');
const path = require('path');

let seed = 20241122;
function rnd(n) {
  // xorshift32
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed % n;
}
const pick = (a) => a[rnd(a.length)];

function main() {
  const site = process.argv[2];
  const n = parseInt(process.argv[3] || '240', 10);
  const content = path.join(site, 'content');
  const files = [];
  for (const kind of fs.readdirSync(content).sort()) {
    const d = path.join(content, kind);
    if (!fs.statSync(d).isDirectory() || kind === 'media') continue;
    for (const f of fs.readdirSync(d).sort()) if (f.endsWith('.md')) files.push(path.join(d, f));
  }
  const sample = [];
  for (let i = 0; i < Math.min(400, files.length); i++) sample.push(files[rnd(files.length)]);
  const words = new Set(), names = new Set(), titles = [], bodies = [];
  for (const f of sample) {
    const text = fs.readFileSync(f, 'utf8');
    const m = text.match(/^---\n([\s\S]*?)\n---\n([\s\S]*)$/);
    if (!m) continue;
    const fm = m[1], body = m[2];
    const t = fm.match(/^title:\s*(.+)$/m);
    if (t) titles.push(t[1].replace(/^["']|["']$/g, ''));
    for (const key of ['themes', 'subjects']) {
      const l = fm.match(new RegExp('^' + key + ':\\s*\\[(.*)\\]$', 'm'));
      if (l) l[1].split(',').map((s) => s.trim().replace(/^["']|["']$/g, '')).filter(Boolean).forEach((w) => words.add(w));
    }
    for (const key of ['people', 'authors', 'school', 'source', 'partners']) {
      const l = fm.match(new RegExp('^' + key + ':\\s*\\[?(.*?)\\]?$', 'm'));
      if (l) l[1].split(',').map((s) => s.trim().replace(/^["']|["']$/g, '')).filter(Boolean).forEach((w) => names.add(w));
    }
    bodies.push(body.replace(/[#>*|`\-\[\]()!]/g, ' '));
  }
  const W = Array.from(words).sort(), N = Array.from(names).sort();
  const out = new Set();
  const add = (q) => { q = q.trim(); if (q && !/[\n\r]/.test(q)) out.add(q); };
  while (out.size < n) {
    const k = rnd(10);
    if (k < 3 && W.length) add(pick(W));
    else if (k < 5 && N.length) add(pick(N));
    else if (k < 6 && titles.length) {
      const t = Array.from(pick(titles)); const a = rnd(Math.max(1, t.length - 4));
      add(t.slice(a, a + 4 + rnd(5)).join('').split(/[\s“”"：:，,]/)[0]);
    } else if (k < 7 && W.length) add(pick(W) + ' ' + pick(W));
    else if (bodies.length) {
      const b = Array.from(pick(bodies)); const a = rnd(Math.max(1, b.length - 8));
      add(b.slice(a, a + 2 + rnd(6)).join('').split(/[\s，。、；：“”（）,.;:]/)[0]);
    }
  }
  process.stdout.write(Array.from(out).filter((q) => Array.from(q).length >= 2).join('\n') + '\n');
}
main();
