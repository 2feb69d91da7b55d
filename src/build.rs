//! The pipeline: config → content → validate → site graph → render →
//! search → output, each stage timed. `build` and `check` are the same
//! run; `check` writes nothing. Every content error of the run is collected
//! and returned together.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diag::Diagnostics;
use crate::graph::SiteGraph;
use crate::incr::Memo;
use crate::output::{NullSink, OutputError, Staging, Update};
use crate::render::Sink;
use crate::search::SearchDoc;
use crate::{config, content, render, search, validate};

#[derive(Debug, Clone)]
pub struct Options {
    pub site: PathBuf,
    /// Output folder; default `<site>/public`.
    pub out: Option<PathBuf>,
    /// false: `check` (validate and render in memory, write nothing).
    pub write: bool,
    /// Build the search index and its static export.
    pub search: bool,
}

impl Options {
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.site.join("public"))
    }
}

/// One line of progress: stage name, time, what it did.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: &'static str,
    pub took: Duration,
    pub detail: String,
}

#[derive(Debug, Default)]
pub struct Report {
    pub stages: Vec<Stage>,
    pub diagnostics: Diagnostics,
    pub records: usize,
    pub pages: usize,
    pub files: u64,
    pub bytes: u64,
    pub total: Duration,
    /// false when content errors stopped the build (output untouched).
    pub ok: bool,
    /// `check` only: external addresses, images without alt, orphans.
    pub audit: Option<crate::check::Audit>,
}

