//! Image stage: the photos under `content/media/` are published as derived
//! files only. A camera original (4000×3000, 3–5 MB, EXIF with the GPS
//! position of the school) never reaches the portal:
//!
//! - JPEG and PNG files are decoded under limits (pixel count, memory),
//!   turned upright by their EXIF orientation, and re-encoded without any
//!   metadata (no EXIF, GPS, XMP, maker notes, ICC): photos as JPEG,
//!   PNG (screenshots, diagrams) stays lossless PNG;
//! - the largest derivative (at most `max` px wide, 2048 by default) is
//!   published under the original's name, so every link and "查看大图"
//!   opens it; smaller widths (480/720/960/1200/1600 by default, never upscaled) are
//!   published beside it as `name-480w.jpg` for `srcset`;
//! - derived files are cached in `.chengguo-cache/images/<key>/`, keyed by
//!   the source bytes and the settings: a rebuild with unchanged photos
//!   decodes nothing; entries no build uses any more are removed;
//! - `check` reads only the headers (size, orientation, format) and
//!   reports the same problems.
//!
//! GIF, WebP and SVG pass through as they are (SVG sanitised by
//! [`crate::svg`]).

use std::collections::HashMap;
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostics, Pos};

/// Bump when the derivation changes, so cached files are made again.
const VERSION: &str = "images-2";

/// What to derive (site.yaml `images:`; defaults suit the default theme).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Widths for `srcset`, ascending.
    pub widths: Vec<u32>,
    /// Width of the largest derivative (the one published under the
    /// original's name).
    pub max: u32,
    /// JPEG quality, 1–100.
    pub quality: u8,
    /// Largest image accepted, in pixels (width × height).
    pub max_pixels: u64,
    /// Media paths (files, or folders without the trailing '/') published
    /// as they are: no derivatives, metadata kept.
    pub keep: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            widths: vec![480, 720, 960, 1200, 1600],
            max: 2048,
            quality: 80,
            max_pixels: 60_000_000,
            keep: Vec::new(),
        }
    }
}

impl Settings {
    /// Whether `rel` (`media/…`) is to be published as it is.
    pub fn keeps(&self, rel: &str) -> bool {
        self.keep.iter().any(|k| {
            rel == k || (rel.starts_with(k.as_str()) && rel.as_bytes().get(k.len()) == Some(&b'/'))
        })
    }

    fn fingerprint(&self) -> String {
        format!(
            "{VERSION};w={:?};max={};q={};px={}",
            self.widths, self.max, self.quality, self.max_pixels
        )
    }
}

/// One derived picture as pages use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    /// Size of the published full image (upright).
    pub width: u32,
    pub height: u32,
    /// `(width, media path)` of every published file, ascending, the last
    /// one being the original's own path.
    pub files: Vec<(u32, String)>,
}

impl Derived {
    /// `srcset` value with URLs made by `url` from a media path.
    pub fn srcset(&self, url: impl Fn(&str) -> String) -> String {
        self.files
            .iter()
            .map(|(w, p)| format!("{} {w}w", url(p)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The smallest file at least `w` px wide (else the largest).
    pub fn at_least(&self, w: u32) -> &str {
        self.files
            .iter()
            .find(|(fw, _)| *fw >= w)
            .or(self.files.last())
            .map(|(_, p)| p.as_str())
            .unwrap_or("")
    }
}

/// The derived pictures of a build, by media path (`media/images/a.jpg`).
#[derive(Debug, Default)]
pub struct Images {
    map: HashMap<String, Derived>,
    /// Files to publish: (media path, file in the cache).
    pub outputs: Vec<(String, PathBuf)>,
    pub report: Report,
    /// Located by [`report`] once the records using each picture are known.
    pub problems: Vec<Problem>,
}

/// What the stage did (for the stage line and tests).
#[derive(Debug, Default, Clone, Copy)]
pub struct Report {
    pub images: usize,
    /// Images decoded and derived in this run (0 on a warm rebuild).
    pub decoded: usize,
    pub bytes_in: u64,
    pub bytes_out: u64,
}

impl Images {
    pub fn get(&self, media_path: &str) -> Option<&Derived> {
        self.map.get(media_path)
    }

    /// Whether `media_path` (relative to `content/`) is replaced by derived
    /// files (so the original must not be copied).
    pub fn replaces(&self, media_path: &str) -> bool {
        self.map.contains_key(media_path)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Jpeg,
    Png,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }
}

/// Raster files the stage derives (by extension; the content is checked).
pub fn is_derived(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "jpg" | "jpeg" | "png"))
}

/// A problem with one picture, reported once the records that use it
/// are known ([`report`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Media path (`media/images/a.jpg`).
    pub rel: String,
    pub error: bool,
    pub message: String,
}

