//! Front matter: split a record file into its YAML block and Markdown body
//! and parse the YAML into a located [`Node`] tree.
//!
//! This is the ONLY module that uses `serde_yaml` (archived upstream): to
//! switch to a maintained fork (serde_yaml_ng, serde_norway) change the
//! `use` line below and Cargo.toml.
//!
//! serde_yaml gives no positions for values, so after parsing, the tree is
//! located by walking it in document order with a forward cursor over the
//! YAML text: each key is found as `key:` and each scalar as its text, never
//! before the previous one. Where a value cannot be found textually (an
//! alias, an escaped string), it inherits the position of its key.

mod locate;

use serde_yaml as yaml;

use crate::diag::Pos;
use locate::{Cursor, Lines};

/// A YAML value with the position of its first character in the record file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

impl Value {
    /// Chinese name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "空值",
            Value::Bool(_) => "布尔值",
            Value::Int(_) => "整数",
            Value::Float(_) => "小数",
            Value::Str(_) => "文本",
            Value::List(_) => "列表",
            Value::Map(_) => "映射",
        }
    }

    /// The type with the value itself for scalars, for "实际是…" in messages:
    /// `整数 2024`, `文本“上海”`, `列表`.
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "空值".into(),
            Value::Bool(b) => format!("布尔值 {b}"),
            Value::Int(i) => format!("整数 {i}"),
            Value::Float(f) => format!("小数 {f}"),
            Value::Str(s) => format!("文本{}", crate::diag::quote(s)),
            Value::List(_) => "列表".into(),
            Value::Map(_) => "映射（“键: 值”形式）".into(),
        }
    }
}

/// A record file split into its parts.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Top-level mapping of the front matter (empty if the block is empty).
    pub fields: Vec<(Key, Node)>,
    /// Markdown body (text after the closing `---` line).
    pub body: String,
    /// 1-based line of the first body line in the file.
    pub body_line: usize,
}

/// Why a file could not be split or parsed; positions are in the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FrontMatterError {
    #[error(
        "文件为空：记录应以一行 --- 开头，接着写 title: 等字段，再以一行 --- 结束，下面是正文"
    )]
    Empty,
    #[error("缺少头信息：文件第一行应为 ---，实际是{found}；请在文件开头加一行 ---，随后写字段（如 title: 标题），再以一行 --- 结束{hint}")]
    Missing { found: String, hint: &'static str },
    #[error(
        "头信息没有结束：找不到第二个 --- 行；请在最后一个字段的下一行加上 ---（正文写在它下面）"
    )]
    Unclosed,
    #[error("YAML 语法错误：{message}")]
    Yaml { message: String, pos: Pos },
    #[error("头信息应为“字段: 值”形式的多行字段，实际是{found}{hint}")]
    NotAMapping {
        found: String,
        hint: &'static str,
        pos: Pos,
    },
    #[error(
        "字段名应为文本（如 title），此处的字段名是{found}；含 [ ] {{ }} 的内容请用引号括起来"
    )]
    BadKey { found: &'static str, pos: Pos },
}

impl FrontMatterError {
    pub fn pos(&self) -> Pos {
        match self {
            FrontMatterError::Yaml { pos, .. }
            | FrontMatterError::NotAMapping { pos, .. }
            | FrontMatterError::BadKey { pos, .. } => *pos,
            _ => Pos::START,
        }
    }
}

