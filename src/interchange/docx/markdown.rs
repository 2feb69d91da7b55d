//! An [`Article`]'s body as the Markdown a record holds (CommonMark with
//! the tables and footnotes the renderer enables):
//!
//! - headings `##`…`######` (bold dropped: headings are bold anyway);
//! - bold `**…**` and italic `*…*`; punctuation and spaces at the edges of a
//!   bold run are moved outside it, because CommonMark does not open or
//!   close emphasis next to punctuation that touches a CJK character
//!   (`成果**“双减”**` would print its asterisks);
//! - links `[text](url)` for http(s) and mailto targets (other targets keep
//!   their text only);
//! - lists (tight, `-` or `1.`, nested by the Word list level);
//! - tables as pipe tables, the first row as header. A merged cell: a
//!   vertical merge repeats its text in every row it covers (each row reads
//!   on its own, like a filled-down spreadsheet); a horizontal merge puts
//!   the text in its first column and leaves the covered columns empty.
//!   Paragraphs inside a cell are joined with `<br>`. A table of one cell
//!   (a framed box) becomes its paragraphs;
//! - figures: `<figure>`, the picture, `<figcaption>` with the caption;
//! - footnotes `[^1]` numbered in order of first reference;
//! - line breaks as `\` at the end of the line.
//!
//! Characters Markdown would read as syntax are escaped.

use std::collections::HashMap;

use super::read::{Inline, Para, Table, VMerge};
use super::structure::Item;

/// `part` → the picture's URL from the record (`None`: not published).
pub type PicUrl<'a> = &'a dyn Fn(&str) -> Option<String>;

struct Notes<'a> {
    defs: &'a HashMap<String, Vec<Inline>>,
    order: Vec<String>,
}

impl Notes<'_> {
    fn number(&mut self, id: &str) -> Option<usize> {
        self.defs.get(id)?;
        if let Some(i) = self.order.iter().position(|x| x == id) {
            return Some(i + 1);
        }
        self.order.push(id.to_string());
        Some(self.order.len())
    }
}

/// The body text (ends with one newline; empty when there is nothing).
pub fn body(items: &[Item], footnotes: &HashMap<String, Vec<Inline>>, pic: PicUrl) -> String {
    let mut notes = Notes {
        defs: footnotes,
        order: Vec::new(),
    };
    let mut blocks: Vec<String> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    // Open list levels: (word level, content indent).
    let mut stack: Vec<(u8, usize)> = Vec::new();
    for item in items {
        if let Item::Para(Para {
            list: Some((ordered, level)),
            ..
        }) = item
        {
            let Item::Para(p) = item else { unreachable!() };
            while stack.last().is_some_and(|(l, _)| l > level) {
                stack.pop();
            }
            if stack.last().is_some_and(|(l, _)| l == level) {
                stack.pop();
            }
            let indent = stack.last().map_or(0, |(_, w)| *w);
            let marker = if *ordered { "1. " } else { "- " };
            let text = inlines(&p.inlines, &mut notes, pic, true);
            let pad = " ".repeat(indent + marker.len());
            let text = text.replace('\n', &format!("\n{pad}"));
            list.push(format!("{}{marker}{text}", " ".repeat(indent)));
            stack.push((*level, indent + marker.len()));
            continue;
        }
        if !list.is_empty() {
            blocks.push(list.join("\n"));
            list.clear();
            stack.clear();
        }
        match item {
            Item::Heading(level, p) => {
                let t = inlines(&strip_bold(&p.inlines), &mut notes, pic, true);
                let t = t.replace("\\\n", " ").replace('\n', " ");
                blocks.push(format!("{} {}", "#".repeat(*level as usize), t));
            }
            Item::Para(p) => blocks.push(inlines(&p.inlines, &mut notes, pic, true)),
            Item::Figure { part, alt, caption } => {
                let cap = caption
                    .as_ref()
                    .map(|c| c.text().split_whitespace().collect::<Vec<_>>().join(" "));
                let alt = if alt.is_empty() {
                    cap.clone().unwrap_or_default()
                } else {
                    alt.clone()
                };
                match (pic(part), cap) {
                    (Some(url), Some(cap)) => blocks.push(format!(
                        "<figure>\n\n![{}]({})\n\n<figcaption>{}</figcaption>\n</figure>",
                        escape(&alt, false),
                        url,
                        html_escape(&cap)
                    )),
                    (Some(url), None) => {
                        blocks.push(format!("![{}]({})", escape(&alt, false), url))
                    }
                    (None, Some(_)) => {
                        let c = caption.as_ref().expect("caption");
                        blocks.push(inlines(&c.inlines, &mut notes, pic, true));
                    }
                    (None, None) => {}
                }
            }
            Item::Table(t) => blocks.push(table(t, &mut notes, pic)),
        }
    }
    if !list.is_empty() {
        blocks.push(list.join("\n"));
    }
    // Footnote texts may reference nothing new: number them as they come.
    let mut defs = Vec::new();
    let mut i = 0;
    while i < notes.order.len() {
        let id = notes.order[i].clone();
        let inl = notes.defs.get(&id).cloned().unwrap_or_default();
        let t = inlines(&inl, &mut notes, pic, false)
            .replace("\\\n", " ")
            .replace('\n', " ");
        defs.push(format!("[^{}]: {}", i + 1, t.trim()));
        i += 1;
    }
    if !defs.is_empty() {
        blocks.push(defs.join("\n"));
    }
    blocks.retain(|b| !b.trim().is_empty());
    if blocks.is_empty() {
        return String::new();
    }
    let mut out = blocks.join("\n\n");
    out.push('\n');
    out
}

