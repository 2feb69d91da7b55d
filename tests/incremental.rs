//! Incremental rebuilds (issue 14) are never stale: a property test. A
//! deterministic pseudo-random sequence of edits is applied to a copy of the
//! sample site (titles, facets, references, bodies with links, records
//! added, deleted and moved between sub-folders, files broken and fixed,
//! templates overridden and removed, site.yaml, media files); after each
//! step the output that `serve` keeps updating (the same library call,
//! [`build::run_with`] with one [`Memo`] for the whole sequence) must equal,
//! byte for byte and folder for folder, a full build of the same content
//! into a fresh folder; so must the search documents and the diagnostics.
//! While the content is broken the incremental output must stay the last
//! good one.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chengguo::build::{self, Options};
use chengguo::incr::Memo;

mod common;

/// xorshift64*: the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Clone>(&mut self, v: &[T]) -> T {
        v[self.below(v.len())].clone()
    }
}

/// Every file (bytes) and every folder (`None`) below `root`.
fn tree(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(root).min_depth(1) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(root).unwrap().to_path_buf();
        if e.file_type().is_dir() {
            out.insert(rel, None);
        } else {
            out.insert(rel, Some(fs::read(e.path()).unwrap()));
        }
    }
    out
}

/// The first difference between two trees, for the failure message.
fn first_difference(
    a: &BTreeMap<PathBuf, Option<Vec<u8>>>,
    b: &BTreeMap<PathBuf, Option<Vec<u8>>>,
) -> String {
    for (p, v) in a {
        match b.get(p) {
            None => return format!("{} only in the incremental output", p.display()),
            Some(w) if w != v => return format!("{} differs", p.display()),
            _ => {}
        }
    }
    for p in b.keys() {
        if !a.contains_key(p) {
            return format!("{} missing from the incremental output", p.display());
        }
    }
    "no difference".into()
}

