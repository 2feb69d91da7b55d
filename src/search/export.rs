//! Static export of the tantivy index for the browser runtime
//! (`public/search/`). The format is specified in `docs/search-format.md`;
//! this module is its reference writer. Output is byte-deterministic: every
//! map is ordered, records are addressed by their input position (`ord`),
//! not by tantivy document ids.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocSet, TantivyDocument, TERMINATED};

use super::analyzer::{hash32, ANALYZER_VERSION};
use super::index::{DocInfo, TEXT_FIELDS};
use super::postcode::{base91, count_masks, field_dfs, put_varint, transcode, transcode_phrase};
use super::textcode::{Bits, Code};
use super::words::MAX_WORD_CHARS;
use super::{io_err, Invs, SearchError, FACETS};

pub use super::FORMAT_VERSION;

/// Most record-store shards (ids, titles, summaries, extra strings,
/// Huffman-coded, textcode.rs): the records of one page of results are
/// scattered, so small shards matter most (830: 60 of the 2,000 files go to
/// precomputed pages, `answers.rs`; format 3 had 670 plus 160 shards of
/// extra strings).
const STORE_SHARDS: usize = 830;
/// Upper bound on files written (issue 11: at most 2,000).
const MAX_FILES: usize = 1990;
/// Phrase files: most files, and the target size of one (basE91 bytes).
const PHRASE_FILES: usize = 200;
const PHRASE_FILE_TARGET: usize = 24 * 1024;
/// A word of 3+ characters gets a phrase posting when its covering bigrams
/// cost more than this (record-level + positions, basE91 bytes), or more
/// than a thousandth of all postings on a small site.
const PHRASE_MIN_COST: usize = 16 * 1024;
/// Longest string value taken as a phrase.
const MAX_PHRASE_CHARS: usize = 16;
/// Word-table shards.
const WORD_SHARDS: usize = 32;
/// Routing shards: which terms live in a file of their own, and the
/// postings of the rarest terms inline. A site gets one per 100 records
/// (at most 96), or more when its inline postings need them (about
/// `ROUTE_TARGET` bytes a shard, at most `MAX_ROUTE_SHARDS`).
const ROUTE_SHARDS: usize = 96;
/// Phrase routing shards (`p-`, version 6): the phrases with a posting or
/// a precomputed page, about `PHRASE_ROUTE_TARGET` bytes a shard, at most
/// `MAX_PHRASE_ROUTES`. Every lookup of a chunk of 2+ characters loads one;
/// in version 5 these maps were in the term routing shards, and a phrase
/// lookup paid for the inline postings of terms it did not need. The
/// files come out of the record store's share.
const PHRASE_ROUTE_TARGET: usize = 8 * 1024;
const MAX_PHRASE_ROUTES: usize = 64;
const MAX_ROUTE_SHARDS: usize = 200;
const ROUTE_TARGET: usize = 16 * 1024;
/// A term whose entry (key and posting, basE91) is at most this many bytes
/// is written inline in its routing shard, which every lookup of the term
/// loads anyway (the rarest bigrams: parts of names of people and schools).
/// Measured on the national corpus (232 queries, median / p90 / max KB):
/// none 468 / 1,035 / 1,669; 64 bytes 463 / 1,042 / 1,728; 128 bytes
/// (172 routing shards) 454 / 1,101 / 1,817 — names of people cost 5× less,
/// every other lookup pays the larger routing shards.
const INLINE_TERM: usize = 64;

/// What [`export_static`] wrote, for the CLI's stage line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExportSummary {
    /// Records exported.
    pub docs: usize,
    /// Distinct terms (unigrams and bigrams).
    pub terms: usize,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
}

fn js_str(s: &str) -> String {
    // serde_json escapes quotes, backslashes and control characters; also
    // escape U+2028/2029 for old JS engines.
    serde_json::to_string(s)
        .unwrap_or_else(|_| "\"\"".into())
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

fn js_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v)
        .unwrap_or_else(|_| "null".into())
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// Reused buffers for [`encode_term`].
#[derive(Default)]
struct TermBuf {
    /// (ord, field, tf, start in `positions`)
    entries: Vec<(u32, u8, u32, usize)>,
    positions: Vec<u32>,
    tmp: Vec<u32>,
    docs_part: Vec<u8>,
    pos_part: Vec<u8>,
}

