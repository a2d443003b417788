//! Translations (SPEC §13): `<name>.<lang>.md` beside a content file holds its texts in
//! language `<lang>`. Which fields are texts is decided here, once: titles, names,
//! summaries, feature texts and values, access entries, constraints, windows' titles,
//! actions, contacts and the Markdown body. Everything else (dates, status, groups,
//! audience, ids, versions, components, channels) is the source's: a translation may
//! leave it out, or write it exactly as the source does, and anything else is an error.
//! A text a translation leaves out is the default language's, with a
//! `missing-translation` warning naming the file and the field.

use super::yaml::{self, kind_of};
use super::{Kind, Source};
use crate::diagnostics::{Diagnostic, Pos};
use crate::model::{Handwritten, Release, StakeholderGroup};
use serde_yaml::{Mapping, Value};
use std::collections::HashSet;

/// A translation file as read: its language, what it translates, its front matter and body.
#[derive(Clone)]
pub(crate) struct TranslationFile {
    pub lang: String,
    pub of: Kind,
    pub path: String,
    pub front_matter: Mapping,
    pub body: String,
}

/// What a content file's name says: `name.<lang>.md` with `<lang>` one of `languages` is
/// a translation of `name.md` (returned as `name` and `<lang>`), never a name of its own.
pub(crate) fn split_name<'a>(stem: &'a str, languages: &[String]) -> Option<(&'a str, &'a str)> {
    let (name, lang) = stem.rsplit_once('.')?;
    (!name.is_empty() && languages.iter().any(|l| l == lang)).then_some((name, lang))
}

/// Whether the content file at `path` is a translation into one of `languages`.
pub(crate) fn is_translation(path: &str, languages: &[String]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").is_some_and(|stem| split_name(stem, languages).is_some())
}

/// Whether `id` reads as `name.<lang>` with `<lang>` a language code that the site does not
/// list, `name` being the id of another file of the same kind: a translation the site
/// would take for a slug of its own (`languages` lacks the code, or it is misspelt).
pub(crate) fn looks_like_translation<'a>(id: &'a str, others: &HashSet<&str>) -> Option<(&'a str, &'a str)> {
    let (name, lang) = id.rsplit_once('.')?;
    let code_like = crate::config::languages::check_code(lang).is_ok() && lang.len() <= 3;
    (code_like && others.contains(name)).then_some((name, lang))
}

