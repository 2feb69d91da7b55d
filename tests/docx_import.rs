//! `chengguo import 稿件.docx` (issue 13): manuscripts written by a small
//! docx writer in this file (zip + the XML Word and WPS write), imported
//! into a copy of the sample site; the exact Markdown and front matter, the
//! built page, re-import, `--set`, every bad input, and a round trip of the
//! sample site's own cases through .docx.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use common::{run, sample_site_at, tree};

// ------------------------------------------------------------ docx writer

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A run: text with bold/italic.
fn r(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", esc(text))
}
fn rb(text: &str) -> String {
    format!(
        "<w:r><w:rPr><w:b/><w:sz w:val=\"32\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
        esc(text)
    )
}
fn ri(text: &str) -> String {
    format!("<w:r><w:rPr><w:i/></w:rPr><w:t>{}</w:t></w:r>", esc(text))
}
/// A paragraph of runs with paragraph properties `ppr` (inner XML).
fn pp(ppr: &str, runs: &[String]) -> String {
    format!("<w:p><w:pPr>{ppr}</w:pPr>{}</w:p>", runs.concat())
}
fn p(text: &str) -> String {
    pp("", &[r(text)])
}
fn styled(style: &str, text: &str) -> String {
    pp(&format!("<w:pStyle w:val=\"{style}\"/>"), &[r(text)])
}
fn centered_bold(text: &str) -> String {
    pp("<w:jc w:val=\"center\"/>", &[rb(text)])
}
fn right(text: &str) -> String {
    pp("<w:jc w:val=\"right\"/>", &[r(text)])
}
fn list_item(num: u32, level: u32, runs: &[String]) -> String {
    pp(
        &format!("<w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{num}\"/></w:numPr>"),
        runs,
    )
}
fn picture(rid: &str, descr: &str) -> String {
    // As Word writes it: the DrawingML picture in mc:Choice, a VML copy in
    // mc:Fallback (which must not give a second picture).
    format!(
        "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:inline><wp:extent cx=\"100\" cy=\"100\"/><wp:docPr id=\"1\" name=\"图片 1\" descr=\"{}\"/><a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed=\"{rid}\"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:imagedata r:id=\"{rid}\"/></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>",
        esc(descr)
    )
}
fn page_break() -> String {
    "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>".to_string()
}
fn cell(text: &str, props: &str) -> String {
    format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", p(text))
}
fn row(cells: &[String]) -> String {
    format!("<w:tr>{}</w:tr>", cells.concat())
}
fn table(rows: &[String]) -> String {
    format!("<w:tbl><w:tblPr/>{}</w:tbl>", rows.concat())
}

#[derive(Default)]
struct Docx {
    body: Vec<String>,
    styles: Option<String>,
    numbering: Option<String>,
    footnotes: Vec<(u32, String)>,
    /// (id, target, external)
    rels: Vec<(String, String, bool)>,
    media: Vec<(String, Vec<u8>)>,
    created: Option<String>,
}

