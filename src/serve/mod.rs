//! `chengguo serve`: build, serve the portal on loopback, watch the site and
//! rebuild on change, and reload open pages.
//!
//! - The preview is built into `.chengguo-cache/serve/` with the normal
//!   pipeline ([`crate::build::run_with`]): the first build through a
//!   staging folder and an atomic swap, later ones incrementally with a
//!   [`crate::incr::Memo`] kept across rebuilds (only the files whose key
//!   changed are rendered and moved into place, vanished ones deleted), so
//!   `public/` is never touched and a failed rebuild leaves the last good
//!   preview.
//! - [`server`] (hyper) serves that folder by the rules of [`http`] (only
//!   to `Host` values naming this machine). Every HTML page gets one script tag
//!   (`/__chengguo/live.js?g=<generation>`) added before `</body>`; the
//!   script listens on `/__chengguo/events` (server-sent events) and reloads
//!   the page when a newer build is ready, or shows the build's errors as an
//!   overlay (grouped by file: line, column, message) while the content is
//!   broken. Until a build of this session succeeds, every page request gets
//!   a page listing the errors instead (`broken`). The files on disk are
//!   exactly what `chengguo build` writes.
//! - A rebuild writes the pages first (the build without its search stage)
//!   and tells open pages to reload; the search documents then go to the
//!   [`index`] thread, which updates the index and exports it into a
//!   numbered folder under `.chengguo-cache/serve-search/` while the next
//!   page rebuilds go on. `/search/` switches to a new export in one step;
//!   a page is served with the number of the export current then and reads
//!   only that one (`/__chengguo/search/<id>/`), and a search page reloads
//!   itself when a newer export is served.
//! - Changes under `content/`, `themes/` and to `site.yaml` are collected by
//!   `notify` (native events, or polling with `--poll` for network drives
//!   and WSL) and debounced: a rebuild starts once the files have been quiet
//!   for [`DEBOUNCE`]; changes during a rebuild cause one more rebuild.

mod broken;
pub mod http;
mod index;
pub mod server;

pub use index::preview_search_dir;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use serde::Serialize;

use crate::build::{self, Options, Report};

