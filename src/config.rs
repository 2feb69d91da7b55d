//! Config stage: read `site.yaml` (title, texts, optional `base_url`, theme
//! name, vocabulary extensions, photo settings) into a [`Config`]. Unknown
//! keys are errors, located like content errors.

use std::path::Path;

use crate::content::frontmatter::{self, Key, Node, Value};
use crate::diag::{did_you_mean, quote, Diagnostics, Pos};
use crate::vocab;

/// Site configuration. Vocabularies are the built-in ones plus extensions.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub subtitle: String,
    pub description: String,
    pub language: String,
    /// Absolute base URL ending with '/', enabling sitemap.xml and feeds.
    pub base_url: Option<String>,
    pub theme: String,
    /// Where `theme` is written in site.yaml (for "theme not found").
    pub theme_pos: Pos,
    /// Programme introduction for the home page (Markdown).
    pub intro: String,
    /// Per line of `intro`: where that line's text starts in site.yaml
    /// (None when it cannot be found, e.g. a folded line).
    pub intro_lines: Vec<Option<Pos>>,
    /// Where the intro value starts in site.yaml.
    pub intro_pos: Pos,
    pub vocab: Vocab,
    /// How photos are derived (`images:`; [`crate::images`]).
    pub images: crate::images::Settings,
}

/// Closed vocabularies after extension by `site.yaml`.
#[derive(Debug, Clone)]
pub struct Vocab {
    pub provinces: Vec<String>,
    pub stages: Vec<String>,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
}

impl Default for Vocab {
    fn default() -> Self {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Vocab {
            provinces: vocab::PROVINCES.iter().map(|p| p.0.to_string()).collect(),
            stages: own(vocab::STAGES),
            subjects: own(vocab::SUBJECTS),
            levels: own(vocab::LEVELS),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "基础教育国家级优秀教学成果推广应用".into(),
            subtitle: String::new(),
            description: String::new(),
            language: "zh-CN".into(),
            base_url: None,
            theme: "default".into(),
            theme_pos: Pos::START,
            intro: String::new(),
            intro_lines: Vec::new(),
            intro_pos: Pos::START,
            vocab: Vocab::default(),
            images: crate::images::Settings::default(),
        }
    }
}

pub const FILE: &str = "site.yaml";

/// The keys of `site.yaml`.
const KEYS: [&str; 9] = [
    "title",
    "subtitle",
    "description",
    "language",
    "base_url",
    "theme",
    "intro",
    "vocab",
    "images",
];

/// Load `site/site.yaml`. A missing or broken file is an error in `diags`
/// and yields the defaults so that content can still be checked.
pub fn load(site: &Path, diags: &mut Diagnostics) -> Config {
    let mut cfg = Config::default();
    let path = site.join(FILE);
    let mut text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diags.error(
                FILE,
                Pos::START,
                format!("找不到站点配置 {FILE}：{} 不是 chengguo 站点目录；请进入站点目录再运行，或用 chengguo init 新建站点", site.display()),
            );
            return cfg;
        }
        Err(e) => {
            diags.error(
                FILE,
                Pos::START,
                format!("无法读取站点配置 {FILE}：{}", crate::diag::io_reason(&e)),
            );
            return cfg;
        }
    };
    // Same rules as record files: BOM and CRLF are read, with a warning.
    if let Some(t) = text.strip_prefix('\u{feff}') {
        diags.warning(
            FILE,
            Pos::START,
            "文件开头有 BOM 标记，已忽略；建议保存为“UTF-8（无 BOM）”",
        );
        text = t.to_string();
    }
    if let Some(i) = text.find('\r') {
        diags.warning(
            FILE,
            Pos::from_offset(&text, i),
            "文件使用 Windows（CRLF）换行，已按 LF 处理；建议编辑器保存为 LF 换行",
        );
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
    let fields = match frontmatter::parse_document(&text) {
        Ok(f) => f,
        Err(e) => {
            diags.error(FILE, e.pos(), e.to_string());
            return cfg;
        }
    };
    for (key, node) in &fields {
        let s = |d: &mut Diagnostics| str_of(key, node, d);
        match key.name.as_str() {
            "title" => {
                if let Some(v) = s(diags) {
                    cfg.title = v
                }
            }
            "subtitle" => cfg.subtitle = s(diags).unwrap_or_default(),
            "description" => cfg.description = s(diags).unwrap_or_default(),
            "language" => cfg.language = s(diags).unwrap_or_else(|| "zh-CN".into()),
            "theme" => {
                if let Some(v) = s(diags) {
                    if crate::content::valid_id(&v) {
                        cfg.theme = v;
                        cfg.theme_pos = node.pos;
                    } else {
                        diags.error(
                            FILE,
                            node.pos,
                            format!(
                                "theme 的值{}不是有效的主题名：只能用小写英文字母、数字和连字符（-），如 default；主题放在 themes/<主题名>/ 文件夹中",
                                quote(&v)
                            ),
                        );
                    }
                }
            }
            "intro" => {
                cfg.intro = s(diags).unwrap_or_default();
                cfg.intro_pos = node.pos;
                cfg.intro_lines = intro_lines(&text, &cfg.intro, node.pos);
            }
            "base_url" => {
                if let Some(mut v) = s(diags) {
                    if !(v.starts_with("http://") || v.starts_with("https://")) {
                        let hint = if v.contains("://") || v.contains(char::is_whitespace) {
                            String::new()
                        } else {
                            format!("（是否要写“https://{v}”？）")
                        };
                        diags.error(
                            FILE,
                            node.pos,
                            format!(
                                "base_url 的值{}不是网址：应以 http:// 或 https:// 开头，如 https://example.org/chengguo/{hint}",
                                quote(&v)
                            ),
                        );
                    } else {
                        if !v.ends_with('/') {
                            v.push('/');
                        }
                        cfg.base_url = Some(v);
                    }
                }
            }
            "vocab" => extend_vocab(node, &mut cfg.vocab, diags),
            "images" => images(node, &mut cfg.images, diags),
            other => diags.error(
                FILE,
                key.pos,
                format!(
                    "未知的配置项“{other}”：可用的配置项为 {}{}",
                    KEYS.join("、"),
                    did_you_mean(other, KEYS)
                ),
            ),
        }
    }
    cfg
}

