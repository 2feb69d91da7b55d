//! View structs: the serialisable shapes templates receive. Built from the
//! site graph; templates never see domain types. Every `url` is relative to
//! the output root; templates prefix it with `root` ("" or "../").

use serde::Serialize;
use std::sync::Arc;

use crate::images::Images;

use crate::content::Kind;
use crate::graph::{self, RecId, SiteGraph};
use crate::model::{Data, Record};
use crate::vocab;

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// A notice's attachment: a file in the portal, or an address outside it.
#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub title: String,
    pub url: String,
    pub external: bool,
}

/// Compact view of a record for lists and cards.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub id: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub title: String,
    pub url: String,
    pub summary: String,
    pub date: Option<String>,
    /// Short facts shown under the title (获奖, 省份, 学段 …).
    pub meta: Vec<String>,
    /// Facet values for client-side filtering: "stage=小学;subject=数学".
    pub facets: String,
    /// A case's cover picture, shown on its card.
    pub cover: Option<ImageView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermLink {
    pub name: String,
    pub url: String,
}

/// A picture as templates use it: the URL (root-relative) and, when the
/// image stage derived it, its size and the `srcset` candidates.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    pub src: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// (URL, width) of each derived file, ascending; empty for pictures
    /// published as they are (SVG, GIF).
    pub candidates: Vec<(String, u32)>,
}

