//! Byte and bit codes of the static index (docs/search-format.md §3.1):
//! LEB128 varints (phrase postings), basE91 (the transport of every binary
//! payload), and the code of a term's postings since format 5 — Elias gamma
//! for counts and parameters, Rice codes with a per-term parameter for
//! record gaps, term frequencies and position gaps, and one Huffman code
//! per site for the field masks (textcode.rs).
//!
//! The export first writes each term in the varint form of format 4 (it is
//! what tantivy's postings give, term by term, in parallel), counts the
//! field masks of all terms, then [`transcode`]s every term into the bit
//! code. The reference reader is `getTerm` in `themes/default/static/search.js`.

use super::textcode::{Bits, Code};

/// Unsigned LEB128.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads one LEB128 varint at `*i` (0 past the end: the writer never
/// produces a truncated value).
pub(crate) fn get_varint(b: &[u8], i: &mut usize) -> u64 {
    let mut x = 0u64;
    let mut shift = 0;
    while let Some(&c) = b.get(*i) {
        *i += 1;
        if shift < 64 {
            x |= u64::from(c & 127) << shift;
        }
        shift += 7;
        if c & 128 == 0 {
            break;
        }
    }
    x
}

/// The 91 characters of [`base91`]: printable ASCII without `"`, `'` and
/// `\`, so a string needs no escape in JSON or in a JS literal.
pub(crate) const BASE91: &[u8; 91] =
    b"!#$%&()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";

/// basE91 (Joachim Henke's algorithm, alphabet [`BASE91`]): 13 or 14 bits
/// per two characters, about 6.5 bits a character where base64 carries 6
/// (format 5; 8% fewer bytes than base64 for every binary payload).
pub(crate) fn base91(data: &[u8]) -> String {
    let mut s = String::with_capacity(data.len() * 16 / 13 + 2);
    let (mut b, mut n) = (0u32, 0u32);
    let mut put = |v: u32| s.push(BASE91[v as usize] as char);
    for &byte in data {
        b |= u32::from(byte) << n;
        n += 8;
        if n > 13 {
            let mut v = b & 8191;
            if v > 88 {
                b >>= 13;
                n -= 13;
            } else {
                v = b & 16383;
                b >>= 14;
                n -= 14;
            }
            put(v % 91);
            put(v / 91);
        }
    }
    if n > 0 {
        put(b % 91);
        if n > 7 || b > 90 {
            put(b / 91);
        }
    }
    s
}

/// Elias gamma of `v + 1` (so `v ≥ 0`), its bits after the leading one
/// least significant first: `z` = ⌊log2(v + 1)⌋ zero bits, a one bit, then
/// the low `z` bits of `v + 1`. (Least significant first, so that a reader
/// takes them from a 32-bit window with one shift and mask.)
pub(crate) fn gamma(bits: &mut Bits, v: u64) {
    let x = v + 1;
    let z = 63 - x.leading_zeros();
    bits.put_bits(0, z);
    bits.push(true);
    bits.put_lsb_bits(x, z);
}

/// Rice code of `v` with parameter `k`: `v >> k` one bits, a zero bit,
/// then the low `k` bits of `v`, least significant first.
pub(crate) fn rice(bits: &mut Bits, v: u64, k: u32) {
    bits.ones(v >> k);
    bits.push(false);
    bits.put_lsb_bits(v, k);
}

/// Bits of `vals` in the Rice code of parameter `k`.
fn rice_cost(vals: &[u64], k: u32) -> u64 {
    vals.iter().map(|&v| (v >> k) + 1 + u64::from(k)).sum()
}

