//! Bounds on what an imported file can make the program allocate (issue 10),
//! checked before calamine (or the CSV reader) builds anything:
//!
//! - the file's size on disk ([`MAX_FILE_BYTES`]);
//! - for the zip-based workbooks (.xlsx, .xlsm, .xlsb, .ods): the unpacked
//!   size of every part and of all parts together, from the zip's central
//!   directory ([`MAX_PART_BYTES`], [`MAX_UNPACKED_BYTES`]; the `zip` crate
//!   refuses to inflate a part past its declared size, so the declared sizes
//!   bound what is read);
//! - the extent of a sheet's non-empty cells: the last row and column
//!   ([`MAX_ROWS`], [`MAX_COLS`]) and the used area, rows × columns
//!   ([`MAX_CELLS`]). For .xlsx/.xlsb the cells are streamed and checked one
//!   by one; for .ods `content.xml` is scanned (repeated rows and columns
//!   counted) and for .xls the BIFF records of the workbook stream, before
//!   calamine expands them into a dense range.
//!
//! The programme's sheets have at most a few tens of thousands of rows and
//! fewer than 50 columns; the limits leave a wide margin. Every refusal is a
//! [`ReadError`] naming the file and the limit (docs/interchange.md §1.1).

use std::io::{BufReader, Read, Seek};
use std::path::Path;

use super::read::ReadError;

/// Largest file accepted (any format).
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;
/// Largest unpacked size of one part of a zip-based workbook.
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;
/// Largest unpacked size of all parts of a zip-based workbook together.
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;
/// Last sheet row that may hold a value (1-based, as Excel numbers rows).
pub const MAX_ROWS: usize = 100_000;
/// Last sheet column that may hold a value (1-based; 200 is column GR).
pub const MAX_COLS: usize = 200;
/// Largest used area (rows × columns between the first and last non-empty cell).
pub const MAX_CELLS: usize = 5_000_000;

/// `12.3 MB`, `512 KB`: a size as people read it.
pub fn size_text(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / 1_048_576.0)
    } else {
        format!("{} KB", n.div_ceil(1024))
    }
}

/// Excel's name of a cell: 0-based (row, col) → `A1`, `XFD1048576`.
pub fn cell_name(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let r = (c - 1) % 26;
        letters.push(b'A' + r as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// `（工作表“名”）` or nothing.
fn sheet_note(sheet: &str) -> String {
    if sheet.is_empty() {
        String::new()
    } else {
        format!("（工作表“{sheet}”）")
    }
}

/// The bounding box of a sheet's non-empty cells, checked as it grows.
#[derive(Debug, Clone)]
pub struct Extent {
    path: std::path::PathBuf,
    sheet: String,
    min_row: usize,
    max_row: usize,
    min_col: usize,
    max_col: usize,
    any: bool,
}

impl Extent {
    pub fn new(path: &Path, sheet: &str) -> Extent {
        Extent {
            path: path.to_path_buf(),
            sheet: sheet.to_string(),
            min_row: usize::MAX,
            max_row: 0,
            min_col: usize::MAX,
            max_col: 0,
            any: false,
        }
    }

    /// A non-empty block of cells: 0-based first row and column, and how many
    /// rows and columns it repeats over (1, 1 for one cell).
    pub fn add(
        &mut self,
        row: usize,
        col: usize,
        rows: usize,
        cols: usize,
    ) -> Result<(), ReadError> {
        let last_row = row.saturating_add(rows.max(1) - 1);
        let last_col = col.saturating_add(cols.max(1) - 1);
        if last_row >= MAX_ROWS || last_col >= MAX_COLS {
            let (r, c) = if last_row >= MAX_ROWS {
                (row.max(MAX_ROWS), col)
            } else {
                (row, col.max(MAX_COLS))
            };
            return Err(ReadError::OutOfRange {
                path: self.path.clone(),
                sheet: sheet_note(&self.sheet),
                cell: cell_name(r.min(last_row), c.min(last_col)),
                max_rows: MAX_ROWS,
                max_cols: MAX_COLS,
            });
        }
        self.min_row = self.min_row.min(row);
        self.max_row = self.max_row.max(last_row);
        self.min_col = self.min_col.min(col);
        self.max_col = self.max_col.max(last_col);
        self.any = true;
        let (h, w) = (
            self.max_row - self.min_row + 1,
            self.max_col - self.min_col + 1,
        );
        if h * w > MAX_CELLS {
            return Err(ReadError::TooManyCells {
                path: self.path.clone(),
                sheet: sheet_note(&self.sheet),
                from: cell_name(self.min_row, self.min_col),
                to: cell_name(self.max_row, self.max_col),
                cells: h * w,
                max: MAX_CELLS,
            });
        }
        Ok(())
    }
}

/// The file's size must not pass [`MAX_FILE_BYTES`].
pub fn check_file_size(path: &Path) -> Result<(), ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| ReadError::open_io(path, &e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::FileTooLarge {
            path: path.to_path_buf(),
            size: size_text(meta.len()),
            limit: size_text(MAX_FILE_BYTES),
        });
    }
    Ok(())
}

