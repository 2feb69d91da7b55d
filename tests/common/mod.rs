//! Shared by the integration tests: run the real `chengguo` binary and
//! read its diagnostics; copy fixture folders.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_chengguo");

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests").join("fixtures").join(name)
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Lines of stderr with the given label (`错误` or `警告`), in order.
    pub fn diags(&self, label: &str) -> Vec<String> {
        let needle = format!(": {label}: ");
        self.stderr
            .lines()
            .filter(|l| l.contains(&needle))
            .map(str::to_string)
            .collect()
    }
    pub fn errors(&self) -> Vec<String> {
        self.diags("错误")
    }
    pub fn warnings(&self) -> Vec<String> {
        self.diags("警告")
    }
    pub fn dump(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Run the binary with `cwd` as working directory (a temp dir, so that
/// nothing can be written next to the test by accident).
pub fn run(cwd: &Path, args: &[&std::ffi::OsStr]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run chengguo");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_name() == ".chengguo-cache" {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// All files under `root`, keyed by relative path (sorted); empty when
/// `root` is missing.
pub fn tree(root: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if let Ok(bytes) = fs::read(&p) {
                out.insert(p.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// A copy of the bundled sample site (site.yaml + content/) at `dir`.
pub fn sample_site_at(dir: &Path) -> PathBuf {
    copy_dir(&repo().join("content"), &dir.join("content"));
    fs::copy(repo().join("site.yaml"), dir.join("site.yaml")).unwrap();
    dir.to_path_buf()
}

/// `chengguo build SITE -o OUT`, run in `cwd`.
pub fn build(cwd: &Path, site: &Path, out: &Path) -> Run {
    run(
        cwd,
        &[
            "build".as_ref(),
            site.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ],
    )
}

/// `chengguo check SITE`, run in `cwd`.
pub fn check(cwd: &Path, site: &Path) -> Run {
    run(cwd, &["check".as_ref(), site.as_os_str()])
}

/// A running `chengguo serve SITE --port 0 EXTRA…`: the child, every line
/// it prints (stdout and stderr, from the start), and what it printed up to
/// and including the `预览地址：` line, whose URL is `base` (no trailing `/`).
pub struct Serving {
    pub child: std::process::Child,
    pub out: std::sync::mpsc::Receiver<String>,
    pub started: String,
    pub base: String,
}

/// Start the preview server and wait (at most 60 s) for its address.
pub fn start_serve(site: &Path, extra: &[&str]) -> Serving {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut child = Command::new(BIN)
        .arg("serve")
        .arg(site)
        .args(["--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chengguo serve");
    let (tx, rx) = std::sync::mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = String::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = rx.recv_timeout(left) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve did not start:\n{seen}");
        };
        seen.push_str(&line);
        seen.push('\n');
        if let Some(url) = line.strip_prefix("预览地址：") {
            let base = url.trim().trim_end_matches('/').to_string();
            return Serving {
                child,
                out: rx,
                started: seen,
                base,
            };
        }
    }
}
