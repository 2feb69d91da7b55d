//! A small .docx writer for tests/docx_import.rs: zip + the XML Word and
//! WPS write (paragraphs, runs, styles, numbering, tables, pictures,
//! footnotes, hyperlinks), and an exporter of Markdown bodies to .docx for
//! the round trip.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;

pub const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A run: text with bold/italic.
pub fn r(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", esc(text))
}
pub fn rb(text: &str) -> String {
    format!(
        "<w:r><w:rPr><w:b/><w:sz w:val=\"32\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
        esc(text)
    )
}
pub fn ri(text: &str) -> String {
    format!("<w:r><w:rPr><w:i/></w:rPr><w:t>{}</w:t></w:r>", esc(text))
}
/// A paragraph of runs with paragraph properties `ppr` (inner XML).
pub fn pp(ppr: &str, runs: &[String]) -> String {
    format!("<w:p><w:pPr>{ppr}</w:pPr>{}</w:p>", runs.concat())
}
pub fn p(text: &str) -> String {
    pp("", &[r(text)])
}
pub fn styled(style: &str, text: &str) -> String {
    pp(&format!("<w:pStyle w:val=\"{style}\"/>"), &[r(text)])
}
pub fn centered_bold(text: &str) -> String {
    pp("<w:jc w:val=\"center\"/>", &[rb(text)])
}
pub fn right(text: &str) -> String {
    pp("<w:jc w:val=\"right\"/>", &[r(text)])
}
pub fn list_item(num: u32, level: u32, runs: &[String]) -> String {
    pp(
        &format!("<w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{num}\"/></w:numPr>"),
        runs,
    )
}
pub fn picture(rid: &str, descr: &str) -> String {
    // As Word writes it: the DrawingML picture in mc:Choice, a VML copy in
    // mc:Fallback (which must not give a second picture).
    format!(
        "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:inline><wp:extent cx=\"100\" cy=\"100\"/><wp:docPr id=\"1\" name=\"图片 1\" descr=\"{}\"/><a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed=\"{rid}\"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:imagedata r:id=\"{rid}\"/></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>",
        esc(descr)
    )
}
pub fn page_break() -> String {
    "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>".to_string()
}
pub fn cell(text: &str, props: &str) -> String {
    format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", p(text))
}
pub fn row(cells: &[String]) -> String {
    format!("<w:tr>{}</w:tr>", cells.concat())
}
pub fn table(rows: &[String]) -> String {
    format!("<w:tbl><w:tblPr/>{}</w:tbl>", rows.concat())
}

#[derive(Default)]
pub struct Docx {
    pub body: Vec<String>,
    pub styles: Option<String>,
    pub numbering: Option<String>,
    pub footnotes: Vec<(u32, String)>,
    /// (id, target, external)
    pub rels: Vec<(String, String, bool)>,
    pub media: Vec<(String, Vec<u8>)>,
    pub created: Option<String>,
}