/// Published as they are (not derived), so worth a word when large.
fn is_passed_through(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "gif" | "webp"))
}

/// A picture published as it is above this size gets a warning.
const AS_IS_WARN: u64 = 1 << 20;
/// `check` mentions an original above this size.
const ORIGINAL_WARN: u64 = 15 << 20;

fn mb(n: u64) -> String {
    crate::text::size(n)
}

/// Derive (`write`: into the cache) or only inspect (`check`) every JPEG
/// and PNG of `media` (paths relative to `content/`) that `settings` does
/// not keep as is; inspect GIF, WebP and kept pictures. Problems are in
/// [`Images::problems`]; `audit` (`check`) adds the large originals.
pub fn process(
    site: &Path,
    media: &[PathBuf],
    settings: &Settings,
    write: bool,
    audit: bool,
) -> Images {
    let cache = site.join(".chengguo-cache").join("images");
    let fp = settings.fingerprint();
    let rel_of = |m: &PathBuf| m.to_string_lossy().replace('\\', "/");
    let results: Vec<(String, Result<Done, String>)> = media
        .par_iter()
        .filter(|m| is_derived(m) && !settings.keeps(&rel_of(m)))
        .map(|m| {
            let rel = rel_of(m);
            let r = one(
                &site.join("content").join(m),
                &rel,
                settings,
                &fp,
                &cache,
                write,
            );
            (rel, r)
        })
        .collect();
    let mut images = Images::default();
    let mut used = std::collections::HashSet::new();
    for (rel, r) in results {
        match r {
            Ok(done) => {
                images.report.images += 1;
                images.report.bytes_in += done.bytes_in;
                if done.decoded {
                    images.report.decoded += 1;
                }
                for (_, p) in &done.cached {
                    images.report.bytes_out += fs::metadata(p).map(|m| m.len()).unwrap_or(0);
                }
                if let Some(k) = &done.key {
                    used.insert(k.clone());
                }
                for w in done.warnings {
                    images.problems.push(Problem {
                        rel: rel.clone(),
                        error: false,
                        message: w,
                    });
                }
                if audit && done.bytes_in > ORIGINAL_WARN {
                    images.problems.push(Problem {
                        rel: rel.clone(),
                        error: false,
                        message: format!(
                            "原图有 {}：门户只发布缩小后的图片，但站点文件夹、备份和拷贝都会因此变大变慢；可以先用看图软件把它缩小到 4000 像素宽以内",
                            mb(done.bytes_in)
                        ),
                    });
                }
                images.outputs.extend(
                    done.derived
                        .files
                        .iter()
                        .map(|(_, p)| p.clone())
                        .zip(done.cached.iter().map(|(_, c)| c.clone())),
                );
                images.map.insert(rel, done.derived);
            }
            Err(message) => images.problems.push(Problem {
                rel,
                error: true,
                message,
            }),
        }
    }
    // Published as they are: animated GIFs and large files are worth a word.
    let as_is: Vec<Problem> = media
        .par_iter()
        .filter(|m| {
            let rel = rel_of(m);
            is_passed_through(m) || (settings.keeps(&rel) && is_derived(m))
        })
        .filter_map(|m| as_is(&site.join("content").join(m), &rel_of(m), settings))
        .collect();
    images.problems.extend(as_is);
    if write {
        remove_stale(&cache, &used);
    }
    images.outputs.sort();
    images.problems.sort_by(|a, b| a.rel.cmp(&b.rel));
    images
}

