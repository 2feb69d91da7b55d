//! Diagnostics: every content problem of a build, located to
//! `path:line:column`, collected (never stop at the first) and printed in
//! Chinese. Line and column are 1-based; the column counts characters.

use std::fmt;
use std::path::{Path, PathBuf};

/// Error or warning. Errors fail `build`/`check`; warnings are printed only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A position inside a source file (1-based line and character column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };

    pub fn new(line: usize, col: usize) -> Self {
        Pos { line, col }
    }

    /// Line and column of byte `offset` in `text` (clamped to the text; an
    /// offset inside a multi-byte character counts as that character).
    ///
    /// ```
    /// use chengguo::diag::Pos;
    /// // Columns count characters, not bytes.
    /// assert_eq!(Pos::from_offset("标题: 值\nx", "标题: ".len()), Pos::new(1, 5));
    /// ```
    pub fn from_offset(text: &str, offset: usize) -> Pos {
        let offset = offset.min(text.len());
        let before = &text.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // Count characters (not bytes); start bytes of UTF-8 chars only.
        let col = text.as_bytes()[line_start..offset]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count()
            + 1;
        Pos { line, col }
    }
}

/// One located problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as shown to the user (relative to the site folder when possible).
    pub path: PathBuf,
    pub pos: Pos,
    pub message: String,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
    /// The path as printed: `/` separators on every system (on Unix a `\\`
    /// is part of a file name and is shown as it is).
    pub fn path_display(&self) -> String {
        let s = self.path.display().to_string();
        if cfg!(windows) {
            s.replace('\\', "/")
        } else {
            s
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        write!(
            f,
            "{}:{}:{}: {}: {}",
            crate::safepath::shown(&self.path_display()),
            self.pos.line,
            self.pos.col,
            label,
            crate::text::escape_for_terminal(&self.message)
        )
    }
}

/// The collected diagnostics of one build.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, path: impl AsRef<Path>, pos: Pos, message: impl Into<String>) {
        self.push(Severity::Error, path.as_ref(), pos, message.into());
    }

    pub fn warning(&mut self, path: impl AsRef<Path>, pos: Pos, message: impl Into<String>) {
        self.push(Severity::Warning, path.as_ref(), pos, message.into());
    }

    fn push(&mut self, severity: Severity, path: &Path, pos: Pos, message: String) {
        // One line per message, whatever a library's text contains.
        let message = if message.contains(['\n', '\r']) {
            message.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            message
        };
        self.items.push(Diagnostic {
            severity,
            path: path.to_path_buf(),
            pos,
            message,
        });
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// All diagnostics, sorted by severity, path, line, column (deterministic).
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut v = self.items.clone();
        v.sort_by(|a, b| {
            (a.severity, &a.path, a.pos, &a.message).cmp(&(b.severity, &b.path, b.pos, &b.message))
        });
        v
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// "是否指 …?" suggestion: the closest candidates to `value` (by edit
/// distance on characters), at most three, or an empty string.
pub fn did_you_mean<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let names = closest(value, candidates);
    if names.is_empty() {
        String::new()
    } else {
        format!("（是否指 {}？）", names.join("、"))
    }
}

/// The candidates closest to `value` (at most three, best first), as used by
/// [`did_you_mean`].
pub fn closest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| {
            let mut s = strsim::normalized_levenshtein(value, c);
            if !value.is_empty() && (c.contains(value) || value.contains(c)) {
                s += 0.5;
            }
            (s, c)
        })
        .filter(|(s, _)| *s > 0.3)
        .collect();
    scored.sort_by(|a, b| {
        b.0.partial_cmp(&a.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.1.cmp(b.1))
    });
    scored.iter().take(3).map(|(_, c)| *c).collect()
}

/// A value quoted for a message: `“…”`, cut to 40 characters.
///
/// ```
/// use chengguo::diag::quote;
/// assert_eq!(quote("三等奖"), "“三等奖”");
/// ```
pub fn quote(s: &str) -> String {
    let n = s.chars().count();
    if n > 40 {
        let head: String = s.chars().take(39).collect();
        format!("“{head}…”")
    } else {
        format!("“{s}”")
    }
}

/// Why a file could not be read, in Chinese first (the system's own text
/// follows in brackets for whoever helps).
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let zh = match e.kind() {
        ErrorKind::NotFound => "文件不存在",
        ErrorKind::PermissionDenied => "没有读取权限（请检查文件权限，或把文件复制一份再用）",
        ErrorKind::InvalidData => "内容不是 UTF-8 编码的文本（请用“UTF-8”编码另存）",
        _ if e.raw_os_error() == Some(21) => "这是一个文件夹，不是文件",
        _ if e.raw_os_error() == Some(36) => "路径太长：文件夹层数过多或名称过长，请缩短",
        _ => "读取失败",
    };
    format!("{zh}（{e}）")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line() {
        let mut d = Diagnostics::new();
        d.error("a.md", Pos::START, "第一行\n  第二行\r\n");
        assert_eq!(d.sorted()[0].to_string(), "a.md:1:1: 错误: 第一行 第二行");
    }

    #[test]
    fn io_reasons_are_in_chinese() {
        let e = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        assert_eq!(
            io_reason(&e),
            "没有读取权限（请检查文件权限，或把文件复制一份再用）（denied）"
        );
        let e = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        assert_eq!(io_reason(&e), "文件不存在（gone）");
        assert_eq!(quote(&"长".repeat(41)), format!("“{}…”", "长".repeat(39)));
    }

    #[test]
    fn pos_counts_characters_not_bytes() {
        let t = "ab\n中文x\n";
        assert_eq!(Pos::from_offset(t, 0), Pos::new(1, 1));
        assert_eq!(Pos::from_offset(t, 3), Pos::new(2, 1));
        assert_eq!(Pos::from_offset(t, 9), Pos::new(2, 3));
        assert_eq!(Pos::from_offset(t, 999), Pos::new(3, 1));
    }

    #[test]
    fn suggestion_picks_close_values() {
        let s = did_you_mean("上海", ["上海市", "北京市", "天津市"]);
        assert!(s.contains("上海市"), "{s}");
        assert!(did_you_mean("zzz", ["上海市"]).is_empty());
    }
}
