//! Markdown → HTML for record bodies: GFM tables, footnotes, strikethrough,
//! task lists, stable heading ids (Chinese kept), relative links and images
//! resolved against the record's own file and rewritten to output paths,
//! dangerous URLs refused, raw HTML sanitised. Also yields the plain text
//! used by the search stage. Link problems are located in the file.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::content::Kind;
use crate::diag::{Diagnostics, Pos};

/// What a rendered body gives the templates and the search stage.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Plain text, blocks separated by '\n' (shared with the search
    /// documents).
    pub text: std::sync::Arc<str>,
    /// (level, id, text) of h2/h3 headings, for a table of contents.
    pub toc: Vec<(u8, String, String)>,
    /// What `chengguo check` reports beyond errors.
    pub found: Found,
}

/// Facts about a body that are not errors: external addresses, images
/// without alt text, and the records it links to.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// `http(s)://` links (they need the internet to follow).
    pub external: Vec<(Pos, String)>,
    /// Images with empty alt text (screen readers have nothing to say).
    pub no_alt: Vec<Pos>,
    /// Records linked from the body.
    pub records: Vec<(Kind, String)>,
    /// `media/…` files the body shows or links.
    pub media: Vec<String>,
}

/// What link targets exist, to check and rewrite links.
pub trait LinkTargets {
    fn record_exists(&self, kind: Kind, id: &str) -> bool;
    fn media_exists(&self, path: &str) -> bool;
    /// The media file (`media/…`) a wrong path most likely meant: the same
    /// file name (ignoring case), else the closest name; `None` if nothing
    /// is close.
    fn media_guess(&self, _path: &str) -> Option<String> {
        None
    }
    /// The derived files of a picture (`media/…`), when the image stage
    /// replaced it ([`crate::images`]).
    fn image(&self, _media_path: &str) -> Option<&crate::images::Derived> {
        None
    }
}

/// Context of one body: which file it comes from, where its body starts.
pub struct BodyCtx<'a> {
    pub display_path: &'a Path,
    /// Folder of the page relative to the output root ("outcomes"), or "" for the root.
    pub page_dir: &'a str,
    /// Folder of the source file relative to `content/` ("outcomes").
    pub source_dir: &'a str,
    pub body_line: usize,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Render `body`; problems with links go to `diags`.
