//! Render stage: Markdown bodies (see [`markdown`]) and tera templates over
//! view structs (see [`views`]) into pages, written through a [`Sink`] as
//! soon as each is ready (pages are never all held in memory). Also builds
//! the [`SearchDoc`]s the search stage indexes (see [`docs`]).

pub mod data;
pub mod docs;
mod feeds;
pub mod inputs;
pub mod markdown;
pub mod theme;
pub mod views;

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::content::Kind;
use crate::diag::{Diagnostics, Pos};
use crate::graph::{RecId, SiteGraph};
use crate::images::Images;
use crate::incr::{BodyMemo, Hasher, PageMemo};
use crate::model::Data;
use crate::search::SearchDoc;
use markdown::{BodyCtx, LinkTargets, Rendered};
use theme::Theme;
use views::{card, Card, Link};

pub use data::brief_page;
pub use docs::{search_docs, DocMemo, Docs};

/// Where rendered files go: the staging folder, or nowhere (`check`).
pub trait Sink: Sync {
    /// Write `bytes` at `path` (relative to the output root, '/'-separated).
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()>;
}

/// Records per list page.
pub const PAGE_SIZE: usize = 100;

/// What the render stage hands on.
pub struct Rendering {
    /// Per record: the key of its search document ([`docs::doc_key`]),
    /// and the document where the previous build's cannot stand for it
    /// (put together by [`DocMemo::finish`] once the build succeeded).
    pub doc_keys: Vec<crate::incr::Key>,
    pub fresh_docs: Vec<Option<SearchDoc>>,
    pub pages: usize,
    /// Per record (indexed like `graph.records()`): its body's rendering,
    /// whose `found` are the facts for `check` (shared, not copied).
    pub bodies: Vec<Arc<crate::incr::BodyEntry>>,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    subtitle: &'a str,
    description: &'a str,
    language: &'a str,
}

struct Targets<'a> {
    graph: &'a SiteGraph,
    media: &'a HashSet<String>,
    images: &'a Images,
}

impl LinkTargets for Targets<'_> {
    fn record_exists(&self, kind: Kind, id: &str) -> bool {
        self.graph.lookup(kind, id).is_some()
    }
    fn media_exists(&self, path: &str) -> bool {
        self.media.contains(path)
    }
    fn image(&self, media_path: &str) -> Option<&crate::images::Derived> {
        self.images.get(media_path)
    }
    fn media_guess(&self, path: &str) -> Option<String> {
        crate::pathguess::media_guess(self.media, path)
    }
}

struct Ctx<'a> {
    pages: &'a PageMemo,
    sheets: &'a crate::incr::Keyed<data::Sheet>,
    /// SHA-256 of the theme and the site fields every page's context
    /// holds (made once per build, hashed into page keys).
    site_key: crate::incr::Key,
    /// Each record's card, made once per build when a page shows it.
    cards: Vec<std::sync::OnceLock<Arc<Card>>>,
    /// Each record's card key ([`inputs::card_key`]), made once per build.
    card_keys: Vec<std::sync::OnceLock<crate::incr::Key>>,
    /// Each kind's records in list order ([`sorted_kind`]), sorted once.
    sorted: [std::sync::OnceLock<Vec<RecId>>; 6],
    graph: &'a SiteGraph,
    images: &'a Images,
    cfg: &'a Config,
    theme: &'a Theme,
    sink: &'a dyn Sink,
    site: SiteView<'a>,
    errors: Mutex<Diagnostics>,
}

