//! Fixture sites under `tests/fixtures/`: one valid site and many invalid
//! ones, each with one kind of problem. Every invalid fixture is run through
//! the real binary (`build` and `check`), asserting a non-zero exit, the
//! EXACT `path:line:column: 错误: message` lines on stderr (positions worked
//! out by hand from the fixture text: 1-based, columns in characters), and
//! that the output folder is never touched by a failed build.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Every file under `dir` (relative path → bytes), directories included as
/// empty entries so that an added empty folder is noticed too.
fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, acc: &mut BTreeMap<String, Option<Vec<u8>>>) {
        let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if e.file_type().unwrap().is_dir() {
                acc.insert(format!("{rel}/"), None);
                walk(root, &p, acc);
            } else {
                acc.insert(rel, Some(fs::read(&p).unwrap()));
            }
        }
    }
    let mut acc = BTreeMap::new();
    walk(dir, dir, &mut acc);
    acc
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        if name == ".chengguo-cache" || name == "public" {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(&name));
        } else {
            fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
}

/// A private copy of a fixture (successful builds write a search cache into
/// the site folder; the source tree stays clean and tests stay independent).
fn site_copy(name: &str) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), t.path());
    t
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The core assertion for an invalid fixture: `build` and `check` both fail
/// with exactly `errors` (in this order) and `warnings`, the summary line
/// counts them, and the build leaves nothing behind.
fn assert_invalid(name: &str, errors: &[&str], warnings: &[&str]) {
    let site = fixture(name);
    assert!(
        site.join("site.yaml").is_file(),
        "fixture {name} has no site.yaml"
    );
    let before = snapshot(&site);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");

    let b = build(tmp.path(), &site, &out);
    assert_ne!(b.code, 0, "build of {name} must fail\n{}", b.dump());
    assert_eq!(b.code, 1, "content errors exit with 1\n{}", b.dump());
    assert_eq!(
        b.errors(),
        errors,
        "build {name}: error lines\n{}",
        b.dump()
    );
    assert_eq!(
        b.warnings(),
        warnings,
        "build {name}: warning lines\n{}",
        b.dump()
    );
    let summary = format!(
        "失败：{} 个错误，{} 个警告；输出目录未改动",
        errors.len(),
        warnings.len()
    );
    assert!(
        b.stderr.lines().any(|l| l == summary),
        "build {name}: summary `{summary}` missing\n{}",
        b.dump()
    );
    assert!(!b.stderr.contains("panicked"), "{}", b.dump());
    assert!(
        !out.exists(),
        "a failed build must not create the output folder"
    );
    assert_eq!(
        names_in(tmp.path()),
        Vec::<String>::new(),
        "a failed build leaves no staging folder"
    );

    let c = check(tmp.path(), &site);
    assert_eq!(c.code, 1, "check of {name} must fail\n{}", c.dump());
    assert_eq!(
        c.errors(),
        errors,
        "check {name}: same errors as build\n{}",
        c.dump()
    );
    assert_eq!(
        c.warnings(),
        warnings,
        "check {name}: same warnings as build\n{}",
        c.dump()
    );
    let summary = format!("失败：{} 个错误，{} 个警告", errors.len(), warnings.len());
    assert!(
        c.stderr.lines().any(|l| l == summary),
        "check {name}: summary `{summary}` missing\n{}",
        c.dump()
    );
    assert_eq!(
        names_in(tmp.path()),
        Vec::<String>::new(),
        "check writes nothing"
    );

    assert!(
        snapshot(&site) == before,
        "{name}: the site folder must not be modified"
    );
}

const ALL_INVALID: &[&str] = &[
    "yaml-broken",
    "frontmatter-unclosed",
    "frontmatter-missing",
    "empty-file",
    "not-utf8",
    "unknown-key",
    "missing-required",
    "bad-id",
    "duplicate-id",
    "dangling-ref",
    "draft-ref",
    "unknown-vocab",
    "bad-date",
    "missing-media",
    "long-summary",
    "body-links",
    "many-errors",
    // Failing for sure, whatever their exact messages:
    "yaml-duplicate-key",
    "yaml-unclosed",
    "yaml-comment-position",
    "hidden-errors",
    "ref-by-title",
    "percent-link",
    "theme-unknown",
];

// ---------------------------------------------------------------- invalid

#[test]
fn yaml_broken() {
    // `summary: 门户: 简介`: the second colon is character 12 of line 3.
    assert_invalid(
        "yaml-broken",
        &["content/pages/about.md:3:12: 错误: YAML 语法错误：此处不能出现冒号（含冒号的值请用英文引号括起来）"],
        &[],
    );
}

#[test]
fn yaml_duplicate_key_points_at_the_duplicate() {
    // The second `title:` is on line 4; the first one (line 2) is fine.
    assert_invalid(
        "yaml-duplicate-key",
        &["content/pages/about.md:4:1: 错误: YAML 语法错误：字段重复出现：同一字段只能写一次，请删除或合并其中一个"],
        &[],
    );
}

#[test]
fn yaml_unclosed_bracket_and_quote_point_at_the_opening_character() {
    // `title: [未闭合` opens `[` at 2:8; `summary: "未闭合` opens `"` at 3:10.
    let site = fixture("yaml-unclosed");
    let tmp = tempfile::tempdir().unwrap();
    let r = check(tmp.path(), &site);
    assert_eq!(r.code, 1, "{}", r.dump());
    let errs = r.errors();
    assert_eq!(errs.len(), 2, "{}", r.dump());
    assert!(
        errs[0].starts_with("content/pages/about.md:2:8: 错误: YAML 语法错误："),
        "{}",
        r.dump()
    );
    assert!(
        errs[1].starts_with("content/pages/help.md:3:10: 错误: YAML 语法错误："),
        "{}",
        r.dump()
    );
}

