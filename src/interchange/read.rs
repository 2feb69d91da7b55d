//! Reading a spreadsheet (.xlsx, .xls, .ods via calamine) or a CSV file
//! (UTF-8 with or without BOM, or GB18030 as Excel on Chinese Windows
//! writes it) into text rows numbered as the user sees them in Excel, and
//! finding the header row (also a two-row header with merged cells).

use std::path::{Path, PathBuf};

use super::columns::{self, Field};
use super::SheetKind;

/// One non-blank row: its 1-based row number in the sheet and its cells as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

impl Row {
    pub fn cell(&self, col: usize) -> &str {
        self.cells.get(col).map_or("", |s| s.as_str())
    }
}

/// The non-blank rows of one sheet.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Row>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("无法读取 {path}：{msg}")]
    Open { path: PathBuf, msg: String },
    #[error("不支持的文件类型“{ext}”（可用：.xlsx、.xls、.ods、.csv）")]
    Format { ext: String },
    #[error("{path} 中没有名为“{name}”的工作表（可用：{available}）")]
    NoSheet {
        path: PathBuf,
        name: String,
        available: String,
    },
    #[error("{path} 中没有任何工作表")]
    NoSheets { path: PathBuf },
    #[error("{path} 第{row}行：CSV 格式错误（{msg}）")]
    Csv {
        path: PathBuf,
        row: usize,
        msg: String,
    },
}

/// Read `path` (by its extension); `sheet` names the worksheet (default: the first).
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Sheet, ReadError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => {
            let bytes = std::fs::read(path).map_err(|e| ReadError::Open {
                path: path.to_path_buf(),
                msg: e.to_string(),
            })?;
            read_csv(path, &bytes)
        }
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => read_workbook(path, sheet),
        _ => Err(ReadError::Format {
            ext: if ext.is_empty() {
                "（无扩展名）".into()
            } else {
                format!(".{ext}")
            },
        }),
    }
}

/// CSV text from bytes: a UTF-8 BOM is dropped; bytes that are not UTF-8
/// are decoded as GB18030 (a superset of GBK and GB2312).
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            text.into_owned()
        }
    }
}

pub fn read_csv(path: &Path, bytes: &[u8]) -> Result<Sheet, ReadError> {
    let text = decode_text(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| ReadError::Csv {
            path: path.to_path_buf(),
            row: i + 1,
            msg: e.to_string(),
        })?;
        let cells: Vec<String> = rec.iter().map(clean).collect();
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push(Row {
                number: i + 1,
                cells,
            });
        }
    }
    Ok(Sheet {
        name: String::new(),
        rows,
    })
}

fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<Sheet, ReadError> {
    use calamine::Reader;
    let open_err = |msg: String| ReadError::Open {
        path: path.to_path_buf(),
        msg,
    };
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| open_err(e.to_string()))?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => {
            if !names.iter().any(|n| n == s) {
                return Err(ReadError::NoSheet {
                    path: path.to_path_buf(),
                    name: s.to_string(),
                    available: names.join("、"),
                });
            }
            s.to_string()
        }
        None => names.first().cloned().ok_or_else(|| ReadError::NoSheets {
            path: path.to_path_buf(),
        })?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| open_err(e.to_string()))?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let mut cells: Vec<String> = vec![String::new(); c0 as usize];
        cells.extend(row.iter().map(cell_text));
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push(Row {
                number: r0 as usize + i + 1,
                cells,
            });
        }
    }
    Ok(Sheet { name, rows })
}

/// A cell as the text a person reads in it.
fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => clean(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            if dt.is_datetime() {
                serial_date(serial)
            } else {
                number_text(serial)
            }
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// Excel's serial date (1900 system) as YYYY-MM-DD.
fn serial_date(serial: f64) -> String {
    if !serial.is_finite() || !(1.0..3_000_000.0).contains(&serial) {
        return number_text(serial);
    }
    // Days since 1970-01-01 (serial 25569), then the civil calendar.
    let z = serial.floor() as i64 - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

/// Trim, and turn line breaks inside a cell into nothing special (kept as
/// `\n` for list splitting); drop zero-width characters Excel users paste.
fn clean(s: &str) -> String {
    s.replace(['\u{200b}', '\u{feff}'], "")
        .replace("\r\n", "\n")
        .trim()
        .to_string()
}

/// The recognised header of a sheet.
#[derive(Debug, Clone)]
pub struct Header {
    /// Per column: the field and the header text as written.
    pub columns: Vec<Option<(Field, String)>>,
    /// Header texts not recognised (ignored, reported as a warning).
    pub unknown: Vec<String>,
    /// Index into `Sheet::rows` of the first data row.
    pub data_from: usize,
    /// Row number of the (last) header row.
    pub row: usize,
}

impl Header {
    pub fn col(&self, f: Field) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| matches!(c, Some((x, _)) if *x == f))
    }
    pub fn has(&self, f: Field) -> bool {
        self.col(f).is_some()
    }
    /// The header as written for field `f` (or its canonical name).
    pub fn name(&self, f: Field, kind: SheetKind) -> String {
        self.columns
            .iter()
            .flatten()
            .find(|(x, _)| *x == f)
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| f.header(kind).to_string())
    }
}

