//! The one rule for relative paths that leave the program (every file a
//! build writes into its output, every zip entry `pack` writes) and for the
//! relative paths it reads from data it did not write itself (a `verify`
//! manifest line, a file name under `content/media/` or a theme's
//! `static/`): a path is `/`-separated components, each a plain name that
//! every system we publish to (Linux, macOS, Windows, FAT32/exFAT sticks)
//! takes as one file or folder name and nothing else. Names breaking the
//! rule are refused with a Chinese message naming what is wrong; they are
//! never rewritten.
//!
//! [`join_inside`] joins a checked path to a root and refuses a result that
//! a symbolic link inside the root would carry elsewhere. Symbolic links met
//! while listing input are judged by [`resolve_link`]: a link to a regular
//! file inside the folder that holds it is read as that file; anything else
//! is refused (a link to `~/.ssh/id_rsa` dropped into a province's media
//! folder must never be published).

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

/// What is wrong with a relative path or one of its components. The texts
/// name the offending name (control characters shown as `U+0007`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathProblem {
    #[error("路径为空")]
    Empty,
    #[error("路径“{}”中有空的一段（开头、结尾或连续的“/”）", shown(.0))]
    EmptyComponent(String),
    #[error("文件名“{}”不能用作文件或文件夹名（“.”表示当前文件夹，“..”表示上一级文件夹）", shown(.0))]
    Dots(String),
    #[error("路径“{}”是绝对路径：只能用相对路径", shown(.0))]
    Absolute(String),
    #[error("文件名“{}”以盘符“{}”开头（Windows 会把它当作另一个磁盘上的路径）", shown(.0), .1)]
    Drive(String, String),
    #[error("文件名“{}”含有斜杠“/”", shown(.0))]
    Slash(String),
    #[error("文件名“{}”含有反斜杠“\\”（在 Windows 上是路径分隔符）", shown(.0))]
    Backslash(String),
    #[error("文件名“{}”含有控制字符 {}", shown(.0), crate::text::code(*.1))]
    Control(String, char),
    #[error("文件名“{}”含有 Windows 不允许的字符“{}”（文件名中不能有 : * ? \" < > |）", shown(.0), .1)]
    WindowsChar(String, char),
    #[error("文件名“{}”是 Windows 保留的设备名（CON、PRN、AUX、NUL、COM1–COM9、LPT1–LPT9，带不带扩展名都一样），在 Windows 上无法创建", shown(.0))]
    Reserved(String),
    #[error("文件名“{}”以点或空格结尾（Windows 会去掉结尾的点和空格，变成另一个文件名）", shown(.0))]
    TrailingDotOrSpace(String),
    #[error("文件名“{}”不是有效的 UTF-8 文本", .0)]
    NotUtf8(String),
    #[error("路径“{}”经过符号链接“{}”指向 {} 之外", shown(.0), shown(.1), .2.display())]
    Outside(String, String, PathBuf),
}

/// `s` for a message: control characters (C0, DEL, C1) written as `U+XXXX`
/// so that a file name cannot clear the terminal or set its title.
pub fn shown(s: &str) -> String {
    crate::text::escape_all_controls(s).into_owned()
}

/// Check one file or folder name.
///
/// ```
/// use chengguo::safepath::check_component;
/// assert!(check_component("教学设计.pdf").is_ok());
/// assert!(check_component("x\\..\\y").is_err());
/// assert!(check_component("con.txt").is_err());
/// assert!(check_component("C:").is_err());
/// ```
pub fn check_component(name: &str) -> Result<(), PathProblem> {
    let own = || name.to_string();
    if name.is_empty() {
        return Err(PathProblem::Empty);
    }
    if name == "." || name == ".." {
        return Err(PathProblem::Dots(own()));
    }
    let b = name.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err(PathProblem::Drive(own(), name[..2].to_string()));
    }
    for c in name.chars() {
        match c {
            '/' => return Err(PathProblem::Slash(own())),
            '\\' => return Err(PathProblem::Backslash(own())),
            // C0, DEL and C1 (Unicode category Cc).
            c if c.is_control() => return Err(PathProblem::Control(own(), c)),
            ':' | '*' | '?' | '"' | '<' | '>' | '|' => {
                return Err(PathProblem::WindowsChar(own(), c))
            }
            _ => {}
        }
    }
    if is_reserved(name) {
        return Err(PathProblem::Reserved(own()));
    }
    if name.ends_with('.') || name.ends_with(' ') {
        return Err(PathProblem::TrailingDotOrSpace(own()));
    }
    Ok(())
}