#[test]
fn frontmatter_unclosed() {
    assert_invalid(
        "frontmatter-unclosed",
        &["content/pages/about.md:1:1: 错误: 头信息没有结束：找不到第二个 --- 行；请在最后一个字段的下一行加上 ---（正文写在它下面）"],
        &[],
    );
}

#[test]
fn frontmatter_missing() {
    assert_invalid(
        "frontmatter-missing",
        &["content/pages/about.md:1:1: 错误: 缺少头信息：文件第一行应为 ---，实际是“# 关于本站”；请在文件开头加一行 ---，随后写字段（如 title: 标题），再以一行 --- 结束"],
        &[],
    );
}

#[test]
fn empty_file() {
    assert_invalid(
        "empty-file",
        &["content/pages/about.md:1:1: 错误: 文件为空：记录应以一行 --- 开头，接着写 title: 等字段，再以一行 --- 结束，下面是正文"],
        &[],
    );
}

#[test]
fn not_utf8() {
    // GBK bytes start right after `title: ` (line 2, column 8).
    assert_invalid(
        "not-utf8",
        &["content/pages/about.md:2:8: 错误: 文件不是 UTF-8 编码（可能是 GBK），从此处起无法识别：请用编辑器以“UTF-8”编码另存（如记事本“另存为”时选择 UTF-8）"],
        &[],
    );
}

#[test]
fn unknown_key_with_did_you_mean() {
    assert_invalid(
        "unknown-key",
        &[
            "content/holders/shili-jiaoyanshi.md:4:1: 错误: 未知字段“webiste”：成果持有方记录可用的字段为 title、kind、province、city、website、summary、draft（是否指 website？）",
            // `titel` instead of `title`: the title is then also missing.
            "content/pages/about.md:1:1: 错误: 缺少必填字段 title（标题）：请在头信息中加一行，如 title: 关于本平台",
            "content/pages/about.md:2:1: 错误: 未知字段“titel”：页面记录可用的字段为 title、summary、draft（是否指 title？）",
        ],
        &[],
    );
}

#[test]
fn missing_required_fields_of_every_kind() {
    assert_invalid(
        "missing-required",
        &[
            "content/cases/anli.md:1:1: 错误: 缺少必填字段 date（日期，格式 YYYY-MM-DD）：请在头信息中加一行，如 date: 2024-03-15",
            "content/holders/danwei.md:1:1: 错误: 缺少必填字段 province（省份）：请在头信息中加一行，如 province: 四川省",
            "content/notices/tongzhi.md:1:1: 错误: 缺少必填字段 date（日期，格式 YYYY-MM-DD）：请在头信息中加一行，如 date: 2024-03-15",
            "content/outcomes/chengguo.md:1:1: 错误: 缺少必填字段 award（获奖信息）：请在头信息中加一行，如 award: {year: 2022, level: 一等奖}",
            "content/outcomes/chengguo.md:1:1: 错误: 缺少必填字段 holder（成果持有方编号，即 content/holders/ 下的文件名）：请在头信息中加一行，如 holder: shili-jiaoyanshi",
            "content/outcomes/chengguo.md:1:1: 错误: 缺少必填字段 province（省份）：请在头信息中加一行，如 province: 四川省",
            "content/outcomes/chengguo.md:1:1: 错误: 缺少必填字段 stages（学段）：请在头信息中加一行，如 stages: [小学, 初中]",
            "content/pages/yemian.md:1:1: 错误: 缺少必填字段 title（标题）：请在头信息中加一行，如 title: 关于本平台",
            "content/regions/diqu.md:1:1: 错误: 缺少必填字段 province（省份）：请在头信息中加一行，如 province: 四川省",
        ],
        &["content/cases/anli.md:3:1: 警告: 案例未关联任何成果（outcomes 为空）：建议填写所应用成果的编号（content/outcomes/ 下的文件名，不含 .md），如 outcomes: [成果编号]"],
    );
}

#[test]
fn bad_ids_suggest_pinyin() {
    let tail = "不能作为记录编号：只能用小写英文字母、数字和连字符（-），且以字母或数字开头；建议用拼音，如 zuoye-sheji.md";
    assert_invalid(
        "bad-id",
        &[
            &format!(
                "content/pages/About.md:1:1: 错误: 文件名“About”{tail}（是否要改名为 about.md？）"
            ),
            &format!("content/pages/关于.md:1:1: 错误: 文件名“关于”{tail}"),
        ],
        &[],
    );
}

#[test]
fn duplicate_id_in_a_sub_folder() {
    assert_invalid(
        "duplicate-id",
        &["content/pages/about.md:1:1: 错误: 记录编号“about”重复：与 content/pages/2023/about.md 相同；同一类记录的文件名不能相同（即使在不同子文件夹中），请给其中一个改名"],
        &[],
    );
}

