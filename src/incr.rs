//! Incremental rebuilds (issue 14): memos that let a rebuild skip work whose
//! inputs did not change. Every entry is keyed by a SHA-256 of everything
//! its result is computed from (never by modification times), so a reused
//! result is the one a full build would compute:
//!
//! - parsed record files: keyed by the file's path and the hash of its bytes
//!   (the content stage's result, diagnostics included; see
//!   [`crate::content::load_with`]);
//! - Markdown bodies ([`BodyMemo`]): keyed by the body and where it is
//!   rendered from, plus the answers to every question the renderer asked
//!   about link targets (which records and media files exist, derived
//!   pictures, did-you-mean guesses); an entry is reused only when each of
//!   those questions gets the same answer again;
//! - output files ([`PageMemo`]): a page's key hashes the theme (every
//!   template and static file), the template name, the output path and the
//!   whole tera context; any other file's key hashes its bytes. A file whose
//!   key equals the one recorded for the current output is neither rendered
//!   nor written;
//! - search documents ([`crate::render::docs`]): keyed by the record's key
//!   and the titles of the records it references, and the body text by
//!   identity (a reused body rendering's shared text).
//!
//! [`Memo`] keeps them across `serve` rebuilds; the output keys are
//! only trusted for the folder the last successful build wrote and are
//! dropped when a build fails half-way through writing.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::content::{Kind, Source};
use crate::diag::Diagnostics;
use crate::images::Derived;
use crate::render::markdown::{LinkTargets, Rendered};

/// A SHA-256 digest.
pub type Key = [u8; 32];

/// Feeds length-prefixed fields into SHA-256 (so `("ab", "c")` and
/// `("a", "bc")` differ). Also an [`std::io::Write`], for serde_json.
/// Small writes (field lengths, short strings, serde_json's tokens) are
/// gathered into a buffer and fed to SHA-256 in large pieces: the digest is
/// the same, the per-call cost of many tiny updates is not paid.
pub struct Hasher {
    sha: Sha256,
    buf: [u8; Hasher::BUF],
    len: usize,
}

impl Hasher {
    const BUF: usize = 1024;

    /// A hasher for one kind of key (`tag` keeps kinds apart).
    pub fn new(tag: &str) -> Hasher {
        let mut h = Hasher {
            sha: Sha256::new(),
            buf: [0; Hasher::BUF],
            len: 0,
        };
        h.str(tag);
        h
    }
    /// Feed `b` as it is (no length prefix).
    fn feed(&mut self, b: &[u8]) {
        if self.len + b.len() > Hasher::BUF {
            self.sha.update(&self.buf[..self.len]);
            self.len = 0;
            if b.len() >= Hasher::BUF {
                self.sha.update(b);
                return;
            }
        }
        self.buf[self.len..self.len + b.len()].copy_from_slice(b);
        self.len += b.len();
    }
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.feed(&(b.len() as u64).to_le_bytes());
        self.feed(b);
        self
    }
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }
    pub fn num(&mut self, n: u64) -> &mut Self {
        self.feed(&n.to_le_bytes());
        self
    }
    pub fn finish(mut self) -> Key {
        self.sha.update(&self.buf[..self.len]);
        self.sha.finalize().into()
    }
}

impl std::io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.feed(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The key of a file published as these bytes.
pub fn bytes_key(bytes: &[u8]) -> Key {
    let mut h = Hasher::new("file");
    h.bytes(bytes);
    h.finish()
}

/// One parsed record file: the hash of its bytes and what the content
/// stage made of them.
pub struct Parsed {
    pub key: Key,
    /// The file's metadata when it was read (see [`Stamp`]).
    pub stamp: Option<Stamp>,
    pub source: Option<Arc<Source>>,
    pub diags: Diagnostics,
}

/// A file's size, modification and change times and inode, taken when it
/// was read, and when that was. A file whose stamp is the same at the next
/// build is not read again — unless it was modified less than
/// [`Stamp::RACY`] before it was read (a write in the same clock tick
/// could leave every field as it was; git's "racy clean" rule). The
/// change time (ctime) moves on every write and cannot be set back by a
/// program, so an edit that restores the modification time (an editor's
/// "keep timestamps", `touch -d`, a copy with `-p`) is still seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    changed: (i64, i64),
    inode: (u64, u64),
    /// When the file was read (not compared).
    read_at: std::time::SystemTime,
}

