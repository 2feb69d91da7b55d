//! The preview server against hostile clients, through the real binary on a
//! free loopback port: foreign `Host` values (DNS rebinding), many idle
//! connections, malformed ranges, oversized request heads, and a site whose
//! first build fails. Every wait is bounded.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod common;

struct Server {
    child: Child,
    port: u16,
    /// What was printed up to the address line.
    started: String,
    out: mpsc::Receiver<String>,
}

impl Server {
    fn start(site: &Path) -> Server {
        let common::Serving {
            child,
            out,
            started,
            base,
        } = common::start_serve(site, &[]);
        let port = base.rsplit(':').next().unwrap().parse().unwrap();
        Server {
            child,
            port,
            started,
            out,
        }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s
    }

    /// Send raw bytes, read the answer to its end (the server closes).
    fn raw(&self, request: &[u8]) -> Option<Response> {
        let mut s = self.connect();
        let _ = s.write_all(request);
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        Response::parse(&buf)
    }

    fn get_with(&self, path: &str, headers: &str) -> Response {
        self.raw(format!("GET {path} HTTP/1.1\r\n{headers}\r\n").as_bytes())
            .expect("an answer")
    }

    fn get(&self, path: &str) -> Response {
        self.get_with(path, "Host: 127.0.0.1\r\n")
    }

    /// Threads of the server process now.
    fn threads(&self) -> usize {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        s.lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }

    fn printed(&self) -> String {
        let later = self.out.try_iter().collect::<Vec<_>>().join("\n");
        format!("{}{later}", self.started)
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
    fn parse(buf: &[u8]) -> Option<Response> {
        let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        let status = head.split(' ').nth(1)?.parse().ok()?;
        Some(Response {
            status,
            head,
            body: buf[end + 4..].to_vec(),
        })
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

fn sample_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::sample_site_at(&tmp.path().join("site"));
    (tmp, site)
}

#[test]
fn only_requests_naming_this_machine_are_answered() {
    let (_tmp, site) = sample_site();
    let srv = Server::start(&site);
    let port = srv.port;
    for host in [
        "127.0.0.1".to_string(),
        format!("127.0.0.1:{port}"),
        "localhost".to_string(),
        format!("localhost:{port}"),
        "[::1]".to_string(),
        format!("[::1]:{port}"),
    ] {
        let r = srv.get_with("/", &format!("Host: {host}\r\n"));
        assert_eq!(r.status, 200, "{host}: {}", r.head);
        assert!(r.text().contains("live.js"), "{host}");
    }
    // A rebinding page's name, another port, no Host, two Hosts, and a
    // foreign authority in the request target: refused, for pages and the
    // live-reload endpoints alike.
    let foreign = [
        "Host: evil.example\r\n".to_string(),
        format!("Host: evil.example:{port}\r\n"),
        format!("Host: 127.0.0.1.nip.io:{port}\r\n"),
        format!("Host: localhost:{}\r\n", port.wrapping_add(1)),
        String::new(),
        format!("Host: 127.0.0.1:{port}\r\nHost: evil.example\r\n"),
    ];
    for path in [
        "/",
        "/index.html",
        "/__chengguo/status",
        "/__chengguo/live.js",
    ] {
        for h in &foreign {
            let r = srv.get_with(path, h);
            assert_eq!(r.status, 403, "{path} with {h:?}: {}", r.head);
            assert!(r.text().contains("只回应以本机地址"), "{}", r.text());
            assert!(!r.text().contains("generation"), "status leaked");
        }
    }
    let r = srv
        .raw(b"GET http://evil.example/__chengguo/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    assert_eq!(r.status, 403, "{}", r.head);
    let r = srv
        .raw(b"GET /__chengguo/events HTTP/1.1\r\nHost: evil.example\r\n\r\n")
        .unwrap();
    assert_eq!(r.status, 403, "{}", r.head);
    // HTTP/1.0 without Host: refused too.
    let r = srv.raw(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    assert_eq!(r.status, 403, "{}", r.head);
}

#[test]
fn connections_are_bounded_and_idle_ones_do_not_stop_the_server() {
    let (_tmp, site) = sample_site();
    let srv = Server::start(&site);
    for _ in 0..5 {
        assert_eq!(srv.get("/").status, 200);
        assert_eq!(srv.get("/media/video/wuli-shiyan.mp4").status, 200);
    }
    let before = srv.threads();
    // More idle connections (nothing sent) than the server serves at once.
    let idle: Vec<TcpStream> = (0..100).map(|_| srv.connect()).collect();
    // A fresh request is still answered: refused politely while the slots
    // are held.
    let r = srv.get("/");
    assert_eq!(r.status, 503, "{}", r.head);
    assert!(r.text().contains("上限（64 个）"), "{}", r.text());
    assert_eq!(r.header("retry-after").as_deref(), Some("1"));
    let during = srv.threads();
    assert!(
        during <= before + 4,
        "threads grow with connections: {before} before, {during} with 100 idle connections"
    );
    // Once the idle connections are gone, pages are served again.
    drop(idle);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = srv.get("/");
        if r.status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "not serving again: {}", r.head);
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn ranges_follow_rfc_9110_and_oversized_heads_are_harmless() {
    let (_tmp, site) = sample_site();
    let srv = Server::start(&site);
    let video = "/media/video/wuli-shiyan.mp4";
    let full = srv.get(video);
    assert_eq!(full.status, 200);
    let len = full.body.len();
    let range = |spec: &str| srv.get_with(video, &format!("Host: 127.0.0.1\r\nRange: {spec}\r\n"));
    // Not a valid byte range (a sign, last < first, a space): ignored.
    for spec in [
        "bytes=+1-2",
        "bytes=1-+2",
        "bytes=-+2",
        "bytes=5-1",
        "bytes=1 -2",
    ] {
        let r = range(spec);
        assert_eq!(r.status, 200, "{spec}: {}", r.head);
        assert_eq!(r.body, full.body, "{spec}");
    }
    // A last position past the end, however long: to the end.
    let r = range("bytes=10-99999999999999999999999");
    assert_eq!(r.status, 206, "{}", r.head);
    assert_eq!(r.body, full.body[10..]);
    assert_eq!(
        r.header("content-range").unwrap(),
        format!("bytes 10-{}/{len}", len - 1)
    );
    let r = range("bytes=-99999999999999999999999");
    assert_eq!(r.status, 206, "{}", r.head);
    assert_eq!(r.body, full.body);
    // A first position past the end: 416 with the length.
    for spec in ["bytes=99999999999999999999999-", "bytes=-0"] {
        let r = range(spec);
        assert_eq!(r.status, 416, "{spec}: {}", r.head);
        assert_eq!(r.header("content-range").unwrap(), format!("bytes */{len}"));
    }

    // Heads over 16 KiB, one long header or very many: 431 (or closed),
    // never served, and the server goes on.
    let long = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: {}\r\n\r\n",
        "x".repeat(20_000)
    );
    let many = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{}\r\n",
        (0..500)
            .map(|i| format!("X-{i}: y\r\n"))
            .collect::<String>()
    );
    let endless = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: {}",
        "x".repeat(200_000)
    );
    for req in [long, many, endless] {
        if let Some(r) = srv.raw(req.as_bytes()) {
            assert_eq!(r.status, 431, "{}", r.head);
        }
    }
    assert_eq!(srv.get("/").status, 200, "still serving");
}

#[test]
fn a_broken_first_build_shows_its_errors_on_every_page() {
    let (_tmp, site) = sample_site();
    let case = site.join("content/cases/jiangjin-kecheng-lingdaoli.md");
    let text = std::fs::read_to_string(&case).unwrap();
    // An earlier session's good preview is on disk: it must not be shown.
    let r = common::run(
        &site,
        &[
            "build".as_ref(),
            site.as_os_str(),
            "-o".as_ref(),
            site.join(".chengguo-cache/serve").as_os_str(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    let broken = text
        .replacen("date: 2023-12-06", "date: 2023-13-45", 1)
        .replacen("title: 江津区", "title: 【旧】江津区", 1);
    std::fs::write(&case, &broken).unwrap();
    let srv = Server::start(&site);
    for path in [
        "/",
        "/index.html",
        "/cases/jiangjin-kecheng-lingdaoli.html",
        "/nope.html",
    ] {
        let r = srv.get(path);
        assert_eq!(r.status, 503, "{path}: {}", r.head);
        let page = r.text();
        assert!(page.contains("预览还没有生成"), "{page}");
        assert!(page.contains("内容有 1 个错误"), "{page}");
        assert!(
            page.contains("<code>content/cases/jiangjin-kecheng-lingdaoli.md</code>"),
            "{page}"
        );
        assert!(page.contains(">3:7</code> "), "{page}");
        assert!(page.contains("2023-13-45"), "{page}");
        assert!(page.contains("预览会自动出现"), "{page}");
        assert!(page.contains("/__chengguo/live.js?g=0"), "live reload");
        assert!(!page.contains("找不到页面"), "{page}");
    }
    // Styles and media still come from disk or are 404, never the page.
    assert_ne!(srv.get("/favicon.ico").status, 503);
    let status: serde_json::Value =
        serde_json::from_slice(&srv.get("/__chengguo/status").body).unwrap();
    assert_eq!(status["generation"], 0);
    assert!(srv.printed().contains("预览还没有成功生成过"));
    // Fixed: the real pages.
    std::fs::write(&case, &text).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = srv.get("/cases/jiangjin-kecheng-lingdaoli.html");
        if r.status == 200 {
            assert!(r.text().contains("live.js?g=1"));
            assert!(!r.text().contains("【旧】"));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no page after the fix: {}",
            r.head
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