/// A term in the varint form: (term, record-level part, positions part).
type RawTerm = (String, Vec<u8>, Vec<u8>);
/// A term or phrase and its posting (basE91).
type Entry = (String, String);

/// Reads one term from every segment and field and encodes it in the
/// varint form (postcode.rs): (term, record-level part, positions part —
/// empty for unigrams).
fn encode_term(
    term: &[u8],
    invs: &Invs,
    ord_maps: &[Vec<u32>],
    b: &mut TermBuf,
) -> Result<Option<RawTerm>, SearchError> {
    let Ok(text) = std::str::from_utf8(term) else {
        return Ok(None);
    };
    let with_positions = text.chars().count() >= 2;
    let opt = if with_positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    b.entries.clear();
    b.positions.clear();
    for (si, seg_invs) in invs.iter().enumerate() {
        for (fi, inv) in seg_invs.iter().enumerate() {
            let Some(ti) = inv
                .terms()
                .get(term)
                .map_err(|e| SearchError::Index(e.to_string()))?
            else {
                continue;
            };
            let mut p = inv
                .read_postings_from_terminfo(&ti, opt)
                .map_err(|e| SearchError::Index(e.to_string()))?;
            let mut d = p.doc();
            while d != TERMINATED {
                let ord = ord_maps[si][d as usize];
                b.entries
                    .push((ord, fi as u8, p.term_freq(), b.positions.len()));
                if with_positions {
                    b.tmp.clear();
                    p.positions(&mut b.tmp);
                    b.positions.extend_from_slice(&b.tmp);
                }
                d = p.advance();
            }
        }
    }
    b.entries.sort_unstable_by_key(|e| (e.0, e.1));
    b.docs_part.clear();
    b.pos_part.clear();
    let n_docs = b
        .entries
        .iter()
        .enumerate()
        .filter(|(i, e)| *i == 0 || b.entries[i - 1].0 != e.0)
        .count();
    put_varint(&mut b.docs_part, n_docs as u64);
    let mut prev = 0u32;
    let mut i = 0;
    while i < b.entries.len() {
        let ord = b.entries[i].0;
        let mut j = i;
        let mut mask = 0u64;
        while j < b.entries.len() && b.entries[j].0 == ord {
            mask |= 1 << b.entries[j].1;
            j += 1;
        }
        put_varint(&mut b.docs_part, (u64::from(ord - prev) << 4) | mask);
        prev = ord;
        for &(_, _, tf, start) in &b.entries[i..j] {
            put_varint(&mut b.docs_part, u64::from(tf));
            if with_positions {
                let mut last = 0u32;
                for &x in &b.positions[start..start + tf as usize] {
                    put_varint(&mut b.pos_part, u64::from(x - last));
                    last = x;
                }
            }
        }
        i = j;
    }
    Ok(Some((
        text.to_string(),
        b.docs_part.clone(),
        b.pos_part.clone(),
    )))
}

/// How the terms of one family (record-level data or positions) are laid
/// out in files: small terms hashed into `shards` packed files, big terms
/// in files of their own (several per file when there are many).
struct Family {
    shards: usize,
    /// term → big-file index
    big: BTreeMap<String, usize>,
    shard_files: Vec<Vec<usize>>,
    big_files: Vec<Vec<usize>>,
}

fn layout(
    items: &[(String, String)],
    budget: usize,
    shard_target: usize,
    big_term: usize,
) -> Family {
    let budget = budget.max(2);
    let mut small_bytes = 0usize;
    let mut big_ix = Vec::new();
    let mut small_ix = Vec::new();
    for (i, (t, b)) in items.iter().enumerate() {
        if b.is_empty() {
            continue;
        }
        if b.len() > big_term {
            big_ix.push(i);
        } else {
            small_ix.push(i);
            small_bytes += t.len() + b.len() + 8;
        }
    }
    let shards = small_bytes.div_ceil(shard_target).clamp(1, budget / 2);
    let big_budget = (budget - shards).max(1);
    // big terms packed in term order, each file filled to the mean of what
    // is left (so a term larger than that has a file of its own and the
    // budget is used up)
    let mut left: usize = big_ix.iter().map(|&i| items[i].1.len()).sum();
    let mut big_files: Vec<Vec<usize>> = Vec::new();
    let mut fill = 0usize;
    let mut target = 0usize;
    for &i in &big_ix {
        let b = items[i].1.len();
        if big_files.is_empty() || (fill > 0 && fill + b > target && big_files.len() < big_budget) {
            let files_left = (big_budget - big_files.len()).max(1);
            target = left.div_ceil(files_left);
            big_files.push(Vec::new());
            fill = 0;
        }
        fill += b;
        left -= b;
        if let Some(f) = big_files.last_mut() {
            f.push(i);
        }
    }
    let mut big = BTreeMap::new();
    big_files.retain(|f| !f.is_empty());
    for (fi, f) in big_files.iter().enumerate() {
        for &i in f {
            big.insert(items[i].0.clone(), fi);
        }
    }
    let mut shard_files = vec![Vec::new(); shards];
    for &i in &small_ix {
        shard_files[hash32(&items[i].0) as usize % shards].push(i);
    }
    Family {
        shards,
        big,
        shard_files,
        big_files,
    }
}