/// Quiet time after the last file event before a rebuild starts. It is
/// part of every save's latency, so it only covers the burst of events of
/// one save (truncate + write, or write-to-temporary + rename: within a
/// few milliseconds). A rebuild that reads a file still being written is
/// not stale: the rest of the write's events arrive during it and cause one
/// more rebuild, and a file modified less than [`crate::incr::Stamp::RACY`]
/// before it was read is read again.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// The live-reload client, served at `/__chengguo/live.js`.
const LIVE_JS: &str = include_str!("live.js");

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub site: PathBuf,
    pub bind: IpAddr,
    /// 0: any free port.
    pub port: u16,
    pub poll: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{} 不是 chengguo 站点目录（找不到 site.yaml）", .0.display())]
    NotASite(PathBuf),
    #[error("无法在 {addr} 上启动预览服务（{err}）；端口可能已被占用，可用 --port 指定其他端口")]
    Bind {
        addr: SocketAddr,
        err: std::io::Error,
    },
    #[error("无法监视文件变化（{0}）；可改用 --poll")]
    Watch(#[from] notify::Error),
    #[error(transparent)]
    Build(#[from] build::BuildError),
}

/// One located problem, as the overlay shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// What open pages are told: the number of the last good build, the
/// problems of the latest attempt (empty when it succeeded), the number
/// of the search export now served (0: none yet) and the page build whose
/// records it holds (`indexed == generation`: the search is current).
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Status {
    pub generation: u64,
    pub errors: Vec<Problem>,
    pub search: u64,
    pub indexed: u64,
}

/// Shared between the rebuild loop and the server.
struct Shared {
    /// Watched by every open event stream.
    status: tokio::sync::watch::Sender<Status>,
    /// The export served at `/search/` (a numbered folder under
    /// [`preview_search_dir`]); switched in one step when a new one is ready.
    search: Mutex<Option<index::Export>>,
}

impl Default for Shared {
    fn default() -> Shared {
        Shared {
            status: tokio::sync::watch::Sender::new(Status::default()),
            search: Mutex::new(None),
        }
    }
}

impl Shared {
    fn status(&self) -> Status {
        self.status.borrow().clone()
    }
    /// The outcome of a page build (the search export is left as it is).
    fn set_build(&self, generation: u64, errors: Vec<Problem>) {
        self.status.send_modify(|s| {
            s.generation = generation;
            s.errors = errors;
        });
    }
    fn search(&self) -> Option<index::Export> {
        self.search
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
    /// Serve this export from now on and tell open pages.
    fn set_search(&self, export: index::Export) {
        let (id, generation) = (export.id, export.generation);
        *self.search.lock().unwrap_or_else(|e| e.into_inner()) = Some(export);
        self.status.send_modify(|s| {
            s.search = id;
            s.indexed = generation;
        });
    }
}

/// Where the preview is built.
pub fn preview_dir(site: &Path) -> PathBuf {
    site.join(".chengguo-cache").join("serve")
}

/// Progress lines for the terminal.
/// Progress lines for the terminal (from the rebuild loop and the index
/// thread).
pub trait Log: Send + Sync {
    fn line(&self, s: &str);
    fn error(&self, s: &str);
}

/// Run the preview until the process is stopped. `ready` gets the URL once
/// the first page build is done and the server listens (the search index
/// follows on its own thread).
pub fn serve(
    opts: &ServeOptions,
    log: Arc<dyn Log>,
    ready: &mut dyn FnMut(&str),
) -> Result<(), ServeError> {
    if !opts.site.join(crate::config::FILE).is_file() {
        return Err(ServeError::NotASite(opts.site.clone()));
    }
    let out = preview_dir(&opts.site);
    let shared = Arc::new(Shared::default());

    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = TcpListener::bind(addr).map_err(|err| ServeError::Bind { addr, err })?;
    let local = listener
        .local_addr()
        .map_err(|err| ServeError::Bind { addr, err })?;

    // Watch before the first build, so no edit made during it is missed.
    let (tx, rx) = mpsc::channel::<PathBuf>();
    let mut watcher = watch(&opts.site, opts.poll, tx)?;

    let indexer = index::Indexer::spawn(&opts.site, Arc::clone(&shared), Arc::clone(&log));
    let log = log.as_ref();
    // Kept across rebuilds: unchanged files are not parsed, rendered or
    // written again ([`crate::incr`]).
    let mut memo = crate::incr::Memo::new();
    let (first, docs) = rebuild(&opts.site, &out, &mut memo, log)?;
    let generation = u64::from(first.is_empty());
    if let Some(docs) = docs {
        indexer.submit(generation, &docs);
    }
    shared.set_build(generation, first);

    if generation == 0 {
        log.line("预览还没有成功生成过：浏览器中的每个页面会列出上面的错误，修正后预览会自动出现");
    }
    server::spawn(listener, out.clone(), Arc::clone(&shared))
        .map_err(|err| ServeError::Bind { addr, err })?;
    let url = format!("http://{local}/");
    ready(&url);

    let site_canon = opts
        .site
        .canonicalize()
        .unwrap_or_else(|_| opts.site.clone());
    loop {
        // Wait for a relevant change, then for quiet.
        let Ok(first) = rx.recv() else {
            return Ok(());
        };
        let mut changed = vec![first];
        loop {
            match rx.recv_timeout(DEBOUNCE) {
                Ok(p) => changed.push(p),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
        changed.sort();
        changed.dedup();
        watcher.refresh(&site_canon, &changed);
        let names: Vec<String> = changed
            .iter()
            .take(3)
            .map(|p| {
                p.strip_prefix(&site_canon)
                    .or_else(|_| p.strip_prefix(&opts.site))
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect();
        let more = if changed.len() > 3 {
            format!(" 等 {} 个文件", changed.len())
        } else {
            String::new()
        };
        log.line(&format!(
            "检测到修改：{}{more}，重新生成……",
            names.join("、")
        ));
        let t = Instant::now();
        let (errors, docs) = rebuild(&opts.site, &out, &mut memo, log)?;
        let mut generation = shared.status().generation;
        if errors.is_empty() {
            generation += 1;
            log.line(&format!(
                "页面已更新，用时 {:.2} 秒，已通知浏览器刷新",
                t.elapsed().as_secs_f64()
            ));
        } else if generation == 0 {
            log.line("预览还没有成功生成过：浏览器中会列出这些错误，修正后预览会自动出现");
        } else {
            log.line("仍在显示上一次成功生成的页面；修正后会自动刷新");
        }
        shared.set_build(generation, errors);
        // Pages first, then the search index on its own thread (the
        // previous export keeps answering meanwhile).
        if let Some(docs) = docs {
            indexer.submit(generation, &docs);
        }
    }
}

/// One build into the preview folder. Content errors are returned (and
/// printed); failures of the machine end the preview.
/// The pages are built without the search stage; on success the search
/// documents come back for [`index`].
fn rebuild(
    site: &Path,
    out: &Path,
    memo: &mut crate::incr::Memo,
    log: &dyn Log,
) -> Result<(Vec<Problem>, Option<crate::render::Docs>), ServeError> {
    let opts = Options {
        site: site.to_path_buf(),
        out: Some(out.to_path_buf()),
        write: true,
        search: false,
    };
    let (report, docs): (Report, _) = match build::run_with(&opts, memo, &mut |_| {}) {
        Ok(r) => r,
        Err(e) => {
            // The output or index could not be written: show it like a
            // content error and keep serving the last good build.
            let msg = format!("生成失败：{e}");
            log.error(&msg);
            return Ok((
                vec![Problem {
                    path: site.display().to_string(),
                    line: 0,
                    col: 0,
                    message: msg,
                }],
                None,
            ));
        }
    };
    for d in report.diagnostics.sorted() {
        log.error(&d.to_string());
    }
    if report.ok {
        let st = memo.stats;
        log.line(&format!(
            "已生成：{} 条记录，{} 个页面（重新生成 {} 个文件，沿用 {} 个，删除 {} 个），用时 {:.2} 秒",
            report.records,
            report.pages,
            st.pages_rendered,
            st.pages_reused,
            st.files_removed,
            report.total.as_secs_f64()
        ));
        return Ok((Vec::new(), Some(docs)));
    }
    log.error(&format!(
        "生成失败：{} 个错误，{} 个警告",
        report.diagnostics.error_count(),
        report.diagnostics.warning_count()
    ));
    let problems = report
        .diagnostics
        .sorted()
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| Problem {
            path: d.path_display(),
            line: d.pos.line,
            col: d.pos.col,
            message: d.message.clone(),
        })
        .collect();
    Ok((problems, None))
}

/// Keeps the file watcher alive while the preview runs.
pub enum WatchGuard {
    Native(notify::RecommendedWatcher),
    /// The polling thread stops when the channel's receiver is gone.
    Poll,
}

impl WatchGuard {
    /// `content/` or `themes/` created, or replaced as a whole (a branch
    /// switch, a copied-in theme): watch the folder now there. A watch on
    /// a folder that was deleted dies with it.
    fn refresh(&mut self, site: &Path, changed: &[PathBuf]) {
        let WatchGuard::Native(w) = self else { return };
        for sub in ["content", "themes"] {
            let p = site.join(sub);
            if changed.contains(&p) && p.is_dir() {
                let _ = w.unwatch(&p);
                let _ = w.watch(&p, RecursiveMode::Recursive);
            }
        }
    }
}

/// How often `--poll` looks at the files.
pub const POLL_INTERVAL: Duration = Duration::from_millis(400);

/// Watch `content/`, `themes/` and `site.yaml`; send each changed path.
fn watch(site: &Path, poll: bool, tx: mpsc::Sender<PathBuf>) -> Result<WatchGuard, ServeError> {
    let site_c = site.canonicalize().unwrap_or_else(|_| site.to_path_buf());
    if poll {
        // Our own poller rather than notify's PollWatcher, which compares
        // modification times in whole seconds and so misses a save made
        // within the same second as the previous look.
        let mut before = snapshot(&site_c);
        std::thread::spawn(move || loop {
            std::thread::sleep(POLL_INTERVAL);
            let now = snapshot(&site_c);
            let mut changed: Vec<&PathBuf> = now
                .iter()
                .filter(|(p, m)| before.get(*p) != Some(m))
                .map(|(p, _)| p)
                .collect();
            changed.extend(before.keys().filter(|p| !now.contains_key(*p)));
            for p in changed {
                if tx.send(p.clone()).is_err() {
                    return;
                }
            }
            before = now;
        });
        return Ok(WatchGuard::Poll);
    }
    let content = site_c.join("content");
    let themes = site_c.join("themes");
    let yaml = site_c.join(crate::config::FILE);
    let relevant = move |p: &Path| p.starts_with(&content) || p.starts_with(&themes) || p == yaml;
    let handler = move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res {
            if matches!(ev.kind, notify::EventKind::Access(_)) {
                return;
            }
            for p in ev.paths {
                if relevant(&p) {
                    let _ = tx.send(p);
                }
            }
        }
    };
    let mut w = notify::recommended_watcher(handler)?;
    // The site folder itself (not recursive): site.yaml, and content/ or
    // themes/ being created or replaced.
    w.watch(&site_c, RecursiveMode::NonRecursive)?;
    for sub in ["content", "themes"] {
        let p = site_c.join(sub);
        if p.is_dir() {
            w.watch(&p, RecursiveMode::Recursive)?;
        }
    }
    Ok(WatchGuard::Native(w))
}

/// Size and modification time (to the nanosecond where the file system
/// keeps it) of every watched file.
fn snapshot(
    site: &Path,
) -> std::collections::HashMap<PathBuf, (u64, Option<std::time::SystemTime>)> {
    let mut m = std::collections::HashMap::new();
    let yaml = site.join(crate::config::FILE);
    let roots = [site.join("content"), site.join("themes")];
    let walk = roots
        .iter()
        .flat_map(|r| walkdir::WalkDir::new(r).into_iter().filter_map(Result::ok))
        .map(|e| e.into_path())
        .chain(std::iter::once(yaml));
    for p in walk {
        if let Ok(md) = std::fs::metadata(&p) {
            if md.is_file() {
                m.insert(p, (md.len(), md.modified().ok()));
            }
        }
    }
    m
}

/// The page with the live-reload script tag added before `</body>` and,
/// once a search export is served, `window.chengguoSearchBase` set at the
/// start of `<head>` (before any script of the page), so that the page's
/// searches read export `search` only, even after a newer one is switched in.
pub fn inject(html: &[u8], generation: u64, search: u64) -> Vec<u8> {
    let tag =
        format!("<script src=\"/__chengguo/live.js?g={generation}&amp;s={search}\"></script>");
    let base = if search > 0 {
        format!("<script>window.chengguoSearchBase=\"/__chengguo/search/{search}/\";</script>")
    } else {
        String::new()
    };
    let head = find_first(html, b"<head")
        .and_then(|i| html[i..].iter().position(|&b| b == b'>').map(|j| i + j + 1))
        .unwrap_or(0);
    let at = find_last(html, b"</body>").unwrap_or(html.len()).max(head);
    let mut out = Vec::with_capacity(html.len() + tag.len() + base.len());
    out.extend_from_slice(&html[..head]);
    out.extend_from_slice(base.as_bytes());
    // the search page's manifest comes from the same export as the rest
    let meta = b"<script src=\"search/meta.js\"></script>";
    match find_first(&html[head..at], meta) {
        Some(i) if search > 0 => {
            out.extend_from_slice(&html[head..head + i]);
            out.extend_from_slice(
                format!("<script src=\"/__chengguo/search/{search}/meta.js\"></script>").as_bytes(),
            );
            out.extend_from_slice(&html[head + i + meta.len()..at]);
        }
        _ => out.extend_from_slice(&html[head..at]),
    }
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_first(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

fn find_last(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).rposition(|w| w == n)
}
