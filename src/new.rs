//! `chengguo new KIND 标题`: write a record file to fill in.
//!
//! The file gets a pinyin id made from the title ([`crate::slug`]), today's
//! date (Beijing time) where the kind has one, and every field of its kind
//! with a short Chinese comment saying what to write and which values are
//! allowed. Required fields the title does not give are left empty, so the
//! build points at each one until it is filled in. An existing file is never
//! overwritten.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::content::yaml::scalar;
use crate::content::Kind;
use crate::vocab;

#[derive(Debug, thiserror::Error)]
pub enum NewError {
    #[error("未知的记录类型“{0}”（可用：outcome 成果、holder 成果持有方、region 成果应用方、case 典型案例、notice 通知公告、page 页面）")]
    UnknownKind(String),
    #[error("标题不能为空")]
    EmptyTitle,
    #[error("{} 不是 chengguo 站点目录（找不到 site.yaml）；可先运行 chengguo init 新建站点", .0.display())]
    NotASite(PathBuf),
    #[error("无法写入 {path}（{err}）")]
    Write { path: PathBuf, err: std::io::Error },
}

/// The kind named on the command line: singular or plural English, or the
/// Chinese label (成果, 案例 …).
pub fn parse_kind(s: &str) -> Result<Kind, NewError> {
    let k = match s.trim() {
        "outcome" | "outcomes" | "成果" => Kind::Outcome,
        "holder" | "holders" | "成果持有方" | "持有方" => Kind::Holder,
        "region" | "regions" | "成果应用方" | "应用方" => Kind::Region,
        "case" | "cases" | "典型案例" | "案例" => Kind::Case,
        "notice" | "notices" | "通知公告" | "通知" | "公告" => Kind::Notice,
        "page" | "pages" | "页面" => Kind::Page,
        other => return Err(NewError::UnknownKind(other.to_string())),
    };
    Ok(k)
}

/// Write `content/<kind>/<id>.md` in `site` and return its path.
pub fn new_record(site: &Path, kind: Kind, title: &str) -> Result<PathBuf, NewError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(NewError::EmptyTitle);
    }
    if !site.join(crate::config::FILE).is_file() {
        return Err(NewError::NotASite(site.to_path_buf()));
    }
    let dir = site.join("content").join(kind.dir());
    let taken = existing_ids(&dir);
    let base = crate::slug::slug(title);
    let mut id = crate::slug::unique_id(base.as_deref(), |id| taken.iter().any(|t| t == id));
    let text = template(kind, title, &today_beijing());
    fs::create_dir_all(&dir).map_err(|err| NewError::Write {
        path: dir.clone(),
        err,
    })?;
    // create_new: never overwrite, even if a file appeared since we looked.
    loop {
        let path = dir.join(format!("{id}.md"));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(text.as_bytes())
                    .map_err(|err| NewError::Write {
                        path: path.clone(),
                        err,
                    })?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                id = crate::slug::unique_id(Some(&id), |x| {
                    x == id || taken.iter().any(|t| t == x) || dir.join(format!("{x}.md")).exists()
                });
            }
            Err(err) => return Err(NewError::Write { path, err }),
        }
    }
}

