//! `new release` and `new group` (SPEC §12): a release carried over from the previous one
//! of its product (product, components, groups, access, constraints), features reset to
//! one placeholder, status `draft`, and dates left empty so that `check` names what to
//! fill; or a commented skeleton. Never over an existing file.

use super::{edit, write, Refusal, Written};
use crate::content::Loaded;
use crate::model::Release;
use std::path::Path;

pub(crate) struct ReleaseRequest<'a> {
    pub slug: &'a str,
    pub from: Option<&'a str>,
    pub product: Option<&'a str>,
}

pub(crate) fn release(root: &Path, request: &ReleaseRequest) -> Result<Written, Refusal> {
    valid_id(request.slug, "release slug")?;
    if request.from.is_some() && request.product.is_some() {
        return Err(Refusal::Usage("give either --from or --product, not both".into()));
    }
    let loaded = loaded(root)?;
    let site = loaded.site.as_ref().expect("checked by `loaded`");
    let rel = format!("content/releases/{}.md", request.slug);
    let folder = format!("content/releases/{}", request.slug);
    for taken in [&rel, &folder] {
        if root.join(taken).exists() {
            return Err(super::in_file(
                taken,
                "exists",
                "this release already exists: choose another slug, or edit this file".into(),
            ));
        }
    }
    let source: Option<&Release> = match (request.from, request.product) {
        (Some(from), _) => Some(named_release(&loaded, from)?),
        (None, Some(product)) => newest_of(&loaded, product)?,
        (None, None) => None,
    };
    let groups: Vec<&str> = site.groups.iter().map(|g| g.id.as_str()).collect();
    let text = match source {
        Some(previous) => {
            let yaml = loaded.sources.get(&previous.path).map_or("", |s| s.yaml());
            carried_over(previous, yaml)
        }
        None => skeleton(request.product, &groups),
    };
    write::create_new(&root.join(&rel), &text).map_err(Refusal::Content)?;
    let note = match source {
        Some(previous) => {
            format!("carried over from `{}` ({}); fill in what `communique check` names", previous.slug, previous.title)
        }
        None => "a skeleton: fill in what `communique check` names".to_string(),
    };
    Ok(Written { path: rel, note })
}

pub(crate) fn group(root: &Path, id: &str) -> Result<Written, Refusal> {
    valid_id(id, "group id")?;
    let loaded = loaded(root)?;
    let site = loaded.site.as_ref().expect("checked by `loaded`");
    let rel = format!("content/stakeholders/{id}.md");
    if root.join(&rel).exists() {
        return Err(super::in_file(&rel, "exists", "this group already exists: choose another id".into()));
    }
    let ids: Vec<&str> = site.groups.iter().map(|g| g.id.as_str()).collect();
    let parents = if ids.is_empty() { "none yet".to_string() } else { ids.join(", ") };
    let text = format!(
        "---\n\
         # A stakeholder group (SPEC §3). `communique check` names what is missing.\n\
         name:                       # required: who they are, e.g. Enterprise customers\n\
         summary:                    # one sentence, shown on the portal\n\
         # audience: public          # public (default) | internal: never in a public build\n\
         # parent: customers         # a group id ({parents}); a group receives what its parent receives\n\
         # order: 10                 # sort key on the portal\n\
         # contacts: [\"Account management <accounts@acme.example>\"]\n\
         # components: [payments-api] # what this group uses: releases that change them must reach it\n\
         # email: {id}-announce@acme.example\n\
         ---\n\
         Who this group is and how it hears from us.\n"
    );
    write::create_new(&root.join(&rel), &text).map_err(Refusal::Content)?;
    Ok(Written { path: rel, note: "a skeleton: fill in `name`, then name the group in a feature's `groups`".into() })
}

fn valid_id(id: &str, what: &str) -> Result<(), Refusal> {
    if crate::slug::is_valid_id(id) {
        return Ok(());
    }
    Err(Refusal::Usage(format!(
        "the {what} `{id}` must match ^[a-z0-9][a-z0-9._-]*$ (it becomes a file name and a URL): write `{}`",
        crate::slug::slugify(id)
    )))
}

