//! What an approval covers: every text a release's communiques are made of, group by
//! group (SPEC §12), and the fingerprint `communique approve` records of them.
//!
//! The texts are taken from the parsed release, never from its file, so that re-indenting
//! or re-quoting the YAML leaves the fingerprint as it was, and a change to any text
//! reaching a group changes that group's part of it. A new text in the communique is one
//! line in [`communique_texts`].

use crate::hierarchy::Hierarchy;
use crate::model::Release;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The version of the fingerprint's form, written first: a later form can tell an older
/// record from a changed text.
const FORM: &str = "v1";

/// Hex digits kept of each group's hash: enough to notice any edit, short enough to keep
/// the front-matter line readable.
const DIGITS: usize = 16;

/// The texts of the communique of `release` for `group`, each under a name that says
/// what it is, in the order a reader meets them (SPEC §6). Per-group entries (value,
/// access, hand-written page) inherit from ancestors, as on the page.
pub(crate) fn communique_texts<'m>(
    h: &Hierarchy<'_>,
    release: &'m Release,
    group: &str,
) -> Vec<(&'static str, &'m str)> {
    let Some(group) = h.get(group).map(|g| g.id.as_str()) else {
        return Vec::new();
    };
    let page = h.inherited(&release.handwritten, group);
    let mut texts = vec![
        ("title", release.title.as_str()),
        ("product", release.product.as_str()),
        ("version", release.version.as_str()),
        ("summary", release.summary.as_str()),
    ];
    if let Some(page) = page {
        texts.extend(page.title.as_deref().map(|t| ("page.title", t)));
        texts.extend(page.summary.as_deref().map(|s| ("page.summary", s)));
    }
    // Release-wide texts go here, one line each: what the group must do comes first.
    for action in release.actions.iter().filter(|a| a.groups.as_ref().is_none_or(|t| h.receives(group, t))) {
        texts.push(("action.text", &action.text));
    }
    for feature in release.features.iter().filter(|f| h.feature_reaches(f, group)) {
        // Likewise a feature's: its kind and whether it is breaking are words the reader sees.
        texts.push(("feature.kind", feature.kind.as_str()));
        texts.push(("feature.breaking", if feature.breaking { "breaking" } else { "" }));
        texts.push(("feature.id", &feature.id));
        texts.push(("feature.title", &feature.title));
        texts.push(("feature.summary", &feature.summary));
        texts.extend(h.inherited(&feature.value, group).map(|v| ("feature.value", v.as_str())));
    }
    if let Some(access) = h.inherited(&release.access, group) {
        for (name, text) in [
            ("access.how", &access.how),
            ("access.when", &access.when),
            ("access.where", &access.r#where),
            ("access.permissions", &access.permissions),
        ] {
            texts.extend(text.as_deref().map(|t| (name, t)));
        }
    }
    for constraint in release.constraints.iter().filter(|c| h.constraint_applies(c, group)) {
        texts.push(("constraint.kind", constraint.kind.as_str()));
        texts.push(("constraint.text", &constraint.text));
    }
    for window in release.windows.iter().filter(|w| w.groups.as_ref().is_none_or(|t| h.receives(group, t))) {
        texts.push(("window.title", &window.title));
    }
    texts.extend(page.map(|p| ("page.body", p.body.as_str())));
    texts
}

/// The site's translations, by language (SPEC §13).
pub(crate) type Translations = BTreeMap<String, crate::model::Translated>;

/// Each group the release reaches → the hash of its communique's texts, and of the dates
/// it announces (moving the publication or a window is a change the approver must see).
/// The texts of each translation of the release follow, language by language, so that
/// editing a translation after the approval makes it stale too; a release without
/// translations hashes as it always has.
pub(crate) fn group_hashes(
    h: &Hierarchy<'_>,
    release: &Release,
    translations: &Translations,
) -> BTreeMap<String, String> {
    let translated: Vec<(&str, &Release)> = translations
        .iter()
        .filter_map(|(lang, t)| t.releases.get(&release.slug).map(|r| (lang.as_str(), r.as_ref())))
        .collect();
    h.release_groups(release)
        .into_iter()
        .map(|group| {
            let mut dates = vec![release.deployed_at.to_string(), release.publish_at.to_string()];
            let windows = release.windows.iter().filter(|w| w.groups.as_ref().is_none_or(|t| h.receives(group, t)));
            dates.extend(windows.map(|w| format!("{} {} {:?}", w.start, w.end, w.kind)));
            let actions = release.actions.iter().filter(|a| a.groups.as_ref().is_none_or(|t| h.receives(group, t)));
            dates.extend(actions.map(|a| a.due.map(|d| d.to_string()).unwrap_or_default()));
            let texts = communique_texts(h, release, group);
            let mut all: Vec<(&str, &str)> =
                texts.into_iter().chain(dates.iter().map(|d| ("date", d.as_str()))).collect();
            for (lang, translation) in &translated {
                all.push(("language", lang));
                all.extend(communique_texts(h, translation, group));
            }
            let mut hasher = Sha256::new();
            for (name, text) in all {
                // Length-prefixed, so that no two lists of texts hash alike.
                for part in [name.as_bytes(), text.trim().as_bytes()] {
                    hasher.update((part.len() as u64).to_le_bytes());
                    hasher.update(part);
                }
            }
            let hex: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
            (group.to_string(), hex[..DIGITS].to_string())
        })
        .collect()
}

/// The fingerprint as written in `approved_fingerprint`: `v1 customers=… support=…`.
pub(crate) fn fingerprint(h: &Hierarchy<'_>, release: &Release, translations: &Translations) -> String {
    write(&group_hashes(h, release, translations))
}

pub(crate) fn write(hashes: &BTreeMap<String, String>) -> String {
    let mut text = FORM.to_string();
    for (group, hash) in hashes {
        text.push_str(&format!(" {group}={hash}"));
    }
    text
}

/// A recorded fingerprint back into its parts; None when it is not one `approve` wrote.
pub(crate) fn read(text: &str) -> Option<BTreeMap<String, String>> {
    let mut parts = text.split_whitespace();
    if parts.next()? != FORM {
        return None;
    }
    parts
        .map(|part| {
            let (group, hash) = part.split_once('=')?;
            let valid =
                crate::slug::is_valid_id(group) && hash.len() == DIGITS && hash.bytes().all(|b| b.is_ascii_hexdigit());
            valid.then(|| (group.to_string(), hash.to_string()))
        })
        .collect()
}

/// The groups whose texts differ between a recorded fingerprint and the current one:
/// changed, newly reached, or no longer reached.
pub(crate) fn changed_groups(recorded: &BTreeMap<String, String>, current: &BTreeMap<String, String>) -> Vec<String> {
    let mut groups: Vec<String> =
        recorded.keys().chain(current.keys()).filter(|g| recorded.get(*g) != current.get(*g)).cloned().collect();
    groups.sort();
    groups.dedup();
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_reads_back() {
        let hashes: BTreeMap<String, String> =
            [("customers".to_string(), "0123456789abcdef".to_string()), ("support".into(), "fedcba9876543210".into())]
                .into();
        assert_eq!(read(&write(&hashes)), Some(hashes));
        assert_eq!(read("v1"), Some(BTreeMap::new()));
        for bad in ["", "v2 a=0123456789abcdef", "v1 a=123", "v1 A=0123456789abcdef", "v1 a:0123456789abcdef"] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }

    #[test]
    fn changed_groups_are_changed_new_and_gone() {
        let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
        };
        let recorded = map(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let current = map(&[("a", "1"), ("b", "9"), ("d", "4")]);
        assert_eq!(changed_groups(&recorded, &current), ["b", "c", "d"]);
        assert!(changed_groups(&recorded, &recorded).is_empty());
    }
}
