//! Output stage: every file of a build goes into a fresh staging folder next
//! to the output folder; only when the whole build succeeded is the staging
//! folder swapped in (two renames), so a failed build never touches the last
//! good output, and files no longer produced disappear.
//!
//! Paths and links: every file written into the staging folder goes through
//! [`crate::safepath::join_inside`]; deleting (an old output, a stale
//! staging folder) never follows a symbolic link, it removes the link
//! itself. An output folder given as a symbolic link to a folder (`-o
//! link`, or `public -> /srv/portal`) is built into the folder the link
//! names, and the link is kept; a link naming nothing is refused.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::render::Sink;

/// Marker file written into every output folder; an existing folder is
/// only ever replaced when it carries it (or is empty), so `-o ~/` by
/// mistake cannot wipe a home folder.
pub const MARKER: &str = ".chengguo-output";

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("输出目录 {0} 已存在且不是 chengguo 生成的（缺少 {MARKER} 标记），为防止误删，拒绝覆盖；请换一个输出目录或先清空它")]
    Foreign(PathBuf),
    #[error(
        "输出目录 {0} 是符号链接，但它指向的 {1} 不存在或不是文件夹；请改正链接，或换一个输出目录"
    )]
    BrokenLink(PathBuf, PathBuf),
    #[error("{path}：{err}")]
    Io { path: PathBuf, err: io::Error },
}

/// A path problem as the `io::Error` a [`Sink`] returns.
fn path_err(p: crate::safepath::PathProblem) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, p.to_string())
}

/// The folder an output path stands for: the path itself, or, when it is a
/// symbolic link, the folder the link names (built into, link kept).
pub fn resolve_target(target: &Path) -> Result<PathBuf, OutputError> {
    match fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => match target.canonicalize() {
            Ok(real) if real.is_dir() => Ok(real),
            Ok(real) => Err(OutputError::BrokenLink(target.to_path_buf(), real)),
            Err(_) => Err(OutputError::BrokenLink(
                target.to_path_buf(),
                fs::read_link(target).unwrap_or_default(),
            )),
        },
        _ => Ok(target.to_path_buf()),
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |err| OutputError::Io {
        path: path.to_path_buf(),
        err,
    }
}

/// An empty folder `.<name>.<what>-<pid>` beside `target` (in `parent`),
/// after removing what killed builds left there.
fn fresh_sibling(target: &Path, parent: &Path, what: &str) -> Result<PathBuf, OutputError> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    remove_stale(parent, &name);
    let dir = parent.join(format!(".{name}.{what}-{}", std::process::id()));
    if fs::symlink_metadata(&dir).is_ok() {
        // remove_dir_all removes a link itself, never what it names.
        fs::remove_dir_all(&dir)
            .or_else(|_| fs::remove_file(&dir))
            .map_err(io_err(&dir))?;
    }
    fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    Ok(dir)
}

/// A staging folder being filled by a build.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    files: AtomicU64,
    bytes: AtomicU64,
}

