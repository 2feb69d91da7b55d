//! The tantivy index in the site's cache folder: schema, build, freshness.
//!
//! Layout of the cache folder (`cache_dir(site)`):
//! * `index/` — the tantivy index (fields below);
//! * `docs.json` — per record in input order (`ord`): id, kind, kind label,
//!   title, url, facets and the separate extra strings (used by the query
//!   engine for filtering and hits, and by the export);
//! * `words.tsv` — the query-word table ([`super::words`]);
//! * `fingerprint` — written last; hash of the analyzer version and of all
//!   input records. [`is_fresh`] compares it.
//!
//! tantivy fields: `ord` (u64, fast + stored: position in the input),
//! `kind` and `facet` (raw strings `key=value`, indexed), and the four text
//! fields `title`, `summary`, `body`, `extra` (tokenized by the gram
//! tokenizer with frequencies and character-offset positions; all but the
//! body stored). The extra
//! strings are joined with `\n` (whitespace, so no match can span two).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{doc, Index, IndexWriter, TantivyDocument};

use super::analyzer::{GramTokenizer, ANALYZER_VERSION, GRAM_TOKENIZER};
use super::words::WordTable;
use super::{io_err, SearchDoc, SearchError};

/// Names of the four searchable text fields, in field-bit order
/// (bit 0 = title … bit 3 = extra). Shared with the export and the browser.
pub const TEXT_FIELDS: [&str; 4] = ["title", "summary", "body", "extra"];

/// What [`build_index`] did, for the CLI's stage line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IndexSummary {
    /// Records indexed.
    pub docs: usize,
    /// Words in the query-word table.
    pub words: usize,
    /// tantivy segments written.
    pub segments: usize,
    /// Files in the cache folder.
    pub files: usize,
    /// Bytes in the cache folder.
    pub bytes: u64,
}

/// Handles of the schema fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub ord: Field,
    pub kind: Field,
    pub facet: Field,
    pub text: [Field; 4],
}

/// Per-record side data stored in `docs.json`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct DocInfo {
    pub id: String,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub url: String,
    pub facets: Vec<(String, Vec<String>)>,
    pub extra: Vec<String>,
}

pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let ord = b.add_u64_field("ord", FAST | STORED);
    let kind = b.add_text_field("kind", STRING | STORED);
    let facet = b.add_text_field("facet", STRING);
    let indexed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(GRAM_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    // The body is not stored: nothing reads it back (snippets of body
    // matches name the matched text; see docs/search-format.md).
    let text = TEXT_FIELDS.map(|n| {
        let o = if n == "body" {
            indexed.clone()
        } else {
            indexed.clone().set_stored()
        };
        b.add_text_field(n, o)
    });
    (
        b.build(),
        Fields {
            ord,
            kind,
            facet,
            text,
        },
    )
}

pub(crate) fn register(index: &Index) {
    index
        .tokenizers()
        .register(GRAM_TOKENIZER, TextAnalyzer::builder(GramTokenizer).build());
}

fn paths(dir: &Path) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    (
        dir.join("index"),
        dir.join("docs.json"),
        dir.join("words.tsv"),
        dir.join("fingerprint"),
    )
}

/// Hex fingerprint of the analyzer version and of every record (all fields,
/// in order). Two 64-bit FNV-1a lanes with different seeds.
pub fn fingerprint(docs: &[SearchDoc]) -> String {
    struct H(u64, u64);
    impl H {
        fn bytes(&mut self, b: &[u8]) {
            for &x in b {
                self.0 = (self.0 ^ x as u64).wrapping_mul(0x0000_0100_0000_01b3);
                self.1 = (self.1 ^ x as u64)
                    .wrapping_mul(0x0000_0100_0000_01b3)
                    .rotate_left(5);
            }
        }
        fn str(&mut self, s: &str) {
            self.bytes(&(s.len() as u64).to_le_bytes());
            self.bytes(s.as_bytes());
        }
    }
    let mut h = H(0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4);
    h.str(&format!(
        "chengguo-search analyzer {ANALYZER_VERSION} format {}",
        super::FORMAT_VERSION
    ));
    h.bytes(&(docs.len() as u64).to_le_bytes());
    for d in docs {
        for s in [
            &d.id,
            &d.kind,
            &d.kind_label,
            &d.title,
            &d.url,
            &d.summary,
            &*d.body,
        ] {
            h.str(s);
        }
        h.bytes(&(d.extra.len() as u64).to_le_bytes());
        for s in &d.extra {
            h.str(s);
        }
        h.bytes(&(d.facets.len() as u64).to_le_bytes());
        for (k, vs) in &d.facets {
            h.str(k);
            h.bytes(&(vs.len() as u64).to_le_bytes());
            for v in vs {
                h.str(v);
            }
        }
    }
    format!("{:016x}{:016x}", h.0, h.1)
}

