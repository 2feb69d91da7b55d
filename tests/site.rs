//! Integration test of the bundled sample site (repo root; built from a copy
//! so that its search cache never races other builds of the repo): build it with
//! the real binary and check the portal as a browser opening it from disk
//! would see it: every `href`/`src`/`poster` names an existing file
//! (relative, never `/…`, never a bare folder), fragments exist, nothing
//! external is loaded, every record has its page, builds are deterministic
//! and atomic. Only std + tempfile: the HTML attribute scanner is below.

mod common;
use common::*;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Builds of the sample share its search cache folder: one at a time.
static SAMPLE_BUILD: Mutex<()> = Mutex::new(());

/// The bundled sample site (site.yaml, content/, themes/ of the repo root),
/// copied once: a build writes its search cache into the site folder, and
/// other processes building the repo root at the same time would race on
/// it (see `concurrent_builds_of_one_site_all_succeed`).
fn sample_site() -> &'static Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let t = tempfile::tempdir().unwrap();
        fs::copy(repo().join("site.yaml"), t.path().join("site.yaml")).unwrap();
        copy_dir(&repo().join("content"), &t.path().join("content"));
        if repo().join("themes").is_dir() {
            copy_dir(&repo().join("themes"), &t.path().join("themes"));
        }
        t
    })
    .path()
}

fn build_sample(out: &Path) -> Run {
    let _g = SAMPLE_BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let cwd = out.parent().unwrap();
    build(cwd, sample_site(), out)
}

/// The sample portal, built once for the tests that only read it.
fn sample() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        let r = build_sample(&out);
        assert_eq!(r.code, 0, "sample build failed\n{}", r.dump());
        assert!(!r.stderr.contains("错误"), "{}", r.dump());
        (t, out)
    });
    out
}

/// All files under `dir`, relative, with `/` separators, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, acc: &mut Vec<String>) {
        for e in fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                walk(root, &p, acc);
            } else {
                acc.push(
                    p.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|f| (f.clone(), fs::read(dir.join(&f)).unwrap()))
        .collect()
}

// ------------------------------------------------------------ HTML scanner

/// One start tag: lower-case name and attributes (names lower-cased,
/// values entity-decoded), with the line it starts on.
#[derive(Debug, Clone)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    line: usize,
}

impl Tag {
    fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Decode the character references used in attribute values.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(semi) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..semi];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                u32::from_str_radix(&ent[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Scan the start tags of an HTML document. Comments are skipped; the
/// contents of `<script>` and `<style>` are returned separately (raw text).
fn scan_html(html: &str) -> (Vec<Tag>, Vec<String>, Vec<String>) {
    let b = html.as_bytes();
    let mut tags = Vec::new();
    let mut scripts = Vec::new();
    let mut styles = Vec::new();
    let mut i = 0;
    let line_at = |i: usize| html[..i].bytes().filter(|&c| c == b'\n').count() + 1;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        i = start + 1;
        if html[start..].starts_with("<!--") {
            i = html[start..].find("-->").map_or(b.len(), |e| start + e + 3);
            continue;
        }
        if i >= b.len() || !(b[i].is_ascii_alphabetic()) {
            continue; // end tag, doctype, stray '<' in text
        }
        // Tag name.
        let name_end = html[i..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(b.len(), |e| i + e);
        let name = html[i..name_end].to_ascii_lowercase();
        i = name_end;
        let mut attrs = Vec::new();
        // Attributes until '>'.
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let an_end = html[i..]
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
                .map_or(b.len(), |e| i + e);
            let an = html[i..an_end].to_ascii_lowercase();
            i = an_end;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i] as char;
                    let end = html[i + 1..].find(q).map_or(b.len(), |e| i + 1 + e);
                    value = html[i + 1..end].to_string();
                    i = (end + 1).min(b.len());
                } else {
                    let end = html[i..]
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .map_or(b.len(), |e| i + e);
                    value = html[i..end].to_string();
                    i = end;
                }
            }
            if !an.is_empty() {
                attrs.push((an, decode_entities(&value)));
            }
        }
        let line = line_at(start);
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            let end = html[i.min(b.len())..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(b.len(), |e| i + e);
            let body = html[i.min(b.len())..end].to_string();
            if name == "script" {
                scripts.push(body);
            } else {
                styles.push(body);
            }
            i = end;
        }
        tags.push(Tag { name, attrs, line });
    }
    (tags, scripts, styles)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolve `path` (no query, no fragment, percent-decoded) relative to the
