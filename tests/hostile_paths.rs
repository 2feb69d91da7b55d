//! Hostile file names, links and targets (issue 10, points 1, 2, 3, 8, 9
//! and the self-nesting output of point 13): each test plants canary files
//! outside the output and asserts they are untouched, the exit code and the
//! message. The property test at the end builds sites with generated file
//! names under `content/media/` and `themes/default/static/`.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use common::Run;

fn w(p: &Path, text: impl AsRef<[u8]>) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// A clean SVG (published byte for byte).
const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n";

/// A small valid site at `dir` (one page showing one image).
fn mini_site(dir: &Path) -> PathBuf {
    w(&dir.join("site.yaml"), "title: 路径测试\n");
    w(
        &dir.join("content/pages/about.md"),
        "---\ntitle: 关于\n---\n正文。\n",
    );
    w(&dir.join("content/media/images/a.svg"), SVG);
    dir.to_path_buf()
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

fn build(cwd: &Path, site: &Path, out: &Path) -> Run {
    common::run(
        cwd,
        &[
            os("build"),
            site.as_os_str(),
            os("-o"),
            out.as_os_str(),
            os("--no-search"),
        ],
    )
}

/// Every file (and link) under `dir` with its bytes (a link: its target),
/// skipping the subtrees in `skip`.
fn snapshot(dir: &Path, skip: &[&Path]) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut m = BTreeMap::new();
    fn walk(d: &Path, skip: &[&Path], m: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(rd) = fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if skip.iter().any(|s| p.starts_with(s)) {
                continue;
            }
            let t = e.file_type().unwrap();
            if t.is_symlink() {
                let target = fs::read_link(&p).unwrap();
                m.insert(p, target.into_os_string().into_encoded_bytes());
            } else if t.is_dir() {
                m.insert(p.clone(), b"<dir>".to_vec());
                walk(&p, skip, m);
            } else {
                m.insert(p.clone(), fs::read(&p).unwrap());
            }
        }
    }
    walk(dir, skip, &mut m);
    m
}

// ------------------------------------------------------------ point 1

/// Plant `rel` (a name with backslashes climbing out of the staging
/// folder to the temp dir's `canary`), build, and check that the canary is
/// untouched, the build failed with exactly `error`, and nothing was written.
fn backslash_name_case(rel: &str, canary: &str, error: &str) {
    let t = tempfile::tempdir().unwrap();
    let site = mini_site(&t.path().join("site"));
    let canary = t.path().join(canary);
    w(&canary, "original");
    w(&site.join(rel), "overwritten");
    let r = build(t.path(), &site, &site.join("public"));
    assert_eq!(r.code, 1, "{}", r.dump());
    assert_eq!(fs::read_to_string(&canary).unwrap(), "original");
    assert_eq!(r.errors(), [error], "{}", r.dump());
    assert!(
        !site.join("public").exists(),
        "a failed build writes nothing"
    );
}

#[test]
fn backslash_media_name_cannot_write_outside_the_output() {
    // staging/media/x/../../../.. is the temp dir: where 0.1 wrote it.
    backslash_name_case(
        "content/media/x\\..\\..\\..\\..\\canary.txt",
        "canary.txt",
        "content/media/x\\..\\..\\..\\..\\canary.txt:1:1: 错误: 文件名“x\\..\\..\\..\\..\\canary.txt”含有反斜杠“\\”（在 Windows 上是路径分隔符）：这样的名字在有的系统上会指向别处或无法创建，不会发布；请给这个文件改名（可用中文、英文字母、数字、-、_ 和 .）",
    );
}

#[test]
fn backslash_theme_static_name_cannot_write_outside_the_output() {
    backslash_name_case(
        "themes/default/static/a\\..\\..\\..\\..\\canary.css",
        "canary.css",
        "themes/default/static/a\\..\\..\\..\\..\\canary.css:1:1: 错误: 文件名“a\\..\\..\\..\\..\\canary.css”含有反斜杠“\\”（在 Windows 上是路径分隔符）：这样的名字在有的系统上会指向别处或无法创建，不会发布；请给这个文件改名（可用中文、英文字母、数字、-、_ 和 .）",
    );
}

// ------------------------------------------------------------ point 2