/// Record files of `kind` (relative to `content/`), sorted.
fn records(site: &Path, kind: &str) -> Vec<PathBuf> {
    let dir = site.join("content").join(kind);
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    v.sort();
    v
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Replace the first line starting with `key:` by `key: value`.
fn set_field(path: &Path, key: &str, value: &str) {
    let text = fs::read_to_string(path).unwrap();
    let prefix = format!("{key}:");
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(&prefix) {
                format!("{key}: {value}")
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(path, out.join("\n") + "\n").unwrap();
}

fn field(path: &Path, key: &str) -> Option<String> {
    let prefix = format!("{key}:");
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(&prefix).map(|v| v.trim().to_string()))
}

/// The state the edits keep between steps.
#[derive(Default)]
struct Edits {
    /// A file broken on purpose, with its good text.
    broken: Option<(PathBuf, String)>,
    /// Deleted records (path, text), for re-adding.
    deleted: Vec<(PathBuf, String)>,
    added: usize,
}

const OPS: usize = 17;

/// Apply edit `op` to the site; returns what it did.
fn edit(site: &Path, rng: &mut Rng, st: &mut Edits, step: usize, op: usize) -> String {
    let content = site.join("content");
    let cases = records(site, "cases");
    let outcomes = records(site, "outcomes");
    let regions = records(site, "regions");
    match op {
        0 => {
            let kind = rng.pick(&["cases", "outcomes", "holders", "regions", "notices"]);
            let f = rng.pick(&records(site, kind));
            let t = field(&f, "title").unwrap_or_default();
            set_field(&f, "title", &format!("{t}（第{step}次修改）"));
            format!("title of {}", f.display())
        }
        1 => {
            // (outcomes one time in three: their themes make related outcomes)
            let f = if rng.below(3) == 0 {
                rng.pick(&outcomes)
            } else {
                rng.pick(&cases)
            };
            let themes = ["作业设计", "双减", "区域教研", "新主题甲", "新主题乙"];
            let a = rng.pick(&themes);
            let b = rng.pick(&themes);
            set_field(&f, "themes", &format!("[{a}, {b}]"));
            format!("themes of {}", f.display())
        }
        2 => {
            let f = rng.pick(&cases);
            let r = stem(&rng.pick(&regions));
            set_field(&f, "region", &r);
            format!("region of {} → {r}", f.display())
        }
        3 => {
            let f = rng.pick(&cases);
            let o = stem(&rng.pick(&outcomes));
            set_field(&f, "outcomes", &format!("[{o}]"));
            format!("outcomes of {} → {o}", f.display())
        }
        4 => {
            // A new case, in a sub-folder one time in two, whose body links
            // to another case (which a later step may delete).
            st.added += 1;
            let from = rng.pick(&cases);
            let to_link = stem(&rng.pick(&cases));
            let sub = if rng.below(2) == 0 { "" } else { "2025/" };
            let up = if sub.is_empty() { "../" } else { "../../" };
            let dest = content.join(format!("cases/{sub}new-case-{step}.md"));
            fs::create_dir_all(dest.parent().unwrap()).unwrap();
            let text = fs::read_to_string(&from).unwrap();
            let (head, _) = text.rsplit_once("\n---\n").unwrap();
            let head = head.replacen("title: ", &format!("title: 新增{step} "), 1);
            fs::write(
                &dest,
                format!(
                    "{head}\n---\n\n第{step}个新增案例，参见[另一个案例]({up}cases/{to_link}.md)。\n"
                ),
            )
            .unwrap();
            format!("added {} linking {to_link}", dest.display())
        }
        5 => {
            // Delete a case (cases are not referenced by front matter; a
            // body linking to it becomes a located error).
            let f = rng.pick(&cases);
            st.deleted
                .push((f.clone(), fs::read_to_string(&f).unwrap()));
            fs::remove_file(&f).unwrap();
            format!("deleted {}", f.display())
        }
        6 => match st.deleted.pop() {
            Some((p, text)) => {
                fs::create_dir_all(p.parent().unwrap()).unwrap();
                fs::write(&p, text).unwrap();
                format!("restored {}", p.display())
            }
            None => "nothing to restore".into(),
        },
        7 => {
            // Move a case into (or out of) a sub-folder.
            let f = rng.pick(&cases);
            let parent = f.parent().unwrap();
            let dest = if parent.ends_with("cases") {
                parent.join("2024").join(f.file_name().unwrap())
            } else {
                parent.parent().unwrap().join(f.file_name().unwrap())
            };
            fs::create_dir_all(dest.parent().unwrap()).unwrap();
            // Body links are relative to the file: one time in three they
            // are left as they were (and then break).
            let text = fs::read_to_string(&f).unwrap();
            let text = match rng.below(3) {
                0 => text,
                _ if parent.ends_with("cases") => text.replace("](../", "](../../"),
                _ => text.replace("](../../", "](../"),
            };
            fs::remove_file(&f).unwrap();
            fs::write(&dest, text).unwrap();
            format!("moved {} → {}", f.display(), dest.display())
        }
        8 => match st.broken.take() {
            Some((p, text)) => {
                fs::write(&p, text).unwrap();
                format!("fixed {}", p.display())
            }
            None => {
                let f = rng.pick(&cases);
                let text = fs::read_to_string(&f).unwrap();
                fs::write(&f, text.replacen("date: ", "date: 2023-13-45\nx: ", 1)).unwrap();
                st.broken = Some((f.clone(), text));
                format!("broke {}", f.display())
            }
        },
        9 => {
            // Override a template of the default theme (or drop the override).
            let name = rng.pick(&["base.html", "case.html", "list.html"]);
            let dest = site.join("themes/default/templates").join(name);
            if dest.exists() && rng.below(2) == 0 {
                fs::remove_file(&dest).unwrap();
                return format!("removed template override {name}");
            }
            fs::create_dir_all(dest.parent().unwrap()).unwrap();
            let orig =
                fs::read_to_string(common::repo().join("themes/default/templates").join(name))
                    .unwrap();
            let marked = match orig.rfind("{% endblock") {
                Some(i) if name != "base.html" => {
                    format!("{}<p>模板第{step}版</p>{}", &orig[..i], &orig[i..])
                }
                _ => orig.replacen("</body>", &format!("<!-- v{step} --></body>"), 1),
            };
            fs::write(&dest, marked).unwrap();
            format!("template {name} v{step}")
        }
        10 => {
            // A body edit with a link to an outcome.
            let f = rng.pick(&cases);
            let o = stem(&rng.pick(&outcomes));
            let up = if f.parent().unwrap().ends_with("cases") {
                "../"
            } else {
                "../../"
            };
            let mut text = fs::read_to_string(&f).unwrap();
            text.push_str(&format!(
                "\n第{step}次补充：见[成果]({up}outcomes/{o}.md)。\n"
            ));
            fs::write(&f, text).unwrap();
            format!("body of {} links {o}", f.display())
        }
        11 => {
            let yaml = site.join("site.yaml");
            let t = field(&yaml, "title").unwrap();
            set_field(&yaml, "title", &format!("{t}{}", step % 3));
            "site.yaml title".into()
        }
        12 => {
            // A media file added or removed (nothing links it).
            let p = content.join(format!("media/docs/extra-{}.txt", rng.below(3)));
            if p.exists() {
                fs::remove_file(&p).unwrap();
                format!("removed {}", p.display())
            } else {
                fs::write(&p, format!("附件 {step}\n")).unwrap();
                format!("added {}", p.display())
            }
        }
        13 => {
            // A cover photo replaced by one of another size: its derived
            // files change, no record file does (pages and cards showing
            // it must follow).
            let p = content.join("media/images/jijiang-fengmian.jpg");
            let (w, h) = (560 + 160 * rng.below(4) as u32, 420);
            image::RgbImage::from_pixel(w, h, image::Rgb([(step % 250) as u8, 90, 160]))
                .save_with_format(&p, image::ImageFormat::Jpeg)
                .unwrap();
            format!("cover photo {w}×{h}")
        }
        14 => {
            // base_url on or off: sitemap.xml and the feeds appear or go.
            let yaml = site.join("site.yaml");
            let text = fs::read_to_string(&yaml).unwrap();
            let text = if text.contains("# base_url:") {
                text.replacen("# base_url:", "base_url:", 1)
            } else {
                text.replacen("base_url:", "# base_url:", 1)
            };
            fs::write(&yaml, text).unwrap();
            "site.yaml base_url toggled".into()
        }
        15 => {
            // The title of a record other records reference (a holder by
            // outcomes, an outcome by cases and regions, a region by
            // cases): their search documents hold it.
            let kind = rng.pick(&["holders", "outcomes", "regions"]);
            let f = rng.pick(&records(site, kind));
            let t = field(&f, "title").unwrap_or_default();
            set_field(&f, "title", &format!("{t}（被引用，第{step}次修改）"));
            format!("title of referenced {}", f.display())
        }
        _ => {
            // A summary edit of an outcome (shown on many cards).
            let f = rng.pick(&outcomes);
            set_field(&f, "summary", &format!("第{step}次修改的成果简介。"));
            format!("summary of {}", f.display())
        }
    }
}

/// The site's input files (content, themes, site.yaml).
fn snapshot(site: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut t = tree(site);
    t.retain(|p, _| {
        p.starts_with("content") || p.starts_with("themes") || p == Path::new("site.yaml")
    });
    t
}

/// Put the site's input files back as in `snap`.
fn restore(site: &Path, snap: &BTreeMap<PathBuf, Option<Vec<u8>>>) {
    let now = snapshot(site);
    for (p, v) in now.iter().rev() {
        if v.is_some() && !snap.contains_key(p) {
            fs::remove_file(site.join(p)).unwrap();
        } else if v.is_none() && !snap.contains_key(p) {
            let _ = fs::remove_dir(site.join(p));
        }
    }
    for (p, v) in snap {
        match v {
            None => fs::create_dir_all(site.join(p)).unwrap(),
            Some(b) if now.get(p) != Some(v) => fs::write(site.join(p), b).unwrap(),
            Some(_) => {}
        }
    }
}

fn opts(site: &Path, out: &Path) -> Options {
    Options {
        site: site.to_path_buf(),
        out: Some(out.to_path_buf()),
        write: true,
        search: false,
    }
}

fn messages(r: &build::Report) -> Vec<String> {
    r.diagnostics
        .sorted()
        .iter()
        .map(|d| d.to_string())
        .collect()
}

/// Set every file of the site back to one old modification time, so that
/// the next build trusts the stamps of the files it read before
/// ([`chengguo::incr::Stamp`]): an edited file keeps its modification time
/// and is told apart only by its change time (as after an editor that
/// keeps timestamps, or `cp -p`).
fn settle(site: &Path) {
    let old = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    for e in walkdir::WalkDir::new(site.join("content")) {
        let e = e.unwrap();
        // (only files not set back yet: setting a time moves the change time)
        if e.file_type().is_file() && e.metadata().unwrap().modified().unwrap() != old {
            fs::File::options()
                .write(true)
                .open(e.path())
                .and_then(|f| f.set_modified(old))
                .unwrap();
        }
    }
}

#[test]
fn incremental_output_equals_a_full_build_after_every_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::sample_site_at(&tmp.path().join("site"));
    let inc_out = tmp.path().join("preview");
    let mut memo = Memo::new();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut st = Edits::default();
    let mut last_good: Option<BTreeMap<PathBuf, Option<Vec<u8>>>> = None;
    let mut reused_pages = 0;
    let mut files_read = 0;
    let mut in_place = 0;
    let steps = 80;
    // When an edit broke the content by accident (a moved case's relative
    // links, a deleted case someone links to), the inputs of the last good
    // step are put back at the next step, so that most steps build.
    let mut undo: Option<BTreeMap<PathBuf, Option<Vec<u8>>>> = None;
    let mut good_inputs = snapshot(&site);
    let mut failed = 0;
    for step in 0..=steps {
        let did = if step == 0 {
            "first build".to_string()
        } else if let Some(snap) = undo.take() {
            restore(&site, &snap);
            st.broken = None;
            "back to the inputs of the last good step".to_string()
        } else {
            // A broken file is fixed after a few steps (op 8 toggles it).
            let op = if st.broken.is_some() && rng.below(3) == 0 {
                8
            } else {
                rng.below(OPS)
            };
            edit(&site, &mut rng, &mut st, step, op)
        };
        settle(&site);
        let (inc, inc_docs) = build::run_with(&opts(&site, &inc_out), &mut memo, &mut |_| {})
            .unwrap_or_else(|e| panic!("step {step} ({did}): {e}"));
        let full_out = tmp.path().join(format!("full-{step}"));
        let (full, full_docs) = build::run_keep_docs(&opts(&site, &full_out), &mut |_| {})
            .unwrap_or_else(|e| panic!("step {step} ({did}): {e}"));
        assert_eq!(inc.ok, full.ok, "step {step} ({did})");
        assert_eq!(messages(&inc), messages(&full), "step {step} ({did})");
        assert_eq!(inc_docs, full_docs, "step {step} ({did}): search documents");
        eprintln!("step {step}: {did}: ok {} {:?}", full.ok, memo.stats);
        if !full.ok {
            eprintln!(
                "  {:?}",
                messages(&full)
                    .iter()
                    .filter(|m| m.contains("错误"))
                    .take(2)
                    .collect::<Vec<_>>()
            );
        }
        let got = tree(&inc_out);
        if full.ok {
            let want = tree(&full_out);
            assert!(
                got == want,
                "step {step} ({did}): {}",
                first_difference(&got, &want)
            );
            last_good = Some(want);
            good_inputs = snapshot(&site);
            let s = memo.stats;
            reused_pages += s.pages_reused;
            files_read += s.files_read;
            in_place += usize::from(s.in_place);
            fs::remove_dir_all(&full_out).unwrap();
        } else {
            failed += 1;
            if st.broken.is_none() {
                undo = Some(good_inputs.clone());
            }
        }
        if full.ok {
        } else if let Some(good) = &last_good {
            // Broken content: the preview keeps the last good output.
            assert!(
                &got == good,
                "step {step} ({did}): the output changed while the content is broken: {}",
                first_difference(&got, good)
            );
        }
    }
    // The sequence did exercise the incremental path.
    assert!(in_place > steps / 2, "only {in_place} in-place updates");
    assert!(failed >= 3, "only {failed} broken steps");
    assert!(reused_pages > 1000, "only {reused_pages} pages reused");
    // Unchanged files were mostly known by their stamps, not read again.
    let records = 36;
    assert!(
        files_read < steps * records / 4,
        "{files_read} record files read in {steps} steps"
    );
}