/// The view of the picture at `src` (a `media/…` path from front matter).
pub fn image_view(im: &Images, src: &str) -> ImageView {
    let (url, _) = media_url(src);
    match im.get(src) {
        Some(d) => ImageView {
            src: url,
            width: Some(d.width),
            height: Some(d.height),
            candidates: d
                .files
                .iter()
                .map(|(w, p)| (crate::render::markdown::encode_path(p), *w))
                .collect(),
        },
        None => ImageView {
            src: url,
            width: None,
            height: None,
            candidates: Vec::new(),
        },
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MediaView {
    pub kind: String,
    pub title: String,
    pub url: String,
    pub poster: Option<String>,
    /// A picture item (`kind: image`): its derived files.
    pub image: Option<ImageView>,
    pub duration: Option<String>,
    pub external: bool,
    pub ext: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApplyView {
    pub region: Option<Link>,
    pub outcome: Option<Link>,
    pub province: String,
    pub zone: String,
    pub department: Option<String>,
    pub schools: Vec<String>,
}

/// Everything a detail template may show; fields not relevant to a kind stay empty.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Detail {
    pub id: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub title: String,
    pub summary: String,
    pub body_html: String,
    pub toc: Vec<(u8, String, String)>,
    pub date: Option<String>,
    pub award_year: Option<i64>,
    pub award_level: Option<String>,
    pub award_year_url: Option<String>,
    pub award_level_url: Option<String>,
    pub holder: Option<Link>,
    pub people: Vec<String>,
    pub partners: Vec<String>,
    pub province: Option<TermLink>,
    pub zone: Option<TermLink>,
    pub city: Option<String>,
    pub stages: Vec<TermLink>,
    pub subjects: Vec<TermLink>,
    pub themes: Vec<TermLink>,
    pub promotion: Option<String>,
    pub rounds: Vec<i64>,
    pub studio: Option<String>,
    pub website: Option<String>,
    pub media: Vec<MediaView>,
    pub contact: Option<(Option<String>, Option<String>, Option<String>)>,
    pub holder_kind: Option<String>,
    pub demonstration: bool,
    pub period: Option<String>,
    pub applies: Vec<ApplyView>,
    pub region: Option<Link>,
    pub school: Option<String>,
    pub outcomes: Vec<Arc<Card>>,
    pub authors: Vec<String>,
    pub source: Option<String>,
    pub cover: Option<ImageView>,
    pub issuer: Option<String>,
    pub number: Option<String>,
    pub attachments: Vec<Attachment>,
    /// Reverse links.
    pub applied_by: Vec<ApplyView>,
    pub cases: Vec<Arc<Card>>,
    pub related: Vec<Arc<Card>>,
}

pub fn term_url(key: &str, slug: &str) -> String {
    format!("browse/{key}-{slug}.html")
}

/// Link to a taxonomy term page, if the term exists.
pub fn term_link(g: &SiteGraph, key: &str, name: &str) -> TermLink {
    let url = g
        .taxonomies()
        .iter()
        .find(|t| t.key == key)
        .and_then(|t| t.term(name))
        .map(|t| term_url(key, &t.slug))
        .unwrap_or_default();
    TermLink {
        name: name.to_string(),
        url,
    }
}

fn terms(g: &SiteGraph, key: &str, names: &[String]) -> Vec<TermLink> {
    names.iter().map(|n| term_link(g, key, n)).collect()
}

pub fn link(r: &Record) -> Link {
    Link {
        title: r.title.clone(),
        url: r.url(),
    }
}

pub fn card(g: &SiteGraph, im: &Images, id: RecId) -> Card {
    let r = g.get(id);
    let mut meta = Vec::new();
    let mut facets: Vec<(&str, String)> = Vec::new();
    match &r.data {
        Data::Outcome(o) => {
            meta.push(format!("{}年{}", o.award_year, o.award_level));
            meta.push(o.province.clone());
            if let Some(h) = g.resolve(Kind::Holder, &o.holder) {
                meta.push(g.get(h).title.clone());
            }
            facets.push(("year", o.award_year.to_string()));
            facets.push(("level", o.award_level.clone()));
            facets.extend(o.stages.iter().map(|s| ("stage", s.clone())));
            facets.extend(o.subjects.iter().map(|s| ("subject", s.clone())));
        }
        Data::Holder(h) => {
            meta.push(h.province.clone());
            if let Some(k) = &h.kind {
                meta.push(k.clone());
            }
        }
        Data::Region(reg) => {
            meta.push(reg.province.clone());
            if reg.demonstration {
                meta.push("国家级示范区".into());
            }
            meta.push(format!("应用成果 {} 项", reg.applies.len()));
        }
        Data::Case(c) => {
            if let Some(reg) = c.region.as_ref().and_then(|x| g.resolve(Kind::Region, x)) {
                meta.push(g.get(reg).title.clone());
            }
            if let Some(s) = &c.school {
                meta.push(s.clone());
            }
            facets.extend(c.stages.iter().map(|s| ("stage", s.clone())));
            facets.extend(c.subjects.iter().map(|s| ("subject", s.clone())));
        }
        Data::Notice(n) => {
            if let Some(i) = &n.issuer {
                meta.push(i.clone());
            }
            if let Some(num) = &n.number {
                meta.push(num.clone());
            }
        }
        Data::Page => {}
    }
    if let Some(p) = r.province() {
        facets.push(("province", p.to_string()));
    }
    if let Some(z) = graph::zone(r) {
        facets.push(("zone", z.label().to_string()));
    }
    Card {
        id: r.id.clone(),
        kind: r.kind.dir(),
        kind_label: r.kind.label(),
        title: r.title.clone(),
        url: r.url(),
        summary: r.summary.clone(),
        date: r.date().map(str::to_string),
        cover: match &r.data {
            Data::Case(c) => c.cover.as_deref().map(|p| image_view(im, p)),
            _ => None,
        },
        meta,
        facets: facets
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(";"),
    }
}

fn media_url(src: &str) -> (String, bool) {
    if src.starts_with("http://") || src.starts_with("https://") {
        (src.to_string(), true)
    } else {
        (crate::render::markdown::encode_path(src), false)
    }
}

/// The regions applying outcome `id`, with departments and base schools.
pub fn applied_by(g: &SiteGraph, id: RecId) -> Vec<ApplyView> {
    g.outcome_regions(id)
        .iter()
        .map(|a| {
            let reg = g.get(a.region);
            let ap = match &reg.data {
                Data::Region(x) => x.applies.get(a.apply_index),
                _ => None,
            };
            ApplyView {
                region: Some(link(reg)),
                outcome: None,
                province: reg.province().unwrap_or("").to_string(),
                zone: graph::zone(reg)
                    .map(|z| z.label().to_string())
                    .unwrap_or_default(),
                department: ap.and_then(|x| x.department.clone()),
                schools: ap.map(|x| x.schools.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// The detail view of record `id`, given its rendered body; `body_html` is
/// left empty: the render stage puts the body in only when the page is
/// rendered (it is part of the page's memo key by its hash).
pub fn detail(
    g: &SiteGraph,
    im: &Images,
    id: RecId,
    body: &crate::render::markdown::Rendered,
    cards: &dyn Fn(RecId) -> Arc<Card>,
) -> Detail {
    let r = g.get(id);
    let mut d = Detail {
        id: r.id.clone(),
        kind: r.kind.dir(),
        kind_label: r.kind.label(),
        title: r.title.clone(),
        summary: r.summary.clone(),
        body_html: String::new(),
        toc: body.toc.clone(),
        date: r.date().map(str::to_string),
        ..Default::default()
    };
    if let Some(p) = r.province() {
        d.province = Some(term_link(g, "province", p));
        if let Some(z) = vocab::zone_of(p) {
            d.zone = Some(term_link(g, "zone", z.label()));
        }
    }
    match &r.data {
        Data::Outcome(o) => {
            d.award_year = Some(o.award_year);
            d.award_level = Some(o.award_level.clone());
            d.award_year_url = Some(term_link(g, "year", &o.award_year.to_string()).url);
            d.award_level_url = Some(term_link(g, "level", &o.award_level).url);
            d.holder = g.resolve(Kind::Holder, &o.holder).map(|h| link(g.get(h)));
            d.people = o.people.clone();
            d.partners = o.partners.clone();
            d.stages = terms(g, "stage", &o.stages);
            d.subjects = terms(g, "subject", &o.subjects);
            d.themes = terms(g, "theme", &o.themes);
            d.promotion = o.promotion.clone();
            d.rounds = o.rounds.clone();
            d.studio = o.studio.clone();
            d.media = o
                .media
                .iter()
                .map(|m| {
                    let (url, external) = media_url(&m.src);
                    let ext = m.src.rsplit('.').next().unwrap_or("").to_ascii_uppercase();
                    MediaView {
                        kind: m.kind.clone(),
                        title: m.title.clone(),
                        url,
                        // A video's poster: one picture, wide enough for the player.
                        poster: m.poster.as_deref().map(|p| match im.get(p) {
                            Some(d) => crate::render::markdown::encode_path(d.at_least(960)),
                            None => media_url(p).0,
                        }),
                        image: (m.kind == "image" && !external).then(|| image_view(im, &m.src)),
                        duration: m.duration.clone(),
                        external,
                        ext,
                    }
                })
                .collect();
            d.contact = o
                .contact
                .as_ref()
                .map(|c| (c.name.clone(), c.phone.clone(), c.email.clone()));
            d.applied_by = applied_by(g, id);
            d.cases = g.outcome_cases(id).iter().map(|&c| cards(c)).collect();
            d.related = g.related(id).iter().map(|&c| cards(c)).collect();
        }
        Data::Holder(h) => {
            d.holder_kind = h.kind.clone();
            d.city = h.city.clone();
            d.website = h.website.clone();
            d.outcomes = g.holder_outcomes(id).iter().map(|&o| cards(o)).collect();
        }
        Data::Region(reg) => {
            d.demonstration = reg.demonstration;
            d.period = match (&reg.period_start, &reg.period_end) {
                (Some(s), Some(e)) => Some(format!("{s} 至 {e}")),
                (Some(s), None) => Some(format!("{s} 起")),
                (None, Some(e)) => Some(format!("至 {e}")),
                _ => None,
            };
            d.applies = reg
                .applies
                .iter()
                .map(|a| ApplyView {
                    region: None,
                    outcome: g.resolve(Kind::Outcome, &a.outcome).map(|o| link(g.get(o))),
                    province: String::new(),
                    zone: String::new(),
                    department: a.department.clone(),
                    schools: a.schools.clone(),
                })
                .collect();
            d.cases = g.region_cases(id).iter().map(|&c| cards(c)).collect();
        }
        Data::Case(c) => {
            d.region = c
                .region
                .as_ref()
                .and_then(|x| g.resolve(Kind::Region, x))
                .map(|x| link(g.get(x)));
            d.school = c.school.clone();
            d.outcomes = c
                .outcomes
                .iter()
                .filter_map(|o| g.resolve(Kind::Outcome, o))
                .map(cards)
                .collect();
            d.authors = c.authors.clone();
            d.source = c.source.clone();
            d.stages = terms(g, "stage", &c.stages);
            d.subjects = terms(g, "subject", &c.subjects);
            d.themes = terms(g, "theme", &c.themes);
            d.cover = c.cover.as_deref().map(|p| image_view(im, p));
        }
        Data::Notice(n) => {
            d.issuer = n.issuer.clone();
            d.number = n.number.clone();
            d.attachments = n
                .attachments
                .iter()
                .map(|a| {
                    let (url, external) = media_url(&a.src);
                    Attachment {
                        title: a.title.clone(),
                        url,
                        external,
                    }
                })
                .collect();
        }
        Data::Page => {}
    }
    d
}