/// Failures that are not content errors (I/O on the output, the index).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("无法锁定站点缓存目录 {path}（{err}）")]
    Lock { path: PathBuf, err: std::io::Error },
    #[error(transparent)]
    CacheLink(#[from] crate::cache::CacheLink),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("搜索索引：{0}")]
    Search(#[from] search::SearchError),
    #[error("输出目录 {out} 在站点的 {inside} 文件夹中：每次生成都会把上一次的输出当作要发布的文件再复制一遍，越套越深；请把输出目录放到 {inside} 之外（默认是站点目录下的 public/）")]
    OutInsideSource { out: PathBuf, inside: &'static str },
}

/// `path` with its longest existing prefix canonicalised (the rest, which
/// does not exist yet, appended as it is).
fn canonical_prefix(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
        match (cur.parent(), cur.file_name()) {
            (Some(p), Some(n)) => {
                rest.push(n.to_os_string());
                cur = p;
            }
            _ => return abs,
        }
    }
}

/// Refuse an output folder inside the site's `content/` or `themes/`: its
/// files would be read as input by the next build (and published again
/// inside the new output, one level deeper each time).
pub fn check_out_dir(site: &Path, out: &Path) -> Result<(), BuildError> {
    let out_c = canonical_prefix(out);
    for inside in ["content/", "themes/"] {
        let src = canonical_prefix(&site.join(inside.trim_end_matches('/')));
        if out_c.starts_with(&src) {
            return Err(BuildError::OutInsideSource {
                out: out.to_path_buf(),
                inside,
            });
        }
    }
    Ok(())
}

/// The `/`-separated path below `content/` of a listed media file (the
/// content stage only lists names that pass [`crate::safepath`]).
pub fn media_rel(m: &Path) -> Option<String> {
    crate::safepath::check_os_relative(m).ok()
}

/// Everything up to the site graph: shared by build, check and search.
pub struct Loaded {
    pub cfg: config::Config,
    pub graph: SiteGraph,
    pub media: Vec<PathBuf>,
    /// Record files read (not known unchanged by their stamps).
    pub read: usize,
}

fn stage(
    report: &mut Report,
    on: &mut dyn FnMut(&Stage),
    name: &'static str,
    t: Instant,
    detail: String,
) {
    let s = Stage {
        name,
        took: t.elapsed(),
        detail,
    };
    on(&s);
    report.stages.push(s);
}

/// Run config → content → validate → graph.
pub fn load(site: &Path, report: &mut Report, on: &mut dyn FnMut(&Stage)) -> Loaded {
    load_with(site, report, on, &mut Memo::once())
}

/// [`load`], reusing the parses and typed records of `memo`
/// ([`crate::incr`]).
fn load_with(
    site: &Path,
    report: &mut Report,
    on: &mut dyn FnMut(&Stage),
    memo: &mut Memo,
) -> Loaded {
    let keep = memo.keep;
    let mut diags = Diagnostics::new();
    let t = Instant::now();
    let cfg = config::load(site, &mut diags);
    stage(report, on, "config", t, format!("站点“{}”", cfg.title));

    let t = Instant::now();
    let loaded = content::load_with(site, &mut diags, &mut memo.sources, keep);
    let n = loaded.sources.len();
    stage(
        report,
        on,
        "content",
        t,
        format!("读取 {n} 个记录文件、{} 个媒体文件", loaded.media.len()),
    );

    let t = Instant::now();
    let records = validate::validate_with(
        loaded.sources,
        &cfg,
        site,
        &mut diags,
        &mut memo.records,
        keep,
    );
    stage(
        report,
        on,
        "validate",
        t,
        format!("{} 条记录完成类型检查", records.len()),
    );

    let t = Instant::now();
    let drafts = records.iter().filter(|r| r.draft).count();
    let graph = SiteGraph::build_with(records, &mut diags, &mut memo.related);
    stage(
        report,
        on,
        "graph",
        t,
        format!(
            "发布 {} 条记录（草稿 {drafts} 条未发布），{} 个分类",
            graph.records().len(),
            graph.taxonomies().len()
        ),
    );
    report.records = graph.records().len();
    report.diagnostics.extend(diags);
    Loaded {
        cfg,
        graph,
        media: loaded.media,
        read: loaded.read,
    }
}

/// Take the site's build lock (`.chengguo-cache/lock`), waiting for another
/// build or search of the same site to finish: two processes must never
/// write one search index (or swap one output) at the same time. Released
/// when the returned file is dropped, also if the process dies.
pub fn lock_site(site: &Path) -> Result<std::fs::File, BuildError> {
    crate::cache::check(site)?;
    lock_file(&crate::cache::root(site).join("lock"))
}

/// Take an exclusive lock on the file at `path` (created if missing),
/// waiting for another process that holds it; released when the returned
/// file is dropped.
pub fn lock_file(path: &Path) -> Result<std::fs::File, BuildError> {
    let err = |err| BuildError::Lock {
        path: path.to_path_buf(),
        err,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(err)?;
    f.lock().map_err(err)?;
    Ok(f)
}

/// Build (or check) a site. Content errors are in `Report::diagnostics`
/// (and `ok` is false); `Err` is for failures of the machine.
pub fn run(opts: &Options, on: &mut dyn FnMut(&Stage)) -> Result<Report, BuildError> {
    run_keep_docs(opts, on).map(|(report, _)| report)
}

/// [`run`], also handing back the search documents of the records (empty
/// when content errors stopped the build): `serve` builds pages first
/// (`search: false`) and the index from these right after.
pub fn run_keep_docs(
    opts: &Options,
    on: &mut dyn FnMut(&Stage),
) -> Result<(Report, render::Docs), BuildError> {
    run_with(opts, &mut Memo::once(), on)
}

/// Where a build writes: a fresh staging folder swapped in at the end, or
/// (incremental, see [`crate::incr`]) the changed files of the output.
enum Out {
    Full(Staging),
    InPlace(Update),
}

impl Sink for Out {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Out::Full(s) => s.write(path, bytes),
            Out::InPlace(u) => u.write(path, bytes),
        }
    }
}

impl Out {
    fn copy(&self, from: &Path, to: &str) -> std::io::Result<()> {
        match self {
            Out::Full(s) => s.copy(from, to),
            Out::InPlace(u) => u.copy(from, to),
        }
    }
}

/// The key of a file copied as it is into the output: its bytes, read in
/// chunks.
fn file_key(path: &Path) -> std::io::Result<crate::incr::Key> {
    let mut h = crate::incr::Hasher::new("file");
    let len = std::fs::metadata(path)?.len();
    h.num(len);
    std::io::copy(&mut std::fs::File::open(path)?, &mut h)?;
    Ok(h.finish())
}

