//! chengguo (成果): a static site generator for the portal of China's
//! national programme promoting excellent basic-education teaching outcomes.
//!
//! The build is a pipeline of typed stages, one module each:
//! [`config`] → [`content`] (load + front matter) → [`validate`] →
//! [`graph`] (references, reverse links, taxonomies) → [`render`]
//! (Markdown + tera views) → [`search`] (analyzer, tantivy index, static
//! export) → [`output`] (staging folder, atomic swap). [`build`] runs it;
//! [`pack`] zips its output for USB sticks and verifies copies;
//! [`cli`] is the command line. See docs/ARCHITECTURE.md.

pub mod build;
pub mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod diag;
pub mod graph;
pub mod images;
pub mod incr;
pub mod init;
pub mod interchange;
pub mod model;
pub mod new;
pub mod output;
pub mod pack;
pub mod pathguess;
pub mod render;
pub mod safepath;
pub mod search;
pub mod serve;
pub mod slug;
pub mod svg;
pub mod text;
pub mod validate;
pub mod vocab;
