//! Real-browser tests, run by `cargo test`: build the bundled sample portal
//! once (from a copy of the site, so its search cache never races other
//! builds) and drive Debian's headless Chromium with playwright-core:
//! - `tests/browser/search.test.js`: the search over file:// AND
//!   http://127.0.0.1 (header box, search page, highlighting, facets, paging,
//!   every outcome and case found by title and body words);
//! - `tests/browser/serve.test.js`: `chengguo serve` reloads an open page
//!   after an edit, shows errors as an overlay, recovers; video seeks;
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
        let tmp = tempfile::tempdir().unwrap();
        let site = common::sample_site_at(&tmp.path().join("site"));
        let out = tmp.path().join("public");
        let b = common::build(tmp.path(), &site, &out);
        assert_eq!(b.code, 0, "{}", b.dump());
        (tmp, out)
    })
    .1
}

fn run_node_test(script: &str) {
    run_node(script, &[portal().as_os_str()]);
}

fn run_node(script: &str, args: &[&std::ffi::OsStr]) {
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
        .args(args)
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
fn serve_reloads_open_pages_and_shows_errors_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::sample_site_at(&tmp.path().join("site"));
    run_node(
        "serve.test.js",
        &[std::ffi::OsStr::new(common::BIN), site.as_os_str()],
    );
}

#[test]
fn packed_portal_works_offline_from_the_start_file() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::sample_site_at(&tmp.path().join("site"));
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
    run_node("pack.test.js", &[stick.join("成果门户U盘版").as_os_str()]);
}