pub fn render(
    body: &str,
    ctx: &BodyCtx,
    targets: &dyn LinkTargets,
    diags: &mut Diagnostics,
) -> Rendered {
    let mut events: Vec<Event> = Vec::new();
    let mut has_raw_html = false;
    let mut text = String::new();
    let mut heading_start: Option<usize> = None;
    let mut headings: Vec<(usize, usize)> = Vec::new(); // (start event index, end index)
    let mut raw_urls: HashMap<String, String> = HashMap::new();
    let mut footnotes: Vec<String> = Vec::new();
    let mut found = Found::default();
    // Open images: (position, alt text so far, derived picture: index of
    // its start event, the picture, its URL, its title).
    type Pic<'p> = (usize, &'p crate::images::Derived, String, String);
    let mut images: Vec<(Pos, String, Option<Pic>)> = Vec::new();
    // The srcsets written for derived pictures: the only ones sanitising
    // keeps (a srcset in raw HTML could name an external image).
    let mut srcsets: HashSet<String> = HashSet::new();
    let mut nesting = HtmlDepth::default();
    let mut too_deep = false;
    let at = |off: usize| {
        let p = Pos::from_offset(body, off);
        Pos::new(p.line + ctx.body_line - 1, p.col)
    };
    for (ev, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let ev = without_controls(ev);
        let ev = match ev {
            // `<a@b.cn>`: the HTML writer adds `mailto:` itself.
            Event::Start(Tag::Link {
                link_type: LinkType::Email,
                ..
            }) => ev,
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = rewrite(
                    &dest_url,
                    false,
                    ctx,
                    targets,
                    diags,
                    at(range.start),
                    &mut found,
                );
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest.into(),
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let pos = at(range.start);
                let dest = rewrite(&dest_url, true, ctx, targets, diags, pos, &mut found);
                let pic = media_path_of(&dest, ctx.page_dir)
                    .and_then(|m| targets.image(&m))
                    .map(|d| (events.len(), d, dest.clone(), title.to_string()));
                images.push((pos, String::new(), pic));
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest.into(),
                    title,
                    id,
                })
            }
            Event::Html(ref h) | Event::InlineHtml(ref h) => {
                has_raw_html = true;
                if !too_deep {
                    if let Some(off) = nesting.feed(h) {
                        too_deep = true;
                        diags.error(
                            ctx.display_path,
                            at(range.start + off),
                            format!("正文中的 HTML 标签嵌套超过 {MAX_HTML_DEPTH} 层：浏览器无法正常显示，请删去多余的 <div> 等标签（正文一般不需要 HTML，用 Markdown 即可）"),
                        );
                    }
                }
                let lower = h.to_ascii_lowercase();
                if lower.contains("<script")
                    || lower.contains("<iframe")
                    || lower.contains("<object")
                    || lower.contains("<embed")
                    || has_event_handler(&lower)
                {
                    diags.warning(ctx.display_path, at(range.start), "正文中的脚本、事件处理属性或嵌入对象（<script>、onclick= 等 on… 属性、<iframe>、<object>、<embed>）不会发布，已移除；请删去这段 HTML，视频请放到 content/media/ 下用 media 字段引用");
                }
                for off in imgs_without_alt(h) {
                    found.no_alt.push(at(range.start + off));
                }
                // Links and resources in raw HTML follow the same rules as
                // Markdown ones: checked, located, rewritten.
                for (off, attr, value) in url_attributes(h) {
                    let image = attr != "href";
                    let out = rewrite(
                        value,
                        image,
                        ctx,
                        targets,
                        diags,
                        at(range.start + off),
                        &mut found,
                    );
                    raw_urls.insert(value.to_string(), out);
                }
                ev
            }
            Event::End(TagEnd::Image) => {
                match images.pop() {
                    Some((pos, alt, pic)) => {
                        if alt.trim().is_empty() {
                            found.no_alt.push(pos);
                        }
                        match pic {
                            // The picture's own <img>, with its size and srcset.
                            Some((start, d, url, title)) => {
                                events.truncate(start);
                                srcsets.insert(body_srcset(d, ctx.page_dir));
                                Event::InlineHtml(CowStr::from(img_tag(
                                    d,
                                    &url,
                                    &alt,
                                    &title,
                                    ctx.page_dir,
                                )))
                            }
                            None => ev,
                        }
                    }
                    None => ev,
                }
            }
            // A task list's box, labelled for screen readers (pulldown-cmark
            // writes a bare `<input type="checkbox">`).
            Event::TaskListMarker(done) => Event::InlineHtml(CowStr::from(if done {
                "<input type=\"checkbox\" disabled checked aria-label=\"已完成\"> "
            } else {
                "<input type=\"checkbox\" disabled aria-label=\"未完成\"> "
            })),
            Event::Start(Tag::FootnoteDefinition(ref label)) => {
                footnotes.push(label.to_string());
                ev
            }
            Event::Start(Tag::Heading { .. }) => {
                heading_start = Some(events.len());
                ev
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(s) = heading_start.take() {
                    headings.push((s, events.len()));
                }
                ev
            }
            other => other,
        };
        match &ev {
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, alt, _)) = images.last_mut() {
                    alt.push_str(t);
                }
                text.push_str(t)
            }
            Event::SoftBreak => text.push(' '),
            Event::HardBreak => text.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock,
            ) if !text.ends_with('\n') && !text.is_empty() => {
                text.push('\n');
            }
            _ => {}
        }
        events.push(ev);
    }
    // Heading ids: the heading's own text, so Chinese ids are stable and readable.
    // Ids the theme and the footnotes already use on the page are taken.
    let mut used: HashMap<String, usize> = THEME_IDS
        .iter()
        .map(|id| (id.to_string(), 1))
        .chain(footnotes.iter().map(|f| (f.clone(), 1)))
        .collect();
    let mut toc = Vec::new();
    for (s, e) in headings {
        let mut htext = String::new();
        for ev in &events[s + 1..e] {
            if let Event::Text(t) | Event::Code(t) = ev {
                htext.push_str(t);
            }
        }
        let base = heading_id(&htext);
        let n = used.entry(base.clone()).or_insert(0);
        let id = if *n == 0 { base } else { format!("{base}-{n}") };
        *n += 1;
        if let Event::Start(Tag::Heading {
            level,
            id: hid,
            classes,
            attrs,
        }) = &events[s]
        {
            let (level, classes, attrs) = (*level, classes.clone(), attrs.clone());
            let final_id = hid.as_ref().map(|h| h.to_string()).unwrap_or(id);
            if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                toc.push((level as u8, final_id.clone(), htext.trim().to_string()));
            }
            events[s] = Event::Start(Tag::Heading {
                level,
                id: Some(CowStr::from(final_id)),
                classes,
                attrs,
            });
        }
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    if too_deep {
        // Sanitising is quadratic in nesting depth: the raw HTML is dropped
        // (the build fails on the error above anyway).
        events.retain(|e| !matches!(e, Event::Html(_) | Event::InlineHtml(_)));
        has_raw_html = false;
    }
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if has_raw_html {
        html = sanitize(&html, &raw_urls, &srcsets);
    }
    Rendered {
        html,
        text: text.into(),
        toc,
        found,
    }
}