/// [`run_keep_docs`] with a memo kept between builds ([`crate::incr`]):
/// record files whose bytes are unchanged are not parsed again, bodies not
/// rendered again, and when `memo` knows the output folder (the last build
/// into it succeeded) and no search index is wanted, only the files whose
/// key changed are rendered and written (in place, see [`Update`]) and the
/// files no longer produced are deleted. The output is the same as a full
/// build's.
pub fn run_with(
    opts: &Options,
    memo: &mut Memo,
    on: &mut dyn FnMut(&Stage),
) -> Result<(Report, render::Docs), BuildError> {
    let start = Instant::now();
    if opts.write {
        check_out_dir(&opts.site, &opts.out_dir())?;
    }
    if opts.write || opts.search {
        // Photos are derived into the cache before the lock is taken.
        crate::cache::check(&opts.site)?;
    }
    let mut report = Report::default();
    let Loaded {
        cfg,
        graph,
        media,
        read,
    } = load_with(&opts.site, &mut report, on, memo);
    validate::placeholders(&graph, opts.write, &mut report.diagnostics);

    // The output's file keys, taken out: put back only while the output is
    // known to hold them (untouched, or updated by a successful build).
    let out_dir = opts.out_dir();
    let prev = memo.output.take().and_then(|(dir, keys)| {
        (opts.write && !opts.search && dir == out_dir).then_some((dir, keys))
    });

    let mut diags = Diagnostics::new();
    let theme = render::theme::load(&opts.site, &cfg, &mut diags);
    let (out, prev_keys) = if opts.write && !report.diagnostics.has_errors() && !diags.has_errors()
    {
        // An output folder removed or replaced since (no marker): built
        // afresh.
        let marked = || {
            std::fs::symlink_metadata(out_dir.join(crate::output::MARKER))
                .is_ok_and(|m| m.is_file())
        };
        match prev {
            Some((_, keys)) if marked() => {
                (Some(Out::InPlace(Update::create(&out_dir)?)), Some(keys))
            }
            _ => (Some(Out::Full(Staging::create(&out_dir)?)), None),
        }
    } else {
        // Nothing is written: the output keeps what it held.
        memo.output = prev;
        (None, None)
    };
    let in_place = prev_keys.is_some();
    let pages_memo = crate::incr::PageMemo::new(prev_keys);
    let bodies_memo = crate::incr::BodyMemo::new(std::mem::take(&mut memo.bodies), memo.keep);
    let sheets_memo = crate::incr::Keyed::new(std::mem::take(&mut memo.sheets), memo.keep);
    let docs_memo = render::DocMemo::new(memo.docs.take(), memo.keep);
    let null = NullSink;
    let sink: &dyn Sink = match &out {
        Some(s) => s,
        None => &null,
    };

    // Photos: derived files (upright, no metadata, several widths), from
    // the cache when the photo is unchanged; `check` reads headers only.
    let t = Instant::now();
    let pictures =
        crate::images::process(&opts.site, &media, &cfg.images, out.is_some(), !opts.write);
    // SVGs made inert ([`crate::svg`]), in `check` too; their sanitised
    // bytes are what a build publishes.
    let svgs = crate::svg::sanitize_media(&opts.site, &media, &mut diags);
    let ir = pictures.report;
    stage(
        &mut report,
        on,
        "images",
        t,
        if out.is_some() {
            format!(
                "图片 {} 张（本次处理 {} 张），原图 {:.1} MB → 发布 {:.1} MB",
                ir.images,
                ir.decoded,
                ir.bytes_in as f64 / 1_048_576.0,
                ir.bytes_out as f64 / 1_048_576.0
            )
        } else {
            format!(
                "图片 {} 张，原图 {:.1} MB（只读取文件头）",
                ir.images,
                ir.bytes_in as f64 / 1_048_576.0
            )
        },
    );

    let t = Instant::now();
    let mut doc_parts: Option<DocParts> = None;
    // Media path → the record files that show or link it (named in the
    // image stage's messages).
    let mut users: HashMap<String, Vec<String>> = HashMap::new();
    if let Some(theme) = &theme {
        let media_set: HashSet<String> = media.iter().filter_map(|m| media_rel(m)).collect();
        let memos = render::Memos {
            pages: &pages_memo,
            bodies: &bodies_memo,
            sheets: &sheets_memo,
            docs: &docs_memo,
        };
        let r = render::render_with(
            &graph, &cfg, theme, &media_set, &pictures, sink, &memos, &mut diags,
        );
        report.pages = r.pages;
        // Only when a picture has something to say (not on every build).
        if !pictures.problems.is_empty() {
            for (rec, b) in graph.records().iter().zip(&r.bodies) {
                let f = &b.rendered.found;
                let shown = rec.display_path.display().to_string().replace('\\', "/");
                let mut paths: Vec<&str> = rec.media_paths();
                paths.extend(f.media.iter().map(|m| m.as_str()));
                paths.sort_unstable();
                paths.dedup();
                for p in paths {
                    users.entry(p.to_string()).or_default().push(shown.clone());
                }
            }
        }
        if !opts.write {
            let found: Vec<&crate::render::markdown::Found> =
                r.bodies.iter().map(|b| &b.rendered.found).collect();
            report.audit = Some(crate::check::audit(&graph, &found));
        }
        doc_parts = Some((r.doc_keys, r.fresh_docs, r.bodies));
        if let Some(s) = &out {
            // Copied files, keyed by their bytes like every output file.
            let copy = |from: &Path, rel: &str| -> std::io::Result<()> {
                if !pages_memo.unchanged(rel, file_key(from)?) {
                    s.copy(from, rel)?;
                }
                Ok(())
            };
            for m in &media {
                let Some(rel) = media_rel(m) else { continue };
                if pictures.replaces(&rel) {
                    continue; // published as derived files below
                }
                if crate::svg::is_svg(m) {
                    if let Some(bytes) = svgs.get(&rel) {
                        let key = crate::incr::bytes_key(bytes);
                        if !pages_memo.unchanged(&rel, key) {
                            if let Err(e) = s.write(&rel, bytes) {
                                diags.error(
                                    format!("content/{rel}"),
                                    crate::diag::Pos::START,
                                    format!("无法写入媒体文件：{e}"),
                                );
                            }
                        }
                    }
                    continue;
                }
                if let Err(e) = copy(&opts.site.join("content").join(m), &rel) {
                    diags.error(
                        format!("content/{rel}"),
                        crate::diag::Pos::START,
                        format!("无法复制媒体文件：{e}"),
                    );
                }
            }
            for (rel, cached) in &pictures.outputs {
                if let Err(e) = copy(cached, rel) {
                    diags.error(
                        format!("content/{rel}"),
                        crate::diag::Pos::START,
                        format!("无法写入缩小的图片：{e}"),
                    );
                }
            }
        }
    }
    crate::images::report(&pictures.problems, &users, &mut diags);
    let detail = format!("{} 个页面", report.pages);
    let (bodies, bodies_rendered, bodies_reused) = bodies_memo.finish();
    memo.bodies = bodies;
    memo.sheets = sheets_memo.finish();
    let removed = pages_memo.removed();
    let (keys, prev_keys, pages_rendered, pages_reused) = pages_memo.finish();
    memo.stats = crate::incr::Stats {
        files_read: read,
        bodies_rendered,
        bodies_reused,
        pages_rendered,
        pages_reused,
        files_removed: removed.len(),
        in_place,
    };
    stage(&mut report, on, "render", t, detail);
    report.diagnostics.extend(diags);

    if report.diagnostics.has_errors() {
        report.total = start.elapsed();
        // The update (or staging folder) is dropped: removed, the output
        // untouched, so its keys still hold.
        if let Some(prev) = prev_keys {
            memo.output = Some((out_dir, prev));
        }
        memo.docs = docs_memo.abandon();
        return Ok((report, render::Docs::default()));
    }
    // The search documents are put together once nothing can fail any
    // more (before the index when one is built): until then `memo.docs`
    // holds those of the last successful build, which `serve`'s index
    // thread may still be about to copy.
    let mut docs_memo = Some(docs_memo);
    let fail = |memo: &mut Memo, dm: Option<render::DocMemo>, e: BuildError| {
        if let Some(dm) = dm {
            memo.docs = dm.abandon();
        }
        Err(e)
    };

    // From here on the site's cache and the output are written: one build at
    // a time per site. Taken only now, so a failed build writes nothing.
    let _lock = if opts.search || out.is_some() {
        match lock_site(&opts.site) {
            Ok(l) => Some(l),
            Err(e) => return fail(memo, docs_memo, e),
        }
    } else {
        None
    };

    let mut docs = None;
    if opts.search {
        let d = assemble_docs(memo, docs_memo.take(), doc_parts.take(), &graph);
        let docs = docs.insert(d);
        let t = Instant::now();
        let cache = search::cache_dir(&opts.site);
        let summary = search::build_index(docs, &cache)?;
        stage(
            &mut report,
            on,
            "search-index",
            t,
            format!(
                "索引 {} 条记录（部分匹配词表 {} 词），{:.1} MB",
                summary.docs,
                summary.words,
                summary.bytes as f64 / 1_048_576.0
            ),
        );
        if let Some(Out::Full(s)) = &out {
            let t = Instant::now();
            let ex = search::export_static(&cache, &s.dir().join("search"))?;
            s.account(ex.files as u64, ex.bytes);
            stage(
                &mut report,
                on,
                "search-export",
                t,
                format!(
                    "导出 {} 个检索项，{} 个文件，{:.1} MB",
                    ex.terms,
                    ex.files,
                    ex.bytes as f64 / 1_048_576.0
                ),
            );
        }
    }
    match out {
        Some(Out::Full(s)) => {
            let t = Instant::now();
            report.files = s.files();
            report.bytes = s.bytes();
            if let Err(e) = s.commit() {
                return fail(memo, docs_memo, e.into());
            }
            stage(
                &mut report,
                on,
                "output",
                t,
                format!("写入 {}", out_dir.display()),
            );
        }
        Some(Out::InPlace(u)) => {
            let t = Instant::now();
            report.files = u.files();
            report.bytes = u.bytes();
            if let Err(e) = u.commit(&removed) {
                return fail(memo, docs_memo, e.into());
            }
            let detail = format!(
                "更新 {}：写入 {} 个文件，删除 {} 个",
                out_dir.display(),
                report.files,
                removed.len()
            );
            stage(&mut report, on, "output", t, detail);
        }
        None => {}
    }
    // The output now holds exactly `keys` (the search export is not among
    // them: a build with search leaves the keys unknown).
    if opts.write && !opts.search && memo.keep {
        memo.output = Some((out_dir, keys));
    }
    let docs = match docs {
        Some(d) => d,
        None => assemble_docs(memo, docs_memo, doc_parts, &graph),
    };
    report.ok = true;
    report.total = start.elapsed();
    Ok((report, docs))
}

