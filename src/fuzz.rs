//! Entry points for the fuzz targets in `fuzz/`: the code a build runs on one content
//! file, fed with arbitrary bytes and no site on disk. Whatever the bytes, these return
//! diagnostics (or, for Markdown, the HTML the target checks); a panic, a hang or a
//! crash is a bug.
//!
//! Outside `content` and above it: the harness drives loading, lint and rendering
//! together, and loading itself needs neither.

use crate::content::{decode_text, front_matter, parse_text, validate, yaml, Kind, Parsed, Source};
use crate::diagnostics::Diagnostic;
use crate::model::{Audience, Site, StakeholderGroup};

/// Front matter alone: decoding, splitting, YAML, and the position index that points
/// diagnostics into the file.
pub fn front_matter(bytes: &[u8]) -> Vec<Diagnostic> {
    let rel = "content/releases/fuzzed.md";
    let text = match decode_text(bytes, rel) {
        Ok(text) => text,
        Err(d) => return vec![d],
    };
    let mut out = Vec::new();
    for required in [true, false] {
        match front_matter::split(&text, required) {
            Ok(doc) => {
                let source = Source::new(rel.into(), text.clone(), doc.yaml_range(&text), doc.yaml_line);
                match yaml::parse_mapping(doc.yaml) {
                    Ok(map) => {
                        for key in map.keys().filter_map(|k| k.as_str()) {
                            out.push(source.error_at_key(key, "fuzz", "key"));
                            out.push(source.error_at_value(&format!("{key}.0.x"), "fuzz", "value"));
                        }
                    }
                    Err(e) => out.push(Diagnostic::error(rel, source.in_file(e.pos), e.code, e.message)),
                }
            }
            Err(e) => out.push(Diagnostic::error(rel, e.pos, "front-matter", e.message)),
        }
    }
    out
}

/// One file as a build reads it: parsed as a group, as a release and as a hand-written
/// page for that release, in a site with a public and an internal group; then the rules
/// across files, the lint warnings, and its Markdown rendered.
pub fn content_file(bytes: &[u8]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let text = match decode_text(bytes, "content/releases/fuzzed/index.md") {
        Ok(text) => text,
        Err(d) => return vec![d],
    };
    let tz = jiff::tz::TimeZone::UTC;
    let group = |id: &str, audience| StakeholderGroup {
        id: id.into(),
        name: id.into(),
        summary: String::new(),
        audience,
        parent: None,
        order: None,
        contacts: vec![],
        components: vec!["payments-api".into()],
        email: None,
        subscribe_url: None,
        chat: Vec::new(),
        template: None,
        language: None,
        body: String::new(),
        path: format!("content/stakeholders/{id}.md"),
    };
    let mut groups = vec![group("customers", Audience::Public), group("support", Audience::Internal)];
    let mut releases = Vec::new();
    let mut sources = crate::content::Sources::default();
    let kinds = [
        ("content/stakeholders/fuzzed.md", Kind::Group { id: "fuzzed".into() }),
        ("content/releases/fuzzed/index.md", Kind::Release { slug: "fuzzed".into() }),
        (
            "content/releases/fuzzed/customers.md",
            Kind::Handwritten { slug: "fuzzed".into(), group: "customers".into() },
        ),
    ];
    let mut handwritten = None;
    for (rel, kind) in &kinds {
        let (parsed, source) = parse_text(kind, rel, text.clone(), &tz, &mut out);
        if let Some(source) = source {
            sources.insert(source.path.clone(), std::sync::Arc::new(source));
        }
        match parsed {
            Parsed::Group(g) => groups.push(g),
            Parsed::Release(r) => releases.push(r),
            Parsed::Handwritten(_, h) => handwritten = Some(h),
            Parsed::Translation(_) | Parsed::Nothing => {}
        }
    }
    if let (Some(release), Some(h)) = (releases.first_mut(), handwritten) {
        std::sync::Arc::make_mut(release).handwritten.insert(h.group.clone(), h);
    }
    let groups = crate::hierarchy::portal_order(groups);
    validate::site(&groups, &["fuzzed".to_string()], &releases, &sources, &mut out);

    let markdown = crate::render::markdown::Markdown::new(false, "https://x.example/");
    for r in &releases {
        markdown.block(&r.body);
        markdown.inline(&r.summary);
        r.features.iter().flat_map(|f| f.value.values()).for_each(|v| drop(markdown.inline(v)));
        r.handwritten.values().for_each(|h| drop(markdown.block(&h.body)));
    }
    let config = crate::config::SiteConfig::parse("title = \"T\"\nbase_url = \"https://x.example/\"\n");
    if let (Ok(config), false) = (config, out.iter().any(Diagnostic::is_error)) {
        let site = Site { config, groups, releases, translations: Default::default() };
        let now = jiff::Timestamp::UNIX_EPOCH;
        out.extend(crate::lint::diagnostics(&site, &sources, now));
    }
    out
}

/// Markdown as a build renders it, with raw HTML escaped (the default) and allowed
/// (`unsafe_html = true`), as a body and as a short inline text, on a page: the HTML
/// texts, for the fuzz target to check that none can run a script.
pub fn markdown_html(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let page = "https://x.example/releases/fuzzed/customers/";
    let mut out = Vec::new();
    for unsafe_html in [false, true] {
        let markdown = crate::render::markdown::Markdown::new(unsafe_html, "https://x.example/");
        out.push(markdown.block_in(&text, page));
        out.push(markdown.inline_in(&text, page));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_release_gives_no_error() {
        let file = b"---\ntitle: T\nproduct: P\nstatus: approved\ndeployed_at: 2026-11-20\nfeatures:\n  - title: F\n    groups: [customers]\n---\n# Notes\n";
        let out = content_file(file);
        // As a group it lacks `name` and has unknown fields; as a release it is fine.
        assert!(!out.iter().any(|d| d.is_error() && d.path.ends_with("index.md")), "{out:?}");
        assert!(front_matter(file).iter().all(|d| d.code == "fuzz"));
    }

    #[test]
    fn arbitrary_bytes_give_diagnostics() {
        for bytes in [&b""[..], b"\xff\xfe", b"---\n", b"---\n[\n---\n", b"---\n? [a]\n: b\n---\n"] {
            let _ = front_matter(bytes);
            let _ = content_file(bytes);
            assert_eq!(markdown_html(bytes).len(), 4);
        }
    }
}