/// `media/…` path of an output URL made by [`rewrite`] for a page in
/// `page_dir`, if it names a media file.
fn media_path_of(url: &str, page_dir: &str) -> Option<String> {
    let rest = url.strip_prefix(&up(page_dir))?;
    let path = rest.split(['#', '?']).next().unwrap_or(rest);
    path.starts_with("media/").then(|| percent_decode(path))
}

/// `sizes` of a body picture: the text column (46em) or the screen.
pub const BODY_SIZES: &str = "(max-width: 760px) calc(100vw - 32px), 736px";

/// The `srcset` of a derived body picture on a page in `page_dir`.
fn body_srcset(d: &crate::images::Derived, page_dir: &str) -> String {
    let root = up(page_dir);
    d.srcset(|p| format!("{root}{}", encode_path(p)))
}

/// The `<img>` of a derived body picture: width and height (no jump while
/// loading), `srcset`, lazy loading.
fn img_tag(
    d: &crate::images::Derived,
    url: &str,
    alt: &str,
    title: &str,
    page_dir: &str,
) -> String {
    use crate::render::theme::escape_html as esc;
    let srcset = body_srcset(d, page_dir);
    let title = if title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", esc(title))
    };
    format!(
        "<img src=\"{}\" alt=\"{}\" width=\"{}\" height=\"{}\" srcset=\"{}\" sizes=\"{BODY_SIZES}\" loading=\"lazy\" decoding=\"async\"{title}>",
        esc(url),
        esc(alt),
        d.width,
        d.height,
        esc(&srcset)
    )
}

/// Deepest raw-HTML element nesting a body may have (browsers stop
/// nesting at 512; HTML parsing, and so sanitising, costs depth × tags).
pub const MAX_HTML_DEPTH: usize = 256;

/// Open-element depth of the raw HTML of one body, fed event by event in
/// one linear scan (void elements, `/>`, comments and declarations do not
/// nest).
#[derive(Default)]
struct HtmlDepth {
    depth: usize,
}

impl HtmlDepth {
    /// Feed one fragment; the byte offset where the depth first exceeds
    /// [`MAX_HTML_DEPTH`], if it does.
    fn feed(&mut self, html: &str) -> Option<usize> {
        const VOID: &[&str] = &[
            "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
            "source", "track", "wbr",
        ];
        let b = html.as_bytes();
        let mut i = 0;
        while let Some(j) = b[i..].iter().position(|&c| c == b'<') {
            let start = i + j;
            let rest = &b[start + 1..];
            let end = rest
                .iter()
                .position(|&c| c == b'>')
                .map_or(b.len(), |k| start + 1 + k);
            if rest.first() == Some(&b'/') {
                self.depth = self.depth.saturating_sub(1);
            } else if rest.first().is_some_and(|c| c.is_ascii_alphabetic()) {
                let name: String = rest
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .map(|&c| (c as char).to_ascii_lowercase())
                    .collect();
                let self_closing = end > start && b.get(end.wrapping_sub(1)) == Some(&b'/');
                if !VOID.contains(&name.as_str()) && !self_closing {
                    self.depth += 1;
                    if self.depth > MAX_HTML_DEPTH {
                        return Some(start);
                    }
                }
            }
            i = (end + 1).min(b.len());
            if i >= b.len() {
                break;
            }
        }
        None
    }
}