/// The warning for a picture published as it is, if any: an animated GIF,
/// or a file above [`AS_IS_WARN`].
fn as_is(file: &Path, rel: &str, s: &Settings) -> Option<Problem> {
    let len = fs::metadata(file).ok()?.len();
    let kept = if s.keeps(rel) {
        "（site.yaml 的 images.keep 要求原样发布）"
    } else {
        ""
    };
    let animated = ext_of(rel).eq_ignore_ascii_case("gif") && gif_is_animated(file, s);
    let message = if animated {
        format!(
            "这是动图（{}），将原样发布{kept}：动图在手机和慢速网络上很费流量；较长的动画建议改成视频（mp4），或只保留一帧另存为 JPEG",
            mb(len)
        )
    } else if len > AS_IS_WARN {
        format!(
            "图片将原样发布（{}）{kept}：在手机和慢速网络上打开很慢；如是照片，请另存为 JPEG（.jpg），门户会自动生成缩小的版本",
            mb(len)
        )
    } else {
        return None;
    };
    Some(Problem {
        rel: rel.to_string(),
        error: false,
        message,
    })
}

/// Whether a GIF has more than one frame (at most two are decoded, under
/// the pixel and memory limits; a broken file counts as still).
fn gif_is_animated(file: &Path, s: &Settings) -> bool {
    use image::{AnimationDecoder, ImageDecoder};
    let Ok(f) = fs::File::open(file) else {
        return false;
    };
    let Ok(mut dec) = image::codecs::gif::GifDecoder::new(std::io::BufReader::new(f)) else {
        return false;
    };
    let (w, h) = dec.dimensions();
    if (w as u64) * (h as u64) > s.max_pixels || dec.set_limits(limits()).is_err() {
        return false;
    }
    dec.into_frames().take(2).filter(|f| f.is_ok()).count() > 1
}

/// Problems as diagnostics at the picture's file, each naming the records
/// that use it (`users`: media path → record files).
pub fn report(problems: &[Problem], users: &HashMap<String, Vec<String>>, diags: &mut Diagnostics) {
    for p in problems {
        let by = match users.get(&p.rel).map(|v| v.as_slice()) {
            Some([one]) => format!("（用在 {one}）"),
            Some([first, rest @ ..]) if !rest.is_empty() => {
                format!("（用在 {first} 等 {} 个记录中）", rest.len() + 1)
            }
            _ => String::new(),
        };
        let shown = format!("content/{}", p.rel);
        let message = format!("{}{by}", p.message);
        if p.error {
            diags.error(&shown, Pos::START, message);
        } else {
            diags.warning(&shown, Pos::START, message);
        }
    }
}

struct Done {
    derived: Derived,
    /// (width, cached file) parallel to `derived.files`.
    cached: Vec<(u32, PathBuf)>,
    key: Option<String>,
    decoded: bool,
    bytes_in: u64,
    /// Published, but worth a word (CMYK, 16 bits).
    warnings: Vec<String>,
}

