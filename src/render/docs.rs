//! The [`SearchDoc`]s the search stage indexes: one per published record,
//! made from the record, its body's plain text and the titles of the
//! records it references, and kept across `serve` rebuilds by [`DocMemo`]:
//! a document is made again only when its key ([`doc_key`]: the record's
//! [`crate::model::Record::key`] and those titles) or its body text
//! changed, and the previous build's list is patched in place when no one
//! else holds it.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::Kind;
use crate::diag::Diagnostics;
use crate::graph::{RecId, SiteGraph};
use crate::images::Images;
use crate::incr::{Hasher, Key};
use crate::model::Data;
use crate::search::SearchDoc;

use super::markdown::Rendered;
use super::Targets;

/// The search documents of a build, shared with `serve`'s index thread.
pub type Docs = Arc<Vec<SearchDoc>>;

/// The search documents of the last successful build, with the key of each
/// (kept in [`crate::incr::Memo`]).
pub type Kept = (Docs, Vec<Key>);

/// Only the search documents of every record (Markdown → plain text, no
/// templates, nothing written): what `chengguo search` needs to tell whether
/// the index is fresh. Same bodies and diagnostics as [`super::render`].
pub fn search_docs(
    graph: &SiteGraph,
    media: &HashSet<String>,
    diags: &mut Diagnostics,
) -> Vec<SearchDoc> {
    let no_images = Images::default();
    let targets = Targets {
        graph,
        media,
        images: &no_images,
    };
    let results: Vec<(SearchDoc, Diagnostics)> = (0..graph.records().len())
        .into_par_iter()
        .map(|id| {
            let mut d = Diagnostics::new();
            let body = super::render_body(graph, id, &targets, &mut d);
            (search_doc(graph, id, &body), d)
        })
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    for (doc, d) in results {
        diags.extend(d);
        docs.push(doc);
    }
    docs
}

/// The titles of the records the search document of `id` names, in the
/// order [`search_doc`] reads them (`None`: the reference does not
/// resolve). The one place these references are read, so that
/// [`doc_key`] covers exactly what the document holds.
fn referenced(g: &SiteGraph, id: RecId) -> Vec<Option<&str>> {
    let t =
        |kind: Kind, rf: &crate::model::Ref| g.resolve(kind, rf).map(|x| g.get(x).title.as_str());
    match &g.get(id).data {
        Data::Outcome(o) => vec![t(Kind::Holder, &o.holder)],
        Data::Region(reg) => reg
            .applies
            .iter()
            .map(|a| t(Kind::Outcome, &a.outcome))
            .collect(),
        Data::Case(c) => c
            .region
            .iter()
            .map(|x| t(Kind::Region, x))
            .chain(c.outcomes.iter().map(|x| t(Kind::Outcome, x)))
            .collect(),
        Data::Holder(_) | Data::Notice(_) | Data::Page => Vec::new(),
    }
}

/// The key of record `id`'s search document, body text aside (compared by
/// identity, see [`DocMemo::reusable`]): the record and the titles of the
/// records it references.
pub fn doc_key(g: &SiteGraph, id: RecId) -> Key {
    let r = g.get(id);
    let mut h = Hasher::new("search-doc");
    h.bytes(&r.key).str(r.kind.dir()).str(&r.id);
    let refs = referenced(g, id);
    h.num(refs.len() as u64);
    for t in refs {
        match t {
            Some(t) => h.num(1).str(t),
            None => h.num(0),
        };
    }
    h.finish()
}

