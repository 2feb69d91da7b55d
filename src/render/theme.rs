//! Themes: the default theme is embedded in the binary; a site's
//! `themes/<name>/templates/*.html` and `themes/<name>/static/*` override it
//! file by file (like mdBook's theme folder).

use std::path::Path;

use crate::diag::{Diagnostics, Pos};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/", $name)) as &[u8])),*]
    };
}

/// Files of the default theme: (path inside the theme, bytes).
pub const DEFAULT_FILES: &[(&str, &[u8])] = embed!(
    "templates/base.html",
    "templates/macros.html",
    "templates/index.html",
    "templates/list.html",
    "templates/outcome.html",
    "templates/holder.html",
    "templates/region.html",
    "templates/case.html",
    "templates/notice.html",
    "templates/page.html",
    "templates/browse.html",
    "templates/taxonomy.html",
    "templates/term.html",
    "templates/matrix.html",
    "templates/search.html",
    "templates/404.html",
    "templates/data.html",
    "templates/stats.html",
    "templates/brief.html",
    "templates/verify.html",
    "static/style.css",
    "static/filter.js",
    "static/search.js",
    "static/favicon.svg",
);

/// A loaded theme: compiled templates and the static files to publish.
pub struct Theme {
    pub tera: tera::Tera,
    /// (path under `static/`, bytes), sorted.
    pub statics: Vec<(String, Vec<u8>)>,
    /// SHA-256 of every file of the theme (templates and statics, by
    /// path): part of every page's memo key ([`crate::incr`]).
    pub hash: crate::incr::Key,
}

/// Load the theme named in `cfg` for `site`; template errors go to `diags`.
pub fn load(site: &Path, cfg: &crate::config::Config, diags: &mut Diagnostics) -> Option<Theme> {
    let name = cfg.theme.as_str();
    let dir = site.join("themes").join(name);
    if name != "default" && !dir.is_dir() {
        // The site's own theme folders, for a misspelt name.
        let mut have: Vec<String> = std::fs::read_dir(site.join("themes"))
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        have.push("default".into());
        have.sort();
        have.dedup();
        diags.error(
            "site.yaml",
            cfg.theme_pos,
            format!(
                "theme 的值“{name}”找不到：没有 themes/{name}/ 文件夹；可用的主题为 {}（default 为内置主题）{}",
                have.join("、"),
                crate::diag::did_you_mean(name, have.iter().map(String::as_str))
            ),
        );
    }
    let mut overridden = std::collections::HashSet::new();
    let mut files: std::collections::BTreeMap<String, Vec<u8>> = DEFAULT_FILES
        .iter()
        .map(|(p, b)| {
            let b = if *p == "static/search.js" {
                compact_js(b)
            } else {
                b.to_vec()
            };
            (p.to_string(), b)
        })
        .collect();
    if dir.is_dir() {
        let mut walk = walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter();
        while let Some(entry) = walk.next() {
            let Ok(entry) = entry else { continue };
            let relp = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            if relp.starts_with("static") && entry.depth() > 1 {
                // Published files: the one path rule, links judged.
                match static_entry(site, name, &entry, diags) {
                    Static::Read => {}
                    Static::Enter | Static::Skip => continue,
                    Static::Refused => {
                        if entry.file_type().is_dir() {
                            walk.skip_current_dir();
                        }
                        continue;
                    }
                }
            } else if !entry.file_type().is_file() {
                continue;
            }
            let rel = relp.to_string_lossy().replace('\\', "/");
            if !(rel.starts_with("templates/") || rel.starts_with("static/")) {
                continue;
            }
            match std::fs::read(entry.path()) {
                Ok(b) => {
                    overridden.insert(rel.clone());
                    files.insert(rel, b);
                }
                Err(e) => diags.error(
                    format!("themes/{name}/{rel}"),
                    Pos::START,
                    format!("无法读取主题文件：{}", crate::diag::io_reason(&e)),
                ),
            }
        }
    }
    let mut h = crate::incr::Hasher::new("theme");
    for (path, bytes) in &files {
        h.str(path).bytes(bytes);
    }
    let hash = h.finish();
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    let mut templates = Vec::new();
    let mut statics = Vec::new();
    for (path, bytes) in files {
        if let Some(t) = path.strip_prefix("templates/") {
            match String::from_utf8(bytes) {
                Ok(s) => templates.push((t.to_string(), s)),
                Err(e) => {
                    // Point at the first byte that is not UTF-8.
                    let off = e.utf8_error().valid_up_to();
                    let good = String::from_utf8_lossy(&e.as_bytes()[..off]).into_owned();
                    diags.error(
                        format!("themes/{name}/{path}"),
                        Pos::from_offset(&good, off),
                        "模板不是 UTF-8 编码（可能是 GBK），从此处起无法识别：请用编辑器以“UTF-8”编码另存",
                    );
                    // Keep the template (lossily) so that pages using it do
                    // not each report it as missing: the build fails anyway.
                    let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    templates.push((t.to_string(), lossy));
                }
            }
        } else if let Some(s) = path.strip_prefix("static/") {
            statics.push((s.to_string(), bytes));
        }
    }
    if let Err(e) = tera.add_raw_templates(templates) {
        let chain = error_chain(&e);
        // tera names the template in quotes and pest gives " --> line:col".
        let file = chain
            .split(['"', '\''])
            .find(|f| f.ends_with(".html") && !f.contains(' '))
            .map(str::to_string);
        let pos = chain
            .find("--> ")
            .and_then(|i| {
                let t = &chain[i + 4..];
                let (l, rest) = t.split_once(':')?;
                let c: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                Some(Pos::new(l.trim().parse().ok()?, c.parse().ok()?))
            })
            .unwrap_or(Pos::START);
        let path = match &file {
            Some(f) if overridden.contains(&format!("templates/{f}")) => {
                format!("themes/{name}/templates/{f}")
            }
            Some(f) => format!("themes/default/templates/{f}"),
            None => format!("themes/{name}/templates"),
        };
        diags.error(
            path,
            pos,
            format!(
                "模板语法错误：{}",
                chain.split_whitespace().collect::<Vec<_>>().join(" ")
            ),
        );
        return None;
    }
    Some(Theme {
        tera,
        statics,
        hash,
    })
}