/// The site, loaded; refused when site.toml cannot be read (nothing can be named).
fn loaded(root: &Path) -> Result<Loaded, Refusal> {
    let loaded = crate::content::load(root);
    if loaded.site.is_none() {
        let errors = loaded.diagnostics.into_iter().filter(|d| d.is_error()).collect();
        return Err(Refusal::Errors(errors, "the site cannot be read".into()));
    }
    Ok(loaded)
}

/// The release `slug`, loaded; refused when there is none, or it has errors.
pub(super) fn named_release<'l>(loaded: &'l Loaded, slug: &str) -> Result<&'l Release, Refusal> {
    let site = loaded.site.as_ref().expect("a loaded site");
    if let Some(release) = site.releases.iter().find(|r| r.slug == slug) {
        return Ok(release);
    }
    let in_file = |d: &&crate::diagnostics::Diagnostic| {
        d.is_error()
            && (d.path == format!("content/releases/{slug}.md")
                || d.path.starts_with(&format!("content/releases/{slug}/")))
    };
    let errors: Vec<_> = loaded.diagnostics.iter().filter(in_file).cloned().collect();
    if !errors.is_empty() {
        return Err(Refusal::Errors(errors, format!("the release `{slug}` cannot be read")));
    }
    let slugs: Vec<&str> = site.releases.iter().map(|r| r.slug.as_str()).collect();
    Err(Refusal::Usage(format!("there is no release `{slug}` in content/releases/{}", super::hint(slug, &slugs))))
}

/// The newest release of `product` (by `deployed_at`, then slug); None for a product
/// with no release yet. A name that differs from a known product only in case or
/// spaces is refused: it would start a second roll-up for the same product.
fn newest_of<'l>(loaded: &'l Loaded, product: &str) -> Result<Option<&'l Release>, Refusal> {
    let site = loaded.site.as_ref().expect("a loaded site");
    let newest = site
        .releases
        .iter()
        .filter(|r| r.product == product)
        .max_by(|a, b| (a.deployed_at, &a.slug).cmp(&(b.deployed_at, &b.slug)));
    if let Some(release) = newest {
        return Ok(Some(release));
    }
    let squashed = |s: &str| s.split_whitespace().collect::<String>().to_lowercase();
    if let Some(known) = site.releases.iter().map(|r| &r.product).find(|p| squashed(p) == squashed(product)) {
        return Err(Refusal::Usage(format!(
            "there is no product `{product}`, but there is `{known}`: write `--product \"{known}\"` (products are compared exactly)"
        )));
    }
    Ok(None)
}

/// The top-level block of `key` in a front matter, as written (comments inside it
/// included), or None.
fn block(yaml: &str, key: &str) -> Option<String> {
    let lines: Vec<&str> = yaml.split_inclusive('\n').collect();
    let start = lines.iter().position(|l| edit::key_of(l) == Some(key))?;
    let len = lines[start + 1..].iter().position(|l| edit::key_of(l).is_some()).unwrap_or(lines.len() - start - 1);
    let mut block: Vec<&str> = lines[start..=start + len].to_vec();
    // Comments and blank lines before the next key belong to it.
    while block.len() > 1 && block.last().is_some_and(|l| l.trim().is_empty() || l.starts_with('#')) {
        block.pop();
    }
    let mut text: String = block.concat().replace("\r\n", "\n");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Some(text)
}

