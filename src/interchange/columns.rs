//! Column headers: which Chinese header names which field, per kind of
//! sheet, with the variants staff commonly write. Headers are compared after
//! NFKC, with white space, `*` (required marks) and notes in brackets
//! removed: 「学段（可多选）」 and 「* 学 段」 are both 学段.

use super::SheetKind;

/// A recognised column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// 序号: ignored on import.
    Seq,
    /// A derived column (区域, 应用成果数, 成果持有单位 in 附件4 …): ignored on import.
    Derived,
    Title,
    Year,
    Level,
    FirstPerson,
    People,
    Holder,
    Partners,
    Province,
    Stages,
    Subjects,
    Themes,
    Promotion,
    ContactName,
    Phone,
    Email,
    Outcome,
    /// 成果持有单位 beside 意向成果: tells apart outcomes of the same name.
    OutcomeHolder,
    Demonstration,
    Department,
    Schools,
    Start,
    End,
    Period,
    HolderKind,
    City,
    Website,
    Summary,
}

impl Field {
    /// The canonical header (what export writes and messages name).
    pub fn header(self, kind: SheetKind) -> &'static str {
        match self {
            Field::Seq => "序号",
            Field::Derived => "（派生列）",
            Field::Title => match kind {
                SheetKind::Outcomes => "成果名称",
                SheetKind::Holders => "持有单位",
                SheetKind::Regions => "市/区县",
            },
            Field::Year => "获奖年度",
            Field::Level => "获奖等级",
            Field::FirstPerson => "第一持有人",
            Field::People => "持有人",
            Field::Holder => "持有单位",
            Field::Partners => "实践检验单位",
            Field::Province => "省份",
            Field::Stages => "学段",
            Field::Subjects => "学科",
            Field::Themes => "主题词",
            Field::Promotion => "推广方式",
            Field::ContactName => "联系人",
            Field::Phone => "电话",
            Field::Email => "邮箱",
            Field::Outcome => "意向成果",
            Field::OutcomeHolder => "成果持有单位",
            Field::Demonstration => "是否示范区",
            Field::Department => "责任部门",
            Field::Schools => "基地学校",
            Field::Start => "开始年月",
            Field::End => "结束年月",
            Field::Period => "推广应用周期",
            Field::HolderKind => "单位类型",
            Field::City => "所在市",
            Field::Website => "网址",
            Field::Summary => "摘要",
        }
    }
}

/// (field, accepted headers) for each kind; the first header is canonical.
/// Documented in README.md (表格导入与导出) and docs/interchange.md.
pub fn table(kind: SheetKind) -> &'static [(Field, &'static [&'static str])] {
    match kind {
        SheetKind::Outcomes => OUTCOMES,
        SheetKind::Holders => HOLDERS,
        SheetKind::Regions => REGIONS,
    }
}

const SEQ: &[&str] = &["序号", "编号", "no", "no."];

const OUTCOMES: &[(Field, &[&str])] = &[
    (Field::Seq, SEQ),
    (
        Field::Title,
        &["成果名称", "成果项目名称", "项目名称", "成果题目", "名称"],
    ),
    (
        Field::Year,
        &["获奖年度", "获奖年份", "获奖时间", "获奖年", "年度"],
    ),
    (
        Field::Level,
        &["获奖等级", "等级", "获奖级别", "奖项等级", "奖励等级"],
    ),
    (
        Field::FirstPerson,
        &["第一持有人", "第一完成人", "成果第一完成人", "第一主持人"],
    ),
    (
        Field::People,
        &[
            "持有人",
            "成果持有人",
            "主要完成人",
            "完成人",
            "成果完成人",
            "主要持有人",
        ],
    ),
    (
        Field::Holder,
        &[
            "持有单位",
            "成果持有单位",
            "成果持有方",
            "持有方",
            "第一完成单位",
            "完成单位",
        ],
    ),
    (
        Field::Partners,
        &["实践检验单位", "成果实践检验单位", "实践单位", "检验单位"],
    ),
    (Field::Province, PROVINCE),
    (Field::Stages, &["学段", "适用学段", "所属学段"]),
    (
        Field::Subjects,
        &["学科", "适用学科", "所属学科", "学科领域"],
    ),
    (Field::Themes, &["主题词", "关键词", "主题", "主题标签"]),
    (Field::Promotion, &["推广方式", "推广应用方式"]),
    (Field::ContactName, &["联系人", "联系人姓名"]),
    (Field::Phone, PHONE),
    (Field::Email, EMAIL),
    (Field::Summary, &["摘要", "成果摘要"]),
    (Field::Derived, &["区域", "东中西部", "所属区域"]),
];

