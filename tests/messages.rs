//! Every diagnostic of the content pipeline, asserted as the EXACT line
//! `chengguo check` prints (`path:line:col: 错误: …`), one test per kind of
//! message. Each test writes a small valid site into a temp dir (see
//! [`base`]), breaks one thing, runs `chengguo check site` and compares all
//! error and warning lines, in order.
//!
//! Messages already asserted exactly in tests/fixtures.rs are not repeated
//! here; `every_message_site_is_tested` (at the end) lists every call site
//! per source file with a fragment of its message, fails when a call site is
//! added or removed without updating that list, and fails when a fragment is
//! not part of an expected line in this file or in tests/fixtures.rs.
//!
//! To rewrite the expectations after a deliberate wording change, run with
//! `MSG_BLESS=1` (prints the actual lines instead of asserting) and paste.

mod common;

use std::fs;
use std::path::Path;

/// Write `text` to `site/rel`, creating folders.
fn w(site: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = site.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// A record file: `fm` between the `---` lines, then a body.
fn rec(site: &Path, rel: &str, fm: &str) {
    w(site, rel, format!("---\n{fm}---\n正文。\n"));
}

/// `content/pages/about.md` with front matter `fm` and `body`.
fn page(site: &Path, fm: &str, body: &str) {
    w(
        site,
        "content/pages/about.md",
        format!("---\n{fm}---\n{body}"),
    );
}

const OUTCOME: &str = "title: 示例成果\naward: {year: 2022, level: 一等奖}\nholder: danwei\nprovince: 四川省\nstages: [小学]\n";

/// The outcome with `extra` front-matter lines from line 7 on.
fn outcome(site: &Path, extra: &str) {
    rec(
        site,
        "content/outcomes/chengguo.md",
        &format!("{OUTCOME}{extra}"),
    );
}

const REGION: &str = "title: 示例区\nprovince: 重庆市\n";

/// The region with `extra` lines from line 4 on (it then applies nothing).
fn region(site: &Path, extra: &str) {
    rec(site, "content/regions/diqu.md", &format!("{REGION}{extra}"));
}

const NOTICE: &str = "title: 示例通知\ndate: 2024-02-01\n";

/// The notice with `extra` lines from line 4 on.
fn notice(site: &Path, extra: &str) {
    rec(
        site,
        "content/notices/tongzhi.md",
        &format!("{NOTICE}{extra}"),
    );
}

const CASE: &str = "title: 示例案例\ndate: 2024-03-15\nregion: diqu\noutcomes: [chengguo]\n";

/// The case with `extra` lines from line 6 on.
fn case(site: &Path, extra: &str) {
    rec(site, "content/cases/anli.md", &format!("{CASE}{extra}"));
}

/// A minimal valid site: one record of each kind, two media files.
fn base(site: &Path) {
    w(site, "site.yaml", "title: 消息测试\n");
    rec(
        site,
        "content/holders/danwei.md",
        "title: 示例单位\nprovince: 四川省\n",
    );
    outcome(site, "");
    region(site, "applies:\n  - outcome: chengguo\n");
    case(site, "");
    notice(site, "");
    page(site, "title: 关于\n", "正文。\n");
    w(
        site,
        "content/media/images/tu.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    w(site, "content/media/docs/a.pdf", "%PDF-1.4\n");
}

/// Build the base site, apply `setup`, run `check`, compare every
/// diagnostic line (errors, then warnings) with `expect`.
fn run_case(name: &str, setup: impl Fn(&Path), expect: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    base(&site);
    setup(&site);
    let r = common::run(tmp.path(), &["check".as_ref(), "site".as_ref()]);
    assert!(!r.stderr.contains("panicked"), "{name}: {}", r.dump());
    let mut got = r.errors();
    got.extend(r.warnings());
    if std::env::var_os("MSG_BLESS").is_some() {
        println!("@@BLESS {name}\n{}", serde_json::to_string(&got).unwrap());
        return;
    }
    assert_eq!(got, expect, "{name}\n{}", r.dump());
    let code = if r.errors().is_empty() { 0 } else { 1 };
    assert_eq!(r.code, code, "{name}: exit code\n{}", r.dump());
}

macro_rules! msg_test {
    ($name:ident, [$($line:expr),* $(,)?], $setup:expr $(,)?) => {
        #[test]
        fn $name() {
            run_case(stringify!($name), $setup, &[$($line),*]);
        }
    };
}

#[test]
fn the_base_site_is_clean() {
    run_case("base", |_| {}, &[]);
}

// ------------------------------------------------------------ front matter

msg_test!(
    frontmatter_fullwidth_colon,
    [
        "content/pages/about.md:2:1: 错误: 头信息应为“字段: 值”形式的多行字段，实际是文本“title：关于”（字段名后应为英文冒号“:”，并在冒号后加一个空格，如 title: 标题）",
    ],
    |d| page(d, "title：关于\n", ""),
);

msg_test!(
    frontmatter_list_instead_of_fields,
    [
        "content/pages/about.md:2:1: 错误: 头信息应为“字段: 值”形式的多行字段，实际是列表（行首不要写“- ”，字段写成 title: 标题）",
    ],
    |d| page(d, "- title: 关于\n", ""),
);

msg_test!(
    frontmatter_key_is_a_list,
    [
        "content/pages/about.md:3:1: 错误: 字段名应为文本（如 title），此处的字段名是列表；含 [ ] { } 的内容请用引号括起来",
    ],
    |d| page(d, "title: 关于\n[a, b]: c\n", ""),
);

msg_test!(
    frontmatter_chinese_dashes,
    [
        "content/pages/about.md:1:1: 错误: 缺少头信息：文件第一行应为 ---，实际是“——”；请在文件开头加一行 ---，随后写字段（如 title: 标题），再以一行 --- 结束（须是三个英文减号 ---，不能用中文破折号或全角符号）",
    ],
    |d| w(d, "content/pages/about.md", "——\ntitle: 关于\n——\n"),
);

// ------------------------------------------------------------ YAML syntax

msg_test!(
    yaml_line_without_colon,
    [
        "content/pages/about.md:3:1: 错误: YAML 语法错误：这一行缺少“: ”：每行应写成“字段名: 值”；值太长要换行时，请把整个值用英文引号括起来",
    ],
    |d| page(d, "title: 关于\n本站介绍\nsummary: 简介\n", ""),
);

msg_test!(
    yaml_dash_after_colon,
    [
        "content/pages/about.md:2:8: 错误: YAML 语法错误：列表项“- ”要另起一行并缩进两个空格，或写成 [甲, 乙]",
    ],
    |d| page(d, "title: - 关于\n", ""),
);

msg_test!(
    yaml_backslash_in_double_quotes,
    [
        "content/pages/about.md:2:8: 错误: YAML 语法错误：双引号中的反斜杠 \\ 有特殊含义：请改用单引号括起来，或写成两个反斜杠 \\\\",
    ],
    |d| page(d, "title: \"C:\\关于\"\n", ""),
);

msg_test!(
    yaml_star,
    ["content/pages/about.md:2:8: 错误: YAML 语法错误：以 * 或 & 开头的值请用英文引号括起来",],
    |d| page(d, "title: *关于\n", "")
);

msg_test!(
    yaml_indentation,
    [
        "content/pages/about.md:5:2: 错误: YAML 语法错误：缩进或括号不匹配：同一层的字段要对齐，[ 与 ]、{ 与 } 要成对",
    ],
    |d| page(d, "title: 关于\nsummary:\n  甲: 1\n 乙: 2\n", ""),
);

msg_test!(yaml_at_sign, [
        "content/pages/about.md:2:8: 错误: YAML 语法错误：出现了不能作为值开头的字符（如 @ 或 `，请用英文引号括起来）",
    ], |d| page(d, "title: @关于\n", ""));

msg_test!(
    yaml_tab,
    ["content/pages/about.md:3:1: 错误: YAML 语法错误：不能用 Tab 缩进，请用空格",],
    |d| page(d, "title: 关于\n\tsummary: 简介\n", ""),
);

msg_test!(
    yaml_unclosed_quote,
    ["content/pages/about.md:2:8: 错误: YAML 语法错误：内容意外结束（引号或括号未闭合）",],
    |d| page(d, "title: \"关于\n", ""),
);

msg_test!(
    yaml_percent_line,
    [
        "content/pages/about.md:3:1: 错误: YAML 语法错误：以 % 开头的行不能出现在头信息中（作为值时请用英文引号括起来）",
    ],
    |d| page(d, "title: 关于\n%简介\n", ""),
);

msg_test!(
    yaml_tag,
    ["content/pages/about.md:2:8: 错误: YAML 语法错误：以 ! 开头的值请用英文引号括起来",],
    |d| page(d, "title: !!int 关于\n", "")
);

msg_test!(
    yaml_other,
    [
        "content/pages/about.md:3:198: 错误: YAML 语法错误：格式不正确（请对照其他记录检查这一行的写法）",
    ],
    |d| page(d, &format!("title:\n{}{}\n", "- ".repeat(70), "[".repeat(60)), ""),
);

// ------------------------------------------------------------ files and folders

msg_test!(
    content_folder_missing,
    [
        "content:1:1: 错误: 找不到内容目录 content/（应在 site/content）：请在站点目录中新建 content 文件夹，记录放在 content/outcomes/、content/pages/ 等子文件夹中",
    ],
    |d| fs::remove_dir_all(d.join("content")).unwrap(),
);

msg_test!(
    unknown_content_folder,
    [
        "content/case:1:1: 警告: content/ 下的“case”不是内容文件夹，已忽略：可用的文件夹为 outcomes、holders、regions、cases、notices、pages、media（是否指 cases、pages？）",
    ],
    |d| rec(d, "content/case/x.md", "title: 案例\n"),
);

msg_test!(
    bad_id_with_capitals,
    [
        "content/pages/Guanyu_Ben.md:1:1: 错误: 文件名“Guanyu_Ben”不能作为记录编号：只能用小写英文字母、数字和连字符（-），且以字母或数字开头；建议用拼音，如 zuoye-sheji.md（是否要改名为 guanyu-ben.md？）",
    ],
    |d| rec(d, "content/pages/Guanyu_Ben.md", "title: 关于本站\n"),
);

msg_test!(
    non_md_file_in_a_record_folder,
    [
        "content/pages/about.txt:1:1: 警告: “about.txt”不是 .md 记录文件，已忽略：记录文件名应以 .md 结尾；图片、文档等请放在 content/media/ 下",
    ],
    |d| w(d, "content/pages/about.txt", "说明"),
);

/// A folder nested so deeply that its path exceeds the system limit (4096
/// bytes): the walk cannot enter it. Also: a record file whose own path is
/// too long to open. (Permission errors cannot be provoked as root; a path
/// too long fails for everyone.)
#[test]
fn unreadable_folder_and_file() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    base(&site);
    let seg = "a".repeat(250);
    // 16 levels: the folder path stays below 4096 bytes, the file in it
    // (250 more) does not. Created level by level from inside (bash cd; dash refuses).
    let script = format!(
        "set -e; cd site/content/pages; for i in $(seq 1 16); do mkdir {seg}; cd {seg}; done; printf '%s\\n' --- 'title: x' --- > {seg}.md; \
         cd {root}/site/content/cases; for i in $(seq 1 17); do mkdir {seg}; cd {seg}; done",
        root = tmp.path().display()
    );
    let st = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(tmp.path())
        .status()
        .unwrap();
    assert!(st.success());
    let r = common::run(tmp.path(), &["check".as_ref(), "site".as_ref()]);
    assert!(!r.stderr.contains("panicked"), "{}", r.dump());
    let deep = |n: usize| vec![seg.as_str(); n].join("/");
    let expect = [
        format!(
            "content/cases/{}:1:1: 错误: 无法读取此文件或文件夹：路径太长：文件夹层数过多或名称过长，请缩短（File name too long (os error 36)）",
            deep(17)
        ),
        format!(
            "content/pages/{}/{seg}.md:1:1: 错误: 无法读取文件：路径太长：文件夹层数过多或名称过长，请缩短（File name too long (os error 36)）",
            deep(16)
        ),
    ];
    assert_eq!(r.errors(), expect, "{}", r.dump());
    assert_eq!(r.code, 1);
    // The same for a file of the site's theme.
    let tmp2 = tempfile::tempdir().unwrap();
    let site = tmp2.path().join("site");
    base(&site);
    w(&site, "site.yaml", "title: 消息测试\ntheme: eigen\n");
    let script = format!(
        "set -e; mkdir -p site/themes/eigen/templates; cd site/themes/eigen/templates; for i in $(seq 1 16); do mkdir {seg}; cd {seg}; done; echo x > {seg}.html"
    );
    let st = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(tmp2.path())
        .status()
        .unwrap();
    assert!(st.success());
    let r = common::run(tmp2.path(), &["check".as_ref(), "site".as_ref()]);
    assert!(!r.stderr.contains("panicked"), "{}", r.dump());
    assert_eq!(
        r.errors(),
        [format!(
            "themes/eigen/templates/{}/{seg}.html:1:1: 错误: 无法读取主题文件：路径太长：文件夹层数过多或名称过长，请缩短（File name too long (os error 36)）",
            deep(16)
        )],
        "{}",
        r.dump()
    );
}

// ------------------------------------------------------------ site.yaml

msg_test!(
    config_missing,
    [
        "site.yaml:1:1: 错误: 找不到站点配置 site.yaml：site 不是 chengguo 站点目录；请进入站点目录再运行，或用 chengguo init 新建站点",
    ],
    |d| fs::remove_file(d.join("site.yaml")).unwrap(),
);

msg_test!(
    config_not_utf8,
    [
        "site.yaml:1:1: 错误: 无法读取站点配置 site.yaml：内容不是 UTF-8 编码的文本（请用“UTF-8”编码另存）（stream did not contain valid UTF-8）",
    ],
    |d| w(d, "site.yaml", b"title: \xb2\xe2\xca\xd4\n"),
);

msg_test!(
    config_bom_and_crlf,
    [
        "site.yaml:1:1: 警告: 文件开头有 BOM 标记，已忽略；建议保存为“UTF-8（无 BOM）”",
        "site.yaml:1:12: 警告: 文件使用 Windows（CRLF）换行，已按 LF 处理；建议编辑器保存为 LF 换行",
    ],
    |d| w(d, "site.yaml", "\u{feff}title: 消息测试\r\n"),
);

msg_test!(
    config_yaml_error,
    ["site.yaml:1:10: 错误: YAML 语法错误：此处不能出现冒号（含冒号的值请用英文引号括起来）",],
    |d| w(d, "site.yaml", "title: 消息: 测试\n"),
);

msg_test!(
    config_theme_name,
    [
        "site.yaml:2:8: 错误: theme 的值“Mein_Thema”不是有效的主题名：只能用小写英文字母、数字和连字符（-），如 default；主题放在 themes/<主题名>/ 文件夹中",
    ],
    |d| w(d, "site.yaml", "title: 消息测试\ntheme: Mein_Thema\n"),
);

msg_test!(
    config_base_url,
    [
        "site.yaml:2:11: 错误: base_url 的值“example.org/chengguo”不是网址：应以 http:// 或 https:// 开头，如 https://example.org/chengguo/（是否要写“https://example.org/chengguo”？）",
    ],
    |d| w(d, "site.yaml", "title: 消息测试\nbase_url: example.org/chengguo\n"),
);

msg_test!(
    config_not_text,
    [
        "site.yaml:1:8: 错误: title 应为文本，实际是整数 2024；如确实要写这个值，请用英文引号把值括起来",
    ],
    |d| w(d, "site.yaml", "title: 2024\n"),
);

msg_test!(
    config_vocab_not_a_map,
    [
        "site.yaml:2:9: 错误: vocab 应为 provinces、stages、subjects、levels 几项词表，如 vocab: {subjects: [书法]}，实际是列表",
    ],
    |d| w(d, "site.yaml", "title: 消息测试\nvocab: [书法]\n"),
);

msg_test!(
    config_vocab_unknown_list,
    [
        "site.yaml:3:3: 错误: vocab 下有未知的词表“subject”：可扩充的词表为 provinces（省份）、stages（学段）、subjects（学科）、levels（获奖等级）（是否指 subjects？）",
    ],
    |d| w(d, "site.yaml", "title: 消息测试\nvocab:\n  subject: [书法]\n"),
);

msg_test!(
    config_vocab_value,
    [
        "site.yaml:3:18: 错误: vocab.subjects 第 2 项应为非空文本（要添加的词，如 书法），实际是整数 12",
    ],
    |d| w(d, "site.yaml", "title: 消息测试\nvocab:\n  subjects: [书法, 12]\n"),
);

msg_test!(
    config_images_not_a_map,
    [
        "site.yaml:2:9: 错误: images 应为照片处理的设置，如 images: {widths: [480, 960], quality: 80}，实际是整数 960",
    ],
    |d| w(d, "site.yaml", "title: 消息测试\nimages: 960\n"),
);

msg_test!(
    config_images_values,
    [
        "site.yaml:3:17: 错误: images.widths 第 2 项的值 50 超出范围：应为 100 到 8000 之间的整数（图片宽度，单位为像素）",
        "site.yaml:3:21: 错误: images.widths 第 3 项应为 100 到 8000 之间的整数（图片宽度，单位为像素），实际是文本“九百”",
        "site.yaml:4:8: 错误: images.max 的值 9000 超出范围：应为 100 到 8000 之间的整数（“查看大图”打开的那一张的宽度，单位为像素）",
        "site.yaml:5:12: 错误: images.quality 应为 30 到 100 之间的整数（JPEG 压缩质量：越大越清晰、文件越大，常用 75 到 85），实际是文本“高”",
        "site.yaml:6:10: 错误: images.keep 的每一项应为 content/ 下要原样发布的图片或文件夹，以 media/ 开头，如 media/images/jiegou-tu.png，实际是文本“../secret.png”",
        "site.yaml:7:3: 错误: images 下有未知的设置“qualty”：可用的设置为 widths（宽度列表）、max（最大宽度）、quality（JPEG 质量）、max_megapixels（最大像素）、keep（原样发布）（是否指 quality？）",
    ],
    |d| w(
        d,
        "site.yaml",
        "title: 消息测试\nimages:\n  widths: [480, 50, 九百]\n  max: 9000\n  quality: 高\n  keep: [../secret.png, media/images/jiegou.png]\n  qualty: 80\n"
    ),
);

msg_test!(
    config_images_widths_not_a_list,
    [
        "site.yaml:2:18: 错误: images.widths 应为图片宽度（像素）的列表，如 [480, 960, 1600]，实际是整数 960",
        "site.yaml:2:39: 错误: images.max_megapixels 的值 0 超出范围：应为 1 到 400 之间的整数（可接受的最大图片，单位为百万像素）",
    ],
    |d| w(d, "site.yaml", "title: 消息测试\nimages: {widths: 960, max_megapixels: 0}\n"),
);

// ------------------------------------------------------------ theme

msg_test!(
    theme_misspelt,
    [
        "site.yaml:2:8: 错误: theme 的值“fancyy”找不到：没有 themes/fancyy/ 文件夹；可用的主题为 default、fancy（default 为内置主题）（是否指 fancy？）",
    ],
    |d| {
        w(d, "site.yaml", "title: 消息测试\ntheme: fancyy\n");
        w(d, "themes/fancy/static/x.css", "");
    },
);

msg_test!(
    template_not_utf8,
    [
        "themes/default/templates/page.html:1:4: 错误: 模板不是 UTF-8 编码（可能是 GBK），从此处起无法识别：请用编辑器以“UTF-8”编码另存",
    ],
    |d| w(d, "themes/default/templates/page.html", b"{# \xb2\xe2 #}\n"),
);

msg_test!(
    template_syntax,
    [
        "themes/default/templates/page.html:3:10: 错误: 模板语法错误：Failed to parse 'page.html'： --> 3:10 | 3 | <p>{% if %}</p> | ^--- | = expected a value that can be negated",
    ],
    |d| w(
        d,
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>{% if %}</p>\n{% endblock content %}\n",
    ),
);

// ------------------------------------------------------------ fields in general

msg_test!(
    required_field_left_empty,
    [
        "content/pages/about.md:2:1: 错误: 必填字段 title（标题）未填写：请在冒号后填写，如 title: 关于本平台",
    ],
    |d| page(d, "title:\n", ""),
);

msg_test!(
    text_empty,
    ["content/pages/about.md:3:10: 错误: summary 的值为空：请填写内容，不需要时删除这一项",],
    |d| page(d, "title: 关于\nsummary: \"\"\n", "")
);

msg_test!(text_is_a_number, [
        "content/pages/about.md:2:8: 错误: title 应为文本，实际是整数 2024；如确实要写这个值，请用英文引号括起来，如 \"2024\"",
    ], |d| page(d, "title: 2024\n", ""));

msg_test!(
    text_is_a_list,
    [
        "content/pages/about.md:3:11: 错误: summary 应为文本，实际是列表；此处只能写一个值，不能写列表",
    ],
    |d| page(d, "title: 关于\nsummary: [甲, 乙]\n", ""),
);

msg_test!(
    text_is_a_map,
    [
        "content/pages/about.md:4:3: 错误: summary 应为文本，实际是映射（“键: 值”形式）；值中含“: ”时请用英文引号把整个值括起来",
    ],
    |d| page(d, "title: 关于\nsummary:\n  说明: 见正文\n", ""),
);

msg_test!(
    list_item_empty,
    [
        "content/outcomes/chengguo.md:7:14: 错误: people 第 2 项的值为空：请填写内容，不需要时删除这一项",
    ],
    |d| outcome(d, "people: [张明, \"\"]\n"),
);

msg_test!(bool_field, [
        "content/pages/about.md:3:8: 错误: draft 应为 true 或 false（是写 true，否写 false），实际是文本“是”",
    ], |d| page(d, "title: 关于\ndraft: 是\n", ""));

msg_test!(
    vocab_short_list,
    [
        "content/holders/danwei.md:4:7: 错误: kind 的值“学校”不是有效的单位类型，可选：教研机构、中小学、幼儿园、高等学校、教育行政部门、其他（是否指 高等学校？）",
    ],
    |d| rec(
        d,
        "content/holders/danwei.md",
        "title: 示例单位\nprovince: 四川省\nkind: 学校\n",
    ),
);

msg_test!(
    vocab_in_a_list,
    [
        "content/cases/anli.md:6:14: 错误: stages 第 2 项的值“高中”不是有效的学段，可选：学前教育、小学、初中、普通高中、特殊教育、职业教育、跨学段（是否指 普通高中、初中？）",
        "content/cases/anli.md:7:11: 错误: subjects 的值“书法”不是有效的学科（课程方案中的学科名，如 语文、数学、道德与法治；其他学科可在 site.yaml 的 vocab: subjects 中添加）",
    ],
    |d| case(d, "stages: [小学, 高中]\nsubjects: 书法\n"),
);

msg_test!(
    date_is_a_number,
    [
        "content/notices/tongzhi.md:3:7: 错误: date 应为日期，格式 YYYY-MM-DD，如 2024-03-15，实际是整数 20240201",
    ],
    |d| rec(d, "content/notices/tongzhi.md", "title: 示例通知\ndate: 20240201\n"),
);

msg_test!(
    date_with_slashes,
    [
        "content/notices/tongzhi.md:3:7: 错误: date 的值“2024/2/1”不是有效日期：应为真实存在的日期，格式 YYYY-MM-DD，如 2024-03-15（是否要写 2024-02-01？）",
    ],
    |d| rec(d, "content/notices/tongzhi.md", "title: 示例通知\ndate: 2024/2/1\n"),
);

msg_test!(
    url_without_scheme,
    [
        "content/holders/danwei.md:4:10: 错误: website 的值“www.example.org”不是网址：应以 http:// 或 https:// 开头（是否要写“https://www.example.org”？）",
    ],
    |d| rec(
        d,
        "content/holders/danwei.md",
        "title: 示例单位\nprovince: 四川省\nwebsite: www.example.org\n",
    ),
);

msg_test!(
    local_path_is_a_url,
    [
        "content/cases/anli.md:6:8: 错误: cover 的值“https://example.org/a.png”是网址：此处只能用本地文件（门户需离线可用），请把文件放到 content/media/ 下，写成 media/images/a.png 这样的路径",
    ],
    |d| case(d, "cover: https://example.org/a.png\n"),
);

msg_test!(
    path_not_relative,
    [
        "content/cases/anli.md:6:8: 错误: cover 的值“/media/images/tu.svg”不是相对路径：应相对 content/ 文件夹，用 / 分隔，如 media/docs/a.pdf（是否要写“media/images/tu.svg”？）",
    ],
    |d| case(d, "cover: /media/images/tu.svg\n"),
);

msg_test!(
    path_with_dot_dot,
    [
        "content/cases/anli.md:6:8: 错误: cover 的值“media/../media/images/tu.svg”不能包含 ..、. 或空段（//）：应写成 media/ 开头的路径，如 media/docs/a.pdf",
    ],
    |d| case(d, "cover: media/../media/images/tu.svg\n"),
);

msg_test!(
    path_outside_media,
    [
        "content/cases/anli.md:6:8: 错误: cover 的值“images/tu.svg”应以 media/ 开头：只有 content/media/ 中的文件才会发布（是否要写“media/images/tu.svg”？）",
    ],
    |d| case(d, "cover: images/tu.svg\n"),
);

msg_test!(
    path_file_misspelt,
    [
        "content/cases/anli.md:6:8: 错误: cover 指向的文件 content/media/images/tu.png 不存在：请把文件放到该位置，或改正路径（是否指 media/images/tu.svg？）",
    ],
    |d| case(d, "cover: media/images/tu.png\n"),
);

// ------------------------------------------------------------ outcomes

msg_test!(
    award_year_empty_and_level_empty,
    [
        "content/outcomes/chengguo.md:4:3: 错误: 必填字段 award.year（获奖年度）未填写：请在冒号后写四位数年份，如 year: 2022",
        "content/outcomes/chengguo.md:5:3: 错误: 必填字段 award.level（获奖等级）未填写：请在冒号后填写，可选：特等奖、一等奖、二等奖",
    ],
    |d| rec(
        d,
        "content/outcomes/chengguo.md",
        "title: 示例成果\naward:\n  year:\n  level:\nholder: danwei\nprovince: 四川省\nstages: [小学]\n",
    ),
);

msg_test!(
    award_year_as_text,
    [
        "content/outcomes/chengguo.md:3:15: 错误: award.year 应为四位数年份（1989 到 2100），如 2022，实际是文本“2022年”（是否要写 2022？年份不加引号和“年”字）",
        "content/outcomes/chengguo.md:3:34: 错误: award 中有未知字段“lvl”：可用的字段为 year、level（是否指 level？）",
    ],
    |d| rec(
        d,
        "content/outcomes/chengguo.md",
        "title: 示例成果\naward: {year: 2022年, level: 一等奖, lvl: 二等奖}\nholder: danwei\nprovince: 四川省\nstages: [小学]\n",
    ),
);

msg_test!(
    award_without_year_and_level,
    [
        "content/outcomes/chengguo.md:3:1: 错误: award 缺少 level（获奖等级，可选：特等奖、一等奖、二等奖）：请写成 award: {year: 2022, level: 一等奖}",
        "content/outcomes/chengguo.md:3:1: 错误: award 缺少 year（获奖年度）：请写成 award: {year: 2022, level: 一等奖}",
    ],
    |d| rec(
        d,
        "content/outcomes/chengguo.md",
        "title: 示例成果\naward: {}\nholder: danwei\nprovince: 四川省\nstages: [小学]\n",
    ),
);

msg_test!(
    award_as_text,
    [
        "content/outcomes/chengguo.md:3:8: 错误: award 应写成 {year: 年份, level: 等级}，如 award: {year: 2022, level: 一等奖}，实际是文本“2022年一等奖”",
    ],
    |d| rec(
        d,
        "content/outcomes/chengguo.md",
        "title: 示例成果\naward: 2022年一等奖\nholder: danwei\nprovince: 四川省\nstages: [小学]\n",
    ),
);

msg_test!(
    stages_empty_list,
    [
        "content/outcomes/chengguo.md:6:9: 错误: stages（学段）至少要填写一个，如 stages: [小学, 初中]；可选：学前教育、小学、初中、普通高中、特殊教育、职业教育、跨学段",
    ],
    |d| rec(
        d,
        "content/outcomes/chengguo.md",
        "title: 示例成果\naward: {year: 2022, level: 一等奖}\nholder: danwei\nprovince: 四川省\nstages: []\n",
    ),
);

msg_test!(rounds_item, [
        "content/outcomes/chengguo.md:7:16: 错误: rounds 第 2 项应为四位数年份（推广应用轮次的起始年），如 rounds: [2021, 2024]，实际是文本“二〇二四”",
    ], |d| outcome(d, "rounds: [2021, 二〇二四]\n"));

msg_test!(
    media_item_is_text,
    [
        "content/outcomes/chengguo.md:8:5: 错误: media 第 1 项应为含 kind、title、src（可加 poster、duration）的一组字段，实际是文本“media/docs/a.pdf”；写法如 - {kind: document, title: 教学设计, src: media/docs/a.pdf}",
    ],
    |d| outcome(d, "media:\n  - media/docs/a.pdf\n"),
);

msg_test!(
    media_item_unknown_and_missing_keys,
    [
        "content/outcomes/chengguo.md:11:5: 错误: media 第 2 项中有未知字段“titel”：可用的字段为 kind、title、src、poster、duration（是否指 title、poster？）",
        "content/outcomes/chengguo.md:11:5: 错误: media 第 2 项缺少 kind（资料类型）：请加一行 kind: …，可选：video、document、image、course、link",
        "content/outcomes/chengguo.md:11:5: 错误: media 第 2 项缺少 src（资料地址）：请加一行，如 src: media/video/a.mp4（或 https:// 开头的网址）",
        "content/outcomes/chengguo.md:11:5: 错误: media 第 2 项缺少 title（资料名称）：请加一行，如 title: 课堂实录",
    ],
    |d| outcome(d, "media:\n  - kind: document\n    title: 设计\n    src: media/docs/a.pdf\n  - titel: 视频\n"),
);

msg_test!(
    media_kind_and_duration,
    [
        "content/outcomes/chengguo.md:8:11: 错误: media 第 1 项的 kind 的值“vidoe”不是有效的资料类型（video 视频、document 文档、image 图片、course 课程、link 链接）（是否指 video？）",
        "content/outcomes/chengguo.md:11:13: 错误: media 第 1 项的 poster 的值“https://example.org/p.png”是网址：此处只能用本地文件（门户需离线可用），请把文件放到 content/media/ 下，写成 media/images/a.png 这样的路径",
        "content/outcomes/chengguo.md:12:15: 错误: media 第 1 项的 duration 的值“12：30”格式不对：应为“分:秒”，秒为两位数（00 到 59），如 \"12:30\"（是否要写 \"12:30\"？冒号应为英文冒号）",
    ],
    |d| outcome(
        d,
        "media:\n  - kind: vidoe\n    title: 课堂实录\n    src: media/docs/a.pdf\n    poster: https://example.org/p.png\n    duration: 12：30\n",
    ),
);

msg_test!(
    media_duration_is_a_number,
    [
        "content/outcomes/chengguo.md:11:15: 错误: media 第 1 项的 duration 应为“分:秒”，写在英文引号中，如 duration: \"12:30\"，实际是整数 750",
    ],
    |d| outcome(
        d,
        "media:\n  - kind: video\n    title: 课堂实录\n    src: media/docs/a.pdf\n    duration: 750\n",
    ),
);

msg_test!(
    contact_fields,
    [
        "content/outcomes/chengguo.md:9:10: 错误: contact.phone 的值“电话010”不是有效的电话号码：只能包含数字、空格、- + ( ) 和“转”，如 \"010-12345678\"",
        "content/outcomes/chengguo.md:10:10: 错误: contact.email 的值“wang＠example.org”不是有效的电子邮箱：应形如 name@example.org（@ 应为英文半角符号）",
        "content/outcomes/chengguo.md:11:3: 错误: contact 中有未知字段“mail”：可用的字段为 name、phone、email（是否指 email？）",
    ],
    |d| outcome(
        d,
        "contact:\n  name: 王老师\n  phone: 电话010\n  email: wang＠example.org\n  mail: x@example.org\n",
    ),
);

msg_test!(contact_as_text, [
        "content/outcomes/chengguo.md:7:10: 错误: contact 应为 name、phone、email 几行字段（写在 contact: 下一行起，行首缩进两个空格），实际是文本“王老师 010-12345678”",
    ], |d| outcome(d, "contact: 王老师 010-12345678\n"));

// ------------------------------------------------------------ regions

msg_test!(
    period_values,
    [
        "content/regions/diqu.md:5:10: 错误: period.start 应为年月 YYYY-MM，写在英文引号中，如 \"2021-09\"，实际是文本“2024-9”（是否要写 \"2024-09\"？）",
        "content/regions/diqu.md:6:8: 错误: period.end 应为年月 YYYY-MM，写在英文引号中，如 \"2021-09\"，实际是整数 2027",
        "content/regions/diqu.md:7:3: 错误: period 中有未知字段“ende”：可用的字段为 start、end（是否指 end？）",
    ],
    |d| region(d, "period:\n  start: \"2024-9\"\n  end: 2027\n  ende: \"2027-08\"\n"),
);

msg_test!(
    period_start_after_end,
    [
        "content/regions/diqu.md:4:17: 错误: period.start 的值“2027-12”晚于 period.end 的值“2024-12”：开始年月不能晚于结束年月，请检查是否写反",
    ],
    |d| region(d, "period: {start: \"2027-12\", end: \"2024-12\"}\n"),
);

msg_test!(period_as_text, [
        "content/regions/diqu.md:4:9: 错误: period 应写成 {start: \"YYYY-MM\", end: \"YYYY-MM\"}，如 period: {start: \"2021-09\", end: \"2024-08\"}，实际是文本“2024-2027”",
    ], |d| region(d, "period: 2024-2027\n"));

msg_test!(
    applies_item_is_an_id,
    [
        "content/regions/diqu.md:5:5: 错误: applies 第 1 项应为 outcome（可加 department、schools）几行字段，实际是文本“chengguo”（是否要写“- outcome: chengguo”？）",
    ],
    |d| region(d, "applies:\n  - chengguo\n"),
);

msg_test!(
    applies_unknown_and_missing_outcome,
    [
        "content/regions/diqu.md:6:5: 错误: applies 第 2 项缺少 outcome（应用的成果编号）：请加一行，如 outcome: zuoye-sheji",
        "content/regions/diqu.md:7:5: 错误: applies 第 2 项中有未知字段“school”：可用的字段为 outcome、department、schools（是否指 schools？）",
    ],
    |d| region(d, "applies:\n  - outcome: chengguo\n  - department: 教研室\n    school: 第一小学\n"),
);

msg_test!(
    applies_same_outcome_twice,
    [
        "content/regions/diqu.md:6:14: 警告: applies 中成果“chengguo”重复出现：同一成果只需写一次，请删除重复的一项（其 department、schools 请合并到第一项）",
    ],
    |d| region(d, "applies:\n  - outcome: chengguo\n  - outcome: chengguo\n"),
);

// ------------------------------------------------------------ notices

msg_test!(
    attachment_is_text,
    [
        "content/notices/tongzhi.md:4:14: 错误: attachments 应为“title: 附件名称”和“src: 文件路径”两行，实际是文本“media/docs/a.pdf”；写法如 - {title: 附件1, src: media/docs/a.pdf}",
    ],
    |d| notice(d, "attachments: media/docs/a.pdf\n"),
);

msg_test!(
    attachment_unknown_key_and_missing_src,
    [
        "content/notices/tongzhi.md:5:5: 错误: attachments 第 1 项缺少 src（附件文件）：请加一行，如 src: media/docs/a.pdf",
        "content/notices/tongzhi.md:6:5: 错误: attachments 第 1 项中有未知字段“scr”：可用的字段为 title、src（是否指 src？）",
    ],
    |d| notice(d, "attachments:\n  - title: 附件1\n    scr: media/docs/a.pdf\n"),
);

// ------------------------------------------------------------ references

msg_test!(
    reference_by_title,
    [
        "content/outcomes/chengguo.md:4:9: 错误: holder 的值“示例单位”找不到：没有 content/holders/示例单位.md 这条成果持有方记录（“示例单位”是标题，请改写为它的编号 danwei）",
    ],
    |d| rec(
        d,
        "content/outcomes/chengguo.md",
        "title: 示例成果\naward: {year: 2022, level: 一等奖}\nholder: 示例单位\nprovince: 四川省\nstages: [小学]\n",
    ),
);

// ------------------------------------------------------------ body links

msg_test!(
    body_link_leaves_content,
    [
        "content/pages/about.md:4:2: 错误: 链接“../../说明.md”指向 content/ 文件夹之外（“../”太多）：路径相对本文件所在的文件夹，如 ../media/images/a.png",
    ],
    |d| page(d, "title: 关于\n", "见[说明](../../说明.md)。\n"),
);

msg_test!(
    body_link_to_a_non_record_in_a_record_folder,
    [
        "content/pages/about.md:4:2: 错误: 链接“../outcomes/a.pdf”不存在：outcomes 文件夹中只有记录文件，应写成 ../outcomes/<编号>.md",
    ],
    |d| page(d, "title: 关于\n", "见[附件](../outcomes/a.pdf)。\n"),
);

msg_test!(
    body_link_to_a_md_file_outside_record_folders,
    [
        "content/pages/about.md:4:2: 错误: 链接“../docs/a.md”不存在：记录链接应写成 ../<类别>/<编号>.md，类别为 outcomes、holders、regions、cases、notices、pages 之一",
    ],
    |d| page(d, "title: 关于\n", "见[说明](../docs/a.md)。\n"),
);

msg_test!(
    yaml_fullwidth_colon_after_a_key,
    [
        "content/cases/anli.md:6:7: 错误: YAML 语法错误：字段名后面是中文冒号“：”，请改成英文冒号加空格",
    ],
    |d| case(d, "school：示例区第一小学\nsummary: 简介\n"),
);

msg_test!(
    yaml_tab_before_the_first_key,
    ["content/pages/about.md:2:1: 错误: YAML 语法错误：不能用 Tab 缩进，请用空格"],
    |d| page(d, "\ttitle: 关于\n", ""),
);

msg_test!(
    yaml_value_starting_with_an_ascii_quote,
    [
        "content/cases/anli.md:7:10: 错误: YAML 语法错误：值以英文引号开头，但引号后面还有文字：引号只能把整个值括起来。请改用中文引号，如 “双减”背景下，或把整个值用单引号括起来，如 '\"双减\"背景下'",
    ],
    |d| case(d, "school: 示例学校\nsummary: \"双减\"背景下的作业设计\ndraft: false\n"),
);

msg_test!(
    yaml_fullwidth_brackets,
    [
        "content/pages/about.md:3:10: 错误: YAML 语法错误：这里用了中文括号：YAML 的列表和字段组要用英文括号 [ ] 和 { }",
    ],
    |d| page(d, "title: 关于\nsummary: ｛甲: 1, 乙: 2｝\n", ""),
);

msg_test!(
    yaml_fullwidth_comma_in_braces,
    [
        "content/pages/about.md:3:15: 错误: YAML 语法错误：括号中用了中文逗号“，”：[ ] 或 { } 中的各项请用英文逗号加空格分隔，如 [小学, 初中]",
    ],
    |d| page(d, "title: 关于\nsummary: {甲: 1，乙: 2}\n", ""),
);

msg_test!(
    yaml_chinese_quotes_around_a_colon,
    [
        "content/pages/about.md:3:10: 错误: YAML 语法错误：值两边的中文引号不起引号的作用：含冒号的值请用英文引号把整个值括起来，如 \"门户: 简介\"",
    ],
    |d| page(d, "title: 关于\nsummary: “门户: 简介”\n", ""),
);

msg_test!(
    yaml_nesting_too_deep,
    [
        "content/pages/about.md:2:108: 错误: YAML 语法错误：括号 [ 或 {（或一行中的“- ”）嵌套超过 100 层：头信息中不会用到这样深的嵌套，请检查 [ 与 ]、{ 与 } 是否成对",
    ],
    |d| page(d, &format!("title: {}\n", "[".repeat(200)), ""),
);

msg_test!(
    list_with_chinese_commas_is_split,
    [
        "content/cases/anli.md:6:10: 警告: stages 第 1 项的值“小学，初中”中用了中文标点“，”，已按 2 项处理：列表各项之间请用英文逗号加空格分隔，如 stages: [小学, 初中]",
        "content/cases/anli.md:7:11: 警告: authors 第 1 项的值“王晓梅、陈建国”中用了中文标点“、”，已按 2 项处理：列表各项之间请用英文逗号加空格分隔，如 authors: [王晓梅, 陈建国]",
    ],
    |d| case(d, "stages: [小学，初中]\nauthors: [王晓梅、陈建国]\n"),
);

msg_test!(
    several_vocabulary_values_in_one,
    [
        "content/cases/anli.md:6:9: 错误: stages 的值“小学 初中”不是有效的学段，可选：学前教育、小学、初中、普通高中、特殊教育、职业教育、跨学段（多个值请写成列表，如 stages: [小学, 初中]）",
    ],
    |d| case(d, "stages: 小学 初中\n"),
);

msg_test!(
    template_placeholder_is_a_check_warning,
    [
        "content/cases/anli.md:8:1: 警告: 正文仍是模板中的占位文字“（请在这里填写案例正文）”：请把它换成正文内容后再发布；暂不发布请在头信息中写 draft: true（chengguo build 会因此失败）",
    ],
    |d| w(d, "content/cases/anli.md", format!("---\n{CASE}---\n\n（请在这里填写案例正文）\n")),
);

#[test]
fn template_placeholder_is_a_build_error_unless_draft() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    base(&site);
    w(
        &site,
        "content/cases/anli.md",
        format!("---\n{CASE}---\n\n（请在这里填写案例正文）\n"),
    );
    let r = common::build(tmp.path(), &site, &tmp.path().join("out"));
    assert_eq!(
        r.errors(),
        ["content/cases/anli.md:8:1: 错误: 正文仍是模板中的占位文字“（请在这里填写案例正文）”：请把它换成正文内容后再发布；暂不发布请在头信息中写 draft: true（生成时这是错误）"],
        "{}",
        r.dump()
    );
    assert_ne!(r.code, 0);
    // A draft is not published: no message, the build succeeds.
    w(
        &site,
        "content/cases/anli.md",
        format!("---\n{CASE}draft: true\n---\n\n（请在这里填写案例正文）\n"),
    );
    let r = common::build(tmp.path(), &site, &tmp.path().join("out"));
    assert!(r.errors().is_empty(), "{}", r.dump());
    assert_eq!(r.code, 0, "{}", r.dump());
}

