//! The communiques `notify` delivers, rendered in memory with the templates `build
//! --emails` uses (`communique.txt`, and the `content` block of `communique.html`), so
//! that a sent e-mail is the one a build writes. Nothing is written anywhere.
//!
//! Each group's communiques are rendered for the group's own audience: a public group
//! from a public build's selection and views (nothing internal-only reaches them), an
//! internal group from an internal build's.

use super::context::{CommuniqueView, PageContext, Views};
use super::templates::Theme;
use super::{base_context, PageView};
use crate::diagnostics::Diagnostic;
use crate::model::{Audience, Release, Site, StakeholderGroup};
use crate::notify::message::{ActionNote, ChatWords, FeatureNote, Message};
use crate::select::{self, Mode};
use minijinja::{context, Environment, Value};
use rayon::prelude::*;
use std::path::Path;
use std::sync::Mutex;

/// One communique ready for every channel of its group.
pub struct Rendered {
    pub release: String,
    pub group: String,
    /// Of the message's texts ([`crate::notify::plan::fingerprint`]).
    pub fingerprint: String,
    /// Kept only when `keep` asked for it: a plan of a long history needs the
    /// fingerprints of every communique, and the texts of none.
    pub message: Option<Message>,
    /// The release's title: the e-mail's subject.
    pub release_title: String,
}

/// Every communique (release, group) that a publishing build shows at `now` and that
/// `wanted` asks for, in no particular order, its message kept when `keep` (given the
/// release, the group and the fingerprint) says so. Template errors are returned, all
/// of them.
pub(crate) fn communiques(
    root: &Path,
    site: &Site,
    now: jiff::Timestamp,
    wanted: &(dyn Fn(&Release, &StakeholderGroup) -> bool + Sync),
    keep: &(dyn Fn(&str, &str, &str) -> bool + Sync),
) -> Result<Vec<Rendered>, Vec<Diagnostic>> {
    let config = &site.config;
    let theme = Theme::new(root, &config.theme);
    let env = theme.environment();
    let errors = theme.check(&env);
    if !errors.is_empty() {
        return Err(errors);
    }
    let errors = Mutex::new(Vec::new());
    let mut rendered = Vec::new();
    // Each group hears in its own language (SPEC §13): each language renders its groups.
    let (languages, words) = super::languages(root, site)?;
    for (language, words) in languages.iter().zip(&words) {
        // The default language in English dates is the site as it is: no copy.
        let translated;
        let site = if language.prefix.is_empty() && words.dates.is_none() {
            site
        } else {
            let mut in_language = site.in_language(&language.code);
            in_language.config.date_words = words.dates.clone().map(std::sync::Arc::new);
            translated = in_language;
            &translated
        };
        let config = &site.config;
        let assets = crate::config::SiteConfig { base_url: languages[0].base_url.clone(), ..config.clone() };
        let speaks = |g: &StakeholderGroup| g.language.as_deref().unwrap_or(&languages[0].code) == language.code;
        for audience in [Audience::Public, Audience::Internal] {
            let selection = select::select(site, Mode::Publish { drafts: false, future: false }, audience, now);
            let views = Views::new(&selection, config);
            let base = base_context(config, &assets, words, audience, false);
            let mut counts = std::collections::HashMap::new();
            for shown in &selection.releases {
                for g in &shown.groups {
                    *counts.entry(g.id.as_str()).or_insert(0usize) += 1;
                }
            }
            // Each group's value once, each release's once: a release has several groups.
            let group_values: std::collections::HashMap<&str, Value> = selection
                .groups
                .iter()
                .filter(|g| g.audience == audience && speaks(g))
                .map(|g| {
                    (
                        g.id.as_str(),
                        Value::from_serialize(views.group(g, counts.get(g.id.as_str()).copied().unwrap_or(0))),
                    )
                })
                .collect();
            let made: Vec<Rendered> = selection
                .releases
                .par_iter()
                .flat_map_iter(|shown| {
                    // Each group is rendered once, for its own audience.
                    let groups: Vec<&StakeholderGroup> = shown
                        .groups
                        .iter()
                        .copied()
                        .filter(|g| g.audience == audience && speaks(g) && wanted(shown.release, g))
                        .collect();
                    let release = (!groups.is_empty()).then(|| Value::from_serialize(views.release(shown)));
                    let (views, env, base, group_values, errors, theme) =
                        (&views, &env, &base, &group_values, &errors, &theme);
                    groups.into_iter().filter_map(move |g| {
                        let communique = views.communique(shown, g);
                        let vars = context! {
                            release => release.clone(),
                            group => group_values[g.id.as_str()].clone(),
                            communique => Value::from_serialize(&communique),
                        };
                        let page = PageView {
                            title: communique.title.to_string(),
                            url: communique.url.clone(),
                            noindex: false,
                            banner: None,
                            feeds: views.group_alternates(g),
                            description: super::describe::plain_text(communique.summary),
                            planned: None,
                            translations: vec![],
                        };
                        match render_pair(env, &theme.communique_template(g), base, page, vars) {
                            Ok((text, html)) => {
                                let message = message(shown.release, g, &communique, (text, html), words);
                                let fingerprint = crate::notify::plan::fingerprint(&message);
                                let kept = keep(&shown.release.slug, &g.id, &fingerprint);
                                Some(Rendered {
                                    release: shown.release.slug.clone(),
                                    group: g.id.clone(),
                                    fingerprint,
                                    message: kept.then_some(message),
                                    release_title: shown.release.title.clone(),
                                })
                            }
                            Err(e) => {
                                errors.lock().expect("errors lock").push(theme.diagnostic(&e));
                                None
                            }
                        }
                    })
                })
                .collect();
            rendered.extend(made);
        }
    }
    let mut errors = errors.into_inner().expect("errors lock");
    if !errors.is_empty() {
        crate::diagnostics::sort(&mut errors);
        errors.dedup();
        return Err(errors);
    }
    Ok(rendered)
}