/// Reads a translation's front matter; errors are reported at their place in the file.
pub(crate) fn read(
    source: &Source,
    lang: &str,
    of: Kind,
    body: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<TranslationFile> {
    let front_matter = match yaml::parse_mapping(source.yaml()) {
        Ok(map) => map,
        Err(e) => {
            out.push(Diagnostic::error(&source.path, source.in_file(e.pos), e.code, e.message));
            return None;
        }
    };
    Some(TranslationFile {
        lang: lang.to_string(),
        of,
        path: source.path.clone(),
        front_matter,
        body: body.to_string(),
    })
}

/// Warns of each file named like a translation (`x.fr.md` beside `x.md`) into a language
/// the site does not list: it is read as what its name says today, a file of its own.
pub(super) fn warn_unlisted(files: &[super::File], out: &mut Vec<Diagnostic>) {
    let ids = |want: &dyn Fn(&Kind) -> Option<String>| -> Vec<(String, String)> {
        files.iter().filter_map(|f| want(&f.kind).map(|id| (id, f.rel.clone()))).collect()
    };
    let groups = ids(&|k| match k {
        Kind::Group { id } => Some(id.clone()),
        _ => None,
    });
    let releases = ids(&|k| match k {
        Kind::Release { slug } => Some(slug.clone()),
        _ => None,
    });
    let pages = ids(&|k| match k {
        Kind::Handwritten { slug, group } => Some(format!("{slug}/{group}")),
        _ => None,
    });
    for list in [groups, releases, pages] {
        let names: HashSet<&str> = list.iter().map(|(id, _)| id.as_str()).collect();
        for (id, rel) in &list {
            if let Some((name, lang)) = looks_like_translation(id, &names) {
                let name = name.rsplit('/').next().unwrap_or(name);
                out.push(Diagnostic::warning(
                    rel,
                    Pos::START,
                    "unknown-language",
                    format!(
                        "this file looks like a translation of `{name}` into `{lang}`, but site.toml's `languages` does not list `{lang}`, so it is read as `{}` of its own: add `{lang}` to `languages` (such as `languages = [\"en\", \"{lang}\"]`), or rename the file",
                        id.rsplit('/').next().unwrap_or(id)
                    ),
                ));
            }
        }
    }
}

/// Every language's translated groups and releases, from the translation files, checked
/// against their sources.
pub(super) fn assemble(
    groups: &[StakeholderGroup],
    releases: &[std::sync::Arc<Release>],
    files: Vec<TranslationFile>,
    sources: &super::Sources,
    out: &mut Vec<Diagnostic>,
) -> std::collections::BTreeMap<String, crate::model::Translated> {
    let mut by_language: std::collections::BTreeMap<String, crate::model::Translated> = Default::default();
    let raw = |path: &str| sources.get(path).and_then(|s| yaml::parse_mapping(s.yaml()).ok()).unwrap_or_default();
    let mut pages = Vec::new();
    for file in files {
        let Some(at) = sources.get(&file.path) else { continue };
        let translated = by_language.entry(file.lang.clone()).or_default();
        let missing = |what: String| {
            Diagnostic::error(
                &file.path,
                Pos::START,
                "translation-without-source",
                format!("this is a translation of {what}, which does not exist (or failed to load): add it, or rename this file"),
            )
        };
        match &file.of {
            Kind::Group { id } => match groups.iter().find(|g| &g.id == id) {
                Some(g) => {
                    translated.groups.insert(id.clone(), group(g, &file, &raw(&g.path), at, out));
                }
                None => out.push(missing(format!("group `{id}` (`content/stakeholders/{id}.md`)"))),
            },
            Kind::Release { slug } if translated.release_files.contains(slug) => out.push(Diagnostic::error(
                &file.path,
                Pos::START,
                "duplicate-slug",
                format!("release `{slug}` has another translation into `{}` (`{slug}.{0}.md` and `{slug}/index.{0}.md`): keep one of the two files", file.lang),
            )),
            Kind::Release { slug } => match releases.iter().find(|r| &r.slug == slug) {
                Some(r) => {
                    translated
                        .releases
                        .insert(slug.clone(), std::sync::Arc::new(release(r, &file, &raw(&r.path), at, out)));
                    translated.release_files.insert(slug.clone());
                }
                None => out.push(missing(format!("release `{slug}`"))),
            },
            Kind::Handwritten { .. } => pages.push(file),
            Kind::Translation { .. } => {}
        }
    }
    // Hand-written pages last: they go into their release's translation, made above or now.
    for file in pages {
        let (Kind::Handwritten { slug, group: id }, Some(at)) = (&file.of, sources.get(&file.path)) else { continue };
        let Some(r) = releases.iter().find(|r| &r.slug == slug) else { continue };
        let Some(h) = r.handwritten.get(id) else {
            out.push(Diagnostic::error(
                &file.path,
                Pos::START,
                "translation-without-source",
                format!("this is a translation of the hand-written page `content/releases/{slug}/{id}.md`, which does not exist: write that page first, or rename this file"),
            ));
            continue;
        };
        let page = handwritten(h, &file, &raw(&h.path), at, out);
        let translated = by_language.entry(file.lang.clone()).or_default();
        let release = translated.releases.entry(slug.clone()).or_insert_with(|| std::sync::Arc::clone(r));
        let release = std::sync::Arc::make_mut(release);
        release.fingerprint = crate::fingerprint::of((release.fingerprint, page.fingerprint));
        release.handwritten.insert(id.clone(), page);
    }
    by_language
}

/// A group's `language` (the language of its e-mails and chat messages) is one of the
/// site's `languages`.
pub(super) fn check_group_languages(
    groups: &[StakeholderGroup],
    languages: &[String],
    sources: &super::Sources,
    out: &mut Vec<Diagnostic>,
) {
    for g in groups {
        let Some(lang) = g.language.as_deref() else { continue };
        if languages.iter().any(|l| l == lang) {
            continue;
        }
        let listed = languages.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ");
        let message = format!(
            "`language: {lang}` is not one of the site's languages ({listed}): write one of them, or add `{lang}` to `languages` in site.toml, such as `languages = [\"{}\", \"{lang}\"]`",
            languages.first().map_or("en", String::as_str)
        );
        out.push(match sources.get(&g.path) {
            Some(source) => source.error_at_value("language", "invalid-value", message),
            None => Diagnostic::error(&g.path, Pos::START, "invalid-value", message),
        });
    }
}

/// One text of a content file: its dotted path in the front matter (`body` for the
/// Markdown), and where it is in the model.
type Slot<'a> = (String, &'a mut String);

