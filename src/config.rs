//! Config stage: read `site.yaml` (title, texts, optional `base_url`, theme
//! name, vocabulary extensions) into a [`Config`]. Unknown keys are errors,
//! located like content errors.

use std::path::Path;

use crate::content::frontmatter::{self, Key, Node, Value};
use crate::diag::{Diagnostics, Pos};
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
    pub vocab: Vocab,
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
            vocab: Vocab::default(),
        }
    }
}

pub const FILE: &str = "site.yaml";

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
                format!("找不到站点配置 {FILE}：{} 不是 chengguo 站点目录（可用 chengguo init 新建站点）", site.display()),
            );
            return cfg;
        }
        Err(e) => {
            diags.error(
                FILE,
                Pos::START,
                format!("无法读取站点配置 {FILE}（须为 UTF-8 编码）：{e}"),
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
                        diags.error(FILE, node.pos, "主题名只能用小写字母、数字和连字符");
                    }
                }
            }
            "intro" => cfg.intro = s(diags).unwrap_or_default(),
            "base_url" => {
                if let Some(mut v) = s(diags) {
                    if !(v.starts_with("http://") || v.starts_with("https://")) {
                        diags.error(FILE, node.pos, "base_url 必须以 http:// 或 https:// 开头");
                    } else {
                        if !v.ends_with('/') {
                            v.push('/');
                        }
                        cfg.base_url = Some(v);
                    }
                }
            }
            "vocab" => extend_vocab(node, &mut cfg.vocab, diags),
            other => diags.error(
                FILE,
                key.pos,
                format!(
                    "未知的配置项“{other}”{}",
                    crate::diag::did_you_mean(
                        other,
                        [
                            "title",
                            "subtitle",
                            "description",
                            "language",
                            "base_url",
                            "theme",
                            "intro",
                            "vocab"
                        ]
                    )
                ),
            ),
        }
    }
    cfg
}

fn str_of(key: &Key, node: &Node, diags: &mut Diagnostics) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Null => None,
        other => {
            diags.error(
                FILE,
                node.pos,
                format!("{} 应为文本，实际是{}", key.name, other.type_name()),
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
            "vocab 应为映射，如 vocab: {subjects: [书法]}",
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
                    format!("vocab 下未知的词表“{other}”（可扩展：provinces、stages、subjects、levels）"),
                );
                continue;
            }
        };
        let items: Vec<&Node> = match &v.value {
            Value::List(l) => l.iter().collect(),
            _ => vec![v],
        };
        for item in items {
            match &item.value {
                Value::Str(s) if !s.trim().is_empty() => {
                    if !target.iter().any(|t| t == s.trim()) {
                        target.push(s.trim().to_string());
                    }
                }
                _ => diags.error(FILE, item.pos, "词表中的值应为非空文本"),
            }
        }
    }
}
