//! The one analyzer of the search stage.
//!
//! Every component (tantivy index, CLI query, static export, browser runtime)
//! uses the definitions in this module; `themes/default/static/search.js`
//! reimplements exactly the query-side part (normalisation, chunking,
//! covering) and nothing else.
//!
//! * **Normalisation** is applied per character (Unicode scalar value):
//!   NFKC of the single character, then the default lowercase mapping of
//!   each resulting character. This folds full-width to half-width
//!   (`ＡＢＣ` → `abc`), compatibility forms (`①` → `1`) and case. Doing it
//!   per character keeps a map from every normalised character back to its
//!   source character, which the highlighter needs, and is trivially
//!   reproducible in JavaScript (`ch.normalize('NFKC')`, `toLowerCase()`).
//! * **Runs**: normalised text is split at whitespace ([`is_space`]). A query
//!   chunk never contains whitespace, so a match always lies inside one run.
//! * **Grams**: for every character of a run, the unigram at its character
//!   offset, and for every adjacent pair inside a run, the bigram at the
//!   offset of its first character. Every character counts (Chinese, Latin,
//!   digits, punctuation, emoji), so matching is exactly "contains the
//!   string" (what Ctrl+F finds), including across jieba word boundaries.
//! * **Covering**: a string of `n >= 2` characters occurs at offset `p` iff
//!   the bigrams at relative offsets [`covering`]`(n)` occur at `p + offset`.

use std::sync::OnceLock;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;

/// Name under which the gram tokenizer is registered in tantivy.
pub const GRAM_TOKENIZER: &str = "chengguo_gram";

/// Version of the analyzer definition; part of the index fingerprint and of
/// the static format, bump on any change.
pub const ANALYZER_VERSION: u32 = 1;

/// Whitespace as the analyzer sees it (after normalisation). The same
/// explicit list is used by the browser runtime.
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\u{0B}'
            | '\u{0C}'
            | '\r'
            | ' '
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// Normalises one source character, appending the result to `out`.
#[inline]
pub fn normalize_char_into(c: char, out: &mut impl FnMut(char)) {
    if c.is_ascii() {
        out(c.to_ascii_lowercase());
        return;
    }
    // Fast path: CJK Unified Ideographs are NFKC-stable and caseless.
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        out(c);
        return;
    }
    for n in std::iter::once(c).nfkc() {
        for l in n.to_lowercase() {
            out(l);
        }
    }
}

/// Normalises a whole string (per-character NFKC + lowercase).
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        normalize_char_into(c, &mut |n| out.push(n));
    }
    out
}

/// Normalised text with a map back to the source.
#[derive(Debug, Clone, Default)]
pub struct Mapped {
    /// Normalised characters.
    pub chars: Vec<char>,
    /// For each normalised character, the index (in characters) of the
    /// source character it comes from (several may share one).
    pub src: Vec<usize>,
}

/// Normalises `s`, keeping for each normalised character its source character index.
pub fn normalize_mapped(s: &str) -> Mapped {
    let mut m = Mapped {
        chars: Vec::with_capacity(s.len() / 2),
        src: Vec::with_capacity(s.len() / 2),
    };
    for (i, c) in s.chars().enumerate() {
        normalize_char_into(c, &mut |n| {
            m.chars.push(n);
            m.src.push(i);
        });
    }
    m
}

/// Splits a query into normalised chunks (whitespace separated, empty ones dropped,
/// duplicates removed keeping the first occurrence).
pub fn query_chunks(q: &str) -> Vec<String> {
    let norm = normalize(q);
    let mut out: Vec<String> = Vec::new();
    for chunk in norm.split(is_space) {
        if !chunk.is_empty() && !out.iter().any(|c| c == chunk) {
            out.push(chunk.to_string());
        }
    }
    out
}

/// Relative offsets of the bigrams that cover a string of `n` characters
/// (`n >= 2`): 0, 2, 4, … and `n - 2`. Empty for `n < 2`.
pub fn covering(n: usize) -> Vec<usize> {
    if n < 2 {
        return Vec::new();
    }
    let mut v: Vec<usize> = (0..n - 1).step_by(2).collect();
    if *v.last().unwrap_or(&0) != n - 2 {
        v.push(n - 2);
    }
    v
}

/// One gram produced by [`grams`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gram {
    /// One or two normalised characters.
    pub text: String,
    /// Character offset (in normalised characters) of the first character.
    pub position: usize,
    /// Source byte range covered.
    pub from: usize,
    pub to: usize,
}