fn write_family(
    w: &mut Writer,
    items: &[(String, String)],
    fam: &Family,
    shard_prefix: &str,
    big_prefix: &str,
) -> Result<(), SearchError> {
    let files = fam
        .shard_files
        .iter()
        .enumerate()
        .map(|(i, l)| (format!("{shard_prefix}{i}"), l))
        .chain(
            fam.big_files
                .iter()
                .enumerate()
                .map(|(i, l)| (format!("{big_prefix}{i}"), l)),
        );
    for (key, list) in files {
        let mut s = String::with_capacity(
            list.iter()
                .map(|&i| items[i].0.len() + items[i].1.len() + 8)
                .sum::<usize>()
                + 64,
        );
        s.push_str("__chengguo_search_load(\"t\",");
        s.push_str(&js_str(&key));
        s.push_str(",{");
        for (n, &i) in list.iter().enumerate() {
            if n > 0 {
                s.push(',');
            }
            s.push_str(&js_str(&items[i].0));
            s.push_str(":\"");
            s.push_str(&items[i].1);
            s.push('"');
        }
        s.push_str("});\n");
        w.write(&format!("{key}.js"), &s)?;
    }
    Ok(())
}

/// First global value index of facet `fi`.
fn facet_offset(list: &[(String, String, Vec<String>)], fi: usize) -> usize {
    list[..fi].iter().map(|f| f.2.len()).sum()
}

struct Writer<'a> {
    out: &'a Path,
    files: usize,
    bytes: u64,
}

impl Writer<'_> {
    fn write(&mut self, name: &str, content: &str) -> Result<(), SearchError> {
        let p = self.out.join(name);
        std::fs::write(&p, content).map_err(io_err(&p))?;
        self.files += 1;
        self.bytes += content.len() as u64;
        Ok(())
    }
}

/// (kind, label) in first-seen order.
type Kinds = Vec<(String, String)>;
/// (key, label, sorted values) per facet, in `FACETS` order.
type FacetList = Vec<(String, String, Vec<String>)>;

/// The count symbol of `facets.js` for "the values of the record before".
const FACET_REPEAT: u32 = 65535;

/// Kinds, facets, and per facet and record the local value indexes
/// (sorted, deduplicated).
fn facet_columns(infos: &[DocInfo]) -> (Kinds, FacetList, Vec<Vec<Vec<usize>>>) {
    let n_docs = infos.len();
    let mut kinds: Vec<(String, String)> = Vec::new();
    for d in infos {
        if !kinds.iter().any(|k| k.0 == d.kind) {
            kinds.push((d.kind.clone(), d.kind_label.clone()));
        }
    }
    // facet values, per key in FACETS order, values sorted
    let mut facet_values: Vec<(String, String, BTreeSet<String>)> = FACETS
        .iter()
        .map(|(k, l)| (k.to_string(), l.to_string(), BTreeSet::new()))
        .collect();
    for d in infos {
        for (k, vs) in &d.facets {
            if let Some(f) = facet_values.iter_mut().find(|f| &f.0 == k) {
                f.2.extend(vs.iter().cloned());
            }
        }
    }
    let facet_list: FacetList = facet_values
        .into_iter()
        .map(|(k, l, v)| (k, l, v.into_iter().collect()))
        .collect();
    let mut local: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); n_docs]; facet_list.len()];
    for (ord, d) in infos.iter().enumerate() {
        for (key, vs) in &d.facets {
            if let Some(fi) = facet_list.iter().position(|f| &f.0 == key) {
                for v in vs {
                    if let Ok(ix) = facet_list[fi].2.binary_search(v) {
                        local[fi][ord].push(ix);
                    }
                }
            }
        }
    }
    for col in &mut local {
        for l in col.iter_mut() {
            l.sort_unstable();
            l.dedup();
        }
    }
    (kinds, facet_list, local)
}