#[test]
fn an_unchanged_rebuild_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::sample_site_at(&tmp.path().join("site"));
    let out = tmp.path().join("preview");
    let mut memo = Memo::new();
    build::run_with(&opts(&site, &out), &mut memo, &mut |_| {}).unwrap();
    assert!(!memo.stats.in_place);
    let (r, _) = build::run_with(&opts(&site, &out), &mut memo, &mut |_| {}).unwrap();
    assert!(r.ok);
    let s = memo.stats;
    assert!(s.in_place);
    assert_eq!((s.pages_rendered, s.bodies_rendered), (0, 0), "{s:?}");
    assert!(s.pages_reused > 100, "{s:?}");
    // One title: its page and the pages that show it, not the site.
    let case = site.join("content/cases/jiangjin-zuoye-sheji.md");
    set_field(&case, "title", "江津区作业设计（改）");
    build::run_with(&opts(&site, &out), &mut memo, &mut |_| {}).unwrap();
    let s = memo.stats;
    assert!(s.pages_rendered >= 2 && s.pages_rendered < 60, "{s:?}");
    assert_eq!(s.bodies_rendered, 0, "{s:?}");
    let page = fs::read_to_string(out.join("cases/jiangjin-zuoye-sheji.html")).unwrap();
    assert!(page.contains("江津区作业设计（改）"));
    // The output folder deleted behind the memo's back: built afresh.
    fs::remove_dir_all(&out).unwrap();
    let (r, _) = build::run_with(&opts(&site, &out), &mut memo, &mut |_| {}).unwrap();
    assert!(r.ok && !memo.stats.in_place, "{:?}", memo.stats);
    assert!(out.join("cases/jiangjin-zuoye-sheji.html").is_file());
}

