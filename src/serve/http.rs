//! Serving the built site: safe path resolution, content types, live-reload and error
//! overlay injection into HTML.

use std::path::{Component, Path, PathBuf};

/// Resolves a request path to a file inside `dir` (canonical), or None. The path is
/// percent-decoded first, so `%2e%2e` and `%2f` are seen for what they are; any `..`,
/// backslash or NUL is refused; the final path must still be inside `dir` after
/// symbolic links are resolved.
pub(crate) fn resolve(dir: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut file = dir.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        let mut parts = Path::new(segment).components();
        match (parts.next(), parts.next()) {
            (Some(Component::Normal(part)), None) => file.push(part),
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let canonical = file.canonicalize().ok()?;
    (canonical.starts_with(dir) && canonical.is_file()).then_some(canonical)
}

pub(crate) fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        // Feeds as XML so a browser shows them instead of downloading.
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "json" => "application/json",
        "ics" => "text/calendar; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "eml" => "message/rfc822",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The script every preview page gets: reload when the server says the site changed.
/// `data-live-reload` on `<html>` tells whoever looks (a test, a curious author) that
/// the page is listening.
pub(crate) const LIVE_RELOAD: &str = r#"<script>(function(){var s=new EventSource("/_livereload");s.onopen=function(){document.documentElement.dataset.liveReload="connected";};s.onmessage=function(e){if(e.data==="reload"){location.reload();}};})();</script>"#;

/// [`inject`] for a page that rebuild `rebuild` made first (see [`super::first`]): its
/// live-reload stream says so, and is not told to reload when that rebuild succeeds.
pub(crate) fn inject_made(html: &str, rebuild: u64) -> String {
    let script = LIVE_RELOAD.replace("\"/_livereload\"", &format!("\"/_livereload?made={rebuild}\""));
    inject_script(html, &script)
}

fn inject_script(html: &str, extra: &str) -> String {
    match html.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &html[..at], &html[at..]),
        None => format!("{html}{extra}"),
    }
}

/// Adds the live-reload script and, when the last rebuild failed, an overlay with its
/// diagnostics, just before `</body>`.
pub(crate) fn inject(html: &str, overlay: Option<&str>) -> String {
    let mut extra = String::from(LIVE_RELOAD);
    if let Some(overlay) = overlay {
        extra.push_str(overlay);
    }
    inject_script(html, &extra)
}

/// The error overlay: what is wrong, where, and that the page shown is the last good build.
pub(crate) fn overlay(diagnostics: &[crate::diagnostics::Diagnostic]) -> String {
    let title = format!(
        "The last edit does not build ({} error{}). This page shows the last good build; fix the error and save to reload.",
        diagnostics.len(),
        if diagnostics.len() == 1 { "" } else { "s" }
    );
    overlay_titled(&title, diagnostics)
}

/// The overlay with its own first line (plain text).
pub(crate) fn overlay_titled(title: &str, diagnostics: &[crate::diagnostics::Diagnostic]) -> String {
    let escape = crate::render::templates::escape_html;
    let lines: Vec<String> = diagnostics.iter().map(|d| escape(&d.to_string())).collect();
    format!(
        concat!(
            r#"<div id="communique-errors" role="alert" style="position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;"#,
            r#"z-index:2147483647;background:#3b0a0a;color:#fff;font:14px/1.5 ui-monospace,monospace;padding:1rem 1.25rem;"#,
            r#"border-top:4px solid #ff5c5c;box-shadow:0 -4px 16px rgba(0,0,0,.4)">"#,
            // The page's own stylesheet styles `p` and `pre` too (the built-in theme gives
            // `pre` a light background): every colour and box the overlay relies on is set
            // here, so its text stays readable on any page, in either colour scheme.
            r#"<p style="margin:0 0 .5rem;padding:0;font:inherit;font-weight:bold;color:#fff;background:none">{}</p>"#,
            r#"<pre style="margin:0;padding:0;border:0;border-radius:0;white-space:pre-wrap;font:inherit;color:#fff;background:none">{}</pre></div>"#
        ),
        escape(title),
        lines.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_inside_and_refuses_everything_else() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("groups/a")).unwrap();
        std::fs::write(site.join("index.html"), "home").unwrap();
        std::fs::write(site.join("groups/a/index.html"), "a").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let site = site.canonicalize().unwrap();
        assert_eq!(resolve(&site, "/").unwrap(), site.join("index.html"));
        assert_eq!(resolve(&site, "/groups/a/").unwrap(), site.join("groups/a/index.html"));
        assert_eq!(resolve(&site, "/groups/a?x=1").unwrap(), site.join("groups/a/index.html"));
        assert_eq!(resolve(&site, "/groups%2Fa/").unwrap(), site.join("groups/a/index.html"));
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/groups/..%2f..%2fsecret.txt",
            "/..\\secret.txt",
            "/%5c..%5csecret.txt",
            "/nothing.html",
            "/%00",
            "/%ff",
        ] {
            assert_eq!(resolve(&site, bad), None, "{bad}");
        }
    }

    #[test]
    fn injects_before_the_end_of_body() {
        let html = inject("<html><body><p>x</p></body></html>", Some("<div>err</div>"));
        assert!(html.ends_with("<div>err</div></body></html>"));
        assert!(html.contains("EventSource"));
    }
}
