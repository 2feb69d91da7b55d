//! Offline distribution (`chengguo pack`, `chengguo verify`): the built
//! portal as one deterministic zip for USB sticks, and a check of a copied
//! folder against its manifest. A consumer of the pipeline: it runs
//! [`crate::build::run`] (or reuses a fresh output, see [`fresh`]) and
//! packs `<site>/public`.
//!
//! Layout of the zip (one top folder, named after the zip file):
//!
//! ```text
//! <top>/打开门户.html        start page: meta refresh to portal/index.html
//! <top>/使用说明.txt         how to open, browsers, what needs the internet
//! <top>/校验清单.sha256      SHA-256 and size of every other file (see [`manifest`])
//! <top>/portal/…             the built portal (ASCII folder name: still works
//!                            if an old unzip tool garbles the Chinese names)
//! ```
//!
//! Entries are sorted, dated 1980-01-01 00:00, mode 0644 (folders 0755),
//! non-ASCII names UTF-8 flagged (bit 11), zip64 only where needed: the same
//! input gives the same bytes. Text is deflated (in parallel), media that is
//! already compressed is stored.

pub mod fresh;
pub mod manifest;
pub mod photos;
pub mod scan;
pub mod texts;
pub mod verify;

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use zip::write::{PreparedZipFile, SimpleFileOptions};
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::build::{self, BuildError, Report, Stage};
use manifest::Entry;

/// The portal's folder inside the top folder.
pub const PORTAL_DIR: &str = "portal";
/// The start file a teacher double-clicks.
pub const START_FILE: &str = "打开门户.html";
/// Instructions for the teacher.
pub const README_FILE: &str = "使用说明.txt";
/// Default name of the zip (and its top folder), written into the site folder.
pub const DEFAULT_NAME: &str = "成果门户U盘版";
/// The zip comment every pack writes: how `pack -o` recognises a zip it may
/// replace (together with an older pack's manifest entry).
pub const ZIP_COMMENT: &str = "chengguo pack: portal for USB sticks, see 校验清单.sha256";
/// FAT32 cannot hold a file of 4 GiB or more.
pub const FAT32_MAX: u64 = u32::MAX as u64;
/// Cluster size for the on-stick estimate.
const CLUSTER: u64 = 32 * 1024;
/// Extensions left out by `--no-video`.
pub const VIDEO_EXT: &[&str] = &["mp4", "webm", "ogv", "mov", "m4v"];
/// Extensions stored without compression (already compressed).
const STORED_EXT: &[&str] = &[
    "mp4", "webm", "ogv", "mov", "m4v", "mp3", "m4a", "ogg", "oga", "jpg", "jpeg", "png", "gif",
    "webp", "avif", "pdf", "zip", "gz", "7z", "rar", "docx", "xlsx", "pptx", "woff", "woff2",
];
/// Files up to this size are read whole and compressed in parallel; bigger
/// ones are streamed.
const IN_MEMORY_MAX: u64 = 32 << 20;
/// Memory budget of one parallel batch.
const BATCH_BYTES: u64 = 256 << 20;

#[derive(Debug, Clone)]
pub struct PackOptions {
    pub site: PathBuf,
    /// The zip to write; default `<site>/成果门户U盘版.zip`.
    pub zip: Option<PathBuf>,
    /// Leave video files out (small sticks).
    pub no_video: bool,
    /// Always rebuild, even when the output is fresh.
    pub rebuild: bool,
}

