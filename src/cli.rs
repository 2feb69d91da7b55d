//! Command line (the edge of the program): argument parsing, Chinese
//! progress and error output, exit codes. All work is done by the library.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgAction, Parser, Subcommand};

use crate::build::{self, Options, Report};
use crate::text::escape_for_terminal;

const TEMPLATE: &str = "{about}\n\n用法：{usage}\n\n{all-args}{after-help}";

#[derive(Parser, Debug)]
#[command(
    name = "chengguo",
    version,
    about = "成果：基础教育国家级优秀教学成果推广应用门户的静态网站生成器",
    help_template = TEMPLATE,
    override_usage = "chengguo <命令> [参数与选项]",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "命令",
    next_help_heading = "选项"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// 显示帮助
    #[arg(short, long, action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// 生成门户：读取 content/ 与 site.yaml，输出到 public/（原子替换，失败时不改动旧输出）
    #[command(help_template = TEMPLATE, next_help_heading = "选项", override_usage = "chengguo build [SITE_DIR] [-o OUT] [--no-search]")]
    Build {
        /// 站点目录（含 site.yaml 与 content/），默认当前目录
        #[arg(default_value = ".", hide_default_value = true, help_heading = "参数")]
        site_dir: PathBuf,
        /// 输出目录，默认 SITE_DIR/public
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// 不生成搜索索引（更快，门户的搜索页将不可用）
        #[arg(long)]
        no_search: bool,
    },
    /// 检查全部内容并报告所有问题（含外部网址、缺少替代文字的图片、未被引用的记录），不写任何文件、不联网
    #[command(help_template = TEMPLATE, next_help_heading = "选项", override_usage = "chengguo check [SITE_DIR] [--format text|json]")]
    Check {
        /// 站点目录，默认当前目录
        #[arg(default_value = ".", hide_default_value = true, help_heading = "参数")]
        site_dir: PathBuf,
        /// 输出格式：text（默认，给人看）或 json（给持续集成等程序读取）
        #[arg(long, default_value = "text", hide_default_value = true, value_parser = ["text", "json"], value_name = "FORMAT")]
        format: String,
    },
    /// 新建一个可直接生成的入门站点（默认主题内置于程序中，无需复制）
    #[command(help_template = TEMPLATE, next_help_heading = "选项", override_usage = "chengguo init DIR")]
    Init {
        /// 新站点目录（不存在则创建；已有站点时拒绝覆盖）
        #[arg(help_heading = "参数")]
        dir: PathBuf,
    },
    /// 新建一条记录：按标题生成拼音编号，写出带填写说明的模板文件（不会覆盖已有文件）
    #[command(help_template = TEMPLATE, next_help_heading = "选项", override_usage = "chengguo new <类型> <标题> [SITE_DIR]")]
    New {
        /// 记录类型：outcome（成果）、holder（成果持有方）、region（成果应用方）、case（典型案例）、notice（通知公告）、page（页面）
        #[arg(value_name = "类型", help_heading = "参数")]
        kind: String,
        /// 标题（中文），如 "聚奎中学借助上海教研范式打造二精课堂"
        #[arg(value_name = "标题", help_heading = "参数")]
        title: String,
        /// 站点目录，默认当前目录
        #[arg(default_value = ".", hide_default_value = true, help_heading = "参数")]
        site_dir: PathBuf,
    },
    /// 本地预览：生成并在本机启动网页服务，修改内容后自动重新生成并刷新浏览器
    #[command(help_template = TEMPLATE, next_help_heading = "选项", override_usage = "chengguo serve [SITE_DIR] [--port 1111] [--bind 127.0.0.1] [--poll]")]
    Serve {
        /// 站点目录，默认当前目录
        #[arg(default_value = ".", hide_default_value = true, help_heading = "参数")]
        site_dir: PathBuf,
        /// 端口（默认 1111；0 表示任选一个空闲端口）
        #[arg(
            long,
            default_value_t = 1111,
            hide_default_value = true,
            value_name = "PORT"
        )]
        port: u16,
        /// 监听地址（默认 127.0.0.1，只有本机可以访问）
        #[arg(
            long,
            default_value = "127.0.0.1",
            hide_default_value = true,
            value_name = "ADDR"
        )]
        bind: std::net::IpAddr,
        /// 定时扫描文件而不依赖系统通知（网络盘、WSL 等收不到修改时使用）
        #[arg(long)]
        poll: bool,
    },
    /// 在站点的全文索引中搜索（索引缺失或过期时先重建）
    #[command(help_template = TEMPLATE, next_help_heading = "选项", override_usage = "chengguo search [SITE_DIR] QUERY [--kind K] [--limit N] [--json]")]
    Search {
        /// [SITE_DIR] QUERY：站点目录（可省略，默认当前目录）与检索词
        #[arg(required = true, num_args = 1..=2, value_name = "SITE_DIR|QUERY", help_heading = "参数")]
        args: Vec<String>,
        /// 只搜索某类记录：outcomes、holders、regions、cases、notices、pages
        #[arg(long, value_name = "K")]
        kind: Option<String>,
        /// 最多返回多少条（默认 20）
        #[arg(
            long,
            default_value_t = 20,
            hide_default_value = true,
            value_name = "N"
        )]
        limit: usize,
        /// 每行输出一个 JSON 对象（id, kind, title, url, score）
        #[arg(long)]
        json: bool,
    },
    /// 从 Excel（.xlsx/.xls/.ods）或 CSV 表格导入成果、成果持有方或成果应用方名单（按中文表头识别各列）；从 Word/WPS 稿件（.docx）导入一篇案例、通知、成果或页面
    #[command(help_template = TEMPLATE, next_help_heading = "选项", override_usage = "chengguo import FILE [SITE_DIR] --kind outcomes|holders|regions [--sheet NAME] [--dry-run] [--skip-invalid]\n       chengguo import 稿件.docx [SITE_DIR] [--kind cases|notices|outcomes|pages] [--set 字段=值]… [--dry-run]")]
    Import {
        /// 表格文件：.xlsx、.xls、.ods，或 .csv（UTF-8 或 GB18030 编码）；或 Word 稿件 .docx
        #[arg(help_heading = "参数")]
        file: PathBuf,
        /// 站点目录，默认当前目录
        #[arg(default_value = ".", hide_default_value = true, help_heading = "参数")]
        site_dir: PathBuf,
        /// 表格内容：outcomes（成果）、holders（成果持有方）、regions（成果应用方）；Word 稿件：cases（典型案例，默认）、notices（通知公告）、outcomes、pages（页面）
        #[arg(long, value_name = "KIND", value_parser = ["outcomes", "holders", "regions", "cases", "notices", "pages"], hide_possible_values = true)]
        kind: Option<String>,
        /// 仅 Word 稿件：填写或改写头信息中的字段，可写多次，如 --set region=jiangjin --set outcomes=a,b
        #[arg(long = "set", value_name = "字段=值")]
        set: Vec<String>,
        /// 工作表名称（默认第一个工作表）
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// 只列出将新建、更新或不变的记录（Word 稿件：显示将写出的记录全文），不写入任何文件
        #[arg(long)]
        dry_run: bool,
        /// 跳过有错误的行，导入其余各行（默认：有任何错误则什么也不写）
        #[arg(long)]
        skip_invalid: bool,
    },
    /// 导出通知附件1—5：成果信息一览表、成果简介汇编、成果汇总表、成果应用方信息一览表、成果应用方汇总表
    #[command(help_template = TEMPLATE, next_help_heading = "选项", override_usage = "chengguo export [SITE_DIR] [--format xlsx|csv] [-o DIR]")]
    Export {
        /// 站点目录，默认当前目录
        #[arg(default_value = ".", hide_default_value = true, help_heading = "参数")]
        site_dir: PathBuf,
        /// 表格格式：xlsx（默认）或 csv（UTF-8 带 BOM，Excel 可直接打开）
        #[arg(long, value_name = "FMT", default_value = "xlsx", hide_default_value = true, value_parser = ["xlsx", "csv"], hide_possible_values = true)]
        format: String,
        /// 输出目录，默认 SITE_DIR/export
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// 制作 U 盘版：生成门户（或沿用最新的生成结果）并打包成 zip，内含“打开门户.html”、使用说明与校验清单
    #[command(help_template = TEMPLATE, next_help_heading = "选项", override_usage = "chengguo pack [SITE_DIR] [-o FILE.zip] [--no-video] [--rebuild]")]
    Pack {
        /// 站点目录，默认当前目录
        #[arg(default_value = ".", hide_default_value = true, help_heading = "参数")]
        site_dir: PathBuf,
        /// 压缩包路径，默认 SITE_DIR/成果门户U盘版.zip（包内顶层文件夹与压缩包同名）
        #[arg(short, long, value_name = "FILE.zip")]
        output: Option<PathBuf>,
        /// 不放入视频文件（mp4、webm、ogv、mov、m4v），适合容量小的 U 盘；使用说明中会列出未放入的视频
        #[arg(long)]
        no_video: bool,
        /// 总是重新生成门户（默认在输出目录仍是最新时直接沿用）
        #[arg(long)]
        rebuild: bool,
    },
    /// 校验 U 盘上的门户：按校验清单逐一核对文件，报告缺失、不完整或损坏的文件
    #[command(help_template = TEMPLATE, next_help_heading = "选项", override_usage = "chengguo verify DIR")]
    Verify {
        /// U 盘版门户的文件夹（含“打开门户.html”与“校验清单.sha256”），或只含一个这种文件夹的上一级（如 U 盘根目录）
        #[arg(help_heading = "参数")]
        dir: PathBuf,
    },
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    ExitCode::SUCCESS
                }
                _ => {
                    eprintln!("{}", usage_error(&e));
                    ExitCode::from(2)
                }
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{}", error_chain(&e));
            ExitCode::from(1)
        }
    }
}