/// The first bytes of a Compound File (an .xls, or an encrypted .xlsx).
pub const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Check the declared unpacked sizes of every part of a zip-based workbook.
/// `what` names the format in messages (`.xlsx`).
pub fn check_zip(path: &Path, what: &str) -> Result<(), ReadError> {
    let file = std::fs::File::open(path).map_err(|e| ReadError::open_io(path, &e))?;
    let mut file = BufReader::new(file);
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut file, &mut magic).map_err(|e| ReadError::open_io(path, &e))?;
    if n == 8 && magic == CFB_MAGIC && what != ".ods" {
        // Excel writes a password-protected workbook as an encrypted
        // Compound File, whatever its extension.
        return Err(ReadError::Password {
            path: path.to_path_buf(),
        });
    }
    file.rewind().map_err(|e| ReadError::open_io(path, &e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| ReadError::corrupt(path, what, e))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Some(Ok(entry)) = zip.name_for_index(i) else {
            continue;
        };
        let name = entry.to_string();
        let size = zip
            .by_index_raw(i)
            .map(|f| f.size())
            .map_err(|e| ReadError::corrupt(path, what, e))?;
        if size > MAX_PART_BYTES {
            return Err(ReadError::PartTooLarge {
                path: path.to_path_buf(),
                part: name,
                size: size_text(size),
                limit: size_text(MAX_PART_BYTES),
            });
        }
        total = total.saturating_add(size);
        if total > MAX_UNPACKED_BYTES {
            return Err(ReadError::UnpackedTooLarge {
                path: path.to_path_buf(),
                limit: size_text(MAX_UNPACKED_BYTES),
            });
        }
    }
    Ok(())
}