/// Split `text` (BOM and CR already removed by the caller) and parse its front matter.
pub fn parse(text: &str) -> Result<Parsed, FrontMatterError> {
    if text.trim().is_empty() {
        return Err(FrontMatterError::Empty);
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        let line = first.trim_end();
        // Dashes typed with a Chinese input method: ——— or －－－.
        let hint = if !line.is_empty() && line.chars().all(|c| "-—－–一 ".contains(c)) {
            "（须是三个英文减号 ---，不能用中文破折号或全角符号）"
        } else {
            ""
        };
        return Err(FrontMatterError::Missing {
            found: crate::diag::quote(line),
            hint,
        });
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line_no = 1;
    let mut close: Option<(usize, usize)> = None; // (yaml end, body start)
    for line in lines {
        line_no += 1;
        let t = line.trim_end();
        if t == "---" || t == "..." {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let (yaml_end, body_start) = close.ok_or(FrontMatterError::Unclosed)?;
    let yaml_text = &text[yaml_start..yaml_end];
    let body = text[body_start..].to_string();
    let body_line = line_no + 1;

    let fields = parse_yaml(text, yaml_start, yaml_text)?;
    Ok(Parsed {
        fields,
        body,
        body_line,
    })
}

/// Parse a standalone YAML mapping document (site.yaml) with positions.
pub fn parse_document(text: &str) -> Result<Vec<(Key, Node)>, FrontMatterError> {
    parse_yaml(text, 0, text)
}

fn parse_yaml(
    file: &str,
    base: usize,
    yaml_text: &str,
) -> Result<Vec<(Key, Node)>, FrontMatterError> {
    if yaml_text.trim().is_empty() {
        return Ok(Vec::new());
    }
    if let Some(off) = too_deep(yaml_text) {
        return Err(FrontMatterError::Yaml {
            message: format!(
                "括号 [ 或 {{（或一行中的“- ”）嵌套超过 {MAX_DEPTH} 层：头信息中不会用到这样深的嵌套，请检查 [ 与 ]、{{ 与 }} 是否成对"
            ),
            pos: Lines::new(file).pos(base + off),
        });
    }
    let value: yaml::Value =
        yaml::from_str(yaml_text).map_err(|e| yaml_error(&e, file, base, yaml_text))?;
    let mut lines = Lines::new(file);
    let start = lines.pos(base);
    let mut cursor = Cursor {
        lines: &mut lines,
        file,
        at: base,
        end: base + yaml_text.len(),
        budget: 4 * yaml_text.len() + (1 << 20),
    };
    let node = cursor.node(&value, start)?;
    match node.value {
        Value::Map(m) => Ok(m),
        Value::Null => Ok(Vec::new()),
        other => {
            let hint = match &other {
                Value::Str(t) if t.contains('：') => {
                    "（字段名后应为英文冒号“:”，并在冒号后加一个空格，如 title: 标题）"
                }
                Value::Str(t) if t.contains(':') => "（冒号后要加一个空格，如 title: 标题）",
                Value::List(_) => "（行首不要写“- ”，字段写成 title: 标题）",
                _ => "（每行写成“字段名: 值”，如 title: 标题）",
            };
            // A list: point at the `- ` of its first item, not at its text.
            let pos = match &other {
                Value::List(_) => file
                    .lines()
                    .nth(node.pos.line.saturating_sub(1))
                    .and_then(|l| l.chars().position(|c| c == '-' || c == '['))
                    .map_or(node.pos, |c| Pos::new(node.pos.line, c + 1)),
                _ => node.pos,
            };
            Err(FrontMatterError::NotAMapping {
                found: other.describe(),
                hint,
                pos,
            })
        }
    }
}

/// Deepest flow nesting (`[`, `{`) accepted. libyaml's scanner costs time
/// proportional to the depth for every token, so a file of 100,000 `[`
/// would take seconds before serde_yaml stops at its limit of 128: refuse
/// it first, in one pass.
const MAX_DEPTH: usize = 100;

/// Offset (in `yaml`) of the bracket (or `- ` of a line of nested block
/// sequences) that opens level `MAX_DEPTH + 1`. Quotes and comments are
/// skipped; in block context a bracket counts only where a value starts.
fn too_deep(yaml: &str) -> Option<usize> {
    let b = yaml.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    // Last significant byte before `i` on this line (b'\n' at line start).
    let mut prev = b'\n';
    // Block sequences nested on one line (`- - - x`) count as well.
    let mut dashes = 0usize;
    while i < b.len() {
        let c = b[i];
        if prev == b'\n' || (dashes > 0 && prev == b'-') {
            if matches!(c, b'-' | b'?') && matches!(b.get(i + 1), Some(b' ')) && depth == 0 {
                dashes += 1;
                if dashes > MAX_DEPTH {
                    return Some(i);
                }
                prev = b'-';
                i += 2;
                continue;
            }
            if !matches!(c, b' ') {
                dashes = 0;
            }
        }
        let value_start = matches!(prev, b'\n' | b':' | b'-' | b'?' | b'[' | b'{' | b',');
        match c {
            b'\n' => {
                prev = b'\n';
                dashes = 0;
            }
            b' ' | b'\t' | b'\r' => {}
            b'#' if i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' if value_start => {
                i += 1;
                while i < b.len() {
                    if b[i] == c {
                        if c == b'\'' && b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    if c == b'"' && b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                prev = b'"';
            }
            b'[' | b'{' if depth > 0 || value_start => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
                prev = c;
            }
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                prev = c;
            }
            _ => prev = c,
        }
        i += 1;
    }
    None
}

/// A YAML syntax error, located in the file and explained: first the
/// mistakes people make with a Chinese keyboard or Windows habits (named
/// as typed), then libyaml's message translated.
fn yaml_error(e: &yaml::Error, file: &str, base: usize, yaml_text: &str) -> FrontMatterError {
    let msg = e.to_string();
    if std::env::var_os("CHENGGUO_DEBUG").is_some() {
        eprintln!("chengguo: serde_yaml: {msg}");
    }
    let start = Pos::from_offset(file, base);
    // libyaml's reader gives no line for a control character: find it.
    let control = yaml_text
        .find(|c: char| c.is_control() && !matches!(c, '\n' | '\t'))
        .filter(|_| msg.contains("control characters"));
    let at = match (control, e.location()) {
        (Some(i), _) => Pos::from_offset(file, base + i),
        (None, Some(loc)) => Pos::from_offset(file, base + loc.index()),
        (None, None) => start,
    };
    if !msg.contains("duplicate entry") {
        if let Some((pos, message)) = typed_mistake(&msg, file, base, yaml_text, at) {
            return FrontMatterError::Yaml { message, pos };
        }
    }
    // A tab is reported where it is, not at the scalar before it; an
    // unclosed bracket or quote at its opening.
    let opening = if msg.contains("tab character") {
        None
    } else {
        opening_pos(&msg, start)
    };
    let pos = duplicate_key_pos(&msg, file, base, yaml_text)
        .or(opening)
        .unwrap_or(at);
    FrontMatterError::Yaml {
        message: translate_yaml_error(&msg),
        pos,
    }
}

/// Explanations of syntax errors caused by a character typed in place of
/// the ASCII one YAML needs. Each is tried on the lines up to the error.
const TYPED: [&str; 6] = [
    "不能用 Tab 缩进，请用空格",
    "字段名后面是中文冒号“：”，请改成英文冒号加空格",
    "值以英文引号开头，但引号后面还有文字：引号只能把整个值括起来。请改用中文引号，如 “双减”背景下，或把整个值用单引号括起来，如 '\"双减\"背景下'",
    "这里用了中文括号：YAML 的列表和字段组要用英文括号 [ ] 和 { }",
    "括号中用了中文逗号“，”：[ ] 或 { } 中的各项请用英文逗号加空格分隔，如 [小学, 初中]",
    "值两边的中文引号不起引号的作用：含冒号的值请用英文引号把整个值括起来，如 \"门户: 简介\"",
];

/// The typed mistake behind a YAML error, if one is visible: (where, why).
fn typed_mistake(
    msg: &str,
    file: &str,
    base: usize,
    yaml_text: &str,
    at: Pos,
) -> Option<(Pos, String)> {
    let first_line = Pos::from_offset(file, base).line;
    // The YAML lines up to and including the error line, with file offsets.
    let mut rows: Vec<(usize, &str)> = Vec::new();
    let mut off = base;
    for (i, line) in yaml_text.split_inclusive('\n').enumerate() {
        if first_line + i > at.line {
            break;
        }
        rows.push((off, line.trim_end_matches('\n')));
        off += line.len();
    }
    let here = |abs: usize| Pos::from_offset(file, abs);
    let err_row = rows.last().copied();
    // 1. A tab in the indentation of the error line.
    if let Some((o, line)) = err_row {
        let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        if let Some(t) = indent.find('\t') {
            if !line.trim().is_empty() {
                return Some((here(o + t), TYPED[0].to_string()));
            }
        }
    }
    // 2. `key：value` — a field name followed by the full-width colon.
    for &(o, line) in &rows {
        let body = line.trim_start_matches(' ');
        let lead = line.len() - body.len();
        let (body, lead) = match body.strip_prefix("- ") {
            Some(b) => (b, lead + 2),
            None => (body, lead),
        };
        let name_len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(body.len());
        if name_len > 0
            && body.as_bytes()[0].is_ascii_alphabetic()
            && body[name_len..].trim_start_matches(' ').starts_with('：')
        {
            let colon = name_len + body[name_len..].find('：').unwrap_or(0);
            return Some((here(o + lead + colon), TYPED[1].to_string()));
        }
    }
    // 3. `key: "…"text`: an ASCII-quoted start followed by more text.
    for &(o, line) in rows.iter().rev() {
        if let Some(q) = quoted_then_text(line) {
            return Some((here(o + q), TYPED[2].to_string()));
        }
    }
    let (o, line) = err_row?;
    let value_at = line.find(": ").map_or(0, |i| i + 2);
    let value = &line[value_at..];
    // 4. Full-width brackets.
    if let Some(i) = value.find(['［', '］', '｛', '｝']) {
        return Some((here(o + value_at + i), TYPED[3].to_string()));
    }
    // 5. A full-width comma inside a flow collection.
    if value.trim_start().starts_with(['[', '{']) {
        if let Some(i) = value.find('，') {
            return Some((here(o + value_at + i), TYPED[4].to_string()));
        }
    }
    // 6. Chinese quotes around a value with “: ”.
    if msg.contains("mapping values") && value.trim_start().starts_with(['“', '＂', '‘']) {
        let lead = value.len() - value.trim_start().len();
        return Some((here(o + value_at + lead), TYPED[5].to_string()));
    }
    None
}

/// For `key: "…"more` (or `- "…"more`, single quotes alike): the byte
/// offset of the opening quote in `line`.
fn quoted_then_text(line: &str) -> Option<usize> {
    let body = line.trim_start_matches(' ');
    let v = match body.strip_prefix("- ") {
        Some(rest) => rest,
        None => body.split_once(": ")?.1,
    };
    let vlead = v.len() - v.trim_start_matches(' ').len();
    let v = &v[vlead..];
    let q = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let mut chars = v.char_indices().skip(1);
    let mut close = None;
    while let Some((i, c)) = chars.next() {
        if q == '"' && c == '\\' {
            chars.next();
        } else if c == q {
            if q == '\'' && v[i + 1..].starts_with('\'') {
                chars.next();
                continue;
            }
            close = Some(i);
            break;
        }
    }
    let rest = v[close? + 1..].trim_start_matches(' ');
    if rest.is_empty() || rest.starts_with('#') || rest.starts_with(',') || rest.starts_with(':') {
        return None;
    }
    // `v` is a slice of `line`: its offset is the quote's.
    Some(v.as_ptr() as usize - line.as_ptr() as usize)
}

/// serde_yaml reports a duplicate key at the start of its mapping; point at
/// the second occurrence of the key instead (same indentation, not in a comment).
fn duplicate_key_pos(msg: &str, file: &str, base: usize, yaml_text: &str) -> Option<Pos> {
    let rest = msg.split("duplicate entry with key \"").nth(1)?;
    let key = &rest[..rest.find('"')?];
    let mut seen: Vec<usize> = Vec::new(); // indentations seen
    let mut off = 0;
    for line in yaml_text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let body = trimmed.trim_start_matches("- ");
        let k = body.trim_start_matches(['"', '\'']);
        if k.starts_with(key)
            && k[key.len()..]
                .trim_start_matches(['"', '\''])
                .trim_start()
                .starts_with(':')
        {
            if seen.contains(&indent) {
                return Some(Pos::from_offset(file, base + off + indent));
            }
            seen.push(indent);
        }
        off += line.len();
    }
    None
}

/// For an unclosed bracket or quote, libyaml says where the construct
/// started ("while parsing a flow sequence at line L column C"): point there.
fn opening_pos(msg: &str, start: Pos) -> Option<Pos> {
    let tail = &msg[msg
        .find("while parsing")
        .or_else(|| msg.find("while scanning"))?..];
    // The start of a block mapping says nothing about the mistake: the
    // error's own position does.
    if tail.starts_with("while parsing a block") {
        return None;
    }
    let after = &tail[tail.find(" at line ")? + 9..];
    let (line, rest) = after.split_once(" column ")?;
    let line: usize = line.trim().parse().ok()?;
    let col: usize = rest
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .ok()?;
    Some(Pos::new(
        start.line + line - 1,
        if line == 1 { start.col + col - 1 } else { col },
    ))
}

/// Make serde_yaml's English messages readable for Chinese staff. The
/// library's own text is not shown (set `CHENGGUO_DEBUG` to log it).
fn translate_yaml_error(msg: &str) -> String {
    // Drop the trailing " at line X column Y": we report the position ourselves.
    let core = match msg.find(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    // First match wins; the text of libyaml/serde_yaml decides.
    const HINTS: &[(&[&str], &str)] = &[
        (
            &["duplicate entry"],
            "字段重复出现：同一字段只能写一次，请删除或合并其中一个",
        ),
        (
            &["mapping values are not allowed"],
            "此处不能出现冒号（含冒号的值请用英文引号括起来）",
        ),
        (
            &["could not find expected ':'"],
            "这一行缺少“: ”：每行应写成“字段名: 值”；值太长要换行时，请把整个值用英文引号括起来",
        ),
        (
            &["block sequence entries are not allowed"],
            "列表项“- ”要另起一行并缩进两个空格，或写成 [甲, 乙]",
        ),
        (
            &["escape", "hexadecimal"],
            "双引号中的反斜杠 \\ 有特殊含义：请改用单引号括起来，或写成两个反斜杠 \\\\",
        ),
        (
            &["anchor", "alias", "alphabetic or numeric"],
            "以 * 或 & 开头的值请用英文引号括起来",
        ),
        (
            &["did not find expected"],
            "缩进或括号不匹配：同一层的字段要对齐，[ 与 ]、{ 与 } 要成对",
        ),
        (
            &["found character that cannot start any token"],
            "出现了不能作为值开头的字符（如 @ 或 `，请用英文引号括起来）",
        ),
        (&["tab"], "不能用 Tab 缩进，请用空格"),
        (&["unexpected end"], "内容意外结束（引号或括号未闭合）"),
        (
            &["control characters"],
            "这里有看不见的控制字符（如 NUL、ESC，多半是从别处复制来的），请删除它",
        ),
        (
            &["directive"],
            "以 % 开头的行不能出现在头信息中（作为值时请用英文引号括起来）",
        ),
        (
            &["invalid value", "invalid type", "tag"],
            "以 ! 开头的值请用英文引号括起来",
        ),
    ];
    let hint = HINTS
        .iter()
        .find(|(needles, _)| needles.iter().any(|n| core.contains(n)))
        .map_or("格式不正确（请对照其他记录检查这一行的写法）", |(_, h)| *h);
    hint.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'a>(p: &'a Parsed, name: &str) -> &'a Node {
        &p.fields.iter().find(|(k, _)| k.name == name).unwrap().1
    }

    #[test]
    fn splits_and_locates_values() {
        let text = "---\ntitle: 作业设计\naward: {year: 2022, level: 一等奖}\nstages:\n  - 小学\n  - 初中\n---\n正文\n";
        let p = parse(text).unwrap();
        assert_eq!(p.body, "正文\n");
        assert_eq!(p.body_line, 8);
        assert_eq!(field(&p, "title").pos, Pos::new(2, 8));
        let award = field(&p, "award");
        let Value::Map(m) = &award.value else {
            panic!()
        };
        assert_eq!(m[1].0.pos, Pos::new(3, 21));
        assert_eq!(m[1].1.pos, Pos::new(3, 28));
        let Value::List(l) = &field(&p, "stages").value else {
            panic!()
        };
        assert_eq!(l[1].pos, Pos::new(6, 5));
    }

    #[test]
    fn yaml_errors_are_located_in_the_file() {
        let text = "---\ntitle: a\nsummary: [unclosed\n---\n";
        match parse(text) {
            Err(FrontMatterError::Yaml { pos, .. }) => assert!(pos.line >= 3, "{pos:?}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn structural_errors() {
        assert_eq!(parse("").unwrap_err(), FrontMatterError::Empty);
        assert_eq!(parse("  \n\n").unwrap_err(), FrontMatterError::Empty);
        assert!(matches!(
            parse("# 标题\n").unwrap_err(),
            FrontMatterError::Missing { .. }
        ));
        assert_eq!(
            parse("——\ntitle: x\n").unwrap_err().to_string(),
            "缺少头信息：文件第一行应为 ---，实际是“——”；请在文件开头加一行 ---，随后写字段（如 title: 标题），再以一行 --- 结束（须是三个英文减号 ---，不能用中文破折号或全角符号）"
        );
        assert_eq!(
            parse("---\ntitle: x\n").unwrap_err(),
            FrontMatterError::Unclosed
        );
        assert!(matches!(
            parse("---\n- a\n- b\n---\n").unwrap_err(),
            FrontMatterError::NotAMapping { .. }
        ));
        assert!(parse("---\n---\nbody").unwrap().fields.is_empty());
    }

    #[test]
    fn empty_lists_and_maps_point_at_their_bracket() {
        let text = "---\nstages: [ ]\naward: {}\nthemes:\n  - a\nx: []\n---\n";
        let p = parse(text).unwrap();
        assert_eq!(field(&p, "stages").pos, Pos::new(2, 9));
        assert_eq!(field(&p, "award").pos, Pos::new(3, 8));
        assert_eq!(field(&p, "x").pos, Pos::new(6, 4));
        let p = parse("---\na: \"\"\nb: ''\n---\n").unwrap();
        assert_eq!(field(&p, "a").pos, Pos::new(2, 4));
        assert_eq!(field(&p, "b").pos, Pos::new(3, 4));
        // `[` on a later line is not taken for an empty value's bracket.
        let p = parse("---\na:\nb: [x]\n---\n").unwrap();
        assert_eq!(field(&p, "a").pos, Pos::new(2, 1));
        assert_eq!(field(&p, "b").pos, Pos::new(3, 5));
    }

    #[test]
    fn comments_do_not_capture_positions() {
        let text = "---\n# 例如 province: 上海市\nprovince: 上海 # 注 province: x\n---\n";
        let p = parse(text).unwrap();
        let n = field(&p, "province");
        assert_eq!(n.pos, Pos::new(3, 11));
    }

    #[test]
    fn duplicate_key_and_unclosed_bracket_positions() {
        match parse("---\ntitle: a\nsummary: b\ntitle: c\n---\n") {
            Err(FrontMatterError::Yaml { pos, .. }) => assert_eq!(pos, Pos::new(4, 1)),
            other => panic!("{other:?}"),
        }
        match parse("---\ntitle: [未闭合\n---\n") {
            Err(FrontMatterError::Yaml { pos, .. }) => assert_eq!(pos, Pos::new(2, 8)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn duplicate_keys_are_errors() {
        assert!(matches!(
            parse("---\ntitle: a\ntitle: b\n---\n").unwrap_err(),
            FrontMatterError::Yaml { .. }
        ));
    }
}