#[test]
fn new_templates_use_the_placeholders_validate_knows() {
    use chengguo::content::Kind;
    for kind in Kind::ALL {
        let t = chengguo::new::template(kind, "标题", "2024-03-15");
        assert!(
            t.lines().any(|l| chengguo::new::PLACEHOLDERS.contains(&l)),
            "{kind:?}"
        );
    }
}

msg_test!(
    intro_errors_are_located_in_site_yaml,
    [
        "site.yaml:4:34: 错误: 图片“media/images/none.png”指向的文件不存在（按本文件所在文件夹解析为 content/media/images/none.png）：请检查文件名和 ../ 的层数",
    ],
    |d| w(
        d,
        "site.yaml",
        // The existing media/images/tu.svg is found, like from a page at the top of content/.
        "title: 消息测试\nintro: |\n  第一行介绍。\n  图片 ![a](media/images/tu.svg) 和 ![b](media/images/none.png)\n",
    ),
);

msg_test!(
    yaml_control_character,
    [
        "content/pages/about.md:3:12: 错误: YAML 语法错误：这里有看不见的控制字符（如 NUL、ESC，多半是从别处复制来的），请删除它",
    ],
    |d| page(d, "title: 关于\nsummary: 简介\u{0}b\n", ""),
);

msg_test!(
    front_matter_paths_in_windows_or_body_form,
    [
        "content/cases/anli.md:6:8: 警告: cover 的值“..\\media\\images\\tu.svg”已按 media/images/tu.svg 处理：头信息中的路径从 content/ 算起，用 / 分隔（正文中的 ../media/… 写法不适用于此处），请写成 media/images/tu.svg",
    ],
    |d| case(d, "cover: '..\\media\\images\\tu.svg'\n"),
);

