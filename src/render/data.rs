//! The portal's 数据下载 page (`data/index.html`: 附件1, 3, 4, 5 as .xlsx and
//! CSV, 附件2 成果简介汇编 as a printable page `data/fujian2.html`, split into
//! one page per province above [`BRIEF_SPLIT`] outcomes) and its
//! 统计 page (`stats/index.html`: bar charts drawn as inline SVG at build
//! time, each with its data table; no JavaScript). Tables and counts come
//! from [`crate::interchange`]; this module only draws and writes them.

use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::markdown::{self, BodyCtx};
use super::theme::{escape_html, Theme};
use super::{Ctx, Targets};
use crate::config::Config;
use crate::content::Kind;
use crate::diag::{Diagnostics, Pos};
use crate::graph::{RecId, SiteGraph};
use crate::incr::{BodyEntry, Hasher, Key};
use crate::interchange::{export, stats};
use crate::model::Data;

#[derive(Serialize)]
struct FileView {
    url: String,
    /// File name offered by the browser (`download` attribute).
    download: String,
    size: String,
}

#[derive(Serialize)]
struct DownloadView {
    title: String,
    rows: usize,
    columns: String,
    xlsx: FileView,
    csv: FileView,
}

#[derive(Serialize)]
struct RowView {
    label: String,
    values: Vec<usize>,
}

#[derive(Serialize)]
struct ChartView {
    id: &'static str,
    title: String,
    svg: String,
    label_header: &'static str,
    series: Vec<String>,
    rows: Vec<RowView>,
    note: Option<String>,
}

#[derive(Serialize)]
struct TotalsView {
    outcomes: usize,
    holders: usize,
    regions: usize,
    demonstration: usize,
    cases: usize,
}

#[derive(Serialize)]
struct BriefItem {
    n: usize,
    anchor: String,
    title: String,
    award: String,
    holder: String,
    province: String,
    stages: String,
    people: String,
    partners: String,
    url: String,
    body_html: String,
}

fn size_text(n: usize) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / 1_048_576.0)
    } else {
        format!("{:.1} KB", n as f64 / 1024.0)
    }
}

/// A table's .xlsx workbook, or why it could not be made (kept between
/// builds by the table's key, see [`table_key`]).
pub type Sheet = Result<export::Workbook, String>;

/// The key of a table's workbook: everything [`export::xlsx`] reads.
fn table_key(t: &export::Table) -> Key {
    let mut h = Hasher::new("xlsx");
    h.str(t.key).str(t.number).str(t.name);
    h.num(t.headers.len() as u64);
    for x in &t.headers {
        h.str(x);
    }
    h.num(t.widths.len() as u64);
    for w in &t.widths {
        h.num(w.to_bits());
    }
    h.num(t.rows.len() as u64);
    for row in &t.rows {
        h.num(row.len() as u64);
        for c in row {
            match c {
                export::Cell::Text(s) => h.num(0).str(s),
                export::Cell::Int(i) => h.num(1).num(*i as u64),
            };
        }
    }
    h.num(t.sources.len() as u64);
    for x in &t.sources {
        h.str(x);
    }
    h.finish()
}

