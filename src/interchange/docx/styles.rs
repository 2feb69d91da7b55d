//! Paragraph styles (`word/styles.xml`) and list numbering
//! (`word/numbering.xml`): what a style id means for the structure.
//!
//! A heading level comes from the style's id or name in any of the forms
//! writers use — Word's built-in ids (`Heading1`) and names (`heading 1`),
//! WPS's numeric ids whose name is `heading 1`, localised names (`标题 1`,
//! `Überschrift 1`, `Titre 1`) — or from an outline level (`w:outlineLvl`)
//! on the style; styles inherit through `w:basedOn`. `Title`/`标题`,
//! `Subtitle`/`副标题` and `Caption`/`题注` are recognised the same way.

use std::collections::HashMap;

use super::xml::Element;

/// What a paragraph style says about its paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    Body,
    /// Heading level 1–9.
    Heading(u8),
    Title,
    Subtitle,
    Caption,
    /// A table-of-contents entry (`TOC 1`, `目录 1`): dropped.
    Toc,
}

#[derive(Debug, Clone, Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    bold: Option<bool>,
    num: Option<(String, u8)>,
}

/// The styles of one document.
#[derive(Debug, Default)]
pub struct Styles {
    styles: HashMap<String, Style>,
    /// The default paragraph style (`w:default="1"`), for paragraphs with
    /// no `w:pStyle`.
    default: Option<String>,
}

/// How a list level is numbered.
#[derive(Debug, Default)]
pub struct Numbering {
    /// numId → abstractNumId.
    nums: HashMap<String, String>,
    /// (abstractNumId, level) → ordered?
    levels: HashMap<(String, u8), bool>,
}

impl Numbering {
    pub fn from_xml(root: Option<&Element>) -> Numbering {
        let mut n = Numbering::default();
        let Some(root) = root else { return n };
        for a in root.elements().filter(|e| e.name == "abstractNum") {
            let Some(id) = a.attr("abstractNumId") else {
                continue;
            };
            for l in a.elements().filter(|e| e.name == "lvl") {
                let lvl = l.attr("ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                let fmt = l.child_val("numFmt").unwrap_or("decimal");
                let ordered = !matches!(fmt, "bullet" | "none");
                n.levels.insert((id.to_string(), lvl), ordered);
            }
        }
        for num in root.elements().filter(|e| e.name == "num") {
            if let (Some(id), Some(a)) = (num.attr("numId"), num.child_val("abstractNumId")) {
                n.nums.insert(id.to_string(), a.to_string());
            }
        }
        n
    }

    /// Whether list `num_id` at `level` is ordered (`None`: no such list,
    /// or numbering switched off with numId 0).
    pub fn ordered(&self, num_id: &str, level: u8) -> Option<bool> {
        if num_id == "0" {
            return None;
        }
        let a = self.nums.get(num_id)?;
        Some(
            self.levels
                .get(&(a.clone(), level))
                .copied()
                .unwrap_or(true),
        )
    }
}

/// A name or id compared loosely: lower case, no spaces.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The role a style's id or name has by itself.
fn role_of_name(s: &str) -> Option<Role> {
    let s = squash(s);
    match s.as_str() {
        "title" | "标题" | "titel" | "titre" | "título" => return Some(Role::Title),
        "subtitle" | "副标题" | "untertitel" | "soustitre" => return Some(Role::Subtitle),
        "caption" | "题注" | "beschriftung" | "légende" | "图注" => {
            return Some(Role::Caption)
        }
        _ => {}
    }
    for prefix in ["toc", "目录"] {
        if s.strip_prefix(prefix)
            .is_some_and(|r| r.len() == 1 && r.as_bytes()[0].is_ascii_digit())
        {
            return Some(Role::Toc);
        }
    }
    for prefix in [
        "heading",
        "标题",
        "überschrift",
        "titre",
        "kop",
        "rubrik",
        "otsikko",
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if let Ok(n) = rest.parse::<u8>() {
                if (1..=9).contains(&n) {
                    return Some(Role::Heading(n));
                }
            }
        }
    }
    None
}