#[test]
fn links_in_the_old_output_are_removed_not_followed() {
    let t = tempfile::tempdir().unwrap();
    let site = mini_site(&t.path().join("site"));
    let out = site.join("public");
    let r = build(t.path(), &site, &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    // Someone (or something) put links into the output.
    let away = t.path().join("away");
    w(&away.join("keep.txt"), "mine");
    w(&away.join("sub/deep.txt"), "mine too");
    symlink(&away, out.join("uploads")).unwrap();
    symlink(&away, out.join("media/linked")).unwrap();
    symlink(away.join("keep.txt"), out.join("file-link.txt")).unwrap();
    let before = snapshot(&away, &[]);
    let r = build(t.path(), &site, &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert_eq!(snapshot(&away, &[]), before, "files behind the links kept");
    assert!(fs::symlink_metadata(out.join("uploads")).is_err());
    assert!(out.join("index.html").is_file());
}

#[test]
fn a_planted_link_as_stale_staging_folder_is_not_followed() {
    let t = tempfile::tempdir().unwrap();
    let site = mini_site(&t.path().join("site"));
    let away = t.path().join("away");
    w(&away.join("keep.txt"), "mine");
    // A "staging folder of a killed build" (pid 999999 does not run) that
    // is a link to someone's folder.
    symlink(&away, site.join(".public.staging-999999")).unwrap();
    let r = build(t.path(), &site, &site.join("public"));
    assert_eq!(r.code, 0, "{}", r.dump());
    assert_eq!(fs::read_to_string(away.join("keep.txt")).unwrap(), "mine");
}

#[test]
fn a_rebuild_links_unchanged_pages_and_never_reuses_a_planted_link() {
    use std::os::unix::fs::MetadataExt;
    let t = tempfile::tempdir().unwrap();
    let site = mini_site(&t.path().join("site"));
    w(
        &site.join("content/pages/other.md"),
        "---\ntitle: 其他\n---\n另一页。\n",
    );
    let out = site.join("public");
    let r = build(t.path(), &site, &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    let ino = |rel: &str| fs::metadata(out.join(rel)).unwrap().ino();
    let (about, other) = (ino("pages/about.html"), ino("pages/other.html"));
    // The old other.html becomes a link to a file outside with the very
    // bytes the next build writes: it must not be carried over as a link.
    let away = t.path().join("away.html");
    fs::copy(out.join("pages/other.html"), &away).unwrap();
    fs::remove_file(out.join("pages/other.html")).unwrap();
    symlink(&away, out.join("pages/other.html")).unwrap();
    w(
        &site.join("content/pages/about.md"),
        "---\ntitle: 关于\n---\n改过的正文。\n",
    );
    let r = build(t.path(), &site, &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    // Changed: a new file. Unchanged: the same file (hard-linked across).
    assert_ne!(ino("pages/about.html"), about);
    assert!(fs::read_to_string(out.join("pages/about.html"))
        .unwrap()
        .contains("改过的正文"));
    let o = fs::symlink_metadata(out.join("pages/other.html")).unwrap();
    assert!(
        o.file_type().is_file(),
        "a regular file, not the planted link"
    );
    assert_ne!(o.ino(), fs::metadata(&away).unwrap().ino());
    assert_ne!(o.ino(), other);
    let unchanged = ino("404.html");
    let r = build(t.path(), &site, &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert_eq!(
        ino("404.html"),
        unchanged,
        "unchanged page linked, not rewritten"
    );
    assert_eq!(fs::metadata(out.join("404.html")).unwrap().nlink(), 1);
}

// ------------------------------------------------------------ point 3

#[test]
fn output_through_a_symlink_builds_into_its_target_and_keeps_the_link() {
    let t = tempfile::tempdir().unwrap();
    let site = mini_site(&t.path().join("site"));
    let real = t.path().join("www/portal");
    fs::create_dir_all(&real).unwrap();
    let link = t.path().join("out");
    symlink(&real, &link).unwrap();
    for round in 0..2 {
        let r = build(t.path(), &site, &link);
        assert_eq!(r.code, 0, "round {round}\n{}", r.dump());
        let m = fs::symlink_metadata(&link).unwrap();
        assert!(m.file_type().is_symlink(), "round {round}: link kept");
        assert_eq!(fs::read_link(&link).unwrap(), real);
        assert!(real.join("index.html").is_file(), "round {round}");
        assert!(real.join("media/images/a.svg").is_file(), "round {round}");
    }
    // Nothing but the portal beside the real folder.
    let names: Vec<String> = fs::read_dir(t.path().join("www"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["portal"]);
}

#[test]
fn output_through_a_broken_symlink_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let site = mini_site(&t.path().join("site"));
    let link = t.path().join("out");
    symlink(t.path().join("nowhere"), &link).unwrap();
    let r = build(t.path(), &site, Path::new("out"));
    assert_eq!(r.code, 1, "{}", r.dump());
    let expect = format!(
        "错误：输出目录 out 是符号链接，但它指向的 {} 不存在或不是文件夹；请改正链接，或换一个输出目录",
        t.path().join("nowhere").display()
    );
    assert!(r.stderr.lines().any(|l| l == expect), "{}", r.dump());
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(!t.path().join("nowhere").exists());
}

// ------------------------------------------------------------ point 13: nesting output

#[test]
fn output_inside_content_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let site = mini_site(&t.path().join("site"));
    for out in [
        "site/content/media/out",
        "site/content",
        "site/themes/x/static",
    ] {
        let r = build(t.path(), &site, Path::new(out));
        assert_eq!(r.code, 1, "{out}\n{}", r.dump());
        let inside = if out.contains("themes") {
            "themes/"
        } else {
            "content/"
        };
        let expect = format!(
            "错误：输出目录 {out} 在站点的 {inside} 文件夹中：每次生成都会把上一次的输出当作要发布的文件再复制一遍，越套越深；请把输出目录放到 {inside} 之外（默认是站点目录下的 public/）"
        );
        assert!(r.stderr.lines().any(|l| l == expect), "{}", r.dump());
    }
    assert!(!site.join("content/media/out").exists());
    // Through a link into content/, too.
    symlink(site.join("content/media"), t.path().join("m")).unwrap();
    let r = build(t.path(), &site, Path::new("m/out"));
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(
        r.stderr.contains("在站点的 content/ 文件夹中"),
        "{}",
        r.dump()
    );
}

// ------------------------------------------------------------ point 9

#[test]
fn symlinked_media_inside_content_is_published_as_the_file() {
    let t = tempfile::tempdir().unwrap();
    let site = mini_site(&t.path().join("site"));
    symlink("images/a.svg", site.join("content/media/alias.svg")).unwrap();
    let out = site.join("public");
    let r = build(t.path(), &site, &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    let m = fs::symlink_metadata(out.join("media/alias.svg")).unwrap();
    assert!(m.is_file(), "a regular file, not a link");
    assert_eq!(
        fs::read(out.join("media/alias.svg")).unwrap(),
        SVG.as_bytes()
    );
}

#[test]
fn symlinked_media_outside_content_is_an_error_and_never_copied() {
    let t = tempfile::tempdir().unwrap();
    let site = mini_site(&t.path().join("site"));
    w(&t.path().join("id_rsa"), "PRIVATE KEY");
    symlink(t.path().join("id_rsa"), site.join("content/media/key.png")).unwrap();
    let r = build(t.path(), &site, &site.join("public"));
    assert_eq!(r.code, 1, "{}", r.dump());
    assert_eq!(
        r.errors(),
        [format!(
            "content/media/key.png:1:1: 错误: “key.png”是符号链接（快捷方式），指向 content/ 文件夹之外的 {}，不会发布：请把文件本身复制到 content/media/ 中",
            t.path().join("id_rsa").display()
        )],
        "{}",
        r.dump()
    );
    assert!(!site.join("public").exists());
}

// ------------------------------------------------------------ point 8

fn pack(cwd: &Path, site: &Path, zip: &Path) -> Run {
    common::run(
        cwd,
        &[os("pack"), site.as_os_str(), os("-o"), zip.as_os_str()],
    )
}

#[test]
fn pack_refuses_to_overwrite_what_it_did_not_write() {
    let t = tempfile::tempdir().unwrap();
    let site = mini_site(&t.path().join("site"));
    let notes = t.path().join("notes.txt");
    w(&notes, "my notes");
    let r = pack(t.path(), &site, Path::new("notes.txt"));
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(
        r.stderr
            .lines()
            .any(|l| l == "错误：-o notes.txt：压缩包的文件名应以 .zip 结尾"),
        "{}",
        r.dump()
    );
    assert_eq!(fs::read_to_string(&notes).unwrap(), "my notes");
    assert!(!site.join("public").exists(), "refused before building");

    // A .zip that pack did not write: someone's archive, a folder, a link.
    let other = t.path().join("other.zip");
    w(&other, "PK\u{3}\u{4} not ours");
    fs::create_dir_all(t.path().join("dir.zip")).unwrap();
    symlink(&notes, t.path().join("link.zip")).unwrap();
    for name in ["other.zip", "dir.zip", "link.zip"] {
        let r = pack(t.path(), &site, Path::new(name));
        assert_eq!(r.code, 1, "{name}\n{}", r.dump());
        let expect = format!("错误：{name} 已存在，且不是 chengguo pack 制作的压缩包：为防止误覆盖，拒绝写入（文件未改动）；请换一个文件名，或先自行删除它");
        assert!(r.stderr.lines().any(|l| l == expect), "{}", r.dump());
    }
    assert_eq!(fs::read(&other).unwrap(), b"PK\x03\x04 not ours");
    assert_eq!(fs::read_to_string(&notes).unwrap(), "my notes");
    assert!(fs::symlink_metadata(t.path().join("link.zip"))
        .unwrap()
        .file_type()
        .is_symlink());

    // A new zip, then the same zip again: pack's own, replaced.
    let r = pack(t.path(), &site, Path::new("门户.zip"));
    assert_eq!(r.code, 0, "{}", r.dump());
    let r = pack(t.path(), &site, Path::new("门户.zip"));
    assert_eq!(r.code, 0, "pack's own zip is replaced\n{}", r.dump());
}

#[test]
fn verify_reports_manifest_paths_that_leave_the_folder_and_never_opens_them() {
    use chengguo::pack::manifest::{self, Entry};
    let t = tempfile::tempdir().unwrap();
    let top = t.path().join("stick/门户");
    let body = b"secret".to_vec();
    let (sha, size) = manifest::hash_reader(&body[..]).unwrap();
    // Files that 0.1 would have found and passed (on Unix these are plain
    // names inside the folder) or read outside it.
    w(&top.join("..\\..\\x"), &body);
    w(&top.join("C:\\x"), &body);
    w(&t.path().join("stick/x"), &body);
    w(&top.join("ok.txt"), &body);
    let e = |p: &str| Entry {
        path: p.into(),
        size,
        sha256: sha.clone(),
    };
    let m = manifest::format(
        &[
            e("..\\..\\x"),
            e("C:\\x"),
            e("/etc/passwd"),
            e("../x"),
            e("ok.txt"),
        ],
        "门户",
    );
    w(&top.join(manifest::FILE), m);
    let r = common::run(t.path(), &[os("verify"), top.as_os_str()]);
    assert_eq!(r.code, 1, "{}", r.dump());
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("错误："))
        .collect();
    assert_eq!(
        errors,
        [
            "错误：../x：清单中的路径不安全，未打开：文件名“..”不能用作文件或文件夹名（“.”表示当前文件夹，“..”表示上一级文件夹）",
            "错误：..\\..\\x：清单中的路径不安全，未打开：文件名“..\\..\\x”含有反斜杠“\\”（在 Windows 上是路径分隔符）",
            "错误：/etc/passwd：清单中的路径不安全，未打开：路径“/etc/passwd”是绝对路径：只能用相对路径",
            "错误：C:\\x：清单中的路径不安全，未打开：文件名“C:\\x”以盘符“C:”开头（Windows 会把它当作另一个磁盘上的路径）",
        ],
        "{}",
        r.dump()
    );
    assert!(r.stderr.contains("清单中路径不安全 4 个"), "{}", r.dump());
}

// ------------------------------------------------------------ property test

/// xorshift64*: a fixed sequence, so a failure names its round and repeats.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
}

/// Pieces file names are made of: separators of other systems, dots,
/// Unicode, reserved names, control characters, Windows-forbidden ones.
const PIECES: &[&str] = &[
    "\\",
    "..",
    ".",
    "..\\",
    "..\\..\\",
    "a",
    "b1",
    "中文",
    "é",
    "ß",
    " ",
    "CON",
    "nul",
    "com1",
    "LPT9",
    "aux.",
    ":",
    "C:",
    "*",
    "?",
    "\"",
    "<",
    ">",
    "|",
    "\u{1}",
    "\u{7}",
    "\u{1b}[2J",
    "\u{7f}",
    "\u{85}",
    "~",
    "-",
    "_",
    ".png",
    ".txt",
    "\u{202e}",
    "%2e%2e",
    "\u{ff0f}",
];

fn gen_name(g: &mut Gen) -> String {
    let n = 1 + g.next() % 5;
    let mut s: String = (0..n).map(|_| g.pick(PIECES)).collect();
    if s == "." || s == ".." {
        s.push('x');
    }
    s
}

/// Must be refused whatever the rule's details: these name another path
/// on some system we publish to.
fn obviously_bad(name: &str) -> bool {
    name.contains('\\')
        || name.contains(':')
        || name.chars().any(|c| (c as u32) < 32 || c == '\u{7f}')
        || name.ends_with('.')
}

#[test]
fn generated_names_never_leave_the_output() {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    for round in 0..24 {
        let t = tempfile::tempdir().unwrap();
        let site = mini_site(&t.path().join("site"));
        // The canary tree: beside the site and around it.
        for c in [
            "canary/a.txt",
            "canary/x/b.txt",
            "canary.txt",
            "x/canary.txt",
        ] {
            w(&t.path().join(c), "canary");
        }
        let mut planted: Vec<(String, String)> = Vec::new(); // (shown path, name)
        for k in 0..10 {
            let name = gen_name(&mut g);
            let (dir, prefix) = if k % 2 == 0 {
                ("content/media/p", "media/p")
            } else {
                ("themes/default/static/p", "static/p")
            };
            let p = site.join(dir).join(&name);
            if p.exists() {
                continue;
            }
            w(&p, format!("{round}-{k}"));
            planted.push((format!("{prefix}/{name}"), name));
        }
        let out = site.join("public");
        let cache = site.join(".chengguo-cache");
        let before = snapshot(t.path(), &[&out, &cache]);
        let r = build(t.path(), &site, &out);
        assert!(
            !r.stderr.contains("panicked"),
            "round {round}\n{}",
            r.dump()
        );
        assert_eq!(
            snapshot(t.path(), &[&out, &cache]),
            before,
            "round {round}: nothing written outside the output\n{}",
            r.dump()
        );
        let errors = r.errors();
        if r.code == 0 {
            for (rel, name) in &planted {
                assert!(!obviously_bad(name), "round {round}: {name:?} accepted");
                let f = out.join(rel);
                assert!(
                    f.is_file(),
                    "round {round}: {rel:?} published\n{}",
                    r.dump()
                );
                assert!(f.starts_with(&out));
            }
        } else {
            assert_eq!(r.code, 1, "round {round}\n{}", r.dump());
            assert!(!out.exists(), "round {round}: failed build wrote no output");
            for (rel, name) in &planted {
                let refused = chengguo::safepath::check_component(name).is_err();
                assert!(
                    refused || !obviously_bad(name),
                    "round {round}: the rule lets {name:?} through"
                );
                if refused {
                    let located = format!(
                        "{}/{}:1:1: 错误: ",
                        if rel.starts_with("media/") {
                            "content/media/p"
                        } else {
                            "themes/default/static/p"
                        },
                        chengguo::safepath::shown(name)
                    );
                    assert!(
                        errors.iter().any(|e| e.starts_with(&located)
                            && e.contains(&chengguo::safepath::shown(name))
                            && e.contains("请给这个文件改名")),
                        "round {round}: no located error for {name:?}\n{}",
                        r.dump()
                    );
                }
            }
            // Besides name errors, only the image stage's verdict on a
            // planted `….png` that holds text.
            assert!(
                errors
                    .iter()
                    .all(|e| e.contains("请给这个文件改名") || e.contains("内容却不是图片")),
                "round {round}: only name errors\n{}",
                r.dump()
            );
        }
    }
}

// ------------------------------------------- a sent `.chengguo-cache/`

#[test]
fn links_in_a_sent_cache_folder_are_refused_before_anything_is_written() {
    // A site folder from someone else may carry its own cache; a link in
    // it must never carry a build's writes or pruning elsewhere.
    for planted in [
        ".chengguo-cache",
        ".chengguo-cache/images",
        ".chengguo-cache/search",
        ".chengguo-cache/lock",
        ".chengguo-cache/images/0123456789abcdef0123456789abcdef",
    ] {
        let t = tempfile::tempdir().unwrap();
        let site = mini_site(&t.path().join("site"));
        let away = t.path().join("away");
        w(&away.join("keep.txt"), "mine");
        w(&away.join("index/meta.json"), "{}");
        let link = site.join(planted);
        fs::create_dir_all(link.parent().unwrap()).unwrap();
        symlink(&away, &link).unwrap();
        let before = snapshot(&away, &[]);
        let out = site.join("public");
        let with_search = common::build(t.path(), &site, &out);
        let without = build(t.path(), &site, &out);
        let search = common::run(t.path(), &[os("search"), site.as_os_str(), os("关于")]);
        for r in [&with_search, &without, &search] {
            assert_ne!(r.code, 0, "{planted}: {}", r.dump());
            assert!(
                r.stderr.contains("是符号链接")
                    && r.stderr.contains(planted.rsplit('/').next().unwrap()),
                "{planted}: {}",
                r.dump()
            );
        }
        assert_eq!(
            snapshot(&away, &[]),
            before,
            "{planted}: the link's target was touched"
        );
        assert!(!out.exists(), "{planted}: nothing published");
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
    }
}