/// Exports the index in `dir` (cache folder) as static files into `out`
/// (created; files of an earlier export there are replaced).
pub fn export_static(dir: &Path, out: &Path) -> Result<ExportSummary, SearchError> {
    let trace = super::Trace::new("export_static");
    let (index, fields, infos, words) = super::index::open(dir)?;
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let n_docs = infos.len();
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(io_err(out))?;
    }
    std::fs::create_dir_all(out).map_err(io_err(out))?;

    // ord of every (segment, doc)
    let segs = searcher.segment_readers();
    let mut ord_maps: Vec<Vec<u32>> = Vec::with_capacity(segs.len());
    for sr in segs {
        let col = sr.fast_fields().u64("ord")?;
        ord_maps.push(
            (0..sr.max_doc())
                .map(|d| col.first(d).unwrap_or(0) as u32)
                .collect(),
        );
    }
    // every record exactly once, every ord in range (else indexing below could panic)
    let mut seen = vec![false; n_docs];
    for &o in ord_maps.iter().flatten() {
        match seen.get_mut(o as usize) {
            Some(s) if !*s => *s = true,
            _ => return Err(SearchError::Corrupt(dir.display().to_string())),
        }
    }
    if seen.iter().any(|s| !s) {
        return Err(SearchError::Corrupt(dir.display().to_string()));
    }

    // ---- per-record data: stored text and fieldnorm ids
    let mut norms = vec![[0u8; 4]; n_docs];
    let mut summaries = vec![String::new(); n_docs];
    for (si, sr) in segs.iter().enumerate() {
        let fn_readers: Vec<FieldNormReader> = fields
            .text
            .iter()
            .map(|&f| sr.get_fieldnorms_reader(f))
            .collect::<tantivy::Result<_>>()?;
        let store = sr
            .get_store_reader(64)
            .map_err(|e| SearchError::Index(e.to_string()))?;
        for d in 0..sr.max_doc() {
            let ord = ord_maps[si][d as usize] as usize;
            for (fi, r) in fn_readers.iter().enumerate() {
                norms[ord][fi] = r.fieldnorm_id(d);
            }
            let doc: TantivyDocument = store
                .get(d)
                .map_err(|e| SearchError::Index(e.to_string()))?;
            summaries[ord] = doc
                .get_first(fields.text[1])
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
        }
    }

    trace.step("stored fields and norms read");
    // ---- terms: merge the four fields of every segment by term
    let mut all_terms: BTreeSet<Vec<u8>> = BTreeSet::new();
    for sr in segs {
        for &f in &fields.text {
            let inv = sr.inverted_index(f)?;
            let mut st = inv
                .terms()
                .stream()
                .map_err(|e| SearchError::Index(e.to_string()))?;
            while st.advance() {
                all_terms.insert(st.key().to_vec());
            }
        }
    }
    let invs: Vec<Vec<_>> = segs
        .iter()
        .map(|sr| {
            fields
                .text
                .iter()
                .map(|&f| sr.inverted_index(f))
                .collect::<tantivy::Result<Vec<_>>>()
        })
        .collect::<tantivy::Result<_>>()?;
    // Read and encode every term; terms are independent, so in parallel
    // (rayon keeps the order of `all_terms`).
    let term_list: Vec<&Vec<u8>> = all_terms.iter().collect();
    let parts: Vec<Vec<RawTerm>> = term_list
        .par_chunks(1024)
        .map(|chunk| {
            let mut buf = TermBuf::default();
            let mut out = Vec::with_capacity(chunk.len());
            for term in chunk {
                if let Some(x) = encode_term(term, &invs, &ord_maps, &mut buf)? {
                    out.push(x);
                }
            }
            Ok(out)
        })
        .collect::<Result<_, SearchError>>()?;
    let raw: Vec<RawTerm> = parts.into_iter().flatten().collect();
    // one Huffman code of the field masks for the site, then every term in
    // the bit code of format 5 (postcode.rs)
    let mut mask_freq: BTreeMap<u32, u64> = BTreeMap::new();
    for (_, d, _) in &raw {
        count_masks(d, &mut mask_freq);
    }
    // (every non-empty mask has a code: a phrase's mask, coded with the same
    // code, can be one that no term has)
    for m in 1..16 {
        *mask_freq.entry(m).or_insert(0) += 1;
    }
    let mask_code = Code::from_freq(&mask_freq);
    let encoded: Vec<(String, String)> = raw
        .par_iter()
        .map(|(t, d, p)| {
            let bigram = t.chars().count() >= 2;
            (t.clone(), base91(&transcode(d, p, &mask_code, bigram)))
        })
        .collect();
    drop(raw);
    // ---- phrase postings of expensive query words (see phrases.rs)
    let cost = |t: &str| -> Option<usize> {
        let i = encoded.binary_search_by(|e| e.0.as_str().cmp(t)).ok()?;
        Some(encoded[i].1.len())
    };
    // (small sites: relative to the index size, so that the path is used there too)
    let total: usize = encoded.iter().map(|e| e.1.len()).sum();
    let min_cost = PHRASE_MIN_COST.min(total / 1000);
    // candidates: the query words, and every other string value (themes,
    // subjects, names of schools and people) as a whole, normalised
    let extra_values: BTreeSet<String> = infos
        .iter()
        .flat_map(|d| d.extra.iter())
        .map(|e| super::analyzer::normalize(e))
        .filter(|e| {
            let n = e.chars().count();
            (3..=MAX_PHRASE_CHARS).contains(&n) && !e.chars().any(super::analyzer::is_space)
        })
        .collect();
    let word_list: BTreeSet<&str> = words
        .weights
        .keys()
        .map(String::as_str)
        .chain(extra_values.iter().map(String::as_str))
        .collect();
    let candidates: Vec<&str> = word_list
        .into_iter()
        .filter(|w| {
            let c: Vec<char> = w.chars().collect();
            c.len() >= 3
                && super::analyzer::covering(c.len())
                    .iter()
                    .map(|&o| cost(&c[o..o + 2].iter().collect::<String>()).unwrap_or(0))
                    .sum::<usize>()
                    > min_cost
        })
        .collect();
    let raw_phrases = super::phrases::phrase_postings(&candidates, &invs, &ord_maps)?;
    // 2-character words and facet values (地理, 经验, 常态): one covering
    // term, so the term's record-level part behind its dfs is their phrase
    // posting, and their first pages can be precomputed too (answers only:
    // the runtime reads 1–2-character chunks from the term itself)
    let short: BTreeSet<String> = words
        .weights
        .keys()
        .cloned()
        .chain(
            infos
                .iter()
                .flat_map(|d| d.facets.iter().flat_map(|(_, v)| v.iter()))
                .map(|v| super::analyzer::normalize(v)),
        )
        .filter(|w| w.chars().count() == 2 && !w.chars().any(super::analyzer::is_space))
        .collect();
    let short: Vec<String> = short.into_iter().collect();
    let short_postings: Vec<(String, Vec<u8>)> = short
        .par_iter()
        .map_init(TermBuf::default, |buf, w| {
            let Some((t, docs, _)) = encode_term(w.as_bytes(), &invs, &ord_maps, buf)? else {
                return Ok(None);
            };
            let mut raw = Vec::with_capacity(docs.len() + 8);
            for df in field_dfs(&docs) {
                put_varint(&mut raw, df);
            }
            raw.extend_from_slice(&docs);
            Ok(Some((t, raw)))
        })
        .collect::<Result<Vec<_>, SearchError>>()?
        .into_iter()
        .flatten()
        .collect();
    drop(invs);
    trace.step("postings read and encoded");

    // ---- kinds, facets and the answers of the likeliest queries (answers.rs)
    let (kinds, facet_list, local) = facet_columns(&infos);
    let kind_of: Vec<usize> = infos
        .iter()
        .map(|d| kinds.iter().position(|k| k.0 == d.kind).unwrap_or(0))
        .collect();
    let mut global: Vec<Vec<usize>> = vec![Vec::new(); n_docs];
    for (fi, col) in local.iter().enumerate() {
        let off = facet_offset(&facet_list, fi);
        for (ord, l) in col.iter().enumerate() {
            global[ord].extend(l.iter().map(|ix| ix + off));
        }
    }
    let norm_table: Vec<u32> = (0..=255u8).map(FieldNormReader::id_to_fieldnorm).collect();
    let total_docs = searcher.num_docs();
    let mut avg = Vec::new();
    for &f in &fields.text {
        let mut tokens = 0u64;
        for sr in segs {
            tokens += sr.inverted_index(f)?.total_num_tokens();
        }
        avg.push(tokens as f32 / total_docs.max(1) as f32);
    }
    let recs = super::answers::Records {
        infos: &infos,
        summaries: &summaries,
        norms: &norms,
        norm_table: &norm_table,
        avg: &avg,
        kind: &kind_of,
        kinds: kinds.len(),
        facets: &global,
    };
    let facet_values: BTreeSet<String> = facet_list
        .iter()
        .flat_map(|f| f.2.iter().map(|v| super::analyzer::normalize(v)))
        .collect();
    let answerable: Vec<(String, Vec<u8>)> =
        raw_phrases.iter().cloned().chain(short_postings).collect();
    let answer_files = super::answers::select(&answerable, &recs, &facet_values, &words.weights);
    drop(answerable);
    let phrases: Vec<(String, String)> = raw_phrases
        .into_iter()
        .map(|(p, b)| {
            let n_dfs = 4 * super::analyzer::covering(p.chars().count()).len();
            let coded = transcode_phrase(&b, n_dfs, &mask_code);
            (p, base91(&coded))
        })
        .collect();
    trace.step("answers computed");

    // ---- file budget (issue 11: at most 2,000 files)
    let phrase_route_bytes: usize = phrases.iter().map(|p| p.0.len() + 8).sum::<usize>()
        + answer_files
            .iter()
            .flat_map(|f| f.iter().map(|(p, _)| p.len() + 8))
            .sum::<usize>();
    let phrase_shards = phrase_route_bytes
        .div_ceil(PHRASE_ROUTE_TARGET)
        .clamp(1, MAX_PHRASE_ROUTES);
    let store_shards = n_docs.div_ceil(8).clamp(1, STORE_SHARDS - phrase_shards);
    let store_block = n_docs.div_ceil(store_shards).max(1);
    let store_shards = n_docs.div_ceil(store_block);
    let entry_bytes = |e: &(String, String)| e.0.len() + e.1.len() + 8;
    let (inline, encoded): (Vec<Entry>, Vec<Entry>) = encoded
        .into_iter()
        .partition(|e| entry_bytes(e) <= INLINE_TERM);
    let inline_bytes: usize = inline.iter().map(entry_bytes).sum();
    let route_shards = n_docs
        .div_ceil(100)
        .clamp(1, ROUTE_SHARDS)
        .max(inline_bytes.div_ceil(ROUTE_TARGET).min(MAX_ROUTE_SHARDS));
    // phrases packed in order into files of about PHRASE_FILE_TARGET bytes
    let phrase_bytes: usize = phrases.iter().map(|p| p.0.len() + p.1.len() + 8).sum();
    let per_phrase_file = phrase_bytes.div_ceil(PHRASE_FILES).max(PHRASE_FILE_TARGET);
    let mut phrase_files: Vec<Vec<usize>> = Vec::new();
    let mut fill = usize::MAX;
    for (i, p) in phrases.iter().enumerate() {
        let b = p.0.len() + p.1.len() + 8;
        if fill.saturating_add(b) > per_phrase_file {
            phrase_files.push(Vec::new());
            fill = 0;
        }
        fill += b;
        if let Some(f) = phrase_files.last_mut() {
            f.push(i);
        }
    }
    let fixed_files = 3
        + WORD_SHARDS
        + route_shards
        + phrase_shards
        + store_shards
        + phrase_files.len()
        + answer_files.len();
    let budget = MAX_FILES.saturating_sub(fixed_files).max(4);
    // One family for the terms, record-level part and positions in one
    // string: a chunk of 3+ characters needs both, and a file fetched costs
    // about the family's bytes ÷ its files, so one fetch per covering term
    // instead of two. Files of about equal size; a term above a
    // sixteenth of that goes to the big files (packed in term order when
    // they are many), so that the hash shards are of about equal size.
    let term_bytes: usize = encoded.iter().map(|e| e.0.len() + e.1.len() + 8).sum();
    let per_file = term_bytes.div_ceil(budget).max(4096);
    let term_fam = layout(&encoded, budget, per_file, per_file / 16);
    let mut w = Writer {
        out,
        files: 0,
        bytes: 0,
    };
    write_family(&mut w, &encoded, &term_fam, "t-", "tb-")?;
    let phrase_fam = Family {
        shards: 0,
        big: BTreeMap::new(),
        shard_files: Vec::new(),
        big_files: phrase_files,
    };
    write_family(&mut w, &phrases, &phrase_fam, "", "x-")?;
    // routing: big terms → their big file; phrases → their file
    let mut routes: Vec<BTreeMap<&str, usize>> = vec![BTreeMap::new(); route_shards];
    for (t, &f) in &term_fam.big {
        routes[hash32(t) as usize % route_shards].insert(t.as_str(), f);
    }
    let mut inline_routes: Vec<BTreeMap<&str, &str>> = vec![BTreeMap::new(); route_shards];
    for (t, b) in &inline {
        inline_routes[hash32(t) as usize % route_shards].insert(t.as_str(), b.as_str());
    }
    let mut phrase_routes: Vec<BTreeMap<&str, usize>> = vec![BTreeMap::new(); phrase_shards];
    for (fi, f) in phrase_fam.big_files.iter().enumerate() {
        for &i in f {
            let p = phrases[i].0.as_str();
            phrase_routes[hash32(p) as usize % phrase_shards].insert(p, fi);
        }
    }
    let mut answer_routes: Vec<BTreeMap<&str, usize>> = vec![BTreeMap::new(); phrase_shards];
    for (fi, f) in answer_files.iter().enumerate() {
        for (p, _) in f {
            answer_routes[hash32(p) as usize % phrase_shards].insert(p, fi);
        }
        let m: BTreeMap<&str, &serde_json::Value> =
            f.iter().map(|(p, a)| (p.as_str(), a)).collect();
        w.write(
            &format!("a-{fi}.js"),
            &format!(
                "__chengguo_search_load(\"a\",\"a-{fi}\",{});\n",
                js_json(&m)
            ),
        )?;
    }
    for (i, (m, inl)) in routes.iter().zip(&inline_routes).enumerate() {
        w.write(
            &format!("r-{i}.js"),
            &format!(
                "__chengguo_search_load(\"r\",\"r-{i}\",{{\"t\":{},\"i\":{}}});\n",
                js_json(m),
                js_json(inl)
            ),
        )?;
    }
    for (i, (x, a)) in phrase_routes.iter().zip(&answer_routes).enumerate() {
        w.write(
            &format!("p-{i}.js"),
            &format!(
                "__chengguo_search_load(\"p\",\"p-{i}\",{{\"x\":{},\"a\":{}}});\n",
                js_json(x),
                js_json(a)
            ),
        )?;
    }

    trace.step("term files written");
    // ---- word table shards (keyed by hash of the first character)
    let mut wshards: Vec<BTreeMap<&str, i32>> = vec![BTreeMap::new(); WORD_SHARDS];
    for (word, &x) in &words.weights {
        if let Some(c) = word.chars().next() {
            let mut b = [0u8; 4];
            wshards[hash32(c.encode_utf8(&mut b)) as usize % WORD_SHARDS].insert(word.as_str(), x);
        }
    }
    for (i, m) in wshards.iter().enumerate() {
        w.write(
            &format!("w-{i}.js"),
            &format!("__chengguo_search_load(\"w\",\"w{i}\",{});\n", js_json(m)),
        )?;
    }

    // norms: per field one Huffman code (textcode.rs) over the fieldnorm
    // ids, then per field every record's id (docs.js `normCodes`)
    let mut bits = Bits::default();
    let mut norm_codes = Vec::new();
    for fi in 0..4 {
        let mut freq: BTreeMap<u32, u64> = BTreeMap::new();
        for n in &norms {
            *freq.entry(u32::from(n[fi])).or_insert(0) += 1;
        }
        let code = Code::from_freq(&freq);
        for n in &norms {
            code.put(&mut bits, u32::from(n[fi]));
        }
        norm_codes.push(code.meta());
    }
    let docs_bin = bits.finish();
    // kinds as runs (records are sorted by kind, so a handful of numbers)
    let mut kind_runs: Vec<usize> = Vec::new();
    for &k in &kind_of {
        match kind_runs.len() {
            l if l >= 2 && kind_runs[l - 2] == k => kind_runs[l - 1] += 1,
            _ => kind_runs.extend([k, 1]),
        }
    }
    // facets: per facet a code of the value counts and one of the local
    // value indexes; per facet, per record the count, then the indexes
    // (facets.js `codes`)
    // A record with the same values as the one before it in a facet (the
    // search order puts such records side by side) is the count symbol
    // FACET_REPEAT alone.
    let mut bits = Bits::default();
    let mut facet_codes = Vec::new();
    for col in &local {
        let repeats = |d: usize| d > 0 && !col[d].is_empty() && col[d] == col[d - 1];
        let mut nfreq: BTreeMap<u32, u64> = BTreeMap::new();
        let mut vfreq: BTreeMap<u32, u64> = BTreeMap::new();
        for (d, l) in col.iter().enumerate() {
            if repeats(d) {
                *nfreq.entry(FACET_REPEAT).or_insert(0) += 1;
                continue;
            }
            *nfreq.entry(l.len() as u32).or_insert(0) += 1;
            for &ix in l {
                *vfreq.entry(ix as u32).or_insert(0) += 1;
            }
        }
        let (nc, vc) = (Code::from_freq(&nfreq), Code::from_freq(&vfreq));
        for (d, l) in col.iter().enumerate() {
            if repeats(d) {
                nc.put(&mut bits, FACET_REPEAT);
                continue;
            }
            nc.put(&mut bits, l.len() as u32);
            for &ix in l {
                vc.put(&mut bits, ix as u32);
            }
        }
        facet_codes.push(serde_json::json!([nc.meta(), vc.meta()]));
    }
    let facets_bin = bits.finish();
    // (the codes travel with their data: a precomputed page needs neither)
    w.write(
        "facets.js",
        &format!(
            "__chengguo_search_load(\"f\",\"facets\",{});\n",
            js_json(&serde_json::json!({"bits": base91(&facets_bin), "codes": facet_codes}))
        ),
    )?;

    // ---- record store: title, summary and extra strings in the store's
    // text code (textcode.rs), then the number of extra strings; the url only
    // when it is not `{kind}/{id}.html`
    let texts_of = |ord: usize| -> Vec<&str> {
        let d = &infos[ord];
        let mut texts = vec![d.title.as_str(), summaries[ord].as_str()];
        texts.extend(d.extra.iter().map(|e| e.as_str()));
        texts
    };
    let all_texts: Vec<&str> = (0..n_docs).flat_map(texts_of).collect();
    // the share of the store one query's rows bring: a page of 20 rows,
    // nearly one block each
    let share = (20 * store_block) as f64 / n_docs.max(1) as f64;
    let code = super::textcode::TextCode::build(&all_texts, share);
    drop(all_texts);
    trace.step("store's text code built");
    // docs.js: what scoring and the store rows need beyond meta.js
    w.write(
        "docs.js",
        &format!(
            "__chengguo_search_load(\"d\",\"docs\",{});\n",
            js_json(&serde_json::json!({
                "norms": base91(&docs_bin),
                "normCodes": norm_codes,
                "textCode": code.meta(),
            }))
        ),
    )?;
    for s in 0..store_shards {
        let mut rows = Vec::new();
        for ord in s * store_block..((s + 1) * store_block).min(n_docs) {
            let d = &infos[ord];
            let texts = texts_of(ord);
            let mut row = serde_json::json!([
                d.id,
                base91(&code.encode(&texts)),
                global[ord],
                d.extra.len()
            ]);
            if d.url != format!("{}/{}.html", d.kind, d.id) {
                if let Some(a) = row.as_array_mut() {
                    a.push(serde_json::Value::from(d.url.as_str()));
                }
            }
            rows.push(row);
        }
        w.write(
            &format!("s-{s}.js"),
            &format!(
                "__chengguo_search_load(\"s\",\"s{s}\",{});\n",
                js_json(&rows)
            ),
        )?;
    }
    // ---- manifest
    let meta = serde_json::json!({
        "version": FORMAT_VERSION,
        "analyzer": ANALYZER_VERSION,
        "docs": n_docs,
        "fields": TEXT_FIELDS,
        "avgFieldnorm": avg,
        "termShards": term_fam.shards,
        "maskCode": mask_code.meta(),
        "routeShards": route_shards,
        "phraseShards": phrase_shards,
        "wordShards": WORD_SHARDS,
        "wordSingle": words.single,
        "maxWordChars": MAX_WORD_CHARS,
        "storeBlock": store_block,
        "kinds": kinds,
        "kindRuns": kind_runs,
        "facets": facet_list,
    });
    w.write(
        "meta.js",
        &format!(
            "__chengguo_search_load(\"m\",\"meta\",{});\n",
            js_json(&meta)
        ),
    )?;

    trace.step("store and manifest written");
    Ok(ExportSummary {
        docs: n_docs,
        terms: encoded.len() + inline.len(),
        files: w.files,
        bytes: w.bytes,
    })
}
