//! Real-browser tests, run by `cargo test`: build the bundled sample portal
//! once (from a copy of the site, so its search cache never races other
//! builds) and drive Debian's headless Chromium with playwright-core:
//! - `tests/browser/search.test.js`: the search over file:// AND
//!   http://127.0.0.1 (header box, search page, highlighting, facets, paging,
//!   every outcome and case found by title and body words);
//! - `tests/browser/crawl.test.js`: every page reached by links from
//!   index.html opened from disk, with no failed request, no JavaScript
//!   error and no request outside the portal;
//! - `tests/browser/pack.test.js`: the sample portal packed by `chengguo
//!   pack`, unzipped, opened through 打开门户.html in an offline context:
//!   every kind of page, a listing filter, searches, video metadata and
//!   seeking, a document, printing, and no request other than file://.
//!
//! Missing node, npm packages or Chromium make these tests FAIL (never
//! skip): `.ci/run` installs them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

mod common;

/// The sample portal, built once for both tests.
fn portal() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| {
        let repo = common::repo();
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        std::fs::copy(repo.join("site.yaml"), site.join("site.yaml")).unwrap();
        common::copy_dir(&repo.join("content"), &site.join("content"));
        let out = tmp.path().join("public");
        let b = common::build(tmp.path(), &site, &out);
        assert_eq!(b.code, 0, "{}", b.dump());
        (tmp, out)
    })
    .1
}

fn run_node_test(script: &str) {
    run_node_test_on(script, portal());
}

fn run_node_test_on(script: &str, dir: &Path) {
    let browser = common::repo().join("tests/browser");
    assert!(
        browser.join("node_modules/playwright-core").is_dir(),
        "playwright-core missing: run `npm ci` in tests/browser (bash .ci/run does)"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "Chromium missing at {chromium}: apt-get install chromium (bash .ci/run does)"
    );
    let r = Command::new("node")
        .arg(browser.join(script))
        .arg(dir)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node must be installed (bash .ci/run installs it)");
    let stdout = String::from_utf8_lossy(&r.stdout);
    let stderr = String::from_utf8_lossy(&r.stderr);
    println!("{stdout}");
    assert!(r.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("all checks passed"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
}

#[test]
fn search_in_headless_chromium_from_file_and_http() {
    run_node_test("search.test.js");
}

#[test]
fn every_page_opens_from_disk_without_failed_requests() {
    run_node_test("crawl.test.js");
}

#[test]
fn packed_portal_works_offline_from_the_start_file() {
    let repo = common::repo();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::copy(repo.join("site.yaml"), site.join("site.yaml")).unwrap();
    common::copy_dir(&repo.join("content"), &site.join("content"));
    let zip = tmp.path().join("成果门户U盘版.zip");
    let r = common::run(
        tmp.path(),
        &[
            "pack".as_ref(),
            site.as_os_str(),
            "-o".as_ref(),
            zip.as_os_str(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    // Unzip with the zip crate (nothing new needed on CI), into a folder
    // whose path has spaces and Chinese, like a Windows desktop.
    let stick = tmp.path().join("U 盘");
    zip::ZipArchive::new(std::fs::File::open(&zip).unwrap())
        .unwrap()
        .extract(&stick)
        .unwrap();
    run_node_test_on("pack.test.js", &stick.join("成果门户U盘版"));
}
