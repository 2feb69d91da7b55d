//! A small HTTP/1.1 file server for the preview: GET and HEAD on one folder,
//! byte ranges (so `<video>` can seek), UTF-8 content types, and the
//! live-reload endpoints of [`super`]. One thread per connection, one
//! request per connection (`Connection: close`): it serves one author's
//! browser on loopback, not the public.
//!
//! Safety: the request path is percent-decoded, must not contain `..`,
//! backslashes or NUL, and the resolved file (symlinks followed) must lie
//! inside the served folder; anything else is 403.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A parsed request line plus the headers we use.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// Decoded path, without query string.
    pub path: String,
    pub query: String,
    pub range: Option<String>,
}

/// Read one request head (at most 16 KiB).
pub fn read_request(stream: &TcpStream) -> io::Result<Option<Request>> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut r = BufReader::new(stream.take(16 * 1024));
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(None);
    };
    let method = method.to_string();
    let (raw_path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut range = None;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.trim().eq_ignore_ascii_case("range") {
                range = Some(v.trim().to_string());
            }
        }
    }
    let Some(path) = percent_decode(raw_path) else {
        return Ok(Some(Request {
            method,
            path: "\0".into(),
            query: query.into(),
            range,
        }));
    };
    Ok(Some(Request {
        method,
        path,
        query: query.to_string(),
        range,
    }))
}

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

/// A byte range of a file of `len` bytes, from a `Range` header value.
/// `Err(())` when the header is a byte range that cannot be satisfied; a
/// header we do not understand (several ranges, other units) is ignored
/// (`Ok(None)`: send the whole file), as RFC 9110 allows.
#[allow(clippy::result_unit_err)]
pub fn parse_range(h: &str, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = h.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n: u64 = b.parse().map_err(|_| ())?;
        if n == 0 {
            return Err(());
        }
        (len.saturating_sub(n), len.saturating_sub(1))
    } else {
        let s: u64 = a.parse().map_err(|_| ())?;
        let e = if b.is_empty() {
            len.saturating_sub(1)
        } else {
            b.parse::<u64>().map_err(|_| ())?.min(len.saturating_sub(1))
        };
        (s, e)
    };
    if len == 0 || start >= len || start > end {
        return Err(());
    }
    Ok(Some((start, end)))
}

/// Write a complete small response.
pub fn respond(
    mut w: impl Write,
    status: &str,
    ctype: &str,
    body: &[u8],
    head_only: bool,
    extra: &str,
) -> io::Result<()> {
    write!(
        w,
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n{extra}Connection: close\r\n\r\n",
        body.len()
    )?;
    if !head_only {
        w.write_all(body)?;
    }
    w.flush()
}

/// Send a file (or the requested byte range of it), streaming.
pub fn send_file(
    mut w: impl Write,
    path: &Path,
    range: Option<&str>,
    head_only: bool,
) -> io::Result<()> {
    let mut f = File::open(path)?;
    let len = f.metadata()?.len();
    let ctype = content_type(path);
    let (status, start, end) = match range.map(|h| parse_range(h, len)) {
        None | Some(Ok(None)) => ("200 OK", 0, len.saturating_sub(1)),
        Some(Ok(Some((s, e)))) => ("206 Partial Content", s, e),
        Some(Err(())) => {
            return respond(
                w,
                "416 Range Not Satisfiable",
                "text/plain; charset=utf-8",
                "请求的范围无效".as_bytes(),
                head_only,
                &format!("Content-Range: bytes */{len}\r\n"),
            );
        }
    };
    let count = if len == 0 { 0 } else { end - start + 1 };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {count}\r\nAccept-Ranges: bytes\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n"
    );
    if status.starts_with("206") {
        head.push_str(&format!("Content-Range: bytes {start}-{end}/{len}\r\n"));
    }
    head.push_str("\r\n");
    w.write_all(head.as_bytes())?;
    if !head_only && count > 0 {
        f.seek(SeekFrom::Start(start))?;
        io::copy(&mut f.take(count), &mut w)?;
    }
    w.flush()
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
        assert_eq!(parse_range("bytes=5-1", 1000), Err(()));
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), Ok(None));
        assert_eq!(parse_range("items=0-1", 1000), Ok(None));
        assert_eq!(parse_range("bytes=x-1", 1000), Err(()));
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
