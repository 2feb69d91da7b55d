//! Word and WPS manuscripts into records (issue 13):
//! `chengguo import 稿件.docx [SITE_DIR] [--kind cases|notices|outcomes|pages]
//! [--set FIELD=VALUE]… [--dry-run]`.
//!
//! Read with the `zip` crate and quick-xml (both already used for
//! spreadsheets); no docx crate: the readers available either build the
//! whole document model with no limits or drop what matters here (outline
//! levels, numbering, merged cells, footnotes).
//!
//! - [`package`]: the zip container under limits; legacy .doc/.wps,
//!   encrypted and non-Word files named as such.
//! - [`xml`]: a bounded element tree of one part.
//! - [`styles`]: heading/title/caption roles of styles; list numbering.
//! - [`read`]: document.xml into paragraphs, runs, tables, pictures.
//! - [`structure`]: title, subtitle, byline, date, 文号, issuer, 附件,
//!   ordinal headings, figures with captions.
//! - [`markdown`]: the body as Markdown.
//! - [`record`]: front matter (the `chengguo new` template filled in),
//!   `--set`, the re-import marker.
//!
//! [`plan`] reads everything and decides what to write; nothing is written
//! before it has succeeded. [`write`] writes the pictures and the record.
//! See docs/interchange.md §3 and docs/authoring.md「从 Word 稿件导入」.

pub mod markdown;
pub mod package;
pub mod read;
pub mod record;
pub mod structure;
pub mod styles;
pub mod xml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::content::Kind;
use crate::interchange::edit::EditError;

#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("无法读取 {path}：{msg}")]
    Open { path: PathBuf, msg: String },
    #[error("{path}：这是旧版文档格式：请在 Word 或 WPS 中另存为 .docx 后再导入（“文件”→“另存为”，文件类型选“Word 文档（*.docx）”）")]
    Legacy { path: PathBuf },
    #[error("{path} 设有打开密码，无法读取；请在 Word 或 WPS 中取消密码后另存为 .docx，再导入")]
    Password { path: PathBuf },
    #[error("{path} 不是 Word 文档（.docx）：文件内容不是 .docx 格式（可能已损坏、只复制了一部分，或是改了扩展名的其他文件）；请用 Word 或 WPS 打开后另存为 .docx，再导入")]
    NotZip { path: PathBuf },
    #[error("{path} 无法作为 .docx 文件读取：文件已损坏或不完整（例如下载、复制或解压未完成）；请用 Word 或 WPS 打开后另存为 .docx，再导入（详情：{detail}）")]
    Corrupt { path: PathBuf, detail: String },
    #[error("{path} 中没有 Word 正文（word/document.xml）：它是压缩包，但不是 Word 文档；请用 Word 或 WPS 打开原稿，另存为 .docx 后再导入")]
    NoDocument { path: PathBuf },
    #[error("{path} 有 {size}，超过可导入稿件 {limit} 的上限；请在 Word 中压缩图片（“图片格式”→“压缩图片”）后另存，再导入")]
    FileTooLarge {
        path: PathBuf,
        size: String,
        limit: String,
    },
    #[error("{path} 中有 {count} 个部分，超过 {max} 个的上限（文件可能已损坏或被特意构造）；未导入任何内容")]
    TooManyEntries {
        path: PathBuf,
        count: usize,
        max: usize,
    },
    #[error("{path} 中的“{part}”解压后有 {size}，超过单个部分 {limit} 的上限（文件可能已损坏或被特意构造）；未导入任何内容")]
    PartTooLarge {
        path: PathBuf,
        part: String,
        size: String,
        limit: String,
    },
    #[error("{path} 解压后超过 {limit} 的上限（文件可能已损坏或被特意构造）；未导入任何内容")]
    UnpackedTooLarge { path: PathBuf, limit: String },
    #[error("{path} 中的“{part}”压缩比为 {ratio}:1，超过 {max}:1 的上限，是“压缩炸弹”一类的文件（可能已损坏或被特意构造）；未导入任何内容")]
    Bomb {
        path: PathBuf,
        part: String,
        ratio: u64,
        max: u64,
    },
    #[error("{path} 中的“{part}”第{line}行第{col}列不是有效的 XML：文件已损坏；请用 Word 或 WPS 打开后另存为 .docx，再导入（详情：{detail}）")]
    Xml {
        path: PathBuf,
        part: String,
        line: usize,
        col: usize,
        detail: String,
    },
    #[error("{path} 中的“{part}”嵌套超过 {max} 层（文件可能已损坏或被特意构造）；未导入任何内容")]
    TooDeep {
        path: PathBuf,
        part: String,
        max: usize,
    },
    #[error("{path} 中找不到标题（没有“标题”样式的段落，开头也没有居中或加粗的短段落）；请用 --set title=… 指定标题，或在 Word 中给标题套用“标题”样式")]
    NoTitle { path: PathBuf },
    #[error("--set “{arg}”应写成 字段=值，如 --set region=jiangjin")]
    BadSet { arg: String },
    #[error("--set 的字段“{field}”不是{kind}记录的字段（可用：{available}）")]
    UnknownField {
        field: String,
        kind: String,
        available: String,
    },
    #[error("--set 不能设置“{field}”：award、contact、period 写成 --set award.year=2022 这样的“字段.子项=值”；media、applies、attachments 是多行列表，请导入后在记录文件中填写")]
    NotSettable { field: String },
    #[error("--kind {kind} 不能用于 Word 稿件（可用：cases、notices、outcomes、pages）")]
    Kind { kind: String },
    #[error("{0}")]
    Edit(EditError),
    #[error("无法写入 {path}：{msg}")]
    Write { path: PathBuf, msg: String },
}

