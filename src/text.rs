//! Text hygiene for everything the program prints or publishes: control
//! characters that came in with content (ESC, BEL, NUL, U+0001, DEL, the C1
//! range) are removed from published text (HTML, feeds, search records) and
//! shown escaped (`U+001B`) in terminal messages, so a record can neither
//! clear a terminal or set its title nor make an XML feed ill-formed.
//!
//! Tab, line feed and carriage return are ordinary whitespace and kept.
//! Also the one way sizes are written for people ([`size`]).

use std::borrow::Cow;

/// A character that must not reach a terminal or a published file as it is:
/// C0 controls except tab/LF/CR, DEL, C1 controls, and the Unicode
/// non-characters U+FFFE/U+FFFF (not allowed in XML).
///
/// ```
/// use chengguo::text::is_unsafe_control;
/// assert!(is_unsafe_control('\u{1b}'));
/// assert!(is_unsafe_control('\0'));
/// assert!(!is_unsafe_control('\n'));
/// assert!(!is_unsafe_control('中'));
/// ```
pub fn is_unsafe_control(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// `s` without unsafe control characters (borrowed when there are none).
///
/// ```
/// use chengguo::text::strip_controls;
/// assert_eq!(strip_controls("标\u{1b}[2J题\u{7}"), "标[2J题");
/// ```
pub fn strip_controls(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_unsafe_control) {
        Cow::Owned(s.chars().filter(|&c| !is_unsafe_control(c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// [`strip_controls`] of an owned string: `s` itself when it has none
/// (nothing copied).
pub fn strip_controls_owned(s: String) -> String {
    if s.chars().any(is_unsafe_control) {
        s.chars().filter(|&c| !is_unsafe_control(c)).collect()
    } else {
        s
    }
}

/// `s` with unsafe control characters written as `U+001B` (the notation
/// of [`crate::safepath::shown`] for file names), for printing on a terminal.
///
/// ```
/// use chengguo::text::escape_for_terminal;
/// assert_eq!(escape_for_terminal("a\u{1b}]0;x\u{7}b"), "aU+001B]0;xU+0007b");
/// ```
pub fn escape_for_terminal(s: &str) -> Cow<'_, str> {
    escape_where(s, is_unsafe_control)
}

/// `s` with every control character, tab and line breaks included, written
/// as `U+0009`: for a file name, where even a tab or newline is part of the
/// name and must be seen.
///
/// ```
/// use chengguo::text::escape_all_controls;
/// assert_eq!(escape_all_controls("a\tb\u{1b}"), "aU+0009bU+001B");
/// ```
pub fn escape_all_controls(s: &str) -> Cow<'_, str> {
    escape_where(s, char::is_control)
}

/// `s` with the characters `bad` picks written as `U+XXXX`.
fn escape_where(s: &str, bad: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&code(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `U+001B` for ESC.
pub fn code(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// "12.3 MB" style sizes (KB = 1,024 bytes, MB = 1,048,576) for reports
/// and messages.
pub fn size(bytes: u64) -> String {
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} 字节")
    } else if b < 1_048_576.0 {
        format!("{:.1} KB", b / 1024.0)
    } else if b < 1_073_741_824.0 {
        format!("{:.1} MB", b / 1_048_576.0)
    } else {
        format!("{:.2} GB", b / 1_073_741_824.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_c0_c1_control_but_whitespace_is_unsafe() {
        for u in 0u32..0x100 {
            let c = char::from_u32(u).unwrap();
            let expect = (u < 0x20 && !matches!(u, 0x9 | 0xa | 0xd)) || (0x7f..=0x9f).contains(&u);
            assert_eq!(is_unsafe_control(c), expect, "U+{u:04X}");
        }
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(strip_controls("成果\t简介\n"), Cow::Borrowed(_)));
        assert!(matches!(escape_for_terminal("成果"), Cow::Borrowed(_)));
    }
}
