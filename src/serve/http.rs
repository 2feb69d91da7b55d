//! The preview server's request rules, apart from the HTTP machinery
//! (hyper, in [`super::server`]): which `Host` values are answered, how a
//! URL path maps to a file, content types, and byte ranges.
//!
//! Safety: the request path is percent-decoded, must not contain `..`,
//! backslashes or NUL, and the resolved file (symlinks followed) must lie
//! inside the served folder; anything else is 403. Only requests naming
//! this machine in `Host` are answered ([`host_allowed`]), so a web page
//! elsewhere cannot read the preview through DNS rebinding.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// `%XX` decoding to UTF-8; `None` for malformed escapes or invalid UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Where a request path leads inside `root`.
#[derive(Debug, PartialEq)]
pub enum Resolved {
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect, so that the
    /// page's relative links resolve.
    AddSlash,
    Forbidden,
    NotFound,
}

/// Map a decoded URL path to a file inside `root` (see the module doc).
pub fn resolve(root: &Path, url_path: &str) -> Resolved {
    if !url_path.starts_with('/') || url_path.contains(['\\', '\0']) {
        return Resolved::Forbidden;
    }
    let mut rel = PathBuf::new();
    for seg in url_path.split('/').filter(|s| !s.is_empty()) {
        if seg == ".." || seg == "." || seg.contains(':') {
            return Resolved::Forbidden;
        }
        rel.push(seg);
    }
    let Ok(root) = root.canonicalize() else {
        return Resolved::NotFound;
    };
    let mut p = root.join(&rel);
    if p.is_dir() {
        if !url_path.ends_with('/') {
            return Resolved::AddSlash;
        }
        p.push("index.html");
    }
    match p.canonicalize() {
        Ok(real) if real.starts_with(&root) && real.is_file() => Resolved::File(real),
        Ok(real) if !real.starts_with(&root) => Resolved::Forbidden,
        _ => Resolved::NotFound,
    }
}

pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "ogv" => "video/ogg",
        "mov" => "video/quicktime",
        "mp3" => "audio/mpeg",
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "zip" => "application/zip",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// A byte range of a file of `len` bytes, from a `Range` header value
/// (RFC 9110 §14.1.2: `bytes=first-last`, `bytes=first-`, `bytes=-suffix`,
/// positions made of digits only). `Err(())` when it is a valid byte range
/// that cannot be satisfied (416); a header that is not one valid byte range
/// (a sign or other non-digit, several ranges, another unit) is ignored
/// (`Ok(None)`: send the whole file), as RFC 9110 allows. A last position
/// past the end, however many digits it has, means "to the end".
#[allow(clippy::result_unit_err)]
pub fn parse_range(h: &str, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let h = h.trim();
    let Some(spec) = h
        .get(..6)
        .filter(|unit| unit.eq_ignore_ascii_case("bytes="))
        .map(|_| &h[6..])
    else {
        return Ok(None);
    };
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let (Some(first), Some(last)) = (digits(a), digits(b)) else {
        return Ok(None);
    };
    let (start, end) = match (first, last) {
        (None, None) => return Ok(None),
        // The last `n` bytes.
        (None, Some(n)) => {
            if n == 0 || len == 0 {
                return Err(());
            }
            (len.saturating_sub(n), len - 1)
        }
        (Some(s), last) => {
            if let Some(e) = last {
                if e < s {
                    // Not a valid range-spec (RFC 9110: last >= first).
                    return Ok(None);
                }
            }
            let e = last.unwrap_or(u64::MAX).min(len.saturating_sub(1));
            (s, e)
        }
    };
    if len == 0 || start >= len {
        return Err(());
    }
    Ok(Some((start, end)))
}

/// A range position: `Some(None)` for an empty one, `Some(Some(n))` for
/// ASCII digits (saturating at `u64::MAX`: such a position is past the end
/// of any file), `None` for anything else (a sign, a space, a letter).
fn digits(s: &str) -> Option<Option<u64>> {
    if s.is_empty() {
        return Some(None);
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Some(s.bytes().fold(0u64, |n, b| {
        n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    })))
}

/// Whether a request's `Host` (the header's value; `None` when it is
/// missing) names this machine on the served `port`: `localhost`, a
/// loopback address (`127.0.0.1`, `[::1]`), or the address the request
/// arrived at (`local`, for `--bind` to a network address: an address
/// typed as digits cannot be rebound), each with or without `:port`. Any
/// other name could point at this machine through DNS rebinding, so a page
/// on the web could read the preview; such requests are refused.
pub fn host_allowed(host: Option<&str>, port: u16, local: Option<IpAddr>) -> bool {
    let Some(host) = host else {
        return false;
    };
    let (name, port_part) = if let Some(rest) = host.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return false;
        };
        let port_part = match after {
            "" => None,
            p => match p.strip_prefix(':') {
                Some(p) => Some(p),
                None => return false,
            },
        };
        match inside.parse::<std::net::Ipv6Addr>() {
            Ok(ip) => (Name::Ip(IpAddr::V6(ip)), port_part),
            Err(_) => return false,
        }
    } else {
        let (n, p) = match host.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        };
        let name = if n.eq_ignore_ascii_case("localhost") {
            Name::Localhost
        } else {
            match n.parse::<std::net::Ipv4Addr>() {
                Ok(ip) => Name::Ip(IpAddr::V4(ip)),
                Err(_) => return false,
            }
        };
        (name, p)
    };
    if let Some(p) = port_part {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.parse() != Ok(port) {
            return false;
        }
    }
    match name {
        Name::Localhost => true,
        Name::Ip(ip) => ip.is_loopback() || Some(ip) == local,
    }
}

