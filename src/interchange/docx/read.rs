//! The main document part (`word/document.xml`) into a [`Doc`]: paragraphs
//! with their style role, alignment and list level, runs with bold/italic,
//! hyperlinks (from the part's relationships, `w:hyperlink` and HYPERLINK
//! fields), line breaks, pictures, footnote references; tables with their
//! merged cells; footnotes from `word/footnotes.xml`; the creation date from
//! `docProps/core.xml`.
//!
//! Dropped on the way: deleted and moved-away text of tracked changes,
//! hidden text, field instructions, page and column breaks, table-of-
//! contents paragraphs, the `mc:Fallback` copy of every drawing (Word writes
//! each picture twice), bookmarks and every kind of direct formatting other
//! than bold and italic. Text boxes become paragraphs after the paragraph
//! that anchors them.

use std::collections::HashMap;

use super::package::Package;
use super::styles::{Numbering, Role, Styles};
use super::xml::{Element, Node};
use super::DocxError;

#[derive(Debug, Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
    /// Footnote id → its text.
    pub footnotes: HashMap<String, Vec<Inline>>,
    /// `dcterms:created` (else `modified`), `YYYY-MM-DD`.
    pub created: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Block {
    Para(Para),
    Table(Table),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Default)]
pub struct Para {
    pub role: Role,
    pub align: Align,
    /// (ordered, level 0–8) of a list paragraph.
    pub list: Option<(bool, u8)>,
    pub inlines: Vec<Inline>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text {
        text: String,
        bold: bool,
        italic: bool,
        link: Option<String>,
    },
    Break,
    /// A picture: its part in the zip and its alternative text.
    Picture {
        part: String,
        alt: String,
    },
    /// A footnote reference (the footnote's id).
    Note(String),
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VMerge {
    #[default]
    None,
    Restart,
    Continue,
}

#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub paras: Vec<Para>,
    /// Grid columns covered (`w:gridSpan`, at least 1).
    pub span: usize,
    pub vmerge: VMerge,
}

impl Para {
    /// The paragraph's text (pictures and notes left out).
    pub fn text(&self) -> String {
        let mut s = String::new();
        for i in &self.inlines {
            match i {
                Inline::Text { text, .. } => s.push_str(text),
                Inline::Break => s.push('\n'),
                _ => {}
            }
        }
        s
    }

    /// Whether every non-blank character is bold (and there is one).
    pub fn all_bold(&self) -> bool {
        let mut any = false;
        for i in &self.inlines {
            if let Inline::Text { text, bold, .. } = i {
                if !text.trim().is_empty() {
                    if !bold {
                        return false;
                    }
                    any = true;
                }
            }
        }
        any
    }

    pub fn pictures(&self) -> impl Iterator<Item = (&str, &str)> {
        self.inlines.iter().filter_map(|i| match i {
            Inline::Picture { part, alt } => Some((part.as_str(), alt.as_str())),
            _ => None,
        })
    }
}

/// A field (`w:fldChar` begin … end) being read.
#[derive(Debug, Default)]
struct Field {
    instr: String,
    in_result: bool,
    link: Option<String>,
}

struct Ctx<'a> {
    styles: &'a Styles,
    numbering: &'a Numbering,
    rels: &'a HashMap<String, (String, bool)>,
    fields: Vec<Field>,
    /// Paragraphs of text boxes met inside the current paragraph.
    boxed: Vec<Para>,
}