/// Where each line of the intro's text starts in site.yaml: searched for
/// line by line from the value's position on (a block scalar `|` keeps its
/// lines; its indentation is what shifts the columns).
fn intro_lines(file: &str, intro: &str, at: Pos) -> Vec<Option<Pos>> {
    let file_lines: Vec<&str> = file.lines().collect();
    let mut next = at.line.saturating_sub(1);
    let mut out = Vec::new();
    for line in intro.lines() {
        let t = line.trim_end();
        if t.is_empty() {
            out.push(None);
            continue;
        }
        let found = (next..file_lines.len()).find_map(|i| {
            let fl = file_lines[i];
            let from = if i + 1 == at.line {
                fl.char_indices()
                    .nth(at.col - 1)
                    .map_or(fl.len(), |(b, _)| b)
            } else {
                0
            };
            fl[from..].find(t).map(|b| (i, from + b))
        });
        match found {
            Some((i, b)) => {
                out.push(Some(Pos::new(
                    i + 1,
                    file_lines[i][..b].chars().count() + 1,
                )));
                next = i + 1;
            }
            None => out.push(None),
        }
    }
    out
}

impl Config {
    /// Diagnostics of the rendered intro (positions in the intro's text)
    /// moved to where that text is in site.yaml.
    pub fn locate_intro(&self, d: &Diagnostics) -> Diagnostics {
        let mut out = Diagnostics::new();
        for x in d.iter() {
            let pos = match self.intro_lines.get(x.pos.line.wrapping_sub(1)) {
                Some(Some(p)) => Pos::new(p.line, p.col + x.pos.col - 1),
                _ => self.intro_pos,
            };
            if x.is_error() {
                out.error(&x.path, pos, x.message.clone());
            } else {
                out.warning(&x.path, pos, x.message.clone());
            }
        }
        out
    }
}

fn str_of(key: &Key, node: &Node, diags: &mut Diagnostics) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Null => None,
        other => {
            diags.error(
                FILE,
                node.pos,
                format!(
                    "{} 应为文本，实际是{}；如确实要写这个值，请用英文引号把值括起来",
                    key.name,
                    other.describe()
                ),
            );
            None
        }
    }
}

fn extend_vocab(node: &Node, vocab: &mut Vocab, diags: &mut Diagnostics) {
    let Value::Map(m) = &node.value else {
        diags.error(
            FILE,
            node.pos,
            format!(
                "vocab 应为 provinces、stages、subjects、levels 几项词表，如 vocab: {{subjects: [书法]}}，实际是{}",
                node.value.describe()
            ),
        );
        return;
    };
    for (k, v) in m {
        let target = match k.name.as_str() {
            "provinces" => &mut vocab.provinces,
            "stages" => &mut vocab.stages,
            "subjects" => &mut vocab.subjects,
            "levels" => &mut vocab.levels,
            other => {
                diags.error(
                    FILE,
                    k.pos,
                    format!(
                        "vocab 下有未知的词表“{other}”：可扩充的词表为 provinces（省份）、stages（学段）、subjects（学科）、levels（获奖等级）{}",
                        did_you_mean(other, ["provinces", "stages", "subjects", "levels"])
                    ),
                );
                continue;
            }
        };
        let items: Vec<(String, &Node)> = match &v.value {
            Value::List(l) => l
                .iter()
                .enumerate()
                .map(|(i, x)| (format!("vocab.{} 第 {} 项", k.name, i + 1), x))
                .collect(),
            _ => vec![(format!("vocab.{}", k.name), v)],
        };
        for (field, item) in items {
            match &item.value {
                Value::Str(s) if !s.trim().is_empty() => {
                    if !target.iter().any(|t| t == s.trim()) {
                        target.push(s.trim().to_string());
                    }
                }
                other => diags.error(
                    FILE,
                    item.pos,
                    format!(
                        "{field}{}应为非空文本（要添加的词，如 书法），实际是{}",
                        if field.ends_with('项') { "" } else { " " },
                        other.describe()
                    ),
                ),
            }
        }
    }
}