/// Write the download files and pages; returns the number of HTML pages.
/// `bodies`: the outcomes' rendered bodies, indexed by record.
pub(super) fn pages(ctx: &Ctx, media: &HashSet<String>, bodies: &[Arc<BodyEntry>]) -> usize {
    let g = ctx.graph;
    let tables = export::tables(g);
    let files: Vec<(String, Arc<Sheet>, String, Vec<u8>)> = tables
        .par_iter()
        .map(|t| {
            let sheet = ctx
                .sheets
                .get_or_make(table_key(t), || export::xlsx(t).map_err(|e| e.to_string()));
            match &*sheet {
                Ok(wb) => {
                    // A cell cut to Excel's limit: a warning on the record.
                    let file = format!("data/{}.xlsx", t.key);
                    for cut in &wb.truncated {
                        ctx.errors.lock().unwrap().warning(
                            &cut.source,
                            Pos::START,
                            cut.message(t, &file),
                        );
                    }
                }
                Err(e) => {
                    ctx.errors.lock().unwrap().error(
                        format!("data/{}.xlsx", t.key),
                        Pos::START,
                        e.clone(),
                    );
                }
            };
            (
                format!("data/{}.xlsx", t.key),
                sheet,
                format!("data/{}.csv", t.key),
                export::csv(t),
            )
        })
        .collect();
    let mut downloads = Vec::new();
    for (t, (xp, sheet, cp, cb)) in tables.iter().zip(files) {
        let xb: &[u8] = match &*sheet {
            Ok(wb) => &wb.bytes,
            Err(_) => &[],
        };
        for (p, b) in [(&xp, xb), (&cp, &cb[..])] {
            if let Err(e) = ctx.emit(p, b) {
                ctx.errors
                    .lock()
                    .unwrap()
                    .error(p, Pos::START, format!("无法写入输出文件：{e}"));
            }
        }
        downloads.push(DownloadView {
            title: t.title(),
            rows: t.rows.len(),
            columns: t.headers.join("、"),
            xlsx: FileView {
                url: xp,
                download: t.file_name("xlsx"),
                size: size_text(xb.len()),
            },
            csv: FileView {
                url: cp,
                download: t.file_name("csv"),
                size: size_text(cb.len()),
            },
        });
    }
    // Memoised like every page: its items stand in the key by their keys
    // and are made only when the page is rendered.
    let briefs = brief_portal_pages(g, ctx.cfg);
    let brief_pages = briefs.len();
    briefs.into_par_iter().for_each(|(path, c, ids)| {
        let keys: Vec<Key> = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| brief_item_key(g, bodies, i + 1, id))
            .collect();
        let keys: Vec<&Key> = keys.iter().collect();
        ctx.page_parts("brief.html", &path, c, &keys, |json| {
            let items = brief_items(g, media, Some(bodies), &ids);
            json["items"] = serde_json::to_value(&items).unwrap_or_default();
        });
    });
    let mut c = ctx.base("data/index.html", "数据下载", "data");
    c.insert("downloads", &downloads);
    c.insert("brief_url", BRIEF_PATH);
    c.insert("outcomes", &g.count(Kind::Outcome));
    ctx.page("data.html", "data/index.html", c);

    let t = stats::totals(g);
    let charts: Vec<ChartView> = stats::charts(g)
        .into_iter()
        .map(|ch| ChartView {
            id: ch.id,
            svg: svg(&ch),
            title: ch.title,
            label_header: ch.label_header,
            series: ch.series,
            rows: ch
                .rows
                .into_iter()
                .map(|(label, values)| RowView { label, values })
                .collect(),
            note: ch.note,
        })
        .collect();
    let mut c = ctx.base("stats/index.html", "统计", "stats");
    c.insert(
        "totals",
        &TotalsView {
            outcomes: t.outcomes,
            holders: t.holders,
            regions: t.regions,
            demonstration: t.demonstration,
            cases: t.cases,
        },
    );
    c.insert("charts", &charts);
    ctx.page("stats.html", "stats/index.html", c);
    2 + brief_pages
}

/// Where the 附件2 page is in the portal.
pub const BRIEF_PATH: &str = "data/fujian2.html";

/// Above this many outcomes the portal's 附件2 is split by province (a
/// national list on one page would be tens of megabytes: too much for the
/// old PCs and phones teachers use); `chengguo export` always writes one file.
pub const BRIEF_SPLIT: usize = 100;

/// One province's part of a split 附件2.
#[derive(Serialize)]
struct PartView {
    title: String,
    url: String,
    count: usize,
}

/// 附件2 成果简介汇编: every outcome's introduction (its Markdown body) on
/// one printable page, a page break before each. `portal`: links back to
/// the portal (relative to `data/`); otherwise a standalone file whose
/// links and images still point into the portal's folders.
pub fn brief_page(
    g: &SiteGraph,
    cfg: &Config,
    theme: &Theme,
    media: &HashSet<String>,
    portal: bool,
) -> Result<String, String> {
    let order = export::outcome_order(g);
    brief_html(g, cfg, theme, media, portal, &order, None, &[])
}

/// The portal's 附件2 pages: `(path, context without items, the outcomes
/// listed)`; one page, or (above [`BRIEF_SPLIT`] outcomes) an index at
/// [`BRIEF_PATH`] and a page per province at `data/fujian2-<province>.html`.
fn brief_portal_pages(g: &SiteGraph, cfg: &Config) -> Vec<(String, tera::Context, Vec<RecId>)> {
    let order = export::outcome_order(g);
    if order.len() <= BRIEF_SPLIT {
        let c = brief_context(g, cfg, true, None, &[]);
        return vec![(BRIEF_PATH.to_string(), c, order)];
    }
    // outcome_order sorts by province first: consecutive runs.
    let mut groups: Vec<(String, Vec<RecId>)> = Vec::new();
    for &id in &order {
        let province = g.get(id).province().unwrap_or("").to_string();
        match groups.last_mut() {
            Some((p, ids)) if *p == province => ids.push(id),
            _ => groups.push((province, vec![id])),
        }
    }
    let parts: Vec<PartView> = groups
        .iter()
        .map(|(p, ids)| PartView {
            title: p.clone(),
            url: format!("data/fujian2-{}.html", province_slug(p)),
            count: ids.len(),
        })
        .collect();
    let mut out = vec![(
        BRIEF_PATH.to_string(),
        brief_context(g, cfg, true, None, &parts),
        Vec::new(),
    )];
    out.extend(groups.into_iter().zip(&parts).map(|((p, ids), part)| {
        let c = brief_context(g, cfg, true, Some(&p), &[]);
        (part.url.clone(), c, ids)
    }));
    out
}

