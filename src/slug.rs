//! Record ids from Chinese titles: short pinyin slugs in `[a-z0-9-]`.
//!
//! Used by `chengguo new` and by spreadsheet import. The title is cut into
//! words with jieba (the same dictionary as search), each word becomes its
//! syllables run together (中学 → `zhongxue`), and words are joined with `-`:
//! 聚奎中学借助上海教研范式打造二精课堂 → `jukui-zhongxue-jiezhu-shanghai-…`.
//! Ids are kept short by stopping at a word boundary once [`MAX_LEN`] is
//! reached; [`unique_id`] adds `-2`, `-3`, … when an id is taken.
//!
//! The pinyin table gives each character its most common reading; a small
//! table of words whose reading differs (重庆 → chongqing, 音乐 → yinyue)
//! corrects the cases that matter for this programme's names and places.

use pinyin::ToPinyin;

/// Ids stop growing at the first word boundary at or after this length.
pub const MAX_LEN: usize = 32;

/// Words whose characters' most common readings are wrong together.
const WORD_READINGS: &[(&str, &str)] = &[
    ("重庆", "chongqing"),
    ("长沙", "changsha"),
    ("长春", "changchun"),
    ("长治", "changzhi"),
    ("长宁", "changning"),
    ("厦门", "xiamen"),
    ("音乐", "yinyue"),
    ("乐山", "leshan"),
    ("成长", "chengzhang"),
    ("长大", "zhangda"),
    ("校长", "xiaozhang"),
    ("家长", "jiazhang"),
    ("省长", "shengzhang"),
    ("增长", "zengzhang"),
    ("行为", "xingwei"),
    ("银行", "yinhang"),
    ("行业", "hangye"),
    ("朝阳", "chaoyang"),
    ("蚌埠", "bengbu"),
    ("六安", "luan"),
    ("番禺", "panyu"),
    ("尉氏", "yushi"),
    ("单县", "shanxian"),
    ("曾经", "cengjing"),
    ("重点", "zhongdian"),
    ("重要", "zhongyao"),
    ("重视", "zhongshi"),
    ("重构", "chonggou"),
    ("重建", "chongjian"),
    ("数据", "shuju"),
    ("地理", "dili"),
    ("都市", "dushi"),
    ("首都", "shoudu"),
    ("成都", "chengdu"),
    ("京都", "jingdu"),
];

/// The pinyin slug of `title`, at most about [`MAX_LEN`] bytes (cut at a
/// word boundary), or `None` when the title has nothing to spell (no Han
/// character, letter or digit).
///
/// ```
/// assert_eq!(chengguo::slug::slug("重庆市大足区").as_deref(), Some("chongqingshi-dazu-qu"));
/// assert_eq!(chengguo::slug::slug("STEM 教育 2.0").as_deref(), Some("stem-jiaoyu-2-0"));
/// assert_eq!(chengguo::slug::slug("——").as_deref(), None);
/// ```
pub fn slug(title: &str) -> Option<String> {
    let text: String = unicode_normalization::UnicodeNormalization::nfkc(title).collect();
    // jieba with its HMM finds names missing from the dictionary
    // (聚奎 rather than 聚 / 奎).
    let words: Vec<&str> = crate::search::analyzer::jieba()
        .cut(&text, true)
        .into_iter()
        .map(|t| t.word)
        .collect();
    let mut out = String::new();
    for word in &words {
        if out.len() >= MAX_LEN {
            break;
        }
        for part in spell(word) {
            if out.len() >= MAX_LEN {
                break;
            }
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(&part);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The parts of one jieba word: its syllables run together for Han text,
/// lower-cased runs of ASCII letters and digits otherwise.
fn spell(word: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut cur_han = false;
    let mut rest = word;
    while let Some(c) = rest.chars().next() {
        if let Some((w, r)) = WORD_READINGS.iter().find(|(w, _)| rest.starts_with(w)) {
            if !cur.is_empty() && !cur_han {
                parts.push(std::mem::take(&mut cur));
            }
            cur_han = true;
            cur.push_str(r);
            rest = &rest[w.len()..];
            continue;
        }
        rest = &rest[c.len_utf8()..];
        let (piece, han) = if let Some(p) = c.to_pinyin() {
            (p.plain().to_string(), true)
        } else if c.is_ascii_alphanumeric() {
            (c.to_ascii_lowercase().to_string(), false)
        } else {
            if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            continue;
        };
        if !cur.is_empty() && han != cur_han {
            parts.push(std::mem::take(&mut cur));
        }
        cur_han = han;
        cur.push_str(&piece);
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    // Strip accents the table may leave (ü is written v in ids).
    parts
        .into_iter()
        .map(|p| {
            p.chars()
                .filter_map(|c| match c {
                    'ü' => Some('v'),
                    c if c.is_ascii_alphanumeric() => Some(c),
                    _ => None,
                })
                .collect::<String>()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// `base`, or `base-2`, `base-3`, … : the first that `taken` rejects not.
/// A `base` that is not a valid id (empty title) becomes `jilu` (记录).
pub fn unique_id(base: Option<&str>, taken: impl Fn(&str) -> bool) -> String {
    let base = match base {
        Some(b) if crate::content::valid_id(b) => b,
        _ => "jilu",
    };
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .expect("unbounded range")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_from_the_issue() {
        let s = slug("聚奎中学借助上海教研范式打造二精课堂").unwrap();
        assert!(s.starts_with("jukui-zhongxue-jiezhu-shanghai"), "{s}");
        assert!(s.len() <= MAX_LEN + 12, "{s}");
        assert!(crate::content::valid_id(&s), "{s}");
    }

    #[test]
    fn readings_and_mixed_text() {
        assert_eq!(slug("重庆市").unwrap(), "chongqingshi");
        assert_eq!(slug("重庆市大足区").unwrap(), "chongqingshi-dazu-qu");
        assert_eq!(
            slug("江津区四牌坊小学").unwrap(),
            "jiangjin-qu-si-paifang-xiaoxue"
        );
        assert_eq!(slug("小学音乐").unwrap(), "xiaoxue-yinyue");
        assert_eq!(slug("绿色 学校").unwrap(), "lvse-xuexiao");
        assert_eq!(slug("AI助教").unwrap(), "ai-zhujiao");
        assert_eq!(slug("  ").as_deref(), None);
    }

    #[test]
    fn unique_adds_suffix() {
        let taken = ["a", "a-2"];
        assert_eq!(unique_id(Some("a"), |x| taken.contains(&x)), "a-3");
        assert_eq!(unique_id(Some("b"), |x| taken.contains(&x)), "b");
        assert_eq!(unique_id(None, |_| false), "jilu");
        assert_eq!(unique_id(Some("-x"), |_| false), "jilu");
    }
}
