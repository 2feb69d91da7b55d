//! Reading a spreadsheet (.xlsx, .xls, .ods via calamine) or a CSV file
//! (UTF-8 with or without BOM, or GB18030 as Excel on Chinese Windows
//! writes it) into text rows numbered as the user sees them in Excel, and
//! finding the header row (also a two-row header with merged cells).

use std::path::{Path, PathBuf};

use super::columns::{self, Field};
use super::limits;
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
    #[error("不支持的文件类型“{ext}”（可用：.xlsx、.xls、.ods、.csv；Word 稿件：.docx）")]
    Format { ext: String },
    #[error("{path} 中没有名为“{name}”的工作表（可用：{available}）")]
    NoSheet {
        path: PathBuf,
        name: String,
        available: String,
    },
    #[error("{path} 中没有任何工作表")]
    NoSheets { path: PathBuf },
    #[error("{path} 第{row}行：CSV 格式错误，请用 Excel 或 WPS 打开后重新保存（详情：{msg}）")]
    Csv {
        path: PathBuf,
        row: usize,
        msg: String,
    },
    #[error("{path} 无法作为 {what} 文件读取：文件已损坏或不完整（例如下载、复制或解压未完成），或并不是 {what} 格式；请用 Excel 或 WPS 打开后另存为 .xlsx，再导入（详情：{detail}）")]
    Corrupt {
        path: PathBuf,
        what: String,
        detail: String,
    },
    #[error("{path} 设有打开密码，无法读取；请在 Excel 或 WPS 中取消密码后另存，再导入")]
    Password { path: PathBuf },
    #[error("{path} 有 {size}，超过可导入文件 {limit} 的上限；请把表格拆分成几个文件分别导入")]
    FileTooLarge {
        path: PathBuf,
        size: String,
        limit: String,
    },
    #[error("{path} 中的“{part}”解压后有 {size}，超过单个部分 {limit} 的上限（文件可能已损坏或被特意构造）；未导入任何内容")]
    PartTooLarge {
        path: PathBuf,
        part: String,
        size: String,
        limit: String,
    },
    #[error("{path} 解压后超过 {limit} 的上限（文件可能已损坏或被特意构造）；未导入任何内容")]
    UnpackedTooLarge { path: PathBuf, limit: String },
    #[error("{path}{sheet}：单元格 {cell} 有内容，超出可导入的范围（最多 {max_rows} 行、{max_cols} 列）；请删除多余的行和列，或把表格拆分后分别导入")]
    OutOfRange {
        path: PathBuf,
        sheet: String,
        cell: String,
        max_rows: usize,
        max_cols: usize,
    },
    #[error("{path}{sheet}：已用区域 {from}:{to} 有 {cells} 个单元格，超过 {max} 个单元格的上限；请删除多余的行和列，或把表格拆分后分别导入")]
    TooManyCells {
        path: PathBuf,
        sheet: String,
        from: String,
        to: String,
        cells: usize,
        max: usize,
    },
    #[error("{path} 第{line}行：文件的编码混杂（第{utf8_line}行是 UTF-8，第{line}行不是），无法可靠读取；请用 Excel 或 WPS 打开，另存为“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx），再导入")]
    MixedEncoding {
        path: PathBuf,
        line: usize,
        utf8_line: usize,
    },
    #[error("{path} 第{line}行：文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取；请用 Excel 或 WPS 打开，另存为“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx），再导入")]
    Encoding { path: PathBuf, line: usize },
}

impl ReadError {
    /// A file that cannot be opened or read.
    pub fn open_io(path: &Path, e: &std::io::Error) -> ReadError {
        ReadError::Open {
            path: path.to_path_buf(),
            msg: super::io_text(e),
        }
    }

    /// A workbook whose container or contents a library could not read.
    pub fn corrupt(path: &Path, what: &str, detail: impl std::fmt::Display) -> ReadError {
        ReadError::Corrupt {
            path: path.to_path_buf(),
            what: what.to_string(),
            detail: detail.to_string(),
        }
    }
}

/// Read `path` (by its extension); `sheet` names the worksheet (default: the first).
/// The limits of [`limits`] are checked first.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Sheet, ReadError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let known = matches!(
        ext.as_str(),
        "csv" | "txt" | "xlsx" | "xlsm" | "xlsb" | "xls" | "ods"
    );
    if !known {
        return Err(ReadError::Format {
            ext: if ext.is_empty() {
                "（无扩展名）".into()
            } else {
                format!(".{ext}")
            },
        });
    }
    limits::check_file_size(path)?;
    match ext.as_str() {
        "csv" | "txt" => {
            let bytes = std::fs::read(path).map_err(|e| ReadError::open_io(path, &e))?;
            read_csv(path, &bytes)
        }
        "xlsx" | "xlsm" => {
            limits::check_zip(path, ".xlsx")?;
            let wb: calamine::Xlsx<_> = open(path, ".xlsx")?;
            read_streamed(path, wb, sheet, ".xlsx")
        }
        "xlsb" => {
            limits::check_zip(path, ".xlsb")?;
            let wb: calamine::Xlsb<_> = open(path, ".xlsb")?;
            read_streamed(path, wb, sheet, ".xlsb")
        }
        "ods" => {
            limits::check_zip(path, ".ods")?;
            limits::check_ods(path)?;
            let wb: calamine::Ods<_> = open(path, ".ods")?;
            read_dense(path, wb, sheet, ".ods")
        }
        _ => {
            limits::check_xls(path)?;
            let wb: calamine::Xls<_> = open(path, ".xls")?;
            read_dense(path, wb, sheet, ".xls")
        }
    }
}

