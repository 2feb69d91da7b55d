//! `chengguo pack` and `chengguo verify` through the real binary, on the
//! fixture `tests/fixtures/pack-external` (a local video, an external video
//! and an external link): the zip is deterministic, has one top folder with
//! the start page, the instructions and the manifest, non-ASCII names are
//! UTF-8 flagged, the manifest matches every file; `verify` passes a clean
//! copy and catches a deleted, a truncated and a bit-flipped file.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

const FIXTURE: &str = "pack-external";

fn site_copy() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    copy_dir(&fixture(FIXTURE), &site);
    (t, site)
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

fn pack(cwd: &Path, site: &Path, zip: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<&std::ffi::OsStr> =
        vec![os("pack"), site.as_os_str(), os("-o"), zip.as_os_str()];
    args.extend(extra.iter().map(|s| os(s)));
    run(cwd, &args)
}

fn verify(cwd: &Path, dir: &Path) -> Run {
    run(cwd, &[os("verify"), dir.as_os_str()])
}

fn sha256(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Every file entry of a zip: name -> bytes.
fn entries(zip: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut a = zip::ZipArchive::new(fs::File::open(zip).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..a.len() {
        let mut f = a.by_index(i).unwrap();
        if f.is_dir() {
            continue;
        }
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        out.insert(f.name().unwrap().to_string(), b);
    }
    out
}

/// (name, general-purpose flags, mtime date, mtime time) of every central
/// directory record, read from the raw bytes (what unzip tools see).
fn central_records(zip: &[u8]) -> Vec<(String, u16, u16, u16)> {
    let eocd = zip
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .expect("end of central directory");
    let u16at = |i: usize| u16::from_le_bytes([zip[i], zip[i + 1]]);
    let u32at = |i: usize| u32::from_le_bytes([zip[i], zip[i + 1], zip[i + 2], zip[i + 3]]);
    let count = u16at(eocd + 10) as usize;
    let mut at = u32at(eocd + 16) as usize;
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(&zip[at..at + 4], b"PK\x01\x02");
        let flags = u16at(at + 8);
        let (time, date) = (u16at(at + 12), u16at(at + 14));
        let (n, e, c) = (
            u16at(at + 28) as usize,
            u16at(at + 30) as usize,
            u16at(at + 32) as usize,
        );
        let name = String::from_utf8(zip[at + 46..at + 46 + n].to_vec()).unwrap();
        out.push((name, flags, date, time));
        at += 46 + n + e + c;
    }
    out
}

fn unzip(zip: &Path, into: &Path) {
    let mut a = zip::ZipArchive::new(fs::File::open(zip).unwrap()).unwrap();
    a.extract(into).unwrap();
}

#[test]
fn pack_is_deterministic_and_its_manifest_matches() {
    let (t, site) = site_copy();
    let a = t.path().join("a").join("门户.zip");
    let b = t.path().join("b").join("门户.zip");

    let r1 = pack(t.path(), &site, &a, &[]);
    assert_eq!(r1.code, 0, "{}", r1.dump());
    assert!(
        r1.stdout.contains("[render"),
        "first pack builds\n{}",
        r1.dump()
    );
    let r2 = pack(t.path(), &site, &b, &[]);
    assert_eq!(r2.code, 0, "{}", r2.dump());
    assert!(
        r2.stdout.contains("直接沿用") && !r2.stdout.contains("[render"),
        "second pack reuses the fresh output\n{}",
        r2.dump()
    );
    let (za, zb) = (fs::read(&a).unwrap(), fs::read(&b).unwrap());
    assert!(za == zb, "same input, same bytes");
    // A forced rebuild gives the same bytes too.
    let r3 = pack(t.path(), &site, &b, &["--rebuild"]);
    assert_eq!(r3.code, 0, "{}", r3.dump());
    assert!(r3.stdout.contains("[render"), "{}", r3.dump());
    assert!(fs::read(&b).unwrap() == za, "rebuild: same bytes");
    assert!(
        !fs::read_dir(t.path().join("b")).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("partial")),
        "no temporary zip left behind"
    );

    // Report: sizes by kind and largest files, the external page warned about.
    for needle in ["HTML 页面", "搜索索引", "媒体", "最大的文件", "个文件"] {
        assert!(r1.stdout.contains(needle), "`{needle}`\n{}", r1.dump());
    }
    assert!(
        r1.stderr.contains("外部网址") && r1.stderr.contains("portal/outcomes/waibu-shipin.html"),
        "{}",
        r1.dump()
    );

    // Raw records: one top folder, fixed date (1980-01-01 00:00), UTF-8 flag on non-ASCII names.
    let recs = central_records(&za);
    assert!(recs.len() > 20);
    for (name, flags, date, time) in &recs {
        assert!(name.starts_with("门户/"), "single top folder: {name}");
        // DOS date: year-1980 in bits 9.., month in 5..9, day in 0..5.
        const JAN_1_1980: u16 = (1 << 5) | 1;
        assert_eq!((*date, *time), (JAN_1_1980, 0), "{name}");
        if !name.is_ascii() {
            assert!(flags & 0x800 != 0, "UTF-8 flag on {name}");
        }
    }

    let files = entries(&a);
    let top = |n: &str| format!("门户/{n}");
    for n in [
        "打开门户.html",
        "使用说明.txt",
        "校验清单.sha256",
        "portal/index.html",
        "portal/verify.html",
    ] {
        assert!(files.contains_key(&top(n)), "{n} in the zip");
    }
    assert!(
        !files.keys().any(|k| k.contains("/.")),
        "no dot-files (build marker) in the zip"
    );
    // The start page opens portal/index.html without JavaScript.
    let start = String::from_utf8(files[&top("打开门户.html")].clone()).unwrap();
    assert!(start.contains(r#"<meta http-equiv="refresh" content="0; url=portal/index.html">"#));
    assert!(start.contains(r#"<a href="portal/index.html">"#) && !start.contains("<script"));
    // 360 and QQ browsers switch to their Chromium engine (极速模式).
    assert!(start.contains(r#"<meta name="renderer" content="webkit">"#));
    // Instructions: BOM, CRLF only, and what needs the internet.
    let readme = &files[&top("使用说明.txt")];
    assert!(readme.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM");
    let text = String::from_utf8(readme[3..].to_vec()).unwrap();
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "CRLF line ends only"
    );
    assert!(
        text.contains("外部视频成果（portal/outcomes/waibu-shipin.html）"),
        "{text}"
    );
    assert!(
        text.contains("https://video.example.org/ketang/1.mp4"),
        "{text}"
    );
    assert!(
        text.contains("https://www.example.org/chengguo?id=1&lang=zh"),
        "{text}"
    );
    assert!(!text.contains("未包含的视频"), "{text}");
    assert!(
        text.contains("测试实验学校（portal/holders/ceshi-xuexiao.html）")
            && text.contains("https://www.ceshi-xuexiao.example.cn/"),
        "the holder's website is listed\n{text}"
    );
    // In the portal, every external link says it needs the internet.
    for (name, bytes) in &files {
        if !name.ends_with(".html") || name.contains("/search/") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for (i, _) in html.match_indices("href=\"http") {
            let tail = &html[i..html.len().min(i + 400)];
            let end = tail
                .find("</li>")
                .or(tail.find("</dd>"))
                .unwrap_or(tail.len());
            assert!(
                tail[..end].contains("需联网"),
                "{name}: external link not marked as needing the internet: {}",
                &tail[..end]
            );
        }
    }

    // Manifest: every file but itself, with the right hash and size, and nothing else.
    let man = String::from_utf8(files[&top("校验清单.sha256")].clone()).unwrap();
    let mut listed: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
    for l in man.lines() {
        if let Some(r) = l.strip_prefix("#size ") {
            let (n, p) = r.split_once("  ").unwrap();
            sizes.insert(p.to_string(), n.parse().unwrap());
        } else if !l.starts_with('#') {
            let (h, p) = l.split_once("  ").unwrap();
            listed.insert(p.to_string(), (h.to_string(), 0));
        }
    }
    let expected: BTreeMap<String, (String, u64)> = files
        .iter()
        .filter(|(k, _)| **k != top("校验清单.sha256"))
        .map(|(k, v)| {
            (
                k.strip_prefix("门户/").unwrap().to_string(),
                (sha256(v), v.len() as u64),
            )
        })
        .collect();
    for (p, s) in &sizes {
        listed.get_mut(p).expect("size of a listed file").1 = *s;
    }
    assert_eq!(listed, expected);
    assert!(man.lines().last().unwrap().starts_with("#end "));

    // The standard tool agrees (coreutils is on every CI image).
    let x = t.path().join("x");
    unzip(&a, &x);
    let out = std::process::Command::new("sha256sum")
        .args(["-c", "--strict", "--quiet", "校验清单.sha256"])
        .current_dir(x.join("门户"))
        .output()
        .expect("sha256sum");
    assert!(
        out.status.success(),
        "sha256sum -c: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn no_video_leaves_videos_out_and_says_so() {
    let (t, site) = site_copy();
    let z = t.path().join("small.zip");
    let r = pack(t.path(), &site, &z, &["--no-video"]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(r.stdout.contains("未放入 1 个视频文件"), "{}", r.dump());
    let files = entries(&z);
    assert!(files.keys().all(|k| k.starts_with("small/")));
    assert!(
        !files.keys().any(|k| k.ends_with(".mp4")),
        "{:?}",
        files.keys()
    );
    assert!(files.contains_key("small/portal/media/images/poster.svg"));
    let man = String::from_utf8(files["small/校验清单.sha256"].clone()).unwrap();
    assert!(!man.contains(".mp4"));
    let text = String::from_utf8(files["small/使用说明.txt"][3..].to_vec()).unwrap();
    assert!(
        text.contains("portal/media/video/ketang.mp4")
            && text.contains("本地视频成果（portal/outcomes/bendi-shipin.html）"),
        "{text}"
    );
    // The page shows a note instead of a player that cannot play, and the
    // manifest lists the page as written.
    let page = String::from_utf8(files["small/portal/outcomes/bendi-shipin.html"].clone()).unwrap();
    assert!(!page.contains("<video"), "{page}");
    assert!(
        page.contains("此视频（ketang.mp4）未放入本 U 盘版"),
        "{page}"
    );
    let stick = t.path().join("small-stick");
    unzip(&z, &stick);
    let r = verify(t.path(), &stick.join("small"));
    assert_eq!(r.code, 0, "{}", r.dump());
    // The same site packed with video has it.
    let full = t.path().join("full.zip");
    assert_eq!(pack(t.path(), &site, &full, &[]).code, 0);
    let full_files = entries(&full);
    assert!(full_files.contains_key("full/portal/media/video/ketang.mp4"));
    let page =
        String::from_utf8(full_files["full/portal/outcomes/bendi-shipin.html"].clone()).unwrap();
    assert!(page.contains("<video"), "{page}");
}

#[test]
fn verify_passes_a_clean_copy_and_catches_damage() {
    let (t, site) = site_copy();
    let z = t.path().join("U盘版.zip");
    assert_eq!(pack(t.path(), &site, &z, &[]).code, 0);
    let stick = t.path().join("stick");
    unzip(&z, &stick);
    let top = stick.join("U盘版");

    // Clean: the top folder, and the stick root holding it.
    for dir in [&top, &stick] {
        let r = verify(t.path(), dir);
        assert_eq!(r.code, 0, "{}", r.dump());
        assert!(r.stdout.contains("校验通过"), "{}", r.dump());
        assert!(r.stderr.is_empty(), "{}", r.dump());
    }

    // Damage: delete one, truncate one, flip one bit in a third; add a stray file.
    let portal = top.join("portal");
    fs::remove_file(portal.join("outcomes/waibu-shipin.html")).unwrap();
    let style = portal.join("static/style.css");
    let orig = fs::read(&style).unwrap().len();
    let b = fs::read(&style).unwrap();
    fs::write(&style, &b[..orig / 2]).unwrap();
    let video = portal.join("media/video/ketang.mp4");
    let mut b = fs::read(&video).unwrap();
    b[1000] ^= 0x10;
    fs::write(&video, &b).unwrap();
    fs::write(top.join("备注.txt"), "老师加的文件").unwrap();

    let r = verify(t.path(), &stick);
    assert_eq!(r.code, 1, "{}", r.dump());
    let err = &r.stderr;
    assert!(
        err.contains("错误：portal/outcomes/waibu-shipin.html：缺失"),
        "{}",
        r.dump()
    );
    assert!(
        err.contains(&format!(
            "错误：portal/static/style.css：不完整（大小 {} 字节，应为 {orig} 字节）",
            orig / 2
        )),
        "{}",
        r.dump()
    );
    assert!(
        err.contains("错误：portal/media/video/ketang.mp4：已损坏"),
        "{}",
        r.dump()
    );
    assert!(
        err.contains("警告：备注.txt：不在校验清单中"),
        "{}",
        r.dump()
    );
    assert!(
        err.contains("校验未通过：缺失 1 个，不完整 1 个，损坏 1 个"),
        "{}",
        r.dump()
    );
    assert_eq!(
        err.lines().filter(|l| l.starts_with("错误：")).count(),
        3,
        "exactly the three damaged files\n{}",
        r.dump()
    );

    // A damaged manifest is reported as such.
    let m = top.join("校验清单.sha256");
    let text = fs::read_to_string(&m).unwrap();
    let i = text.find("\n#size").unwrap();
    let mut bytes = text.into_bytes();
    bytes[i - 3] = if bytes[i - 3] == b'l' { b'x' } else { b'l' };
    fs::write(&m, bytes).unwrap();
    let r = verify(t.path(), &top);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("校验清单本身已损坏"), "{}", r.dump());
}

#[test]
fn verify_explains_wrong_folders() {
    let t = tempfile::tempdir().unwrap();
    let r = verify(t.path(), t.path());
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(r.stderr.contains("找不到校验清单"), "{}", r.dump());
    let r = verify(t.path(), &t.path().join("没有"));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("找不到文件夹"), "{}", r.dump());
    // The zip itself: unzip first.
    fs::write(t.path().join("门户.zip"), b"PK\x05\x06").unwrap();
    let r = verify(t.path(), &t.path().join("门户.zip"));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("是压缩包：请先解压"), "{}", r.dump());
    for d in ["一", "二"] {
        fs::create_dir_all(t.path().join(d)).unwrap();
        fs::write(t.path().join(d).join("校验清单.sha256"), "").unwrap();
    }
    let r = verify(t.path(), t.path());
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("多个 U 盘版门户"), "{}", r.dump());
    // Usage errors exit 2.
    let r = run(t.path(), &[os("verify")]);
    assert_eq!(r.code, 2, "{}", r.dump());
}

#[test]
fn pack_rebuilds_when_content_or_output_changed_and_fails_on_errors() {
    let (t, site) = site_copy();
    let z = t.path().join("p.zip");
    assert_eq!(pack(t.path(), &site, &z, &[]).code, 0);

    // Edited content: rebuilt, and the change is in the zip.
    let f = site.join("content/outcomes/bendi-shipin.md");
    let s = fs::read_to_string(&f).unwrap();
    fs::write(&f, s.replace("保存在门户中", "保存在门户中，已更新")).unwrap();
    let r = pack(t.path(), &site, &z, &[]);
    assert!(r.stdout.contains("[render"), "{}", r.dump());
    let html =
        String::from_utf8(entries(&z)["p/portal/outcomes/bendi-shipin.html"].clone()).unwrap();
    assert!(html.contains("已更新"));

    // A plain `chengguo build` in between: the output is not the one recorded.
    assert_eq!(build(t.path(), &site, &site.join("public")).code, 0);
    let r = pack(t.path(), &site, &z, &[]);
    assert!(r.stdout.contains("[render"), "{}", r.dump());
    // A hand-edited output file: rebuilt too.
    fs::write(site.join("public/index.html"), "x").unwrap();
    let r = pack(t.path(), &site, &z, &[]);
    assert!(r.stdout.contains("[render"), "{}", r.dump());
    assert!(entries(&z)["p/portal/index.html"].len() > 100);

    // Content errors: exit 1, the previous zip untouched.
    let before = fs::read(&z).unwrap();
    fs::write(&f, s.replace("holder: ceshi-xuexiao", "holder: meiyou")).unwrap();
    let r = pack(t.path(), &site, &z, &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(!r.errors().is_empty(), "{}", r.dump());
    assert!(fs::read(&z).unwrap() == before);

    // A zip inside the output folder (which the next build replaces) is refused.
    fs::write(&f, &s).unwrap();
    let inside = site.join("public/dist/p.zip");
    let r = pack(t.path(), &site, &inside, &[]);
    assert_eq!(r.code, 1, "{}", r.dump());
    assert!(r.stderr.contains("不能放在门户输出目录中"), "{}", r.dump());
    assert!(!inside.exists() && !site.join("public/dist").exists());

    // Not a site.
    let r = pack(t.path(), t.path(), &t.path().join("q.zip"), &[]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("不是 chengguo 站点目录"), "{}", r.dump());
    assert!(!t.path().join("q.zip").exists());
}

#[test]
fn pack_and_verify_help_are_chinese() {
    let t = tempfile::tempdir().unwrap();
    let r = run(t.path(), &[os("pack"), os("--help")]);
    assert_eq!(r.code, 0);
    for n in ["用法", "FILE.zip", "--no-video", "U 盘"] {
        assert!(r.stdout.contains(n), "{n}\n{}", r.dump());
    }
    let r = run(t.path(), &[os("verify"), os("--help")]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("校验清单"), "{}", r.dump());
    let r = run(t.path(), &[os("--help")]);
    assert!(r.stdout.contains("pack") && r.stdout.contains("verify"));
    let r = run(t.path(), &[os("pak")]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("pack、verify"), "{}", r.dump());
}

#[test]
fn big_files_are_streamed_hashed_and_verified() {
    // Files over 32 MB take the streaming path (not read whole).
    let (t, site) = site_copy();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let big: Vec<u8> = (0..(33usize << 20))
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    fs::write(site.join("content/media/video/big.bin"), &big).unwrap();
    let z = t.path().join("big.zip");
    let r = pack(t.path(), &site, &z, &[]);
    assert_eq!(r.code, 0, "{}", r.dump());
    assert!(
        r.stdout.contains("portal/media/video/big.bin"),
        "largest files\n{}",
        r.dump()
    );
    let files = entries(&z);
    assert!(files["big/portal/media/video/big.bin"] == big);
    let man = String::from_utf8(files["big/校验清单.sha256"].clone()).unwrap();
    assert!(man.contains(&format!("{}  portal/media/video/big.bin", sha256(&big))));
    assert!(man.contains(&format!("#size {}  portal/media/video/big.bin", big.len())));
    let stick = t.path().join("stick");
    unzip(&z, &stick);
    let r = verify(t.path(), &stick);
    assert_eq!(r.code, 0, "{}", r.dump());
}