/// Read the whole document of `pkg`.
pub fn read(pkg: &mut Package) -> Result<Doc, DocxError> {
    let Some(main) = pkg.main_part()? else {
        return Err(DocxError::NoDocument {
            path: pkg.path().to_path_buf(),
        });
    };
    let root = pkg.xml(&main)?.ok_or_else(|| DocxError::NoDocument {
        path: pkg.path().to_path_buf(),
    })?;
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let at = |f: &str| {
        if dir.is_empty() {
            f.to_string()
        } else {
            format!("{dir}/{f}")
        }
    };
    let rels = pkg.rels(&main)?;
    // Parts named by relationship type would be more exact; every writer
    // seen (Word, WPS, LibreOffice, pandoc) uses these names.
    let styles = Styles::from_xml(pkg.xml(&at("styles.xml"))?.as_ref());
    let numbering = Numbering::from_xml(pkg.xml(&at("numbering.xml"))?.as_ref());
    let mut ctx = Ctx {
        styles: &styles,
        numbering: &numbering,
        rels: &rels,
        fields: Vec::new(),
        boxed: Vec::new(),
    };
    let mut doc = Doc::default();
    if let Some(body) = root.child("body") {
        blocks(body, &mut ctx, &mut doc.blocks);
    }
    let note_rels = pkg.rels(&at("footnotes.xml"))?;
    if let Some(notes) = pkg.xml(&at("footnotes.xml"))? {
        let mut nctx = Ctx {
            styles: &styles,
            numbering: &numbering,
            rels: &note_rels,
            fields: Vec::new(),
            boxed: Vec::new(),
        };
        for n in notes.elements().filter(|e| e.name == "footnote") {
            if n.attr("type").is_some_and(|t| t != "normal") {
                continue;
            }
            let Some(id) = n.attr("id") else { continue };
            let mut inl = Vec::new();
            for p in n.elements().filter(|e| e.name == "p") {
                if !inl.is_empty() {
                    inl.push(Inline::Break);
                }
                let para = paragraph(p, &mut nctx);
                inl.extend(para.inlines);
            }
            doc.footnotes.insert(id.to_string(), inl);
        }
    }
    if let Some(core) = pkg.xml("docProps/core.xml")? {
        let get = |name: &str| {
            core.elements()
                .find(|e| e.name == name)
                .map(|e| e.text())
                .and_then(|t| iso_date(&t))
        };
        doc.created = get("created").or_else(|| get("modified"));
    }
    Ok(doc)
}

/// `2024-06-18T02:00:00Z` → `2024-06-18`.
fn iso_date(t: &str) -> Option<String> {
    let t = t.trim();
    let d = t.get(..10)?;
    let b = d.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    (ok && !d.starts_with("1601") && !d.starts_with("0000")).then(|| d.to_string())
}

/// Block-level content of `e` (the body, a cell, a text box).
fn blocks(e: &Element, ctx: &mut Ctx, out: &mut Vec<Block>) {
    for c in e.elements() {
        match c.name.as_str() {
            "p" => {
                let p = paragraph(c, ctx);
                let boxed = std::mem::take(&mut ctx.boxed);
                if p.role != Role::Toc {
                    out.push(Block::Para(p));
                }
                out.extend(boxed.into_iter().map(Block::Para));
            }
            "tbl" => out.push(Block::Table(table(c, ctx))),
            "sdt" => {
                if let Some(content) = c.child("sdtContent") {
                    blocks(content, ctx, out);
                }
            }
            "customXml" | "ins" | "moveTo" => blocks(c, ctx, out),
            "AlternateContent" => {
                if let Some(choice) = c.child("Choice") {
                    blocks(choice, ctx, out);
                }
            }
            _ => {}
        }
    }
}

fn table(e: &Element, ctx: &mut Ctx) -> Table {
    let mut t = Table::default();
    let mut rows = Vec::new();
    collect(e, "tr", &mut rows);
    for tr in rows {
        let mut cells = Vec::new();
        collect(tr, "tc", &mut cells);
        let mut row = Vec::new();
        for tc in cells {
            let pr = tc.child("tcPr");
            let span = pr
                .and_then(|p| p.child_val("gridSpan"))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 64);
            let vmerge = match pr.and_then(|p| p.child("vMerge")) {
                None => VMerge::None,
                Some(v) if v.attr("val") == Some("restart") => VMerge::Restart,
                Some(_) => VMerge::Continue,
            };
            let mut inner = Vec::new();
            blocks(tc, ctx, &mut inner);
            let mut paras = Vec::new();
            flatten(inner, &mut paras);
            row.push(Cell {
                paras,
                span,
                vmerge,
            });
        }
        t.rows.push(row);
    }
    t
}

/// Paragraphs of blocks, nested tables read row by row.
fn flatten(blocks: Vec<Block>, out: &mut Vec<Para>) {
    for b in blocks {
        match b {
            Block::Para(p) => out.push(p),
            Block::Table(t) => {
                for row in t.rows {
                    for c in row {
                        out.extend(c.paras);
                    }
                }
            }
        }
    }
}

/// Children `name` of `e`, looking through content controls and custom XML.
fn collect<'a>(e: &'a Element, name: &str, out: &mut Vec<&'a Element>) {
    for c in e.elements() {
        if c.name == name {
            out.push(c);
        } else if matches!(c.name.as_str(), "sdt" | "sdtContent" | "customXml") {
            collect(c, name, out);
        }
    }
}