/// What to import.
#[derive(Debug, Clone)]
pub struct Options {
    pub site: PathBuf,
    pub file: PathBuf,
    pub kind: Kind,
    /// `FIELD=VALUE` arguments of `--set`.
    pub sets: Vec<String>,
    /// Date for a record whose manuscript gives none (`YYYY-MM-DD`).
    pub today: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verb {
    Create,
    /// The record imported from this manuscript before: body replaced.
    Update,
    Unchanged,
}

/// Everything an import would write.
#[derive(Debug)]
pub struct Plan {
    pub verb: Verb,
    pub kind: Kind,
    pub id: String,
    pub title: String,
    /// The record file (absolute or site-relative) and as shown.
    pub path: PathBuf,
    pub display: String,
    pub text: String,
    /// Pictures: (path under `content/`, bytes).
    pub pictures: Vec<(String, Vec<u8>)>,
    /// The picture folder under `content/` (`media/images/<id>`).
    pub picture_dir: String,
    pub warnings: Vec<String>,
}

/// The kinds a manuscript can become (`--kind`).
pub fn parse_kind(s: &str) -> Result<Kind, DocxError> {
    match s {
        "cases" | "case" => Ok(Kind::Case),
        "notices" | "notice" => Ok(Kind::Notice),
        "outcomes" | "outcome" => Ok(Kind::Outcome),
        "pages" | "page" => Ok(Kind::Page),
        other => Err(DocxError::Kind {
            kind: other.to_string(),
        }),
    }
}

/// Read the manuscript and decide what to write.
pub fn plan(opts: &Options) -> Result<Plan, DocxError> {
    let sets = record::set_changes(opts.kind, &opts.sets)?;
    // Size and kind are checked by Package::open before anything is read.
    let mut pkg = package::Package::open(&opts.file)?;
    let hash = file_hash(&opts.file)?;
    let mut doc = read::read(&mut pkg)?;
    let created = doc.created.take();
    let footnotes = std::mem::take(&mut doc.footnotes);
    let art = structure::article(doc, opts.kind == Kind::Notice);
    let set_title = opts.sets.iter().find_map(|s| {
        s.split_once('=')
            .filter(|(k, _)| k.trim() == "title")
            .map(|(_, v)| v.trim().to_string())
    });
    let title = set_title
        .filter(|t| !t.is_empty())
        .or_else(|| art.title.clone())
        .ok_or_else(|| DocxError::NoTitle {
            path: opts.file.clone(),
        })?;
    let name = opts
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut warnings = Vec::new();
    let existing = record::find_marked(&opts.site, opts.kind, &name);
    let dir = opts.site.join("content").join(opts.kind.dir());
    let id = match &existing {
        Some(p) => p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        None => {
            let taken = crate::new::existing_ids(&dir);
            let images = opts.site.join("content/media/images");
            let base = crate::slug::slug(&title);
            let id = crate::slug::unique_id(base.as_deref(), |x| {
                taken.iter().any(|t| t == x) || images.join(x).exists()
            });
            if base
                .as_deref()
                .is_some_and(|b| b != id && taken.iter().any(|t| t == b))
            {
                warnings.push(format!(
                    "站点中已有编号为 {} 的{}记录（不是从这份稿件导入的），新记录的编号为 {id}；如果是同一篇稿件，请删去其中一个",
                    base.as_deref().unwrap_or_default(),
                    opts.kind.label()
                ));
            }
            id
        }
    };
    let picture_dir = format!("media/images/{id}");
    // Pictures, in order of appearance, named tu1, tu2 …
    let mut urls: HashMap<String, String> = HashMap::new();
    let mut pictures = Vec::new();
    let mut order: Vec<String> = Vec::new();
    for item in &art.items {
        match item {
            structure::Item::Figure { part, .. } => order.push(part.clone()),
            structure::Item::Para(p) | structure::Item::Heading(_, p) => {
                order.extend(p.pictures().map(|(a, _)| a.to_string()))
            }
            structure::Item::Table(t) => {
                for c in t.rows.iter().flatten() {
                    for p in &c.paras {
                        order.extend(p.pictures().map(|(a, _)| a.to_string()));
                    }
                }
            }
        }
    }
    let up = "../".repeat(1 + existing.as_ref().map_or(0, |p| depth_below(&dir, p)));
    for part in order {
        if urls.contains_key(&part) {
            continue;
        }
        let Some(bytes) = pkg.bytes(&part)? else {
            warnings.push(format!("稿件中引用的图片“{part}”不在文件中，已跳过"));
            continue;
        };
        match picture_ext(&bytes) {
            Ok(ext) => {
                let file = format!("{picture_dir}/tu{}.{ext}", pictures.len() + 1);
                urls.insert(part, format!("{up}{file}"));
                pictures.push((file, bytes));
            }
            Err(what) => warnings.push(format!(
                "稿件中的图片“{part}”{what}，已跳过；请在 Word 中把它另存为 JPEG 或 PNG 图片后重新插入，或导入后自行放入 content/{picture_dir}/"
            )),
        }
    }
    let pic = |part: &str| urls.get(part).cloned();
    let body = markdown::body(&art.items, &footnotes, &pic);
    let marker = record::marker(&name, &hash);
    let facts = record::Facts {
        date: art.date.clone(),
        authors: art.authors.clone(),
        source: art.source.clone(),
        summary: art.subtitle.clone(),
        number: art.number.clone(),
        issuer: art.issuer.clone(),
    };
    let date = facts
        .date
        .clone()
        .or(created)
        .unwrap_or_else(|| opts.today.clone());
    let (verb, path, text) = match existing {
        Some(p) => {
            let old = std::fs::read_to_string(&p).map_err(|e| DocxError::Open {
                path: p.clone(),
                msg: crate::interchange::io_text(&e),
            })?;
            let text = record::updated_text(&old, opts.kind, &sets, &marker, &body)?;
            let same_pictures = pictures.iter().all(|(f, b)| {
                std::fs::read(opts.site.join("content").join(f)).is_ok_and(|old| &old == b)
            });
            let verb = if text == old && same_pictures {
                Verb::Unchanged
            } else {
                Verb::Update
            };
            (verb, p, text)
        }
        None => {
            if !art.attachments.is_empty() {
                warnings.push(format!(
                    "稿件列有 {} 个附件（{}）：附件文件需要另外加入——请把文件放进 content/media/docs/，再在记录的 attachments 中写明 title 与 src（头信息中已按稿件列出附件名称）",
                    art.attachments.len(),
                    art.attachments.join("、")
                ));
            }
            let text = record::new_text(
                opts.kind,
                &title,
                &date,
                &facts,
                &sets,
                &marker,
                &art.attachments,
                &body,
            )?;
            (Verb::Create, dir.join(format!("{id}.md")), text)
        }
    };
    let display = path
        .strip_prefix(&opts.site)
        .unwrap_or(&path)
        .to_string_lossy()
        .replace('\\', "/");
    Ok(Plan {
        verb,
        kind: opts.kind,
        id,
        title,
        path,
        display,
        text,
        pictures,
        picture_dir,
        warnings,
    })
}

/// How many folders `file` sits below `dir` (0 for `dir/x.md`).
fn depth_below(dir: &Path, file: &Path) -> usize {
    file.strip_prefix(dir)
        .map(|r| r.components().count().saturating_sub(1))
        .unwrap_or(0)
}

/// The first 8 bytes of the file's SHA-256, in hex (read in chunks).
fn file_hash(path: &Path) -> Result<String, DocxError> {
    use std::io::Read;
    let err = |e: std::io::Error| DocxError::Open {
        path: path.to_path_buf(),
        msg: crate::interchange::io_text(&e),
    };
    let mut f = std::fs::File::open(path).map_err(err)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(err)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex16(&h.finalize()))
}