impl Stamp {
    /// Writes this close before a read may share its timestamps.
    pub const RACY: std::time::Duration = std::time::Duration::from_secs(2);

    /// The stamp of `meta`, read at `read_at`.
    pub fn of(meta: &std::fs::Metadata, read_at: std::time::SystemTime) -> Stamp {
        #[cfg(unix)]
        let (changed, inode) = {
            use std::os::unix::fs::MetadataExt;
            ((meta.ctime(), meta.ctime_nsec()), (meta.dev(), meta.ino()))
        };
        #[cfg(not(unix))]
        let (changed, inode) = ((0, 0), (0, 0));
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            changed,
            inode,
            read_at,
        }
    }

    /// Whether a file with stamp `now` still holds the bytes read when
    /// `self` was taken.
    pub fn unchanged(&self, now: &Stamp) -> bool {
        // Without a modification time nothing can be trusted.
        let Some(m) = self.modified else { return false };
        let settled = self
            .read_at
            .duration_since(m)
            .is_ok_and(|d| d >= Stamp::RACY);
        settled
            && self.len == now.len
            && self.modified == now.modified
            && self.changed == now.changed
            && self.inode == now.inode
            && cfg!(unix)
    }
}

/// What survives between rebuilds of one site.
pub struct Memo {
    /// Record file path → its last parse.
    pub(crate) sources: HashMap<PathBuf, Arc<Parsed>>,
    /// Record file path → its last typed record.
    pub(crate) records: HashMap<PathBuf, Arc<crate::validate::Typed>>,
    /// Body key → its last rendering.
    pub(crate) bodies: HashMap<Key, Arc<BodyEntry>>,
    /// The last build's related outcomes.
    pub(crate) related: crate::graph::RelatedMemo,
    /// Table key → its last .xlsx workbook (or why it could not be made).
    pub(crate) sheets: HashMap<Key, Arc<crate::render::data::Sheet>>,
    /// The search documents of the last successful build, with their keys
    /// ([`crate::render::docs`]).
    pub(crate) docs: Option<crate::render::docs::Kept>,
    /// The output folder the last successful build wrote, with the key of
    /// every file in it (`None`: unknown, the next build writes everything).
    pub(crate) output: Option<(PathBuf, HashMap<String, Key>)>,
    /// Counts of the last build, for the log and tests.
    pub stats: Stats,
    /// false: a one-off build (nothing is kept for a next one).
    pub(crate) keep: bool,
}

/// What the last build reused.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Record files read (the others known unchanged by their stamps).
    pub files_read: usize,
    pub bodies_rendered: usize,
    pub bodies_reused: usize,
    pub pages_rendered: usize,
    pub pages_reused: usize,
    pub files_removed: usize,
    /// Whether the output was updated in place (false: staging folder).
    pub in_place: bool,
}

impl Default for Memo {
    fn default() -> Memo {
        Memo::new()
    }
}

impl Memo {
    /// A memo for a series of builds of one site (`serve`).
    pub fn new() -> Memo {
        Memo {
            sources: HashMap::new(),
            records: HashMap::new(),
            bodies: HashMap::new(),
            sheets: HashMap::new(),
            related: None,
            docs: None,
            output: None,
            stats: Stats::default(),
            keep: true,
        }
    }

    /// For a single build: nothing is kept.
    pub fn once() -> Memo {
        Memo {
            keep: false,
            ..Memo::new()
        }
    }