fn paragraph(p: &Element, ctx: &mut Ctx) -> Para {
    let ppr = p.child("pPr");
    let style = ppr.and_then(|x| x.child_val("pStyle"));
    let mut role = ctx.styles.role(style);
    if role == Role::Body {
        if let Some(l) = ppr
            .and_then(|x| x.child_val("outlineLvl"))
            .and_then(|v| v.parse::<u8>().ok())
            .filter(|v| *v < 9)
        {
            role = Role::Heading(l + 1);
        }
    }
    let align = match ppr.and_then(|x| x.child_val("jc")) {
        Some("center") => Align::Center,
        Some("right" | "end") => Align::Right,
        _ => Align::Left,
    };
    let num = ppr
        .and_then(super::styles::num_pr)
        .or_else(|| ctx.styles.num(style));
    let list = match (role, num) {
        (Role::Body, Some((id, lvl))) => ctx.numbering.ordered(&id, lvl).map(|o| (o, lvl.min(8))),
        _ => None,
    };
    let style_bold = ctx.styles.bold(style);
    let mut para = Para {
        role,
        align,
        list,
        inlines: Vec::new(),
    };
    let mut fmt = Fmt {
        bold: style_bold,
        italic: false,
        link: None,
    };
    inlines(p, ctx, &mut fmt, &mut para.inlines);
    para
}

#[derive(Clone)]
struct Fmt {
    bold: bool,
    italic: bool,
    link: Option<String>,
}

/// Inline content of a paragraph (or of a hyperlink, field, inserted run …).
fn inlines(e: &Element, ctx: &mut Ctx, fmt: &mut Fmt, out: &mut Vec<Inline>) {
    for c in e.elements() {
        match c.name.as_str() {
            "r" => run(c, ctx, fmt, out),
            "hyperlink" => {
                let link = c
                    .attr("id")
                    .and_then(|id| ctx.rels.get(id))
                    .filter(|(_, ext)| *ext)
                    .map(|(t, _)| t.clone());
                let mut f = fmt.clone();
                if link.is_some() {
                    f.link = link;
                }
                inlines(c, ctx, &mut f, out);
            }
            "fldSimple" => {
                let mut f = fmt.clone();
                if let Some(l) = c.attr("instr").and_then(hyperlink_instr) {
                    f.link = Some(l);
                }
                inlines(c, ctx, &mut f, out);
            }
            "ins" | "moveTo" | "smartTag" | "customXml" | "bdo" | "dir" => {
                inlines(c, ctx, fmt, out)
            }
            "sdt" => {
                if let Some(content) = c.child("sdtContent") {
                    inlines(content, ctx, fmt, out);
                }
            }
            "AlternateContent" => {
                if let Some(choice) = c.child("Choice") {
                    inlines(choice, ctx, fmt, out);
                }
            }
            "oMath" | "oMathPara" => push_text(out, &c.text(), fmt),
            _ => {}
        }
    }
}

/// `HYPERLINK "https://…" \o "tip"` → the URL (`\l` anchors are dropped).
fn hyperlink_instr(instr: &str) -> Option<String> {
    let rest = instr.trim().strip_prefix("HYPERLINK")?.trim();
    if rest.starts_with("\\l") {
        return None;
    }
    let url = if let Some(r) = rest.strip_prefix('"') {
        r.split('"').next()?
    } else {
        rest.split_whitespace().next()?
    };
    (!url.is_empty()).then(|| url.to_string())
}

fn push_text(out: &mut Vec<Inline>, t: &str, fmt: &Fmt) {
    if t.is_empty() {
        return;
    }
    if let Some(Inline::Text {
        text,
        bold,
        italic,
        link,
    }) = out.last_mut()
    {
        if *bold == fmt.bold && *italic == fmt.italic && *link == fmt.link {
            text.push_str(t);
            return;
        }
    }
    out.push(Inline::Text {
        text: t.to_string(),
        bold: fmt.bold,
        italic: fmt.italic,
        link: fmt.link.clone(),
    });
}