fn hex16(d: &[u8]) -> String {
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The extension a picture is published with, checked from its bytes and
/// header (size within the image stage's limit); `Err`: why it is skipped.
fn picture_ext(bytes: &[u8]) -> Result<&'static str, String> {
    use image::ImageFormat as F;
    let ext = match image::guess_format(bytes) {
        Ok(F::Jpeg) => "jpg",
        Ok(F::Png) => "png",
        Ok(F::Gif) => "gif",
        Ok(F::WebP) => "webp",
        Ok(other) => {
            return Err(format!(
                "是 {} 格式，网页不能显示",
                format!("{other:?}").to_uppercase()
            ))
        }
        Err(_)
            if bytes.starts_with(&[1, 0, 0, 0]) || bytes.starts_with(&[0xD7, 0xCD, 0xC6, 0x9A]) =>
        {
            return Err("是 EMF/WMF 矢量图格式，网页不能显示".into())
        }
        Err(_) => return Err("不是可识别的图片（可能已损坏）".into()),
    };
    let dims = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| "无法读取".to_string())?
        .into_dimensions()
        .map_err(|_| "已损坏，无法读取其尺寸".to_string())?;
    let pixels = u64::from(dims.0) * u64::from(dims.1);
    let max = crate::images::Settings::default().max_pixels;
    if pixels > max {
        return Err(format!(
            "有 {}×{} 像素，超过 {} 万像素的上限",
            dims.0,
            dims.1,
            max / 10_000
        ));
    }
    Ok(ext)
}