impl PackOptions {
    pub fn zip_path(&self) -> PathBuf {
        self.zip
            .clone()
            .unwrap_or_else(|| self.site.join(format!("{DEFAULT_NAME}.zip")))
    }
    /// The top folder inside the zip: the zip's file name without `.zip`.
    pub fn top_name(&self) -> String {
        let p = self.zip_path();
        let stem = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = stem
            .strip_suffix(".zip")
            .or_else(|| stem.strip_suffix(".ZIP"))
            .unwrap_or(&stem)
            .trim()
            .to_string();
        if stem.is_empty()
            || stem.starts_with('.')
            || !manifest::path_ok(&stem)
            || crate::safepath::check_component(&stem).is_err()
        {
            DEFAULT_NAME.to_string()
        } else {
            stem
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("{0} 不是 chengguo 站点目录（找不到 site.yaml）")]
    NotSite(PathBuf),
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error("无法读取 {path}（{err}）")]
    Read { path: PathBuf, err: std::io::Error },
    #[error("无法写入 {path}（{err}）")]
    Write { path: PathBuf, err: std::io::Error },
    #[error("写入压缩包 {path} 出错（{err}）")]
    Zip {
        path: PathBuf,
        err: zip::result::ZipError,
    },
    #[error("文件名 {0} 含有换行、反斜杠或不是 UTF-8，无法写入校验清单；请改名后重新生成")]
    BadName(PathBuf),
    #[error("门户输出目录中的 {path} 不能放入压缩包：{problem}；请改名后重新生成")]
    UnsafeName {
        path: PathBuf,
        problem: crate::safepath::PathProblem,
    },
    #[error("门户输出目录中的 {0} 是符号链接，不是 chengguo 生成的文件；为免把别处的文件打进压缩包，拒绝打包：请删除它，或加 --rebuild 重新生成")]
    Link(PathBuf),
    #[error("-o {0}：压缩包的文件名应以 .zip 结尾")]
    NotZipName(PathBuf),
    #[error("{0} 已存在，且不是 chengguo pack 制作的压缩包：为防止误覆盖，拒绝写入（文件未改动）；请换一个文件名，或先自行删除它")]
    NotOurZip(PathBuf),
    #[error("输出目录 {0} 不存在或为空，无法打包")]
    NoOutput(PathBuf),
    #[error("压缩包 {0} 不能放在门户输出目录中")]
    ZipInsideOutput(PathBuf),
}

/// The portal folder ready to be packed.
pub struct Prepared {
    /// The build that was run, or `None` when a fresh output was reused.
    pub build: Option<Report>,
    pub out: PathBuf,
    /// The site's build lock, held until the zip is written.
    _lock: Option<File>,
}

/// Make sure `<site>/public` is a build of the site's current input: reuse
/// it when [`fresh`] says so, otherwise run the build. When the build has
/// content errors, `build.ok` is false and nothing should be packed.
pub fn prepare(opts: &PackOptions, on: &mut dyn FnMut(&Stage)) -> Result<Prepared, PackError> {
    if !opts.site.join(crate::config::FILE).is_file() {
        return Err(PackError::NotSite(opts.site.clone()));
    }
    check_zip_target(&opts.zip_path())?;
    let bopts = build::Options {
        site: opts.site.clone(),
        out: None,
        write: true,
        search: true,
    };
    let out = bopts.out_dir();
    let fp = fresh::input_fingerprint(&opts.site);
    if !opts.rebuild {
        let lock = build::lock_site(&opts.site)?;
        if fresh::is_fresh(&opts.site, fp.as_deref(), &out) {
            return Ok(Prepared {
                build: None,
                out,
                _lock: Some(lock),
            });
        }
    }
    fresh::clear_stamp(&opts.site);
    let report = build::run(&bopts, on)?;
    if !report.ok {
        return Ok(Prepared {
            build: Some(report),
            out,
            _lock: None,
        });
    }
    let lock = build::lock_site(&opts.site)?;
    if let Some(fp) = &fp {
        // A stamp that cannot be written only costs a rebuild next time.
        let _ = fresh::write_stamp(&opts.site, fp, &out);
    }
    Ok(Prepared {
        build: Some(report),
        out,
        _lock: Some(lock),
    })
}