/// User + system time of this process so far (all threads): a figure
/// that another program on the machine does not inflate as it does the
/// elapsed time.
fn cpu_seconds() -> f64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getrusage only writes the struct it is given.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } == 0 {
            let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            return tv(u.ru_utime) + tv(u.ru_stime);
        }
    }
    0.0
}

/// Not a test: stage timings of an incremental rebuild after one title
/// edit, on the site named by `CHENGGUO_INCR_SITE` (e.g. the national
/// corpus; it is edited and put back; `CHENGGUO_INCR_N` builds, default 4),
/// then after a case added and after it deleted again.
/// `cargo test --release --test
/// incremental -- --ignored --nocapture`.
#[test]
#[ignore]
fn timings_of_one_edit() {
    let Some(site) = std::env::var_os("CHENGGUO_INCR_SITE").map(PathBuf::from) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut memo = Memo::new();
    let case = records(&site, "cases").remove(0);
    let orig = fs::read_to_string(&case).unwrap();
    let n: usize = std::env::var("CHENGGUO_INCR_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    // After the title edits: a copy of the case added, then deleted.
    let added = case.with_file_name("timing-added-case.md");
    // (`CHENGGUO_INCR_ADDS` pairs of them, default 1)
    let adds: usize = std::env::var("CHENGGUO_INCR_ADDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    for i in 0..n + 2 * adds {
        if i >= n && (i - n).is_multiple_of(2) {
            fs::write(&added, orig.replacen("title: ", "title: 新增", 1)).unwrap();
        } else if i >= n {
            fs::remove_file(&added).unwrap();
        } else if i > 0 {
            fs::write(&case, orig.replacen("title: ", &format!("title: 改{i}"), 1)).unwrap();
        }
        let t = std::time::Instant::now();
        let cpu = cpu_seconds();
        let mut line = String::new();
        build::run_with(&opts(&site, &out), &mut memo, &mut |s| {
            line.push_str(&format!(" {} {:.3}", s.name, s.took.as_secs_f64()));
        })
        .unwrap();
        eprintln!(
            "build {i}: {:.3} s (CPU {:.3} s):{line}; {:?}",
            t.elapsed().as_secs_f64(),
            cpu_seconds() - cpu,
            memo.stats
        );
    }
    fs::write(&case, orig).unwrap();
}

/// Links planted in the preview folder (a folder of pages, a page) never
/// carry an incremental update outside it: the files they name are left as
/// they were, and the preview is either updated correctly or rebuilt.
#[cfg(unix)]
#[test]
fn planted_links_in_the_preview_are_never_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::sample_site_at(&tmp.path().join("site"));
    let out = tmp.path().join("preview");
    let outside = tmp.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("victim.html"), "不可改动").unwrap();
    let before = tree(&outside);
    let mut memo = Memo::new();
    build::run_with(&opts(&site, &out), &mut memo, &mut |_| {}).unwrap();

    // the cases folder becomes a link to a folder outside; the home page a
    // link to a file outside
    let cases = out.join("cases");
    for e in fs::read_dir(&cases).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), outside.join(e.file_name())).ok();
    }
    let before_cases = tree(&outside);
    fs::remove_dir_all(&cases).unwrap();
    std::os::unix::fs::symlink(&outside, &cases).unwrap();
    fs::remove_file(out.join("index.html")).unwrap();
    std::os::unix::fs::symlink(outside.join("victim.html"), out.join("index.html")).unwrap();

    // an edited case (its page lives under the linked folder) and a deleted one
    let case = site.join("content/cases/jiangjin-zuoye-sheji.md");
    set_field(&case, "title", "江津区作业设计（改）");
    let deleted = records(&site, "cases")
        .into_iter()
        .find(|p| p != &case)
        .unwrap();
    fs::remove_file(&deleted).unwrap();
    let res = build::run_with(&opts(&site, &out), &mut memo, &mut |_| {});
    assert_eq!(
        tree(&outside),
        before_cases,
        "a file outside the preview changed"
    );
    assert!(before.keys().all(|k| before_cases.contains_key(k)));
    match res {
        // updated: what the preview holds is a full build's output
        Ok(_) => {
            eprintln!("planted links: preview updated");
            let full = tmp.path().join("full");
            build::run_with(&opts(&site, &full), &mut Memo::new(), &mut |_| {}).unwrap();
            let (a, b) = (tree(&out), tree(&full));
            assert!(a == b, "{}", first_difference(&a, &b));
        }
        // refused: in Chinese, naming the path
        Err(e) => {
            let msg = e.to_string();
            eprintln!("planted links: refused: {msg}");
            assert!(
                msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{msg}"
            );
            // the next build starts afresh and replaces the links themselves
            build::run_with(&opts(&site, &out), &mut memo, &mut |_| {}).unwrap();
            assert!(!memo.stats.in_place, "{:?}", memo.stats);
            assert_eq!(
                tree(&outside),
                before_cases,
                "a file outside the preview changed"
            );
            let full = tmp.path().join("full");
            build::run_with(&opts(&site, &full), &mut Memo::new(), &mut |_| {}).unwrap();
            let (a, b) = (tree(&out), tree(&full));
            assert!(a == b, "{}", first_difference(&a, &b));
        }
    }
}
