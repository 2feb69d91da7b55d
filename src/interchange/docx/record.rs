//! The record file an import writes: the `chengguo new` template of the
//! kind (every field with its Chinese comment) with the fields the
//! manuscript gives filled in, `--set` applied last, a first comment line
//! naming the manuscript, and the Markdown body.
//!
//! **Re-import.** The comment line `# 导入自 Word 稿件“NAME”（sha256 …）`
//! marks the record. Importing a manuscript of the same file name again
//! finds that record (in any sub-folder of its kind) and replaces its body
//! and pictures; its front matter is kept as edited, only `--set` fields and
//! the fingerprint change. The same bytes again leave everything unchanged.

use std::path::{Path, PathBuf};

use super::DocxError;
use crate::content::Kind;
use crate::interchange::edit::{self, Change, Yv};

/// The first words of the marker comment.
pub const MARKER: &str = "# 导入自 Word 稿件“";

/// The marker line for manuscript `name` with fingerprint `hash`.
pub fn marker(name: &str, hash: &str) -> String {
    format!("{MARKER}{name}”（sha256 {hash}）：再次导入同名稿件会更新正文和图片，头信息保持不变")
}

/// The manuscript name a record's marker names.
pub fn marked_name(text: &str) -> Option<&str> {
    let line = text.lines().take(8).find(|l| l.starts_with(MARKER))?;
    let rest = &line[MARKER.len()..];
    rest.split_once('”').map(|(n, _)| n)
}

/// A record of `kind` under `content/` imported from `name`: its path.
pub fn find_marked(site: &Path, kind: Kind, name: &str) -> Option<PathBuf> {
    let dir = site.join("content").join(kind.dir());
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .max_depth(8)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .filter(|e| read_head(e.path()).is_some_and(|t| marked_name(&t) == Some(name)))
        .map(|e| e.into_path())
        .collect();
    found.sort();
    found.into_iter().next()
}

/// The first 4 KB of a file as text.
fn read_head(p: &Path) -> Option<String> {
    use std::io::Read;
    let mut buf = vec![0u8; 4096];
    let mut f = std::fs::File::open(p).ok()?;
    let n = f.read(&mut buf).ok()?;
    buf.truncate(n);
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// Fields whose `--set` value is a list (split on `,` `、` `，`).
const LISTS: &[&str] = &[
    "outcomes", "authors", "stages", "subjects", "themes", "people", "partners", "rounds",
];
const BOOLS: &[&str] = &["featured", "draft", "demonstration"];
const MAPS: &[&str] = &["award", "contact", "period"];
const NOT_SETTABLE: &[&str] = &["media", "applies", "attachments"];

/// `--set FIELD=VALUE` arguments as changes for a record of `kind`.
pub fn set_changes(kind: Kind, sets: &[String]) -> Result<Vec<(String, Change)>, DocxError> {
    let keys = crate::validate::keys_of(kind);
    let mut out: Vec<(String, Change)> = Vec::new();
    for s in sets {
        let Some((field, value)) = s.split_once('=') else {
            return Err(DocxError::BadSet { arg: s.clone() });
        };
        let (field, value) = (field.trim(), value.trim());
        let (top, child) = match field.split_once('.') {
            Some((a, b)) => (a, Some(b)),
            None => (field, None),
        };
        if !keys.contains(&top) {
            return Err(DocxError::UnknownField {
                field: field.to_string(),
                kind: kind.label().to_string(),
                available: keys
                    .iter()
                    .filter(|k| !NOT_SETTABLE.contains(k))
                    .copied()
                    .collect::<Vec<_>>()
                    .join("、"),
            });
        }
        if NOT_SETTABLE.contains(&top) || (MAPS.contains(&top) != child.is_some()) {
            return Err(DocxError::NotSettable {
                field: field.to_string(),
            });
        }
        let scalar = |v: &str| -> Yv {
            if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) && field == "award.year" {
                Yv::Int(v.parse().unwrap_or(0))
            } else if matches!(field, "contact.phone" | "period.start" | "period.end") {
                Yv::Quoted(v.to_string())
            } else {
                Yv::Str(v.to_string())
            }
        };
        let change = if let Some(c) = child {
            Change::Merge(vec![(
                c.to_string(),
                (!value.is_empty()).then(|| scalar(value)),
            )])
        } else if value.is_empty() {
            Change::Remove
        } else if LISTS.contains(&top) {
            Change::Set(Yv::List(
                value
                    .split([',', '、', '，'])
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| match v.parse::<i64>() {
                        Ok(n) if top == "rounds" => Yv::Int(n),
                        _ => Yv::Str(v.to_string()),
                    })
                    .collect(),
            ))
        } else if BOOLS.contains(&top) {
            Change::Set(Yv::Bool(matches!(value, "true" | "是" | "yes" | "1")))
        } else {
            Change::Set(Yv::Str(value.to_string()))
        };
        out.retain(|(k, c)| k != top || matches!(c, Change::Merge(_)));
        out.push((top.to_string(), change));
    }
    Ok(out)
}

