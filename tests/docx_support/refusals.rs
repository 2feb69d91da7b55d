//! Bad input for `chengguo import 稿件.docx`: each refused with its exact
//! message and nothing written; and the meta-test that every message of
//! src/interchange/docx/ is asserted and shown in docs/messages.md.

use std::fs;
use std::io::Write;

use super::common::{self, tree};
use super::writer::*;
use super::{body_of, case_docx, import, site};

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
    let me = fs::read_to_string(repo.join("tests/docx_support/refusals.rs")).unwrap();
    let tests_text = format!(
        "{}\n{}",
        fs::read_to_string(repo.join("tests/docx_import.rs")).unwrap(),
        &me[..me.find("const DOCX_MESSAGES").unwrap()]
    );
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
