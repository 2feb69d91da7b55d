//! Canonical Huffman codes (field masks, norms, facets, the record store)
//! and the bit stream they write; and the record store's text code
//! (docs/search-format.md §3.5): one code for the whole site over
//! characters and frequent strings, written into `docs.js` as the symbols'
//! texts in canonical order plus the number of codes of every length; a
//! row's strings are one bit stream, each string followed by the
//! end-of-string symbol. Chinese text in UTF-8 costs 3 bytes a character;
//! characters alone cost about 1.3 bytes in basE91 on the national corpus.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

/// Symbol 0 is the end of a string.
const EOS: u32 = 0;

/// Longest code the runtime decodes exactly (`code * 2 + bit` in a double).
const MAX_LEN: u32 = 48;

/// Huffman code lengths of `weights` (all > 0), deterministic: ties go to
/// the node made first (leaves in symbol order, then internal nodes).
fn lengths(weights: &[u64]) -> Vec<u32> {
    let n = weights.len();
    if n == 1 {
        return vec![1];
    }
    let mut parent = vec![usize::MAX; 2 * n - 1];
    let mut heap: BinaryHeap<Reverse<(u64, usize)>> = weights
        .iter()
        .enumerate()
        .map(|(i, &w)| Reverse((w, i)))
        .collect();
    let mut next = n;
    while heap.len() > 1 {
        let (Some(Reverse((wa, a))), Some(Reverse((wb, b)))) = (heap.pop(), heap.pop()) else {
            break;
        };
        parent[a] = next;
        parent[b] = next;
        heap.push(Reverse((wa + wb, next)));
        next += 1;
    }
    (0..n)
        .map(|i| {
            let mut d = 0;
            let mut x = i;
            while parent[x] != usize::MAX {
                x = parent[x];
                d += 1;
            }
            d
        })
        .collect()
}

/// A canonical Huffman code over `u32` symbols.
pub(crate) struct Code {
    /// symbol → (code, length)
    codes: BTreeMap<u32, (u64, u32)>,
    /// symbols in canonical order (length, then symbol)
    order: Vec<u32>,
    /// number of codes of length 1, 2, … up to the longest
    counts: Vec<usize>,
}

impl Code {
    /// The code of symbols with these frequencies (zero counts as one; an
    /// empty map gets a code for the symbol 0).
    pub(crate) fn from_freq(freq: &BTreeMap<u32, u64>) -> Code {
        let mut keys: Vec<u32> = freq.keys().copied().collect();
        let mut weights: Vec<u64> = freq.values().map(|&w| w.max(1)).collect();
        if keys.is_empty() {
            keys.push(0);
            weights.push(1);
        }
        let mut lens = lengths(&weights);
        // (never on real sites: flatten the weights until the code fits)
        while lens.iter().any(|&l| l > MAX_LEN) {
            for w in &mut weights {
                *w = (*w / 2).max(1);
            }
            lens = lengths(&weights);
        }
        let mut order: Vec<(u32, u32)> = lens.iter().copied().zip(keys.iter().copied()).collect();
        order.sort_unstable();
        let max_len = order.last().map_or(1, |o| o.0);
        let mut counts = vec![0usize; max_len as usize];
        let mut codes = BTreeMap::new();
        let mut code = 0u64;
        let mut prev = order.first().map_or(1, |o| o.0);
        for &(len, k) in &order {
            code <<= len - prev;
            prev = len;
            codes.insert(k, (code, len));
            counts[len as usize - 1] += 1;
            code += 1;
        }
        Code {
            codes,
            order: order.iter().map(|o| o.1).collect(),
            counts,
        }
    }

    /// Appends the code of `sym` (nothing for a symbol not in the code).
    pub(crate) fn put(&self, bits: &mut Bits, sym: u32) {
        if let Some(&(code, len)) = self.codes.get(&sym) {
            bits.put_bits(code, len);
        }
    }

    /// `[symbols in canonical order, codes per length]` (meta.js).
    pub(crate) fn meta(&self) -> serde_json::Value {
        serde_json::json!([self.order, self.counts])
    }

    /// Reference decoder (the runtime's algorithm), for the tests.
    #[cfg(test)]
    fn get(&self, bytes: &[u8], bit: &mut usize) -> u32 {
        let (mut code, mut first, mut idx) = (0u64, 0u64, 0usize);
        for &cnt in &self.counts {
            code = code * 2 + u64::from((bytes[*bit / 8] >> (*bit % 8)) & 1);
            *bit += 1;
            if code - first < cnt as u64 {
                return self.order[idx + (code - first) as usize];
            }
            idx += cnt;
            first = (first + cnt as u64) * 2;
        }
        panic!("invalid code")
    }
}

