//! Validate stage: type each [`Source`]'s front matter into a [`Record`],
//! enforcing the content model (required fields, types, vocabularies,
//! dates, paths that must exist, unknown keys). Every problem is collected
//! with its `path:line:column`; references between records are checked
//! later by the site graph, which knows every record.

use std::path::Path;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::frontmatter::{Key, Node, Value};
use crate::content::{Kind, Source};
use crate::diag::{did_you_mean, Diagnostics, Pos};
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
    sources: Vec<Source>,
    cfg: &Config,
    site: &Path,
    diags: &mut Diagnostics,
) -> Vec<Record> {
    let content = site.join("content");
    let results: Vec<(Record, Diagnostics)> = sources
        .into_par_iter()
        .map(|src| {
            let mut d = Diagnostics::new();
            let r = validate_one(src, cfg, &content, &mut d);
            (r, d)
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for (r, d) in results {
        diags.extend(d);
        out.push(r);
    }
    out
}

/// A reader over one record's top-level fields that reports located errors.
struct Fields<'a> {
    src: &'a Source,
    d: &'a mut Diagnostics,
    content: &'a Path,
}

fn node_of<'n>(fields: &'n [(Key, Node)], name: &str) -> Option<(&'n Key, &'n Node)> {
    fields
        .iter()
        .find(|(k, _)| k.name == name)
        .map(|(k, n)| (k, n))
        .filter(|(_, n)| n.value != Value::Null)
}

impl<'a> Fields<'a> {
    fn err(&mut self, pos: Pos, msg: impl Into<String>) {
        self.d.error(&self.src.display_path, pos, msg);
    }
    fn warn(&mut self, pos: Pos, msg: impl Into<String>) {
        self.d.warning(&self.src.display_path, pos, msg);
    }

    fn get(&self, name: &str) -> Option<(&'a Key, &'a Node)> {
        node_of(&self.src.fields, name)
    }

    /// A required field that is absent, or present with nothing after the
    /// colon (as `chengguo new` leaves it): located at its key if present.
    fn missing(&mut self, name: &str, label: &str) {
        match self.src.fields.iter().find(|(k, _)| k.name == name) {
            Some((k, _)) => self.err(k.pos, format!("必填字段 {name}（{label}）未填写")),
            None => self.err(Pos::START, format!("缺少必填字段 {name}（{label}）")),
        }
    }

    /// A text value (numbers are not accepted as text, except where noted).
    fn text_node(&mut self, field: &str, n: &Node) -> Option<String> {
        match &n.value {
            Value::Str(s) => {
                let t = s.trim();
                if t.is_empty() {
                    self.err(n.pos, format!("{field} 不能为空"));
                    None
                } else {
                    Some(t.to_string())
                }
            }
            other => {
                self.err(
                    n.pos,
                    format!("{field} 应为文本，实际是{}", other.type_name()),
                );
                None
            }
        }
    }

    fn text(&mut self, name: &str) -> Option<String> {
        let (_, n) = self.get(name)?;
        self.text_node(name, n)
    }

