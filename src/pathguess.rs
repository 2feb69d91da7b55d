//! Did-you-mean for paths: the media file a wrong path most likely meant,
//! so a "file not found" message can give the corrected path to copy.
//! Used by the render stage for body links; only consulted on errors.

use std::collections::HashSet;

/// The `media/…` path (as listed in `media`, relative to `content/`) that
/// `wanted` (a resolved path relative to `content/`) most likely meant: a
/// file with the same name ignoring case (the one sharing most trailing
/// folders), else the file whose name is closest (similarity ≥ 0.7).
///
/// ```
/// use std::collections::HashSet;
/// use chengguo::pathguess::media_guess;
/// let media: HashSet<String> = ["media/images/ketang.jpg".to_string()].into();
/// assert_eq!(media_guess(&media, "cases/media/images/ketang.jpg").as_deref(), Some("media/images/ketang.jpg"));
/// assert_eq!(media_guess(&media, "media/images/KeTang.JPG").as_deref(), Some("media/images/ketang.jpg"));
/// assert_eq!(media_guess(&media, "media/images/ketan.jpg").as_deref(), Some("media/images/ketang.jpg"));
/// assert_eq!(media_guess(&media, "media/docs/report.pdf"), None);
/// ```
pub fn media_guess(media: &HashSet<String>, wanted: &str) -> Option<String> {
    let wanted_l = wanted.to_lowercase();
    let name = wanted_l.rsplit('/').next().unwrap_or(&wanted_l);
    if name.is_empty() {
        return None;
    }
    let trailing = |m: &str| {
        m.to_lowercase()
            .rsplit('/')
            .zip(wanted_l.rsplit('/'))
            .take_while(|(a, b)| a == b)
            .count()
    };
    let mut exact: Vec<&String> = media
        .iter()
        .filter(|m| m.to_lowercase().rsplit('/').next() == Some(name))
        .collect();
    exact.sort_by(|a, b| trailing(b).cmp(&trailing(a)).then(a.cmp(b)));
    if let Some(m) = exact.first() {
        return Some((*m).clone());
    }
    let mut best: Option<(f64, &String)> = None;
    for m in media {
        let mname = m.rsplit('/').next().unwrap_or(m).to_lowercase();
        let score = strsim::normalized_levenshtein(&mname, name);
        if score >= 0.7 && best.is_none_or(|(s, b)| score > s || (score == s && m < b)) {
            best = Some((score, m));
        }
    }
    best.map(|(_, m)| m.clone())
}
