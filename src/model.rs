//! Typed records: what the validate stage produces from front matter and
//! what the site graph links together. Domain types only; templates never
//! see these (they get view structs from [`crate::render::views`]).

use std::path::PathBuf;

use crate::content::Kind;
use crate::diag::Pos;

/// A reference to another record by id, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    pub id: String,
    pub pos: Pos,
}

/// A validated record.
#[derive(Debug, Clone)]
pub struct Record {
    pub kind: Kind,
    pub id: String,
    pub display_path: PathBuf,
    pub file_path: PathBuf,
    /// Folder of the source file relative to `content/` (for body links).
    pub source_dir: String,
    pub title: String,
    pub summary: String,
    pub draft: bool,
    pub featured: bool,
    /// Markdown body and the file line it starts on.
    pub body: String,
    pub body_line: usize,
    /// The body memo's key ([`crate::incr::BodyMemo`]): SHA-256 of the body
    /// and where it is rendered from, made once when the record is typed.
    pub body_key: crate::incr::Key,
    /// SHA-256 of everything the record was typed from (its path, source
    /// bytes, the site configuration, the answers of its path checks): two
    /// records with the same key are equal. Views hash it in place of the
    /// record ([`crate::render::inputs`]).
    pub key: crate::incr::Key,
    /// The first body line that is still a template placeholder
    /// ([`crate::new::PLACEHOLDERS`]): its index in the body and its text.
    pub placeholder: Option<(usize, String)>,
    pub data: Data,
}

impl Record {
    /// See [`Record::body_key`].
    pub fn compute_body_key(&self) -> crate::incr::Key {
        let mut h = crate::incr::Hasher::new("body");
        h.str(&self.body)
            .str(&self.display_path.to_string_lossy())
            .str(self.kind.dir())
            .str(&self.source_dir)
            .num(self.body_line as u64);
        h.finish()
    }

    /// The `media/…` files its front matter names (cover, media and their
    /// posters, attachments); addresses on the internet are left out.
    pub fn media_paths(&self) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        match &self.data {
            Data::Outcome(o) => {
                for m in &o.media {
                    v.push(&m.src);
                    v.extend(m.poster.as_deref());
                }
            }
            Data::Case(c) => v.extend(c.cover.as_deref()),
            Data::Notice(n) => v.extend(n.attachments.iter().map(|a| a.src.as_str())),
            _ => {}
        }
        v.retain(|p| p.starts_with("media/"));
        v
    }

    /// Output path relative to the output root.
    pub fn url(&self) -> String {
        format!("{}/{}.html", self.kind.dir(), self.id)
    }

    /// Date used for sorting and display (cases, notices).
    pub fn date(&self) -> Option<&str> {
        match &self.data {
            Data::Case(c) => Some(&c.date),
            Data::Notice(n) => Some(&n.date),
            _ => None,
        }
    }

    pub fn province(&self) -> Option<&str> {
        match &self.data {
            Data::Outcome(o) => Some(&o.province),
            Data::Holder(h) => Some(&h.province),
            Data::Region(r) => Some(&r.province),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Data {
    Outcome(Outcome),
    Holder(Holder),
    Region(Region),
    Case(Case),
    Notice(Notice),
    Page,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub award_year: i64,
    pub award_level: String,
    pub holder: Ref,
    pub people: Vec<String>,
    pub partners: Vec<String>,
    pub province: String,
    pub stages: Vec<String>,
    pub subjects: Vec<String>,
    pub themes: Vec<String>,
    pub promotion: Option<String>,
    pub rounds: Vec<i64>,
    pub studio: Option<String>,
    pub media: Vec<Media>,
    pub contact: Option<Contact>,
}

#[derive(Debug, Clone)]
pub struct Media {
    pub kind: String,
    pub title: String,
    /// Path relative to `content/` (so also to the output root) or an http(s) URL.
    pub src: String,
    pub poster: Option<String>,
    pub duration: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Holder {
    pub kind: Option<String>,
    pub province: String,
    pub city: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Region {
    pub province: String,
    pub demonstration: bool,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub applies: Vec<Apply>,
}

#[derive(Debug, Clone)]
pub struct Apply {
    pub outcome: Ref,
    pub department: Option<String>,
    pub schools: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub date: String,
    pub region: Option<Ref>,
    pub school: Option<String>,
    pub outcomes: Vec<Ref>,
    pub authors: Vec<String>,
    pub source: Option<String>,
    pub stages: Vec<String>,
    pub subjects: Vec<String>,
    pub themes: Vec<String>,
    pub cover: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Notice {
    pub date: String,
    pub issuer: Option<String>,
    pub number: Option<String>,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone)]
pub struct Attachment {
    pub title: String,
    pub src: String,
}
