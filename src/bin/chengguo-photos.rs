//! `chengguo-photos`: deterministic phone-like photos for the image
//! benchmark (issue 12) and the sample site.
//!
//! ```text
//! chengguo-photos site OUT_DIR [--cases N] [--per-case N] [--width W] [--height H] [--seed S] [--hugo DIR]
//! chengguo-photos one FILE.jpg [--width W] [--height H] [--seed S] [--orientation O] [--no-gps]
//! ```
//!
//! A photo is a smooth "scene" (sky and floor gradients, soft shapes)
//! with sensor-like grain, encoded as JPEG quality 92, so that a
//! 4000×3000 picture weighs 3–5 MB as a phone's does; it carries a camera
//! EXIF block: make and model, the orientation (every fourth photo of a
//! site is stored sideways with Orientation = 6, as phones do) and a GPS
//! position (latitude and longitude), which the portal must never publish.
//!
//! `site` writes a chengguo site with one region and N cases, each with a
//! cover and `per-case − 1` photos in its body (defaults 40 × 5 = 200
//! photos); `--hugo DIR` also writes the same photos and pages as a Hugo
//! site whose template makes the same widths with `.Resize` (see
//! bench/images.sh). Same arguments, same bytes.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Smooth noise in -1..1 with features of `cell` px (bilinear between
/// hashed lattice values).
fn value_noise(seed: u64, x: u32, y: u32, cell: u32) -> f32 {
    let v = |i: u32, j: u32| {
        let h = splitmix(seed ^ ((i as u64) << 32 | j as u64).wrapping_mul(0x9E37_79B9));
        (h >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    };
    let (i, j) = (x / cell, y / cell);
    let (fx, fy) = (
        (x % cell) as f32 / cell as f32,
        (y % cell) as f32 / cell as f32,
    );
    let top = v(i, j) * (1.0 - fx) + v(i + 1, j) * fx;
    let bottom = v(i, j + 1) * (1.0 - fx) + v(i + 1, j + 1) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// A photo-like JPEG of `w`×`h` (stored size), seeded.
fn photo(w: u32, h: u32, seed: u64, orientation: u16, gps: bool) -> Vec<u8> {
    let r = |i: u64| (splitmix(seed ^ i) >> 11) as f32 / (1u64 << 53) as f32;
    // A few soft shapes: (centre x, centre y, radius, colour).
    let shapes: Vec<(f32, f32, f32, [f32; 3])> = (0..9)
        .map(|i| {
            let b = 10 + i * 7;
            (
                r(b),
                0.35 + 0.6 * r(b + 1),
                0.05 + 0.15 * r(b + 2),
                [
                    60.0 + 180.0 * r(b + 3),
                    50.0 + 160.0 * r(b + 4),
                    40.0 + 150.0 * r(b + 5),
                ],
            )
        })
        .collect();
    let horizon = 0.3 + 0.25 * r(1);
    let sky = [
        120.0 + 80.0 * r(2),
        160.0 + 60.0 * r(3),
        200.0 + 50.0 * r(4),
    ];
    let floor = [110.0 + 60.0 * r(5), 90.0 + 50.0 * r(6), 70.0 + 40.0 * r(7)];
    let mut px = vec![0u8; (w * h * 3) as usize];
    px.par_chunks_mut((w * 3) as usize)
        .enumerate()
        .for_each(|(y, row)| {
            let fy = y as f32 / h as f32;
            let mut n = splitmix(seed ^ (y as u64).wrapping_mul(0x1000_0001));
            for x in 0..w as usize {
                let fx = x as f32 / w as f32;
                let mut c = if fy < horizon {
                    let t = fy / horizon;
                    [sky[0] * (1.0 - 0.3 * t), sky[1] * (1.0 - 0.2 * t), sky[2]]
                } else {
                    let t = (fy - horizon) / (1.0 - horizon);
                    [
                        floor[0] * (0.7 + 0.3 * t),
                        floor[1] * (0.7 + 0.3 * t),
                        floor[2] * (0.8 + 0.2 * t),
                    ]
                };
                // Texture: a slow wave (walls, desks) and the shapes.
                let wave = 12.0 * ((fx * 37.0 + fy * 11.0).sin() * (fy * 23.0).cos());
                for (sx, sy, sr, col) in &shapes {
                    let d = ((fx - sx).powi(2) + ((fy - sy) * 0.75).powi(2)).sqrt() / sr;
                    if d < 1.0 {
                        let a = (1.0 - d * d).min(1.0);
                        for k in 0..3 {
                            c[k] = c[k] * (1.0 - a) + col[k] * a;
                        }
                    }
                }
                // Detail at 8–32 px (leaves, fabric, faces) that survives
                // downscaling, as a real scene's does.
                let detail = value_noise(seed, x as u32, y as u32, 8) * 16.0
                    + value_noise(seed ^ 0x55, x as u32, y as u32, 32) * 22.0;
                for v in c.iter_mut() {
                    *v += detail;
                }
                // Grain: what makes a phone photo weigh what it weighs.
                n = splitmix(n);
                let g = ((n & 0xFF) as f32 - 127.5) / 127.5 * 9.0;
                for k in 0..3 {
                    let gk = g + (((n >> (8 + 8 * k)) & 0x1F) as f32 - 15.5) * 0.35;
                    row[x * 3 + k] = (c[k] + wave + gk).clamp(0.0, 255.0) as u8;
                }
            }
        });
    let img = image::RgbImage::from_raw(w, h, px).expect("buffer size");
    let mut jpg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpg, 92)
        .encode_image(&img)
        .expect("encode");
    let app1 = exif(orientation, gps, seed);
    let mut out = jpg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpg[2..]);
    out
}