impl Staging {
    /// Create an empty staging folder beside `target`.
    pub fn create(target: &Path) -> Result<Staging, OutputError> {
        let target = &resolve_target(target)?;
        check_replaceable(target)?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io_err(parent))?;
        let dir = fresh_sibling(target, parent, "staging")?;
        let s = Staging {
            dir,
            target: target.to_path_buf(),
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        };
        s.write(
            MARKER,
            b"chengguo build output; safe to delete and rebuild\n",
        )
        .map_err(io_err(target))?;
        Ok(s)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Copy a file into the staging folder (`to` is checked by
    /// [`crate::safepath::join_inside`]).
    pub fn copy(&self, from: &Path, to: &str) -> io::Result<()> {
        let dest = crate::safepath::join_inside(&self.dir, to).map_err(path_err)?;
        if let Some(p) = dest.parent() {
            fs::create_dir_all(p)?;
        }
        let n = fs::copy(from, &dest)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(n, Ordering::Relaxed);
        Ok(())
    }

    /// Count files written by others (the search export) into the folder.
    pub fn account(&self, files: u64, bytes: u64) {
        self.files.fetch_add(files, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    pub fn files(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Swap the staging folder in place of the target. Dot-files of the old
    /// output (such as `.gitignore`) are kept.
    pub fn commit(self) -> Result<(), OutputError> {
        let target = self.target.clone();
        if fs::symlink_metadata(&target).is_ok() {
            if let Ok(rd) = fs::read_dir(&target) {
                for e in rd.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    // Regular files only: a dot-file that is a link is not
                    // followed (its target is never read).
                    let regular = e.file_type().is_ok_and(|t| t.is_file());
                    if name.starts_with('.') && name != MARKER && regular {
                        if let Ok(dest) = crate::safepath::join_inside(&self.dir, &name) {
                            let _ = fs::copy(e.path(), dest);
                        }
                    }
                }
            }
            let old = self.dir.with_file_name(
                self.dir
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .replace(".staging-", ".old-"),
            );
            fs::rename(&target, &old).map_err(io_err(&target))?;
            if let Err(e) = fs::rename(&self.dir, &target) {
                // Put the previous output back before reporting.
                let _ = fs::rename(&old, &target);
                return Err(OutputError::Io {
                    path: target,
                    err: e,
                });
            }
            remove_tree_parallel(&old);
        } else {
            fs::rename(&self.dir, &target).map_err(io_err(&target))?;
        }
        std::mem::forget(self);
        Ok(())
    }
}

impl Drop for Staging {
    /// A build that did not commit leaves no staging folder behind.
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Staging {
    /// Whether the current output holds `path` as a regular file (never a
    /// link) with exactly these bytes: then the staging folder gets a hard
    /// link to it instead of a new file. A rebuild that changes a few pages
    /// then creates a few inodes instead of every page's (creating files
    /// just after as many were deleted is the slowest part of a rebuild on
    /// ext4); the old output's removal only drops its names.
    fn reuse(&self, path: &str, dest: &Path, bytes: &[u8]) -> bool {
        let Ok(old) = crate::safepath::join_inside(&self.target, path) else {
            return false;
        };
        let same = fs::symlink_metadata(&old)
            .is_ok_and(|m| m.file_type().is_file() && m.len() == bytes.len() as u64)
            && fs::read(&old).is_ok_and(|b| b == bytes);
        same && fs::hard_link(&old, dest).is_ok()
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let dest = crate::safepath::join_inside(&self.dir, path).map_err(path_err)?;
        if let Some(p) = dest.parent() {
            fs::create_dir_all(p)?;
        }
        if !self.reuse(path, &dest, bytes) {
            fs::write(&dest, bytes)?;
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

/// An output folder updated in place (`serve`'s incremental rebuilds, see
/// [`crate::incr`]): the files a build writes go into a pending folder
/// beside the output while it runs; [`Update::commit`] then moves each into
/// place (one rename per file: a reader gets the old file or the new one,
/// never part of one) and deletes the files the build no longer produces.
/// A build that does not commit (content errors) drops the pending folder
/// and leaves the output untouched.
pub struct Update {
    dir: PathBuf,
    target: PathBuf,
    written: std::sync::Mutex<Vec<String>>,
    bytes: AtomicU64,
}

impl Update {
    /// Start updating `target`, which must be an output folder (with the
    /// marker) that a previous build wrote.
    pub fn create(target: &Path) -> Result<Update, OutputError> {
        let target = &resolve_target(target)?;
        if !fs::symlink_metadata(target.join(MARKER)).is_ok_and(|m| m.is_file()) {
            return Err(OutputError::Foreign(target.to_path_buf()));
        }
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dir = fresh_sibling(target, parent, "pending")?;
        Ok(Update {
            dir,
            target: target.to_path_buf(),
            written: Default::default(),
            bytes: AtomicU64::new(0),
        })
    }

    /// Copy a file into the update (`to` is checked like every path).
    pub fn copy(&self, from: &Path, to: &str) -> io::Result<()> {
        let dest = crate::safepath::join_inside(&self.dir, to).map_err(path_err)?;
        if let Some(p) = dest.parent() {
            fs::create_dir_all(p)?;
        }
        let n = fs::copy(from, &dest)?;
        self.written.lock().unwrap().push(to.to_string());
        self.bytes.fetch_add(n, Ordering::Relaxed);
        Ok(())
    }

    /// Files written so far.
    pub fn files(&self) -> u64 {
        self.written.lock().unwrap().len() as u64
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Move the written files into the output and delete `removed` (paths
    /// relative to the output; links are removed as links, never followed),
    /// then folders left empty by the deletions.
    pub fn commit(self, removed: &[String]) -> Result<(), OutputError> {
        let mut written = std::mem::take(&mut *self.written.lock().unwrap());
        written.sort();
        let join = |root: &Path, p: &str| {
            crate::safepath::join_inside(root, p).map_err(|e| OutputError::Io {
                path: root.join(p),
                err: path_err(e),
            })
        };
        for p in &written {
            let (from, to) = (join(&self.dir, p)?, join(&self.target, p)?);
            if let Some(d) = to.parent() {
                fs::create_dir_all(d).map_err(io_err(d))?;
            }
            fs::rename(&from, &to).map_err(io_err(&to))?;
        }
        for p in removed {
            let path = join(&self.target, p)?;
            match fs::symlink_metadata(&path) {
                Ok(m) if !m.is_dir() => fs::remove_file(&path).map_err(io_err(&path))?,
                _ => continue,
            }
            // Folders this left empty (a full build would not make them).
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| *d != self.target && d.starts_with(&self.target)) {
                if fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        Ok(())
    }
}

impl Drop for Update {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Sink for Update {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let dest = crate::safepath::join_inside(&self.dir, path).map_err(path_err)?;
        if let Some(p) = dest.parent() {
            fs::create_dir_all(p)?;
        }
        fs::write(&dest, bytes)?;
        self.written.lock().unwrap().push(path.to_string());
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

/// A sink that writes nothing (for `check`).
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _: &str, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
}

/// Remove staging/old folders left beside the output by builds that were
/// killed (their process no longer exists). Only where /proc tells.
fn remove_stale(parent: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(rd) = fs::read_dir(parent) else { return };
    for e in rd.flatten() {
        let f = e.file_name().to_string_lossy().into_owned();
        let pid = f
            .strip_prefix(&format!(".{name}.staging-"))
            .or_else(|| f.strip_prefix(&format!(".{name}.old-")))
            .or_else(|| f.strip_prefix(&format!(".{name}.pending-")));
        if let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok()) {
            if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
                remove_tree_parallel(&e.path());
            }
        }
    }
}

/// Remove a folder tree, its top-level entries in parallel (a national
/// portal has ~15,000 files; deleting them one by one dominates a rebuild).
/// Never follows a symbolic link: a link (at any depth, `dir` itself
/// included) is removed as a link, what it names is left alone.
fn remove_tree_parallel(dir: &Path) {
    use rayon::prelude::*;
    match fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_dir() => {}
        Ok(_) => {
            let _ = fs::remove_file(dir);
            return;
        }
        Err(_) => return,
    }
    // (path, is a real folder), from the entries' own types (lstat).
    let list = |d: &Path| -> Vec<(PathBuf, bool)> {
        fs::read_dir(d)
            .map(|rd| {
                rd.flatten()
                    .map(|e| {
                        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                        (e.path(), is_dir)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    list(dir).par_iter().for_each(|(p, is_dir)| {
        if *is_dir {
            list(p).par_iter().for_each(|(f, is_dir)| {
                // std's remove_dir_all does not follow links either.
                let _ = if *is_dir {
                    fs::remove_dir_all(f)
                } else {
                    fs::remove_file(f)
                };
            });
            let _ = fs::remove_dir_all(p);
        } else {
            let _ = fs::remove_file(p);
        }
    });
    let _ = fs::remove_dir_all(dir);
}

fn check_replaceable(target: &Path) -> Result<(), OutputError> {
    let Ok(meta) = fs::symlink_metadata(target) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(OutputError::Foreign(target.to_path_buf()));
    }
    let is_regular = |p: &Path| fs::symlink_metadata(p).is_ok_and(|m| m.is_file());
    if is_regular(&target.join(MARKER)) {
        return Ok(());
    }
    let rd = fs::read_dir(target).map_err(io_err(target))?;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        // An output folder holding only dot-files (a .gitignore) is fine.
        let regular = e.file_type().is_ok_and(|t| t.is_file());
        if !(name.starts_with('.') && regular) {
            return Err(OutputError::Foreign(target.to_path_buf()));
        }
    }
    Ok(())
}
