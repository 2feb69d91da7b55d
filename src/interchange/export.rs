//! The tables of the 2024 notice (教基厅函〔2024〕24号) from a site's
//! records: 附件1 成果信息一览表, 附件3 成果汇总表, 附件4 成果应用方信息一览表
//! and 附件5 成果应用方汇总表, each as .xlsx (one sheet, header row styled,
//! frozen and filtered, column widths set) or CSV (UTF-8 with BOM, so that
//! Excel opens it). 附件2 成果简介 is an HTML page, see
//! [`crate::render::brief_page`].
//!
//! The notice names the five attachments but its published text does not
//! reproduce their column layouts; the columns here are the fields the
//! programme collects (issue 6), in the order of the import headers, so
//! that an exported table imports again unchanged. Rows are sorted by data
//! (province in the usual order, award year, level, name), never by id, so
//! a re-imported site exports identical tables.

use crate::content::Kind;
use crate::graph::{RecId, SiteGraph};
use crate::model::Data;
use crate::vocab;

/// A cell: text, or a number (written as a number in .xlsx).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

/// One attachment table.
#[derive(Debug, Clone)]
pub struct Table {
    /// ASCII key, used for portal file names (`fujian1`).
    pub key: &'static str,
    /// 附件1, 附件3 …
    pub number: &'static str,
    /// 成果信息一览表 … (also the sheet name).
    pub name: &'static str,
    pub headers: Vec<&'static str>,
    /// Column widths in Excel character units.
    pub widths: Vec<f64>,
    pub rows: Vec<Vec<Cell>>,
    /// Per row: the record it comes from (`content/outcomes/x.md`), for
    /// messages about its cells.
    pub sources: Vec<String>,
}

impl Table {
    /// `附件1-成果信息一览表.xlsx` (what `chengguo export` writes).
    pub fn file_name(&self, ext: &str) -> String {
        format!("{}-{}.{ext}", self.number, self.name)
    }
    pub fn title(&self) -> String {
        format!("{} {}", self.number, self.name)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("生成 {file} 失败：{msg}")]
    Xlsx { file: String, msg: String },
    #[error("无法写入 {path}：{}", super::io_text(err))]
    Write {
        path: std::path::PathBuf,
        err: std::io::Error,
    },
}

fn province_rank(p: &str) -> (usize, String) {
    (
        vocab::PROVINCES
            .iter()
            .position(|x| x.0 == p)
            .unwrap_or(usize::MAX),
        p.to_string(),
    )
}

fn join(v: &[String]) -> String {
    v.join("、")
}

fn zone_label(p: &str) -> String {
    vocab::zone_of(p).map_or(String::new(), |z| z.label().to_string())
}

/// Outcomes in table order: province, award year (newest first), level, name.
pub fn outcome_order(g: &SiteGraph) -> Vec<RecId> {
    let mut v: Vec<RecId> = g.of_kind(Kind::Outcome).collect();
    let key = |id: RecId| {
        let r = g.get(id);
        match &r.data {
            Data::Outcome(o) => (
                province_rank(&o.province),
                std::cmp::Reverse(o.award_year),
                vocab::LEVELS
                    .iter()
                    .position(|l| *l == o.award_level)
                    .unwrap_or(usize::MAX),
                r.title.clone(),
            ),
            _ => (
                (usize::MAX, String::new()),
                std::cmp::Reverse(0),
                usize::MAX,
                r.title.clone(),
            ),
        }
    };
    v.sort_by_cached_key(|&id| key(id));
    v
}

/// Regions in table order: province, name.
pub fn region_order(g: &SiteGraph) -> Vec<RecId> {
    let mut v: Vec<RecId> = g.of_kind(Kind::Region).collect();
    v.sort_by_cached_key(|&id| {
        let r = g.get(id);
        (province_rank(r.province().unwrap_or("")), r.title.clone())
    });
    v
}

fn holder_title(g: &SiteGraph, o: &crate::model::Outcome) -> String {
    g.resolve(Kind::Holder, &o.holder)
        .map(|h| g.get(h).title.clone())
        .unwrap_or_default()
}