fn group_slots(g: &mut StakeholderGroup) -> Vec<Slot<'_>> {
    let mut slots: Vec<Slot> = vec![("name".into(), &mut g.name), ("summary".into(), &mut g.summary)];
    slots.extend(g.contacts.iter_mut().enumerate().map(|(i, c)| (format!("contacts.{i}"), c)));
    slots.push(("body".into(), &mut g.body));
    slots
}

fn release_slots(r: &mut Release) -> Vec<Slot<'_>> {
    let mut slots: Vec<Slot> = vec![("title".into(), &mut r.title), ("summary".into(), &mut r.summary)];
    for (i, f) in r.features.iter_mut().enumerate() {
        slots.push((format!("features.{i}.title"), &mut f.title));
        slots.push((format!("features.{i}.summary"), &mut f.summary));
        slots.extend(f.value.iter_mut().map(|(g, v)| (format!("features.{i}.value.{g}"), v)));
    }
    for (g, a) in r.access.iter_mut() {
        for (key, text) in
            [("how", &mut a.how), ("when", &mut a.when), ("where", &mut a.r#where), ("permissions", &mut a.permissions)]
        {
            if let Some(text) = text.as_mut() {
                slots.push((format!("access.{g}.{key}"), text));
            }
        }
    }
    slots.extend(r.constraints.iter_mut().enumerate().map(|(i, c)| (format!("constraints.{i}.text"), &mut c.text)));
    slots.extend(r.windows.iter_mut().enumerate().map(|(i, w)| (format!("windows.{i}.title"), &mut w.title)));
    slots.extend(r.actions.iter_mut().enumerate().map(|(i, a)| (format!("actions.{i}.text"), &mut a.text)));
    slots.push(("body".into(), &mut r.body));
    slots
}

fn handwritten_slots(h: &mut Handwritten) -> Vec<Slot<'_>> {
    let mut slots: Vec<Slot> = Vec::new();
    if let Some(title) = h.title.as_mut() {
        slots.push(("title".into(), title));
    }
    if let Some(summary) = h.summary.as_mut() {
        slots.push(("summary".into(), summary));
    }
    slots.push(("body".into(), &mut h.body));
    slots
}

/// Group `source` in the translation's language.
pub(crate) fn group(
    source: &StakeholderGroup,
    file: &TranslationFile,
    raw_source: &Mapping,
    at: &Source,
    out: &mut Vec<Diagnostic>,
) -> StakeholderGroup {
    let mut g = source.clone();
    apply(group_slots(&mut g), file, raw_source, &source.path, at, out);
    g
}

/// Release `source` in the translation's language (its hand-written pages are added later).
pub(crate) fn release(
    source: &Release,
    file: &TranslationFile,
    raw_source: &Mapping,
    at: &Source,
    out: &mut Vec<Diagnostic>,
) -> Release {
    let mut r = source.clone();
    apply(release_slots(&mut r), file, raw_source, &source.path, at, out);
    r.fingerprint = crate::fingerprint::of((r.fingerprint, at.fingerprint()));
    r
}

/// Hand-written page `source` in the translation's language.
pub(crate) fn handwritten(
    source: &Handwritten,
    file: &TranslationFile,
    raw_source: &Mapping,
    at: &Source,
    out: &mut Vec<Diagnostic>,
) -> Handwritten {
    let mut h = source.clone();
    apply(handwritten_slots(&mut h), file, raw_source, &source.path, at, out);
    h.path = file.path.clone();
    h.fingerprint = at.fingerprint();
    h
}