impl Docx {
    pub fn new(body: Vec<String>) -> Docx {
        Docx {
            body,
            ..Docx::default()
        }
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
        let mut types = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Default Extension=\"png\" ContentType=\"image/png\"/><Default Extension=\"jpeg\" ContentType=\"image/jpeg\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>");
        types.shrink_to_fit();
        parts.push(("[Content_Types].xml".into(), types.into_bytes()));
        parts.push(("_rels/.rels".into(), String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/></Relationships>").into_bytes()));
        let doc = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\" xmlns:wp=\"wp\" xmlns:a=\"a\" xmlns:pic=\"pic\" xmlns:mc=\"mc\" xmlns:v=\"v\"><w:body>{}<w:sectPr/></w:body></w:document>",
            self.body.concat()
        );
        parts.push(("word/document.xml".into(), doc.into_bytes()));
        let mut rels = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
        for (id, target, ext) in &self.rels {
            rels.push_str(&format!(
                "<Relationship Id=\"{id}\" Type=\"x\" Target=\"{}\"{}/>",
                esc(target),
                if *ext { " TargetMode=\"External\"" } else { "" }
            ));
        }
        rels.push_str("</Relationships>");
        parts.push(("word/_rels/document.xml.rels".into(), rels.into_bytes()));
        if let Some(s) = &self.styles {
            parts.push((
                "word/styles.xml".into(),
                format!("<w:styles xmlns:w=\"{W}\">{s}</w:styles>").into_bytes(),
            ));
        }
        if let Some(n) = &self.numbering {
            parts.push((
                "word/numbering.xml".into(),
                format!("<w:numbering xmlns:w=\"{W}\">{n}</w:numbering>").into_bytes(),
            ));
        }
        if !self.footnotes.is_empty() {
            let mut f = format!("<w:footnotes xmlns:w=\"{W}\"><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>");
            for (id, text) in &self.footnotes {
                f.push_str(&format!(
                    "<w:footnote w:id=\"{id}\">{}</w:footnote>",
                    p(text)
                ));
            }
            f.push_str("</w:footnotes>");
            parts.push(("word/footnotes.xml".into(), f.into_bytes()));
        }
        if let Some(c) = &self.created {
            parts.push(("docProps/core.xml".into(), format!("<cp:coreProperties xmlns:cp=\"cp\" xmlns:dcterms=\"dcterms\"><dcterms:created>{c}</dcterms:created></cp:coreProperties>").into_bytes()));
        }
        for (name, bytes) in &self.media {
            parts.push((format!("word/media/{name}"), bytes.clone()));
        }
        zip_bytes(&parts)
    }

    pub fn write(&self, path: &Path) {
        std::fs::write(path, self.bytes()).unwrap();
    }
}