impl Ctx<'_> {
    fn card(&self, id: RecId) -> &Arc<Card> {
        self.cards[id].get_or_init(|| Arc::new(card(self.graph, self.images, id)))
    }

    /// The records of `kind` in list order.
    fn sorted(&self, kind: Kind) -> &[RecId] {
        let i = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        self.sorted[i].get_or_init(|| sorted_kind(self.graph, kind))
    }

    /// The key of record `id`'s card: stands for it in page keys.
    fn card_key(&self, id: RecId) -> &crate::incr::Key {
        self.card_keys[id].get_or_init(|| inputs::card_key(self.graph, self.images, id))
    }

    fn base(&self, path: &str, title: &str, section: &str) -> tera::Context {
        let mut c = tera::Context::new();
        let depth = path.matches('/').count();
        c.insert("root", &"../".repeat(depth));
        c.insert("site", &self.site);
        c.insert("page_title", title);
        c.insert("section", section);
        c.insert("page_path", path);
        c
    }

    /// Hash what [`Ctx::base`] puts in a context, without making it.
    fn base_key(&self, h: &mut Hasher, path: &str, title: &str, section: &str) {
        h.bytes(&self.site_key)
            .num(path.matches('/').count() as u64)
            .str(title)
            .str(section)
            .str(path);
    }

    /// Render `template` with `ctx` and write it at `path`, unless the
    /// output already holds this page: same theme, template, path and
    /// context (see [`crate::incr`]).
    fn page(&self, template: &str, path: &str, ctx: tera::Context) {
        self.page_parts(template, path, ctx, &[], |_| {});
    }

    /// [`Ctx::page`] for a context whose large parts are put in by `fill`
    /// only when the page is rendered: `parts` are the SHA-256 of those
    /// parts (in the order `fill` adds them), hashed into the page's key in
    /// their place, so the key still covers the whole context.
    fn page_parts(
        &self,
        template: &str,
        path: &str,
        ctx: tera::Context,
        parts: &[&crate::incr::Key],
        fill: impl FnOnce(&mut serde_json::Value),
    ) {
        let mut json = ctx.into_json();
        let mut h = Hasher::new("page");
        h.bytes(&self.theme.hash).str(template).str(path);
        // Writing into a hasher cannot fail; a value serde_json refuses
        // could not have been inserted into the context.
        let _ = serde_json::to_writer(&mut h, &json);
        h.num(parts.len() as u64);
        for p in parts {
            h.bytes(&p[..]);
        }
        if self.pages.unchanged(path, h.finish()) {
            return;
        }
        fill(&mut json);
        self.render_json(template, path, json);
    }

    /// A detail page: like [`Ctx::page_parts`], keyed by the inputs of
    /// record `id`'s view ([`inputs::detail_key`]) and its body (html by
    /// its hash, toc): the view is built only for a page the output does
    /// not hold.
    fn page_detail(&self, template: &str, id: RecId, body: &crate::incr::BodyEntry) {
        let r = self.graph.get(id);
        let path = &r.url();
        let mut h = Hasher::new("detail");
        h.str(template);
        self.base_key(&mut h, path, &r.title, r.kind.dir());
        h.bytes(&inputs::detail_key(self.graph, self.images, id, &|c| {
            *self.card_key(c)
        }));
        h.bytes(&body.html_key);
        h.num(body.rendered.toc.len() as u64);
        for (level, anchor, text) in &body.rendered.toc {
            h.num((*level).into()).str(anchor).str(text);
        }
        if self.pages.unchanged(path, h.finish()) {
            return;
        }
        let mut json = self.base(path, &r.title, r.kind.dir()).into_json();
        let detail = views::detail(self.graph, self.images, id, &body.rendered, &|c| {
            Arc::clone(self.card(c))
        });
        json["record"] = serde_json::to_value(&detail).unwrap_or_default();
        json["record"]["body_html"] = serde_json::Value::String(body.rendered.html.clone());
        self.render_json(template, path, json);
    }

    /// Render `template` with the context `json` and write it at `path`.
    fn render_json(&self, template: &str, path: &str, json: serde_json::Value) {
        let ctx = tera::Context::from_value(json).unwrap_or_default();
        match self.theme.tera.render(template, &ctx) {
            Ok(html) => {
                if let Err(e) = self.sink.write(path, html.as_bytes()) {
                    self.errors.lock().unwrap().error(
                        path,
                        Pos::START,
                        format!("无法写入输出文件：{e}"),
                    );
                }
            }
            Err(e) => self.errors.lock().unwrap().error(
                format!("themes/{}/templates/{template}", self.cfg.theme),
                Pos::START,
                format!("渲染 {path} 时模板出错：{}", theme::error_chain(&e)),
            ),
        }
    }

    /// Write a file that is not a template page (static files, feeds,
    /// downloads), unless the output already holds these bytes there.
    fn emit(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        if self.pages.unchanged(path, crate::incr::bytes_key(bytes)) {
            return Ok(());
        }
        self.sink.write(path, bytes)
    }
}