/// Puts the translation's texts into `slots` (the source's texts), warning of each it
/// leaves out, and refuses whatever else in it is not as in the source.
fn apply(
    slots: Vec<Slot>,
    file: &TranslationFile,
    raw_source: &Mapping,
    source_path: &str,
    at: &Source,
    out: &mut Vec<Diagnostic>,
) {
    let lang = &file.lang;
    // Only a text the source has can be translated.
    let texts: HashSet<String> = slots.iter().filter(|(_, text)| !text.is_empty()).map(|(p, _)| p.clone()).collect();
    for (key, value) in &file.front_matter {
        let key = key_text(key);
        compare(value, raw_source.get(key.as_str()), &key, &texts, source_path, at, out);
    }
    for (path, text) in slots {
        if text.is_empty() {
            continue;
        }
        let translated = if path == "body" {
            Some(file.body.trim().to_string()).filter(|b| !b.is_empty()).map(|_| file.body.clone())
        } else {
            lookup(&file.front_matter, &path)
                .and_then(|v| match v {
                    Value::String(s) => Some(s.trim().to_string()),
                    Value::Number(n) => Some(n.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    Value::Null => None,
                    other => {
                        out.push(at.error_at_value(
                            &path,
                            "invalid-value",
                            format!(
                                "`{}` is {}, but it must be text: write the translation on the same line",
                                shown(&path),
                                kind_of(other)
                            ),
                        ));
                        None
                    }
                })
                .filter(|t| !t.is_empty())
        };
        match translated {
            Some(t) => *text = t,
            None => {
                let pos = if path == "body" { Pos::START } else { at.key(&path) };
                out.push(Diagnostic::warning(
                    &file.path,
                    pos,
                    "missing-translation",
                    format!(
                        "`{}` is not translated into `{lang}`: readers of `{lang}` see the text of `{source_path}`; {}",
                        shown(&path),
                        if path == "body" {
                            "write the translated Markdown after the closing `---`".to_string()
                        } else {
                            format!("add `{}` to this file", shown(&path))
                        }
                    ),
                ));
            }
        }
    }
}

/// Checks the translation's `value` at `path` against the source's: texts are the
/// translation's own; containers of texts are compared field by field; anything else
/// must be as in the source.
fn compare(
    value: &Value,
    source: Option<&Value>,
    path: &str,
    texts: &HashSet<String>,
    source_path: &str,
    at: &Source,
    out: &mut Vec<Diagnostic>,
) {
    if texts.contains(path) {
        return;
    }
    let Some(source) = source else {
        out.push(at.error_at_key(
            path,
            "translation-differs",
            format!(
                "`{}` is not in `{source_path}`: a translation holds that file's fields, with its texts translated; remove it here, or add it there first",
                shown(path)
            ),
        ));
        return;
    };
    let holds_texts = texts.iter().any(|t| t.strip_prefix(path).is_some_and(|rest| rest.starts_with('.')));
    match (value, source) {
        (Value::Mapping(map), Value::Mapping(source)) if holds_texts => {
            for (key, v) in map {
                let key = key_text(key);
                compare(v, source.get(key.as_str()), &format!("{path}.{key}"), texts, source_path, at, out);
            }
        }
        (Value::Sequence(items), Value::Sequence(source)) if holds_texts => {
            for (i, v) in items.iter().enumerate() {
                compare(v, source.get(i), &format!("{path}.{i}"), texts, source_path, at, out);
            }
        }
        _ if same(value, source) => {}
        _ => out.push(at.error_at_value(
            path,
            "translation-differs",
            format!(
                "`{}` differs from `{source_path}`, where it is {}: a translation changes texts only; write it as there, or leave it out",
                shown(path),
                written(source)
            ),
        )),
    }
}

/// Equal as the source's value, a number or `true` written as text being the same.
fn same(a: &Value, b: &Value) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    yaml::scalars_to_text(&mut a, Some("order"));
    yaml::scalars_to_text(&mut b, Some("order"));
    a == b
}

fn written(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::Bool(b) => format!("`{b}`"),
        Value::Null => "empty".into(),
        Value::Sequence(items) if items.iter().all(|v| !matches!(v, Value::Mapping(_) | Value::Sequence(_))) => {
            let items: Vec<String> = items.iter().map(|v| written(v).trim_matches('`').to_string()).collect();
            format!("`[{}]`", items.join(", "))
        }
        _ => match serde_yaml::to_string(value) {
            Ok(text) if text.lines().count() == 1 => format!("`{}`", text.trim()),
            _ => kind_of(value).into(),
        },
    }
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => "?".into(),
    }
}

