//! Hostile content on the way out (issue 10, points 10, 12 and the body
//! items of 6 and 13): what a record or a media file holds can neither
//! reach a terminal as control sequences, nor make a feed ill-formed, nor
//! run as a script from an SVG, nor make rendering quadratic.

mod common;

use std::fs;
use std::path::Path;
use std::time::Instant;

fn w(site: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = site.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A notice and a page whose title, summary and body carry ESC, BEL, NUL,
/// U+0001 and a C1 control (through YAML escapes and raw bytes).
fn control_site(site: &Path) {
    w(
        site,
        "site.yaml",
        "title: 控制字符\nbase_url: https://example.org/portal/\n",
    );
    w(
        site,
        "content/notices/tongzhi.md",
        "---\ntitle: \"通知\\e]0;被改的标题\\a\\e[2J\"\ndate: 2024-02-01\nsummary: \"摘要\\x01\\x85\"\n---\n正文\u{1b}[31m红\u{0}色\u{7}\n",
    );
    w(
        site,
        "content/pages/about.md",
        "---\ntitle: 关于\n---\n<p>段落\u{1b}</p>\n\n`代码\u{1}`\n",
    );
}

/// [`control_site`] built; the temp folder lives as long as the guard.
fn built_control_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    control_site(&site);
    let out = tmp.path().join("out");
    let r = common::build(tmp.path(), &site, &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    (tmp, out)
}

const CONTROLS: &[u8] = &[0x00, 0x01, 0x07, 0x1b];

#[test]
fn control_characters_never_reach_published_files() {
    let (_tmp, out) = built_control_site();
    let mut checked = 0;
    for f in files(&out) {
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "html" | "xml" | "js" | "json" | "txt" | "csv") {
            continue;
        }
        let b = fs::read(&f).unwrap();
        for c in CONTROLS {
            assert!(!b.contains(c), "{} holds control byte {c:#x}", f.display());
        }
        let text = String::from_utf8(b).unwrap();
        assert!(!text.contains('\u{85}'), "{} holds U+0085", f.display());
        checked += 1;
    }
    assert!(checked > 10, "only {checked} files checked");
    let page = fs::read_to_string(out.join("notices/tongzhi.html")).unwrap();
    assert!(
        page.contains("通知]0;被改的标题[2J"),
        "title kept without its controls"
    );
    assert!(
        page.contains("正文[31m红色"),
        "body kept without its controls"
    );
}

#[test]
fn feeds_stay_well_formed_xml() {
    let (_tmp, out) = built_control_site();
    for name in ["feeds/notices.xml", "feeds/cases.xml", "sitemap.xml"] {
        let xml = fs::read_to_string(out.join(name)).unwrap();
        let mut reader = quick_xml_038::Reader::from_str(&xml);
        reader.config_mut().check_end_names = true;
        let mut n = 0;
        loop {
            match reader.read_event() {
                Ok(quick_xml_038::events::Event::Eof) => break,
                Ok(quick_xml_038::events::Event::Text(t)) => {
                    // Decoding checks the characters are allowed in XML text.
                    let s = t.decode().unwrap();
                    assert!(
                        !s.chars().any(|c| c.is_control() && !"\t\n\r".contains(c)),
                        "{name}: {s:?}"
                    );
                }
                Ok(_) => n += 1,
                Err(e) => panic!("{name} is not well-formed: {e}\n{xml}"),
            }
        }
        assert!(n > 3, "{name}");
    }
}

#[test]
fn terminal_messages_show_control_characters_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    control_site(&site);
    // A wrong vocabulary value carrying ESC: the message quotes the value.
    w(
        &site,
        "content/cases/anli.md",
        "---\ntitle: \"案例\\e]0;x\\a\"\ndate: 2024-03-15\nstages: [\"小学\\e[2J\"]\n---\n正文。\n",
    );
    let r = common::check(tmp.path(), &site);
    assert_eq!(r.code, 1, "{}", r.dump());
    let all = format!("{}{}", r.stdout, r.stderr);
    for c in CONTROLS {
        assert!(
            !all.as_bytes().contains(c),
            "raw control {c:#x} on the terminal:\n{all}"
        );
    }
    assert!(
        r.errors().iter().any(|l| l.contains("小学U+001B[2J")),
        "the value is shown escaped: {:?}",
        r.errors()
    );
    // `chengguo search` prints titles: from the index, which never holds them.
    fs::remove_file(site.join("content/cases/anli.md")).unwrap();
    let r = common::run(
        tmp.path(),
        &["search".as_ref(), site.as_os_str(), "通知".as_ref()],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(!r.stdout.as_bytes().contains(&0x1b), "{}", r.stdout);
    assert!(r.stdout.contains("通知]0;被改的标题[2J"), "{}", r.stdout);
}