/// The Rice parameter that codes `vals` in the fewest bits (ties: the
/// smallest `k`). The cost is convex in `k`, so the search walks down from
/// the estimate of the mean and stops when the cost rises.
pub(crate) fn best_k(vals: &[u64]) -> u32 {
    if vals.is_empty() {
        return 0;
    }
    let mean = vals.iter().sum::<u64>() / vals.len() as u64;
    let mut k = (64 - (mean + 1).leading_zeros()).min(40);
    let mut cost = rice_cost(vals, k);
    // down while cheaper or equal (ties go to the smaller k)
    while k > 0 {
        let c = rice_cost(vals, k - 1);
        if c > cost {
            break;
        }
        k -= 1;
        cost = c;
    }
    // up while strictly cheaper
    while k < 40 {
        let c = rice_cost(vals, k + 1);
        if c >= cost {
            break;
        }
        k += 1;
        cost = c;
    }
    k
}

/// Field masks of a term in the varint form (for the site's mask code).
pub(crate) fn count_masks(docs_part: &[u8], freq: &mut std::collections::BTreeMap<u32, u64>) {
    let mut i = 0;
    let n = get_varint(docs_part, &mut i);
    for _ in 0..n {
        let x = get_varint(docs_part, &mut i);
        let mask = x & 15;
        *freq.entry(mask as u32).or_insert(0) += 1;
        for _ in 0..mask.count_ones() {
            get_varint(docs_part, &mut i);
        }
    }
}

/// Document frequency per field of a term in the varint form.
pub(crate) fn field_dfs(docs_part: &[u8]) -> [u64; 4] {
    let mut dfs = [0u64; 4];
    let mut i = 0;
    let n = get_varint(docs_part, &mut i);
    for _ in 0..n {
        let mask = get_varint(docs_part, &mut i) & 15;
        for (f, df) in dfs.iter_mut().enumerate() {
            if mask & (1 << f) != 0 {
                *df += 1;
                get_varint(docs_part, &mut i);
            }
        }
    }
    dfs
}

/// One term from the varint form (record-level part `docs_part`, positions
/// part `pos_part`, empty for a unigram) to the bit code of format 5:
///
/// ```text
/// gamma(n_docs) gamma(kg) 4 × gamma(kt[field])
/// n_docs × [ rice(ord − prev − 1, kg)  mask (site code)  per field bit: rice(tf − 1, kt[field]) ]
/// bigrams: 4 × gamma(kp[field]), then per (record, field) in that order, tf ×
///          rice(first position | gap − 1, kp[field])
/// ```
pub(crate) fn transcode(docs_part: &[u8], pos_part: &[u8], masks: &Code, bigram: bool) -> Vec<u8> {
    let mut bits = Bits::default();
    put_postings(&mut bits, docs_part, pos_part, masks, bigram);
    bits.finish()
}

/// A phrase posting (phrases.rs, varint form: `n_dfs` document frequencies,
/// then a record-level part with phrase tfs) in the bit code: `gamma(df)`
/// each, then the record-level part as [`transcode`] writes it.
pub(crate) fn transcode_phrase(raw: &[u8], n_dfs: usize, masks: &Code) -> Vec<u8> {
    let mut bits = Bits::default();
    let mut i = 0;
    for _ in 0..n_dfs {
        gamma(&mut bits, get_varint(raw, &mut i));
    }
    put_postings(&mut bits, raw.get(i..).unwrap_or(&[]), &[], masks, false);
    bits.finish()
}