enum Name {
    Localhost,
    Ip(IpAddr),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-99", 1000), Ok(Some((0, 99))));
        assert_eq!(parse_range("bytes=900-", 1000), Ok(Some((900, 999))));
        assert_eq!(parse_range("bytes=-100", 1000), Ok(Some((900, 999))));
        assert_eq!(parse_range("bytes=0-5000", 1000), Ok(Some((0, 999))));
        assert_eq!(parse_range("bytes=1000-", 1000), Err(()));
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), Ok(None));
        assert_eq!(parse_range("items=0-1", 1000), Ok(None));
        assert_eq!(parse_range("Bytes=0-1", 1000), Ok(Some((0, 1))));
        assert_eq!(parse_range("bytes=-0", 1000), Err(()));
        assert_eq!(parse_range("bytes=0-0", 0), Err(()));
        // Not a valid range-spec: ignored, the whole file is sent.
        assert_eq!(parse_range("bytes=5-1", 1000), Ok(None));
        assert_eq!(parse_range("bytes=x-1", 1000), Ok(None));
        assert_eq!(parse_range("bytes=+1-2", 1000), Ok(None));
        assert_eq!(parse_range("bytes=1-+2", 1000), Ok(None));
        assert_eq!(parse_range("bytes=-+2", 1000), Ok(None));
        assert_eq!(parse_range("bytes=-", 1000), Ok(None));
        assert_eq!(parse_range("bytes=1 -2", 1000), Ok(None));
        // Positions beyond u64: an end past the file means to its end, a
        // start past it cannot be satisfied, a suffix longer than the file
        // is the whole file.
        assert_eq!(
            parse_range("bytes=0-99999999999999999999999", 1000),
            Ok(Some((0, 999)))
        );
        assert_eq!(parse_range("bytes=99999999999999999999999-", 1000), Err(()));
        assert_eq!(
            parse_range("bytes=-99999999999999999999999", 1000),
            Ok(Some((0, 999)))
        );
        assert_eq!(parse_range("bytes=18446744073709551615-", 1000), Err(()));
    }

    #[test]
    fn hosts() {
        let ok = |h: &str| host_allowed(Some(h), 4000, None);
        for h in [
            "127.0.0.1",
            "127.0.0.1:4000",
            "localhost",
            "LocalHost:4000",
            "[::1]",
            "[::1]:4000",
        ] {
            assert!(ok(h), "{h}");
        }
        for h in [
            "",
            "evil.example",
            "evil.example:4000",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "127.0.0.1:4001",
            "127.0.0.1:",
            "127.0.0.1:+4000",
            "localhost:4000:4000",
            "[::1]4000",
            "[::1",
            "192.168.1.5:4000",
            "0.0.0.0:4000",
            "[::]:4000",
        ] {
            assert!(!ok(h), "{h}");
        }
        assert!(!host_allowed(None, 4000, None));
        // --bind to a network address: that address, as digits, too.
        let lan: IpAddr = "192.168.1.5".parse().unwrap();
        assert!(host_allowed(Some("192.168.1.5:4000"), 4000, Some(lan)));
        assert!(!host_allowed(Some("192.168.1.6:4000"), 4000, Some(lan)));
        assert!(!host_allowed(Some("rebind.example:4000"), 4000, Some(lan)));
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(
            percent_decode("/%E6%88%90%E6%9E%9C").as_deref(),
            Some("/成果")
        );
        assert_eq!(percent_decode("/%2e%2e/x").as_deref(), Some("/../x"));
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%ff"), None);
    }

    #[test]
    fn resolving_stays_inside() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("root");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("index.html"), "x").unwrap();
        std::fs::write(root.join("sub/index.html"), "x").unwrap();
        std::fs::write(t.path().join("secret.txt"), "s").unwrap();
        assert!(matches!(resolve(&root, "/"), Resolved::File(_)));
        assert_eq!(resolve(&root, "/sub"), Resolved::AddSlash);
        assert!(matches!(resolve(&root, "/sub/"), Resolved::File(_)));
        assert_eq!(resolve(&root, "/../secret.txt"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "/sub/../../secret.txt"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "/..\\secret.txt"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "/nope.html"), Resolved::NotFound);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(t.path().join("secret.txt"), root.join("link.txt")).unwrap();
            assert_eq!(resolve(&root, "/link.txt"), Resolved::Forbidden);
        }
    }
}