/// The default search runtime as published: without the lines that hold
/// only a `//` comment, without indentation and empty lines (the search
/// runtime: 44 → 33 KB, loaded by every cold search). Sound for scripts
/// whose strings and templates never span lines, which the default
/// theme's test checks: no token is joined or split, every line break stays.
/// A site's own scripts (and the small `filter.js`) are published as they are.
fn compact_js(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    for line in b.split(|&c| c == b'\n') {
        let t = line.trim_ascii();
        if t.is_empty() || t.starts_with(b"//") {
            continue;
        }
        out.extend_from_slice(t);
        out.push(b'\n');
    }
    out
}

/// What to do with an entry under a theme's `static/`.
enum Static {
    /// A file to publish (a link to a regular file inside `themes/`: its bytes).
    Read,
    /// A folder to enter.
    Enter,
    /// Reported as an error: a bad name (a folder: not entered) or a link.
    Refused,
    /// Neither file nor folder.
    Skip,
}

/// Judge one entry below `themes/<name>/static/`: its name must pass
/// [`crate::safepath`]'s rule (never rewritten); a symbolic link is read
/// as the file it names only when that is a regular file inside `themes/`.
fn static_entry(
    site: &Path,
    name: &str,
    entry: &walkdir::DirEntry,
    diags: &mut Diagnostics,
) -> Static {
    let dir = site.join("themes").join(name);
    let shown_path = || {
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        format!("themes/{name}/{}", rel.to_string_lossy())
    };
    let ft = entry.file_type();
    if let Err(problem) = crate::safepath::check_os_relative(Path::new(entry.file_name())) {
        let what = if ft.is_dir() { "文件夹" } else { "文件" };
        diags.error(
            shown_path(),
            Pos::START,
            format!(
                "{problem}：这样的名字在有的系统上会指向别处或无法创建，不会发布；请给这个{what}改名（可用中文、英文字母、数字、-、_ 和 .）"
            ),
        );
        return Static::Refused;
    }
    if ft.is_symlink() {
        let file = crate::safepath::shown(&entry.file_name().to_string_lossy());
        return match crate::safepath::resolve_link(entry.path(), &site.join("themes"), "themes/") {
            Ok(_) => Static::Read,
            Err(why) => {
                diags.error(
                    shown_path(),
                    Pos::START,
                    format!(
                        "“{file}”是符号链接（快捷方式），{why}，不会发布：请把文件本身复制到主题的 static/ 中"
                    ),
                );
                Static::Refused
            }
        };
    }
    if ft.is_dir() {
        Static::Enter
    } else if ft.is_file() {
        Static::Read
    } else {
        Static::Skip
    }
}