/// folder `base` ("" = root). None when it leaves the root.
fn resolve(base: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn scheme_of(url: &str) -> Option<String> {
    let colon = url.find(':')?;
    let s = &url[..colon];
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && s.as_bytes()[0].is_ascii_alphabetic()
    {
        Some(s.to_ascii_lowercase())
    } else {
        None
    }
}

/// Ids defined in a page (`id="…"`), cached per page.
struct Ids {
    root: PathBuf,
    cache: HashMap<String, BTreeSet<String>>,
}

impl Ids {
    fn of(&mut self, page: &str) -> &BTreeSet<String> {
        let root = self.root.clone();
        self.cache.entry(page.to_string()).or_insert_with(|| {
            let html = fs::read_to_string(root.join(page)).unwrap_or_default();
            let (tags, _, _) = scan_html(&html);
            tags.iter()
                .filter_map(|t| t.get("id").map(str::to_string))
                .collect()
        })
    }
}

/// Check every URL of every HTML file (and the `url()`s of CSS), returning
/// one line per problem.
fn check_links(root: &Path) -> Vec<String> {
    check_links_counted(root).0
}

/// Problems and the number of URLs looked at.
fn check_links_counted(root: &Path) -> (Vec<String>, usize) {
    let mut checked = 0;
    let all = files(root);
    let set: BTreeSet<&str> = all.iter().map(String::as_str).collect();
    let dirs: BTreeSet<String> = all
        .iter()
        .flat_map(|f| {
            let parts: Vec<&str> = f.split('/').collect();
            (1..parts.len())
                .map(move |n| parts[..n].join("/"))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut ids = Ids {
        root: root.to_path_buf(),
        cache: HashMap::new(),
    };
    let mut problems = Vec::new();
    for page in all.iter().filter(|f| f.ends_with(".html")) {
        let html = fs::read_to_string(root.join(page)).unwrap();
        let base = page.rsplit_once('/').map_or("", |(d, _)| d);
        let (tags, scripts, styles) = scan_html(&html);
        for t in &tags {
            for (attr, url) in &t.attrs {
                let is_url_attr = matches!(
                    attr.as_str(),
                    "href"
                        | "src"
                        | "poster"
                        | "action"
                        | "formaction"
                        | "data"
                        | "background"
                        | "srcset"
                        | "cite"
                        | "manifest"
                );
                if !is_url_attr {
                    if attr == "style" {
                        for p in css_problems(url, base, &set) {
                            problems.push(format!("{page}:{}: <{}> style: {p}", t.line, t.name));
                        }
                    }
                    continue;
                }
                checked += 1;
                let at = format!("{page}:{}: <{} {attr}=\"{url}\">", t.line, t.name);
                let url = url.trim();
                // Only an <a href> may leave the site, and only to http(s)/mailto/tel.
                let is_anchor = attr == "href" && (t.name == "a" || t.name == "area");
                if url.is_empty() {
                    problems.push(format!("{at}: empty URL"));
                    continue;
                }
                if url.starts_with("//") {
                    problems.push(format!("{at}: protocol-relative URL (external)"));
                    continue;
                }
                if url.starts_with('/') {
                    problems.push(format!(
                        "{at}: absolute path (breaks under a sub-path and on file://)"
                    ));
                    continue;
                }
                if let Some(scheme) = scheme_of(url) {
                    match scheme.as_str() {
                        "http" | "https" if is_anchor => {}
                        "mailto" | "tel" if is_anchor => {}
                        "http" | "https" => problems.push(format!("{at}: external resource")),
                        other => problems.push(format!("{at}: scheme `{other}:` not allowed here")),
                    }
                    continue;
                }
                if attr == "srcset" {
                    // "url 480w, url 960w": every candidate a file of the output.
                    for cand in url.split(", ") {
                        let mut parts = cand.split_whitespace();
                        let (Some(u), Some(w)) = (parts.next(), parts.next()) else {
                            problems
                                .push(format!("{at}: srcset candidate “{cand}” without a width"));
                            continue;
                        };
                        if !w.ends_with('w') || scheme_of(u).is_some() || u.starts_with('/') {
                            problems.push(format!("{at}: srcset candidate “{cand}”"));
                            continue;
                        }
                        match resolve(base, &percent_decode(u)) {
                            Some(r) if set.contains(r.as_str()) => {}
                            _ => {
                                problems.push(format!("{at}: srcset candidate {u} does not exist"))
                            }
                        }
                    }
                    continue;
                }
                if t.name == "link"
                    && t.get("rel")
                        .is_some_and(|r| r.contains("preconnect") || r.contains("dns-prefetch"))
                {
                    problems.push(format!("{at}: preconnect/dns-prefetch"));
                }
                let (no_frag, frag) = match url.split_once('#') {
                    Some((a, f)) => (a, Some(f)),
                    None => (url, None),
                };
                let path = no_frag.split_once('?').map_or(no_frag, |(a, _)| a);
                let target = if path.is_empty() {
                    page.clone()
                } else {
                    if path.ends_with('/') {
                        problems.push(format!("{at}: link to a folder (no file name)"));
                        continue;
                    }
                    match resolve(base, &percent_decode(path)) {
                        None => {
                            problems.push(format!("{at}: leaves the output folder"));
                            continue;
                        }
                        Some(r) if r.is_empty() || dirs.contains(&r) => {
                            problems.push(format!("{at}: link to a folder (no file name)"));
                            continue;
                        }
                        Some(r) if !set.contains(r.as_str()) => {
                            problems.push(format!("{at}: target `{r}` does not exist"));
                            continue;
                        }
                        Some(r) => r,
                    }
                };
                if let Some(f) = frag {
                    let f = percent_decode(f);
                    if !f.is_empty() && target.ends_with(".html") && !ids.of(&target).contains(&f) {
                        problems.push(format!("{at}: no id=\"{f}\" in {target}"));
                    }
                }
            }
        }
        for s in &styles {
            for p in css_problems(s, base, &set) {
                problems.push(format!("{page}: <style>: {p}"));
            }
        }
        for s in &scripts {
            for p in js_problems(s) {
                problems.push(format!("{page}: <script>: {p}"));
            }
        }
    }
    for f in all.iter().filter(|f| f.ends_with(".css")) {
        let css = fs::read_to_string(root.join(f)).unwrap();
        let base = f.rsplit_once('/').map_or("", |(d, _)| d);
        for p in css_problems(&css, base, &set) {
            problems.push(format!("{f}: {p}"));
        }
    }
    for f in all.iter().filter(|f| f.ends_with(".js")) {
        let js = fs::read_to_string(root.join(f)).unwrap();
        for p in js_problems(&js) {
            problems.push(format!("{f}: {p}"));
        }
    }
    (problems, checked)
}

/// `url(…)` and `@import` in CSS: relative and existing, never external.
fn css_problems(css: &str, base: &str, files: &BTreeSet<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let lower = css.to_ascii_lowercase();
    let mut refs: Vec<String> = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("url(") {
        let s = from + i + 4;
        let e = lower[s..].find(')').map_or(lower.len(), |e| s + e);
        refs.push(css[s..e].trim().trim_matches(['"', '\'']).to_string());
        from = e;
    }
    let mut from = 0;
    while let Some(i) = lower[from..].find("@import") {
        let s = from + i + 7;
        let rest = css[s..].trim_start();
        if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let end = rest[1..].find(q).map_or(rest.len(), |e| e + 1);
            refs.push(rest[1..end].to_string());
        }
        from = s;
    }
    for r in refs {
        if r.starts_with("data:") || r.starts_with('#') {
            continue;
        }
        if r.starts_with("//") || scheme_of(&r).is_some() {
            out.push(format!("external CSS reference `{r}`"));
        } else if r.starts_with('/') {
            out.push(format!("absolute CSS reference `{r}`"));
        } else {
            let p = r.split(['?', '#']).next().unwrap_or("");
            match resolve(base, &percent_decode(p)) {
                Some(t) if files.contains(t.as_str()) => {}
                _ => out.push(format!("CSS reference `{r}` does not resolve")),
            }
        }
    }
    out
}

/// A JS string literal that starts with an external URL is a resource the
/// page would load (data shards contain indexed words, never such literals).
fn js_problems(js: &str) -> Vec<String> {
    let mut out = Vec::new();
    for q in ['"', '\'', '`'] {
        for pre in ["http://", "https://", "//"] {
            let needle = format!("{q}{pre}");
            if let Some(i) = js.find(&needle) {
                let snippet: String = js[i..].chars().take(60).collect();
                // `//` after a quote can also start a comment inside a string; only flag hosts.
                if pre == "//" && !snippet[2..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
                    continue;
                }
                out.push(format!("external URL literal {snippet}"));
            }
        }
    }
    let lower = js.to_ascii_lowercase();
    for bad in [
        "cdn.jsdelivr",
        "unpkg.com",
        "cdnjs.",
        "googleapis.com",
        "google-analytics",
        "googletagmanager",
        "baidu.com/hm",
    ] {
        if lower.contains(bad) {
            out.push(format!("third-party host `{bad}`"));
        }
    }
    out
}

// ------------------------------------------------------------ scanner self-test

#[test]
fn scanner_reads_attributes_like_a_browser() {
    let html = "<!-- <a href=\"nope.html\"> -->\n<a class=x href='a&amp;b.html#x%20y' data-k=1>t</a><IMG SRC=pic.png alt=\"a > b\">\n<script src=\"s.js\">var a = \"<a href='z.html'>\";</script><p id=\"&#x4E2D;\">";
    let (tags, scripts, _) = scan_html(html);
    let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["a", "img", "script", "p"]);
    assert_eq!(tags[0].get("href"), Some("a&b.html#x%20y"));
    assert_eq!(tags[0].line, 2);
    assert_eq!(tags[1].get("src"), Some("pic.png"));
    assert_eq!(tags[1].get("alt"), Some("a > b"));
    assert_eq!(tags[3].get("id"), Some("中"));
    assert_eq!(scripts, ["var a = \"<a href='z.html'>\";"]);
    assert_eq!(
        resolve("outcomes", "../media/a.svg").as_deref(),
        Some("media/a.svg")
    );
    assert_eq!(resolve("", "../x.html"), None);
    assert_eq!(percent_decode("%E4%B8%AD"), "中");
    assert_eq!(percent_decode("%中%4"), "%中%4");
}

#[test]
fn link_checker_finds_broken_links() {
    let t = tempfile::tempdir().unwrap();
    let r = t.path();
    fs::create_dir_all(r.join("outcomes")).unwrap();
    fs::write(
        r.join("index.html"),
        "<a href=\"outcomes/a.html#ok\">a</a><a href=\"outcomes/\">d</a><a href=\"/x.html\">x</a>",
    )
    .unwrap();
    fs::write(
        r.join("outcomes/a.html"),
        "<h2 id=\"ok\">x</h2><img src=\"https://cdn.example.org/a.png\"><a href=\"../index.html#missing\">i</a><a href=\"https://example.org/\">ok</a><link rel=\"stylesheet\" href=\"http://x.org/a.css\"><a href=\"b.html\">b</a>",
    )
    .unwrap();
    fs::write(r.join("s.css"), "body{background:url(https://x.org/a.png)}").unwrap();
    let p = check_links(r);
    let joined = p.join("\n");
    assert_eq!(p.len(), 7, "{joined}");
    for needle in [
        "outcomes/\">: link to a folder",
        "/x.html\">: absolute path",
        "cdn.example.org/a.png\">: external resource",
        "no id=\"missing\"",
        "a.css\">: external resource",
        "`outcomes/b.html` does not exist",
        "s.css: external CSS",
    ] {
        assert!(joined.contains(needle), "{needle}\n{joined}");
    }
}

// ------------------------------------------------------------ the sample portal

#[test]
fn every_reference_resolves_and_nothing_is_external() {
    let out = sample();
    let (problems, checked) = check_links_counted(out);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // Not vacuous: ~150 pages with dozens of links each.
    let pages = files(out).iter().filter(|f| f.ends_with(".html")).count();
    assert!(
        pages > 100 && checked > pages * 20,
        "only {checked} URLs in {pages} pages checked"
    );
}

#[test]
fn no_url_is_absolute_or_a_bare_folder_in_any_attribute() {
    // Belt and braces over check_links: raw attribute text, all tags.
    let out = sample();
    for page in files(out).into_iter().filter(|f| f.ends_with(".html")) {
        let html = fs::read_to_string(out.join(&page)).unwrap();
        let (tags, _, _) = scan_html(&html);
        for t in tags {
            for (k, v) in &t.attrs {
                if matches!(k.as_str(), "href" | "src" | "poster" | "action" | "data") {
                    assert!(
                        !v.starts_with('/'),
                        "{page}:{}: <{} {k}=\"{v}\">",
                        t.line,
                        t.name
                    );
                    assert!(
                        !v.ends_with('/') || scheme_of(v).is_some(),
                        "{page}:{}: <{} {k}=\"{v}\">",
                        t.line,
                        t.name
                    );
                }
            }
        }
    }
}

fn content_ids(kind: &str) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(repo().join("content").join(kind))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".md").map(str::to_string))
        .collect();
    v.sort();
    v
}

