//! SVG media made inert before they are published. An SVG opened from the
//! portal is a document of its own: a `<script>`, an `onload=` or an
//! external reference in a file someone sent would run or load from the
//! portal's origin (or from a USB stick). Every SVG under `content/media/`
//! passes through [`sanitize`]:
//!
//! - elements are kept only when they are SVG elements of an allow-list
//!   (shapes, text, gradients, filters, `use`, `image`, `a`, `style`…);
//!   `<script>`, `<foreignObject>`, animations (`set`, `animate*`, which
//!   can rewrite `href`), and any XHTML or MathML element are removed with
//!   everything inside them; elements of editor namespaces (Inkscape,
//!   Sodipodi, RDF metadata) are dropped silently;
//! - attributes `on…` (event handlers) and `xml:base` are removed; `href`
//!   and `xlink:href` may only point inside the file (`#id`), to a relative
//!   file, or be an inline `data:image/…` picture;
//! - `style` (attribute or element) may not `@import` or `url(…)` anything
//!   but `#id` or inline images;
//! - the DOCTYPE (entity declarations) and processing instructions (such as
//!   `<?xml-stylesheet?>`) are removed.
//!
//! A file that needs none of this is published byte for byte; a file that
//! is not well-formed XML cannot be checked and is refused.
//!
//! [`sanitize_media`] runs it over `content/media/` for `build` and `check`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use quick_xml_038::events::attributes::Attribute;
use quick_xml_038::events::{BytesStart, Event};
use quick_xml_038::name::{Namespace, QName, ResolveResult};
use quick_xml_038::reader::NsReader;
use quick_xml_038::writer::Writer;

use crate::diag::{Diagnostics, Pos};

const SVG_NS: &[u8] = b"http://www.w3.org/2000/svg";
const XLINK_NS: &[u8] = b"http://www.w3.org/1999/xlink";

/// SVG elements that draw, group, describe or style, and nothing that runs.
const ALLOWED: &[&str] = &[
    "svg",
    "g",
    "defs",
    "symbol",
    "use",
    "title",
    "desc",
    "metadata",
    "switch",
    "view",
    "a",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "textPath",
    "linearGradient",
    "radialGradient",
    "stop",
    "pattern",
    "clipPath",
    "mask",
    "marker",
    "filter",
    "image",
    "style",
    "feBlend",
    "feColorMatrix",
    "feComponentTransfer",
    "feComposite",
    "feConvolveMatrix",
    "feDiffuseLighting",
    "feDisplacementMap",
    "feDistantLight",
    "feDropShadow",
    "feFlood",
    "feFuncA",
    "feFuncB",
    "feFuncG",
    "feFuncR",
    "feGaussianBlur",
    "feImage",
    "feMerge",
    "feMergeNode",
    "feMorphology",
    "feOffset",
    "fePointLight",
    "feSpecularLighting",
    "feSpotLight",
    "feTile",
    "feTurbulence",
];

/// Why an SVG could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum SvgError {
    #[error("SVG 文件不是有效的 XML（{detail}），无法检查其中是否含有脚本，未发布；请用绘图软件重新导出为 SVG，或改用 PNG 图片")]
    Malformed {
        /// Byte offset of the problem in the file.
        offset: usize,
        detail: String,
    },
    #[error("SVG 文件中没有 <svg> 根元素（或缺少 xmlns=\"http://www.w3.org/2000/svg\"），浏览器不会把它当作图片显示，未发布；请用绘图软件重新导出")]
    NotSvg,
}

/// The publishable bytes of an SVG and what was taken out of it (empty
/// when the file is published as it was).
#[derive(Debug)]
pub struct Sanitized {
    pub bytes: Vec<u8>,
    pub removed: Vec<String>,
}