/// Ids (file stems) of the records of one kind, sub-folders included.
pub fn existing_ids(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| {
            e.path()
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .collect()
}

/// Today's date in Beijing time (UTC+8), `YYYY-MM-DD`.
pub fn today_beijing() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = ((secs + 8 * 3600) / 86_400) as i64;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian
/// calendar (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The body placeholders the templates write, one line each. A published
/// record still holding one is a `check` warning and a `build` error
/// ([`crate::validate::placeholders`]).
pub const PLACEHOLDERS: [&str; 6] = [
    "（请在这里填写案例正文）",
    "（请填写）",
    "（请填写单位简介）",
    "（请填写应用方的工作介绍）",
    "（请填写通知要点）",
    "（请填写页面内容）",
];

fn examples(list: &[&str], n: usize) -> String {
    list.iter().take(n).copied().collect::<Vec<_>>().join("、")
}

/// The file text for a new record of `kind`.
pub fn template(kind: Kind, title: &str, today: &str) -> String {
    let t = scalar(title);
    let stages = vocab::STAGES.join("、");
    let levels = vocab::LEVELS.join("、");
    let subjects = examples(vocab::SUBJECTS, 8);
    let holder_kinds = vocab::HOLDER_KINDS.join("、");
    let promotion = vocab::PROMOTION.join("、");
    let provinces = examples(&vocab::PROVINCES.iter().map(|p| p.0).collect::<Vec<_>>(), 6);
    let head = "# 填写说明：冒号后写内容；# 之后是注释，可以保留也可以删除。\n\
                # 必填项都标有【必填】；列表写成 [甲, 乙]；带冒号的文字请加英文引号。\n\
                # 正文写在第二个 --- 之后：用“## 小标题”分节；图片写 ![说明](../media/images/文件名.jpg)，\n\
                # 图片文件放在 content/media/images/；链接成果写 [成果名称](../outcomes/成果编号.md)。\n";
    let [p_case, p_fill, p_holder, p_region, p_notice, p_page] = PLACEHOLDERS;
    let province = format!("province:          # 【必填】省份全称，如 {provinces}（共 34 个，见 docs/content-model.md §4.1）\n");
    match kind {
        Kind::Outcome => format!(
            "---\n{head}\
title: {t}          # 【必填】成果名称\n\
award:\n\
\x20 year:            # 【必填】获奖年度，四位数字，如 2022\n\
\x20 level:           # 【必填】获奖等级：{levels}\n\
holder:            # 【必填】成果持有方的编号（content/holders/ 下的文件名，不含 .md）\n\
people: []         # 持有人/主要完成人，如 [张三, 李四]\n\
partners: []       # 实践检验单位，如 [某某中学]\n\
{province}\
stages: []         # 【必填】学段，至少一个：{stages}\n\
subjects: []       # 学科，如 {subjects} 等\n\
themes: []         # 主题词，自由填写，如 [作业设计, 双减]\n\
promotion:         # 推广方式：{promotion}\n\
rounds: []         # 推广应用轮次的起始年份，如 [2024]\n\
studio:            # 成果持有方工作室网址（http:// 或 https:// 开头，需联网）\n\
media: []          # 成果资料，每项写 kind（video/document/image/course/link）、title、src（如 media/videos/x.mp4）\n\
contact:\n\
\x20 name:            # 联系人\n\
\x20 phone:           # 电话，请加引号，如 \"010-00000000\"\n\
\x20 email:           # 电子邮箱\n\
summary:           # 摘要，一两句话，不超过 300 字，用于列表页与搜索结果\n\
featured: false    # 是否在首页推荐：true 或 false\n\
draft: false       # 草稿：写 true 则暂不发布\n\
---\n\n\
## 主要解决的教学问题\n\n{p_fill}\n\n\
## 解决问题的方法\n\n{p_fill}\n\n\
## 创新点\n\n{p_fill}\n\n\
## 推广应用效果\n\n{p_fill}\n\n\
## 推广应用条件与方式\n\n{p_fill}\n"
        ),
        Kind::Holder => format!(
            "---\n{head}\
title: {t}          # 【必填】单位名称\n\
kind:              # 单位类型：{holder_kinds}\n\
{province}\
city:              # 所在城市，如 重庆市、成都市（直辖市写本市名称）\n\
website:           # 单位网站（http:// 或 https:// 开头）\n\
summary:           # 简介摘要，不超过 300 字\n\
draft: false       # 草稿：写 true 则暂不发布\n\
---\n\n{p_holder}\n"
        ),
        Kind::Region => format!(
            "---\n{head}\
title: {t}          # 【必填】应用方名称，如 重庆市江津区\n\
{province}\
demonstration: false # 是否国家级示范区：true 或 false\n\
period:            # 推广应用周期（可整段删除）\n\
\x20 start:           # 起始年月，加引号，如 \"2024-09\"\n\
\x20 end:             # 结束年月，加引号，如 \"2026-08\"\n\
applies: []        # 应用的成果，每项写 outcome（成果编号）、department（责任部门）、schools（基地学校列表）\n\
summary:           # 摘要，不超过 300 字\n\
draft: false       # 草稿：写 true 则暂不发布\n\
---\n\n{p_region}\n"
        ),
        Kind::Case => format!(
            "---\n{head}\
title: {t}          # 【必填】案例标题\n\
date: {today}       # 【必填】发布日期，格式 年-月-日\n\
region:            # 所属应用方的编号（content/regions/ 下的文件名，不含 .md）\n\
school:            # 学校名称\n\
outcomes: []       # 应用的成果编号，如 [shanghai-jiaoyan-fanshi]（建议至少填写一个）\n\
authors: []        # 作者，如 [张三]\n\
source:            # 撰稿单位\n\
stages: []         # 学段：{stages}\n\
subjects: []       # 学科，如 {subjects} 等\n\
themes: []         # 主题词，自由填写\n\
cover:             # 封面图片，放在 content/media/ 下，如 media/images/x.jpg\n\
summary:           # 摘要，一两句话，不超过 300 字\n\
featured: false    # 是否在首页推荐：true 或 false\n\
draft: false       # 草稿：写 true 则暂不发布\n\
---\n\n{p_case}\n"
        ),
        Kind::Notice => format!(
            "---\n{head}\
title: {t}          # 【必填】文件标题\n\
date: {today}       # 【必填】发文日期，格式 年-月-日\n\
issuer:            # 发文单位\n\
number:            # 文号，如 教基厅函〔2024〕24号\n\
attachments: []    # 附件，每项写 title（附件名称）与 src（如 media/docs/x.pdf）\n\
summary:           # 摘要，不超过 300 字\n\
draft: false       # 草稿：写 true 则暂不发布\n\
---\n\n{p_notice}\n"
        ),
        Kind::Page => format!(
            "---\n{head}\
title: {t}          # 【必填】页面标题\n\
summary:           # 摘要，不超过 300 字\n\
draft: false       # 草稿：写 true 则暂不发布\n\
---\n\n{p_page}\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn kinds_by_any_name() {
        assert_eq!(parse_kind("case").unwrap(), Kind::Case);
        assert_eq!(parse_kind("案例").unwrap(), Kind::Case);
        assert_eq!(parse_kind("outcomes").unwrap(), Kind::Outcome);
        assert!(parse_kind("caes").is_err());
    }
}