type FileReader = std::io::BufReader<std::fs::File>;

fn open<W>(path: &Path, what: &str) -> Result<W, ReadError>
where
    W: calamine::Reader<FileReader>,
    W::Error: std::fmt::Display,
{
    let file = std::fs::File::open(path).map_err(|e| ReadError::open_io(path, &e))?;
    W::new(std::io::BufReader::new(file)).map_err(|e| library_error(path, what, e))
}

/// A calamine error in Chinese (a password, else a damaged file with the
/// library's text as detail).
fn library_error(path: &Path, what: &str, e: impl std::fmt::Display) -> ReadError {
    let detail = e.to_string();
    if detail.contains("password protected") {
        ReadError::Password {
            path: path.to_path_buf(),
        }
    } else {
        ReadError::corrupt(path, what, detail)
    }
}

/// CSV text from bytes: a UTF-8 BOM is dropped; bytes that are not UTF-8
/// are decoded as GB18030 (a superset of GBK and GB2312). A file that mixes
/// UTF-8 lines with lines in another encoding, or that is not clean
/// GB18030 either, is refused (`Err((line, utf8_line))`, 1-based text lines;
/// `utf8_line` 0 when no line is UTF-8 with Chinese text).
pub fn decode_text(bytes: &[u8]) -> Result<String, (usize, usize)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    // A UTF-8 line with non-ASCII text next to a line that is not UTF-8:
    // a file pasted together from two sources (the GB18030 reading of the
    // UTF-8 lines would be mojibake).
    let mut utf8_line = 0;
    let mut other_line = 0;
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.is_ascii() {
            continue;
        }
        match std::str::from_utf8(line) {
            Ok(l) if utf8_line == 0 && mostly_chinese(l) => utf8_line = i + 1,
            Ok(_) => {}
            Err(_) if other_line == 0 => other_line = i + 1,
            Err(_) => {}
        }
        if utf8_line > 0 && other_line > 0 {
            return Err((other_line, utf8_line));
        }
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(text.into_owned()),
        None => {
            // The first line that does not decode.
            let line = bytes
                .split(|&b| b == b'\n')
                .position(|l| {
                    encoding_rs::GB18030
                        .decode_without_bom_handling_and_without_replacement(l)
                        .is_none()
                })
                .map_or(1, |i| i + 1);
            Err((line, 0))
        }
    }
}

/// Whether most non-ASCII characters of a line are Chinese (CJK, full-width
/// punctuation): a GBK line that happens to be valid UTF-8 decodes to
/// Latin, Greek or Cyrillic letters instead.
fn mostly_chinese(line: &str) -> bool {
    let (mut cjk, mut other) = (0usize, 0usize);
    for c in line.chars().filter(|c| !c.is_ascii()) {
        if matches!(c, '\u{3000}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}' | '\u{f900}'..='\u{faff}')
        {
            cjk += 1;
        } else {
            other += 1;
        }
    }
    cjk > other
}

