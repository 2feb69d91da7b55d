//! `chengguo new` and `chengguo serve`, driven through the real binary.
//! The preview server is started on a free loopback port and spoken to
//! over real TCP; every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod common;

/// A copy of the bundled sample site in a temp dir.
fn sample_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::sample_site_at(&tmp.path().join("site"));
    (tmp, site)
}

struct Server {
    child: Child,
    base: String,
    out: mpsc::Receiver<String>,
}

impl Server {
    fn start(site: &Path, extra: &[&str]) -> Server {
        let common::Serving {
            child, out, base, ..
        } = common::start_serve(site, extra);
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        Server { child, base, out }
    }

    fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// Send a raw request (the path exactly as given: no client-side
    /// normalisation, unlike browsers and curl).
    fn raw(&self, request: &str) -> Response {
        let mut s = TcpStream::connect(self.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).unwrap();
        Response::parse(&buf)
    }

    fn get(&self, path: &str) -> Response {
        self.raw(&format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
    }

    fn status(&self) -> serde_json::Value {
        serde_json::from_slice(&self.get("/__chengguo/status").body).unwrap()
    }

    /// Wait (bounded) until the status satisfies `ok`.
    fn wait_status(
        &self,
        what: &str,
        ok: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = self.status();
            if ok(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Everything printed so far.
    fn printed(&self) -> String {
        self.out.try_iter().collect::<Vec<_>>().join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Response {
    fn parse(buf: &[u8]) -> Response {
        let end = buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("response head");
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        Response {
            status,
            head,
            body: buf[end + 4..].to_vec(),
        }
    }
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

const CASE: &str = "content/cases/jiangjin-kecheng-lingdaoli.md";
const CASE_URL: &str = "/cases/jiangjin-kecheng-lingdaoli.html";

#[test]
fn serve_answers_rebuilds_shows_errors_and_recovers() {
    let (_tmp, site) = sample_site();
    let srv = Server::start(&site, &[]);

    // Pages, with the live-reload script; files byte for byte.
    let home = srv.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type").unwrap(),
        "text/html; charset=utf-8"
    );
    assert!(
        home.text().contains("/__chengguo/live.js?g=1"),
        "no live script"
    );
    let css = srv.get("/static/style.css");
    assert_eq!(css.status, 200, "{}", css.head);
    assert_eq!(
        css.header("content-type").unwrap(),
        "text/css; charset=utf-8"
    );
    let built_css = std::fs::read(site.join(".chengguo-cache/serve/static/style.css")).unwrap();
    assert_eq!(css.body, built_css);
    let js = srv.get("/static/search.js");
    assert_eq!(
        js.header("content-type").unwrap(),
        "text/javascript; charset=utf-8"
    );
    // The search index follows the pages on its own thread and is served
    // at /search/ and, for the pages served with it, under its number.
    let s = srv.wait_status("the first search export", |s| {
        s["search"].as_u64() > Some(0)
    });
    let first_id = s["search"].as_u64().unwrap();
    let export = site
        .join(".chengguo-cache/serve-search")
        .join(first_id.to_string())
        .join("search");
    let meta = std::fs::read(export.join("meta.js")).unwrap();
    assert_eq!(srv.get("/search/meta.js").body, meta);
    assert_eq!(
        srv.get(&format!("/__chengguo/search/{first_id}/meta.js"))
            .body,
        meta
    );
    let search_page = srv.get("/search.html").text();
    let base = format!("window.chengguoSearchBase=\"/__chengguo/search/{first_id}/\"");
    let at_base = search_page.find(&base).expect("search base set");
    assert!(
        at_base < search_page.find("static/search.js").unwrap(),
        "search base set before the runtime loads"
    );
    assert!(search_page.contains(&format!("live.js?g=1&amp;s={first_id}")));
    // the manifest the search page loads with the runtime: the same export's
    assert!(
        search_page.contains(&format!(
            "<script src=\"/__chengguo/search/{first_id}/meta.js\"></script>"
        )),
        "{search_page}"
    );
    assert!(!search_page.contains("\"search/meta.js\""));
    assert_eq!(srv.get("/__chengguo/search/999999/meta.js").status, 404);
    assert_eq!(srv.get("/__chengguo/search/x/meta.js").status, 404);
    let escape = srv.get(&format!(
        "/__chengguo/search/{first_id}/../../serve/index.html"
    ));
    assert!([403, 404].contains(&escape.status), "{}", escape.head);

    // HEAD: headers only.
    let head = srv.raw("HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length").unwrap(),
        srv.get("/").body.len().to_string()
    );

    // Video with ranges, so that <video> can seek.
    let video = "/media/video/wuli-shiyan.mp4";
    let full = srv.get(video);
    assert_eq!(full.header("content-type").unwrap(), "video/mp4");
    assert_eq!(full.header("accept-ranges").unwrap(), "bytes");
    let part = srv.raw(&format!(
        "GET {video} HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=100-199\r\n\r\n"
    ));
    assert_eq!(part.status, 206);
    assert_eq!(part.body, full.body[100..200]);
    assert_eq!(
        part.header("content-range").unwrap(),
        format!("bytes 100-199/{}", full.body.len())
    );
    let bad = srv.raw(&format!(
        "GET {video} HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=99999999-\r\n\r\n"
    ));
    assert_eq!(bad.status, 416);

    // Nothing outside the preview folder: traversal and symlinks.
    std::fs::write(site.join(".chengguo-cache/secret.txt"), "SECRET-42").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        site.join(".chengguo-cache/secret.txt"),
        site.join(".chengguo-cache/serve/link.txt"),
    )
    .unwrap();
    for p in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/media/../../secret.txt",
        "/..\\secret.txt",
        "/../../site.yaml",
        "/%2e%2e/%2e%2e/site.yaml",
        "/link.txt",
        "/C:/Windows/win.ini",
    ] {
        let r = srv.get(p);
        assert!(r.status == 403 || r.status == 404, "{p}: {}", r.head);
        assert!(!r.text().contains("SECRET-42"), "{p} leaked");
        assert!(!r.text().contains("title:"), "{p} leaked site.yaml");
    }
    assert_eq!(srv.get("/nope.html").status, 404);
    // Malformed requests neither crash nor stop the server.
    for junk in [
        &b"\x00\xff\xfe garbage\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"GET /%ff%fe HTTP/1.1\r\n\r\n",
        b"GET /%zz HTTP/1.1\r\n\r\n",
        b"GET relative/path HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nRange: bytes=-0\r\n\r\n",
        b"GET /media/video/wuli-shiyan.mp4 HTTP/1.1\r\nRange: bytes=18446744073709551615-\r\n\r\n",
        b"",
    ] {
        let mut s = TcpStream::connect(srv.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let _ = s.write_all(junk);
        let _ = s.shutdown(std::net::Shutdown::Write);
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        if !buf.is_empty() {
            let r = Response::parse(&buf);
            assert!(
                [200, 400, 403, 404, 416, 431].contains(&r.status),
                "{}",
                r.head
            );
        }
    }
    let mut s = TcpStream::connect(srv.addr()).unwrap();
    let mut huge = b"GET / HTTP/1.1\r\n".to_vec();
    huge.extend(std::iter::repeat_n(b'x', 64 * 1024));
    let _ = s.write_all(&huge);
    drop(s);
    assert_eq!(srv.get("/").status, 200, "still serving");
    assert_eq!(
        srv.raw("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status,
        405
    );
    // A folder without its slash is redirected (relative links need it).
    let redirect = srv.get("/media");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location").unwrap(), "/media/");

    // Edit a case: rebuilt, and the page shows the change.
    let case = site.join(CASE);
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(
        &case,
        text.replacen("title: 江津区", "title: 【已修改】江津区", 1),
    )
    .unwrap();
    srv.wait_status("rebuild after edit", |s| s["generation"] == 2);
    let page = srv.get(CASE_URL).text();
    assert!(page.contains("【已修改】江津区"));
    assert!(page.contains("live.js?g=2"));
    // The edit reaches the index (on a loaded machine the fix below could
    // otherwise overtake it, and the fixed text is the first one again).
    srv.wait_status("index of the edit", |s| s["indexed"] == 2);

    // Break it: errors located, the last good build still served.
    let broken = text.replacen("date: 2023-12-06", "date: 2023-13-45", 1);
    assert_ne!(broken, text);
    std::fs::write(&case, &broken).unwrap();
    let s = srv.wait_status("errors", |s| !s["errors"].as_array().unwrap().is_empty());
    let e = &s["errors"][0];
    assert_eq!(e["path"], CASE);
    assert_eq!(e["line"], 3);
    assert_eq!(e["col"], 7);
    assert!(e["message"].as_str().unwrap().contains("2023-13-45"));
    assert_eq!(s["generation"], 2);
    assert!(srv.get(CASE_URL).text().contains("【已修改】江津区"));

    // Fix it: errors gone, a new generation.
    std::fs::write(&case, &text).unwrap();
    let s = srv.wait_status("recovery", |s| s["generation"] == 3);
    assert!(s["errors"].as_array().unwrap().is_empty());
    assert!(!srv.get(CASE_URL).text().contains("【已修改】"));

    // site.yaml is watched too.
    let yaml = site.join("site.yaml");
    let cfg = std::fs::read_to_string(&yaml).unwrap();
    let cfg = cfg.replacen("\nsubtitle:", "\n# subtitle:", 1);
    std::fs::write(&yaml, format!("{cfg}\nsubtitle: 预览测试副标题\n")).unwrap();
    srv.wait_status("rebuild after site.yaml", |s| s["generation"] == 4);
    assert!(srv.get("/").text().contains("预览测试副标题"));

    // A theme folder created while serving is watched from then on.
    let css_dir = site.join("themes/default/static");
    std::fs::create_dir_all(&css_dir).unwrap();
    std::fs::write(css_dir.join("style.css"), "/* 覆盖一 */").unwrap();
    srv.wait_status("rebuild after a new themes/ folder", |s| {
        s["generation"] == 5
    });
    assert_eq!(srv.get("/static/style.css").text(), "/* 覆盖一 */");
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(css_dir.join("style.css"), "/* 覆盖二 */").unwrap();
    srv.wait_status("rebuild after editing the new theme file", |s| {
        s["generation"] == 6
    });
    assert_eq!(srv.get("/static/style.css").text(), "/* 覆盖二 */");

    let mut printed = srv.printed();
    assert!(
        printed.contains("2023-13-45"),
        "errors in the terminal: {printed}"
    );
    assert!(printed.contains(&format!("{CASE}:3:7: 错误:")), "{printed}");
    // Pages first, then the index: indexed after the first build, after
    // the edit and after the fix (perhaps by the site.yaml build that
    // overtook it: same documents), not again for the site.yaml and theme
    // edits, which leave the searchable text alone.
    // (The index runs on its own thread: wait until it holds the last
    // page build, and for its line in the terminal.)
    srv.wait_status("index caught up", |s| s["indexed"] == s["generation"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    // (printed() hands over what came since the last call.)
    loop {
        printed.push('\n');
        printed.push_str(&srv.printed());
        if printed.matches("搜索索引已更新").count() >= 3 || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let updates = printed.matches("搜索索引已更新").count();
    assert_eq!(updates, 3, "{printed}");
    // Never stale: the export served in the end is byte for byte what
    // `chengguo build` writes for the same content; the previous export a
    // page may still read is kept, older ones removed.
    let out = tempfile::tempdir().unwrap();
    let run = common::build(&site, &site, &out.path().join("public"));
    assert_eq!(run.code, 0, "{}", run.dump());
    let built = common::tree(&out.path().join("public/search"));
    assert!(!built.is_empty());
    let deadline = Instant::now() + Duration::from_secs(30);
    let served = loop {
        let id = srv.status()["search"].as_u64().unwrap();
        let dir = site
            .join(".chengguo-cache/serve-search")
            .join(id.to_string())
            .join("search");
        if common::tree(&dir) == built {
            break id;
        }
        assert!(
            Instant::now() < deadline,
            "the served search export {id} never became what `chengguo build` writes"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(served > first_id);
    let s = srv.status();
    assert_eq!(
        s["indexed"], s["generation"],
        "the search is of the last build: {s}"
    );
    assert_eq!(
        srv.get(&format!("/__chengguo/search/{first_id}/meta.js"))
            .status,
        200,
        "the export pages opened earlier read is kept"
    );
    let exports = std::fs::read_dir(site.join(".chengguo-cache/serve-search"))
        .unwrap()
        .count();
    assert!(exports <= 3, "old search exports are removed ({exports})");

    // public/ is never written by serve.
    assert!(!site.join("public").exists());
}

#[test]
fn serve_events_stream_and_ctrl_c() {
    let (_tmp, site) = sample_site();
    let mut srv = Server::start(&site, &["--poll"]);
    // The event stream sends the current status at once.
    let mut s = TcpStream::connect(srv.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /__chengguo/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut r = BufReader::new(s);
    let mut seen = String::new();
    while !seen.contains("\"generation\":1") {
        let mut l = String::new();
        assert!(r.read_line(&mut l).unwrap() > 0, "stream closed: {seen}");
        seen.push_str(&l);
    }
    assert!(seen.contains("text/event-stream"), "{seen}");
    // With --poll, an edit still arrives as an event.
    let case = site.join(CASE);
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(
        &case,
        text.replacen("title: 江津区", "title: 轮询江津区", 1),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !seen.contains("\"generation\":2") {
        assert!(
            Instant::now() < deadline,
            "no event after edit: {seen}\n{}",
            srv.printed()
        );
        let mut l = String::new();
        let _ = r.read_line(&mut l);
        seen.push_str(&l);
    }

    // Ctrl-C stops it cleanly.
    let pid = srv.child.id().to_string();
    let ok = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(ok.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(st) = srv.child.try_wait().unwrap() {
            break st.code();
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(0));
    std::thread::sleep(Duration::from_millis(200));
    assert!(srv.printed().contains("已停止预览服务"));
}

#[test]
fn serve_refuses_a_busy_port_and_a_non_site() {
    let tmp = tempfile::tempdir().unwrap();
    let r = common::run(tmp.path(), &["serve".as_ref(), tmp.path().as_os_str()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("找不到 site.yaml"), "{}", r.dump());

    let (_t, site) = sample_site();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let r = common::run(
        tmp.path(),
        &[
            "serve".as_ref(),
            site.as_os_str(),
            "--port".as_ref(),
            port.as_ref(),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(r.stderr.contains("端口可能已被占用"), "{}", r.dump());
}

/// The required fields `chengguo new` leaves empty, filled in the way the
/// comments say.
fn fill(kind: &str, text: &str) -> String {
    let mut t = text.to_string();
    let set = |t: &mut String, key: &str, value: &str| {
        let start = t
            .find(&format!("\n{key}"))
            .unwrap_or_else(|| panic!("{key} in\n{t}"))
            + 1;
        let end = start + t[start..].find('\n').unwrap();
        t.replace_range(start..end, &format!("{key} {value}"));
    };
    match kind {
        "outcome" => {
            set(&mut t, "  year:", "2022");
            set(&mut t, "  level:", "一等奖");
            set(&mut t, "holder:", "shili-jiaoyanshi");
            set(&mut t, "province:", "四川省");
            set(&mut t, "stages:", "[小学]");
        }
        "holder" | "region" => set(&mut t, "province:", "重庆市"),
        "case" => set(&mut t, "outcomes:", "[shili-zuoye-sheji]"),
        _ => {}
    }
    // The body's placeholder text, as a writer replaces it.
    for p in chengguo::new::PLACEHOLDERS {
        t = t.replace(p, "正文内容。");
    }
    t
}

/// `chengguo new KIND TITLE SITE`.
fn new(cwd: &Path, kind: &str, title: &str, site: &std::ffi::OsStr) -> common::Run {
    common::run(cwd, &["new".as_ref(), kind.as_ref(), title.as_ref(), site])
}

#[test]
fn new_writes_a_template_for_each_kind_that_builds_once_filled() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let r = common::run(tmp.path(), &["init".as_ref(), site.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.dump());
    let title = "聚奎中学借助上海教研范式打造二精课堂";
    let mut files = Vec::new();
    for kind in ["outcome", "holder", "region", "case", "notice", "page"] {
        let r = new(tmp.path(), kind, title, site.as_os_str());
        assert_eq!(r.code, 0, "{}", r.dump());
        let path = PathBuf::from(
            r.stdout
                .lines()
                .next()
                .unwrap()
                .split_once('：')
                .unwrap()
                .1
                .trim(),
        );
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(stem.starts_with("jukui-zhongxue-"), "{stem}");
        assert!(stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(&format!("title: {title}")), "{text}");
        assert!(text.contains("【必填】"), "{text}");
        files.push((kind, path, text));
    }
    // Case and notice carry today's date.
    for (kind, _, text) in &files {
        let has_date = text.lines().any(|l| {
            l.strip_prefix("date: ").is_some_and(|d| {
                d.len() >= 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-'
            })
        });
        assert_eq!(
            has_date,
            matches!(*kind, "case" | "notice"),
            "{kind}: {text}"
        );
    }

    // Unfilled: the build names every empty required field at its line.
    let r = common::check(tmp.path(), &site);
    assert_eq!(r.code, 1, "{}", r.dump());
    let outcome_rel = format!(
        "content/outcomes/{}",
        files[0].1.file_name().unwrap().to_string_lossy()
    );
    let outcome_text = &files[0].2;
    let line_of = |key: &str| {
        outcome_text
            .lines()
            .position(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key}"))
            + 1
    };
    for (key, field) in [
        ("  year:", "award.year"),
        ("  level:", "award.level"),
        ("holder:", "holder"),
        ("province:", "province"),
        ("stages:", "stages"),
    ] {
        let at = format!("{outcome_rel}:{}:", line_of(key));
        assert!(
            r.errors()
                .iter()
                .any(|e| e.starts_with(&at) && e.contains(field)),
            "{field} at {at}: {}",
            r.dump()
        );
    }

    // Filled in: builds without errors (and the case without warnings).
    for (kind, path, text) in &files {
        std::fs::write(path, fill(kind, text)).unwrap();
    }
    let out = tmp.path().join("out");
    let r = common::build(tmp.path(), &site, &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(r.warnings().is_empty(), "{}", r.dump());
    let case_stem = files[3]
        .1
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let page = std::fs::read_to_string(out.join(format!("cases/{case_stem}.html"))).unwrap();
    assert!(page.contains(title));

    // Never overwrites: the same title again gets a suffix.
    let before = std::fs::read_to_string(&files[3].1).unwrap();
    let r = new(tmp.path(), "case", title, site.as_os_str());
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.stdout.contains(&format!("{case_stem}-2.md")),
        "{}",
        r.dump()
    );
    assert_eq!(std::fs::read_to_string(&files[3].1).unwrap(), before);
}

#[test]
fn new_reports_mistakes_in_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    common::run(tmp.path(), &["init".as_ref(), site.as_os_str()]);
    let r = new(tmp.path(), "caes", "标题", site.as_os_str());
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("未知的记录类型“caes”"), "{}", r.dump());
    let r = new(
        tmp.path(),
        "case",
        "标题",
        tmp.path().join("nosite").as_os_str(),
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("找不到 site.yaml"), "{}", r.dump());
    let r = new(tmp.path(), "case", " ", site.as_os_str());
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("标题不能为空"), "{}", r.dump());
    // A title that is all punctuation still gets a valid id; a title with
    // YAML-special characters is quoted.
    let r = new(tmp.path(), "notice", "“通知: 第1号”", site.as_os_str());
    assert_eq!(r.code, 0, "{}", r.dump());
    let r = common::check(tmp.path(), &site);
    assert_eq!(r.code, 0, "{}", r.dump());
    let r = new(tmp.path(), "page", "——", site.as_os_str());
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(site.join("content/pages/jilu.md").is_file());
    // Usage errors exit 2.
    let r = common::run(tmp.path(), &["new".as_ref(), "case".as_ref()]);
    assert_eq!(r.code, 2, "{}", r.dump());
}
