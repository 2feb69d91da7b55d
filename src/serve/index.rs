//! The preview's search index, kept apart from its pages:
//!
//! - it is updated on a thread of its own, so a page rebuild never waits
//!   for it; the rebuild loop hands over the search documents of each good
//!   build ([`Indexer::submit`]), a newer hand-over replaces one not yet
//!   started, and one that arrives while an index is being made makes that
//!   one skip its export (it is overtaken, the newest is made next);
//! - each update is exported into a numbered folder under
//!   [`preview_search_dir`]; the newest [`KEEP`] are kept, so a search page
//!   keeps reading the export it started with (its pages are served with
//!   `window.chengguoSearchBase` naming `/__chengguo/search/<id>/`) while a
//!   newer one is switched in for new pages, and never mixes two;
//! - the tantivy index lives in `.chengguo-cache/serve-index/`, locked by
//!   `serve-index.lock`, so `chengguo build` (which holds the site lock for
//!   its own index) and the preview never wait for each other.
//!
//! Nothing here decides what is searchable: that is [`crate::search`].

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use super::{Log, Shared};
use crate::search::SearchDoc;

/// Exports kept on disk (the current one and the previous ones a search
/// page opened earlier may still be reading).
pub const KEEP: usize = 3;

/// Where the preview's search exports live (`<id>/search/`).
pub fn preview_search_dir(site: &Path) -> PathBuf {
    site.join(".chengguo-cache").join("serve-search")
}

/// The preview's own tantivy index.
fn index_dir(site: &Path) -> PathBuf {
    site.join(".chengguo-cache").join("serve-index")
}

/// One finished export.
#[derive(Debug, Clone)]
pub struct Export {
    /// Its number (the folder name; increasing).
    pub id: u64,
    /// The folder holding its `search/` (served as `/search/`).
    pub dir: PathBuf,
    /// Fingerprint of the documents it was made from.
    pub fingerprint: String,
    /// The page build those documents came from.
    pub generation: u64,
}

impl Export {
    /// The folder of export `id` beside this one, if it is still kept.
    pub fn sibling(&self, id: u64) -> Option<PathBuf> {
        if id == self.id {
            return Some(self.dir.clone());
        }
        let dir = self.dir.parent()?.join(id.to_string());
        (id < self.id && dir.join("search").is_dir()).then_some(dir)
    }
}

#[derive(Default)]
struct Pending {
    /// Documents of the newest good build not yet indexed, with that
    /// build's generation. Held weakly: the rebuild loop's memo holds them
    /// until a newer build succeeds (and is handed over in turn), so that
    /// the memo can patch the list in place instead of copying it
    /// ([`crate::render::docs`]).
    docs: Option<(u64, std::sync::Weak<Vec<SearchDoc>>)>,
    /// Counts hand-overs, so a running update sees it was overtaken.
    submitted: u64,
    closed: bool,
}

/// Hands search documents to the index thread; dropping it ends the thread
/// once its current update is done.
pub struct Indexer {
    pending: Arc<(Mutex<Pending>, Condvar)>,
}

impl Indexer {
    /// Start the index thread. Its messages go to `log`.
    pub fn spawn(site: &Path, shared: Arc<Shared>, log: Arc<dyn Log>) -> Indexer {
        let pending: Arc<(Mutex<Pending>, Condvar)> = Arc::default();
        let me = Indexer {
            pending: Arc::clone(&pending),
        };
        let site = site.to_path_buf();
        // Earlier sessions' exports are of other content: start clean.
        let _ = std::fs::remove_dir_all(preview_search_dir(&site));
        std::thread::spawn(move || {
            lower_priority();
            let (lock, cv) = &*pending;
            loop {
                let (docs, seq) = {
                    let mut p = lock.lock().unwrap_or_else(|e| e.into_inner());
                    while p.docs.is_none() && !p.closed {
                        p = cv.wait(p).unwrap_or_else(|e| e.into_inner());
                    }
                    match p.docs.take() {
                        Some(d) => (d, p.submitted),
                        None => return, // closed
                    }
                };
                let overtaken = || {
                    let p = lock.lock().unwrap_or_else(|e| e.into_inner());
                    p.submitted != seq
                };
                let (generation, docs) = docs;
                // Gone: a newer build took the list over and hands it in.
                let Some(docs) = docs.upgrade() else { continue };
                // A copy of its own, made right away (at this thread's
                // priority), so the memo soon holds the list alone again.
                let docs: Vec<SearchDoc> = docs.as_ref().clone();
                update(&site, generation, &docs, &shared, &overtaken, log.as_ref());
            }
        });
        me
    }