/// Characters that make a spreadsheet read a cell as a formula (OWASP's
/// list for CSV injection); the export writes such text cells with a
/// leading `'` (see [`super::export::csv`]).
pub const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Undo the export's neutralising `'` before a formula character.
fn unquote_formula(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

pub fn read_csv(path: &Path, bytes: &[u8]) -> Result<Sheet, ReadError> {
    let text = decode_text(bytes).map_err(|(line, utf8_line)| {
        if utf8_line > 0 {
            ReadError::MixedEncoding {
                path: path.to_path_buf(),
                line,
                utf8_line,
            }
        } else {
            ReadError::Encoding {
                path: path.to_path_buf(),
                line,
            }
        }
    })?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut extent = limits::Extent::new(path, "");
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| ReadError::Csv {
            path: path.to_path_buf(),
            row: i + 1,
            msg: e.to_string(),
        })?;
        let cells: Vec<String> = rec.iter().map(|c| clean(unquote_formula(c))).collect();
        if let Some(last) = cells.iter().rposition(|c| !c.is_empty()) {
            extent.add(i, last, 1, 1)?;
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

/// The sheet to read: `sheet` if given (it must exist), else the first.
fn pick_sheet(path: &Path, names: &[String], sheet: Option<&str>) -> Result<String, ReadError> {
    match sheet {
        Some(s) => {
            if !names.iter().any(|n| n == s) {
                return Err(ReadError::NoSheet {
                    path: path.to_path_buf(),
                    name: s.to_string(),
                    available: names.join("、"),
                });
            }
            Ok(s.to_string())
        }
        None => names.first().cloned().ok_or_else(|| ReadError::NoSheets {
            path: path.to_path_buf(),
        }),
    }
}

/// The non-empty cells `(row, col, text)` (0-based) grouped into rows.
fn rows_of(mut cells: Vec<(usize, usize, String)>) -> Vec<Row> {
    cells.sort_by_key(|c| (c.0, c.1));
    let mut rows: Vec<Row> = Vec::new();
    for (r, c, text) in cells {
        if rows.last().is_none_or(|row| row.number != r + 1) {
            rows.push(Row {
                number: r + 1,
                cells: Vec::new(),
            });
        }
        let row = rows.last_mut().expect("pushed above");
        if row.cells.len() <= c {
            row.cells.resize(c + 1, String::new());
        }
        row.cells[c] = text;
    }
    rows
}

/// Why streaming a sheet stopped: a limit, or the library's error text.
enum Stop {
    Limit(ReadError),
    Library(String),
}

/// Workbooks calamine can stream cell by cell (.xlsx, .xlsb): every
/// non-empty cell is checked against the limits before it is kept.
trait Streamed {
    fn cells(
        &mut self,
        name: &str,
        each: &mut dyn FnMut(usize, usize, calamine::Data) -> Result<(), ReadError>,
    ) -> Result<(), Stop>;
}

macro_rules! streamed {
    ($t:ty) => {
        impl Streamed for $t {
            fn cells(
                &mut self,
                name: &str,
                each: &mut dyn FnMut(usize, usize, calamine::Data) -> Result<(), ReadError>,
            ) -> Result<(), Stop> {
                let lib = |e: &dyn std::fmt::Display| Stop::Library(e.to_string());
                let mut rd = self.worksheet_cells_reader(name).map_err(|e| lib(&e))?;
                while let Some(cell) = rd.next_cell().map_err(|e| lib(&e))? {
                    let (r, c) = cell.get_position();
                    let v: calamine::Data = cell.get_value().clone().into();
                    if v != calamine::Data::Empty {
                        each(r as usize, c as usize, v).map_err(Stop::Limit)?;
                    }
                }
                Ok(())
            }
        }
    };
}

streamed!(calamine::Xlsx<FileReader>);
streamed!(calamine::Xlsb<FileReader>);

fn read_streamed<W>(
    path: &Path,
    mut wb: W,
    sheet: Option<&str>,
    what: &str,
) -> Result<Sheet, ReadError>
where
    W: calamine::Reader<FileReader> + Streamed,
{
    let name = pick_sheet(path, &wb.sheet_names(), sheet)?;
    let mut extent = limits::Extent::new(path, &name);
    let mut cells = Vec::new();
    let res = wb.cells(&name, &mut |r, c, v| {
        extent.add(r, c, 1, 1)?;
        let text = cell_text(&v);
        if !text.is_empty() {
            cells.push((r, c, text));
        }
        Ok(())
    });
    match res {
        Ok(()) => {}
        Err(Stop::Limit(e)) => return Err(e),
        Err(Stop::Library(detail)) => return Err(library_error(path, what, detail)),
    }
    Ok(Sheet {
        name,
        rows: rows_of(cells),
    })
}

/// Workbooks calamine reads into a dense range (.ods, .xls), after their
/// extent was checked by [`limits`].
fn read_dense<W>(
    path: &Path,
    mut wb: W,
    sheet: Option<&str>,
    what: &str,
) -> Result<Sheet, ReadError>
where
    W: calamine::Reader<FileReader>,
    W::Error: std::fmt::Display,
{
    let name = pick_sheet(path, &wb.sheet_names(), sheet)?;
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| library_error(path, what, e))?;
    let mut cells = Vec::new();
    for (r, c, v) in range.used_cells() {
        let text = cell_text(v);
        if !text.is_empty() {
            let (r0, c0) = range.start().unwrap_or((0, 0));
            cells.push((r + r0 as usize, c + c0 as usize, text));
        }
    }
    drop(range);
    Ok(Sheet {
        name,
        rows: rows_of(cells),
    })
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
        assert_eq!(decode_text(&gbk).unwrap(), "成果名称,省份\n作业,上海市\n");
        assert_eq!(decode_text("\u{feff}a".as_bytes()).unwrap(), "a");
        let mut mixed = "成果名称,省份\n".as_bytes().to_vec();
        mixed.extend_from_slice(&encoding_rs::GB18030.encode("作业,上海市\n").0);
        assert_eq!(decode_text(&mixed), Err((2, 1)));
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