/// The searchable view of a record (see the search issue's matching rules).
pub fn search_doc(g: &SiteGraph, id: RecId, body: &Rendered) -> SearchDoc {
    use crate::text::strip_controls;
    let r = g.get(id);
    let mut refs = referenced(g, id).into_iter().map(|t| t.map(str::to_string));
    let mut extra: Vec<String> = Vec::new();
    let mut facets: Vec<(String, Vec<String>)> = Vec::new();
    fn push(extra: &mut Vec<String>, v: &[String]) {
        extra.extend(v.iter().cloned());
    }
    match &r.data {
        Data::Outcome(o) => {
            push(&mut extra, &o.people);
            push(&mut extra, &o.partners);
            push(&mut extra, &o.stages);
            push(&mut extra, &o.subjects);
            push(&mut extra, &o.themes);
            extra.push(o.award_level.clone());
            extra.push(o.province.clone());
            extra.extend(o.promotion.clone());
            extra.extend(o.media.iter().map(|m| m.title.clone()));
            // the holder's title
            extra.extend(refs.next().flatten());
            facets.push(("stage".into(), o.stages.clone()));
            facets.push(("subject".into(), o.subjects.clone()));
            facets.push(("theme".into(), o.themes.clone()));
            facets.push(("year".into(), vec![o.award_year.to_string()]));
            facets.push(("level".into(), vec![o.award_level.clone()]));
        }
        Data::Holder(h) => {
            extra.extend(h.kind.clone());
            extra.push(h.province.clone());
            extra.extend(h.city.clone());
        }
        Data::Region(reg) => {
            extra.push(reg.province.clone());
            for a in &reg.applies {
                extra.extend(a.department.clone());
                extra.extend(a.schools.iter().cloned());
                // the applied outcome's title
                extra.extend(refs.next().flatten());
            }
        }
        Data::Case(c) => {
            extra.extend(c.school.clone());
            push(&mut extra, &c.authors);
            extra.extend(c.source.clone());
            push(&mut extra, &c.stages);
            push(&mut extra, &c.subjects);
            push(&mut extra, &c.themes);
            // the region's title (when the case names one), then the
            // outcomes' titles
            extra.extend(refs.flatten());
            facets.push(("stage".into(), c.stages.clone()));
            facets.push(("subject".into(), c.subjects.clone()));
            facets.push(("theme".into(), c.themes.clone()));
        }
        Data::Notice(n) => {
            extra.extend(n.issuer.clone());
            extra.extend(n.number.clone());
            extra.extend(n.attachments.iter().map(|a| a.title.clone()));
        }
        Data::Page => {}
    }
    if let Some(p) = r.province() {
        facets.push(("province".into(), vec![p.to_string()]));
    }
    if let Some(z) = crate::graph::zone(r) {
        facets.push(("zone".into(), vec![z.label().to_string()]));
    }
    facets.retain(|(_, v)| !v.is_empty());
    facets.sort_by(|a, b| {
        let pos = |k: &str| crate::search::FACETS.iter().position(|f| f.0 == k);
        pos(&a.0).cmp(&pos(&b.0))
    });
    SearchDoc {
        id: r.id.clone(),
        kind: r.kind.dir().to_string(),
        kind_label: r.kind.label().to_string(),
        title: strip_controls(&r.title).into_owned(),
        url: r.url(),
        summary: strip_controls(&r.summary).into_owned(),
        body: body.text.clone(),
        extra: extra
            .into_iter()
            .map(crate::text::strip_controls_owned)
            .collect(),
        facets,
    }
}

/// The search documents of the previous successful build, by key, for
/// this one.
pub struct DocMemo {
    keep: bool,
    prev: Option<Kept>,
    /// Key → position in `prev`.
    at: HashMap<Key, usize>,
}

impl DocMemo {
    /// `keep`: hand this build's documents on to a next one.
    pub fn new(prev: Option<Kept>, keep: bool) -> DocMemo {
        let at = prev
            .as_ref()
            .map(|(_, keys)| keys.iter().enumerate().map(|(i, k)| (*k, i)).collect())
            .unwrap_or_default();
        DocMemo { keep, prev, at }
    }

    /// Whether the previous build's document with `key` can stand for the
    /// one made from `body`: same key and the very same body text (the
    /// shared text of a reused body rendering, [`crate::incr::BodyMemo`]).
    pub fn reusable(&self, key: &Key, body: &Rendered) -> bool {
        match (&self.prev, self.at.get(key)) {
            (Some((docs, _)), Some(&i)) => Arc::ptr_eq(&docs[i].body, &body.text),
            _ => false,
        }
    }

    /// The previous documents, untouched (for a build that failed: the
    /// next one compares against the last successful build).
    pub fn abandon(self) -> Option<Kept> {
        self.prev
    }

    /// This build's documents, in record order: `fresh[i]` where made,
    /// else the previous build's document with key `keys[i]` — moved out
    /// of the previous list when nothing else holds it (`serve`'s index
    /// thread copies the list it is handed right away), else copied.
    /// Also what to keep for the next build.
    pub fn finish(
        self,
        keys: Vec<Key>,
        fresh: Vec<Option<SearchDoc>>,
        make: impl Fn(usize) -> SearchDoc,
    ) -> (Docs, Option<Kept>) {
        let keep = |docs: &Docs, keys: Vec<Key>| self.keep.then(|| (Arc::clone(docs), keys));
        let Some((prev, prev_keys)) = self.prev else {
            let docs: Docs = Arc::new(
                fresh
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| d.unwrap_or_else(|| make(i)))
                    .collect(),
            );
            let kept = keep(&docs, keys);
            return (docs, kept);
        };
        if keys == prev_keys && fresh.iter().all(Option::is_none) {
            // Nothing changed: the same list.
            let kept = keep(&prev, keys);
            return (prev, kept);
        }
        let at = self.at;
        let docs: Vec<SearchDoc> = match Arc::try_unwrap(prev) {
            Ok(prev) => {
                let mut prev: Vec<Option<SearchDoc>> = prev.into_iter().map(Some).collect();
                fresh
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| {
                        d.or_else(|| at.get(&keys[i]).and_then(|&j| prev[j].take()))
                            .unwrap_or_else(|| make(i))
                    })
                    .collect()
            }
            Err(prev) => fresh
                .into_iter()
                .enumerate()
                .map(|(i, d)| {
                    d.or_else(|| at.get(&keys[i]).map(|&j| prev[j].clone()))
                        .unwrap_or_else(|| make(i))
                })
                .collect(),
        };
        let docs = Arc::new(docs);
        let kept = keep(&docs, keys);
        (docs, kept)
    }
}
