//! Query semantics of the search stage against a real tantivy index:
//! exact "contains" matching (recall and R-precision 100% against brute
//! force), ranking tiers, filters, freshness, export determinism.

mod search_common;

use std::collections::BTreeSet;

use chengguo::search::{
    build_index, export_static, is_fresh, query, Engine, SearchDoc, SearchError,
};
use search_common::*;

fn doc(id: &str, kind: &str, title: &str, summary: &str, body: &str, extra: &[&str]) -> SearchDoc {
    SearchDoc {
        id: id.into(),
        kind: kind.into(),
        kind_label: "成果".into(),
        title: title.into(),
        url: format!("{kind}/{id}.html"),
        summary: summary.into(),
        body: body.into(),
        extra: extra.iter().map(|s| s.to_string()).collect(),
        facets: vec![("stage".into(), vec!["小学".into()])],
    }
}

fn small_site() -> Vec<SearchDoc> {
    vec![
        doc("a", "cases", "北京十一学校的课程", "", "正文", &[]),
        doc(
            "b",
            "cases",
            "普通高中",
            "",
            "这里提到作业设计质量",
            &["北京十一学校"],
        ),
        doc(
            "c",
            "holders",
            "作业设计研究",
            "立德树人",
            "如何提高课堂质量",
            &[],
        ),
        doc(
            "d",
            "outcomes",
            "其他",
            "ＳＴＥＡＭ教育与AI",
            "阿拉伯半岛",
            &["作业", "设计"],
        ),
        doc("e", "outcomes", "教学", "作业 设计", "哈哈哈哈", &[]),
    ]
}

fn ids(h: &[chengguo::search::Hit]) -> Vec<&str> {
    h.iter().map(|h| h.id.as_str()).collect()
}

#[test]
fn semantics_on_a_small_site() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cache");
    let docs = small_site();
    assert!(!is_fresh(&docs, &dir));
    let s = build_index(&docs, &dir).unwrap();
    assert_eq!(s.docs, 5);
    assert!(is_fresh(&docs, &dir));
    let e = Engine::open(&dir).unwrap();
    let exact = |q: &str| -> Vec<String> {
        e.query(q, None, 100)
            .unwrap()
            .into_iter()
            .filter(|h| h.exact)
            .map(|h| h.id)
            .collect()
    };

    // crosses jieba word boundaries (北京/十一/学校)
    assert_eq!(exact("一学校"), vec!["a", "b"]);
    // title match ranks above a match in another field
    assert_eq!(exact("十一学校")[0], "a");
    // several chunks: all must match, in any fields
    let both: BTreeSet<String> = exact("作业 设计").into_iter().collect();
    assert_eq!(
        both,
        ["b", "c", "d", "e"].iter().map(|s| s.to_string()).collect()
    );
    // contiguous only: "作业设计" is not in e (space) nor d (separate extra strings)
    let contiguous: BTreeSet<String> = exact("作业设计").into_iter().collect();
    assert_eq!(
        contiguous,
        ["b", "c"].iter().map(|s| s.to_string()).collect()
    );
    assert_eq!(exact("作业设计")[0], "c", "title match first");
    // width and case folding, both ways
    assert_eq!(exact("steam"), vec!["d"]);
    assert_eq!(exact("ＳＴＥ"), vec!["d"]);
    assert_eq!(exact("ai"), vec!["d"]);
    // single character
    let de: BTreeSet<String> = exact("德").into_iter().collect();
    assert_eq!(de, ["c"].iter().map(|s| s.to_string()).collect());
    // overlapping repeats
    assert_eq!(exact("哈哈哈"), vec!["e"]);
    assert!(exact("哈哈哈哈哈").is_empty());
    // overlapping jieba tokens are no problem
    assert_eq!(exact("拉伯半"), vec!["d"]);
    // nothing / whitespace only / punctuation only
    assert!(exact("不存在").is_empty());
    assert!(e.query("   ", None, 10).unwrap().is_empty());
    assert!(e.query("作业", None, 0).unwrap().is_empty());

    // kind filter applies before the limit
    let kh = e.query("作业", Some("outcomes"), 10).unwrap();
    let k: BTreeSet<&str> = ids(&kh).into_iter().collect();
    assert!(
        k.contains("d") && !k.contains("b") && !k.contains("c"),
        "{k:?}"
    );
    for h in e.query("作业", Some("outcomes"), 10).unwrap() {
        assert_eq!(h.kind, "outcomes");
    }
    assert!(e.query("作业", Some("nope"), 10).unwrap().is_empty());

    // partial fallback: a long question finds records with its words, flagged
    let hits = e.query("如何提高作业设计质量", None, 10).unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| !h.exact));
    assert!(ids(&hits).contains(&"c"));
    // exact results come first, partial ones only fill up to the limit
    let hits = e.query("作业设计", None, 10).unwrap();
    let first_partial = hits.iter().position(|h| !h.exact).unwrap_or(hits.len());
    assert!(hits[first_partial..].iter().all(|h| !h.exact));
    assert_eq!(first_partial, 2);
    assert_eq!(e.query("作业设计", None, 1).unwrap().len(), 1);
}

