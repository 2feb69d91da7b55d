//! Site graph stage: drop drafts, resolve references between records
//! (reporting dangling ones and references to drafts), compute reverse links
//! (holder → outcomes, outcome → regions and cases, region → cases), the
//! taxonomies used by the browse pages, and related outcomes.
//!
//! The graph owns the published records; everything else refers to them by
//! index ([`RecId`]), so later stages never clone records.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::content::Kind;
use crate::diag::{did_you_mean, Diagnostics};
use crate::model::{Data, Record, Ref};
use crate::vocab::{self, Zone};

/// Index of a record in [`SiteGraph::records`].
pub type RecId = usize;

/// A browse dimension (学段, 学科, …) with its terms.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// ASCII key used in file names: stage, subject, theme, province, year, level, zone.
    pub key: &'static str,
    pub label: &'static str,
    pub terms: Vec<Term>,
    /// Term name → index in `terms` (lookups stay constant-time with
    /// thousands of free-text themes).
    index: HashMap<String, usize>,
}

impl Taxonomy {
    /// The term named `name`, if any record carries it.
    pub fn term(&self, name: &str) -> Option<&Term> {
        self.index.get(name).map(|&i| &self.terms[i])
    }
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    /// ASCII file-name part, unique within the taxonomy.
    pub slug: String,
    /// Records carrying the term, outcomes first, then by kind order and id.
    pub records: Vec<RecId>,
}

/// One region applying one outcome (from the region's `applies`).
#[derive(Debug, Clone, Copy)]
pub struct Application {
    pub region: RecId,
    pub apply_index: usize,
}

#[derive(Debug, Default)]
pub struct SiteGraph {
    records: Vec<Arc<Record>>,
    /// Kind → id → record (looked up without allocating a key).
    by_key: HashMap<Kind, HashMap<String, RecId>>,
    holder_outcomes: HashMap<RecId, Vec<RecId>>,
    outcome_regions: HashMap<RecId, Vec<Application>>,
    outcome_cases: HashMap<RecId, Vec<RecId>>,
    region_cases: HashMap<RecId, Vec<RecId>>,
    related: Arc<HashMap<RecId, Vec<RecId>>>,
    taxonomies: Vec<Taxonomy>,
}

impl SiteGraph {
    /// Build the graph from validated records (drafts included; they are
    /// dropped here). Reference problems go to `diags`.
    pub fn build(all: Vec<Arc<Record>>, diags: &mut Diagnostics) -> SiteGraph {
        SiteGraph::build_with(all, diags, &mut None)
    }

