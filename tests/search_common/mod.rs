//! Shared helpers of the search integration tests: a deterministic synthetic
//! corpus with the hard cases (words crossing jieba boundaries, full-width
//! and mixed-case Latin, digits, punctuation, emoji, whitespace, several
//! extra strings) and the brute-force ground truth.
#![allow(dead_code)]

use chengguo::search::{analyzer, SearchDoc};

/// xorshift64* PRNG (deterministic, no dependency).
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

pub const WORDS: &[&str] = &[
    "作业设计",
    "大概念",
    "课程德育",
    "北京十一学校",
    "专递课堂",
    "立德树人",
    "教学成果",
    "推广应用",
    "示范区",
    "教研",
    "学习进阶",
    "生活化",
    "物理实验",
    "远程教育",
    "大数据",
    "课程改革",
    "新优质学校",
    "育人模式",
    "学校转型",
    "课程标准",
    "区域教学改进",
    "民族文化",
    "美的教育",
    "江津区",
    "柳州市",
    "清远市",
    "聚奎中学",
    "二精课堂",
    "西城小学",
    "诗教",
    "双减",
    "提质",
    "教师",
    "学生",
    "课堂",
    "质量",
    "提高",
    "如何",
    "实践",
    "研究",
    "体系",
    "创新",
    "阿拉伯半岛",
    "一体化",
    "上海",
    "重庆",
    "广西",
    "广东",
    "STEAM",
    "ＳＴＥＡＭ",
    "Steam",
    "AI",
    "2024",
    "２０２２",
    "教基厅函〔2024〕24号",
    "①",
    "㈱",
    "😀",
    "哈哈哈",
    "十一",
    "一学",
    "学校",
    "中学",
    "小学",
    "初中",
    "普通高中",
    "的",
    "和",
    "是",
    "在",
    "了",
    "，",
    "。",
    "、",
    "“",
    "”",
    "：",
    "（",
    "）",
    " ",
    "\n",
    "　",
];

fn text(r: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for _ in 0..words {
        if r.below(9) == 0 {
            // a random CJK character for variety
            s.push(char::from_u32(0x4e00 + r.below(400) as u32).unwrap_or('中'));
        } else {
            let w: &&str = r.pick(WORDS);
            s.push_str(w);
        }
    }
    s
}

pub const KINDS: &[(&str, &str)] = &[
    ("outcomes", "成果"),
    ("holders", "成果持有方"),
    ("regions", "成果应用方"),
    ("cases", "典型案例"),
    ("notices", "通知公告"),
    ("pages", "页面"),
];

/// `n` records; body length about `body_words` words.
pub fn corpus(n: usize, body_words: usize, seed: u64) -> Vec<SearchDoc> {
    let mut r = Rng(seed | 1);
    let mut docs: Vec<SearchDoc> = (0..n)
        .map(|i| {
            let (kind, label) = *r.pick(KINDS);
            let extra_n = r.below(4);
            let extra = (0..extra_n)
                .map(|_| {
                    let n = 1 + r.below(4);
                    text(&mut r, n)
                })
                .collect();
            let (tn, sn, bn) = (
                2 + r.below(4),
                3 + r.below(10),
                body_words / 2 + r.below(body_words + 1),
            );
            let stage = (*r.pick(&["小学", "初中", "普通高中"])).to_string();
            let province = (*r.pick(&["上海市", "重庆市", "广西壮族自治区"])).to_string();
            let year = (*r.pick(&["2014", "2018", "2022"])).to_string();
            SearchDoc {
                id: format!("doc-{i:05}"),
                kind: kind.to_string(),
                kind_label: label.to_string(),
                title: text(&mut r, tn),
                url: format!("{kind}/doc-{i:05}.html"),
                summary: text(&mut r, sn),
                body: text(&mut r, bn).into(),
                extra,
                facets: vec![
                    ("stage".to_string(), vec![stage]),
                    ("province".to_string(), vec![province]),
                    ("year".to_string(), vec![year]),
                ],
            }
        })
        .collect();
    docs.sort_by(|a, b| (&a.kind, &a.id).cmp(&(&b.kind, &b.id)));
    docs
}

/// Normalised field values of a record (each separate).
pub fn fields(d: &SearchDoc) -> Vec<String> {
    let mut v = vec![
        analyzer::normalize(&d.title),
        analyzer::normalize(&d.summary),
        analyzer::normalize(&d.body),
    ];
    v.extend(d.extra.iter().map(|e| analyzer::normalize(e)));
    v
}

/// Ids of the records whose text contains every chunk of `q` (brute force).
pub fn ground_truth(docs: &[SearchDoc], norm_fields: &[Vec<String>], q: &str) -> Vec<String> {
    let chunks = analyzer::query_chunks(q);
    if chunks.is_empty() {
        return Vec::new();
    }
    docs.iter()
        .zip(norm_fields)
        .filter(|(_, f)| {
            chunks
                .iter()
                .all(|c| f.iter().any(|v| v.contains(c.as_str())))
        })
        .map(|(d, _)| d.id.clone())
        .collect()
}

/// Random queries: substrings of record texts (1–9 characters, some across
/// word boundaries), two-chunk queries, and strings found nowhere.
pub fn queries(docs: &[SearchDoc], n: usize, seed: u64) -> Vec<String> {
    let mut r = Rng(seed | 1);
    let mut out = Vec::new();
    while out.len() < n {
        let d = r.pick(docs);
        let src = match r.below(4) {
            0 => d.title.clone(),
            1 => d.summary.clone(),
            2 => d
                .extra
                .first()
                .cloned()
                .unwrap_or_else(|| d.body.to_string()),
            _ => d.body.to_string(),
        };
        let norm: Vec<char> = analyzer::normalize(&src).chars().collect();
        if norm.is_empty() {
            continue;
        }
        let len = 1 + r.below(9);
        let a = r.below(norm.len());
        let s: String = norm[a..(a + len).min(norm.len())].iter().collect();
        let s = s.split(analyzer::is_space).next().unwrap_or("").to_string();
        if s.is_empty() {
            continue;
        }
        match r.below(6) {
            0 => {
                let other = (*r.pick(WORDS)).trim().to_string();
                if !other.is_empty() {
                    out.push(format!("{s} {other}"));
                }
            }
            1 => out.push(format!("{s}不存在词")),
            _ => out.push(s),
        }
    }
    out
}
