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

use serde_yaml as yaml;

use crate::diag::Pos;

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
    let value: yaml::Value = yaml::from_str(yaml_text).map_err(|e| {
        let msg = e.to_string();
        let start = Pos::from_offset(file, base);
        // A tab is reported where it is, not at the scalar before it.
        let opening = if msg.contains("tab character") {
            None
        } else {
            opening_pos(&msg, start)
        };
        let pos = duplicate_key_pos(&msg, file, base, yaml_text)
            .or(opening)
            .unwrap_or_else(|| match e.location() {
                Some(loc) => Pos::from_offset(file, base + loc.index()),
                None => start,
            });
        FrontMatterError::Yaml {
            message: translate_yaml_error(&msg),
            pos,
        }
    })?;
    let mut cursor = Cursor {
        file,
        at: base,
        end: base + yaml_text.len(),
    };
    let start = Pos::from_offset(file, base);
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

/// Make serde_yaml's English messages readable for Chinese staff while
/// keeping the original detail.
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
    format!("{hint}（{core}）")
}

/// Whether byte `abs` of `file` lies inside a YAML comment (a `#` at line
/// start or after white space, outside quotes).
fn in_comment(file: &str, abs: usize) -> bool {
    let line_start = file[..abs].rfind('\n').map_or(0, |i| i + 1);
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for c in file[line_start..abs].chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return true,
            None => {}
        }
        prev = c;
    }
    false
}

struct Cursor<'a> {
    file: &'a str,
    at: usize,
    end: usize,
}

impl Cursor<'_> {
    fn pos(&self, offset: usize) -> Pos {
        Pos::from_offset(self.file, offset)
    }

    /// Find `needle` at or after the cursor (within the YAML block); on
    /// success move the cursor past it and return its start offset.
    fn find(&mut self, needle: &str, key: bool) -> Option<usize> {
        if needle.is_empty() {
            return None;
        }
        let hay = &self.file[self.at..self.end];
        let mut from = 0;
        while let Some(i) = hay[from..].find(needle) {
            let start = from + i;
            let after = &hay[start + needle.len()..];
            let ok = if key {
                let before_ok = hay[..start]
                    .chars()
                    .next_back()
                    .is_none_or(|c| c.is_whitespace() || matches!(c, '{' | ',' | '-' | '"' | '\''));
                let rest = after
                    .trim_start_matches(['"', '\''])
                    .trim_start_matches([' ', '\t']);
                before_ok && rest.starts_with(':')
            } else {
                true
            };
            if ok && !in_comment(self.file, self.at + start) {
                let abs = self.at + start;
                self.at = abs + needle.len();
                // A quoted key or value: point at the opening quote.
                let prev = self.file[..abs].chars().next_back();
                return Some(match prev {
                    Some('"') | Some('\'') => abs - 1,
                    _ => abs,
                });
            }
            from = start + needle.len().max(1);
            if from > hay.len() {
                break;
            }
        }
        None
    }

    /// A key that is a list, a map or empty: the next line at the cursor
    /// that starts with `[`, `{`, `?` or `~` or `:` (where such a key begins).
    fn complex_key_pos(&self, fallback: Pos) -> Pos {
        let mut off = self.at;
        for line in self.file[self.at..self.end].split_inclusive('\n') {
            let t = line.trim_start();
            if t.starts_with(['[', '{', '?', '~', ':']) && !in_comment(self.file, off) {
                return self.pos(off + line.len() - t.len());
            }
            off += line.len();
        }
        fallback
    }

    /// An empty flow list or map (`[]`, `{}`, also with spaces inside) on
    /// the line of its key: the position of its opening bracket.
    fn empty_pos(&mut self, brackets: &str, fallback: Pos) -> Pos {
        let open = &brackets[..1];
        let at = self.at;
        match self.find(open, false) {
            Some(off) if self.pos(off).line == fallback.line => {
                // Step over the closing bracket too.
                if let Some(close) = self.file[self.at..self.end].find(&brackets[1..]) {
                    self.at += close + 1;
                }
                self.pos(off)
            }
            _ => {
                self.at = at;
                fallback
            }
        }
    }

    fn scalar_pos(&mut self, text: &str, fallback: Pos) -> Pos {
        // Look for the first line of the value (block scalars and escapes
        // may change the rest).
        let probe: String = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .chars()
            .take(24)
            .collect();
        match self.find(&probe, false) {
            Some(off) => self.pos(off),
            None => fallback,
        }
    }

    fn node(&mut self, v: &yaml::Value, fallback: Pos) -> Result<Node, FrontMatterError> {
        Ok(match v {
            yaml::Value::Null => Node {
                pos: fallback,
                value: Value::Null,
            },
            yaml::Value::Bool(b) => {
                let pos = self.scalar_pos(if *b { "true" } else { "false" }, fallback);
                Node {
                    pos,
                    value: Value::Bool(*b),
                }
            }
            yaml::Value::Number(n) => {
                let text = n.to_string();
                let pos = self.scalar_pos(&text, fallback);
                let value = if let Some(i) = n.as_i64() {
                    Value::Int(i)
                } else {
                    Value::Float(n.as_f64().unwrap_or(f64::NAN))
                };
                Node { pos, value }
            }
            yaml::Value::String(s) => {
                let pos = if s.is_empty() {
                    // `""` or `''`: point at the quotes.
                    match self.empty_pos("\"\"", fallback) {
                        p if p == fallback => self.empty_pos("''", fallback),
                        p => p,
                    }
                } else {
                    self.scalar_pos(s, fallback)
                };
                Node {
                    pos,
                    value: Value::Str(s.clone()),
                }
            }
            yaml::Value::Sequence(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut first = None;
                for item in items {
                    let n = self.node(item, fallback)?;
                    first.get_or_insert(n.pos);
                    out.push(n);
                }
                Node {
                    pos: first.unwrap_or_else(|| self.empty_pos("[]", fallback)),
                    value: Value::List(out),
                }
            }
            yaml::Value::Mapping(map) => {
                let mut out = Vec::with_capacity(map.len());
                let mut first = None;
                for (k, val) in map {
                    let name = match k {
                        yaml::Value::String(s) => s.clone(),
                        yaml::Value::Number(n) => n.to_string(),
                        yaml::Value::Bool(b) => b.to_string(),
                        other => {
                            let found = if matches!(other, yaml::Value::Mapping(_)) {
                                "映射"
                            } else if matches!(other, yaml::Value::Sequence(_)) {
                                "列表"
                            } else {
                                "空值"
                            };
                            return Err(FrontMatterError::BadKey {
                                found,
                                pos: self.complex_key_pos(fallback),
                            });
                        }
                    };
                    let kpos = match self.find(&name, true) {
                        Some(off) => self.pos(off),
                        None => fallback,
                    };
                    first.get_or_insert(kpos);
                    let vnode = self.node(val, kpos)?;
                    out.push((Key { name, pos: kpos }, vnode));
                }
                Node {
                    pos: first.unwrap_or_else(|| self.empty_pos("{}", fallback)),
                    value: Value::Map(out),
                }
            }
            yaml::Value::Tagged(t) => self.node(&t.value, fallback)?,
        })
    }
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