/// 附件1, 3, 4, 5 of the site.
pub fn tables(g: &SiteGraph) -> Vec<Table> {
    let outcomes = outcome_order(g);
    let regions = region_order(g);

    let mut t1 = Table {
        key: "fujian1",
        number: "附件1",
        name: "成果信息一览表",
        headers: vec![
            "序号",
            "成果名称",
            "获奖年度",
            "获奖等级",
            "持有人",
            "持有单位",
            "实践检验单位",
            "省份",
            "学段",
            "学科",
            "主题词",
            "推广方式",
            "联系人",
            "电话",
            "邮箱",
        ],
        widths: vec![
            6.0, 44.0, 10.0, 10.0, 18.0, 30.0, 30.0, 12.0, 18.0, 18.0, 30.0, 10.0, 12.0, 16.0, 24.0,
        ],
        rows: Vec::new(),
        sources: Vec::new(),
    };
    let mut t3 = Table {
        key: "fujian3",
        number: "附件3",
        name: "成果汇总表",
        headers: vec![
            "序号",
            "省份",
            "区域",
            "成果名称",
            "获奖年度",
            "获奖等级",
            "持有单位",
            "学段",
            "推广方式",
        ],
        widths: vec![6.0, 12.0, 8.0, 44.0, 10.0, 10.0, 30.0, 18.0, 10.0],
        rows: Vec::new(),
        sources: Vec::new(),
    };
    for (i, &id) in outcomes.iter().enumerate() {
        let r = g.get(id);
        let Data::Outcome(o) = &r.data else { continue };
        let contact = o.contact.clone().unwrap_or_default();
        let holder = holder_title(g, o);
        let n = Cell::Int(i as i64 + 1);
        let src = r.display_path.to_string_lossy().replace('\\', "/");
        t1.sources.push(src.clone());
        t3.sources.push(src);
        t1.rows.push(vec![
            n.clone(),
            r.title.as_str().into(),
            Cell::Int(o.award_year),
            o.award_level.as_str().into(),
            join(&o.people).into(),
            holder.as_str().into(),
            join(&o.partners).into(),
            o.province.as_str().into(),
            join(&o.stages).into(),
            join(&o.subjects).into(),
            join(&o.themes).into(),
            o.promotion.clone().unwrap_or_default().into(),
            contact.name.unwrap_or_default().into(),
            contact.phone.unwrap_or_default().into(),
            contact.email.unwrap_or_default().into(),
        ]);
        t3.rows.push(vec![
            n,
            o.province.as_str().into(),
            zone_label(&o.province).into(),
            r.title.as_str().into(),
            Cell::Int(o.award_year),
            o.award_level.as_str().into(),
            holder.into(),
            join(&o.stages).into(),
            o.promotion.clone().unwrap_or_default().into(),
        ]);
    }

    let mut t4 = Table {
        key: "fujian4",
        number: "附件4",
        name: "成果应用方信息一览表",
        headers: vec![
            "序号",
            "省份",
            "市/区县",
            "是否示范区",
            "意向成果",
            "成果持有单位",
            "责任部门",
            "基地学校",
            "开始年月",
            "结束年月",
        ],
        widths: vec![6.0, 12.0, 20.0, 10.0, 44.0, 30.0, 24.0, 36.0, 10.0, 10.0],
        rows: Vec::new(),
        sources: Vec::new(),
    };
    let mut t5 = Table {
        key: "fujian5",
        number: "附件5",
        name: "成果应用方汇总表",
        headers: vec![
            "序号",
            "省份",
            "区域",
            "市/区县",
            "是否示范区",
            "应用成果数",
            "应用成果",
            "推广应用周期",
        ],
        widths: vec![6.0, 12.0, 8.0, 20.0, 10.0, 10.0, 60.0, 20.0],
        rows: Vec::new(),
        sources: Vec::new(),
    };
    for (i, &id) in regions.iter().enumerate() {
        let r = g.get(id);
        let Data::Region(reg) = &r.data else { continue };
        let demo = if reg.demonstration { "是" } else { "否" };
        let start = reg.period_start.clone().unwrap_or_default();
        let end = reg.period_end.clone().unwrap_or_default();
        let mut titles = Vec::new();
        let apply_rows: Vec<(String, String, String, String)> = reg
            .applies
            .iter()
            .map(|a| {
                let (title, holder) = match g.resolve(Kind::Outcome, &a.outcome) {
                    Some(o) => {
                        let rec = g.get(o);
                        let h = match &rec.data {
                            Data::Outcome(x) => holder_title(g, x),
                            _ => String::new(),
                        };
                        (rec.title.clone(), h)
                    }
                    None => (a.outcome.id.clone(), String::new()),
                };
                titles.push(title.clone());
                (
                    title,
                    holder,
                    a.department.clone().unwrap_or_default(),
                    join(&a.schools),
                )
            })
            .collect();
        let province = r.province().unwrap_or("").to_string();
        let src = r.display_path.to_string_lossy().replace('\\', "/");
        t5.sources.push(src.clone());
        if apply_rows.is_empty() {
            t4.sources.push(src.clone());
            t4.rows.push(vec![
                Cell::Int(t4.rows.len() as i64 + 1),
                province.as_str().into(),
                r.title.as_str().into(),
                demo.into(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                start.as_str().into(),
                end.as_str().into(),
            ]);
        }
        for (title, holder, dep, schools) in apply_rows {
            t4.sources.push(src.clone());
            t4.rows.push(vec![
                Cell::Int(t4.rows.len() as i64 + 1),
                province.as_str().into(),
                r.title.as_str().into(),
                demo.into(),
                title.into(),
                holder.into(),
                dep.into(),
                schools.into(),
                start.as_str().into(),
                end.as_str().into(),
            ]);
        }
        let period = match (start.is_empty(), end.is_empty()) {
            (true, true) => String::new(),
            _ => format!("{start}至{end}"),
        };
        t5.rows.push(vec![
            Cell::Int(i as i64 + 1),
            province.as_str().into(),
            zone_label(&province).into(),
            r.title.as_str().into(),
            demo.into(),
            Cell::Int(titles.len() as i64),
            join(&titles).into(),
            period.into(),
        ]);
    }
    vec![t1, t3, t4, t5]
}

/// Excel's limit on the length of a cell's text, in UTF-16 units.
pub const XLSX_MAX_CELL: usize = 32_767;

/// What replaces the end of a text cut to [`XLSX_MAX_CELL`].
pub const TRUNCATED_MARK: &str =
    "…【超出 Excel 单元格 32767 字符的上限，以下已截断；全文见 CSV 文件或网站】";

/// A text cell cut to fit an .xlsx cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Truncated {
    /// The record the row comes from.
    pub source: String,
    /// 0-based data row and the column's header.
    pub row: usize,
    pub column: &'static str,
    /// Length of the full text in characters.
    pub chars: usize,
}