/// True when the cache folder holds a complete index of exactly these records.
pub fn is_fresh(docs: &[SearchDoc], dir: &Path) -> bool {
    let (idx, docs_json, words, fp) = paths(dir);
    match std::fs::read_to_string(&fp) {
        Ok(s) => {
            s.trim() == fingerprint(docs)
                && idx.join("meta.json").is_file()
                && docs_json.is_file()
                && words.is_file()
        }
        Err(_) => false,
    }
}

fn dir_usage(dir: &Path) -> (usize, u64) {
    let mut files = 0;
    let mut bytes = 0;
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                let (f, b) = dir_usage(&p);
                files += f;
                bytes += b;
            } else if let Ok(m) = e.metadata() {
                files += 1;
                bytes += m.len();
            }
        }
    }
    (files, bytes)
}

/// The order in which records are indexed: their `ord`, the order of the
/// export's record store and of result ties. Records of one kind stay
/// together (in the kinds' first-seen order); within a kind, records that
/// share facets and referenced titles are put side by side, since a query's
/// results are mostly such records: its first page then falls into few
/// record-store blocks, and neighbouring facet columns repeat.
fn search_order(docs: &[SearchDoc]) -> Vec<usize> {
    let mut kinds: Vec<&str> = Vec::new();
    for d in docs {
        if !kinds.contains(&d.kind.as_str()) {
            kinds.push(&d.kind);
        }
    }
    let key = |i: usize| {
        let d = &docs[i];
        let k = kinds.iter().position(|k| *k == d.kind).unwrap_or(0);
        let mut parts: Vec<&str> = Vec::new();
        for (_, vs) in &d.facets {
            parts.extend(vs.iter().map(|s| s.as_str()));
            // (a facet's values end before the next facet's begin)
            parts.push("\u{0}");
        }
        parts.extend(d.extra.iter().map(|s| s.as_str()));
        (k, parts, i)
    };
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by_cached_key(|&i| key(i));
    order
}

