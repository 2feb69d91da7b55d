//! Snippet highlighter (tantivy's `SnippetGenerator` is not used: it panics
//! on overlapping tokens). The browser runtime implements the same
//! algorithm; the parity test compares their output byte for byte.
//!
//! Algorithm, in source characters (Unicode scalar values):
//! 1. normalise the text keeping the source index of each normalised
//!    character; find every occurrence (overlapping too) of every query chunk;
//! 2. turn each occurrence into the source range it covers and merge ranges
//!    that overlap or touch: each merged range becomes one `<mark>`, so the
//!    whole matched text (立德树人) is one mark;
//! 3. the window starts [`CONTEXT_BEFORE`] characters before the first mark
//!    and is `max_chars` long, extended so that no mark is cut;
//! 4. everything outside marks is HTML-escaped; `…` shows cut ends.

use super::analyzer::{normalize_mapped, query_chunks};

/// Characters of context shown before the first match.
pub const CONTEXT_BEFORE: usize = 16;

/// Escapes text for HTML (`& < > " '`).
pub fn escape_html(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Merged match ranges `[start, end)` in source characters, sorted.
pub fn match_ranges(text: &str, query: &str) -> Vec<(usize, usize)> {
    let m = normalize_mapped(text);
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for chunk in query_chunks(query) {
        let q: Vec<char> = chunk.chars().collect();
        if q.is_empty() || q.len() > m.chars.len() {
            continue;
        }
        for s in 0..=m.chars.len() - q.len() {
            if m.chars[s..s + q.len()] == q[..] {
                ranges.push((m.src[s], m.src[s + q.len() - 1] + 1));
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.0 <= last.1 => last.1 = last.1.max(r.1),
            _ => merged.push(r),
        }
    }
    merged
}

/// HTML snippet of `text` for `query`: at most about `max_chars` characters
/// around the first match, every match in one `<mark>`; the start of the
/// text when nothing matches.
pub fn snippet(text: &str, query: &str, max_chars: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let ranges = match_ranges(text, query);
    window(&chars, &ranges, max_chars)
}

/// The snippet of a record whose first match is in one of its extra
/// strings (a tag, a school's or a person's name, a referenced title): the
/// strings joined with `、`, so that the matched value shows among the
/// record's other values, as [`snippet`] cuts a text. Each value's matches
/// are marked; none spans two values.
pub fn snippet_of_values(values: &[String], query: &str, max_chars: usize) -> String {
    let mut chars: Vec<char> = Vec::new();
    let mut ranges = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            chars.push('、');
        }
        let off = chars.len();
        ranges.extend(
            match_ranges(v, query)
                .into_iter()
                .map(|(s, e)| (s + off, e + off)),
        );
        chars.extend(v.chars());
    }
    window(&chars, &ranges, max_chars)
}

/// About `max_chars` characters of `chars` from `CONTEXT_BEFORE` before the
/// first range, never cutting a range at the end.
fn window(chars: &[char], ranges: &[(usize, usize)], max_chars: usize) -> String {
    let n = chars.len();
    let (start, mut end) = match ranges.first() {
        Some(&(s, e)) => {
            let start = s.saturating_sub(CONTEXT_BEFORE);
            (start, (start + max_chars).max(e).min(n))
        }
        None => (0, max_chars.min(n)),
    };
    // never cut a mark at the end of the window
    for &(s, e) in ranges {
        if s < end && e > end {
            end = e;
        }
    }
    render(chars, ranges, start, end)
}

/// The whole of `text` as HTML with every match of `query` in one `<mark>`;
/// nothing is cut (used for titles, which are always shown whole).
pub fn highlight(text: &str, query: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let ranges = match_ranges(text, query);
    render(&chars, &ranges, 0, chars.len())
}

