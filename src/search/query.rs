//! The query engine of `chengguo search` (tantivy side).
//!
//! A string `s` (a query chunk, or a query word in the fallback) is matched
//! in each of the four text fields separately: one character → term query on
//! the unigram; two → term query on the bigram; more → an offset-aware
//! phrase query over the covering bigrams (`PhraseQuery::new_with_offset`).
//! Per record this yields the set of fields containing `s` and the sum of the
//! tantivy BM25 scores over those fields.
//!
//! Ranking (identical in the browser runtime):
//! 1. exact: records matching every chunk; ordered by the number of chunks
//!    found in the title (more first), then score, then input order;
//! 2. only when there are fewer than `limit` exact records: records that
//!    contain every query word (see [`super::words`]) in any order, by score;
//! 3. then records with most of the words (count, then score).
//!
//! Tiers 2 and 3 have `exact: false`.

use std::collections::HashMap;
use std::path::Path;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Index, IndexReader, Score, SegmentOrdinal, SegmentReader, Term};

use super::analyzer::{covering, query_chunks};
use super::index::{DocInfo, Fields};
use super::words::WordTable;
use super::{Hit, SearchError};

/// Per record: bit set of matching fields, summed score.
pub(crate) type Matches = HashMap<u32, (u8, f32)>;

struct AllHits;
struct AllHitsSeg {
    ord: Column<u64>,
    out: Vec<(u32, Score)>,
}

impl Collector for AllHits {
    type Fruit = Vec<(u32, Score)>;
    type Child = AllHitsSeg;
    fn for_segment(&self, _: SegmentOrdinal, r: &SegmentReader) -> tantivy::Result<AllHitsSeg> {
        Ok(AllHitsSeg {
            ord: r.fast_fields().u64("ord")?,
            out: Vec::new(),
        })
    }
    fn requires_scoring(&self) -> bool {
        true
    }
    fn merge_fruits(&self, fruits: Vec<Vec<(u32, Score)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for AllHitsSeg {
    type Fruit = Vec<(u32, Score)>;
    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(o) = self.ord.first(doc) {
            self.out.push((o as u32, score));
        }
    }
    fn harvest(self) -> Self::Fruit {
        self.out
    }
}

/// An opened index, reusable for many queries.
pub struct Engine {
    #[allow(dead_code)]
    index: Index,
    reader: IndexReader,
    fields: Fields,
    docs: Vec<DocInfo>,
    words: WordTable,
}

impl Engine {
    /// Opens the index in the cache folder `dir`.
    pub fn open(dir: &Path) -> Result<Engine, SearchError> {
        let (index, fields, docs, words) = super::index::open(dir)?;
        let reader = index.reader()?;
        Ok(Engine {
            index,
            reader,
            fields,
            docs,
            words,
        })
    }

    /// Number of records in the index.
    pub fn num_docs(&self) -> usize {
        self.docs.len()
    }

    /// Records (by input position) whose searchable text contains the
    /// normalised string `s`, with field bits and score.
    pub(crate) fn match_string(&self, s: &str) -> Result<Matches, SearchError> {
        let searcher = self.reader.searcher();
        let chars: Vec<char> = s.chars().collect();
        let mut out: Matches = HashMap::new();
        if chars.is_empty() {
            return Ok(out);
        }
        for (fi, &field) in self.fields.text.iter().enumerate() {
            let q: Box<dyn Query> = if chars.len() <= 2 {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, s),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                let terms = covering(chars.len())
                    .into_iter()
                    .map(|o| {
                        let g: String = chars[o..o + 2].iter().collect();
                        (o, Term::from_field_text(field, &g))
                    })
                    .collect();
                Box::new(PhraseQuery::new_with_offset(terms))
            };
            for (ord, score) in searcher.search(q.as_ref(), &AllHits)? {
                let e = out.entry(ord).or_insert((0, 0.0));
                e.0 |= 1 << fi;
                e.1 += score;
            }
        }
        Ok(out)
    }

    /// Runs a query; see the module docs for semantics and ranking.
    pub fn query(
        &self,
        q: &str,
        kind: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let chunks = query_chunks(q);
        if chunks.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let kind_ok = |ord: u32| match kind {
            Some(k) => self.docs.get(ord as usize).is_some_and(|d| d.kind == k),
            None => self.docs.get(ord as usize).is_some(),
        };
        let mut cache: HashMap<String, Matches> = HashMap::new();
        for c in &chunks {
            let m = self.match_string(c)?;
            cache.insert(c.clone(), m);
        }
        // exact tier
        let first = &cache[&chunks[0]];
        let mut exact: Vec<(u32, usize, f32)> = Vec::new();
        'doc: for (&ord, &(mask, score)) in first {
            if !kind_ok(ord) {
                continue;
            }
            let mut title = usize::from(mask & 1 != 0);
            let mut total = score;
            for c in &chunks[1..] {
                match cache[c].get(&ord) {
                    Some(&(m, s)) => {
                        title += usize::from(m & 1 != 0);
                        total += s;
                    }
                    None => continue 'doc,
                }
            }
            exact.push((ord, title, total));
        }
        exact.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(&b.0)));
        let mut hits: Vec<Hit> = exact
            .iter()
            .take(limit)
            .map(|&(ord, _, s)| self.hit(ord, s, true))
            .collect();
        if hits.len() >= limit {
            return Ok(hits);
        }
        // fallback tiers
        let words = self.words.query_words(&chunks);
        if words.is_empty() {
            return Ok(hits);
        }
        for w in &words {
            if !cache.contains_key(w) {
                let m = self.match_string(w)?;
                cache.insert(w.clone(), m);
            }
        }
        let exact_set: std::collections::HashSet<u32> = exact.iter().map(|e| e.0).collect();
        let mut partial: HashMap<u32, (usize, f32)> = HashMap::new();
        for w in &words {
            for (&ord, &(_, s)) in &cache[w] {
                if exact_set.contains(&ord) || !kind_ok(ord) {
                    continue;
                }
                let e = partial.entry(ord).or_insert((0, 0.0));
                e.0 += 1;
                e.1 += s;
            }
        }
        let mut rest: Vec<(u32, usize, f32)> =
            partial.into_iter().map(|(o, (n, s))| (o, n, s)).collect();
        rest.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(&b.0)));
        for (ord, _, s) in rest {
            if hits.len() >= limit {
                break;
            }
            hits.push(self.hit(ord, s, false));
        }
        Ok(hits)
    }

    fn hit(&self, ord: u32, score: f32, exact: bool) -> Hit {
        let d = &self.docs[ord as usize];
        Hit {
            id: d.id.clone(),
            kind: d.kind.clone(),
            title: d.title.clone(),
            url: d.url.clone(),
            score,
            exact,
        }
    }
}

/// Opens the index in `dir` and runs one query (see [`Engine::query`]).
pub fn query(
    dir: &Path,
    q: &str,
    kind: Option<&str>,
    limit: usize,
) -> Result<Vec<Hit>, SearchError> {
    Engine::open(dir)?.query(q, kind, limit)
}