impl Styles {
    pub fn from_xml(root: Option<&Element>) -> Styles {
        let mut out = Styles::default();
        let Some(root) = root else { return out };
        for s in root.elements().filter(|e| e.name == "style") {
            if s.attr("type")
                .is_some_and(|t| t != "paragraph" && t != "character")
            {
                continue;
            }
            let Some(id) = s.attr("styleId") else {
                continue;
            };
            let ppr = s.child("pPr");
            let style = Style {
                name: s.child_val("name").unwrap_or("").to_string(),
                based_on: s.child_val("basedOn").map(str::to_string),
                outline: ppr
                    .and_then(|p| p.child_val("outlineLvl"))
                    .and_then(|v| v.parse::<u8>().ok())
                    .filter(|v| *v < 9)
                    .map(|v| v + 1),
                bold: s.child("rPr").and_then(|r| r.toggle("b")),
                num: ppr.and_then(num_pr),
            };
            if s.attr("default").is_some_and(|d| d == "1" || d == "true")
                && s.attr("type") != Some("character")
            {
                out.default = Some(id.to_string());
            }
            out.styles.insert(id.to_string(), style);
        }
        out
    }

    /// The chain of styles from `id` up through `basedOn` (at most 16).
    fn chain<'a>(&'a self, id: Option<&'a str>) -> Vec<(&'a str, &'a Style)> {
        let mut out = Vec::new();
        let mut cur = id.or(self.default.as_deref());
        while let Some(id) = cur {
            if out.len() >= 16 || out.iter().any(|(i, _)| *i == id) {
                break;
            }
            match self.styles.get(id) {
                Some(s) => {
                    out.push((id, s));
                    cur = s.based_on.as_deref();
                }
                None => {
                    // An id with no definition still says what it is.
                    out.push((id, &EMPTY));
                    break;
                }
            }
        }
        out
    }

    /// The role of paragraph style `id` (`None`: no `w:pStyle`).
    pub fn role(&self, id: Option<&str>) -> Role {
        for (sid, s) in self.chain(id) {
            if let Some(r) = role_of_name(&s.name).or_else(|| role_of_name(sid)) {
                return r;
            }
            if let Some(l) = s.outline {
                return Role::Heading(l);
            }
        }
        Role::Body
    }

    /// Whether style `id` makes its text bold.
    pub fn bold(&self, id: Option<&str>) -> bool {
        self.chain(id)
            .into_iter()
            .find_map(|(_, s)| s.bold)
            .unwrap_or(false)
    }

    /// The list numbering a paragraph style carries (`List Number` …).
    pub fn num(&self, id: Option<&str>) -> Option<(String, u8)> {
        self.chain(id).into_iter().find_map(|(_, s)| s.num.clone())
    }
}

static EMPTY: Style = Style {
    name: String::new(),
    based_on: None,
    outline: None,
    bold: None,
    num: None,
};

/// A paragraph's (or paragraph style's) list: `w:numPr`'s numbering id
/// and level, from its `w:pPr`.
pub fn num_pr(ppr: &Element) -> Option<(String, u8)> {
    let n = ppr.child("numPr")?;
    let id = n.child_val("numId")?.to_string();
    let lvl = n
        .child_val("ilvl")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Some((id, lvl))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_many_forms() {
        assert_eq!(role_of_name("Heading1"), Some(Role::Heading(1)));
        assert_eq!(role_of_name("heading 2"), Some(Role::Heading(2)));
        assert_eq!(role_of_name("标题 3"), Some(Role::Heading(3)));
        assert_eq!(role_of_name("标题"), Some(Role::Title));
        assert_eq!(role_of_name("Subtitle"), Some(Role::Subtitle));
        assert_eq!(role_of_name("caption"), Some(Role::Caption));
        assert_eq!(role_of_name("Normal"), None);
        assert_eq!(role_of_name("heading 10"), None);
    }

    #[test]
    fn wps_numeric_ids_and_inheritance() {
        let xml = r#"<w:styles xmlns:w="x">
          <w:style w:type="paragraph" w:default="1" w:styleId="1"><w:name w:val="Normal"/></w:style>
          <w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 1"/><w:basedOn w:val="1"/></w:style>
          <w:style w:type="paragraph" w:styleId="Mine"><w:name w:val="我的节标题"/><w:basedOn w:val="2"/></w:style>
          <w:style w:type="paragraph" w:styleId="Outl"><w:name w:val="x"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>
        </w:styles>"#;
        let root = super::super::xml::parse(xml).unwrap();
        let s = Styles::from_xml(Some(&root));
        assert_eq!(s.role(Some("2")), Role::Heading(1));
        assert_eq!(s.role(Some("Mine")), Role::Heading(1));
        assert_eq!(s.role(Some("Outl")), Role::Heading(2));
        assert!(s.bold(Some("Outl")));
        assert_eq!(s.role(None), Role::Body);
        assert_eq!(s.role(Some("Heading3")), Role::Heading(3));
    }
}