/// What the manuscript says, as front-matter changes.
pub struct Facts {
    pub date: Option<String>,
    pub authors: Vec<String>,
    pub source: Option<String>,
    pub summary: Option<String>,
    pub number: Option<String>,
    pub issuer: Option<String>,
}

fn fact_changes(kind: Kind, f: &Facts) -> Vec<(String, Change)> {
    let mut out = Vec::new();
    let mut set = |k: &str, v: Yv| out.push((k.to_string(), Change::Set(v)));
    if let Some(s) = f.summary.as_ref().filter(|s| s.chars().count() <= 300) {
        set("summary", Yv::Str(s.clone()));
    }
    match kind {
        Kind::Case => {
            if !f.authors.is_empty() {
                set(
                    "authors",
                    Yv::List(f.authors.iter().cloned().map(Yv::Str).collect()),
                );
            }
            if let Some(s) = &f.source {
                set("source", Yv::Str(s.clone()));
            }
        }
        Kind::Notice => {
            if let Some(s) = &f.issuer {
                set("issuer", Yv::Str(s.clone()));
            }
            if let Some(s) = &f.number {
                set("number", Yv::Str(s.clone()));
            }
        }
        _ => {}
    }
    out
}

/// The text of a new record. `date`: the record's date (cases, notices).
#[allow(clippy::too_many_arguments)]
pub fn new_text(
    kind: Kind,
    title: &str,
    date: &str,
    facts: &Facts,
    sets: &[(String, Change)],
    marker_line: &str,
    attachments: &[String],
    body: &str,
) -> Result<String, DocxError> {
    let template = crate::new::template(kind, title, date);
    let mut changes = fact_changes(kind, facts);
    changes.extend(sets.iter().cloned());
    let order = crate::validate::keys_of(kind);
    let text = edit::apply(&template, order, &changes)
        .map_err(DocxError::Edit)?
        .unwrap_or(template);
    let mut out = String::new();
    let mut lines = text.split_inclusive('\n');
    out.push_str(lines.next().unwrap_or("---\n"));
    out.push_str(marker_line);
    out.push('\n');
    for l in lines {
        out.push_str(l);
        if l.trim_end() == "---" {
            break;
        }
        if l.starts_with("attachments:") && !attachments.is_empty() {
            out.push_str("# 稿件列出的附件（请把文件放进 content/media/docs/，再照下面的格式写进 attachments，并删去上一行的 []）：\n");
            for a in attachments {
                out.push_str(&format!(
                    "#   - title: {}\n#     src: media/docs/（文件名）\n",
                    a.replace('\n', " ")
                ));
            }
        }
    }
    out.push('\n');
    out.push_str(body);
    Ok(out)
}

/// An existing record's text with its body replaced, `--set` applied and
/// the marker refreshed.
pub fn updated_text(
    old: &str,
    kind: Kind,
    sets: &[(String, Change)],
    marker_line: &str,
    body: &str,
) -> Result<String, DocxError> {
    let order = crate::validate::keys_of(kind);
    let text = edit::apply(old, order, sets)
        .map_err(DocxError::Edit)?
        .unwrap_or_else(|| old.replace("\r\n", "\n"));
    let mut out = String::new();
    let mut lines = text.split_inclusive('\n');
    out.push_str(lines.next().unwrap_or("---\n"));
    for l in lines.by_ref() {
        if l.starts_with(MARKER) {
            out.push_str(marker_line);
            out.push('\n');
            continue;
        }
        out.push_str(l);
        if l.trim_end() == "---" {
            break;
        }
    }
    out.push('\n');
    out.push_str(body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_round_trip() {
        let m = marker("案例.docx", "abcd");
        let text = format!("---\n{m}\ntitle: x\n---\n");
        assert_eq!(marked_name(&text), Some("案例.docx"));
        assert_eq!(marked_name("---\ntitle: x\n---\n"), None);
    }

    #[test]
    fn sets() {
        let c = set_changes(
            Kind::Case,
            &["region=jiangjin".into(), "outcomes=a,b".into()],
        )
        .unwrap();
        assert_eq!(
            c[0],
            ("region".into(), Change::Set(Yv::Str("jiangjin".into())))
        );
        assert_eq!(
            c[1],
            (
                "outcomes".into(),
                Change::Set(Yv::List(vec![Yv::Str("a".into()), Yv::Str("b".into())]))
            )
        );
        assert!(matches!(
            set_changes(Kind::Case, &["x".into()]),
            Err(DocxError::BadSet { .. })
        ));
        assert!(matches!(
            set_changes(Kind::Case, &["regoin=a".into()]),
            Err(DocxError::UnknownField { .. })
        ));
        assert!(matches!(
            set_changes(Kind::Notice, &["attachments=a".into()]),
            Err(DocxError::NotSettable { .. })
        ));
        let o = set_changes(Kind::Outcome, &["award.year=2022".into()]).unwrap();
        assert_eq!(
            o[0].1,
            Change::Merge(vec![("year".into(), Some(Yv::Int(2022)))])
        );
    }
}
