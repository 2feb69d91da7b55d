//! Real-browser tests, run by `cargo test`: build the bundled sample portal
//! once (from a copy of the site, so its search cache never races other
//! builds) and drive Debian's headless Chromium with playwright-core:
//! - `tests/browser/search.test.js`: the search over file:// AND
//!   http://127.0.0.1 (header box, search page, highlighting, facets, paging,
//!   every outcome and case found by title and body words);
//! - `tests/browser/serve.test.js`: `chengguo serve` reloads an open page
//!   after an edit, shows errors as an overlay, recovers; video seeks;
//! - `tests/browser/a11y.test.js`: axe-core on every page type at 390 and
//!   1280 px, no violation of moderate impact or above;
//! - `tests/browser/images.test.js`: the sample case's photos at 390 px
//!   (DPR 2) and 1280 px: only derived files of the needed width load, within
//!   500 KB / 800 KB, every `<img>` with width and height;
//! - `tests/browser/crawl.test.js`: every page reached by links from
//!   index.html opened from disk, with no failed request, no JavaScript
//!   error and no request outside the portal;
//! - `tests/browser/pack.test.js`: the sample portal packed by `chengguo
//!   pack`, unzipped, opened through 打开门户.html in an offline context:
//!   every kind of page, a listing filter, searches, video metadata and
//!   seeking, a document, printing, and no request other than file://.
//!
//! - `tests/browser/pack.test.js`: the packed sample portal, unzipped, from
//!   its start file in offline Chromium (every page, filter, search, video,
//!   download, print; no request other than file://);
//! - `tests/browser/firefox.test.js`: the same unzipped portal in headless
//!   Firefox ESR (puppeteer-core over WebDriver BiDi).
//!
//! Missing node, npm packages, Chromium or Firefox make these tests FAIL
//! (never skip): `.ci/run` installs them.

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
    let firefox_test = script.starts_with("firefox");
    let (package, env, default, apt) = if firefox_test {
        (
            "puppeteer-core",
            "FIREFOX",
            "/usr/bin/firefox-esr",
            "firefox-esr",
        )
    } else {
        (
            "playwright-core",
            "CHROMIUM",
            "/usr/bin/chromium",
            "chromium",
        )
    };
    assert!(
        browser.join("node_modules").join(package).is_dir(),
        "{package} missing: run `npm ci` in tests/browser (bash .ci/run does)"
    );
    let exe = std::env::var(env).unwrap_or_else(|_| default.into());
    assert!(
        Path::new(&exe).exists(),
        "browser missing at {exe}: apt-get install {apt} (bash .ci/run does)"
    );
    let r = Command::new("node")
        .arg(browser.join(script))
        .args(args)
        .env(env, &exe)
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

/// axe-core on every page type at 390 and 1280 px: no violation of
/// moderate impact or above.
#[test]
fn photos_load_as_small_derived_files_at_phone_and_desktop_width() {
    run_node_test("images.test.js");
}

#[test]
fn every_page_type_passes_axe_core_at_phone_and_desktop_width() {
    run_node_test("a11y.test.js");
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

/// docs/authoring.md's screenshots are made by a script from the real
/// program (new → serve → a wrong date → the error box): it must keep
/// working, here into a temp folder.
#[test]
fn authoring_guide_screenshots_can_be_made() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::sample_site_at(&tmp.path().join("site"));
    let shots = tmp.path().join("shots");
    run_node(
        "screenshots.js",
        &[
            std::ffi::OsStr::new(common::BIN),
            site.as_os_str(),
            shots.as_os_str(),
        ],
    );
    for name in ["preview-home.png", "case-phone.png", "error-box-phone.png"] {
        let b = std::fs::read(shots.join(name)).unwrap();
        assert!(b.starts_with(b"\x89PNG"), "{name}");
        assert!(
            common::repo().join("docs/images").join(name).is_file(),
            "docs/images/{name} missing: node tests/browser/screenshots.js target/release/chengguo <site copy> docs/images"
        );
    }
}

/// The sample portal packed with `chengguo pack` and unzipped (with the zip
/// crate: nothing new needed on CI) into a folder whose path has a space
/// and Chinese, like a Windows desktop: the unzipped top folder.
fn packed() -> &'static Path {
    static TOP: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &TOP.get_or_init(|| {
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
        let stick = tmp.path().join("U 盘");
        zip::ZipArchive::new(std::fs::File::open(&zip).unwrap())
            .unwrap()
            .extract(&stick)
            .unwrap();
        (tmp, stick.join("成果门户U盘版"))
    })
    .1
}

#[test]
fn packed_portal_works_offline_from_the_start_file() {
    run_node("pack.test.js", &[packed().as_os_str()]);
}

#[test]
fn packed_portal_works_in_firefox_from_the_start_file() {
    run_node("firefox.test.js", &[packed().as_os_str()]);
}