fn is_draft(kind: &str, id: &str) -> bool {
    let text =
        fs::read_to_string(repo().join("content").join(kind).join(format!("{id}.md"))).unwrap();
    let fm = text.split("\n---").next().unwrap_or("");
    fm.lines().any(|l| l.trim() == "draft: true")
}

#[test]
fn every_kind_has_a_list_page_and_a_page_per_record() {
    let out = sample();
    for kind in [
        "outcomes", "holders", "regions", "cases", "notices", "pages",
    ] {
        assert!(
            out.join(kind).join("index.html").is_file(),
            "{kind}/index.html"
        );
        let ids = content_ids(kind);
        assert!(!ids.is_empty(), "sample has {kind}");
        for id in ids {
            let page = out.join(kind).join(format!("{id}.html"));
            assert_eq!(page.is_file(), !is_draft(kind, &id), "{kind}/{id}.html");
        }
        // And no page without a record.
        for f in fs::read_dir(out.join(kind)).unwrap() {
            let n = f.unwrap().file_name().to_string_lossy().into_owned();
            if let Some(id) = n.strip_suffix(".html") {
                assert!(
                    id == "index"
                        || repo()
                            .join("content")
                            .join(kind)
                            .join(format!("{id}.md"))
                            .is_file(),
                    "{kind}/{n} has no record"
                );
            }
        }
    }
}

