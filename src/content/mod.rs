//! Content stage: find the record files of a site (`content/<kind>/<id>.md`),
//! read them, and split/parse their front matter. Produces [`Source`]s with
//! located front-matter trees; typing and rules live in [`crate::validate`].

pub mod frontmatter;
pub mod yaml;

use std::collections::HashMap;
use std::sync::Arc;

use crate::incr::Parsed;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostics, Pos};
use frontmatter::{Key, Node};

/// The six kinds of record, each a folder of `content/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Kind {
    Outcome,
    Holder,
    Region,
    Case,
    Notice,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Outcome,
        Kind::Holder,
        Kind::Region,
        Kind::Case,
        Kind::Notice,
        Kind::Page,
    ];

    /// Folder name under `content/` and under the output root.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Outcome => "outcomes",
            Kind::Holder => "holders",
            Kind::Region => "regions",
            Kind::Case => "cases",
            Kind::Notice => "notices",
            Kind::Page => "pages",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Outcome => "成果",
            Kind::Holder => "成果持有方",
            Kind::Region => "成果应用方",
            Kind::Case => "典型案例",
            Kind::Notice => "通知公告",
            Kind::Page => "页面",
        }
    }

    pub fn from_dir(dir: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.dir() == dir)
    }
}

/// One record file, read and split, before typing.
#[derive(Debug, Clone)]
pub struct Source {
    pub kind: Kind,
    pub id: String,
    /// Path shown in messages, relative to the site folder (`content/cases/x.md`).
    pub display_path: PathBuf,
    /// Absolute (or site-relative) path on disk.
    pub file_path: PathBuf,
    /// Folder of the file relative to `content/` ("cases" or "cases/2023"),
    /// against which body links are resolved.
    pub source_dir: String,
    pub fields: Vec<(Key, Node)>,
    pub body: String,
    pub body_line: usize,
}

/// Everything the content stage found.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Parsed records, sorted by (kind, id), each with the SHA-256 of its
    /// id and bytes (shared with the memo: nothing is copied).
    pub sources: Vec<(crate::incr::Key, Arc<Source>)>,
    /// Files under `content/media/` (relative to `content/`), sorted.
    pub media: Vec<PathBuf>,
    /// How many record files were read (the others were known unchanged by
    /// their [`crate::incr::Stamp`]).
    pub read: usize,
}

/// `[a-z0-9][a-z0-9-]*`: ASCII ids keep URLs, zip files and FAT32 sticks safe.
///
/// ```
/// use chengguo::content::valid_id;
/// assert!(valid_id("zuoye-sheji"));
/// assert!(!valid_id("作业设计"));
/// assert!(!valid_id("Zuoye_Sheji"));
/// ```
pub fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// Read every record of `site/content`. Problems go to `diags`; a file with
/// a problem that prevents parsing is left out of the result.
pub fn load(site: &Path, diags: &mut Diagnostics) -> Loaded {
    load_with(site, diags, &mut HashMap::new(), false)
}

