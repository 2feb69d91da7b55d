//! Issue 10, spreadsheets: hostile or broken input to `chengguo import`,
//! and formula-like cells in the published and exported tables. Every
//! input is generated here (workbooks written with the `zip` and `cfb`
//! crates), driven through the real binary:
//!
//! - memory bombs (a cell at XFD1048576, a shared string and sheet XML of
//!   1.1 GB unpacked, an .ods repeating a row a million times, an .xls
//!   declaring 1,048,576 × 16,384 cells) run under `ulimit -v` and end with
//!   exit 1, a Chinese message naming the file and the limit, nothing written;
//! - formula injection: the exact bytes of `data/fujian1.csv` and of
//!   `export --format csv`; the .xlsx export holds strings, never formulas;
//!   the CSV imports back unchanged;
//! - import time linear in rows (a ratio, never an absolute time);
//! - a CSV mixing UTF-8 and GBK lines (or in neither encoding), a truncated
//!   or password-protected .xlsx, a 附件1 cell longer than Excel's 32,767
//!   characters.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{run, Run, BIN};

fn cmd(cwd: &Path, args: &[&str]) -> Run {
    let a: Vec<&std::ffi::OsStr> = args.iter().map(|s| s.as_ref()).collect();
    run(cwd, &a)
}

/// Every file under `dir` (relative path → bytes).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .to_string();
        if rel.starts_with(".chengguo-cache") || !e.file_type().is_file() {
            continue;
        }
        out.insert(rel, fs::read(e.path()).unwrap());
    }
    out
}

/// `chengguo init`, then without its sample outcomes, holders, regions and cases.
fn empty_site(cwd: &Path, name: &str) -> PathBuf {
    let r = cmd(cwd, &["init", name]);
    assert_eq!(r.code, 0, "{}", r.dump());
    let site = cwd.join(name);
    for k in ["outcomes", "holders", "regions", "cases"] {
        for e in fs::read_dir(site.join("content").join(k)).unwrap() {
            fs::remove_file(e.unwrap().path()).unwrap();
        }
    }
    site
}

/// `chengguo import FILE SITE --kind outcomes` under `ulimit -v` (2 GB of
/// address space): an allocation past it aborts the process.
fn import_bounded(cwd: &Path, file: &Path, site: &Path) -> Run {
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2000000; exec \"$0\" import \"$1\" \"$2\" --kind outcomes")
        .arg(BIN)
        .arg(file)
        .arg(site)
        .current_dir(cwd)
        .output()
        .expect("run chengguo under sh");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Import `file` into a fresh empty site under the memory limit; assert
/// exit 1, `message` in stderr, and no file of the site changed.
fn refused(cwd: &Path, file: &Path, message: &str) {
    let site = empty_site(
        cwd,
        &format!("site-{}", file.file_stem().unwrap().to_string_lossy()),
    );
    let before = snapshot(&site);
    let r = import_bounded(cwd, file, &site);
    assert_eq!(r.code, 1, "a clean refusal, not an abort: {}", r.dump());
    let want = format!("{}{message}", file.display());
    assert!(
        r.stderr.contains(&want),
        "expected “{want}” in:\n{}",
        r.dump()
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.dump());
    assert!(before == snapshot(&site), "nothing written");
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_TAIL: &str = "</sheetData></worksheet>";

/// One part of a generated zip: its bytes, with `pad` bytes of `fill`
/// inserted after the first `at` bytes (streamed into the deflater).
struct Part<'a> {
    name: &'a str,
    text: String,
    at: usize,
    pad: u64,
    fill: u8,
}

fn part(name: &str, text: impl Into<String>) -> Part<'_> {
    Part {
        name,
        text: text.into(),
        at: 0,
        pad: 0,
        fill: b' ',
    }
}

fn write_zip(path: &Path, parts: &[Part]) {
    let file = fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(std::io::BufWriter::new(file));
    for p in parts {
        let method = if p.name == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let level = match method {
            zip::CompressionMethod::Stored => None,
            _ if p.pad > 0 => Some(9),
            _ => Some(1),
        };
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .compression_level(level)
            .large_file(p.pad > u32::MAX as u64 / 2);
        z.start_file(p.name, opts).unwrap();
        let bytes = p.text.as_bytes();
        z.write_all(&bytes[..p.at]).unwrap();
        let chunk = vec![p.fill; 1 << 20];
        let mut left = p.pad;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            z.write_all(&chunk[..n]).unwrap();
            left -= n as u64;
        }
        z.write_all(&bytes[p.at..]).unwrap();
    }
    z.finish().unwrap().flush().unwrap();
}