/// Text, code and raw HTML events without control characters (ESC, BEL,
/// NUL…): they would reach the published page and the search records.
fn without_controls(ev: Event<'_>) -> Event<'_> {
    use crate::text::{is_unsafe_control, strip_controls};
    let dirty = |t: &str| t.chars().any(is_unsafe_control);
    match ev {
        Event::Text(t) if dirty(&t) => Event::Text(strip_controls(&t).into_owned().into()),
        Event::Code(t) if dirty(&t) => Event::Code(strip_controls(&t).into_owned().into()),
        Event::Html(t) if dirty(&t) => Event::Html(strip_controls(&t).into_owned().into()),
        Event::InlineHtml(t) if dirty(&t) => {
            Event::InlineHtml(strip_controls(&t).into_owned().into())
        }
        other => other,
    }
}

/// Byte offsets of `<img …>` tags in a raw HTML fragment that have no
/// non-empty `alt` attribute.
fn imgs_without_alt(html: &str) -> Vec<usize> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<img") {
        let start = from + i;
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        let has_alt = ["alt=\"", "alt='", "alt="].iter().any(|a| {
            tag.find(a).is_some_and(|k| {
                let v = &tag[k + a.len()..];
                !v.starts_with(['"', '\'', ' ', '/']) && !v.is_empty()
            })
        });
        if !has_alt {
            out.push(start);
        }
        from = end.max(start + 4);
    }
    out
}

/// Element ids the default theme puts on pages next to a body.
pub const THEME_IDS: &[&str] = &[
    "main",
    "q-header",
    "q-hero",
    "h-counts",
    "h-featured",
    "h-cases",
    "h-notices",
    "h-browse",
    "h-media",
    "h-applied",
    "h-related",
    "h-outcomes",
    "h-applies",
    "h-att",
    "list-filters",
    "search-form",
    "search-input",
    "search-status",
    "search-facets",
    "search-results",
    "search-pager",
];

/// `(byte offset of the value, attribute, value)` of every href/src/poster
/// attribute in a raw HTML fragment.
fn url_attributes(html: &str) -> Vec<(usize, &'static str, &str)> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    for attr in ["href", "src", "poster"] {
        let pat = format!("{attr}=");
        let mut from = 0;
        while let Some(i) = lower[from..].find(&pat) {
            let at = from + i;
            from = at + pat.len();
            let before = lower[..at].chars().next_back();
            if !before.is_some_and(|c| c.is_whitespace()) {
                continue; // e.g. data-src=
            }
            let rest = &html[from..];
            let (start, end) = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => match rest[1..].find(q) {
                    Some(e) => (from + 1, from + 1 + e),
                    None => continue,
                },
                Some(_) => {
                    let e = rest
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(rest.len());
                    (from, from + e)
                }
                None => continue,
            };
            out.push((start, attr, &html[start..end]));
        }
    }
    out
}

