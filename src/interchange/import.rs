//! `chengguo import`: check every cell of a sheet, match its rows with the
//! site's records (outcomes by 成果名称, holders by name, regions by name and
//! province), and plan what to write: a new record (pinyin id), an update of
//! the front-matter fields the sheet carries (body, comments and other
//! fields untouched, see [`super::edit`]) or nothing. Missing holders are
//! created from 持有单位; 意向成果 names are resolved to outcome ids.
//!
//! Nothing is written while any cell is bad, unless the caller chooses to
//! skip bad rows. Every problem is a [`CellError`]:
//! `FILE 第N行 「列名」: 说明（可用值：…）；是否要写“…”？`, N being the row
//! number Excel shows.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use super::columns::{self, Field};
use super::edit::{self, Change, EditError, Yv};
use super::read::{self, Header, ReadError, Row, Sheet};
use super::{name_key, SheetKind};
use crate::config::Config;
use crate::content::frontmatter::Value;
use crate::content::{Kind, Source};
use crate::diag::Diagnostics;
use crate::vocab;

/// What to import.
#[derive(Debug, Clone)]
pub struct Options {
    pub site: PathBuf,
    pub file: PathBuf,
    pub kind: SheetKind,
    pub sheet: Option<String>,
}

/// One bad cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    pub file: String,
    pub row: usize,
    /// 0-based column (messages are sorted by row, then column).
    pub col: usize,
    pub column: String,
    pub message: String,
    pub allowed: Option<String>,
    pub suggestion: Option<String>,
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} 第{}行 「{}」: {}",
            self.file, self.row, self.column, self.message
        )?;
        if let Some(a) = &self.allowed {
            write!(f, "（可用值：{a}）")?;
        }
        if let Some(s) = &self.suggestion {
            write!(f, "；是否要写“{s}”？")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verb {
    Create,
    /// The front-matter fields that change.
    Update(Vec<String>),
    Unchanged,
}

/// What happens to one record.
#[derive(Debug, Clone)]
pub struct Action {
    pub kind: Kind,
    pub id: String,
    /// File on disk.
    pub path: PathBuf,
    /// Path shown to the user (`content/outcomes/x.md`).
    pub display: String,
    pub title: String,
    pub verb: Verb,
    /// New file text (create / update).
    pub text: Option<String>,
}

/// The outcome of checking a sheet.
#[derive(Debug, Default)]
pub struct Plan {
    pub actions: Vec<Action>,
    pub errors: Vec<CellError>,
    /// Notes that do not stop the import (unknown columns …).
    pub warnings: Vec<String>,
    /// Data rows read.
    pub rows: usize,
    /// Row numbers left out because of bad cells.
    pub skipped: Vec<usize>,
}

impl Plan {
    pub fn count(&self, f: impl Fn(&Verb) -> bool) -> usize {
        self.actions.iter().filter(|a| f(&a.verb)).count()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{0} 不是 chengguo 站点目录（找不到 site.yaml）")]
    NotASite(PathBuf),
    #[error("站点内容有错误，请先修正（chengguo check）后再导入：\n{0}")]
    Site(String),
    #[error("{file}{sheet}：找不到表头行（可识别的列名：{known}）；请确认 --kind 与表格内容一致，或用 --sheet 指定工作表")]
    NoHeader {
        file: String,
        sheet: String,
        known: String,
    },
    #[error("{file} 第{row}行（表头）缺少必需的列：{missing}（可识别的列名：{known}）")]
    MissingColumns {
        file: String,
        row: usize,
        missing: String,
        known: String,
    },
    #[error("{path}：{err}")]
    Edit { path: String, err: EditError },
    #[error("无法写入 {path}：{}", super::io_text(err))]
    Write { path: PathBuf, err: std::io::Error },
}

/// An existing record of the site.
struct Existing {
    id: String,
    path: PathBuf,
    display: String,
    title: String,
    province: String,
    fields: Vec<(
        crate::content::frontmatter::Key,
        crate::content::frontmatter::Node,
    )>,
}

struct Site {
    dir: PathBuf,
    cfg: Config,
    outcomes: Vec<Existing>,
    holders: Vec<Existing>,
    regions: Vec<Existing>,
}

fn text_field(
    fields: &[(
        crate::content::frontmatter::Key,
        crate::content::frontmatter::Node,
    )],
    k: &str,
) -> String {
    fields
        .iter()
        .find(|(x, _)| x.name == k)
        .and_then(|(_, n)| match &n.value {
            Value::Str(s) => Some(s.trim().to_string()),
            _ => None,
        })
        .unwrap_or_default()
}

fn load_site(site: &Path) -> Result<Site, ImportError> {
    if !site.join(crate::config::FILE).is_file() {
        return Err(ImportError::NotASite(site.to_path_buf()));
    }
    let mut diags = Diagnostics::new();
    let cfg = crate::config::load(site, &mut diags);
    let loaded = crate::content::load(site, &mut diags);
    if diags.has_errors() {
        let lines: Vec<String> = diags
            .sorted()
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Error)
            .map(|d| d.to_string())
            .collect();
        return Err(ImportError::Site(lines.join("\n")));
    }
    let mut s = Site {
        dir: site.to_path_buf(),
        cfg,
        outcomes: Vec::new(),
        holders: Vec::new(),
        regions: Vec::new(),
    };
    for (_, src) in loaded.sources {
        let src = std::sync::Arc::try_unwrap(src).unwrap_or_else(|a| (*a).clone());
        let Source {
            kind,
            id,
            display_path,
            file_path,
            fields,
            ..
        } = src;
        let e = Existing {
            title: text_field(&fields, "title"),
            province: text_field(&fields, "province"),
            id,
            path: file_path,
            display: display_path.to_string_lossy().replace('\\', "/"),
            fields,
        };
        match kind {
            Kind::Outcome => s.outcomes.push(e),
            Kind::Holder => s.holders.push(e),
            Kind::Region => s.regions.push(e),
            _ => {}
        }
    }
    Ok(s)
}

/// Read the sheet and plan the import (nothing is written).
pub fn plan(opts: &Options) -> Result<Plan, ImportError> {
    let site = load_site(&opts.site)?;
    let sheet = read::read(&opts.file, opts.sheet.as_deref())?;
    let file = opts.file.display().to_string().replace('\\', "/");
    plan_sheet(&site, &sheet, &file, opts.kind)
}

fn plan_sheet(
    site: &Site,
    sheet: &Sheet,
    file: &str,
    kind: SheetKind,
) -> Result<Plan, ImportError> {
    let header = read::header(sheet, kind).ok_or_else(|| ImportError::NoHeader {
        file: file.to_string(),
        sheet: if sheet.name.is_empty() {
            String::new()
        } else {
            format!("（工作表“{}”）", sheet.name)
        },
        known: columns::known_headers(kind),
    })?;
    let missing: Vec<&str> = columns::required(kind)
        .iter()
        .filter(|f| !header.has(**f))
        .map(|f| f.header(kind))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns {
            file: file.to_string(),
            row: header.row,
            missing: missing.join("、"),
            known: columns::known_headers(kind),
        });
    }
    let mut plan = Plan::default();
    for u in &header.unknown {
        plan.warnings.push(format!(
            "{file} 第{}行：未识别的列“{u}”，已忽略",
            header.row
        ));
    }
    let rows = &sheet.rows[header.data_from..];
    plan.rows = rows.len();
    let mut cx = Cx {
        file,
        kind,
        header: &header,
        cfg: &site.cfg,
        errors: Vec::new(),
    };
    match kind {
        SheetKind::Outcomes => plan_outcomes(site, rows, &mut cx, &mut plan)?,
        SheetKind::Holders => plan_holders(site, rows, &mut cx, &mut plan)?,
        SheetKind::Regions => plan_regions(site, rows, &mut cx, &mut plan)?,
    }
    plan.errors = cx.errors;
    plan.errors.sort_by_key(|e| (e.row, e.col));
    let mut bad: Vec<usize> = plan.errors.iter().map(|e| e.row).collect();
    bad.dedup();
    plan.skipped = bad;
    Ok(plan)
}

