//! The command line contract: help in Chinese for every subcommand, a
//! Chinese error for a folder that is not a site, and an output folder that
//! chengguo did not make is never overwritten.

mod common;
use common::*;

use std::fs;
use std::path::{Path, PathBuf};

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn valid_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

#[test]
fn help_of_every_command_is_chinese() {
    let t = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--help"],
            &["用法", "build", "check", "init", "生成门户", "检查"],
        ),
        (&["-h"], &["用法"]),
        (
            &["build", "--help"],
            &["用法", "站点目录", "输出目录", "SITE_DIR", "-o"],
        ),
        (&["check", "--help"], &["用法", "站点目录", "不写任何文件"]),
        (&["init", "--help"], &["用法", "入门站点", "DIR"]),
        (&["new", "--help"], &["用法", "记录类型", "标题", "拼音"]),
        (
            &["serve", "--help"],
            &["用法", "端口", "--poll", "127.0.0.1"],
        ),
        (&["check", "--help"], &["--format", "json"]),
        (&["build", "-h"], &["用法"]),
    ];
    for (args, needles) in cases {
        let a: Vec<&std::ffi::OsStr> = args.iter().map(|s| s.as_ref()).collect();
        let r = run(t.path(), &a);
        assert_eq!(r.code, 0, "{args:?}\n{}", r.dump());
        assert!(
            has_chinese(&r.stdout),
            "{args:?}: help must be Chinese\n{}",
            r.dump()
        );
        for n in *needles {
            assert!(
                r.stdout.contains(n),
                "{args:?}: `{n}` missing\n{}",
                r.dump()
            );
        }
        assert!(
            !r.stdout.contains("Usage:") && !r.stdout.contains("Options:"),
            "{args:?}: English headings\n{}",
            r.dump()
        );
    }
    assert!(
        fs::read_dir(t.path()).unwrap().next().is_none(),
        "--help writes nothing"
    );
}

#[test]
fn version_exits_zero() {
    let t = tempfile::tempdir().unwrap();
    let r = run(t.path(), &["--version".as_ref()]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(r.stdout.contains(env!("CARGO_PKG_VERSION")), "{}", r.dump());
}

#[test]
fn no_command_or_unknown_command_fails() {
    let t = tempfile::tempdir().unwrap();
    let r = run(t.path(), &[]);
    assert_ne!(r.code, 0, "{}", r.dump());
    let r = run(t.path(), &["buid".as_ref()]);
    assert_ne!(r.code, 0, "{}", r.dump());
    let r = run(t.path(), &["build".as_ref(), "--bogus".as_ref()]);
    assert_ne!(r.code, 0, "{}", r.dump());
}

#[test]
fn usage_errors_are_chinese() {
    // "messages to users in Chinese": also clap's own usage errors.
    let t = tempfile::tempdir().unwrap();
    for args in [&["buid"][..], &["build", "--bogus"][..], &["init"][..]] {
        let a: Vec<&std::ffi::OsStr> = args.iter().map(|s| s.as_ref()).collect();
        let r = run(t.path(), &a);
        assert_eq!(r.code, 2, "{args:?}\n{}", r.dump());
        assert!(
            has_chinese(&r.stderr),
            "{args:?}: usage error must be Chinese\n{}",
            r.dump()
        );
        assert!(
            !r.stderr.contains("error:") && !r.stderr.contains("Usage:"),
            "{args:?}: English usage error\n{}",
            r.dump()
        );
    }
}

#[test]
fn build_without_site_yaml_fails_in_chinese() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("kein-site");
    fs::create_dir_all(site.join("content/pages")).unwrap();
    fs::write(
        site.join("content/pages/about.md"),
        "---\ntitle: 关于\n---\n",
    )
    .unwrap();
    let out = t.path().join("out");
    let r = build(t.path(), &site, &out);
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(!r.stderr.contains("panicked"), "{}", r.dump());
    let err: Vec<&str> = r.stderr.lines().filter(|l| l.contains("错误")).collect();
    assert!(
        err.iter()
            .any(|l| l.starts_with("site.yaml:") && l.contains("站点配置")),
        "{}",
        r.dump()
    );
    assert!(
        r.stderr
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("失败：")),
        "{}",
        r.dump()
    );
    assert!(!out.exists(), "nothing written");
    assert!(!site.join("public").exists());

    let r = run(t.path(), &["check".as_ref(), site.as_os_str()]);
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("site.yaml:") && l.contains("错误")),
        "{}",
        r.dump()
    );
}

#[test]
fn build_of_an_empty_folder_and_a_missing_folder_fail_in_chinese() {
    let t = tempfile::tempdir().unwrap();
    let empty = t.path().join("leer");
    fs::create_dir_all(&empty).unwrap();
    for site in [empty.clone(), t.path().join("gibt-es-nicht")] {
        let r = run(t.path(), &["build".as_ref(), site.as_os_str()]);
        assert_eq!(r.code, 1, "{}", r.dump());
        assert!(has_chinese(&r.stderr), "{}", r.dump());
        assert!(r.stderr.contains("site.yaml"), "{}", r.dump());
        assert!(!site.join("public").exists(), "nothing written");
    }
    let mut left: Vec<String> = fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["leer"]);
    assert!(
        fs::read_dir(&empty).unwrap().next().is_none(),
        "nothing written into the empty folder"
    );
}