impl Truncated {
    /// The warning shown for it (`file`: the .xlsx file's name).
    pub fn message(&self, t: &Table, file: &str) -> String {
        format!(
            "{} 第{}行「{}」有 {} 个字符，超过 Excel 单元格 32767 个字符的上限；{file} 中该单元格已截断并注明，CSV 文件中为全文",
            t.title(),
            self.row + 2,
            self.column,
            self.chars
        )
    }
}

/// `s` cut so that it and [`TRUNCATED_MARK`] fit [`XLSX_MAX_CELL`] UTF-16
/// units (at a character boundary), or `None` when it fits as it is.
pub fn fit_cell(s: &str) -> Option<String> {
    let units = |x: &str| x.chars().map(char::len_utf16).sum::<usize>();
    if units(s) <= XLSX_MAX_CELL {
        return None;
    }
    let room = XLSX_MAX_CELL - units(TRUNCATED_MARK);
    let mut used = 0;
    let end = s
        .char_indices()
        .find(|(_, c)| {
            used += c.len_utf16();
            used > room
        })
        .map_or(s.len(), |(i, _)| i);
    Some(format!("{}{TRUNCATED_MARK}", &s[..end]))
}

/// An .xlsx workbook and the cells cut to fit it.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub bytes: Vec<u8>,
    pub truncated: Vec<Truncated>,
}

/// The table as an .xlsx workbook (byte-identical for the same table: the
/// document's creation date is fixed). Text is always written as text,
/// never as a formula (`write_string`); a text longer than Excel's cell
/// limit is cut with a visible mark ([`fit_cell`]) and reported.
pub fn xlsx(t: &Table) -> Result<Workbook, ExportError> {
    use rust_xlsxwriter::{
        Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook,
    };
    let err = |e: rust_xlsxwriter::XlsxError| ExportError::Xlsx {
        file: t.file_name("xlsx"),
        msg: e.to_string(),
    };
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2024, 8, 1).map_err(err)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(t.title())
            .set_creation_datetime(&created),
    );
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDCE6F1))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let body = Format::new().set_align(FormatAlign::Top).set_text_wrap();
    let ws = wb.add_worksheet();
    let mut truncated = Vec::new();
    ws.set_name(t.name).map_err(err)?;
    for (c, h) in t.headers.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *h, &head).map_err(err)?;
        ws.set_column_width(c, t.widths.get(c as usize).copied().unwrap_or(12.0))
            .map_err(err)?;
    }
    ws.set_row_height(0, 24).map_err(err)?;
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Int(i) => {
                    ws.write_number_with_format(r, c, *i as f64, &body)
                        .map_err(err)?;
                }
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => match fit_cell(s) {
                    None => {
                        ws.write_string_with_format(r, c, s, &body).map_err(err)?;
                    }
                    Some(cut) => {
                        ws.write_string_with_format(r, c, &cut, &body)
                            .map_err(err)?;
                        truncated.push(Truncated {
                            source: t.sources.get(r as usize - 1).cloned().unwrap_or_default(),
                            row: r as usize - 1,
                            column: t.headers.get(c as usize).copied().unwrap_or(""),
                            chars: s.chars().count(),
                        });
                    }
                },
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    if !t.headers.is_empty() {
        ws.autofilter(0, 0, t.rows.len() as u32, t.headers.len() as u16 - 1)
            .map_err(err)?;
    }
    let bytes = wb.save_to_buffer().map_err(err)?;
    Ok(self::Workbook { bytes, truncated })
}