fn one(
    file: &Path,
    rel: &str,
    s: &Settings,
    fp: &str,
    cache: &Path,
    write: bool,
) -> Result<Done, String> {
    let bytes = fs::read(file).map_err(|e| format!("无法读取图片：{e}"))?;
    let format = match image::guess_format(&bytes) {
        Ok(image::ImageFormat::Jpeg) => Format::Jpeg,
        Ok(image::ImageFormat::Png) => Format::Png,
        Ok(other) => {
            return Err(format!(
                "文件名是 .{} 图片，内容却是 {} 格式：请用看图软件另存为真正的 JPEG 或 PNG 图片，或改正扩展名",
                ext_of(rel),
                format!("{other:?}").to_uppercase()
            ))
        }
        Err(_) => {
            return Err(format!(
                "文件名是 .{} 图片，内容却不是图片（文件可能已损坏，或是改了扩展名的其他文件）：请重新导出或复制这张图片",
                ext_of(rel)
            ))
        }
    };
    let named_png = ext_of(rel).eq_ignore_ascii_case("png");
    if named_png != (format == Format::Png) {
        return Err(format!(
            "文件名是 .{} 图片，内容却是 {} 格式：请改正扩展名（改为 .{}），并同时改正引用它的路径",
            ext_of(rel),
            if format == Format::Png { "PNG" } else { "JPEG" },
            format.ext()
        ));
    }
    // A JPEG cut off in copying has no end marker (browsers would show a
    // grey lower part); the decoders accept it silently.
    if format == Format::Jpeg
        && !bytes
            .windows(2)
            .rev()
            .take(1 << 20)
            .any(|w| w == [0xFF, 0xD9])
    {
        return Err(
            "图片文件不完整（缺少结尾，可能复制时中断了）：请重新导出或复制这张图片".into(),
        );
    }
    let bytes_in = bytes.len() as u64;
    let (w, h, orientation, color) = header(&bytes, s)?;
    let warnings = colour_warnings(&bytes, format, color);
    let (uw, uh) = upright(w, h, orientation);
    let plan = widths(uw, s);
    // The extension matches the content (checked above): kept as written.
    let (stem, ext) = rel.rsplit_once('.').unwrap_or((rel, format.ext()));
    let out_ext = format.ext();
    let files: Vec<(u32, String)> = plan
        .iter()
        .enumerate()
        .map(|(i, &pw)| {
            let p = if i + 1 == plan.len() {
                // The largest, under the original's own name.
                rel.to_string()
            } else {
                format!("{stem}-{pw}w.{ext}")
            };
            (pw, p)
        })
        .collect();
    let full_w = *plan.last().unwrap();
    let full_h = scaled_height(uw, uh, full_w);
    let derived = Derived {
        width: full_w,
        height: full_h,
        files,
    };
    if !write {
        return Ok(Done {
            derived,
            cached: Vec::new(),
            key: None,
            decoded: false,
            bytes_in,
            warnings,
        });
    }
    let key = {
        let mut hsh = Sha256::new();
        hsh.update(fp.as_bytes());
        hsh.update([0]);
        hsh.update(&bytes);
        hsh.finalize()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let dir = cache.join(&key);
    let cached: Vec<(u32, PathBuf)> = plan
        .iter()
        .map(|&pw| (pw, dir.join(format!("{pw}.{out_ext}"))))
        .collect();
    let complete = dir.join("done");
    if complete.is_file() && cached.iter().all(|(_, p)| p.is_file()) {
        return Ok(Done {
            derived,
            cached,
            key: Some(key),
            decoded: false,
            bytes_in,
            warnings,
        });
    }
    let img = decode(&bytes, s)?;
    drop(bytes);
    let tmp = cache.join(format!(".{key}.tmp-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).map_err(|e| format!("无法写入图片缓存 {}：{e}", tmp.display()))?;
    // Largest first, each smaller one from the previous (cheaper, and the
    // same result for a downscale).
    let mut cur = img;
    for &pw in plan.iter().rev() {
        if cur.width() != pw {
            let ph = scaled_height(cur.width(), cur.height(), pw);
            cur = cur.resize_exact(pw, ph, image::imageops::FilterType::CatmullRom);
        }
        let out = encode(&cur, format, s.quality)?;
        fs::write(tmp.join(format!("{pw}.{out_ext}")), out)
            .map_err(|e| format!("无法写入图片缓存：{e}"))?;
    }
    fs::write(tmp.join("done"), b"").map_err(|e| format!("无法写入图片缓存：{e}"))?;
    // Entries appear whole (a rename), so one that exists is another
    // build's finished work for the same photo, perhaps being copied right
    // now: keep it and drop ours. Only a leftover without `done` (an older
    // crash) is replaced.
    if !complete.is_file() {
        let _ = fs::remove_dir_all(&dir);
    }
    if fs::rename(&tmp, &dir).is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    Ok(Done {
        derived,
        cached,
        key: Some(key),
        decoded: true,
        bytes_in,
        warnings,
    })
}

fn ext_of(rel: &str) -> &str {
    rel.rsplit('.').next().unwrap_or("")
}

/// Decoder limits (the pixel count is checked from the header first).
fn limits() -> image::Limits {
    let mut l = image::Limits::default();
    l.max_alloc = Some(1024 * 1024 * 1024);
    l.max_image_width = Some(40_000);
    l.max_image_height = Some(40_000);
    l
}

/// The decoder of a picture, its stored size and EXIF orientation, from
/// the header only; a picture over the pixel limit is refused here, before
/// anything is allocated for its pixels.
fn open<'b>(
    bytes: &'b [u8],
    s: &Settings,
) -> Result<
    (
        impl image::ImageDecoder + 'b,
        u32,
        u32,
        image::metadata::Orientation,
        image::ExtendedColorType,
    ),
    String,
> {
    use image::ImageDecoder;
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("无法读取图片：{e}"))?;
    reader.limits(limits());
    let mut dec = reader.into_decoder().map_err(|e| describe(&e))?;
    let (w, h) = dec.dimensions();
    if (w as u64) * (h as u64) > s.max_pixels {
        return Err(format!(
            "图片有 {w}×{h} 像素，超过上限 {} 万像素：这样大的图片不会是照片或截图（可能是被篡改的文件），请缩小后再用",
            s.max_pixels / 10_000
        ));
    }
    let o = dec
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let c = dec.original_color_type();
    Ok((dec, w, h, o, c))
}

type Header = (
    u32,
    u32,
    image::metadata::Orientation,
    image::ExtendedColorType,
);

/// Width, height, EXIF orientation and stored colour type, from the header
/// only.
fn header(bytes: &[u8], s: &Settings) -> Result<Header, String> {
    open(bytes, s).map(|(_, w, h, o, c)| (w, h, o, c))
}

/// Pictures published after a colour conversion: CMYK JPEGs (print
/// colours: the screen version may look different) and 16-bit files.
fn colour_warnings(bytes: &[u8], f: Format, c: image::ExtendedColorType) -> Vec<String> {
    use image::ExtendedColorType as C;
    let mut v = Vec::new();
    if f == Format::Jpeg {
        // image reports the converted RGB; the stored colour space is in
        // the frame header.
        let mut d = zune_jpeg::JpegDecoder::new(zune_core::bytestream::ZCursor::new(bytes));
        if d.decode_headers().is_ok()
            && matches!(
                d.input_colorspace(),
                Some(
                    zune_core::colorspace::ColorSpace::CMYK
                        | zune_core::colorspace::ColorSpace::YCCK
                )
            )
        {
            v.push("这是 CMYK 印刷色图片，已转换为屏幕用的 RGB 颜色发布：颜色可能与原图不同，请在页面上核对；最好用看图软件另存为 RGB 的 JPEG".into());
        }
    }
    if matches!(
        c,
        C::L16 | C::La16 | C::Rgb16 | C::Rgba16 | C::Rgb32F | C::Rgba32F
    ) {
        v.push("这是 16 位色深的图片，已转为普通的 8 位发布（看上去没有区别）；原图文件因此大一倍，可以另存为 8 位 PNG 或 JPEG".into());
    }
    v
}

/// The upright pixels, 8 bits per channel.
fn decode(bytes: &[u8], s: &Settings) -> Result<image::DynamicImage, String> {
    let (dec, _, _, o, _) = open(bytes, s)?;
    let mut img = image::DynamicImage::from_decoder(dec).map_err(|e| describe(&e))?;
    img.apply_orientation(o);
    // 16-bit and other exotic layouts: 8 bits per channel, as published.
    Ok(match img {
        image::DynamicImage::ImageRgb8(_)
        | image::DynamicImage::ImageRgba8(_)
        | image::DynamicImage::ImageLuma8(_)
        | image::DynamicImage::ImageLumaA8(_) => img,
        other if other.color().has_alpha() => image::DynamicImage::ImageRgba8(other.to_rgba8()),
        other => image::DynamicImage::ImageRgb8(other.to_rgb8()),
    })
}

fn encode(img: &image::DynamicImage, f: Format, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let fail = |e: String| format!("无法生成缩小的图片：{e}");
    match f {
        Format::Jpeg => {
            // jpeg-encoder: 4:2:0 chroma, optimised Huffman tables and
            // progressive scans (a blurry whole first on a slow link); a
            // few percent smaller than image's baseline 4:2:2 encoder.
            let (w, h) = (img.width(), img.height());
            let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
                return Err(fail("图片过大".into()));
            };
            let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
            enc.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
            enc.set_optimized_huffman_tables(true);
            enc.set_progressive(true);
            let r = match img {
                image::DynamicImage::ImageLuma8(g) => {
                    enc.encode(g.as_raw(), w16, h16, jpeg_encoder::ColorType::Luma)
                }
                image::DynamicImage::ImageRgb8(rgb) => {
                    enc.encode(rgb.as_raw(), w16, h16, jpeg_encoder::ColorType::Rgb)
                }
                other => {
                    let rgb = other.to_rgb8();
                    enc.encode(rgb.as_raw(), w16, h16, jpeg_encoder::ColorType::Rgb)
                }
            };
            r.map_err(|e| fail(e.to_string()))?;
        }
        Format::Png => {
            let enc = image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Best,
                image::codecs::png::FilterType::Adaptive,
            );
            img.write_with_encoder(enc)
                .map_err(|e| fail(describe(&e)))?;
        }
    }
    Ok(out)
}

