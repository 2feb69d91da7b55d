//! Editing a record's front matter line by line, so that everything an
//! import does not carry stays byte for byte: comments, the order of the
//! fields, untouched fields and the Markdown body.
//!
//! Records use block-style YAML: top-level `key: value` lines, flow lists
//! (`stages: [小学, 初中]`), block maps (`award:` then `  year: 2022`) and
//! block lists of maps (`applies:` then `  - outcome: x`). A changed field
//! is rewritten in the style it had (flow or block); a block map is edited
//! child line by child line; a new field is inserted after the nearest field
//! that precedes it in the content model's order. Values are written plain
//! when YAML reads them back as the same string, otherwise double-quoted.
//! The result is parsed again with [`crate::content::frontmatter`] and every
//! field compared with what was intended before anything is returned.

use crate::content::frontmatter::{self, Node, Value};
use crate::content::yaml::quoted;

/// A value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Yv {
    Str(String),
    /// A string always written in double quotes (phone numbers, year-months).
    Quoted(String),
    Int(i64),
    Bool(bool),
    List(Vec<Yv>),
    Map(Vec<(String, Yv)>),
}

/// What to do with one top-level field.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Replace the whole value (when it differs).
    Set(Yv),
    /// Delete the field (when present).
    Remove,
    /// Set (`Some`) or delete (`None`) children of a map, keeping the others.
    Merge(Vec<(String, Option<Yv>)>),
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EditError {
    #[error("头信息无法解析：{0}")]
    Parse(String),
    #[error("修改后的头信息与预期不符（字段 {0}），未写入")]
    Verify(String),
}

/// Apply `changes` to the record `text`. `order` is the content model's
/// field order (for inserting new fields). `Ok(None)` when nothing changes.
pub fn apply(
    text: &str,
    order: &[&str],
    changes: &[(String, Change)],
) -> Result<Option<String>, EditError> {
    Ok(apply_listing(text, order, changes)?.map(|(t, _)| t))
}

/// [`apply`], also naming the fields that changed.
pub fn apply_listing(
    text: &str,
    order: &[&str],
    changes: &[(String, Change)],
) -> Result<Option<(String, Vec<String>)>, EditError> {
    let norm = normalise_text(text);
    let parsed = frontmatter::parse(&norm).map_err(|e| EditError::Parse(e.to_string()))?;
    let (mut lines, body) = split(&norm);
    let mut changed_keys: Vec<String> = Vec::new();
    for (key, change) in changes {
        let before = lines.clone();
        let current = parsed
            .fields
            .iter()
            .find(|(k, _)| &k.name == key)
            .map(|(_, n)| n);
        let entries = entries(&lines);
        let entry = entries.iter().find(|e| &e.key == key);
        match change {
            Change::Remove => {
                if let Some(e) = entry {
                    lines.drain(e.start..e.end);
                }
            }
            Change::Set(v) => {
                if current.is_some_and(|n| same(&n.value, v)) {
                    continue;
                }
                match entry {
                    Some(e) => {
                        let style = style_of(&lines[e.start..e.end], key);
                        let new = render_entry(key, v, style);
                        lines.splice(e.start..e.end, new);
                    }
                    None => {
                        let at = insert_at(&entries, order, key, lines.len());
                        let new = render_entry(key, v, Style::New);
                        lines.splice(at..at, new);
                    }
                }
            }
            Change::Merge(children) => {
                let cur: Vec<(String, Yv)> = match current.map(|n| &n.value) {
                    Some(Value::Map(m)) => m
                        .iter()
                        .map(|(k, n)| (k.name.clone(), to_yv(&n.value)))
                        .collect(),
                    _ => Vec::new(),
                };
                let mut merged = cur.clone();
                for (c, v) in children {
                    let pos = merged.iter().position(|(k, _)| k == c);
                    match (v, pos) {
                        (Some(v), Some(i)) => merged[i].1 = v.clone(),
                        (Some(v), None) => merged.push((c.clone(), v.clone())),
                        (None, Some(i)) => {
                            merged.remove(i);
                        }
                        (None, None) => {}
                    }
                }
                let unchanged = match current.map(|n| &n.value) {
                    Some(v @ Value::Map(_)) => same(v, &Yv::Map(merged.clone())),
                    None | Some(Value::Null) => merged.is_empty(),
                    _ => false,
                };
                if unchanged {
                    continue;
                }
                match entry {
                    None => {
                        let at = insert_at(&entries, order, key, lines.len());
                        lines.splice(at..at, render_entry(key, &Yv::Map(merged), Style::New));
                    }
                    Some(e) if merged.is_empty() => {
                        lines.drain(e.start..e.end);
                    }
                    Some(e) => {
                        let style = style_of(&lines[e.start..e.end], key);
                        if style == Style::Block {
                            let mut block: Vec<String> = lines[e.start..e.end].to_vec();
                            merge_block(&mut block, children, current);
                            lines.splice(e.start..e.end, block);
                        } else {
                            lines
                                .splice(e.start..e.end, render_entry(key, &Yv::Map(merged), style));
                        }
                    }
                }
            }
        }
        if lines != before {
            changed_keys.push(key.clone());
        }
    }
    if changed_keys.is_empty() {
        return Ok(None);
    }
    let mut out = String::from("---\n");
    for l in &lines {
        out.push_str(l);
    }
    out.push_str(&body);
    verify(&parsed.fields, &out, changes)?;
    Ok(Some((out, changed_keys)))
}

