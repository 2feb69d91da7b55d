//! The two files a teacher sees next to the portal folder: the start page
//! (`打开门户.html`, opens the portal by double-click, no JavaScript) and
//! `使用说明.txt` (UTF-8 with BOM and CRLF, so that Notepad on old Windows
//! shows it right).

use super::{ExternalPage, LeftOut, PORTAL_DIR};
use crate::render::theme::escape_html as esc;

/// `打开门户.html`: a meta refresh to `portal/index.html` plus a visible link.
pub fn start_page(title: &str) -> String {
    let t = esc(title);
    format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="renderer" content="webkit">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta http-equiv="refresh" content="0; url={PORTAL_DIR}/index.html">
<title>打开门户 · {t}</title>
<style>body{{font:18px/1.7 "Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;max-width:40em;margin:3em auto;padding:0 1em;color:#222}}a{{color:#a4161a;font-weight:bold}}</style>
</head>
<body>
<h1>{t}</h1>
<p>正在打开门户……</p>
<p>如果没有自动打开，请点击：<a href="{PORTAL_DIR}/index.html">进入门户首页</a></p>
<p>使用方法见同一文件夹中的“使用说明.txt”。本门户无需联网。</p>
</body>
</html>
"#
    )
}

/// What `使用说明.txt` says, before BOM/CRLF encoding.
pub struct Readme<'a> {
    pub title: &'a str,
    pub top: &'a str,
    pub files: usize,
    pub bytes: u64,
    pub external: &'a [ExternalPage],
    pub left_out: &'a [LeftOut],
}

/// `使用说明.txt` as bytes: UTF-8 BOM, CRLF line ends.
pub fn readme(r: &Readme) -> Vec<u8> {
    let mut s = String::new();
    let mut line = |l: &str| {
        s.push_str(l);
        s.push('\n');
    };
    line(&format!("{}（U 盘版）使用说明", r.title));
    line("==============================");
    line("");
    line("一、怎样打开");
    line("0. 如果拿到的是压缩包（.zip），请先右键选择“全部解压”，不要在压缩包里直接双击打开。");
    line("1. 双击本文件夹中的“打开门户.html”，电脑会用浏览器打开门户首页。");
    line(&format!(
        "2. 如果没有自动跳转，请点击页面上的“进入门户首页”；也可以打开 {PORTAL_DIR} 文件夹，双击其中的 index.html。"
    ));
    line("3. 请保持文件夹完整：不要只复制其中的个别文件，也不要改动 portal 文件夹中的文件名。");
    line("4. 把整个文件夹复制到电脑硬盘后再打开，速度更快。");
    line("");
    line("二、用什么浏览器");
    line("请用较新版本的浏览器：Microsoft Edge、Google Chrome、Firefox，或 360 安全浏览器、");
    line("360 极速浏览器、QQ 浏览器等（请使用“极速模式”）。不支持 Internet Explorer（IE）和“兼容模式”。");
    line("");
    line("三、不需要联网的功能");
    line("浏览各类页面、列表筛选、全文搜索、播放视频（可拖动进度）、下载文件和打印，都在本机完成，不需要联网。");
    line("");
    line("四、需要联网的内容");
    if r.external.is_empty() {
        line("无。本门户的全部内容都在本文件夹中。");
    } else {
        line("以下页面含有指向互联网的外部链接或资源，只有联网时才能打开（门户中标有“需联网”）：");
        for p in r.external {
            line(&format!("- {}（{PORTAL_DIR}/{}）", p.title, p.page));
            for u in &p.urls {
                line(&format!("    {u}"));
            }
        }
    }
    line("");
    if !r.left_out.is_empty() {
        line("五、未包含的视频");
        line("为减小体积，制作时没有放入以下视频文件，对应页面上以一行说明代替了视频：");
        for v in r.left_out {
            let pages: Vec<String> = v
                .pages
                .iter()
                .map(|(p, t)| format!("{t}（{PORTAL_DIR}/{p}）"))
                .collect();
            let on = if pages.is_empty() {
                String::new()
            } else {
                format!("，见页面：{}", pages.join("；"))
            };
            line(&format!(
                "- {PORTAL_DIR}/{}（{}）{on}",
                v.path,
                super::human(v.size)
            ));
        }
        line("");
    }
    line(if r.left_out.is_empty() {
        "五、检查 U 盘上的门户是否完整"
    } else {
        "六、检查 U 盘上的门户是否完整"
    });
    line("U 盘损坏或复制中断时，部分文件可能缺失或损坏。区县工作人员可在电脑上运行：");
    line(&format!("    chengguo verify {}", r.top));
    line("（把 U 盘上的文件夹路径写在 verify 后面，如 chengguo verify E:\\成果门户U盘版）。");
    line("它会逐一核对“校验清单.sha256”中列出的每个文件，报告缺失、不完整或损坏的文件。");
    line(&format!(
        "门户中的“校验”页面（{PORTAL_DIR}/verify.html）有详细说明。发现问题时，请重新复制整个文件夹。"
    ));
    line("");
    line(&format!(
        "本门户共 {} 个文件，{}。制作工具：chengguo {}。",
        r.files,
        super::human(r.bytes),
        env!("CARGO_PKG_VERSION")
    ));
    let mut out = vec![0xEF, 0xBB, 0xBF];
    out.extend_from_slice(s.replace('\n', "\r\n").as_bytes());
    out
}
