//! From paragraphs to an article: what is the title, what are headings,
//! which lines are front-matter facts rather than body text.
//!
//! - **Title**: the first `Title`-style paragraph; else, among the first
//!   paragraphs (after a notice's header lines), the first short one that is
//!   centred, all bold or a level-1 heading; two such lines in a row are one
//!   title split over two lines (long notice titles are).
//! - **Subtitle**: a `Subtitle`-style paragraph or one starting with “——”
//!   right after the title.
//! - **Headings**: heading styles and outline levels, and Chinese ordinals
//!   at the start of short paragraphs: 一、 / （一） / 1. / （1）. Each kind
//!   gets one level for the whole document (its styled level where a styled
//!   paragraph has it, else by rank), starting at `##` (the title is the
//!   page's `#`). A short `1.` or `（1）` paragraph followed by another of
//!   the same kind is a list item, not a heading, unless it is bold.
//! - **Facts**: the byline “（撰稿：…；撰稿单位：…）”, a date line
//!   “2024年6月18日” (or 二〇二四年六月十八日), the 文号 “教基厅函〔2024〕24号”, the
//!   issuer (header lines before the 文号, or the short line before the
//!   date), and the “附件：” list. They leave the body (the 附件 list stays:
//!   readers need it until the files are added).
//! - **Figures**: a paragraph that is only a picture, with the caption that
//!   follows it (`Caption` style, or “图1 …”).

use super::read::{Align, Block, Doc, Inline, Para, Table};
use super::styles::Role;

#[derive(Debug, Default)]
pub struct Article {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub source: Option<String>,
    pub date: Option<String>,
    pub number: Option<String>,
    pub issuer: Option<String>,
    pub attachments: Vec<String>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub enum Item {
    /// Level 2–6 (`##` …).
    Heading(u8, Para),
    Para(Para),
    Figure {
        part: String,
        alt: String,
        caption: Option<Para>,
    },
    Table(Table),
}

/// Longest paragraph (in characters) read as a heading or title.
const SHORT: usize = 40;
const TITLE_MAX: usize = 80;

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .ends_with(['。', '；', ';', '，', ',', '：', ':', '！', '？'])
}

/// The ordinal kind a text starts with: 0 一、, 1 （一）, 2 1. , 3 （1）.
pub fn ordinal(s: &str) -> Option<usize> {
    const CN: &str = "一二三四五六七八九十";
    let s = s.trim_start();
    let mut it = s.chars().peekable();
    let first = *it.peek()?;
    if CN.contains(first) {
        let n = s.chars().take_while(|c| CN.contains(*c)).count();
        return (n <= 3 && s.chars().nth(n) == Some('、')).then_some(0);
    }
    if first == '（' || first == '(' {
        let inner: String = s
            .chars()
            .skip(1)
            .take_while(|c| *c != '）' && *c != ')')
            .collect();
        let n = chars(&inner);
        if n == 0 || n > 3 || s.chars().nth(n + 1).is_none() {
            return None;
        }
        if inner.chars().all(|c| CN.contains(c)) {
            return Some(1);
        }
        if inner.chars().all(|c| c.is_ascii_digit()) {
            return Some(3);
        }
        return None;
    }
    if first.is_ascii_digit() {
        let n = s.chars().take_while(char::is_ascii_digit).count();
        let next = s.chars().nth(n)?;
        let after = s.chars().nth(n + 1);
        if n <= 2 && matches!(next, '.' | '．' | '、') && !after.is_some_and(|c| c.is_ascii_digit())
        {
            return Some(2);
        }
    }
    None
}