#[test]
fn site_pages_exist() {
    let out = sample();
    for page in [
        "index.html",
        "404.html",
        "search.html",
        "matrix.html",
        "browse/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page}");
    }
    // Browse pages by 学段, 学科, 主题, 省份, 获奖年度, 获奖等级 and 东/中/西部.
    let browse = files(&out.join("browse"));
    for facet in [
        "stage", "subject", "theme", "province", "year", "level", "zone",
    ] {
        assert!(
            browse.contains(&format!("{facet}.html")),
            "browse/{facet}.html"
        );
        assert!(
            browse.iter().any(|f| f.starts_with(&format!("{facet}-"))),
            "a browse/{facet}-*.html term page"
        );
    }
    // The sample has eastern and western outcomes (上海, 重庆/广西).
    assert!(
        browse.contains(&"zone-east.html".to_string())
            && browse.contains(&"zone-west.html".to_string())
    );
    // Media copied as is, photos excepted: published as derived files
    // (the image stage; tests/images.rs), never the camera original.
    for m in files(&repo().join("content/media")) {
        if m.ends_with(".jpg") || m.ends_with(".png") {
            let published = fs::read(out.join("media").join(&m)).unwrap();
            assert_ne!(
                published,
                fs::read(repo().join("content/media").join(&m)).unwrap(),
                "media/{m}"
            );
            assert!(!published.windows(4).any(|x| x == b"Exif"), "media/{m}");
            continue;
        }
        assert_eq!(
            fs::read(out.join("media").join(&m)).unwrap(),
            fs::read(repo().join("content/media").join(&m)).unwrap(),
            "media/{m}"
        );
    }
    // Without base_url in site.yaml: no sitemap, no feeds.
    let site_yaml = fs::read_to_string(repo().join("site.yaml")).unwrap();
    if !site_yaml.lines().any(|l| l.starts_with("base_url:")) {
        assert!(
            !out.join("sitemap.xml").exists(),
            "sitemap.xml needs base_url"
        );
        assert!(
            !files(out)
                .iter()
                .any(|f| f.ends_with(".xml") || f.ends_with(".atom")),
            "feeds need base_url"
        );
    }
}