/// Make one SVG file inert (see the module docs).
pub fn sanitize(input: &[u8]) -> Result<Sanitized, SvgError> {
    let mut reader = NsReader::from_reader(input);
    reader.config_mut().check_end_names = true;
    let mut writer = Writer::new(Vec::with_capacity(input.len()));
    let mut removed: Vec<String> = Vec::new();
    let mut changed = false;
    let mut skip_depth = 0usize; // >0: inside a removed element
    let mut in_style = false;
    let mut seen_root = false;
    let mut buf = Vec::new();
    let malformed = |reader: &NsReader<&[u8]>, e: quick_xml_038::Error| SvgError::Malformed {
        offset: reader.error_position() as usize,
        detail: describe_xml_error(&e),
    };
    loop {
        let (ns, ev) = match reader.read_resolved_event_into(&mut buf) {
            Ok((ns, ev)) => (ns_bytes(&ns), ev.into_owned()),
            Err(e) => return Err(malformed(&reader, e)),
        };
        if skip_depth > 0 {
            match ev {
                Event::Start(_) => skip_depth += 1,
                Event::End(_) => skip_depth -= 1,
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
            continue;
        }
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if !seen_root {
                    seen_root = true;
                    if local != "svg" || ns.as_deref() != Some(SVG_NS) {
                        return Err(SvgError::NotSvg);
                    }
                }
                let verdict = judge_element(ns.as_deref(), &local);
                if verdict != Keep::Yes {
                    if verdict == Keep::Reported {
                        note(&mut removed, format!("<{local}>"));
                    }
                    changed = true;
                    if !empty {
                        skip_depth = 1;
                    }
                    buf.clear();
                    continue;
                }
                let (start, dropped) = clean_attributes(&reader, e);
                if !dropped.is_empty() {
                    changed = true;
                    for d in dropped {
                        note(&mut removed, d);
                    }
                }
                in_style = !empty && local == "style";
                let out = if empty {
                    Event::Empty(start)
                } else {
                    Event::Start(start)
                };
                writer.write_event(out).expect("write to Vec");
            }
            Event::End(e) => {
                in_style = false;
                writer.write_event(Event::End(e)).expect("write to Vec");
            }
            Event::Text(ref t) if in_style => {
                let css = t.decode().map(|c| c.into_owned()).unwrap_or_default();
                if let Some(why) = unsafe_css(&css) {
                    note(&mut removed, format!("<style> 中的 {why}"));
                    changed = true;
                } else {
                    writer.write_event(ev).expect("write to Vec");
                }
            }
            Event::CData(ref t) if in_style => {
                let css = String::from_utf8_lossy(t.as_ref()).into_owned();
                if let Some(why) = unsafe_css(&css) {
                    note(&mut removed, format!("<style> 中的 {why}"));
                    changed = true;
                } else {
                    writer.write_event(ev).expect("write to Vec");
                }
            }
            Event::DocType(_) => {
                note(&mut removed, "DOCTYPE 声明".into());
                changed = true;
            }
            Event::PI(_) => {
                note(&mut removed, "处理指令（<?…?>）".into());
                changed = true;
            }
            Event::Eof => break,
            other => writer.write_event(other).expect("write to Vec"),
        }
        buf.clear();
    }
    if !seen_root {
        return Err(SvgError::NotSvg);
    }
    let bytes = if changed {
        writer.into_inner()
    } else {
        input.to_vec()
    };
    Ok(Sanitized { bytes, removed })
}

/// SVG media by extension (`.svgz` too, which is refused).
pub fn is_svg(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg") || e.eq_ignore_ascii_case("svgz"))
}

/// Every SVG of `media` (paths relative to `content/`) made inert, by its
/// media path (`media/images/a.svg`): removals are warnings, a file that
/// cannot be checked is an error (and missing from the result).
pub fn sanitize_media(
    site: &Path,
    media: &[PathBuf],
    diags: &mut Diagnostics,
) -> HashMap<String, Vec<u8>> {
    let results: Vec<(String, Result<Sanitized, String>)> = media
        .par_iter()
        .filter(|m| is_svg(m))
        // Names that break the path rule are reported by the content stage.
        .filter_map(|m| {
            crate::safepath::check_os_relative(m)
                .ok()
                .map(|rel| (m, rel))
        })
        .map(|(m, rel)| {
            let r = if m
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("svgz"))
            {
                Err(
                    "压缩的 SVG（.svgz）无法检查其中是否含有脚本，未发布；请另存为未压缩的 .svg"
                        .to_string(),
                )
            } else {
                std::fs::read(site.join("content").join(m))
                    .map_err(|e| format!("无法读取媒体文件：{e}"))
                    .and_then(|b| sanitize(&b).map_err(|e| e.to_string()))
            };
            (rel, r)
        })
        .collect();
    let mut out = HashMap::new();
    for (rel, r) in results {
        let shown = format!("content/{rel}");
        match r {
            Ok(s) => {
                if !s.removed.is_empty() {
                    diags.warning(
                        &shown,
                        Pos::START,
                        format!(
                            "SVG 图片中可能运行脚本或加载外部内容的部分不会发布，已移除：{}",
                            s.removed.join("、")
                        ),
                    );
                }
                out.insert(rel, s.bytes);
            }
            Err(msg) => diags.error(&shown, Pos::START, msg),
        }
    }
    out
}