/// The keys of `images:`.
const IMAGE_KEYS: [&str; 5] = ["widths", "max", "quality", "max_megapixels", "keep"];

/// `images:` — widths for `srcset`, the largest width, JPEG quality, the
/// pixel limit and the files published as they are. Each bad value is an
/// error at its place; the default stays for it.
fn images(node: &Node, out: &mut crate::images::Settings, diags: &mut Diagnostics) {
    let Value::Map(m) = &node.value else {
        diags.error(
            FILE,
            node.pos,
            format!(
                "images 应为照片处理的设置，如 images: {{widths: [480, 960], quality: 80}}，实际是{}",
                node.value.describe()
            ),
        );
        return;
    };
    let int = |field: &str, n: &Node, lo: i64, hi: i64, what: &str, d: &mut Diagnostics| {
        let sp = if field.ends_with('项') { "" } else { " " };
        match n.value {
            Value::Int(v) if (lo..=hi).contains(&v) => Some(v),
            Value::Int(v) => {
                d.error(
                    FILE,
                    n.pos,
                    format!("{field}{sp}的值 {v} 超出范围：应为 {lo} 到 {hi} 之间的整数（{what}）"),
                );
                None
            }
            _ => {
                d.error(
                    FILE,
                    n.pos,
                    format!(
                        "{field}{sp}应为 {lo} 到 {hi} 之间的整数（{what}），实际是{}",
                        n.value.describe()
                    ),
                );
                None
            }
        }
    };
    for (k, v) in m {
        let field = format!("images.{}", k.name);
        match k.name.as_str() {
            "widths" => {
                let items: Vec<&Node> = match &v.value {
                    Value::List(l) if !l.is_empty() => l.iter().collect(),
                    _ => {
                        diags.error(
                            FILE,
                            v.pos,
                            format!(
                                "{field} 应为图片宽度（像素）的列表，如 [480, 960, 1600]，实际是{}",
                                v.value.describe()
                            ),
                        );
                        continue;
                    }
                };
                let mut widths = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    let f = format!("{field} 第 {} 项", i + 1);
                    if let Some(w) = int(&f, item, 100, 8000, "图片宽度，单位为像素", diags) {
                        widths.push(w as u32);
                    }
                }
                widths.sort_unstable();
                widths.dedup();
                if !widths.is_empty() {
                    out.widths = widths;
                }
            }
            "max" => {
                if let Some(w) = int(&field, v, 100, 8000, "“查看大图”打开的那一张的宽度，单位为像素", diags) {
                    out.max = w as u32;
                }
            }
            "quality" => {
                if let Some(q) = int(&field, v, 30, 100, "JPEG 压缩质量：越大越清晰、文件越大，常用 75 到 85", diags) {
                    out.quality = q as u8;
                }
            }
            "max_megapixels" => {
                if let Some(p) = int(&field, v, 1, 400, "可接受的最大图片，单位为百万像素", diags) {
                    out.max_pixels = p as u64 * 1_000_000;
                }
            }
            "keep" => {
                let items: Vec<&Node> = match &v.value {
                    Value::List(l) => l.iter().collect(),
                    _ => vec![v],
                };
                for item in items {
                    match &item.value {
                        Value::Str(p) if p.trim().starts_with("media/") && !p.contains("..") => {
                            out.keep.push(p.trim().trim_end_matches('/').to_string());
                        }
                        other => diags.error(
                            FILE,
                            item.pos,
                            format!(
                                "{field} 的每一项应为 content/ 下要原样发布的图片或文件夹，以 media/ 开头，如 media/images/jiegou-tu.png，实际是{}",
                                other.describe()
                            ),
                        ),
                    }
                }
            }
            other => diags.error(
                FILE,
                k.pos,
                format!(
                    "images 下有未知的设置“{other}”：可用的设置为 widths（宽度列表）、max（最大宽度）、quality（JPEG 质量）、max_megapixels（最大像素）、keep（原样发布）{}",
                    did_you_mean(other, IMAGE_KEYS)
                ),
            ),
        }
    }
}