/// All grams of a text in position order: at every offset the unigram, then
/// the bigram starting there when the next character is in the same run.
pub fn grams(s: &str) -> Vec<Gram> {
    // normalised characters with the source byte range of each
    let mut chars: Vec<char> = Vec::with_capacity(s.len() / 2);
    let mut src: Vec<(usize, usize)> = Vec::with_capacity(s.len() / 2);
    for (i, c) in s.char_indices() {
        let end = i + c.len_utf8();
        normalize_char_into(c, &mut |n| {
            chars.push(n);
            src.push((i, end));
        });
    }
    let m = (chars, src);
    let mut out = Vec::with_capacity(m.0.len() * 2);
    for (i, &c) in m.0.iter().enumerate() {
        if is_space(c) {
            continue;
        }
        out.push(Gram {
            text: c.to_string(),
            position: i,
            from: m.1[i].0,
            to: m.1[i].1,
        });
        if let Some(&d) = m.0.get(i + 1) {
            if !is_space(d) {
                let mut t = String::with_capacity(8);
                t.push(c);
                t.push(d);
                out.push(Gram {
                    text: t,
                    position: i,
                    from: m.1[i].0,
                    to: m.1[i + 1].1,
                });
            }
        }
    }
    out
}

/// The gram tokenizer registered in tantivy (see module docs).
#[derive(Clone, Default)]
pub struct GramTokenizer;

/// Token stream of [`GramTokenizer`]: the same grams as [`grams`], produced
/// lazily into one reused token (no allocation per gram).
pub struct GramTokenStream {
    chars: Vec<char>,
    src: Vec<(usize, usize)>,
    /// Next character offset.
    i: usize,
    /// true: the unigram at `i` was emitted, the bigram at `i` is next.
    bigram_next: bool,
    token: Token,
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = GramTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramTokenStream {
        let mut chars: Vec<char> = Vec::with_capacity(text.len() / 2);
        let mut src: Vec<(usize, usize)> = Vec::with_capacity(text.len() / 2);
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            normalize_char_into(c, &mut |n| {
                chars.push(n);
                src.push((i, end));
            });
        }
        GramTokenStream {
            chars,
            src,
            i: 0,
            bigram_next: false,
            token: Token::default(),
        }
    }
}

