//! Precomputed first pages of results for the most likely queries (static
//! format 3, `a-` files).
//!
//! A cold query of one frequent phrase (作业设计, a school's name) needs
//! little index data — one phrase posting — but its page of 20 results is
//! scattered over ~20 record-store shards, and drawing its facets needs
//! `docs.js` and `facets.js`: about 430 KB of the 520 KB such a query cost
//! in format 2. For the phrases most likely to be typed, the export writes
//! what the search page shows for that query with no filter on page 1: the
//! number of matches, the 20 rows as HTML (the same title, snippet and
//! `正文包含` note the runtime builds from the store, by the same
//! highlighter) and the kind and facet counts. The search page then loads
//! one small file; every other page, filter and query still takes the
//! general path, and the parity test checks that both paths show the same.
//!
//! The ranking is the runtime's own arithmetic for a phrase posting
//! ([`score`] rounds to `f32` where `search.js` calls `Math.fround`), so the
//! order is the one the runtime computes (records with equal scores by
//! `ord`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use super::highlight::{escape_html, match_ranges, snippet, snippet_of_values};
use super::index::DocInfo;

/// Results on a page (the runtime's `PAGE`).
pub(crate) const PAGE: usize = 20;
/// Snippet length (the runtime's `SNIPPET_CHARS`).
const SNIPPET_CHARS: usize = 90;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// What an answer is computed from, per record (by `ord`).
pub(crate) struct Records<'a> {
    pub infos: &'a [DocInfo],
    pub summaries: &'a [String],
    /// fieldnorm ids of title, summary, body, extra
    pub norms: &'a [[u8; 4]],
    /// fieldnorm id → length (tantivy's table, as in `meta.fieldnormTable`)
    pub norm_table: &'a [u32],
    pub avg: &'a [f32],
    /// kind index (into `meta.kinds`)
    pub kind: &'a [usize],
    pub kinds: usize,
    /// global facet-value indexes, sorted, deduplicated
    pub facets: &'a [Vec<usize>],
}

/// `Math.fround`.
fn f(x: f64) -> f64 {
    x as f32 as f64
}

fn idf(df: u64, n: u64) -> f64 {
    f(f(1.0 + f(f(n as f64 - df as f64 + 0.5) / f(df as f64 + 0.5))).ln())
}