msg_test!(
    front_matter_path_in_body_form,
    [
        "content/outcomes/chengguo.md:10:10: 警告: media 第 1 项的 src 的值“../media/docs/a.pdf”已按 media/docs/a.pdf 处理：头信息中的路径从 content/ 算起，用 / 分隔（正文中的 ../media/… 写法不适用于此处），请写成 media/docs/a.pdf",
    ],
    |d| outcome(d, "media:\n  - kind: document\n    title: 教学设计\n    src: ../media/docs/a.pdf\n"),
);

// ------------------------------------------------------ body paths, raw HTML

msg_test!(
    body_backslash_path_is_read_as_slash,
    [
        "content/pages/about.md:4:1: 警告: 图片路径“..\\media\\images\\tu.svg”中的反斜杠“\\”已按“/”处理：网页路径用正斜杠，请写成 ../media/images/tu.svg",
    ],
    |s| page(s, "title: 关于\n", "![图](..\\media\\images\\tu.svg)\n"),
);

msg_test!(
    body_missing_media_suggests_the_file_it_guessed,
    [
        "content/pages/about.md:4:1: 错误: 图片“media/images/Tu.svg”指向的文件不存在（按本文件所在文件夹解析为 content/pages/media/images/Tu.svg）：是否指 content/media/images/tu.svg？请写成 ../media/images/tu.svg",
    ],
    |s| page(s, "title: 关于\n", "![图](media/images/Tu.svg)\n"),
);