#[test]
fn dangling_references_with_did_you_mean() {
    assert_invalid(
        "dangling-ref",
        &[
            "content/cases/anli.md:4:9: 错误: region 的值“shili-q”找不到：没有 content/regions/shili-q.md 这条成果应用方记录（是否指 shili-qu？）",
            "content/cases/anli.md:5:25: 错误: outcomes 的值“jiaoyan-fanshi”找不到：没有 content/outcomes/jiaoyan-fanshi.md 这条成果记录；应填写 content/outcomes/ 下某个文件的文件名（不含 .md）",
            "content/outcomes/zuoye-sheji.md:4:9: 错误: holder 的值“shili-jiaoyansi”找不到：没有 content/holders/shili-jiaoyansi.md 这条成果持有方记录（是否指 shili-jiaoyanshi？）",
            "content/regions/shili-qu.md:5:14: 错误: applies.outcome 的值“zuoye-shej”找不到：没有 content/outcomes/zuoye-shej.md 这条成果记录（是否指 zuoye-sheji？）",
        ],
        &[],
    );
}

#[test]
fn reference_to_a_draft() {
    assert_invalid(
        "draft-ref",
        &[
            "content/outcomes/zuoye-sheji.md:4:9: 错误: holder 引用的成果持有方“shili-jiaoyanshi”是草稿（draft: true），不会发布：请先发布它（删去它的 draft: true），或删除此引用",
            "content/pages/about.md:4:2: 错误: 链接“../holders/shili-jiaoyanshi.md”指向的成果持有方“shili-jiaoyanshi”不存在或是草稿（draft: true）：请检查 content/holders/ 下的文件名",
        ],
        &[],
    );
}

#[test]
fn reference_by_title_suggests_the_id() {
    // Writers type the holder's name instead of its id: the message must
    // name the id to use (graph.rs has a "这是标题，编号应写 …" hint for this).
    let tmp = tempfile::tempdir().unwrap();
    let r = check(tmp.path(), &fixture("ref-by-title"));
    assert_eq!(r.code, 1, "{}", r.dump());
    let errs = r.errors();
    assert_eq!(errs.len(), 1, "{}", r.dump());
    assert!(
        errs[0].starts_with("content/outcomes/zuoye-sheji.md:4:9: 错误: "),
        "{}",
        r.dump()
    );
    assert!(
        errs[0].contains("shili-jiaoyanshi"),
        "the id of the holder titled 示例市教育科学研究院 must be suggested\n{}",
        r.dump()
    );
}

#[test]
fn unknown_vocabulary_values_with_suggestions() {
    let errs = [
        "content/outcomes/zuoye-sheji.md:5:10: 错误: award.level 的值“一等”不是有效的获奖等级，可选：特等奖、一等奖、二等奖",
        "content/outcomes/zuoye-sheji.md:7:11: 错误: province 的值“上海”不是有效的省份（须写全称，如 上海市、广西壮族自治区）（是否指 上海市、青海省？）",
        "content/outcomes/zuoye-sheji.md:8:14: 错误: stages 第 2 项的值“高中”不是有效的学段，可选：学前教育、小学、初中、普通高中、特殊教育、职业教育、跨学段（是否指 普通高中、初中？）",
        "content/outcomes/zuoye-sheji.md:9:11: 错误: subjects 的值“英文”不是有效的学科（课程方案中的学科名，如 语文、数学、道德与法治；其他学科可在 site.yaml 的 vocab: subjects 中添加）（是否指 英语、语文？）",
    ];
    assert_invalid("unknown-vocab", &errs, &[]);
    // Whatever else is suggested, the intended value comes first.
    assert!(errs[1].contains("是否指 上海市"));
    assert!(errs[2].contains("是否指 普通高中"));
}

#[test]
fn bad_dates() {
    assert_invalid(
        "bad-date",
        &[
            "content/notices/gonggao.md:3:7: 错误: date 的值“2024-3-5”不是有效日期：应为真实存在的日期，格式 YYYY-MM-DD，如 2024-03-15（是否要写 2024-03-05？）",
            "content/notices/tongzhi.md:3:7: 错误: date 的值“2023-02-30”不是有效日期：应为真实存在的日期，格式 YYYY-MM-DD，如 2024-03-15（2023 年 2 月只有 28 天）",
        ],
        &[],
    );
}

#[test]
fn missing_media_files() {
    assert_invalid(
        "missing-media",
        &[
            "content/notices/tongzhi.md:6:10: 错误: attachments 第 1 项的 src 指向的文件 content/media/docs/fujian1.pdf 不存在：文件夹 content/media/docs/ 也不存在，请检查路径",
            "content/outcomes/zuoye-sheji.md:10:10: 错误: media 第 1 项的 src 指向的文件 content/media/video/ketang.mp4 不存在：文件夹 content/media/video/ 也不存在，请检查路径",
            "content/outcomes/zuoye-sheji.md:11:13: 错误: media 第 1 项的 poster 指向的文件 content/media/images/ketang.jpg 不存在：请把文件放到该位置，或改正路径",
        ],
        &[],
    );
}

#[test]
fn summary_over_300_characters() {
    // help.md has exactly 300 characters and passes.
    assert_invalid(
        "long-summary",
        &["content/pages/about.md:3:10: 错误: summary（摘要）不能超过 300 字，当前 301 字：请删去至少 1 字，详细内容可写在正文中"],
        &[],
    );
}

