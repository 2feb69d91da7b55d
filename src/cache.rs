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
/// levels. A missing cache is fine.
pub fn check(site: &Path) -> Result<(), CacheLink> {
    let root = root(site);
    let Ok(md) = std::fs::symlink_metadata(&root) else {
        return Ok(());
    };
    if md.file_type().is_symlink() {
        return Err(CacheLink(root));
    }
    for e in walkdir::WalkDir::new(&root)
        .min_depth(1)
        .max_depth(2)
        .follow_links(false)
        .into_iter()
        .flatten()
    {
        if e.path_is_symlink() {
            return Err(CacheLink(e.into_path()));
        }
    }
    Ok(())
}

/// A symbolic link where the program writes its cache.
#[derive(Debug, thiserror::Error)]
#[error("{} 是符号链接：chengguo 不会通过缓存目录 .chengguo-cache 中的链接写入或删除文件（它可能指向站点以外的位置）；请删除这个链接，或把整个 .chengguo-cache 删除（下次生成会重新建立）", .0.display())]
pub struct CacheLink(pub PathBuf);
