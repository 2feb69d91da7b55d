//! The site's cache folder `.chengguo-cache/` (search index, derived
//! photos, the preview, locks) and the one rule for it: the program never
//! writes or deletes through a symbolic link found there.
//!
//! A site folder sent by someone else may carry a `.chengguo-cache/` of
//! its own. A link in it (the folder itself, `images/`, `search/`, an
//! image entry, the lock file) would make a build write into, or prune,
//! whatever the link names. [`check`] looks at the folder and its first
//! two levels (where the program creates folders and files by name) before
//! anything is written; a link is an error naming it. The rest of the
//! cache is written inside folders the program made itself (staging
//! folders, fresh numbered exports) or removed without following links.

use std::path::{Path, PathBuf};

/// The cache folder of a site.
pub fn root(site: &Path) -> PathBuf {
    site.join(".chengguo-cache")
}

/// Refuse a cache with a symbolic link at its top or in its first two
/// levels. A missing cache is fine. Inside the preview's output and search
/// exports (`serve/`, `serve-search/`), which are written through staging
/// and fresh numbered folders and removed without following links
/// (`output.rs`, `serve/index.rs`), only the folders themselves are checked.
pub fn check(site: &Path) -> Result<(), CacheLink> {
    let root = root(site);
    let Ok(md) = std::fs::symlink_metadata(&root) else {
        return Ok(());
    };
    if md.file_type().is_symlink() {
        return Err(CacheLink(root));
    }
    let entries = |dir: &Path| {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .collect::<Vec<_>>()
    };
    for e in entries(&root) {
        let Ok(t) = e.file_type() else { continue };
        if t.is_symlink() {
            return Err(CacheLink(e.path()));
        }
        let managed = matches!(e.file_name().to_str(), Some("serve" | "serve-search"));
        if t.is_dir() && !managed {
            for c in entries(&e.path()) {
                if c.file_type().is_ok_and(|t| t.is_symlink()) {
                    return Err(CacheLink(c.path()));
                }
            }
        }
    }
    Ok(())
}

/// A symbolic link where the program writes its cache.
#[derive(Debug, thiserror::Error)]
#[error("{} 是符号链接：chengguo 不会通过缓存目录 .chengguo-cache 中的链接写入或删除文件（它可能指向站点以外的位置）；请删除这个链接，或把整个 .chengguo-cache 删除（下次生成会重新建立）", .0.display())]
pub struct CacheLink(pub PathBuf);