/// Render every page of the site. `media` holds the content-relative paths
/// of files under `content/media/`.
pub fn render(
    graph: &SiteGraph,
    cfg: &Config,
    theme: &Theme,
    media: &HashSet<String>,
    images: &Images,
    sink: &dyn Sink,
    diags: &mut Diagnostics,
) -> Rendering {
    let memo = Memos {
        pages: &PageMemo::new(None),
        bodies: &BodyMemo::new(Default::default(), false),
        sheets: &crate::incr::Keyed::new(Default::default(), false),
        docs: &DocMemo::new(None, false),
    };
    render_with(graph, cfg, theme, media, images, sink, &memo, diags)
}

/// The memos a render reads and fills ([`crate::incr`]).
pub struct Memos<'a> {
    pub pages: &'a PageMemo,
    pub bodies: &'a BodyMemo,
    /// The download tables' workbooks ([`data::Sheet`]).
    pub sheets: &'a crate::incr::Keyed<data::Sheet>,
    /// The previous build's search documents ([`docs`]).
    pub docs: &'a DocMemo,
}

/// [`render`], skipping the pages the output already holds and the bodies
/// rendered before (see [`crate::incr`]).
#[allow(clippy::too_many_arguments)]
pub fn render_with(
    graph: &SiteGraph,
    cfg: &Config,
    theme: &Theme,
    media: &HashSet<String>,
    images: &Images,
    sink: &dyn Sink,
    memo: &Memos,
    diags: &mut Diagnostics,
) -> Rendering {
    let site_key = {
        let mut h = Hasher::new("site");
        h.bytes(&theme.hash)
            .str(&cfg.title)
            .str(&cfg.subtitle)
            .str(&cfg.description)
            .str(&cfg.language);
        h.finish()
    };
    let ctx = Ctx {
        site_key,
        pages: memo.pages,
        sheets: memo.sheets,
        cards: (0..graph.records().len())
            .map(|_| std::sync::OnceLock::new())
            .collect(),
        card_keys: (0..graph.records().len())
            .map(|_| std::sync::OnceLock::new())
            .collect(),
        sorted: Default::default(),
        graph,
        images,
        cfg,
        theme,
        sink,
        site: SiteView {
            title: &cfg.title,
            subtitle: &cfg.subtitle,
            description: &cfg.description,
            language: &cfg.language,
        },
        errors: Mutex::new(Diagnostics::new()),
    };
    let targets = Targets {
        graph,
        media,
        images,
    };

    // Detail pages, in parallel; each written as soon as rendered. Bodies
    // are kept for the 附件2 pages (same folder depth as the detail pages,
    // so the same rewritten links): rendered once.
    let n = graph.records().len();
    type One = (
        crate::incr::Key,
        Option<SearchDoc>,
        Diagnostics,
        Arc<crate::incr::BodyEntry>,
    );
    let results: Vec<One> = (0..n)
        .into_par_iter()
        .map(|id| {
            let r = graph.get(id);
            let mut d = Diagnostics::new();
            let entry = memo_body(memo.bodies, graph, id, &targets, &mut d);
            let body = &entry.rendered;
            let template = match r.kind {
                Kind::Outcome => "outcome.html",
                Kind::Holder => "holder.html",
                Kind::Region => "region.html",
                Kind::Case => "case.html",
                Kind::Notice => "notice.html",
                Kind::Page => "page.html",
            };
            // The body (the largest part) is hashed once, when rendered.
            ctx.page_detail(template, id, &entry);
            let key = docs::doc_key(graph, id);
            let doc = (!memo.docs.reusable(&key, body)).then(|| docs::search_doc(graph, id, body));
            (key, doc, d, entry)
        })
        .collect();
    let mut doc_keys = Vec::with_capacity(n);
    let mut fresh_docs = Vec::with_capacity(n);
    let mut bodies = Vec::with_capacity(n);
    for (key, doc, d, b) in results {
        diags.extend(d);
        doc_keys.push(key);
        fresh_docs.push(doc);
        bodies.push(b);
    }
    let mut pages = n;
    pages += list_pages(&ctx);
    pages += browse_pages(&ctx);
    home(&ctx, media);
    matrix(&ctx);
    pages += data::pages(&ctx, media, &bodies);
    for (tpl, path, title) in [
        ("search.html", "search.html", "搜索"),
        ("404.html", "404.html", "页面未找到"),
        ("verify.html", "verify.html", "校验 U 盘版门户"),
    ] {
        let c = ctx.base(path, title, "");
        ctx.page(tpl, path, c);
    }
    pages += 5;
    for (p, bytes) in &theme.statics {
        if let Err(e) = ctx.emit(&format!("static/{p}"), bytes) {
            ctx.errors.lock().unwrap().error(
                format!("static/{p}"),
                Pos::START,
                format!("无法写入：{e}"),
            );
        }
    }
    if let Some(base) = &cfg.base_url {
        feeds::feeds(&ctx, base);
    }
    diags.extend(ctx.errors.into_inner().unwrap());
    Rendering {
        doc_keys,
        fresh_docs,
        pages,
        bodies,
    }
}