/// `pack -o` writes only a `.zip` that does not exist yet or that pack
/// wrote before (its comment is [`ZIP_COMMENT`], or, from older versions,
/// it holds `<top>/校验清单.sha256` starting with the manifest's first
/// line). Anything else (a `notes.txt`, a folder, a link, someone else's
/// zip) is refused and left untouched.
pub fn check_zip_target(zip: &Path) -> Result<(), PackError> {
    let is_zip_name = zip
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if !is_zip_name {
        return Err(PackError::NotZipName(zip.to_path_buf()));
    }
    match std::fs::symlink_metadata(zip) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(PackError::Read {
            path: zip.to_path_buf(),
            err,
        }),
        Ok(m) if m.is_file() && is_pack_zip(zip) => Ok(()),
        Ok(_) => Err(PackError::NotOurZip(zip.to_path_buf())),
    }
}

/// Whether `zip` is a zip written by `pack`.
pub fn is_pack_zip(zip: &Path) -> bool {
    let Ok(f) = File::open(zip) else {
        return false;
    };
    let Ok(mut a) = zip::ZipArchive::new(std::io::BufReader::new(f)) else {
        return false;
    };
    if a.comment() == ZIP_COMMENT.as_bytes() {
        return true;
    }
    let suffix = format!("/{}", manifest::FILE);
    let Some(name) = a
        .file_names()
        .flatten()
        .find(|n| n.ends_with(&suffix) && n.matches('/').count() == 1)
        .map(|n| n.into_owned())
    else {
        return false;
    };
    let Ok(entry) = a.by_name(&name) else {
        return false;
    };
    let mut head = Vec::new();
    let _ = entry.take(64).read_to_end(&mut head);
    head.starts_with("# chengguo 校验清单".as_bytes())
}

/// The site's title from site.yaml (for the start page and the manifest);
/// the default name when it cannot be read (the build reports why).
pub fn site_title(site: &Path) -> String {
    let mut d = crate::diag::Diagnostics::new();
    let cfg = crate::config::load(site, &mut d);
    if cfg.title.trim().is_empty() {
        DEFAULT_NAME.to_string()
    } else {
        cfg.title
    }
}

/// Size split of the portal folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindSize {
    pub label: &'static str,
    pub files: u64,
    pub bytes: u64,
}

/// A page with links or resources on the internet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalPage {
    /// Path under the portal folder.
    pub page: String,
    pub title: String,
    pub urls: Vec<String>,
}

/// A video left out by `--no-video`, with the pages (path, title) showing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub path: String,
    pub size: u64,
    pub pages: Vec<(String, String)>,
}

/// What `pack` wrote.
#[derive(Debug, Clone)]
pub struct PackReport {
    pub zip: PathBuf,
    pub top: String,
    /// Files in the zip (= manifest entries + the manifest).
    pub files: u64,
    /// Uncompressed bytes of those files.
    pub bytes: u64,
    pub zip_bytes: u64,
    /// Space the unzipped folder takes on a stick with 32 KB clusters (the
    /// exFAT default up to 32 GB; FAT32 defaults are at most that): every
    /// file rounds up to a whole cluster.
    pub on_stick_32k: u64,
    /// The portal folder by kind: HTML, search index, media, other.
    pub kinds: Vec<KindSize>,
    /// The largest files (path in the zip, bytes), biggest first.
    pub largest: Vec<(String, u64)>,
    /// Files FAT32 cannot hold.
    pub over_fat32: Vec<(String, u64)>,
    pub external: Vec<ExternalPage>,
    pub left_out: Vec<LeftOut>,
    /// Paths in the zip that Windows cannot create on a stick (reserved
    /// characters or names) or that are long enough to hit its 260-character
    /// path limit once the folder sits in a few parent folders.
    pub windows_unsafe: Vec<String>,
    pub took: Duration,
}

/// Longest path (in characters, inside the zip) we consider safe on Windows.
pub const WINDOWS_PATH_MAX: usize = 200;

