//! Reading built pages for `pack`: the page title and the URLs in its
//! `href`, `src` and `poster` attributes (of `<a>`, `<img>`, `<video>`,
//! `<source>` … alike), split into external ones (need the internet) and
//! local ones (resolved against the page's folder, for `--no-video`).

/// What one page refers to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PageRefs {
    /// `<title>` without the trailing ` · site title`.
    pub title: String,
    /// Absolute http(s):// and protocol-relative (`//host`) URLs, in page order, deduplicated.
    pub external: Vec<String>,
    /// Local targets, resolved to paths relative to the output root (no query or fragment).
    pub local: Vec<String>,
}

/// Scan one page. `page_path` is its path relative to the output root.
pub fn scan(html: &str, page_path: &str) -> PageRefs {
    let mut r = PageRefs {
        title: title(html),
        ..Default::default()
    };
    let dir = match page_path.rfind('/') {
        Some(i) => &page_path[..i],
        None => "",
    };
    for v in attr_values(html) {
        let v = unescape(&v);
        let lower = v.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") || v.starts_with("//") {
            if !r.external.contains(&v) {
                r.external.push(v);
            }
        } else if !(v.is_empty()
            || v.starts_with('#')
            || lower.starts_with("data:")
            || lower.starts_with("mailto:")
            || lower.starts_with("tel:")
            || lower.starts_with("javascript:")
            || v.contains(':'))
        {
            let clean = v.split(['#', '?']).next().unwrap_or("");
            if let Some(p) = resolve(dir, &percent_decode(clean)) {
                if !r.local.contains(&p) {
                    r.local.push(p);
                }
            }
        }
    }
    r
}

/// The values of every `href=`, `src=` and `poster=` attribute, quoted or not.
fn attr_values(html: &str) -> Vec<String> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // Attribute names are ASCII; look for one preceded by whitespace.
        let rest = &b[i..];
        let name_len = [&b"href"[..], b"src", b"poster"].iter().find_map(|n| {
            (rest.len() > n.len() && rest[..n.len()].eq_ignore_ascii_case(n)).then_some(n.len())
        });
        let preceded = i > 0 && b[i - 1].is_ascii_whitespace();
        if let (Some(n), true) = (name_len, preceded) {
            let mut j = i + n;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < b.len() && b[j] == b'=' {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() {
                    let (start, end) = if b[j] == b'"' || b[j] == b'\'' {
                        let q = b[j];
                        let s = j + 1;
                        let e = b[s..]
                            .iter()
                            .position(|&c| c == q)
                            .map_or(b.len(), |k| s + k);
                        (s, e)
                    } else {
                        let e = b[j..]
                            .iter()
                            .position(|&c| c.is_ascii_whitespace() || c == b'>')
                            .map_or(b.len(), |k| j + k);
                        (j, e)
                    };
                    out.push(String::from_utf8_lossy(&b[start..end]).trim().to_string());
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// The page title, without the site title after the last ` · `.
fn title(html: &str) -> String {
    let Some(s) = html.find("<title>") else {
        return String::new();
    };
    let rest = &html[s + 7..];
    let t = &rest[..rest.find("</title>").unwrap_or(rest.len())];
    let t = unescape(t.trim());
    match t.rsplit_once(" · ") {
        Some((a, _)) => a.to_string(),
        None => t,
    }
}

/// The entities the theme's escaper produces, plus numeric ones.
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &tail[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let n = if let Some(h) = ent.strip_prefix("#x").or(ent.strip_prefix("#X")) {
                        u32::from_str_radix(h, 16).ok()
                    } else {
                        ent.strip_prefix('#').and_then(|d| d.parse().ok())
                    };
                    n.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let h = |c: u8| (c as char).to_digit(16);
            if let (Some(x), Some(y)) = (h(b[i + 1]), h(b[i + 2])) {
                out.push((x * 16 + y) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `dir` + relative `href`, with `.` and `..` folded; None above the root.
fn resolve(dir: &str, href: &str) -> Option<String> {
    let mut parts: Vec<&str> = if href.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_external_and_local_refs() {
        let html = r##"<html><head><title>物理实验 &amp; 教学 · 门户</title>
<link rel="stylesheet" href="../static/style.css"></head><body>
<a href="https://www.moe.gov.cn/a?b=1&amp;c=2">教育部</a>
<video controls poster="../media/images/p.svg"><source src="../media/video/%E5%AE%9E.mp4"></video>
<a href='//cdn.example.org/x.js'>x</a> <a href="#top">top</a> <a href="mailto:a@b.c">m</a>
<img src=../media/a.png alt=x> <p data-src="https://no.example">not an attribute we read</p>
<a href="https://www.moe.gov.cn/a?b=1&amp;c=2">again</a></body></html>"##;
        let r = scan(html, "outcomes/wuli.html");
        assert_eq!(r.title, "物理实验 & 教学");
        assert_eq!(
            r.external,
            vec!["https://www.moe.gov.cn/a?b=1&c=2", "//cdn.example.org/x.js"]
        );
        assert_eq!(
            r.local,
            vec![
                "static/style.css",
                "media/images/p.svg",
                "media/video/实.mp4",
                "media/a.png"
            ]
        );
    }

    #[test]
    fn resolve_stays_inside() {
        assert_eq!(resolve("", "../x"), None);
        assert_eq!(resolve("a/b", "../c/./d.html"), Some("a/c/d.html".into()));
    }
}