msg_test!(
    body_raw_html_nested_too_deep,
    [
        "content/pages/about.md:4:1281: 错误: 正文中的 HTML 标签嵌套超过 256 层：浏览器无法正常显示，请删去多余的 <div> 等标签（正文一般不需要 HTML，用 Markdown 即可）",
    ],
    |s| page(s, "title: 关于\n", &format!("{}x{}\n", "<div>".repeat(300), "</div>".repeat(300))),
);

msg_test!(body_email_autolink_is_a_link, [], |s| page(
    s,
    "title: 关于\n",
    "联系 <a@b.cn>\n"
),);

msg_test!(
    svg_media_with_a_script_is_published_without_it,
    [
        "content/media/images/tu.svg:1:1: 警告: SVG 图片中可能运行脚本或加载外部内容的部分不会发布，已移除：事件属性 onload、<script>",
    ],
    |s| w(
        s,
        "content/media/images/tu.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>\n",
    ),
);

msg_test!(
    svg_media_that_is_not_xml_is_refused,
    [
        "content/media/images/tu.svg:1:1: 错误: SVG 文件不是有效的 XML（标签没有正确配对或闭合），无法检查其中是否含有脚本，未发布；请用绘图软件重新导出为 SVG，或改用 PNG 图片",
    ],
    |s| w(s, "content/media/images/tu.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>\n"),
);