/// BM25 of one (record, field) as `search.js` computes it.
fn score(weight: f64, tf: u64, norm: u32, avg: f32) -> f64 {
    let cache = f(K1 * f(f(1.0 - B) + f(B * f(f64::from(norm)) / f(f64::from(avg)))));
    f(weight * f(tf as f64 / f(tf as f64 + cache)))
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn v(&mut self) -> Option<u64> {
        let mut x = 0u64;
        let mut shift = 0;
        loop {
            let byte = *self.b.get(self.i)?;
            self.i += 1;
            x |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(x);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    }
}

/// Covering bigrams of a phrase (the per-field dfs in its posting's header).
fn n_terms(phrase: &str) -> usize {
    super::analyzer::covering(phrase.chars().count()).len()
}

/// Number of records of a phrase posting (its header skipped).
fn matches(phrase: &str, posting: &[u8]) -> Option<u64> {
    let mut r = Reader { b: posting, i: 0 };
    for _ in 0..4 * n_terms(phrase) {
        r.v()?;
    }
    r.v()
}

/// (ord, field mask, score) of every record of a phrase posting
/// (`phrases.rs` encoding), or None when it does not decode.
fn ranked(posting: &[u8], n_terms: usize, recs: &Records) -> Option<Vec<(u32, u8, f64)>> {
    let n = recs.infos.len() as u64;
    let mut r = Reader { b: posting, i: 0 };
    let mut weights = [0f64; 4];
    for w in &mut weights {
        let mut sum = 0f64;
        let mut any = true;
        for _ in 0..n_terms {
            let df = r.v()?;
            any &= df > 0;
            sum = f(sum + idf(df, n));
        }
        *w = if any { f(sum * f(1.0 + K1)) } else { 0.0 };
    }
    let count = r.v()?;
    let mut out = Vec::with_capacity(count.min(n) as usize);
    let mut ord = 0u64;
    for _ in 0..count {
        let x = r.v()?;
        ord += x >> 4;
        let mask = (x & 15) as u8;
        let o = usize::try_from(ord)
            .ok()
            .filter(|&o| o < recs.infos.len())?;
        let mut s = 0f64;
        for (fi, &w) in weights.iter().enumerate() {
            if mask & (1 << fi) != 0 {
                let tf = r.v()?;
                let norm = *recs.norm_table.get(usize::from(recs.norms[o][fi]))?;
                s = f(s + score(w, tf, norm, recs.avg[fi]));
            }
        }
        out.push((o as u32, mask, s));
    }
    out.sort_by(|a, b| {
        (b.1 & 1)
            .cmp(&(a.1 & 1))
            .then(b.2.total_cmp(&a.2))
            .then(a.0.cmp(&b.0))
    });
    Some(out)
}

/// One result row as the runtime's `details` builds it for an exact match:
/// `[ord, titleHtml, url, kind index, snippetHtml]`.
fn row(ord: u32, mask: u8, phrase: &str, recs: &Records) -> serde_json::Value {
    let o = ord as usize;
    let d = &recs.infos[o];
    let summary = &recs.summaries[o];
    let need_extra = mask & 2 == 0 && mask & 8 != 0;
    let extras: &[String] = if need_extra { &d.extra } else { &[] };
    let in_summary = !match_ranges(summary, phrase).is_empty();
    let in_extra = extras.iter().any(|t| !match_ranges(t, phrase).is_empty());
    let snip = match (in_summary, in_extra) {
        (true, _) => snippet(summary, phrase, SNIPPET_CHARS),
        (false, true) => snippet_of_values(extras, phrase, SNIPPET_CHARS),
        (false, false) => {
            let mut s = snippet(summary, phrase, SNIPPET_CHARS);
            if match_ranges(&d.title, phrase).is_empty() {
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str("<span class=\"search-result-in-body\">正文包含：<mark>");
                escape_html(phrase, &mut s);
                s.push_str("</mark></span>");
            }
            s
        }
    };
    serde_json::json!([
        ord,
        super::highlight::highlight(&d.title, phrase),
        d.url,
        recs.kind[o],
        snip
    ])
}

/// The answer to `phrase` (normalised, 3+ characters, one chunk) from its
/// phrase posting: `{"n": matches, "r": rows, "k": count per kind,
/// "f": [value index, count, …]}`; None when it has fewer matches than a
/// page (the partial-match tier would then join the page).
pub(crate) fn answer(phrase: &str, posting: &[u8], recs: &Records) -> Option<serde_json::Value> {
    let hits = ranked(posting, n_terms(phrase), recs)?;
    if hits.len() < PAGE {
        return None;
    }
    let rows: Vec<serde_json::Value> = hits[..PAGE]
        .iter()
        .map(|&(o, m, _)| row(o, m, phrase, recs))
        .collect();
    let mut kinds = vec![0usize; recs.kinds];
    let mut values: BTreeMap<usize, usize> = BTreeMap::new();
    for &(o, _, _) in &hits {
        if let Some(k) = kinds.get_mut(recs.kind[o as usize]) {
            *k += 1;
        }
        for &v in &recs.facets[o as usize] {
            *values.entry(v).or_insert(0) += 1;
        }
    }
    let flat: Vec<usize> = values.into_iter().flat_map(|(v, c)| [v, c]).collect();
    Some(serde_json::json!({"n": hits.len(), "r": rows, "k": kinds, "f": flat}))
}

/// Most answer files, and the target size of one: a query that has an
/// answer loads one such file (about five answers). National corpus, 232
/// queries (node, median / p90 KB): 60 files 374 / 864 (73 answered), 90
/// files 334 / 856 (87), 120 files 335 / 855 (88), 200 files 336 / 933 (88:
/// the files come out of the term files).
const ANSWER_FILES: usize = 90;
const ANSWER_FILE_TARGET: usize = 40 * 1024;

/// Answers of the likeliest queries among the phrases with a phrase
/// posting and the 2-character words and facet values (their term's
/// record-level part is their phrase posting), packed in phrase order into files (`a-{i}.js`). Likeliest
/// first: facet values (themes, subjects, stages: what the facets list),
/// then the query-word table's words by frequency, then the other string
/// values (names of schools and people) by number of matches; as many as
/// [`ANSWER_FILES`] files of [`ANSWER_FILE_TARGET`] bytes hold.
pub(crate) fn select(
    phrases: &[(String, Vec<u8>)],
    recs: &Records,
    facet_values: &BTreeSet<String>,
    weights: &HashMap<String, i32>,
) -> Vec<Vec<(String, serde_json::Value)>> {
    // Order by likelihood first (cheap: only the match count is decoded),
    // then compute answers in that order until the files are full.
    let mut order: Vec<(u8, i64, &str, &[u8])> = phrases
        .iter()
        .filter_map(|(p, b)| {
            let n = matches(p, b)?;
            if n < PAGE as u64 {
                return None;
            }
            let n = n as i64;
            let (class, key) = if facet_values.contains(p) {
                (0, -n)
            } else if let Some(&w) = weights.get(p) {
                (1, -i64::from(w))
            } else {
                (2, -n)
            };
            Some((class, key, p.as_str(), b.as_slice()))
        })
        .collect();
    order.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
    let mut budget = ANSWER_FILES * ANSWER_FILE_TARGET;
    let mut chosen: Vec<(&str, serde_json::Value, usize)> = Vec::new();
    'fill: for batch in order.chunks(64) {
        let done: Vec<Option<(serde_json::Value, usize)>> = batch
            .par_iter()
            .map(|&(_, _, p, b)| {
                let a = answer(p, b, recs)?;
                let size = serde_json::to_string(&a).map(|s| s.len()).unwrap_or(0) + p.len() + 8;
                Some((a, size))
            })
            .collect();
        for (&(_, _, p, _), d) in batch.iter().zip(done) {
            let Some((a, size)) = d else { continue };
            if size > budget {
                break 'fill;
            }
            budget -= size;
            chosen.push((p, a, size));
        }
    }
    chosen.sort_by(|a, b| a.0.cmp(b.0));
    let mut files: Vec<Vec<(String, serde_json::Value)>> = Vec::new();
    let mut fill = usize::MAX;
    for (p, a, size) in chosen {
        if fill.saturating_add(size) > ANSWER_FILE_TARGET {
            files.push(Vec::new());
            fill = 0;
        }
        fill += size;
        if let Some(f) = files.last_mut() {
            f.push((p.to_string(), a));
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_rounds_like_the_runtime() {
        // tf 1 in a field as long as the average: weight × 1 / (1 + 1.2)
        let s = score(2.2, 1, 10, 10.0);
        assert_eq!(s, f(2.2 * f(1.0 / f(1.0 + f(1.2)))));
        assert!(idf(1, 100) > idf(50, 100));
    }
}