fn recognised(kind: SheetKind, row: &Row) -> Vec<Option<Field>> {
    row.cells
        .iter()
        .map(|c| columns::recognise(kind, c))
        .collect()
}

/// Find the header: the row (among the first 20) with the most recognised
/// headers, merged with the row above or below when the header has two
/// levels (a merged group cell such as 联系方式 over 联系人/电话/邮箱, and
/// single headers merged down over both rows).
pub fn header(sheet: &Sheet, kind: SheetKind) -> Option<Header> {
    let scan = sheet.rows.len().min(20);
    let (best, score) = (0..scan)
        .map(|i| {
            let n = recognised(kind, &sheet.rows[i])
                .iter()
                .filter(|f| f.is_some())
                .count();
            (i, n)
        })
        .fold((0, 0), |acc, x| if x.1 > acc.1 { x } else { acc });
    if score == 0 {
        return None;
    }
    let main = &sheet.rows[best];
    let main_f = recognised(kind, main);
    let mut fields: Vec<Option<(Field, String)>> = main
        .cells
        .iter()
        .zip(&main_f)
        .map(|(c, f)| f.map(|f| (f, c.clone())))
        .collect();
    let mut data_from = best + 1;
    let mut header_row = main.number;
    // A second header level directly below or above: it fills columns the
    // main row leaves empty or unrecognised. Below the main row, the cells
    // under recognised headers must be empty (merged down); above it, no
    // column may be recognised in both rows.
    let partner = |j: usize, below: bool| -> bool {
        let Some(other) = sheet.rows.get(j) else {
            return false;
        };
        if other.number.abs_diff(main.number) != 1 {
            return false;
        }
        let of = recognised(kind, other);
        let fills = of
            .iter()
            .enumerate()
            .filter(|(c, f)| f.is_some() && main_f.get(*c).copied().flatten().is_none())
            .count();
        let clash = main_f.iter().enumerate().any(|(c, f)| {
            f.is_some()
                && if below {
                    !other.cell(c).is_empty()
                } else {
                    of.get(c).copied().flatten().is_some()
                }
        });
        fills > 0 && !clash
    };
    let merge_from = |j: usize, fields: &mut Vec<Option<(Field, String)>>| {
        let other = &sheet.rows[j];
        for (c, f) in recognised(kind, other).into_iter().enumerate() {
            if let Some(f) = f {
                if fields.len() <= c {
                    fields.resize(c + 1, None);
                }
                if fields[c].is_none() {
                    fields[c] = Some((f, other.cells[c].clone()));
                }
            }
        }
    };
    let mut used = vec![best];
    if partner(best + 1, true) {
        used.push(best + 1);
        merge_from(best + 1, &mut fields);
        data_from = best + 2;
        header_row = sheet.rows[best + 1].number;
    } else if best > 0 && partner(best - 1, false) {
        used.push(best - 1);
        merge_from(best - 1, &mut fields);
    }
    // The first column of a field wins; later duplicates are ignored.
    let mut seen = Vec::new();
    for c in fields.iter_mut() {
        if let Some((f, _)) = c {
            if *f != Field::Derived && *f != Field::Seq {
                if seen.contains(f) {
                    *c = None;
                } else {
                    seen.push(*f);
                }
            }
        }
    }
    let mut unknown = Vec::new();
    for &r in &used {
        let row = &sheet.rows[r];
        for (c, t) in row.cells.iter().enumerate() {
            if !t.is_empty() && fields.get(c).is_none_or(|f| f.is_none()) && !unknown.contains(t) {
                unknown.push(t.clone());
            }
        }
    }
    Some(Header {
        columns: fields,
        unknown,
        data_from,
        row: header_row,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb18030_and_bom() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("成果名称,省份\n作业,上海市\n");
        assert_eq!(decode_text(&gbk), "成果名称,省份\n作业,上海市\n");
        assert_eq!(decode_text("\u{feff}a".as_bytes()), "a");
    }

    #[test]
    fn serial_dates() {
        assert_eq!(serial_date(45627.0), "2024-12-01");
        assert_eq!(serial_date(25569.0), "1970-01-01");
    }

    #[test]
    fn two_level_header() {
        let row = |n: usize, c: &[&str]| Row {
            number: n,
            cells: c.iter().map(|s| s.to_string()).collect(),
        };
        let sheet = Sheet {
            name: String::new(),
            rows: vec![
                row(1, &["成果信息一览表"]),
                row(2, &["序号", "成果名称", "联系方式", "", ""]),
                row(3, &["", "", "联系人", "电话", "邮箱"]),
                row(4, &["1", "作业", "王", "1", "a@b"]),
            ],
        };
        let h = header(&sheet, SheetKind::Outcomes).unwrap();
        assert_eq!(h.data_from, 3);
        assert_eq!(h.row, 3);
        assert_eq!(h.col(Field::Phone), Some(3));
        assert_eq!(h.col(Field::Title), Some(1));
        assert!(h.unknown.is_empty(), "{:?}", h.unknown);
    }
}