const PROVINCE: &[&str] = &["省份", "所在省份", "省", "省区市", "所属省份", "省级行政区"];
const PHONE: &[&str] = &["电话", "联系电话", "手机", "手机号", "联系人电话"];
const EMAIL: &[&str] = &["邮箱", "电子邮箱", "电子邮件", "email", "e-mail", "邮件"];

const HOLDERS: &[(Field, &[&str])] = &[
    (Field::Seq, SEQ),
    (
        Field::Title,
        &[
            "持有单位",
            "成果持有单位",
            "成果持有方",
            "单位名称",
            "持有方",
            "名称",
        ],
    ),
    (Field::Province, PROVINCE),
    (
        Field::HolderKind,
        &["单位类型", "类型", "单位性质", "机构类型"],
    ),
    (Field::City, &["所在市", "城市", "市", "所在城市", "地市"]),
    (Field::Website, &["网址", "网站", "主页", "单位网址"]),
    (Field::Summary, &["摘要", "简介", "单位简介"]),
    (Field::Derived, &["区域", "东中西部", "成果数"]),
];

const REGIONS: &[(Field, &[&str])] = &[
    (Field::Seq, SEQ),
    (
        Field::Title,
        &[
            "市/区县",
            "市区县",
            "成果应用方",
            "应用方",
            "应用方名称",
            "市",
            "地市",
            "区县",
            "应用地区",
        ],
    ),
    (Field::Province, PROVINCE),
    (
        Field::Outcome,
        &[
            "意向成果",
            "意向成果名称",
            "应用成果",
            "拟应用成果",
            "推广应用成果",
            "成果名称",
        ],
    ),
    (
        Field::OutcomeHolder,
        &["成果持有单位", "持有单位", "成果持有方"],
    ),
    (
        Field::Demonstration,
        &["是否示范区", "示范区", "是否国家级示范区"],
    ),
    (Field::Department, &["责任部门", "牵头部门", "责任单位"]),
    (Field::Schools, &["基地学校", "实验学校", "应用学校"]),
    (Field::Start, &["开始年月", "开始时间", "起始年月"]),
    (Field::End, &["结束年月", "结束时间", "截止年月"]),
    (
        Field::Period,
        &["推广应用周期", "周期", "起止时间", "起止年月", "应用周期"],
    ),
    (Field::Summary, &["摘要"]),
    (
        Field::Derived,
        &["区域", "东中西部", "应用成果数", "成果数"],
    ),
];

/// A header as compared: NFKC, lower case, no white space, no `*`, no
/// notes in brackets (（可多选） (必填) 【…】).
pub fn normalise(header: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    let mut depth = 0usize;
    for c in header.nfkc() {
        match c {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace() || c == '*' || c == '＊' || c == ':' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The field a header names in a sheet of `kind`.
pub fn recognise(kind: SheetKind, header: &str) -> Option<Field> {
    let h = normalise(header);
    if h.is_empty() {
        return None;
    }
    table(kind)
        .iter()
        .find(|(_, names)| names.iter().any(|n| normalise(n) == h))
        .map(|(f, _)| *f)
}

/// Fields a sheet of `kind` must have.
pub fn required(kind: SheetKind) -> &'static [Field] {
    match kind {
        SheetKind::Outcomes => &[
            Field::Title,
            Field::Year,
            Field::Level,
            Field::Holder,
            Field::Province,
            Field::Stages,
        ],
        SheetKind::Holders => &[Field::Title, Field::Province],
        SheetKind::Regions => &[Field::Title, Field::Province],
    }
}

/// Every accepted header of `kind`, for the "missing column" message.
pub fn known_headers(kind: SheetKind) -> String {
    table(kind)
        .iter()
        .filter(|(f, _)| !matches!(f, Field::Derived | Field::Seq))
        .map(|(_, names)| names[0])
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_and_notes() {
        let o = SheetKind::Outcomes;
        assert_eq!(recognise(o, "成果名称"), Some(Field::Title));
        assert_eq!(recognise(o, " 学段（可多选）"), Some(Field::Stages));
        assert_eq!(recognise(o, "*获奖\n等级"), Some(Field::Level));
        assert_eq!(recognise(o, "省（区、市）"), Some(Field::Province));
        assert_eq!(recognise(o, "E-mail"), Some(Field::Email));
        assert_eq!(recognise(o, "备注"), None);
        assert_eq!(
            recognise(SheetKind::Regions, "成果名称"),
            Some(Field::Outcome)
        );
        assert_eq!(
            recognise(SheetKind::Regions, "市（地、州、盟）"),
            Some(Field::Title)
        );
        assert_eq!(
            recognise(SheetKind::Holders, "持有单位"),
            Some(Field::Title)
        );
    }
}
