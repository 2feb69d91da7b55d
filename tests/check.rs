//! `chengguo check`: beyond the build's errors it lists external addresses
//! (without touching the network), pages that need the internet, images
//! without alt text and records nothing refers to; text and JSON output;
//! exit codes 0 (clean), 1 (errors), 2 (usage).

mod common;

use common::{fixture, run};

#[test]
fn check_lists_external_urls_alt_less_images_and_orphans() {
    let t = tempfile::tempdir().unwrap();
    let site = fixture("check-audit");
    let r = common::check(t.path(), &site);
    assert_eq!(r.code, 0, "{}", r.dump());
    let out = &r.stdout;
    for line in [
        "外部网址（共 4 处；检查时不访问网络）：",
        "  content/holders/yi.md:4:10: https://jy.example.cn/（website）",
        "  content/notices/tongzhi.md:6:10: https://www.moe.gov.cn/fujian1.doc（attachments.src，页面内容需联网）",
        "  content/outcomes/shipin.md:10:10: https://video.example.cn/a.mp4（media.src，页面内容需联网）",
        "  content/outcomes/shipin.md:14:3: https://project.example.cn/intro（正文链接）",
        "  notices/tongzhi.html  附件在外网的通知（content/notices/tongzhi.md）：https://www.moe.gov.cn/fujian1.doc",
        "  outcomes/shipin.html  视频资料在外网的成果（content/outcomes/shipin.md）：https://video.example.cn/a.mp4",
        "  content/outcomes/shipin.md:16:1",
        "  content/outcomes/shipin.md:18:1",
        "  content/holders/gu.md  成果持有方“孤立的持有方”：没有成果以它为持有方，正文中也没有链接到它",
        "汇总：5 条记录，32 个页面；错误 0 个，警告 0 个；外部网址 4 处，需联网页面 2 个，缺少替代文字的图片 2 张，未被引用的记录 1 条",
    ] {
        assert!(out.lines().any(|l| l == line), "missing line {line:?}\n{}", r.dump());
    }
    // The image with alt text (line 20) is not listed; the referenced
    // holder and outcome are not orphans.
    assert!(!out.contains("shipin.md:20:"), "{out}");
    assert!(!out.contains("content/holders/yi.md  成果持有方"), "{out}");
    assert!(!out.contains("content/outcomes/shipin.md  成果"), "{out}");
}

/// `chengguo check FIXTURE --format json`: its exit code and parsed output.
fn check_json(cwd: &std::path::Path, name: &str, code: i32) -> serde_json::Value {
    let r = run(
        cwd,
        &[
            "check".as_ref(),
            fixture(name).as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ],
    );
    assert_eq!(r.code, code, "{}", r.dump());
    serde_json::from_str(r.stdout.trim()).expect(&r.stdout)
}

#[test]
fn check_json_is_one_object_for_ci() {
    let t = tempfile::tempdir().unwrap();
    let v = check_json(t.path(), "check-audit", 0);
    assert_eq!(v["ok"], true);
    assert_eq!(v["summary"]["records"], 5);
    assert_eq!(v["summary"]["external"], 4);
    assert_eq!(v["summary"]["needs_internet"], 2);
    assert_eq!(v["summary"]["images_without_alt"], 2);
    assert_eq!(v["summary"]["orphans"], 1);
    let ext = v["external"].as_array().unwrap();
    assert!(ext
        .iter()
        .any(|e| e["url"] == "https://video.example.cn/a.mp4"
            && e["needs_internet"] == true
            && e["line"] == 10
            && e["col"] == 10
            && e["page"] == "outcomes/shipin.html"));
    assert_eq!(v["orphans"][0]["id"], "gu");

    // Errors: exit 1, located in JSON.
    let v = check_json(t.path(), "bad-date", 1);
    assert_eq!(v["ok"], false);
    let e = &v["errors"][0];
    assert!(e["path"].as_str().unwrap().starts_with("content/"), "{e}");
    assert!(
        e["line"].as_u64().unwrap() > 0 && e["col"].as_u64().unwrap() > 0,
        "{e}"
    );
    assert!(e["message"]
        .as_str()
        .unwrap()
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
}

#[test]
fn check_exit_codes() {
    let t = tempfile::tempdir().unwrap();
    let clean = common::check(t.path(), &fixture("valid"));
    assert_eq!(clean.code, 0, "{}", clean.dump());
    assert!(clean.stdout.contains("汇总："), "{}", clean.dump());
    let bad = common::check(t.path(), &fixture("bad-date"));
    assert_eq!(bad.code, 1, "{}", bad.dump());
    let usage = run(
        t.path(),
        &[
            "check".as_ref(),
            fixture("valid").as_os_str(),
            "--format".as_ref(),
            "xml".as_ref(),
        ],
    );
    assert_eq!(usage.code, 2, "{}", usage.dump());
    assert!(usage.stderr.contains("“xml”无效"), "{}", usage.dump());
    // The bundled sample site is clean: no external addresses, every image
    // described, every record referred to.
    let sample = common::check(t.path(), common::repo());
    assert_eq!(sample.code, 0, "{}", sample.dump());
    assert!(
        sample.stdout.contains(
            "外部网址 0 处，需联网页面 0 个，缺少替代文字的图片 0 张，未被引用的记录 0 条"
        ),
        "{}",
        sample.dump()
    );
}

#[test]
fn external_addresses_are_linked_as_is_and_marked() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let r = common::build(t.path(), &fixture("check-audit"), &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    let notice = std::fs::read_to_string(out.join("notices/tongzhi.html")).unwrap();
    assert!(
        notice.contains("<a href=\"https://www.moe.gov.cn/fujian1.doc\" rel=\"noopener\">附件1</a> <span class=\"note\">（外部链接，需联网）</span>"),
        "{notice}"
    );
    let holder = std::fs::read_to_string(out.join("holders/yi.html")).unwrap();
    assert!(holder.contains("（外部网站，需联网）"), "{holder}");
    let css = std::fs::read_to_string(out.join("static/style.css")).unwrap();
    assert!(
        css.contains(".prose a[href^=\"https://\"]::after"),
        "body links are marked by the stylesheet"
    );
}