/// ` onclick=`-style attributes in lower-cased HTML.
fn has_event_handler(lower: &str) -> bool {
    lower.match_indices(" on").any(|(i, _)| {
        let rest = &lower[i + 3..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        !name.is_empty() && rest[name.len()..].trim_start().starts_with('=')
    })
}

/// Id for a heading: lower-cased, whitespace → '-', punctuation dropped,
/// CJK and other letters kept.
pub fn heading_id(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_')
            && !out.ends_with('-')
            && !out.is_empty()
        {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

/// Rewrite a link/image target; report problems; return the output URL.
fn rewrite(
    dest: &str,
    image: bool,
    ctx: &BodyCtx,
    targets: &dyn LinkTargets,
    diags: &mut Diagnostics,
    pos: Pos,
    found: &mut Found,
) -> String {
    let what = if image { "图片" } else { "链接" };
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with('#') {
        return dest.to_string();
    }
    let lower = dest.to_ascii_lowercase();
    if let Some(colon) = lower.find(':') {
        let scheme = &lower[..colon];
        if !scheme.contains('/') && !scheme.contains('?') && !scheme.contains('#') {
            let external_ok = !image && matches!(scheme, "http" | "https" | "mailto" | "tel");
            if external_ok {
                if scheme == "http" || scheme == "https" {
                    found.external.push((pos, dest.to_string()));
                }
                return dest.to_string();
            }
            if image && (scheme == "http" || scheme == "https") {
                diags.error(
                    ctx.display_path,
                    pos,
                    format!("{what}“{dest}”是外部网址：门户不得引用外部资源（需离线可用），请把图片下载后放到 content/media/images/ 下，并用相对本文件的路径引用，如 ../media/images/a.png"),
                );
            } else {
                // Neutralised like a removed <script>: published safely, reported.
                diags.warning(
                    ctx.display_path,
                    pos,
                    format!(
                        "{what}“{dest}”使用了不允许的协议“{scheme}:”，已移除：{}",
                        if image {
                            "图片只能引用 content/media/ 中的文件"
                        } else {
                            "链接只能指向本站文件或 http://、https://、mailto:、tel: 地址"
                        }
                    ),
                );
            }
            return "#".into();
        }
    }
    // Windows habit: `..\media\images\a.jpg`. Read as `/`, with a warning
    // that shows the portable spelling.
    let fixed;
    let dest = if dest.contains('\\') {
        fixed = dest.replace('\\', "/");
        diags.warning(
            ctx.display_path,
            pos,
            format!(
                "{what}路径“{dest}”中的反斜杠“\\”已按“/”处理：网页路径用正斜杠，请写成 {fixed}"
            ),
        );
        fixed.as_str()
    } else {
        dest
    };
    if dest.starts_with('/') {
        diags.error(
            ctx.display_path,
            pos,
            format!("{what}“{dest}”是以 / 开头的绝对路径：从 U 盘打开时会失效，请改为相对本文件的路径，如 {}", if image { "../media/images/a.png" } else { "../outcomes/abc.md" }),
        );
        return "#".into();
    }
    let (path_part, suffix) = match dest.find(['#', '?']) {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    let decoded = percent_decode(path_part);
    // Resolve against the source file's folder.
    let mut parts: Vec<&str> = if ctx.source_dir.is_empty() {
        Vec::new()
    } else {
        ctx.source_dir.split('/').collect()
    };
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    diags.error(
                        ctx.display_path,
                        pos,
                        format!("{what}“{dest}”指向 content/ 文件夹之外（“../”太多）：路径相对本文件所在的文件夹，如 ../media/images/a.png"),
                    );
                    return "#".into();
                }
            }
            s => parts.push(s),
        }
    }
    let resolved = parts.join("/");
    let list_kind = match parts.as_slice() {
        [d] | [d, "index.html"] => Kind::from_dir(d),
        _ => None,
    };
    let out_path = if let Some(kind) = list_kind {
        format!("{}/index.html", kind.dir())
    } else if [
        "index.html",
        "search.html",
        "matrix.html",
        "browse",
        "browse/index.html",
    ]
    .contains(&resolved.as_str())
    {
        if resolved == "browse" {
            "browse/index.html".to_string()
        } else {
            resolved.clone()
        }
    } else if let Some(kind) = parts
        .first()
        .and_then(|d| Kind::from_dir(d))
        .filter(|_| parts.len() == 2)
    {
        let file = parts[1];
        let id = file
            .strip_suffix(".md")
            .or_else(|| file.strip_suffix(".html"));
        match id {
            Some(id) if targets.record_exists(kind, id) => {
                found.records.push((kind, id.to_string()));
                format!("{}/{}.html", kind.dir(), id)
            }
            Some(id) => {
                diags.error(
                    ctx.display_path,
                    pos,
                    format!("{what}“{dest}”指向的{}“{id}”不存在或是草稿（draft: true）：请检查 content/{}/ 下的文件名", kind.label(), kind.dir()),
                );
                return "#".into();
            }
            None => {
                diags.error(
                    ctx.display_path,
                    pos,
                    format!(
                        "{what}“{dest}”不存在：{} 文件夹中只有记录文件，应写成 ../{}/<编号>.md",
                        kind.dir(),
                        kind.dir()
                    ),
                );
                return "#".into();
            }
        }
    } else if resolved.starts_with("media/") && targets.media_exists(&resolved) {
        found.media.push(resolved.clone());
        resolved
    } else if resolved.is_empty() {
        "index.html".into()
    } else if !image && resolved.ends_with(".md") {
        diags.error(
            ctx.display_path,
            pos,
            format!("{what}“{dest}”不存在：记录链接应写成 ../<类别>/<编号>.md，类别为 outcomes、holders、regions、cases、notices、pages 之一"),
        );
        return "#".into();
    } else if let Some(guess) = targets.media_guess(&resolved) {
        let suggest = format!("{}{guess}{suffix}", up(ctx.source_dir));
        diags.error(
            ctx.display_path,
            pos,
            format!("{what}“{dest}”指向的文件不存在（按本文件所在文件夹解析为 content/{resolved}）：是否指 content/{guess}？请写成 {suggest}"),
        );
        return "#".into();
    } else {
        diags.error(
            ctx.display_path,
            pos,
            format!("{what}“{dest}”指向的文件不存在（按本文件所在文件夹解析为 content/{resolved}）：请检查文件名和 ../ 的层数"),
        );
        return "#".into();
    };
    format!("{}{}{}", up(ctx.page_dir), encode_path(&out_path), suffix)
}