/// A minimal .xlsx: the sheet's `<sheetData>` content and the shared strings.
fn xlsx_parts<'a>(sheet: Part<'a>, shared: Part<'a>) -> Vec<Part<'a>> {
    vec![
        part("[Content_Types].xml", CONTENT_TYPES),
        part("_rels/.rels", RELS),
        part("xl/workbook.xml", WORKBOOK),
        part("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        sheet,
        shared,
    ]
}

fn shared_strings(items: &[&str]) -> String {
    let si: String = items
        .iter()
        .map(|s| format!("<si><t>{s}</t></si>"))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">{si}</sst>"#,
        n = items.len()
    )
}

#[test]
fn one_cell_at_xfd1048576_is_refused_without_allocating_the_range() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let f = cwd.join("far.xlsx");
    let sheet = format!(
        r#"{SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>{SHEET_TAIL}"#
    );
    write_zip(
        &f,
        &xlsx_parts(
            part("xl/worksheets/sheet1.xml", sheet),
            part("xl/sharedStrings.xml", shared_strings(&["成果名称"])),
        ),
    );
    assert!(fs::metadata(&f).unwrap().len() < 10_000, "a small file");
    refused(
        cwd,
        &f,
        "（工作表“Sheet1”）：单元格 XFD1048576 有内容，超出可导入的范围（最多 100000 行、200 列）；请删除多余的行和列，或把表格拆分后分别导入",
    );
}

#[test]
fn a_shared_string_inflating_to_1_1_gb_is_refused_before_reading() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let f = cwd.join("bigstring.xlsx");
    let sst = shared_strings(&["成果名称", "X"]);
    let at = sst.rfind("X</t>").unwrap();
    let sheet = format!(
        r#"{SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>{SHEET_TAIL}"#
    );
    write_zip(
        &f,
        &xlsx_parts(
            part("xl/worksheets/sheet1.xml", sheet),
            Part {
                name: "xl/sharedStrings.xml",
                text: sst,
                at,
                pad: 1_100_000_000,
                fill: b'a',
            },
        ),
    );
    let size = fs::metadata(&f).unwrap().len();
    assert!(size < 2_000_000, "a small file: {size} bytes");
    refused(
        cwd,
        &f,
        " 中的“xl/sharedStrings.xml”解压后有 1049.0 MB，超过单个部分 256.0 MB 的上限（文件可能已损坏或被特意构造）；未导入任何内容",
    );
}

#[test]
fn sheet_xml_padded_with_1_1_gb_of_white_space_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let f = cwd.join("spaces.xlsx");
    let sheet = format!(r#"{SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c></row>{SHEET_TAIL}"#);
    let at = sheet.find("</sheetData>").unwrap();
    write_zip(
        &f,
        &xlsx_parts(
            Part {
                name: "xl/worksheets/sheet1.xml",
                text: sheet,
                at,
                pad: 1_100_000_000,
                fill: b' ',
            },
            part("xl/sharedStrings.xml", shared_strings(&["成果名称"])),
        ),
    );
    refused(
        cwd,
        &f,
        " 中的“xl/worksheets/sheet1.xml”解压后有 1049.0 MB，超过单个部分 256.0 MB 的上限",
    );
}

#[test]
fn ods_repeating_a_row_a_million_times_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let f = cwd.join("repeat.ods");
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="表一"><table:table-row><table:table-cell office:value-type="string"><text:p>成果名称</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string" table:number-columns-repeated="100"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    write_zip(
        &f,
        &[
            part("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            part("META-INF/manifest.xml", manifest),
            part("content.xml", content),
        ],
    );
    refused(
        cwd,
        &f,
        "（工作表“表一”）：单元格 A100001 有内容，超出可导入的范围（最多 100000 行、200 列）",
    );
}

/// A BIFF record.
fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut v = typ.to_le_bytes().to_vec();
    v.extend_from_slice(&(data.len() as u16).to_le_bytes());
    v.extend_from_slice(data);
    v
}