    /// Forget what the output folder holds (the next build rewrites it).
    pub fn forget_output(&mut self) {
        self.output = None;
    }
}

/// One question the Markdown renderer asked about link targets, with the
/// answer it got.
#[derive(Debug, Clone, PartialEq)]
enum Asked {
    Record(Kind, String, bool),
    Media(String, bool),
    Guess(String, Option<String>),
    Image(String, Option<Derived>),
}

/// A memoised body rendering.
pub struct BodyEntry {
    asked: Vec<Asked>,
    pub rendered: Rendered,
    /// SHA-256 of `rendered.html` (stands for it in page keys).
    pub html_key: Key,
    pub(crate) diags: Diagnostics,
}

/// Bodies of the previous build (read) and of this one (filled).
pub struct BodyMemo {
    keep: bool,
    prev: HashMap<Key, Arc<BodyEntry>>,
    next: Mutex<HashMap<Key, Arc<BodyEntry>>>,
    rendered: std::sync::atomic::AtomicUsize,
    reused: std::sync::atomic::AtomicUsize,
}

/// Records the questions asked through it.
struct Recording<'a> {
    inner: &'a dyn LinkTargets,
    asked: Mutex<Vec<Asked>>,
}

impl LinkTargets for Recording<'_> {
    fn record_exists(&self, kind: Kind, id: &str) -> bool {
        let a = self.inner.record_exists(kind, id);
        self.asked
            .lock()
            .unwrap()
            .push(Asked::Record(kind, id.to_string(), a));
        a
    }
    fn media_exists(&self, path: &str) -> bool {
        let a = self.inner.media_exists(path);
        self.asked
            .lock()
            .unwrap()
            .push(Asked::Media(path.to_string(), a));
        a
    }
    fn media_guess(&self, path: &str) -> Option<String> {
        let a = self.inner.media_guess(path);
        self.asked
            .lock()
            .unwrap()
            .push(Asked::Guess(path.to_string(), a.clone()));
        a
    }
    fn image(&self, media_path: &str) -> Option<&Derived> {
        let a = self.inner.image(media_path);
        self.asked
            .lock()
            .unwrap()
            .push(Asked::Image(media_path.to_string(), a.cloned()));
        a
    }
}

/// Whether `targets` answers every recorded question as before.
fn same_answers(asked: &[Asked], targets: &dyn LinkTargets) -> bool {
    asked.iter().all(|q| match q {
        Asked::Record(k, id, a) => targets.record_exists(*k, id) == *a,
        Asked::Media(p, a) => targets.media_exists(p) == *a,
        Asked::Guess(p, a) => targets.media_guess(p) == *a,
        Asked::Image(p, a) => targets.image(p) == a.as_ref(),
    })
}

impl BodyMemo {
    /// `keep`: fill this build's entries for a next one.
    pub fn new(prev: HashMap<Key, Arc<BodyEntry>>, keep: bool) -> BodyMemo {
        BodyMemo {
            keep,
            prev,
            next: Mutex::new(HashMap::new()),
            rendered: Default::default(),
            reused: Default::default(),
        }
    }

    /// The rendering of the body with key `key`: reused when the previous
    /// build rendered the same body and every link-target question gets the
    /// same answer, else made by `render` (through a recording `targets`).
    pub fn get_or_render(
        &self,
        key: Key,
        targets: &dyn LinkTargets,
        d: &mut Diagnostics,
        render: impl FnOnce(&dyn LinkTargets, &mut Diagnostics) -> Rendered,
    ) -> Arc<BodyEntry> {
        use std::sync::atomic::Ordering::Relaxed;
        let hit = self
            .prev
            .get(&key)
            .filter(|e| same_answers(&e.asked, targets))
            .cloned();
        let entry = match hit {
            Some(e) => {
                self.reused.fetch_add(1, Relaxed);
                e
            }
            None => {
                self.rendered.fetch_add(1, Relaxed);
                let rec = Recording {
                    inner: targets,
                    asked: Mutex::new(Vec::new()),
                };
                let mut own = Diagnostics::new();
                let rendered = render(&rec, &mut own);
                Arc::new(BodyEntry {
                    asked: rec.asked.into_inner().unwrap(),
                    html_key: bytes_key(rendered.html.as_bytes()),
                    rendered,
                    diags: own,
                })
            }
        };
        d.extend(entry.diags.clone());
        if self.keep {
            self.next.lock().unwrap().insert(key, Arc::clone(&entry));
        }
        entry
    }

