//! What `chengguo check` reports beyond the build's errors and warnings:
//! every external address (listed, never fetched), the pages that need the
//! internet to be seen in full, images without alt text, and outcomes,
//! holders and regions that no other record refers to.
//!
//! Built from the site graph and the render stage's per-body facts
//! ([`crate::render::markdown::Found`]). Front-matter addresses are located
//! by finding their text in the record's file (the typed records keep
//! values, not positions).

use serde::Serialize;

use crate::content::Kind;
use crate::diag::Pos;
use crate::graph::SiteGraph;
use crate::model::Data;
use crate::render::markdown::Found;
use crate::validate::is_http_url;

/// A located place in a content file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Place {
    pub path: String,
    pub line: usize,
    pub col: usize,
}

/// One use of an external address.
#[derive(Debug, Clone, Serialize)]
pub struct External {
    #[serde(flatten)]
    pub at: Place,
    pub url: String,
    /// Where it is used: `正文链接`, `media.src`, `studio` …
    pub field: &'static str,
    /// true when part of the page's content lives there (a video, a
    /// document), false for a plain link.
    pub needs_internet: bool,
    /// The portal page that shows it.
    pub page: String,
}

/// A page whose content is not all in the portal.
#[derive(Debug, Clone, Serialize)]
pub struct OnlinePage {
    pub page: String,
    pub title: String,
    pub path: String,
    pub urls: Vec<String>,
}

/// A record nothing else refers to.
#[derive(Debug, Clone, Serialize)]
pub struct Orphan {
    pub path: String,
    pub kind: &'static str,
    pub id: String,
    pub title: String,
    /// Why it counts as unreferenced, in the words of its kind.
    pub reason: &'static str,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Audit {
    pub external: Vec<External>,
    pub needs_internet: Vec<OnlinePage>,
    pub images_without_alt: Vec<Place>,
    pub orphans: Vec<Orphan>,
}

/// Audit the site. `found` is indexed like `graph.records()`.
pub fn audit(graph: &SiteGraph, found: &[&Found]) -> Audit {
    let mut a = Audit::default();
    let mut linked: std::collections::HashSet<(Kind, &str)> = Default::default();
    for (i, r) in graph.records().iter().enumerate() {
        let path = r.display_path.display().to_string().replace('\\', "/");
        let place = |p: Pos| Place {
            path: path.clone(),
            line: p.line,
            col: p.col,
        };
        let page = r.url();
        if let Some(f) = found.get(i) {
            for (pos, url) in &f.external {
                a.external.push(External {
                    at: place(*pos),
                    url: url.clone(),
                    field: "正文链接",
                    needs_internet: false,
                    page: page.clone(),
                });
            }
            a.images_without_alt
                .extend(f.no_alt.iter().map(|p| place(*p)));
            for (k, id) in &f.records {
                if !(*k == r.kind && *id == r.id) {
                    linked.insert((*k, id.as_str()));
                }
            }
        }
        let mut fm: Vec<(&'static str, &str, bool)> = Vec::new();
        match &r.data {
            Data::Outcome(o) => {
                if let Some(s) = &o.studio {
                    fm.push(("studio", s, false));
                }
                for m in &o.media {
                    fm.push(("media.src", &m.src, m.kind != "link"));
                }
            }
            Data::Holder(h) => {
                if let Some(w) = &h.website {
                    fm.push(("website", w, false));
                }
            }
            Data::Notice(n) => {
                for at in &n.attachments {
                    fm.push(("attachments.src", &at.src, true));
                }
            }
            _ => {}
        }
        fm.retain(|(_, u, _)| is_http_url(u));
        if !fm.is_empty() {
            let text = std::fs::read_to_string(&r.file_path).unwrap_or_default();
            let mut online = Vec::new();
            for (field, url, needs) in fm {
                let pos = text
                    .find(url)
                    .map_or(Pos::START, |off| Pos::from_offset(&text, off));
                if needs {
                    online.push(url.to_string());
                }
                a.external.push(External {
                    at: place(pos),
                    url: url.to_string(),
                    field,
                    needs_internet: needs,
                    page: page.clone(),
                });
            }
            if !online.is_empty() {
                a.needs_internet.push(OnlinePage {
                    page: page.clone(),
                    title: r.title.clone(),
                    path: path.clone(),
                    urls: online,
                });
            }
        }
    }
    for (i, r) in graph.records().iter().enumerate() {
        let (referred, reason) = match r.kind {
            Kind::Holder => (
                !graph.holder_outcomes(i).is_empty(),
                "没有成果以它为持有方，正文中也没有链接到它",
            ),
            Kind::Outcome => (
                !graph.outcome_regions(i).is_empty() || !graph.outcome_cases(i).is_empty(),
                "没有应用方应用、没有案例引用，正文中也没有链接到它",
            ),
            Kind::Region => (
                !graph.region_cases(i).is_empty(),
                "没有案例属于它，正文中也没有链接到它",
            ),
            _ => continue,
        };
        if !referred && !linked.contains(&(r.kind, r.id.as_str())) {
            a.orphans.push(Orphan {
                path: r.display_path.display().to_string().replace('\\', "/"),
                kind: r.kind.label(),
                id: r.id.clone(),
                title: r.title.clone(),
                reason,
            });
        }
    }
    let by_place = |x: &Place, y: &Place| (&x.path, x.line, x.col).cmp(&(&y.path, y.line, y.col));
    a.external.sort_by(|x, y| by_place(&x.at, &y.at));
    a.images_without_alt.sort_by(by_place);
    a.needs_internet.sort_by(|x, y| x.page.cmp(&y.page));
    a.orphans.sort_by(|x, y| x.path.cmp(&y.path));
    a
}