/// Why `path` (as written in the zip) would be a problem on Windows, if it would.
pub fn windows_problem(path: &str) -> Option<&'static str> {
    if path.chars().count() > WINDOWS_PATH_MAX {
        return Some("路径过长");
    }
    // The same rule as every path the program writes (crate::safepath);
    // pack refuses names that break it, so this is a second look.
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        use crate::safepath::PathProblem as P;
        match crate::safepath::check_component(seg) {
            Ok(()) => {}
            Err(P::Reserved(_)) => return Some("是 Windows 保留的设备名"),
            Err(P::TrailingDotOrSpace(_)) => return Some("以点或空格结尾"),
            Err(_) => return Some("含有 Windows 不允许的字符"),
        }
    }
    None
}

/// "12.3 MB" style sizes (MB = 1,048,576 bytes) for reports.
pub fn human(bytes: u64) -> String {
    crate::text::size(bytes)
}

fn kind_index(rel: &str) -> usize {
    if rel.starts_with("search/") {
        1
    } else if rel.starts_with("media/") {
        2
    } else if rel.ends_with(".html") {
        0
    } else {
        3
    }
}

const KIND_LABELS: [&str; 4] = ["HTML 页面", "搜索索引", "媒体", "其他（样式、脚本等）"];

fn ext_of(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// `html` (the page at `page_rel`) with every `<video>…</video>` whose
/// source is a video left out by `--no-video` replaced by a note, so that
/// the stick shows no player that cannot play; `None` when there is none.
pub fn drop_left_out_videos(
    html: &str,
    page_rel: &str,
    left_out: &std::collections::HashSet<&str>,
) -> Option<String> {
    let page_dir: Vec<&str> = page_rel.split('/').collect();
    let page_dir = &page_dir[..page_dir.len() - 1];
    let resolve = |src: &str| -> String {
        let mut parts: Vec<&str> = page_dir.to_vec();
        for seg in src.split(['?', '#']).next().unwrap_or("").split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        scan::percent_decode(&parts.join("/"))
    };
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut changed = false;
    while let Some(i) = rest.find("<video") {
        let Some(len) = rest[i..].find("</video>").map(|e| e + "</video>".len()) else {
            break;
        };
        let block = &rest[i..i + len];
        let gone: Vec<String> = block
            .split("src=\"")
            .skip(1)
            .filter_map(|p| p.split('"').next())
            .map(resolve)
            .filter(|r| left_out.contains(r.as_str()))
            .collect();
        out.push_str(&rest[..i]);
        if gone.is_empty() {
            out.push_str(block);
        } else {
            changed = true;
            let names: Vec<&str> = gone
                .iter()
                .map(|g| g.rsplit('/').next().unwrap_or(g))
                .collect();
            out.push_str(&format!(
                "<p class=\"note\">此视频（{}）未放入本 U 盘版；需要时请联网观看，或向发放 U 盘的单位索取完整版。</p>",
                crate::render::theme::escape_html(&names.join("、"))
            ));
        }
        rest = &rest[i + len..];
    }
    if !changed {
        return None;
    }
    out.push_str(rest);
    Some(out)
}

pub fn is_video(rel: &str) -> bool {
    VIDEO_EXT.contains(&ext_of(rel).as_str())
}

/// One file of the output folder to pack.
struct Src {
    rel: String,
    abs: PathBuf,
    size: u64,
}

/// Every file of the portal folder, sorted by path; dot-files (the build
/// marker, a .gitignore) are left out.
fn collect(out: &Path) -> Result<Vec<Src>, PackError> {
    let mut v = Vec::new();
    let walker = walkdir::WalkDir::new(out)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| PackError::Read {
            path: e
                .path()
                .map_or_else(|| out.to_path_buf(), Path::to_path_buf),
            err: e.into(),
        })?;
        if entry.file_type().is_symlink() {
            return Err(PackError::Link(entry.path().to_path_buf()));
        }
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(out).unwrap_or(entry.path());
        // Every zip entry name goes through the one path rule.
        let rel_s =
            crate::safepath::check_os_relative(rel).map_err(|problem| PackError::UnsafeName {
                path: entry.path().to_path_buf(),
                problem,
            })?;
        if !manifest::path_ok(&rel_s) {
            return Err(PackError::BadName(entry.path().to_path_buf()));
        }
        let size = entry
            .metadata()
            .map_err(|e| PackError::Read {
                path: entry.path().to_path_buf(),
                err: e.into(),
            })?
            .len();
        v.push(Src {
            rel: rel_s,
            abs: entry.path().to_path_buf(),
            size,
        });
    }
    v.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(v)
}

