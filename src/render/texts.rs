//! Every Markdown text that several pages show, rendered once, by the first page that
//! needs it: a release's summary appears on its page, on each of its communiques, in
//! lists, feeds and e-mails, and must not be parsed again for each of them. Nothing is
//! rendered that no page of the build asks for (a preview rebuild makes few pages). A
//! release's body is on its own page only, so it is rendered there and never held for
//! the whole build.

use super::markdown::Markdown;
use crate::config::SiteConfig;
use crate::fingerprint::FastMap as HashMap;
use crate::model::{Access, Release, StakeholderGroup};
use crate::urls;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Default)]
pub(crate) struct ReleaseHtml {
    pub summary: String,
    /// Per feature, in order: its summary and its value per group.
    pub features: Vec<(String, BTreeMap<String, String>)>,
    pub access: BTreeMap<String, AccessHtml>,
    pub constraints: Vec<String>,
    /// Per action, in order: its text.
    pub actions: Vec<String>,
    /// Per group: the hand-written summary (if any) and body.
    pub handwritten: BTreeMap<String, (Option<String>, String)>,
}

#[derive(Default, Clone)]
pub(crate) struct AccessHtml {
    pub how: String,
    pub when: String,
    pub r#where: String,
    pub permissions: String,
}

pub(crate) struct Texts<'a> {
    markdown: Markdown,
    config: &'a SiteConfig,
    releases: HashMap<&'a str, OnceLock<ReleaseHtml>>,
    groups: HashMap<&'a str, String>,
}

impl<'a> Texts<'a> {
    /// Relative links in a text resolve against the page the text belongs to, made
    /// absolute with the site's `base_url`.
    pub(crate) fn new(
        markdown: Markdown,
        config: &'a SiteConfig,
        releases: &[&'a Release],
        groups: &[&'a StakeholderGroup],
    ) -> Self {
        let releases = releases.iter().map(|r| (r.slug.as_str(), OnceLock::new())).collect();
        let groups = groups
            .iter()
            .map(|g| (g.id.as_str(), markdown.block_in(&g.body, &urls::group_url(&config.base_url, &g.id))))
            .collect();
        Texts { markdown, config, releases, groups }
    }

    pub(crate) fn markdown(&self) -> &Markdown {
        &self.markdown
    }

    /// The rendered texts of a release of this build.
    pub(crate) fn release(&self, r: &Release) -> &ReleaseHtml {
        static EMPTY: OnceLock<ReleaseHtml> = OnceLock::new();
        match self.releases.get(r.slug.as_str()) {
            Some(texts) => texts.get_or_init(|| release(&self.markdown, &|path| self.config.url(path), r)),
            None => EMPTY.get_or_init(ReleaseHtml::default),
        }
    }

    pub(crate) fn group_body(&self, g: &StakeholderGroup) -> &str {
        self.groups.get(g.id.as_str()).map_or("", String::as_str)
    }
}

impl Drop for Texts<'_> {
    /// A build's texts are hundreds of thousands of small strings, freed when the build
    /// ends: free them on every core, rather than keep the others waiting for one.
    fn drop(&mut self) {
        let releases: Vec<OnceLock<ReleaseHtml>> = std::mem::take(&mut self.releases).into_values().collect();
        releases.into_par_iter().with_min_len(256).for_each(drop);
    }
}

/// A release's texts belong to its page; hand-written texts to their communique's.
fn release(md: &Markdown, url: &dyn Fn(&str) -> String, r: &Release) -> ReleaseHtml {
    let page = url(&urls::release_path(&r.slug));
    let inline = |text: &str| md.inline_in(text, &page);
    ReleaseHtml {
        summary: inline(&r.summary),
        features: r
            .features
            .iter()
            .map(|f| (inline(&f.summary), f.value.iter().map(|(g, v)| (g.clone(), inline(v))).collect()))
            .collect(),
        access: r.access.iter().map(|(g, a)| (g.clone(), access(md, &page, a))).collect(),
        constraints: r.constraints.iter().map(|c| inline(&c.text)).collect(),
        actions: r.actions.iter().map(|a| inline(&a.text)).collect(),
        handwritten: r
            .handwritten
            .iter()
            .map(|(g, p)| {
                let page = url(&urls::communique_path(&r.slug, g));
                (g.clone(), (p.summary.as_deref().map(|s| md.inline_in(s, &page)), md.block_in(&p.body, &page)))
            })
            .collect(),
    }
}

fn access(md: &Markdown, page: &str, a: &Access) -> AccessHtml {
    let html = |t: &Option<String>| t.as_deref().map(|t| md.inline_in(t, page)).unwrap_or_default();
    AccessHtml { how: html(&a.how), when: html(&a.when), r#where: html(&a.r#where), permissions: html(&a.permissions) }
}
