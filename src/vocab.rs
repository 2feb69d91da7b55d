//! Built-in vocabularies of the content model (provinces and their zone,
//! stages, award levels, subjects, holder kinds, …). A site may extend the
//! open ones in `site.yaml` (`vocab:`); see [`crate::config`].

/// East / central / west grouping of a province (derived, never typed in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Zone {
    East,
    Central,
    West,
    /// Hong Kong and Macao stand apart.
    Special,
}

impl Zone {
    pub fn label(self) -> &'static str {
        match self {
            Zone::East => "东部",
            Zone::Central => "中部",
            Zone::West => "西部",
            Zone::Special => "港澳",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Zone::East => "east",
            Zone::Central => "central",
            Zone::West => "west",
            Zone::Special => "hkmo",
        }
    }

    pub const ALL: [Zone; 4] = [Zone::East, Zone::Central, Zone::West, Zone::Special];
}

/// The 34 provincial-level units (full names) with their zone and an ASCII slug.
pub const PROVINCES: &[(&str, Zone, &str)] = &[
    ("北京市", Zone::East, "beijing"),
    ("天津市", Zone::East, "tianjin"),
    ("河北省", Zone::East, "hebei"),
    ("山西省", Zone::Central, "shanxi"),
    ("内蒙古自治区", Zone::West, "neimenggu"),
    ("辽宁省", Zone::East, "liaoning"),
    ("吉林省", Zone::Central, "jilin"),
    ("黑龙江省", Zone::Central, "heilongjiang"),
    ("上海市", Zone::East, "shanghai"),
    ("江苏省", Zone::East, "jiangsu"),
    ("浙江省", Zone::East, "zhejiang"),
    ("安徽省", Zone::Central, "anhui"),
    ("福建省", Zone::East, "fujian"),
    ("江西省", Zone::Central, "jiangxi"),
    ("山东省", Zone::East, "shandong"),
    ("河南省", Zone::Central, "henan"),
    ("湖北省", Zone::Central, "hubei"),
    ("湖南省", Zone::Central, "hunan"),
    ("广东省", Zone::East, "guangdong"),
    ("广西壮族自治区", Zone::West, "guangxi"),
    ("海南省", Zone::East, "hainan"),
    ("重庆市", Zone::West, "chongqing"),
    ("四川省", Zone::West, "sichuan"),
    ("贵州省", Zone::West, "guizhou"),
    ("云南省", Zone::West, "yunnan"),
    ("西藏自治区", Zone::West, "xizang"),
    ("陕西省", Zone::West, "shaanxi"),
    ("甘肃省", Zone::West, "gansu"),
    ("青海省", Zone::West, "qinghai"),
    ("宁夏回族自治区", Zone::West, "ningxia"),
    ("新疆维吾尔自治区", Zone::West, "xinjiang"),
    ("新疆生产建设兵团", Zone::West, "bingtuan"),
    ("香港特别行政区", Zone::Special, "xianggang"),
    ("澳门特别行政区", Zone::Special, "aomen"),
];

pub const STAGES: &[&str] = &[
    "学前教育",
    "小学",
    "初中",
    "普通高中",
    "特殊教育",
    "职业教育",
    "跨学段",
];

pub const LEVELS: &[&str] = &["特等奖", "一等奖", "二等奖"];

/// Subjects of the 2022 compulsory-education and the senior-secondary
/// curriculum plans (umbrella and specific), plus cross-cutting fields.
pub const SUBJECTS: &[&str] = &[
    "道德与法治",
    "思想政治",
    "语文",
    "数学",
    "外语",
    "英语",
    "日语",
    "俄语",
    "德语",
    "法语",
    "西班牙语",
    "历史",
    "地理",
    "科学",
    "物理",
    "化学",
    "生物学",
    "信息科技",
    "信息技术",
    "通用技术",
    "技术",
    "体育与健康",
    "艺术",
    "音乐",
    "美术",
    "舞蹈",
    "戏剧",
    "影视",
    "劳动",
    "综合实践活动",
    "德育",
    "心理健康",
    "教研",
    "学校管理",
    "评价",
    "综合",
];

pub const HOLDER_KINDS: &[&str] = &[
    "教研机构",
    "中小学",
    "幼儿园",
    "高等学校",
    "教育行政部门",
    "其他",
];

pub const PROMOTION: &[&str] = &["文字", "视频", "课程", "工作室"];

pub const MEDIA_KINDS: &[&str] = &["video", "document", "image", "course", "link"];

/// Zone of a built-in province, or `None` for a site-added one.
pub fn zone_of(province: &str) -> Option<Zone> {
    PROVINCES
        .iter()
        .find(|(p, _, _)| *p == province)
        .map(|(_, z, _)| *z)
}

/// Short name of a province for compact tables (上海市 → 上海).
pub fn short_province(name: &str) -> &str {
    for suffix in [
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "特别行政区",
        "自治区",
        "省",
        "市",
    ] {
        if let Some(s) = name.strip_suffix(suffix) {
            if !s.is_empty() {
                return s;
            }
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_four_provinces_with_zones() {
        assert_eq!(PROVINCES.len(), 34);
        let west = PROVINCES.iter().filter(|p| p.1 == Zone::West).count();
        let east = PROVINCES.iter().filter(|p| p.1 == Zone::East).count();
        let central = PROVINCES.iter().filter(|p| p.1 == Zone::Central).count();
        assert_eq!((east, central, west), (11, 8, 13));
        assert_eq!(zone_of("新疆生产建设兵团"), Some(Zone::West));
        assert_eq!(zone_of("香港特别行政区"), Some(Zone::Special));
        assert_eq!(short_province("广西壮族自治区"), "广西");
    }
}