pub fn zip_bytes(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file(name.as_str(), opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// Word's built-in styles as styles.xml has them.
pub const WORD_STYLES: &str = r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>"#;

/// numId 1: decimal, level 1 bullets; numId 2: bullets.
pub const NUMBERING: &str = r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>"#;

pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A record's Markdown body as Word would hold it: `##` as Heading 1 (and
/// so on), bold and italic runs, links as hyperlinks, lists with
/// numbering, tables, footnotes. Pictures are left out.
pub fn markdown_to_docx(title: &str, md: &str) -> Docx {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut d = Docx::new(vec![styled("Title", title)]);
    d.styles = Some(WORD_STYLES.into());
    d.numbering = Some(NUMBERING.into());
    let mut runs: Vec<String> = Vec::new();
    let (mut bold, mut italic, mut image) = (0, 0, 0);
    let mut link: Option<String> = None;
    let mut lists: Vec<bool> = Vec::new();
    let mut heading: Option<u8> = None;
    let mut note: Option<u32> = None;
    let mut notes: Vec<String> = Vec::new();
    let mut note_text = String::new();
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut rid = 0;
    let flush = |runs: &mut Vec<String>, lists: &[bool], heading: Option<u8>| -> Option<String> {
        if runs.is_empty() {
            return None;
        }
        let ppr = if let Some(h) = heading {
            format!("<w:pStyle w:val=\"Heading{}\"/>", h - 1)
        } else if let Some(ordered) = lists.last() {
            format!(
                "<w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"{}\"/><w:numId w:val=\"{}\"/></w:numPr>",
                lists.len() - 1,
                if *ordered { 1 } else { 2 }
            )
        } else {
            String::new()
        };
        Some(pp(&ppr, &std::mem::take(runs)))
    };
    for ev in Parser::new_ext(
        md,
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH,
    ) {
        let target = &mut runs;
        match ev {
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold -= 1,
            Event::Start(Tag::Emphasis) => italic += 1,
            Event::End(TagEnd::Emphasis) => italic -= 1,
            Event::Start(Tag::Image { .. }) => image += 1,
            Event::End(TagEnd::Image) => image -= 1,
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = dest_url.starts_with("http").then(|| dest_url.to_string())
            }
            Event::End(TagEnd::Link) => link = None,
            Event::Start(Tag::Heading { level, .. }) => heading = Some(level as u8),
            Event::Start(Tag::List(start)) => {
                if let Some(p) = flush(&mut runs, &lists, heading) {
                    d.body.push(p);
                }
                lists.push(start.is_some());
            }
            Event::End(TagEnd::List(_)) => {
                if let Some(p) = flush(&mut runs, &lists, heading) {
                    d.body.push(p);
                }
                lists.pop();
            }
            Event::Start(Tag::FootnoteDefinition(_)) => note = Some(0),
            Event::End(TagEnd::FootnoteDefinition) => {
                note = None;
                notes.push(std::mem::take(&mut note_text));
            }
            Event::FootnoteReference(label) => {
                let id = label.parse::<u32>().unwrap_or(notes.len() as u32 + 100);
                target.push(format!("<w:r><w:footnoteReference w:id=\"{id}\"/></w:r>"));
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item)
                if note.is_none() && table.is_none() =>
            {
                if let Some(p) = flush(&mut runs, &lists, heading) {
                    d.body.push(p);
                }
                heading = None;
            }
            Event::Start(Tag::Table(_)) => table = Some(Vec::new()),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                table.as_mut().unwrap().push(Vec::new())
            }
            Event::End(TagEnd::TableCell) => {
                let cell = format!(
                    "<w:tc><w:p>{}</w:p></w:tc>",
                    std::mem::take(&mut runs).concat()
                );
                table.as_mut().unwrap().last_mut().unwrap().push(cell);
            }
            Event::End(TagEnd::Table) => {
                let rows: Vec<String> = table.take().unwrap().iter().map(|r| row(r)).collect();
                d.body.push(self::table(&rows));
            }
            Event::Text(t) | Event::Code(t) if image == 0 && note.is_some() => {
                note_text.push_str(&t)
            }
            Event::Text(t) | Event::Code(t) if image == 0 => {
                let rpr = format!(
                    "<w:rPr>{}{}</w:rPr>",
                    if bold > 0 { "<w:b/>" } else { "" },
                    if italic > 0 { "<w:i/>" } else { "" }
                );
                let run = format!(
                    "<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
                    esc(&t)
                );
                match &link {
                    Some(url) => {
                        rid += 1;
                        d.rels.push((format!("rIdL{rid}"), url.clone(), true));
                        target.push(format!(
                            "<w:hyperlink r:id=\"rIdL{rid}\">{run}</w:hyperlink>"
                        ));
                    }
                    None => target.push(run),
                }
            }
            Event::SoftBreak => target.push(r(" ")),
            Event::HardBreak => target.push("<w:r><w:br/></w:r>".into()),
            _ => {}
        }
    }
    d.footnotes = notes
        .into_iter()
        .enumerate()
        .map(|(i, n)| (i as u32 + 1, n))
        .collect();
    d
}

/// The text of a Markdown body without white space, picture alt texts and
/// footnote definitions; and the footnote texts.
pub fn text_of(md: &str) -> (String, Vec<String>, Vec<String>) {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let (mut text, mut notes, mut headings) = (String::new(), Vec::new(), Vec::new());
    let (mut image, mut in_note, mut in_heading) = (0, false, false);
    let mut cur = String::new();
    for ev in Parser::new_ext(
        md,
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH,
    ) {
        match ev {
            Event::Start(Tag::Image { .. }) => image += 1,
            Event::End(TagEnd::Image) => image -= 1,
            Event::Start(Tag::FootnoteDefinition(_)) => in_note = true,
            Event::End(TagEnd::FootnoteDefinition) => {
                in_note = false;
                notes.push(std::mem::take(&mut cur));
            }
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                headings.push(std::mem::take(&mut cur));
            }
            Event::Text(t) | Event::Code(t) if image == 0 => {
                let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                if in_note || in_heading {
                    cur.push_str(&t);
                }
                if !in_note {
                    text.push_str(&t);
                }
            }
            _ => {}
        }
    }
    (text, notes, headings)
}