impl TokenStream for GramTokenStream {
    fn advance(&mut self) -> bool {
        loop {
            let i = self.i;
            let Some(&c) = self.chars.get(i) else {
                return false;
            };
            if self.bigram_next {
                self.bigram_next = false;
                self.i += 1;
                if let Some(&d) = self.chars.get(i + 1) {
                    if !is_space(d) {
                        self.token.text.clear();
                        self.token.text.push(c);
                        self.token.text.push(d);
                        self.token.position = i;
                        self.token.offset_from = self.src[i].0;
                        self.token.offset_to = self.src[i + 1].1;
                        self.token.position_length = 1;
                        return true;
                    }
                }
                continue;
            }
            if is_space(c) {
                self.i += 1;
                continue;
            }
            self.bigram_next = true;
            self.token.text.clear();
            self.token.text.push(c);
            self.token.position = i;
            self.token.offset_from = self.src[i].0;
            self.token.offset_to = self.src[i].1;
            self.token.position_length = 1;
            return true;
        }
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The shared jieba instance (default dictionary), loaded once.
pub fn jieba() -> &'static jieba_rs::Jieba {
    static J: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    J.get_or_init(jieba_rs::Jieba::new)
}

/// True when a word is worth keeping as a query word: at least one letter,
/// digit or CJK character (not only punctuation or symbols).
pub fn is_wordish(w: &str) -> bool {
    w.chars().any(|c| c.is_alphanumeric())
}

/// 32-bit FNV-1a over the Unicode scalar values of `s`; the shard routing
/// hash shared with the browser runtime.
pub fn hash32(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for c in s.chars() {
        h ^= c as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(String, usize)> {
        grams(s).into_iter().map(|g| (g.text, g.position)).collect()
    }

    #[test]
    fn nfkc_width_and_case() {
        assert_eq!(normalize("ＡＢＣ"), "abc");
        assert_eq!(normalize("ｓｔｅａｍ教育"), "steam教育");
        assert_eq!(normalize("STEAM"), "steam");
        assert_eq!(normalize("①２３"), "123");
        assert_eq!(normalize("（一）"), "(一)");
        assert_eq!(normalize("ﬁ"), "fi");
        assert_eq!(normalize("\u{3000}"), " ");
        assert_eq!(normalize("Ä"), "ä");
    }

    #[test]
    fn mixed_chinese_latin_digits() {
        let g = texts("中文AB1");
        assert_eq!(
            g,
            vec![
                ("中".into(), 0),
                ("中文".into(), 0),
                ("文".into(), 1),
                ("文a".into(), 1),
                ("a".into(), 2),
                ("ab".into(), 2),
                ("b".into(), 3),
                ("b1".into(), 3),
                ("1".into(), 4),
            ]
        );
    }

    #[test]
    fn whitespace_splits_runs_and_keeps_offsets() {
        let g = texts("作业 设计");
        assert!(g.contains(&("设计".into(), 3)));
        assert!(!g.iter().any(|(t, _)| t.contains(' ')));
        assert!(!g.iter().any(|(t, _)| t == "业设"));
    }

    #[test]
    fn punctuation_is_text() {
        let g = texts("教基厅函〔2024〕");
        assert!(g.contains(&("函〔".into(), 3)));
        assert!(g.contains(&("〔2".into(), 4)));
    }

    #[test]
    fn empty_and_whitespace() {
        assert!(grams("").is_empty());
        assert!(grams(" \n\t\u{3000} ").is_empty());
        assert!(query_chunks("  \u{3000} ").is_empty());
    }

    #[test]
    fn emoji_and_combining() {
        let g = texts("a😀b");
        assert!(g.contains(&("a😀".into(), 0)));
        assert!(g.contains(&("😀b".into(), 1)));
        let m = normalize_mapped("e\u{301}");
        assert_eq!(m.chars.len(), m.src.len());
    }

    #[test]
    fn expansion_maps_back_to_source() {
        let m = normalize_mapped("㈱A");
        assert_eq!(m.chars.iter().collect::<String>(), "(株)a");
        assert_eq!(m.src, vec![0, 0, 0, 1]);
    }

    #[test]
    fn fast_path_agrees_with_nfkc() {
        for c in ('\u{4E00}'..='\u{9FFF}').chain('\0'..='\u{7F}') {
            let slow: String = std::iter::once(c)
                .nfkc()
                .flat_map(char::to_lowercase)
                .collect();
            let mut fast = String::new();
            normalize_char_into(c, &mut |n| fast.push(n));
            assert_eq!(fast, slow, "{c:?}");
        }
    }

    #[test]
    fn very_long_input() {
        let s = "立德树人".repeat(50_000);
        let g = grams(&s);
        assert_eq!(g.len(), 200_000 * 2 - 1);
        assert_eq!(g.last().unwrap().position, 199_999);
    }

    #[test]
    fn chunks_and_covering() {
        assert_eq!(
            query_chunks(" 作业设计　ＡＢ 作业设计 "),
            vec!["作业设计", "ab"]
        );
        assert_eq!(covering(1), Vec::<usize>::new());
        assert_eq!(covering(2), vec![0]);
        assert_eq!(covering(3), vec![0, 1]);
        assert_eq!(covering(4), vec![0, 2]);
        assert_eq!(covering(5), vec![0, 2, 3]);
        for n in 2..40 {
            let c = covering(n);
            let mut covered = vec![false; n];
            for &o in &c {
                covered[o] = true;
                covered[o + 1] = true;
            }
            assert!(covered.iter().all(|&x| x), "n={n}");
        }
    }

    #[test]
    fn stream_equals_grams() {
        for text in [
            "",
            "  ",
            "北京十一学校",
            "作业 设计\n教研",
            "a😀b ＡＢ ①㈱",
            "x",
            " 哈 ",
        ] {
            let mut t = GramTokenizer;
            let mut s = t.token_stream(text);
            let mut got = Vec::new();
            while s.advance() {
                let k = s.token();
                got.push(Gram {
                    text: k.text.clone(),
                    position: k.position,
                    from: k.offset_from,
                    to: k.offset_to,
                });
            }
            assert_eq!(got, grams(text), "{text:?}");
        }
    }

    #[test]
    fn tokenizer_stream() {
        let mut t = GramTokenizer;
        let mut s = t.token_stream("北京十一学校");
        let mut n = 0;
        while s.advance() {
            let tok = s.token();
            assert!(tok.offset_to <= "北京十一学校".len());
            n += 1;
        }
        assert_eq!(n, 11);
    }

    #[test]
    fn hash_is_fnv1a() {
        assert_eq!(hash32(""), 0x811c_9dc5);
        assert_eq!(hash32("a"), 0xe40c_292c);
    }
}