/// `chars[start..end]` escaped, the parts inside `ranges` in `<mark>`, `…`
/// at a cut end.
fn render(chars: &[char], ranges: &[(usize, usize)], start: usize, end: usize) -> String {
    let n = chars.len();
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut pos = start;
    let mut buf = String::new();
    for &(s, e) in ranges {
        if e <= start || s >= end {
            continue;
        }
        let s = s.max(start);
        buf.clear();
        buf.extend(&chars[pos..s]);
        escape_html(&buf, &mut out);
        out.push_str("<mark>");
        buf.clear();
        buf.extend(&chars[s..e]);
        escape_html(&buf, &mut out);
        out.push_str("</mark>");
        pos = e;
    }
    buf.clear();
    buf.extend(&chars[pos..end]);
    escape_html(&buf, &mut out);
    if end < n {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_match_one_mark() {
        let s = snippet("坚持立德树人根本任务", "立德树人", 40);
        assert_eq!(s, "坚持<mark>立德树人</mark>根本任务");
    }

    #[test]
    fn titles_are_never_cut() {
        let title = "关于推进县域内城乡学校共同体建设促进义务教育阶段优质均衡发展的研究";
        let h = highlight(title, "义务教育阶段");
        assert_eq!(
            h,
            "关于推进县域内城乡学校共同体建设促进<mark>义务教育阶段</mark>优质均衡发展的研究"
        );
        // the snippet window cuts it (what titles must not go through)
        assert!(snippet(title, "义务教育阶段", 100_000).starts_with('…'));
        assert_eq!(highlight("<无>", "有"), "&lt;无&gt;");
    }

    #[test]
    fn overlapping_and_adjacent_merge() {
        assert_eq!(snippet("哈哈哈哈", "哈哈", 10), "<mark>哈哈哈哈</mark>");
        assert_eq!(
            snippet("阿拉伯半岛", "阿拉伯 半岛", 10),
            "<mark>阿拉伯半岛</mark>"
        );
    }

    #[test]
    fn normalised_match_marks_source() {
        assert_eq!(
            snippet("学习ＳＴＥＡＭ课程", "steam", 20),
            "学习<mark>ＳＴＥＡＭ</mark>课程"
        );
        assert_eq!(snippet("a㈱b", "株", 20), "a<mark>㈱</mark>b");
    }

    #[test]
    fn escapes_and_windows() {
        assert_eq!(
            snippet("<b>作业</b>", "作业", 20),
            "&lt;b&gt;<mark>作业</mark>&lt;/b&gt;"
        );
        let long = format!("{}作业设计{}", "甲".repeat(100), "乙".repeat(100));
        let s = snippet(&long, "作业设计", 30);
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert!(s.contains("<mark>作业设计</mark>"));
        assert_eq!(snippet("没有", "作业", 1), "没…");
        assert_eq!(snippet("", "作业", 10), "");
    }

    /// Tiny deterministic PRNG for the fuzz test.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn char(&mut self) -> char {
            const POOL: &[char] = &[
                '立', '德', '树', '人', '阿', '拉', '伯', ' ', '\n', 'Ａ', 'a', 'A', '①', '㈱',
                '<', '&', '😀', 'e', '\u{301}', 'İ', 'ß', 'ﬁ', '\u{3000}', '〔', 'Σ',
            ];
            if self.next().is_multiple_of(5) {
                char::from_u32((self.next() % 0x2FFFF) as u32).unwrap_or('x')
            } else {
                POOL[(self.next() % POOL.len() as u64) as usize]
            }
        }
        fn string(&mut self, max: u64) -> String {
            let n = self.next() % max;
            (0..n).map(|_| self.char()).collect()
        }
    }

    #[test]
    fn fuzz_never_panics_and_marks_cover_matches() {
        let mut r = Rng(0x9e37_79b9_7f4a_7c15);
        for i in 0..20_000 {
            let text = r.string(60);
            let q = if i % 3 == 0 {
                // a substring of the text, so there is a match
                let cs: Vec<char> = text.chars().collect();
                if cs.is_empty() {
                    String::new()
                } else {
                    let a = (r.next() % cs.len() as u64) as usize;
                    let b = a + (r.next() % (cs.len() - a) as u64) as usize + 1;
                    cs[a..b].iter().collect()
                }
            } else {
                r.string(6)
            };
            let max = (r.next() % 40) as usize;
            let s = snippet(&text, &q, max);
            // marks balanced and never nested
            assert_eq!(s.matches("<mark>").count(), s.matches("</mark>").count());
            assert!(!s.contains("<mark><mark>"));
            // every match range lies wholly inside one mark when shown
            let ranges = match_ranges(&text, &q);
            let chars: Vec<char> = text.chars().collect();
            if let Some(&(a, b)) = ranges.first() {
                let mut inner = String::new();
                escape_html(&chars[a..b].iter().collect::<String>(), &mut inner);
                assert!(
                    s.contains(&format!("<mark>{inner}</mark>")),
                    "{text:?} {q:?} {s:?}"
                );
            }
        }
    }
}
