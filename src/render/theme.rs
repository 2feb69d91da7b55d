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
    "templates/verify.html",
    "static/style.css",
    "static/filter.js",
    "static/search.js",
);

/// A loaded theme: compiled templates and the static files to publish.
pub struct Theme {
    pub tera: tera::Tera,
    /// (path under `static/`, bytes), sorted.
    pub statics: Vec<(String, Vec<u8>)>,
}

/// Load the theme named in `cfg` for `site`; template errors go to `diags`.
pub fn load(site: &Path, cfg: &crate::config::Config, diags: &mut Diagnostics) -> Option<Theme> {
    let name = cfg.theme.as_str();
    let dir = site.join("themes").join(name);
    if name != "default" && !dir.is_dir() {
        diags.error(
            "site.yaml",
            cfg.theme_pos,
            format!("找不到主题目录 themes/{name}/"),
        );
    }
    let mut overridden = std::collections::HashSet::new();
    let mut files: std::collections::BTreeMap<String, Vec<u8>> = DEFAULT_FILES
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect();
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            let rel = rel.to_string_lossy().replace('\\', "/");
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
                    format!("无法读取：{e}"),
                ),
            }
        }
    }
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    let mut templates = Vec::new();
    let mut statics = Vec::new();
    for (path, bytes) in files {
        if let Some(t) = path.strip_prefix("templates/") {
            match String::from_utf8(bytes) {
                Ok(s) => templates.push((t.to_string(), s)),
                Err(_) => diags.error(
                    format!("themes/{name}/{path}"),
                    Pos::START,
                    "模板不是 UTF-8 编码",
                ),
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
        diags.error(path, pos, format!("模板错误：{}", chain.replace('\n', " ")));
        return None;
    }
    Some(Theme { tera, statics })
}

/// Autoescaping for templates: the five characters that matter in HTML text
/// and quoted attributes, the same escaper as search snippets. (tera's
/// default also escapes `/`, which turns every relative link into
/// `..&#x2F;outcomes&#x2F;…`: valid, but heavy.)
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    crate::search::highlight::escape_html(s, &mut out);
    out
}

/// A tera error with its causes (tera puts the useful part in `source`).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str("：");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}