fn put_postings(bits: &mut Bits, docs_part: &[u8], pos_part: &[u8], masks: &Code, bigram: bool) {
    let mut i = 0;
    let n = get_varint(docs_part, &mut i);
    let mut gaps = Vec::with_capacity(n as usize);
    let mut mask_of = Vec::with_capacity(n as usize);
    // (field, tf − 1) per (record, field)
    let mut tfs: Vec<(usize, u64)> = Vec::with_capacity(n as usize);
    let mut prev: Option<u64> = None;
    for _ in 0..n {
        let x = get_varint(docs_part, &mut i);
        let ord = prev.map_or(0, |p| p) + (x >> 4);
        gaps.push(match prev {
            None => ord,
            Some(p) => ord - p - 1,
        });
        prev = Some(ord);
        let mask = x & 15;
        mask_of.push(mask as u32);
        for f in (0..4).filter(|f| mask & (1 << f) != 0) {
            tfs.push((f, get_varint(docs_part, &mut i).saturating_sub(1)));
        }
    }
    // per field: the tfs, and the offsets (the varint form has the first
    // absolute, then gaps > 0)
    let mut field_tfs: [Vec<u64>; 4] = Default::default();
    let mut field_pos: [Vec<u64>; 4] = Default::default();
    let mut j = 0;
    for &(f, tf) in &tfs {
        field_tfs[f].push(tf);
        if bigram {
            for p in 0..=tf {
                let d = get_varint(pos_part, &mut j);
                field_pos[f].push(if p == 0 { d } else { d.saturating_sub(1) });
            }
        }
    }
    let kg = best_k(&gaps);
    let kt = field_tfs.each_ref().map(|v| best_k(v));
    gamma(bits, n);
    gamma(bits, u64::from(kg));
    for k in kt {
        gamma(bits, u64::from(k));
    }
    let mut t = 0;
    for (g, &m) in gaps.iter().zip(&mask_of) {
        rice(bits, *g, kg);
        masks.put(bits, m);
        for _ in 0..m.count_ones() {
            let (f, tf) = tfs[t];
            rice(bits, tf, kt[f]);
            t += 1;
        }
    }
    if bigram {
        let kp = field_pos.each_ref().map(|v| best_k(v));
        for k in kp {
            gamma(bits, u64::from(k));
        }
        let mut at = [0usize; 4];
        for &(f, tf) in &tfs {
            for _ in 0..=tf {
                rice(bits, field_pos[f][at[f]], kp[f]);
                at[f] += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Reference bit reader (the runtime's algorithm).
    struct R<'a>(&'a [u8], usize);
    impl R<'_> {
        fn bit(&mut self) -> u64 {
            let b = u64::from((self.0[self.1 / 8] >> (self.1 % 8)) & 1);
            self.1 += 1;
            b
        }
        /// `k` bits, least significant first
        fn bits(&mut self, k: u32) -> u64 {
            (0..k).fold(0, |x, i| x | (self.bit() << i))
        }
        fn gamma(&mut self) -> u64 {
            let mut z = 0;
            while self.bit() == 0 {
                z += 1;
            }
            ((1 << z) | self.bits(z)) - 1
        }
        fn rice(&mut self, k: u32) -> u64 {
            let mut q = 0;
            while self.bit() == 1 {
                q += 1;
            }
            (q << k) | self.bits(k)
        }
    }

    #[test]
    fn varint_and_base64() {
        let mut v = Vec::new();
        put_varint(&mut v, 0);
        put_varint(&mut v, 127);
        put_varint(&mut v, 128);
        put_varint(&mut v, 300);
        assert_eq!(v, vec![0, 127, 0x80, 1, 0xac, 2]);
        let mut i = 0;
        let back: Vec<u64> = (0..4).map(|_| get_varint(&v, &mut i)).collect();
        assert_eq!(back, vec![0, 127, 128, 300]);
    }

    /// Reference decoder (the runtime's `bytesOf`).
    fn unbase91(s: &str) -> Vec<u8> {
        let mut dec = [0u32; 128];
        for (i, &c) in BASE91.iter().enumerate() {
            dec[c as usize] = i as u32;
        }
        let (mut v, mut b, mut n) = (None::<u32>, 0u32, 0u32);
        let mut out = Vec::new();
        for c in s.bytes() {
            let d = dec[c as usize];
            match v {
                None => v = Some(d),
                Some(x) => {
                    let x = x + d * 91;
                    b |= x << n;
                    n += if x & 8191 > 88 { 13 } else { 14 };
                    while n > 7 {
                        out.push(b as u8);
                        b >>= 8;
                        n -= 8;
                    }
                    v = None;
                }
            }
        }
        if let Some(x) = v {
            out.push((b | x << n) as u8);
        }
        out
    }

    #[test]
    fn base91_round_trip() {
        assert_eq!(BASE91.len(), 91);
        assert!(!BASE91.iter().any(|c| matches!(c, b'"' | b'\\' | b'\'')));
        let mut x = 12345u32;
        for len in 0..300 {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (x >> 16) as u8
                })
                .collect();
            assert_eq!(unbase91(&base91(&data)), data, "len {len}");
        }
        for data in [vec![0u8; 50], vec![255u8; 50]] {
            assert_eq!(unbase91(&base91(&data)), data);
        }
        // denser than base64
        assert!(base91(&[7u8; 1300]).len() < 1300 * 4 / 3 * 100 / 107);
    }

    #[test]
    fn gamma_rice_round_trip_and_best_k() {
        let vals = [0u64, 1, 2, 3, 7, 8, 100, 1000, 65_535, 1 << 33];
        let mut b = Bits::default();
        for &v in &vals {
            gamma(&mut b, v);
            for k in [0, 3, 12] {
                if v >> k < 5000 {
                    rice(&mut b, v, k);
                }
            }
        }
        let bytes = b.finish();
        let mut r = R(&bytes, 0);
        for &v in &vals {
            assert_eq!(r.gamma(), v);
            for k in [0, 3, 12] {
                if v >> k < 5000 {
                    assert_eq!(r.rice(k), v, "rice k={k}");
                }
            }
        }
        assert_eq!(best_k(&[0, 0, 0, 1]), 0);
        let big: Vec<u64> = (0..100).map(|i| 1000 + i).collect();
        let k = best_k(&big);
        for other in 0..30 {
            assert!(rice_cost(&big, k) <= rice_cost(&big, other));
        }
    }

    #[test]
    fn transcode_round_trip() {
        // two records: ord 3 (body tf 2 at 5, 9), ord 10 (title tf 1 at 0; body tf 1 at 4)
        let mut docs = Vec::new();
        put_varint(&mut docs, 2);
        put_varint(&mut docs, (3 << 4) | 4);
        put_varint(&mut docs, 2);
        put_varint(&mut docs, (7 << 4) | 5);
        put_varint(&mut docs, 1);
        put_varint(&mut docs, 1);
        let mut pos = Vec::new();
        for d in [5u64, 4, 0, 4] {
            put_varint(&mut pos, d);
        }
        let mut freq = BTreeMap::new();
        count_masks(&docs, &mut freq);
        assert_eq!(freq, BTreeMap::from([(4, 1), (5, 1)]));
        let code = Code::from_freq(&freq);
        let out = transcode(&docs, &pos, &code, true);
        let mut r = R(&out, 0);
        assert_eq!(r.gamma(), 2);
        let kg = r.gamma() as u32;
        let kts: Vec<u32> = (0..4).map(|_| r.gamma() as u32).collect();
        let (ktt, kt) = (kts[0], kts[2]);
        let mask_sym = |r: &mut R| {
            // a two-symbol code: one bit each, 4 before 5 in canonical order
            if r.bit() == 0 {
                4
            } else {
                5
            }
        };
        assert_eq!(r.rice(kg), 3);
        assert_eq!(mask_sym(&mut r), 4);
        assert_eq!(r.rice(kt) + 1, 2);
        assert_eq!(r.rice(kg), 10 - 3 - 1);
        assert_eq!(mask_sym(&mut r), 5);
        assert_eq!(r.rice(ktt) + 1, 1);
        assert_eq!(r.rice(kt) + 1, 1);
        let kp: Vec<u32> = (0..4).map(|_| r.gamma() as u32).collect();
        // (record 3 body, record 10 title, record 10 body)
        let p = vec![r.rice(kp[2]), r.rice(kp[2]), r.rice(kp[0]), r.rice(kp[2])];
        assert_eq!(p, vec![5, 3, 0, 4]);
    }
}