    fn required_text(&mut self, name: &str, label: &str) -> Option<String> {
        if self.get(name).is_none() {
            self.missing(name, label);
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
                    format!("{name} 应为 true 或 false，实际是{}", other.type_name()),
                );
                false
            }
        }
    }

    /// A list that also accepts a single value.
    fn items(&self, n: &'a Node) -> Vec<&'a Node> {
        match &n.value {
            Value::List(l) => l.iter().collect(),
            _ => vec![n],
        }
    }

    fn text_list(&mut self, name: &str) -> Vec<String> {
        let Some((_, n)) = self.get(name) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in self.items(n) {
            if let Some(s) = self.text_node(name, item) {
                if !out.contains(&s) {
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
        if allowed.iter().any(|a| *a == s) {
            Some(s)
        } else {
            let hint = did_you_mean(&s, allowed.iter().map(String::as_str));
            self.err(n.pos, format!("{field} 的值“{s}”不是有效的{label}{hint}"));
            None
        }
    }

    fn vocab_list(&mut self, name: &str, allowed: &[String], label: &str) -> Vec<String> {
        let Some((_, n)) = self.get(name) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in self.items(n) {
            if let Some(s) = self.vocab_value(name, item, allowed, label) {
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
                    self.missing("province", "省份");
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
                self.missing(name, "日期，格式 YYYY-MM-DD");
            }
            return None;
        };
        let s = match &n.value {
            Value::Str(s) => s.trim().to_string(),
            other => {
                self.err(
                    n.pos,
                    format!("{name} 应为日期 YYYY-MM-DD，实际是{}", other.type_name()),
                );
                return None;
            }
        };
        if valid_date(&s) {
            Some(s)
        } else {
            self.err(
                n.pos,
                format!("日期“{s}”无效：应为真实存在的日期，格式 YYYY-MM-DD，如 2024-03-15"),
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
                format!("{field} 应为本地文件路径（门户需离线可用），不能是网址"),
            );
            return None;
        }
        if let Err(msg) = check_local_path(&s, self.content) {
            self.err(n.pos, format!("{field}：{msg}"));
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
            self.err(
                n.pos,
                format!("{name} 应为以 http:// 或 https:// 开头的网址"),
            );
            None
        }
    }
}

pub fn is_http_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() > 8
        && !s.contains(char::is_whitespace)
}

/// Check a content-relative file path: inside `content/media/`, no `..`,
/// existing on disk.
pub fn check_local_path(s: &str, content: &Path) -> Result<(), String> {
    if s.starts_with('/') || s.contains('\\') || s.contains(':') {
        return Err(format!(
            "路径“{s}”应为相对 content/ 的路径，用 / 分隔，如 media/docs/a.pdf"
        ));
    }
    if s.split('/')
        .any(|seg| seg == ".." || seg == "." || seg.is_empty())
    {
        return Err(format!("路径“{s}”不能包含 ..、. 或空段"));
    }
    if !s.starts_with("media/") {
        return Err(format!(
            "路径“{s}”应位于 media/ 目录下（content/media/ 中的文件才会发布）"
        ));
    }
    let p = content.join(s);
    if !p.is_file() {
        return Err(format!("文件不存在：content/{s}"));
    }
    Ok(())
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

/// `YYYY-MM`.
pub fn valid_month(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[5..].iter().all(u8::is_ascii_digit)
        && matches!(s[5..].parse::<u32>(), Ok(1..=12))
}

fn validate_one(src: Source, cfg: &Config, content: &Path, d: &mut Diagnostics) -> Record {
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
                    "未知字段“{}”：{}记录不支持此字段{hint}",
                    k.name,
                    kind.label()
                ),
            );
        }
    }
    let mut f = Fields {
        src: &src,
        d,
        content,
    };
    let title = f.required_text("title", "标题");
    let summary = f.text("summary").unwrap_or_default();
    if summary.chars().count() > SUMMARY_MAX {
        let pos = f.get("summary").map(|(_, n)| n.pos).unwrap_or(Pos::START);
        let n = summary.chars().count();
        f.err(
            pos,
            format!("summary（摘要）不能超过 {SUMMARY_MAX} 字，当前 {n} 字"),
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
                for item in f.items(n) {
                    let Value::Map(m) = &item.value else {
                        f.err(item.pos, "attachments 的每一项应为 {title, src}");
                        continue;
                    };
                    let mut title = None;
                    let mut srcp = None;
                    for (k, v) in m {
                        match k.name.as_str() {
                            "title" => title = f.text_node("attachments.title", v),
                            "src" => srcp = f.path_node("attachments.src", v, true),
                            other => f.err(
                                k.pos,
                                format!(
                                    "attachments 中未知字段“{other}”（可用：title、src）{}",
                                    did_you_mean(other, ["title", "src"])
                                ),
                            ),
                        }
                    }
                    if srcp.is_none() && !m.iter().any(|(k, _)| k.name == "src") {
                        f.err(item.pos, "附件缺少 src（文件路径）");
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
    Record {
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
        data,
    }
}

fn outcome(f: &mut Fields, cfg: &Config) -> Outcome {
    let mut year = None;
    let mut level = None;
    match f.get("award") {
        None => f.missing("award", "获奖信息，如 award: {year: 2022, level: 一等奖}"),
        Some((_, n)) => {
            match &n.value {
                Value::Map(m) => {
                    for (k, v) in m {
                        if v.value == Value::Null {
                            match k.name.as_str() {
                            "year" => f.err(k.pos, "必填字段 award.year（获奖年度）未填写，应为四位数年份，如 2022"),
                            "level" => f.err(
                                k.pos,
                                format!(
                                    "必填字段 award.level（获奖等级）未填写，可选：{}",
                                    cfg.vocab.levels.join("、")
                                ),
                            ),
                            _ => {}
                        }
                            if k.name == "year" || k.name == "level" {
                                continue;
                            }
                        }
                        match k.name.as_str() {
                            "year" => match v.value {
                                Value::Int(y) if (1989..=2100).contains(&y) => year = Some(y),
                                _ => f.err(v.pos, "award.year 应为四位数年份，如 2022"),
                            },
                            "level" => {
                                level =
                                    f.vocab_value("award.level", v, &cfg.vocab.levels, "获奖等级")
                            }
                            other => f.err(
                                k.pos,
                                format!(
                                    "award 中未知字段“{other}”（可用：year、level）{}",
                                    did_you_mean(other, ["year", "level"])
                                ),
                            ),
                        }
                    }
                    if !m.iter().any(|(k, _)| k.name == "year") {
                        f.err(n.pos, "award 缺少 year（获奖年度）");
                    }
                    if !m.iter().any(|(k, _)| k.name == "level") {
                        f.err(n.pos, "award 缺少 level（获奖等级：特等奖/一等奖/二等奖）");
                    }
                }
                other => f.err(
                    n.pos,
                    format!("award 应为 {{year, level}}，实际是{}", other.type_name()),
                ),
            }
        }
    }
    let holder = match f.get("holder") {
        None => {
            f.missing("holder", "成果持有方编号");
            None
        }
        Some((_, n)) => f.reference("holder", n),
    };
    let province = f.province(cfg, true);
    let stages = f.vocab_list("stages", &cfg.vocab.stages, "学段");
    match f.get("stages") {
        None => f.missing("stages", "学段，如 [小学, 初中]"),
        Some((_, n)) if matches!(&n.value, Value::List(l) if l.is_empty()) => {
            f.err(n.pos, "stages（学段）至少要填写一个，如 [小学, 初中]")
        }
        _ => {}
    }
    let subjects = f.vocab_list("subjects", &cfg.vocab.subjects, "学科");
    let promotion = f.get("promotion").and_then(|(_, n)| {
        let allowed: Vec<String> = vocab::PROMOTION.iter().map(|s| s.to_string()).collect();
        f.vocab_value(
            "promotion",
            n,
            &allowed,
            "推广方式（文字/视频/课程/工作室）",
        )
    });
    let mut rounds = Vec::new();
    if let Some((_, n)) = f.get("rounds") {
        for item in f.items(n) {
            match item.value {
                Value::Int(y) if (1989..=2100).contains(&y) => rounds.push(y),
                _ => f.err(item.pos, "rounds 的每一项应为年份，如 [2021, 2024]"),
            }
        }
    }
    let mut media = Vec::new();
    if let Some((_, n)) = f.get("media") {
        for item in f.items(n) {
            if let Some(m) = media_item(f, item) {
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

fn media_item(f: &mut Fields, item: &Node) -> Option<Media> {
    let Value::Map(m) = &item.value else {
        f.err(
            item.pos,
            "media 的每一项应为 {kind, title, src, poster?, duration?}",
        );
        return None;
    };
    let get = |name: &str| m.iter().find(|(k, _)| k.name == name).map(|(_, v)| v);
    for (k, _) in m {
        if !["kind", "title", "src", "poster", "duration"].contains(&k.name.as_str()) {
            f.err(
                k.pos,
                format!(
                    "media 中未知字段“{}”（可用：kind、title、src、poster、duration）{}",
                    k.name,
                    did_you_mean(&k.name, ["kind", "title", "src", "poster", "duration"])
                ),
            );
        }
    }
    let kinds: Vec<String> = vocab::MEDIA_KINDS.iter().map(|s| s.to_string()).collect();
    let kind = match get("kind") {
        Some(n) => f.vocab_value(
            "media.kind",
            n,
            &kinds,
            "媒体类型（video/document/image/course/link）",
        ),
        None => {
            f.err(
                item.pos,
                "media 项缺少 kind（video/document/image/course/link）",
            );
            None
        }
    };
    let title = match get("title") {
        Some(n) => f.text_node("media.title", n),
        None => {
            f.err(item.pos, "media 项缺少 title（标题）");
            None
        }
    };
    let src = match get("src") {
        Some(n) => f.path_node("media.src", n, true),
        None => {
            f.err(item.pos, "media 项缺少 src（文件路径或网址）");
            None
        }
    };
    let poster = get("poster").and_then(|n| f.path_node("media.poster", n, false));
    let duration = get("duration").and_then(|n| {
        let s = match &n.value {
            Value::Str(s) => s.clone(),
            // YAML 1.1 readers may turn 05:30 into a number; serde_yaml keeps it text.
            other => {
                f.err(
                    n.pos,
                    format!(
                        "media.duration 应为“分:秒”文本，如 \"12:30\"，实际是{}",
                        other.type_name()
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
            f.err(
                n.pos,
                format!("media.duration“{s}”格式应为 MM:SS，如 \"12:30\""),
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
        f.err(n.pos, "contact 应为 {name, phone, email}");
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
                        f.err(v.pos, format!("contact.phone“{p}”不是有效的电话号码"));
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
                        f.err(v.pos, format!("contact.email“{e}”不是有效的电子邮箱"));
                    }
                }
            }
            other => f.err(
                k.pos,
                format!(
                    "contact 中未知字段“{other}”（可用：name、phone、email）{}",
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
    if let Some((_, n)) = f.get("period") {
        if let Value::Map(m) = &n.value {
            for (k, v) in m {
                let slot = match k.name.as_str() {
                    "start" => &mut start,
                    "end" => &mut end,
                    other => {
                        f.err(
                            k.pos,
                            format!(
                                "period 中未知字段“{other}”（可用：start、end）{}",
                                did_you_mean(other, ["start", "end"])
                            ),
                        );
                        continue;
                    }
                };
                match &v.value {
                    Value::Null => {} // left empty: no period
                    Value::Str(s) if valid_month(s.trim()) => *slot = Some(s.trim().to_string()),
                    _ => f.err(
                        v.pos,
                        format!("period.{} 应为年月 YYYY-MM，如 \"2021-09\"", k.name),
                    ),
                }
            }
            if let (Some(s), Some(e)) = (&start, &end) {
                if s > e {
                    f.err(n.pos, format!("period 的开始 {s} 晚于结束 {e}"));
                }
            }
        } else {
            f.err(n.pos, "period 应为 {start: YYYY-MM, end: YYYY-MM}");
        }
    }
    let mut applies = Vec::new();
    if let Some((_, n)) = f.get("applies") {
        for item in f.items(n) {
            let Value::Map(m) = &item.value else {
                f.err(
                    item.pos,
                    "applies 的每一项应为 {outcome, department?, schools?}",
                );
                continue;
            };
            let mut outcome = None;
            let mut department = None;
            let mut schools = Vec::new();
            for (k, v) in m {
                match k.name.as_str() {
                    "outcome" => outcome = f.reference("applies.outcome", v),
                    "department" => department = f.text_node("applies.department", v),
                    "schools" => {
                        for s in f.items(v) {
                            if let Some(t) = f.text_node("applies.schools", s) {
                                schools.push(t);
                            }
                        }
                    }
                    other => f.err(
                        k.pos,
                        format!(
                            "applies 中未知字段“{other}”（可用：outcome、department、schools）{}",
                            did_you_mean(other, ["outcome", "department", "schools"])
                        ),
                    ),
                }
            }
            if !m.iter().any(|(k, _)| k.name == "outcome") {
                f.err(item.pos, "applies 项缺少 outcome（成果编号）");
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
        for item in f.items(n) {
            if let Some(r) = f.reference("outcomes", item) {
                outcomes.push(r);
            }
        }
    }
    if outcomes.is_empty() {
        f.warn(
            at,
            "案例未关联任何成果（outcomes 为空）：建议填写所应用成果的编号",
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
        subjects: f.vocab_list("subjects", &cfg.vocab.subjects, "学科"),
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