#[test]
fn body_links_and_images() {
    assert_invalid(
        "body-links",
        &[
            "content/pages/about.md:6:3: 错误: 链接“../outcomes/nope.md”指向的成果“nope”不存在或是草稿（draft: true）：请检查 content/outcomes/ 下的文件名",
            "content/pages/about.md:8:3: 错误: 图片“https://example.org/a.png”是外部网址：门户不得引用外部资源（需离线可用），请把图片下载后放到 content/media/images/ 下，并用相对本文件的路径引用，如 ../media/images/a.png",
            "content/pages/about.md:8:40: 错误: 图片“../media/images/none.png”指向的文件不存在（按本文件所在文件夹解析为 content/media/images/none.png）：请检查文件名和 ../ 的层数",
            "content/pages/about.md:10:5: 错误: 链接“/index.html”是以 / 开头的绝对路径：从 U 盘打开时会失效，请改为相对本文件的路径，如 ../outcomes/abc.md",
        ],
        &[],
    );
}

#[test]
fn many_errors_are_reported_at_once_sorted_and_counted() {
    let errors = [
        "content/cases/anli.md:3:7: 错误: date 的值“2024-02-30”不是有效日期：应为真实存在的日期，格式 YYYY-MM-DD，如 2024-03-15（2024 年 2 月只有 29 天）",
        "content/cases/anli.md:5:1: 错误: 未知字段“autors”：典型案例记录可用的字段为 title、date、region、school、outcomes、authors、source、stages、subjects、themes、cover、summary、featured、draft（是否指 authors、outcomes？）",
        "content/notices/tongzhi.md:1:1: 错误: 缺少必填字段 date（日期，格式 YYYY-MM-DD）：请在头信息中加一行，如 date: 2024-03-15",
        "content/outcomes/a-chengguo.md:3:28: 错误: award.level 的值“三等奖”不是有效的获奖等级，可选：特等奖、一等奖、二等奖",
        "content/outcomes/a-chengguo.md:5:11: 错误: province 的值“四川”不是有效的省份（须写全称，如 上海市、广西壮族自治区）（是否指 四川省？）",
        "content/outcomes/b-chengguo.md:4:9: 错误: holder 的值“shili”找不到：没有 content/holders/shili.md 这条成果持有方记录（是否指 shili-jiaoyanshi？）",
        "content/pages/kong.md:1:1: 错误: 文件为空：记录应以一行 --- 开头，接着写 title: 等字段，再以一行 --- 结束，下面是正文",
        "content/pages/lianjie.md:4:2: 错误: 链接“../outcomes/c-chengguo.md”指向的成果“c-chengguo”不存在或是草稿（draft: true）：请检查 content/outcomes/ 下的文件名",
        "content/pages/yaml.md:2:10: 错误: YAML 语法错误：此处不能出现冒号（含冒号的值请用英文引号括起来）",
        "site.yaml:2:1: 错误: 未知的配置项“subtitel”：可用的配置项为 title、subtitle、description、language、base_url、theme、intro、vocab、images（是否指 subtitle、title？）",
    ];
    assert_invalid("many-errors", &errors, &[]);
    // Sorted by path, then line, then column (numerically).
    let key = |l: &str| {
        let mut it = l.splitn(4, ':');
        let (p, line, col) = (
            it.next().unwrap().to_string(),
            it.next().unwrap(),
            it.next().unwrap(),
        );
        (
            p,
            line.parse::<usize>().unwrap(),
            col.parse::<usize>().unwrap(),
        )
    };
    let mut sorted = errors.to_vec();
    sorted.sort_by_key(|l| key(l));
    assert_eq!(sorted, errors);
    // The errors come before the summary, which is the last line.
    let tmp = tempfile::tempdir().unwrap();
    let r = check(tmp.path(), &fixture("many-errors"));
    assert_eq!(
        r.stderr.lines().last(),
        Some("失败：10 个错误，0 个警告"),
        "{}",
        r.dump()
    );
}

#[test]
fn front_matter_errors_do_not_hide_reference_and_body_errors() {
    // The bad date must not stop the checks of `outcomes` and of the body:
    // all three problems are reported in one run.
    assert_invalid(
        "hidden-errors",
        &[
            "content/cases/anli.md:3:7: 错误: date 的值“2024-02-30”不是有效日期：应为真实存在的日期，格式 YYYY-MM-DD，如 2024-03-15（2024 年 2 月只有 29 天）",
            "content/cases/anli.md:4:11: 错误: outcomes 的值“nope”找不到：没有 content/outcomes/nope.md 这条成果记录；应填写 content/outcomes/ 下某个文件的文件名（不含 .md）",
            "content/cases/anli.md:6:2: 错误: 链接“../outcomes/nope.md”指向的成果“nope”不存在或是草稿（draft: true）：请检查 content/outcomes/ 下的文件名",
        ],
        &[],
    );
}

#[test]
fn percent_sign_before_chinese_in_a_link_does_not_panic() {
    // `%` followed by a multi-byte character: a located error, never a panic.
    let tmp = tempfile::tempdir().unwrap();
    let r = check(tmp.path(), &fixture("percent-link"));
    assert!(!r.stderr.contains("panicked"), "{}", r.dump());
    assert_eq!(r.code, 1, "{}", r.dump());
    let errs = r.errors();
    assert_eq!(errs.len(), 1, "{}", r.dump());
    assert!(
        errs[0].starts_with("content/pages/about.md:4:2: 错误: 链接“../media/%中文.png”"),
        "{}",
        r.dump()
    );
}

#[test]
fn yaml_comment_mentioning_a_key_does_not_shift_positions() {
    // Line 3 is a comment `# … province: 上海市`; the value is on line 4.
    assert_invalid(
        "yaml-comment-position",
        &["content/holders/shili-jiaoyanshi.md:4:11: 错误: province 的值“上海”不是有效的省份（须写全称，如 上海市、广西壮族自治区）（是否指 上海市、青海省？）"],
        &[],
    );
}

