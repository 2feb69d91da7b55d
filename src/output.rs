//! Output stage: every file of a build goes into a fresh staging folder next
//! to the output folder; only when the whole build succeeded is the staging
//! folder swapped in (two renames), so a failed build never touches the last
//! good output, and files no longer produced disappear.

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
    #[error("{path}：{err}")]
    Io { path: PathBuf, err: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |err| OutputError::Io {
        path: path.to_path_buf(),
        err,
    }
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
        check_replaceable(target)?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io_err(parent))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        remove_stale(parent, &name);
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
        }
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
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

    /// Copy a file into the staging folder.
    pub fn copy(&self, from: &Path, to: &str) -> io::Result<()> {
        let dest = self.dir.join(to);
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
        if target.exists() {
            if let Ok(rd) = fs::read_dir(&target) {
                for e in rd.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') && name != MARKER && e.path().is_file() {
                        let _ = fs::copy(e.path(), self.dir.join(&name));
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

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let dest = self.dir.join(path);
        if let Some(p) = dest.parent() {
            fs::create_dir_all(p)?;
        }
        fs::write(&dest, bytes)?;
        self.files.fetch_add(1, Ordering::Relaxed);
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
            .or_else(|| f.strip_prefix(&format!(".{name}.old-")));
        if let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok()) {
            if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
                remove_tree_parallel(&e.path());
            }
        }
    }
}

/// Remove a folder tree, its top-level entries in parallel (a national
/// portal has ~15,000 files; deleting them one by one dominates a rebuild).
fn remove_tree_parallel(dir: &Path) {
    use rayon::prelude::*;
    if let Ok(rd) = fs::read_dir(dir) {
        let entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        entries.par_iter().for_each(|p| {
            if p.is_dir() {
                let files: Vec<PathBuf> = fs::read_dir(p)
                    .map(|rd| rd.flatten().map(|e| e.path()).collect())
                    .unwrap_or_default();
                files.par_iter().for_each(|f| {
                    let _ = if f.is_dir() {
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
    }
    let _ = fs::remove_dir_all(dir);
}

fn check_replaceable(target: &Path) -> Result<(), OutputError> {
    if !target.exists() {
        return Ok(());
    }
    if !target.is_dir() {
        return Err(OutputError::Foreign(target.to_path_buf()));
    }
    if target.join(MARKER).is_file() {
        return Ok(());
    }
    let rd = fs::read_dir(target).map_err(io_err(target))?;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        // An output folder holding only dot-files (a .gitignore) is fine.
        if !(name.starts_with('.') && e.path().is_file()) {
            return Err(OutputError::Foreign(target.to_path_buf()));
        }
    }
    Ok(())
}
