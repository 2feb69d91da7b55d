//! `chengguo serve`: build, serve the portal on loopback, watch the site and
//! rebuild on change, and reload open pages.
//!
//! - The preview is built into `.chengguo-cache/serve/` with the normal
//!   pipeline ([`crate::build::run`], staging + atomic swap), so `public/`
//!   is never touched and a failed rebuild leaves the last good preview.
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
//!   and tells open pages to reload; then it updates the search index and
//!   exports it into a fresh folder under `.chengguo-cache/serve-search/`,
//!   which `/search/` switches to in one step. Until then the previous index
//!   answers, so a large site reloads in the time of its pages alone.
//! - Changes under `content/`, `themes/` and to `site.yaml` are collected by
//!   `notify` (native events, or polling with `--poll` for network drives
//!   and WSL) and debounced: a rebuild starts once the files have been quiet
//!   for [`DEBOUNCE`]; changes during a rebuild cause one more rebuild.

mod broken;
pub mod http;
pub mod server;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use serde::Serialize;

use crate::build::{self, Options, Report};
use crate::search::SearchDoc;

/// Quiet time after the last file event before a rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(80);

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

/// What open pages are told: the number of the last good build and the
/// problems of the latest attempt (empty when it succeeded).
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Status {
    pub generation: u64,
    pub errors: Vec<Problem>,
}

/// Shared between the rebuild loop and the server.
struct Shared {
    /// Watched by every open event stream.
    status: tokio::sync::watch::Sender<Status>,
    /// The folder served at `/search/` (a numbered export under
    /// [`preview_search_dir`]) and the fingerprint of the documents it was
    /// made from; switched in one step when a new one is ready.
    search: Mutex<Option<(PathBuf, String)>>,
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
    fn set(&self, s: Status) {
        self.status.send_replace(s);
    }
}

/// Where the preview is built.
pub fn preview_dir(site: &Path) -> PathBuf {
    site.join(".chengguo-cache").join("serve")
}

/// Progress lines for the terminal.
pub trait Log: Send {
    fn line(&mut self, s: &str);
    fn error(&mut self, s: &str);
}

/// Run the preview until the process is stopped. `ready` gets the URL once
/// the first build is done and the server listens.
pub fn serve(
    opts: &ServeOptions,
    log: &mut dyn Log,
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

    let (first, docs) = rebuild(&opts.site, &out, log)?;
    if let Some(docs) = docs {
        index(&opts.site, &docs, &shared, log);
    }
    let generation = u64::from(first.is_empty());
    shared.set(Status {
        generation,
        errors: first,
    });

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
        let (errors, docs) = rebuild(&opts.site, &out, log)?;
        let mut s = shared.status();
        if errors.is_empty() {
            s.generation += 1;
            log.line(&format!(
                "页面已更新，用时 {:.2} 秒，已通知浏览器刷新",
                t.elapsed().as_secs_f64()
            ));
        } else if s.generation == 0 {
            log.line("预览还没有成功生成过：浏览器中会列出这些错误，修正后预览会自动出现");
        } else {
            log.line("仍在显示上一次成功生成的页面；修正后会自动刷新");
        }
        s.errors = errors;
        shared.set(s);
        // Pages first, then the search index (the previous one keeps
        // answering meanwhile).
        if let Some(docs) = docs {
            index(&opts.site, &docs, &shared, log);
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
    log: &mut dyn Log,
) -> Result<(Vec<Problem>, Option<Vec<SearchDoc>>), ServeError> {
    let opts = Options {
        site: site.to_path_buf(),
        out: Some(out.to_path_buf()),
        write: true,
        search: false,
    };
    let (report, docs): (Report, _) = match build::run_keep_docs(&opts, &mut |_| {}) {
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
        log.line(&format!(
            "已生成：{} 条记录，{} 个页面，用时 {:.2} 秒",
            report.records,
            report.pages,
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

/// Where the preview's search export lives: served at `/search/`, swapped
/// on its own so that pages can be replaced before the index is ready.
pub fn preview_search_dir(site: &Path) -> PathBuf {
    site.join(".chengguo-cache").join("serve-search")
}

/// Update the index (reused when its fingerprint is fresh), export it into
/// a new numbered folder and switch `/search/` to it; older exports are
/// removed. A failure is printed; the previous export keeps answering.
fn index(site: &Path, docs: &[SearchDoc], shared: &Shared, log: &mut dyn Log) {
    let t = Instant::now();
    let root = preview_search_dir(site);
    let fingerprint = crate::search::index::fingerprint(docs);
    let served = shared
        .search
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if served.as_ref().is_some_and(|(_, f)| *f == fingerprint) {
        // Same searchable content (a template or style edit): keep it.
        return;
    }
    let result = (|| -> Result<PathBuf, String> {
        let _lock = build::lock_site(site).map_err(|e| e.to_string())?;
        let cache = crate::search::cache_dir(site);
        crate::search::build_index(docs, &cache).map_err(|e| e.to_string())?;
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = root.join(format!("{n}"));
        crate::search::export_static(&cache, &dir.join("search")).map_err(|e| e.to_string())?;
        Ok(dir)
    })();
    match result {
        Ok(dir) => {
            *shared.search.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((dir.clone(), fingerprint));
            // Earlier exports (also of earlier sessions); one still being
            // read is removed next time.
            if let Ok(entries) = std::fs::read_dir(&root) {
                for e in entries.flatten() {
                    let p = e.path();
                    if p != dir {
                        let _ = std::fs::remove_dir_all(&p);
                    }
                }
            }
            log.line(&format!(
                "搜索索引已更新，用时 {:.2} 秒",
                t.elapsed().as_secs_f64()
            ));
        }
        Err(e) => log.error(&format!("搜索索引更新失败：{e}")),
    }
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

/// The page with the live-reload script tag added before `</body>`.
pub fn inject(html: &[u8], generation: u64) -> Vec<u8> {
    let tag = format!("<script src=\"/__chengguo/live.js?g={generation}\"></script>");
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).rposition(|w| w == n)
}