/// Windows device names, with or without an extension, any case (Windows
/// also ignores spaces before the extension, and takes the superscript
/// digits ¹²³ as digits here).
fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end_matches(' ');
    let up = stem.to_ascii_uppercase();
    if matches!(
        up.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let mut chars = up.chars();
    let head: String = chars.by_ref().take(3).collect();
    let rest: Vec<char> = chars.collect();
    (head == "COM" || head == "LPT")
        && rest.len() == 1
        && matches!(rest[0], '1'..='9' | '¹' | '²' | '³')
}

/// Check a `/`-separated relative path, component by component.
///
/// ```
/// use chengguo::safepath::check_relative;
/// assert!(check_relative("media/images/a.png").is_ok());
/// assert!(check_relative("../x").is_err());
/// assert!(check_relative("/etc/passwd").is_err());
/// assert!(check_relative("..\\..\\x").is_err());
/// assert!(check_relative("C:\\x").is_err());
/// ```
pub fn check_relative(rel: &str) -> Result<(), PathProblem> {
    if rel.is_empty() {
        return Err(PathProblem::Empty);
    }
    if rel.starts_with('/') {
        return Err(PathProblem::Absolute(rel.to_string()));
    }
    for c in rel.split('/') {
        if c.is_empty() {
            return Err(PathProblem::EmptyComponent(rel.to_string()));
        }
        check_component(c)?;
    }
    Ok(())
}

/// A relative path found on disk (such as a file's path below
/// `content/`), checked component by component and written with `/`.
pub fn check_os_relative(rel: &Path) -> Result<String, PathProblem> {
    let mut out = String::new();
    for c in rel.components() {
        let name: &OsStr = match c {
            Component::Normal(n) => n,
            Component::CurDir => return Err(PathProblem::Dots(".".into())),
            Component::ParentDir => return Err(PathProblem::Dots("..".into())),
            Component::RootDir | Component::Prefix(_) => {
                return Err(PathProblem::Absolute(rel.to_string_lossy().into_owned()))
            }
        };
        let Some(name) = name.to_str() else {
            return Err(PathProblem::NotUtf8(name.to_string_lossy().into_owned()));
        };
        check_component(name)?;
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(name);
    }
    if out.is_empty() {
        return Err(PathProblem::Empty);
    }
    Ok(out)
}

/// `root` joined with the checked relative path `rel`. The result is
/// lexically under `root` (every component is a plain name); in addition,
/// where a component of the result exists and is a symbolic link, the
/// existing part is canonicalised and must still be inside `root`, so a
/// link planted in an output folder cannot redirect a write (or a read).
///
/// ```
/// use chengguo::safepath::join_inside;
/// let root = std::path::Path::new("/nonexistent-root");
/// assert_eq!(join_inside(root, "a/b.html").unwrap(), root.join("a").join("b.html"));
/// assert!(join_inside(root, "a/../../b").is_err());
/// ```
pub fn join_inside(root: &Path, rel: &str) -> Result<PathBuf, PathProblem> {
    check_relative(rel)?;
    let mut p = root.to_path_buf();
    let mut link: Option<PathBuf> = None;
    // Looking stops at the first link, or where nothing exists yet
    // (nothing further down can redirect then).
    let mut look = true;
    for c in rel.split('/') {
        p.push(c);
        if !look {
            continue;
        }
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                link = Some(p.clone());
                look = false;
            }
            Ok(_) => {}
            Err(_) => look = false,
        }
    }
    debug_assert!(p.starts_with(root));
    if let Some(l) = link {
        let inside = match (l.canonicalize(), root.canonicalize()) {
            (Ok(t), Ok(r)) => t.starts_with(&r),
            _ => false,
        };
        if !inside {
            let shown_link = l
                .strip_prefix(root)
                .unwrap_or(&l)
                .to_string_lossy()
                .into_owned();
            return Err(PathProblem::Outside(
                rel.to_string(),
                shown_link,
                root.to_path_buf(),
            ));
        }
    }
    Ok(p)
}