fn strip_bold(inl: &[Inline]) -> Vec<Inline> {
    inl.iter()
        .map(|i| match i {
            Inline::Text {
                text, italic, link, ..
            } => Inline::Text {
                text: text.clone(),
                bold: false,
                italic: *italic,
                link: link.clone(),
            },
            other => other.clone(),
        })
        .collect()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Escape Markdown syntax in plain text; `cell`: also `|`.
fn escape(s: &str, cell: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '[' | ']' | '`' | '<' | '>' | '~' | '&' | '#'
        ) || (cell && c == '|')
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escape what would start a block at the beginning of a line.
fn escape_line_starts(s: &str) -> String {
    s.split('\n')
        .map(|l| {
            if l.starts_with(['-', '+', '=']) {
                format!("\\{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn link_ok(url: &str) -> bool {
    let l = url.to_ascii_lowercase();
    (l.starts_with("http://") || l.starts_with("https://") || l.starts_with("mailto:"))
        && !url.contains(['\n', '\r', '<', '>'])
}

/// One text run with emphasis, punctuation kept outside the markers.
fn emphasised(text: &str, bold: bool, italic: bool, cell: bool) -> String {
    let marker = match (bold, italic) {
        (true, true) => "***",
        (true, false) => "**",
        (false, true) => "*",
        (false, false) => return escape(text, cell),
    };
    let edge = |c: char| c.is_whitespace() || c.is_ascii_punctuation() || is_cjk_punct(c);
    let start = text.find(|c: char| !edge(c));
    let Some(start) = start else {
        return escape(text, cell);
    };
    let end = text
        .char_indices()
        .rev()
        .find(|(_, c)| !edge(*c))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(text.len());
    format!(
        "{}{marker}{}{marker}{}",
        escape(&text[..start], cell),
        escape(&text[start..end], cell),
        escape(&text[end..], cell)
    )
}

fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}' | '\u{2010}'..='\u{2027}')
}

/// Inline Markdown of runs. `lines`: hard breaks as `\`+newline (else `<br>`).
fn inlines(inl: &[Inline], notes: &mut Notes, pic: PicUrl, lines: bool) -> String {
    render_inlines(inl, notes, pic, lines, false)
}

fn render_inlines(
    inl: &[Inline],
    notes: &mut Notes,
    pic: PicUrl,
    lines: bool,
    cell: bool,
) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < inl.len() {
        match &inl[i] {
            Inline::Text {
                link: Some(url), ..
            } if link_ok(url) => {
                let url = url.clone();
                let mut text = String::new();
                while let Some(Inline::Text {
                    text: t,
                    bold,
                    italic,
                    link: Some(u),
                }) = inl.get(i)
                {
                    if *u != url {
                        break;
                    }
                    text.push_str(&emphasised(t, *bold, *italic, cell));
                    i += 1;
                }
                let dest = if url.contains([' ', '(', ')']) {
                    format!("<{url}>")
                } else {
                    url
                };
                out.push_str(&format!("[{text}]({dest})"));
                continue;
            }
            Inline::Text {
                text, bold, italic, ..
            } => out.push_str(&emphasised(text, *bold, *italic, cell)),
            Inline::Break => out.push_str(if lines && !cell { "\\\n" } else { "<br>" }),
            Inline::Picture { part, alt } => {
                if let Some(url) = pic(part) {
                    out.push_str(&format!("![{}]({url})", escape(alt, cell)));
                }
            }
            Inline::Note(id) => {
                if let Some(n) = notes.number(id) {
                    out.push_str(&format!("[^{n}]"));
                }
            }
        }
        i += 1;
    }
    let out = out.trim_end_matches("\\\n").to_string();
    if cell {
        out
    } else {
        escape_line_starts(&out)
    }
}

fn table(t: &Table, notes: &mut Notes, pic: PicUrl) -> String {
    let cells: usize = t.rows.iter().map(Vec::len).sum();
    if cells == 1 {
        let c = &t.rows[0][0];
        return c
            .paras
            .iter()
            .map(|p| inlines(&p.inlines, notes, pic, true))
            .collect::<Vec<_>>()
            .join("\n\n");
    }
    let width = t
        .rows
        .iter()
        .map(|r| r.iter().map(|c| c.span).sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    let mut grid: Vec<Vec<String>> = Vec::new();
    for row in &t.rows {
        let mut line = vec![String::new(); width];
        let mut col = 0;
        for c in row {
            if col >= width {
                break;
            }
            let text = if c.vmerge == VMerge::Continue {
                grid.last()
                    .map(|prev| prev[col].clone())
                    .unwrap_or_default()
            } else {
                c.paras
                    .iter()
                    .map(|p| render_inlines(&p.inlines, notes, pic, false, true))
                    .collect::<Vec<_>>()
                    .join("<br>")
            };
            line[col] = text;
            col += c.span;
        }
        grid.push(line);
    }
    let mut out = Vec::new();
    let fmt = |r: &[String]| {
        format!(
            "| {} |",
            r.iter()
                .map(|c| if c.is_empty() {
                    " ".to_string()
                } else {
                    c.clone()
                })
                .collect::<Vec<_>>()
                .join(" | ")
        )
        .replace("|   |", "|  |")
    };
    out.push(fmt(&grid[0]));
    out.push(format!("|{}", " --- |".repeat(width)));
    for r in &grid[1..] {
        out.push(fmt(r));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasis_keeps_punctuation_outside() {
        assert_eq!(emphasised("“双减”", true, false, false), "“**双减**”");
        assert_eq!(emphasised(" 点 ", true, false, false), " **点** ");
        assert_eq!(emphasised("。", true, false, false), "。");
        assert_eq!(emphasised("a*b", false, true, false), "*a\\*b*");
    }

    #[test]
    fn escapes() {
        assert_eq!(escape("[x] <b> #1 a|b", true), "\\[x\\] \\<b\\> \\#1 a\\|b");
        assert_eq!(escape_line_starts("- a\n+ b\nc"), "\\- a\n\\+ b\nc");
    }
}
