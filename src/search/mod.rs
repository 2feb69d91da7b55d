//! Search stage: one analyzer (jieba + exact character n-grams), the tantivy
//! index in the site's cache folder, the static sharded export for the
//! browser, and the query engine used by `chengguo search`.
//!
//! Contract with the rest of the pipeline (owned by the build stage):
//! the build turns every published record into a [`SearchDoc`] and calls
//! [`build_index`] then [`export_static`]; `chengguo search` calls [`query`].

use std::path::{Path, PathBuf};

/// One published record as the search stage sees it. Produced by the build
/// pipeline from the site graph; the search stage never reads content files.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SearchDoc {
    /// Record id (file stem), unique within its kind.
    pub id: String,
    /// Kind directory name: "outcomes", "holders", "regions", "cases", "notices", "pages".
    pub kind: String,
    /// Chinese label of the kind, e.g. "成果", "典型案例".
    pub kind_label: String,
    pub title: String,
    /// URL of the record page relative to the output root, e.g. "outcomes/abc.html".
    pub url: String,
    pub summary: String,
    /// Markdown body rendered to plain text (paragraphs separated by "\n");
    /// shared with the body memo, not copied.
    pub body: std::sync::Arc<str>,
    /// Every other searchable string value, each one separate (a match never
    /// spans two values): front-matter strings and the titles of referenced records.
    pub extra: Vec<String>,
    /// Facets: (facet key, values). Keys: "stage", "subject", "theme",
    /// "province", "year", "level", "zone".
    pub facets: Vec<(String, Vec<String>)>,
}

/// Chinese labels of the facet keys, in display order.
pub const FACETS: &[(&str, &str)] = &[
    ("stage", "学段"),
    ("subject", "学科"),
    ("theme", "主题"),
    ("province", "省份"),
    ("year", "获奖年度"),
    ("level", "获奖等级"),
    ("zone", "东中西部"),
];

/// One result of [`query`], in rank order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub url: String,
    pub score: f32,
    /// true: the record contains every query chunk as a contiguous string.
    pub exact: bool,
}

/// Where the tantivy index of a site lives (never inside the output folder).
pub fn cache_dir(site_dir: &Path) -> PathBuf {
    site_dir.join(".chengguo-cache").join("search")
}

/// Version of the static format (`meta.js` → `version`; docs/search-format.md).
pub const FORMAT_VERSION: u32 = 6;

/// Inverted-index readers of every segment and text field (export, phrases).
pub(crate) type Invs = Vec<Vec<std::sync::Arc<tantivy::InvertedIndexReader>>>;

pub mod analyzer;
mod answers;
pub mod export;
pub mod highlight;
pub mod index;
mod phrases;
mod postcode;
pub mod query;
mod textcode;
pub mod words;

pub use export::{export_static, ExportSummary};
pub use highlight::{highlight, snippet};
pub use index::{build_index, is_fresh, IndexSummary};
pub use query::{query, Engine};

/// Errors of the search stage. Display messages are for users (Chinese).
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Reading or writing a file of the index or of the export failed.
    #[error("搜索索引文件读写失败：{path}：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// tantivy reported an error.
    #[error("搜索索引出错：{0}")]
    Index(String),
    /// No usable index in the cache folder.
    #[error("搜索索引不存在或不完整：{0}（请先运行 chengguo build）")]
    Missing(PathBuf),
    /// The cache folder holds an index of another format version.
    #[error("搜索索引已损坏或版本不符：{0}（请删除缓存后重新构建）")]
    Corrupt(String),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(e.to_string())
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        SearchError::Index(e.to_string())
    }
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SearchError + '_ {
    move |source| SearchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Developer timing trace of the search stage, printed to stderr (English)
/// when the environment variable `CHENGGUO_SEARCH_TRACE` is set.
pub(crate) struct Trace {
    on: bool,
    name: &'static str,
    start: std::time::Instant,
    last: std::cell::Cell<std::time::Instant>,
}

impl Trace {
    pub(crate) fn new(name: &'static str) -> Trace {
        let now = std::time::Instant::now();
        Trace {
            on: std::env::var_os("CHENGGUO_SEARCH_TRACE").is_some(),
            name,
            start: now,
            last: std::cell::Cell::new(now),
        }
    }
    pub(crate) fn step(&self, what: &str) {
        if self.on {
            let now = std::time::Instant::now();
            eprintln!(
                "[search trace] {}: {what}: {:.3}s (total {:.3}s)",
                self.name,
                (now - self.last.get()).as_secs_f64(),
                (now - self.start).as_secs_f64()
            );
            self.last.set(now);
        }
    }
}