#[test]
fn local_video_has_a_poster_and_documents_download() {
    // Found by scanning, so that a renamed record does not break the test.
    let out = sample();
    let mut videos = 0;
    let mut downloads = 0;
    for page in files(&out.join("outcomes")) {
        let html = fs::read_to_string(out.join("outcomes").join(&page)).unwrap();
        let (tags, _, _) = scan_html(&html);
        for (i, t) in tags.iter().enumerate() {
            if t.name == "video" {
                videos += 1;
                let poster = t.get("poster").unwrap_or_else(|| {
                    panic!("outcomes/{page}:{}: <video> without poster", t.line)
                });
                assert!(
                    out.join("outcomes").join(percent_decode(poster)).is_file(),
                    "poster {poster}"
                );
                let src = t.get("src").map(str::to_string).or_else(|| {
                    tags[i + 1..]
                        .iter()
                        .find(|x| x.name == "source")
                        .and_then(|x| x.get("src").map(str::to_string))
                });
                let src = src.unwrap_or_else(|| panic!("outcomes/{page}: <video> without source"));
                assert!(
                    out.join("outcomes").join(percent_decode(&src)).is_file(),
                    "video {src}"
                );
            }
            if t.name == "a" && t.get("download").is_some() {
                downloads += 1;
            }
        }
    }
    assert!(
        videos >= 1,
        "the sample has a local video (content/media/video/)"
    );
    assert!(downloads >= 1, "documents are download links");
}

