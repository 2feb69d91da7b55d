//! Hostile content: front matter and taxonomies whose processing must stay
//! linear in the size of the input (issue 10, point 6). Each check times an
//! input and the same input ten times larger and requires the larger to
//! take at most twenty times as long (best of five runs each; never an
//! absolute timing). The locations the parser reports are asserted too, so
//! a faster parser cannot trade away exact positions.

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use chengguo::content::frontmatter::{self, FrontMatterError, Value};
use chengguo::diag::Pos;

/// The timing tests run one at a time (each holds this lock).
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Best of five runs of `f` (other work on the machine only slows runs down).
fn best_of_5(mut f: impl FnMut()) -> Duration {
    (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

/// `big` (ten times the input of `small`) takes at most 20× as long. A
/// floor of 2 ms on the small run keeps timer noise out of the ratio.
fn assert_linear(what: &str, small: Duration, big: Duration) {
    let floor = small.max(Duration::from_millis(2));
    assert!(
        big <= floor * 20,
        "{what}: 10× the input took {:.1}× the time ({small:?} → {big:?})",
        big.as_secs_f64() / small.as_secs_f64()
    );
}

fn block_list(n: usize) -> String {
    let mut s = String::from("---\ntitle: 列表\nthemes:\n");
    for i in 0..n {
        s.push_str(&format!("  - 主题{i} # 注释 themes: x\n"));
    }
    s.push_str("---\n正文\n");
    s
}

#[test]
fn block_list_items_are_located_in_linear_time() {
    let _serial = serial();
    let (small, big) = (block_list(20_000), block_list(200_000));
    let parsed = frontmatter::parse(&big).unwrap();
    let Value::List(items) = &parsed.fields[1].1.value else {
        panic!("themes is a list")
    };
    assert_eq!(items.len(), 200_000);
    // Exact positions, last item included (line 3 is `themes:`).
    assert_eq!(items[0].pos, Pos::new(4, 5));
    assert_eq!(items[199_999].pos, Pos::new(200_003, 5));
    let ts = best_of_5(|| drop(frontmatter::parse(&small).unwrap()));
    let tb = best_of_5(|| drop(frontmatter::parse(&big).unwrap()));
    assert_linear("20k → 200k block list items", ts, tb);
}

fn flow_list(n: usize, item: &str) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| item.replace("{i}", &i.to_string()))
        .collect();
    format!("---\ntitle: 列表\nthemes: [{}]\n---\n", items.join(", "))
}

#[test]
fn one_line_flow_lists_are_located_in_linear_time() {
    let _serial = serial();
    let (small, big) = (flow_list(20_000, "项{i}"), flow_list(200_000, "项{i}"));
    let parsed = frontmatter::parse(&big).unwrap();
    let Value::List(items) = &parsed.fields[1].1.value else {
        panic!("themes is a list")
    };
    assert_eq!(items[0].pos, Pos::new(3, 10));
    // "项0, " is 4 characters, "项1, " … "项9, " too, then 5, 6, …
    let col = 10
        + (0..199_999)
            .map(|i: usize| i.to_string().len() + 3)
            .sum::<usize>();
    assert_eq!(items[199_999].pos, Pos::new(3, col));
    let ts = best_of_5(|| drop(frontmatter::parse(&small).unwrap()));
    let tb = best_of_5(|| drop(frontmatter::parse(&big).unwrap()));
    assert_linear("20k → 200k flow list items", ts, tb);
}

#[test]
fn values_whose_text_differs_from_their_source_stay_linear() {
    let _serial = serial();
    // Escapes: the parsed text "A" never appears in the file, so every
    // search for it misses.
    let (small, big) = (
        flow_list(20_000, "\"\\u0041\""),
        flow_list(200_000, "\"\\u0041\""),
    );
    let parsed = frontmatter::parse(&small).unwrap();
    assert_eq!(
        parsed.fields[1].1.pos,
        Pos::new(3, 1),
        "falls back to its key"
    );
    let ts = best_of_5(|| drop(frontmatter::parse(&small).unwrap()));
    let tb = best_of_5(|| drop(frontmatter::parse(&big).unwrap()));
    assert_linear("20k → 200k escaped strings", ts, tb);
}

fn nested(n: usize, open: &str) -> String {
    format!("---\ntitle: {}\n---\n", open.repeat(n))
}

#[test]
fn deep_bracket_nesting_is_refused_at_once() {
    let _serial = serial();
    for open in ["[", "{a: "] {
        let (small, big) = (nested(10_000, open), nested(100_000, open));
        match frontmatter::parse(&big) {
            Err(FrontMatterError::Yaml { message, pos }) => {
                assert!(message.contains("嵌套超过 100 层"), "{message}");
                assert_eq!(pos, Pos::new(2, 8 + 100 * open.chars().count()));
            }
            other => panic!("{other:?}"),
        }
        let ts = best_of_5(|| drop(frontmatter::parse(&small)));
        let tb = best_of_5(|| drop(frontmatter::parse(&big)));
        assert_linear(&format!("10k → 100k nested {open}"), ts, tb);
    }
}

#[test]
fn deep_block_nesting_stays_linear() {
    let _serial = serial();
    let doc = |n: usize| format!("---\ntitle:\n{}x\n---\n", "- ".repeat(n));
    let (small, big) = (doc(10_000), doc(100_000));
    match frontmatter::parse(&big) {
        Err(FrontMatterError::Yaml { message, pos }) => {
            assert!(message.contains("嵌套超过 100 层"), "{message}");
            assert_eq!(pos, Pos::new(3, 201));
        }
        other => panic!("{other:?}"),
    }
    // 100 levels are still read (serde_yaml's own limit is 128).
    assert!(frontmatter::parse(&doc(100)).is_ok());
    let ts = best_of_5(|| drop(frontmatter::parse(&small)));
    let tb = best_of_5(|| drop(frontmatter::parse(&big)));
    assert_linear("10k → 100k nested block sequences", ts, tb);
}

/// A site with `records` outcomes of 2,000 distinct themes each (one
/// record of 20,000 would exceed the 附件1 spreadsheet's cell limit, a
/// separate matter): taxonomy pages and theme links over 2,000 × `records`
/// terms.
fn themes_site(dir: &Path, records: usize) {
    let w = |rel: &str, text: &str| {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    };
    w("site.yaml", "title: 主题\n");
    w(
        "content/holders/danwei.md",
        "---\ntitle: 单位\nprovince: 四川省\n---\n",
    );
    for r in 0..records {
        let themes: Vec<String> = (0..2_000).map(|i| format!("主题{r}-{i}")).collect();
        w(
            &format!("content/outcomes/chengguo-{r}.md"),
            &format!(
                "---\ntitle: 成果{r}\naward: {{year: 2022, level: 一等奖}}\nholder: danwei\nprovince: 四川省\nstages: [小学]\nthemes: [{}]\n---\n正文\n",
                themes.join(", ")
            ),
        );
    }
}

#[test]
fn many_distinct_themes_check_in_linear_time() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let (small, big) = (tmp.path().join("small"), tmp.path().join("big"));
    themes_site(&small, 1);
    themes_site(&big, 10);
    let check = |site: &Path| {
        let r = common::check(tmp.path(), site);
        assert_eq!(r.code, 0, "{}", r.dump());
    };
    let ts = best_of_5(|| check(&small));
    let tb = best_of_5(|| check(&big));
    assert_linear("2k → 20k distinct themes (check)", ts, tb);
}