/// `2024年6月18日` or `二〇二四年六月十八日` (the whole text) → `2024-06-18`.
pub fn date_line(s: &str) -> Option<String> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.strip_suffix('日').or_else(|| s.strip_suffix('号'))?;
    let (y, rest) = s.split_once('年')?;
    let (m, d) = rest.split_once('月')?;
    let y = number(y, true)?;
    let (m, d) = (number(m, false)?, number(d, false)?);
    let ok = (1900..=2199).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d);
    ok.then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Arabic digits, or Chinese numerals (digit by digit for years, with 十
/// for months and days).
fn number(s: &str, digitwise: bool) -> Option<u32> {
    if s.is_empty() || chars(s) > 4 {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|x| x == c)
            .or_else(|| (c == '零' || c == 'О' || c == '○').then_some(0))
    };
    if digitwise {
        return s
            .chars()
            .try_fold(0u32, |acc, c| Some(acc * 10 + digit(c)? as u32));
    }
    match s.chars().collect::<Vec<_>>().as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c).map(|d| d as u32),
        ['十', c] => Some(10 + digit(*c)? as u32),
        [c, '十'] => Some(digit(*c)? as u32 * 10),
        [a, '十', b] => Some(digit(*a)? as u32 * 10 + digit(*b)? as u32),
        _ => None,
    }
}

/// `教基厅函〔2024〕24号`, `柳教办[2021]21号` (the whole text).
pub fn doc_number(s: &str) -> Option<String> {
    let s = s.trim();
    let open = s.find(['〔', '[', '［', '【', '（', '('])?;
    let prefix = &s[..open];
    let rest = &s[open..];
    let mut it = rest.chars();
    it.next();
    let year: String = it.clone().take_while(char::is_ascii_digit).collect();
    let after: String = it.skip(year.len()).collect();
    let mut a = after.chars();
    let close = a.next()?;
    let tail: String = a.collect();
    let num = tail.strip_suffix('号')?;
    let ok = !prefix.is_empty()
        && chars(prefix) <= 12
        && prefix
            .chars()
            .all(|c| !c.is_ascii_punctuation() && !c.is_whitespace())
        && year.len() == 4
        && matches!(close, '〕' | ']' | '］' | '】' | '）' | ')')
        && !num.is_empty()
        && num.chars().all(|c| c.is_ascii_digit());
    ok.then(|| s.to_string())
}

/// `（撰稿：张三、李四；撰稿单位：某某中学）` → (authors, source).
pub fn byline(s: &str) -> Option<(Vec<String>, Option<String>)> {
    let t = s.trim();
    let inner = t
        .strip_prefix(['（', '('])
        .and_then(|x| x.strip_suffix(['）', ')']))
        .unwrap_or(t);
    let mut authors = Vec::new();
    let mut source = None;
    let mut any = false;
    for part in inner.split(['；', ';']) {
        let (k, v) = part.split_once(['：', ':'])?;
        let (k, v) = (k.trim(), v.trim());
        match k {
            "撰稿" | "撰稿人" | "作者" | "执笔" | "执笔人" | "文" | "供稿人" => {
                authors.extend(
                    v.split(['、', '，', ',', ' ', '　'])
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(str::to_string),
                );
                any = true;
            }
            "撰稿单位" | "单位" | "供稿单位" | "供稿" | "来源" => {
                source = Some(v.to_string()).filter(|v| !v.is_empty());
                any = true;
            }
            _ => return None,
        }
    }
    any.then_some((authors, source))
}

fn is_empty(p: &Para) -> bool {
    p.text().trim().is_empty()
        && !p
            .inlines
            .iter()
            .any(|i| !matches!(i, Inline::Text { .. } | Inline::Break))
}

fn only_pictures(p: &Para) -> bool {
    p.text().trim().is_empty() && p.pictures().next().is_some()
}

fn is_caption(p: &Para) -> bool {
    let t = p.text();
    let t = t.trim();
    p.role == Role::Caption
        || (chars(t) <= TITLE_MAX
            && t.strip_prefix('图').is_some_and(|r| {
                r.trim_start()
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
            }))
}

/// Trim the paragraph's text at both ends (full-width indent spaces too).
fn trim(p: &mut Para) {
    let blank = |c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}';
    while let Some(Inline::Break) = p.inlines.first() {
        p.inlines.remove(0);
    }
    while let Some(Inline::Break) = p.inlines.last() {
        p.inlines.pop();
    }
    if let Some(Inline::Text { text, .. }) = p.inlines.first_mut() {
        *text = text.trim_start_matches(blank).to_string();
    }
    if let Some(Inline::Text { text, .. }) = p.inlines.last_mut() {
        *text = text.trim_end_matches(blank).to_string();
    }
    p.inlines
        .retain(|i| !matches!(i, Inline::Text { text, .. } if text.is_empty()));
}