fn options(rel: &str, size: u64) -> SimpleFileOptions {
    let method = if STORED_EXT.contains(&ext_of(rel).as_str()) || size == 0 {
        CompressionMethod::Stored
    } else {
        CompressionMethod::Deflated
    };
    SimpleFileOptions::default()
        .compression_method(method)
        .compression_level(if method == CompressionMethod::Deflated {
            Some(6)
        } else {
            None
        })
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .large_file(size >= FAT32_MAX)
}

/// A file read, hashed, scanned and compressed off the writer thread.
struct Done {
    entry: Entry,
    refs: Option<scan::PageRefs>,
    prepared: Option<PreparedZipFile>,
}

/// Write the zip of the portal folder `out`. The zip is written under a
/// temporary name beside the target and renamed at the end, so an
/// interrupted pack never leaves a half zip under the final name.
pub fn write_zip(opts: &PackOptions, out: &Path, title: &str) -> Result<PackReport, PackError> {
    let start = Instant::now();
    let zip_path = opts.zip_path();
    check_zip_target(&zip_path)?;
    let top = opts.top_name();
    let files = collect(out)?;
    if files.is_empty() {
        return Err(PackError::NoOutput(out.to_path_buf()));
    }
    // The nearest existing folder of the zip (its parent may not exist yet).
    let zip_dir = zip_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .ancestors()
        .find_map(|a| {
            let a = if a.as_os_str().is_empty() {
                Path::new(".")
            } else {
                a
            };
            a.canonicalize().ok()
        });
    if let (Some(z), Ok(o)) = (zip_dir, out.canonicalize()) {
        if z.starts_with(&o) {
            return Err(PackError::ZipInsideOutput(zip_path));
        }
    }
    let (files, skipped): (Vec<Src>, Vec<Src>) = files
        .into_iter()
        .partition(|f| !(opts.no_video && is_video(&f.rel)));
    let tmp = zip_path.with_file_name(format!(
        ".{}.partial-{}",
        zip_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    if let Some(d) = zip_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(d).map_err(|err| PackError::Write {
            path: d.to_path_buf(),
            err,
        })?;
    }
    let result = write_entries(&tmp, &top, title, &files, &skipped, opts.no_video);
    // Checked again just before the rename: the target may have appeared
    // (or changed) while the zip was being written.
    let result = result.and_then(|r| check_zip_target(&zip_path).map(|()| r));
    let mut report = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, &zip_path).map_err(|err| {
        let _ = std::fs::remove_file(&tmp);
        PackError::Write {
            path: zip_path.clone(),
            err,
        }
    })?;
    report.zip = zip_path;
    report.top = top;
    report.took = start.elapsed();
    Ok(report)
}