impl Docx {
    fn new(body: Vec<String>) -> Docx {
        Docx {
            body,
            ..Docx::default()
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
        let mut types = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Default Extension=\"png\" ContentType=\"image/png\"/><Default Extension=\"jpeg\" ContentType=\"image/jpeg\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>");
        types.shrink_to_fit();
        parts.push(("[Content_Types].xml".into(), types.into_bytes()));
        parts.push(("_rels/.rels".into(), String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/></Relationships>").into_bytes()));
        let doc = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\" xmlns:wp=\"wp\" xmlns:a=\"a\" xmlns:pic=\"pic\" xmlns:mc=\"mc\" xmlns:v=\"v\"><w:body>{}<w:sectPr/></w:body></w:document>",
            self.body.concat()
        );
        parts.push(("word/document.xml".into(), doc.into_bytes()));
        let mut rels = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
        for (id, target, ext) in &self.rels {
            rels.push_str(&format!(
                "<Relationship Id=\"{id}\" Type=\"x\" Target=\"{}\"{}/>",
                esc(target),
                if *ext { " TargetMode=\"External\"" } else { "" }
            ));
        }
        rels.push_str("</Relationships>");
        parts.push(("word/_rels/document.xml.rels".into(), rels.into_bytes()));
        if let Some(s) = &self.styles {
            parts.push((
                "word/styles.xml".into(),
                format!("<w:styles xmlns:w=\"{W}\">{s}</w:styles>").into_bytes(),
            ));
        }
        if let Some(n) = &self.numbering {
            parts.push((
                "word/numbering.xml".into(),
                format!("<w:numbering xmlns:w=\"{W}\">{n}</w:numbering>").into_bytes(),
            ));
        }
        if !self.footnotes.is_empty() {
            let mut f = format!("<w:footnotes xmlns:w=\"{W}\"><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>");
            for (id, text) in &self.footnotes {
                f.push_str(&format!(
                    "<w:footnote w:id=\"{id}\">{}</w:footnote>",
                    p(text)
                ));
            }
            f.push_str("</w:footnotes>");
            parts.push(("word/footnotes.xml".into(), f.into_bytes()));
        }
        if let Some(c) = &self.created {
            parts.push(("docProps/core.xml".into(), format!("<cp:coreProperties xmlns:cp=\"cp\" xmlns:dcterms=\"dcterms\"><dcterms:created>{c}</dcterms:created></cp:coreProperties>").into_bytes()));
        }
        for (name, bytes) in &self.media {
            parts.push((format!("word/media/{name}"), bytes.clone()));
        }
        zip_bytes(&parts)
    }

    fn write(&self, path: &Path) {
        fs::write(path, self.bytes()).unwrap();
    }
}

fn zip_bytes(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file(name.as_str(), opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// Word's built-in styles as styles.xml has them.
const WORD_STYLES: &str = r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>"#;

/// numId 1: decimal, level 1 bullets; numId 2: bullets.
const NUMBERING: &str = r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>"#;

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

// ------------------------------------------------------------ helpers

fn site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = sample_site_at(&tmp.path().join("site"));
    (tmp, site)
}

fn import(cwd: &Path, file: &Path, site: &Path, extra: &[&str]) -> common::Run {
    let mut args: Vec<&std::ffi::OsStr> =
        vec!["import".as_ref(), file.as_os_str(), site.as_os_str()];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    run(cwd, &args)
}

/// The body of a record file (after the closing `---` and its blank line).
fn body_of(text: &str) -> &str {
    let rest = &text[4..];
    let end = rest.find("\n---\n").unwrap();
    rest[end + 5..]
        .strip_prefix('\n')
        .unwrap_or(&rest[end + 5..])
}

fn front_of(text: &str) -> &str {
    let rest = &text[4..];
    &rest[..rest.find("\n---\n").unwrap() + 1]
}

// ------------------------------------------------------------ the case manuscript

/// A typical case as publicity staff send it: centred bold title, "——"
/// subtitle, byline, date line, ordinal headings typed as bold text, bold
/// phrases, a numbered list with a nested bullet, a bulleted list, a table
/// with merged cells, a photo with its caption, a footnote, a hyperlink, a
/// line break, empty paragraphs and a page break.
fn case_docx() -> Docx {
    let mut d = Docx::new(vec![
        centered_bold("四牌坊小学以“融和教育”培育“三和少年”"),
        p(""),
        p("——江津区四牌坊小学应用成果的实践"),
        p("（撰稿：王老师、李老师；撰稿单位：江津区四牌坊小学）"),
        p("2024年6月18日"),
        pp("", &[rb("一、背景与问题")]),
        pp(
            "<w:ind w:firstLine=\"420\"/>",
            &[
                r("\u{3000}\u{3000}学校提出"),
                rb("“融和教育”"),
                r("核心理念[见注]"),
                "<w:r><w:footnoteReference w:id=\"1\"/></w:r>".to_string(),
                r("，以“融文化”为精神内核。"),
            ],
        ),
        p(""),
        pp("", &[rb("（一）主要做法")]),
        list_item(1, 0, &[r("创新融和德育；")]),
        list_item(1, 1, &[r("每周一次主题班会")]),
        list_item(1, 0, &[r("优化融和课程。")]),
        p("具体包括："),
        list_item(2, 0, &[ri("精准"), r("融和管理")]),
        list_item(2, 0, &[r("打造融和集团")]),
        page_break(),
        pp("", &[rb("（二）课程安排")]),
        table(&[
            row(&[cell("年级", ""), cell("课程", ""), cell("课时", "")]),
            row(&[
                cell("低段", "<w:vMerge w:val=\"restart\"/>"),
                cell("融和德育", ""),
                cell("2", ""),
            ]),
            row(&[
                cell("", "<w:vMerge/>"),
                cell("融和阅读", ""),
                cell("1|2", ""),
            ]),
            row(&[
                cell("全校合计 3 门", "<w:gridSpan w:val=\"2\"/>"),
                cell("5", ""),
            ]),
        ]),
        picture("rIdImg1", ""),
        p("图1 学生参加融和课程展示"),
        pp("", &[rb("二、成效")]),
        pp(
            "",
            &[
                r("详见"),
                "<w:hyperlink r:id=\"rIdLink\"><w:r><w:t>学校网站</w:t></w:r></w:hyperlink>".into(),
                r("。第一行"),
                "<w:r><w:br/></w:r>".into(),
                r("第二行"),
            ],
        ),
        p("1.5倍的增长来自课堂。"),
        p("  "),
    ]);
    d.styles = Some(WORD_STYLES.into());
    d.numbering = Some(NUMBERING.into());
    d.footnotes = vec![(1, "据学校 2023 年工作总结。".into())];
    d.rels = vec![
        ("rIdImg1".into(), "media/image1.png".into(), false),
        (
            "rIdLink".into(),
            "https://example.org/sipaifang".into(),
            true,
        ),
    ];
    d.media = vec![("image1.png".into(), png(40, 30))];
    d.created = Some("2024-05-01T08:00:00Z".into());
    d
}

const CASE_BODY: &str = "## 一、背景与问题

学校提出“**融和教育**”核心理念\\[见注\\][^1]，以“融文化”为精神内核。

### （一）主要做法

1. 创新融和德育；
   - 每周一次主题班会
1. 优化融和课程。

具体包括：

- *精准*融和管理
- 打造融和集团

### （二）课程安排

| 年级 | 课程 | 课时 |
| --- | --- | --- |
| 低段 | 融和德育 | 2 |
| 低段 | 融和阅读 | 1\\|2 |
| 全校合计 3 门 |  | 5 |

<figure>

![图1 学生参加融和课程展示](../media/images/si-paifang-xiaoxue-yi-ronghe-jiaoyu/tu1.png)

<figcaption>图1 学生参加融和课程展示</figcaption>
</figure>

## 二、成效

详见[学校网站](https://example.org/sipaifang)。第一行\\
第二行

1.5倍的增长来自课堂。

[^1]: 据学校 2023 年工作总结。
";

#[test]
fn case_manuscript_becomes_a_record_that_builds() {
    let (tmp, site) = site();
    let file = tmp.path().join("四牌坊小学案例.docx");
    case_docx().write(&file);
    let r = import(
        tmp.path(),
        &file,
        &site,
        &[
            "--set",
            "region=jiangjin",
            "--set",
            "outcomes=ronghe-jiaoyu",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    let id = "si-paifang-xiaoxue-yi-ronghe-jiaoyu";
    let path = site.join(format!("content/cases/{id}.md"));
    let text = fs::read_to_string(&path).unwrap_or_else(|_| panic!("{}", r.dump()));
    assert_eq!(body_of(&text), CASE_BODY, "{text}");
    let fm = front_of(&text);
    let lines: Vec<&str> = fm.lines().collect();
    assert!(
        lines[0].starts_with("# 导入自 Word 稿件“四牌坊小学案例.docx”（sha256 "),
        "{fm}"
    );
    for want in [
        "title: 四牌坊小学以“融和教育”培育“三和少年”          # 【必填】案例标题",
        "date: 2024-06-18       # 【必填】发布日期，格式 年-月-日",
        "region: jiangjin",
        "outcomes: [ronghe-jiaoyu]",
        "authors: [王老师, 李老师]",
        "source: 江津区四牌坊小学",
        "summary: 江津区四牌坊小学应用成果的实践",
        "school:            # 学校名称",
        "draft: false       # 草稿：写 true 则暂不发布",
    ] {
        assert!(lines.contains(&want), "missing {want:?} in\n{fm}");
    }
    // The picture, valid and where the body says.
    let pic = site.join(format!("content/media/images/{id}/tu1.png"));
    assert_eq!(fs::read(&pic).unwrap(), png(40, 30));
    assert!(
        r.stdout.contains(&format!("新建 content/cases/{id}.md")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains(&format!("图片 1 张 → content/media/images/{id}/")),
        "{}",
        r.stdout
    );

    // The built page: headings, list, table cells, the figure and caption.
    let out = tmp.path().join("out");
    let b = common::build(tmp.path(), &site, &out);
    assert_eq!(b.code, 0, "{}", b.dump());
    let html = fs::read_to_string(out.join(format!("cases/{id}.html"))).unwrap();
    for want in [
        ">一、背景与问题</h2>",
        ">（一）主要做法</h3>",
        "<strong>融和教育</strong>",
        "<li>创新融和德育；\n<ul>\n<li>每周一次主题班会</li>",
        "<td>融和阅读</td>",
        "<td>1|2</td>",
        "<figcaption>图1 学生参加融和课程展示</figcaption>",
        "alt=\"图1 学生参加融和课程展示\"",
        "href=\"https://example.org/sipaifang\"",
        "第一行<br",
    ] {
        assert!(html.contains(want), "page lacks {want:?}");
    }
    assert!(!html.contains("**"), "asterisks printed");
}

#[test]
fn dry_run_prints_the_record_and_writes_nothing() {
    let (tmp, site) = site();
    let file = tmp.path().join("稿件.docx");
    case_docx().write(&file);
    let before = tree(&site.join("content"));
    let r = import(tmp.path(), &file, &site, &["--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(r.stdout.contains(CASE_BODY), "{}", r.stdout);
    assert!(
        r.stdout.contains("--- 试运行：未写入任何文件 ---"),
        "{}",
        r.stdout
    );
    assert!(tree(&site.join("content")) == before, "the site changed");
}

// ------------------------------------------------------------ the notice

/// A notice as offices issue it: header line, 文号, a title over two
/// centred lines, salutation, numbered sections, 附件 list, issuer and a
/// right-aligned date in Chinese numerals.
fn notice_docx() -> Docx {
    let mut d = Docx::new(vec![
        centered_bold("教育部办公厅"),
        pp("<w:jc w:val=\"center\"/>", &[r("教基厅函〔2024〕24号")]),
        centered_bold("教育部办公厅关于继续开展基础教育国家级"),
        centered_bold("优秀教学成果推广应用工作的通知"),
        p("各省、自治区、直辖市教育厅（教委）："),
        p("现就继续做好成果推广应用工作通知如下。"),
        p("一、总体要求"),
        p("各地按照“愿推尽推”原则确定推广成果。"),
        p("二、双向选择"),
        p("每个应用方原则上选择 2—3 项成果。"),
        p("附件：1. 成果信息一览表"),
        p("2. 成果汇总表"),
        right("教育部办公厅"),
        right("2024年7月30日"),
    ]);
    d.styles = Some(WORD_STYLES.into());
    d
}

const NOTICE_BODY: &str = "各省、自治区、直辖市教育厅（教委）：

现就继续做好成果推广应用工作通知如下。

## 一、总体要求

各地按照“愿推尽推”原则确定推广成果。

## 二、双向选择

每个应用方原则上选择 2—3 项成果。

附件：1. 成果信息一览表

2. 成果汇总表
";

#[test]
fn notice_manuscript_fills_number_issuer_date_and_lists_attachments() {
    let (tmp, site) = site();
    let file = tmp.path().join("通知.docx");
    notice_docx().write(&file);
    let r = import(tmp.path(), &file, &site, &["--kind", "notices"]);
    assert_eq!(r.code, 0, "{}", r.dump());
    let id = "jiaoyubu-bangongting-guanyu-jixu";
    let text = fs::read_to_string(site.join(format!("content/notices/{id}.md")))
        .unwrap_or_else(|_| panic!("{}", r.dump()));
    assert_eq!(body_of(&text), NOTICE_BODY, "{text}");
    let fm = front_of(&text);
    for want in [
        "title: 教育部办公厅关于继续开展基础教育国家级优秀教学成果推广应用工作的通知          # 【必填】文件标题",
        "date: 2024-07-30       # 【必填】发文日期，格式 年-月-日",
        "issuer: 教育部办公厅",
        "number: 教基厅函〔2024〕24号",
        "attachments: []    # 附件，每项写 title（附件名称）与 src（如 media/docs/x.pdf）",
        "#   - title: 附件1 成果信息一览表",
        "#   - title: 附件2 成果汇总表",
        "#     src: media/docs/（文件名）",
    ] {
        assert!(fm.lines().any(|l| l == want), "missing {want:?} in\n{fm}");
    }
    assert!(
        r.stderr.contains("警告：稿件列有 2 个附件（附件1 成果信息一览表、附件2 成果汇总表）：附件文件需要另外加入——请把文件放进 content/media/docs/，再在记录的 attachments 中写明 title 与 src（头信息中已按稿件列出附件名称）"),
        "{}",
        r.stderr
    );
    let out = tmp.path().join("out");
    let b = common::build(tmp.path(), &site, &out);
    assert_eq!(b.code, 0, "{}", b.dump());
    let html = fs::read_to_string(out.join(format!("notices/{id}.html"))).unwrap();
    assert!(html.contains(">一、总体要求</h2>"), "{html}");
    assert!(html.contains("教基厅函〔2024〕24号"));
}

// ------------------------------------------------------------ styles

/// Heading styles as WPS writes them (numeric ids named `heading 1`), a
/// localised name (标题 2), Title/Subtitle/Caption styles, a direct
/// outline level, a table-of-contents entry, the core date.
#[test]
fn heading_styles_in_any_language_and_outline_levels() {
    let styles = r#"<w:style w:type="paragraph" w:default="1" w:styleId="1"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 1"/><w:basedOn w:val="1"/></w:style>
<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="标题 2"/></w:style>
<w:style w:type="paragraph" w:styleId="a5"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="a6"><w:name w:val="Subtitle"/></w:style>
<w:style w:type="paragraph" w:styleId="a7"><w:name w:val="caption"/></w:style>
<w:style w:type="paragraph" w:styleId="11"><w:name w:val="toc 1"/></w:style>"#;
    let mut d = Docx::new(vec![
        styled("11", "目录 背景……1"),
        styled("a5", "聚奎中学打造“二精课堂”"),
        styled("a6", "借助上海教研范式"),
        styled("2", "做法"),
        styled("a3", "精选内容"),
        p("教师集体备课。"),
        pp("<w:outlineLvl w:val=\"1\"/>", &[r("精讲精练")]),
        picture("rIdP", "课堂照片"),
        styled("a7", "课堂上的小组讨论"),
        styled("2", "成效"),
        p("学生参与度提高。"),
    ]);
    d.styles = Some(styles.into());
    d.rels = vec![("rIdP".into(), "media/p.png".into(), false)];
    d.media = vec![("p.png".into(), png(8, 8))];
    d.created = Some("2023-11-02T20:00:00Z".into());
    let (tmp, site) = site();
    let file = tmp.path().join("wps.docx");
    d.write(&file);
    let r = import(tmp.path(), &file, &site, &["--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.dump());
    let id = "jukui-zhongxue-dazao-erjing-ketang";
    let want = format!(
        "## 做法\n\n### 精选内容\n\n教师集体备课。\n\n### 精讲精练\n\n<figure>\n\n![课堂照片](../media/images/{id}/tu1.png)\n\n<figcaption>课堂上的小组讨论</figcaption>\n</figure>\n\n## 成效\n\n学生参与度提高。\n"
    );
    assert!(r.stdout.contains(&want), "{}", r.stdout);
    assert!(
        r.stdout.contains("title: 聚奎中学打造“二精课堂”"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("summary: 借助上海教研范式"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("date: 2023-11-02 "), "{}", r.stdout);
    assert!(!r.stdout.contains("目录"), "{}", r.stdout);
}

// ------------------------------------------------------------ re-import

#[test]
fn reimport_updates_the_body_of_the_same_record() {
    let (tmp, site) = site();
    let file = tmp.path().join("案例.docx");
    case_docx().write(&file);
    let first = import(tmp.path(), &file, &site, &[]);
    assert_eq!(first.code, 0, "{}", first.dump());
    let id = "si-paifang-xiaoxue-yi-ronghe-jiaoyu";
    let path = site.join(format!("content/cases/{id}.md"));
    // The writer fills in the record by hand.
    let text = fs::read_to_string(&path).unwrap();
    let edited = text.replace("region:            #", "region: jiangjin  #");
    assert_ne!(edited, text);
    fs::write(&path, &edited).unwrap();
    // Same manuscript again: nothing written.
    let again = import(tmp.path(), &file, &site, &[]);
    assert_eq!(again.code, 0, "{}", again.dump());
    assert!(
        again
            .stdout
            .contains(&format!("不变 content/cases/{id}.md")),
        "{}",
        again.stdout
    );
    assert!(
        again
            .stdout
            .contains("完成：稿件与上次导入相同，未写入任何文件"),
        "{}",
        again.stdout
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), edited);
    // A revised manuscript: the body changes, the hand-filled field stays,
    // no second record, the picture it no longer has is removed.
    let mut d = case_docx();
    d.body
        .retain(|b| !b.contains("rIdImg1") && !b.contains("图1"));
    d.body.push(p("补充：家长满意度明显上升。"));
    d.write(&file);
    let revised = import(
        tmp.path(),
        &file,
        &site,
        &["--set", "outcomes=ronghe-jiaoyu"],
    );
    assert_eq!(revised.code, 0, "{}", revised.dump());
    assert!(
        revised
            .stdout
            .contains(&format!("更新正文 content/cases/{id}.md")),
        "{}",
        revised.stdout
    );
    let now = fs::read_to_string(&path).unwrap();
    assert!(now.contains("region: jiangjin  #"), "{now}");
    assert!(now.contains("outcomes: [ronghe-jiaoyu]"), "{now}");
    assert!(body_of(&now).ends_with("1.5倍的增长来自课堂。\n\n补充：家长满意度明显上升。\n\n[^1]: 据学校 2023 年工作总结。\n"), "{now}");
    assert!(!body_of(&now).contains("figure"));
    assert!(!site
        .join(format!("content/media/images/{id}/tu1.png"))
        .exists());
    let cases: Vec<_> = fs::read_dir(site.join("content/cases")).unwrap().collect();
    assert_eq!(cases.len(), 10, "one record added to the 9 sample cases");
    assert_eq!(now.matches("# 导入自 Word 稿件").count(), 1);
    // A record of the same title not made from this manuscript is left
    // alone: the new one gets -2 and a warning says so.
    let other = tmp.path().join("另一份.docx");
    case_docx().write(&other);
    let dup = import(tmp.path(), &other, &site, &[]);
    assert_eq!(dup.code, 0, "{}", dup.dump());
    assert!(dup.stderr.contains(&format!("警告：站点中已有编号为 {id} 的典型案例记录（不是从这份稿件导入的），新记录的编号为 {id}-2；如果是同一篇稿件，请删去其中一个")), "{}", dup.stderr);
    assert!(site.join(format!("content/cases/{id}-2.md")).is_file());
    assert!(site
        .join(format!("content/media/images/{id}-2/tu1.png"))
        .is_file());
}

// ------------------------------------------------------------ --set

#[test]
fn set_arguments_are_checked_before_anything_is_read() {
    let (tmp, site) = site();
    let file = tmp.path().join("案例.docx");
    case_docx().write(&file);
    let before = tree(&site.join("content"));
    for (args, msg) in [
        (&["--set", "region"][..], "错误：--set “region”应写成 字段=值，如 --set region=jiangjin"),
        (&["--set", "regoin=jiangjin"][..], "错误：--set 的字段“regoin”不是典型案例记录的字段（可用：title、date、region、school、outcomes、authors、source、stages、subjects、themes、cover、summary、featured、draft）"),
        (&["--kind", "notices", "--set", "attachments=x"][..], "错误：--set 不能设置“attachments”：award、contact、period 写成 --set award.year=2022 这样的“字段.子项=值”；media、applies、attachments 是多行列表，请导入后在记录文件中填写"),
        (&["--kind", "holders"][..], "错误：--kind holders 不能用于 Word 稿件（可用：cases、notices、outcomes、pages）"),
    ] {
        let r = import(tmp.path(), &file, &site, args);
        assert_eq!(r.code, 1, "{}", r.dump());
        assert_eq!(r.stderr.trim_end(), msg, "{}", r.dump());
    }
    assert!(tree(&site.join("content")) == before, "the site changed");
    // A title given on the command line wins over the manuscript's.
    let r = import(
        tmp.path(),
        &file,
        &site,
        &["--set", "title=四牌坊小学融和教育", "--dry-run"],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.stdout
            .contains("新建 content/cases/si-paifang-xiaoxue-ronghe-jiaoyu.md"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("\ntitle: 四牌坊小学融和教育"),
        "{}",
        r.stdout
    );
}

#[test]
fn an_outcome_manuscript_with_set_award_builds() {
    let (tmp, site) = site();
    let file = tmp.path().join("成果.docx");
    let mut d = Docx::new(vec![
        centered_bold("小学数学作业分层设计实践研究"),
        p("一、主要解决的教学问题"),
        p("作业量大、针对性弱。"),
    ]);
    d.styles = Some(WORD_STYLES.into());
    d.write(&file);
    let r = import(
        tmp.path(),
        &file,
        &site,
        &[
            "--kind",
            "outcomes",
            "--set",
            "award.year=2022",
            "--set",
            "award.level=二等奖",
            "--set",
            "holder=jiangjin-jiaoshi-fazhan",
            "--set",
            "province=重庆市",
            "--set",
            "stages=小学",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    let out = tmp.path().join("out");
    let b = common::build(tmp.path(), &site, &out);
    assert_eq!(b.code, 0, "{}", b.dump());
    let text =
        fs::read_to_string(site.join("content/outcomes/xiaoxue-shuxue-zuoye-fenceng-sheji.md"))
            .unwrap_or_else(|_| panic!("{}", r.dump()));
    assert!(text.contains("  year: 2022"), "{text}");
    assert_eq!(
        body_of(&text),
        "## 一、主要解决的教学问题\n\n作业量大、针对性弱。\n"
    );
}

// ------------------------------------------------------------ bad input

/// Each bad file: exit 1, the exact message, nothing written.
fn refused(name: &str, bytes: &[u8], want: &str) {
    let (tmp, site) = site();
    let file = tmp.path().join(name);
    fs::write(&file, bytes).unwrap();
    let before = tree(&site.join("content"));
    let r = import(tmp.path(), &file, &site, &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    let want = want.replace("FILE", &file.display().to_string());
    assert_eq!(r.stderr.trim_end(), want, "{}", r.dump());
    assert!(
        tree(&site.join("content")) == before,
        "{name}: the site changed"
    );
}

const CFB: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

#[test]
fn legacy_doc_and_wps() {
    let mut doc = CFB.to_vec();
    doc.resize(4096, 0);
    let legacy = "错误：FILE：这是旧版文档格式：请在 Word 或 WPS 中另存为 .docx 后再导入（“文件”→“另存为”，文件类型选“Word 文档（*.docx）”）";
    refused("旧稿.doc", &doc, legacy);
    refused("旧稿.wps", &doc, legacy);
    // A .doc renamed to .docx is found out by its content.
    refused("改名.docx", &doc, legacy);
    refused("稿件.rtf.doc", b"{\\rtf1\\ansi hello}", legacy);
}

#[test]
fn not_a_word_document() {
    refused(
        "文本.docx",
        "这不是 Word 文档".as_bytes(),
        "错误：FILE 不是 Word 文档（.docx）：文件内容不是 .docx 格式（可能已损坏、只复制了一部分，或是改了扩展名的其他文件）；请用 Word 或 WPS 打开后另存为 .docx，再导入",
    );
    let zip = zip_bytes(&[("xl/workbook.xml".into(), b"<workbook/>".to_vec())]);
    refused(
        "表格.docx",
        &zip,
        "错误：FILE 中没有 Word 正文（word/document.xml）：它是压缩包，但不是 Word 文档；请用 Word 或 WPS 打开原稿，另存为 .docx 后再导入",
    );
    let mut cut = case_docx().bytes();
    cut.truncate(cut.len() / 2);
    let (tmp, site) = site();
    let file = tmp.path().join("半截.docx");
    fs::write(&file, &cut).unwrap();
    let r = import(tmp.path(), &file, &site, &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(r.stderr.starts_with(&format!("错误：{} 无法作为 .docx 文件读取：文件已损坏或不完整（例如下载、复制或解压未完成）；请用 Word 或 WPS 打开后另存为 .docx，再导入（详情：", file.display())), "{}", r.stderr);
    let broken = zip_bytes(&[(
        "word/document.xml".into(),
        b"<w:document>\n<w:body><w:p></w:body>".to_vec(),
    )]);
    let r2 = {
        let f = tmp.path().join("坏.docx");
        fs::write(&f, &broken).unwrap();
        (f.clone(), import(tmp.path(), &f, &site, &[]))
    };
    assert_eq!(r2.1.code, 1);
    assert!(
        r2.1.stderr.starts_with(&format!(
            "错误：{} 中的“word/document.xml”第2行第",
            r2.0.display()
        )),
        "{}",
        r2.1.stderr
    );
    assert!(
        r2.1.stderr.contains(
            "不是有效的 XML：文件已损坏；请用 Word 或 WPS 打开后另存为 .docx，再导入（详情："
        ),
        "{}",
        r2.1.stderr
    );
}

#[test]
fn zip_bomb_deep_nesting_and_size_limits() {
    // 300 MB of one byte repeated deflates to ~300 KB: ratio ~1000:1.
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    z.start_file("word/document.xml", opts).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..60 {
        z.write_all(&chunk).unwrap();
    }
    let bomb = z.finish().unwrap().into_inner();
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    refused(
        "炸弹.docx",
        &bomb,
        &format!("错误：FILE 中的“word/document.xml”压缩比为 {}:1，超过 200:1 的上限，是“压缩炸弹”一类的文件（可能已损坏或被特意构造）；未导入任何内容", (60u64 << 20) / bomb_packed(&bomb)),
    );
    let deep = format!(
        "<w:document xmlns:w=\"{W}\"><w:body>{}{}</w:body></w:document>",
        "<w:sdt><w:sdtContent>".repeat(200),
        "</w:sdtContent></w:sdt>".repeat(200)
    );
    refused(
        "深.docx",
        &zip_bytes(&[("word/document.xml".into(), deep.into_bytes())]),
        "错误：FILE 中的“word/document.xml”嵌套超过 256 层（文件可能已损坏或被特意构造）；未导入任何内容",
    );
    // Over the file size limit: a sparse file, refused before reading.
    let (tmp, site) = site();
    let file = tmp.path().join("巨大.docx");
    let f = fs::File::create(&file).unwrap();
    f.set_len(201 * 1024 * 1024).unwrap();
    let before = tree(&site.join("content"));
    let r = import(tmp.path(), &file, &site, &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    assert_eq!(
        r.stderr.trim_end(),
        format!("错误：{} 有 201.0 MB，超过可导入稿件 200.0 MB 的上限；请在 Word 中压缩图片（“图片格式”→“压缩图片”）后另存，再导入", file.display())
    );
    assert!(tree(&site.join("content")) == before, "the site changed");
}

/// The compressed size of the only entry of a zip.
fn bomb_packed(zip: &[u8]) -> u64 {
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let f = a.by_index_raw(0).unwrap();
    f.compressed_size()
}

#[test]
fn pictures_the_web_cannot_show_are_skipped_with_a_warning() {
    let (tmp, site) = site();
    let file = tmp.path().join("图.docx");
    let mut d = Docx::new(vec![
        centered_bold("江津区作业设计案例"),
        picture("rE", "流程图"),
        p("正文。"),
    ]);
    d.rels = vec![("rE".into(), "media/image1.emf".into(), false)];
    d.media = vec![(
        "image1.emf".into(),
        vec![1, 0, 0, 0, 0x6C, 0, 0, 0, 9, 9, 9, 9],
    )];
    d.write(&file);
    let r = import(tmp.path(), &file, &site, &[]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert_eq!(
        r.stderr.trim_end(),
        "警告：稿件中的图片“word/media/image1.emf”是 EMF/WMF 矢量图格式，网页不能显示，已跳过；请在 Word 中把它另存为 JPEG 或 PNG 图片后重新插入，或导入后自行放入 content/media/images/jiangjin-qu-zuoye-sheji-anli/"
    );
    let text =
        fs::read_to_string(site.join("content/cases/jiangjin-qu-zuoye-sheji-anli.md")).unwrap();
    assert_eq!(body_of(&text), "正文。\n");
    assert!(!site
        .join("content/media/images/jiangjin-qu-zuoye-sheji-anli")
        .exists());
}

// ------------------------------------------------------------ round trip

/// A record's Markdown body as Word would hold it: `##` as Heading 1 (and
/// so on), bold and italic runs, links as hyperlinks, lists with
/// numbering, tables, footnotes. Pictures are left out.
fn markdown_to_docx(title: &str, md: &str) -> Docx {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut d = Docx::new(vec![styled("Title", title)]);
    d.styles = Some(WORD_STYLES.into());
    d.numbering = Some(NUMBERING.into());
    let mut runs: Vec<String> = Vec::new();
    let (mut bold, mut italic, mut image) = (0, 0, 0);
    let mut link: Option<String> = None;
    let mut lists: Vec<bool> = Vec::new();
    let mut heading: Option<u8> = None;
    let mut note: Option<u32> = None;
    let mut notes: Vec<String> = Vec::new();
    let mut note_text = String::new();
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut rid = 0;
    let flush = |runs: &mut Vec<String>, lists: &[bool], heading: Option<u8>| -> Option<String> {
        if runs.is_empty() {
            return None;
        }
        let ppr = if let Some(h) = heading {
            format!("<w:pStyle w:val=\"Heading{}\"/>", h - 1)
        } else if let Some(ordered) = lists.last() {
            format!(
                "<w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"{}\"/><w:numId w:val=\"{}\"/></w:numPr>",
                lists.len() - 1,
                if *ordered { 1 } else { 2 }
            )
        } else {
            String::new()
        };
        Some(pp(&ppr, &std::mem::take(runs)))
    };
    for ev in Parser::new_ext(
        md,
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH,
    ) {
        let target = &mut runs;
        match ev {
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold -= 1,
            Event::Start(Tag::Emphasis) => italic += 1,
            Event::End(TagEnd::Emphasis) => italic -= 1,
            Event::Start(Tag::Image { .. }) => image += 1,
            Event::End(TagEnd::Image) => image -= 1,
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = dest_url.starts_with("http").then(|| dest_url.to_string())
            }
            Event::End(TagEnd::Link) => link = None,
            Event::Start(Tag::Heading { level, .. }) => heading = Some(level as u8),
            Event::Start(Tag::List(start)) => {
                if let Some(p) = flush(&mut runs, &lists, heading) {
                    d.body.push(p);
                }
                lists.push(start.is_some());
            }
            Event::End(TagEnd::List(_)) => {
                if let Some(p) = flush(&mut runs, &lists, heading) {
                    d.body.push(p);
                }
                lists.pop();
            }
            Event::Start(Tag::FootnoteDefinition(_)) => note = Some(0),
            Event::End(TagEnd::FootnoteDefinition) => {
                note = None;
                notes.push(std::mem::take(&mut note_text));
            }
            Event::FootnoteReference(label) => {
                let id = label.parse::<u32>().unwrap_or(notes.len() as u32 + 100);
                target.push(format!("<w:r><w:footnoteReference w:id=\"{id}\"/></w:r>"));
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item)
                if note.is_none() && table.is_none() =>
            {
                if let Some(p) = flush(&mut runs, &lists, heading) {
                    d.body.push(p);
                }
                heading = None;
            }
            Event::Start(Tag::Table(_)) => table = Some(Vec::new()),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                table.as_mut().unwrap().push(Vec::new())
            }
            Event::End(TagEnd::TableCell) => {
                let cell = format!(
                    "<w:tc><w:p>{}</w:p></w:tc>",
                    std::mem::take(&mut runs).concat()
                );
                table.as_mut().unwrap().last_mut().unwrap().push(cell);
            }
            Event::End(TagEnd::Table) => {
                let rows: Vec<String> = table.take().unwrap().iter().map(|r| row(r)).collect();
                d.body.push(self::table(&rows));
            }
            Event::Text(t) | Event::Code(t) if image == 0 && note.is_some() => {
                note_text.push_str(&t)
            }
            Event::Text(t) | Event::Code(t) if image == 0 => {
                let rpr = format!(
                    "<w:rPr>{}{}</w:rPr>",
                    if bold > 0 { "<w:b/>" } else { "" },
                    if italic > 0 { "<w:i/>" } else { "" }
                );
                let run = format!(
                    "<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
                    esc(&t)
                );
                match &link {
                    Some(url) => {
                        rid += 1;
                        d.rels.push((format!("rIdL{rid}"), url.clone(), true));
                        target.push(format!(
                            "<w:hyperlink r:id=\"rIdL{rid}\">{run}</w:hyperlink>"
                        ));
                    }
                    None => target.push(run),
                }
            }
            Event::SoftBreak => target.push(r(" ")),
            Event::HardBreak => target.push("<w:r><w:br/></w:r>".into()),
            _ => {}
        }
    }
    d.footnotes = notes
        .into_iter()
        .enumerate()
        .map(|(i, n)| (i as u32 + 1, n))
        .collect();
    d
}

/// The text of a Markdown body without white space, picture alt texts and
/// footnote definitions; and the footnote texts.
fn text_of(md: &str) -> (String, Vec<String>, Vec<String>) {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let (mut text, mut notes, mut headings) = (String::new(), Vec::new(), Vec::new());
    let (mut image, mut in_note, mut in_heading) = (0, false, false);
    let mut cur = String::new();
    for ev in Parser::new_ext(
        md,
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH,
    ) {
        match ev {
            Event::Start(Tag::Image { .. }) => image += 1,
            Event::End(TagEnd::Image) => image -= 1,
            Event::Start(Tag::FootnoteDefinition(_)) => in_note = true,
            Event::End(TagEnd::FootnoteDefinition) => {
                in_note = false;
                notes.push(std::mem::take(&mut cur));
            }
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                headings.push(std::mem::take(&mut cur));
            }
            Event::Text(t) | Event::Code(t) if image == 0 => {
                let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                if in_note || in_heading {
                    cur.push_str(&t);
                }
                if !in_note {
                    text.push_str(&t);
                }
            }
            _ => {}
        }
    }
    (text, notes, headings)
}

#[test]
fn sample_cases_and_notices_round_trip_through_docx() {
    let (tmp, site) = site();
    let empty = tmp.path().join("empty");
    fs::create_dir_all(empty.join("content")).unwrap();
    fs::copy(site.join("site.yaml"), empty.join("site.yaml")).unwrap();
    let mut checked = 0;
    for (dir, kind) in [("cases", "cases"), ("notices", "notices")] {
        let mut entries: Vec<_> = fs::read_dir(site.join("content").join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let text = fs::read_to_string(&path).unwrap();
            let title = text
                .lines()
                .find_map(|l| l.strip_prefix("title: "))
                .unwrap()
                .trim_matches('"')
                .to_string();
            let body = body_of(&text);
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let file = tmp.path().join(format!("{stem}.docx"));
            markdown_to_docx(&title, body).write(&file);
            let r = import(tmp.path(), &file, &empty, &["--kind", kind]);
            assert_eq!(r.code, 0, "{stem}: {}", r.dump());
            let made = fs::read_dir(empty.join("content").join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| {
                    fs::read_to_string(p)
                        .unwrap()
                        .contains(&format!("稿件“{stem}.docx”"))
                })
                .unwrap_or_else(|| panic!("{stem}: no record\n{}", r.dump()));
            let back = fs::read_to_string(&made).unwrap();
            assert!(
                back.lines()
                    .any(|l| l.starts_with("title: ") && l.contains(&title)),
                "{stem}: title lost\n{back}"
            );
            let (want, want_notes, want_heads) = text_of(body);
            let (got, got_notes, got_heads) = text_of(body_of(&back));
            assert_eq!(
                got,
                want,
                "{stem}: text differs\n--- imported\n{}",
                body_of(&back)
            );
            assert_eq!(got_notes, want_notes, "{stem}: footnotes");
            assert_eq!(got_heads, want_heads, "{stem}: headings");
            checked += 1;
        }
    }
    assert_eq!(checked, 13);
}

// ------------------------------------------------------------ more refusals

#[test]
fn password_missing_file_no_title_and_entry_limits() {
    let (tmp, site) = site();
    // An encrypted .docx is a Compound File with an EncryptedPackage stream.
    let locked = tmp.path().join("加密.docx");
    {
        let mut c = cfb::create(&locked).unwrap();
        c.create_stream("/EncryptionInfo")
            .unwrap()
            .write_all(b"x")
            .unwrap();
        c.create_stream("/EncryptedPackage")
            .unwrap()
            .write_all(&[0u8; 600])
            .unwrap();
        c.flush().unwrap();
    }
    let r = import(tmp.path(), &locked, &site, &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    assert_eq!(
        r.stderr.trim_end(),
        format!(
            "错误：{} 设有打开密码，无法读取；请在 Word 或 WPS 中取消密码后另存为 .docx，再导入",
            locked.display()
        )
    );
    let missing = tmp.path().join("没有.docx");
    let r = import(tmp.path(), &missing, &site, &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(
        r.stderr.starts_with(&format!(
            "错误：无法读取 {}：文件或文件夹不存在（详情：",
            missing.display()
        )),
        "{}",
        r.stderr
    );
    // No title: the first paragraph is a long sentence.
    let untitled = tmp.path().join("无题.docx");
    Docx::new(vec![p("学校近年来围绕课堂教学改革开展了大量工作，取得了明显成效，教师专业水平不断提升，学生学习兴趣明显增强，家长满意度逐年提高。")]).write(&untitled);
    let r = import(tmp.path(), &untitled, &site, &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    assert_eq!(r.stderr.trim_end(), format!("错误：{} 中找不到标题（没有“标题”样式的段落，开头也没有居中或加粗的短段落）；请用 --set title=… 指定标题，或在 Word 中给标题套用“标题”样式", untitled.display()));
    let r = import(
        tmp.path(),
        &untitled,
        &site,
        &["--set", "title=课堂教学改革", "--dry-run"],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    // A picture the relationships name but the zip lacks.
    let gap = tmp.path().join("缺图.docx");
    let mut d = Docx::new(vec![
        centered_bold("缺图的稿件"),
        picture("rX", ""),
        p("正文。"),
    ]);
    d.rels = vec![("rX".into(), "media/gone.png".into(), false)];
    d.write(&gap);
    let r = import(tmp.path(), &gap, &site, &["--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert_eq!(
        r.stderr.trim_end(),
        "警告：稿件中引用的图片“word/media/gone.png”不在文件中，已跳过"
    );
    // Too many entries.
    let mut parts: Vec<(String, Vec<u8>)> =
        (0..5001).map(|i| (format!("x/{i}.bin"), vec![])).collect();
    parts.push(("word/document.xml".into(), b"<w:document/>".to_vec()));
    refused("多.docx", &zip_bytes(&parts), "错误：FILE 中有 5002 个部分，超过 5000 个的上限（文件可能已损坏或被特意构造）；未导入任何内容");
}

#[test]
fn unpacked_size_limits() {
    // One XML part over 64 MB (declared size; compresses well within the
    // ratio limit only because the size check comes first).
    let big = |n: usize, parts: usize| {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
            .large_file(true);
        let chunk = vec![b'a'; n];
        for i in 0..parts {
            z.start_file(format!("word/media/p{i}.bin"), opts).unwrap();
            z.write_all(&chunk).unwrap();
        }
        z.start_file("word/document.xml", opts).unwrap();
        z.write_all(&chunk[..n.min(65 << 20)]).unwrap();
        z.finish().unwrap().into_inner()
    };
    refused(
        "大部分.docx",
        &big(65 << 20, 0),
        "错误：FILE 中的“word/document.xml”解压后有 65.0 MB，超过单个部分 64.0 MB 的上限（文件可能已损坏或被特意构造）；未导入任何内容",
    );
    // Many parts of 1 MB (below the ratio check) adding up past 512 MB.
    refused(
        "合计.docx",
        &big(1 << 20, 520),
        "错误：FILE 解压后超过 512.0 MB 的上限（文件可能已损坏或被特意构造）；未导入任何内容",
    );
}

// ------------------------------------------------------------ messages

/// Every message of src/interchange/docx/ (each `#[error(` and each
/// warning pushed) with a fragment that an assertion above contains and
/// docs/messages.md shows. Counted like tests/messages.rs counts the
/// pipeline's call sites: a new message without a row here fails.
const DOCX_MESSAGES: &[(&str, &str)] = &[
    ("#[error(", "无法读取 "),
    (
        "#[error(",
        "这是旧版文档格式：请在 Word 或 WPS 中另存为 .docx 后再导入",
    ),
    (
        "#[error(",
        "设有打开密码，无法读取；请在 Word 或 WPS 中取消密码后另存为 .docx",
    ),
    (
        "#[error(",
        "不是 Word 文档（.docx）：文件内容不是 .docx 格式",
    ),
    ("#[error(", "无法作为 .docx 文件读取：文件已损坏或不完整"),
    ("#[error(", "中没有 Word 正文（word/document.xml）"),
    ("#[error(", "超过可导入稿件 200.0 MB 的上限"),
    ("#[error(", "个部分，超过 5000 个的上限"),
    ("#[error(", "超过单个部分 64.0 MB 的上限"),
    ("#[error(", "解压后超过 512.0 MB 的上限"),
    ("#[error(", "是“压缩炸弹”一类的文件"),
    ("#[error(", "不是有效的 XML：文件已损坏"),
    ("#[error(", "嵌套超过 256 层"),
    ("#[error(", "中找不到标题"),
    ("#[error(", "应写成 字段=值，如 --set region=jiangjin"),
    ("#[error(", "不是典型案例记录的字段（可用："),
    ("#[error(", "media、applies、attachments 是多行列表"),
    (
        "#[error(",
        "不能用于 Word 稿件（可用：cases、notices、outcomes、pages）",
    ),
    // Forwarded: the front-matter editor's own message (tests/interchange.rs).
    ("#[error(", "FORWARD"),
    // Disk full / no permission: the system's detail varies (as for sheets).
    ("#[error(", "UNTESTED 无法写入"),
    (
        "warnings.push(",
        "的典型案例记录（不是从这份稿件导入的），新记录的编号为",
    ),
    ("warnings.push(", "不在文件中，已跳过"),
    ("warnings.push(", "网页不能显示，已跳过"),
    ("warnings.push(", "附件文件需要另外加入"),
];

#[test]
fn every_docx_message_is_asserted_and_documented() {
    let repo = common::repo();
    let code = fs::read_to_string(repo.join("src/interchange/docx/mod.rs")).unwrap();
    let me = fs::read_to_string(repo.join("tests/docx_import.rs")).unwrap();
    let tests_text = &me[..me.find("const DOCX_MESSAGES").unwrap()];
    let doc = fs::read_to_string(repo.join("docs/messages.md")).unwrap();
    let mut problems = Vec::new();
    for needle in ["#[error(", "warnings.push("] {
        let found = code.matches(needle).count();
        let listed = DOCX_MESSAGES.iter().filter(|(n, _)| *n == needle).count();
        if found != listed {
            problems.push(format!(
                "{needle}: {found} in src/interchange/docx/mod.rs, {listed} listed"
            ));
        }
    }
    for (_, fragment) in DOCX_MESSAGES {
        if *fragment == "FORWARD" {
            continue;
        }
        let f = fragment.strip_prefix("UNTESTED ").unwrap_or(fragment);
        if !fragment.starts_with("UNTESTED ") && !tests_text.contains(f) {
            problems.push(format!("no assertion contains “{f}”"));
        }
        if !doc.contains(f) {
            problems.push(format!("docs/messages.md does not show “{f}”"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