#[test]
fn raw_html_external_resource_is_an_error() {
    // `<img src="https://cdn…">` in raw HTML is an external resource, like
    // a Markdown image with an http URL.
    let tmp = tempfile::tempdir().unwrap();
    let r = check(tmp.path(), &fixture("raw-html-external"));
    assert_eq!(r.code, 1, "{}", r.dump());
    let errs = r.errors();
    assert_eq!(errs.len(), 1, "{}", r.dump());
    assert!(
        errs[0].starts_with("content/pages/about.md:6:"),
        "{}",
        r.dump()
    );
    assert!(
        errs[0].contains("https://cdn.example.org/logo.png"),
        "{}",
        r.dump()
    );
}

#[test]
fn raw_html_link_to_a_record_file_is_not_left_broken() {
    // `<a href="../pages/nope.md">` in raw HTML: either reported, or at least
    // no link to a `.md` file ends up in the portal.
    let site = site_copy("raw-html-link");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let r = build(tmp.path(), site.path(), &out);
    if r.code == 0 {
        let html = fs::read_to_string(out.join("pages/about.html")).unwrap();
        assert!(
            !html.contains("nope.md"),
            "broken raw-HTML link published:\n{html}"
        );
    } else {
        assert!(
            r.errors()
                .iter()
                .any(|e| e.starts_with("content/pages/about.md:4:")),
            "{}",
            r.dump()
        );
    }
}

#[test]
fn unknown_theme_points_at_the_theme_value() {
    // `theme: fancy` is on line 2, the value at column 8.
    assert_invalid(
        "theme-unknown",
        &["site.yaml:2:8: 错误: theme 的值“fancy”找不到：没有 themes/fancy/ 文件夹；可用的主题为 default（default 为内置主题）"],
        &[],
    );
}

// ---------------------------------------------------------------- warnings

#[test]
fn bom_and_crlf_are_warnings_and_the_build_succeeds() {
    let site = site_copy("bom-crlf");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let warnings = [
        "content/pages/bom.md:1:1: 警告: 文件开头有 BOM 标记，已忽略；建议保存为“UTF-8（无 BOM）”",
        // The first CR ends `---` on line 1: column 4.
        "content/pages/crlf.md:1:4: 警告: 文件使用 Windows（CRLF）换行，已按 LF 处理；建议编辑器保存为 LF 换行",
    ];
    let b = build(tmp.path(), site.path(), &out);
    assert_eq!(b.code, 0, "{}", b.dump());
    assert_eq!(b.errors(), Vec::<String>::new(), "{}", b.dump());
    assert_eq!(b.warnings(), warnings, "{}", b.dump());
    assert!(b.stdout.contains("警告 2 个"), "{}", b.dump());
    let crlf = fs::read_to_string(out.join("pages/crlf.html")).unwrap();
    assert!(!crlf.contains('\r'), "CR must not reach the output");
    assert!(crlf.contains("CRLF 换行的页面"));
    assert!(
        crlf.contains(r#"href="../pages/bom.html""#),
        "body link of a CRLF file rewritten"
    );
    let bom = fs::read_to_string(out.join("pages/bom.html")).unwrap();
    assert!(bom.contains("带 BOM 的页面") && !bom.contains('\u{feff}'));

    let c = check(tmp.path(), site.path());
    assert_eq!(c.code, 0, "{}", c.dump());
    assert_eq!(c.warnings(), warnings, "{}", c.dump());
}

#[test]
fn bom_and_crlf_in_site_yaml_are_warnings_too() {
    // Same rule as for records: reported as warnings, the build succeeds.
    let tmp = tempfile::tempdir().unwrap();
    let r = check(tmp.path(), &fixture("config-bom-crlf"));
    assert_eq!(r.code, 0, "{}", r.dump());
    let w = r.warnings();
    assert!(
        w.iter()
            .any(|l| l.starts_with("site.yaml:") && l.contains("BOM")),
        "{}",
        r.dump()
    );
    assert!(
        w.iter()
            .any(|l| l.starts_with("site.yaml:") && l.contains("CRLF")),
        "{}",
        r.dump()
    );
}

#[test]
fn case_without_outcomes_key_is_a_warning() {
    let site = site_copy("case-outcomes-empty");
    let tmp = tempfile::tempdir().unwrap();
    let r = build(tmp.path(), site.path(), &tmp.path().join("out"));
    assert_eq!(r.code, 0, "{}", r.dump());
    assert_eq!(r.errors(), Vec::<String>::new(), "{}", r.dump());
    assert!(
        r.warnings().contains(&"content/cases/anli-a.md:1:1: 警告: 案例未关联任何成果（outcomes 为空）：建议填写所应用成果的编号（content/outcomes/ 下的文件名，不含 .md），如 outcomes: [成果编号]".to_string()),
        "{}",
        r.dump()
    );
}

#[test]
fn case_with_empty_outcomes_list_is_a_warning() {
    // `outcomes: []` is empty too (issue: "a warning, not an error, when empty").
    let tmp = tempfile::tempdir().unwrap();
    let r = check(tmp.path(), &fixture("case-outcomes-empty"));
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.warnings()
            .iter()
            .any(|w| w.starts_with("content/cases/anli-b.md:") && w.contains("outcomes 为空")),
        "{}",
        r.dump()
    );
}

// ---------------------------------------------------------------- valid

