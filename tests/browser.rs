//! Real-browser test, run by `cargo test`: builds the bundled sample portal
//! (from a copy of the site, so its search cache never races other builds)
//! and runs `tests/browser/search.test.js` against it, which drives Debian's
//! headless Chromium with playwright-core over file:// AND http://127.0.0.1.
//! Missing node, npm packages or Chromium make this test FAIL (never skip):
//! `.ci/run` installs them.

use std::path::Path;
use std::process::Command;

mod common;

#[test]
fn search_in_headless_chromium_from_file_and_http() {
    let repo = common::repo();
    let browser = repo.join("tests/browser");
    assert!(
        browser.join("node_modules/playwright-core").is_dir(),
        "playwright-core missing: run `npm ci` in tests/browser (bash .ci/run does)"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "Chromium missing at {chromium}: apt-get install chromium (bash .ci/run does)"
    );

    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::copy(repo.join("site.yaml"), site.join("site.yaml")).unwrap();
    common::copy_dir(&repo.join("content"), &site.join("content"));
    let out = tmp.path().join("public");
    let b = common::run(
        tmp.path(),
        &[
            "build".as_ref(),
            site.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ],
    );
    assert_eq!(b.code, 0, "{}", b.dump());

    let r = Command::new("node")
        .arg(browser.join("search.test.js"))
        .arg(&out)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node must be installed (bash .ci/run installs it)");
    let stdout = String::from_utf8_lossy(&r.stdout);
    let stderr = String::from_utf8_lossy(&r.stderr);
    println!("{stdout}");
    assert!(
        r.status.success(),
        "browser checks failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("all checks passed"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
}