/// An error and its causes, each cause only if the text before does not
/// already say it (our error messages often include their cause).
fn error_chain(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let t = cause.to_string();
        if !out.contains(&t) {
            if !out.is_empty() {
                out.push('：');
            }
            out.push_str(&t);
        }
    }
    out
}

/// clap's usage errors, said in Chinese (clap itself speaks English).
fn usage_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let what = match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "未知的命令“{}”（可用：build、check、init、new、serve、search、import、export、pack、verify）",
            ctx(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::UnknownArgument => format!("未知的选项“{}”", ctx(ContextKind::InvalidArg)),
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数 {}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令（可用：build、check、init、new、serve、search、import、export、pack、verify）".to_string()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!(
                "参数 {} 的值“{}”无效",
                ctx(ContextKind::InvalidArg),
                ctx(ContextKind::InvalidValue)
            )
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::ArgumentConflict => {
            format!("参数过多或有冲突：{}", ctx(ContextKind::InvalidArg))
        }
        _ => "命令行参数有误".to_string(),
    };
    format!("错误：{what}\n用法请见：chengguo --help，或 chengguo <命令> --help")
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build {
            site_dir,
            output,
            no_search,
        } => {
            let opts = Options {
                site: site_dir,
                out: output,
                write: true,
                search: !no_search,
            };
            println!("生成站点：{}", opts.site.display());
            let report = build::run(&opts, &mut print_stage)?;
            Ok(finish(&report, Some(&opts.out_dir())))
        }
        Command::Check { site_dir, format } => {
            let opts = Options {
                site: site_dir,
                out: None,
                write: false,
                search: false,
            };
            if format == "json" {
                let report = build::run(&opts, &mut |_| {})?;
                println!("{}", check_json(&report));
                return Ok(ExitCode::from(u8::from(!report.ok)));
            }
            println!("检查站点：{}", opts.site.display());
            let report = build::run(&opts, &mut print_stage)?;
            print_audit(&report);
            Ok(finish(&report, None))
        }
        Command::Init { dir } => {
            crate::init::init(&dir)?;
            println!("已创建入门站点：{}", dir.display());
            println!(
                "下一步：chengguo build {}，然后用浏览器打开 {}",
                dir.display(),
                dir.join("public").join("index.html").display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::New {
            kind,
            title,
            site_dir,
        } => {
            let kind = crate::new::parse_kind(&kind)?;
            let path = crate::new::new_record(&site_dir, kind, &title)?;
            println!("已新建{}：{}", kind.label(), path.display());
            println!("下一步：用文本编辑器打开它，填写标有【必填】的项目，然后运行 chengguo serve {} 预览", site_dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            site_dir,
            port,
            bind,
            poll,
        } => {
            serve(crate::serve::ServeOptions {
                site: site_dir,
                bind,
                port,
                poll,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            args,
            kind,
            limit,
            json,
        } => {
            let (site, query) = if args.len() == 2 {
                (PathBuf::from(&args[0]), args[1].clone())
            } else {
                (PathBuf::from("."), args[0].clone())
            };
            if let Some(k) = &kind {
                if crate::content::Kind::from_dir(k).is_none() {
                    anyhow::bail!("未知的记录类型“{k}”（可用：outcomes、holders、regions、cases、notices、pages）");
                }
            }
            search(&site, &query, kind.as_deref(), limit, json)
        }
        Command::Import {
            file,
            site_dir,
            kind,
            set,
            sheet,
            dry_run,
            skip_invalid,
        } => {
            if is_manuscript(&file) {
                return import_docx(file, site_dir, kind.as_deref(), set, dry_run);
            }
            if !set.is_empty() {
                return Ok(usage(
                    "--set 只用于 Word 稿件（.docx）；导入表格时按表头识别各列",
                ));
            }
            let Some(kind) = kind else {
                return Ok(usage(
                    "缺少必需的参数 --kind：导入表格时须写明表格内容（outcomes、holders、regions）",
                ));
            };
            if crate::interchange::SheetKind::parse(&kind).is_none() {
                return Ok(usage(&format!("参数 --kind 的值“{kind}”无效：导入表格时可用 outcomes、holders、regions（cases、notices、pages 用于 Word 稿件 .docx）")));
            }
            import(file, site_dir, &kind, sheet, dry_run, skip_invalid)
        }
        Command::Export {
            site_dir,
            format,
            output,
        } => export(&site_dir, &format, output),
        Command::Pack {
            site_dir,
            output,
            no_video,
            rebuild,
        } => pack(crate::pack::PackOptions {
            site: site_dir,
            zip: output,
            no_video,
            rebuild,
        }),
        Command::Verify { dir } => verify(&dir),
    }
}

fn pack(opts: crate::pack::PackOptions) -> anyhow::Result<ExitCode> {
    use crate::pack::{human, FAT32_MAX};
    println!("制作 U 盘版：{}", opts.site.display());
    let prepared = crate::pack::prepare(&opts, &mut print_stage)?;
    match &prepared.build {
        Some(report) => {
            let code = finish(report, Some(&prepared.out));
            if !report.ok {
                return Ok(code);
            }
        }
        None => println!(
            "门户输出目录是最新的，直接沿用：{}（如需重新生成，加 --rebuild）",
            prepared.out.display()
        ),
    }
    let title = crate::pack::site_title(&opts.site);
    let r = crate::pack::write_zip(&opts, &prepared.out, &title)?;
    let prepared_out = prepared.out.clone();
    drop(prepared);
    println!(
        "已写入：{}（{}，{} 个文件，解压后 {}，用时 {:.2} 秒）",
        r.zip.display(),
        human(r.zip_bytes),
        r.files,
        human(r.bytes),
        r.took.as_secs_f64()
    );
    println!(
        "解压后复制到 U 盘约占 {}（按 32 KB 簇估算：这是 32 GB 以下 exFAT U 盘的默认簇大小，FAT32 的簇一般不超过它）",
        human(r.on_stick_32k)
    );
    println!(
        "包内结构：{0}/打开门户.html、{0}/使用说明.txt、{0}/校验清单.sha256、{0}/portal/（门户）",
        r.top
    );
    if let Some(p) = crate::pack::photos::saving(&opts.site, &prepared_out) {
        println!(
            "照片 {} 张：原图共 {}，U 盘版只带去掉位置信息、缩小后的图片 {}（为原图的 {:.0}%；原图不放进 U 盘）",
            p.photos,
            human(p.originals),
            human(p.published),
            p.published as f64 * 100.0 / p.originals.max(1) as f64
        );
    }
    println!("门户各部分大小：");
    for k in &r.kinds {
        println!(
            "  {:>10}  {:>6} 个文件  {}",
            human(k.bytes),
            k.files,
            k.label
        );
    }
    println!("最大的文件：");
    for (p, n) in &r.largest {
        println!("  {:>10}  {p}", human(*n));
    }
    let mut warnings = 0;
    for (p, n) in &r.over_fat32 {
        warnings += 1;
        eprintln!(
            "警告：{p} 大于 4 GB（{}），无法复制到 FAT32 格式的 U 盘；请把 U 盘格式化为 exFAT 或 NTFS，或用 --no-video",
            human(*n)
        );
    }
    for p in &r.windows_unsafe {
        warnings += 1;
        eprintln!("警告：{p}：在 Windows 上可能无法复制或打开，请改名后重新制作");
    }
    if r.zip_bytes > FAT32_MAX {
        warnings += 1;
        eprintln!(
            "警告：压缩包本身大于 4 GB，不能直接放到 FAT32 格式的 U 盘上；请在电脑上解压后复制文件夹，或把 U 盘格式化为 exFAT"
        );
    }
    if !r.external.is_empty() {
        warnings += 1;
        eprintln!(
            "警告：{} 个页面含有外部网址，这些内容需要联网才能打开（已列入使用说明.txt）：",
            r.external.len()
        );
        for p in r.external.iter().take(10) {
            eprintln!(
                "  {}（portal/{}）：{}",
                escape_for_terminal(&p.title),
                p.page,
                escape_for_terminal(&p.urls.join(" "))
            );
        }
        if r.external.len() > 10 {
            eprintln!("  ……另有 {} 个页面，见使用说明.txt", r.external.len() - 10);
        }
    }
    if !r.left_out.is_empty() {
        let total: u64 = r.left_out.iter().map(|v| v.size).sum();
        println!(
            "按 --no-video 未放入 {} 个视频文件（共 {}），已在使用说明.txt 中列出",
            r.left_out.len(),
            human(total)
        );
    }
    println!(
        "完成{}。把压缩包解压后，将文件夹“{}”整个复制到 U 盘；复制后可用 chengguo verify 检查。",
        if warnings > 0 {
            format!("（警告 {warnings} 个）")
        } else {
            String::new()
        },
        r.top
    );
    Ok(ExitCode::SUCCESS)
}

fn verify(dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    use crate::pack::human;
    use crate::pack::verify::Problem;
    println!("正在校验 {} ……（U 盘较慢时需要几十秒）", dir.display());
    let r = crate::pack::verify::verify(dir)?;
    println!(
        "校验：{}（清单列出 {} 个文件，共 {}）",
        r.top.display(),
        r.listed,
        human(r.listed_bytes)
    );
    let mut err = std::io::stderr().lock();
    for m in &r.manifest_problems {
        writeln!(err, "错误：{m}")?;
    }
    for (p, problem) in &r.problems {
        let what = match problem {
            Problem::Missing => "缺失（文件不存在）".to_string(),
            Problem::Truncated { expected, actual } => {
                format!("不完整（大小 {actual} 字节，应为 {expected} 字节）")
            }
            Problem::Corrupted => "已损坏（内容与校验值不符）".to_string(),
            Problem::Unreadable(e) => format!("无法读取（{e}）"),
            Problem::Unsafe(why) => format!("清单中的路径不安全，未打开：{why}"),
        };
        writeln!(err, "错误：{}：{what}", crate::safepath::shown(p))?;
    }
    for p in &r.extra {
        let p = crate::safepath::shown(p);
        writeln!(err, "警告：{p}：不在校验清单中（多出的文件）")?;
    }
    drop(err);
    if r.ok() {
        println!(
            "校验通过：{} 个文件全部完好{}",
            r.listed,
            if r.extra.is_empty() {
                String::new()
            } else {
                format!("；另有 {} 个多出的文件（见上方警告）", r.extra.len())
            }
        );
        Ok(ExitCode::SUCCESS)
    } else {
        let missing = r.count(|p| matches!(p, Problem::Missing));
        let trunc = r.count(|p| matches!(p, Problem::Truncated { .. }));
        let bad = r.count(|p| matches!(p, Problem::Corrupted));
        let unread = r.count(|p| matches!(p, Problem::Unreadable(_)));
        let unsafe_paths = r.count(|p| matches!(p, Problem::Unsafe(_)));
        eprintln!(
            "校验未通过：缺失 {missing} 个，不完整 {trunc} 个，损坏 {bad} 个，无法读取 {unread} 个{}{}。请从压缩包重新复制整个文件夹。",
            if unsafe_paths > 0 {
                format!("，清单中路径不安全 {unsafe_paths} 个")
            } else {
                String::new()
            },
            if r.manifest_problems.is_empty() {
                String::new()
            } else {
                "，校验清单本身有问题".to_string()
            }
        );
        Ok(ExitCode::from(1))
    }
}

/// A usage error found after parsing: said like clap's, exit 2.
fn usage(what: &str) -> ExitCode {
    eprintln!("错误：{what}\n用法请见：chengguo --help，或 chengguo <命令> --help");
    ExitCode::from(2)
}

/// Word/WPS documents (a legacy .doc/.wps is refused with its own message).
fn is_manuscript(file: &std::path::Path) -> bool {
    file.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "docx" | "docm" | "dotx" | "doc" | "wps" | "wpt" | "dot"
        )
    })
}