// ------------------------------------------------------------ file names and links (media, theme static)

msg_test!(
    media_name_with_backslashes,
    [
        "content/media/x\\..\\..\\canary.txt:1:1: 错误: 文件名“x\\..\\..\\canary.txt”含有反斜杠“\\”（在 Windows 上是路径分隔符）：这样的名字在有的系统上会指向别处或无法创建，不会发布；请给这个文件改名（可用中文、英文字母、数字、-、_ 和 .）",
    ],
    |d| w(d, "content/media/x\\..\\..\\canary.txt", "x"),
);

msg_test!(
    media_folder_with_a_reserved_name,
    [
        "content/media/con:1:1: 错误: 文件名“con”是 Windows 保留的设备名（CON、PRN、AUX、NUL、COM1–COM9、LPT1–LPT9，带不带扩展名都一样），在 Windows 上无法创建：这样的名字在有的系统上会指向别处或无法创建，不会发布；请给这个文件夹改名（可用中文、英文字母、数字、-、_ 和 .）",
    ],
    |d| {
        w(d, "content/media/con/a.png", "x");
        w(d, "content/media/con/b\\c.png", "x");
    },
);

#[cfg(unix)]
msg_test!(
    media_links,
    [
        "content/media/broken.png:1:1: 错误: “broken.png”是符号链接（快捷方式），指向的 none.png 不存在，不会发布：请把文件本身复制到 content/media/ 中",
        "content/media/folder:1:1: 错误: “folder”是符号链接（快捷方式），指向文件夹 docs（不会跟随文件夹链接），不会发布：请把文件本身复制到 content/media/ 中",
        "content/media/secret.txt:1:1: 错误: “secret.txt”是符号链接（快捷方式），指向 content/ 文件夹之外的 ../../secret.txt，不会发布：请把文件本身复制到 content/media/ 中",
    ],
    |d| {
        use std::os::unix::fs::symlink;
        w(d, "secret.txt", "private");
        let m = d.join("content/media");
        symlink("none.png", m.join("broken.png")).unwrap();
        symlink("docs", m.join("folder")).unwrap();
        symlink("../../secret.txt", m.join("secret.txt")).unwrap();
        // A link to a file inside content/ is published as that file.
        symlink("docs/a.pdf", m.join("same.pdf")).unwrap();
    },
);

