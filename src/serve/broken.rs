//! The page every page request gets while no build of this session has
//! succeeded: the errors grouped by file (the file once, then `行:列` and
//! the message), and the promise that the preview appears once they are
//! fixed. The live-reload script keeps the list current and loads the real
//! page when a build succeeds.

use super::Problem;
use crate::render::theme::escape_html;

/// The errors, grouped by file in their order (they come sorted by file).
pub fn group(errors: &[Problem]) -> Vec<(&str, Vec<&Problem>)> {
    let mut groups: Vec<(&str, Vec<&Problem>)> = Vec::new();
    for e in errors {
        match groups.last_mut() {
            Some((path, list)) if *path == e.path => list.push(e),
            _ => groups.push((&e.path, vec![e])),
        }
    }
    groups
}

/// The HTML page (without the live-reload script, added by the server).
pub fn page(errors: &[Problem]) -> String {
    let mut list = String::new();
    for (path, problems) in group(errors) {
        list.push_str(&format!(
            "<section><h2><code>{}</code></h2><ul>",
            escape_html(path)
        ));
        for p in problems {
            let at = if p.line > 0 {
                format!(
                    "<code title=\"第 {l} 行第 {c} 列\">{l}:{c}</code> ",
                    l = p.line,
                    c = p.col
                )
            } else {
                String::new()
            };
            list.push_str(&format!("<li>{at}{}</li>", escape_html(&p.message)));
        }
        list.push_str("</ul></section>");
    }
    let n = errors.len();
    let lead = if n == 0 {
        "预览正在生成……".to_string()
    } else {
        format!("内容有 {n} 个错误，网站还没有成功生成过，所以暂时没有页面可看。请按下面列出的文件和位置（行:列）修正；保存后预览会自动出现在这里，不用刷新。")
    };
    format!(
        r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>预览尚未生成：内容有 {n} 个错误</title>
<style>
body{{margin:0;background:#fff5f5;color:#611;font:16px/1.7 system-ui,"Microsoft YaHei",sans-serif}}
main{{max-width:52rem;margin:0 auto;padding:24px 16px}}
h1{{font-size:1.5rem;margin:0 0 8px;color:#a93226}}
h2{{font-size:1rem;margin:18px 0 4px;word-break:break-all}}
ul{{margin:0;padding-left:1.2em}}
code{{font-family:Consolas,monospace;background:#fde;padding:0 4px;border-radius:3px}}
</style>
</head>
<body>
<main id="chengguo-broken" data-errors="{n}">
<h1>预览还没有生成</h1>
<p id="chengguo-broken-lead">{lead}</p>
<div id="chengguo-broken-list">{list}</div>
</main>
</body>
</html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(path: &str, line: usize, message: &str) -> Problem {
        Problem {
            path: path.into(),
            line,
            col: 7,
            message: message.into(),
        }
    }

    #[test]
    fn groups_by_file_and_escapes() {
        let errors = [
            p("content/cases/a.md", 3, "date 的值“2023-13-45”"),
            p("content/cases/a.md", 9, "<script>"),
            p("content/outcomes/b.md", 2, "x"),
        ];
        let g = group(&errors);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].1.len(), 2);
        let html = page(&errors);
        assert_eq!(html.matches("content/cases/a.md").count(), 1);
        assert!(html.contains(">3:7</code> date 的值“2023-13-45”"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("内容有 3 个错误"));
        assert!(html.contains("预览会自动出现"));
    }
}