fn plain(p: &Para) -> String {
    p.text().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Make the article of `doc`. `notice`: look for the issuer and 附件.
pub fn article(doc: Doc, notice: bool) -> Article {
    let mut a = Article::default();
    // Paragraph-level list with tables kept in place.
    let mut blocks: Vec<Block> = Vec::new();
    for b in doc.blocks {
        match b {
            Block::Para(mut p) => {
                trim(&mut p);
                if !is_empty(&p) {
                    blocks.push(Block::Para(p));
                }
            }
            Block::Table(mut t) => {
                for row in &mut t.rows {
                    for c in row.iter_mut() {
                        c.paras.iter_mut().for_each(trim);
                        c.paras.retain(|p| !is_empty(p));
                    }
                }
                t.rows.retain(|r| !r.is_empty());
                if !t.rows.is_empty() {
                    blocks.push(Block::Table(t));
                }
            }
        }
    }
    let text_of = |b: &Block| match b {
        Block::Para(p) => Some(plain(p)),
        Block::Table(_) => None,
    };
    let mut gone = vec![false; blocks.len()];
    // Paragraphs that are never headings (the items of the 附件 list).
    let mut plain_para = vec![false; blocks.len()];
    // 文号, and header lines above it.
    if let Some(i) = blocks
        .iter()
        .take(12)
        .position(|b| text_of(b).and_then(|t| doc_number(&t)).is_some())
    {
        a.number = text_of(&blocks[i]).and_then(|t| doc_number(&t));
        gone[i] = true;
        for j in 0..i {
            let t = text_of(&blocks[j]).unwrap_or_default();
            if chars(&t) <= 30 && !ends_sentence(&t) && a.issuer.is_none() && notice {
                let t = t.strip_suffix("文件").unwrap_or(&t).trim().to_string();
                a.issuer = Some(t);
                gone[j] = true;
            }
        }
    }
    // Title.
    let first = |gone: &[bool]| {
        (0..blocks.len())
            .filter(|i| !gone[*i])
            .take(6)
            .collect::<Vec<_>>()
    };
    let styled = (0..blocks.len())
        .find(|&i| !gone[i] && matches!(&blocks[i], Block::Para(p) if p.role == Role::Title));
    let title_at = styled.or_else(|| {
        first(&gone).into_iter().find(|&i| match &blocks[i] {
            Block::Para(p) => {
                let t = plain(p);
                chars(&t) <= TITLE_MAX
                    && !ends_sentence(&t)
                    && date_line(&t).is_none()
                    && byline(&t).is_none()
                    && (p.align == Align::Center || p.all_bold() || p.role == Role::Heading(1))
            }
            Block::Table(_) => false,
        })
    });
    let title_at = title_at.or_else(|| {
        first(&gone).into_iter().next().filter(|&i| {
            text_of(&blocks[i]).is_some_and(|t| chars(&t) <= TITLE_MAX && !ends_sentence(&t))
        })
    });
    let mut after_title = 0;
    if let Some(i) = title_at {
        let Block::Para(p) = &blocks[i] else {
            unreachable!()
        };
        let mut title = plain(p);
        let (align, bold, role) = (p.align, p.all_bold(), p.role);
        gone[i] = true;
        after_title = i + 1;
        // A title split over two lines.
        if let Some(Block::Para(q)) = blocks.get(i + 1) {
            let t = plain(q);
            let same = q.role == role && q.align == align && q.all_bold() == bold;
            if same
                && (align == Align::Center || role == Role::Title)
                && chars(&title) + chars(&t) <= TITLE_MAX
                && !t.starts_with(['—', '-', '（', '('])
                && date_line(&t).is_none()
                && doc_number(&t).is_none()
            {
                title.push_str(&t);
                gone[i + 1] = true;
                after_title = i + 2;
            }
        }
        a.title = Some(title);
    }
    // Subtitle.
    if let Some(Block::Para(p)) = blocks.get(after_title) {
        let t = plain(p);
        if p.role == Role::Subtitle || t.starts_with("——") || t.starts_with("--") {
            let s = t.trim_start_matches(['—', '-', ' ']).trim().to_string();
            if !s.is_empty() {
                a.subtitle = Some(s);
                gone[after_title] = true;
            }
        }
    }
    // Byline, date, issuer before the date, 附件.
    for i in 0..blocks.len() {
        if gone[i] {
            continue;
        }
        let Some(t) = text_of(&blocks[i]) else {
            continue;
        };
        if a.authors.is_empty() && a.source.is_none() {
            if let Some((au, src)) = byline(&t) {
                a.authors = au;
                a.source = src;
                gone[i] = true;
                continue;
            }
        }
        if a.date.is_none() {
            if let Some(d) = date_line(&t) {
                a.date = Some(d);
                gone[i] = true;
                // The issuer's signature line above the date.
                if notice {
                    if let Some(j) = (0..i).rev().find(|j| !gone[*j]) {
                        if let Block::Para(p) = &blocks[j] {
                            let s = plain(p);
                            let fits = chars(&s) <= 30
                                && !ends_sentence(&s)
                                && ordinal(&s).is_none()
                                && p.align != Align::Left;
                            if fits && a.issuer.as_ref().is_none_or(|x| *x == s) {
                                a.issuer = Some(s);
                                gone[j] = true;
                            }
                        }
                    }
                }
                continue;
            }
        }
        if notice && a.attachments.is_empty() {
            if let Some(rest) = t.strip_prefix("附件：").or_else(|| t.strip_prefix("附件:")) {
                let mut items = Vec::new();
                if !rest.trim().is_empty() {
                    items.push(rest.trim().to_string());
                }
                for (j, b) in blocks.iter().enumerate().skip(i + 1) {
                    let Some(t) = text_of(b) else { break };
                    if ordinal(&t) == Some(2) && chars(&t) <= TITLE_MAX && !ends_sentence(&t) {
                        items.push(t);
                        plain_para[j] = true;
                    } else {
                        break;
                    }
                }
                a.attachments = attachment_titles(&items);
            }
        }
    }
    if notice && a.issuer.is_none() {
        if let Some((who, _)) = a.title.as_deref().and_then(|t| t.split_once("关于")) {
            if !who.is_empty() && chars(who) <= 30 {
                a.issuer = Some(who.to_string());
            }
        }
    }
    let (kept, plain_para): (Vec<Block>, Vec<bool>) = blocks
        .into_iter()
        .zip(gone.into_iter().zip(plain_para))
        .filter(|(_, (g, _))| !g)
        .map(|(b, (_, p))| (b, p))
        .unzip();
    a.items = body(kept, &plain_para);
    a
}

/// `1. 成果信息一览表` → `附件1 成果信息一览表`; a single unnumbered item
/// stays as it is.
fn attachment_titles(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|t| {
            let n: String = t.chars().take_while(char::is_ascii_digit).collect();
            if n.is_empty() {
                return t.clone();
            }
            let rest = t[n.len()..]
                .trim_start_matches(['.', '．', '、', ' '])
                .trim();
            format!("附件{n} {rest}")
        })
        .collect()
}