#[test]
fn valid_fixture_portal_links_resolve() {
    // The small fixture has body links with anchors, footnotes, sanitised
    // raw HTML and an external <a>: all must resolve too.
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    copy_dir(&repo().join("tests/fixtures/valid"), &site);
    let out = t.path().join("out");
    let r = build(t.path(), &site, &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    let (problems, checked) = check_links_counted(&out);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 500, "{checked}");
}

#[test]
fn concurrent_builds_of_one_site_all_succeed() {
    // Two people (or the authoring server and a person) building the same
    // site at once must not break each other through the shared search cache.
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    fs::create_dir_all(&site).unwrap();
    fs::copy(repo().join("site.yaml"), site.join("site.yaml")).unwrap();
    copy_dir(&repo().join("content"), &site.join("content"));
    if repo().join("themes").is_dir() {
        copy_dir(&repo().join("themes"), &site.join("themes"));
    }
    let handles: Vec<_> = (0..3)
        .map(|i| {
            let site = site.clone();
            let out = t.path().join(format!("out{i}"));
            let cwd = t.path().to_path_buf();
            std::thread::spawn(move || build(&cwd, &site, &out))
        })
        .collect();
    for h in handles {
        let r = h.join().unwrap();
        assert_eq!(r.code, 0, "{}", r.dump());
    }
    let a = tree(&t.path().join("out0"));
    assert!(
        tree(&t.path().join("out1")) == a && tree(&t.path().join("out2")) == a,
        "same output"
    );
}

#[test]
fn ids_are_unique_within_each_page() {
    // Fragment links need unambiguous targets (body headings vs theme ids).
    for out in [sample().to_path_buf()] {
        for page in files(&out).into_iter().filter(|f| f.ends_with(".html")) {
            let html = fs::read_to_string(out.join(&page)).unwrap();
            let (tags, _, _) = scan_html(&html);
            let mut seen = BTreeSet::new();
            for t in &tags {
                if let Some(id) = t.get("id") {
                    assert!(
                        seen.insert(id.to_string()),
                        "{page}:{}: duplicate id=\"{id}\"",
                        t.line
                    );
                }
            }
        }
    }
}

