//! `chengguo import 稿件.docx` (issue 13): manuscripts written by a small
//! docx writer (docx_support/writer.rs: zip + the XML Word and WPS write),
//! imported into a copy of the sample site; the exact Markdown and front
//! matter, the built page, re-import, `--set`, a round trip of the sample
//! site's own cases and notices through .docx; every bad input in
//! docx_support/refusals.rs.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{run, sample_site_at, tree};
#[path = "docx_support/refusals.rs"]
mod refusals;
#[path = "docx_support/writer.rs"]
mod writer;

use writer::*;

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
    // The figure's raw HTML does not cost the picture its srcset.
    assert!(
        html.contains(&format!(
            "srcset=\"../media/images/{id}/tu1.png 40w\" sizes="
        )),
        "srcset lost"
    );
    // A srcset typed in raw HTML is still removed (it could name an
    // external image that the src check never sees).
    fs::write(
        site.join("content/pages/srcset.md"),
        "---\ntitle: 测试\n---\n\n<figure><img src=\"../media/images/cover-erjing.svg\" alt=\"x\" srcset=\"https://example.org/x.jpg 2x\"></figure>\n",
    )
    .unwrap();
    let b = common::build(tmp.path(), &site, &out);
    assert_eq!(b.code, 0, "{}", b.dump());
    let page = fs::read_to_string(out.join("pages/srcset.html")).unwrap();
    assert!(
        page.contains("cover-erjing.svg") && !page.contains("example.org/x.jpg"),
        "{page}"
    );
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

// ------------------------------------------------------------ round trip

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