msg_test!(
    theme_static_name_with_a_drive,
    [
        "themes/default/static/C:x.css:1:1: 错误: 文件名“C:x.css”以盘符“C:”开头（Windows 会把它当作另一个磁盘上的路径）：这样的名字在有的系统上会指向别处或无法创建，不会发布；请给这个文件改名（可用中文、英文字母、数字、-、_ 和 .）",
    ],
    |d| w(d, "themes/default/static/C:x.css", "x"),
);

#[cfg(unix)]
msg_test!(
    theme_static_link_outside,
    [
        "themes/default/static/key.css:1:1: 错误: “key.css”是符号链接（快捷方式），指向 themes/ 文件夹之外的 ../../../secret.txt，不会发布：请把文件本身复制到主题的 static/ 中",
    ],
    |d| {
        w(d, "secret.txt", "private");
        w(d, "themes/default/static/ok.css", "x");
        std::os::unix::fs::symlink(
            "../../../secret.txt",
            d.join("themes/default/static/key.css"),
        )
        .unwrap();
    },
);

// ------------------------------------------------------------ meta-test

/// The source files whose diagnostics this file covers.
const FILES: &[&str] = &[
    "src/validate.rs",
    "src/config.rs",
    "src/content/mod.rs",
    "src/content/frontmatter.rs",
    "src/graph.rs",
    "src/render/markdown.rs",
    "src/render/theme.rs",
    "src/vocab.rs",
    "src/diag.rs",
];

/// What counts as a diagnostic call site in a source file (code before its
/// `#[cfg(test)]` module): a call of a diagnostics method, a required-field
/// `missing(…)`, a `FrontMatterError` text, a path-check message.
const NEEDLES: &[&str] = &[
    ".err(",
    ".error(",
    ".warning(",
    ".warn(",
    ".missing(",
    "#[error(",
    "Err(format!(",
];

#[derive(PartialEq)]
enum Row {
    /// A call site with its own message (fragment must be asserted).
    Site,
    /// A call site passing on a message made elsewhere (`fn err`, a
    /// `FrontMatterError` printed with `to_string()`); nothing to assert.
    Forward,
    /// Another wording of the previous site (counted once, asserted too).
    Variant,
    /// One entry of `HINTS` in frontmatter.rs (YAML errors explained), or
    /// its fallback.
    YamlHint,
}
use Row::*;