fn import_docx(
    file: PathBuf,
    site: PathBuf,
    kind: Option<&str>,
    sets: Vec<String>,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    use crate::interchange::docx::{self, Verb};
    let kind = docx::parse_kind(kind.unwrap_or("cases"))?;
    let _lock = import_site_lock(&site, dry_run)?;
    println!(
        "导入 Word 稿件（{}）：{} → {}",
        kind.label(),
        file.display(),
        site.display()
    );
    let plan = docx::plan(&docx::Options {
        site: site.clone(),
        file,
        kind,
        sets,
        today: crate::new::today_beijing(),
    })?;
    for w in &plan.warnings {
        eprintln!("警告：{}", escape_for_terminal(w));
    }
    let what = match plan.verb {
        Verb::Create => "新建",
        Verb::Update => "更新正文",
        Verb::Unchanged => "不变",
    };
    println!(
        "  {what} {}  {}",
        plan.display,
        escape_for_terminal(&plan.title)
    );
    if !plan.pictures.is_empty() {
        println!(
            "  图片 {} 张 → content/{}/",
            plan.pictures.len(),
            plan.picture_dir
        );
    }
    if dry_run {
        println!("--- {} ---", plan.display);
        print!("{}", escape_for_terminal(&plan.text));
        println!("--- 试运行：未写入任何文件 ---");
        return Ok(ExitCode::SUCCESS);
    }
    let written = docx::write(&site, &plan)?;
    if plan.verb == Verb::Unchanged {
        println!("完成：稿件与上次导入相同，未写入任何文件");
        return Ok(ExitCode::SUCCESS);
    }
    println!("完成：{what} {}（写入 {written} 个文件）", plan.display);
    let hint = if kind == crate::content::Kind::Case {
        "（如 region、outcomes；也可再次导入时加 --set region=… --set outcomes=…）"
    } else {
        "（也可再次导入时加 --set 字段=值）"
    };
    println!(
        "下一步：打开 {} 补填其余项目{hint}，然后 chengguo check {}",
        plan.display,
        site.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn import(
    file: PathBuf,
    site: PathBuf,
    kind: &str,
    sheet: Option<String>,
    dry_run: bool,
    skip_invalid: bool,
) -> anyhow::Result<ExitCode> {
    use crate::interchange::import::{self, Verb};
    let kind = crate::interchange::SheetKind::parse(kind).ok_or_else(|| {
        anyhow::anyhow!("未知的表格内容“{kind}”（可用：outcomes、holders、regions）")
    })?;
    let _lock = import_site_lock(&site, dry_run)?;
    println!(
        "导入{}：{} → {}",
        kind.label(),
        file.display(),
        site.display()
    );
    let plan = import::plan(&import::Options {
        site: site.clone(),
        file,
        kind,
        sheet,
    })?;
    let mut err = std::io::stderr().lock();
    for w in &plan.warnings {
        let _ = writeln!(err, "警告：{w}");
    }
    for e in &plan.errors {
        let _ = writeln!(err, "{e}");
    }
    drop(err);
    let bad = !plan.errors.is_empty();
    let (c, u, n) = (
        plan.count(|v| *v == Verb::Create),
        plan.count(|v| matches!(v, Verb::Update(_))),
        plan.count(|v| *v == Verb::Unchanged),
    );
    if bad && !skip_invalid {
        eprintln!(
            "失败：{} 处错误（涉及 {} 行），未写入任何文件；请修改表格后重新导入，或加 --skip-invalid 跳过有错误的行",
            plan.errors.len(),
            plan.skipped.len()
        );
        return Ok(ExitCode::from(1));
    }
    if dry_run || plan.actions.len() <= 200 {
        for a in &plan.actions {
            let what = match &a.verb {
                Verb::Create => "新建".to_string(),
                Verb::Update(fields) => format!("更新（{}）", fields.join("、")),
                Verb::Unchanged => "不变".to_string(),
            };
            println!(
                "  {what:<6} {}  {}",
                a.display,
                escape_for_terminal(&a.title)
            );
        }
    }
    let skipped = if bad {
        format!(
            "；跳过有错误的 {} 行（第{}行）",
            plan.skipped.len(),
            plan.skipped
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join("、")
        )
    } else {
        String::new()
    };
    if dry_run {
        println!(
            "试运行：读取 {} 行，将新建 {c} 个、更新 {u} 个、不变 {n} 个记录{skipped}；未写入任何文件",
            plan.rows
        );
        return Ok(ExitCode::SUCCESS);
    }
    let written = import::write(&plan)?;
    println!(
        "完成：读取 {} 行，新建 {c} 个、更新 {u} 个、不变 {n} 个记录（写入 {written} 个文件）{skipped}",
        plan.rows
    );
    if written > 0 {
        println!(
            "下一步：chengguo check {}，然后 chengguo build {}",
            site.display(),
            site.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn export(
    site: &std::path::Path,
    format: &str,
    output: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    use crate::interchange::export::{self, Format};
    let format = if format == "csv" {
        Format::Csv
    } else {
        Format::Xlsx
    };
    if !site.join(crate::config::FILE).is_file() {
        anyhow::bail!(
            "{} 不是 chengguo 站点目录（找不到 site.yaml）",
            site.display()
        );
    }
    let out = output.unwrap_or_else(|| site.join("export"));
    let mut report = Report::default();
    let loaded = build::load(site, &mut report, &mut |_| {});
    let mut diags = report.diagnostics;
    let theme = crate::render::theme::load(site, &loaded.cfg, &mut diags);
    if diags.has_errors() {
        print_diags(&diags);
        eprintln!(
            "失败：内容有 {} 个错误，未导出；请先修正（chengguo check）",
            diags.error_count()
        );
        return Ok(ExitCode::from(1));
    }
    let Some(theme) = theme else {
        anyhow::bail!("无法加载主题");
    };
    let media: std::collections::HashSet<String> = loaded
        .media
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let brief = crate::render::brief_page(&loaded.graph, &loaded.cfg, &theme, &media, false)
        .map_err(|e| anyhow::anyhow!(e))?;
    let written = export::write_all(&loaded.graph, &brief, format, &out)?;
    for m in written.iter().flat_map(|w| &w.warnings) {
        eprintln!("警告：{m}");
    }
    println!("导出到 {}：", out.display());
    for w in &written {
        println!(
            "  {}  {} 行  {:.1} KB",
            w.file,
            w.rows,
            w.bytes as f64 / 1024.0
        );
    }
    println!("完成：{} 个文件", written.len());
    Ok(ExitCode::SUCCESS)
}

fn search(
    site: &std::path::Path,
    query: &str,
    kind: Option<&str>,
    limit: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let cache = crate::search::cache_dir(site);
    if !site.join(crate::config::FILE).is_file() {
        anyhow::bail!(
            "{} 不是 chengguo 站点目录（找不到 site.yaml）",
            site.display()
        );
    }
    let _lock = build::lock_site(site)?;
    let (docs, diags) = build::search_docs(site)?;
    if diags.has_errors() {
        print_diags(&diags);
        eprintln!("内容有错误，无法建立索引；请先修正（chengguo check）");
        return Ok(ExitCode::from(1));
    }
    if !crate::search::is_fresh(&docs, &cache) {
        if !json {
            eprintln!("索引缺失或已过期，正在重建……");
        }
        crate::search::build_index(&docs, &cache)?;
    }
    drop(docs);
    let hits = crate::search::query(&cache, query, kind, limit)?;
    let mut out = std::io::stdout().lock();
    if json {
        for h in &hits {
            writeln!(
                out,
                "{}",
                serde_json::json!({"id": h.id, "kind": h.kind, "title": h.title, "url": h.url, "score": h.score, "exact": h.exact})
            )?;
        }
    } else if hits.is_empty() {
        writeln!(out, "没有找到与“{query}”相关的记录")?;
    } else {
        if !hits[0].exact {
            writeln!(out, "未找到完全匹配“{query}”的记录，以下为部分匹配：")?;
        }
        for (i, h) in hits.iter().enumerate() {
            let mark = if h.exact { "" } else { "（部分匹配）" };
            writeln!(
                out,
                "{:>3}. [{}] {}{mark}  {}  ({:.2})",
                i + 1,
                kind_label(&h.kind),
                escape_for_terminal(&h.title),
                h.url,
                h.score
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

struct Terminal;

impl crate::serve::Log for Terminal {
    fn line(&self, s: &str) {
        println!("{}", escape_for_terminal(s));
    }
    fn error(&self, s: &str) {
        eprintln!("{}", escape_for_terminal(s));
    }
}

fn serve(opts: crate::serve::ServeOptions) -> anyhow::Result<()> {
    ctrlc::set_handler(|| {
        println!("\n已停止预览服务");
        std::process::exit(0);
    })?;
    if !opts.bind.is_loopback() {
        eprintln!(
            "警告：监听地址 {} 不是本机地址，局域网中的其他电脑也能访问预览",
            opts.bind
        );
    }
    println!("本地预览：{}（首次生成中……）", opts.site.display());
    crate::serve::serve(&opts, std::sync::Arc::new(Terminal), &mut |url| {
        println!("预览地址：{url}");
        println!("用浏览器打开上面的地址；修改 content/、themes/ 或 site.yaml 后页面会自动刷新。按 Ctrl+C 停止。");
    })?;
    Ok(())
}

fn kind_label(k: &str) -> &'static str {
    crate::content::Kind::from_dir(k).map_or("?", |k| k.label())
}

fn print_stage(s: &build::Stage) {
    println!(
        "  [{:<13}] {:>7.2} 秒  {}",
        s.name,
        s.took.as_secs_f64(),
        s.detail
    );
}

fn print_diags(d: &crate::diag::Diagnostics) {
    let mut err = std::io::stderr().lock();
    for x in d.sorted() {
        let _ = writeln!(err, "{x}");
    }
}

/// `check --format json`: one JSON object with everything the text shows.
fn check_json(report: &Report) -> String {
    let diag = |sev: bool| -> Vec<serde_json::Value> {
        report
            .diagnostics
            .sorted()
            .into_iter()
            .filter(|d| d.is_error() == sev)
            .map(|d| serde_json::json!({"path": d.path_display(), "line": d.pos.line, "col": d.pos.col, "message": d.message}))
            .collect()
    };
    let audit = report.audit.clone().unwrap_or_default();
    serde_json::json!({
        "ok": report.ok,
        "errors": diag(true),
        "warnings": diag(false),
        "external": audit.external,
        "needs_internet": audit.needs_internet,
        "images_without_alt": audit.images_without_alt,
        "orphans": audit.orphans,
        "summary": {
            "records": report.records,
            "pages": report.pages,
            "errors": report.diagnostics.error_count(),
            "warnings": report.diagnostics.warning_count(),
            "external": audit.external.len(),
            "needs_internet": audit.needs_internet.len(),
            "images_without_alt": audit.images_without_alt.len(),
            "orphans": audit.orphans.len(),
        }
    })
    .to_string()
}

/// The lists `check` adds to the build's diagnostics, then a summary line.
fn print_audit(report: &Report) {
    let Some(a) = &report.audit else { return };
    let mut out = std::io::stdout().lock();
    let mut section = |heading: String, lines: Vec<String>| {
        if !lines.is_empty() {
            let _ = writeln!(out, "{heading}");
            for l in lines {
                let _ = writeln!(out, "  {l}");
            }
        }
    };
    section(
        format!("外部网址（共 {} 处；检查时不访问网络）：", a.external.len()),
        a.external
            .iter()
            .map(|e| {
                let what = if e.needs_internet {
                    "，页面内容需联网"
                } else {
                    ""
                };
                format!(
                    "{}:{}:{}: {}（{}{what}）",
                    e.at.path, e.at.line, e.at.col, e.url, e.field
                )
            })
            .collect(),
    );
    section(
        format!(
            "需要联网才能完整查看的页面（共 {} 个；U 盘版中无法离线查看这些资料）：",
            a.needs_internet.len()
        ),
        a.needs_internet
            .iter()
            .map(|p| {
                format!(
                    "{}  {}（{}）：{}",
                    p.page,
                    p.title,
                    p.path,
                    p.urls.join("、")
                )
            })
            .collect(),
    );
    section(
        format!("缺少替代文字的图片（共 {} 张；请在 ![ ] 的方括号里写上图片说明，方便读屏软件和图片加载失败时阅读）：", a.images_without_alt.len()),
        a.images_without_alt
            .iter()
            .map(|p| format!("{}:{}:{}", p.path, p.line, p.col))
            .collect(),
    );
    section(
        format!(
            "没有被其他记录引用的记录（共 {} 条；可检查编号是否写错）：",
            a.orphans.len()
        ),
        a.orphans
            .iter()
            .map(|o| format!("{}  {}“{}”：{}", o.path, o.kind, o.title, o.reason))
            .collect(),
    );
    let _ = writeln!(
        out,
        "汇总：{} 条记录，{} 个页面；错误 {} 个，警告 {} 个；外部网址 {} 处，需联网页面 {} 个，缺少替代文字的图片 {} 张，未被引用的记录 {} 条",
        report.records,
        report.pages,
        report.diagnostics.error_count(),
        report.diagnostics.warning_count(),
        a.external.len(),
        a.needs_internet.len(),
        a.images_without_alt.len(),
        a.orphans.len()
    );
}

fn finish(report: &Report, out: Option<&std::path::Path>) -> ExitCode {
    print_diags(&report.diagnostics);
    let (e, w) = (
        report.diagnostics.error_count(),
        report.diagnostics.warning_count(),
    );
    if !report.ok {
        let tail = if out.is_some() {
            "；输出目录未改动"
        } else {
            ""
        };
        eprintln!("失败：{e} 个错误，{w} 个警告{tail}");
        return ExitCode::from(1);
    }
    match out {
        Some(out) => println!(
            "完成：{} 条记录，{} 个页面，{} 个文件，{:.1} MB，用时 {:.2} 秒，警告 {w} 个 → {}",
            report.records,
            report.pages,
            report.files,
            report.bytes as f64 / 1_048_576.0,
            report.total.as_secs_f64(),
            out.join("index.html").display()
        ),
        None => println!(
            "检查通过：{} 条记录，{} 个页面，警告 {w} 个，用时 {:.2} 秒",
            report.records,
            report.pages,
            report.total.as_secs_f64()
        ),
    }
    ExitCode::SUCCESS
}

/// Both imports: `site` must be a site; the site's lock is held while a
/// real (not `--dry-run`) import writes.
fn import_site_lock(site: &Path, dry_run: bool) -> anyhow::Result<Option<std::fs::File>> {
    if !site.join(crate::config::FILE).is_file() {
        anyhow::bail!(
            "{} 不是 chengguo 站点目录（找不到 site.yaml）",
            site.display()
        );
    }
    Ok(if dry_run {
        None
    } else {
        Some(build::lock_site(site)?)
    })
}