/// Headings, figures and the rest, in order.
fn body(blocks: Vec<Block>, plain_para: &[bool]) -> Vec<Item> {
    // Styled heading levels used → 2, 3, …
    let mut styled: Vec<u8> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(Para {
                role: Role::Heading(l),
                ..
            }) => Some(*l),
            Block::Para(Para {
                role: Role::Title, ..
            }) => Some(0),
            _ => None,
        })
        .collect();
    styled.sort_unstable();
    styled.dedup();
    let level_of_style = |l: u8| -> u8 {
        let rank = styled.iter().position(|x| *x == l).unwrap_or(0) as u8;
        (2 + rank).min(6)
    };
    let candidate = |i: usize| -> Option<usize> {
        let Block::Para(p) = &blocks[i] else {
            return None;
        };
        if plain_para[i] {
            return None;
        }
        if p.list.is_some() || p.pictures().next().is_some() {
            return None;
        }
        let t = plain(p);
        let k = ordinal(&t)?;
        (chars(&t) <= SHORT && (!ends_sentence(&t) || p.all_bold())).then_some(k)
    };
    // Which paragraphs are ordinal headings.
    let mut ord_heading: Vec<Option<usize>> = vec![None; blocks.len()];
    for i in 0..blocks.len() {
        let Some(k) = candidate(i) else { continue };
        let Block::Para(p) = &blocks[i] else { continue };
        if k >= 2 && !p.all_bold() && !matches!(p.role, Role::Heading(_)) {
            let next = (i + 1 < blocks.len()).then(|| candidate(i + 1)).flatten();
            if next == Some(k) {
                continue;
            }
        }
        ord_heading[i] = Some(k);
    }
    // One level per ordinal kind.
    let mut kinds: Vec<usize> = ord_heading.iter().flatten().copied().collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut kind_level = [0u8; 4];
    for (rank, k) in kinds.iter().enumerate() {
        let styled_level = (0..blocks.len()).find_map(|i| match (&blocks[i], ord_heading[i]) {
            (
                Block::Para(Para {
                    role: Role::Heading(l),
                    ..
                }),
                Some(x),
            ) if x == *k => Some(level_of_style(*l)),
            _ => None,
        });
        kind_level[*k] = styled_level.unwrap_or((2 + rank as u8).min(6));
    }
    let mut out = Vec::new();
    let mut it = blocks.into_iter().enumerate().peekable();
    while let Some((i, b)) = it.next() {
        let p = match b {
            Block::Table(t) => {
                out.push(Item::Table(t));
                continue;
            }
            Block::Para(p) => p,
        };
        if only_pictures(&p) {
            let pics: Vec<(String, String)> = p
                .pictures()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            let caption = match it.peek() {
                Some((_, Block::Para(c))) if is_caption(c) && c.pictures().next().is_none() => {
                    let Some((_, Block::Para(c))) = it.next() else {
                        unreachable!()
                    };
                    Some(c)
                }
                _ => None,
            };
            let n = pics.len();
            for (k, (part, alt)) in pics.into_iter().enumerate() {
                out.push(Item::Figure {
                    part,
                    alt,
                    caption: if k + 1 == n { caption.clone() } else { None },
                });
            }
            continue;
        }
        if let Some(k) = ord_heading[i] {
            out.push(Item::Heading(kind_level[k], p));
        } else if let Role::Heading(l) = p.role {
            out.push(Item::Heading(level_of_style(l), p));
        } else if p.role == Role::Title {
            out.push(Item::Heading(level_of_style(0), p));
        } else {
            out.push(Item::Para(p));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals() {
        assert_eq!(ordinal("一、背景与问题"), Some(0));
        assert_eq!(ordinal("十二、其他"), Some(0));
        assert_eq!(ordinal("（一）总体要求"), Some(1));
        assert_eq!(ordinal("(三)做法"), Some(1));
        assert_eq!(ordinal("1.加强领导"), Some(2));
        assert_eq!(ordinal("2、分层作业"), Some(2));
        assert_eq!(ordinal("（1）课前"), Some(3));
        assert_eq!(ordinal("1.5倍"), None);
        assert_eq!(ordinal("一些学校"), None);
        assert_eq!(ordinal("（注）"), None);
    }

    #[test]
    fn facts() {
        assert_eq!(date_line("2024年6月18日").as_deref(), Some("2024-06-18"));
        assert_eq!(
            date_line("二〇二四年七月三十日").as_deref(),
            Some("2024-07-30")
        );
        assert_eq!(date_line("2024年13月1日"), None);
        assert_eq!(date_line("截至2024年6月18日"), None);
        assert_eq!(
            doc_number("教基厅函〔2024〕24号").as_deref(),
            Some("教基厅函〔2024〕24号")
        );
        assert_eq!(
            doc_number("柳教办[2021]21号").as_deref(),
            Some("柳教办[2021]21号")
        );
        assert_eq!(doc_number("关于〔2024〕的说明"), None);
        let (au, src) = byline("（撰稿：张三、李四；撰稿单位：江津区教师发展中心）").unwrap();
        assert_eq!(au, ["张三", "李四"]);
        assert_eq!(src.as_deref(), Some("江津区教师发展中心"));
        assert!(byline("（一）总体要求").is_none());
        assert_eq!(
            attachment_titles(&["1. 成果信息一览表".into()]),
            ["附件1 成果信息一览表"]
        );
    }
}