    /// This build's entries (what the next build may reuse) and counts.
    pub fn finish(self) -> (HashMap<Key, Arc<BodyEntry>>, usize, usize) {
        (
            self.next.into_inner().unwrap(),
            self.rendered.into_inner(),
            self.reused.into_inner(),
        )
    }
}

/// Keys of the files in the output before this build (when known) and of
/// the files this build produces.
pub struct PageMemo {
    prev: Option<HashMap<String, Key>>,
    next: Mutex<HashMap<String, Key>>,
    rendered: std::sync::atomic::AtomicUsize,
    reused: std::sync::atomic::AtomicUsize,
}

impl PageMemo {
    /// `prev`: the keys of the files now in the output (`None`: unknown,
    /// every file is written).
    pub fn new(prev: Option<HashMap<String, Key>>) -> PageMemo {
        PageMemo {
            prev,
            next: Mutex::new(HashMap::new()),
            rendered: Default::default(),
            reused: Default::default(),
        }
    }

    /// Note that this build produces `path` with `key`; true when the
    /// output already holds exactly that file (nothing to render or write).
    pub fn unchanged(&self, path: &str, key: Key) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let same = self
            .prev
            .as_ref()
            .is_some_and(|p| p.get(path) == Some(&key));
        self.next.lock().unwrap().insert(path.to_string(), key);
        if same {
            self.reused.fetch_add(1, Relaxed);
        } else {
            self.rendered.fetch_add(1, Relaxed);
        }
        same
    }

    /// The files of the previous output this build did not produce.
    pub fn removed(&self) -> Vec<String> {
        let next = self.next.lock().unwrap();
        let mut v: Vec<String> = self
            .prev
            .iter()
            .flat_map(|p| p.keys())
            .filter(|p| !next.contains_key(*p))
            .cloned()
            .collect();
        v.sort();
        v
    }

    /// This build's keys, the previous ones, and counts (rendered, reused).
    #[allow(clippy::type_complexity)]
    pub fn finish(
        self,
    ) -> (
        HashMap<String, Key>,
        Option<HashMap<String, Key>>,
        usize,
        usize,
    ) {
        (
            self.next.into_inner().unwrap(),
            self.prev,
            self.rendered.into_inner(),
            self.reused.into_inner(),
        )
    }
}

/// Results of one kind by the content key of their inputs: those of the
/// previous build (read) and of this one (filled, for the next build).
pub struct Keyed<T> {
    keep: bool,
    prev: HashMap<Key, Arc<T>>,
    next: Mutex<HashMap<Key, Arc<T>>>,
}

impl<T> Keyed<T> {
    /// `keep`: fill this build's entries for a next one.
    pub fn new(prev: HashMap<Key, Arc<T>>, keep: bool) -> Keyed<T> {
        Keyed {
            keep,
            prev,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// The result for `key`: the previous build's, else made by `make`.
    pub fn get_or_make(&self, key: Key, make: impl FnOnce() -> T) -> Arc<T> {
        let v = match self.prev.get(&key) {
            Some(v) => Arc::clone(v),
            None => Arc::new(make()),
        };
        if self.keep {
            self.next.lock().unwrap().insert(key, Arc::clone(&v));
        }
        v
    }

    /// This build's entries (what the next build may reuse).
    pub fn finish(self) -> HashMap<Key, Arc<T>> {
        self.next.into_inner().unwrap()
    }
}
