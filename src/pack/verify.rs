//! `chengguo verify DIR`: check a copied portal (a USB stick) against its
//! manifest. `DIR` is the packed top folder itself (holding
//! `校验清单.sha256`) or a folder holding exactly one such top folder (the
//! stick's root). Every listed file is checked for presence, size
//! (truncated copies) and SHA-256 (corruption); files not in the manifest
//! are reported as warnings only.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::manifest;

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("找不到文件夹 {0}")]
    NoDir(PathBuf),
    #[error("{0} 是压缩包：请先解压（或复制到 U 盘后的文件夹），再校验解压出的文件夹")]
    IsZip(PathBuf),
    #[error("{0} 中找不到校验清单（{file}）：请指定 U 盘版门户的文件夹（含“打开门户.html”的那一层）", file = manifest::FILE)]
    NoManifest(PathBuf),
    #[error("{dir} 中有多个 U 盘版门户：{}；请指定其中一个文件夹", list.join("、"))]
    Ambiguous { dir: PathBuf, list: Vec<String> },
    #[error("无法读取校验清单 {path}（{err}）")]
    Manifest { path: PathBuf, err: std::io::Error },
}

/// What is wrong with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Listed, not there.
    Missing,
    /// Size differs (an interrupted copy).
    Truncated { expected: u64, actual: u64 },
    /// Same size, other content.
    Corrupted,
    /// Could not be read (a failing stick).
    Unreadable(String),
    /// The manifest names a path that breaks the path rule (`..\\..\\x`,
    /// `C:\\x`, `/etc/passwd`, `../x`): reported, never opened.
    Unsafe(crate::safepath::PathProblem),
}

#[derive(Debug, Default)]
pub struct VerifyReport {
    /// The top folder that was checked.
    pub top: PathBuf,
    /// Files listed in the manifest.
    pub listed: usize,
    pub listed_bytes: u64,
    /// (path, problem), in manifest order.
    pub problems: Vec<(String, Problem)>,
    /// Problems of the manifest itself.
    pub manifest_problems: Vec<String>,
    /// Files present but not in the manifest (warnings).
    pub extra: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty() && self.manifest_problems.is_empty()
    }
    pub fn count(&self, f: impl Fn(&Problem) -> bool) -> usize {
        self.problems.iter().filter(|(_, p)| f(p)).count()
    }
}

/// The folder holding the manifest: `dir` itself, or its only sub-folder
/// that holds one.
pub fn find_top(dir: &Path) -> Result<PathBuf, VerifyError> {
    if !dir.is_dir() {
        if dir.is_file()
            && dir
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
        {
            return Err(VerifyError::IsZip(dir.to_path_buf()));
        }
        return Err(VerifyError::NoDir(dir.to_path_buf()));
    }
    if dir.join(manifest::FILE).is_file() {
        return Ok(dir.to_path_buf());
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|_| VerifyError::NoManifest(dir.to_path_buf()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.join(manifest::FILE).is_file())
        .collect();
    found.sort();
    match found.len() {
        0 => {
            // The portal folder itself was given: its parent holds the manifest.
            match dir.parent() {
                Some(p) if dir.join("index.html").is_file() && p.join(manifest::FILE).is_file() => {
                    Ok(p.to_path_buf())
                }
                _ => Err(VerifyError::NoManifest(dir.to_path_buf())),
            }
        }
        1 => Ok(found.remove(0)),
        _ => Err(VerifyError::Ambiguous {
            dir: dir.to_path_buf(),
            list: found
                .iter()
                .filter_map(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .collect(),
        }),
    }
}

/// Check the portal in `dir` (see [`find_top`]).
pub fn verify(dir: &Path) -> Result<VerifyReport, VerifyError> {
    let top = find_top(dir)?;
    let mpath = top.join(manifest::FILE);
    let bytes = std::fs::read(&mpath).map_err(|err| VerifyError::Manifest {
        path: mpath.clone(),
        err,
    })?;
    let parsed = manifest::parse(&bytes);
    let mut report = VerifyReport {
        top: top.clone(),
        listed: parsed.entries.len(),
        listed_bytes: parsed
            .entries
            .iter()
            .map(|e| e.size)
            .filter(|&s| s != u64::MAX)
            .sum(),
        manifest_problems: parsed.problems,
        ..Default::default()
    };
    if parsed.entries.is_empty() && report.manifest_problems.is_empty() {
        report
            .manifest_problems
            .push("校验清单中没有任何文件".to_string());
    }
    let results: Vec<Option<Problem>> = parsed
        .entries
        .par_iter()
        .map(|e| check_one(&top, e))
        .collect();
    for (e, r) in parsed.entries.iter().zip(results) {
        if let Some(p) = r {
            report.problems.push((e.path.clone(), p));
        }
    }
    // Files not listed: warnings.
    let listed: std::collections::HashSet<&str> =
        parsed.entries.iter().map(|e| e.path.as_str()).collect();
    for entry in walkdir::WalkDir::new(&top)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(&top).unwrap_or(entry.path());
        let rel = rel
            .to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/");
        if rel != manifest::FILE && !listed.contains(rel.as_str()) {
            report.extra.push(rel);
        }
    }
    Ok(report)
}

fn check_one(top: &Path, e: &manifest::Entry) -> Option<Problem> {
    // Manifest paths are data this run did not write: the one path rule,
    // and no link inside the folder may carry the path elsewhere.
    let p = match crate::safepath::join_inside(top, &e.path) {
        Ok(p) => p,
        Err(problem) => return Some(Problem::Unsafe(problem)),
    };
    let meta = match std::fs::metadata(&p) {
        Ok(m) if m.is_file() => m,
        Ok(_) => return Some(Problem::Missing),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Some(Problem::Missing),
        Err(err) => return Some(Problem::Unreadable(err.to_string())),
    };
    if meta.len() != e.size {
        return Some(Problem::Truncated {
            expected: e.size,
            actual: meta.len(),
        });
    }
    match manifest::hash_file(&p) {
        Ok((h, n)) if n == e.size && h == e.sha256 => None,
        Ok((_, n)) if n != e.size => Some(Problem::Truncated {
            expected: e.size,
            actual: n,
        }),
        Ok(_) => Some(Problem::Corrupted),
        Err(err) => Some(Problem::Unreadable(err.to_string())),
    }
}
