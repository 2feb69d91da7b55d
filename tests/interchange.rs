//! Issue 6: spreadsheets in and out, driven through the real binary.
//!
//! - export → import into an empty site → export gives identical tables
//!   (.xlsx cells read back with calamine, CSV bytes);
//! - a GB18030 CSV, an .xlsx with merged header cells and blank rows;
//! - a sheet of bad cells: every message asserted, nothing written;
//! - re-import changes nothing; an updated sheet changes only its fields
//!   (comments and bodies kept); --dry-run writes nothing;
//! - the built portal has 数据下载 and 统计 pages whose links resolve.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use common::{repo, run, Run};

fn cmd(cwd: &Path, args: &[&str]) -> Run {
    let a: Vec<&std::ffi::OsStr> = args.iter().map(|s| s.as_ref()).collect();
    run(cwd, &a)
}

/// Every file under `dir` (relative path → bytes), caches excluded.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with(".chengguo-cache") || !e.file_type().is_file() {
            continue;
        }
        out.insert(rel, fs::read(e.path()).unwrap());
    }
    out
}

/// A copy of the bundled sample site (site.yaml + content/).
fn sample_copy(at: &Path) -> PathBuf {
    common::sample_site_at(&at.join("sample"))
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

fn text_of(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

/// (sheet names, cells of the first sheet) of an .xlsx file.
fn xlsx_cells(path: &Path) -> (Vec<String>, Vec<Vec<Data>>) {
    let mut wb = calamine::open_workbook_auto(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let names = wb.sheet_names();
    let range = wb.worksheet_range(&names[0]).unwrap();
    assert_eq!(range.start(), Some((0, 0)), "{path:?} starts at A1");
    (names, range.rows().map(|r| r.to_vec()).collect())
}

fn xlsx_text(path: &Path) -> Vec<Vec<String>> {
    xlsx_cells(path)
        .1
        .iter()
        .map(|r| r.iter().map(text_of).collect())
        .collect()
}

const TABLES: [&str; 4] = [
    "附件1-成果信息一览表",
    "附件3-成果汇总表",
    "附件4-成果应用方信息一览表",
    "附件5-成果应用方汇总表",
];

fn export(cwd: &Path, site: &Path, out: &Path, format: &str) {
    let r = cmd(
        cwd,
        &[
            "export",
            site.to_str().unwrap(),
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
}

fn import(cwd: &Path, file: &Path, site: &Path, kind: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "import",
        file.to_str().unwrap(),
        site.to_str().unwrap(),
        "--kind",
        kind,
    ];
    args.extend_from_slice(extra);
    cmd(cwd, &args)
}

#[test]
fn round_trip_export_import_export_gives_identical_tables() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let sample = sample_copy(cwd);
    export(cwd, &sample, &cwd.join("x1"), "xlsx");
    export(cwd, &sample, &cwd.join("c1"), "csv");

    // The .xlsx files are real workbooks: one named sheet, header first.
    let (names, cells) = xlsx_cells(&cwd.join("x1/附件1-成果信息一览表.xlsx"));
    assert_eq!(names, vec!["成果信息一览表".to_string()]);
    let head: Vec<String> = cells[0].iter().map(text_of).collect();
    assert_eq!(
        head,
        [
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
            "邮箱"
        ]
    );
    let outcomes = fs::read_dir(repo().join("content/outcomes"))
        .unwrap()
        .count();
    assert_eq!(cells.len(), outcomes + 1, "one row per sample outcome");
    // Numbers are numbers; rows sorted by province order (北京市 first).
    assert_eq!(cells[1][0], Data::Float(1.0));
    assert_eq!(text_of(&cells[1][7]), "北京市");
    let zuoye = cells
        .iter()
        .find(|r| text_of(&r[1]) == "提升中小学作业设计质量的实践研究")
        .expect("row of the 作业设计 outcome");
    assert_eq!(zuoye[2], Data::Float(2018.0));
    assert_eq!(text_of(&zuoye[3]), "一等奖");
    assert_eq!(text_of(&zuoye[5]), "上海市教育委员会教学研究室");
    assert_eq!(text_of(&zuoye[8]), "小学、初中");
    assert_eq!(text_of(&zuoye[13]), "021-00000000");
    let t4 = xlsx_text(&cwd.join("x1/附件4-成果应用方信息一览表.xlsx"));
    assert!(t4.iter().any(|r| r[2] == "重庆市江津区"
        && r[3] == "是"
        && r[4] == "服务课程改革的上海教研实践范式"
        && r[7] == "重庆市聚奎中学校"
        && r[8] == "2020-12"));
    let t5 = xlsx_text(&cwd.join("x1/附件5-成果应用方汇总表.xlsx"));
    assert_eq!(
        t5.len(),
        1 + fs::read_dir(repo().join("content/regions"))
            .unwrap()
            .count()
    );
    assert!(t5.iter().any(|r| r[3] == "重庆市江津区"
        && r[2] == "西部"
        && r[5] == "4"
        && r[7] == "2020-12至2023-12"));
    let csv1 = fs::read(cwd.join("c1/附件1-成果信息一览表.csv")).unwrap();
    assert!(
        csv1.starts_with(b"\xEF\xBB\xBF\xE5\xBA\x8F\xE5\x8F\xB7,"),
        "BOM then 序号"
    );
    let brief = fs::read_to_string(cwd.join("x1/附件2-成果简介汇编.html")).unwrap();
    assert_eq!(brief.matches("<article class=\"brief\"").count(), outcomes);
    assert!(brief.contains("break-before: page"));

    // Into an empty site, from .xlsx and (separately) from CSV.
    for (src, ext, name) in [("x1", "xlsx", "from-xlsx"), ("c1", "csv", "from-csv")] {
        let site = empty_site(cwd, name);
        let r = import(
            cwd,
            &cwd.join(format!("{src}/附件1-成果信息一览表.{ext}")),
            &site,
            "outcomes",
            &[],
        );
        assert_eq!(r.code, 0, "{}", r.dump());
        assert!(
            r.stdout.contains(&format!("新建 {outcomes} 个")) || r.stdout.contains("新建"),
            "{}",
            r.stdout
        );
        let r = import(
            cwd,
            &cwd.join(format!("{src}/附件4-成果应用方信息一览表.{ext}")),
            &site,
            "regions",
            &[],
        );
        assert_eq!(r.code, 0, "{}", r.dump());
        let r = common::check(cwd, &site);
        assert_eq!(r.code, 0, "imported site checks clean: {}", r.dump());
        export(cwd, &site, &cwd.join(format!("{name}-x")), "xlsx");
        export(cwd, &site, &cwd.join(format!("{name}-c")), "csv");
        for tname in TABLES {
            let a = xlsx_text(&cwd.join(format!("x1/{tname}.xlsx")));
            let b = xlsx_text(&cwd.join(format!("{name}-x/{tname}.xlsx")));
            assert_eq!(a, b, "{tname}.xlsx after the round trip via {ext}");
            assert_eq!(
                fs::read(cwd.join(format!("x1/{tname}.xlsx"))).unwrap(),
                fs::read(cwd.join(format!("{name}-x/{tname}.xlsx"))).unwrap(),
                "{tname}.xlsx byte-identical"
            );
            assert_eq!(
                fs::read(cwd.join(format!("c1/{tname}.csv"))).unwrap(),
                fs::read(cwd.join(format!("{name}-c/{tname}.csv"))).unwrap(),
                "{tname}.csv byte-identical"
            );
        }
    }
    // 附件5 (one row per region, 应用成果 joined by 、) also imports: same 附件5 back.
    let site = empty_site(cwd, "from-fujian5");
    let r = import(
        cwd,
        &cwd.join("x1/附件1-成果信息一览表.xlsx"),
        &site,
        "outcomes",
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    let r = import(
        cwd,
        &cwd.join("x1/附件5-成果应用方汇总表.xlsx"),
        &site,
        "regions",
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    export(cwd, &site, &cwd.join("f5"), "xlsx");
    assert_eq!(
        xlsx_text(&cwd.join("x1/附件5-成果应用方汇总表.xlsx")),
        xlsx_text(&cwd.join("f5/附件5-成果应用方汇总表.xlsx"))
    );
}

#[test]
fn reimport_changes_nothing_and_dry_run_writes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let sample = sample_copy(cwd);
    export(cwd, &sample, &cwd.join("x"), "xlsx");
    let before = snapshot(&sample.join("content"));
    for (file, kind) in [
        ("附件1-成果信息一览表", "outcomes"),
        ("附件4-成果应用方信息一览表", "regions"),
    ] {
        let r = import(cwd, &cwd.join(format!("x/{file}.xlsx")), &sample, kind, &[]);
        assert_eq!(r.code, 0, "{}", r.dump());
        assert!(r.stdout.contains("新建 0 个、更新 0 个"), "{}", r.stdout);
        assert!(r.stdout.contains("写入 0 个文件"), "{}", r.stdout);
    }
    assert!(
        before == snapshot(&sample.join("content")),
        "re-import left every file byte-identical"
    );

    // --dry-run into an empty site: a plan, no file.
    let site = empty_site(cwd, "empty");
    let before = snapshot(&site);
    let r = import(
        cwd,
        &cwd.join("x/附件1-成果信息一览表.xlsx"),
        &site,
        "outcomes",
        &["--dry-run"],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.stdout.contains("新建     content/outcomes/"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("新建     content/holders/"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("未写入任何文件"), "{}", r.stdout);
    assert!(before == snapshot(&site), "dry run wrote nothing");
}

/// Replace the cells of one row (by 成果名称) of a CSV export.
fn edit_csv(path: &Path, title: &str, set: &[(&str, &str)]) {
    let bytes = fs::read(path).unwrap();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let head = rows[0].clone();
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut hit = false;
    for mut row in rows {
        if row[1] == title {
            hit = true;
            for (col, v) in set {
                let i = head.iter().position(|h| h == col).unwrap();
                row[i] = v.to_string();
            }
        }
        out.write_record(&row).unwrap();
    }
    assert!(hit, "row {title}");
    fs::write(path, out.into_inner().unwrap()).unwrap();
}

#[test]
fn updated_sheet_changes_only_its_fields_keeping_comments_and_body() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let sample = sample_copy(cwd);
    export(cwd, &sample, &cwd.join("c"), "csv");
    let csv = cwd.join("c/附件1-成果信息一览表.csv");
    edit_csv(
        &csv,
        "提升中小学作业设计质量的实践研究",
        &[
            ("获奖等级", "特等奖"),
            ("持有人", "张明、李华"),
            ("电话", "021-11111111"),
        ],
    );
    let file = sample.join("content/outcomes/zuoye-sheji-zhiliang.md");
    let original = fs::read_to_string(&file).unwrap();
    let before = snapshot(&sample.join("content"));

    let r = import(cwd, &csv, &sample, "outcomes", &["--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.stdout
            .contains("更新（award、people、contact） content/outcomes/zuoye-sheji-zhiliang.md"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("不变     content/outcomes/deyu-yitihua.md"),
        "{}",
        r.stdout
    );
    assert!(
        before == snapshot(&sample.join("content")),
        "dry run wrote nothing"
    );

    let r = import(cwd, &csv, &sample, "outcomes", &[]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.stdout.contains("新建 0 个、更新 1 个、不变 9 个"),
        "{}",
        r.stdout
    );
    let expected = original
        .replace("  level: 一等奖\n", "  level: 特等奖\n")
        .replace(
            "holder: shanghai-jiaoyanshi\n",
            "holder: shanghai-jiaoyanshi\npeople: [张明, 李华]\n",
        )
        .replace("  phone: 021-00000000\n", "  phone: \"021-11111111\"\n");
    assert_ne!(expected, original);
    assert_eq!(fs::read_to_string(&file).unwrap(), expected);
    assert!(
        expected.starts_with("---\n# 获奖年度与等级为示例值"),
        "comment kept"
    );
    let after = snapshot(&sample.join("content"));
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(changed, vec!["outcomes/zuoye-sheji-zhiliang.md"]);
    let r = common::check(cwd, &sample);
    assert_eq!(r.code, 0, "{}", r.dump());
}

#[test]
fn gb18030_csv_with_header_variants_and_short_values() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let site = cwd.join("s");
    assert_eq!(cmd(cwd, &["init", "s"]).code, 0);
    let file = repo().join("tests/fixtures/interchange/gb18030-outcomes.csv");
    assert!(
        std::str::from_utf8(&fs::read(&file).unwrap()).is_err(),
        "fixture is not UTF-8"
    );
    let r = import(cwd, &file, &site, "outcomes", &[]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.stdout
            .contains("读取 2 行，新建 3 个、更新 0 个、不变 0 个"),
        "{}",
        r.stdout
    );
    let id = chengguo::slug::slug("基于真实情境的小学数学单元整体教学实践").unwrap();
    let text = fs::read_to_string(site.join(format!("content/outcomes/{id}.md"))).unwrap();
    assert_eq!(
        text,
        "---\n# 由表格导入（gb18030-outcomes.csv 第2行）；正文为成果简介，待补充\ntitle: 基于真实情境的小学数学单元整体教学实践\naward:\n  year: 2022\n  level: 一等奖\nholder: shili-jiaoyanshi\npeople: [张明]\nprovince: 四川省\nstages: [小学]\nsubjects: [数学]\nthemes: [单元整体教学, 真实情境]\ncontact:\n  phone: \"028-00000000\"\n---\n"
    );
    // The second row (after a blank row): 2018年, 高中 → 普通高中, new holder.
    let id2 = chengguo::slug::slug("县域初中“走班”课程管理的探索").unwrap();
    let text2 = fs::read_to_string(site.join(format!("content/outcomes/{id2}.md"))).unwrap();
    assert!(
        text2.contains("# 由表格导入（gb18030-outcomes.csv 第4行）"),
        "{text2}"
    );
    assert!(
        text2.contains("  year: 2018\n") && text2.contains("stages: [初中, 普通高中]\n"),
        "{text2}"
    );
    let hid = chengguo::slug::slug("示例县第一中学").unwrap();
    assert!(text2.contains(&format!("holder: {hid}\n")), "{text2}");
    let holder = fs::read_to_string(site.join(format!("content/holders/{hid}.md"))).unwrap();
    assert!(
        holder.contains("title: 示例县第一中学\nprovince: 甘肃省\n"),
        "{holder}"
    );
    let r = common::check(cwd, &site);
    assert_eq!(r.code, 0, "{}", r.dump());
}

/// An .xlsx as provinces send it: a title row merged across, headers merged
/// down over two rows, a 联系方式 group over 联系人/电话/邮箱, blank rows.
fn merged_workbook(path: &Path, bad_stage: &str) {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("推荐成果").unwrap();
    let f = Format::new().set_bold();
    ws.merge_range(0, 0, 0, 9, "附件1 成果信息一览表（示例省）", &f)
        .unwrap();
    for (c, h) in [
        "序号",
        "成果名称",
        "获奖年度",
        "获奖等级",
        "持有单位",
        "省份",
        "学段",
    ]
    .iter()
    .enumerate()
    {
        ws.merge_range(1, c as u16, 2, c as u16, h, &f).unwrap();
    }
    ws.merge_range(1, 7, 1, 9, "联系方式", &f).unwrap();
    for (c, h) in ["联系人", "电话", "邮箱"].iter().enumerate() {
        ws.write_string(2, 7 + c as u16, *h).unwrap();
    }
    let rows: [(u32, [&str; 7], &str, f64, &str); 3] = [
        (
            3,
            [
                "1",
                "乡村小学阅读课程的整体建构",
                "",
                "一等奖",
                "示例县教研室",
                "甘肃省",
                "小学",
            ],
            "赵老师",
            13800000000.0,
            "zhao@example.org",
        ),
        (
            5,
            [
                "2",
                "初中物理实验的家庭化设计",
                "",
                "二等奖",
                "示例县教研室",
                "甘肃省",
                "初中",
            ],
            "钱老师",
            9310000000.0,
            "",
        ),
        (
            7,
            [
                "3",
                "高中生涯教育课程群",
                "",
                "二等奖",
                "示例市第二中学",
                "甘肃省",
                bad_stage,
            ],
            "",
            0.0,
            "",
        ),
    ];
    for (r, cells, name, phone, mail) in rows {
        for (c, v) in cells.iter().enumerate() {
            if c == 0 {
                ws.write_number(r, 0, v.parse::<f64>().unwrap()).unwrap();
            } else if c == 2 {
                ws.write_number(r, 2, 2022.0).unwrap();
            } else {
                ws.write_string(r, c as u16, *v).unwrap();
            }
        }
        if !name.is_empty() {
            ws.write_string(r, 7, name).unwrap();
            ws.write_number(r, 8, phone).unwrap();
        }
        if !mail.is_empty() {
            ws.write_string(r, 9, mail).unwrap();
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn xlsx_with_merged_header_cells_and_blank_rows() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let site = empty_site(cwd, "s");
    let file = cwd.join("推荐成果.xlsx");
    merged_workbook(&file, "大学");
    let before = snapshot(&site);
    let r = import(cwd, &file, &site, "outcomes", &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    let f = file.to_str().unwrap();
    assert_eq!(
        r.stderr.lines().filter(|l| l.contains(" 第")).collect::<Vec<_>>(),
        vec![format!("{f} 第8行 「学段」: “大学”不是有效的学段（可用值：学前教育、小学、初中、普通高中、特殊教育、职业教育、跨学段）；是否要写“小学”？")],
        "Excel's row number, counting the title, header and blank rows: {}",
        r.dump()
    );
    assert!(r.stderr.contains("未写入任何文件"), "{}", r.stderr);
    assert!(before == snapshot(&site), "nothing written");

    // --skip-invalid imports the two good rows.
    let r = import(cwd, &file, &site, "outcomes", &["--skip-invalid"]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.stdout.contains("跳过有错误的 1 行（第8行）"),
        "{}",
        r.stdout
    );
    let id = chengguo::slug::slug("乡村小学阅读课程的整体建构").unwrap();
    let text = fs::read_to_string(site.join(format!("content/outcomes/{id}.md"))).unwrap();
    let hid = chengguo::slug::slug("示例县教研室").unwrap();
    assert_eq!(
        text,
        format!("---\n# 由表格导入（推荐成果.xlsx 第4行）；正文为成果简介，待补充\ntitle: 乡村小学阅读课程的整体建构\naward:\n  year: 2022\n  level: 一等奖\nholder: {hid}\nprovince: 甘肃省\nstages: [小学]\ncontact:\n  name: 赵老师\n  phone: \"13800000000\"\n  email: zhao@example.org\n---\n")
    );
    assert_eq!(
        fs::read_dir(site.join("content/outcomes")).unwrap().count(),
        2
    );
    assert_eq!(
        fs::read_dir(site.join("content/holders")).unwrap().count(),
        1,
        "one holder for both rows"
    );

    // The corrected sheet: the third row is created, the others unchanged.
    merged_workbook(&file, "普通高中");
    let r = import(cwd, &file, &site, "outcomes", &[]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.stdout
            .contains("读取 3 行，新建 2 个、更新 0 个、不变 2 个"),
        "{}",
        r.stdout
    );
    let r = common::check(cwd, &site);
    assert_eq!(r.code, 0, "{}", r.dump());
}

const PROVINCES: &str = "北京市、天津市、河北省、山西省、内蒙古自治区、辽宁省、吉林省、黑龙江省、上海市、江苏省、浙江省、安徽省、福建省、江西省、山东省、河南省、湖北省、湖南省、广东省、广西壮族自治区、海南省、重庆市、四川省、贵州省、云南省、西藏自治区、陕西省、甘肃省、青海省、宁夏回族自治区、新疆维吾尔自治区、新疆生产建设兵团、香港特别行政区、澳门特别行政区";
const STAGES: &str = "学前教育、小学、初中、普通高中、特殊教育、职业教育、跨学段";

#[test]
fn bad_cells_are_all_reported_and_nothing_is_written() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let sample = sample_copy(cwd);
    let before = snapshot(&sample);
    let f = "bad.csv";
    fs::write(
        cwd.join(f),
        "序号,成果名称,获奖年度,获奖等级,持有人,持有单位,省份,学段,学科,推广方式,邮箱,备注\n\
         1,好成果,2022,一等奖,张三,某某学校,四川省,小学,数学,视频,a@b.org,\n\
         2,,2022,一等奖,,某某学校,四川省,小学,,,,\n\
         3,年份错,二〇二二,一等奖,,某某学校,四川省,小学,,,,\n\
         4,等级错,2022,1等奖,,某某学校,四川省,小学,,,,\n\
         5,省份错,2022,二等奖,,某某学校,四州省,小学,,,,\n\
         6,学段错,2022,二等奖,,某某学校,四川省,小学、普高中,,,,\n\
         7,学科错,2022,二等奖,,某某学校,四川省,小学,数学、数学史,,,\n\
         8,推广错,2022,二等奖,,某某学校,四川省,小学,,视屏,,\n\
         9,邮箱错,2022,二等奖,,某某学校,四川省,小学,,,wang.example.org,\n\
         10,好成果,2021,一等奖,,某某学校,四川省,小学,,,,\n\
         11,无学段,2022,二等奖,,某某学校,四川省,,,,,\n\
         12,无单位,2022,一等奖,,,四川省,小学,,,,\n\
         13,年份超出,1900,一等奖,,某某学校,四川省,小学,,,,\n",
    )
    .unwrap();
    let r = import(cwd, &cwd.join(f), &sample, "outcomes", &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    let got: Vec<&str> = r.stderr.lines().collect();
    let path = cwd.join(f);
    let p = path.to_str().unwrap();
    let want = vec![
        format!("警告：{p} 第1行：未识别的列“备注”，已忽略"),
        format!("{p} 第3行 「成果名称」: 不能为空"),
        format!("{p} 第4行 「获奖年度」: “二〇二二”不是有效的获奖年度，应为四位数年份，如 2022"),
        format!("{p} 第5行 「获奖等级」: “1等奖”不是有效的获奖等级（可用值：特等奖、一等奖、二等奖）；是否要写“一等奖”？"),
        format!("{p} 第6行 「省份」: “四州省”不是有效的省份（可用值：{PROVINCES}）；是否要写“四川省”？"),
        format!("{p} 第7行 「学段」: “普高中”不是有效的学段（可用值：{STAGES}）；是否要写“普通高中”？"),
        format!("{p} 第8行 「学科」: “数学史”不是有效的学科（可用值：{}）；是否要写“数学”？", chengguo::vocab::SUBJECTS.join("、")),
        format!("{p} 第9行 「推广方式」: “视屏”不是有效的推广方式（可用值：文字、视频、课程、工作室）；是否要写“视频”？"),
        format!("{p} 第10行 「邮箱」: “wang.example.org”不是有效的电子邮箱地址，应形如 name@example.org"),
        format!("{p} 第11行 「成果名称」: 与第2行的成果名称和持有单位都相同（同一成果只能出现一次）"),
        format!("{p} 第12行 「学段」: 不能为空（至少一个学段，多个用“、”分隔）（可用值：{STAGES}）"),
        format!("{p} 第13行 「持有单位」: 不能为空"),
        format!("{p} 第14行 「获奖年度」: “1900”不是有效的获奖年度，应为四位数年份，如 2022"),
        "失败：12 处错误（涉及 12 行），未写入任何文件；请修改表格后重新导入，或加 --skip-invalid 跳过有错误的行".to_string(),
    ];
    assert_eq!(got, want, "{}", r.dump());
    assert!(before == snapshot(&sample), "nothing written");

    // Regions: names resolved to outcomes, rows of one region must agree.
    fs::write(
        cwd.join("regions.csv"),
        "省份,市/区县,是否示范区,意向成果,开始年月,结束年月\n\
         重庆市,重庆市江津区,是,服务课程改革的上海教研实践范式,2020-12,2023-12\n\
         重庆市,重庆市江津区,否,提升中小学作业设计质量的实践研究,2020-12,2023-12\n\
         四川省,成都市武侯区,也许,,,\n\
         四川省,成都市锦江区,否,服务课程改革的上海教研实践,2024-13,2027-12\n\
         四川省,成都市青羊区,否,,2027-12,2024.12\n\
         四川,成都市金牛区,否,提升中小学作业设计质量的实践研究,2024年9月,2027-08\n\
         四川省,成都市金牛区,否,提升中小学作业设计质量的实践研究,2024-09,2027-08\n",
    )
    .unwrap();
    let r = import(cwd, &cwd.join("regions.csv"), &sample, "regions", &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    let p = cwd.join("regions.csv");
    let p = p.to_str().unwrap();
    let got: Vec<&str> = r.stderr.lines().collect();
    let want = vec![
        format!("{p} 第3行 「是否示范区」: 与第2行（同一应用方“重庆市江津区”）填写的“是”不一致；是否要写“是”？"),
        format!("{p} 第4行 「是否示范区」: “也许”不是有效的值（可用值：是、否）"),
        format!("{p} 第5行 「意向成果」: 站点中没有名为“服务课程改革的上海教研实践”的成果（请先导入成果一览表，或核对成果名称）；是否要写“服务课程改革的上海教研实践范式”？"),
        format!("{p} 第5行 「开始年月」: “2024-13”不是有效的年月，应为 YYYY-MM，如 2024-09"),
        format!("{p} 第6行 「结束年月」: 结束年月 2024-12 早于开始年月 2027-12"),
        format!("{p} 第8行 「意向成果」: 应用方“成都市金牛区”已在前面的行中选择了这项成果"),
        "失败：6 处错误（涉及 5 行），未写入任何文件；请修改表格后重新导入，或加 --skip-invalid 跳过有错误的行".to_string(),
    ];
    assert_eq!(got, want, "{}", r.dump());
    assert!(before == snapshot(&sample), "nothing written");

    // Holders: closed 单位类型 and web addresses.
    fs::write(
        cwd.join("holders.csv"),
        "单位名称,省份,单位类型,网址\n某学校,四川省,中学,www.example.org\n",
    )
    .unwrap();
    let r = import(cwd, &cwd.join("holders.csv"), &sample, "holders", &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    let p = cwd.join("holders.csv");
    let p = p.to_str().unwrap();
    assert_eq!(
        r.stderr.lines().take(2).collect::<Vec<_>>(),
        vec![
            format!("{p} 第2行 「单位类型」: “中学”不是有效的单位类型（可用值：教研机构、中小学、幼儿园、高等学校、教育行政部门、其他）；是否要写“中小学”？"),
            format!("{p} 第2行 「网址」: “www.example.org”不是有效的网址，应以 http:// 或 https:// 开头；是否要写“https://www.example.org”？"),
        ]
    );

    // Sheet-level problems.
    fs::write(cwd.join("cols.csv"), "成果名称,省份\n某成果,四川省\n").unwrap();
    let r = import(cwd, &cwd.join("cols.csv"), &sample, "outcomes", &[]);
    assert_eq!(r.code, 1);
    let p = cwd.join("cols.csv");
    assert!(
        r.stderr.starts_with(&format!(
            "错误：{} 第1行（表头）缺少必需的列：获奖年度、获奖等级、持有单位、学段（可识别的列名：",
            p.display()
        )),
        "{}",
        r.stderr
    );
    fs::write(cwd.join("none.csv"), "甲,乙\n1,2\n").unwrap();
    let r = import(cwd, &cwd.join("none.csv"), &sample, "outcomes", &[]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("找不到表头行"), "{}", r.stderr);
    fs::write(cwd.join("x.pdf"), "x").unwrap();
    let r = import(cwd, &cwd.join("x.pdf"), &sample, "outcomes", &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("不支持的文件类型“.pdf”（可用：.xlsx、.xls、.ods、.csv；Word 稿件：.docx）"),
        "{}",
        r.stderr
    );
    let r = cmd(cwd, &["import", "x.csv", "sample"]);
    assert_eq!(r.code, 2, "--kind is required: {}", r.dump());
    let r = cmd(cwd, &["import", "x.csv", "sample", "--kind", "cases"]);
    assert_eq!(r.code, 2, "{}", r.dump());
    assert!(r.stderr.contains("参数 --kind"), "{}", r.stderr);
    // A corrupt workbook is an error, not a panic.
    fs::write(cwd.join("broken.xlsx"), b"PK\x03\x04 not really a zip").unwrap();
    let r = import(cwd, &cwd.join("broken.xlsx"), &sample, "outcomes", &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(
        r.stderr
            .contains("broken.xlsx 无法作为 .xlsx 文件读取：文件已损坏或不完整"),
        "{}",
        r.stderr
    );
    assert!(before == snapshot(&sample), "nothing written");
}

#[test]
fn portal_has_data_and_stats_pages_with_working_links() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let sample = sample_copy(cwd);
    let out = cwd.join("out");
    let r = cmd(
        cwd,
        &[
            "build",
            sample.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--no-search",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("href=\"stats/index.html\"") && index.contains("href=\"data/index.html\"")
    );

    let data = fs::read_to_string(out.join("data/index.html")).unwrap();
    for key in ["fujian1", "fujian3", "fujian4", "fujian5"] {
        for ext in ["xlsx", "csv"] {
            assert!(
                data.contains(&format!("href=\"../data/{key}.{ext}\"")),
                "{key}.{ext} linked"
            );
            assert!(out.join(format!("data/{key}.{ext}")).is_file());
        }
    }
    assert!(data.contains("download=\"附件1-成果信息一览表.xlsx\""));
    assert!(data.contains("href=\"../data/fujian2.html\""));
    let outcomes = fs::read_dir(repo().join("content/outcomes"))
        .unwrap()
        .count();
    assert_eq!(
        xlsx_text(&out.join("data/fujian1.xlsx")).len(),
        outcomes + 1
    );

    let stats = fs::read_to_string(out.join("stats/index.html")).unwrap();
    assert_eq!(stats.matches("<svg ").count(), 5, "five charts");
    assert_eq!(stats.matches("role=\"img\"").count(), 5);
    assert_eq!(
        stats.matches("<table>").count(),
        5,
        "a data table beside each chart"
    );
    assert!(!stats.contains("<script"), "no JavaScript");
    assert!(stats.contains("<title id=\"chart-year-level-title\">成果数：按获奖年度与等级</title>"));
    // The counts are the sample's: 2018 and 2014 rows; zones add up.
    assert!(stats.contains("<th scope=\"row\">2018年</th>"));
    let zone_total: usize = ["东部", "中部", "西部"]
        .iter()
        .map(|z| {
            let at = stats
                .find(&format!("<th scope=\"row\">{z}</th><td class=\"num\">"))
                .unwrap();
            let rest = &stats[at..];
            let v = rest.split("<td class=\"num\">").nth(1).unwrap();
            v[..v.find('<').unwrap()].parse::<usize>().unwrap()
        })
        .sum();
    assert_eq!(zone_total, outcomes);

    let brief = fs::read_to_string(out.join("data/fujian2.html")).unwrap();
    assert_eq!(brief.matches("<article class=\"brief\"").count(), outcomes);

    // Every href/src of the new pages resolves to a file (fragments to ids).
    for page in ["data/index.html", "stats/index.html", "data/fujian2.html"] {
        assert_links_resolve(&out, page);
    }
}

/// Every href/src of `page` (relative to the output `out`) resolves to a
/// file, and every #fragment to an id on its target.
fn assert_links_resolve(out: &Path, page: &str) {
    let html = fs::read_to_string(out.join(page)).unwrap();
    let dir = out.join(page).parent().unwrap().to_path_buf();
    for attr in ["href=\"", "src=\""] {
        for piece in html.split(attr).skip(1) {
            let url = &piece[..piece.find('"').unwrap()];
            let url = url.replace("&amp;", "&");
            if url.starts_with("http") || url.starts_with("mailto:") {
                continue;
            }
            let (file, frag) = url.split_once('#').unwrap_or((&url, ""));
            let target = if file.is_empty() {
                out.join(page)
            } else {
                dir.join(file)
            };
            assert!(target.is_file(), "{page}: {url} → {target:?}");
            if !frag.is_empty() {
                let t = fs::read_to_string(&target).unwrap();
                assert!(t.contains(&format!("id=\"{frag}\"")), "{page}: #{frag}");
            }
        }
    }
}

#[test]
fn a_long_brief_is_split_by_province_in_the_portal() {
    let t = tempfile::tempdir().unwrap();
    let site = empty_site(t.path(), "big");
    fs::write(
        site.join("content/holders/h.md"),
        "---\ntitle: 某教研院\nprovince: 四川省\n---\n",
    )
    .unwrap();
    for i in 0..101 {
        let province = if i < 60 { "四川省" } else { "重庆市" };
        fs::write(
            site.join(format!("content/outcomes/o{i}.md")),
            format!("---\ntitle: 成果{i:03}\naward: {{year: 2022, level: 二等奖}}\nholder: h\nprovince: {province}\nstages: 小学\n---\n## 简介\n\n第{i}项成果的简介。\n"),
        )
        .unwrap();
    }
    let out = t.path().join("out");
    let r = common::build(t.path(), &site, &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    let index = fs::read_to_string(out.join("data/fujian2.html")).unwrap();
    assert!(index.contains("共 101 项成果，按省份分为 2 册"), "{index}");
    assert!(
        index.contains("<a href=\"../data/fujian2-sichuan.html\">四川省</a>（60 项）"),
        "{index}"
    );
    assert!(
        index.contains("<a href=\"../data/fujian2-chongqing.html\">重庆市</a>（41 项）"),
        "{index}"
    );
    assert!(!index.contains("<article"), "the index holds no outcomes");
    for (page, n, has, lacks) in [
        (
            "data/fujian2-sichuan.html",
            60,
            "第0项成果的简介",
            "第60项成果的简介",
        ),
        (
            "data/fujian2-chongqing.html",
            41,
            "第60项成果的简介",
            "第0项成果的简介",
        ),
    ] {
        let html = fs::read_to_string(out.join(page)).unwrap();
        assert_eq!(
            html.matches("<article class=\"brief\"").count(),
            n,
            "{page}"
        );
        assert!(html.contains(has) && !html.contains(lacks), "{page}");
        assert_links_resolve(&out, page);
    }
    assert_links_resolve(&out, "data/fujian2.html");
    // The exported 附件2 stays one file with every outcome.
    let exp = t.path().join("export");
    export(t.path(), &site, &exp, "xlsx");
    let whole = fs::read_dir(&exp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "html"))
        .expect("附件2 html");
    assert_eq!(
        fs::read_to_string(whole)
            .unwrap()
            .matches("<article class=\"brief\"")
            .count(),
        101
    );
}

#[test]
fn malformed_files_are_errors_never_panics() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let sample = sample_copy(cwd);
    let before = snapshot(&sample.join("content"));
    // Deterministic pseudo-random bytes.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let garbage: Vec<u8> = (0..4096).map(|_| rnd() as u8).collect();
    let valid =
        "成果名称,获奖年度,获奖等级,持有单位,省份,学段\n甲成果,2022,一等奖,某校,四川省,小学\n";
    let contents: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\xEF\xBB\xBF".to_vec(),
        garbage.clone(),
        b"PK\x03\x04".to_vec(),
        "成果名称,省份\n\"未闭合,四川省\n".as_bytes().to_vec(),
        format!("成果名称,获奖年度\n{},2022\n", "长".repeat(200_000)).into_bytes(),
        valid.as_bytes().to_vec(),
    ];
    let mut runs = 0;
    for (i, c) in contents.iter().enumerate() {
        for ext in ["csv", "xlsx", "xls", "ods"] {
            for kind in ["outcomes", "holders", "regions"] {
                let f = cwd.join(format!("m{i}.{ext}"));
                fs::write(&f, c).unwrap();
                let r = import(cwd, &f, &sample, kind, &["--dry-run"]);
                assert!(matches!(r.code, 0 | 1), "{f:?} {kind}: {}", r.dump());
                assert!(!r.stderr.contains("panicked"), "{}", r.dump());
                runs += 1;
            }
        }
    }
    // Random edits of a valid sheet: characters dropped, cells swapped.
    let chars: Vec<char> = valid.chars().collect();
    for _ in 0..40 {
        let mut v = chars.clone();
        for _ in 0..(rnd() % 6 + 1) {
            let i = (rnd() as usize) % v.len();
            match rnd() % 3 {
                0 => {
                    v.remove(i);
                }
                1 => v.insert(i, [',', '"', '\n', '、', '年'][(rnd() % 5) as usize]),
                _ => {
                    let j = (rnd() as usize) % v.len();
                    v.swap(i, j);
                }
            }
        }
        let f = cwd.join("mut.csv");
        fs::write(&f, v.iter().collect::<String>()).unwrap();
        let r = import(cwd, &f, &sample, "outcomes", &["--dry-run"]);
        assert!(matches!(r.code, 0 | 1), "{}", r.dump());
        runs += 1;
    }
    assert!(runs > 100);
    assert!(
        before == snapshot(&sample.join("content")),
        "dry runs wrote nothing"
    );
}

#[test]
fn outcomes_of_the_same_name_are_told_apart_by_holder() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let site = empty_site(cwd, "s");
    let o = cwd.join("o.csv");
    fs::write(
        &o,
        "成果名称,获奖年度,获奖等级,持有单位,省份,学段\n\
         学科育人的实践研究,2018,二等奖,甲校,北京市,小学\n\
         学科育人的实践研究,2018,一等奖,乙校,江苏省,初中\n",
    )
    .unwrap();
    let r = import(cwd, &o, &site, "outcomes", &[]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.stdout.contains("新建 4 个"),
        "two outcomes, two holders: {}",
        r.stdout
    );
    let r = import(cwd, &o, &site, "outcomes", &[]);
    assert!(
        r.stdout.contains("新建 0 个、更新 0 个、不变 2 个"),
        "{}",
        r.stdout
    );

    let g = cwd.join("r.csv");
    fs::write(
        &g,
        "省份,市/区县,意向成果\n甘肃省,示例市,学科育人的实践研究\n",
    )
    .unwrap();
    let r = import(cwd, &g, &site, "regions", &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    assert_eq!(
        r.stderr.lines().next().unwrap(),
        format!("{} 第2行 「意向成果」: 站点中名为“学科育人的实践研究”的成果有 2 项（持有单位：甲校、乙校），请在「成果持有单位」列写明是哪一项", g.display())
    );
    fs::write(
        &g,
        "省份,市/区县,意向成果,成果持有单位\n甘肃省,示例市,学科育人的实践研究,乙校\n",
    )
    .unwrap();
    let r = import(cwd, &g, &site, "regions", &[]);
    assert_eq!(r.code, 0, "{}", r.dump());
    let id = chengguo::slug::slug("学科育人的实践研究").unwrap();
    let region = fs::read_to_string(site.join(format!(
        "content/regions/{}.md",
        chengguo::slug::slug("示例市").unwrap()
    )))
    .unwrap();
    assert!(
        region.contains(&format!("  - outcome: {id}-2\n")),
        "{region}"
    );
    let second = fs::read_to_string(site.join(format!("content/outcomes/{id}-2.md"))).unwrap();
    assert!(second.contains("province: 江苏省"), "{second}");
    let r = common::check(cwd, &site);
    assert_eq!(r.code, 0, "{}", r.dump());
}

#[test]
fn holders_sheet_updates_and_creates() {
    let t = tempfile::tempdir().unwrap();
    let cwd = t.path();
    let sample = sample_copy(cwd);
    let file = sample.join("content/holders/shanghai-jiaoyanshi.md");
    let original = fs::read_to_string(&file).unwrap();
    let csv = cwd.join("h.csv");
    fs::write(
        &csv,
        "单位名称,省份,单位类型,所在市,网址\n\
         上海市教育委员会教学研究室,上海,教研机构,上海市,https://example.org/\n\
         示例县教师发展中心,四川省,教研机构,示例市,\n",
    )
    .unwrap();
    let r = import(cwd, &csv, &sample, "holders", &[]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.stdout
            .contains("更新（website） content/holders/shanghai-jiaoyanshi.md"),
        "{}",
        r.stdout
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        original.replace(
            "city: 上海市\n",
            "city: 上海市\nwebsite: https://example.org/\n"
        )
    );
    let id = chengguo::slug::slug("示例县教师发展中心").unwrap();
    assert_eq!(
        fs::read_to_string(sample.join(format!("content/holders/{id}.md"))).unwrap(),
        "---\n# 由表格导入（h.csv 第3行）\ntitle: 示例县教师发展中心\nkind: 教研机构\nprovince: 四川省\ncity: 示例市\n---\n"
    );
    let r = common::check(cwd, &sample);
    assert_eq!(r.code, 0, "{}", r.dump());
}

/// The .ods and .xls formats (fixtures saved by LibreOffice Calc 7.4 from
/// exported 附件1 and 附件4): imported into an empty site and exported
/// again, the tables hold the same cells as the files read.
#[test]
fn ods_and_xls_sheets_import_like_xlsx() {
    let t = tempfile::tempdir().unwrap();
    let dir = repo().join("tests/fixtures/interchange");
    let site = empty_site(t.path(), "lo");
    let ods = dir.join("fujian1-libreoffice.ods");
    let xls = dir.join("fujian4-libreoffice.xls");
    let r = import(t.path(), &ods, &site, "outcomes", &[]);
    assert_eq!(r.code, 0, "{}", r.dump());
    let r = import(t.path(), &xls, &site, "regions", &[]);
    assert_eq!(r.code, 0, "{}", r.dump());
    let out = t.path().join("x");
    export(t.path(), &site, &out, "xlsx");
    assert_eq!(
        xlsx_text(&out.join("附件1-成果信息一览表.xlsx")),
        xlsx_text(&ods)
    );
    assert_eq!(
        xlsx_text(&out.join("附件4-成果应用方信息一览表.xlsx")),
        xlsx_text(&xls)
    );
    // Importing them again changes nothing.
    let before = snapshot(&site.join("content"));
    assert_eq!(import(t.path(), &ods, &site, "outcomes", &[]).code, 0);
    assert_eq!(import(t.path(), &xls, &site, "regions", &[]).code, 0);
    assert_eq!(snapshot(&site.join("content")), before);
}
