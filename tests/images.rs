//! The image stage (issue 12) on photos made here: a JPEG with camera EXIF
//! (GPS position, Orientation = 6), a PNG screenshot, and bad files. Every
//! published picture is parsed: no metadata, upright, the sizes the pages
//! claim; a rebuild decodes nothing.

mod common;

use std::fs;
use std::path::Path;

fn w(site: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = site.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

/// A little-endian TIFF/EXIF block: Orientation and a GPS IFD with
/// latitude N 29°33′, as a phone writes them.
fn exif(orientation: u16) -> Vec<u8> {
    let mut t: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]| {
        t.extend(tag.to_le_bytes());
        t.extend(typ.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value);
    };
    // IFD0 at 8: 2 entries, then the next-IFD offset; GPS IFD at 38.
    t.extend(2u16.to_le_bytes());
    let o = orientation.to_le_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut t, 0x8825, 4, 1, 38u32.to_le_bytes());
    t.extend(0u32.to_le_bytes());
    assert_eq!(t.len(), 38);
    t.extend(2u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, 5, 3, 68u32.to_le_bytes());
    t.extend(0u32.to_le_bytes());
    assert_eq!(t.len(), 68);
    for (n, d) in [(29u32, 1u32), (33, 1), (0, 1)] {
        t.extend(n.to_le_bytes());
        t.extend(d.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(t);
    app1
}

/// A photo-like JPEG (smooth gradients and texture) of `w`×`h` with `exif`
/// inserted as an APP1 segment right after SOI.
fn photo(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 23;
        image::Rgb([
            (x * 255 / w) as u8 ^ n as u8,
            (y * 255 / h) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let mut jpg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpg, 90)
        .encode_image(&img)
        .unwrap();
    let app1 = exif(orientation);
    let mut out = jpg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpg[2..]);
    out
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        image::Rgba([(x % 256) as u8, (y % 256) as u8, 40, 255])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// JPEG segments before the image data: (marker, payload).
fn jpeg_segments(b: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert_eq!(&b[..2], &[0xFF, 0xD8], "not a JPEG");
    let mut i = 2;
    let mut out = Vec::new();
    while i + 4 <= b.len() && b[i] == 0xFF {
        let m = b[i + 1];
        if m == 0xDA {
            break;
        }
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        out.push((m, b[i + 4..i + 2 + len].to_vec()));
        i += 2 + len;
    }
    out
}

fn site_with_photos(site: &Path) {
    w(site, "site.yaml", "title: 图片测试\n");
    w(
        site,
        "content/regions/diqu.md",
        "---\ntitle: 示例区\nprovince: 重庆市\n---\n正文。\n",
    );
    w(
        site,
        "content/cases/anli.md",
        "---\ntitle: 图片案例\ndate: 2024-06-18\nregion: diqu\ncover: media/images/cover.jpg\n---\n课堂照片：\n\n![学生在做实验](../media/images/shuping.jpg)\n\n![截图](../media/images/jietu.png)\n",
    );
    w(site, "content/media/images/cover.jpg", photo(2400, 1800, 1));
    w(
        site,
        "content/media/images/shuping.jpg",
        photo(1600, 1200, 6),
    );
    w(site, "content/media/images/jietu.png", png(800, 500));
}

fn build_in(tmp: &Path, site: &Path) -> common::Run {
    let r = common::build(tmp, site, &site.join("public"));
    assert_eq!(r.code, 0, "{}", r.dump());
    r
}

#[test]
fn published_photos_carry_no_metadata_and_are_upright() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    site_with_photos(&site);
    build_in(tmp.path(), &site);
    let out = site.join("public/media/images");
    let mut jpegs = 0;
    for e in fs::read_dir(&out).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let b = fs::read(e.path()).unwrap();
        if name.ends_with(".jpg") {
            for (m, payload) in jpeg_segments(&b) {
                assert!(
                    !(0xE1..=0xEF).contains(&m),
                    "{name}: APP{} segment kept",
                    m - 0xE0
                );
                assert!(!payload.starts_with(b"Exif"), "{name}: EXIF kept");
            }
            assert!(!b.windows(4).any(|x| x == b"Exif"), "{name}");
            jpegs += 1;
        } else if name.ends_with(".png") {
            for chunk in [b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"iCCP"] {
                assert!(
                    !b.windows(4).any(|x| x == chunk),
                    "{name}: {:?}",
                    std::str::from_utf8(chunk)
                );
            }
        }
    }
    // cover: 480, 720, 960, 1200, 1600 and the full 2048; shuping (upright
    // 1200 wide): 480, 720, 960 and the full 1200.
    assert_eq!(
        jpegs,
        10,
        "{:?}",
        fs::read_dir(&out)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect::<Vec<_>>()
    );
    // The camera original is not what is published under its name.
    let orig = fs::read(site.join("content/media/images/cover.jpg")).unwrap();
    let publ = fs::read(out.join("cover.jpg")).unwrap();
    assert_ne!(orig, publ);
    let dims = |p: &str| image::image_dimensions(out.join(p)).unwrap();
    assert_eq!(dims("cover.jpg"), (2048, 1536));
    assert_eq!(dims("cover-480w.jpg"), (480, 360));
    // Orientation 6: stored 1600×1200, shown 1200×1600: the files are portrait.
    assert_eq!(dims("shuping.jpg"), (1200, 1600));
    assert_eq!(dims("shuping-960w.jpg"), (960, 1280));
    // The PNG stays a lossless PNG.
    assert_eq!(dims("jietu.png"), (800, 500));
    assert_eq!(dims("jietu-480w.png"), (480, 300));
}