/// A new release from `previous`: its product, components, groups, access and
/// constraints; one placeholder feature; status `draft`; no title, version or dates.
fn carried_over(previous: &Release, yaml: &str) -> String {
    let mut groups: Vec<&str> = Vec::new();
    for g in previous.features.iter().flat_map(|f| &f.groups) {
        if !groups.contains(&g.as_str()) {
            groups.push(g);
        }
    }
    let mut text = format!(
        "---\n\
         # Carried over from `{slug}` ({title}) by `communique new release`: product,\n\
         # components, groups, access and constraints. Check each of them, write what is new,\n\
         # and fill in what `communique check` names (title, deployed_at, the feature).\n\
         title:                      # e.g. {title_example} <version>\n\
         product: {product}\n\
         version:                    # e.g. \"4.3.0\"\n\
         status: draft               # `communique approve` sets it when the texts are reviewed\n\
         deployed_at:                # when it reaches production, e.g. 2026-12-01T18:00:00Z\n\
         # publish_at: 2026-12-02T09:00:00Z   # when the communication goes out; default deployed_at\n\
         summary:                    # what this release means, in a sentence or two\n",
        slug = previous.slug,
        title = previous.title.replace('\n', " "),
        title_example = previous.product.replace('\n', " "),
        product = edit::quoted(&previous.product),
    );
    if let Some(components) = block(yaml, "components") {
        text.push_str(&components);
    }
    text.push_str(&format!(
        "features:\n\
         \x20 - title:                   # what changed, in a few words\n\
         \x20   summary:                 # what it means for the reader (Markdown)\n\
         \x20   groups: [{}]\n\
         \x20   value:                   # per group: what it is worth to them\n",
        groups.join(", ")
    ));
    for key in ["access", "constraints"] {
        if let Some(carried) = block(yaml, key) {
            text.push_str(&carried);
        }
    }
    text.push_str("---\n");
    text
}

/// A commented release skeleton, for a new product or when no release is named.
fn skeleton(product: Option<&str>, groups: &[&str]) -> String {
    let product = product.map_or(String::new(), edit::quoted);
    let known = if groups.is_empty() {
        "no groups yet: `communique new group <id>`".to_string()
    } else {
        format!("known: {}", groups.join(", "))
    };
    format!(
        "---\n\
         # A new release plan (SPEC §4). `communique check` names what is missing.\n\
         title:                      # required, e.g. Payments 4.2\n\
         product: {product}{pad}# required: releases roll up by product\n\
         version:                    # e.g. \"4.2.0\"\n\
         status: draft               # `communique approve` sets it when the texts are reviewed\n\
         deployed_at:                # required: when it reaches production, e.g. 2026-11-20T18:00:00Z\n\
         # publish_at: 2026-11-21T09:00:00+01:00   # when the communication goes out; default deployed_at\n\
         summary:                    # what this release means, in a sentence or two\n\
         # components: [payments-api]   # what the deployment changes: groups using it must be reached\n\
         features:\n\
         \x20 - title:                   # required, e.g. Instant refunds\n\
         \x20   summary:                 # what changed, for the reader (Markdown)\n\
         \x20   groups: []               # required: the groups it reaches ({known})\n\
         \x20   # value:\n\
         \x20   #   customers: Your customers get their money back the same day.\n\
         # access:                   # per group: how, when, where, with what permissions\n\
         #   customers:\n\
         #     how: Turn it on under Settings → Payments → Refunds.\n\
         #     when: From 21 November 2026.\n\
         #     where: EU and US regions.\n\
         #     permissions: The \"Billing admin\" role.\n\
         # constraints:\n\
         #   - kind: availability    # availability | geographic | capacity | regulatory | other\n\
         #     text: Not available in Brazil yet.\n\
         ---\n\
         Notes about the release as a whole, shown on the release page.\n",
        pad = " ".repeat(28usize.saturating_sub(9 + product.len()).max(1)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_their_lines_and_stop_at_the_next_key() {
        let yaml = "title: A\naccess:\n  customers:\n    how: x # note\n\n# about constraints\nconstraints:\n- kind: other\n  text: y\n";
        assert_eq!(block(yaml, "access").unwrap(), "access:\n  customers:\n    how: x # note\n");
        assert_eq!(block(yaml, "constraints").unwrap(), "constraints:\n- kind: other\n  text: y\n");
        assert_eq!(block(yaml, "components"), None);
    }
}
