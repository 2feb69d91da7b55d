//! Writing YAML scalars for front matter that people will edit by hand
//! (`chengguo new`, the corpus generator): plain when that reads back as the
//! same string, double-quoted otherwise.

/// A YAML scalar for `s`: plain when safe, otherwise double-quoted.
///
/// ```
/// use chengguo::content::yaml::scalar;
/// assert_eq!(scalar("课堂教学"), "课堂教学");
/// assert_eq!(scalar("主题: 作业"), "\"主题: 作业\"");
/// assert_eq!(scalar("2024"), "\"2024\"");
/// assert_eq!(scalar("yes"), "\"yes\"");
/// ```
pub fn scalar(s: &str) -> String {
    let needs_quote = s.is_empty()
        || s.starts_with(|c: char| c == '-' || c == '?' || c == ' ' || c.is_ascii_digit())
        || s.ends_with(' ')
        || s.contains(|c: char| ":#{}[],&*!|>'\"%@`\\".contains(c) || c.is_control())
        || matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
        );
    if !needs_quote {
        return s.to_string();
    }
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            c if c.is_control() => q.push_str(&format!("\\u{:04x}", c as u32)),
            _ => q.push(c),
        }
    }
    q.push('"');
    q
}
