//! Positions for the parsed front matter, in time linear in the file.
//!
//! [`Lines`] turns byte offsets into `line:column` with a line-start table
//! (binary search) and a forward cache, and knows where each line's comment
//! starts (computed once). [`Cursor`] walks the parsed YAML tree in document
//! order over the text, only ever moving forward; a search that finds
//! nothing costs its window, and once such misses have cost a few times the
//! size of the block the window shrinks, so hostile input (thousands of
//! values whose text differs from their source, e.g. escapes) stays linear.

use serde_yaml as yaml;

use super::{FrontMatterError, Key, Node, Value};
use crate::diag::Pos;

/// Offset → position lookups for one file.
pub(super) struct Lines<'a> {
    text: &'a str,
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    /// Per line: byte offset of the `#` that starts a comment, if any.
    comment: Vec<Option<usize>>,
    /// Last lookup (offset, position): later offsets on the same line
    /// count characters from there.
    cache: (usize, Pos),
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let comment = starts
            .iter()
            .map(|&s| {
                let end = text[s..].find('\n').map_or(text.len(), |i| s + i);
                comment_start(&text[s..end]).map(|i| s + i)
            })
            .collect();
        Lines {
            text,
            starts,
            comment,
            cache: (0, Pos::START),
        }
    }

    fn line_index(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// The position of byte `offset` (1-based line and character column).
    pub(super) fn pos(&mut self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.starts[line];
        let (from, col) = if self.cache.0 <= offset && self.cache.0 >= start {
            (self.cache.0, self.cache.1.col)
        } else {
            (start, 1)
        };
        let col = col
            + self.text.as_bytes()[from..offset]
                .iter()
                .filter(|&&b| (b as i8) >= -0x40)
                .count();
        let p = Pos::new(line + 1, col);
        self.cache = (offset, p);
        p
    }

    /// Whether byte `abs` lies inside a YAML comment (a `#` at line start or
    /// after white space, outside quotes, before `abs` on its line).
    pub(super) fn in_comment(&self, abs: usize) -> bool {
        self.comment[self.line_index(abs)].is_some_and(|h| h < abs)
    }

    /// Byte offset where the line holding `offset` ends (at its `\n`).
    pub(super) fn line_end(&self, offset: usize) -> usize {
        let line = self.line_index(offset);
        self.starts
            .get(line + 1)
            .map_or(self.text.len(), |&s| s - 1)
    }
}

/// Offset of the `#` starting a comment in one line: at line start or after
/// white space, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return Some(i),
            None => {}
        }
        prev = c;
    }
    None
}

/// How far a search may look once misses have used up the budget.
const SMALL_WINDOW: usize = 1024;

pub(super) struct Cursor<'a, 'l> {
    pub(super) lines: &'l mut Lines<'a>,
    pub(super) file: &'a str,
    pub(super) at: usize,
    pub(super) end: usize,
    /// Bytes that searches finding nothing may still scan in full.
    pub(super) budget: usize,
}

impl Cursor<'_, '_> {
    fn pos(&mut self, offset: usize) -> Pos {
        self.lines.pos(offset)
    }

    /// Find `needle` at or after the cursor (within the YAML block); on
    /// success move the cursor past it and return its start offset.
    fn find(&mut self, needle: &str, key: bool) -> Option<usize> {
        let end = if self.budget > 0 {
            self.end
        } else {
            let mut e = (self.at + needle.len() + SMALL_WINDOW).min(self.end);
            while !self.file.is_char_boundary(e) {
                e += 1;
            }
            e
        };
        self.find_before(needle, key, end)
    }

    fn find_before(&mut self, needle: &str, key: bool, end: usize) -> Option<usize> {
        if needle.is_empty() || end < self.at {
            return None;
        }
        let hay = &self.file[self.at..end];
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
            if ok && !self.lines.in_comment(self.at + start) {
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
        self.budget = self.budget.saturating_sub(hay.len());
        None
    }

    /// A key that is a list, a map or empty: the next line at the cursor
    /// that starts with `[`, `{`, `?` or `~` or `:` (where such a key begins).
    fn complex_key_pos(&mut self, fallback: Pos) -> Pos {
        let mut off = self.at;
        for line in self.file[self.at..self.end].split_inclusive('\n') {
            let t = line.trim_start();
            if t.starts_with(['[', '{', '?', '~', ':']) && !self.lines.in_comment(off) {
                let at = off + line.len() - t.len();
                return self.pos(at);
            }
            off += line.len();
        }
        fallback
    }

    /// An empty flow list or map (`[]`, `{}`, also with spaces inside) on
    /// the line of its key: the position of its opening bracket. Only that
    /// line is searched.
    fn empty_pos(&mut self, brackets: &str, fallback: Pos) -> Pos {
        let open = &brackets[..1];
        let at = self.at;
        if at >= self.end || self.pos(at).line != fallback.line {
            return fallback;
        }
        let line_end = self.lines.line_end(at).min(self.end);
        match self.find_before(open, false, line_end) {
            Some(off) => {
                // Step over the closing bracket too.
                if let Some(close) = self.file[self.at..self.end].find(&brackets[1..]) {
                    self.at += close + 1;
                }
                self.pos(off)
            }
            None => {
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

    pub(super) fn node(
        &mut self,
        v: &yaml::Value,
        fallback: Pos,
    ) -> Result<Node, FrontMatterError> {
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

    #[test]
    fn positions_match_from_offset() {
        let t = "ab\n甲乙 # c\n\nx: '#' # y\n";
        let mut l = Lines::new(t);
        for off in (0..=t.len()).rev().chain(0..=t.len()) {
            if t.is_char_boundary(off) {
                assert_eq!(l.pos(off), Pos::from_offset(t, off), "{off}");
            }
        }
        let hash = t.find("# c").unwrap();
        assert!(!l.in_comment(hash));
        assert!(l.in_comment(hash + 1));
        let quoted = t.find("'#'").unwrap() + 1;
        assert!(!l.in_comment(quoted));
        assert!(l.in_comment(t.find("# y").unwrap() + 2));
    }
}