/// Autoescaping for templates: the five characters that matter in HTML text
/// and quoted attributes, the same escaper as search snippets. (tera's
/// default also escapes `/`, which turns every relative link into
/// `..&#x2F;outcomes&#x2F;…`: valid, but heavy.)
///
/// Control characters from content never reach a published page (those of
/// [`crate::text::is_unsafe_control`] are dropped). One pass over the
/// bytes, copying the runs between the characters to change: the output is
/// that of [`crate::search::highlight::escape_html`] after
/// [`crate::text::strip_controls`] (every `{{ }}` of every page goes through
/// here).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let b = s.as_bytes();
    let (mut run, mut i) = (0, 0);
    while i < b.len() {
        // (replacement, bytes it stands for)
        let (rep, n) = match b[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..=0x1f | 0x7f => ("", 1),
            // U+0080–U+009F
            0xc2 if b.get(i + 1).is_some_and(|c| (0x80..=0x9f).contains(c)) => ("", 2),
            // U+FFFE, U+FFFF
            0xef if b.get(i + 1) == Some(&0xbf)
                && b.get(i + 2).is_some_and(|c| *c == 0xbe || *c == 0xbf) =>
            {
                ("", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[run..i]);
        out.push_str(rep);
        i += n;
        run = i;
    }
    out.push_str(&s[run..]);
    out
}

/// A tera error with its causes (tera puts the useful part in `source`).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push('：');
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default scripts meet what [`compact_js`] relies on: no string,
    /// regular expression or template that spans lines (no line ends with
    /// a backslash, no template literal), and compacting keeps every other line.
    #[test]
    fn default_scripts_compact_soundly() {
        for (path, bytes) in DEFAULT_FILES.iter().filter(|(p, _)| p.ends_with(".js")) {
            let text = std::str::from_utf8(bytes).unwrap();
            for (i, line) in text.lines().enumerate() {
                assert!(
                    !line.trim_end().ends_with('\\'),
                    "{path}:{}: line continuation",
                    i + 1
                );
                let code = line.split("//").next().unwrap_or("");
                let outside_quotes: String = code.split('\'').step_by(2).collect();
                assert!(
                    !outside_quotes.contains('`'),
                    "{path}:{}: template literal",
                    i + 1
                );
            }
            let out = String::from_utf8(compact_js(bytes)).unwrap();
            let kept: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("//"))
                .collect();
            assert_eq!(out.lines().collect::<Vec<_>>(), kept, "{path}");
            assert!(out.len() < bytes.len(), "{path}");
        }
    }

    /// The one-pass escaper gives what stripping controls and then
    /// escaping gives.
    #[test]
    fn escape_html_is_strip_controls_then_escape() {
        let cases = [
            "",
            "plain",
            "标题 & <b>\"引号\"</b> 'x'",
            "a\u{1b}[2J\u{7}b\tc\nd\re",
            "\u{0}\u{8}\u{b}\u{c}\u{e}\u{1f}\u{7f}\u{80}\u{85}\u{9f}\u{a0}é",
            "\u{fffd}\u{fffe}\u{ffff}\u{fff0}𝄞&",
            "&&&<<>>",
            "末尾\u{9f}",
        ];
        for c in cases {
            let mut want = String::new();
            crate::search::highlight::escape_html(&crate::text::strip_controls(c), &mut want);
            assert_eq!(super::escape_html(c), want, "{c:?}");
        }
    }
}