/// A decoding error in Chinese (the library's words stay out).
fn describe(e: &image::ImageError) -> String {
    use image::ImageError as E;
    match e {
        E::Limits(_) => "图片太大，解码所需内存超过上限：请缩小后再用".into(),
        E::Unsupported(_) => "图片使用了不支持的编码方式（如 CMYK 印刷色或罕见的压缩方式）：请用看图软件另存为普通的 RGB JPEG 或 PNG".into(),
        E::IoError(_) | E::Decoding(_) => "图片文件不完整或已损坏，无法读取：请重新导出或复制这张图片".into(),
        _ => "图片无法处理：请用看图软件另存为普通的 JPEG 或 PNG".into(),
    }
}

fn upright(w: u32, h: u32, o: image::metadata::Orientation) -> (u32, u32) {
    use image::metadata::Orientation as O;
    match o {
        O::Rotate90 | O::Rotate270 | O::Rotate90FlipH | O::Rotate270FlipH => (h, w),
        _ => (w, h),
    }
}

fn scaled_height(w: u32, h: u32, to_w: u32) -> u32 {
    ((h as u64 * to_w as u64 + w as u64 / 2) / w.max(1) as u64).max(1) as u32
}

/// Widths to publish for an upright width `w`: the configured ones below
/// it and below `max`, then the full one (`min(w, max)`).
fn widths(w: u32, s: &Settings) -> Vec<u32> {
    let full = w.min(s.max);
    let mut v: Vec<u32> = s.widths.iter().copied().filter(|&x| x < full).collect();
    v.push(full);
    v
}

/// Remove cache entries no image of this build uses.
fn remove_stale(cache: &Path, used: &std::collections::HashSet<String>) {
    let Ok(rd) = fs::read_dir(cache) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let is_entry = name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit());
        if is_entry && !used.contains(&name) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale_and_end_with_the_full_one() {
        let s = Settings::default();
        assert_eq!(widths(4000, &s), vec![480, 720, 960, 1200, 1600, 2048]);
        assert_eq!(widths(1000, &s), vec![480, 720, 960, 1000]);
        assert_eq!(widths(300, &s), vec![300]);
    }

    #[test]
    fn srcset_lists_every_file() {
        let d = Derived {
            width: 960,
            height: 720,
            files: vec![
                (480, "media/a-480w.jpg".into()),
                (960, "media/a.jpg".into()),
            ],
        };
        assert_eq!(
            d.srcset(|p| format!("../{p}")),
            "../media/a-480w.jpg 480w, ../media/a.jpg 960w"
        );
        assert_eq!(d.at_least(500), "media/a.jpg");
        assert_eq!(d.at_least(100), "media/a-480w.jpg");
    }
}