/// A record's Markdown body, with links resolved from its own folder.
pub(crate) fn render_body(
    graph: &SiteGraph,
    id: RecId,
    targets: &dyn markdown::LinkTargets,
    d: &mut Diagnostics,
) -> Rendered {
    let r = graph.get(id);
    let body_ctx = BodyCtx {
        display_path: &r.display_path,
        page_dir: r.kind.dir(),
        source_dir: &r.source_dir,
        body_line: r.body_line,
    };
    markdown::render(&r.body, &body_ctx, targets, d)
}

/// [`render_body`] through the body memo: keyed by the body and where it is
/// rendered from; reused only when every link-target answer is the same.
fn memo_body(
    memo: &BodyMemo,
    graph: &SiteGraph,
    id: RecId,
    targets: &Targets,
    d: &mut Diagnostics,
) -> std::sync::Arc<crate::incr::BodyEntry> {
    let key = graph.get(id).body_key;
    memo.get_or_render(key, targets, d, |t, d| render_body(graph, id, t, d))
}

/// Chunk `items` into pages; page 1 at `<stem>.html` (or `dir/index.html`), then `-2`, `-3` …
fn page_paths(first: &str, count: usize) -> Vec<String> {
    let pages = count.div_ceil(PAGE_SIZE).max(1);
    let stem = first.strip_suffix(".html").unwrap_or(first);
    let stem = stem
        .strip_suffix("/index")
        .map(|s| format!("{s}/page"))
        .unwrap_or_else(|| stem.to_string());
    (0..pages)
        .map(|i| {
            if i == 0 {
                first.to_string()
            } else {
                format!("{stem}-{}.html", i + 1)
            }
        })
        .collect()
}

#[derive(Serialize)]
struct Pager {
    current: usize,
    total: usize,
    /// (number, url relative to root)
    pages: Vec<(usize, String)>,
}

fn paged(
    ctx: &Ctx,
    template: &str,
    first: &str,
    title: &str,
    section: &str,
    items: &[RecId],
    extra: &(dyn Fn(&mut tera::Context) + Sync),
) -> usize {
    let paths = page_paths(first, items.len());
    let chunks: Vec<&[RecId]> = if items.is_empty() {
        vec![&[][..]]
    } else {
        items.chunks(PAGE_SIZE).collect()
    };
    paths
        .par_iter()
        .zip(chunks.par_iter())
        .enumerate()
        .for_each(|(i, (path, chunk))| {
            // Cards stand in the key by their hashes (made once per build).
            let keys: Vec<&crate::incr::Key> = chunk.iter().map(|&id| ctx.card_key(id)).collect();
            let page_title = if i == 0 {
                title.to_string()
            } else {
                format!("{title}（第 {} 页）", i + 1)
            };
            let mut c = ctx.base(path, &page_title, section);
            c.insert("heading", title);
            c.insert("total", &items.len());
            c.insert(
                "pager",
                &Pager {
                    current: i + 1,
                    total: paths.len(),
                    pages: paths
                        .iter()
                        .enumerate()
                        .map(|(j, p)| (j + 1, p.clone()))
                        .collect(),
                },
            );
            extra(&mut c);
            ctx.page_parts(template, path, c, &keys, |json| {
                json["items"] = serde_json::Value::Array(
                    chunk
                        .iter()
                        .map(|&id| serde_json::to_value(ctx.card(id)).unwrap_or_default())
                        .collect(),
                );
            });
        });
    paths.len()
}