#[derive(PartialEq)]
enum Keep {
    Yes,
    /// Removed, and worth telling (it could run or load something).
    Reported,
    /// Removed silently (editor metadata in a namespace of its own).
    Silently,
}

fn judge_element(ns: Option<&[u8]>, local: &str) -> Keep {
    match ns {
        Some(SVG_NS) if ALLOWED.contains(&local) => Keep::Yes,
        Some(SVG_NS) | None => Keep::Reported,
        Some(b"http://www.w3.org/1999/xhtml") | Some(b"http://www.w3.org/1998/Math/MathML") => {
            Keep::Reported
        }
        Some(_) => Keep::Silently,
    }
}

fn ns_bytes(r: &ResolveResult) -> Option<Vec<u8>> {
    match r {
        ResolveResult::Bound(Namespace(n)) => Some(n.to_vec()),
        _ => None,
    }
}

/// The element with its unsafe attributes removed, and a description of
/// each removal.
fn clean_attributes(
    reader: &NsReader<&[u8]>,
    e: &BytesStart,
) -> (BytesStart<'static>, Vec<String>) {
    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let mut out = BytesStart::new(name);
    let mut dropped = Vec::new();
    for a in e.attributes().with_checks(false).flatten() {
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let (ans, local) = reader.resolve_attribute(a.key);
        let local = String::from_utf8_lossy(local.as_ref()).to_ascii_lowercase();
        let value = a
            .unescape_value()
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
        let xlink = matches!(ans, ResolveResult::Bound(Namespace(XLINK_NS)));
        let no_ns = matches!(ans, ResolveResult::Unbound);
        let why = if local.starts_with("on") && (no_ns || !xlink) {
            Some(format!("事件属性 {key}"))
        } else if key.eq_ignore_ascii_case("xml:base") {
            Some("xml:base 属性".to_string())
        } else if local == "href" && (no_ns || xlink) && !safe_href(&value) {
            Some(format!("外部引用 {key}=\"{}\"", short(&value)))
        } else if local == "style" && no_ns {
            unsafe_css(&value).map(|w| format!("style 属性中的 {w}"))
        } else {
            None
        };
        match why {
            Some(w) => dropped.push(w),
            None => out.push_attribute(Attribute {
                key: QName(a.key.as_ref()),
                value: Cow::Borrowed(&a.value),
            }),
        }
    }
    (out.into_owned(), dropped)
}