/// What the render stage hands on for the search documents: their keys,
/// the ones made afresh, and the bodies (indexed like the records).
type DocParts = (
    Vec<crate::incr::Key>,
    Vec<Option<SearchDoc>>,
    Vec<std::sync::Arc<crate::incr::BodyEntry>>,
);

/// The search documents of a successful build ([`render::DocMemo::finish`]),
/// kept in `memo` for the next one.
fn assemble_docs(
    memo: &mut Memo,
    dm: Option<render::DocMemo>,
    parts: Option<DocParts>,
    graph: &SiteGraph,
) -> render::Docs {
    match (dm, parts) {
        (Some(dm), Some((keys, fresh, bodies))) => {
            let (docs, kept) = dm.finish(keys, fresh, |i| {
                render::docs::search_doc(graph, i, &bodies[i].rendered)
            });
            memo.docs = kept;
            docs
        }
        (dm, _) => {
            memo.docs = dm.and_then(render::DocMemo::abandon);
            render::Docs::default()
        }
    }
}

/// The search documents of a site (for `chengguo search` when the index is
/// missing or stale): the full pipeline without writing.
pub fn search_docs(site: &Path) -> Result<(Vec<SearchDoc>, Diagnostics), BuildError> {
    let mut report = Report::default();
    let Loaded { graph, media, .. } = load(site, &mut report, &mut |_| {});
    let mut diags = report.diagnostics;
    let media_set: HashSet<String> = media.iter().filter_map(|m| media_rel(m)).collect();
    let docs = render::search_docs(&graph, &media_set, &mut diags);
    Ok((docs, diags))
}