fn code_of(text: &str) -> &str {
    match text.find("\n#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    }
}

fn count_sites(code: &str) -> usize {
    NEEDLES.iter().map(|n| code.matches(n).count()).sum()
}

/// Entries of `const HINTS` in frontmatter.rs, plus one for the fallback.
fn count_yaml_hints(code: &str) -> usize {
    let start = code.find("const HINTS").expect("HINTS in frontmatter.rs");
    let block = &code[start..];
    let block = &block[..block.find("];").expect("end of HINTS")];
    block.matches("&[\"").count() + 1
}

#[test]
fn every_message_site_is_tested() {
    let repo = common::repo();
    let me = fs::read_to_string(repo.join("tests/messages.rs")).unwrap();
    let tests_text = format!(
        "{}\n{}",
        &me[..me.find("// @@SITES").expect("marker")],
        fs::read_to_string(repo.join("tests/fixtures.rs")).unwrap()
    );
    let expected_lines: Vec<&str> = tests_text
        .lines()
        .filter(|l| l.contains(": 错误: ") || l.contains(": 警告: "))
        .collect();
    let mut problems = Vec::new();
    for file in FILES {
        let code = fs::read_to_string(repo.join(file)).unwrap();
        let code = code_of(&code);
        let found = count_sites(code);
        let listed = SITES
            .iter()
            .filter(|(f, k, _)| f == file && matches!(k, Site | Forward))
            .count();
        if found != listed {
            problems.push(format!(
                "{file}: {found} diagnostic call sites in the code, {listed} listed in SITES — add the new message to SITES and a test asserting its exact line"
            ));
        }
        if *file == "src/content/frontmatter.rs" {
            let hints = count_yaml_hints(code);
            let listed = SITES.iter().filter(|(_, k, _)| *k == YamlHint).count();
            if hints != listed {
                problems.push(format!(
                    "{file}: {hints} YAML hints (HINTS + fallback), {listed} listed in SITES"
                ));
            }
        }
    }
    for (file, kind, fragment) in SITES {
        assert!(FILES.contains(file), "{file} is not in FILES");
        if *kind == Forward {
            continue;
        }
        let prefix = match *file {
            "src/config.rs" => "site.yaml:",
            "src/render/theme.rs" => "themes/",
            _ => "content",
        };
        if !expected_lines
            .iter()
            .any(|l| l.contains(fragment) && l.contains(prefix))
        {
            problems.push(format!(
                "{file}: no expected `{prefix}…` line in tests/messages.rs or tests/fixtures.rs contains “{fragment}”"
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (file, kind, fragment) in SITES {
        if *kind != Forward && !seen.insert((file, fragment)) {
            problems.push(format!("{file}: “{fragment}” listed twice"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Diagnostic lines quoted in `code spans` (or ``spans``) in the tables of
/// docs/messages.md (lines shortened with “…” excepted).
fn doc_examples(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in doc.lines().filter(|l| l.starts_with('|')) {
        let mut rest = line;
        while let Some(i) = rest.find('`') {
            let tick = if rest[i..].starts_with("``") {
                "``"
            } else {
                "`"
            };
            let after = &rest[i + tick.len()..];
            let Some(j) = after.find(tick) else { break };
            let inner = after[..j].trim();
            if (inner.contains(": 错误: ") || inner.contains(": 警告: ")) && !inner.contains('…')
            {
                out.push(inner.to_string());
            }
            rest = &after[j + tick.len()..];
        }
    }
    out
}

#[test]
fn docs_messages_md_shows_tested_lines_and_every_message() {
    let repo = common::repo();
    let doc = fs::read_to_string(repo.join("docs/messages.md")).unwrap();
    let me = fs::read_to_string(repo.join("tests/messages.rs")).unwrap();
    let tests_text = format!(
        "{}\n{}",
        &me[..me.find("// @@SITES").expect("marker")],
        fs::read_to_string(repo.join("tests/fixtures.rs")).unwrap()
    );
    let examples = doc_examples(&doc);
    assert!(examples.len() > 80, "{} examples found", examples.len());
    let mut problems = Vec::new();
    for ex in &examples {
        // As written in a Rust string literal.
        let lit = ex.replace('\\', "\\\\").replace('"', "\\\"");
        if !tests_text.contains(&format!("\"{lit}\"")) {
            problems.push(format!(
                "docs/messages.md example is not an asserted line: {ex}"
            ));
        }
    }
    for (file, kind, fragment) in SITES {
        if matches!(kind, Site | YamlHint) && !doc.contains(fragment) {
            problems.push(format!(
                "{file}: “{fragment}” is not shown in docs/messages.md"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_meta_test_notices_a_new_call_site() {
    // The counting itself, on a snippet: a new `f.err(…)` is one more site,
    // test modules are not counted.
    let code = "fn a() { f.err(p, \"x\"); d.warning(p, q, \"y\"); f.missing(\"t\", \"l\", \"e\"); }\n#[cfg(test)]\nmod tests { fn b() { f.err(p, \"z\"); } }";
    assert_eq!(count_sites(code_of(code)), 3);
    let hints =
        "const HINTS: &[(&[&str], &str)] = &[\n (&[\"a\"], \"x\"),\n (&[\"b\", \"c\"], \"y\"),\n];";
    assert_eq!(count_yaml_hints(hints), 3);
}

// @@SITES — every diagnostic call site per file, in source order, with a
// fragment of its message that an expected line above (or in
// tests/fixtures.rs) contains. Nothing below this line counts as a test.
#[rustfmt::skip]
const SITES: &[(&str, Row, &str)] = &[
    // validate.rs
    ("src/validate.rs", Forward, "fn err"),
    ("src/validate.rs", Forward, "fn warn"),
    ("src/validate.rs", Site, "未填写：请在冒号后填写，如"),
    ("src/validate.rs", Site, "：请在头信息中加一行，如"),
    ("src/validate.rs", Site, "的值为空：请填写内容"),
    ("src/validate.rs", Site, "如确实要写这个值，请用英文引号括起来，如"),
    ("src/validate.rs", Variant, "实际是列表；此处只能写一个值"),
    ("src/validate.rs", Variant, "实际是映射（“键: 值”形式）；值中含“: ”时"),
    ("src/validate.rs", Site, "缺少必填字段 title"),
    ("src/validate.rs", Site, "应为 true 或 false"),
    ("src/validate.rs", Site, "中用了中文标点“，”，已按 2 项处理"),
    ("src/validate.rs", Site, "不是有效的"),
    ("src/validate.rs", Variant, "，可选：教研机构、中小学"),
    ("src/validate.rs", Variant, "（多个值请写成列表，如 stages: [小学, 初中]）"),
    ("src/validate.rs", Site, "缺少必填字段 province"),
    ("src/validate.rs", Site, "缺少必填字段 date"),
    ("src/validate.rs", Site, "应为日期，格式 YYYY-MM-DD，如 2024-03-15，实际是"),
    ("src/validate.rs", Site, "不是有效日期"),
    ("src/validate.rs", Variant, "（是否要写 2024-02-01？）"),
    ("src/validate.rs", Variant, "月只有 28 天"),
    ("src/validate.rs", Site, "是网址：此处只能用本地文件"),
    ("src/validate.rs", Site, "处理：头信息中的路径从 content/ 算起，用 / 分隔"),
    ("src/validate.rs", Forward, "{field} {msg}"),
    ("src/validate.rs", Site, "不是网址：应以 http:// 或 https:// 开头（是否要写"),
    ("src/validate.rs", Site, "不是相对路径"),
    ("src/validate.rs", Site, "不能包含 ..、. 或空段"),
    ("src/validate.rs", Site, "应以 media/ 开头"),
    ("src/validate.rs", Site, "也不存在，请检查路径"),
    ("src/validate.rs", Site, "请把文件放到该位置，或改正路径"),
    ("src/validate.rs", Site, "记录可用的字段为"),
    ("src/validate.rs", Site, "不能超过 300 字"),
    ("src/validate.rs", Site, "应为“title: 附件名称”和“src: 文件路径”两行"),
    ("src/validate.rs", Site, "可用的字段为 title、src"),
    ("src/validate.rs", Site, "缺少 src（附件文件）"),
    ("src/validate.rs", Site, "缺少必填字段 award"),
    ("src/validate.rs", Site, "必填字段 award.year（获奖年度）未填写"),
    ("src/validate.rs", Site, "必填字段 award.level（获奖等级）未填写"),
    ("src/validate.rs", Site, "award.year 应为四位数年份"),
    ("src/validate.rs", Site, "可用的字段为 year、level"),
    ("src/validate.rs", Site, "award 缺少 year"),
    ("src/validate.rs", Site, "award 缺少 level"),
    ("src/validate.rs", Site, "award 应写成"),
    ("src/validate.rs", Site, "缺少必填字段 holder"),
    ("src/validate.rs", Site, "缺少必填字段 stages"),
    ("src/validate.rs", Site, "至少要填写一个"),
    ("src/validate.rs", Site, "推广应用轮次的起始年"),
    ("src/validate.rs", Site, "应为含 kind、title、src"),
    ("src/validate.rs", Site, "可用的字段为 kind、title、src、poster、duration"),
    ("src/validate.rs", Site, "缺少 kind（资料类型）"),
    ("src/validate.rs", Site, "缺少 title（资料名称）"),
    ("src/validate.rs", Site, "缺少 src（资料地址）"),
    ("src/validate.rs", Site, "写在英文引号中，如 duration:"),
    ("src/validate.rs", Site, "格式不对：应为“分:秒”"),
    ("src/validate.rs", Site, "contact 应为 name、phone、email 几行字段"),
    ("src/validate.rs", Site, "不是有效的电话号码"),
    ("src/validate.rs", Site, "不是有效的电子邮箱"),
    ("src/validate.rs", Site, "可用的字段为 name、phone、email"),
    ("src/validate.rs", Site, "可用的字段为 start、end"),
    ("src/validate.rs", Site, "应为年月 YYYY-MM"),
    ("src/validate.rs", Site, "开始年月不能晚于结束年月"),
    ("src/validate.rs", Site, "period 应写成"),
    ("src/validate.rs", Site, "应为 outcome（可加 department、schools）几行字段"),
    ("src/validate.rs", Site, "可用的字段为 outcome、department、schools"),
    ("src/validate.rs", Site, "缺少 outcome（应用的成果编号）"),
    ("src/validate.rs", Site, "案例未关联任何成果"),
    ("src/validate.rs", Site, "draft: true（生成时这是错误）"),
    ("src/validate.rs", Site, "正文仍是模板中的占位文字“（请在这里填写案例正文）”"),
    // config.rs
    ("src/config.rs", Site, "找不到站点配置"),
    ("src/config.rs", Site, "无法读取站点配置"),
    ("src/config.rs", Site, "文件开头有 BOM 标记"),
    ("src/config.rs", Site, "文件使用 Windows（CRLF）换行"),
    ("src/config.rs", Forward, "e.to_string() of a FrontMatterError"),
    ("src/config.rs", Variant, "YAML 语法错误："),
    ("src/config.rs", Site, "不是有效的主题名"),
    ("src/config.rs", Site, "开头，如 https://example.org/chengguo/"),
    ("src/config.rs", Site, "未知的配置项"),
    ("src/config.rs", Site, "请用英文引号把值括起来"),
    ("src/config.rs", Forward, "locate_intro: error"),
    ("src/config.rs", Forward, "locate_intro: warning"),
    ("src/config.rs", Site, "vocab 应为 provinces"),
    ("src/config.rs", Site, "vocab 下有未知的词表"),
    ("src/config.rs", Site, "应为非空文本（要添加的词"),
    ("src/config.rs", Site, "images 应为照片处理的设置"),
    ("src/config.rs", Site, "超出范围：应为 100 到 8000 之间的整数（“查看大图”"),
    ("src/config.rs", Site, "之间的整数（JPEG 压缩质量"),
    ("src/config.rs", Site, "应为图片宽度（像素）的列表"),
    ("src/config.rs", Site, "要原样发布的图片或文件夹"),
    ("src/config.rs", Site, "images 下有未知的设置“qualty”"),
    // content/mod.rs
    ("src/content/mod.rs", Site, "找不到内容目录"),
    ("src/content/mod.rs", Site, "无法读取此文件或文件夹"),
    ("src/content/mod.rs", Site, "不是内容文件夹，已忽略"),
    ("src/content/mod.rs", Site, "不是 .md 记录文件"),
    ("src/content/mod.rs", Site, "重复：与"),
    ("src/content/mod.rs", Site, "错误: 文件名“"),
    ("src/content/mod.rs", Variant, "（是否要改名为 about.md？）"),
    ("src/content/mod.rs", Site, "无法读取文件："),
    ("src/content/mod.rs", Site, "文件不是 UTF-8 编码"),
    ("src/content/mod.rs", Site, "文件开头有 BOM 标记"),
    ("src/content/mod.rs", Site, "文件使用 Windows（CRLF）换行"),
    ("src/content/mod.rs", Forward, "e.to_string() of a FrontMatterError"),
    // content/frontmatter.rs: the FrontMatterError texts
    ("src/content/frontmatter.rs", Site, "文件为空："),
    ("src/content/frontmatter.rs", Site, "缺少头信息："),
    ("src/content/frontmatter.rs", Variant, "不能用中文破折号或全角符号"),
    ("src/content/frontmatter.rs", Site, "头信息没有结束"),
    ("src/content/frontmatter.rs", Site, "YAML 语法错误："),
    ("src/content/frontmatter.rs", Variant, "嵌套超过 100 层"),
    ("src/content/frontmatter.rs", Variant, "字段名后面是中文冒号“：”"),
    ("src/content/frontmatter.rs", Variant, "值以英文引号开头，但引号后面还有文字"),
    ("src/content/frontmatter.rs", Variant, "这里用了中文括号"),
    ("src/content/frontmatter.rs", Variant, "括号中用了中文逗号“，”"),
    ("src/content/frontmatter.rs", Variant, "值两边的中文引号不起引号的作用"),
    ("src/content/frontmatter.rs", Site, "头信息应为“字段: 值”"),
    ("src/content/frontmatter.rs", Variant, "字段名后应为英文冒号"),
    ("src/content/frontmatter.rs", Variant, "行首不要写“- ”"),
    ("src/content/frontmatter.rs", Site, "字段名应为文本"),
    // content/frontmatter.rs: HINTS, in order, then the fallback
    ("src/content/frontmatter.rs", YamlHint, "字段重复出现"),
    ("src/content/frontmatter.rs", YamlHint, "此处不能出现冒号"),
    ("src/content/frontmatter.rs", YamlHint, "这一行缺少“: ”"),
    ("src/content/frontmatter.rs", YamlHint, "列表项“- ”要另起一行"),
    ("src/content/frontmatter.rs", YamlHint, "双引号中的反斜杠"),
    ("src/content/frontmatter.rs", YamlHint, "以 * 或 & 开头的值"),
    ("src/content/frontmatter.rs", YamlHint, "缩进或括号不匹配"),
    ("src/content/frontmatter.rs", YamlHint, "不能作为值开头的字符"),
    ("src/content/frontmatter.rs", YamlHint, "不能用 Tab 缩进"),
    ("src/content/frontmatter.rs", YamlHint, "内容意外结束"),
    ("src/content/frontmatter.rs", YamlHint, "看不见的控制字符"),
    ("src/content/frontmatter.rs", YamlHint, "以 % 开头的行"),
    ("src/content/frontmatter.rs", YamlHint, "以 ! 开头的值"),
    ("src/content/frontmatter.rs", YamlHint, "格式不正确（请对照"),
    // graph.rs
    ("src/graph.rs", Site, "找不到：没有 content/"),
    ("src/graph.rs", Variant, "是草稿（draft: true），不会发布：请先发布它"),
    ("src/graph.rs", Variant, "是标题，请改写为它的编号"),
    ("src/graph.rs", Site, "重复出现：同一成果只需写一次"),
    // render/markdown.rs
    ("src/render/markdown.rs", Site, "不会发布，已移除"),
    ("src/render/markdown.rs", Site, "是外部网址"),
    ("src/render/markdown.rs", Site, "使用了不允许的协议"),
    ("src/render/markdown.rs", Site, "是以 / 开头的绝对路径"),
    ("src/render/markdown.rs", Site, "指向 content/ 文件夹之外"),
    ("src/render/markdown.rs", Site, "不存在或是草稿（draft: true）"),
    ("src/render/markdown.rs", Site, "文件夹中只有记录文件"),
    ("src/render/markdown.rs", Site, "记录链接应写成 ../<类别>/<编号>.md"),
    ("src/render/markdown.rs", Site, "指向的文件不存在（按本文件所在文件夹解析为"),
    // render/theme.rs
    ("src/render/theme.rs", Site, "找不到：没有 themes/"),
    ("src/render/theme.rs", Site, "无法读取主题文件"),
    ("src/render/theme.rs", Site, "模板不是 UTF-8 编码"),
    ("src/render/theme.rs", Site, "模板语法错误"),
    // added by the lead and the paths work
    ("src/content/mod.rs", Site, "这样的名字在有的系统上会指向别处或无法创建"),
    ("src/content/mod.rs", Site, "请把文件本身复制到 content/media/ 中"),
    ("src/render/markdown.rs", Site, "HTML 标签嵌套超过"),
    ("src/render/markdown.rs", Site, "”已按“/”处理：网页路径用正斜杠"),
    ("src/render/markdown.rs", Site, "）：是否指 content/media/images/tu.svg？请写成"),
    ("src/render/theme.rs", Site, "不会发布；请给这个文件改名"),
    ("src/render/theme.rs", Site, "请把文件本身复制到主题的 static/ 中"),
];
