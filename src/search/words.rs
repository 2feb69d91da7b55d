//! Query words for the partial-match fallback.
//!
//! At index time jieba (default dictionary, precise mode, no HMM) cuts the
//! normalised titles, summaries and other strings of every record; every
//! resulting word of 2 to [`MAX_WORD_CHARS`] characters that contains a
//! letter, digit or CJK character is counted. The table maps each word to an
//! integer weight `round(1000 * ln(count / total))`; a character that starts
//! no word weighs `round(-1000 * ln(total))` (jieba's unknown-word weight).
//!
//! At query time a chunk is segmented by the maximum-weight route over that
//! table (jieba's own route algorithm, in integers so that Rust and
//! JavaScript agree bit for bit). The same table is exported for the browser,
//! so the CLI and the browser split a query into the same words.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::{io_err, SearchError};

/// Longest word kept in the table, in characters.
pub const MAX_WORD_CHARS: usize = 8;

/// Word → weight table (see module docs).
#[derive(Debug, Clone, Default)]
pub struct WordTable {
    /// Word (normalised) → weight.
    pub weights: HashMap<String, i32>,
    /// Weight of a character that starts no word.
    pub single: i32,
}

impl WordTable {
    /// Builds the table from word counts.
    pub fn from_counts(counts: &BTreeMap<String, u64>) -> WordTable {
        let total: u64 = counts.values().sum::<u64>().max(1);
        let ln_total = (total as f64).ln();
        let weights = counts
            .iter()
            .map(|(w, &c)| {
                (
                    w.clone(),
                    (1000.0 * ((c as f64).ln() - ln_total)).round() as i32,
                )
            })
            .collect();
        WordTable {
            weights,
            single: (-1000.0 * ln_total).round() as i32 - 1,
        }
    }

    /// Counts the words of one text (normalised first) into `counts`.
    pub fn count_words(text: &str, counts: &mut BTreeMap<String, u64>) {
        let norm = super::analyzer::normalize(text);
        for tok in super::analyzer::jieba().cut(&norm, false) {
            let w = tok.word;
            let n = w.chars().count();
            if (2..=MAX_WORD_CHARS).contains(&n)
                && super::analyzer::is_wordish(w)
                && !w.chars().any(super::analyzer::is_space)
            {
                *counts.entry(w.to_string()).or_insert(0) += 1;
            }
        }
    }

    /// Splits a normalised chunk into words by the maximum-weight route.
    /// Ties prefer the shorter word at the earlier position.
    pub fn segment(&self, chunk: &str) -> Vec<String> {
        let chars: Vec<char> = chunk.chars().collect();
        let n = chars.len();
        let mut route: Vec<(i64, usize)> = vec![(0, 0); n + 1];
        let mut buf = String::new();
        for i in (0..n).rev() {
            let mut best = (self.single as i64 + route[i + 1].0, 1usize);
            for len in 2..=MAX_WORD_CHARS.min(n - i) {
                buf.clear();
                buf.extend(&chars[i..i + len]);
                if let Some(&w) = self.weights.get(&buf) {
                    let cand = w as i64 + route[i + len].0;
                    if cand > best.0 {
                        best = (cand, len);
                    }
                }
            }
            route[i] = best;
        }
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
            let len = route[i].1.max(1);
            out.push(chars[i..i + len].iter().collect());
            i += len;
        }
        out
    }

    /// Writes the table as `word<TAB>weight` lines (sorted), first line the single weight.
    pub fn save(&self, path: &Path) -> Result<(), SearchError> {
        let mut sorted: Vec<(&String, &i32)> = self.weights.iter().collect();
        sorted.sort();
        let mut s = format!("{}\n", self.single);
        for (w, x) in sorted {
            s.push_str(w);
            s.push('\t');
            s.push_str(&x.to_string());
            s.push('\n');
        }
        std::fs::write(path, s).map_err(io_err(path))
    }

    /// Reads a table written by [`WordTable::save`].
    pub fn load(path: &Path) -> Result<WordTable, SearchError> {
        let s = std::fs::read_to_string(path).map_err(io_err(path))?;
        let mut lines = s.lines();
        let single = lines
            .next()
            .and_then(|l| l.trim().parse::<i32>().ok())
            .ok_or_else(|| SearchError::Corrupt(path.display().to_string()))?;
        let mut weights = HashMap::new();
        for l in lines {
            if let Some((w, x)) = l.split_once('\t') {
                let x = x
                    .parse::<i32>()
                    .map_err(|_| SearchError::Corrupt(path.display().to_string()))?;
                weights.insert(w.to_string(), x);
            }
        }
        Ok(WordTable { weights, single })
    }

    /// Words (2+ characters, deduplicated, in query order) used by the
    /// fallback for the given normalised chunks.
    pub fn query_words(&self, chunks: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in chunks {
            for w in self.segment(c) {
                if w.chars().count() >= 2 && super::analyzer::is_wordish(&w) && !out.contains(&w) {
                    out.push(w);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_like_jieba() {
        let mut counts = BTreeMap::new();
        WordTable::count_words(
            "如何提高作业设计质量。作业设计是教学的重要环节，提高质量。",
            &mut counts,
        );
        let t = WordTable::from_counts(&counts);
        let seg = t.segment("如何提高作业设计质量");
        assert_eq!(seg.concat(), "如何提高作业设计质量");
        assert!(
            seg.contains(&"作业".to_string()) || seg.contains(&"作业设计".to_string()),
            "{seg:?}"
        );
        assert!(t.segment("").is_empty());
        assert_eq!(t.segment("x"), vec!["x"]);
        let words = t.query_words(&["如何提高作业设计质量".to_string()]);
        assert!(words.iter().all(|w| w.chars().count() >= 2));
    }

    #[test]
    fn save_load_roundtrip() {
        let mut counts = BTreeMap::new();
        WordTable::count_words("北京十一学校 课程德育 大概念", &mut counts);
        let t = WordTable::from_counts(&counts);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.tsv");
        t.save(&p).unwrap();
        let u = WordTable::load(&p).unwrap();
        assert_eq!(t.weights, u.weights);
        assert_eq!(t.single, u.single);
    }
}