fn write_entries(
    tmp: &Path,
    top: &str,
    title: &str,
    files: &[Src],
    skipped: &[Src],
    no_video: bool,
) -> Result<PackReport, PackError> {
    let zerr = |err| PackError::Zip {
        path: tmp.to_path_buf(),
        err,
    };
    // A leftover of this pid (or a planted link) is removed, never written through.
    let _ = std::fs::remove_file(tmp);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(|err| PackError::Write {
            path: tmp.to_path_buf(),
            err,
        })?;
    let mut zip = ZipWriter::new(BufWriter::with_capacity(1 << 20, file));
    let left_out_rels: std::collections::HashSet<&str> =
        skipped.iter().map(|f| f.rel.as_str()).collect();
    let dir_opts = SimpleFileOptions::default()
        .last_modified_time(DateTime::default())
        .unix_permissions(0o755);

    // Folders first (sorted), so unzip tools that need them find them.
    let mut dirs: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    dirs.insert(format!("{top}/"));
    dirs.insert(format!("{top}/{PORTAL_DIR}/"));
    for f in files {
        let mut p = f.rel.as_str();
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            dirs.insert(format!("{top}/{PORTAL_DIR}/{p}/"));
        }
    }
    for d in &dirs {
        zip.add_directory(d.as_str(), dir_opts).map_err(zerr)?;
    }

    let mut entries: Vec<Entry> = Vec::with_capacity(files.len() + 2);
    let mut kinds: Vec<KindSize> = KIND_LABELS
        .iter()
        .map(|l| KindSize {
            label: l,
            ..Default::default()
        })
        .collect();
    let mut external: Vec<ExternalPage> = Vec::new();
    // video path (portal-relative) -> pages showing it
    let skipped_set: HashSet<&str> = skipped.iter().map(|s| s.rel.as_str()).collect();
    let mut video_pages: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();

    let mut i = 0;
    while i < files.len() {
        let f = &files[i];
        if f.size > IN_MEMORY_MAX {
            // Stream a big file: hash while the zip writer copies it.
            let name = format!("{top}/{PORTAL_DIR}/{}", f.rel);
            zip.start_file(name.as_str(), options(&f.rel, f.size))
                .map_err(zerr)?;
            let src = File::open(&f.abs).map_err(|err| PackError::Read {
                path: f.abs.clone(),
                err,
            })?;
            let mut hr = HashingReader::new(src);
            std::io::copy(&mut hr, &mut zip).map_err(|err| PackError::Read {
                path: f.abs.clone(),
                err,
            })?;
            let (sha256, size) = hr.finish();
            entries.push(Entry {
                path: format!("{PORTAL_DIR}/{}", f.rel),
                size,
                sha256,
            });
            let k = &mut kinds[kind_index(&f.rel)];
            k.files += 1;
            k.bytes += size;
            i += 1;
            continue;
        }
        // A batch of small files, processed in parallel.
        let mut j = i;
        let mut budget = 0u64;
        while j < files.len() && files[j].size <= IN_MEMORY_MAX && budget < BATCH_BYTES {
            budget += files[j].size;
            j += 1;
        }
        let done: Vec<Result<Done, PackError>> = files[i..j]
            .par_iter()
            .map(|f| {
                let mut bytes = std::fs::read(&f.abs).map_err(|err| PackError::Read {
                    path: f.abs.clone(),
                    err,
                })?;
                if no_video && !left_out_rels.is_empty() && f.rel.ends_with(".html") {
                    if let Some(html) = drop_left_out_videos(
                        &String::from_utf8_lossy(&bytes),
                        &f.rel,
                        &left_out_rels,
                    ) {
                        bytes = html.into_bytes();
                    }
                }
                let (sha256, size) =
                    manifest::hash_reader(&bytes[..]).map_err(|err| PackError::Read {
                        path: f.abs.clone(),
                        err,
                    })?;
                let refs = (f.rel.ends_with(".html") && !f.rel.starts_with("search/"))
                    .then(|| scan::scan(&String::from_utf8_lossy(&bytes), &f.rel));
                let name = format!("{top}/{PORTAL_DIR}/{}", f.rel);
                let prepared = PreparedZipFile::from_data(&name, options(&f.rel, size), &bytes)
                    .map_err(|err| PackError::Zip {
                        path: tmp.to_path_buf(),
                        err,
                    })?;
                Ok(Done {
                    entry: Entry {
                        path: format!("{PORTAL_DIR}/{}", f.rel),
                        size,
                        sha256,
                    },
                    refs,
                    prepared: Some(prepared),
                })
            })
            .collect();
        for (f, d) in files[i..j].iter().zip(done) {
            let mut d = d?;
            if let Some(p) = d.prepared.take() {
                zip.add_prepared_file(p).map_err(zerr)?;
            }
            let k = &mut kinds[kind_index(&f.rel)];
            k.files += 1;
            k.bytes += d.entry.size;
            if let Some(r) = d.refs {
                if !r.external.is_empty() {
                    external.push(ExternalPage {
                        page: f.rel.clone(),
                        title: r.title.clone(),
                        urls: r.external.clone(),
                    });
                }
                if no_video {
                    for l in &r.local {
                        if skipped_set.contains(l.as_str()) {
                            let v = video_pages.entry(l.clone()).or_default();
                            if !v.iter().any(|(p, _)| p == &f.rel) {
                                v.push((f.rel.clone(), r.title.clone()));
                            }
                        }
                    }
                }
            }
            entries.push(d.entry);
        }
        i = j;
    }

    let portal_files: u64 = kinds.iter().map(|k| k.files).sum();
    let portal_bytes: u64 = kinds.iter().map(|k| k.bytes).sum();
    let left_out: Vec<LeftOut> = skipped
        .iter()
        .map(|s| LeftOut {
            path: s.rel.clone(),
            size: s.size,
            pages: video_pages.remove(&s.rel).unwrap_or_default(),
        })
        .collect();

    // The teacher's files, then the manifest of everything.
    let start = texts::start_page(title).into_bytes();
    let readme = texts::readme(&texts::Readme {
        title,
        top,
        files: portal_files as usize,
        bytes: portal_bytes,
        external: &external,
        left_out: &left_out,
    });
    for (name, bytes) in [(START_FILE, &start), (README_FILE, &readme)] {
        add_bytes(&mut zip, &format!("{top}/{name}"), bytes).map_err(zerr)?;
        let (sha256, size) = manifest::hash_reader(&bytes[..]).map_err(|err| PackError::Read {
            path: PathBuf::from(name),
            err,
        })?;
        entries.push(Entry {
            path: name.to_string(),
            size,
            sha256,
        });
    }
    let man = manifest::format(&entries, title);
    add_bytes(
        &mut zip,
        &format!("{top}/{}", manifest::FILE),
        man.as_bytes(),
    )
    .map_err(zerr)?;

    zip.set_comment(ZIP_COMMENT).map_err(zerr)?;
    let w = zip.finish().map_err(zerr)?;
    let file = w.into_inner().map_err(|e| PackError::Write {
        path: tmp.to_path_buf(),
        err: e.into_error(),
    })?;
    file.sync_all().map_err(|err| PackError::Write {
        path: tmp.to_path_buf(),
        err,
    })?;
    let zip_bytes = file.metadata().map(|m| m.len()).unwrap_or(0);

    let mut largest: Vec<(String, u64)> =
        entries.iter().map(|e| (e.path.clone(), e.size)).collect();
    largest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let over_fat32: Vec<(String, u64)> = largest
        .iter()
        .filter(|(_, s)| *s > FAT32_MAX)
        .cloned()
        .collect();
    largest.truncate(5);
    Ok(PackReport {
        zip: PathBuf::new(),
        top: String::new(),
        files: entries.len() as u64 + 1,
        bytes: entries.iter().map(|e| e.size).sum::<u64>() + man.len() as u64,
        zip_bytes,
        on_stick_32k: entries
            .iter()
            .map(|e| e.size)
            .chain([man.len() as u64])
            .map(|n| n.div_ceil(CLUSTER) * CLUSTER)
            .sum(),
        kinds,
        largest,
        over_fat32,
        external,
        left_out,
        windows_unsafe: files
            .iter()
            .map(|f| format!("{top}/{PORTAL_DIR}/{}", f.rel))
            .filter_map(|p| windows_problem(&p).map(|why| format!("{p}（{why}）")))
            .collect(),
        took: Duration::ZERO,
    })
}