    /// Index the documents of page build `generation` next (replacing any
    /// not yet started).
    /// `docs` must stay held (by the memo) until a newer list is submitted.
    pub fn submit(&self, generation: u64, docs: &crate::render::Docs) {
        let (lock, cv) = &*self.pending;
        let mut p = lock.lock().unwrap_or_else(|e| e.into_inner());
        p.docs = Some((generation, Arc::downgrade(docs)));
        p.submitted += 1;
        cv.notify_one();
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        let (lock, cv) = &*self.pending;
        lock.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        cv.notify_one();
    }
}

/// Give this thread (and the index writer's threads it starts, which
/// inherit it) the lowest CPU priority (nice 19): the page rebuilds are
/// what the person saving waits for, and an index update runs for tens of
/// seconds beside every one of them. Linux only; elsewhere the threads
/// share the CPU evenly.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread; a failure leaves
    // the priority as it was.
    unsafe {
        let tid = libc::gettid();
        let _ = libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 19);
    }
}

/// Update the index (reused when its fingerprint is fresh), export it into
/// a new numbered folder and switch `/search/` to it; exports beyond the
/// newest [`KEEP`] are removed. A failure is printed; the previous export
/// keeps answering.
fn update(
    site: &Path,
    generation: u64,
    docs: &[SearchDoc],
    shared: &Shared,
    overtaken: &dyn Fn() -> bool,
    log: &dyn Log,
) {
    let t = Instant::now();
    let fingerprint = crate::search::index::fingerprint(docs);
    if let Some(e) = shared.search().filter(|e| e.fingerprint == fingerprint) {
        // Same searchable content (a template or style edit): keep it, now
        // standing for this build too.
        shared.set_search(Export { generation, ..e });
        return;
    }
    let root = preview_search_dir(site);
    let result = (|| -> Result<Option<Export>, String> {
        let cache = index_dir(site);
        let _lock = crate::build::lock_file(&site.join(".chengguo-cache").join("serve-index.lock"))
            .map_err(|e| e.to_string())?;
        crate::search::build_index(docs, &cache).map_err(|e| e.to_string())?;
        if overtaken() {
            return Ok(None);
        }
        let id = next_id(&root, shared);
        let dir = root.join(id.to_string());
        crate::search::export_static(&cache, &dir.join("search")).map_err(|e| e.to_string())?;
        Ok(Some(Export {
            id,
            dir,
            fingerprint,
            generation,
        }))
    })();
    match result {
        Ok(Some(export)) => {
            let id = export.id;
            shared.set_search(export);
            prune(&root, id);
            log.line(&format!(
                "搜索索引已更新，用时 {:.2} 秒",
                t.elapsed().as_secs_f64()
            ));
        }
        Ok(None) => {} // a newer change is indexed next
        Err(e) => log.error(&format!("搜索索引更新失败：{e}")),
    }
}

/// A number above every export on disk and the one served.
fn next_id(root: &Path, shared: &Shared) -> u64 {
    let on_disk = ids(root).into_iter().max().unwrap_or(0);
    let served = shared.search().map_or(0, |e| e.id);
    on_disk.max(served) + 1
}

fn ids(root: &Path) -> Vec<u64> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u64>().ok())
        .collect()
}

/// Remove the exports older than the newest [`KEEP`] (and anything else in
/// the folder).
fn prune(root: &Path, newest: u64) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let keep = e
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u64>().ok())
            .is_some_and(|id| id <= newest && newest - id < KEEP as u64);
        if !keep {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}
