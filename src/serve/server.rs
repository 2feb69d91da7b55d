//! The preview's HTTP server: hyper (HTTP/1.1) on a single-threaded tokio
//! runtime in one thread of its own, so the number of threads does not grow
//! with the number of connections.
//!
//! - At most [`MAX_CONNECTIONS`] connections are served at once (open pages
//!   keep one each for live reload); a connection beyond that gets a short
//!   503 and is closed (at most as many of those again at a time, each
//!   given [`REFUSE_TIMEOUT`] for its request; beyond that new connections
//!   wait in the kernel's queue until one of those is done).
//! - A request head must arrive within [`HEAD_TIMEOUT`] and fit in
//!   [`MAX_HEAD`] bytes (hyper answers 431 otherwise); one request per
//!   connection.
//! - Only `Host` values naming this machine are answered
//!   ([`http::host_allowed`]), everything else gets 403 — also the
//!   live-reload endpoints.
//! - Files are read on tokio's blocking pool (at most [`BLOCKING_THREADS`]
//!   threads) in chunks, so a slow reader holds no thread.

use std::convert::Infallible;
use std::io::{self, Read, Seek, SeekFrom};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{mpsc, Semaphore};

use super::http::{self, Resolved};
use super::{broken, inject, Shared, LIVE_JS};

/// Connections served at the same time.
pub const MAX_CONNECTIONS: usize = 64;
/// Largest request head (request line and headers) accepted.
pub const MAX_HEAD: usize = 16 * 1024;
/// Time a client has to send its request head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a connection beyond [`MAX_CONNECTIONS`] has to send its request
/// head before it is closed instead of answered with 503.
pub const REFUSE_TIMEOUT: Duration = Duration::from_secs(2);
/// Threads reading files.
pub const BLOCKING_THREADS: usize = 4;
/// Bytes read from a file at a time.
const CHUNK: usize = 64 * 1024;
/// Interval of the comment line that keeps an event stream open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What the request handlers need.
struct Ctx {
    root: PathBuf,
    port: u16,
    shared: Arc<Shared>,
}

/// Serve `root` on `listener` from a thread of its own, for as long as the
/// process runs.
pub(super) fn spawn(
    listener: std::net::TcpListener,
    root: PathBuf,
    shared: Arc<Shared>,
) -> io::Result<()> {
    let port = listener.local_addr()?.port();
    listener.set_nonblocking(true)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .max_blocking_threads(BLOCKING_THREADS)
        .build()?;
    let ctx = Arc::new(Ctx { root, port, shared });
    std::thread::Builder::new()
        .name("chengguo-http".into())
        .spawn(move || rt.block_on(accept(listener, ctx)))?;
    Ok(())
}

async fn accept(listener: std::net::TcpListener, ctx: Arc<Ctx>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    let serving = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let refusing = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(_) => {
                // Out of file descriptors and the like: wait, try again.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let local = stream.local_addr().ok();
        if let Ok(permit) = Arc::clone(&serving).try_acquire_owned() {
            let ctx = Arc::clone(&ctx);
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| {
                    let ctx = Arc::clone(&ctx);
                    async move { Ok::<_, Infallible>(handle(req, &ctx, local).await) }
                });
                let _ = builder().serve_connection(TokioIo::new(stream), svc).await;
                drop(permit);
            });
        } else {
            // Beyond the refusals too: wait (the next connections queue in
            // the kernel) until a refusal is done, within REFUSE_TIMEOUT.
            let Ok(permit) = Arc::clone(&refusing).acquire_owned().await else {
                return;
            };
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(|_req| async {
                    let mut r = text(
                        StatusCode::SERVICE_UNAVAILABLE,
                        &format!(
                            "预览服务同时打开的连接已达上限（{MAX_CONNECTIONS} 个），请稍后刷新；可关闭一些预览页面"
                        ),
                    );
                    r.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                    Ok::<_, Infallible>(r)
                });
                let _ = builder()
                    .header_read_timeout(REFUSE_TIMEOUT)
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
                drop(permit);
            });
        }
    }
}