/// The value at a dotted path (`features.0.value.customers`).
fn lookup<'v>(map: &'v Mapping, path: &str) -> Option<&'v Value> {
    let mut parts = path.split('.');
    let mut value = map.get(parts.next()?)?;
    for part in parts {
        value = match value {
            Value::Mapping(m) => m.get(part)?,
            Value::Sequence(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

fn shown(path: &str) -> String {
    super::fields::display_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_ending_in_a_listed_language_is_a_translation() {
        let languages = vec!["en".to_string(), "de".to_string()];
        assert_eq!(split_name("payments-4-2.de", &languages), Some(("payments-4-2", "de")));
        assert_eq!(split_name("index.de", &languages), Some(("index", "de")));
        assert_eq!(split_name("payments-4-2.fr", &languages), None);
        assert_eq!(split_name("payments-4-2", &languages), None);
        assert_eq!(split_name(".de", &languages), None);
        // The default language is one of them: `x.en.md` is not a slug `x.en` either.
        assert_eq!(split_name("x.en", &languages), Some(("x", "en")));
    }

    #[test]
    fn an_unlisted_code_beside_its_source_looks_like_a_translation() {
        let others: HashSet<&str> = ["payments-4-2", "api"].into_iter().collect();
        assert_eq!(looks_like_translation("payments-4-2.fr", &others), Some(("payments-4-2", "fr")));
        assert_eq!(looks_like_translation("api.v2", &others), None);
        assert_eq!(looks_like_translation("other.fr", &others), None);
        assert_eq!(looks_like_translation("payments-4-2.final", &others), None);
    }

    fn source(path: &str, yaml: &str) -> Source {
        Source::new(path.into(), format!("---\n{yaml}---\n"), 4..4 + yaml.len(), 2)
    }

    fn translated_group(source_yaml: &str, yaml: &str, body: &str) -> (StakeholderGroup, Vec<Diagnostic>) {
        let original = StakeholderGroup {
            id: "customers".into(),
            name: "Customers".into(),
            summary: "People who pay.".into(),
            audience: crate::model::Audience::Public,
            parent: None,
            order: Some(10),
            contacts: vec![],
            components: vec!["api".into()],
            email: None,
            subscribe_url: None,
            chat: vec![],
            template: None,
            language: None,
            body: "Who they are.".into(),
            path: "content/stakeholders/customers.md".into(),
        };
        let at = source("content/stakeholders/customers.de.md", yaml);
        let file = TranslationFile {
            lang: "de".into(),
            of: Kind::Group { id: "customers".into() },
            path: at.path.clone(),
            front_matter: yaml::parse_mapping(yaml).unwrap(),
            body: body.into(),
        };
        let raw = yaml::parse_mapping(source_yaml).unwrap();
        let mut out = Vec::new();
        let g = group(&original, &file, &raw, &at, &mut out);
        (g, out)
    }

    const SOURCE: &str = "name: Customers\nsummary: People who pay.\norder: 10\ncomponents: [api]\n";

    #[test]
    fn texts_are_translated_and_the_rest_may_be_repeated() {
        let (g, out) = translated_group(
            SOURCE,
            "name: Kunden\nsummary: Wer zahlt.\norder: 10\ncomponents: [api]\n",
            "Wer sie sind.",
        );
        assert!(out.is_empty(), "{out:?}");
        assert_eq!((g.name.as_str(), g.summary.as_str(), g.body.as_str()), ("Kunden", "Wer zahlt.", "Wer sie sind."));
        assert_eq!(g.order, Some(10));
    }

    #[test]
    fn a_text_left_out_falls_back_with_a_warning_naming_the_field() {
        let (g, out) = translated_group(SOURCE, "name: Kunden\n", "");
        assert_eq!(g.summary, "People who pay.");
        let fields: Vec<_> = out.iter().map(|d| (d.code, d.is_error(), d.message.split('`').nth(1).unwrap())).collect();
        assert_eq!(fields, [("missing-translation", false, "summary"), ("missing-translation", false, "body")]);
        assert!(out.iter().all(|d| d.path == "content/stakeholders/customers.de.md"));
    }

    #[test]
    fn a_changed_field_that_is_not_a_text_is_an_error_at_it() {
        let (_, out) =
            translated_group(SOURCE, "name: Kunden\nsummary: Wer zahlt.\norder: 11\naudience: internal\n", "x");
        let errors: Vec<_> = out.iter().filter(|d| d.is_error()).map(|d| (d.line, d.code)).collect();
        assert_eq!(errors, [(4, "translation-differs"), (5, "translation-differs")]);
        assert!(out[0].message.contains("where it is `10`"), "{}", out[0].message);
        assert!(out[1].message.contains("is not in `content/stakeholders/customers.md`"), "{}", out[1].message);
    }
}