/// Bit stream, least significant bit first (bit i is bit i % 8 of byte i / 8).
#[derive(Default)]
pub(crate) struct Bits {
    out: Vec<u8>,
    /// bits not yet in `out`, the oldest in bit 0
    acc: u64,
    /// number of bits in `acc` (< 8 between calls)
    pending: u32,
}

impl Bits {
    pub(crate) fn push(&mut self, one: bool) {
        self.put_lsb(u64::from(one), 1);
    }
    /// The low `len` bits of `v`, least significant first.
    pub(crate) fn put_lsb_bits(&mut self, v: u64, len: u32) {
        let mut len = len.min(64);
        let mut v = v;
        while len > 0 {
            let l = len.min(32);
            self.put_lsb(v & ((1u64 << l) - 1), l);
            v = v.checked_shr(l).unwrap_or(0);
            len -= l;
        }
    }
    /// `len ≤ 56` bits, the first to go out in bit 0 of `v`.
    fn put_lsb(&mut self, v: u64, len: u32) {
        self.acc |= v << self.pending;
        self.pending += len;
        while self.pending >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.pending -= 8;
        }
    }
    /// The low `len` bits of `v`, most significant first.
    pub(crate) fn put_bits(&mut self, v: u64, len: u32) {
        let mut len = len.min(64);
        while len > 0 {
            let l = len.min(48);
            let part = (v >> (len - l)) & ((1u64 << l) - 1);
            // most significant first = the reversed bits, least significant first
            self.put_lsb(part.reverse_bits() >> (64 - l), l);
            len -= l;
        }
    }
    /// `n` one bits.
    pub(crate) fn ones(&mut self, mut n: u64) {
        while n > 0 {
            let l = n.min(48) as u32;
            self.put_lsb((1u64 << l) - 1, l);
            n -= u64::from(l);
        }
    }
    pub(crate) fn finish(mut self) -> Vec<u8> {
        if self.pending > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// The record store's code (format 6): canonical Huffman over symbols that
/// are single characters or frequent strings of the store ("words": n-grams
/// of 2–4 characters and whole strings such as facet values, school names
/// or the title of an often referenced record). A string is cut greedily,
/// the longest word first. The words travel in `docs.js`, which every query
/// that shows rows loads, while a query loads only a share of the store: a
/// word is kept only when the bits it saves on that share exceed its own
/// bytes in the dictionary.
pub(crate) struct TextCode {
    code: Code,
    /// symbol → its text ("" for the end of a string)
    syms: Vec<String>,
    /// first two characters → (word as characters, symbol), longest first
    words: HashMap<(char, char), Vec<Word>>,
    /// character → symbol
    chars: HashMap<char, u32>,
}

/// A word of the text code: its characters and its symbol.
type Word = (Vec<char>, u32);

/// Longest n-gram considered as a word.
const MAX_GRAM: usize = 4;
/// Longest whole string considered as a word.
const MAX_WHOLE: usize = 24;
/// Most words in the dictionary.
const MAX_WORDS: usize = 4096;
/// Most distinct n-grams of one length (and whole strings) counted.
const MAX_CANDIDATES: usize = 2_000_000;

impl TextCode {
    /// The code of `strings`. `share`: the fraction of all store rows one
    /// query's rows bring (their blocks), in (0, 1].
    pub(crate) fn build(strings: &[&str], share: f64) -> TextCode {
        let share = share.clamp(1e-6, 1.0);
        let chars: Vec<Vec<char>> = strings.iter().map(|s| s.chars().collect()).collect();
        let alphabet: BTreeSet<char> = chars.iter().flatten().copied().collect();
        // a word saves about 8 bits a character less the ~10 of its own
        // symbol at each use; it costs its UTF-8 bytes and 3 of JSON
        let worth = |w: &[char], uses: u64| {
            let saved = uses as f64 * (8.0 * w.len() as f64 - 10.0) * share;
            let cost: f64 = 8.0 * (w.iter().map(|c| c.len_utf8()).sum::<usize>() + 3) as f64;
            saved - cost
        };
        // with fewer uses than this no n-gram pays (an n-gram of n
        // characters has at least n bytes; the longest need the fewest uses)
        let n = MAX_GRAM as f64;
        let least = (8.0 * (n + 3.0) / ((8.0 * n - 10.0) * share)) as u64;
        // candidates: n-grams (counted only when their first n - 1
        // characters are used that often) and whole strings
        // (at most MAX_CANDIDATES distinct strings of each kind are
        // counted, the first met: text from elsewhere must not make the
        // counts outgrow the text)
        fn count<'a>(m: &mut HashMap<&'a [char], u64>, w: &'a [char]) {
            if let Some(u) = m.get_mut(w) {
                *u += 1;
            } else if m.len() < MAX_CANDIDATES {
                m.insert(w, 1);
            }
        }
        let mut grams: HashMap<&[char], u64> = HashMap::new();
        for n in 2..=MAX_GRAM {
            let mut next: HashMap<&[char], u64> = HashMap::new();
            for cs in &chars {
                for w in cs.windows(n) {
                    if n == 2 || grams.get(&w[..n - 1]).is_some_and(|&u| u >= least) {
                        count(&mut next, w);
                    }
                }
            }
            grams.extend(next);
        }
        let mut whole: HashMap<&[char], u64> = HashMap::new();
        for cs in &chars {
            if cs.len() > MAX_GRAM && cs.len() <= MAX_WHOLE {
                count(&mut whole, cs);
            }
        }
        grams.extend(whole);
        let mut cand: Vec<(&[char], f64)> = grams
            .into_iter()
            .filter_map(|(w, n)| {
                let v = worth(w, n);
                (v > 0.0).then_some((w, v))
            })
            .collect();
        cand.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        cand.truncate(MAX_WORDS);
        let mut words: Vec<Vec<char>> = cand.into_iter().map(|c| c.0.to_vec()).collect();
        // Overlapping n-grams were counted as if each were used everywhere:
        // parse, keep the words still worth their bytes, parse again.
        let mut t = TextCode::with_words(&alphabet, &words);
        for _ in 0..2 {
            let used = t.usage(&chars);
            words.retain(|w| {
                let sym = t.word_sym(w);
                worth(w, sym.map_or(0, |s| used[s as usize])) > 0.0
            });
            t = TextCode::with_words(&alphabet, &words);
        }
        // the Huffman code from the uses of every symbol
        let used = t.usage(&chars);
        let freq: BTreeMap<u32, u64> = used
            .iter()
            .enumerate()
            .filter(|&(i, &n)| n > 0 || i == 0)
            .map(|(i, &n)| (i as u32, n))
            .collect();
        t.code = Code::from_freq(&freq);
        t
    }

    /// Symbols for every character of the alphabet and for `words`, with a
    /// placeholder code.
    fn with_words(alphabet: &BTreeSet<char>, words: &[Vec<char>]) -> TextCode {
        let mut texts: Vec<String> = alphabet
            .iter()
            .map(|c| c.to_string())
            .chain(words.iter().map(|w| w.iter().collect()))
            .collect();
        texts.sort_unstable();
        texts.dedup();
        let mut syms = vec![String::new()];
        syms.extend(texts);
        let mut t = TextCode {
            code: Code::from_freq(&BTreeMap::new()),
            syms,
            words: HashMap::new(),
            chars: HashMap::new(),
        };
        for (i, s) in t.syms.iter().enumerate().skip(1) {
            let cs: Vec<char> = s.chars().collect();
            if cs.len() == 1 {
                t.chars.insert(cs[0], i as u32);
            } else {
                t.words
                    .entry((cs[0], cs[1]))
                    .or_default()
                    .push((cs, i as u32));
            }
        }
        for l in t.words.values_mut() {
            l.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
        t
    }

    fn word_sym(&self, w: &[char]) -> Option<u32> {
        self.words
            .get(&(w[0], *w.get(1)?))?
            .iter()
            .find(|x| x.0 == w)
            .map(|x| x.1)
    }

    /// The symbols of one string, longest word first, then its end.
    fn parse(&self, cs: &[char], out: &mut Vec<u32>) {
        let mut i = 0;
        while i < cs.len() {
            let rest = &cs[i..];
            let word = match rest {
                [a, b, ..] => self
                    .words
                    .get(&(*a, *b))
                    .and_then(|l| l.iter().find(|(w, _)| rest.starts_with(w))),
                _ => None,
            };
            match word {
                Some((w, sym)) => {
                    out.push(*sym);
                    i += w.len();
                }
                None => {
                    out.push(self.chars.get(&cs[i]).copied().unwrap_or(EOS));
                    i += 1;
                }
            }
        }
        out.push(EOS);
    }

    /// Uses of every symbol over `chars` (in parallel).
    fn usage(&self, chars: &[Vec<char>]) -> Vec<u64> {
        use rayon::prelude::*;
        let n = self.syms.len();
        chars
            .par_chunks(4096)
            .map(|part| {
                let mut used = vec![0u64; n];
                let mut buf = Vec::new();
                for cs in part {
                    buf.clear();
                    self.parse(cs, &mut buf);
                    for &s in &buf {
                        used[s as usize] += 1;
                    }
                }
                used
            })
            .reduce(
                || vec![0u64; n],
                |mut a, b| {
                    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                    a
                },
            )
    }

    /// `strings`, each followed by the end-of-string symbol, as a bit stream:
    /// code bits most significant first, packed least significant bit first.
    /// Every character must have been among those the code was built from.
    pub(crate) fn encode(&self, strings: &[&str]) -> Vec<u8> {
        let mut bits = Bits::default();
        let mut buf = Vec::new();
        for s in strings {
            let cs: Vec<char> = s.chars().collect();
            buf.clear();
            self.parse(&cs, &mut buf);
            for &sym in &buf {
                self.code.put(&mut bits, sym);
            }
        }
        bits.finish()
    }

    /// For `docs.js` `textCode`: the symbols' texts in canonical order (""
    /// is the end of a string) as one string and their lengths, the
    /// canonical index of the end-of-string symbol, and the number of codes
    /// of every length.
    pub(crate) fn meta(&self) -> serde_json::Value {
        let syms: Vec<&str> = self
            .code
            .order
            .iter()
            .map(|&k| self.syms[k as usize].as_str())
            .collect();
        let eos = self.code.order.iter().position(|&k| k == EOS).unwrap_or(0);
        // one string and a base-36 digit per symbol for its length in code
        // points (MAX_WHOLE < 36): 3 bytes a symbol fewer than a JSON array
        let text: String = syms.concat();
        let lens: String = syms
            .iter()
            .map(|s| char::from_digit(s.chars().count() as u32, 36).unwrap_or('0'))
            .collect();
        serde_json::json!({"text": text, "lens": lens, "eos": eos, "counts": self.code.counts})
    }

    /// Number of words (symbols of two or more characters) in the code.
    #[cfg(test)]
    fn word_count(&self) -> usize {
        self.code
            .order
            .iter()
            .filter(|&&k| self.syms[k as usize].chars().count() > 1)
            .count()
    }

    /// Reference decoder, for the tests.
    #[cfg(test)]
    fn decode(&self, bytes: &[u8], n: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut bit = 0usize;
        while out.len() < n {
            match self.code.get(bytes, &mut bit) {
                EOS => out.push(std::mem::take(&mut cur)),
                k => cur.push_str(&self.syms[k as usize]),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let texts = [
            "教学成果推广应用",
            "",
            "作业设计 ABC abc ① 😀 \u{0} \"q\"",
            "作业",
            "x",
        ];
        let code = TextCode::build(&texts, 1.0);
        let bytes = code.encode(&texts);
        let back = code.decode(&bytes, texts.len());
        assert_eq!(back, texts);
        // words: repeated strings and n-grams become symbols of their own
        let many: Vec<String> = (0..200)
            .map(|i| format!("教学成果推广应用{}作业设计{}", i % 7, "基础教育"))
            .collect();
        let refs: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
        let code = TextCode::build(&refs, 1.0);
        assert!(code.word_count() > 0);
        let bytes = code.encode(&refs);
        assert_eq!(code.decode(&bytes, refs.len()), refs);
        assert!(bytes.len() * 8 < refs.iter().map(|s| s.chars().count()).sum::<usize>() * 2);
        // a share too small for any word to pay for itself
        assert_eq!(TextCode::build(&refs, 1e-6).word_count(), 0);
        // one string, one character; nothing at all
        for t in [&["a"][..], &[""][..], &[][..]] {
            let code = TextCode::build(t, 1.0);
            let bytes = code.encode(t);
            assert_eq!(code.decode(&bytes, t.len()), t);
        }
        // numbers
        let syms = [3u32, 3, 3, 0, 7, 255, 3, 7];
        let mut freq = BTreeMap::new();
        for &x in &syms {
            *freq.entry(x).or_insert(0) += 1;
        }
        let code = Code::from_freq(&freq);
        let mut bits = Bits::default();
        for &x in &syms {
            code.put(&mut bits, x);
        }
        let bytes = bits.finish();
        let mut at = 0;
        let back: Vec<u32> = syms.iter().map(|_| code.get(&bytes, &mut at)).collect();
        assert_eq!(back, syms);
    }
}
