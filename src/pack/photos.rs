//! What the image stage saves on a stick: the camera originals under
//! `content/media/` that the portal publishes only as derived files
//! ([`crate::images`]), against the derived files the portal folder holds.
//! The zip carries the portal folder only, so originals never reach it.

use std::collections::HashMap;
use std::path::Path;

/// Photos derived by the image stage and their bytes before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saving {
    pub photos: u64,
    /// Bytes of the originals.
    pub originals: u64,
    /// Bytes of every derived file published for them (all widths).
    pub published: u64,
}

/// The saving of the portal folder `portal` built from `site`, or `None`
/// when the site has no derived photo.
pub fn saving(site: &Path, portal: &Path) -> Option<Saving> {
    let settings = crate::config::load(site, &mut crate::diag::Diagnostics::new()).images;
    let media = site.join("content").join("media");
    let mut s = Saving {
        photos: 0,
        originals: 0,
        published: 0,
    };
    // Folder of the portal → its files (name, size), listed once.
    let mut listed: HashMap<std::path::PathBuf, Vec<(String, u64)>> = HashMap::new();
    for e in walkdir::WalkDir::new(&media)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        let Ok(rel) = e.path().strip_prefix(site.join("content")) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if !crate::images::is_derived(e.path()) || settings.keeps(&rel) {
            continue;
        }
        let out = portal.join(&rel);
        let Some(dir) = out.parent() else { continue };
        let files = listed.entry(dir.to_path_buf()).or_insert_with(|| {
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|f| {
                    let len = f.metadata().ok()?.len();
                    Some((f.file_name().to_string_lossy().into_owned(), len))
                })
                .collect()
        });
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned());
        let Some(name) = name else { continue };
        let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, ""));
        let derived = |f: &str| {
            f == name
                || f.strip_prefix(stem)
                    .and_then(|r| r.strip_prefix('-'))
                    .and_then(|r| r.strip_suffix(ext))
                    .and_then(|r| r.strip_suffix("w."))
                    .is_some_and(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
        };
        s.photos += 1;
        s.originals += e.metadata().map(|m| m.len()).unwrap_or(0);
        s.published += files
            .iter()
            .filter(|(f, _)| derived(f))
            .map(|(_, n)| n)
            .sum::<u64>();
    }
    (s.photos > 0).then_some(s)
}