#[test]
fn xls_declaring_a_huge_range_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let f = cwd.join("dims.xls");
    let bof = |dt: u16| {
        let mut d = vec![0u8; 16];
        d[0..2].copy_from_slice(&0x0600u16.to_le_bytes());
        d[2..4].copy_from_slice(&dt.to_le_bytes());
        rec(0x0809, &d)
    };
    let name = b"Sheet1";
    let globals_len = |sheet_pos: u32| {
        let mut bs = sheet_pos.to_le_bytes().to_vec();
        bs.extend_from_slice(&[0, 0, name.len() as u8, 0]);
        bs.extend_from_slice(name);
        [bof(0x0005), rec(0x0085, &bs), rec(0x000A, &[])].concat()
    };
    let pos = globals_len(0).len() as u32;
    let mut stream = globals_len(pos);
    let mut dims = Vec::new();
    dims.extend_from_slice(&0u32.to_le_bytes());
    dims.extend_from_slice(&1_048_576u32.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    dims.extend_from_slice(&16_384u16.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    stream.extend(bof(0x0010));
    stream.extend(rec(0x0200, &dims));
    stream.extend(rec(0x000A, &[]));
    let mut cf = cfb::create(&f).unwrap();
    cf.create_stream("/Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    cf.flush().unwrap();
    drop(cf);
    refused(
        cwd,
        &f,
        "（工作表“Sheet1”）：已用区域 A1:XFD1048576 有 17179869184 个单元格，超过 5000000 个单元格的上限",
    );
}

#[test]
fn a_truncated_xlsx_is_explained_in_chinese() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let f = cwd.join("whole.xlsx");
    let sheet = format!(r#"{SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c></row>{SHEET_TAIL}"#);
    write_zip(
        &f,
        &xlsx_parts(
            part("xl/worksheets/sheet1.xml", sheet),
            part("xl/sharedStrings.xml", shared_strings(&["成果名称"])),
        ),
    );
    let bytes = fs::read(&f).unwrap();
    let cut = cwd.join("cut.xlsx");
    fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    refused(
        cwd,
        &cut,
        " 无法作为 .xlsx 文件读取：文件已损坏或不完整（例如下载、复制或解压未完成），或并不是 .xlsx 格式；请用 Excel 或 WPS 打开后另存为 .xlsx，再导入（详情：",
    );
    let r = cmd(
        cwd,
        &[
            "import",
            cut.to_str().unwrap(),
            "site-cut",
            "--kind",
            "outcomes",
        ],
    );
    let first = r.stderr.lines().next().unwrap_or("");
    assert!(first.starts_with("错误："), "{}", r.dump());
    assert!(
        !first.split("详情：").next().unwrap().contains("EOCD"),
        "the library text only as a detail: {first}"
    );
}

#[test]
fn a_csv_mixing_utf8_and_gbk_lines_names_the_encodings() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let f = cwd.join("mixed.csv");
    let mut bytes = "成果名称,获奖年度,获奖等级,持有单位,省份,学段\r\n作业设计,2022,一等奖,甲校,四川省,小学\r\n"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(
        &encoding_rs::GB18030
            .encode("课堂教学,2022,二等奖,乙校,四川省,初中\r\n")
            .0,
    );
    fs::write(&f, bytes).unwrap();
    refused(
        cwd,
        &f,
        " 第3行：文件的编码混杂（第1行是 UTF-8，第3行不是），无法可靠读取；请用 Excel 或 WPS 打开，另存为“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx），再导入",
    );
    // A CSV wholly in GBK still imports.
    let gbk = cwd.join("gbk.csv");
    fs::write(
        &gbk,
        encoding_rs::GB18030
            .encode("成果名称,获奖年度,获奖等级,持有单位,省份,学段\r\n课堂教学,2022,二等奖,乙校,四川省,初中\r\n")
            .0,
    )
    .unwrap();
    let site = empty_site(cwd, "gbk-site");
    let r = import_bounded(cwd, &gbk, &site);
    assert_eq!(r.code, 0, "{}", r.dump());
}

#[test]
fn a_csv_over_the_size_limit_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let f = cwd.join("huge.csv");
    let file = fs::File::create(&f).unwrap();
    // Sparse: 101 MB without writing them.
    file.set_len(101 * 1024 * 1024).unwrap();
    refused(
        cwd,
        &f,
        " 有 101.0 MB，超过可导入文件 100.0 MB 的上限；请把表格拆分成几个文件分别导入",
    );
}

/// A site with one holder and one outcome whose texts start with formula
/// characters (and one cell past Excel's limit when `long` is set).
fn formula_site(cwd: &Path, name: &str, long: bool) -> PathBuf {
    let site = empty_site(cwd, name);
    fs::write(
        site.join("content/holders/jiaxiao.md"),
        "---\ntitle: \"@甲校\"\nprovince: 四川省\n---\n",
    )
    .unwrap();
    let partners = if long {
        format!("[\"{}\"]", "长".repeat(40_000))
    } else {
        "[\"-乙校\", \"丙校\"]".to_string()
    };
    fs::write(
        site.join("content/outcomes/gongshi.md"),
        format!(
            "---\ntitle: \"=HYPERLINK(\\\"http://example.org\\\",\\\"点击\\\")\"\naward: {{year: 2022, level: 一等奖}}\nholder: jiaxiao\nprovince: 四川省\nstages: [小学]\npeople: [\"+86 王老师\"]\npartners: {partners}\n---\n正文。\n"
        ),
    )
    .unwrap();
    site
}