fn foreign_folder(root: &Path) -> PathBuf {
    let out = root.join("meine-dateien");
    fs::create_dir_all(out.join("fotos")).unwrap();
    fs::write(out.join("notizen.txt"), "wichtig").unwrap();
    fs::write(out.join("fotos/a.jpg"), [0xff, 0xd8, 0xff]).unwrap();
    out
}

fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for e in walk(dir) {
        let rel = e.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        let bytes = if e.is_file() {
            fs::read(&e).unwrap()
        } else {
            Vec::new()
        };
        v.push((rel, bytes));
    }
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            v.extend(walk(&p));
        }
        v.push(p);
    }
    v
}

#[test]
fn foreign_output_folder_is_refused_and_left_intact() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    copy_dir(&valid_fixture(), &site);
    let out = foreign_folder(t.path());
    let before = listing(&out);
    let r = build(t.path(), &site, &out);
    assert_ne!(r.code, 0, "{}", r.dump());
    assert!(
        has_chinese(&r.stderr) && r.stderr.contains("拒绝覆盖"),
        "{}",
        r.dump()
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.dump());
    assert_eq!(
        listing(&out),
        before,
        "the foreign folder must be left as it was"
    );
    let mut left: Vec<String> = fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["meine-dateien", "site"],
        "no staging folder left behind"
    );
}

#[test]
fn output_that_is_a_file_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    copy_dir(&valid_fixture(), &site);
    let out = t.path().join("public");
    fs::write(&out, "not a folder").unwrap();
    let r = run(
        t.path(),
        &[
            "build".as_ref(),
            site.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            "--no-search".as_ref(),
        ],
    );
    assert_ne!(r.code, 0, "{}", r.dump());
    assert!(has_chinese(&r.stderr), "{}", r.dump());
    assert_eq!(fs::read_to_string(&out).unwrap(), "not a folder");
}

#[test]
fn empty_folder_and_own_output_are_replaced() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    copy_dir(&valid_fixture(), &site);
    // An empty folder (or one with only a .gitignore) may be used.
    let out = t.path().join("public");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join(".gitignore"), "*\n").unwrap();
    let args = |o: &Path| -> Vec<std::ffi::OsString> {
        vec![
            "build".into(),
            site.clone().into(),
            "-o".into(),
            o.into(),
            "--no-search".into(),
        ]
    };
    let a = args(&out);
    let a: Vec<&std::ffi::OsStr> = a.iter().map(|s| s.as_os_str()).collect();
    let r = run(t.path(), &a);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(out.join("index.html").is_file());
    assert_eq!(
        fs::read_to_string(out.join(".gitignore")).unwrap(),
        "*\n",
        "dot-files of the output are kept"
    );
    // Its own output is replaced on the next build.
    let r = run(t.path(), &a);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(out.join("index.html").is_file());
}

#[test]
fn output_io_error_is_reported_once() {
    // The parent of OUT is a regular file: an I/O error, reported in one
    // clear line (not the OS text twice), nothing written, no panic.
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    copy_dir(&valid_fixture(), &site);
    let blocker = t.path().join("datei");
    fs::write(&blocker, "x").unwrap();
    let out = blocker.join("out");
    let r = run(
        t.path(),
        &[
            "build".as_ref(),
            site.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            "--no-search".as_ref(),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(!r.stderr.contains("panicked"), "{}", r.dump());
    let line = r
        .stderr
        .lines()
        .find(|l| l.starts_with("错误："))
        .unwrap_or_else(|| panic!("no 错误： line\n{}", r.dump()));
    assert!(line.contains("datei"), "names the path\n{}", r.dump());
    assert!(
        line.matches("(os error").count() <= 1,
        "OS error text repeated: {line}"
    );
    assert_eq!(fs::read_to_string(&blocker).unwrap(), "x");
}

#[test]
fn search_after_build_uses_the_fresh_index_and_rebuilds_a_stale_one() {
    // `chengguo search` computes the search documents without rendering
    // pages; they must equal the build's, or every search would rebuild.
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    copy_dir(&valid_fixture(), &site);
    let out = t.path().join("out");
    let b = build(t.path(), &site, &out);
    assert_eq!(b.code, 0, "{}", b.dump());
    let s = run(
        t.path(),
        &["search".as_ref(), site.as_os_str(), "作业".as_ref()],
    );
    assert_eq!(s.code, 0, "{}", s.dump());
    assert!(
        !s.stderr.contains("重建"),
        "index built by `build` must be fresh for `search`\n{}",
        s.dump()
    );
    assert!(s.stdout.contains("作业"), "{}", s.dump());
    // Change a record: the next search notices and rebuilds.
    let f = site.join("content/pages/about.md");
    let text = fs::read_to_string(&f).unwrap() + "\n新增的段落：专递课堂。\n";
    fs::write(&f, text).unwrap();
    let s = run(
        t.path(),
        &["search".as_ref(), site.as_os_str(), "专递课堂".as_ref()],
    );
    assert_eq!(s.code, 0, "{}", s.dump());
    assert!(
        s.stderr.contains("重建"),
        "stale index must be rebuilt\n{}",
        s.dump()
    );
    assert!(
        s.stdout.contains("pages/about.html"),
        "the new text is found\n{}",
        s.dump()
    );
}
