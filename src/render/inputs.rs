//! Content keys of what a view is built from ([`crate::incr`]): a page
//! whose key equals the one of the file in the output is neither built nor
//! rendered, so the key must cover everything [`super::views::card`] and
//! [`super::views::detail`] read — the record (by [`Record::key`]), the
//! titles and urls of the records it links, the slugs of its terms, the
//! derived pictures it shows and the cards it lists (by their own keys).
//! Each function here mirrors one view builder; a field read there and not
//! hashed here would make pages stale (`tests/incremental.rs` checks it).

use crate::content::Kind;
use crate::graph::{RecId, SiteGraph};
use crate::images::Images;
use crate::incr::{Hasher, Key};
use crate::model::{Data, Record, Ref};

/// A record linked by reference ([`super::views::link`]): its title and
/// url, or that it does not resolve.
fn linked(h: &mut Hasher, g: &SiteGraph, kind: Kind, r: &Ref) {
    match g.resolve(kind, r) {
        Some(x) => {
            let x = g.get(x);
            h.num(1).str(&x.title).str(kind.dir()).str(&x.id);
        }
        None => {
            h.num(0);
        }
    }
}

/// The title of a record linked by reference (cards show titles only).
fn linked_title(h: &mut Hasher, g: &SiteGraph, kind: Kind, r: &Ref) {
    match g.resolve(kind, r) {
        Some(x) => h.num(1).str(&g.get(x).title),
        None => h.num(0),
    };
}

/// A derived picture as [`super::views::image_view`] reads it.
fn image(h: &mut Hasher, im: &Images, path: &str) {
    match im.get(path) {
        Some(d) => {
            h.num(1).num(d.width.into()).num(d.height.into());
            h.num(d.files.len() as u64);
            for (w, p) in &d.files {
                h.num((*w).into()).str(p);
            }
        }
        None => {
            h.num(0);
        }
    }
}

/// The url of a term page ([`super::views::term_link`]): the term's slug,
/// or that no record carries the term.
fn term(h: &mut Hasher, g: &SiteGraph, key: &str, name: &str) {
    h.str(key).str(name);
    match g
        .taxonomies()
        .iter()
        .find(|t| t.key == key)
        .and_then(|t| t.term(name))
    {
        Some(t) => h.num(1).str(&t.slug),
        None => h.num(0),
    };
}

fn terms(h: &mut Hasher, g: &SiteGraph, key: &str, names: &[String]) {
    h.num(names.len() as u64);
    for n in names {
        term(h, g, key, n);
    }
}

/// The key of [`super::views::card`]`(g, im, id)`.
pub fn card_key(g: &SiteGraph, im: &Images, id: RecId) -> Key {
    let r = g.get(id);
    let mut h = Hasher::new("card-inputs");
    h.bytes(&r.key);
    match &r.data {
        Data::Outcome(o) => linked_title(&mut h, g, Kind::Holder, &o.holder),
        Data::Case(c) => {
            match &c.region {
                Some(x) => linked_title(&mut h, g, Kind::Region, x),
                None => {
                    h.num(2);
                }
            }
            if let Some(p) = &c.cover {
                image(&mut h, im, p);
            }
        }
        _ => {}
    }
    h.finish()
}

/// The cards listed in a view, by their keys.
fn cards(h: &mut Hasher, ids: impl ExactSizeIterator<Item = RecId>, card: &dyn Fn(RecId) -> Key) {
    h.num(ids.len() as u64);
    for c in ids {
        h.bytes(&card(c));
    }
}

/// The key of [`super::views::detail`]`(g, im, id, body, cards)` but for
/// the body, whose rendering the caller hashes (its html and toc).
pub fn detail_key(g: &SiteGraph, im: &Images, id: RecId, card: &dyn Fn(RecId) -> Key) -> Key {
    let r: &Record = g.get(id);
    let mut h = Hasher::new("detail-inputs");
    h.bytes(&r.key);
    if let Some(p) = r.province() {
        term(&mut h, g, "province", p);
        if let Some(z) = crate::vocab::zone_of(p) {
            term(&mut h, g, "zone", z.label());
        }
    }
    match &r.data {
        Data::Outcome(o) => {
            term(&mut h, g, "year", &o.award_year.to_string());
            term(&mut h, g, "level", &o.award_level);
            linked(&mut h, g, Kind::Holder, &o.holder);
            terms(&mut h, g, "stage", &o.stages);
            terms(&mut h, g, "subject", &o.subjects);
            terms(&mut h, g, "theme", &o.themes);
            for m in &o.media {
                image(&mut h, im, &m.src);
                if let Some(p) = &m.poster {
                    image(&mut h, im, p);
                }
            }
            // applied_by: each applying region (title, url, province,
            // zone and its apply entry are all in the region's record).
            let apps = g.outcome_regions(id);
            h.num(apps.len() as u64);
            for a in apps {
                h.bytes(&g.get(a.region).key).num(a.apply_index as u64);
            }
            cards(&mut h, g.outcome_cases(id).iter().copied(), card);
            cards(&mut h, g.related(id).iter().copied(), card);
        }
        Data::Holder(_) => {
            cards(&mut h, g.holder_outcomes(id).iter().copied(), card);
        }
        Data::Region(reg) => {
            for a in &reg.applies {
                linked(&mut h, g, Kind::Outcome, &a.outcome);
            }
            cards(&mut h, g.region_cases(id).iter().copied(), card);
        }
        Data::Case(c) => {
            match &c.region {
                Some(x) => linked(&mut h, g, Kind::Region, x),
                None => {
                    h.num(2);
                }
            }
            let outs: Vec<RecId> = c
                .outcomes
                .iter()
                .filter_map(|o| g.resolve(Kind::Outcome, o))
                .collect();
            cards(&mut h, outs.into_iter(), card);
            terms(&mut h, g, "stage", &c.stages);
            terms(&mut h, g, "subject", &c.subjects);
            terms(&mut h, g, "theme", &c.themes);
            if let Some(p) = &c.cover {
                image(&mut h, im, p);
            }
        }
        Data::Notice(_) | Data::Page => {}
    }
    h.finish()
}