/// Write the plan's pictures and record. Returns the number of files
/// written.
pub fn write(site: &Path, plan: &Plan) -> Result<usize, DocxError> {
    if plan.verb == Verb::Unchanged {
        return Ok(0);
    }
    let content = site.join("content");
    let werr = |path: &Path, e: &std::io::Error| DocxError::Write {
        path: path.to_path_buf(),
        msg: crate::interchange::io_text(e),
    };
    let inside = |rel: &str| {
        crate::safepath::join_inside(&content, rel).map_err(|e| DocxError::Write {
            path: content.join(rel),
            msg: e.to_string(),
        })
    };
    let mut n = 0;
    let pic_dir = inside(&plan.picture_dir)?;
    if !plan.pictures.is_empty() {
        std::fs::create_dir_all(&pic_dir).map_err(|e| werr(&pic_dir, &e))?;
    }
    // Pictures of an earlier import that this one no longer has.
    if plan.verb == Verb::Update {
        if let Ok(rd) = std::fs::read_dir(&pic_dir) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let rel = format!("{}/{name}", plan.picture_dir);
                let ours = name.starts_with("tu")
                    && name[2..]
                        .split('.')
                        .next()
                        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
                if ours
                    && !plan.pictures.iter().any(|(f, _)| *f == rel)
                    && e.file_type().is_ok_and(|t| t.is_file())
                {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
    for (rel, bytes) in &plan.pictures {
        let p = inside(rel)?;
        std::fs::write(&p, bytes).map_err(|e| werr(&p, &e))?;
        n += 1;
    }
    if let Some(parent) = plan.path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| werr(parent, &e))?;
    }
    match plan.verb {
        Verb::Create => {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&plan.path)
                .map_err(|e| werr(&plan.path, &e))?;
            f.write_all(plan.text.as_bytes())
                .map_err(|e| werr(&plan.path, &e))?;
        }
        _ => {
            let tmp = plan.path.with_extension("md.importing");
            std::fs::write(&tmp, &plan.text).map_err(|e| werr(&tmp, &e))?;
            std::fs::rename(&tmp, &plan.path).map_err(|e| werr(&plan.path, &e))?;
        }
    }
    Ok(n + 1)
}
