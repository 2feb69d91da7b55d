//! Precomputed record-level postings of frequent phrases (static format 2).
//!
//! A chunk of 3+ characters is matched by intersecting the positions of its
//! covering bigrams; for a frequent chunk (作业设计) those positions are
//! megabytes. For the query-word table's words of 3+ characters whose
//! covering bigrams are expensive, the export writes the answer itself: per
//! record and field the phrase frequency (the number of start positions
//! where every covering bigram occurs at its offset — exactly what tantivy's
//! phrase scorer and the runtime's position intersection count), plus the
//! per-field document frequency of every covering bigram (the BM25 weight
//! is their idf sum). The runtime then needs no positions for that chunk and
//! computes byte-identical sets and the same scores.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use tantivy::postings::Postings;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, TERMINATED};

use super::analyzer::covering;
use super::postcode::put_varint;
use super::Invs;
use super::SearchError;

/// One term's postings: per (ord, field), sorted by (ord, field), the range
/// of its positions in `pos` (one flat vector: a term of a frequent bigram
/// has hundreds of thousands of entries, and a vector each would double
/// the export's peak memory).
#[derive(Default)]
struct Entries {
    /// (ord, field, start, end) of the entry's positions in `pos`
    at: Vec<(u32, u8, u32, u32)>,
    pos: Vec<u32>,
}

impl Entries {
    fn positions(&self, i: usize) -> &[u32] {
        let (_, _, a, b) = self.at[i];
        &self.pos[a as usize..b as usize]
    }
}

fn read_term(term: &str, invs: &Invs, ord_maps: &[Vec<u32>]) -> Result<Entries, SearchError> {
    let mut out = Entries::default();
    for (si, seg_invs) in invs.iter().enumerate() {
        for (fi, inv) in seg_invs.iter().enumerate() {
            let Some(ti) = inv
                .terms()
                .get(term.as_bytes())
                .map_err(|e| SearchError::Index(e.to_string()))?
            else {
                continue;
            };
            let mut p = inv
                .read_postings_from_terminfo(&ti, IndexRecordOption::WithFreqsAndPositions)
                .map_err(|e| SearchError::Index(e.to_string()))?;
            let mut d = p.doc();
            let mut buf = Vec::new();
            while d != TERMINATED {
                p.positions(&mut buf);
                let a = out.pos.len() as u32;
                out.pos.extend_from_slice(&buf);
                out.at
                    .push((ord_maps[si][d as usize], fi as u8, a, out.pos.len() as u32));
                d = p.advance();
            }
        }
    }
    out.at.sort_unstable_by_key(|e| (e.0, e.1));
    Ok(out)
}

fn bigrams(phrase: &str) -> Vec<(u32, String)> {
    let c: Vec<char> = phrase.chars().collect();
    covering(c.len())
        .into_iter()
        .map(|o| (o as u32, c[o..o + 2].iter().collect()))
        .collect()
}

/// Encoded phrase posting (not base64), or None when it occurs nowhere:
///
/// ```text
/// for field in 0..4: for each covering bigram: df of the bigram in the field
/// n_docs
/// repeat n_docs: (ord − previous_ord) << 4 | field_mask, then per field bit: phrase tf
/// ```
fn encode(phrase: &str, terms: &BTreeMap<String, Entries>) -> Option<Vec<u8>> {
    let cov = bigrams(phrase);
    let lists: Vec<&Entries> = cov.iter().map(|(_, t)| &terms[t]).collect();
    let mut out = Vec::new();
    for f in 0..4u8 {
        for l in &lists {
            put_varint(&mut out, l.at.iter().filter(|e| e.1 == f).count() as u64);
        }
    }
    // driven by the covering bigram with the fewest entries: each start
    // position is one of its positions, so the count is the same whichever
    // drives, and the others are only searched
    let d = (0..lists.len())
        .min_by_key(|&j| lists[j].at.len())
        .unwrap_or(0);
    let d_off = cov[d].0;
    let mut hits: Vec<(u32, u8, u32)> = Vec::new();
    for (i0, &(ord, field, _, _)) in lists[d].at.iter().enumerate() {
        let base = lists[d].positions(i0);
        let mut others = Vec::with_capacity(lists.len() - 1);
        for (j, l) in lists.iter().enumerate() {
            if j == d {
                continue;
            }
            match l.at.binary_search_by_key(&(ord, field), |e| (e.0, e.1)) {
                Ok(i) => others.push((l.positions(i), cov[j].0)),
                Err(_) => break,
            }
        }
        if others.len() + 1 < lists.len() {
            continue;
        }
        let tf = base
            .iter()
            .filter(|&&p| {
                // the phrase would start at p − d_off
                p >= d_off
                    && others
                        .iter()
                        .all(|(ps, o)| ps.binary_search(&(p - d_off + o)).is_ok())
            })
            .count() as u32;
        if tf > 0 {
            hits.push((ord, field, tf));
        }
    }
    if hits.is_empty() {
        return None;
    }
    let mut i = 0;
    let mut records = Vec::new();
    while i < hits.len() {
        let ord = hits[i].0;
        let mut j = i;
        let mut mask = 0u64;
        while j < hits.len() && hits[j].0 == ord {
            mask |= 1 << hits[j].1;
            j += 1;
        }
        records.push((ord, mask, i, j));
        i = j;
    }
    put_varint(&mut out, records.len() as u64);
    let mut prev = 0u32;
    for (ord, mask, i, j) in records {
        put_varint(&mut out, (u64::from(ord - prev) << 4) | mask);
        prev = ord;
        for h in &hits[i..j] {
            put_varint(&mut out, u64::from(h.2));
        }
    }
    Some(out)
}

/// Phrase postings of `candidates` (each of 3+ characters), in order;
/// phrases that occur nowhere are left out.
pub(crate) fn phrase_postings(
    candidates: &[&str],
    invs: &Invs,
    ord_maps: &[Vec<u32>],
) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    let needed: BTreeSet<String> = candidates
        .iter()
        .flat_map(|p| bigrams(p).into_iter().map(|(_, t)| t))
        .collect();
    let needed: Vec<String> = needed.into_iter().collect();
    let read: Vec<(String, Entries)> = needed
        .par_iter()
        .map(|t| Ok((t.clone(), read_term(t, invs, ord_maps)?)))
        .collect::<Result<_, SearchError>>()?;
    let terms: BTreeMap<String, Entries> = read.into_iter().collect();
    Ok(candidates
        .par_iter()
        .filter_map(|p| encode(p, &terms).map(|b| (p.to_string(), b)))
        .collect())
}
