//! No panic on any input: deterministic random mutations of the valid
//! fixture's record files and site.yaml (bytes cut, YAML/Markdown specials,
//! CJK, BOM, CR, `---`, truncation, duplicated lines) are run through the
//! whole pipeline in process (`check`, then `build` into a temp folder).
//! Every run must return a report (errors are fine), never panic.

use std::fs;
use std::path::{Path, PathBuf};

use chengguo::build::{run, Options};

mod common;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SPICE: &[&str] = &[
    "---",
    "\n---\n",
    ":",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "#",
    "&a",
    "*a",
    "!!str ",
    "|",
    ">",
    "\t",
    "\r\n",
    "\u{feff}",
    "\u{0}",
    "中文",
    "上海",
    "2023-02-30",
    "../",
    "%E5",
    "](",
    "![x](",
    "<script>",
    "<a href=\"",
    "javascript:",
    "[^1]",
    "|a|b|\n|-|-|",
    "## ",
    "\n\n",
    "title: ",
    "holder: ",
    "draft: true",
    "stages: []",
    "award: {year: x}",
    "media: [{kind: video}]",
    "😀",
    "\u{202e}",
    "ｔｉｔｌｅ",
];

fn mutate(rng: &mut Rng, text: &str) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(b.len() + 1);
        match rng.below(6) {
            0 => {
                let end = (at + rng.below(20)).min(b.len());
                b.drain(at..end);
            }
            1 | 2 => {
                let s = SPICE[rng.below(SPICE.len())].as_bytes();
                b.splice(at..at, s.iter().copied());
            }
            3 => b.truncate(at),
            4 => {
                // duplicate a line
                let start = b[..at]
                    .iter()
                    .rposition(|&c| c == b'\n')
                    .map_or(0, |i| i + 1);
                let end = b[at..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |i| at + i + 1);
                let line = b[start..end].to_vec();
                b.splice(end..end, line);
            }
            _ => {
                if !b.is_empty() {
                    let i = rng.below(b.len());
                    b[i] = rng.next() as u8; // may break UTF-8 on purpose
                }
            }
        }
    }
    b
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in walk(dir) {
        let n = e.to_string_lossy();
        if n.ends_with(".md") || n.ends_with("site.yaml") {
            out.push(e);
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}

#[test]
fn mutated_sites_never_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    common::copy_dir(&common::fixture("valid"), &site);
    let targets = files(&site);
    assert!(targets.len() >= 5);
    let originals: Vec<Vec<u8>> = targets.iter().map(|p| fs::read(p).unwrap()).collect();
    let mut rng = Rng(20261122);
    let rounds = 120;
    let mut failed_builds = 0;
    for round in 0..rounds {
        let i = rng.below(targets.len());
        let text = String::from_utf8_lossy(&originals[i]).into_owned();
        let mutated = mutate(&mut rng, &text);
        fs::write(&targets[i], &mutated).unwrap();
        for write in [false, true] {
            let opts = Options {
                site: site.clone(),
                out: Some(tmp.path().join("out")),
                write,
                search: write && round % 10 == 0,
            };
            let r = std::panic::catch_unwind(|| run(&opts, &mut |_| {}));
            match r {
                Ok(Ok(report)) => {
                    if !report.ok {
                        failed_builds += 1;
                        assert!(
                            report.diagnostics.has_errors(),
                            "a failed build reports why"
                        );
                    }
                }
                Ok(Err(e)) => panic!("round {round}: machine error on content input: {e}"),
                Err(_) => panic!(
                    "round {round}: panic on mutated {}:\n{}",
                    targets[i].display(),
                    String::from_utf8_lossy(&mutated)
                ),
            }
        }
        fs::write(&targets[i], &originals[i]).unwrap();
    }
    // The mutations are meant to break things: most runs must have failed
    // with located errors, or the test proves nothing.
    assert!(
        failed_builds > rounds / 3,
        "only {failed_builds} failing runs"
    );
}
