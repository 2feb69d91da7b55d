//! Spreadsheets in and out (issue 6): `chengguo import` reads lists of
//! 成果 / 成果持有方 / 成果应用方 from .xlsx, .xls, .ods or .csv (UTF-8 or
//! GB18030) and writes or updates records; `chengguo export` writes the
//! tables of the 2024 notice (附件1, 3, 4, 5 as .xlsx or CSV, 附件2 as one
//! printable HTML page); the build publishes the same files on a 数据下载
//! page and a 统计 page (see [`crate::render`]).
//!
//! - [`columns`]: Chinese column headers ↔ fields, with accepted variants.
//! - [`read`]: reading a sheet or CSV into rows with spreadsheet row numbers.
//! - [`limits`]: file, unpacked and sheet-extent limits checked before reading.
//! - [`import`]: checking every cell, matching existing records, the plan.
//! - [`edit`]: line-based editing of block-style front matter.
//! - [`export`]: the 附件 tables and their .xlsx/CSV bytes.
//! - [`stats`]: counts for the 统计 page.
//! - [`docx`]: Word/WPS manuscripts (.docx) into case, notice, outcome or
//!   page records (issue 13).
//!
//! See docs/interchange.md.

pub mod columns;
pub mod docx;
pub mod edit;
pub mod export;
pub mod import;
pub mod limits;
pub mod read;
pub mod stats;

/// What an imported sheet lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    Outcomes,
    Holders,
    Regions,
}

impl SheetKind {
    pub fn parse(s: &str) -> Option<SheetKind> {
        match s {
            "outcomes" => Some(SheetKind::Outcomes),
            "holders" => Some(SheetKind::Holders),
            "regions" => Some(SheetKind::Regions),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SheetKind::Outcomes => "成果",
            SheetKind::Holders => "成果持有方",
            SheetKind::Regions => "成果应用方",
        }
    }
}

/// NFKC, trimmed, inner white space removed: how names are compared
/// (成果名称 with the title of a record, 持有单位 with a holder's title).
pub fn name_key(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// An I/O error in Chinese, the system's text kept as a detail.
pub fn io_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "文件或文件夹不存在",
        K::PermissionDenied => "没有权限（文件可能正在 Excel 或 WPS 中打开，或为只读）",
        K::AlreadyExists => "文件已存在",
        K::StorageFull => "磁盘空间不足",
        K::IsADirectory => "这是一个文件夹，不是文件",
        K::ReadOnlyFilesystem => "磁盘为只读",
        K::InvalidData | K::UnexpectedEof => "文件内容不完整或已损坏",
        _ => "读写失败",
    };
    format!("{what}（详情：{e}）")
}
