//! The .docx container: a zip file read under limits before anything is
//! inflated, so a small hostile file cannot exhaust memory or disk:
//!
//! - the file's size on disk ([`MAX_FILE_BYTES`]);
//! - the number of entries ([`MAX_ENTRIES`]);
//! - each entry's declared unpacked size ([`MAX_XML_BYTES`] for XML parts,
//!   [`MAX_MEDIA_BYTES`] for pictures) and all entries together
//!   ([`MAX_UNPACKED_BYTES`]), from the central directory; the `zip` crate
//!   refuses to inflate an entry past its declared size, and reads are
//!   capped again with `take`;
//! - the compression ratio of every entry above 1 MB ([`MAX_RATIO`]): a
//!   "zip bomb" is refused, not read.
//!
//! Before the zip is opened the first bytes are looked at: a Compound File
//! (OLE/CFB) is a legacy .doc or .wps (or an encrypted .docx, which holds an
//! `EncryptedPackage` stream), `{\rtf` is RTF; anything that is not a zip
//! is named as such.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

use super::xml::{self, Element, XmlProblem};
use super::DocxError;
use crate::interchange::limits::{read_up_to, size_text, CFB_MAGIC};

/// Largest manuscript accepted.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;
/// Most zip entries accepted (Word writes 10–30, plus one per picture).
pub const MAX_ENTRIES: usize = 5_000;
/// Largest unpacked XML part (document.xml of a 1,000-page text is ~20 MB).
pub const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;
/// Largest unpacked picture or other binary part.
pub const MAX_MEDIA_BYTES: u64 = 100 * 1024 * 1024;
/// Largest unpacked size of all entries together.
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;
/// Highest compression ratio accepted for an entry over 1 MB unpacked
/// (XML compresses 10–30:1; a bomb 1000:1).
pub const MAX_RATIO: u64 = 200;

/// An opened, checked .docx.
pub struct Package {
    path: PathBuf,
    zip: zip::ZipArchive<BufReader<File>>,
}

