//! Every Markdown text of a build rendered once, before any page: a release's summary
//! appears on its page, on each of its communiques, in lists, feeds and e-mails, and
//! must not be parsed again for each of them.

use super::markdown::Markdown;
use crate::model::{Access, Release, StakeholderGroup};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

#[derive(Default)]
pub struct ReleaseHtml {
    pub summary: String,
    pub body: String,
    /// Per feature, in order: its summary and its value per group.
    pub features: Vec<(String, BTreeMap<String, String>)>,
    pub access: BTreeMap<String, AccessHtml>,
    pub constraints: Vec<String>,
    /// Per group: the hand-written summary (if any) and body.
    pub handwritten: BTreeMap<String, (Option<String>, String)>,
}

#[derive(Default, Clone)]
pub struct AccessHtml {
    pub how: String,
    pub when: String,
    pub r#where: String,
    pub permissions: String,
}

pub struct Texts<'a> {
    releases: HashMap<&'a str, ReleaseHtml>,
    groups: HashMap<&'a str, String>,
}

impl<'a> Texts<'a> {
    pub fn render(markdown: &Markdown, releases: &[&'a Release], groups: &[&'a StakeholderGroup]) -> Self {
        let releases = releases.par_iter().map(|r| (r.slug.as_str(), release(markdown, r))).collect();
        let groups = groups.iter().map(|g| (g.id.as_str(), markdown.block(&g.body))).collect();
        Texts { releases, groups }
    }

    /// The rendered texts of a release of this build.
    pub fn release(&self, r: &Release) -> &ReleaseHtml {
        static EMPTY: std::sync::OnceLock<ReleaseHtml> = std::sync::OnceLock::new();
        self.releases.get(r.slug.as_str()).unwrap_or_else(|| EMPTY.get_or_init(ReleaseHtml::default))
    }

    pub fn group_body(&self, g: &StakeholderGroup) -> &str {
        self.groups.get(g.id.as_str()).map_or("", String::as_str)
    }
}

fn release(md: &Markdown, r: &Release) -> ReleaseHtml {
    ReleaseHtml {
        summary: md.inline(&r.summary),
        body: md.block(&r.body),
        features: r
            .features
            .iter()
            .map(|f| (md.inline(&f.summary), f.value.iter().map(|(g, v)| (g.clone(), md.inline(v))).collect()))
            .collect(),
        access: r.access.iter().map(|(g, a)| (g.clone(), access(md, a))).collect(),
        constraints: r.constraints.iter().map(|c| md.inline(&c.text)).collect(),
        handwritten: r
            .handwritten
            .iter()
            .map(|(g, p)| (g.clone(), (p.summary.as_deref().map(|s| md.inline(s)), md.block(&p.body))))
            .collect(),
    }
}

fn access(md: &Markdown, a: &Access) -> AccessHtml {
    let html = |t: &Option<String>| t.as_deref().map(|t| md.inline(t)).unwrap_or_default();
    AccessHtml { how: html(&a.how), when: html(&a.when), r#where: html(&a.r#where), permissions: html(&a.permissions) }
}