#[test]
fn valid_fixture_builds_and_reports_only_what_it_sanitised() {
    let site = site_copy("valid");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let r = build(tmp.path(), site.path(), &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert_eq!(r.errors(), Vec::<String>::new(), "{}", r.dump());
    // The fixture's raw HTML carries a <script>, an onclick and a
    // javascript: link on purpose: removed, and each reported as a warning.
    assert_eq!(
        r.warnings(),
        vec![
            "content/outcomes/zuoye-sheji.md:41:1: 警告: 正文中的脚本、事件处理属性或嵌入对象（<script>、onclick= 等 on… 属性、<iframe>、<object>、<embed>）不会发布，已移除；请删去这段 HTML，视频请放到 content/media/ 下用 media 字段引用".to_string(),
            "content/outcomes/zuoye-sheji.md:43:1: 警告: 正文中的脚本、事件处理属性或嵌入对象（<script>、onclick= 等 on… 属性、<iframe>、<object>、<embed>）不会发布，已移除；请删去这段 HTML，视频请放到 content/media/ 下用 media 字段引用".to_string(),
            "content/outcomes/zuoye-sheji.md:45:10: 警告: 链接“javascript:alert(1)”使用了不允许的协议“javascript:”，已移除：链接只能指向本站文件或 http://、https://、mailto:、tel: 地址".to_string(),
        ],
        "{}",
        r.dump()
    );
    assert!(r.stdout.contains("完成：9 条记录"), "{}", r.dump());
    assert!(r.stdout.contains("警告 3 个"), "{}", r.dump());
    assert!(r.stdout.contains("草稿 1 条未发布"), "{}", r.dump());
    assert!(
        !out.join("pages/caogao.html").exists(),
        "drafts are left out"
    );
    // One progress line per stage.
    for stage in ["config", "content", "validate", "graph", "render", "output"] {
        assert!(
            r.stdout.contains(&format!("[{stage:<13}]")),
            "stage {stage}\n{}",
            r.dump()
        );
    }

    for page in [
        "index.html",
        "404.html",
        "matrix.html",
        "search.html",
        "outcomes/index.html",
        "outcomes/zuoye-sheji.html",
        "outcomes/jiaoyan-fanshi.html",
        "holders/index.html",
        "holders/shili-jiaoyanshi.html",
        "regions/index.html",
        "regions/shili-qu.html",
        "cases/index.html",
        "cases/anli-yi.html",
        "cases/anli-er.html",
        "notices/index.html",
        "notices/tongzhi.html",
        "notices/jiu-tongzhi.html",
        "pages/index.html",
        "pages/about.html",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    assert_eq!(
        fs::read(out.join("media/images/weidu.svg")).unwrap(),
        fs::read(site.path().join("content/media/images/weidu.svg")).unwrap(),
        "media copied as is"
    );

    let o = fs::read_to_string(out.join("outcomes/zuoye-sheji.html")).unwrap();
    // Sanitised raw HTML: no script, no event handler, no javascript: URL.
    assert!(
        !o.contains(r#"alert("xss")"#) && !o.contains("alert(&quot;xss"),
        "script kept"
    );
    assert!(
        !o.to_ascii_lowercase().contains("onclick"),
        "event handler kept"
    );
    assert!(!o.contains("steal()"), "event handler kept");
    assert!(
        !o.to_ascii_lowercase().contains("javascript:"),
        "javascript: URL kept"
    );
    assert!(
        o.contains("点击这段文字不会执行脚本。"),
        "the text of the sanitised element stays"
    );
    for tag in o.match_indices("<script").map(|(i, _)| &o[i..]) {
        let end = tag.find('>').unwrap();
        assert!(
            tag[..end].contains(" src="),
            "only the theme's external scripts may appear: {}",
            &tag[..end]
        );
    }
    // Markdown features and rewritten links.
    assert!(
        o.contains(r#"<img src="../media/images/weidu.svg" alt="作业设计的维度""#),
        "body image"
    );
    assert!(
        o.contains("<table>") && o.contains("<th>环节</th>"),
        "table"
    );
    assert!(o.contains("footnote-definition"), "footnote");
    assert!(o.contains(r#"id="创新点""#), "Chinese heading id");
    assert!(
        o.contains(r#"href="../outcomes/jiaoyan-fanshi.html#"#),
        "record link with anchor"
    );
    assert!(o.contains(r#"href="../cases/anli-yi.html""#), "record link");
    assert!(
        o.contains(r#"href="../notices/tongzhi.html""#),
        "link inside a footnote"
    );
    // Reverse links and facts.
    assert!(o.contains("示例区"), "outcome lists the region applying it");
    assert!(
        o.contains("江边小学：单元作业设计的实践"),
        "outcome lists the case citing it"
    );
    assert!(
        o.contains("示例市教育科学研究院"),
        "outcome shows its holder"
    );
    let h = fs::read_to_string(out.join("holders/shili-jiaoyanshi.html")).unwrap();
    assert!(
        h.contains("提升作业设计质量的区域实践") && h.contains("服务课程改革的区域教研范式"),
        "holder lists its outcomes"
    );
    let reg = fs::read_to_string(out.join("regions/shili-qu.html")).unwrap();
    assert!(
        reg.contains("区教师发展中心") && reg.contains("江边小学"),
        "region lists departments and schools"
    );
    let c1 = fs::read_to_string(out.join("cases/anli-yi.html")).unwrap();
    assert!(
        c1.contains(r#"href="../cases/anli-er.html""#),
        "same-folder record link"
    );
    // A record in a sub-folder: its id is the file stem, its body links
    // resolve from its own folder.
    let sub = fs::read_to_string(out.join("notices/jiu-tongzhi.html")).unwrap();
    assert!(
        sub.contains(r#"href="../notices/tongzhi.html""#),
        "link from a sub-folder record"
    );
    assert!(
        sub.contains(r#"src="../media/images/weidu.svg""#),
        "image from a sub-folder record"
    );
    let c2 = fs::read_to_string(out.join("cases/anli-er.html")).unwrap();
    assert!(
        c2.contains("checkbox") && c2.contains("<del>"),
        "task list and strikethrough"
    );
    assert!(
        c2.contains("书法"),
        "subject added by `vocab:` in site.yaml is accepted and shown"
    );
    // Home: programme introduction (Markdown), featured outcome, latest case and notice.
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains("<strong>最小站点</strong>"),
        "intro from site.yaml rendered as Markdown"
    );
    for t in [
        "提升作业设计质量的区域实践",
        "江边小学：单元作业设计的实践",
        "关于开展成果推广应用工作的通知",
    ] {
        assert!(home.contains(t), "home shows {t}");
    }
    assert!(!home.contains("尚未发布的页面"), "drafts nowhere");
    // The 成果 × 应用方 table names both outcomes and the region.
    let matrix = fs::read_to_string(out.join("matrix.html")).unwrap();
    for t in [
        "提升作业设计质量的区域实践",
        "服务课程改革的区域教研范式",
        "示例区",
    ] {
        assert!(matrix.contains(t), "matrix shows {t}");
    }
    // Browse by zone: 四川省 and 重庆市 are 西部, derived, never typed in.
    let west = fs::read_to_string(out.join("browse/zone-west.html")).unwrap();
    assert!(
        west.contains("提升作业设计质量的区域实践") && west.contains("示例区"),
        "zone derived from province"
    );
    // Without base_url: no sitemap, no feeds.
    assert!(!out.join("sitemap.xml").exists() && !out.join("feeds").exists());
}

#[test]
fn base_url_enables_sitemap_and_feeds_with_absolute_links() {
    let site = site_copy("valid");
    let yaml = site.path().join("site.yaml");
    let mut text = fs::read_to_string(&yaml).unwrap();
    text.push_str("base_url: https://example.org/chengguo\n");
    fs::write(&yaml, text).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let r = build(tmp.path(), site.path(), &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).expect("sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://example.org/chengguo/index.html</loc>"),
        "{sitemap}"
    );
    assert!(
        sitemap.contains("<loc>https://example.org/chengguo/outcomes/zuoye-sheji.html</loc>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("caogao"), "drafts are not in the sitemap");
    let cases = fs::read_to_string(out.join("feeds/cases.xml")).expect("cases feed");
    assert!(
        cases.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"),
        "{cases}"
    );
    assert!(
        cases.contains("https://example.org/chengguo/cases/anli-yi.html"),
        "{cases}"
    );
    assert!(
        cases.contains("https://example.org/chengguo/cases/anli-er.html"),
        "{cases}"
    );
    let notices = fs::read_to_string(out.join("feeds/notices.xml")).expect("notices feed");
    assert!(
        notices.contains("https://example.org/chengguo/notices/tongzhi.html"),
        "{notices}"
    );
    // Page links stay relative even with base_url.
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        !index.contains("href=\"https://example.org/chengguo/outcomes"),
        "internal links must stay relative"
    );
}

#[test]
fn body_heading_ids_do_not_clash_with_theme_or_footnote_ids() {
    // `## main` must not duplicate the theme's <main id="main">, and `## 1`
    // must not duplicate the footnote definition's id, or `#…` links jump
    // to the wrong element.
    let site = site_copy("heading-ids");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let r = build(tmp.path(), site.path(), &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    let html = fs::read_to_string(out.join("pages/about.html")).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for (i, _) in html.match_indices(" id=\"") {
        let rest = &html[i + 5..];
        let id = &rest[..rest.find('"').unwrap()];
        assert!(
            seen.insert(id.to_string()),
            "duplicate id=\"{id}\" in pages/about.html"
        );
    }
}

#[test]
fn site_theme_overrides_the_embedded_theme_file_by_file() {
    let site = site_copy("valid");
    let theme = site.path().join("themes/default");
    fs::create_dir_all(theme.join("templates")).unwrap();
    fs::create_dir_all(theme.join("static")).unwrap();
    let page = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/page.html"),
    )
    .unwrap();
    let marked = page.replace(
        "<article class=\"record\">",
        "<article class=\"record\"><p class=\"site-override\">本站自定义模板</p>",
    );
    assert_ne!(
        marked, page,
        "page.html has the expected <article class=\"record\">"
    );
    fs::write(theme.join("templates/page.html"), marked).unwrap();
    fs::write(theme.join("static/style.css"), "body { color: #222; }\n").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let r = build(tmp.path(), site.path(), &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        fs::read_to_string(out.join("pages/about.html"))
            .unwrap()
            .contains("本站自定义模板"),
        "overridden template used"
    );
    assert!(!fs::read_to_string(out.join("notices/tongzhi.html"))
        .unwrap()
        .contains("本站自定义模板"));
    assert_eq!(
        fs::read_to_string(out.join("static/style.css")).unwrap(),
        "body { color: #222; }\n",
        "overridden static file"
    );
    // Files not overridden come from the embedded theme.
    let embedded = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/filter.js");
    if embedded.is_file() {
        assert_eq!(
            fs::read(out.join("static/filter.js")).unwrap(),
            fs::read(embedded).unwrap()
        );
    }
}

#[test]
fn broken_site_template_is_a_located_error() {
    let site = site_copy("valid");
    let dir = site.path().join("themes/default/templates");
    fs::create_dir_all(&dir).unwrap();
    // `{% if %}` without a condition: a syntax error on line 3.
    fs::write(dir.join("page.html"), "{% extends \"base.html\" %}\n{% block content %}\n<p>{% if %}</p>\n{% endblock content %}\n").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let r = build(tmp.path(), site.path(), &tmp.path().join("out"));
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(!r.stderr.contains("panicked"), "{}", r.dump());
    let errs = r.errors();
    assert_eq!(errs.len(), 1, "{}", r.dump());
    assert!(
        errs[0].starts_with("themes/default/templates/page.html:3:"),
        "names the template file and line\n{}",
        r.dump()
    );
}

#[test]
fn front_matter_text_is_escaped_on_every_page() {
    let site = site_copy("valid");
    let f = site.path().join("content/outcomes/zuoye-sheji.md");
    let text = fs::read_to_string(&f)
        .unwrap()
        .replace(
            "title: 提升作业设计质量的区域实践",
            "title: \"作业<script>alert(1)</script>设计\"",
        )
        .replace(
            "themes: [作业设计, 双减]",
            "themes: [\"x\\\"><img src=x onerror=alert(2)>\", 双减]",
        )
        .replace(
            "  name: 成果联络人",
            "  name: \"<b onmouseover=alert(3)>联络人</b>\"",
        );
    assert!(text.contains("alert(1)") && text.contains("alert(2)") && text.contains("alert(3)"));
    fs::write(&f, text).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let r = build(tmp.path(), site.path(), &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    let mut pages = 0;
    let mut stack = vec![out.clone()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                pages += 1;
                let html = fs::read_to_string(&p).unwrap();
                for bad in ["<script>alert(1)", "<img src=x", "<b onmouseover"] {
                    assert!(!html.contains(bad), "{}: unescaped `{bad}`", p.display());
                }
            }
        }
    }
    assert!(pages > 20);
    assert!(
        fs::read_to_string(out.join("outcomes/zuoye-sheji.html"))
            .unwrap()
            .contains("作业&lt;script&gt;alert(1)&lt;&#x2F;script&gt;设计")
            || fs::read_to_string(out.join("outcomes/zuoye-sheji.html"))
                .unwrap()
                .contains("作业&lt;script&gt;alert(1)&lt;/script&gt;设计"),
        "title shown escaped"
    );
}

#[test]
fn check_on_the_valid_fixture_writes_nothing() {
    let site = site_copy("valid");
    let before = snapshot(site.path());
    let tmp = tempfile::tempdir().unwrap();
    let r = check(tmp.path(), site.path());
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(r.stdout.contains("检查通过：9 条记录"), "{}", r.dump());
    assert!(
        snapshot(site.path()) == before,
        "check must not write into the site"
    );
    assert_eq!(names_in(tmp.path()), Vec::<String>::new());
}

// ---------------------------------------------------------------- atomic output

#[test]
fn failed_builds_leave_the_previous_output_untouched() {
    let site = site_copy("valid");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let r = build(tmp.path(), site.path(), &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    let good = snapshot(&out);
    assert!(good.contains_key("index.html"));
    for name in ALL_INVALID {
        let r = build(tmp.path(), &fixture(name), &out);
        assert_eq!(r.code, 1, "{name}\n{}", r.dump());
        assert!(
            snapshot(&out) == good,
            "{name}: failed build changed the previous output"
        );
        assert_eq!(
            names_in(tmp.path()),
            vec!["out".to_string()],
            "{name}: staging folder left behind"
        );
    }
}

#[test]
fn successful_rebuild_replaces_output_and_leaves_no_staging() {
    let site = site_copy("valid");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let extra = site.path().join("content/pages/extra.md");
    fs::write(&extra, "---\ntitle: 临时页面\n---\n稍后删除。\n").unwrap();
    let r = build(tmp.path(), site.path(), &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(out.join("pages/extra.html").is_file());
    fs::write(out.join("stale.html"), "old").unwrap();
    fs::remove_file(&extra).unwrap();
    let r = build(tmp.path(), site.path(), &out);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(!out.join("stale.html").exists(), "stale file removed");
    assert!(
        !out.join("pages/extra.html").exists(),
        "page of a deleted record removed"
    );
    assert!(out.join("cases/anli-yi.html").is_file());
    assert_eq!(
        names_in(tmp.path()),
        vec!["out".to_string()],
        "no staging or old folder left behind"
    );
}

#[test]
fn output_does_not_depend_on_where_the_site_or_output_lives() {
    // Same input from two different folders into two differently named
    // outputs: byte-identical trees (no absolute path leaks into the portal).
    let a = site_copy("valid");
    let b = site_copy("valid");
    let tmp = tempfile::tempdir().unwrap();
    let out_a = tmp.path().join("public");
    let out_b = tmp.path().join("nested/anderer-name");
    assert_eq!(build(tmp.path(), a.path(), &out_a).code, 0);
    let r = build(tmp.path(), b.path(), &out_b);
    assert_eq!(r.code, 0, "{}", r.dump());
    let (sa, sb) = (snapshot(&out_a), snapshot(&out_b));
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    let differing: Vec<&String> = sa
        .iter()
        .filter(|(k, v)| sb.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert!(differing.is_empty(), "differ: {differing:?}");
}