fn run(r: &Element, ctx: &mut Ctx, outer: &Fmt, out: &mut Vec<Inline>) {
    let rpr = r.child("rPr");
    if rpr.and_then(|p| p.toggle("vanish")) == Some(true) {
        return;
    }
    let rstyle = rpr.and_then(|p| p.child_val("rStyle"));
    let strong =
        rstyle.is_some_and(|s| s.eq_ignore_ascii_case("strong") || ctx.styles.bold(Some(s)));
    let mut fmt = Fmt {
        bold: rpr
            .and_then(|p| p.toggle("b"))
            .unwrap_or(outer.bold || strong),
        italic: rpr.and_then(|p| p.toggle("i")).unwrap_or(outer.italic),
        link: outer.link.clone(),
    };
    if fmt.link.is_none() {
        fmt.link = ctx
            .fields
            .iter()
            .rev()
            .find(|f| f.in_result && f.link.is_some())
            .and_then(|f| f.link.clone());
    }
    // Inside a field's instruction part nothing is text.
    let in_instr = ctx.fields.last().is_some_and(|f| !f.in_result);
    for c in r.elements() {
        match c.name.as_str() {
            "fldChar" => match c.attr("fldCharType") {
                Some("begin") => ctx.fields.push(Field::default()),
                Some("separate") => {
                    if let Some(f) = ctx.fields.last_mut() {
                        f.in_result = true;
                        f.link = hyperlink_instr(&f.instr);
                    }
                }
                Some("end") => {
                    ctx.fields.pop();
                }
                _ => {}
            },
            "instrText" => {
                if let Some(f) = ctx.fields.last_mut() {
                    if f.instr.len() < 4096 {
                        f.instr.push_str(&c.text());
                    }
                }
            }
            _ if in_instr || ctx.fields.last().is_some_and(|f| !f.in_result) => {}
            "t" => push_text(out, &c.text(), &fmt),
            "tab" | "ptab" => push_text(out, " ", &fmt),
            "noBreakHyphen" => push_text(out, "-", &fmt),
            "br" if !matches!(c.attr("type"), Some("page" | "column")) => out.push(Inline::Break),
            "cr" => out.push(Inline::Break),
            "footnoteReference" => {
                if let Some(id) = c.attr("id") {
                    out.push(Inline::Note(id.to_string()));
                }
            }
            "drawing" | "pict" | "object" => picture(c, ctx, out),
            "AlternateContent" => {
                if let Some(choice) = c.child("Choice") {
                    let wrapper = Element {
                        name: "r".into(),
                        attrs: Vec::new(),
                        children: vec![Node::Element(Element {
                            name: "rPr".into(),
                            attrs: Vec::new(),
                            children: rpr.map(|p| p.children.clone()).unwrap_or_default(),
                        })]
                        .into_iter()
                        .chain(choice.children.iter().cloned())
                        .collect(),
                    };
                    run(&wrapper, ctx, outer, out);
                }
            }
            _ => {}
        }
    }
}

/// Pictures of a `w:drawing` (DrawingML `a:blip r:embed`) or `w:pict`
/// (VML `v:imagedata r:id`); text boxes inside become paragraphs.
fn picture(e: &Element, ctx: &mut Ctx, out: &mut Vec<Inline>) {
    let mut boxes = Vec::new();
    e.descendants("txbxContent", &mut boxes);
    for b in boxes {
        let mut inner = Vec::new();
        blocks(b, ctx, &mut inner);
        let mut paras = Vec::new();
        flatten(inner, &mut paras);
        ctx.boxed.extend(paras);
    }
    let mut alt = String::new();
    let mut props = Vec::new();
    e.descendants("docPr", &mut props);
    if let Some(p) = props.first() {
        alt = p
            .attr("descr")
            .filter(|d| !d.trim().is_empty())
            .or(p.attr("title"))
            .unwrap_or("")
            .trim()
            .to_string();
    }
    let mut found = Vec::new();
    e.descendants("blip", &mut found);
    let mut ids: Vec<&str> = found.iter().filter_map(|b| b.attr("embed")).collect();
    if ids.is_empty() {
        let mut vml = Vec::new();
        e.descendants("imagedata", &mut vml);
        ids = vml.iter().filter_map(|b| b.attr("id")).collect();
    }
    for id in ids {
        if let Some((part, false)) = ctx.rels.get(id) {
            out.push(Inline::Picture {
                part: part.clone(),
                alt: alt.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_urls_and_dates() {
        assert_eq!(
            hyperlink_instr(" HYPERLINK \"https://x.cn/a\" \\o \"t\" ").as_deref(),
            Some("https://x.cn/a")
        );
        assert_eq!(hyperlink_instr("HYPERLINK \\l \"_Toc1\""), None);
        assert_eq!(hyperlink_instr("PAGE"), None);
        assert_eq!(
            iso_date("2024-06-18T02:00:00Z").as_deref(),
            Some("2024-06-18")
        );
        assert_eq!(iso_date("1601-01-01T00:00:00Z"), None);
        assert_eq!(iso_date("x"), None);
    }
}