#[test]
fn pages_are_chinese_and_work_without_javascript() {
    let out = sample();
    for page in files(out).into_iter().filter(|f| f.ends_with(".html")) {
        let html = fs::read_to_string(out.join(&page)).unwrap();
        assert!(
            html.contains("lang=\"zh-CN\"") || html.contains("lang=zh-CN"),
            "{page}: lang"
        );
        assert!(
            html.contains("charset=\"utf-8\"")
                || html.to_ascii_lowercase().contains("charset=utf-8")
                || html.to_ascii_lowercase().contains("charset=\"utf-8\""),
            "{page}: charset"
        );
        let (tags, _, _) = scan_html(&html);
        for t in &tags {
            for (k, v) in &t.attrs {
                assert!(
                    !k.starts_with("on"),
                    "{page}:{}: inline handler {k}",
                    t.line
                );
                assert!(
                    !v.to_ascii_lowercase()
                        .trim_start()
                        .starts_with("javascript:"),
                    "{page}:{}: javascript: URL",
                    t.line
                );
            }
        }
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let t = tempfile::tempdir().unwrap();
    let a = t.path().join("a");
    let b = t.path().join("b");
    let r = build_sample(&a);
    assert_eq!(r.code, 0, "{}", r.dump());
    let r = build_sample(&b);
    assert_eq!(r.code, 0, "{}", r.dump());
    let (ta, tb) = (tree(&a), tree(&b));
    let names_a: Vec<&String> = ta.keys().collect();
    let names_b: Vec<&String> = tb.keys().collect();
    assert_eq!(names_a, names_b, "same file list");
    let differing: Vec<&String> = ta
        .iter()
        .filter(|(k, v)| tb.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        differing.is_empty(),
        "files differ between two builds: {differing:?}"
    );
    // Also equal to the shared build made by other tests.
    let tc = tree(sample());
    let differing: Vec<&String> = ta
        .iter()
        .filter(|(k, v)| tc.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        differing.is_empty() && ta.len() == tc.len(),
        "files differ from another build: {differing:?}"
    );
}

#[test]
fn rebuild_removes_stale_files_and_keeps_no_staging() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("public");
    assert_eq!(build_sample(&out).code, 0);
    fs::write(out.join("stale.html"), "<p>old</p>").unwrap();
    fs::create_dir_all(out.join("outcomes/old")).unwrap();
    fs::write(out.join("outcomes/old/x.html"), "old").unwrap();
    fs::write(out.join("outcomes/removed-record.html"), "old").unwrap();
    let r = build_sample(&out);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(!out.join("stale.html").exists());
    assert!(!out.join("outcomes/old").exists());
    assert!(!out.join("outcomes/removed-record.html").exists());
    assert!(out.join("index.html").is_file());
    let mut left: Vec<String> = fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["public"],
        "no staging/old folders next to the output"
    );
}

