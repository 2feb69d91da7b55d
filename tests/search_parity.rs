//! Parity of the browser runtime with `chengguo search`: the static export
//! of a synthetic index is searched by `themes/default/static/search.js`
//! under node (tests/js/parity.js) and by the tantivy engine; exact sets,
//! partial sets and snippets must agree, and both must equal brute force.
//!
//! node is required: when it is missing this test FAILS (CI installs it).

mod search_common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use chengguo::search::highlight::{self, highlight};
use chengguo::search::{analyzer, build_index, export_static, snippet, Engine};
use search_common::*;

fn node() -> String {
    let node = std::env::var("NODE").unwrap_or_else(|_| "node".into());
    match Command::new(&node).arg("--version").output() {
        Ok(o) if o.status.success() => node,
        _ => panic!(
            "node is required for the search parity test but `{node} --version` failed; \
             install Node.js (>= 18) or set NODE=/path/to/node"
        ),
    }
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run_node(args: &[&std::ffi::OsStr]) -> String {
    let script = repo().join("tests/js/parity.js");
    let runtime = repo().join("themes/default/static/search.js");
    let out = Command::new(node())
        .arg(&script)
        .args(args)
        .arg("--runtime")
        .arg(&runtime)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "node parity.js failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// A synthetic corpus indexed into `cache/` and exported to
/// `public/search/` of a fresh temporary folder.
fn exported(
    n: usize,
    body_words: usize,
    seed: u64,
) -> (
    tempfile::TempDir,
    Vec<chengguo::search::SearchDoc>,
    chengguo::search::ExportSummary,
) {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let docs = corpus(n, body_words, seed);
    build_index(&docs, &cache).unwrap();
    let ex = export_static(&cache, &tmp.path().join("public/search")).unwrap();
    (tmp, docs, ex)
}

#[test]
fn runtime_agrees_with_cli_and_brute_force() {
    let (tmp, docs, ex) = exported(500, 80, 2024);
    let (cache, out) = (tmp.path().join("cache"), tmp.path().join("public/search"));
    assert!(ex.files <= 2000);
    // the precomputed phrase postings are exercised (作业设计 and the like)
    assert!(out.join("x-0.js").is_file(), "no phrase postings written");

    let mut qs = queries(&docs, 600, 5);
    qs.extend(
        WORDS
            .iter()
            .map(|w| w.trim().to_string())
            .filter(|w| !w.is_empty()),
    );
    qs.extend(
        [
            "如何提高作业设计质量",
            "北京 课程德育 不存在词",
            "ＡＩ 2024",
            "Ste",
            "阿拉伯半岛 十一",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    // hostile input: must not throw in the runtime nor panic in the engine
    qs.push("作业设计".repeat(300));
    qs.push(
        (1..3000u32)
            .filter_map(|i| char::from_u32(i * 37 % 0x30000))
            .filter(|c| !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
            .collect(),
    );
    qs.push("😀😀 ﷽ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 İ ß Σ ﬁ ㈱ ① ＡＢＣ \"'<>&".to_string());
    qs.retain(|q| !q.contains('\n') && !q.contains('\r'));
    let qfile = tmp.path().join("queries.txt");
    std::fs::write(&qfile, qs.join("\n")).unwrap();

    let stdout = run_node(&[out.as_os_str(), qfile.as_os_str()]);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), qs.len());

    let e = Engine::open(&cache).unwrap();
    let nf: Vec<Vec<String>> = docs.iter().map(fields).collect();
    let mut order_same = 0;
    let mut long_titles = 0;
    for (q, js) in qs.iter().zip(&lines) {
        assert_eq!(js["q"].as_str().unwrap(), q);
        let js_exact: Vec<String> = js["exact"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let js_partial: BTreeSet<String> = js["partial"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let hits = e.query(q, None, 1_000_000).unwrap();
        let cli_exact: Vec<String> = hits
            .iter()
            .filter(|h| h.exact)
            .map(|h| h.id.clone())
            .collect();
        let cli_partial: BTreeSet<String> = hits
            .iter()
            .filter(|h| !h.exact)
            .map(|h| h.id.clone())
            .collect();
        let truth: BTreeSet<String> = ground_truth(&docs, &nf, q).into_iter().collect();
        let js_set: BTreeSet<String> = js_exact.iter().cloned().collect();
        let cli_set: BTreeSet<String> = cli_exact.iter().cloned().collect();
        assert_eq!(cli_set, truth, "CLI exact set, query {q:?}");
        assert_eq!(js_set, truth, "browser exact set, query {q:?}");
        assert_eq!(js_partial, cli_partial, "partial sets, query {q:?}");
        if js_exact == cli_exact {
            order_same += 1;
        }
        // titles are shown whole, every match marked (as the CLI prints them)
        let words: Vec<String> = js["words"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let chunks = analyzer::query_chunks(q).join(" ");
        for row in js["rows"].as_array().unwrap() {
            let id = row[0].as_str().unwrap();
            let d = docs.iter().find(|d| d.id == id).unwrap();
            let hl = if truth.contains(id) {
                chunks.clone()
            } else {
                words.join(" ")
            };
            let want = highlight(&d.title, &hl);
            assert_eq!(row[1].as_str().unwrap(), want, "title of {id}, query {q:?}");
            // a match more than 16 characters in (the snippet window cut those)
            let first = highlight::match_ranges(&d.title, &hl).first().map(|r| r.0);
            long_titles += usize::from(first.is_some_and(|s| s > 16));
        }
    }
    assert!(
        long_titles > 0,
        "no title with a match after its start was checked"
    );
    // Precomputed first pages show what the general path shows: the same
    // number of matches, kind and facet counts, and the same rows (the order
    // may differ only on ties of floating-point rounding, as above).
    let mut answers = 0;
    let mut answers_same = 0;
    for (q, js) in qs.iter().zip(&lines) {
        let (Some(a), Some(g)) = (js.get("answer"), js.get("general")) else {
            continue;
        };
        answers += 1;
        assert_eq!(a["n"], g["n"], "answer count, query {q:?}");
        assert_eq!(a["k"], g["k"], "answer kind counts, query {q:?}");
        assert_eq!(a["f"], g["f"], "answer facet counts, query {q:?}");
        let (ar, gr) = (a["r"].as_array().unwrap(), g["r"].as_array().unwrap());
        assert_eq!(ar.len(), gr.len(), "answer rows, query {q:?}");
        for row in ar {
            if let Some(same) = gr.iter().find(|r| r[0] == row[0]) {
                assert_eq!(row, same, "answer row, query {q:?}");
            }
        }
        answers_same += usize::from(ar == gr);
    }
    // facet counts from the store rows (a query whose exact results fit on
    // one page) equal those from facets.js
    let mut row_facets = 0;
    for (q, js) in qs.iter().zip(&lines) {
        if let Some(rf) = js.get("rowFacets").and_then(|v| v.as_array()) {
            assert_eq!(rf[0], rf[1], "facet counts from rows, query {q:?}");
            row_facets += 1;
        }
    }
    assert!(
        row_facets >= 20,
        "only {row_facets} queries counted facets from rows"
    );
    eprintln!("precomputed pages: {answers_same} of {answers} equal the general path; {row_facets} row-facet counts checked");
    assert!(
        answers >= 5,
        "only {answers} queries had a precomputed page"
    );
    assert!(
        answers_same * 100 >= answers * 95,
        "answer pages equal the general path for only {answers_same} of {answers} queries"
    );
    // Scores are computed in f32 on both sides; the order may only differ on
    // exact ties of floating-point rounding.
    assert!(
        order_same * 100 >= qs.len() * 98,
        "rank order agrees for only {order_same} of {} queries",
        qs.len()
    );
}

#[test]
fn runtime_snippets_equal_rust_highlighter() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cases: Vec<(String, String, i64)> = vec![
        ("坚持立德树人根本任务".into(), "立德树人".into(), 40),
        ("哈哈哈哈".into(), "哈哈".into(), 10),
        ("阿拉伯半岛".into(), "阿拉伯 半岛".into(), 10),
        ("学习ＳＴＥＡＭ课程".into(), "steam".into(), 20),
        ("a㈱b<i>&'\"".into(), "株".into(), 20),
        ("İstanbul ΣΑΣ ß ﬁ ①".into(), "i̇s σας fi 1".into(), 30),
        // titles: whole, never cut (maxChars < 0 → `highlight`)
        (
            "关于推进县域内城乡学校共同体建设促进义务教育阶段优质均衡发展的研究".into(),
            "义务教育阶段".into(),
            -1,
        ),
    ];
    let mut r = Rng(77);
    let pool: Vec<char> = "立德树人阿拉伯半岛 \nＡaA①㈱<&😀e\u{301}İßﬁ\u{3000}〔Σ"
        .chars()
        .collect();
    for i in 0..2000 {
        let n = r.below(50);
        let text: String = (0..n).map(|_| pool[r.below(pool.len())]).collect();
        let q: String = if i % 2 == 0 && n > 0 {
            let cs: Vec<char> = text.chars().collect();
            let a = r.below(cs.len());
            let b = a + 1 + r.below(cs.len() - a);
            cs[a..b].iter().collect()
        } else {
            (0..r.below(5)).map(|_| pool[r.below(pool.len())]).collect()
        };
        let max = if i % 5 == 0 { -1 } else { r.below(40) as i64 };
        cases.push((text, q, max));
    }
    // a record's extra strings (the values of a space-cut text)
    let values: Vec<(Vec<String>, String, i64)> = cases
        .iter()
        .filter(|c| c.2 >= 0)
        .take(600)
        .map(|(t, q, m)| (t.split(' ').map(str::to_string).collect(), q.clone(), *m))
        .chain([(
            vec!["初中".to_string(), "学校管理".into(), "劳动教育".into()],
            "学校管理".to_string(),
            90,
        )])
        .collect();
    let file = tmp.path().join("snippets.jsonl");
    let body: Vec<String> = cases
        .iter()
        .map(|(t, q, m)| serde_json::to_string(&(t, q, m)).unwrap())
        .chain(values.iter().map(|v| serde_json::to_string(v).unwrap()))
        .collect();
    std::fs::write(&file, body.join("\n")).unwrap();
    let dummy = tmp.path().join("none");
    let stdout = run_node(&[
        dummy.as_os_str(),
        "-".as_ref(),
        "--snippets".as_ref(),
        file.as_os_str(),
    ]);
    let got: Vec<String> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), cases.len() + values.len());
    for ((vs, q, m), js) in values.iter().zip(&got[cases.len()..]) {
        assert_eq!(
            js,
            &highlight::snippet_of_values(vs, q, *m as usize),
            "values {vs:?} query {q:?} max {m}"
        );
    }
    assert_eq!(
        got.last().map(String::as_str),
        Some("初中、<mark>学校管理</mark>、劳动教育")
    );
    for ((t, q, m), js) in cases.iter().zip(got) {
        let want = if *m < 0 {
            highlight(t, q)
        } else {
            snippet(t, q, *m as usize)
        };
        assert_eq!(js, want, "text {t:?} query {q:?} max {m}");
    }
}

/// The runtime computes tantivy's fieldnorm id → length table (docs.js no
/// longer carries it): all 256 ids equal tantivy's.
#[test]
fn runtime_fieldnorm_table_is_tantivys() {
    let tmp = tempfile::tempdir().unwrap();
    let dummy = tmp.path().join("none");
    let out = run_node(&[dummy.as_os_str(), "-".as_ref(), "--fieldnorms".as_ref()]);
    let js: Vec<u32> = serde_json::from_str(out.trim()).unwrap();
    let want: Vec<u32> = (0..=255u8)
        .map(tantivy::fieldnorm::FieldNormReader::id_to_fieldnorm)
        .collect();
    assert_eq!(js, want);
}

/// A damaged index (postings cut short, their first characters
/// overwritten, or a record count far beyond the data) makes the runtime reject a query with its Chinese message
/// or answer it; it never throws anything else, loops or hangs.
#[test]
fn damaged_postings_are_rejected_never_looped_on() {
    let (tmp, docs, _) = exported(200, 40, 7);
    let out = tmp.path().join("public/search");
    let mut damaged = 0;
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !(name.starts_with("t-") || name.starts_with("tb-") || name.starts_with("x-")) {
            continue;
        }
        let s = std::fs::read_to_string(&p).unwrap();
        let (a, b) = (s.find('{').unwrap(), s.rfind('}').unwrap());
        let mut m: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&s[a..=b]).unwrap();
        for (i, v) in m.values_mut().enumerate() {
            let t = v.as_str().unwrap().to_string();
            *v = serde_json::Value::from(match i % 3 {
                0 => t[..t.len() / 3].to_string(),
                1 => format!("~~~~~~~~{}", &t[t.len().min(8)..]),
                // a record count of 2^31 - 2 (Elias gamma: 30 zero bits, a
                // one, 30 ones), then five valid Rice parameters of 0 and
                // nothing more (the runtime's count check and its mask
                // reader both stop at the end of the data)
                // (basE91, docs/search-format.md 3.6, of the bytes
                // 00 00 00 C0 FF FF FF FF 03)
                _ => "!!!!}}#~!P!".to_string(),
            });
            damaged += 1;
        }
        let body = serde_json::to_string(&m).unwrap();
        std::fs::write(&p, format!("{}{}{}", &s[..a], body, &s[b + 1..])).unwrap();
    }
    assert!(damaged > 100, "{damaged} postings damaged");
    // queries: pieces of titles (1, 2, 3 and 5 characters)
    let mut queries = BTreeSet::new();
    for d in docs.iter().take(60) {
        let c: Vec<char> = d.title.chars().filter(|c| !c.is_whitespace()).collect();
        for n in [1, 2, 3, 5] {
            if c.len() >= n {
                queries.insert(c[..n].iter().collect::<String>());
            }
        }
    }
    let qfile = tmp.path().join("queries.txt");
    std::fs::write(
        &qfile,
        queries.iter().cloned().collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let script = repo().join("tests/js/parity.js");
    let mut child = Command::new(node())
        .arg(&script)
        .arg(&out)
        .arg(&qfile)
        .arg("--errors")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // a hang guard, not a timing: the run takes well under a second
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the runtime did not finish on a damaged index");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), queries.len());
    let mut rejected = 0;
    for l in &lines {
        match l["error"].as_str() {
            None => {}
            Some("搜索索引文件内容无效") => rejected += 1,
            Some(e) => panic!("query {}: unexpected error {e}", l["q"]),
        }
    }
    assert!(
        rejected > lines.len() / 4,
        "{rejected} of {} rejected",
        lines.len()
    );
}