/// "../" for each folder level of `dir`.
pub fn up(dir: &str) -> String {
    if dir.is_empty() {
        String::new()
    } else {
        "../".repeat(dir.split('/').count())
    }
}

fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|v| v as u8)
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            ) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Percent-encode what must not appear raw in an href (spaces, quotes, …);
/// non-ASCII stays as is (browsers handle it, also on file://).
pub fn encode_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for c in p.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            '#' => out.push_str("%23"),
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            _ => out.push(c),
        }
    }
    out
}

/// Sanitise HTML produced from a body with raw HTML: scripts, event
/// handlers, styles and javascript: URLs go; our own markup stays.
fn sanitize(html: &str, raw_urls: &HashMap<String, String>, srcsets: &HashSet<String>) -> String {
    let mut b = ammonia::Builder::default();
    let raw_urls = raw_urls.clone();
    let srcsets = srcsets.clone();
    b.attribute_filter(move |_, attr, value| match attr {
        "srcset" => srcsets.contains(value).then(|| value.to_string().into()),
        "href" | "src" | "poster" => Some(
            raw_urls
                .get(value)
                .map_or(value, String::as_str)
                .to_string()
                .into(),
        ),
        _ => Some(value.into()),
    });
    b.add_generic_attributes(["id", "class", "align"])
        .add_tags([
            "input",
            "figure",
            "figcaption",
            "mark",
            "details",
            "summary",
        ])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("td", ["align", "colspan", "rowspan"])
        .add_tag_attributes("th", ["align", "colspan", "rowspan"])
        .add_tag_attributes(
            "img",
            ["width", "height", "loading", "srcset", "sizes", "decoding"],
        )
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some("noopener"));
    b.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    struct T;
    impl LinkTargets for T {
        fn record_exists(&self, kind: Kind, id: &str) -> bool {
            kind == Kind::Outcome && id == "abc"
        }
        fn media_exists(&self, p: &str) -> bool {
            p == "media/images/a.png"
        }
    }

    fn run(md: &str) -> (Rendered, Diagnostics) {
        let path = PathBuf::from("content/cases/x.md");
        let ctx = BodyCtx {
            display_path: &path,
            page_dir: "cases",
            source_dir: "cases",
            body_line: 10,
        };
        let mut d = Diagnostics::new();
        let r = render(md, &ctx, &T, &mut d);
        (r, d)
    }

    #[test]
    fn links_are_rewritten_relative() {
        let (r, d) = run("见[成果](../outcomes/abc.md#创新点)与![图](../media/images/a.png)\n");
        assert!(d.is_empty(), "{:?}", d.sorted());
        // pulldown-cmark percent-encodes the fragment; browsers match it to id="创新点".
        assert!(
            r.html
                .contains(r#"href="../outcomes/abc.html#%E5%88%9B%E6%96%B0%E7%82%B9""#),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r#"src="../media/images/a.png""#),
            "{}",
            r.html
        );
    }

    #[test]
    fn broken_links_are_located() {
        let (_, d) = run("第一行\n\n错误[链接](../outcomes/nope.md)\n");
        let e = d.sorted();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].pos, Pos::new(12, 3));
        assert!(e[0].message.contains("nope"));
    }

    #[test]
    fn scripts_and_js_urls_are_removed() {
        let (r, d) = run("<script>alert(1)</script>\n\n<a href=\"javascript:alert(1)\" onclick=\"x()\">a</a>\n\n[b](javascript:alert(2))\n");
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
        assert!(!r.html.contains("onclick"), "{}", r.html);
        assert!(
            !d.has_errors() && d.warning_count() >= 3,
            "{:?}",
            d.sorted()
        );
    }

    #[test]
    fn headings_get_chinese_ids_and_text_is_plain() {
        let (r, _) = run("## 主要解决的教学问题\n\n正文**加粗**。\n\n## 主要解决的教学问题\n");
        assert!(
            r.html.contains(r#"<h2 id="主要解决的教学问题">"#),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r#"id="主要解决的教学问题-1""#),
            "{}",
            r.html
        );
        assert!(r.text.contains("正文加粗。"));
        assert_eq!(r.toc.len(), 2);
    }

    #[test]
    fn external_images_and_absolute_paths_are_errors() {
        let (_, d) = run("![x](https://example.org/a.png) [y](/outcomes/abc.html)\n");
        assert_eq!(d.error_count(), 2);
    }

    #[test]
    fn percent_escapes_never_panic() {
        for md in [
            "[a](%E5中)",
            "[a](%)",
            "[a](%e)",
            "[a](a%ZZ)",
            "[a](../media/images/a%2Epng)",
            "[a](%FF%FE)",
        ] {
            let _ = run(md);
        }
        let (r, d) = run("![x](../media/images/a%2Epng)");
        assert!(d.is_empty(), "{:?}", d.sorted());
        assert!(r.html.contains("a.png"));
    }

    #[test]
    fn raw_html_urls_are_checked_and_rewritten() {
        let (r, d) = run("<p><a href=\"../outcomes/abc.md\">a</a> <img src=\"https://cdn.example.org/x.png\"> <a data-src=\"x\" href='../outcomes/nope.md'>b</a></p>\n");
        assert!(r.html.contains("../outcomes/abc.html"), "{}", r.html);
        assert!(!r.html.contains("cdn.example.org"), "{}", r.html);
        assert!(!r.html.contains("nope.md"), "{}", r.html);
        assert_eq!(d.error_count(), 2, "{:?}", d.sorted());
    }

    #[test]
    fn heading_ids_avoid_theme_and_footnote_ids() {
        let (r, _) = run("## main\n\n## 1\n\n文[^1]\n\n[^1]: 注\n");
        assert!(r.html.contains(r#"<h2 id="main-1">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h2 id="1-1">"#), "{}", r.html);
    }

    #[test]
    fn list_pages_can_be_linked() {
        let (r, d) = run("[全部成果](../outcomes/) [首页](../index.html)\n");
        assert!(d.is_empty(), "{:?}", d.sorted());
        assert!(
            r.html.contains(r#"href="../outcomes/index.html""#),
            "{}",
            r.html
        );
        assert!(r.html.contains(r#"href="../index.html""#), "{}", r.html);
    }

    #[test]
    fn gfm_features() {
        let (r, _) = run("|a|b|\n|-|-|\n|1|2|\n\n- [x] 完成\n\n~~删~~ 脚注[^1]\n\n[^1]: 注释\n");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("checkbox"));
        assert!(r.html.contains("<del>"));
        assert!(r.html.contains("footnote"));
    }
}
