//! The group hierarchy and the rules of SPEC §3–4 that follow from it: a group receives
//! everything its ancestors receive, and inherits their value, access and hand-written
//! text when it has none of its own.

use crate::fingerprint::FastMap as HashMap;
use crate::model::{Constraint, Feature, Release, StakeholderGroup};

pub struct Hierarchy<'a> {
    groups: &'a [StakeholderGroup],
    index: HashMap<&'a str, usize>,
    /// Per group (same order as `groups`): itself, then its ancestors. Worked out once:
    /// every page of a build asks who receives what, many times over.
    chains: Vec<Vec<&'a str>>,
    /// The same chains as indexes into `groups`.
    chain_indexes: Vec<Vec<usize>>,
}

impl<'a> Hierarchy<'a> {
    pub fn new(groups: &'a [StakeholderGroup]) -> Self {
        let index: HashMap<&str, usize> = groups.iter().enumerate().map(|(i, g)| (g.id.as_str(), i)).collect();
        let chains: Vec<Vec<&str>> = groups.iter().map(|g| ancestry(groups, &index, &g.id)).collect();
        let chain_indexes = chains.iter().map(|chain| chain.iter().map(|id| index[id]).collect()).collect();
        Hierarchy { groups, index, chains, chain_indexes }
    }

    pub fn get(&self, id: &str) -> Option<&'a StakeholderGroup> {
        self.index.get(id).map(|&i| &self.groups[i])
    }

    /// The group itself, then its parent, grandparent… Stops at an unknown parent or a
    /// cycle (both are reported by validation; the rules must not loop on them).
    pub fn chain(&self, id: &'a str) -> Vec<&'a str> {
        match self.index.get(id) {
            Some(&i) => self.chains[i].clone(),
            None => vec![id],
        }
    }

    /// [`Hierarchy::chain`] without a copy: the rules below run for every page and group.
    fn ancestors<'h>(&'h self, id: &'h str) -> impl Iterator<Item = &'h str> + 'h {
        let (known, unknown) = match self.index.get(id) {
            Some(&i) => (self.chains[i].as_slice(), None),
            None => (&[][..], Some(id)),
        };
        known.iter().copied().chain(unknown)
    }

    pub fn depth(&self, id: &'a str) -> usize {
        self.ancestors(id).count() - 1
    }

    /// Does `group` receive what is sent to `targets` (itself or an ancestor named)?
    pub fn receives(&self, group: &'a str, targets: &[String]) -> bool {
        self.ancestors(group).any(|g| targets.iter().any(|t| t == g))
    }

    /// A release's groups: those its features name, plus their descendants, in portal order.
    pub fn release_groups(&self, release: &Release) -> Vec<&'a str> {
        self.release_group_indexes(release).map(|i| self.groups[i].id.as_str()).collect()
    }

    /// [`Hierarchy::release_groups`], as indexes into the groups.
    pub fn release_group_indexes(&self, release: &Release) -> impl Iterator<Item = usize> + '_ {
        // Asked for every release of every build: flags, not string comparisons.
        let mut named = vec![false; self.groups.len()];
        for id in release.features.iter().flat_map(|f| &f.groups) {
            if let Some(&i) = self.index.get(id.as_str()) {
                named[i] = true;
            }
        }
        self.chain_indexes.iter().enumerate().filter(move |(_, chain)| chain.iter().any(|&a| named[a])).map(|(i, _)| i)
    }

    pub fn feature_reaches(&self, feature: &Feature, group: &'a str) -> bool {
        self.receives(group, &feature.groups)
    }

    /// A per-group entry (value, access, hand-written text) for `group`, or its nearest
    /// ancestor's.
    pub fn inherited<'m, T>(&self, entries: &'m crate::model::GroupMap<T>, group: &'a str) -> Option<&'m T> {
        self.ancestors(group).find_map(|g| entries.get(g))
    }

    /// A constraint without `groups` applies to every group of the release.
    pub fn constraint_applies(&self, constraint: &Constraint, group: &'a str) -> bool {
        constraint.groups.as_ref().is_none_or(|targets| self.receives(group, targets))
    }

    pub fn children(&self, id: &str) -> impl Iterator<Item = &'a StakeholderGroup> + '_ {
        let id = id.to_string();
        self.groups.iter().filter(move |g| g.parent.as_deref() == Some(id.as_str()))
    }
}

/// `id`, then its parent, grandparent…, stopping at an unknown parent or a cycle.
fn ancestry<'a>(groups: &'a [StakeholderGroup], index: &HashMap<&'a str, usize>, id: &'a str) -> Vec<&'a str> {
    let mut chain = vec![id];
    let mut current = id;
    while let Some(parent) = index.get(current).and_then(|&i| groups[i].parent.as_deref()) {
        if chain.contains(&parent) || !index.contains_key(parent) {
            break;
        }
        chain.push(parent);
        current = parent;
    }
    chain
}

