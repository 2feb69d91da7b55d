//! Validate stage: type each [`Source`]'s front matter into a [`Record`],
//! enforcing the content model (required fields, types, vocabularies,
//! dates, paths that must exist, unknown keys). Every problem is collected
//! with its `path:line:column`; references between records are checked
//! later by the site graph, which knows every record.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::frontmatter::{Key, Node, Value};
use crate::content::{Kind, Source};
use crate::diag::{did_you_mean, quote, Diagnostics, Pos};
use crate::incr::Key as Key32;
use crate::model::*;
use crate::vocab;

const OUTCOME_KEYS: &[&str] = &[
    "title",
    "award",
    "holder",
    "people",
    "partners",
    "province",
    "stages",
    "subjects",
    "themes",
    "promotion",
    "rounds",
    "studio",
    "media",
    "contact",
    "summary",
    "featured",
    "draft",
];
const HOLDER_KEYS: &[&str] = &[
    "title", "kind", "province", "city", "website", "summary", "draft",
];
const REGION_KEYS: &[&str] = &[
    "title",
    "province",
    "demonstration",
    "period",
    "applies",
    "summary",
    "draft",
];
const CASE_KEYS: &[&str] = &[
    "title", "date", "region", "school", "outcomes", "authors", "source", "stages", "subjects",
    "themes", "cover", "summary", "featured", "draft",
];
const NOTICE_KEYS: &[&str] = &[
    "title",
    "date",
    "issuer",
    "number",
    "attachments",
    "summary",
    "draft",
];
const PAGE_KEYS: &[&str] = &["title", "summary", "draft"];

/// How subjects are named in messages (36 values: examples, not the list).
const SUBJECT_LABEL: &str =
    "学科（课程方案中的学科名，如 语文、数学、道德与法治；其他学科可在 site.yaml 的 vocab: subjects 中添加）";

/// Longest allowed summary, in characters.
pub const SUMMARY_MAX: usize = 300;

pub fn keys_of(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Outcome => OUTCOME_KEYS,
        Kind::Holder => HOLDER_KEYS,
        Kind::Region => REGION_KEYS,
        Kind::Case => CASE_KEYS,
        Kind::Notice => NOTICE_KEYS,
        Kind::Page => PAGE_KEYS,
    }
}

/// Type every source. A record with errors is still returned, with empty
/// defaults for what could not be read, so that later stages (references,
/// body links) report their problems in the same run; the build fails on
/// any error in `diags`.
pub fn validate(
    sources: Vec<(Key32, Arc<Source>)>,
    cfg: &Config,
    site: &Path,
    diags: &mut Diagnostics,
) -> Vec<Arc<Record>> {
    validate_with(sources, cfg, site, diags, &mut HashMap::new(), false)
}

/// One typed record kept between builds ([`crate::incr`]): valid for the
/// source bytes and configuration it was made from, while every path check
/// it made gives the same answer.
pub struct Typed {
    key: Key32,
    record: Arc<Record>,
    diags: Diagnostics,
    asked: Vec<(String, Result<(), String>)>,
}

/// [`validate`], reusing the typed record of every source whose bytes
/// (`sources`' keys) and site configuration are unchanged and whose path
/// checks (files under `content/media/`) still answer the same; `memo` is
/// left holding this run's records when `keep`.
pub fn validate_with(
    sources: Vec<(Key32, Arc<Source>)>,
    cfg: &Config,
    site: &Path,
    diags: &mut Diagnostics,
    memo: &mut HashMap<PathBuf, Arc<Typed>>,
    keep: bool,
) -> Vec<Arc<Record>> {
    let content = site.join("content");
    let mut h = crate::incr::Hasher::new("typed");
    h.str(&format!("{cfg:?}"));
    let cfg_key = h.finish();
    // The memo is updated in place: an entry reused as it was is left alone.
    let prev = &*memo;
    // (typed record, whether it was reused as it was)
    let results: Vec<(Arc<Typed>, bool)> = sources
        .into_par_iter()
        .map(|(source_key, src)| {
            let mut h = crate::incr::Hasher::new("typed");
            h.bytes(&cfg_key).bytes(&source_key);
            let key = h.finish();
            if let Some(t) = prev.get(&src.file_path).filter(|t| {
                t.key == key
                    && t.asked
                        .iter()
                        .all(|(s, answer)| check_local_path(s, &content) == *answer)
            }) {
                return (Arc::clone(t), true);
            }
            let mut d = Diagnostics::new();
            let mut asked = Vec::new();
            let mut r = validate_one(&src, cfg, &content, &mut d, &mut asked);
            let mut h = crate::incr::Hasher::new("record");
            h.bytes(&key)
                .str(&src.file_path.to_string_lossy())
                .str(&src.display_path.to_string_lossy());
            for (s, answer) in &asked {
                h.str(s);
                match answer {
                    Ok(()) => h.num(0),
                    Err(e) => h.num(1).str(e),
                };
            }
            r.key = h.finish();
            let t = Typed {
                key,
                record: Arc::new(r),
                diags: d,
                asked,
            };
            (Arc::new(t), false)
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for (t, reused) in results {
        diags.extend(t.diags.clone());
        out.push(Arc::clone(&t.record));
        if keep && !reused {
            memo.insert(t.record.file_path.clone(), t);
        }
    }
    // Entries of files gone since (or no longer typed).
    if keep && memo.len() != out.len() {
        let live: std::collections::HashSet<&PathBuf> = out.iter().map(|r| &r.file_path).collect();
        memo.retain(|p, _| live.contains(p));
    }
    out
}

/// A reader over one record's top-level fields that reports located errors.
struct Fields<'a> {
    src: &'a Source,
    d: &'a mut Diagnostics,
    content: &'a Path,
    /// Every path check made, with its answer (what a memoised record
    /// depends on besides its source).
    asked: &'a mut Vec<(String, Result<(), String>)>,
}

fn node_of<'n>(fields: &'n [(Key, Node)], name: &str) -> Option<(&'n Key, &'n Node)> {
    fields
        .iter()
        .find(|(k, _)| k.name == name)
        .map(|(k, n)| (k, n))
        .filter(|(_, n)| n.value != Value::Null)
}

