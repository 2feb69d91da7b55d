//! sitemap.xml and the Atom feeds of cases and notices (only when
//! site.yaml has a `base_url`), written through the page memo like every
//! output file.

use super::Ctx;
use crate::content::Kind;

/// sitemap.xml and Atom feeds (cases, notices), only with a base_url.
pub(super) fn feeds(ctx: &Ctx, base: &str) {
    let g = ctx.graph;
    // XML 1.0 allows no control characters but tab, LF and CR.
    let esc = |s: &str| {
        crate::text::strip_controls(s)
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut sm = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    sm.push_str(&format!(
        "  <url><loc>{}index.html</loc></url>\n",
        esc(base)
    ));
    for k in Kind::ALL {
        sm.push_str(&format!(
            "  <url><loc>{}{}/index.html</loc></url>\n",
            esc(base),
            k.dir()
        ));
    }
    for r in g.records() {
        sm.push_str(&format!(
            "  <url><loc>{}{}</loc></url>\n",
            esc(base),
            r.url()
        ));
    }
    sm.push_str("</urlset>\n");
    let _ = ctx.emit("sitemap.xml", sm.as_bytes());
    for (kind, name) in [(Kind::Case, "cases.xml"), (Kind::Notice, "notices.xml")] {
        let items = ctx.sorted(kind);
        let updated = items
            .first()
            .and_then(|&i| g.get(i).date())
            .unwrap_or("2000-01-01");
        let mut x = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{} · {}</title>\n  <id>{}feeds/{name}</id>\n  <link href=\"{}{}/index.html\"/>\n  <updated>{updated}T00:00:00Z</updated>\n",
            esc(&ctx.cfg.title), kind.label(), esc(base), esc(base), kind.dir()
        );
        for &i in items.iter().take(50) {
            let r = g.get(i);
            let url = format!("{base}{}", r.url());
            x.push_str(&format!(
                "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{}</summary>\n  </entry>\n",
                esc(&r.title), esc(&url), esc(&url), r.date().unwrap_or(updated), esc(&r.summary)
            ));
        }
        x.push_str("</feed>\n");
        let _ = ctx.emit(&format!("feeds/{name}"), x.as_bytes());
    }
}