#[test]
fn pages_give_sizes_and_srcset() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    site_with_photos(&site);
    build_in(tmp.path(), &site);
    let page = fs::read_to_string(site.join("public/cases/anli.html")).unwrap();
    assert!(
        page.contains("<img src=\"../media/images/shuping.jpg\" alt=\"学生在做实验\" width=\"1200\" height=\"1600\" srcset=\"../media/images/shuping-480w.jpg 480w, ../media/images/shuping-720w.jpg 720w, ../media/images/shuping-960w.jpg 960w, ../media/images/shuping.jpg 1200w\""),
        "{page}"
    );
    assert!(page.contains("loading=\"lazy\" decoding=\"async\""));
    assert!(page.contains("src=\"../media/images/cover.jpg\" alt=\"\" width=\"2048\" height=\"1536\" srcset=\"../media/images/cover-480w.jpg 480w"), "{page}");
    let list = fs::read_to_string(site.join("public/cases/index.html")).unwrap();
    assert!(list.contains("class=\"card-cover\" src=\"../media/images/cover.jpg\" alt=\"\" width=\"2048\" height=\"1536\""), "{list}");
}

#[test]
fn a_rebuild_with_unchanged_photos_decodes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    site_with_photos(&site);
    let first = build_in(tmp.path(), &site);
    assert!(
        first.stdout.contains("图片 3 张（本次处理 3 张）"),
        "{}",
        first.stdout
    );
    let second = build_in(tmp.path(), &site);
    assert!(
        second.stdout.contains("图片 3 张（本次处理 0 张）"),
        "{}",
        second.stdout
    );
    // One photo changed: only it is made again; the old entry is removed.
    w(&site, "content/media/images/cover.jpg", photo(1000, 750, 1));
    let third = build_in(tmp.path(), &site);
    assert!(
        third.stdout.contains("图片 3 张（本次处理 1 张）"),
        "{}",
        third.stdout
    );
    let entries = fs::read_dir(site.join(".chengguo-cache/images"))
        .unwrap()
        .count();
    assert_eq!(entries, 3, "stale cache entries are removed");
}

/// Bad pictures: a located Chinese error naming the file, never a panic,
/// and nothing decoded beyond the header for an oversized one.
#[test]
fn bad_pictures_get_located_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    site_with_photos(&site);
    let good = photo(640, 480, 1);
    w(
        &site,
        "content/media/images/duan.jpg",
        &good[..good.len() / 3],
    );
    w(&site, "content/media/images/wenben.jpg", "这不是图片\n");
    w(&site, "content/media/images/png-ming.jpg", png(20, 20));
    // A PNG whose header claims 30,000 × 30,000 pixels (a few hundred bytes).
    let mut huge = png(1, 1);
    huge[16..20].copy_from_slice(&30_000u32.to_be_bytes());
    huge[20..24].copy_from_slice(&30_000u32.to_be_bytes());
    let crc = crc32(&huge[12..29]);
    huge[29..33].copy_from_slice(&crc.to_be_bytes());
    w(&site, "content/media/images/juda.png", &huge);
    let r = common::check(tmp.path(), &site);
    assert!(!r.stderr.contains("panicked"), "{}", r.dump());
    assert_eq!(r.code, 1, "{}", r.dump());
    let e = r.errors();
    let has = |f: &str, frag: &str| {
        e.iter().any(|l| {
            l.starts_with(&format!("content/media/images/{f}:1:1: 错误: ")) && l.contains(frag)
        })
    };
    assert!(has("duan.jpg", "图片文件不完整（缺少结尾"), "{e:?}");
    assert!(has("wenben.jpg", "内容却不是图片"), "{e:?}");
    assert!(
        has(
            "png-ming.jpg",
            "内容却是 PNG 格式：请改正扩展名（改为 .png）"
        ),
        "{e:?}"
    );
    // The same in a build, which decodes.
    let b = common::build(tmp.path(), &site, &site.join("public"));
    assert_eq!(b.code, 1, "{}", b.dump());
    assert_eq!(b.errors(), e);
    assert!(
        has("juda.png", "图片有 30000×30000 像素，超过上限"),
        "{e:?}"
    );
}