fn sorted_kind(g: &SiteGraph, kind: Kind) -> Vec<RecId> {
    let mut v: Vec<RecId> = g.of_kind(kind).collect();
    match kind {
        Kind::Case | Kind::Notice => v.sort_by(|a, b| {
            g.get(*b)
                .date()
                .cmp(&g.get(*a).date())
                .then(g.get(*a).id.cmp(&g.get(*b).id))
        }),
        Kind::Outcome => v.sort_by(|a, b| {
            let (x, y) = (g.get(*a), g.get(*b));
            let key = |r: &crate::model::Record| match &r.data {
                Data::Outcome(o) => (
                    std::cmp::Reverse(o.award_year),
                    crate::vocab::LEVELS
                        .iter()
                        .position(|l| *l == o.award_level),
                ),
                _ => (std::cmp::Reverse(0), None),
            };
            key(x).cmp(&key(y)).then(x.id.cmp(&y.id))
        }),
        _ => {}
    }
    v
}

fn list_pages(ctx: &Ctx) -> usize {
    let mut pages = 0;
    for kind in Kind::ALL {
        let items = ctx.sorted(kind);
        let first = format!("{}/index.html", kind.dir());
        let facets: Vec<(&str, &str, Vec<String>)> = if matches!(kind, Kind::Outcome | Kind::Case) {
            ctx.graph
                .taxonomies()
                .iter()
                .filter(|t| t.key != "theme")
                .map(|t| {
                    let names: Vec<String> = t
                        .terms
                        .iter()
                        .filter(|term| term.records.iter().any(|&r| ctx.graph.get(r).kind == kind))
                        .map(|term| term.name.clone())
                        .collect();
                    (t.key, t.label, names)
                })
                .filter(|(_, _, v)| v.len() > 1)
                .collect()
        } else {
            Vec::new()
        };
        pages += paged(
            ctx,
            "list.html",
            &first,
            kind.label(),
            kind.dir(),
            items,
            &|c| {
                c.insert("kind", kind.dir());
                c.insert("facets", &facets);
            },
        );
    }
    pages
}

#[derive(Serialize)]
struct TaxView {
    key: &'static str,
    label: &'static str,
    url: String,
    terms: Vec<TermView>,
}

#[derive(Serialize)]
struct TermView {
    name: String,
    url: String,
    count: usize,
}

fn browse_pages(ctx: &Ctx) -> usize {
    let taxes: Vec<TaxView> = ctx
        .graph
        .taxonomies()
        .iter()
        .map(|t| TaxView {
            key: t.key,
            label: t.label,
            url: format!("browse/{}.html", t.key),
            terms: t
                .terms
                .iter()
                .map(|term| TermView {
                    name: term.name.clone(),
                    url: views::term_url(t.key, &term.slug),
                    count: term.records.len(),
                })
                .collect(),
        })
        .collect();
    let mut c = ctx.base("browse/index.html", "分类浏览", "browse");
    c.insert("taxonomies", &taxes);
    ctx.page("browse.html", "browse/index.html", c);
    let mut pages = 1;
    for (t, tv) in ctx.graph.taxonomies().iter().zip(&taxes) {
        let mut c = ctx.base(&tv.url, &format!("按{}浏览", t.label), "browse");
        c.insert("taxonomy", tv);
        ctx.page("taxonomy.html", &tv.url, c);
        pages += 1;
        // Term pages name their taxonomy without its term list: inserting
        // every term into every term page made them quadratic in terms.
        let tv = &TaxView {
            key: tv.key,
            label: tv.label,
            url: tv.url.clone(),
            terms: Vec::new(),
        };
        for term in &t.terms {
            let first = views::term_url(t.key, &term.slug);
            let title = format!("{}：{}", t.label, term.name);
            pages += paged(
                ctx,
                "term.html",
                &first,
                &title,
                "browse",
                &term.records,
                &|c| {
                    c.insert("taxonomy", tv);
                    c.insert("term_name", &term.name);
                },
            );
        }
    }
    pages
}