/// `#id`, a relative file path, or an inline raster picture.
fn safe_href(v: &str) -> bool {
    let v = v.trim();
    let lower = v.to_ascii_lowercase();
    if v.starts_with('#') {
        return true;
    }
    if [
        "data:image/png",
        "data:image/jpeg",
        "data:image/gif",
        "data:image/webp",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
    {
        return true;
    }
    // A scheme (`javascript:`, `http:`), a network path or an absolute path.
    let has_scheme = lower.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    !(has_scheme || v.starts_with('/') || v.starts_with('\\'))
}

/// What in a piece of CSS could load or run something, if anything.
fn unsafe_css(css: &str) -> Option<String> {
    let lower: String = css
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if lower.contains("@import") {
        return Some("@import".into());
    }
    if lower.contains("expression(") || lower.contains("javascript:") {
        return Some("脚本".into());
    }
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("url(") {
        let target = rest[i + 4..].trim_start_matches(['"', '\'']);
        if !(target.starts_with('#')
            || target.starts_with("data:image/png")
            || target.starts_with("data:image/jpeg")
            || target.starts_with("data:image/gif")
            || target.starts_with("data:image/webp"))
        {
            return Some("url(…) 外部引用".into());
        }
        rest = &rest[i + 4..];
    }
    None
}

fn short(s: &str) -> String {
    let mut out: String = crate::text::strip_controls(s).chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

fn note(list: &mut Vec<String>, what: String) {
    if !list.contains(&what) {
        list.push(what);
    }
}

fn describe_xml_error(e: &quick_xml_038::Error) -> String {
    use quick_xml_038::Error as E;
    match e {
        E::Syntax(_) => "标签或属性写法不完整".into(),
        E::IllFormed(_) => "标签没有正确配对或闭合".into(),
        E::Encoding(_) => "含有无法识别的字符编码".into(),
        _ => "无法解析".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> Sanitized {
        sanitize(s.as_bytes()).unwrap()
    }

    const HEAD: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">"#;

    #[test]
    fn clean_files_are_published_byte_for_byte() {
        let s = format!("{HEAD}<title>图</title><rect width=\"1\" style=\"fill:url(#g)\"/><use xlink:href=\"#a\"/></svg>\n");
        let r = run(&s);
        assert!(r.removed.is_empty(), "{:?}", r.removed);
        assert_eq!(r.bytes, s.as_bytes());
    }

    #[test]
    fn scripts_handlers_and_external_references_are_removed() {
        let s = format!(
            "{HEAD}<script>alert(1)</script><rect onload=\"alert(2)\" width=\"1\"/>\
             <h:script xmlns:h=\"http://www.w3.org/1999/xhtml\">alert(3)</h:script>\
             <image href=\"https://evil.example/x.png\"/><a xlink:href=\"javascript:alert(4)\"><text>t</text></a>\
             <foreignObject><iframe/></foreignObject><set attributeName=\"href\" to=\"javascript:x\"/>\
             <style>@import url(https://evil.example/a.css);</style><circle style=\"fill:url(https://x/y)\"/></svg>"
        );
        let r = run(&s);
        let out = String::from_utf8(r.bytes).unwrap();
        for bad in [
            "script",
            "alert",
            "evil",
            "javascript",
            "foreignObject",
            "iframe",
            "<set",
            "@import",
            "https://x",
        ] {
            assert!(!out.contains(bad), "{bad} left in {out}");
        }
        assert!(out.contains("<rect width=\"1\"/>"), "{out}");
        assert!(out.contains("<text>t</text>"), "{out}");
        assert!(
            r.removed.contains(&"<script>".to_string()),
            "{:?}",
            r.removed
        );
        assert!(
            r.removed.iter().any(|x| x == "事件属性 onload"),
            "{:?}",
            r.removed
        );
    }

    #[test]
    fn doctype_entities_and_stylesheets_are_removed() {
        let s = format!("<?xml version=\"1.0\"?><?xml-stylesheet href=\"http://x/a.css\"?><!DOCTYPE svg [<!ENTITY a \"aaaa\">]>{HEAD}<text>x</text></svg>");
        let r = run(&s);
        let out = String::from_utf8(r.bytes).unwrap();
        assert!(
            !out.contains("ENTITY") && !out.contains("stylesheet"),
            "{out}"
        );
        assert!(out.starts_with("<?xml version=\"1.0\"?>"), "{out}");
    }

    #[test]
    fn editor_metadata_goes_silently() {
        let s = format!("{HEAD}<sodipodi:namedview xmlns:sodipodi=\"http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd\"/><rect width=\"2\"/></svg>");
        let r = run(&s);
        assert!(r.removed.is_empty());
        assert!(!String::from_utf8(r.bytes)
            .unwrap()
            .contains("sodipodi:namedview"));
    }

    #[test]
    fn broken_and_foreign_files_are_refused() {
        assert!(matches!(
            sanitize(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>"),
            Err(SvgError::Malformed { .. })
        ));
        assert!(matches!(
            sanitize(b"<html><script>x</script></html>"),
            Err(SvgError::NotSvg)
        ));
        assert!(sanitize(b"\x89PNG\r\n").is_err());
        assert!(matches!(
            sanitize(b"<svg><script>x</script></svg>"),
            Err(SvgError::NotSvg)
        ));
    }
}
