//! Search benchmark on a built site (ignored by default; run on the
//! national-scale synthetic corpus):
//!
//! ```text
//! chengguo-corpus /tmp/nat --scale national && chengguo build /tmp/nat
//! node tests/js/make-queries.js /tmp/nat 240 > /tmp/q.txt
//! CHENGGUO_BENCH_SITE=/tmp/nat CHENGGUO_BENCH_QUERIES=/tmp/q.txt \
//!   cargo test --release --test search_bench -- --ignored --nocapture
//! ```
//!
//! For every query: ground truth by brute force over the records' searchable
//! text, the CLI engine (tantivy) and the browser runtime under node against
//! `public/search/`. Prints recall and R-precision of both, and asserts that
//! both are 100% and that the exact sets agree (parity).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use chengguo::search::{analyzer, cache_dir, Engine};

#[test]
#[ignore = "benchmark: needs a built site, see the module docs"]
fn national_recall_precision_and_parity() {
    let site = PathBuf::from(std::env::var("CHENGGUO_BENCH_SITE").expect("CHENGGUO_BENCH_SITE"));
    let qfile =
        PathBuf::from(std::env::var("CHENGGUO_BENCH_QUERIES").expect("CHENGGUO_BENCH_QUERIES"));
    let (docs, _) = chengguo::build::search_docs(&site).expect("site");
    let cache = cache_dir(&site);
    assert!(
        chengguo::search::is_fresh(&docs, &cache),
        "build the site first"
    );
    let queries: Vec<String> = std::fs::read_to_string(&qfile)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let norm: Vec<Vec<String>> = docs
        .iter()
        .map(|d| {
            let mut v = vec![
                analyzer::normalize(&d.title),
                analyzer::normalize(&d.summary),
                analyzer::normalize(&d.body),
            ];
            v.extend(d.extra.iter().map(|e| analyzer::normalize(e)));
            v
        })
        .collect();

    let node = std::env::var("NODE").unwrap_or_else(|_| "node".into());
    let out = Command::new(node)
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/js/parity.js"))
        .arg(site.join("public/search"))
        .arg(&qfile)
        .output()
        .expect("node is required");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(js.len(), queries.len());

    let e = Engine::open(&cache).unwrap();
    let (mut n, mut cli_ok_recall, mut cli_ok_rprec, mut js_ok, mut parity) = (0, 0, 0, 0, 0);
    let mut cli_ms = Vec::new();
    for (q, j) in queries.iter().zip(&js) {
        let chunks = analyzer::query_chunks(q);
        if chunks.is_empty() || chunks.iter().all(|c| c.chars().count() < 2) {
            continue;
        }
        n += 1;
        let truth: BTreeSet<String> = docs
            .iter()
            .zip(&norm)
            .filter(|(_, f)| {
                chunks
                    .iter()
                    .all(|c| f.iter().any(|v| v.contains(c.as_str())))
            })
            .map(|(d, _)| d.id.clone())
            .collect();
        let t = std::time::Instant::now();
        let hits = e.query(q, None, truth.len().max(10)).unwrap();
        cli_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let returned: BTreeSet<String> = hits
            .iter()
            .filter(|h| h.exact)
            .map(|h| h.id.clone())
            .collect();
        if truth.is_subset(&returned) {
            cli_ok_recall += 1;
        }
        let top: BTreeSet<String> = hits
            .iter()
            .take(truth.len())
            .map(|h| h.id.clone())
            .collect();
        if top == truth {
            cli_ok_rprec += 1;
        }
        let js_exact: BTreeSet<String> = j["exact"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        if js_exact == truth {
            js_ok += 1;
        }
        if js_exact == returned {
            parity += 1;
        }
    }
    cli_ms.sort_by(|a, b| a.total_cmp(b));
    println!("queries (2+ chars): {n}");
    println!("CLI: recall 100% on {cli_ok_recall}/{n}, R-precision 100% on {cli_ok_rprec}/{n}; median {:.1} ms", cli_ms[cli_ms.len() / 2]);
    println!("browser runtime (node): exact set == ground truth on {js_ok}/{n}");
    println!("parity (same exact set): {parity}/{n}");
    assert_eq!(cli_ok_recall, n);
    assert_eq!(cli_ok_rprec, n);
    assert_eq!(js_ok, n);
    assert_eq!(parity, n);
}