/// [`load`], reusing the parse of every record file whose path and bytes
/// (SHA-256) are those of an entry of `memo`; `memo` is left holding this
/// load's parses (the files that exist now) when `keep`.
pub fn load_with(
    site: &Path,
    diags: &mut Diagnostics,
    memo: &mut HashMap<PathBuf, Arc<Parsed>>,
    keep: bool,
) -> Loaded {
    let content = site.join("content");
    let mut loaded = Loaded::default();
    if !content.is_dir() {
        diags.error(
            "content",
            Pos::START,
            format!(
                "找不到内容目录 content/（应在 {}）：请在站点目录中新建 content 文件夹，记录放在 content/outcomes/、content/pages/ 等子文件夹中",
                content.display()
            ),
        );
        return loaded;
    }
    let mut files: Vec<(Kind, PathBuf, String)> = Vec::new();
    let mut walk = walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(|p| rel(site, p))
                    .unwrap_or_else(|| "content".into());
                let reason = e
                    .io_error()
                    .map(crate::diag::io_reason)
                    .unwrap_or_else(|| format!("读取失败（{e}）"));
                diags.error(p, Pos::START, format!("无法读取此文件或文件夹：{reason}"));
                continue;
            }
        };
        let path = entry.path();
        let relc = path.strip_prefix(&content).unwrap_or(path);
        let mut comps = relc
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let top = comps.next().unwrap_or_default();
        let is_file = entry.file_type().is_file();
        if top == "media" {
            match media_entry(site, &content, &entry, diags) {
                Media::File(m) => loaded.media.push(m),
                Media::Folder | Media::Other => {}
                // A folder whose name breaks the rule: reported, not entered.
                Media::Refused if entry.file_type().is_dir() => walk.skip_current_dir(),
                Media::Refused => {}
            }
            continue;
        }
        if top.starts_with('.') {
            continue;
        }
        let Some(kind) = Kind::from_dir(&top) else {
            if entry.depth() == 1 {
                diags.warning(
                    rel(site, path),
                    Pos::START,
                    format!(
                        "content/ 下的“{top}”不是内容文件夹，已忽略：可用的文件夹为 outcomes、holders、regions、cases、notices、pages、media{}",
                        crate::diag::did_you_mean(&top, ["outcomes", "holders", "regions", "cases", "notices", "pages", "media"])
                    ),
                );
            }
            continue;
        };
        if !is_file {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let Some(stem) = name.strip_suffix(".md") else {
            diags.warning(
                rel(site, path),
                Pos::START,
                format!(
                    "“{name}”不是 .md 记录文件，已忽略：记录文件名应以 .md 结尾；图片、文档等请放在 content/media/ 下"
                ),
            );
            continue;
        };
        files.push((kind, path.to_path_buf(), stem.to_string()));
    }

    // The memo is updated in place: an entry reused as it was is left
    // alone (no path hashed or copied again).
    let prev = &*memo;
    // (entry, whether to keep it, whether the file was read)
    type One = (Arc<Parsed>, bool, bool);
    let results: Vec<One> = files
        .par_iter()
        .map(|(kind, path, id)| {
            let before = prev.get(path);
            let read_at = std::time::SystemTime::now();
            // (a one-off build keeps nothing: no stamps to take)
            let stamp_now = || {
                keep.then(|| std::fs::metadata(path).ok())
                    .flatten()
                    .map(|m| crate::incr::Stamp::of(&m, read_at))
            };
            let stamp = stamp_now();
            // Stamp unchanged: the bytes are those read before.
            if let (Some(p), Some(now)) = (before, &stamp) {
                if p.stamp.is_some_and(|s| s.unchanged(now)) {
                    return (Arc::clone(p), true, false);
                }
            }
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    let mut d = Diagnostics::new();
                    check_id(&rel(site, path), id, &mut d);
                    d.error(
                        rel(site, path),
                        Pos::START,
                        format!("无法读取文件：{}", crate::diag::io_reason(&e)),
                    );
                    // Never memoised: a file that cannot be read has no key.
                    let entry = Parsed {
                        key: [0; 32],
                        stamp: None,
                        source: None,
                        diags: d,
                    };
                    return (Arc::new(entry), false, true);
                }
            };
            let mut h = crate::incr::Hasher::new("source");
            h.str(id).bytes(&bytes);
            let key = h.finish();
            // The stamp is trusted only when it was taken before the read
            // and is the same after it (no write in between).
            let stamp = stamp.filter(|s| stamp_now().is_some_and(|a| a == *s));
            if let Some(p) = before.filter(|p| p.key == key) {
                // Same bytes: the parse is reused, the stamp renewed.
                let entry = Parsed {
                    key,
                    stamp,
                    source: p.source.clone(),
                    diags: p.diags.clone(),
                };
                return (Arc::new(entry), true, true);
            }
            let mut d = Diagnostics::new();
            let src = parse_one(site, *kind, path, id, bytes, &mut d).map(Arc::new);
            let entry = Parsed {
                key,
                stamp,
                source: src,
                diags: d,
            };
            (Arc::new(entry), true, true)
        })
        .collect();
    let mut kept = 0;
    for ((_, path, _), (entry, memoise, read)) in files.iter().zip(results) {
        loaded.read += usize::from(read);
        diags.extend(entry.diags.clone());
        if let Some(src) = &entry.source {
            loaded.sources.push((entry.key, Arc::clone(src)));
        }
        if keep && memoise {
            kept += 1;
            if read {
                memo.insert(path.clone(), entry);
            }
        } else {
            memo.remove(path);
        }
    }
    // Entries of files gone since (or of a one-off build: none kept).
    if memo.len() != kept {
        let live: std::collections::HashSet<&PathBuf> = files.iter().map(|(_, p, _)| p).collect();
        memo.retain(|p, _| live.contains(p));
    }
    loaded.sources.sort_by(|(_, a), (_, b)| {
        (a.kind, &a.id, &a.display_path).cmp(&(b.kind, &b.id, &b.display_path))
    });
    // Records may sit in subfolders (content/cases/2023/x.md); the id is the
    // file stem, so two files with one stem in one kind collide.
    let mut keep: Vec<(crate::incr::Key, Arc<Source>)> = Vec::with_capacity(loaded.sources.len());
    for (k, s) in std::mem::take(&mut loaded.sources) {
        if let Some((_, prev)) = keep
            .last()
            .filter(|(_, p)| p.kind == s.kind && p.id == s.id)
        {
            diags.error(
                &s.display_path,
                Pos::START,
                format!(
                    "记录编号“{}”重复：与 {} 相同；同一类记录的文件名不能相同（即使在不同子文件夹中），请给其中一个改名",
                    s.id,
                    prev.display_path.display().to_string().replace('\\', "/")
                ),
            );
            continue;
        }
        keep.push((k, s));
    }
    loaded.sources = keep;
    loaded
}

/// What an entry under `content/media/` is.
enum Media {
    /// A file to publish: its path below `content/`.
    File(PathBuf),
    /// A folder to enter.
    Folder,
    /// Reported as an error (a bad name, a link not followed).
    Refused,
    /// Neither file nor folder (a socket, a device): not published.
    Other,
}

