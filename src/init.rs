//! `chengguo init`: write a small starter site that builds as is (the
//! default theme is embedded in the binary, so no theme files are copied).

use std::fs;
use std::path::Path;

use anyhow::{bail, Context};

const FILES: &[(&str, &str)] = &[
    (
        "site.yaml",
        "title: 我的成果推广门户\nsubtitle: 基础教育优秀教学成果推广应用\ndescription: 展示成果、应用方与典型案例的静态门户\nlanguage: zh-CN\n# base_url: https://example.org/   # 填写后生成 sitemap.xml 与订阅源\ntheme: default\n# intro：首页顶部的介绍文字（发布在门户上，写给读者看）。新建内容请用 chengguo new，见 docs/authoring.md。\nintro: |\n  本门户汇集本地区推广应用的优秀教学成果、应用方与典型案例，可按学段、学科、主题浏览，也可全文搜索。\n",
    ),
    (
        "content/holders/shili-jiaoyanshi.md",
        "---\ntitle: 示例市教育科学研究院\nkind: 教研机构\nprovince: 四川省\ncity: 示例市\nsummary: 负责全市基础教育教学研究与指导的专业机构。\n---\n示例持有方的简介，请替换为真实内容。\n",
    ),
    (
        "content/outcomes/shili-zuoye-sheji.md",
        "---\ntitle: 提升作业设计质量的区域实践（示例）\naward:\n  year: 2022\n  level: 二等奖\nholder: shili-jiaoyanshi\npeople: [张老师, 李老师]\nprovince: 四川省\nstages: [小学, 初中]\nsubjects: [语文, 数学]\nthemes: [作业设计, 双减]\npromotion: 文字\nrounds: [2024]\nsummary: 以作业设计为抓手减负提质的示例成果。\nfeatured: true\n---\n## 主要解决的教学问题\n\n作业数量多、质量不高。\n\n## 解决问题的方法\n\n建立作业设计、实施与评价的闭环。\n\n## 创新点\n\n以单元为单位统筹作业。\n\n## 推广应用效果\n\n学生作业时间明显下降。\n\n## 推广应用条件与方式\n\n需要区域教研部门统筹组织。\n",
    ),
    (
        "content/regions/shili-qu.md",
        "---\ntitle: 示例区\nprovince: 四川省\ndemonstration: false\nperiod:\n  start: \"2024-09\"\n  end: \"2026-08\"\napplies:\n  - outcome: shili-zuoye-sheji\n    department: 区教研室\n    schools: [示例区第一小学]\nsummary: 应用作业设计成果的示例区县。\n---\n示例应用方的工作介绍。\n",
    ),
    (
        "content/cases/shili-anli.md",
        "---\ntitle: 单元作业设计让课堂更高效（示例案例）\ndate: 2025-05-20\nregion: shili-qu\nschool: 示例区第一小学\noutcomes: [shili-zuoye-sheji]\nstages: 小学\nsubjects: 数学\nthemes: 作业设计\nsummary: 一所小学应用作业设计成果的经验。\nfeatured: true\n---\n学校以单元为单位重构数学作业……（示例正文，可参阅[成果介绍](../outcomes/shili-zuoye-sheji.md)）\n",
    ),
    (
        "content/notices/shili-tongzhi.md",
        "---\ntitle: 关于开展成果推广应用工作的通知（示例）\ndate: 2025-03-01\nissuer: 示例市教育局\nnumber: 示教〔2025〕1号\nsummary: 部署本年度成果推广应用工作的示例通知。\n---\n示例通知正文。\n",
    ),
    (
        "content/pages/about.md",
        "---\ntitle: 关于本门户\nsummary: 门户简介与使用说明。\n---\n本门户由 chengguo 生成，可部署在任意网页服务器上，也可复制到 U 盘直接打开 index.html 使用。\n",
    ),
    // The guide tells authors to put pictures here and documents beside it.
    ("content/media/images/.keep", ""),
    ("content/media/docs/.keep", ""),
];

/// Create the starter site in `dir` (refusing to overwrite a site).
pub fn init(dir: &Path) -> anyhow::Result<()> {
    if dir.join("site.yaml").exists() || dir.join("content").exists() {
        bail!(
            "{} 中已有站点（site.yaml 或 content/），不会覆盖",
            dir.display()
        );
    }
    for (path, text) in FILES {
        let p = dir.join(path);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("无法创建目录 {}", parent.display()))?;
        }
        fs::write(&p, text).with_context(|| format!("无法写入 {}", p.display()))?;
    }
    fs::write(
        dir.join(".gitignore"),
        "/public/\n/.chengguo-cache/\n/export/\n/*.zip\n",
    )?;
    Ok(())
}