fn province_slug(p: &str) -> String {
    crate::vocab::PROVINCES
        .iter()
        .find(|(name, _, _)| *name == p)
        .map(|(_, _, slug)| slug.to_string())
        .unwrap_or_else(|| crate::graph::hash_slug(p))
}

/// Render brief.html for `ids` (numbered from 1), titled by `part` when it
/// is one province's share, or as an index of `parts`; bodies rendered here.
#[allow(clippy::too_many_arguments)]
fn brief_html(
    g: &SiteGraph,
    cfg: &Config,
    theme: &Theme,
    media: &HashSet<String>,
    portal: bool,
    ids: &[RecId],
    part: Option<&str>,
    parts: &[PartView],
) -> Result<String, String> {
    let mut c = brief_context(g, cfg, portal, part, parts);
    c.insert("items", &brief_items(g, media, None, ids));
    theme.tera.render("brief.html", &c).map_err(|e| {
        format!(
            "渲染 {BRIEF_PATH} 时模板出错：{}",
            super::theme::error_chain(&e)
        )
    })
}

/// The key of the item [`brief_items`] makes of outcome `id` numbered `n`
/// from the portal's `bodies`: everything it is made from.
fn brief_item_key(g: &SiteGraph, bodies: &[Arc<BodyEntry>], n: usize, id: RecId) -> Key {
    let r = g.get(id);
    let mut h = Hasher::new("brief-item");
    h.num(n as u64).bytes(&r.key);
    match bodies.get(id) {
        Some(b) => h.num(1).bytes(&b.html_key),
        None => h.num(0),
    };
    if let Data::Outcome(o) = &r.data {
        match g.resolve(Kind::Holder, &o.holder) {
            Some(x) => h.num(1).str(&g.get(x).title),
            None => h.num(0),
        };
    }
    h.finish()
}

/// The items of brief.html for outcomes `ids` (numbered from 1). Bodies
/// come from `bodies` (already rendered for the detail pages) or are
/// rendered here.
fn brief_items(
    g: &SiteGraph,
    media: &HashSet<String>,
    bodies: Option<&[Arc<BodyEntry>]>,
    ids: &[RecId],
) -> Vec<BriefItem> {
    // Bodies rendered here (the export's 附件2) keep plain <img> tags.
    let no_images = crate::images::Images::default();
    let targets = Targets {
        graph: g,
        media,
        images: &no_images,
    };
    ids.par_iter()
        .enumerate()
        .filter_map(|(i, &id)| {
            let r = g.get(id);
            let Data::Outcome(o) = &r.data else {
                return None;
            };
            let html = match bodies.and_then(|b| b.get(id)) {
                Some(b) => b.rendered.html.clone(),
                None => {
                    // Problems in bodies are reported by the detail pages already.
                    let mut quiet = Diagnostics::new();
                    let ctx = BodyCtx {
                        display_path: &r.display_path,
                        page_dir: "data",
                        source_dir: &r.source_dir,
                        body_line: r.body_line,
                    };
                    markdown::render(&r.body, &ctx, &targets, &mut quiet).html
                }
            };
            let n = i + 1;
            // Several bodies on one page: keep their heading and footnote ids apart.
            let body_html = html
                .replace(" id=\"", &format!(" id=\"o{n}-"))
                .replace("href=\"#", &format!("href=\"#o{n}-"));
            let holder = g
                .resolve(Kind::Holder, &o.holder)
                .map(|h| g.get(h).title.clone())
                .unwrap_or_default();
            Some(BriefItem {
                n,
                anchor: format!("o{n}"),
                title: r.title.clone(),
                award: format!("{}年{}", o.award_year, o.award_level),
                holder,
                province: o.province.clone(),
                stages: o.stages.join("、"),
                people: o.people.join("、"),
                partners: o.partners.join("、"),
                url: r.url(),
                body_html,
            })
        })
        .collect()
}