/// A cell as CSV text. A text cell that a spreadsheet would read as a
/// formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return:
/// OWASP's CSV-injection list) gets a leading `'`, which Excel and WPS show
/// as plain text; number cells (序号, 获奖年度, 应用成果数) are written as
/// they are. `chengguo import` drops that `'` again.
pub fn csv_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) if s.starts_with(super::read::FORMULA_START) => format!("'{s}"),
        _ => c.text(),
    }
}

/// The table as CSV: UTF-8 with BOM (Excel then reads it as UTF-8), CRLF;
/// formula-like text cells neutralised ([`csv_text`]).
pub fn csv(t: &Table) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let _ = w.write_record(&t.headers);
        for row in &t.rows {
            let _ = w.write_record(row.iter().map(csv_text));
        }
        let _ = w.flush();
    }
    out
}

/// Output format of `chengguo export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

/// One file written by [`write_all`].
#[derive(Debug, Clone)]
pub struct Written {
    pub file: String,
    /// Data rows (outcomes for 附件2).
    pub rows: usize,
    pub bytes: usize,
    /// Warnings about the file (cells cut to fit an .xlsx cell), each
    /// starting with the record's path.
    pub warnings: Vec<String>,
}

/// Write 附件1–5 of a loaded site into `out` (created if missing):
/// `附件1-成果信息一览表.xlsx` … and `附件2-成果简介汇编.html`, whose page
/// the caller renders (`crate::render::brief_page`: the render stage
/// consumes this module, not the other way round).
pub fn write_all(
    g: &SiteGraph,
    brief_html: &str,
    format: Format,
    out: &std::path::Path,
) -> Result<Vec<Written>, ExportError> {
    let werr = |path: std::path::PathBuf| move |err| ExportError::Write { path, err };
    std::fs::create_dir_all(out).map_err(werr(out.to_path_buf()))?;
    let mut written = Vec::new();
    let mut put = |name: String,
                   bytes: &[u8],
                   rows: usize,
                   warnings: Vec<String>|
     -> Result<(), ExportError> {
        let path = out.join(&name);
        std::fs::write(&path, bytes).map_err(werr(path))?;
        written.push(Written {
            file: name,
            rows,
            bytes: bytes.len(),
            warnings,
        });
        Ok(())
    };
    let tables = tables(g);
    for (i, t) in tables.iter().enumerate() {
        let (ext, bytes, warnings) = match format {
            Format::Xlsx => {
                let wb = xlsx(t)?;
                let file = t.file_name("xlsx");
                let warnings = wb
                    .truncated
                    .iter()
                    .map(|x| format!("{}：{}", x.source, x.message(t, &file)))
                    .collect();
                ("xlsx", wb.bytes, warnings)
            }
            Format::Csv => ("csv", csv(t), Vec::new()),
        };
        put(t.file_name(ext), &bytes, t.rows.len(), warnings)?;
        if i == 0 {
            put(
                "附件2-成果简介汇编.html".to_string(),
                brief_html.as_bytes(),
                g.count(Kind::Outcome),
                Vec::new(),
            )?;
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_gets_an_apostrophe_numbers_do_not() {
        for s in ["=1+2", "+86", "-乙校", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_text(&Cell::Text(s.into())), format!("'{s}"));
        }
        assert_eq!(csv_text(&Cell::Text("甲=乙".into())), "甲=乙");
        assert_eq!(csv_text(&Cell::Text("'=x".into())), "'=x");
        assert_eq!(csv_text(&Cell::Int(-3)), "-3");
    }

    #[test]
    fn long_text_is_cut_to_excels_limit_at_a_character_boundary() {
        assert_eq!(fit_cell("短"), None);
        let s = "😀".repeat(20_000); // 40,000 UTF-16 units
        let cut = fit_cell(&s).unwrap();
        assert!(cut.encode_utf16().count() <= XLSX_MAX_CELL);
        assert!(cut.ends_with(TRUNCATED_MARK));
        assert!(cut.starts_with("😀😀"));
    }
}