fn add_bytes<W: Write + std::io::Seek>(
    zip: &mut ZipWriter<W>,
    name: &str,
    bytes: &[u8],
) -> zip::result::ZipResult<()> {
    zip.start_file(name, options(name, bytes.len() as u64))?;
    zip.write_all(bytes)?;
    Ok(())
}

/// Reads through, hashing what passes.
struct HashingReader<R> {
    inner: R,
    hasher: sha2::Sha256,
    n: u64,
}

impl<R: Read> HashingReader<R> {
    fn new(inner: R) -> Self {
        use sha2::Digest;
        HashingReader {
            inner,
            hasher: sha2::Sha256::new(),
            n: 0,
        }
    }
    fn finish(self) -> (String, u64) {
        use sha2::Digest;
        (manifest::hex(&self.hasher.finalize()), self.n)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let k = self.inner.read(buf)?;
        self.hasher.update(&buf[..k]);
        self.n += k as u64;
        Ok(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_unsafe_names() {
        assert_eq!(windows_problem("门户/portal/media/docs/a.pdf"), None);
        assert!(windows_problem("门户/portal/media/docs/a:b.pdf").is_some());
        assert!(windows_problem("门户/portal/media/docs/con.txt").is_some());
        assert!(windows_problem("门户/portal/media/docs/COM1").is_some());
        assert_eq!(windows_problem("门户/portal/media/docs/com10.txt"), None);
        assert!(windows_problem("门户/portal/media/docs/a.").is_some());
        assert!(windows_problem(&format!("门户/{}", "x".repeat(300))).is_some());
    }

    #[test]
    fn zip_entries_go_through_the_path_rule() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        std::fs::create_dir_all(out.join("media")).unwrap();
        std::fs::write(out.join("index.html"), "x").unwrap();
        std::fs::write(out.join("media/a\\..\\b.png"), "x").unwrap();
        assert!(matches!(collect(&out), Err(PackError::UnsafeName { .. })));
        std::fs::remove_file(out.join("media/a\\..\\b.png")).unwrap();
        std::fs::write(out.join("media/CON.png"), "x").unwrap();
        assert!(matches!(collect(&out), Err(PackError::UnsafeName { .. })));
        std::fs::remove_file(out.join("media/CON.png")).unwrap();
        assert_eq!(collect(&out).unwrap().len(), 1);
        #[cfg(unix)]
        {
            std::fs::write(t.path().join("secret"), "key").unwrap();
            std::os::unix::fs::symlink(t.path().join("secret"), out.join("media/k.png")).unwrap();
            assert!(matches!(collect(&out), Err(PackError::Link(_))));
        }
    }

    #[test]
    fn only_packs_own_zips_are_replaced() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("a.zip");
        assert!(check_zip_target(&p).is_ok(), "new file");
        assert!(matches!(
            check_zip_target(&t.path().join("notes.txt")),
            Err(PackError::NotZipName(_))
        ));
        // Someone else's zip.
        let mut z = ZipWriter::new(std::fs::File::create(&p).unwrap());
        z.start_file("x.txt", SimpleFileOptions::default()).unwrap();
        z.write_all(b"x").unwrap();
        z.finish().unwrap();
        assert!(matches!(check_zip_target(&p), Err(PackError::NotOurZip(_))));
        // An older pack's zip: no comment, but its manifest.
        let mut z = ZipWriter::new(std::fs::File::create(&p).unwrap());
        z.start_file(
            format!("门户/{}", manifest::FILE),
            SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all("# chengguo 校验清单 v1\n".as_bytes()).unwrap();
        z.finish().unwrap();
        assert!(check_zip_target(&p).is_ok());
        // The current pack's comment.
        let mut z = ZipWriter::new(std::fs::File::create(&p).unwrap());
        z.set_comment(ZIP_COMMENT).unwrap();
        z.finish().unwrap();
        assert!(check_zip_target(&p).is_ok());
    }

    #[test]
    fn top_name_from_zip_name() {
        let o = |z: &str| PackOptions {
            site: ".".into(),
            zip: Some(z.into()),
            no_video: false,
            rebuild: false,
        };
        assert_eq!(o("/tmp/区县版.zip").top_name(), "区县版");
        assert_eq!(o("/tmp/.zip").top_name(), DEFAULT_NAME);
        assert_eq!(o("x").top_name(), "x");
        assert_eq!(
            PackOptions { zip: None, ..o("") }.zip_path(),
            Path::new(".").join("成果门户U盘版.zip")
        );
    }
}