/// A new record: the fields in the given order, an optional comment line
/// first, then `body`.
pub fn create(
    fields: &[(String, Yv)],
    comment: Option<&str>,
    body: &str,
) -> Result<String, EditError> {
    let mut out = String::from("---\n");
    if let Some(c) = comment {
        out.push_str("# ");
        out.push_str(&c.replace('\n', " "));
        out.push('\n');
    }
    for (k, v) in fields {
        for l in render_entry(k, v, Style::New) {
            out.push_str(&l);
        }
    }
    out.push_str("---\n");
    out.push_str(body);
    let changes: Vec<(String, Change)> = fields
        .iter()
        .map(|(k, v)| (k.clone(), Change::Set(v.clone())))
        .collect();
    verify(&[], &out, &changes)?;
    Ok(out)
}

fn normalise_text(text: &str) -> String {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    if t.contains('\r') {
        t.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        t.to_string()
    }
}

/// Front-matter lines (with their `\n`, without the `---` lines) and the
/// rest of the file from the closing `---` line on.
fn split(text: &str) -> (Vec<String>, String) {
    let mut lines: Vec<String> = Vec::new();
    let mut it = text.split_inclusive('\n');
    let _open = it.next();
    let mut consumed = text.split_inclusive('\n').next().map_or(0, str::len);
    for l in it {
        let t = l.trim_end();
        if t == "---" || t == "..." {
            break;
        }
        consumed += l.len();
        let mut l = l.to_string();
        if !l.ends_with('\n') {
            l.push('\n');
        }
        lines.push(l);
    }
    (lines, text[consumed.min(text.len())..].to_string())
}

#[derive(Debug)]
struct Entry {
    key: String,
    start: usize,
    end: usize,
}