    /// [`SiteGraph::build`], reusing the related outcomes in `memo` when
    /// what they are computed from is unchanged (and leaving this build's
    /// there).
    pub fn build_with(
        mut all: Vec<Arc<Record>>,
        diags: &mut Diagnostics,
        memo: &mut RelatedMemo,
    ) -> SiteGraph {
        // Drafts: remember them to explain references to them.
        let drafts: HashMap<(Kind, String), ()> = all
            .iter()
            .filter(|r| r.draft)
            .map(|r| ((r.kind, r.id.clone()), ()))
            .collect();
        all.retain(|r| !r.draft);
        all.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        let mut g = SiteGraph::default();
        for (i, r) in all.iter().enumerate() {
            g.by_key.entry(r.kind).or_default().insert(r.id.clone(), i);
        }
        g.records = all;

        let mut ids_by_kind: HashMap<Kind, Vec<&str>> = HashMap::new();
        for r in &g.records {
            ids_by_kind.entry(r.kind).or_default().push(&r.id);
        }
        // `field` names the front-matter field of the reference (`holder`,
        // `applies.outcome`, …) for the message.
        let check = |from: &Record,
                     field: &str,
                     kind: Kind,
                     r: &Ref,
                     diags: &mut Diagnostics|
         -> Option<RecId> {
            if r.id.is_empty() {
                return None; // already reported as missing by validate
            }
            if let Some(i) = g.lookup(kind, &r.id) {
                return Some(i);
            }
            let msg = if drafts.contains_key(&(kind, r.id.clone())) {
                format!(
                        "{field} 引用的{}“{}”是草稿（draft: true），不会发布：请先发布它（删去它的 draft: true），或删除此引用",
                        kind.label(),
                        r.id
                    )
            } else {
                // The writer may have typed a title instead of the id.
                let by_title = g
                    .records
                    .iter()
                    .find(|x| x.kind == kind && x.title == r.id)
                    .map(|x| format!("（“{}”是标题，请改写为它的编号 {}）", r.id, x.id));
                let hint = by_title.unwrap_or_else(|| {
                    did_you_mean(&r.id, ids_by_kind.get(&kind).into_iter().flatten().copied())
                });
                let hint = if hint.is_empty() {
                    format!(
                        "；应填写 content/{}/ 下某个文件的文件名（不含 .md）",
                        kind.dir()
                    )
                } else {
                    hint
                };
                format!(
                    "{field} 的值“{}”找不到：没有 content/{}/{}.md 这条{}记录{hint}",
                    r.id,
                    kind.dir(),
                    r.id,
                    kind.label(),
                )
            };
            diags.error(&from.display_path, r.pos, msg);
            None
        };

        let mut holder_outcomes: HashMap<RecId, Vec<RecId>> = HashMap::new();
        let mut outcome_regions: HashMap<RecId, Vec<Application>> = HashMap::new();
        let mut outcome_cases: HashMap<RecId, Vec<RecId>> = HashMap::new();
        let mut region_cases: HashMap<RecId, Vec<RecId>> = HashMap::new();
        for (i, r) in g.records.iter().enumerate() {
            match &r.data {
                Data::Outcome(o) => {
                    if let Some(h) = check(r, "holder", Kind::Holder, &o.holder, diags) {
                        holder_outcomes.entry(h).or_default().push(i);
                    }
                }
                Data::Region(reg) => {
                    for (ai, a) in reg.applies.iter().enumerate() {
                        if let Some(o) =
                            check(r, "applies.outcome", Kind::Outcome, &a.outcome, diags)
                        {
                            let list = outcome_regions.entry(o).or_default();
                            if list.iter().any(|x| x.region == i) {
                                diags.warning(
                                    &r.display_path,
                                    a.outcome.pos,
                                    format!(
                                        "applies 中成果“{}”重复出现：同一成果只需写一次，请删除重复的一项（其 department、schools 请合并到第一项）",
                                        a.outcome.id
                                    ),
                                );
                            } else {
                                list.push(Application {
                                    region: i,
                                    apply_index: ai,
                                });
                            }
                        }
                    }
                }
                Data::Case(c) => {
                    if let Some(reg) = &c.region {
                        if let Some(x) = check(r, "region", Kind::Region, reg, diags) {
                            region_cases.entry(x).or_default().push(i);
                        }
                    }
                    for o in &c.outcomes {
                        if let Some(x) = check(r, "outcomes", Kind::Outcome, o, diags) {
                            let list = outcome_cases.entry(x).or_default();
                            if !list.contains(&i) {
                                list.push(i);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        // Cases newest first.
        let by_date_desc = |v: &mut Vec<RecId>, recs: &[Arc<Record>]| {
            v.sort_by(|a, b| {
                recs[*b]
                    .date()
                    .cmp(&recs[*a].date())
                    .then(recs[*a].id.cmp(&recs[*b].id))
            });
        };
        for v in outcome_cases.values_mut().chain(region_cases.values_mut()) {
            by_date_desc(v, &g.records);
        }
        g.holder_outcomes = holder_outcomes;
        g.outcome_regions = outcome_regions;
        g.outcome_cases = outcome_cases;
        g.region_cases = region_cases;
        g.taxonomies = build_taxonomies(&g.records);
        let key = related_key(&g.records);
        g.related = match memo {
            Some((k, r)) if *k == key => Arc::clone(r),
            _ => Arc::new(related_outcomes(&g.records)),
        };
        *memo = Some((key, Arc::clone(&g.related)));
        g
    }

    pub fn records(&self) -> &[Arc<Record>] {
        &self.records
    }

    pub fn get(&self, id: RecId) -> &Record {
        &self.records[id]
    }

    pub fn lookup(&self, kind: Kind, id: &str) -> Option<RecId> {
        self.by_key.get(&kind)?.get(id).copied()
    }

    /// Records of one kind, in id order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = RecId> + '_ {
        self.records
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.kind == kind)
            .map(|(i, _)| i)
    }

    pub fn holder_outcomes(&self, h: RecId) -> &[RecId] {
        self.holder_outcomes.get(&h).map_or(&[], Vec::as_slice)
    }
    pub fn outcome_regions(&self, o: RecId) -> &[Application] {
        self.outcome_regions.get(&o).map_or(&[], Vec::as_slice)
    }
    pub fn outcome_cases(&self, o: RecId) -> &[RecId] {
        self.outcome_cases.get(&o).map_or(&[], Vec::as_slice)
    }
    pub fn region_cases(&self, r: RecId) -> &[RecId] {
        self.region_cases.get(&r).map_or(&[], Vec::as_slice)
    }
    pub fn related(&self, o: RecId) -> &[RecId] {
        self.related.get(&o).map_or(&[], Vec::as_slice)
    }
    pub fn taxonomies(&self) -> &[Taxonomy] {
        &self.taxonomies
    }

    /// Resolve a reference known to be valid (checked in `build`).
    pub fn resolve(&self, kind: Kind, r: &Ref) -> Option<RecId> {
        self.lookup(kind, &r.id)
    }

    pub fn count(&self, kind: Kind) -> usize {
        self.records.iter().filter(|r| r.kind == kind).count()
    }
}

/// Zone of a record with a province.
pub fn zone(r: &Record) -> Option<Zone> {
    r.province().and_then(vocab::zone_of)
}

/// Stable ASCII slug for a term: a short FNV-1a hash of its text.
pub fn hash_slug(s: &str) -> String {
    let mut h: u32 = 0x811c9dc5;
    for b in s.as_bytes() {
        h ^= *b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    format!("{h:08x}")
}

fn build_taxonomies(recs: &[Arc<Record>]) -> Vec<Taxonomy> {
    type Acc = BTreeMap<String, Vec<RecId>>;
    let mut stage = Acc::new();
    let mut subject = Acc::new();
    let mut theme = Acc::new();
    let mut province = Acc::new();
    let mut year = Acc::new();
    let mut level = Acc::new();
    let mut zone_acc: BTreeMap<Zone, Vec<RecId>> = BTreeMap::new();
    let add = |acc: &mut Acc, vals: &[String], i: RecId| {
        for v in vals {
            // (the name is copied only for a term not seen yet)
            match acc.get_mut(v.as_str()) {
                Some(list) => list.push(i),
                None => {
                    acc.insert(v.clone(), vec![i]);
                }
            }
        }
    };
    for (i, r) in recs.iter().enumerate() {
        match &r.data {
            Data::Outcome(o) => {
                add(&mut stage, &o.stages, i);
                add(&mut subject, &o.subjects, i);
                add(&mut theme, &o.themes, i);
                year.entry(o.award_year.to_string()).or_default().push(i);
                level.entry(o.award_level.clone()).or_default().push(i);
            }
            Data::Case(c) => {
                add(&mut stage, &c.stages, i);
                add(&mut subject, &c.subjects, i);
                add(&mut theme, &c.themes, i);
            }
            _ => {}
        }
        if matches!(r.kind, Kind::Outcome | Kind::Holder | Kind::Region) {
            if let Some(p) = r.province() {
                province.entry(p.to_string()).or_default().push(i);
            }
            if let Some(z) = zone(r) {
                zone_acc.entry(z).or_default().push(i);
            }
        }
    }
    let order_by = |acc: Acc, vocab: &[&str]| -> Vec<(String, Vec<RecId>)> {
        let mut v: Vec<(String, Vec<RecId>)> = acc.into_iter().collect();
        // By vocabulary position, then name: `acc` is already in name
        // order and the sort is stable.
        v.sort_by_cached_key(|(name, _)| {
            vocab.iter().position(|x| x == name).unwrap_or(usize::MAX)
        });
        v
    };
    let provinces: Vec<&str> = vocab::PROVINCES.iter().map(|p| p.0).collect();
    let mk = |key, label, terms: Vec<(String, Vec<RecId>)>, slug: &dyn Fn(&str) -> String| {
        let mut used = HashMap::new();
        let index = terms
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.clone(), i))
            .collect();
        Taxonomy {
            key,
            label,
            index,
            terms: terms
                .into_iter()
                .map(|(name, records)| {
                    let mut s = slug(&name);
                    let n = used.entry(s.clone()).or_insert(0);
                    *n += 1;
                    if *n > 1 {
                        s = format!("{s}-{n}");
                    }
                    Term {
                        name,
                        slug: s,
                        records,
                    }
                })
                .collect(),
        }
    };
    let province_slug = |name: &str| {
        vocab::PROVINCES
            .iter()
            .find(|p| p.0 == name)
            .map(|p| p.2.to_string())
            .unwrap_or_else(|| hash_slug(name))
    };
    let mut years: Vec<(String, Vec<RecId>)> = year.into_iter().collect();
    years.reverse();
    let zones: Vec<(String, Vec<RecId>)> = zone_acc
        .into_iter()
        .map(|(z, v)| (z.label().to_string(), v))
        .collect();
    let zone_slug = |name: &str| {
        Zone::ALL
            .iter()
            .find(|z| z.label() == name)
            .map(|z| z.slug().to_string())
            .unwrap_or_else(|| hash_slug(name))
    };
    let mut themes: Vec<(String, Vec<RecId>)> = theme.into_iter().collect();
    themes.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    vec![
        mk("stage", "学段", order_by(stage, vocab::STAGES), &hash_slug),
        mk(
            "subject",
            "学科",
            order_by(subject, vocab::SUBJECTS),
            &hash_slug,
        ),
        mk("theme", "主题", themes, &hash_slug),
        mk(
            "province",
            "省份",
            order_by(province, &provinces),
            &province_slug,
        ),
        mk("year", "获奖年度", years, &|s: &str| s.to_string()),
        mk(
            "level",
            "获奖等级",
            order_by(level, vocab::LEVELS),
            &hash_slug,
        ),
        mk("zone", "东中西部", zones, &zone_slug),
    ]
}

/// Up to five other outcomes sharing the most themes (weight 2) and
/// subjects (weight 1), ties by id.
/// The related outcomes of a build, with the key of what they were computed
/// from ([`related_key`]); kept between `serve` builds.
pub type RelatedMemo = Option<(crate::incr::Key, Arc<HashMap<RecId, Vec<RecId>>>)>;

/// The key of everything [`related_outcomes`] reads: the number of records
/// and each outcome's index, id, themes and subjects.
fn related_key(recs: &[Arc<Record>]) -> crate::incr::Key {
    let mut h = crate::incr::Hasher::new("related");
    h.num(recs.len() as u64);
    for (i, r) in recs.iter().enumerate() {
        if let Data::Outcome(o) = &r.data {
            h.num(i as u64).str(&r.id);
            h.num(o.themes.len() as u64);
            for t in &o.themes {
                h.str(t);
            }
            h.num(o.subjects.len() as u64);
            for s in &o.subjects {
                h.str(s);
            }
        }
    }
    h.finish()
}

fn related_outcomes(recs: &[Arc<Record>]) -> HashMap<RecId, Vec<RecId>> {
    let mut by_tag: HashMap<(u8, &str), Vec<RecId>> = HashMap::new();
    for (i, r) in recs.iter().enumerate() {
        if let Data::Outcome(o) = &r.data {
            for t in &o.themes {
                by_tag.entry((2, t)).or_default().push(i);
            }
            for s in &o.subjects {
                by_tag.entry((1, s)).or_default().push(i);
            }
        }
    }
    // Scores in a dense array per worker (the records touched are reset
    // after each outcome), outcomes in parallel.
    use rayon::prelude::*;
    let found: Vec<(RecId, Vec<RecId>)> = (0..recs.len())
        .into_par_iter()
        .map_init(
            || (vec![0u32; recs.len()], Vec::<RecId>::new()),
            |(score, touched), i| {
                let Data::Outcome(o) = &recs[i].data else {
                    return None;
                };
                let tags = o
                    .themes
                    .iter()
                    .map(|t| (2u8, t.as_str()))
                    .chain(o.subjects.iter().map(|s| (1u8, s.as_str())));
                for tag in tags {
                    let Some(list) = by_tag.get(&tag) else {
                        continue;
                    };
                    // Very common tags say little; cap the work on huge sites.
                    if list.len() > 2000 {
                        continue;
                    }
                    for &j in list {
                        if j != i {
                            if score[j] == 0 {
                                touched.push(j);
                            }
                            score[j] += tag.0 as u32;
                        }
                    }
                }
                let mut v: Vec<(RecId, u32)> = touched.iter().map(|&j| (j, score[j])).collect();
                for &j in touched.iter() {
                    score[j] = 0;
                }
                touched.clear();
                let order = |a: &(RecId, u32), b: &(RecId, u32)| {
                    b.1.cmp(&a.1).then(recs[a.0].id.cmp(&recs[b.0].id))
                };
                if v.len() > 5 {
                    v.select_nth_unstable_by(4, order);
                    v.truncate(5);
                }
                v.sort_by(order);
                (!v.is_empty()).then(|| (i, v.into_iter().map(|x| x.0).collect()))
            },
        )
        .flatten()
        .collect();
    found.into_iter().collect()
}
