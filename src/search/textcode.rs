//! Canonical Huffman code over the characters of the record store's
//! strings (titles, summaries, extra strings), new in format 4
//! (docs/search-format.md §3.5). One code for the whole site, written into
//! `meta.js` as the symbols in canonical order plus the number of codes of
//! every length; a row's strings are one bit stream, each string followed
//! by the end-of-string symbol. Chinese text in UTF-8 costs 3 bytes a
//! character; this code, in base64, about 1.4 bytes on the national corpus.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Symbol key: 0 is the end of a string, `c as u32 + 1` the character `c`.
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

/// The code of the store's strings: symbol 0 ends a string, `c + 1` is
/// the character `c`.
pub(crate) struct TextCode(Code);

fn key(c: char) -> u32 {
    c as u32 + 1
}

impl TextCode {
    /// The code of the characters of `strings` (and one end-of-string per string).
    pub(crate) fn build<'a>(strings: impl Iterator<Item = &'a str>) -> TextCode {
        let mut freq: BTreeMap<u32, u64> = BTreeMap::new();
        freq.insert(EOS, 0);
        for s in strings {
            *freq.entry(EOS).or_insert(0) += 1;
            for c in s.chars() {
                *freq.entry(key(c)).or_insert(0) += 1;
            }
        }
        TextCode(Code::from_freq(&freq))
    }

    /// `strings`, each followed by the end-of-string symbol, as a bit stream:
    /// code bits most significant first, packed least significant bit first.
    pub(crate) fn encode(&self, strings: &[&str]) -> Vec<u8> {
        let mut bits = Bits::default();
        for s in strings {
            for c in s.chars() {
                self.0.put(&mut bits, key(c));
            }
            self.0.put(&mut bits, EOS);
        }
        bits.finish()
    }

    /// For `meta.textCode`: the symbols in canonical order as one string
    /// (U+0000 stands for the end of a string), the canonical index of the
    /// end-of-string symbol, and the number of codes of every length.
    pub(crate) fn meta(&self) -> serde_json::Value {
        let syms: String = self
            .0
            .order
            .iter()
            .map(|&k| char::from_u32(k.saturating_sub(1)).unwrap_or('\0'))
            .collect();
        let eos = self.0.order.iter().position(|&k| k == EOS).unwrap_or(0);
        serde_json::json!({"syms": syms, "eos": eos, "counts": self.0.counts})
    }

    /// Reference decoder, for the tests.
    #[cfg(test)]
    fn decode(&self, bytes: &[u8], n: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut bit = 0usize;
        while out.len() < n {
            match self.0.get(bytes, &mut bit) {
                EOS => out.push(std::mem::take(&mut cur)),
                k => cur.push(char::from_u32(k - 1).unwrap_or('\0')),
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
        let code = TextCode::build(texts.iter().copied());
        let bytes = code.encode(&texts);
        let back = code.decode(&bytes, texts.len());
        assert_eq!(back, texts);
        // one string, one character; nothing at all
        for t in [&["a"][..], &[""][..], &[][..]] {
            let code = TextCode::build(t.iter().copied());
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