#[test]
fn svg_media_are_published_without_scripts_and_clean_ones_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::sample_site_at(&tmp.path().join("site"));
    let evil = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" onload=\"alert(1)\"><script>alert(2)</script>\
<a xlink:href=\"javascript:alert(3)\"><rect width=\"10\" height=\"10\"/></a><image href=\"https://tracker.example/p.png\"/>\
<foreignObject><body xmlns=\"http://www.w3.org/1999/xhtml\"><iframe src=\"https://x.example\"/></body></foreignObject></svg>";
    w(&site, "content/media/images/evil.svg", evil);
    let out = tmp.path().join("out");
    let r = common::build(tmp.path(), &site, &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.warnings()
            .iter()
            .any(|l| l
                .starts_with("content/media/images/evil.svg:1:1: 警告: SVG 图片中可能运行脚本")),
        "{:?}",
        r.warnings()
    );
    let got = fs::read_to_string(out.join("media/images/evil.svg")).unwrap();
    for bad in [
        "alert",
        "script",
        "javascript",
        "tracker",
        "iframe",
        "foreignObject",
        "onload",
    ] {
        assert!(!got.contains(bad), "{bad} published: {got}");
    }
    assert!(got.contains("<rect width=\"10\" height=\"10\"/>"), "{got}");
    // The sample's own SVGs need nothing removed: byte for byte.
    let mut n = 0;
    for f in files(&site.join("content/media")) {
        if f.extension().is_some_and(|e| e == "svg") && !f.ends_with("evil.svg") {
            let rel = f.strip_prefix(site.join("content")).unwrap();
            assert_eq!(
                fs::read(&f).unwrap(),
                fs::read(out.join(rel)).unwrap(),
                "{}",
                rel.display()
            );
            n += 1;
        }
    }
    assert!(n >= 5, "{n} sample SVGs");
}

#[test]
fn email_autolinks_are_mail_links_not_missing_files() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    w(&site, "site.yaml", "title: 邮件\n");
    w(
        &site,
        "content/pages/about.md",
        "---\ntitle: 关于\n---\n联系 <ban@example.org.cn>\n",
    );
    let out = tmp.path().join("out");
    let r = common::build(tmp.path(), &site, &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.errors().is_empty() && r.warnings().is_empty(),
        "{}",
        r.dump()
    );
    let page = fs::read_to_string(out.join("pages/about.html")).unwrap();
    assert!(
        page.contains("href=\"mailto:ban@example.org.cn\""),
        "{page}"
    );
}

/// Seconds `check` takes on a page whose body is `body`.
fn check_secs(body: &str) -> (f64, common::Run) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    w(&site, "site.yaml", "title: 嵌套\n");
    w(
        &site,
        "content/pages/about.md",
        format!("---\ntitle: 关于\n---\n{body}\n"),
    );
    let t = Instant::now();
    let r = common::check(tmp.path(), &site);
    (t.elapsed().as_secs_f64(), r)
}

#[test]
fn deeply_nested_raw_html_is_refused_in_linear_time() {
    let nest = |n: usize| format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
    // A warm-up run, so the first measurement is not the one that loads the binary.
    let _ = check_secs(&nest(10));
    let (small, r) = check_secs(&nest(10_000));
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(
        r.errors()[0].contains("HTML 标签嵌套超过 256 层"),
        "{:?}",
        r.errors()
    );
    let (big, r) = check_secs(&nest(100_000));
    assert_eq!(r.code, 1);
    // Base cost of a run dominates tiny inputs: compare against a floor.
    assert!(
        big <= 20.0 * small.max(0.05),
        "10× the nesting took {big:.3}s vs {small:.3}s"
    );
    // Many sibling elements are fine and linear too.
    let sib = |n: usize| "<div><span>x</span></div>".repeat(n);
    let (small, r) = check_secs(&sib(10_000));
    assert_eq!(r.code, 0, "{}", r.dump());
    let (big, _) = check_secs(&sib(100_000));
    assert!(
        big <= 20.0 * small.max(0.05),
        "10× the siblings took {big:.3}s vs {small:.3}s"
    );
}
