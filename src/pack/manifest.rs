//! The manifest (`校验清单.sha256`) of a packed portal: every file of the top
//! folder except the manifest itself, with its SHA-256 and size.
//!
//! Format (plain UTF-8, `\n` line ends, no BOM), compatible with
//! `sha256sum -c` (which skips lines starting with `#`):
//!
//! ```text
//! # comment lines …
//! <64 hex>  <path>            one per file, sorted by path
//! #size <bytes>  <path>       one per file, same order
//! #end <64 hex>               SHA-256 of every byte before this line
//! ```
//!
//! Paths are relative to the folder holding the manifest, `/`-separated.
//! The `#end` line lets `verify` tell a damaged manifest from damaged files.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

/// File name of the manifest at the root of the packed top folder.
pub const FILE: &str = "校验清单.sha256";

/// One file of the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path relative to the top folder, `/`-separated.
    pub path: String,
    pub size: u64,
    /// Lower-case hex SHA-256.
    pub sha256: String,
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(H[(b >> 4) as usize] as char);
        s.push(H[(b & 15) as usize] as char);
    }
    s
}

/// SHA-256 and length of everything `r` yields.
pub fn hash_reader(mut r: impl Read) -> std::io::Result<(String, u64)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut n = 0u64;
    loop {
        let k = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((hex(&h.finalize()), n))
}

/// SHA-256 and length of a file.
pub fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    hash_reader(std::fs::File::open(path)?)
}

/// A path can go into the manifest (and sha256sum's format) as is: no line
/// breaks, no backslash (sha256sum would escape it), not empty.
pub fn path_ok(p: &str) -> bool {
    !p.is_empty() && !p.contains(['\n', '\r', '\\'])
}

/// The manifest text for `entries` (sorted here by path).
pub fn format(entries: &[Entry], title: &str) -> String {
    let mut e: Vec<&Entry> = entries.iter().collect();
    e.sort_by(|a, b| a.path.cmp(&b.path));
    let total: u64 = e.iter().map(|x| x.size).sum();
    let mut s = String::new();
    s.push_str("# chengguo 校验清单 v1\n");
    s.push_str(&format!("# {}（U 盘版）\n", one_line(title)));
    s.push_str(&format!("# 共 {} 个文件，{} 字节\n", e.len(), total));
    s.push_str("# 校验方法：chengguo verify <本文件所在的文件夹>\n");
    s.push_str("# 也可用标准工具：在本文件所在的文件夹中运行 sha256sum -c 校验清单.sha256\n");
    s.push_str("# 格式：每个文件一行“SHA-256  路径”；随后每个文件一行“#size 字节数  路径”；\n");
    s.push_str("#       最后一行“#end SHA-256”是此前全部内容的校验值。\n");
    for x in &e {
        s.push_str(&format!("{}  {}\n", x.sha256, x.path));
    }
    for x in &e {
        s.push_str(&format!("#size {}  {}\n", x.size, x.path));
    }
    let end = hex(&Sha256::digest(s.as_bytes()));
    s.push_str(&format!("#end {end}\n"));
    s
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// A parsed manifest.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Files, in manifest order.
    pub entries: Vec<Entry>,
    /// Problems with the manifest itself (Chinese, with line numbers).
    pub problems: Vec<String>,
}

/// Parse a manifest. Never fails: what cannot be understood is reported in
/// `problems` (a damaged manifest is itself something `verify` must report).
pub fn parse(bytes: &[u8]) -> Parsed {
    let mut out = Parsed::default();
    let Ok(text) = std::str::from_utf8(bytes) else {
        out.problems
            .push("校验清单不是有效的 UTF-8 文本（清单文件已损坏）".into());
        return out;
    };
    let mut hashes: Vec<(String, String, usize)> = Vec::new();
    let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
    let mut end: Option<(String, usize)> = None;
    let mut offset = 0usize;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line_no = i + 1;
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches('\n').trim_end_matches('\r');
        if let Some(rest) = line.strip_prefix("#end ") {
            let ok = hex(&Sha256::digest(&bytes[..start])) == rest.trim();
            end = Some((rest.trim().to_string(), line_no));
            if !ok {
                out.problems
                    .push("校验清单本身已损坏（末行 #end 校验值与内容不符）".into());
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("#size ") {
            match rest.split_once("  ") {
                Some((n, p)) if n.parse::<u64>().is_ok() => {
                    sizes.insert(p.to_string(), n.parse().unwrap_or(0));
                }
                _ => out.problems.push(format!(
                    "校验清单第 {line_no} 行无法识别：{}",
                    crate::safepath::shown(line)
                )),
            }
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        match line.split_once("  ") {
            Some((h, p))
                if h.len() == 64 && h.bytes().all(|c| c.is_ascii_hexdigit()) && !p.is_empty() =>
            {
                hashes.push((h.to_ascii_lowercase(), p.to_string(), line_no));
            }
            _ => out.problems.push(format!(
                "校验清单第 {line_no} 行无法识别：{}",
                crate::safepath::shown(line)
            )),
        }
    }
    if end.is_none() {
        out.problems
            .push("校验清单不完整（缺少末行 #end，文件可能被截断）".into());
    }
    for (h, p, line_no) in hashes {
        match sizes.get(&p) {
            Some(&size) => out.entries.push(Entry {
                path: p,
                size,
                sha256: h,
            }),
            None => {
                out.problems.push(format!(
                    "校验清单第 {line_no} 行的文件 {} 缺少大小（#size 行）",
                    crate::safepath::shown(&p)
                ));
                out.entries.push(Entry {
                    path: p,
                    size: u64::MAX,
                    sha256: h,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(p: &str, s: u64, h: char) -> Entry {
        Entry {
            path: p.into(),
            size: s,
            sha256: std::iter::repeat_n(h, 64).collect(),
        }
    }

    #[test]
    fn round_trip_sorted() {
        let v = vec![e("portal/b.html", 3, 'b'), e("打开门户.html", 10, 'a')];
        let t = format(&v, "门户");
        let p = parse(t.as_bytes());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.entries, v);
        assert!(t.ends_with('\n'));
    }

    #[test]
    fn damaged_manifest_is_reported() {
        let t = format(&[e("a", 1, 'c')], "x");
        // flip one hex digit of the entry
        let bad = t.replacen("cccc", "cccd", 1);
        let p = parse(bad.as_bytes());
        assert!(
            p.problems.iter().any(|x| x.contains("#end")),
            "{:?}",
            p.problems
        );
        // truncated: no #end line
        let cut = &t[..t.len() - 20];
        let p = parse(cut.as_bytes());
        assert!(!p.problems.is_empty());
    }

    #[test]
    fn hashes_known_value() {
        let (h, n) = hash_reader(&b"abc"[..]).unwrap();
        assert_eq!(n, 3);
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