/// One entry under `content/media/`. Names breaking [`crate::safepath`]'s
/// rule are errors (the file is never copied under another name); a
/// symbolic link is read as the file it names only when that is a regular
/// file inside `content/`, otherwise it is an error saying it is a link.
fn media_entry(
    site: &Path,
    content: &Path,
    entry: &walkdir::DirEntry,
    diags: &mut Diagnostics,
) -> Media {
    let path = entry.path();
    let relc = path.strip_prefix(content).unwrap_or(path);
    let ft = entry.file_type();
    if entry.depth() > 1 {
        if let Err(problem) = crate::safepath::check_os_relative(Path::new(entry.file_name())) {
            let what = if ft.is_dir() { "文件夹" } else { "文件" };
            diags.error(
                rel(site, path),
                Pos::START,
                format!(
                    "{problem}：这样的名字在有的系统上会指向别处或无法创建，不会发布；请给这个{what}改名（可用中文、英文字母、数字、-、_ 和 .）"
                ),
            );
            return Media::Refused;
        }
    }
    if ft.is_symlink() {
        let name = crate::safepath::shown(&entry.file_name().to_string_lossy());
        return match crate::safepath::resolve_link(path, content, "content/") {
            Ok(_) => Media::File(relc.to_path_buf()),
            Err(why) => {
                diags.error(
                    rel(site, path),
                    Pos::START,
                    format!(
                        "“{name}”是符号链接（快捷方式），{why}，不会发布：请把文件本身复制到 content/media/ 中"
                    ),
                );
                Media::Refused
            }
        };
    }
    if ft.is_dir() {
        Media::Folder
    } else if ft.is_file() {
        Media::File(relc.to_path_buf())
    } else {
        Media::Other
    }
}

/// For a file name that is nearly an id (capitals, `_`, spaces): the id it
/// could be. Empty when the name has characters that cannot be mapped
/// (Chinese: only the writer knows the pinyin).
fn id_suggestion(name: &str) -> String {
    let cand: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '_' | ' ' | '.' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let cand = cand.trim_start_matches('-').to_string();
    if valid_id(&cand) {
        format!("（是否要改名为 {cand}.md？）")
    } else {
        String::new()
    }
}

fn rel(site: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(site).unwrap_or(p).to_path_buf()
}

/// The file-name rule for ids.
fn check_id(display: &Path, id: &str, d: &mut Diagnostics) {
    if !valid_id(id) {
        d.error(
            display,
            Pos::START,
            format!(
                "文件名“{id}”不能作为记录编号：只能用小写英文字母、数字和连字符（-），且以字母或数字开头；建议用拼音，如 zuoye-sheji.md{}",
                id_suggestion(id)
            ),
        );
    }
}

/// One record file's bytes into a [`Source`]: a function of the site
/// folder, the path, the id and the bytes only (its result is memoised on
/// them).
fn parse_one(
    site: &Path,
    kind: Kind,
    path: &Path,
    id: &str,
    bytes: Vec<u8>,
    d: &mut Diagnostics,
) -> Option<Source> {
    let display = rel(site, path);
    check_id(&display, id, d);
    let mut text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let off = e.utf8_error().valid_up_to();
            let good = String::from_utf8_lossy(&e.as_bytes()[..off]).into_owned();
            d.error(
                &display,
                Pos::from_offset(&good, off),
                "文件不是 UTF-8 编码（可能是 GBK），从此处起无法识别：请用编辑器以“UTF-8”编码另存（如记事本“另存为”时选择 UTF-8）",
            );
            return None;
        }
    };
    if let Some(stripped) = text.strip_prefix('\u{feff}') {
        d.warning(
            &display,
            Pos::START,
            "文件开头有 BOM 标记，已忽略；建议保存为“UTF-8（无 BOM）”",
        );
        text = stripped.to_string();
    }
    if text.contains('\r') {
        let first = text.find('\r').unwrap_or(0);
        d.warning(
            &display,
            Pos::from_offset(&text, first),
            "文件使用 Windows（CRLF）换行，已按 LF 处理；建议编辑器保存为 LF 换行",
        );
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
    match frontmatter::parse(&text) {
        Ok(p) => Some(Source {
            kind,
            id: id.to_string(),
            source_dir: path
                .parent()
                .and_then(|d| d.strip_prefix(site.join("content")).ok())
                .map(|d| d.to_string_lossy().replace('\\', "/"))
                .unwrap_or_else(|| kind.dir().to_string()),
            display_path: display,
            file_path: path.to_path_buf(),
            fields: p.fields,
            body: p.body,
            body_line: p.body_line,
        }),
        Err(e) => {
            d.error(&display, e.pos(), e.to_string());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(valid_id("zuoye-sheji"));
        assert!(valid_id("2022-a"));
        assert!(!valid_id("-a"));
        assert!(!valid_id("Zuoye"));
        assert!(!valid_id("作业"));
        assert!(!valid_id(""));
        assert!(!valid_id("a_b"));
    }
}