/// A little-endian EXIF block as a phone writes it: Make, Model,
/// Orientation and (with `gps`) a GPS IFD with latitude and longitude.
fn exif(orientation: u16, gps: bool, seed: u64) -> Vec<u8> {
    let make = b"PhoneMaker\0";
    let model = b"Model X1\0\0";
    let n_entries: u16 = if gps { 4 } else { 3 };
    let ifd0_len = 2 + 12 * n_entries as u32 + 4;
    let data0 = 8 + ifd0_len; // make, model after IFD0
    let gps_ifd = data0 + (make.len() + model.len()) as u32;
    let mut t: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]| {
        t.extend(tag.to_le_bytes());
        t.extend(typ.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value);
    };
    t.extend(n_entries.to_le_bytes());
    entry(&mut t, 0x010F, 2, make.len() as u32, data0.to_le_bytes());
    entry(
        &mut t,
        0x0110,
        2,
        model.len() as u32,
        (data0 + make.len() as u32).to_le_bytes(),
    );
    let o = orientation.to_le_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    if gps {
        entry(&mut t, 0x8825, 4, 1, gps_ifd.to_le_bytes());
    }
    t.extend(0u32.to_le_bytes());
    t.extend(make);
    t.extend(model);
    if gps {
        // 4 entries: N, latitude, E, longitude; rationals after the IFD.
        let rationals = gps_ifd + 2 + 12 * 4 + 4;
        t.extend(4u16.to_le_bytes());
        entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
        entry(&mut t, 0x0002, 5, 3, rationals.to_le_bytes());
        entry(&mut t, 0x0003, 2, 2, *b"E\0\0\0");
        entry(&mut t, 0x0004, 5, 3, (rationals + 24).to_le_bytes());
        t.extend(0u32.to_le_bytes());
        let minute = (splitmix(seed) % 60) as u32;
        for (n, d) in [
            (29u32, 1u32),
            (minute, 1),
            (1234, 100),
            (106, 1),
            (33, 1),
            (5678, 100),
        ] {
            t.extend(n.to_le_bytes());
            t.extend(d.to_le_bytes());
        }
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(t);
    app1
}

struct Args {
    rest: Vec<String>,
}

impl Args {
    fn value<T: std::str::FromStr>(&mut self, flag: &str, default: T) -> T {
        match self.rest.iter().position(|a| a == flag) {
            Some(i) if i + 1 < self.rest.len() => {
                let v = self.rest.remove(i + 1);
                self.rest.remove(i);
                v.parse()
                    .unwrap_or_else(|_| die(&format!("{flag} 的值“{v}”无效")))
            }
            Some(_) => die(&format!("{flag} 后缺少值")),
            None => default,
        }
    }
    fn flag(&mut self, flag: &str) -> bool {
        match self.rest.iter().position(|a| a == flag) {
            Some(i) => {
                self.rest.remove(i);
                true
            }
            None => false,
        }
    }
}

fn die(msg: &str) -> ! {
    eprintln!("chengguo-photos：{msg}");
    eprintln!("用法：chengguo-photos site OUT_DIR [--cases N] [--per-case N] [--width W] [--height H] [--seed S] [--hugo DIR]");
    eprintln!("      chengguo-photos one FILE.jpg [--width W] [--height H] [--seed S] [--orientation O] [--no-gps]");
    std::process::exit(2)
}

fn write(p: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(d) = p.parent() {
        fs::create_dir_all(d).unwrap_or_else(|e| die(&format!("无法创建 {}：{e}", d.display())));
    }
    fs::write(p, bytes).unwrap_or_else(|e| die(&format!("无法写入 {}：{e}", p.display())));
}

