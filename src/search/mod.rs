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
    /// Markdown body rendered to plain text (paragraphs separated by "\n").
    pub body: String,
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