#[test]
fn output_defaults_to_site_public() {
    // `build SITE_DIR` without -o writes SITE_DIR/public (on a copy of a small site).
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    let r = run(t.path(), &["init".as_ref(), site.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.dump());
    let r = run(
        t.path(),
        &["build".as_ref(), site.as_os_str(), "--no-search".as_ref()],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(site.join("public/index.html").is_file());
    // And `build` with no argument builds the current folder.
    fs::remove_dir_all(site.join("public")).unwrap();
    let r = run(&site, &["build".as_ref(), "--no-search".as_ref()]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(site.join("public/index.html").is_file());
}

#[test]
fn init_then_build_succeeds_and_links_resolve() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("neu");
    let r = run(t.path(), &["init".as_ref(), site.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(r.stdout.contains("已创建入门站点"), "{}", r.dump());
    assert!(site.join("site.yaml").is_file());
    assert!(
        !site.join("themes").exists(),
        "the default theme is embedded, not copied"
    );
    let out = t.path().join("out");
    let r = build(t.path(), &site, &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        !r.stderr.contains("警告") && !r.stderr.contains("错误"),
        "starter site is clean\n{}",
        r.dump()
    );
    for kind in [
        "outcomes", "holders", "regions", "cases", "notices", "pages",
    ] {
        assert!(out.join(kind).join("index.html").is_file(), "{kind}");
    }
    let problems = check_links(&out);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // init refuses to overwrite an existing site.
    let r = run(t.path(), &["init".as_ref(), site.as_os_str()]);
    assert_ne!(r.code, 0, "{}", r.dump());
    assert!(r.stderr.contains("不会覆盖"), "{}", r.dump());
}

#[test]
fn check_on_the_sample_writes_nothing_and_passes() {
    let t = tempfile::tempdir().unwrap();
    let top = || -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(repo())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let public = repo().join("public");
    let before_top = top();
    let before_public = public.exists().then(|| tree(&public));
    let r = run(t.path(), &["check".as_ref(), repo().as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(r.stdout.contains("检查通过"), "{}", r.dump());
    assert!(!r.stderr.contains("错误"), "{}", r.dump());
    let mut left: Vec<String> = fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert!(
        left.is_empty(),
        "check wrote {left:?} into the working folder"
    );
    assert!(
        public.exists().then(|| tree(&public)) == before_public,
        "check touched public/"
    );
    let new: Vec<String> = top()
        .into_iter()
        .filter(|n| !before_top.contains(n))
        .collect();
    assert!(new.is_empty(), "check created {new:?} in the site folder");
}

/// Chinese dual-engine browsers (360, QQ, Sogou) are asked for their
/// Chromium engine (极速模式) on every page: their IE engine cannot run the
/// search or the filters.
#[test]
fn every_page_asks_dual_engine_browsers_for_webkit() {
    let out = sample();
    let pages: Vec<String> = files(out)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() > 100);
    for p in pages {
        let html = fs::read_to_string(out.join(&p)).unwrap();
        let head = &html[..html.find("</head>").unwrap_or(html.len())];
        assert!(
            head.contains(r#"<meta name="renderer" content="webkit">"#)
                && head.contains(r#"<meta http-equiv="X-UA-Compatible" content="IE=edge">"#),
            "{p}"
        );
    }
}

/// Issue 15: `featured: true` on a case puts it in the home page's 推荐案例
/// section (a template field that has no effect is a bug), and cases with
/// a cover show it on their cards.
#[test]
fn featured_cases_are_on_the_home_page_with_their_covers() {
    let out = sample();
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    let i = home
        .find("<h2 id=\"h-featured-cases\">推荐案例</h2>")
        .expect("推荐案例 section");
    let section = &home[i..i + home[i..].find("</section>").unwrap()];
    let featured: Vec<String> = content_ids("cases")
        .into_iter()
        .filter(|id| {
            let t = fs::read_to_string(repo().join(format!("content/cases/{id}.md"))).unwrap();
            t.contains("\nfeatured: true") && !is_draft("cases", id)
        })
        .collect();
    assert!(!featured.is_empty(), "the sample has featured cases");
    for id in &featured {
        assert!(
            section.contains(&format!("href=\"cases/{id}.html\"")),
            "{id} not in 推荐案例"
        );
    }
    assert_eq!(
        section.matches("class=\"card\"").count(),
        featured.len().min(6)
    );
    // Covers on cards: the featured cases with a cover show it.
    assert!(
        section.contains("<img class=\"card-cover\" src=\"media/images/"),
        "{section}"
    );
    let list = fs::read_to_string(out.join("cases/index.html")).unwrap();
    assert!(list.contains("<img class=\"card-cover\" src=\"../media/images/"));
}

/// Issue 15 (point 9) and issue 11 (accessibility): a favicon next to the
/// pages (no request to the server root), distinct labels on the search
/// landmarks, an h2 between a list page's h1 and its cards' h3, and no
/// empty 成果简介 heading on outcome pages.
#[test]
fn favicon_landmark_labels_and_heading_order() {
    let out = sample();
    assert!(out.join("static/favicon.svg").is_file());
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("<link rel=\"icon\" href=\"static/favicon.svg\""));
    let labels: Vec<&str> = home
        .split("role=\"search\" aria-label=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(labels, ["全站搜索", "首页搜索"]);
    let list = fs::read_to_string(out.join("outcomes/index.html")).unwrap();
    let (h1, h2, h3) = (
        list.find("<h1").unwrap(),
        list.find("<h2").unwrap(),
        list.find("<h3").unwrap(),
    );
    assert!(h1 < h2 && h2 < h3, "h1 {h1}, h2 {h2}, h3 {h3}");
    let id = &content_ids("outcomes")[0];
    let page = fs::read_to_string(out.join(format!("outcomes/{id}.html"))).unwrap();
    assert!(!page.contains(">成果简介</h2>"), "empty 成果简介 heading");
}

/// Issue 15 (point 9): `init` makes the folders the guide names, and its
/// home page shows no authoring instructions to readers.
#[test]
fn init_creates_media_folders_and_a_reader_facing_intro() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("site");
    let r = run(t.path(), &["init".as_ref(), dir.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(dir.join("content/media/images").is_dir());
    assert!(dir.join("content/media/docs").is_dir());
    let r = build(t.path(), &dir, &dir.join("public"));
    assert_eq!(r.code, 0, "{}", r.dump());
    let home = fs::read_to_string(dir.join("public/index.html")).unwrap();
    assert!(
        !home.contains("content/"),
        "instructions for authors on the home page"
    );
    assert!(home.contains("推荐案例"), "the starter's featured case");
}
