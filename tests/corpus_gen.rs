//! The synthetic corpus generator (`src/bin/chengguo-corpus.rs`) is deterministic
//! and writes the expected records.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

fn generate(dir: &Path, extra: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_chengguo-corpus"))
        .arg(dir)
        .args(["--scale", "small", "--quiet", "--force"])
        .args(extra)
        .status()
        .expect("run chengguo-corpus");
    assert!(status.success(), "chengguo-corpus failed: {status}");
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("corpus_gen-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn small_corpus_is_deterministic_and_complete() {
    let a = scratch("a");
    let b = scratch("b");
    let c = scratch("c");
    generate(&a, &["--seed", "7"]);
    generate(&b, &["--seed", "7", "--threads", "1"]);
    generate(&c, &["--seed", "8"]);
    let ta = common::tree(&a);
    let tb = common::tree(&b);
    let tc = common::tree(&c);

    // Byte-identical for the same seed (whatever the thread count).
    assert_eq!(ta.len(), tb.len());
    for (p, bytes) in &ta {
        assert!(
            tb.get(p) == Some(bytes),
            "{} differs between two runs with the same seed",
            p.display()
        );
    }
    // A different seed gives different text.
    assert_ne!(
        ta.get(Path::new("content/cases/c00001.md")),
        tc.get(Path::new("content/cases/c00001.md"))
    );

    // Expected record counts and ids.
    assert!(ta.contains_key(Path::new("site.yaml")));
    let expected = [
        ("outcomes", 15, "o"),
        ("holders", 8, "h"),
        ("regions", 4, "r"),
        ("cases", 100, "c"),
        ("notices", 3, "n"),
    ];
    for (kind, n, prefix) in expected {
        let ids: Vec<String> = ta
            .keys()
            .filter(|p| p.starts_with(Path::new("content").join(kind)))
            .map(|p| p.file_stem().unwrap().to_str().unwrap().to_string())
            .collect();
        assert_eq!(ids.len(), n, "{kind}");
        for id in &ids {
            assert!(id.starts_with(prefix), "{kind}/{id}");
            assert!(
                id.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'),
                "{kind}/{id}"
            );
        }
    }
    assert_eq!(ta.len(), 1 + 15 + 8 + 4 + 100 + 3);

    // Every record: front matter block, title, non-trivial Chinese body;
    // references point at records that exist.
    for (p, bytes) in &ta {
        if p == Path::new("site.yaml") {
            continue;
        }
        let text = std::str::from_utf8(bytes).expect("UTF-8");
        assert!(text.starts_with("---\n"), "{}", p.display());
        assert!(
            !text.contains('\r') && !text.starts_with('\u{feff}'),
            "{}",
            p.display()
        );
        let (fm, body) = text[4..].split_once("\n---\n").expect("closing ---");
        assert!(fm.starts_with("title: "), "{}", p.display());
        assert!(body.chars().count() > 200, "{}", p.display());
        for line in fm.lines() {
            for (key, dir) in [
                ("holder: ", "holders"),
                ("region: ", "regions"),
                ("  - outcome: ", "outcomes"),
            ] {
                if let Some(id) = line.strip_prefix(key) {
                    let target = Path::new("content").join(dir).join(format!("{id}.md"));
                    assert!(ta.contains_key(&target), "{}: dangling {line}", p.display());
                }
            }
            if let Some(list) = line.strip_prefix("outcomes: [") {
                for id in list.trim_end_matches(']').split(", ") {
                    let target = Path::new("content/outcomes").join(format!("{id}.md"));
                    assert!(
                        ta.contains_key(&target),
                        "{}: dangling outcome {id}",
                        p.display()
                    );
                }
            }
            if let Some(s) = line.strip_prefix("summary: ") {
                assert!(
                    s.trim_matches('"').chars().count() <= 300,
                    "{}: summary too long",
                    p.display()
                );
            }
        }
    }

    for d in [a, b, c] {
        let _ = std::fs::remove_dir_all(d);
    }
}
