//! Is the site's output folder a fresh build of its current input?
//!
//! `pack` reuses `<site>/public` only when both hold:
//! - the *input fingerprint* (SHA-256 over the chengguo binary's identity,
//!   the embedded default theme, `site.yaml`, and the path and bytes of every
//!   file under `content/` and `themes/`) equals the one recorded when `pack`
//!   last built the site, and
//! - the *output digest* (path, size and modification time of every file
//!   of the output folder) equals the one recorded right after that build,
//!   so any later `chengguo build`, hand edit or deletion in the output
//!   forces a rebuild.
//!
//! The record lives in `<site>/.chengguo-cache/pack-stamp` (never in the
//! output, whose dot-files survive rebuilds). When anything cannot be read,
//! the answer is "not fresh": in doubt, rebuild.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::manifest::hex;

/// Where the stamp is kept, inside the site folder.
pub fn stamp_path(site: &Path) -> std::path::PathBuf {
    site.join(".chengguo-cache").join("pack-stamp")
}

/// Fingerprint of everything a build reads. `None` if something could not
/// be read (then the output is never considered fresh).
pub fn input_fingerprint(site: &Path) -> Option<String> {
    let mut h = Sha256::new();
    h.update(b"chengguo-pack-input v1\n");
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    // The binary itself: a rebuilt chengguo may render differently.
    if let Ok(exe) = std::env::current_exe() {
        if let Ok(m) = std::fs::metadata(&exe) {
            h.update(m.len().to_le_bytes());
            if let Ok(t) = m.modified() {
                if let Ok(d) = t.duration_since(std::time::UNIX_EPOCH) {
                    h.update(d.as_nanos().to_le_bytes());
                }
            }
        }
    }
    for (p, b) in crate::render::theme::DEFAULT_FILES {
        h.update(p.as_bytes());
        h.update((b.len() as u64).to_le_bytes());
        h.update(b);
    }
    h.update(b"site.yaml\0");
    h.update(std::fs::read(site.join(crate::config::FILE)).ok()?);
    for dir in ["content", "themes"] {
        let root = site.join(dir);
        if !root.exists() {
            h.update(format!("no {dir}\0").as_bytes());
            continue;
        }
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.ok()?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(site).ok()?;
            h.update(rel.to_string_lossy().as_bytes());
            h.update(b"\0");
            let mut f = std::fs::File::open(entry.path()).ok()?;
            let (fh, n) = super::manifest::hash_reader(&mut f).ok()?;
            h.update(n.to_le_bytes());
            h.update(fh.as_bytes());
        }
    }
    Some(hex(&h.finalize()))
}

/// Digest of the output folder's file list (path, size, mtime). `None` when
/// the folder is missing or unreadable.
pub fn output_digest(out: &Path) -> Option<String> {
    if !out.is_dir() {
        return None;
    }
    let mut h = Sha256::new();
    for entry in walkdir::WalkDir::new(out).sort_by_file_name() {
        let entry = entry.ok()?;
        if entry.file_type().is_dir() {
            continue;
        }
        let m = entry.metadata().ok()?;
        let rel = entry.path().strip_prefix(out).ok()?;
        h.update(rel.to_string_lossy().as_bytes());
        h.update(b"\0");
        h.update(m.len().to_le_bytes());
        let t = m
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        h.update(t.as_nanos().to_le_bytes());
    }
    Some(hex(&h.finalize()))
}

/// The recorded stamp: (input fingerprint, output digest).
fn read_stamp(site: &Path) -> Option<(String, String)> {
    let s = std::fs::read_to_string(stamp_path(site)).ok()?;
    let mut lines = s.lines();
    let input = lines.next()?.strip_prefix("input ")?.to_string();
    let output = lines.next()?.strip_prefix("output ")?.to_string();
    Some((input, output))
}

/// Record that `out` is the build of input `fingerprint`.
pub fn write_stamp(site: &Path, fingerprint: &str, out: &Path) -> std::io::Result<()> {
    let Some(digest) = output_digest(out) else {
        return Ok(());
    };
    let p = stamp_path(site);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d)?;
    }
    std::fs::write(p, format!("input {fingerprint}\noutput {digest}\n"))
}

/// Forget the stamp (before a build, so a failed build is never "fresh").
pub fn clear_stamp(site: &Path) {
    let _ = std::fs::remove_file(stamp_path(site));
}

/// True only when `out` is recorded as the build of exactly this input and
/// has not changed since.
pub fn is_fresh(site: &Path, fingerprint: Option<&str>, out: &Path) -> bool {
    let (Some(fp), Some((input, output))) = (fingerprint, read_stamp(site)) else {
        return false;
    };
    fp == input && output_digest(out).as_deref() == Some(output.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamp_tracks_input_and_output() {
        let t = tempfile::tempdir().unwrap();
        let site = t.path();
        std::fs::write(site.join("site.yaml"), "title: x\n").unwrap();
        std::fs::create_dir_all(site.join("content/pages")).unwrap();
        std::fs::write(site.join("content/pages/a.md"), "---\ntitle: a\n---\n").unwrap();
        let out = site.join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("index.html"), "x").unwrap();

        let fp = input_fingerprint(site).unwrap();
        assert!(!is_fresh(site, Some(&fp), &out), "no stamp yet");
        write_stamp(site, &fp, &out).unwrap();
        assert!(is_fresh(site, Some(&fp), &out));

        // Content edited: the fingerprint changes.
        std::fs::write(site.join("content/pages/a.md"), "---\ntitle: b\n---\n").unwrap();
        let fp2 = input_fingerprint(site).unwrap();
        assert_ne!(fp, fp2);
        assert!(!is_fresh(site, Some(&fp2), &out));

        // Output changed behind our back: not fresh either.
        write_stamp(site, &fp2, &out).unwrap();
        std::fs::write(out.join("extra.html"), "y").unwrap();
        assert!(!is_fresh(site, Some(&fp2), &out));
        assert!(!is_fresh(site, None, &out));
    }
}