/// CRC-32 of PNG chunks (type and data).
fn crc32(b: &[u8]) -> u32 {
    let mut c = !0u32;
    for &x in b {
        c ^= x as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A CMYK JPEG as a print shop sends it.
fn cmyk_jpeg(w: u16, h: u16) -> Vec<u8> {
    let px: Vec<u8> = (0..w as usize * h as usize)
        .flat_map(|i| [(i % 200) as u8, 40, 90, 10])
        .collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(&px, w, h, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    out
}

/// An animated GIF of two frames.
fn animated_gif() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut out);
        for shade in [30u8, 200] {
            let f = image::RgbaImage::from_pixel(40, 30, image::Rgba([shade, 90, 160, 255]));
            enc.encode_frame(image::Frame::new(f)).unwrap();
        }
    }
    out
}

/// A 16-bit RGB PNG (as some scanners and editors save).
fn png16(w: u32, h: u32) -> Vec<u8> {
    let img = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(w, h, |x, y| {
        image::Rgb([(x * 300) as u16, (y * 500) as u16, 20_000])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb16(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// Published after a conversion, or as they are: a warning at the file
/// that names the record showing it; the build goes on, and what it
/// publishes is plain 8-bit RGB.
#[test]
fn animated_gif_cmyk_and_16_bit_pictures_get_warnings_naming_the_record() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    site_with_photos(&site);
    w(
        &site,
        "content/cases/yinshua.md",
        "---\ntitle: 印刷图片案例\ndate: 2024-06-19\nregion: diqu\ncover: media/images/yinshua.jpg\n---\n![动图](../media/images/dongtu.gif)\n\n![扫描件](../media/images/saomiao.png)\n",
    );
    w(
        &site,
        "content/media/images/yinshua.jpg",
        cmyk_jpeg(640, 480),
    );
    w(&site, "content/media/images/dongtu.gif", animated_gif());
    w(&site, "content/media/images/saomiao.png", png16(600, 400));
    let r = build_in(tmp.path(), &site);
    let warns = r.warnings();
    let by = "（用在 content/cases/yinshua.md）";
    let has = |f: &str, frag: &str| {
        warns.iter().any(|l| {
            l.starts_with(&format!("content/media/images/{f}:1:1: 警告: "))
                && l.contains(frag)
                && l.ends_with(by)
        })
    };
    assert!(
        has(
            "yinshua.jpg",
            "这是 CMYK 印刷色图片，已转换为屏幕用的 RGB 颜色发布"
        ),
        "{warns:?}"
    );
    assert!(has("dongtu.gif", "这是动图（"), "{warns:?}");
    assert!(has("dongtu.gif", "字节），将原样发布"), "{warns:?}");
    assert!(
        has("saomiao.png", "这是 16 位色深的图片，已转为普通的 8 位发布"),
        "{warns:?}"
    );
    // The still photos of the other case say nothing.
    assert!(
        !warns
            .iter()
            .any(|l| l.contains("cover.jpg") || l.contains("shuping.jpg")),
        "{warns:?}"
    );
    let out = site.join("public/media/images");
    let cmyk = image::open(out.join("yinshua.jpg")).unwrap();
    assert_eq!(cmyk.color(), image::ColorType::Rgb8);
    let p16 = image::open(out.join("saomiao.png")).unwrap();
    assert_eq!(p16.color(), image::ColorType::Rgb8);
    assert_eq!(
        fs::read(out.join("dongtu.gif")).unwrap(),
        animated_gif(),
        "a GIF is published as it is"
    );
    // check says the same.
    let c = common::check(tmp.path(), &site);
    assert_eq!(c.code, 0, "{}", c.dump());
    assert_eq!(
        c.warnings().iter().filter(|l| l.contains(by)).count(),
        3,
        "{}",
        c.dump()
    );
}

/// site.yaml `images:` decides the widths, the largest size and the
/// quality; `keep` publishes a picture byte for byte.
#[test]
fn site_yaml_images_settings_are_what_the_build_uses() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    site_with_photos(&site);
    w(
        &site,
        "site.yaml",
        "title: 图片测试\nimages:\n  widths: [320]\n  max: 1000\n  quality: 60\n  keep: [media/images/jietu.png]\n",
    );
    build_in(tmp.path(), &site);
    let out = site.join("public/media/images");
    let dims = |p: &str| image::image_dimensions(out.join(p)).unwrap();
    assert_eq!(dims("cover.jpg"), (1000, 750));
    assert_eq!(dims("cover-320w.jpg"), (320, 240));
    assert!(!out.join("cover-480w.jpg").exists());
    assert_eq!(
        fs::read(out.join("jietu.png")).unwrap(),
        fs::read(site.join("content/media/images/jietu.png")).unwrap()
    );
    assert!(!out.join("jietu-320w.png").exists());
    let page = fs::read_to_string(site.join("public/cases/anli.html")).unwrap();
    assert!(
        page.contains(
            "srcset=\"../media/images/cover-320w.jpg 320w, ../media/images/cover.jpg 1000w\""
        ),
        "{page}"
    );
    // Quality 60 against the default 80: smaller files for the same photo.
    let q60 = fs::metadata(out.join("cover.jpg")).unwrap().len();
    w(
        &site,
        "site.yaml",
        "title: 图片测试\nimages:\n  widths: [320]\n  max: 1000\n",
    );
    build_in(tmp.path(), &site);
    let q80 = fs::metadata(out.join("cover.jpg")).unwrap().len();
    assert!(q60 < q80, "{q60} vs {q80}");
}

/// `check` mentions an original big enough to slow copies and backups;
/// a build, which only publishes the derived files, does not.
#[test]
fn check_mentions_a_very_large_original() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    site_with_photos(&site);
    // 16 MB of comment segments inside an ordinary photo.
    let p = photo(800, 600, 1);
    let mut big = p[..2].to_vec();
    let seg = vec![b'x'; 65_533];
    for _ in 0..256 {
        big.extend([0xFF, 0xFE]);
        big.extend(65_535u16.to_be_bytes());
        big.extend(&seg);
    }
    big.extend(&p[2..]);
    w(&site, "content/media/images/cover.jpg", &big);
    let c = common::check(tmp.path(), &site);
    assert_eq!(c.code, 0, "{}", c.dump());
    assert!(
        c.warnings().iter().any(|l| l.starts_with(
            "content/media/images/cover.jpg:1:1: 警告: 原图有 16.1 MB：门户只发布缩小后的图片"
        ) && l.ends_with("（用在 content/cases/anli.md）")),
        "{}",
        c.dump()
    );
    let b = build_in(tmp.path(), &site);
    assert!(
        !b.warnings().iter().any(|l| l.contains("原图有")),
        "{}",
        b.dump()
    );
}

/// The stick carries the derived files only, and pack says what that saves.
#[test]
fn pack_ships_derived_photos_only_and_prints_the_saving() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    site_with_photos(&site);
    let zip = tmp.path().join("u.zip");
    let r = common::run(
        tmp.path(),
        &[
            "pack".as_ref(),
            site.as_os_str(),
            "-o".as_ref(),
            zip.as_os_str(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    let originals: u64 = ["cover.jpg", "shuping.jpg", "jietu.png"]
        .iter()
        .map(|f| {
            fs::metadata(site.join("content/media/images").join(f))
                .unwrap()
                .len()
        })
        .sum();
    let published: u64 = fs::read_dir(site.join("public/media/images"))
        .unwrap()
        .flatten()
        .map(|e| e.metadata().unwrap().len())
        .sum();
    let human = chengguo::pack::human;
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("照片 3 张：原图共 "))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(
        line.contains(&format!("原图共 {}，", human(originals))),
        "{line}"
    );
    assert!(
        line.contains(&format!("缩小后的图片 {}（", human(published))),
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "{:.0}%",
            published as f64 * 100.0 / originals as f64
        )),
        "{line} {published} {originals}"
    );
    // In the zip: the derived files, byte for byte, never an original.
    let mut z = zip::ZipArchive::new(fs::File::open(&zip).unwrap()).unwrap();
    let orig = fs::read(site.join("content/media/images/cover.jpg")).unwrap();
    let mut found = 0;
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name.contains("/media/images/") {
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut b).unwrap();
            assert_ne!(b, orig);
            assert!(!b.windows(4).any(|x| x == b"Exif"), "{name}");
            found += 1;
        }
    }
    assert_eq!(found, 14, "6 + 4 + 4 derived files");
}