fn top_key(line: &str) -> Option<String> {
    let first = line.chars().next()?;
    if first.is_whitespace() || first == '#' || first == '-' {
        return None;
    }
    let bytes = line.as_bytes();
    let colon = (0..bytes.len())
        .find(|&i| bytes[i] == b':' && bytes.get(i + 1).is_none_or(|c| c.is_ascii_whitespace()))?;
    let key = line[..colon].trim().trim_matches(['"', '\'']);
    (!key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then(|| key.to_string())
}

fn is_continuation(line: &str) -> bool {
    line.starts_with(' ')
        || line.starts_with('\t')
        || line == "-\n"
        || line.starts_with("- ")
        || line.starts_with("-\t")
}

/// Top-level fields: the key line and its indented continuation lines
/// (blank lines only when more continuation follows).
fn entries(lines: &[String]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(key) = top_key(&lines[i]) {
            let start = i;
            let mut end = i + 1;
            let mut j = i + 1;
            while j < lines.len() {
                if lines[j].trim().is_empty() {
                    j += 1;
                    continue;
                }
                if is_continuation(&lines[j]) {
                    j += 1;
                    end = j;
                } else {
                    break;
                }
            }
            out.push(Entry { key, start, end });
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    Flow,
    Block,
    Scalar,
    New,
}

fn style_of(block: &[String], key: &str) -> Style {
    let first = &block[0];
    let rest = first.split_once(':').map_or("", |(_, r)| r).trim();
    let _ = key;
    if rest.starts_with('[') || rest.starts_with('{') {
        Style::Flow
    } else if rest.is_empty() || rest.starts_with('#') {
        Style::Block
    } else {
        Style::Scalar
    }
}

fn insert_at(entries: &[Entry], order: &[&str], key: &str, end: usize) -> usize {
    let idx = |k: &str| order.iter().position(|o| *o == k);
    let Some(me) = idx(key) else {
        return entries.last().map_or(end, |e| e.end);
    };
    if let Some(e) = entries
        .iter()
        .filter(|e| idx(&e.key).is_some_and(|i| i < me))
        .max_by_key(|e| idx(&e.key))
    {
        return e.end;
    }
    if let Some(e) = entries
        .iter()
        .filter(|e| idx(&e.key).is_some_and(|i| i > me))
        .min_by_key(|e| e.start)
    {
        return e.start;
    }
    entries.last().map_or(end, |e| e.end)
}

/// A scalar as YAML text: plain when it reads back as the same string.
pub fn scalar(v: &Yv, flow: bool) -> String {
    match v {
        Yv::Int(i) => i.to_string(),
        Yv::Bool(b) => b.to_string(),
        Yv::Quoted(s) => quoted(s),
        Yv::Str(s) => {
            if plain_ok(s, flow) {
                s.clone()
            } else {
                quoted(s)
            }
        }
        Yv::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| scalar(i, true))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Yv::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k}: {}", scalar(v, true)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn plain_ok(s: &str, flow: bool) -> bool {
    if s.is_empty() || s.trim() != s || s.contains('\n') || s.contains(" #") || s.contains(": ") {
        return false;
    }
    if s.chars().any(|c| c.is_control()) {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.ends_with(':') {
        return false;
    }
    if flow && s.chars().any(|c| ",[]{}".contains(c)) {
        return false;
    }
    // Reads back as this very string (not a number, bool, null or date)?
    match frontmatter::parse_document(&format!("k: {s}\n")) {
        Ok(f) => matches!(f.first(), Some((_, n)) if n.value == Value::Str(s.to_string())),
        Err(_) => false,
    }
}

fn render_entry(key: &str, v: &Yv, style: Style) -> Vec<String> {
    let mut out = Vec::new();
    match v {
        Yv::List(items) => {
            let has_maps = items.iter().any(|i| matches!(i, Yv::Map(_)));
            if has_maps || style == Style::Block {
                out.push(format!("{key}:\n"));
                for item in items {
                    match item {
                        Yv::Map(m) => {
                            for (j, (k, v)) in m.iter().enumerate() {
                                let lead = if j == 0 { "  - " } else { "    " };
                                out.push(format!("{lead}{k}: {}\n", scalar(v, false)));
                            }
                            if m.is_empty() {
                                out.push("  - {}\n".to_string());
                            }
                        }
                        other => out.push(format!("  - {}\n", scalar(other, false))),
                    }
                }
                if items.is_empty() {
                    out = vec![format!("{key}: []\n")];
                }
            } else {
                out.push(format!("{key}: {}\n", scalar(v, false)));
            }
        }
        Yv::Map(m) => {
            if style == Style::Flow {
                out.push(format!("{key}: {}\n", scalar(v, false)));
            } else {
                out.push(format!("{key}:\n"));
                for (k, v) in m {
                    out.push(format!("  {k}: {}\n", scalar(v, false)));
                }
            }
        }
        other => out.push(format!("{key}: {}\n", scalar(other, false))),
    }
    out
}

/// Edit the children of a block map in place.
fn merge_block(block: &mut Vec<String>, children: &[(String, Option<Yv>)], current: Option<&Node>) {
    let indent_of = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let child_indent = block[1..]
        .iter()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map_or(2, |l| indent_of(l));
    let cur_of = |c: &str| match current.map(|n| &n.value) {
        Some(Value::Map(m)) => m.iter().find(|(k, _)| k.name == c).map(|(_, n)| &n.value),
        _ => None,
    };
    for (c, v) in children {
        // Lines of child `c`: its key line and deeper-indented lines after it.
        let mut range = None;
        let mut i = 1;
        while i < block.len() {
            let l = &block[i];
            if indent_of(l) == child_indent
                && top_key(l.trim_start()).as_deref() == Some(c.as_str())
            {
                let mut end = i + 1;
                while end < block.len()
                    && (block[end].trim().is_empty() || indent_of(&block[end]) > child_indent)
                {
                    end += 1;
                }
                range = Some((i, end));
                break;
            }
            i += 1;
        }
        let pad = " ".repeat(child_indent);
        match (v, range) {
            (Some(v), Some((s, e))) => {
                if cur_of(c).is_some_and(|cur| same(cur, v)) {
                    continue;
                }
                block.splice(s..e, [format!("{pad}{c}: {}\n", scalar(v, false))]);
            }
            (Some(v), None) => {
                let mut at = block.len();
                while at > 1 && block[at - 1].trim().is_empty() {
                    at -= 1;
                }
                block.insert(at, format!("{pad}{c}: {}\n", scalar(v, false)));
            }
            (None, Some((s, e))) => {
                block.drain(s..e);
            }
            (None, None) => {}
        }
    }
}

/// Whether an existing value already is `v` (a single value counts as a
/// one-item list; a number written bare counts as the same text).
pub fn same(cur: &Value, v: &Yv) -> bool {
    match (cur, v) {
        (Value::Str(a), Yv::Str(b) | Yv::Quoted(b)) => a == b,
        (Value::Int(a), Yv::Str(b) | Yv::Quoted(b)) => a.to_string() == *b,
        (Value::Int(a), Yv::Int(b)) => a == b,
        (Value::Bool(a), Yv::Bool(b)) => a == b,
        (Value::List(a), Yv::List(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(&x.value, y))
        }
        (single, Yv::List(b))
            if b.len() == 1 && !matches!(single, Value::List(_) | Value::Null) =>
        {
            same(single, &b[0])
        }
        (Value::Map(a), Yv::Map(b)) => {
            let a: Vec<_> = a.iter().filter(|(_, n)| n.value != Value::Null).collect();
            a.len() == b.len()
                && b.iter()
                    .all(|(k, y)| a.iter().any(|(ka, na)| ka.name == *k && same(&na.value, y)))
        }
        _ => false,
    }
}

/// A parsed value as a [`Yv`] (for re-rendering a flow map).
pub fn to_yv(v: &Value) -> Yv {
    match v {
        Value::Null => Yv::Str(String::new()),
        Value::Bool(b) => Yv::Bool(*b),
        Value::Int(i) => Yv::Int(*i),
        Value::Float(f) => Yv::Str(f.to_string()),
        Value::Str(s) => Yv::Str(s.clone()),
        Value::List(l) => Yv::List(l.iter().map(|n| to_yv(&n.value)).collect()),
        Value::Map(m) => Yv::Map(
            m.iter()
                .map(|(k, n)| (k.name.clone(), to_yv(&n.value)))
                .collect(),
        ),
    }
}

fn value_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| value_eq(&p.value, &q.value))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter().zip(y).all(|((k1, n1), (k2, n2))| {
                    k1.name == k2.name && value_eq(&n1.value, &n2.value)
                })
        }
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// Parse the edited text and check: changed fields are as intended, all
/// other fields as before.
fn verify(
    before: &[(frontmatter::Key, Node)],
    text: &str,
    changes: &[(String, Change)],
) -> Result<(), EditError> {
    let after = frontmatter::parse(text).map_err(|e| EditError::Parse(e.to_string()))?;
    let get = |fields: &[(frontmatter::Key, Node)], k: &str| {
        fields
            .iter()
            .find(|(x, _)| x.name == k)
            .map(|(_, n)| n.value.clone())
    };
    for (k, c) in changes {
        let now = get(&after.fields, k);
        let ok = match c {
            Change::Set(v) => now.as_ref().is_some_and(|n| same(n, v)),
            Change::Remove => now.is_none(),
            Change::Merge(children) => children.iter().all(|(ck, cv)| {
                let child = match &now {
                    Some(Value::Map(m)) => {
                        m.iter().find(|(x, _)| &x.name == ck).map(|(_, n)| &n.value)
                    }
                    _ => None,
                };
                match cv {
                    Some(v) => child.is_some_and(|n| same(n, v)),
                    None => child.is_none(),
                }
            }),
        };
        if !ok {
            return Err(EditError::Verify(k.clone()));
        }
    }
    for (k, n) in before {
        if changes.iter().any(|(c, _)| c == &k.name) {
            continue;
        }
        match get(&after.fields, &k.name) {
            Some(v) if value_eq(&v, &n.value) => {}
            _ => return Err(EditError::Verify(k.name.clone())),
        }
    }
    if after.fields.len() < before.len().saturating_sub(changes.len()) {
        return Err(EditError::Verify("（字段数）".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER: &[&str] = &[
        "title", "award", "holder", "people", "province", "stages", "subjects", "contact",
        "summary",
    ];

    fn s(x: &str) -> Yv {
        Yv::Str(x.into())
    }

    #[test]
    fn unchanged_is_none_and_edits_keep_the_rest() {
        let text = "---\n# 注：示例\ntitle: 作业设计\naward:\n  year: 2018  # 待核实\n  level: 一等奖\nstages: [小学]\nsummary: 摘要\n---\n正文 *保留*\n";
        let same_changes = vec![
            ("stages".to_string(), Change::Set(Yv::List(vec![s("小学")]))),
            (
                "award".to_string(),
                Change::Merge(vec![("year".into(), Some(Yv::Int(2018)))]),
            ),
        ];
        assert_eq!(apply(text, ORDER, &same_changes).unwrap(), None);
        let changes = vec![
            (
                "stages".to_string(),
                Change::Set(Yv::List(vec![s("小学"), s("初中")])),
            ),
            (
                "award".to_string(),
                Change::Merge(vec![("level".into(), Some(s("特等奖")))]),
            ),
            ("people".to_string(), Change::Set(Yv::List(vec![s("张明")]))),
            (
                "contact".to_string(),
                Change::Merge(vec![("phone".into(), Some(Yv::Quoted("010-1".into())))]),
            ),
            ("summary".to_string(), Change::Remove),
        ];
        let out = apply(text, ORDER, &changes).unwrap().unwrap();
        assert_eq!(
            out,
            "---\n# 注：示例\ntitle: 作业设计\naward:\n  year: 2018  # 待核实\n  level: 特等奖\npeople: [张明]\nstages: [小学, 初中]\ncontact:\n  phone: \"010-1\"\n---\n正文 *保留*\n"
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(scalar(&s("上海市"), false), "上海市");
        assert_eq!(scalar(&s("2022"), false), "\"2022\"");
        assert_eq!(scalar(&s("a: b"), false), "\"a: b\"");
        assert_eq!(scalar(&s("true"), false), "\"true\"");
        assert_eq!(scalar(&s("a, b"), true), "\"a, b\"");
        assert_eq!(scalar(&s("[x]"), false), "\"[x]\"");
        assert_eq!(scalar(&s("“引号”标题"), false), "“引号”标题");
    }

    #[test]
    fn block_list_of_maps() {
        let text = "---\ntitle: 区\napplies:\n  - outcome: a\n---\n";
        let v = Yv::List(vec![
            Yv::Map(vec![("outcome".into(), s("a"))]),
            Yv::Map(vec![
                ("outcome".into(), s("b")),
                ("schools".into(), Yv::List(vec![s("一小"), s("二小")])),
            ]),
        ]);
        let out = apply(
            text,
            &["title", "applies"],
            &[("applies".into(), Change::Set(v))],
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            out,
            "---\ntitle: 区\napplies:\n  - outcome: a\n  - outcome: b\n    schools: [一小, 二小]\n---\n"
        );
    }

    #[test]
    fn flow_maps_and_column_zero_lists() {
        let text = "---\ntitle: x\naward: {year: 2018, level: 一等奖}\nstages:\n- 小学\n- 初中\n# 尾注\nsummary: s\n---\nbody\n";
        let out = apply(
            text,
            ORDER,
            &[
                (
                    "award".into(),
                    Change::Merge(vec![("level".into(), Some(s("特等奖")))]),
                ),
                ("stages".into(), Change::Set(Yv::List(vec![s("初中")]))),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            out,
            "---\ntitle: x\naward: {year: 2018, level: 特等奖}\nstages:\n  - 初中\n# 尾注\nsummary: s\n---\nbody\n"
        );
        // Removing the last child removes the map; unchanged removal is no change.
        let out = apply(
            "---\ntitle: x\ncontact:\n  phone: \"1\"\n---\n",
            ORDER,
            &[(
                "contact".into(),
                Change::Merge(vec![("phone".into(), None)]),
            )],
        )
        .unwrap()
        .unwrap();
        assert_eq!(out, "---\ntitle: x\n---\n");
        assert_eq!(
            apply(
                "---\ntitle: x\n---\n",
                ORDER,
                &[("people".into(), Change::Remove)]
            )
            .unwrap(),
            None
        );
    }

    #[test]
    fn crlf_and_bom_are_left_alone_unless_something_changes() {
        let text = "\u{feff}---\r\ntitle: x\r\nprovince: 上海市\r\n---\r\n正文\r\n";
        let same = [("province".to_string(), Change::Set(s("上海市")))];
        assert_eq!(apply(text, ORDER, &same).unwrap(), None);
        let other = [("province".to_string(), Change::Set(s("北京市")))];
        assert_eq!(
            apply(text, ORDER, &other).unwrap().unwrap(),
            "---\ntitle: x\nprovince: 北京市\n---\n正文\n"
        );
    }

    #[test]
    fn broken_front_matter_is_an_error_not_a_panic() {
        assert!(apply("no front matter", ORDER, &[]).is_err());
        assert!(apply("---\ntitle: [x\n---\n", ORDER, &[]).is_err());
    }
}