fn builder() -> hyper::server::conn::http1::Builder {
    let mut b = hyper::server::conn::http1::Builder::new();
    b.timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_header_size(MAX_HEAD)
        .max_buf_size(MAX_HEAD.max(8192))
        .keep_alive(false)
        .title_case_headers(true);
    b
}

/// A response body: bytes at once, or chunks from a task (file, events).
pub enum Body {
    Bytes(Option<Bytes>),
    Stream(mpsc::Receiver<io::Result<Bytes>>),
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            Body::Bytes(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Body::Stream(rx) => rx.poll_recv(cx).map(|o| o.map(|r| r.map(Frame::data))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Bytes(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Bytes(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Body::Stream(_) => SizeHint::default(),
        }
    }
}

/// A complete response with the headers every answer carries.
fn full(status: StatusCode, ctype: &'static str, body: impl Into<Bytes>) -> Response<Body> {
    let body = body.into();
    let mut r = Response::new(Body::Bytes(Some(body)));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

fn text(status: StatusCode, msg: &str) -> Response<Body> {
    full(status, "text/plain; charset=utf-8", msg.to_string())
}

fn html(status: StatusCode, body: Vec<u8>) -> Response<Body> {
    full(status, "text/html; charset=utf-8", body)
}

/// What a request asks for, taken from it before anything is awaited.
struct Asked {
    method: Method,
    /// The `Host` header and the request target's authority (if given) name
    /// this machine.
    host_ok: bool,
    path: String,
    query: String,
    range: Option<String>,
}

impl Asked {
    fn of(req: &Request<Incoming>, port: u16, local: Option<SocketAddr>) -> Asked {
        let local = local.map(|l| l.ip());
        let mut hosts = req.headers().get_all(header::HOST).iter();
        let host = match (hosts.next(), hosts.next()) {
            (Some(h), None) => h.to_str().ok(),
            _ => None,
        };
        let authority_ok = req
            .uri()
            .authority()
            .is_none_or(|a| http::host_allowed(Some(a.as_str()), port, local));
        Asked {
            method: req.method().clone(),
            host_ok: authority_ok && http::host_allowed(host, port, local),
            path: http::percent_decode(req.uri().path()).unwrap_or_else(|| "\0".into()),
            query: req.uri().query().unwrap_or("").to_string(),
            range: req
                .headers()
                .get(header::RANGE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        }
    }
}

async fn handle(req: Request<Incoming>, ctx: &Ctx, local: Option<SocketAddr>) -> Response<Body> {
    let asked = Asked::of(&req, ctx.port, local);
    drop(req);
    let head = asked.method == Method::HEAD;
    let mut r = route(&asked, ctx).await;
    if head {
        // Headers as for GET, no body.
        if let Body::Bytes(Some(b)) = r.body() {
            let len = b.len();
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        }
        *r.body_mut() = Body::Bytes(None);
    }
    r
}

async fn route(asked: &Asked, ctx: &Ctx) -> Response<Body> {
    // DNS rebinding: only this machine's names.
    if !asked.host_ok {
        return text(
            StatusCode::FORBIDDEN,
            "禁止访问：预览服务只回应以本机地址（127.0.0.1、localhost 或 [::1]）打开的请求",
        );
    }
    let head = asked.method == Method::HEAD;
    if asked.method != Method::GET && !head {
        let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "只支持 GET 与 HEAD");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let path = &asked.path;
    let query = &asked.query;
    let shared = &ctx.shared;
    match path.as_str() {
        "/__chengguo/live.js" => {
            return full(StatusCode::OK, "text/javascript; charset=utf-8", LIVE_JS)
        }
        "/__chengguo/status" => {
            let body = serde_json::to_vec(&shared.status()).unwrap_or_default();
            return full(StatusCode::OK, "application/json; charset=utf-8", body);
        }
        "/__chengguo/events" => return events(shared, head),
        _ => {}
    }
    let status = shared.status();
    let built = status.generation > 0;
    // `/search/…` is the current export; `/__chengguo/search/<id>/…` the
    // export a page was served with (kept while it is among the newest).
    let export = shared.search();
    let (root, p) = match search_path(path) {
        Some((id, rest)) => match export.as_ref().and_then(|e| e.sibling(id)) {
            Some(dir) => (dir, format!("/search/{rest}")),
            None => {
                return text(
                    StatusCode::NOT_FOUND,
                    "找不到文件：这个搜索索引已被更新的索引取代，请刷新页面",
                )
            }
        },
        None => match export.as_ref().filter(|_| path.starts_with("/search/")) {
            Some(e) => (e.dir.clone(), path.to_string()),
            None => (ctx.root.clone(), path.to_string()),
        },
    };
    let search = export.map_or(0, |e| e.id);
    let resolved = tokio::task::spawn_blocking(move || http::resolve(&root, &p))
        .await
        .unwrap_or(Resolved::NotFound);
    // No build has succeeded in this session: every page is the list of
    // errors (an older preview on disk may be of other content).
    if !built && wants_page(path, &resolved) {
        return html(
            StatusCode::SERVICE_UNAVAILABLE,
            inject(broken::page(&status.errors).as_bytes(), 0, 0),
        );
    }
    match resolved {
        Resolved::File(p) => {
            if http::content_type(&p).starts_with("text/html") {
                match read(p).await {
                    Ok(page) => html(StatusCode::OK, inject(&page, status.generation, search)),
                    Err(_) => not_found(ctx, status.generation, search).await,
                }
            } else {
                send_file(p, asked.range.as_deref(), head)
                    .await
                    .unwrap_or_else(|_| text(StatusCode::NOT_FOUND, "找不到文件"))
            }
        }
        Resolved::AddSlash => {
            let mut loc = format!("{}/", encode_path(path));
            if !query.is_empty() {
                loc.push('?');
                loc.push_str(query);
            }
            let mut r = full(
                StatusCode::MOVED_PERMANENTLY,
                "text/plain; charset=utf-8",
                Bytes::new(),
            );
            if let Ok(v) = HeaderValue::from_str(&loc) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Resolved::Forbidden => text(StatusCode::FORBIDDEN, "禁止访问：只能访问预览目录中的文件"),
        Resolved::NotFound => not_found(ctx, status.generation, search).await,
    }
}

/// Whether a request asks for a page (an HTML file, a folder, or a path
/// that is not there and looks like a page) rather than a style, script or
/// media file.
fn wants_page(path: &str, resolved: &Resolved) -> bool {
    match resolved {
        Resolved::File(p) => http::content_type(p).starts_with("text/html"),
        Resolved::NotFound => {
            let last = path.rsplit('/').next().unwrap_or("");
            match last.rsplit_once('.') {
                None => true,
                Some((_, ext)) => {
                    ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm")
                }
            }
        }
        Resolved::AddSlash | Resolved::Forbidden => false,
    }
}

async fn read(p: PathBuf) -> io::Result<Vec<u8>> {
    tokio::task::spawn_blocking(move || std::fs::read(p))
        .await
        .unwrap_or_else(|e| Err(io::Error::other(e)))
}

async fn not_found(ctx: &Ctx, generation: u64, search: u64) -> Response<Body> {
    let page = match read(ctx.root.join("404.html")).await {
        Ok(page) => page,
        Err(_) => "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>找不到页面</title><body><p>找不到页面。</p></body></html>".into(),
    };
    html(StatusCode::NOT_FOUND, inject(&page, generation, search))
}

/// `/__chengguo/search/<id>/<rest>` → `(id, rest)`.
fn search_path(path: &str) -> Option<(u64, &str)> {
    let tail = path.strip_prefix("/__chengguo/search/")?;
    let (id, rest) = tail.split_once('/')?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((id.parse().ok()?, rest))
}

/// Percent-encode a decoded path for a `Location` header.
fn encode_path(p: &str) -> String {
    let mut s = String::new();
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// A file (or the requested byte range of it), streamed in chunks.
async fn send_file(path: PathBuf, range: Option<&str>, head: bool) -> io::Result<Response<Body>> {
    let ctype = http::content_type(&path);
    let (file, len) = {
        let path = path.clone();
        tokio::task::spawn_blocking(move || -> io::Result<(std::fs::File, u64)> {
            let f = std::fs::File::open(path)?;
            let len = f.metadata()?.len();
            Ok((f, len))
        })
        .await
        .map_err(io::Error::other)??
    };
    let (status, start, count) = match range.map(|h| http::parse_range(h, len)) {
        None | Some(Ok(None)) => (StatusCode::OK, 0, len),
        Some(Ok(Some((s, e)))) => (StatusCode::PARTIAL_CONTENT, s, e - s + 1),
        Some(Err(())) => {
            let mut r = text(StatusCode::RANGE_NOT_SATISFIABLE, "请求的范围无效");
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(r);
        }
    };
    let body = if head || count == 0 {
        Body::Bytes(None)
    } else {
        Body::Stream(stream_file(file, start, count))
    };
    let mut r = Response::new(body);
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(count));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if status == StatusCode::PARTIAL_CONTENT {
        let end = start + count - 1;
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")) {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    Ok(r)
}

/// `count` bytes of `file` from `start`, read one chunk at a time on the
/// blocking pool; the task ends when the client is gone.
fn stream_file(file: std::fs::File, start: u64, count: u64) -> mpsc::Receiver<io::Result<Bytes>> {
    let (tx, rx) = mpsc::channel(2);
    tokio::spawn(async move {
        let mut file = Some(file);
        let mut left = count;
        let mut first = true;
        while left > 0 {
            let Some(mut f) = file.take() else { break };
            let n = left.min(CHUNK as u64) as usize;
            let seek = first.then_some(start);
            first = false;
            let read = tokio::task::spawn_blocking(move || {
                let r = (|| {
                    if let Some(s) = seek {
                        f.seek(SeekFrom::Start(s))?;
                    }
                    let mut buf = vec![0; n];
                    f.read_exact(&mut buf)?;
                    Ok(buf)
                })();
                (f, r)
            })
            .await;
            let Ok((f, r)) = read else { break };
            file = Some(f);
            let r: io::Result<Vec<u8>> = r;
            match r {
                Ok(buf) => {
                    left -= n as u64;
                    if tx.send(Ok(Bytes::from(buf))).await.is_err() {
                        break;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e)).await;
                    break;
                }
            }
        }
    });
    rx
}

/// Server-sent events: the current status now, then every change, with a
/// comment line every [`KEEP_ALIVE`] to keep the connection (and notice a
/// closed tab).
fn events(shared: &Arc<Shared>, head: bool) -> Response<Body> {
    let body = if head {
        Body::Bytes(None)
    } else {
        let (tx, rx) = mpsc::channel(2);
        let mut status = shared.status.subscribe();
        tokio::spawn(async move {
            loop {
                let s = status.borrow_and_update().clone();
                let data = serde_json::to_string(&s).unwrap_or_default();
                let msg = format!("event: status\ndata: {data}\n\n");
                if tx.send(Ok(Bytes::from(msg))).await.is_err() {
                    return;
                }
                loop {
                    match tokio::time::timeout(KEEP_ALIVE, status.changed()).await {
                        Ok(Ok(())) => break,
                        Ok(Err(_)) => return,
                        Err(_) => {
                            let ping = Bytes::from_static(b": keep-alive\n\n");
                            if tx.send(Ok(ping)).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            }
        });
        Body::Stream(rx)
    };
    let mut r = Response::new(body);
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn pages_and_other_files() {
        let nf = Resolved::NotFound;
        assert!(wants_page("/", &nf));
        assert!(wants_page("/cases/x.html", &nf));
        assert!(wants_page("/cases/", &nf));
        assert!(wants_page("/cases", &nf));
        assert!(!wants_page("/static/style.css", &nf));
        assert!(!wants_page("/favicon.ico", &nf));
        assert!(wants_page("/a.b/c.HTM", &nf));
        assert!(!wants_page("/x.html", &Resolved::Forbidden));
        assert!(wants_page(
            "/x.html",
            &Resolved::File(Path::new("/r/x.html").to_path_buf())
        ));
        assert!(!wants_page(
            "/x.css",
            &Resolved::File(Path::new("/r/x.css").to_path_buf())
        ));
    }
}