#[derive(Serialize)]
struct Count {
    label: &'static str,
    url: String,
    count: usize,
}

fn home(ctx: &Ctx, media: &HashSet<String>) {
    let g = ctx.graph;
    let mut c = ctx.base("index.html", &ctx.cfg.title, "home");
    let counts: Vec<Count> = Kind::ALL
        .iter()
        .filter(|k| **k != Kind::Page)
        .map(|k| Count {
            label: k.label(),
            url: format!("{}/index.html", k.dir()),
            count: g.count(*k),
        })
        .collect();
    let demo = g
        .of_kind(Kind::Region)
        .filter(|&r| matches!(&g.get(r).data, Data::Region(x) if x.demonstration))
        .count();
    let featured: Vec<Card> = {
        let mut v: Vec<RecId> = ctx
            .sorted(Kind::Outcome)
            .iter()
            .copied()
            .filter(|&o| g.get(o).featured)
            .collect();
        if v.is_empty() {
            v = ctx.sorted(Kind::Outcome).to_vec();
        }
        v.into_iter()
            .take(6)
            .map(|o| card(g, ctx.images, o))
            .collect()
    };
    let latest = |k| -> Vec<Card> {
        ctx.sorted(k)
            .iter()
            .copied()
            .take(6)
            .map(|x| card(g, ctx.images, x))
            .collect()
    };
    let featured_cases: Vec<Card> = ctx
        .sorted(Kind::Case)
        .iter()
        .copied()
        .filter(|&x| g.get(x).featured)
        .take(6)
        .map(|x| card(g, ctx.images, x))
        .collect();
    let mut d = Diagnostics::new();
    let intro = markdown::render(
        &ctx.cfg.intro,
        &BodyCtx {
            display_path: Path::new("site.yaml"),
            page_dir: "",
            source_dir: "",
            body_line: 1,
        },
        &Targets {
            graph: g,
            media,
            images: ctx.images,
        },
        &mut d,
    );
    // Located in site.yaml (the intro's own lines are relative to it).
    ctx.errors.lock().unwrap().extend(ctx.cfg.locate_intro(&d));
    let pages: Vec<Link> = g
        .of_kind(Kind::Page)
        .map(|p| views::link(g.get(p)))
        .collect();
    c.insert("intro_html", &intro.html);
    c.insert("counts", &counts);
    c.insert("demonstration_regions", &demo);
    c.insert("featured", &featured);
    c.insert("featured_cases", &featured_cases);
    c.insert("latest_cases", &latest(Kind::Case));
    c.insert("latest_notices", &latest(Kind::Notice));
    c.insert("pages", &pages);
    ctx.page("index.html", "index.html", c);
}

#[derive(Serialize)]
struct MatrixRow {
    outcome: Link,
    holder: Option<Link>,
    province: String,
    award: String,
    regions: Vec<views::ApplyView>,
}

fn matrix(ctx: &Ctx) {
    let g = ctx.graph;
    let rows: Vec<MatrixRow> = ctx
        .sorted(Kind::Outcome)
        .iter()
        .copied()
        .filter_map(|o| {
            let r = g.get(o);
            let Data::Outcome(x) = &r.data else {
                return None;
            };
            Some(MatrixRow {
                outcome: views::link(r),
                holder: g
                    .resolve(Kind::Holder, &x.holder)
                    .map(|h| views::link(g.get(h))),
                province: x.province.clone(),
                award: format!("{}年{}", x.award_year, x.award_level),
                regions: views::applied_by(g, o),
            })
        })
        .collect();
    let applied = rows.iter().filter(|r| !r.regions.is_empty()).count();
    let mut c = ctx.base("matrix.html", "成果与应用方对接表", "matrix");
    c.insert("rows", &rows);
    c.insert("applied", &applied);
    c.insert("regions", &g.count(Kind::Region));
    ctx.page("matrix.html", "matrix.html", c);
}