/// The text part (`communique.txt`) and the HTML (the `content` block of the group's
/// communique template), exactly as a build renders them for `--emails`.
fn render_pair(
    env: &Environment<'static>,
    template: &str,
    base: &Value,
    page: PageView,
    vars: Value,
) -> Result<(String, String), minijinja::Error> {
    let ctx = Value::from_object(PageContext {
        common: base.clone(),
        page: Value::from_serialize(&page),
        vars: vars.clone(),
    });
    let template = env.get_template(template)?;
    let html = template.render_captured(ctx)?.with_state_mut(|state| state.render_block("content"))?;
    let text = env.get_template("communique.txt")?.render(minijinja::value::merge_maps([vars, base.clone()]))?;
    Ok((text, html))
}

/// Our own words in chat messages, from the language's strings.
fn chat_words(words: &super::strings::Strings) -> ChatWords {
    let word = |key: &str| words.words.get(key).cloned().unwrap_or_default();
    ChatWords {
        action_required: word("action_required"),
        whats_new: word("whats_new"),
        what_it_means: word("what_it_means"),
        how_when_where: word("how_when_where"),
        keep_in_mind: word("keep_in_mind"),
        due_by: word("due_by"),
        correction: word("correction"),
    }
}

fn message(
    r: &Release,
    g: &StakeholderGroup,
    c: &CommuniqueView,
    (text, html): (String, String),
    words: &super::strings::Strings,
) -> Message {
    let word = |key: &'static str| words.words.get(key).map_or(key, String::as_str);
    // A label's or a constraint kind's words in the language, by the key it has.
    let translated = |prefix: &str, key: &str, english: &str| {
        words.words.get(&format!("{prefix}{key}")).cloned().unwrap_or_else(|| english.to_string())
    };
    let access = c
        .access
        .iter()
        .flat_map(|a| {
            [
                (word("how"), &a.how),
                (word("when"), &a.when),
                (word("where"), &a.r#where),
                (word("permissions"), &a.permissions),
            ]
            .into_iter()
            .filter(|(_, text)| !text.trim().is_empty())
            .map(|(label, text)| (label.to_string(), text.trim().to_string()))
        })
        .collect();
    Message {
        release: r.slug.clone(),
        group: g.id.clone(),
        title: c.title.to_string(),
        summary: c.summary.trim().to_string(),
        url: c.url.clone(),
        published_at: r.publish_at,
        // Soonest deadline first, as the communique has them (SPEC §11).
        actions: c
            .actions
            .iter()
            .map(|a| ActionNote { text: a.text.trim().to_string(), due: a.due_text.clone() })
            .collect(),
        features: c
            .features
            .iter()
            .map(|f| FeatureNote {
                title: f.title.to_string(),
                labels: f.labels.iter().map(|l| translated("label_", l.key, l.text)).collect(),
                summary: f.summary.trim().to_string(),
                value: Some(f.value.trim().to_string()).filter(|v| !v.is_empty()),
            })
            .collect(),
        access,
        constraints: c
            .constraints
            .iter()
            .flat_map(|kind| {
                let label = translated("constraint_", kind.kind, kind.label);
                kind.texts.iter().map(move |t| (label.clone(), t.trim().to_string()))
            })
            .collect(),
        text,
        html,
        correction: false,
        words: chat_words(words),
    }
}
