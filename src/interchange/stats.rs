//! Counts for the portal's 统计 page: outcomes by 获奖年度 × 等级, by 学段,
//! by 省份 and by 东/中/西部; 成果应用方 and 典型案例 per province. Pure data;
//! the page and its SVG charts are drawn by [`crate::render`].

use std::collections::BTreeMap;

use crate::content::Kind;
use crate::graph::SiteGraph;
use crate::model::Data;
use crate::vocab::{self, Zone};

/// One chart and its data table: rows of labelled values, one per series.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// HTML id (ASCII).
    pub id: &'static str,
    pub title: String,
    /// Header of the label column of the data table.
    pub label_header: &'static str,
    pub series: Vec<String>,
    pub rows: Vec<(String, Vec<usize>)>,
    /// A remark shown under the chart (e.g. what is counted twice).
    pub note: Option<String>,
}

/// Totals shown above the charts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    pub outcomes: usize,
    pub holders: usize,
    pub regions: usize,
    pub demonstration: usize,
    pub cases: usize,
}

fn order_of(list: &[&str], v: &str) -> usize {
    list.iter().position(|x| *x == v).unwrap_or(usize::MAX)
}

/// The province of a case: that of its region, else of its first outcome.
fn case_province(g: &SiteGraph, c: &crate::model::Case) -> Option<String> {
    if let Some(r) = c.region.as_ref().and_then(|r| g.resolve(Kind::Region, r)) {
        return g.get(r).province().map(str::to_string);
    }
    c.outcomes
        .iter()
        .find_map(|o| g.resolve(Kind::Outcome, o))
        .and_then(|o| g.get(o).province().map(str::to_string))
}

pub fn totals(g: &SiteGraph) -> Totals {
    Totals {
        outcomes: g.count(Kind::Outcome),
        holders: g.count(Kind::Holder),
        regions: g.count(Kind::Region),
        demonstration: g
            .of_kind(Kind::Region)
            .filter(|&r| matches!(&g.get(r).data, Data::Region(x) if x.demonstration))
            .count(),
        cases: g.count(Kind::Case),
    }
}

pub fn charts(g: &SiteGraph) -> Vec<Chart> {
    let provinces: Vec<&str> = vocab::PROVINCES.iter().map(|p| p.0).collect();
    let mut by_year: BTreeMap<i64, BTreeMap<String, usize>> = BTreeMap::new();
    let mut levels: Vec<String> = vocab::LEVELS.iter().map(|s| s.to_string()).collect();
    let mut by_stage: BTreeMap<(usize, String), usize> = BTreeMap::new();
    let mut by_province: BTreeMap<(usize, String), usize> = BTreeMap::new();
    let mut by_zone: BTreeMap<Zone, usize> = BTreeMap::new();
    let mut other_zone = 0;
    for o in g.of_kind(Kind::Outcome) {
        let Data::Outcome(x) = &g.get(o).data else {
            continue;
        };
        if !levels.contains(&x.award_level) {
            levels.push(x.award_level.clone());
        }
        *by_year
            .entry(x.award_year)
            .or_default()
            .entry(x.award_level.clone())
            .or_default() += 1;
        for s in &x.stages {
            *by_stage
                .entry((order_of(vocab::STAGES, s), s.clone()))
                .or_default() += 1;
        }
        *by_province
            .entry((order_of(&provinces, &x.province), x.province.clone()))
            .or_default() += 1;
        match vocab::zone_of(&x.province) {
            Some(z) => *by_zone.entry(z).or_default() += 1,
            None => other_zone += 1,
        }
    }
    let mut charts = Vec::new();
    charts.push(Chart {
        id: "year-level",
        title: "成果数：按获奖年度与等级".into(),
        label_header: "获奖年度",
        rows: by_year
            .iter()
            .rev()
            .map(|(y, m)| {
                (
                    format!("{y}年"),
                    levels
                        .iter()
                        .map(|l| m.get(l).copied().unwrap_or(0))
                        .collect(),
                )
            })
            .collect(),
        series: levels,
        note: None,
    });
    charts.push(Chart {
        id: "stage",
        title: "成果数：按学段".into(),
        label_header: "学段",
        series: vec!["成果数".into()],
        rows: by_stage
            .into_iter()
            .map(|((_, s), n)| (s, vec![n]))
            .collect(),
        note: Some("一项成果涉及多个学段时，在每个学段各计一次。".into()),
    });
    charts.push(Chart {
        id: "province",
        title: "成果数：按省份".into(),
        label_header: "省份",
        series: vec!["成果数".into()],
        rows: by_province
            .into_iter()
            .map(|((_, p), n)| (p, vec![n]))
            .collect(),
        note: None,
    });
    let mut zone_rows: Vec<(String, Vec<usize>)> = [Zone::East, Zone::Central, Zone::West]
        .iter()
        .map(|z| {
            (
                z.label().to_string(),
                vec![by_zone.get(z).copied().unwrap_or(0)],
            )
        })
        .collect();
    if let Some(n) = by_zone.get(&Zone::Special) {
        zone_rows.push((Zone::Special.label().to_string(), vec![*n]));
    }
    if other_zone > 0 {
        zone_rows.push(("其他".into(), vec![other_zone]));
    }
    charts.push(Chart {
        id: "zone",
        title: "成果数：按东/中/西部".into(),
        label_header: "区域",
        series: vec!["成果数".into()],
        rows: zone_rows,
        note: Some("区域由成果所在省份确定；中西部 = 中部 + 西部。".into()),
    });
    // Regions and cases per province.
    let mut per: BTreeMap<(usize, String), [usize; 2]> = BTreeMap::new();
    for r in g.of_kind(Kind::Region) {
        if let Some(p) = g.get(r).province() {
            per.entry((order_of(&provinces, p), p.to_string()))
                .or_default()[0] += 1;
        }
    }
    let mut unplaced = 0;
    for c in g.of_kind(Kind::Case) {
        let Data::Case(x) = &g.get(c).data else {
            continue;
        };
        match case_province(g, x) {
            Some(p) => {
                per.entry((order_of(&provinces, &p), p)).or_default()[1] += 1;
            }
            None => unplaced += 1,
        }
    }
    charts.push(Chart {
        id: "regions-cases",
        title: "各省份的成果应用方与典型案例".into(),
        label_header: "省份",
        series: vec!["成果应用方".into(), "典型案例".into()],
        rows: per
            .into_iter()
            .map(|((_, p), v)| (p, v.to_vec()))
            .collect(),
        note: Some(if unplaced > 0 {
            format!("案例按其应用方（或所引成果）所在省份计；另有 {unplaced} 个案例未关联应用方或成果。")
        } else {
            "案例按其应用方（或所引成果）所在省份计。".into()
        }),
    });
    charts
}