/// Reading cells of one row, collecting errors.
struct Cx<'a> {
    file: &'a str,
    kind: SheetKind,
    header: &'a Header,
    cfg: &'a Config,
    errors: Vec<CellError>,
}

impl Cx<'_> {
    fn err(
        &mut self,
        row: &Row,
        f: Field,
        message: String,
        allowed: Option<String>,
        suggestion: Option<String>,
    ) {
        self.errors.push(CellError {
            file: self.file.to_string(),
            row: row.number,
            col: self.header.col(f).unwrap_or(usize::MAX),
            column: self.header.name(f, self.kind),
            message,
            allowed,
            suggestion,
        });
    }

    fn has(&self, f: Field) -> bool {
        self.header.has(f)
    }

    fn cell<'r>(&self, row: &'r Row, f: Field) -> &'r str {
        self.header.col(f).map_or("", |c| row.cell(c))
    }

    /// A cell that must not be empty.
    fn required(&mut self, row: &Row, f: Field) -> Option<String> {
        let v = self.cell(row, f).trim().to_string();
        if v.is_empty() {
            self.err(row, f, "不能为空".into(), None, None);
            None
        } else {
            Some(v)
        }
    }

    fn list(&self, row: &Row, f: Field) -> Vec<String> {
        split_list(self.cell(row, f))
    }

    /// One value of a closed vocabulary (after aliases), or an error.
    fn vocab(
        &mut self,
        row: &Row,
        f: Field,
        value: &str,
        allowed: &[String],
        what: &str,
    ) -> Option<String> {
        let v = nfkc(value.trim());
        if let Some(hit) = allowed.iter().find(|a| **a == v) {
            return Some(hit.clone());
        }
        if let Some(hit) = alias(f, &v, allowed) {
            return Some(hit);
        }
        let suggestion = closest(&v, allowed.iter().map(|s| s.as_str()));
        self.err(
            row,
            f,
            format!("“{}”不是有效的{what}", value.trim()),
            Some(allowed.join("、")),
            suggestion,
        );
        None
    }

    fn vocab_list(
        &mut self,
        row: &Row,
        f: Field,
        allowed: &[String],
        what: &str,
    ) -> Option<Vec<String>> {
        let mut out = Vec::new();
        let mut ok = true;
        for item in self.list(row, f) {
            match self.vocab(row, f, &item, allowed, what) {
                Some(v) if !out.contains(&v) => out.push(v),
                Some(_) => {}
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn province(&mut self, row: &Row) -> Option<String> {
        let v = self.cell(row, Field::Province).trim().to_string();
        if v.is_empty() {
            self.err(
                row,
                Field::Province,
                "不能为空".into(),
                Some(self.cfg.vocab.provinces.join("、")),
                None,
            );
            return None;
        }
        let allowed = self.cfg.vocab.provinces.clone();
        self.vocab(row, Field::Province, &v, &allowed, "省份")
    }
}

fn nfkc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc().collect::<String>().trim().to_string()
}

/// Split a list cell on 、，,；; and line breaks; trimmed, no empties or repeats.
pub fn split_list(cell: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for part in cell.split(['、', '，', ',', '；', ';', '\n']) {
        let p = part.trim();
        if !p.is_empty() && seen.insert(p) {
            out.push(p.to_string());
        }
    }
    out
}

/// Common ways of writing a vocabulary value.
fn alias(f: Field, v: &str, allowed: &[String]) -> Option<String> {
    let pick = |target: &str| allowed.iter().find(|a| *a == target).cloned();
    match f {
        Field::Province => {
            let short: Vec<&String> = allowed
                .iter()
                .filter(|p| vocab::short_province(p) == v)
                .collect();
            if short.len() == 1 {
                return Some(short[0].clone());
            }
            match v {
                "兵团" | "新疆兵团" => pick("新疆生产建设兵团"),
                "香港" => pick("香港特别行政区"),
                "澳门" => pick("澳门特别行政区"),
                _ => None,
            }
        }
        Field::Stages => match v {
            "高中" | "普高" => pick("普通高中"),
            "学前" | "幼儿园" | "学前阶段" | "幼儿教育" => pick("学前教育"),
            "中职" | "职教" | "中等职业教育" => pick("职业教育"),
            "特教" => pick("特殊教育"),
            _ => None,
        },
        Field::Level => {
            let with = format!("{v}奖");
            pick(&with)
        }
        _ => None,
    }
}

/// The closest candidate to `value`, if any is close (as [`crate::diag::did_you_mean`]).
pub fn closest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let mut s = strsim::normalized_levenshtein(value, c);
        if !value.is_empty() && (c.contains(value) || value.contains(c)) {
            s += 0.5;
        }
        if s > 0.3 && best.is_none_or(|(b, bc)| s > b || (s == b && c < bc)) {
            best = Some((s, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

fn year(cx: &mut Cx, row: &Row) -> Option<i64> {
    let raw = cx.cell(row, Field::Year).trim().to_string();
    if raw.is_empty() {
        cx.err(
            row,
            Field::Year,
            "不能为空，应为四位数年份，如 2022".into(),
            None,
            None,
        );
        return None;
    }
    let v = nfkc(&raw);
    let digits = v.trim_end_matches(['年', '度']).trim();
    match digits.parse::<i64>() {
        Ok(y) if (1989..=2100).contains(&y) => Some(y),
        _ => {
            let suggestion = v
                .chars()
                .filter(|c| c.is_ascii_digit())
                .collect::<String>()
                .parse::<i64>()
                .ok()
                .filter(|y| (1989..=2100).contains(y))
                .map(|y| y.to_string());
            cx.err(
                row,
                Field::Year,
                format!("“{raw}”不是有效的获奖年度，应为四位数年份，如 2022"),
                None,
                suggestion,
            );
            None
        }
    }
}

fn email(cx: &mut Cx, row: &Row) -> Option<Option<String>> {
    let v = cx.cell(row, Field::Email).trim().to_string();
    if v.is_empty() {
        return Some(None);
    }
    let n = nfkc(&v);
    let ok = n.split_once('@').is_some_and(|(a, b)| {
        !a.is_empty() && b.contains('.') && !b.starts_with('.') && !n.contains(char::is_whitespace)
    });
    if ok {
        Some(Some(n))
    } else {
        let suggestion = if n.contains('＠') || n.contains(" at ") {
            Some(n.replace('＠', "@").replace(" at ", "@"))
        } else {
            None
        };
        cx.err(
            row,
            Field::Email,
            format!("“{v}”不是有效的电子邮箱地址，应形如 name@example.org"),
            None,
            suggestion,
        );
        None
    }
}

/// YYYY-MM from 2024-09, 2024-9, 2024.09, 2024/9, 2024年9月, 2024-09-01.
pub fn month(v: &str) -> Option<String> {
    let n = nfkc(v);
    let n = n.trim_end_matches('月');
    let parts: Vec<&str> = n
        .split(['-', '.', '/', '年'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let y: u32 = parts[0].trim().parse().ok()?;
    let m: u32 = parts[1].trim().parse().ok()?;
    if parts.len() == 3 {
        let d: u32 = parts[2].trim().parse().ok()?;
        if !(1..=31).contains(&d) {
            return None;
        }
    }
    ((1989..=2100).contains(&y) && (1..=12).contains(&m)).then(|| format!("{y:04}-{m:02}"))
}

/// Start and end of a 推广应用周期 cell: 2024-12至2027-12, 2024.12—2027.12 …
pub fn period(v: &str) -> Option<(String, String)> {
    let n = nfkc(v);
    for sep in ["至", "到", "—", "–", "~", "～", "－"] {
        if let Some((a, b)) = n.split_once(sep) {
            return Some((month(a)?, month(b)?));
        }
    }
    // 2024.12-2027.12: one hyphen between two dotted or slashed months.
    if !n.contains('-') {
        return None;
    }
    let hy: Vec<usize> = n.match_indices('-').map(|(i, _)| i).collect();
    for &i in &hy {
        if let (Some(a), Some(b)) = (month(&n[..i]), month(&n[i + 1..])) {
            if !n[..i].contains('-') && !n[i + 1..].contains('-') {
                return Some((a, b));
            }
        }
    }
    // 2024-12-2027-12
    if hy.len() == 3 {
        if let (Some(a), Some(b)) = (month(&n[..hy[1]]), month(&n[hy[1] + 1..])) {
            return Some((a, b));
        }
    }
    None
}

fn month_cell(cx: &mut Cx, row: &Row, f: Field) -> Option<Option<String>> {
    let v = cx.cell(row, f).trim().to_string();
    if v.is_empty() {
        return Some(None);
    }
    match month(&v) {
        Some(m) => Some(Some(m)),
        None => {
            cx.err(
                row,
                f,
                format!("“{v}”不是有效的年月，应为 YYYY-MM，如 2024-09"),
                None,
                None,
            );
            None
        }
    }
}

fn opt_text(cx: &Cx, row: &Row, f: Field) -> Option<String> {
    let v = cx.cell(row, f).trim();
    (!v.is_empty()).then(|| v.to_string())
}

fn text_list_yv(v: &[String]) -> Yv {
    Yv::List(v.iter().map(|s| Yv::Str(s.clone())).collect())
}

fn set_or_remove_list(changes: &mut Vec<(String, Change)>, key: &str, v: &[String]) {
    changes.push((
        key.to_string(),
        if v.is_empty() {
            Change::Remove
        } else {
            Change::Set(text_list_yv(v))
        },
    ));
}

fn set_or_remove(changes: &mut Vec<(String, Change)>, key: &str, v: Option<Yv>) {
    changes.push((
        key.to_string(),
        match v {
            Some(v) => Change::Set(v),
            None => Change::Remove,
        },
    ));
}

/// Ids taken in one kind: existing plus planned. A hash set, and per base
/// the next suffix to try, so that planning n new records is linear in n
/// (issue 10) even when every title gives the same base.
struct Ids {
    taken: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Ids {
    fn new(existing: &[Existing]) -> Ids {
        Ids {
            taken: existing.iter().map(|e| e.id.clone()).collect(),
            next: HashMap::new(),
        }
    }
    /// As [`crate::slug::unique_id`]: the base, else `base-2`, `base-3` …,
    /// the lowest free one (ids are never released, so the search can go on
    /// where it stopped last time).
    fn fresh(&mut self, title: &str) -> String {
        let base = crate::slug::slug(title)
            .filter(|b| crate::content::valid_id(b))
            .unwrap_or_else(|| "jilu".to_string());
        let id = if !self.taken.contains(&base) {
            base
        } else {
            let n = self.next.entry(base.clone()).or_insert(2);
            loop {
                let id = format!("{base}-{n}");
                *n += 1;
                if !self.taken.contains(&id) {
                    break id;
                }
            }
        };
        self.taken.insert(id.clone());
        id
    }
}

fn action(
    site_dir_of: &Path,
    kind: Kind,
    existing: Option<&Existing>,
    id: &str,
    title: &str,
    changes: &[(String, Change)],
    new_fields: impl FnOnce() -> (Vec<(String, Yv)>, Option<String>),
) -> Result<Action, ImportError> {
    match existing {
        Some(e) => {
            let text = std::fs::read(&e.path)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|err| ImportError::Write {
                    path: e.path.clone(),
                    err,
                })?;
            let order = crate::validate::keys_of(kind);
            let edited =
                edit::apply_listing(&text, order, changes).map_err(|err| ImportError::Edit {
                    path: e.display.clone(),
                    err,
                })?;
            Ok(match edited {
                Some((text, fields)) => Action {
                    kind,
                    id: e.id.clone(),
                    path: e.path.clone(),
                    display: e.display.clone(),
                    title: title.to_string(),
                    verb: Verb::Update(fields),
                    text: Some(text),
                },
                None => Action {
                    kind,
                    id: e.id.clone(),
                    path: e.path.clone(),
                    display: e.display.clone(),
                    title: title.to_string(),
                    verb: Verb::Unchanged,
                    text: None,
                },
            })
        }
        None => {
            let (fields, comment) = new_fields();
            let display = format!("content/{}/{id}.md", kind.dir());
            let text =
                edit::create(&fields, comment.as_deref(), "").map_err(|err| ImportError::Edit {
                    path: display.clone(),
                    err,
                })?;
            Ok(Action {
                kind,
                id: id.to_string(),
                path: site_dir_of
                    .join("content")
                    .join(kind.dir())
                    .join(format!("{id}.md")),
                display,
                title: title.to_string(),
                verb: Verb::Create,
                text: Some(text),
            })
        }
    }
}

/// One checked row of an outcomes sheet.
struct OutcomeRow {
    number: usize,
    title: String,
    year: i64,
    level: String,
    holder: String,
    province: String,
    stages: Vec<String>,
    subjects: Option<Vec<String>>,
    people: Option<Vec<String>>,
    first_person: Option<String>,
    partners: Option<Vec<String>>,
    themes: Option<Vec<String>>,
    promotion: Option<Option<String>>,
    contact_name: Option<Option<String>>,
    phone: Option<Option<String>>,
    email: Option<Option<String>>,
    summary: Option<Option<String>>,
}

fn outcome_row(cx: &mut Cx, row: &Row) -> Option<OutcomeRow> {
    let before = cx.errors.len();
    let title = cx.required(row, Field::Title);
    let year = year(cx, row);
    let levels = cx.cfg.vocab.levels.clone();
    let level = {
        let v = cx.cell(row, Field::Level).trim().to_string();
        if v.is_empty() {
            cx.err(
                row,
                Field::Level,
                "不能为空".into(),
                Some(levels.join("、")),
                None,
            );
            None
        } else {
            cx.vocab(row, Field::Level, &v, &levels, "获奖等级")
        }
    };
    let holder = cx.required(row, Field::Holder);
    let province = cx.province(row);
    let stages_allowed = cx.cfg.vocab.stages.clone();
    let stages = if cx.cell(row, Field::Stages).trim().is_empty() {
        cx.err(
            row,
            Field::Stages,
            "不能为空（至少一个学段，多个用“、”分隔）".into(),
            Some(stages_allowed.join("、")),
            None,
        );
        None
    } else {
        cx.vocab_list(row, Field::Stages, &stages_allowed, "学段")
    };
    let subjects_allowed = cx.cfg.vocab.subjects.clone();
    let subjects = if cx.has(Field::Subjects) {
        Some(cx.vocab_list(row, Field::Subjects, &subjects_allowed, "学科")?)
    } else {
        None
    };
    let promotion_allowed: Vec<String> = vocab::PROMOTION.iter().map(|s| s.to_string()).collect();
    let promotion = if cx.has(Field::Promotion) {
        let v = cx.cell(row, Field::Promotion).trim().to_string();
        if v.is_empty() {
            Some(None)
        } else {
            Some(Some(cx.vocab(
                row,
                Field::Promotion,
                &v,
                &promotion_allowed,
                "推广方式",
            )?))
        }
    } else {
        None
    };
    let email = if cx.has(Field::Email) {
        Some(email(cx, row)?)
    } else {
        None
    };
    if cx.errors.len() > before {
        return None;
    }
    let opt_list = |cx: &Cx, f| cx.has(f).then(|| cx.list(row, f));
    let opt = |cx: &Cx, f| cx.has(f).then(|| opt_text(cx, row, f));
    Some(OutcomeRow {
        number: row.number,
        title: title?,
        year: year?,
        level: level?,
        holder: holder?,
        province: province?,
        stages: stages?,
        subjects,
        people: opt_list(cx, Field::People),
        first_person: if cx.has(Field::FirstPerson) {
            opt_text(cx, row, Field::FirstPerson)
        } else {
            None
        },
        partners: opt_list(cx, Field::Partners),
        themes: opt_list(cx, Field::Themes),
        promotion,
        contact_name: opt(cx, Field::ContactName),
        phone: opt(cx, Field::Phone),
        email,
        summary: opt(cx, Field::Summary),
    })
}

fn plan_outcomes(
    site: &Site,
    rows: &[Row],
    cx: &mut Cx,
    plan: &mut Plan,
) -> Result<(), ImportError> {
    // Rows are told apart by 成果名称, and by 持有单位 when two outcomes share a name.
    let mut checked: Vec<OutcomeRow> = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for row in rows {
        let Some(r) = outcome_row(cx, row) else {
            continue;
        };
        let key = (name_key(&r.title), name_key(&r.holder));
        if let Some(first) = seen.get(&key) {
            cx.err(
                row,
                Field::Title,
                format!("与第{first}行的成果名称和持有单位都相同（同一成果只能出现一次）"),
                None,
                None,
            );
            continue;
        }
        seen.insert(key, r.number);
        checked.push(r);
    }
    let mut rows_per_title: HashMap<String, usize> = HashMap::new();
    for r in &checked {
        *rows_per_title.entry(name_key(&r.title)).or_default() += 1;
    }
    // Holders: existing by name, else created once from the first row naming them.
    let mut holder_ids: HashMap<String, String> = HashMap::new();
    for h in &site.holders {
        holder_ids
            .entry(name_key(&h.title))
            .or_insert_with(|| h.id.clone());
    }
    let mut holder_titles: HashMap<String, String> = site
        .holders
        .iter()
        .map(|h| (h.id.clone(), name_key(&h.title)))
        .collect();
    let mut hids = Ids::new(&site.holders);
    let mut oids = Ids::new(&site.outcomes);
    let mut by_title: HashMap<String, Vec<&Existing>> = HashMap::new();
    for o in &site.outcomes {
        by_title.entry(name_key(&o.title)).or_default().push(o);
    }
    let site_dir = plan_site_dir(site);
    for r in &checked {
        let hkey = name_key(&r.holder);
        let tkey = name_key(&r.title);
        // The outcome of that name; when the name is not unique (in the site
        // or in the sheet), the one whose holder is this 持有单位.
        let candidates = by_title.get(&tkey).map_or(&[][..], |v| v.as_slice());
        let same_holder =
            |e: &&Existing| holder_titles.get(&text_field(&e.fields, "holder")) == Some(&hkey);
        let existing = if candidates.len() == 1 && rows_per_title.get(&tkey) == Some(&1) {
            Some(candidates[0])
        } else {
            candidates.iter().copied().find(same_holder)
        };
        // Keep the outcome's holder when its title already matches.
        let kept = existing
            .map(|e| text_field(&e.fields, "holder"))
            .filter(|h| holder_titles.get(h) == Some(&hkey));
        let holder_id = match kept {
            Some(h) => h,
            None => match holder_ids.get(&hkey) {
                Some(id) => id.clone(),
                None => {
                    let id = hids.fresh(&r.holder);
                    holder_ids.insert(hkey.clone(), id.clone());
                    holder_titles.insert(id.clone(), hkey.clone());
                    let fields = vec![
                        ("title".to_string(), Yv::Str(r.holder.clone())),
                        ("province".to_string(), Yv::Str(r.province.clone())),
                    ];
                    plan.actions.push(action(
                        &site_dir,
                        Kind::Holder,
                        None,
                        &id,
                        &r.holder,
                        &[],
                        || {
                            (
                                fields,
                                Some(format!(
                                    "由表格导入（{} 第{}行「持有单位」）创建；可补充 kind、city、website 与简介",
                                    file_name(cx.file),
                                    r.number
                                )),
                            )
                        },
                    )?);
                    id
                }
            },
        };
        let people: Option<Vec<String>> = match (&r.people, &r.first_person) {
            (Some(p), _) => Some(p.clone()),
            (None, Some(first)) => {
                let mut cur: Vec<String> = existing
                    .and_then(|e| e.fields.iter().find(|(k, _)| k.name == "people"))
                    .map(|(_, n)| match &n.value {
                        Value::List(l) => l
                            .iter()
                            .filter_map(|x| match &x.value {
                                Value::Str(s) => Some(s.clone()),
                                _ => None,
                            })
                            .collect(),
                        Value::Str(s) => vec![s.clone()],
                        _ => Vec::new(),
                    })
                    .unwrap_or_default();
                cur.retain(|p| p != first);
                cur.insert(0, first.clone());
                Some(cur)
            }
            (None, None) => None,
        };
        let mut changes: Vec<(String, Change)> = vec![
            (
                "award".into(),
                Change::Merge(vec![
                    ("year".into(), Some(Yv::Int(r.year))),
                    ("level".into(), Some(Yv::Str(r.level.clone()))),
                ]),
            ),
            ("holder".into(), Change::Set(Yv::Str(holder_id.clone()))),
        ];
        if let Some(p) = &people {
            set_or_remove_list(&mut changes, "people", p);
        }
        if let Some(p) = &r.partners {
            set_or_remove_list(&mut changes, "partners", p);
        }
        changes.push(("province".into(), Change::Set(Yv::Str(r.province.clone()))));
        changes.push(("stages".into(), Change::Set(text_list_yv(&r.stages))));
        if let Some(s) = &r.subjects {
            set_or_remove_list(&mut changes, "subjects", s);
        }
        if let Some(t) = &r.themes {
            set_or_remove_list(&mut changes, "themes", t);
        }
        if let Some(p) = &r.promotion {
            set_or_remove(&mut changes, "promotion", p.clone().map(Yv::Str));
        }
        let mut contact = Vec::new();
        if let Some(v) = &r.contact_name {
            contact.push(("name".to_string(), v.clone().map(Yv::Str)));
        }
        if let Some(v) = &r.phone {
            contact.push(("phone".to_string(), v.clone().map(Yv::Quoted)));
        }
        if let Some(v) = &r.email {
            contact.push(("email".to_string(), v.clone().map(Yv::Str)));
        }
        if !contact.is_empty() {
            changes.push(("contact".into(), Change::Merge(contact)));
        }
        if let Some(s) = &r.summary {
            set_or_remove(&mut changes, "summary", s.clone().map(Yv::Str));
        }
        let id = match existing {
            Some(e) => e.id.clone(),
            None => oids.fresh(&r.title),
        };
        let new_fields = || {
            let f = fields_from_changes(&r.title, &changes);
            (
                f,
                Some(format!(
                    "由表格导入（{} 第{}行）；正文为成果简介，待补充",
                    file_name(cx.file),
                    r.number
                )),
            )
        };
        plan.actions.push(action(
            &site_dir,
            Kind::Outcome,
            existing,
            &id,
            &r.title,
            &changes,
            new_fields,
        )?);
    }
    Ok(())
}

fn file_name(f: &str) -> String {
    Path::new(f)
        .file_name()
        .map_or_else(|| f.to_string(), |n| n.to_string_lossy().into_owned())
}

/// The site folder (records know their path; the site may be empty).
fn plan_site_dir(site: &Site) -> PathBuf {
    site.dir.clone()
}

fn plan_holders(
    site: &Site,
    rows: &[Row],
    cx: &mut Cx,
    plan: &mut Plan,
) -> Result<(), ImportError> {
    let site_dir = plan_site_dir(site);
    let kinds: Vec<String> = vocab::HOLDER_KINDS.iter().map(|s| s.to_string()).collect();
    let by_title: HashMap<String, &Existing> = site
        .holders
        .iter()
        .map(|o| (name_key(&o.title), o))
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut ids = Ids::new(&site.holders);
    for row in rows {
        let before = cx.errors.len();
        let title = cx.required(row, Field::Title);
        let province = cx.province(row);
        let kind = if cx.has(Field::HolderKind) {
            let v = cx.cell(row, Field::HolderKind).trim().to_string();
            if v.is_empty() {
                Some(None)
            } else {
                cx.vocab(row, Field::HolderKind, &v, &kinds, "单位类型")
                    .map(Some)
            }
        } else {
            None
        };
        let website = if cx.has(Field::Website) {
            let v = cx.cell(row, Field::Website).trim().to_string();
            if v.is_empty() {
                Some(None)
            } else if crate::validate::is_http_url(&v) {
                Some(Some(v))
            } else {
                cx.err(
                    row,
                    Field::Website,
                    format!("“{v}”不是有效的网址，应以 http:// 或 https:// 开头"),
                    None,
                    Some(format!("https://{}", v.trim_start_matches("//"))),
                );
                None
            }
        } else {
            None
        };
        if cx.errors.len() > before {
            continue;
        }
        let (Some(title), Some(province)) = (title, province) else {
            continue;
        };
        let key = name_key(&title);
        if let Some(first) = seen.get(&key) {
            cx.err(
                row,
                Field::Title,
                format!("与第{first}行的持有单位重复（同一单位只能出现一次）"),
                None,
                None,
            );
            continue;
        }
        seen.insert(key.clone(), row.number);
        let mut changes: Vec<(String, Change)> =
            vec![("province".into(), Change::Set(Yv::Str(province)))];
        if let Some(k) = kind {
            set_or_remove(&mut changes, "kind", k.map(Yv::Str));
        }
        if cx.has(Field::City) {
            set_or_remove(
                &mut changes,
                "city",
                opt_text(cx, row, Field::City).map(Yv::Str),
            );
        }
        if let Some(w) = website {
            set_or_remove(&mut changes, "website", w.map(Yv::Str));
        }
        if cx.has(Field::Summary) {
            set_or_remove(
                &mut changes,
                "summary",
                opt_text(cx, row, Field::Summary).map(Yv::Str),
            );
        }
        let existing = by_title.get(&key).copied();
        let id = existing.map_or_else(|| ids.fresh(&title), |e| e.id.clone());
        let new_fields = || {
            new_record_fields(
                &title,
                &changes,
                crate::validate::keys_of(Kind::Holder),
                cx.file,
                row.number,
            )
        };
        plan.actions.push(action(
            &site_dir,
            Kind::Holder,
            existing,
            &id,
            &title,
            &changes,
            new_fields,
        )?);
    }
    Ok(())
}

/// `title` and the values the sheet sets, as front-matter fields of a new
/// record (empty maps left out).
fn fields_from_changes(title: &str, changes: &[(String, Change)]) -> Vec<(String, Yv)> {
    let mut f: Vec<(String, Yv)> = vec![("title".into(), Yv::Str(title.to_string()))];
    for (k, c) in changes {
        match c {
            Change::Set(v) => f.push((k.clone(), v.clone())),
            Change::Merge(children) => {
                let m: Vec<(String, Yv)> = children
                    .iter()
                    .filter_map(|(ck, v)| v.clone().map(|v| (ck.clone(), v)))
                    .collect();
                if !m.is_empty() {
                    f.push((k.clone(), Yv::Map(m)));
                }
            }
            Change::Remove => {}
        }
    }
    f
}

/// Fields of a new record from its changes, in the content model's order.
fn new_record_fields(
    title: &str,
    changes: &[(String, Change)],
    order: &[&str],
    file: &str,
    row: usize,
) -> (Vec<(String, Yv)>, Option<String>) {
    let mut f = fields_from_changes(title, changes);
    f.sort_by_key(|(k, _)| order.iter().position(|o| o == k));
    (
        f,
        Some(format!("由表格导入（{} 第{row}行）", file_name(file))),
    )
}

/// One application row of a regions sheet.
struct ApplyRow {
    outcome: String,
    department: Option<String>,
    schools: Option<Vec<String>>,
}

struct RegionGroup {
    first_row: usize,
    title: String,
    province: String,
    demonstration: Option<(usize, Option<bool>)>,
    start: Option<(usize, Option<String>)>,
    end: Option<(usize, Option<String>)>,
    summary: Option<(usize, Option<String>)>,
    applies: Vec<ApplyRow>,
}

fn plan_regions(
    site: &Site,
    rows: &[Row],
    cx: &mut Cx,
    plan: &mut Plan,
) -> Result<(), ImportError> {
    let site_dir = plan_site_dir(site);
    let mut outcome_by_title: HashMap<String, Vec<&Existing>> = HashMap::new();
    for o in &site.outcomes {
        outcome_by_title
            .entry(name_key(&o.title))
            .or_default()
            .push(o);
    }
    let holder_title: HashMap<&str, &str> = site
        .holders
        .iter()
        .map(|h| (h.id.as_str(), h.title.as_str()))
        .collect();
    let holder_of = |o: &Existing| -> String {
        let id = text_field(&o.fields, "holder");
        holder_title
            .get(id.as_str())
            .map_or(id.clone(), |t| t.to_string())
    };
    let outcome_titles: Vec<&str> = site.outcomes.iter().map(|o| o.title.as_str()).collect();
    let outcome_ids: HashSet<&str> = site.outcomes.iter().map(|o| o.id.as_str()).collect();
    let mut groups: Vec<RegionGroup> = Vec::new();
    // Group index by (name key, province); per group the outcomes applied.
    let mut group_of: HashMap<(String, String), usize> = HashMap::new();
    let mut applied: Vec<HashSet<String>> = Vec::new();
    // Regions with a bad row are left out as a whole (never half-updated).
    let mut tainted: HashSet<String> = HashSet::new();
    for row in rows {
        let before = cx.errors.len();
        let title_key = name_key(cx.cell(row, Field::Title));
        let title = cx.required(row, Field::Title);
        let province = cx.province(row);
        let demonstration = if cx.has(Field::Demonstration) {
            let v = nfkc(cx.cell(row, Field::Demonstration));
            match v.as_str() {
                "" => Some(None),
                "是" | "Y" | "y" | "yes" | "true" | "TRUE" | "1" | "√" | "✓" | "示范区" => {
                    Some(Some(true))
                }
                "否" | "N" | "n" | "no" | "false" | "FALSE" | "0" | "×" => Some(Some(false)),
                _ => {
                    cx.err(
                        row,
                        Field::Demonstration,
                        format!("“{v}”不是有效的值"),
                        Some("是、否".into()),
                        None,
                    );
                    None
                }
            }
        } else {
            None
        };
        let (mut start, mut end) = (None, None);
        if cx.has(Field::Start) {
            start = month_cell(cx, row, Field::Start);
        }
        if cx.has(Field::End) {
            end = month_cell(cx, row, Field::End);
        }
        if cx.has(Field::Period) && !cx.has(Field::Start) && !cx.has(Field::End) {
            let v = cx.cell(row, Field::Period).trim().to_string();
            if v.is_empty() {
                start = Some(None);
                end = Some(None);
            } else {
                match period(&v) {
                    Some((a, b)) => {
                        start = Some(Some(a));
                        end = Some(Some(b));
                    }
                    None => cx.err(
                        row,
                        Field::Period,
                        format!(
                            "“{v}”不是有效的周期，应写作“开始年月至结束年月”，如 2024-12至2027-12"
                        ),
                        None,
                        None,
                    ),
                }
            }
        }
        if let (Some(Some(a)), Some(Some(b))) = (&start, &end) {
            if a > b {
                let f = if cx.has(Field::End) {
                    Field::End
                } else {
                    Field::Period
                };
                cx.err(row, f, format!("结束年月 {b} 早于开始年月 {a}"), None, None);
            }
        }
        // One outcome per row (附件4), or several joined by 、 (附件5's 应用成果).
        let outcomes: Vec<String> = if cx.has(Field::Outcome) {
            let v = cx.cell(row, Field::Outcome).trim().to_string();
            let holder_cell = name_key(cx.cell(row, Field::OutcomeHolder));
            // Err(holders) when the name is ambiguous and no 成果持有单位 decides.
            let resolve = |name: &str| -> Option<Result<String, Vec<String>>> {
                if let Some(cands) = outcome_by_title.get(&name_key(name)) {
                    if cands.len() == 1 {
                        return Some(Ok(cands[0].id.clone()));
                    }
                    return Some(
                        cands
                            .iter()
                            .find(|o| {
                                !holder_cell.is_empty() && name_key(&holder_of(o)) == holder_cell
                            })
                            .map(|o| o.id.clone())
                            .ok_or_else(|| cands.iter().map(|o| holder_of(o)).collect()),
                    );
                }
                outcome_ids.contains(name).then(|| Ok(name.to_string()))
            };
            let mut ambiguous: Option<(String, Vec<String>)> = None;
            let mut resolve = |name: &str| -> Option<String> {
                match resolve(name)? {
                    Ok(id) => Some(id),
                    Err(holders) => {
                        ambiguous.get_or_insert((name.to_string(), holders));
                        None
                    }
                }
            };
            if v.is_empty() {
                Vec::new()
            } else if let Some(id) = resolve(&v) {
                vec![id]
            } else {
                let parts = split_list(&v);
                let ids: Vec<Option<String>> = parts.iter().map(|p| resolve(p)).collect();
                if parts.len() > 1 && ids.iter().all(Option::is_some) {
                    ids.into_iter().flatten().collect()
                } else if let Some((name, holders)) = ambiguous {
                    cx.err(
                        row,
                        Field::Outcome,
                        format!(
                            "站点中名为“{name}”的成果有 {} 项（持有单位：{}），请在「成果持有单位」列写明是哪一项",
                            holders.len(),
                            holders.join("、")
                        ),
                        None,
                        None,
                    );
                    Vec::new()
                } else {
                    let missing = if parts.len() > 1 {
                        parts
                            .iter()
                            .zip(&ids)
                            .find(|(_, id)| id.is_none())
                            .map_or(v.clone(), |(p, _)| p.clone())
                    } else {
                        v.clone()
                    };
                    cx.err(
                        row,
                        Field::Outcome,
                        format!(
                            "站点中没有名为“{missing}”的成果（请先导入成果一览表，或核对成果名称）"
                        ),
                        None,
                        closest(&missing, outcome_titles.iter().copied()),
                    );
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        if cx.errors.len() > before {
            tainted.insert(title_key);
            continue;
        }
        let (Some(title), Some(province)) = (title, province) else {
            continue;
        };
        let key = (name_key(&title), province.clone());
        let gi = match group_of.get(&key) {
            Some(&i) => i,
            None => {
                group_of.insert(key, groups.len());
                applied.push(HashSet::new());
                groups.push(RegionGroup {
                    first_row: row.number,
                    title: title.clone(),
                    province: province.clone(),
                    demonstration: None,
                    start: None,
                    end: None,
                    summary: None,
                    applies: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[gi];
        // Region-level cells must agree across the rows of one region.
        let mut conflict: Option<(Field, usize, String)> = None;
        fn agree<T: PartialEq + Clone + fmt::Debug>(
            slot: &mut Option<(usize, T)>,
            v: Option<T>,
            row: usize,
            f: Field,
            shown: impl Fn(&T) -> String,
            conflict: &mut Option<(Field, usize, String)>,
        ) {
            if let Some(v) = v {
                match slot {
                    None => *slot = Some((row, v)),
                    Some((r, old)) if *old != v => {
                        *conflict = Some((f, *r, shown(old)));
                    }
                    _ => {}
                }
            }
        }
        let show_opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "（空）".into());
        agree(
            &mut g.demonstration,
            demonstration,
            row.number,
            Field::Demonstration,
            |v| match v {
                Some(true) => "是".into(),
                Some(false) => "否".into(),
                None => "（空）".into(),
            },
            &mut conflict,
        );
        let sf = if cx.has(Field::Start) {
            Field::Start
        } else {
            Field::Period
        };
        let ef = if cx.has(Field::End) {
            Field::End
        } else {
            Field::Period
        };
        agree(&mut g.start, start, row.number, sf, show_opt, &mut conflict);
        agree(&mut g.end, end, row.number, ef, show_opt, &mut conflict);
        if cx.has(Field::Summary) {
            agree(
                &mut g.summary,
                Some(opt_text(cx, row, Field::Summary)),
                row.number,
                Field::Summary,
                show_opt,
                &mut conflict,
            );
        }
        let repeated = {
            let mut in_row: HashSet<&str> = HashSet::new();
            outcomes
                .iter()
                .any(|o| applied[gi].contains(o) || !in_row.insert(o.as_str()))
        };
        if conflict.is_some() || repeated {
            tainted.insert(title_key.clone());
        }
        if let Some((f, r, old)) = conflict {
            cx.err(
                row,
                f,
                format!("与第{r}行（同一应用方“{}”）填写的“{old}”不一致", g.title),
                None,
                Some(old),
            );
            continue;
        }
        if repeated {
            cx.err(
                row,
                Field::Outcome,
                format!("应用方“{}”已在前面的行中选择了这项成果", g.title),
                None,
                None,
            );
            continue;
        }
        for o in outcomes {
            applied[gi].insert(o.clone());
            g.applies.push(ApplyRow {
                outcome: o,
                department: cx
                    .has(Field::Department)
                    .then(|| opt_text(cx, row, Field::Department))
                    .flatten(),
                schools: cx.has(Field::Schools).then(|| cx.list(row, Field::Schools)),
            });
        }
    }
    let mut ids = Ids::new(&site.regions);
    // Existing regions by (name key, province); the first one wins, as a scan would.
    let mut region_by_key: HashMap<(String, &str), &Existing> = HashMap::new();
    for r in &site.regions {
        region_by_key
            .entry((name_key(&r.title), r.province.as_str()))
            .or_insert(r);
    }
    for g in groups
        .iter()
        .filter(|g| !tainted.contains(&name_key(&g.title)))
    {
        let existing = region_by_key
            .get(&(name_key(&g.title), g.province.as_str()))
            .copied();
        let mut changes: Vec<(String, Change)> =
            vec![("province".into(), Change::Set(Yv::Str(g.province.clone())))];
        if let Some((_, d)) = &g.demonstration {
            set_or_remove(&mut changes, "demonstration", d.map(Yv::Bool));
        }
        if g.start.is_some() || g.end.is_some() {
            let mut m = Vec::new();
            if let Some((_, s)) = &g.start {
                m.push(("start".to_string(), s.clone().map(Yv::Quoted)));
            }
            if let Some((_, e)) = &g.end {
                m.push(("end".to_string(), e.clone().map(Yv::Quoted)));
            }
            changes.push(("period".into(), Change::Merge(m)));
        }
        if cx.has(Field::Outcome) {
            // Keep department / schools the sheet does not carry.
            let old: Vec<(String, Option<Yv>, Option<Yv>)> = existing
                .and_then(|e| e.fields.iter().find(|(k, _)| k.name == "applies"))
                .map(|(_, n)| match &n.value {
                    Value::List(l) => l
                        .iter()
                        .filter_map(|item| match &item.value {
                            Value::Map(m) => {
                                let get = |k: &str| {
                                    m.iter()
                                        .find(|(x, _)| x.name == k)
                                        .map(|(_, n)| edit::to_yv(&n.value))
                                };
                                match get("outcome") {
                                    Some(Yv::Str(o)) => {
                                        Some((o, get("department"), get("schools")))
                                    }
                                    _ => None,
                                }
                            }
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                })
                .unwrap_or_default();
            let mut old_by_outcome: HashMap<&str, &(String, Option<Yv>, Option<Yv>)> =
                HashMap::new();
            for o in &old {
                old_by_outcome.entry(o.0.as_str()).or_insert(o);
            }
            let list: Vec<Yv> = g
                .applies
                .iter()
                .map(|a| {
                    let prev = old_by_outcome.get(a.outcome.as_str()).copied();
                    let mut m = vec![("outcome".to_string(), Yv::Str(a.outcome.clone()))];
                    let dep = if cx.has(Field::Department) {
                        a.department.clone().map(Yv::Str)
                    } else {
                        prev.and_then(|p| p.1.clone())
                    };
                    if let Some(d) = dep {
                        m.push(("department".into(), d));
                    }
                    let schools = if cx.has(Field::Schools) {
                        a.schools
                            .as_ref()
                            .filter(|s| !s.is_empty())
                            .map(|s| text_list_yv(s))
                    } else {
                        prev.and_then(|p| p.2.clone())
                    };
                    if let Some(s) = schools {
                        m.push(("schools".into(), s));
                    }
                    Yv::Map(m)
                })
                .collect();
            set_or_remove(
                &mut changes,
                "applies",
                (!list.is_empty()).then_some(Yv::List(list)),
            );
        }
        if let Some((_, s)) = &g.summary {
            set_or_remove(&mut changes, "summary", s.clone().map(Yv::Str));
        }
        let id = existing.map_or_else(|| ids.fresh(&g.title), |e| e.id.clone());
        let new_fields = || {
            new_record_fields(
                &g.title,
                &changes,
                crate::validate::keys_of(Kind::Region),
                cx.file,
                g.first_row,
            )
        };
        plan.actions.push(action(
            &site_dir,
            Kind::Region,
            existing,
            &id,
            &g.title,
            &changes,
            new_fields,
        )?);
    }
    Ok(())
}

/// Write the planned files (each via a temporary file and a rename).
/// Returns how many files were written.
pub fn write(plan: &Plan) -> Result<usize, ImportError> {
    let mut n = 0;
    for a in &plan.actions {
        let Some(text) = &a.text else { continue };
        write_atomic(&a.path, text.as_bytes()).map_err(|err| ImportError::Write {
            path: a.path.clone(),
            err,
        })?;
        n += 1;
    }
    Ok(n)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
