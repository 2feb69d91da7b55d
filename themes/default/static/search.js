/*! chengguo search runtime (format 6, docs/search-format.md).
 * Dependency-free, no build step, ES2017. Loads the static index in
 * ../search/ (relative to this script) lazily through classic <script>
 * tags, so it works over http(s) and from file:// alike.
 * API: window.chengguo.search(query, {kind, filters, limit, offset})
 *        -> Promise<[{id, kind, kindLabel, title, titleHtml, url, snippet, score, exact}]>
 * On a page with #search-results it also runs the search page UI. */
(function () {
  'use strict';
  var FORMAT = 6;
  var K1 = 1.2, B = 0.75;
  var PAGE = 20;
  var SNIPPET_CHARS = 90;
  var CONTEXT_BEFORE = 16;
  var f32 = Math.fround;

  var current = document.currentScript;
  var scriptSrc = (current && current.src) || '';
  var base = (window.chengguoSearchBase) ||
    scriptSrc.replace(/[?#].*$/, '').replace(/[^\/]*$/, '') + '../search/';

  // ---------------------------------------------------------------- loader
  var loaded = Object.create(null);
  var waiting = Object.create(null);
  var stats = { files: [], requests: 0 };

  window.__chengguo_search_load = function (type, key, payload) {
    loaded[key] = payload;
    var w = waiting[key];
    if (w) { delete waiting[key]; w.resolve(payload); }
  };

  function load(file, key) {
    if (key in loaded) return Promise.resolve(loaded[key]);
    if (waiting[key]) return waiting[key].promise;
    var w = {};
    w.promise = new Promise(function (resolve, reject) { w.resolve = resolve; w.reject = reject; });
    waiting[key] = w;
    stats.requests++;
    stats.files.push(file);
    var s = document.createElement('script');
    s.src = base + file;
    s.async = true;
    s.onload = function () {
      if (waiting[key]) { delete waiting[key]; w.reject(new Error('搜索索引文件内容无效：' + file)); }
      if (s.parentNode) s.parentNode.removeChild(s);
    };
    s.onerror = function () {
      if (waiting[key]) { delete waiting[key]; w.reject(new Error('无法加载搜索索引文件：' + file)); }
      if (s.parentNode) s.parentNode.removeChild(s);
    };
    (document.head || document.documentElement).appendChild(s);
    return w.promise;
  }

  // ------------------------------------------------------------- analyzer
  var SPACE = /^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]$/;
  function isSpace(c) { return SPACE.test(c); }

  // Per character NFKC then lowercase; returns {chars: [...], src: [...]}
  // where src[i] is the index (code points) of the source character.
  function normalizeMapped(s) {
    var chars = [], src = [], i = 0;
    for (var ch of s) {
      var n = ch.charCodeAt(0) < 128 ? ch.toLowerCase() : ch.normalize('NFKC');
      for (var m of n) {
        var l = m.toLowerCase();
        for (var x of l) { chars.push(x); src.push(i); }
      }
      i++;
    }
    return { chars: chars, src: src };
  }
  function normalize(s) { return normalizeMapped(String(s)).chars.join(''); }

  function queryChunks(q) {
    var chars = normalizeMapped(String(q || '')).chars;
    var out = [], cur = '';
    for (var i = 0; i <= chars.length; i++) {
      if (i === chars.length || isSpace(chars[i])) {
        if (cur && out.indexOf(cur) < 0) out.push(cur);
        cur = '';
      } else cur += chars[i];
    }
    return out;
  }

  function covering(n) {
    var v = [];
    if (n < 2) return v;
    for (var o = 0; o < n - 1; o += 2) v.push(o);
    if (v[v.length - 1] !== n - 2) v.push(n - 2);
    return v;
  }

  function hash32(s) {
    var h = 0x811c9dc5;
    for (var ch of s) { h ^= ch.codePointAt(0); h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  function cps(s) { return Array.from(s); }
  var WORDISH = /[\p{Alphabetic}\p{N}]/u;
  function isWordish(w) { return WORDISH.test(w); }

  // ---------------------------------------------------------- highlighter
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;';
    });
  }

  function matchRanges(text, query) {
    var m = normalizeMapped(String(text || ''));
    var ranges = [];
    var chunks = queryChunks(query);
    for (var k = 0; k < chunks.length; k++) {
      var q = cps(chunks[k]);
      if (!q.length || q.length > m.chars.length) continue;
      for (var s = 0; s + q.length <= m.chars.length; s++) {
        var ok = true;
        for (var j = 0; j < q.length; j++) if (m.chars[s + j] !== q[j]) { ok = false; break; }
        if (ok) ranges.push([m.src[s], m.src[s + q.length - 1] + 1]);
      }
    }
    ranges.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    for (var r = 0; r < ranges.length; r++) {
      var last = merged[merged.length - 1];
      if (last && ranges[r][0] <= last[1]) last[1] = Math.max(last[1], ranges[r][1]);
      else merged.push([ranges[r][0], ranges[r][1]]);
    }
    return merged;
  }

  // Same algorithm as src/search/highlight.rs (byte-identical output).
  function snippet(text, query, maxChars) {
    return windowed(cps(String(text || '')), matchRanges(text, query), maxChars);
  }
  // A record whose first match is in an extra string: the strings joined
  // with 、, each one's matches marked (highlight.rs `snippet_of_values`).
  function snippetOfValues(values, query, maxChars) {
    var chars = [], ranges = [];
    for (var i = 0; i < values.length; i++) {
      if (i) chars.push('\u3001');
      var off = chars.length, rs = matchRanges(values[i], query), c = cps(String(values[i] || ''));
      for (var k = 0; k < rs.length; k++) ranges.push([rs[k][0] + off, rs[k][1] + off]);
      for (var j = 0; j < c.length; j++) chars.push(c[j]);
    }
    return windowed(chars, ranges, maxChars);
  }
  function windowed(chars, ranges, maxChars) {
    var n = chars.length, start, end;
    if (ranges.length) {
      start = Math.max(0, ranges[0][0] - CONTEXT_BEFORE);
      end = Math.min(Math.max(start + maxChars, ranges[0][1]), n);
    } else { start = 0; end = Math.min(maxChars, n); }
    for (var i = 0; i < ranges.length; i++) if (ranges[i][0] < end && ranges[i][1] > end) end = ranges[i][1];
    return render(chars, ranges, start, end);
  }
  // The whole text, every match marked, nothing cut (titles): highlight.rs `highlight`.
  function highlight(text, query) {
    var chars = cps(String(text || ''));
    return render(chars, matchRanges(text, query), 0, chars.length);
  }
  function render(chars, ranges, start, end) {
    var n = chars.length;
    var out = start > 0 ? '\u2026' : '';
    var pos = start;
    for (var r = 0; r < ranges.length; r++) {
      var s = ranges[r][0], e = ranges[r][1];
      if (e <= start || s >= end) continue;
      s = Math.max(s, start);
      out += escapeHtml(chars.slice(pos, s).join('')) + '<mark>' + escapeHtml(chars.slice(s, e).join('')) + '</mark>';
      pos = e;
    }
    out += escapeHtml(chars.slice(pos, end).join(''));
    if (end < n) out += '\u2026';
    return out;
  }

  // ----------------------------------------------------------- index data
  var meta = null;
  function getMeta() {
    return load('meta.js', 'meta').then(function (m) {
      if (!m || m.version !== FORMAT) throw new Error('搜索索引版本不符，请重新构建网站');
      meta = m;
      return m;
    });
  }

  // basE91 (postcode.rs): the bytes of every binary payload.
  var B91 = '!#$%&()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~';
  var B91DEC = new Int32Array(128);
  for (var bi = 0; bi < B91.length; bi++) B91DEC[B91.charCodeAt(bi)] = bi;
  function bytesOf(s) {
    var out = new Uint8Array(Math.ceil(s.length * 14 / 16) + 2), o = 0;
    var v = -1, b = 0, n = 0;
    for (var i = 0; i < s.length; i++) {
      var d = B91DEC[s.charCodeAt(i) & 127];
      if (v < 0) { v = d; continue; }
      v += d * 91;
      b |= v << n;
      n += (v & 8191) > 88 ? 13 : 14;
      do { out[o++] = b & 255; b >>>= 8; n -= 8; } while (n > 7);
      v = -1;
    }
    if (v >= 0) out[o++] = (b | v << n) & 255;
    return out.subarray(0, o);
  }

  // Canonical Huffman codes (textcode.rs): code [symbols in canonical order,
  // codes per length]; bits least significant first within a byte, code bits
  // most significant first. Returns the index of the symbol in code[0].
  function BitReader(bytes) { this.b = bytes; this.i = 0; }
  BitReader.prototype.sym = function (counts) {
    var code = 0, first = 0, idx = 0;
    for (var l = 0; l < counts.length; l++) {
      if ((this.i >> 3) >= this.b.length) break;
      code = code * 2 + ((this.b[this.i >> 3] >> (this.i & 7)) & 1);
      this.i++;
      var cnt = counts[l];
      if (code - first < cnt) return idx + code - first;
      idx += cnt;
      first = (first + cnt) * 2;
    }
    throw new Error('搜索索引文件内容无效');
  };

  // {kind: Uint8Array, norms: Uint8Array (4 per doc: title, summary, body, extra),
  //  normTable: fieldnorm id -> length, textCode: the store's code}
  var docsInfo = null;
  // tantivy's fieldnorm id -> field length (tests/search_parity.rs holds it to tantivy's): ids
  // up to 40 are lengths, then each run of 8 ids steps by twice the last step.
  var FIELDNORMS = [];
  for (var fid = 0, fbase = 40; fid < 256; fid++) {
    if (fid <= 40) { FIELDNORMS.push(fid); continue; }
    var fb = (fid - 41) >> 3, fj = ((fid - 41) & 7) + 1;
    FIELDNORMS.push(fbase + Math.pow(2, fb + 1) * fj);
    if (fj === 8) fbase += 8 * Math.pow(2, fb + 1);
  }
  // The store's symbols: one string cut by the base-36 lengths (textcode.rs).
  function textSyms(tc) {
    var cs = Array.from(tc.text), out = [], at = 0;
    for (var i = 0; i < tc.lens.length; i++) {
      var n = parseInt(tc.lens[i], 36);
      out.push(cs.slice(at, at + n).join(''));
      at += n;
    }
    if (at !== cs.length) throw new Error('搜索索引文件内容无效');
    return out;
  }
  function getDocs() {
    if (docsInfo) return Promise.resolve(docsInfo);
    return load('docs.js', 'docs').then(function (p) {
      var n = meta.docs, kind = new Uint8Array(n), d = 0;
      // kinds: runs [kind index, records, …] in meta.kindRuns
      for (var i = 0; i + 1 < meta.kindRuns.length; i += 2) {
        for (var j = 0; j < meta.kindRuns[i + 1] && d < n; j++) kind[d++] = meta.kindRuns[i];
      }
      // norms: per field, per record the fieldnorm id (code p.normCodes[field])
      var norms = new Uint8Array(n * 4), br = new BitReader(bytesOf(p.norms));
      for (var f = 0; f < 4; f++) {
        var c = p.normCodes[f];
        for (d = 0; d < n; d++) norms[d * 4 + f] = c[0][br.sym(c[1])];
      }
      docsInfo = {
        kind: kind, norms: norms, normTable: FIELDNORMS,
        textCode: { syms: textSyms(p.textCode), eos: p.textCode.eos, counts: p.textCode.counts }
      };
      return docsInfo;
    });
  }

  // [facet index, value] per global facet-value index (meta.facets order).
  var values = null;
  function valueTable() {
    if (!values) {
      values = [];
      meta.facets.forEach(function (f, fi) { f[2].forEach(function (v) { values.push([fi, v]); }); });
    }
    return values;
  }

  var facetsInfo = null; // array per doc of value indexes
  function getFacets() {
    if (facetsInfo) return Promise.resolve(facetsInfo);
    return load('facets.js', 'facets').then(function (p) {
      // per facet, per record the number of values, then their local
      // indexes, in the facet's codes (p.codes[f]: [count code, value code])
      var br = new BitReader(bytesOf(p.bits)), out = [], d;
      for (d = 0; d < meta.docs; d++) out.push([]);
      var offset = 0;
      meta.facets.forEach(function (f, fi) {
        var nc = p.codes[fi][0], vc = p.codes[fi][1], prev = [];
        for (d = 0; d < meta.docs; d++) {
          var n = nc[0][br.sym(nc[1])];
          // 65535: the values of the record before (export.rs FACET_REPEAT)
          if (n !== 65535) {
            prev = [];
            for (var i = 0; i < n; i++) prev.push(offset + vc[0][br.sym(vc[1])]);
          }
          for (var j = 0; j < prev.length; j++) out[d].push(prev[j]);
        }
        br.end();
        offset += f[2].length;
      });
      // value index -> [facet index, value]
      facetsInfo = { docs: out, table: valueTable() };
      return facetsInfo;
    });
  }

  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  // The routing shard of a term: its posting inline (`i`, the rarest
  // terms), the index of its big file (`t`), or neither (a hash shard).
  function getRoute(t) {
    var r = 'r-' + (hash32(t) % meta.routeShards);
    return load(r + '.js', r);
  }
  // The term's posting (record-level part and positions in one string), or null.
  function termPosting(t, m) {
    if (has(m.i, t)) return Promise.resolve(m.i[t]);
    var f = has(m.t, t) ? 'tb-' + m.t[t] : 't-' + (hash32(t) % meta.termShards);
    return load(f + '.js', f).then(function (shard) { return has(shard, t) ? shard[t] : null; });
  }

  // Bit reads of the posting code (postcode.rs): bits least significant
  // first within a byte; a value's bits after its unary part least
  // significant first, so they come from a 32-bit window in one step.
  BitReader.prototype.peek = function () {
    var b = this.b, j = this.i >> 3, s = this.i & 7;
    var w = (b[j] | (b[j + 1] << 8) | (b[j + 2] << 16) | (b[j + 3] << 24)) >>> s;
    if (s) w |= b[j + 4] << (32 - s);
    return w >>> 0;
  };
  BitReader.prototype.low = function (k) {
    if (k <= 24) {
      var v = k ? this.peek() & ((1 << k) - 1) : 0;
      this.i += k;
      return v;
    }
    var lo = this.low(16);
    return lo + this.low(k - 16) * 65536;
  };
  var POW2 = [], MASK = [];
  for (var pk = 0; pk <= 32; pk++) { POW2.push(Math.pow(2, pk)); MASK.push(pk < 32 ? Math.pow(2, pk) - 1 : 0); }
  // Past the end of the data: the last read ran off a truncated posting.
  BitReader.prototype.end = function () {
    if (this.i > this.b.length * 8) throw new Error('搜索索引文件内容无效');
  };
  // A count of values each at least one bit long cannot exceed the bits
  // left (a damaged file must not make a reader loop for ever).
  BitReader.prototype.bound = function (count) {
    if (count > this.b.length * 8 - this.i) throw new Error('搜索索引文件内容无效');
  };
  BitReader.prototype.gamma = function () {
    var z = 0, w;
    while ((w = this.peek()) === 0) { z += 32; this.i += 32; this.end(); }
    var t = 31 - Math.clz32(w & -w);
    z += t;
    this.i += t + 1;
    return POW2[z] + this.low(z) - 1;
  };
  BitReader.prototype.rice = function (k) {
    var w = this.peek(), q = 0;
    if (w !== 0xffffffff) {
      var nw = ~w, t = 31 - Math.clz32(nw & -nw);
      if (t + 1 + k <= 32) {
        // the unary part and the low bits in one window
        this.i += t + 1 + k;
        return k ? t * POW2[k] + ((w >>> (t + 1)) & MASK[k]) : t;
      }
    }
    while ((w = this.peek()) === 0xffffffff) { q += 32; this.i += 32; this.end(); }
    var nw2 = ~w, t2 = 31 - Math.clz32(nw2 & -nw2);
    q += t2;
    this.i += t2 + 1;
    return q * POW2[k] + this.low(k);
  };

  var decoded = Object.create(null);
  // Decoded posting: per field {ords: [], tfs: [], pos: [[...]] (when decoded)}.
  // The positions follow the record-level part in the same string; they are
  // decoded only for chunks of 3+ characters.
  function getTerm(t, needPos) {
    var d = decoded[t];
    if (d && (!needPos || d.hasPos)) return Promise.resolve(d.fields);
    var withPos = needPos && cps(t).length >= 2;
    return getRoute(t).then(function (m) { return termPosting(t, m); }).then(function (raw) {
      d = decoded[t];
      if (d && (!needPos || d.hasPos)) return d.fields;
      // (positions flat: entry e of a field has pos[off[e]] … pos[off[e + 1] − 1])
      var fields = [0, 1, 2, 3].map(function () { return { ords: [], tfs: [], pos: [], off: [0] }; });
      if (raw !== null) {
        var r = new BitReader(bytesOf(raw)), mc = meta.maskCode;
        var n = r.gamma(), kg = r.gamma(), kt = [r.gamma(), r.gamma(), r.gamma(), r.gamma()];
        r.bound(n);
        var ord = -1, seq = [];
        for (var i = 0; i < n; i++) {
          ord += r.rice(kg) + 1;
          var mask = mc[0][r.sym(mc[1])];
          for (var fi = 0; fi < 4; fi++) {
            if (!(mask & (1 << fi))) continue;
            var F = fields[fi];
            F.ords.push(ord); F.tfs.push(r.rice(kt[fi]) + 1);
            seq.push(fi);
          }
        }
        if (withPos) {
          var kp = [r.gamma(), r.gamma(), r.gamma(), r.gamma()], at = [0, 0, 0, 0], fill = [0, 0, 0, 0];
          // typed arrays of the known sizes (each offset takes a bit at least)
          for (var f2 = 0; f2 < 4; f2++) {
            var G0 = fields[f2], total = 0;
            for (var a = 0; a < G0.tfs.length; a++) total += G0.tfs[a];
            r.bound(total);
            G0.pos = new Int32Array(total);
            G0.off = new Int32Array(G0.tfs.length + 1);
          }
          for (var e = 0; e < seq.length; e++) {
            var sf = seq[e], G = fields[sf], k2 = kp[sf], ei = at[sf]++, tf = G.tfs[ei], P = G.pos, pi = fill[sf], last = -1;
            for (var k = 0; k < tf; k++) { last = k ? last + r.rice(k2) + 1 : r.rice(k2); P[pi++] = last; }
            fill[sf] = pi;
            G.off[ei + 1] = pi;
          }
        }
        r.end();
      }
      decoded[t] = { fields: fields, hasPos: withPos };
      return fields;
    });
  }

  function termsOf(s) {
    var c = cps(s);
    if (c.length <= 2) return [[0, s]];
    return covering(c.length).map(function (o) { return [o, c[o] + c[o + 1]]; });
  }

  function idf(df, n) { return f32(Math.log(f32(1 + f32(f32(n - df + 0.5) / f32(df + 0.5))))); }

  // Records containing normalised string s: Map ord -> [mask, score].
  // A phrase with a precomputed posting (routing shard of s) needs no positions.
  function matchString(s) {
    if (cps(s).length < 3) return matchTerms(s);
    var r = 'p-' + (hash32(s) % meta.phraseShards);
    return load(r + '.js', r).then(function (m) {
      if (!has(m.x, s)) return matchTerms(s);
      var f = 'x-' + m.x[s];
      return Promise.all([load(f + '.js', f), getDocs()]).then(function (p) { return matchPhrase(s, p[0][s]); });
    });
  }

  // The precomputed first page of a one-phrase query (answers.rs): what
  // the search page shows for it with no filter, or null.
  function getAnswer(q) {
    var chunks = queryChunks(q);
    // (window.chengguoNoAnswers: the tests compare the page with the general path's)
    // (a chunk of 1 character has no answer)
    if (window.chengguoNoAnswers || chunks.length !== 1 || cps(chunks[0]).length < 2) return Promise.resolve(null);
    var s = chunks[0];
    return getMeta().then(function () {
      var r = 'p-' + (hash32(s) % meta.phraseShards);
      return load(r + '.js', r);
    }).then(function (m) {
      if (!m.a || !has(m.a, s)) return null;
      var f = 'a-' + m.a[s];
      return load(f + '.js', f).then(function (x) { return x[s]; });
    });
  }

  // Phrase posting (phrases.rs): per field the dfs of the covering bigrams,
  // then the records with the phrase frequency per field.
  function matchPhrase(s, raw) {
    var nTerms = termsOf(s).length, N = meta.docs, r = new BitReader(bytesOf(raw)), mc = meta.maskCode;
    var weights = [];
    for (var fi = 0; fi < 4; fi++) {
      var idfSum = f32(0), any = true;
      for (var j = 0; j < nTerms; j++) {
        var df = r.gamma();
        if (!df) any = false;
        idfSum = f32(idfSum + idf(df, N));
      }
      weights.push(any ? f32(idfSum * f32(1 + K1)) : 0);
    }
    var fields = [0, 1, 2, 3].map(function () { return { ords: [], tfs: [] }; });
    var n = r.gamma(), kg = r.gamma(), kt = [r.gamma(), r.gamma(), r.gamma(), r.gamma()], ord = -1;
    r.bound(n);
    for (var i = 0; i < n; i++) {
      ord += r.rice(kg) + 1;
      var mask = mc[0][r.sym(mc[1])];
      for (var f = 0; f < 4; f++) if (mask & (1 << f)) { fields[f].ords.push(ord); fields[f].tfs.push(r.rice(kt[f]) + 1); }
    }
    r.end();
    var out = new Map();
    for (var fi2 = 0; fi2 < 4; fi2++) {
      var avg = f32(meta.avgFieldnorm[fi2]), F = fields[fi2], weight = weights[fi2];
      for (var a = 0; a < F.ords.length; a++) {
        var o = F.ords[a], tf = F.tfs[a];
        var norm = docsInfo.normTable[docsInfo.norms[o * 4 + fi2]];
        var cache = f32(K1 * f32(f32(1 - B) + f32(B * f32(norm) / avg)));
        var score = f32(weight * f32(tf / f32(tf + cache)));
        var e = out.get(o);
        if (!e) { e = [0, 0]; out.set(o, e); }
        e[0] |= 1 << fi2;
        e[1] = f32(e[1] + score);
      }
    }
    return Promise.resolve(out);
  }

  function matchTerms(s) {
    var terms = termsOf(s);
    var needPos = terms.length > 1;
    // (docs.js, for the norms, loads alongside the postings)
    return Promise.all([Promise.all(terms.map(function (t) { return getTerm(t[1], needPos); })), getDocs()]).then(function (pp) {
      var posts = pp[0], out = new Map(), N = meta.docs;
      for (var fi = 0; fi < 4; fi++) {
        var avg = f32(meta.avgFieldnorm[fi]);
        var lists = posts.map(function (p) { return p[fi]; });
        if (lists.some(function (l) { return !l.ords.length; })) continue;
        var idfSum = f32(0);
        for (var j = 0; j < lists.length; j++) idfSum = f32(idfSum + idf(lists[j].ords.length, N));
        var weight = f32(idfSum * f32(1 + K1));
        // intersect ords
        var idx = lists.map(function () { return 0; });
        var L0 = lists[0];
        for (var a = 0; a < L0.ords.length; a++) {
          var ord = L0.ords[a], all = true, at = [a];
          for (var j2 = 1; j2 < lists.length; j2++) {
            var L = lists[j2], k = idx[j2];
            while (k < L.ords.length && L.ords[k] < ord) k++;
            idx[j2] = k;
            if (k >= L.ords.length || L.ords[k] !== ord) { all = false; break; }
            at.push(k);
          }
          if (!all) continue;
          var tf;
          if (lists.length === 1) tf = L0.tfs[a];
          else tf = phraseCount(lists, at, terms);
          if (!tf) continue;
          var norm = docsInfo.normTable[docsInfo.norms[ord * 4 + fi]];
          var cache = f32(K1 * f32(f32(1 - B) + f32(B * f32(norm) / avg)));
          var score = f32(weight * f32(tf / f32(tf + cache)));
          var e = out.get(ord);
          if (!e) { e = [0, 0]; out.set(ord, e); }
          e[0] |= 1 << fi;
          e[1] = f32(e[1] + score);
        }
      }
      return out;
    });
  }

  // Number of start positions p with term j at p + offset_j for all j.
  function phraseCount(lists, at, terms) {
    var L0 = lists[0], b0 = L0.off[at[0]], b1 = L0.off[at[0] + 1], count = 0;
    var ptr = at.map(function (a, j) { return lists[j].off[a]; });
    for (var i = b0; i < b1; i++) {
      var p = L0.pos[i] - terms[0][0], ok = true;
      for (var j = 1; j < lists.length; j++) {
        var L = lists[j], P = L.pos, stop = L.off[at[j] + 1], want = p + terms[j][0], k = ptr[j];
        while (k < stop && P[k] < want) k++;
        ptr[j] = k;
        if (k >= stop || P[k] !== want) { ok = false; break; }
      }
      if (ok) count++;
    }
    return count;
  }

  // ---------------------------------------------------------- query words
  function segment(chunk) {
    var c = cps(chunk), n = c.length;
    var needed = {};
    c.forEach(function (ch) { needed[hash32(ch) % meta.wordShards] = true; });
    return Promise.all(Object.keys(needed).map(function (s) { return load('w-' + s + '.js', 'w' + s); })).then(function () {
      var maxLen = meta.maxWordChars, single = meta.wordSingle;
      var route = new Array(n + 1);
      route[n] = [0, 0];
      for (var i = n - 1; i >= 0; i--) {
        var best = [single + route[i + 1][0], 1];
        var shard = loaded['w' + (hash32(c[i]) % meta.wordShards)];
        for (var len = 2; len <= Math.min(maxLen, n - i); len++) {
          var w = c.slice(i, i + len).join('');
          if (Object.prototype.hasOwnProperty.call(shard, w)) {
            var cand = shard[w] + route[i + len][0];
            if (cand > best[0]) best = [cand, len];
          }
        }
        route[i] = best;
      }
      var out = [];
      for (var p = 0; p < n;) { var l = Math.max(1, route[p][1]); out.push(c.slice(p, p + l).join('')); p += l; }
      return out;
    });
  }

  function queryWords(chunks) {
    return Promise.all(chunks.map(segment)).then(function (segs) {
      var out = [];
      segs.forEach(function (ws) {
        ws.forEach(function (w) { if (cps(w).length >= 2 && isWordish(w) && out.indexOf(w) < 0) out.push(w); });
      });
      return out;
    });
  }

  // --------------------------------------------------------------- ranking
  // Returns {chunks, words, exact: [[ord, titleCount, score]], partial: [[ord, count, score]]}
  function rank(q, opts) {
    opts = opts || {};
    var limit = opts.limit == null ? PAGE : opts.limit;
    var fallbackBelow = opts.fallbackBelow == null ? limit : opts.fallbackBelow;
    var chunks = queryChunks(q);
    var res = { chunks: chunks, words: [], exact: [], partial: [] };
    if (!chunks.length || limit <= 0) return Promise.resolve(res);
    var filters = opts.filters || {};
    var hasFilters = Object.keys(filters).some(function (k) { return filters[k] && filters[k].length; });
    return getMeta().then(function () {
      // docs.js is loaded by the chunks' matching, beside their postings
      return hasFilters ? getFacets() : null;
    }).then(function () {
      var kindIx = -1;
      if (opts.kind) {
        kindIx = meta.kinds.map(function (k) { return k[0]; }).indexOf(opts.kind);
        if (kindIx < 0) return res;
      }
      var wanted = [];
      if (hasFilters) {
        meta.facets.forEach(function (f, fi) {
          var vals = filters[f[0]];
          if (!vals || !vals.length) return;
          var set = {};
          facetsInfo.table.forEach(function (tv, ix) { if (tv[0] === fi && vals.indexOf(tv[1]) >= 0) set[ix] = true; });
          wanted.push(set);
        });
      }
      function ok(ord) {
        if (kindIx >= 0 && docsInfo.kind[ord] !== kindIx) return false;
        for (var w = 0; w < wanted.length; w++) {
          var ids = facetsInfo.docs[ord], any = false;
          for (var i = 0; i < ids.length; i++) if (wanted[w][ids[i]]) { any = true; break; }
          if (!any) return false;
        }
        return true;
      }
      var cache = Object.create(null);
      return Promise.all(chunks.map(matchString)).then(function (ms) {
        chunks.forEach(function (c, i) { cache[c] = ms[i]; });
        var exact = [];
        ms[0].forEach(function (v, ord) {
          if (!ok(ord)) return;
          var title = v[0] & 1 ? 1 : 0, score = v[1], mask = v[0];
          for (var i = 1; i < ms.length; i++) {
            var e = ms[i].get(ord);
            if (!e) return;
            title += e[0] & 1 ? 1 : 0;
            score = f32(score + e[1]);
            mask |= e[0];
          }
          exact.push([ord, title, score, mask]);
        });
        exact.sort(function (a, b) { return b[1] - a[1] || b[2] - a[2] || a[0] - b[0]; });
        res.exactTotal = exact.length;
        res.exact = exact.slice(0, limit);
        if (exact.length >= fallbackBelow || res.exact.length >= limit) return res;
        return queryWords(chunks).then(function (words) {
          res.words = words;
          if (!words.length) return res;
          return Promise.all(words.map(function (w) { return cache[w] || matchString(w); })).then(function (wm) {
            var inExact = new Set(exact.map(function (e) { return e[0]; }));
            var part = new Map();
            wm.forEach(function (m) {
              m.forEach(function (v, ord) {
                if (inExact.has(ord) || !ok(ord)) return;
                var e = part.get(ord);
                if (!e) { e = [ord, 0, 0, 0]; part.set(ord, e); }
                e[1]++; e[2] = f32(e[2] + v[1]); e[3] |= v[0];
              });
            });
            var rest = Array.from(part.values());
            rest.sort(function (a, b) { return b[1] - a[1] || b[2] - a[2] || a[0] - b[0]; });
            var room = (opts.partialLimit == null ? limit - res.exact.length : opts.partialLimit);
            res.partial = rest.slice(0, Math.max(0, room));
            return res;
          });
        });
      });
    });
  }

  // ---------------------------------------------------------- result rows
  // (the canonical Huffman code of the store's strings is docs.js `textCode`, §3.5)
  // The first n strings of a row's bit stream (code bits most significant
  // first, bit i = bit i % 8 of byte i / 8; each string ends with the eos symbol).
  function decodeStrings(coded, n) {
    var tc = docsInfo.textCode, br = new BitReader(bytesOf(coded)), out = [], cur = '';
    while (out.length < n) {
      var sym = br.sym(tc.counts);
      if (sym === tc.eos) { out.push(cur); cur = ''; } else cur += tc.syms[sym];
    }
    return out;
  }
  // {id, title, url, summary, facets: [global facet-value indexes], extras}
  // of a record: row [id, coded strings, facets, number of extras(, url)];
  // the coded strings are the title, the summary, then the extras.
  function storeRow(ord) {
    var s = Math.floor(ord / meta.storeBlock);
    return load('s-' + s + '.js', 's' + s).then(function (rows) {
      var r = rows[ord - s * meta.storeBlock];
      var str = decodeStrings(r[1], 2 + r[3]), extras = str.slice(2);
      var kind = (meta.kinds[docsInfo.kind[ord]] || [''])[0];
      return {
        id: r[0], title: str[0], summary: str[1], facets: r[2], extras: extras,
        url: r.length > 4 ? r[4] : kind + '/' + r[0] + '.html'
      };
    });
  }
  // Builds a result object for [ord, _, score, fieldMask]; hl = string whose
  // chunks are highlighted. The snippet comes from the first of summary and
  // extra strings with a match (the store row carries both).
  function details(h, exact, hl) {
    var ord = h[0];
    return storeRow(ord).then(function (row) {
      var snip = null;
      if (matchRanges(row.summary, hl).length) snip = snippet(row.summary, hl, SNIPPET_CHARS);
      else if (row.extras.some(function (t) { return matchRanges(t, hl).length; })) {
        snip = snippetOfValues(row.extras, hl, SNIPPET_CHARS);
      }
      var k = meta.kinds[docsInfo.kind[ord]] || ['', ''];
      var r = {
        id: row.id, kind: k[0], kindLabel: k[1], title: row.title,
        titleHtml: highlight(row.title, hl), url: row.url, snippet: snip, score: h[2], exact: exact,
        facets: row.facets
      };
      if (snip !== null) return r;
      r.snippet = snippet(row.summary, hl, SNIPPET_CHARS);
      // A body-only match: the body text is not exported (it would make
      // every page of results load megabytes); name the matched text.
      if (!matchRanges(row.title, hl).length) {
        r.snippet += (r.snippet ? ' ' : '') + '<span class="search-result-in-body">正文包含：' +
          queryChunks(hl).map(function (c) { return '<mark>' + escapeHtml(c) + '</mark>'; }).join(' ') + '</span>';
      }
      return r;
    });
  }

  function search(q, opts) {
    opts = opts || {};
    var limit = opts.limit == null ? PAGE : opts.limit;
    var offset = opts.offset || 0;
    return rank(q, { kind: opts.kind, filters: opts.filters, limit: limit + offset }).then(function (res) {
      var all = res.exact.map(function (h) { return [h, true]; }).concat(res.partial.map(function (h) { return [h, false]; }));
      var page = all.slice(offset, offset + limit);
      var words = res.words.join(' ');
      var q2 = res.chunks.join(' ');
      return Promise.all(page.map(function (p) {
        return details(p[0], p[1], p[1] ? q2 : words);
      })).then(function (rows) {
        rows.total = all.length;
        rows.exactTotal = res.exactTotal || 0;
        rows.partial = all.length > 0 && !all[0][1];
        return rows;
      });
    });
  }

  var api = window.chengguo = window.chengguo || {};
  api.search = search;
  api._engine = {
    rank: rank, details: details, getAnswer: getAnswer, snippet: snippet, highlight: highlight, matchRanges: matchRanges, normalize: normalize,
    snippetOfValues: snippetOfValues, fieldnorms: FIELDNORMS, queryChunks: queryChunks, covering: covering, hash32: hash32, segment: segment, stats: stats,
    getMeta: getMeta, getFacets: getFacets, base: base, metaOf: function () { return meta; },
    docsOf: function () { return docsInfo; }
  };

  // ------------------------------------------------------------------- UI
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;
    return e;
  }

  function readParams() {
    var p = { q: '', kind: '', page: 1, filters: {} };
    var qs = (window.location.search || '').replace(/^\?/, '');
    qs.split('&').forEach(function (kv) {
      if (!kv) return;
      var i = kv.indexOf('='), k, v;
      try {
        k = decodeURIComponent((i < 0 ? kv : kv.slice(0, i)).replace(/\+/g, ' '));
        v = i < 0 ? '' : decodeURIComponent(kv.slice(i + 1).replace(/\+/g, ' '));
      } catch (e) { return; }
      if (k === 'q') p.q = v;
      else if (k === 'kind') p.kind = v;
      else if (k === 'page') p.page = Math.max(1, parseInt(v, 10) || 1);
      else if (k.indexOf('f.') === 0 && v) {
        var key = k.slice(2);
        (p.filters[key] = p.filters[key] || []).push(v);
      }
    });
    return p;
  }

  function buildQuery(p) {
    var parts = ['q=' + encodeURIComponent(p.q)];
    if (p.kind) parts.push('kind=' + encodeURIComponent(p.kind));
    Object.keys(p.filters).sort().forEach(function (k) {
      p.filters[k].forEach(function (v) { parts.push('f.' + encodeURIComponent(k) + '=' + encodeURIComponent(v)); });
    });
    if (p.page > 1) parts.push('page=' + p.page);
    return '?' + parts.join('&');
  }

  function pageHref(p) {
    var path = window.location.pathname.replace(/^.*\//, '') || 'search.html';
    return path + buildQuery(p);
  }

  function initUI() {
    var results = document.getElementById('search-results');
    if (!results) return;
    var status = document.getElementById('search-status');
    var facetsBox = document.getElementById('search-facets');
    var pager = document.getElementById('search-pager');
    var input = document.getElementById('search-input');
    var form = document.getElementById('search-form');
    var state = readParams();
    var seq = 0;

    function say(text) { if (status) status.textContent = text; }

    function navigate(p, push) {
      state = p;
      if (window.history && window.history.pushState && window.location.protocol !== 'file:') {
        try { window.history[push ? 'pushState' : 'replaceState'](null, '', buildQuery(p)); } catch (e) { /* ignore */ }
      } else if (window.history && window.history.replaceState) {
        try { window.history.replaceState(null, '', buildQuery(p)); } catch (e) { /* file:// may refuse */ }
      }
      run();
    }

    if (form && input) {
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        navigate({ q: input.value, kind: state.kind, page: 1, filters: {} }, true);
      });
    }
    window.addEventListener('popstate', function () { state = readParams(); run(); });

    function run() {
      var my = ++seq;
      if (input && input.value !== state.q) input.value = state.q;
      results.textContent = '';
      if (facetsBox) facetsBox.textContent = '';
      if (pager) pager.textContent = '';
      var q = state.q.trim();
      if (!queryChunks(q).length) { say('请输入检索词。'); return; }
      say('正在检索“' + q + '”……');
      var filters = state.filters;
      var plain = !state.kind && state.page === 1 &&
        !Object.keys(filters).some(function (k) { return filters[k] && filters[k].length; });
      (plain ? getAnswer(q) : Promise.resolve(null))
        .then(function (ans) {
          if (my !== seq) return null;
          return ans ? showAnswer(q, ans) : general(q, filters, my);
        })
        .catch(function (err) {
          if (my !== seq) return;
          say('搜索出错：' + (err && err.message ? err.message : err));
        });
    }

    // A precomputed first page: rows, counts and facets without the store,
    // docs.js or facets.js.
    function showAnswer(q, ans) {
      var rows = ans.r.map(function (r) {
        var k = meta.kinds[r[3]] || ['', ''];
        return { kind: k[0], kindLabel: k[1], titleHtml: r[1], url: r[2], snippet: r[4], exact: true };
      });
      render(q, { exactTotal: ans.n, partial: [], words: [] }, ans.n, rows, Math.max(1, Math.ceil(ans.n / PAGE)));
      var counts = {}, kindCounts = {};
      for (var i = 0; i + 1 < ans.f.length; i += 2) counts[ans.f[i]] = ans.f[i + 1];
      ans.k.forEach(function (n, ki) { if (n) kindCounts[ki] = n; });
      renderFacets(counts, kindCounts);
    }

    function general(q, filters, my) {
      // all exact hits (paged here); partial ones only when a page is not filled
      return rank(q, { kind: state.kind, filters: filters, limit: 100000, fallbackBelow: PAGE, partialLimit: 200 })
        .then(function (res) {
          if (my !== seq) return null;
          var all = res.exact.map(function (h) { return [h, true]; }).concat(res.partial.map(function (h) { return [h, false]; }));
          var pages = Math.max(1, Math.ceil(all.length / PAGE));
          if (state.page > pages) state.page = pages;
          var slice = all.slice((state.page - 1) * PAGE, state.page * PAGE);
          var words = res.words.join(' '), q2 = res.chunks.join(' ');
          return Promise.all(slice.map(function (p) { return details(p[0], p[1], p[1] ? q2 : words); }))
            .then(function (rows) {
              if (my !== seq) return null;
              render(q, res, all.length, rows, pages);
              // facet and kind counts over the result set, after the results are on screen
              // (without a kind filter the kind counts are over the same results)
              var anyKind = state.kind ? rank(q, { filters: filters, limit: 100000, fallbackBelow: 0 }) :
                { exact: res.exact, partial: [] };
              // every exact result on this page: the counts come from its rows, without facets.js
              var fromRows = state.page === 1 && res.exact.length > 0 && res.exact.length <= PAGE;
              return Promise.all([fromRows ? null : getFacets(), anyKind])
                .then(function (x) {
                  if (my !== seq) return;
                  var c = resultCounts(res, x[1], fromRows ? rows : null);
                  renderFacets(c[0], c[1]);
                });
            });
        });
    }

    // {global value index: n} over the results, {kind index: n} over the
    // results of the query without the kind filter.
    // rows: the page's rows when they hold every exact result (their facets
    // come with the store), else the counts come from facets.js.
    function resultCounts(res, anyKind, rows) {
      var counts = {};
      function add(ix) { counts[ix] = (counts[ix] || 0) + 1; }
      if (rows) rows.forEach(function (r) { if (r.exact) r.facets.forEach(add); });
      else (res.exact.length ? res.exact : res.partial).forEach(function (h) { facetsInfo.docs[h[0]].forEach(add); });
      var kindCounts = {};
      (anyKind.exact.length ? anyKind.exact : anyKind.partial).forEach(function (h) {
        var k = docsInfo.kind[h[0]];
        kindCounts[k] = (kindCounts[k] || 0) + 1;
      });
      return [counts, kindCounts];
    }

    function render(q, res, total, rows, pages) {
      var exactN = res.exactTotal || 0;
      var base = (state.page - 1) * PAGE;
      if (!total) say('没有找到与“' + q + '”相关的记录。');
      else if (!exactN) say('未找到完全匹配“' + q + '”的结果，以下为部分匹配（' + total + ' 条）。');
      else say('找到 ' + exactN + ' 条完全匹配“' + q + '”的结果' +
        (res.partial.length ? '，另有 ' + res.partial.length + ' 条部分匹配' : '') +
        (pages > 1 ? '，第 ' + state.page + '/' + pages + ' 页' : '') + '。');
      var list = null, partialShown = false;
      rows.forEach(function (r, i) {
        if (!r.exact && !partialShown) {
          partialShown = true;
          var note = el('p', { 'class': 'search-partial' }, exactN ?
            '以下为部分匹配的结果（包含“' + res.words.join('”“') + '”中的部分或全部词语，但不包含完整的检索词）：' :
            '未找到完全匹配“' + q + '”的结果，以下为部分匹配（包含“' + res.words.join('”“') + '”中的部分或全部词语）：');
          results.appendChild(note);
          list = null;
        }
        if (!list) {
          list = el('ol', { 'class': 'search-results', start: String(base + i + 1) });
          results.appendChild(list);
        }
        var li = el('li', { 'class': 'search-result' + (r.exact ? '' : ' search-result-partial') });
        var h = el('h2', { 'class': 'search-result-title' });
        var a = el('a', { href: r.url });
        a.innerHTML = r.titleHtml;
        h.appendChild(a);
        li.appendChild(h);
        var meta2 = el('p', { 'class': 'search-result-meta' });
        meta2.appendChild(el('span', { 'class': 'search-result-kind' }, r.kindLabel));
        if (!r.exact) meta2.appendChild(el('span', { 'class': 'search-result-flag' }, '部分匹配'));
        li.appendChild(meta2);
        if (r.snippet) {
          var sn = el('p', { 'class': 'search-result-snippet' });
          sn.innerHTML = r.snippet;
          li.appendChild(sn);
        }
        list.appendChild(li);
      });
      renderPager(pages);
    }

    // counts: {global value index: n}; kindCounts: {kind index: n}, which
    // ignore the kind filter itself.
    function renderFacets(counts, kindCounts) {
      if (!facetsBox) return;
      var fs = el('fieldset', { 'class': 'search-facet search-kind' });
      fs.appendChild(el('legend', null, '类型'));
      var allOpt = [['', '全部']].concat(meta.kinds);
      allOpt.forEach(function (k, i) {
        var n = i === 0 ? null : (kindCounts[i - 1] || 0);
        if (i > 0 && !n && state.kind !== k[0]) return;
        var label = el('label');
        var r = el('input', { type: 'radio', name: 'kind', value: k[0] });
        if ((state.kind || '') === k[0]) r.checked = true;
        r.addEventListener('change', function () {
          var p = copyState(); p.kind = k[0]; p.page = 1; navigate(p, true);
        });
        label.appendChild(r);
        label.appendChild(document.createTextNode(' ' + k[1] + (n == null ? '' : '（' + n + '）')));
        fs.appendChild(label);
      });
      facetsBox.appendChild(fs);
      var table = valueTable();
      meta.facets.forEach(function (f, fi) {
        var sel = state.filters[f[0]] || [];
        var items = [];
        table.forEach(function (tv, ix) {
          if (tv[0] !== fi) return;
          var n = counts[ix] || 0;
          if (n || sel.indexOf(tv[1]) >= 0) items.push([tv[1], n]);
        });
        if (!items.length) return;
        items.sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); });
        var box = el('fieldset', { 'class': 'search-facet' });
        box.appendChild(el('legend', null, f[1]));
        items.forEach(function (it) {
          var label = el('label');
          var c = el('input', { type: 'checkbox', name: 'f.' + f[0], value: it[0] });
          if (sel.indexOf(it[0]) >= 0) c.checked = true;
          c.addEventListener('change', function () {
            var p = copyState();
            var cur = (p.filters[f[0]] || []).filter(function (v) { return v !== it[0]; });
            if (c.checked) cur.push(it[0]);
            if (cur.length) p.filters[f[0]] = cur; else delete p.filters[f[0]];
            p.page = 1;
            navigate(p, true);
          });
          label.appendChild(c);
          label.appendChild(document.createTextNode(' ' + it[0] + '（' + it[1] + '）'));
          box.appendChild(label);
        });
        facetsBox.appendChild(box);
      });
    }

    function copyState() {
      var f = {};
      Object.keys(state.filters).forEach(function (k) { f[k] = state.filters[k].slice(); });
      return { q: state.q, kind: state.kind, page: state.page, filters: f };
    }

    function renderPager(pages) {
      if (!pager || pages <= 1) return;
      var ul = el('ul', { 'class': 'search-pager' });
      function item(label, page, current, rel) {
        var li = el('li');
        if (page < 1 || page > pages) { li.appendChild(el('span', { 'aria-disabled': 'true' }, label)); }
        else {
          var p = copyState(); p.page = page;
          var a = el('a', { href: pageHref(p) }, label);
          if (current) a.setAttribute('aria-current', 'page');
          if (rel) a.setAttribute('rel', rel);
          a.addEventListener('click', function (ev) {
            if (ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
            ev.preventDefault();
            navigate(p, true);
            if (status && status.focus) { status.setAttribute('tabindex', '-1'); status.focus(); }
          });
          li.appendChild(a);
        }
        ul.appendChild(li);
      }
      item('上一页', state.page - 1, false, 'prev');
      var from = Math.max(1, state.page - 4), to = Math.min(pages, from + 8);
      for (var i = from; i <= to; i++) item(String(i), i, i === state.page, null);
      item('下一页', state.page + 1, false, 'next');
      pager.appendChild(ul);
    }

    run();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', initUI);
  else initUI();
})();