/// (Re)creates the index of `docs` in `dir` (the site's cache folder).
///
/// When the folder already holds a complete index of exactly these records
/// ([`is_fresh`]), nothing is rebuilt and the existing index is described.
pub fn build_index(docs: &[SearchDoc], dir: &Path) -> Result<IndexSummary, SearchError> {
    let trace = super::Trace::new("build_index");
    let (idx_dir, docs_json, words_path, fp) = paths(dir);
    if is_fresh(docs, dir) {
        if let Ok(index) = Index::open_in_dir(&idx_dir) {
            let words = std::fs::read_to_string(&words_path)
                .map(|s| s.lines().count().saturating_sub(1))
                .unwrap_or(0);
            let segments = index.searchable_segment_ids()?.len();
            let (files, bytes) = dir_usage(dir);
            trace.step("index is fresh, kept");
            return Ok(IndexSummary {
                docs: docs.len(),
                words,
                segments,
                files,
                bytes,
            });
        }
    }
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    // Invalidate first: a build that fails half way is never taken as fresh.
    if fp.exists() {
        std::fs::remove_file(&fp).map_err(io_err(&fp))?;
    }
    if idx_dir.exists() {
        std::fs::remove_dir_all(&idx_dir).map_err(io_err(&idx_dir))?;
    }
    std::fs::create_dir_all(&idx_dir).map_err(io_err(&idx_dir))?;

    let (schema, f) = schema();
    let index = Index::create_in_dir(&idx_dir, schema)?;
    register(&index);
    let text_bytes: usize = docs
        .iter()
        .map(|d| {
            d.title.len()
                + d.summary.len()
                + d.body.len()
                + d.extra.iter().map(|e| e.len()).sum::<usize>()
        })
        .sum();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    // Small sites: one small arena. Large ones: bounded so that the whole
    // build stays well under 2 GB (see docs/search-format.md).
    let per_thread = (text_bytes * 12 / threads).clamp(20 << 20, 300 << 20);
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(threads, per_thread * threads)?;
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));

    let order = search_order(docs);
    let sorted: Vec<&SearchDoc> = order.iter().map(|&i| &docs[i]).collect();
    for (ord, d) in sorted.iter().enumerate() {
        let mut td = doc!(
            f.ord => ord as u64,
            f.kind => d.kind.clone(),
            f.text[0] => d.title.clone(),
            f.text[1] => d.summary.clone(),
            f.text[2] => d.body.to_string(),
            f.text[3] => d.extra.join("\n"),
        );
        for (k, vs) in &d.facets {
            for v in vs {
                td.add_text(f.facet, format!("{k}={v}"));
            }
        }
        writer.add_document(td)?;
    }

    trace.step("documents queued");
    // While tantivy's threads index, count query words (jieba) on this side.
    let counts = docs
        .par_iter()
        .fold(BTreeMap::new, |mut m, d| {
            WordTable::count_words(&d.title, &mut m);
            WordTable::count_words(&d.summary, &mut m);
            for e in &d.extra {
                WordTable::count_words(e, &mut m);
            }
            m
        })
        .reduce(BTreeMap::new, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_insert(0) += v;
            }
            a
        });
    trace.step("query words counted");
    writer.commit()?;
    writer.wait_merging_threads()?;
    trace.step("tantivy committed");
    let table = WordTable::from_counts(&counts);
    table.save(&words_path)?;

    let infos: Vec<DocInfo> = sorted
        .iter()
        .map(|d| DocInfo {
            id: d.id.clone(),
            kind: d.kind.clone(),
            kind_label: d.kind_label.clone(),
            title: d.title.clone(),
            url: d.url.clone(),
            facets: d.facets.clone(),
            extra: d.extra.clone(),
        })
        .collect();
    let json = serde_json::to_vec(&infos).map_err(|e| SearchError::Index(e.to_string()))?;
    std::fs::write(&docs_json, json).map_err(io_err(&docs_json))?;

    trace.step("side files written");
    let segments = index.searchable_segment_ids()?.len();
    std::fs::write(&fp, fingerprint(docs)).map_err(io_err(&fp))?;
    let (files, bytes) = dir_usage(dir);
    Ok(IndexSummary {
        docs: docs.len(),
        words: table.weights.len(),
        segments,
        files,
        bytes,
    })
}

/// Opens the index in `dir` (must be complete).
pub(crate) fn open(dir: &Path) -> Result<(Index, Fields, Vec<DocInfo>, WordTable), SearchError> {
    let (idx_dir, docs_json, words_path, fp) = paths(dir);
    if !fp.is_file() || !idx_dir.join("meta.json").is_file() {
        return Err(SearchError::Missing(dir.to_path_buf()));
    }
    let index = Index::open_in_dir(&idx_dir)?;
    register(&index);
    let (_, f) = schema();
    let field_names: Vec<String> = index
        .schema()
        .fields()
        .map(|(_, e)| e.name().to_string())
        .collect();
    let expected: Vec<String> = schema()
        .0
        .fields()
        .map(|(_, e)| e.name().to_string())
        .collect();
    if field_names != expected {
        return Err(SearchError::Corrupt(idx_dir.display().to_string()));
    }
    let raw = std::fs::read(&docs_json).map_err(io_err(&docs_json))?;
    let infos: Vec<DocInfo> = serde_json::from_slice(&raw)
        .map_err(|e| SearchError::Corrupt(format!("{}: {e}", docs_json.display())))?;
    let table = WordTable::load(&words_path)?;
    Ok((index, f, infos, table))
}
