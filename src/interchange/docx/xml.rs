//! A small element tree of one XML part of a .docx, built with quick-xml
//! under limits: nesting depth ([`MAX_DEPTH`]) and node count
//! ([`MAX_NODES`]); the part's size is bounded before (see
//! [`super::package`]). Names lose their namespace prefix (`w:p` → `p`,
//! `r:embed` → `embed`): the parts read here use one meaning per local name.

use quick_xml::events::Event;

/// Deepest element nesting accepted (Word nests tables in tables; 256 is
/// far beyond any real document).
pub const MAX_DEPTH: usize = 256;
/// Most elements and text nodes accepted in one part.
pub const MAX_NODES: usize = 4_000_000;

#[derive(Debug, Default, Clone)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// Why a part could not be read as XML.
#[derive(Debug)]
pub enum XmlProblem {
    Syntax {
        line: usize,
        col: usize,
        detail: String,
    },
    TooDeep,
    TooLarge,
}

impl Element {
    /// The attribute `name` (local name).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// `w:val` of the child `name` (`<w:jc w:val="center"/>` → "center").
    pub fn child_val(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(|c| c.attr("val"))
    }

    /// A toggle property such as `<w:b/>` or `<w:b w:val="false"/>`.
    pub fn toggle(&self, name: &str) -> Option<bool> {
        self.child(name)
            .map(|c| !matches!(c.attr("val"), Some("0" | "false" | "off" | "none")))
    }

    /// All text below this element, in order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        fn walk(e: &Element, out: &mut String) {
            for n in &e.children {
                match n {
                    Node::Text(t) => out.push_str(t),
                    Node::Element(c) => walk(c, out),
                }
            }
        }
        walk(self, &mut out);
        out
    }

    /// Every descendant element called `name` (depth first).
    pub fn descendants<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for c in self.elements() {
            if c.name == name {
                out.push(c);
            }
            c.descendants(name, out);
        }
    }
}

fn local(s: &str) -> String {
    match s.rfind(':') {
        Some(i) => s[i + 1..].to_string(),
        None => s.to_string(),
    }
}

/// 1-based line and column of byte `off` in `text`.
fn line_col(text: &str, off: usize) -> (usize, usize) {
    let off = off.min(text.len());
    let before = &text.as_bytes()[..off];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, col)
}

/// Parse `text` into its root element. Text is kept only inside elements
/// (white space between elements included: `w:t` may hold spaces).
pub fn parse(text: &str) -> Result<Element, XmlProblem> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut nodes = 0usize;
    let syntax = |reader: &quick_xml::Reader<&[u8]>, detail: String| {
        let (line, col) = line_col(text, reader.error_position() as usize);
        XmlProblem::Syntax { line, col, detail }
    };
    let push_text = |stack: &mut Vec<Element>, t: &str| {
        if stack.len() < 2 {
            return;
        }
        let top = stack.last_mut().expect("stack");
        if let Some(Node::Text(prev)) = top.children.last_mut() {
            prev.push_str(t);
        } else {
            top.children.push(Node::Text(t.to_string()));
        }
    };
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| syntax(&reader, e.to_string()))?;
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(XmlProblem::TooLarge);
        }
        match ev {
            Event::Start(s) => {
                if stack.len() > MAX_DEPTH {
                    return Err(XmlProblem::TooDeep);
                }
                stack.push(element(&s));
            }
            Event::Empty(s) => {
                let e = element(&s);
                stack
                    .last_mut()
                    .expect("stack")
                    .children
                    .push(Node::Element(e));
            }
            Event::End(_) => {
                let done = stack.pop().expect("stack");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(done)),
                    None => return Err(syntax(&reader, "unbalanced end tag".into())),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, &t.into_inner()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r)
                        .unwrap_or("")
                        .to_string(),
                    Err(e) => return Err(syntax(&reader, e.to_string())),
                };
                push_text(&mut stack, &c);
            }
            Event::DocType(_) => {
                // Word never writes one; entity definitions are not expanded.
                return Err(syntax(&reader, "DOCTYPE is not allowed".into()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(syntax(&reader, "unclosed element".into()));
    }
    let root = stack.pop().expect("stack");
    root.children
        .into_iter()
        .find_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
        .ok_or_else(|| XmlProblem::Syntax {
            line: 1,
            col: 1,
            detail: "no root element".into(),
        })
}

fn element(s: &quick_xml::events::BytesStart) -> Element {
    let attrs = s
        .attributes()
        .flatten()
        .map(|a| {
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string());
            (local(a.key.as_ref()), v)
        })
        .collect();
    Element {
        name: local(s.name().as_ref()),
        attrs,
        children: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_text_and_refs() {
        let e =
            parse("<?xml version=\"1.0\"?><w:p a:x=\"1\"><w:t>A&amp;B&#20013;</w:t><w:br/></w:p>")
                .unwrap();
        assert_eq!(e.name, "p");
        assert_eq!(e.attr("x"), Some("1"));
        assert_eq!(e.text(), "A&B中");
        assert!(e.child("br").is_some());
    }

    #[test]
    fn limits_and_errors() {
        let deep = "<a>".repeat(MAX_DEPTH + 2) + &"</a>".repeat(MAX_DEPTH + 2);
        assert!(matches!(parse(&deep), Err(XmlProblem::TooDeep)));
        assert!(matches!(
            parse("<a>\n<b></a>"),
            Err(XmlProblem::Syntax { line: 2, .. })
        ));
        assert!(matches!(
            parse("<!DOCTYPE x [<!ENTITY e \"x\">]><a/>"),
            Err(XmlProblem::Syntax { .. })
        ));
    }
}