const FORMULA_ROW: &str = "1,\"'=HYPERLINK(\"\"http://example.org\"\",\"\"点击\"\")\",2022,一等奖,'+86 王老师,'@甲校,'-乙校、丙校,四川省,小学,,,,,,\r\n";

#[test]
fn formula_cells_are_neutralised_in_published_and_exported_csv() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let site = formula_site(cwd, "formulas", false);
    let out = cwd.join("public");
    let r = cmd(
        cwd,
        &["build", site.to_str().unwrap(), "-o", out.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    let published = fs::read(out.join("data/fujian1.csv")).unwrap();
    let text = String::from_utf8(published[3..].to_vec()).unwrap();
    assert_eq!(
        text.split("\r\n").nth(1).unwrap(),
        FORMULA_ROW.trim_end_matches("\r\n")
    );

    let r = cmd(
        cwd,
        &[
            "export",
            site.to_str().unwrap(),
            "--format",
            "csv",
            "-o",
            cwd.join("x").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    let exported = fs::read(cwd.join("x/附件1-成果信息一览表.csv")).unwrap();
    assert_eq!(
        exported, published,
        "export and portal write the same bytes"
    );
    // Numbers stay numbers: 序号 and 获奖年度 have no apostrophe.
    assert!(FORMULA_ROW.starts_with("1,") && FORMULA_ROW.contains(",2022,"));

    // The .xlsx: strings, never formulas.
    let r = cmd(
        cwd,
        &[
            "export",
            site.to_str().unwrap(),
            "-o",
            cwd.join("xx").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    let path = cwd.join("xx/附件1-成果信息一览表.xlsx");
    let mut z = zip::ZipArchive::new(fs::File::open(&path).unwrap()).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut z.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert!(!sheet.contains("<f>") && !sheet.contains("<f "), "{sheet}");
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&path).unwrap();
    let range = wb.worksheet_range("成果信息一览表").unwrap();
    assert_eq!(
        range.get_value((1, 1)),
        Some(&calamine::Data::String(
            "=HYPERLINK(\"http://example.org\",\"点击\")".into()
        ))
    );
    assert_eq!(
        range.get_value((1, 5)),
        Some(&calamine::Data::String("@甲校".into()))
    );

    // The neutralised CSV imports back unchanged (the apostrophe dropped).
    let again = empty_site(cwd, "again");
    fs::write(
        again.join("content/holders/jiaxiao.md"),
        "---\ntitle: \"@甲校\"\nprovince: 四川省\n---\n",
    )
    .unwrap();
    let r = cmd(
        cwd,
        &[
            "import",
            cwd.join("x/附件1-成果信息一览表.csv").to_str().unwrap(),
            again.to_str().unwrap(),
            "--kind",
            "outcomes",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    let r = cmd(
        cwd,
        &[
            "export",
            again.to_str().unwrap(),
            "--format",
            "csv",
            "-o",
            cwd.join("y").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    let back = fs::read_to_string(cwd.join("y/附件1-成果信息一览表.csv")).unwrap();
    assert!(
        back.contains("\"'=HYPERLINK(\"\"http://example.org\"\",\"\"点击\"\")\""),
        "{back}"
    );
    assert!(back.contains(",'+86 王老师,'@甲校,"), "{back}");
}

#[test]
fn a_cell_over_excels_limit_is_cut_with_a_mark_and_a_located_warning() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let site = formula_site(cwd, "long", true);
    let out = cwd.join("public");
    let r = cmd(
        cwd,
        &["build", site.to_str().unwrap(), "-o", out.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "the build does not fail: {}", r.dump());
    let want = "content/outcomes/gongshi.md:1:1: 警告: 附件1 成果信息一览表 第2行「实践检验单位」有 40000 个字符，超过 Excel 单元格 32767 个字符的上限；data/fujian1.xlsx 中该单元格已截断并注明，CSV 文件中为全文";
    assert!(
        r.stderr.lines().any(|l| l == want),
        "expected {want}\n{}",
        r.dump()
    );
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(out.join("data/fujian1.xlsx")).unwrap();
    let range = wb.worksheet_range("成果信息一览表").unwrap();
    let Some(calamine::Data::String(cell)) = range.get_value((1, 6)) else {
        panic!("partners cell");
    };
    assert_eq!(cell.encode_utf16().count(), 32_767);
    assert!(cell
        .ends_with("…【超出 Excel 单元格 32767 字符的上限，以下已截断；全文见 CSV 文件或网站】"));
    assert!(cell.starts_with("长长长"));
    let csv = fs::read_to_string(out.join("data/fujian1.csv")).unwrap();
    assert!(
        csv.contains(&"长".repeat(40_000)),
        "the CSV keeps the whole text"
    );

    let r = cmd(
        cwd,
        &[
            "export",
            site.to_str().unwrap(),
            "-o",
            cwd.join("x").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.stderr.contains("警告：content/outcomes/gongshi.md：附件1 成果信息一览表 第2行「实践检验单位」有 40000 个字符，超过 Excel 单元格 32767 个字符的上限；附件1-成果信息一览表.xlsx 中该单元格已截断并注明"),
        "{}",
        r.dump()
    );
}

/// `rows` outcome rows that all share one title (so every new id has the
/// same base), each with its own holder.
fn same_title_csv(path: &Path, rows: usize) {
    let mut s = String::from("成果名称,获奖年度,获奖等级,持有单位,省份,学段\n");
    for i in 0..rows {
        s.push_str(&format!("作业设计,2022,一等奖,第{i}学校,四川省,小学\n"));
    }
    fs::write(path, s).unwrap();
}

/// Wall time of a dry-run import; the child is killed (and `None`
/// returned) once it runs past `cap`.
fn timed_import(cwd: &Path, file: &Path, site: &Path, cap: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut child = Command::new(BIN)
        .args(["import"])
        .arg(file)
        .arg(site)
        .args(["--kind", "outcomes", "--dry-run"])
        .current_dir(cwd)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{file:?}");
            return Some(start.elapsed());
        }
        if start.elapsed() > cap {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn import_time_is_linear_in_rows() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let site = empty_site(cwd, "linear");
    let (small, big) = (cwd.join("small.csv"), cwd.join("big.csv"));
    same_title_csv(&small, 2_000);
    same_title_csv(&big, 20_000);
    let forever = Duration::from_secs(3600);
    // The best of two runs of each, so that a busy machine disturbs less.
    let t1 = (0..2)
        .map(|_| timed_import(cwd, &small, &site, forever).unwrap())
        .min()
        .unwrap();
    // 10× the rows may take at most 20× the time; past that the run is
    // stopped instead of waited for.
    let cap = t1 * 20;
    let t2 = (0..2)
        .filter_map(|_| timed_import(cwd, &big, &site, cap))
        .min();
    assert!(
        t2.is_some(),
        "10× the rows took more than 20× the time of {t1:?}"
    );
}

#[test]
fn a_password_protected_xlsx_says_so() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    // Excel saves an encrypted workbook as a Compound File.
    let f = cwd.join("locked.xlsx");
    let mut cf = cfb::create(&f).unwrap();
    cf.create_stream("/EncryptionInfo")
        .unwrap()
        .write_all(b"x")
        .unwrap();
    cf.create_stream("/EncryptedPackage")
        .unwrap()
        .write_all(b"x")
        .unwrap();
    cf.flush().unwrap();
    drop(cf);
    refused(
        cwd,
        &f,
        " 设有打开密码，无法读取；请在 Excel 或 WPS 中取消密码后另存，再导入",
    );
}

#[test]
fn parts_adding_up_past_512_mb_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let f = cwd.join("parts.xlsx");
    let sheet = format!(r#"{SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c></row>{SHEET_TAIL}"#);
    let mut parts = xlsx_parts(
        part("xl/worksheets/sheet1.xml", sheet),
        part("xl/sharedStrings.xml", shared_strings(&["成果名称"])),
    );
    for name in ["xl/media/a.bin", "xl/media/b.bin", "xl/media/c.bin"] {
        parts.push(Part {
            name,
            text: String::new(),
            at: 0,
            pad: 200 * 1024 * 1024,
            fill: 0,
        });
    }
    write_zip(&f, &parts);
    refused(
        cwd,
        &f,
        " 解压后超过 512.0 MB 的上限（文件可能已损坏或被特意构造）；未导入任何内容",
    );
}

#[test]
fn a_csv_in_neither_utf8_nor_gb18030_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let f = cwd.join("big5.csv");
    // 0xFF never starts a GB18030 character.
    fs::write(&f, b"title,province\n\xFF\xFE,x\n").unwrap();
    refused(
        cwd,
        &f,
        " 第2行：文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取；请用 Excel 或 WPS 打开，另存为“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx），再导入",
    );
}