/// Why a symbolic link found while listing input is not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkProblem {
    #[error("指向的 {0} 不存在")]
    Broken(String),
    #[error("指向文件夹 {0}（不会跟随文件夹链接）")]
    Folder(String),
    #[error("指向的 {0} 不是普通文件")]
    NotFile(String),
    #[error("指向 {1} 文件夹之外的 {0}")]
    Outside(String, String),
}

/// A symbolic link met while listing input (`link`, found under `within`):
/// the file it names when that is a regular file inside `within`
/// (canonicalised); otherwise why not. `within_label` names `within` in
/// the message (`content/`).
pub fn resolve_link(
    link: &Path,
    within: &Path,
    within_label: &str,
) -> Result<PathBuf, LinkProblem> {
    let target = std::fs::read_link(link)
        .map(|t| t.to_string_lossy().into_owned())
        .unwrap_or_default();
    let target = shown(&target);
    let real = match link.canonicalize() {
        Ok(r) => r,
        Err(_) => return Err(LinkProblem::Broken(target)),
    };
    let meta = std::fs::metadata(&real).map_err(|_| LinkProblem::Broken(target.clone()))?;
    if meta.is_dir() {
        return Err(LinkProblem::Folder(target));
    }
    let inside = within
        .canonicalize()
        .map(|w| real.starts_with(w))
        .unwrap_or(false);
    if !inside {
        return Err(LinkProblem::Outside(target, within_label.to_string()));
    }
    if !meta.is_file() {
        return Err(LinkProblem::NotFile(target));
    }
    Ok(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components() {
        for ok in [
            "a.png",
            "教学设计.pdf",
            ".gitignore",
            "com10.txt",
            "console.log",
            "a b.png",
            "lpt.txt",
            "x..y",
            "é",
        ] {
            assert_eq!(check_component(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "a\\b",
            "a\0b",
            "a\u{7}",
            "a\u{7f}",
            "a\u{85}",
            "CON",
            "con.txt",
            "Nul.tar.gz",
            "aux",
            "COM1",
            "lpt9.doc",
            "COM¹",
            "CON .txt",
            "a.",
            "a ",
            "C:",
            "c:x",
            "a:b",
            "a*b",
            "a?b",
            "a\"b",
            "a<b",
            "a>b",
            "a|b",
        ] {
            assert!(check_component(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn messages() {
        assert_eq!(
            check_component("x\\..\\y").unwrap_err().to_string(),
            "文件名“x\\..\\y”含有反斜杠“\\”（在 Windows 上是路径分隔符）"
        );
        assert_eq!(
            check_component("a\u{1b}]0;x").unwrap_err().to_string(),
            "文件名“aU+001B]0;x”含有控制字符 U+001B"
        );
        assert_eq!(
            check_relative("C:\\x").unwrap_err().to_string(),
            "文件名“C:\\x”以盘符“C:”开头（Windows 会把它当作另一个磁盘上的路径）"
        );
    }

    #[test]
    fn relative_paths() {
        assert!(check_relative("a/b/c.html").is_ok());
        for bad in [
            "",
            "/a",
            "a//b",
            "a/",
            "../a",
            "a/./b",
            "..\\..\\x",
            "C:\\x",
        ] {
            assert!(check_relative(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            check_os_relative(Path::new("media/a/b.png")).unwrap(),
            "media/a/b.png"
        );
        assert!(check_os_relative(Path::new("/media")).is_err());
        assert!(check_os_relative(Path::new("media/../b")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_folder_cannot_redirect() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("out");
        let away = t.path().join("away");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&away).unwrap();
        std::os::unix::fs::symlink(&away, root.join("up")).unwrap();
        std::fs::create_dir_all(root.join("real")).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("alias")).unwrap();
        assert!(matches!(
            join_inside(&root, "up/x.txt"),
            Err(PathProblem::Outside(..))
        ));
        // A link that stays inside is harmless.
        assert_eq!(
            join_inside(&root, "alias/x.txt").unwrap(),
            root.join("alias/x.txt")
        );
        assert_eq!(join_inside(&root, "new/x").unwrap(), root.join("new/x"));
        assert_eq!(join_inside(&root, "new/y/z").unwrap(), root.join("new/y/z"));
    }
}
