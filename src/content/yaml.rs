//! Writing YAML scalars for front matter that people will edit by hand
//! (`chengguo new`, the corpus generator, spreadsheet import): plain when
//! that reads back as the same string, double-quoted otherwise.

/// A YAML scalar for `s`: plain when safe, otherwise double-quoted.
///
/// ```
/// use chengguo::content::yaml::scalar;
/// assert_eq!(scalar("课堂教学"), "课堂教学");
/// assert_eq!(scalar("主题: 作业"), "\"主题: 作业\"");
/// assert_eq!(scalar("2024"), "\"2024\"");
/// assert_eq!(scalar("yes"), "\"yes\"");
/// assert_eq!(scalar("a\u{85}b"), "\"a\\u0085b\"");
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
    if needs_quote {
        quoted(s)
    } else {
        s.to_string()
    }
}

/// A YAML double-quoted string. JSON's escapes are valid YAML escapes; YAML
/// also wants DEL and the C1 controls escaped, which JSON leaves raw.
pub fn quoted(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.replace('"', "'")));
    let mut q = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_control() {
            q.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            q.push(c);
        }
    }
    q
}