/// The label of item `i` (from 0) of list field `name`: `stages 第 2 项`.
pub fn item_label(name: &str, i: usize) -> String {
    format!("{name} 第 {} 项", i + 1)
}

/// A field inside `field`: `media 第 1 项的 src`, or `award.year` when
/// `field` is not a list item.
fn sub(field: &str, key: &str) -> String {
    if field.ends_with('项') {
        format!("{field}的 {key}")
    } else {
        format!("{field}.{key}")
    }
}

/// No space between a list item's label and the Chinese that follows:
/// `stages 第 2 项的值`, `media 第 2 项缺少 kind`.
fn tidy(msg: String) -> String {
    if !msg.contains("项 ") {
        return msg;
    }
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg.as_str();
    while let Some(i) = rest.find("项 ") {
        let after = &rest[i + "项 ".len()..];
        out.push_str(&rest[..i + "项".len()]);
        if !after.starts_with(|c: char| !c.is_ascii()) {
            out.push(' ');
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

impl<'a> Fields<'a> {
    /// [`check_local_path`], remembered in `asked`.
    fn check_path(&mut self, s: &str) -> Result<(), String> {
        let answer = check_local_path(s, self.content);
        self.asked.push((s.to_string(), answer.clone()));
        answer
    }

    fn err(&mut self, pos: Pos, msg: impl Into<String>) {
        self.d.error(&self.src.display_path, pos, tidy(msg.into()));
    }
    fn warn(&mut self, pos: Pos, msg: impl Into<String>) {
        self.d
            .warning(&self.src.display_path, pos, tidy(msg.into()));
    }

    fn get(&self, name: &str) -> Option<(&'a Key, &'a Node)> {
        node_of(&self.src.fields, name)
    }

    /// A required field that is absent, or present with nothing after the
    /// colon (as `chengguo new` leaves it): located at its key if present.
    /// `example` is a complete line to copy, e.g. `province: 四川省`.
    fn missing(&mut self, name: &str, label: &str, example: &str) {
        match self.src.fields.iter().find(|(k, _)| k.name == name) {
            Some((k, _)) => self.err(
                k.pos,
                format!("必填字段 {name}（{label}）未填写：请在冒号后填写，如 {example}"),
            ),
            None => self.err(
                Pos::START,
                format!("缺少必填字段 {name}（{label}）：请在头信息中加一行，如 {example}"),
            ),
        }
    }

    /// A text value (numbers are not accepted as text, except where noted).
    fn text_node(&mut self, field: &str, n: &Node) -> Option<String> {
        match &n.value {
            Value::Str(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Str(_) | Value::Null => {
                self.err(
                    n.pos,
                    format!("{field} 的值为空：请填写内容，不需要时删除这一项"),
                );
                None
            }
            other => {
                let fix = match other {
                    Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                        "；如确实要写这个值，请用英文引号括起来，如 \"2024\""
                    }
                    Value::List(_) => "；此处只能写一个值，不能写列表",
                    _ => "；值中含“: ”时请用英文引号把整个值括起来",
                };
                self.err(
                    n.pos,
                    format!("{field} 应为文本，实际是{}{fix}", other.describe()),
                );
                None
            }
        }
    }

    /// `name` for a single value, `name 第 i 项` (counted from 1) for the items of a list.
    fn indexed(&self, name: &str, n: &'a Node) -> Vec<(String, &'a Node)> {
        match &n.value {
            Value::List(l) => l
                .iter()
                .enumerate()
                .map(|(i, x)| (item_label(name, i), x))
                .collect(),
            _ => vec![(name.to_string(), n)],
        }
    }

    fn text(&mut self, name: &str) -> Option<String> {
        let (_, n) = self.get(name)?;
        self.text_node(name, n)
    }

    fn required_text(&mut self, name: &str, label: &str, example: &str) -> Option<String> {
        if self.get(name).is_none() {
            self.missing(name, label, example);
            return None;
        }
        self.text(name)
    }

    fn bool(&mut self, name: &str) -> bool {
        let Some((_, n)) = self.get(name) else {
            return false;
        };
        match n.value {
            Value::Bool(b) => b,
            ref other => {
                self.err(
                    n.pos,
                    format!(
                        "{name} 应为 true 或 false（是写 true，否写 false），实际是{}",
                        other.describe()
                    ),
                );
                false
            }
        }
    }

    /// The items of list field `name` (a single value counts as one), an
    /// item typed with Chinese separators (`小学，初中`) split into its parts
    /// with a warning saying how to write it.
    fn items(&mut self, name: &str, n: &'a Node) -> Vec<(String, Node)> {
        let mut out = Vec::new();
        for (field, item) in self.indexed(name, n) {
            let parts = match &item.value {
                Value::Str(s) => split_chinese(s).map(|(sep, parts)| (s.clone(), sep, parts)),
                _ => None,
            };
            match parts {
                Some((s, sep, parts)) => {
                    self.warn(
                        item.pos,
                        format!(
                            "{field} 的值{}中用了中文标点“{sep}”，已按 {} 项处理：列表各项之间请用英文逗号加空格分隔，如 {name}: [{}]",
                            quote(&s),
                            parts.len(),
                            parts.join(", ")
                        ),
                    );
                    out.extend(parts.into_iter().map(|p| {
                        (
                            field.clone(),
                            Node {
                                pos: item.pos,
                                value: Value::Str(p),
                            },
                        )
                    }));
                }
                None => out.push((field, item.clone())),
            }
        }
        out
    }

    fn text_list(&mut self, name: &str) -> Vec<String> {
        let Some((_, n)) = self.get(name) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (field, item) in self.items(name, n) {
            if let Some(s) = self.text_node(&field, &item) {
                if seen.insert(s.clone()) {
                    out.push(s);
                }
            }
        }
        out
    }

    fn vocab_value(
        &mut self,
        field: &str,
        n: &Node,
        allowed: &[String],
        label: &str,
    ) -> Option<String> {
        let s = self.text_node(field, n)?;
        if allowed.contains(&s) {
            Some(s)
        } else {
            let near = crate::diag::closest(&s, allowed.iter().map(String::as_str));
            // Short vocabularies are listed in full; long ones (34
            // provinces, subjects) rely on the label's examples and the
            // suggestion. A suggestion naming every value says nothing.
            // Several values in one (`小学 初中`, `小学/初中`): say how to list them.
            let several: Vec<&str> = s
                .split(|c: char| c.is_whitespace() || matches!(c, '/' | ',' | '|' | '，' | '、'))
                .filter(|p| !p.is_empty())
                .collect();
            let base = field.split(' ').next().unwrap_or(field);
            let hint =
                if several.len() > 1 && several.iter().all(|p| allowed.iter().any(|a| a == p)) {
                    format!("（多个值请写成列表，如 {base}: [{}]）", several.join(", "))
                } else if near.is_empty() || near.len() == allowed.len() {
                    String::new()
                } else {
                    format!("（是否指 {}？）", near.join("、"))
                };
            let all = if allowed.len() <= 10 && !label.contains('（') {
                format!("，可选：{}", allowed.join("、"))
            } else {
                String::new()
            };
            self.err(
                n.pos,
                format!("{field} 的值{}不是有效的{label}{all}{hint}", quote(&s)),
            );
            None
        }
    }

    fn vocab_list(&mut self, name: &str, allowed: &[String], label: &str) -> Vec<String> {
        let Some((_, n)) = self.get(name) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (field, item) in self.items(name, n) {
            if let Some(s) = self.vocab_value(&field, &item, allowed, label) {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        out
    }

    fn province(&mut self, cfg: &Config, required: bool) -> Option<String> {
        match self.get("province") {
            None => {
                if required {
                    self.missing("province", "省份", "province: 四川省");
                }
                None
            }
            Some((_, n)) => self.vocab_value(
                "province",
                n,
                &cfg.vocab.provinces,
                "省份（须写全称，如 上海市、广西壮族自治区）",
            ),
        }
    }

    /// A reference by id. Whether it exists (and, for a title typed in its
    /// place, which id was meant) is checked by the site graph.
    fn reference(&mut self, field: &str, n: &Node) -> Option<Ref> {
        let id = self.text_node(field, n)?;
        Some(Ref { id, pos: n.pos })
    }

    fn date(&mut self, name: &str, required: bool) -> Option<String> {
        let Some((_, n)) = self.get(name) else {
            if required {
                self.missing(
                    name,
                    "日期，格式 YYYY-MM-DD",
                    &format!("{name}: 2024-03-15"),
                );
            }
            return None;
        };
        let s = match &n.value {
            Value::Str(s) => s.trim().to_string(),
            other => {
                self.err(
                    n.pos,
                    format!(
                        "{name} 应为日期，格式 YYYY-MM-DD，如 2024-03-15，实际是{}",
                        other.describe()
                    ),
                );
                return None;
            }
        };
        if valid_date(&s) {
            Some(s)
        } else {
            self.err(
                n.pos,
                format!(
                    "{name} 的值{}不是有效日期：应为真实存在的日期，格式 YYYY-MM-DD，如 2024-03-15{}",
                    quote(&s),
                    date_hint(&s)
                ),
            );
            None
        }
    }

    /// A path relative to `content/` that must exist (under media/), or an http(s) URL when `url_ok`.
    fn path_node(&mut self, field: &str, n: &Node, url_ok: bool) -> Option<String> {
        let s = self.text_node(field, n)?;
        if is_http_url(&s) {
            if url_ok {
                return Some(s);
            }
            self.err(
                n.pos,
                format!(
                    "{field} 的值{}是网址：此处只能用本地文件（门户需离线可用），请把文件放到 content/media/ 下，写成 media/images/a.png 这样的路径",
                    quote(&s)
                ),
            );
            return None;
        }
        // Windows separators and the body's `../media/…` form are read as
        // the canonical `media/…`, with a warning; the result is checked
        // like any path (inside content/media/, existing).
        let mut canon = s.replace('\\', "/");
        if let Some(rest) = canon.strip_prefix("../") {
            if rest.starts_with("media/") {
                canon = rest.to_string();
            }
        }
        if canon != s && canon.starts_with("media/") && self.check_path(&canon).is_ok() {
            self.warn(
                n.pos,
                format!(
                    "{field} 的值{}已按 {canon} 处理：头信息中的路径从 content/ 算起，用 / 分隔（正文中的 ../media/… 写法不适用于此处），请写成 {canon}",
                    quote(&s)
                ),
            );
            return Some(canon);
        }
        if let Err(msg) = self.check_path(&s) {
            self.err(n.pos, format!("{field} {msg}"));
            return None;
        }
        Some(s)
    }

    fn url(&mut self, name: &str) -> Option<String> {
        let (_, n) = self.get(name)?;
        let s = self.text_node(name, n)?;
        if is_http_url(&s) {
            Some(s)
        } else {
            let hint = if s.contains(char::is_whitespace) {
                "（网址中不能有空格）".to_string()
            } else if !s.contains("://") && s.contains('.') {
                format!("（是否要写“https://{s}”？）")
            } else {
                String::new()
            };
            self.err(
                n.pos,
                format!(
                    "{name} 的值{}不是网址：应以 http:// 或 https:// 开头{hint}",
                    quote(&s)
                ),
            );
            None
        }
    }
}

/// Records published with a body line still reading as a `chengguo new`
/// placeholder ([`crate::new::PLACEHOLDERS`]): a warning for `check`, an
/// error when `publish` (build), located at the placeholder's line.
pub fn placeholders(graph: &crate::graph::SiteGraph, publish: bool, d: &mut Diagnostics) {
    for r in graph.records() {
        let Some((i, line)) = r.placeholder.as_ref().map(|(i, l)| (*i, l)) else {
            continue;
        };
        let pos = Pos::new(r.body_line + i, 1);
        let msg = format!(
            "正文仍是模板中的占位文字{}：请把它换成正文内容后再发布；暂不发布请在头信息中写 draft: true",
            quote(line.trim())
        );
        if publish {
            d.error(&r.display_path, pos, format!("{msg}（生成时这是错误）"));
        } else {
            d.warning(
                &r.display_path,
                pos,
                format!("{msg}（chengguo build 会因此失败）"),
            );
        }
    }
}

/// The first line of `body` that is a template placeholder
/// ([`crate::new::PLACEHOLDERS`]): its index from 0 and its text.
fn placeholder_line(body: &str) -> Option<(usize, String)> {
    body.lines()
        .enumerate()
        .find(|(_, l)| crate::new::PLACEHOLDERS.contains(&l.trim()))
        .map(|(i, l)| (i, l.to_string()))
}

/// `小学，初中` → (`，`, [小学, 初中]): a value split at the Chinese list
/// separators `，`、`、`、`；` outside brackets and quotes. None when there is
/// no such separator or a part would be empty.
fn split_chinese(s: &str) -> Option<(char, Vec<String>)> {
    let mut depth = 0i32;
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut sep = None;
    for c in s.chars() {
        match c {
            '（' | '(' | '《' | '“' | '「' | '【' | '[' => depth += 1,
            '）' | ')' | '》' | '”' | '」' | '】' | ']' => depth -= 1,
            _ => {}
        }
        if depth <= 0 && matches!(c, '，' | '、' | '；') {
            sep.get_or_insert(c);
            parts.push(std::mem::take(&mut cur).trim().to_string());
        } else {
            cur.push(c);
        }
    }
    parts.push(cur.trim().to_string());
    let sep = sep?;
    if parts.iter().any(String::is_empty) {
        return None;
    }
    Some((sep, parts))
}

pub fn is_http_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() > 8
        && !s.contains(char::is_whitespace)
}

/// Check a content-relative file path: inside `content/media/`, no `..`,
/// existing on disk. The error reads after the field name
/// (`media[1].src 指向的文件 … 不存在`).
pub fn check_local_path(s: &str, content: &Path) -> Result<(), String> {
    // A path as it could have been meant, offered when that file exists.
    let offer = |cand: &str| -> String {
        if cand != s && cand.starts_with("media/") && content.join(cand).is_file() {
            format!("（是否要写“{cand}”？）")
        } else {
            String::new()
        }
    };
    if s.starts_with('/') || s.contains('\\') || s.contains(':') {
        let fixed = s.replace('\\', "/");
        let fixed = fixed.trim_start_matches('/');
        let fixed = fixed.strip_prefix("content/").unwrap_or(fixed);
        return Err(format!(
            "的值{}不是相对路径：应相对 content/ 文件夹，用 / 分隔，如 media/docs/a.pdf{}",
            quote(s),
            offer(fixed)
        ));
    }
    if s.split('/')
        .any(|seg| seg == ".." || seg == "." || seg.is_empty())
    {
        return Err(format!(
            "的值{}不能包含 ..、. 或空段（//）：应写成 media/ 开头的路径，如 media/docs/a.pdf",
            quote(s)
        ));
    }
    if !s.starts_with("media/") {
        let fixed = s.strip_prefix("content/").unwrap_or(s);
        let hint = match offer(fixed) {
            h if !h.is_empty() => h,
            _ => offer(&format!("media/{fixed}")),
        };
        return Err(format!(
            "的值{}应以 media/ 开头：只有 content/media/ 中的文件才会发布{hint}",
            quote(s)
        ));
    }
    let p = content.join(s);
    if !p.is_file() {
        // Offer the files of the same folder that are spelt alike.
        let (dir, _) = s.rsplit_once('/').unwrap_or(("media", s));
        let dir_path = content.join(dir);
        if !dir_path.is_dir() {
            return Err(format!(
                "指向的文件 content/{s} 不存在：文件夹 content/{dir}/ 也不存在，请检查路径"
            ));
        }
        let mut names: Vec<String> = std::fs::read_dir(&dir_path)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .filter(|e| e.path().is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        let file = s.rsplit('/').next().unwrap_or(s);
        let near: Vec<String> = crate::diag::closest(file, names.iter().map(String::as_str))
            .into_iter()
            .map(|n| format!("{dir}/{n}"))
            .collect();
        let hint = if near.is_empty() {
            String::new()
        } else {
            format!("（是否指 {}？）", near.join("、"))
        };
        return Err(format!(
            "指向的文件 content/{s} 不存在：请把文件放到该位置，或改正路径{hint}"
        ));
    }
    Ok(())
}

/// For a date that is not `YYYY-MM-DD`: the date it probably means
/// (`2024-3-5`, `2024/3/5`, `2024年3月5日` → `2024-03-05`), or why the day
/// does not exist (`2023-02-30`).
fn date_hint(s: &str) -> String {
    let parts: Vec<&str> = s
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let nums: Option<Vec<u32>> = parts.iter().map(|p| p.trim().parse().ok()).collect();
    let Some([y, m, d]) = nums
        .as_deref()
        .map(|v| v.to_vec())
        .and_then(|v| <[u32; 3]>::try_from(v).ok())
    else {
        return String::new();
    };
    if !(1900..=2100).contains(&y) {
        return String::new();
    }
    if !(1..=12).contains(&m) {
        return format!("（月份 {m} 不存在，应为 01 到 12）");
    }
    let cand = format!("{y:04}-{m:02}-{d:02}");
    if valid_date(&cand) {
        return format!("（是否要写 {cand}？）");
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        _ => 28,
    };
    format!("（{y} 年 {m} 月只有 {days} 天）")
}

/// `YYYY-MM-DD` naming a real calendar day.
pub fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s[r].parse::<u32>()
            .ok()
            .filter(|_| b[0..4].iter().all(u8::is_ascii_digit))
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    if !s[5..7].bytes().all(|c| c.is_ascii_digit()) || !s[8..10].bytes().all(|c| c.is_ascii_digit())
    {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2100).contains(&y) && d >= 1 && d <= days
}

/// For a year written as text (`"2022年"`, `"2022"`): the number to write.
fn year_hint(v: &Value) -> String {
    let digits: String = match v {
        Value::Str(s) => s.chars().filter(char::is_ascii_digit).collect(),
        _ => return String::new(),
    };
    if digits.len() == 4 {
        format!("（是否要写 {digits}？年份不加引号和“年”字）")
    } else {
        String::new()
    }
}

/// For a month that is not `YYYY-MM`: `2021-9` → `"2021-09"`.
fn month_hint(v: &Value) -> String {
    let Value::Str(s) = v else {
        return String::new();
    };
    let parts: Vec<&str> = s
        .split(['-', '/', '.', '年', '月'])
        .filter(|p| !p.is_empty())
        .collect();
    if let [y, m] = parts.as_slice() {
        if let (Ok(y), Ok(m)) = (y.trim().parse::<u32>(), m.trim().parse::<u32>()) {
            let cand = format!("{y:04}-{m:02}");
            if valid_month(&cand) {
                return format!("（是否要写 \"{cand}\"？）");
            }
        }
    }
    String::new()
}

/// `YYYY-MM`.
pub fn valid_month(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[5..].iter().all(u8::is_ascii_digit)
        && matches!(s[5..].parse::<u32>(), Ok(1..=12))
}

fn validate_one(
    src: &Source,
    cfg: &Config,
    content: &Path,
    d: &mut Diagnostics,
    asked: &mut Vec<(String, Result<(), String>)>,
) -> Record {
    let kind = src.kind;
    let allowed = keys_of(kind);
    // Unknown keys first: typos must not silently vanish.
    for (k, _) in &src.fields {
        if !allowed.contains(&k.name.as_str()) {
            let hint = did_you_mean(&k.name, allowed.iter().copied());
            d.error(
                &src.display_path,
                k.pos,
                format!(
                    "未知字段“{}”：{}记录可用的字段为 {}{hint}",
                    k.name,
                    kind.label(),
                    allowed.join("、")
                ),
            );
        }
    }
    let mut f = Fields {
        src,
        d,
        content,
        asked,
    };
    let title = f.required_text("title", "标题", "title: 关于本平台");
    let summary = f.text("summary").unwrap_or_default();
    if summary.chars().count() > SUMMARY_MAX {
        let pos = f.get("summary").map(|(_, n)| n.pos).unwrap_or(Pos::START);
        let n = summary.chars().count();
        f.err(
            pos,
            format!(
                "summary（摘要）不能超过 {SUMMARY_MAX} 字，当前 {n} 字：请删去至少 {} 字，详细内容可写在正文中",
                n - SUMMARY_MAX
            ),
        );
    }
    let draft = f.bool("draft");
    let featured = if allowed.contains(&"featured") {
        f.bool("featured")
    } else {
        false
    };

    let data = match kind {
        Kind::Outcome => Data::Outcome(outcome(&mut f, cfg)),
        Kind::Holder => {
            let province = f.province(cfg, true);
            let hkind = f.get("kind").and_then(|(_, n)| {
                let allowed: Vec<String> =
                    vocab::HOLDER_KINDS.iter().map(|s| s.to_string()).collect();
                f.vocab_value("kind", n, &allowed, "单位类型")
            });
            let h = Holder {
                kind: hkind,
                province: province.unwrap_or_default(),
                city: f.text("city"),
                website: f.url("website"),
            };
            Data::Holder(h)
        }
        Kind::Region => Data::Region(region(&mut f, cfg)),
        Kind::Case => Data::Case(case(&mut f, cfg)),
        Kind::Notice => {
            let date = f.date("date", true);
            let mut attachments = Vec::new();
            if let Some((_, n)) = f.get("attachments") {
                for (field, item) in f.indexed("attachments", n) {
                    let Value::Map(m) = &item.value else {
                        f.err(
                            item.pos,
                            format!(
                                "{field} 应为“title: 附件名称”和“src: 文件路径”两行，实际是{}；写法如 - {{title: 附件1, src: media/docs/a.pdf}}",
                                item.value.describe()
                            ),
                        );
                        continue;
                    };
                    let mut title = None;
                    let mut srcp = None;
                    for (k, v) in m {
                        match k.name.as_str() {
                            "title" => title = f.text_node(&sub(&field, "title"), v),
                            "src" => srcp = f.path_node(&sub(&field, "src"), v, true),
                            other => f.err(
                                k.pos,
                                format!(
                                    "{field} 中有未知字段“{other}”：可用的字段为 title、src{}",
                                    did_you_mean(other, ["title", "src"])
                                ),
                            ),
                        }
                    }
                    if srcp.is_none() && !m.iter().any(|(k, _)| k.name == "src") {
                        f.err(
                            item.pos,
                            format!(
                                "{field} 缺少 src（附件文件）：请加一行，如 src: media/docs/a.pdf"
                            ),
                        );
                    }
                    if let Some(src) = srcp {
                        let title = title
                            .unwrap_or_else(|| src.rsplit('/').next().unwrap_or(&src).to_string());
                        attachments.push(Attachment { title, src });
                    }
                }
            }
            Data::Notice(Notice {
                date: date.unwrap_or_default(),
                issuer: f.text("issuer"),
                number: f.text("number"),
                attachments,
            })
        }
        Kind::Page => Data::Page,
    };
    let mut r = Record {
        kind,
        id: src.id.clone(),
        display_path: src.display_path.clone(),
        file_path: src.file_path.clone(),
        source_dir: src.source_dir.clone(),
        title: title.unwrap_or_else(|| src.id.clone()),
        summary,
        draft,
        featured,
        body: src.body.clone(),
        body_line: src.body_line,
        body_key: [0; 32],
        key: [0; 32],
        placeholder: placeholder_line(&src.body),
        data,
    };
    r.body_key = r.compute_body_key();
    r
}

fn outcome(f: &mut Fields, cfg: &Config) -> Outcome {
    let mut year = None;
    let mut level = None;
    let levels = cfg.vocab.levels.join("、");
    match f.get("award") {
        None => f.missing(
            "award",
            "获奖信息",
            "award: {year: 2022, level: 一等奖}",
        ),
        Some((key, n)) => match &n.value {
            Value::Map(m) => {
                for (k, v) in m {
                    match (k.name.as_str(), &v.value) {
                        ("year", Value::Null) => f.err(
                            k.pos,
                            "必填字段 award.year（获奖年度）未填写：请在冒号后写四位数年份，如 year: 2022",
                        ),
                        ("level", Value::Null) => f.err(
                            k.pos,
                            format!(
                                "必填字段 award.level（获奖等级）未填写：请在冒号后填写，可选：{levels}"
                            ),
                        ),
                        ("year", Value::Int(y)) if (1989..=2100).contains(y) => year = Some(*y),
                        ("year", other) => f.err(
                            v.pos,
                            format!(
                                "award.year 应为四位数年份（1989 到 2100），如 2022，实际是{}{}",
                                other.describe(),
                                year_hint(other)
                            ),
                        ),
                        ("level", _) => {
                            level = f.vocab_value("award.level", v, &cfg.vocab.levels, "获奖等级")
                        }
                        (other, _) => f.err(
                            k.pos,
                            format!(
                                "award 中有未知字段“{other}”：可用的字段为 year、level{}",
                                did_you_mean(other, ["year", "level"])
                            ),
                        ),
                    }
                }
                if !m.iter().any(|(k, _)| k.name == "year") {
                    f.err(
                        key.pos,
                        "award 缺少 year（获奖年度）：请写成 award: {year: 2022, level: 一等奖}",
                    );
                }
                if !m.iter().any(|(k, _)| k.name == "level") {
                    f.err(
                        key.pos,
                        format!(
                            "award 缺少 level（获奖等级，可选：{levels}）：请写成 award: {{year: 2022, level: 一等奖}}"
                        ),
                    );
                }
            }
            other => f.err(
                n.pos,
                format!(
                    "award 应写成 {{year: 年份, level: 等级}}，如 award: {{year: 2022, level: 一等奖}}，实际是{}",
                    other.describe()
                ),
            ),
        },
    }
    let holder = match f.get("holder") {
        None => {
            f.missing(
                "holder",
                "成果持有方编号，即 content/holders/ 下的文件名",
                "holder: shili-jiaoyanshi",
            );
            None
        }
        Some((_, n)) => f.reference("holder", n),
    };
    let province = f.province(cfg, true);
    let stages = f.vocab_list("stages", &cfg.vocab.stages, "学段");
    match f.get("stages") {
        None => f.missing("stages", "学段", "stages: [小学, 初中]"),
        Some((_, n)) if matches!(&n.value, Value::List(l) if l.is_empty()) => f.err(
            n.pos,
            format!(
                "stages（学段）至少要填写一个，如 stages: [小学, 初中]；可选：{}",
                cfg.vocab.stages.join("、")
            ),
        ),
        _ => {}
    }
    let subjects = f.vocab_list("subjects", &cfg.vocab.subjects, SUBJECT_LABEL);
    let promotion = f.get("promotion").and_then(|(_, n)| {
        let allowed: Vec<String> = vocab::PROMOTION.iter().map(|s| s.to_string()).collect();
        f.vocab_value("promotion", n, &allowed, "推广方式")
    });
    let mut rounds = Vec::new();
    if let Some((_, n)) = f.get("rounds") {
        for (field, item) in f.indexed("rounds", n) {
            match &item.value {
                Value::Int(y) if (1989..=2100).contains(y) => rounds.push(*y),
                other => f.err(
                    item.pos,
                    format!(
                        "{field} 应为四位数年份（推广应用轮次的起始年），如 rounds: [2021, 2024]，实际是{}{}",
                        other.describe(),
                        year_hint(other)
                    ),
                ),
            }
        }
    }
    let mut media = Vec::new();
    if let Some((_, n)) = f.get("media") {
        for (field, item) in f.indexed("media", n) {
            if let Some(m) = media_item(f, &field, item) {
                media.push(m);
            }
        }
    }
    let contact = f.get("contact").map(|(_, n)| contact(f, n));
    Outcome {
        award_year: year.unwrap_or(0),
        award_level: level.unwrap_or_default(),
        holder: holder.unwrap_or(Ref {
            id: String::new(),
            pos: Pos::START,
        }),
        people: f.text_list("people"),
        partners: f.text_list("partners"),
        province: province.unwrap_or_default(),
        stages,
        subjects,
        themes: f.text_list("themes"),
        promotion,
        rounds,
        studio: f.url("studio"),
        media,
        contact,
    }
}

fn media_item(f: &mut Fields, field: &str, item: &Node) -> Option<Media> {
    const KEYS: [&str; 5] = ["kind", "title", "src", "poster", "duration"];
    let kinds = vocab::MEDIA_KINDS.join("、");
    let Value::Map(m) = &item.value else {
        f.err(
            item.pos,
            format!(
                "{field} 应为含 kind、title、src（可加 poster、duration）的一组字段，实际是{}；写法如 - {{kind: document, title: 教学设计, src: media/docs/a.pdf}}",
                item.value.describe()
            ),
        );
        return None;
    };
    let get = |name: &str| m.iter().find(|(k, _)| k.name == name).map(|(_, v)| v);
    for (k, _) in m {
        if !KEYS.contains(&k.name.as_str()) {
            f.err(
                k.pos,
                format!(
                    "{field} 中有未知字段“{}”：可用的字段为 {}{}",
                    k.name,
                    KEYS.join("、"),
                    did_you_mean(&k.name, KEYS)
                ),
            );
        }
    }
    let allowed: Vec<String> = vocab::MEDIA_KINDS.iter().map(|s| s.to_string()).collect();
    let kind = match get("kind") {
        Some(n) => f.vocab_value(
            &sub(field, "kind"),
            n,
            &allowed,
            "资料类型（video 视频、document 文档、image 图片、course 课程、link 链接）",
        ),
        None => {
            f.err(
                item.pos,
                format!("{field} 缺少 kind（资料类型）：请加一行 kind: …，可选：{kinds}"),
            );
            None
        }
    };
    let title = match get("title") {
        Some(n) => f.text_node(&sub(field, "title"), n),
        None => {
            f.err(
                item.pos,
                format!("{field} 缺少 title（资料名称）：请加一行，如 title: 课堂实录"),
            );
            None
        }
    };
    let src = match get("src") {
        Some(n) => f.path_node(&sub(field, "src"), n, true),
        None => {
            f.err(
                item.pos,
                format!(
                    "{field} 缺少 src（资料地址）：请加一行，如 src: media/video/a.mp4（或 https:// 开头的网址）"
                ),
            );
            None
        }
    };
    let poster = get("poster").and_then(|n| f.path_node(&sub(field, "poster"), n, false));
    let dur = sub(field, "duration");
    let duration = get("duration").and_then(|n| {
        let s = match &n.value {
            Value::Str(s) => s.clone(),
            // YAML 1.1 readers may turn 05:30 into a number; serde_yaml keeps it text.
            other => {
                f.err(
                    n.pos,
                    format!(
                        "{dur} 应为“分:秒”，写在英文引号中，如 duration: \"12:30\"，实际是{}",
                        other.describe()
                    ),
                );
                return None;
            }
        };
        let ok = s.split_once(':').is_some_and(|(m, sec)| {
            !m.is_empty()
                && m.len() <= 3
                && m.bytes().all(|c| c.is_ascii_digit())
                && sec.len() == 2
                && sec.bytes().all(|c| c.is_ascii_digit())
                && sec < "60"
        });
        if ok {
            Some(s)
        } else {
            let hint = if s.contains('：') {
                format!(
                    "（是否要写 \"{}\"？冒号应为英文冒号）",
                    s.replace('：', ":")
                )
            } else {
                String::new()
            };
            f.err(
                n.pos,
                format!(
                    "{dur} 的值{}格式不对：应为“分:秒”，秒为两位数（00 到 59），如 \"12:30\"{hint}",
                    quote(&s)
                ),
            );
            None
        }
    });
    Some(Media {
        kind: kind?,
        title: title?,
        src: src?,
        poster,
        duration,
    })
}

fn contact(f: &mut Fields, n: &Node) -> Contact {
    let mut c = Contact::default();
    let Value::Map(m) = &n.value else {
        f.err(
            n.pos,
            format!(
                "contact 应为 name、phone、email 几行字段（写在 contact: 下一行起，行首缩进两个空格），实际是{}",
                n.value.describe()
            ),
        );
        return c;
    };
    for (k, v) in m {
        if v.value == Value::Null && ["name", "phone", "email"].contains(&k.name.as_str()) {
            continue; // left empty: optional
        }
        match k.name.as_str() {
            "name" => c.name = f.text_node("contact.name", v),
            "phone" => {
                c.phone = match &v.value {
                    Value::Int(i) => Some(i.to_string()),
                    _ => f.text_node("contact.phone", v),
                };
                if let Some(p) = &c.phone {
                    if !p
                        .chars()
                        .all(|ch| ch.is_ascii_digit() || " -+()（）转".contains(ch))
                    {
                        f.err(
                            v.pos,
                            format!(
                                "contact.phone 的值{}不是有效的电话号码：只能包含数字、空格、- + ( ) 和“转”，如 \"010-12345678\"",
                                quote(p)
                            ),
                        );
                    }
                }
            }
            "email" => {
                c.email = f.text_node("contact.email", v);
                if let Some(e) = &c.email {
                    let ok = e
                        .split_once('@')
                        .is_some_and(|(a, b)| !a.is_empty() && b.contains('.'));
                    if !ok {
                        let hint = if e.contains('＠') {
                            "（@ 应为英文半角符号）"
                        } else {
                            ""
                        };
                        f.err(
                            v.pos,
                            format!(
                                "contact.email 的值{}不是有效的电子邮箱：应形如 name@example.org{hint}",
                                quote(e)
                            ),
                        );
                    }
                }
            }
            other => f.err(
                k.pos,
                format!(
                    "contact 中有未知字段“{other}”：可用的字段为 name、phone、email{}",
                    did_you_mean(other, ["name", "phone", "email"])
                ),
            ),
        }
    }
    c
}

fn region(f: &mut Fields, cfg: &Config) -> Region {
    let province = f.province(cfg, true);
    let demonstration = f.bool("demonstration");
    let (mut start, mut end) = (None, None);
    let mut start_pos = Pos::START;
    if let Some((_, n)) = f.get("period") {
        if let Value::Map(m) = &n.value {
            for (k, v) in m {
                let slot = match k.name.as_str() {
                    "start" => {
                        start_pos = v.pos;
                        &mut start
                    }
                    "end" => &mut end,
                    other => {
                        f.err(
                            k.pos,
                            format!(
                                "period 中有未知字段“{other}”：可用的字段为 start、end{}",
                                did_you_mean(other, ["start", "end"])
                            ),
                        );
                        continue;
                    }
                };
                match &v.value {
                    Value::Null => {} // left empty: no period
                    Value::Str(s) if valid_month(s.trim()) => *slot = Some(s.trim().to_string()),
                    other => f.err(
                        v.pos,
                        format!(
                            "period.{} 应为年月 YYYY-MM，写在英文引号中，如 \"2021-09\"，实际是{}{}",
                            k.name,
                            other.describe(),
                            month_hint(other)
                        ),
                    ),
                }
            }
            if let (Some(s), Some(e)) = (&start, &end) {
                if s > e {
                    f.err(
                        start_pos,
                        format!(
                            "period.start 的值{}晚于 period.end 的值{}：开始年月不能晚于结束年月，请检查是否写反",
                            quote(s),
                            quote(e)
                        ),
                    );
                }
            }
        } else {
            f.err(
                n.pos,
                format!(
                    "period 应写成 {{start: \"YYYY-MM\", end: \"YYYY-MM\"}}，如 period: {{start: \"2021-09\", end: \"2024-08\"}}，实际是{}",
                    n.value.describe()
                ),
            );
        }
    }
    let mut applies = Vec::new();
    if let Some((_, n)) = f.get("applies") {
        for (field, item) in f.indexed("applies", n) {
            let Value::Map(m) = &item.value else {
                let hint = match &item.value {
                    Value::Str(s) => format!("（是否要写“- outcome: {s}”？）"),
                    _ => String::new(),
                };
                f.err(
                    item.pos,
                    format!(
                        "{field} 应为 outcome（可加 department、schools）几行字段，实际是{}{hint}",
                        item.value.describe()
                    ),
                );
                continue;
            };
            let mut outcome = None;
            let mut department = None;
            let mut schools = Vec::new();
            for (k, v) in m {
                match k.name.as_str() {
                    "outcome" => outcome = f.reference(&sub(&field, "outcome"), v),
                    "department" => department = f.text_node(&sub(&field, "department"), v),
                    "schools" => {
                        for (sf, s) in f.indexed(&sub(&field, "schools"), v) {
                            if let Some(t) = f.text_node(&sf, s) {
                                schools.push(t);
                            }
                        }
                    }
                    other => f.err(
                        k.pos,
                        format!(
                            "{field} 中有未知字段“{other}”：可用的字段为 outcome、department、schools{}",
                            did_you_mean(other, ["outcome", "department", "schools"])
                        ),
                    ),
                }
            }
            if !m.iter().any(|(k, _)| k.name == "outcome") {
                f.err(
                    item.pos,
                    format!(
                        "{field} 缺少 outcome（应用的成果编号）：请加一行，如 outcome: zuoye-sheji"
                    ),
                );
            }
            if let Some(outcome) = outcome {
                applies.push(Apply {
                    outcome,
                    department,
                    schools,
                });
            }
        }
    }
    Region {
        province: province.unwrap_or_default(),
        demonstration,
        period_start: start,
        period_end: end,
        applies,
    }
}

fn case(f: &mut Fields, cfg: &Config) -> Case {
    let date = f.date("date", true);
    let region = f.get("region").and_then(|(_, n)| f.reference("region", n));
    let mut outcomes = Vec::new();
    let mut at = Pos::START;
    if let Some((_, n)) = f.get("outcomes") {
        at = n.pos;
        if let Value::List(l) = &n.value {
            if l.is_empty() {
                at = f.get("outcomes").map_or(Pos::START, |(k, _)| k.pos);
            }
        }
        for (field, item) in f.items("outcomes", n) {
            if let Some(r) = f.reference(&field, &item) {
                outcomes.push(r);
            }
        }
    }
    if outcomes.is_empty() {
        f.warn(
            at,
            "案例未关联任何成果（outcomes 为空）：建议填写所应用成果的编号（content/outcomes/ 下的文件名，不含 .md），如 outcomes: [成果编号]",
        );
    }
    let cover = f
        .get("cover")
        .and_then(|(_, n)| f.path_node("cover", n, false));
    Case {
        date: date.unwrap_or_default(),
        region,
        school: f.text("school"),
        outcomes,
        authors: f.text_list("authors"),
        source: f.text("source"),
        stages: f.vocab_list("stages", &cfg.vocab.stages, "学段"),
        subjects: f.vocab_list("subjects", &cfg.vocab.subjects, SUBJECT_LABEL),
        themes: f.text_list("themes"),
        cover,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(valid_date("2024-02-29"));
        assert!(!valid_date("2023-02-29"));
        assert!(!valid_date("2023-13-01"));
        assert!(!valid_date("2023-1-01"));
        assert!(!valid_date("20x3-01-01"));
        assert!(!valid_date("2023-04-31"));
        assert!(valid_month("2020-12"));
        assert!(!valid_month("2020-13"));
    }
}