#[test]
fn freshness_and_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cache");
    let mut docs = small_site();
    let first = build_index(&docs, &dir).unwrap();
    assert!(is_fresh(&docs, &dir));
    // unchanged records: the index is kept and described the same way
    let again = build_index(&docs, &dir).unwrap();
    assert_eq!(first, again);
    docs[0].body = format!("{}改", docs[0].body).into();
    assert!(!is_fresh(&docs, &dir));
    build_index(&docs, &dir).unwrap();
    assert!(is_fresh(&docs, &dir));
    assert_eq!(query(&dir, "改", None, 10).unwrap()[0].id, "a");
    // empty site
    build_index(&[], &dir).unwrap();
    assert!(query(&dir, "作业", None, 10).unwrap().is_empty());
    let out = tmp.path().join("public/search");
    let ex = export_static(&dir, &out).unwrap();
    assert_eq!(ex.docs, 0);
}

#[test]
fn missing_index_is_a_chinese_error() {
    let tmp = tempfile::tempdir().unwrap();
    let err = query(tmp.path(), "作业", None, 10).unwrap_err();
    assert!(matches!(err, SearchError::Missing(_)));
    assert!(err.to_string().contains("搜索索引不存在"), "{err}");
    let err = export_static(tmp.path(), &tmp.path().join("out")).unwrap_err();
    assert!(err.to_string().contains("请先运行"), "{err}");
}

#[test]
fn export_is_byte_deterministic_and_small_in_files() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = corpus(300, 60, 7);
    let d1 = tmp.path().join("c1");
    let d2 = tmp.path().join("c2");
    build_index(&docs, &d1).unwrap();
    build_index(&docs, &d2).unwrap();
    let o1 = tmp.path().join("o1");
    let o2 = tmp.path().join("o2");
    let e1 = export_static(&d1, &o1).unwrap();
    let e2 = export_static(&d2, &o2).unwrap();
    assert_eq!(e1, e2);
    assert!(e1.files <= 2000);
    let mut names: Vec<_> = std::fs::read_dir(&o1)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), e1.files);
    for n in names {
        let a = std::fs::read(o1.join(&n)).unwrap();
        let b = std::fs::read(o2.join(&n)).unwrap();
        assert!(a == b, "{n:?} differs");
    }
    // re-export over an existing folder replaces it
    let e3 = export_static(&d1, &o1).unwrap();
    assert_eq!(e1, e3);
}

/// Recall and R-precision against brute force on random substrings.
#[test]
fn exact_matches_equal_brute_force() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cache");
    let docs = corpus(400, 80, 42);
    build_index(&docs, &dir).unwrap();
    let e = Engine::open(&dir).unwrap();
    let nf: Vec<Vec<String>> = docs.iter().map(fields).collect();
    let mut qs = queries(&docs, 1500, 99);
    qs.extend(WORDS.iter().map(|w| w.to_string()));
    let mut checked = 0;
    for q in &qs {
        let truth: BTreeSet<String> = ground_truth(&docs, &nf, q).into_iter().collect();
        let hits = e.query(q, None, truth.len().max(1)).unwrap();
        // R-precision: the first |truth| results are exactly the truth
        let top: BTreeSet<String> = hits
            .iter()
            .take(truth.len())
            .map(|h| h.id.clone())
            .collect();
        assert_eq!(top, truth, "query {q:?}");
        assert!(
            hits.iter().take(truth.len()).all(|h| h.exact),
            "query {q:?}"
        );
        // nothing beyond the truth is flagged exact
        let all = e.query(q, None, docs.len()).unwrap();
        let exact: BTreeSet<String> = all
            .iter()
            .filter(|h| h.exact)
            .map(|h| h.id.clone())
            .collect();
        assert_eq!(exact, truth, "query {q:?}");
        checked += 1;
    }
    assert!(checked >= 1500);
}

#[test]
fn hostile_queries_never_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cache");
    let docs = corpus(60, 40, 3);
    build_index(&docs, &dir).unwrap();
    let e = Engine::open(&dir).unwrap();
    let long = "作业设计".repeat(3000);
    let mixed: String = (0..2000u32)
        .filter_map(|i| char::from_u32(i * 37 % 0x30000))
        .collect();
    for q in [
        long.as_str(),
        mixed.as_str(),
        "\u{0}\u{1}\u{7f}",
        "😀😀😀 ﷽ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "İ ß Σ ﬁ ㈱ ① ＡＢＣ",
        "\u{3000}\u{FEFF}\u{200B}",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z",
        "\"'<>&;--",
    ] {
        let hits = e.query(q, None, 20).unwrap();
        assert!(hits.len() <= 20);
        let _ = e.query(q, Some("cases"), 1).unwrap();
        let _ = chengguo::search::snippet(q, q, 30);
    }
}