/// The context of brief.html but for its items (see [`brief_items`]).
fn brief_context(
    g: &SiteGraph,
    cfg: &Config,
    portal: bool,
    part: Option<&str>,
    parts: &[PartView],
) -> tera::Context {
    let mut c = tera::Context::new();
    c.insert("root", "../");
    c.insert("portal", &portal);
    c.insert(
        "site",
        &serde_json::json!({"title": cfg.title, "language": cfg.language}),
    );
    let title = match part {
        Some(p) => format!("附件2 成果简介汇编（{p}）"),
        None => "附件2 成果简介汇编".to_string(),
    };
    c.insert("page_title", &title);
    c.insert("part", &part);
    c.insert("parts", parts);
    c.insert("total", &g.count(Kind::Outcome));
    c
}

const PALETTE: &[&str] = &["#1f5fa8", "#d9822b", "#3a8a4f", "#8e44ad", "#b03a2e"];

/// A horizontal bar chart (grouped when there are several series) as an
/// accessible SVG: `role="img"`, a `<title>` and a `<desc>` pointing at the
/// data table, a `<title>` tooltip on every bar, the value printed beside it.
pub fn svg(ch: &stats::Chart) -> String {
    let width = 720.0_f64;
    let label_w = 170.0;
    let value_w = 48.0;
    let bar_area = width - label_w - value_w - 8.0;
    let n = ch.series.len().max(1);
    let bar_h = 16.0;
    let row_h = n as f64 * bar_h + (n as f64 - 1.0) * 2.0 + 12.0;
    let legend_h = if n > 1 { 28.0 } else { 0.0 };
    let height = legend_h + row_h * ch.rows.len().max(1) as f64 + 8.0;
    let max = ch
        .rows
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let id = ch.id;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"chart-{id}-title chart-{id}-desc\" font-size=\"13\">\n<title id=\"chart-{id}-title\">{}</title>\n<desc id=\"chart-{id}-desc\">{}</desc>\n",
        escape_html(&ch.title),
        escape_html(&format!(
            "条形图，共 {} 行{}；各项数值见旁边的数据表。",
            ch.rows.len(),
            if n > 1 {
                format!("，每行 {} 个条形：{}", n, ch.series.join("、"))
            } else {
                String::new()
            }
        )),
    );
    if n > 1 {
        let mut x = label_w;
        for (j, name) in ch.series.iter().enumerate() {
            s.push_str(&format!(
                "<rect x=\"{x}\" y=\"6\" width=\"14\" height=\"14\" fill=\"{}\"/><text x=\"{}\" y=\"18\">{}</text>\n",
                PALETTE[j % PALETTE.len()],
                x + 20.0,
                escape_html(name)
            ));
            x += 28.0 + 14.0 * name.chars().count() as f64;
        }
    }
    if ch.rows.is_empty() {
        s.push_str(&format!(
            "<text x=\"{label_w}\" y=\"{}\">（暂无数据）</text>\n",
            legend_h + 20.0
        ));
    }
    for (i, (label, values)) in ch.rows.iter().enumerate() {
        let top = legend_h + i as f64 * row_h + 6.0;
        let mid = top + (row_h - 12.0) / 2.0 + 4.5;
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{mid:.1}\" text-anchor=\"end\">{}</text>\n",
            label_w - 8.0,
            escape_html(label)
        ));
        for (j, v) in values.iter().enumerate() {
            let y = top + j as f64 * (bar_h + 2.0);
            let w = (*v as f64 / max * bar_area).max(if *v > 0 { 1.0 } else { 0.0 });
            let series = ch.series.get(j).map_or("", |x| x.as_str());
            s.push_str(&format!(
                "<rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"{}\"><title>{}</title></rect><text x=\"{:.1}\" y=\"{:.1}\">{v}</text>\n",
                PALETTE[j % PALETTE.len()],
                escape_html(&format!("{label}，{series}：{v}")),
                label_w + w + 4.0,
                y + bar_h - 3.5,
            ));
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_accessible_and_escaped() {
        let ch = stats::Chart {
            id: "t",
            title: "A<B".into(),
            label_header: "x",
            series: vec!["一等奖".into(), "二等奖".into()],
            rows: vec![("2022年".into(), vec![3, 0]), ("<&>".into(), vec![1, 2])],
            note: None,
        };
        let s = svg(&ch);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("role=\"img\""));
        assert!(s.contains("<title id=\"chart-t-title\">A&lt;B</title>"));
        assert!(s.contains("&lt;&amp;&gt;"));
        assert_eq!(s.matches("<rect").count(), 2 + 4);
        assert!(s.contains("<title>2022年，一等奖：3</title>"));
    }
}