/// Portal order: top-level groups by `order`, then name, then id; each group's children
/// right after it, in the same order.
pub(crate) fn portal_order(mut groups: Vec<StakeholderGroup>) -> Vec<StakeholderGroup> {
    groups.sort_by(|a, b| {
        (a.order.unwrap_or(i64::MAX), &a.name, &a.id).cmp(&(b.order.unwrap_or(i64::MAX), &b.name, &b.id))
    });
    let known: std::collections::HashSet<String> = groups.iter().map(|g| g.id.clone()).collect();
    let mut placed = vec![false; groups.len()];
    let mut order = Vec::with_capacity(groups.len());
    fn place(i: usize, groups: &[StakeholderGroup], placed: &mut [bool], order: &mut Vec<usize>) {
        if placed[i] {
            return;
        }
        placed[i] = true;
        order.push(i);
        for (j, g) in groups.iter().enumerate() {
            if g.parent.as_deref() == Some(groups[i].id.as_str()) {
                place(j, groups, placed, order);
            }
        }
    }
    for i in 0..groups.len() {
        let is_root = groups[i].parent.as_ref().is_none_or(|p| !known.contains(p));
        if is_root {
            place(i, &groups, &mut placed, &mut order);
        }
    }
    // Groups in a parent cycle have no root; keep them (validation reports the cycle).
    for i in 0..groups.len() {
        place(i, &groups, &mut placed, &mut order);
    }
    let mut slots: Vec<Option<StakeholderGroup>> = groups.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{Audience, ConstraintKind};

    pub(crate) fn group(id: &str, parent: Option<&str>) -> StakeholderGroup {
        StakeholderGroup {
            id: id.into(),
            name: id.into(),
            summary: String::new(),
            audience: Audience::Public,
            parent: parent.map(Into::into),
            order: None,
            contacts: vec![],
            components: vec![],
            email: None,
            subscribe_url: None,
            chat: Vec::new(),
            template: None,
            language: None,
            body: String::new(),
            path: format!("content/stakeholders/{id}.md"),
        }
    }

    fn groups() -> Vec<StakeholderGroup> {
        portal_order(vec![
            group("sales", None),
            group("enterprise", Some("customers")),
            group("customers", None),
            group("eu-enterprise", Some("enterprise")),
        ])
    }

    #[test]
    fn portal_order_puts_children_after_parents() {
        let ids: Vec<_> = groups().into_iter().map(|g| g.id).collect();
        assert_eq!(ids, ["customers", "enterprise", "eu-enterprise", "sales"]);
    }

    #[test]
    fn chains_and_reception() {
        let gs = groups();
        let h = Hierarchy::new(&gs);
        assert_eq!(h.chain("eu-enterprise"), ["eu-enterprise", "enterprise", "customers"]);
        let cases: &[(&str, &[&str], bool)] = &[
            ("eu-enterprise", &["customers"], true),
            ("enterprise", &["eu-enterprise"], false),
            ("sales", &["customers"], false),
            ("customers", &["customers", "sales"], true),
        ];
        for (group, targets, expected) in cases {
            let targets: Vec<String> = targets.iter().map(|s| s.to_string()).collect();
            assert_eq!(h.receives(group, &targets), *expected, "{group} ← {targets:?}");
        }
    }

    #[test]
    fn nearest_entry_wins() {
        let gs = groups();
        let h = Hierarchy::new(&gs);
        let entries: crate::model::GroupMap<&str> =
            [("customers".to_string(), "parent's"), ("enterprise".to_string(), "own")].into_iter().collect();
        assert_eq!(h.inherited(&entries, "eu-enterprise"), Some(&"own"));
        assert_eq!(h.inherited(&entries, "customers"), Some(&"parent's"));
        assert_eq!(h.inherited(&entries, "sales"), None);
    }

    #[test]
    fn constraints_default_to_every_group() {
        let gs = groups();
        let h = Hierarchy::new(&gs);
        let all = Constraint { kind: ConstraintKind::Other, text: String::new(), groups: None };
        let some = Constraint { groups: Some(vec!["customers".into()]), ..all.clone() };
        assert!(h.constraint_applies(&all, "sales"));
        assert!(h.constraint_applies(&some, "enterprise"));
        assert!(!h.constraint_applies(&some, "sales"));
    }

    #[test]
    fn cycles_do_not_loop() {
        let gs = vec![group("a", Some("b")), group("b", Some("a"))];
        let gs = portal_order(gs);
        assert_eq!(gs.len(), 2);
        let h = Hierarchy::new(&gs);
        assert_eq!(h.chain("a"), ["a", "b"]);
    }
}