fn main() {
    let mut a = Args {
        rest: std::env::args().skip(1).collect(),
    };
    let width: u32 = a.value("--width", 4000);
    let height: u32 = a.value("--height", 3000);
    let seed: u64 = a.value("--seed", 1);
    match a.rest.first().map(|s| s.as_str()) {
        Some("one") => {
            let orientation: u16 = a.value("--orientation", 1);
            let gps = !a.flag("--no-gps");
            let Some(file) = a.rest.get(1).cloned() else {
                die("缺少输出文件")
            };
            write(
                Path::new(&file),
                photo(width, height, seed, orientation, gps),
            );
        }
        Some("site") => {
            let cases: usize = a.value("--cases", 40);
            let per: usize = a.value("--per-case", 5).max(1);
            let hugo: Option<PathBuf> = a.rest.iter().position(|x| x == "--hugo").map(|i| {
                let d = a
                    .rest
                    .get(i + 1)
                    .cloned()
                    .unwrap_or_else(|| die("--hugo 后缺少值"));
                a.rest.drain(i..=i + 1);
                PathBuf::from(d)
            });
            let Some(out) = a.rest.get(1).map(PathBuf::from) else {
                die("缺少输出目录")
            };
            site(&out, hugo.as_deref(), cases, per, width, height, seed);
        }
        _ => die("请指定 site 或 one"),
    }
}

fn site(out: &Path, hugo: Option<&Path>, cases: usize, per: usize, w: u32, h: u32, seed: u64) {
    write(&out.join("site.yaml"), "title: 照片基准站点\n");
    write(
        &out.join("content/regions/shili-qu.md"),
        "---\ntitle: 示例区\nprovince: 重庆市\n---\n照片基准站点的应用地区。\n",
    );
    let photos: Vec<(usize, usize)> = (0..cases)
        .flat_map(|c| (0..per).map(move |p| (c, p)))
        .collect();
    let names: Vec<(PathBuf, Vec<u8>)> = photos
        .par_iter()
        .map(|&(c, p)| {
            let i = (c * per + p) as u64;
            // Every fourth photo stored sideways (Orientation 6): portrait.
            let o = if i % 4 == 3 { 6 } else { 1 };
            let rel = PathBuf::from(format!("media/images/anli-{c:03}/zhaopian-{p}.jpg"));
            (rel, photo(w, h, seed.wrapping_mul(1_000_003) ^ i, o, true))
        })
        .collect();
    for (rel, bytes) in &names {
        write(&out.join("content").join(rel), bytes);
        if let Some(hg) = hugo {
            write(&hg.join("assets").join(rel), bytes);
        }
    }
    for c in 0..cases {
        let body: String = (1..per)
            .map(|p| format!("课堂照片 {p}：\n\n![课堂照片 {p}](../media/images/anli-{c:03}/zhaopian-{p}.jpg)\n\n"))
            .collect();
        write(
            &out.join(format!("content/cases/anli-{c:03}.md")),
            format!(
                "---\ntitle: 照片案例 {c:03}\ndate: 2024-06-18\nregion: shili-qu\ncover: media/images/anli-{c:03}/zhaopian-0.jpg\n---\n{body}"
            ),
        );
        if let Some(hg) = hugo {
            let list: String = (0..per)
                .map(|p| format!("  - media/images/anli-{c:03}/zhaopian-{p}.jpg\n"))
                .collect();
            write(
                &hg.join(format!("content/cases/anli-{c:03}.md")),
                format!("---\ntitle: 照片案例 {c:03}\ndate: 2024-06-18\nphotos:\n{list}---\n"),
            );
        }
    }
    if let Some(hg) = hugo {
        write(
            &hg.join("hugo.toml"),
            "baseURL = \"http://example.org/\"\ntitle = \"photos\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\n[imaging]\nquality = 80\nresampleFilter = \"CatmullRom\"\n",
        );
        // The same widths as chengguo's defaults (480/720/960/1200/1600 and the full
        // 2048) at the same JPEG quality and filter. (Hugo 0.111 does not
        // apply the EXIF orientation; it has no filter for it before 0.121.)
        write(
            &hg.join("layouts/_default/single.html"),
            "<!doctype html><title>{{ .Title }}</title>\n{{ range .Params.photos }}{{ with resources.Get . }}{{ $a := .Resize \"480x\" }}{{ $a2 := .Resize \"720x\" }}{{ $b := .Resize \"960x\" }}{{ $b2 := .Resize \"1200x\" }}{{ $c := .Resize \"1600x\" }}{{ $d := .Resize \"2048x\" }}<img src=\"{{ $d.RelPermalink }}\" srcset=\"{{ $a.RelPermalink }} 480w, {{ $a2.RelPermalink }} 720w, {{ $b.RelPermalink }} 960w, {{ $b2.RelPermalink }} 1200w, {{ $c.RelPermalink }} 1600w, {{ $d.RelPermalink }} 2048w\" width=\"{{ $d.Width }}\" height=\"{{ $d.Height }}\">\n{{ end }}{{ end }}\n",
        );
        write(
            &hg.join("layouts/_default/list.html"),
            "<!doctype html><title>{{ .Title }}</title>\n",
        );
        write(
            &hg.join("layouts/index.html"),
            "<!doctype html><title>{{ .Title }}</title>\n",
        );
    }
    eprintln!(
        "已写入 {} 张照片、{cases} 个案例：{}",
        names.len(),
        out.display()
    );
}