impl Package {
    /// Open `path` and check its container (see the module doc).
    pub fn open(path: &Path) -> Result<Package, DocxError> {
        let open_err = |e: &std::io::Error| DocxError::Open {
            path: path.to_path_buf(),
            msg: crate::interchange::io_text(e),
        };
        let meta = std::fs::metadata(path).map_err(|e| open_err(&e))?;
        if meta.is_dir() {
            return Err(DocxError::Open {
                path: path.to_path_buf(),
                msg: "这是一个文件夹，不是文件".into(),
            });
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(DocxError::FileTooLarge {
                path: path.to_path_buf(),
                size: size_text(meta.len()),
                limit: size_text(MAX_FILE_BYTES),
            });
        }
        let mut file = BufReader::new(File::open(path).map_err(|e| open_err(&e))?);
        let mut magic = [0u8; 8];
        let n = read_up_to(&mut file, &mut magic).map_err(|e| open_err(&e))?;
        if n == 8 && magic == CFB_MAGIC {
            return Err(if is_encrypted(path) {
                DocxError::Password {
                    path: path.to_path_buf(),
                }
            } else {
                DocxError::Legacy {
                    path: path.to_path_buf(),
                }
            });
        }
        if magic.starts_with(b"{\\rtf") {
            return Err(DocxError::Legacy {
                path: path.to_path_buf(),
            });
        }
        if !magic.starts_with(b"PK") {
            return Err(DocxError::NotZip {
                path: path.to_path_buf(),
            });
        }
        file.rewind().map_err(|e| open_err(&e))?;
        let zip = zip::ZipArchive::new(file).map_err(|e| DocxError::Corrupt {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        let mut pkg = Package {
            path: path.to_path_buf(),
            zip,
        };
        pkg.check_entries()?;
        Ok(pkg)
    }

    fn check_entries(&mut self) -> Result<(), DocxError> {
        let path = self.path.clone();
        if self.zip.len() > MAX_ENTRIES {
            return Err(DocxError::TooManyEntries {
                path,
                count: self.zip.len(),
                max: MAX_ENTRIES,
            });
        }
        let mut total: u64 = 0;
        for i in 0..self.zip.len() {
            let f = self.zip.by_index_raw(i).map_err(|e| DocxError::Corrupt {
                path: path.clone(),
                detail: e.to_string(),
            })?;
            let name = f.name().map(|n| n.to_string()).unwrap_or_default();
            let (size, packed) = (f.size(), f.compressed_size());
            let limit = if is_xml(&name) {
                MAX_XML_BYTES
            } else {
                MAX_MEDIA_BYTES
            };
            if size > limit {
                return Err(DocxError::PartTooLarge {
                    path,
                    part: name,
                    size: size_text(size),
                    limit: size_text(limit),
                });
            }
            if size > 1024 * 1024 && size / packed.max(1) > MAX_RATIO {
                return Err(DocxError::Bomb {
                    path,
                    part: name,
                    ratio: size / packed.max(1),
                    max: MAX_RATIO,
                });
            }
            total = total.saturating_add(size);
            if total > MAX_UNPACKED_BYTES {
                return Err(DocxError::UnpackedTooLarge {
                    path,
                    limit: size_text(MAX_UNPACKED_BYTES),
                });
            }
        }
        Ok(())
    }

    /// The manuscript's path as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the package has an entry `name`.
    pub fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// The bytes of entry `name`, `None` when there is none.
    pub fn bytes(&mut self, name: &str) -> Result<Option<Vec<u8>>, DocxError> {
        let path = self.path.clone();
        let mut f = match self.zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => {
                return Err(DocxError::Corrupt {
                    path,
                    detail: e.to_string(),
                })
            }
        };
        let declared = f.size();
        let mut out = Vec::with_capacity(declared.min(MAX_XML_BYTES) as usize);
        (&mut f)
            .take(declared.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| DocxError::Corrupt {
                path: path.clone(),
                detail: format!("{name}: {e}"),
            })?;
        if out.len() as u64 > declared {
            return Err(DocxError::Corrupt {
                path,
                detail: format!("{name}: longer than declared"),
            });
        }
        Ok(Some(out))
    }

    /// Entry `name` parsed as XML, `None` when there is none.
    pub fn xml(&mut self, name: &str) -> Result<Option<Element>, DocxError> {
        let Some(bytes) = self.bytes(name)? else {
            return Ok(None);
        };
        let text = decode(&bytes);
        xml::parse(&text).map(Some).map_err(|p| match p {
            XmlProblem::Syntax { line, col, detail } => DocxError::Xml {
                path: self.path.clone(),
                part: name.to_string(),
                line,
                col,
                detail,
            },
            XmlProblem::TooDeep => DocxError::TooDeep {
                path: self.path.clone(),
                part: name.to_string(),
                max: xml::MAX_DEPTH,
            },
            XmlProblem::TooLarge => DocxError::PartTooLarge {
                path: self.path.clone(),
                part: name.to_string(),
                size: format!("超过 {} 个节点", xml::MAX_NODES),
                limit: format!("{} 个节点", xml::MAX_NODES),
            },
        })
    }

    /// The relationships of `part` (`word/document.xml` →
    /// `word/_rels/document.xml.rels`): id → (target resolved against the
    /// part's folder, or the URL for external targets; external?).
    pub fn rels(&mut self, part: &str) -> Result<HashMap<String, (String, bool)>, DocxError> {
        let (dir, file) = match part.rfind('/') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => ("", part),
        };
        let rels_name = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let mut out = HashMap::new();
        let Some(root) = self.xml(&rels_name)? else {
            return Ok(out);
        };
        for r in root.elements().filter(|e| e.name == "Relationship") {
            let (Some(id), Some(target)) = (r.attr("Id"), r.attr("Target")) else {
                continue;
            };
            let external = r.attr("TargetMode") == Some("External");
            let t = if external {
                target.to_string()
            } else {
                resolve(dir, target)
            };
            out.insert(id.to_string(), (t, external));
        }
        Ok(out)
    }

    /// The main document part: the package relationship of type
    /// `…/officeDocument`, else `word/document.xml`.
    pub fn main_part(&mut self) -> Result<Option<String>, DocxError> {
        let root = self.xml("_rels/.rels")?;
        if let Some(root) = root {
            for r in root.elements().filter(|e| e.name == "Relationship") {
                if r.attr("Type")
                    .is_some_and(|t| t.ends_with("/officeDocument"))
                {
                    if let Some(t) = r.attr("Target") {
                        let t = resolve("", t);
                        if self.has(&t) {
                            return Ok(Some(t));
                        }
                    }
                }
            }
        }
        Ok(self
            .has("word/document.xml")
            .then(|| "word/document.xml".to_string()))
    }
}

/// Entries parsed as XML (limit [`MAX_XML_BYTES`]).
fn is_xml(name: &str) -> bool {
    name.ends_with(".xml") || name.ends_with(".rels")
}

/// `target` relative to the folder `dir` inside the zip (`../x`, `/word/x`).
fn resolve(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in target.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// XML bytes as text: UTF-8 (BOM dropped), or UTF-16 with a BOM.
fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (t, _, _) = enc.decode(&bytes[2..]);
        return t
            .replace("encoding=\"UTF-16\"", "")
            .replace("encoding=\"utf-16\"", "");
    }
    String::from_utf8_lossy(bytes).into_owned()
}

fn is_encrypted(path: &Path) -> bool {
    cfb::open(path).is_ok_and(|c| c.exists("EncryptedPackage") || c.exists("/EncryptedPackage"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_inside_the_zip() {
        assert_eq!(resolve("word", "media/image1.png"), "word/media/image1.png");
        assert_eq!(
            resolve("word", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(resolve("", "/word/document.xml"), "word/document.xml");
        assert_eq!(resolve("word", "../../../etc/passwd"), "etc/passwd");
    }
}