/// Read until `buf` is full or the input ends; the bytes read.
pub fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Scan an .ods file's `content.xml` (after [`check_zip`]) for the extent of
/// every table, counting `table:number-rows-repeated` and
/// `table:number-columns-repeated`, which calamine expands into a dense range.
pub fn check_ods(path: &Path) -> Result<(), ReadError> {
    use quick_xml::events::Event;
    let file = std::fs::File::open(path).map_err(|e| ReadError::open_io(path, &e))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| ReadError::corrupt(path, ".ods", e))?;
    let content = match zip.by_name("content.xml") {
        Ok(c) => c,
        // calamine reports the missing part.
        Err(_) => return Ok(()),
    };
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let attr = |e: &quick_xml::events::BytesStart, name: &str| -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == name)
            .map(|a| a.value.into_owned())
    };
    let count = |v: Option<String>| -> usize {
        v.and_then(|s| s.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let mut extent: Option<Extent> = None;
    // Within a table: the next row's index. Within a row: its repeat count
    // and the next column's index.
    let (mut row, mut row_repeat, mut col) = (0usize, 1usize, 0usize);
    // Nesting depth inside the current (not self-closing) cell, and the
    // cell's block while it has shown no value yet.
    let mut in_cell = 0usize;
    let mut pending: Option<(usize, usize, usize, usize)> = None;
    loop {
        buf.clear();
        let ev = xml
            .read_event_into(&mut buf)
            .map_err(|e| ReadError::corrupt(path, ".ods", e))?;
        match ev {
            Event::Eof => break,
            Event::End(ref e) => {
                if in_cell > 0 {
                    in_cell -= 1;
                    if in_cell == 0 {
                        pending = None;
                    }
                } else if e.name().as_ref() == "table:table-row" {
                    row = row.saturating_add(row_repeat);
                    row_repeat = 1;
                }
            }
            Event::Text(ref t) if in_cell > 0 && t.chars().any(|c| !c.is_whitespace()) => {
                if let (Some((r, c, rr, cc)), Some(x)) = (pending.take(), extent.as_mut()) {
                    x.add(r, c, rr, cc)?;
                }
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                if in_cell > 0 {
                    if !empty {
                        in_cell += 1;
                    }
                    continue;
                }
                match e.name().as_ref() {
                    "table:table" if !empty => {
                        extent = Some(Extent::new(
                            path,
                            &attr(e, "table:name").unwrap_or_default(),
                        ));
                        row = 0;
                    }
                    "table:table-row" => {
                        row_repeat = count(attr(e, "table:number-rows-repeated"));
                        col = 0;
                        if empty {
                            row = row.saturating_add(row_repeat);
                            row_repeat = 1;
                        }
                    }
                    "table:table-cell" | "table:covered-table-cell" => {
                        let cols = count(attr(e, "table:number-columns-repeated"));
                        let block = (row, col, row_repeat, cols);
                        if attr(e, "office:value-type").is_some() {
                            if let Some(x) = extent.as_mut() {
                                x.add(row, col, row_repeat, cols)?;
                            }
                        } else if !empty {
                            pending = Some(block);
                        }
                        col = col.saturating_add(cols);
                        if !empty {
                            in_cell = 1;
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Scan an .xls file's BIFF records: every value cell and every DIMENSIONS
/// record of a worksheet must fit the limits (calamine reserves the
/// declared area and expands the cells into a dense range).
pub fn check_xls(path: &Path) -> Result<(), ReadError> {
    let file = std::fs::File::open(path).map_err(|e| ReadError::open_io(path, &e))?;
    let mut cfb = cfb::CompoundFile::open(BufReader::new(file))
        .map_err(|e| ReadError::corrupt(path, ".xls", e))?;
    let stream = ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"]
        .into_iter()
        .find(|s| cfb.is_stream(s));
    let Some(stream) = stream else {
        // calamine reports the missing stream.
        return Ok(());
    };
    let s = cfb
        .open_stream(stream)
        .map_err(|e| ReadError::corrupt(path, ".xls", e))?;
    scan_biff(path, BufReader::new(s))
}

fn scan_biff(path: &Path, mut r: impl Read) -> Result<(), ReadError> {
    let u16_at = |d: &[u8], i: usize| -> usize {
        d.get(i..i + 2)
            .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]) as usize)
    };
    let u32_at = |d: &[u8], i: usize| -> usize {
        d.get(i..i + 4)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    // Sheet names by the stream offset of their BOF (BOUNDSHEET records).
    let mut names: std::collections::HashMap<usize, String> = Default::default();
    let mut offset = 0usize;
    let mut depth = 0usize;
    let mut extent = Extent::new(path, "");
    let mut head = [0u8; 4];
    let mut data = Vec::new();
    loop {
        match r.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(ReadError::corrupt(path, ".xls", e)),
        }
        let at = offset;
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = u16::from_le_bytes([head[2], head[3]]) as usize;
        offset += 4 + len;
        data.resize(len, 0);
        if r.read_exact(&mut data).is_err() {
            break;
        }
        match typ {
            // BOF: a substream starts (globals, a worksheet, a chart inside one).
            0x0809 => {
                depth += 1;
                if depth == 1 {
                    extent = Extent::new(path, names.get(&at).map_or("", |s| s.as_str()));
                }
            }
            // EOF
            0x000A => depth = depth.saturating_sub(1),
            // FILEPASS: the rest is encrypted; calamine reports the password.
            0x002F => return Ok(()),
            _ if depth != 1 => {}
            // BOUNDSHEET8: stream position, state, type, then the name
            // (BIFF8: length, flags, characters).
            0x0085 if len >= 8 => {
                let cch = data[6] as usize;
                let name = if data[7] & 1 == 1 {
                    let units: Vec<u16> = data[8..]
                        .chunks_exact(2)
                        .take(cch)
                        .map(|b| u16::from_le_bytes([b[0], b[1]]))
                        .collect();
                    String::from_utf16_lossy(&units)
                } else {
                    data[8..].iter().take(cch).map(|&b| b as char).collect()
                };
                names.insert(u32_at(&data, 0), name);
            }
            // DIMENSIONS: calamine reserves rows × columns cells.
            0x0200 => {
                let (rf, rl, cf, cl) = if len >= 14 {
                    (
                        u32_at(&data, 0),
                        u32_at(&data, 4),
                        u16_at(&data, 8),
                        u16_at(&data, 10),
                    )
                } else {
                    (
                        u16_at(&data, 0),
                        u16_at(&data, 2),
                        u16_at(&data, 4),
                        u16_at(&data, 6),
                    )
                };
                let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                let cells = rl.saturating_sub(rf).saturating_mul(cl.saturating_sub(cf));
                if cells > MAX_CELLS {
                    return Err(ReadError::TooManyCells {
                        path: path.to_path_buf(),
                        sheet: sheet_note(&extent.sheet),
                        from: cell_name(rf, cf),
                        to: cell_name(rl.saturating_sub(1), cl.saturating_sub(1)),
                        cells,
                        max: MAX_CELLS,
                    });
                }
            }
            // NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                extent.add(u16_at(&data, 0), u16_at(&data, 2), 1, 1)?;
            }
            // MULRK: one row, columns first..=last.
            0x00BD if len >= 6 => {
                let first = u16_at(&data, 2);
                let last = u16_at(&data, len - 2);
                extent.add(u16_at(&data, 0), first, 1, last.saturating_sub(first) + 1)?;
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_name(9, 26), "AA10");
        assert_eq!(cell_name(0, MAX_COLS), "GS1");
    }
}
