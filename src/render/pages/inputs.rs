//! What each output file of a build is made from: one value per file, hashed for the
//! preview's memo (see [`super`]). Parts that every page shares (the site's settings and
//! groups, the templates) are not in them: the memo's global key covers those.

use super::super::feeds::Entry;
use super::super::Renderer;
use crate::model::StakeholderGroup;
use crate::select::ShownRelease;
use minijinja::Value;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

/// A shown release as (part of) a page's input, hashed as its [`release_key`]: the
/// fingerprint of its files, its marker and its groups, which is all a view reads of it.
#[derive(Clone, Copy)]
pub(super) struct Shown<'s, 'a> {
    pub(super) shown: &'s ShownRelease<'a>,
    /// Its [`release_key`], worked out once per build.
    pub(super) key: u64,
}

impl Hash for Shown<'_, '_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.key);
    }
}

/// One of the build's groups as (part of) an input. What the groups say is shared by
/// every page (the memo's global key covers it), so which group it is is its id.
#[derive(Clone, Copy)]
pub(super) struct Group<'a>(pub(super) &'a StakeholderGroup);

impl Hash for Group<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.id.hash(state);
    }
}

/// What the rest of an input makes, made once for all the files made from that input
/// (a release's view, for its page and its communiques): not an input itself, so it adds
/// nothing to the hash. Only the `fn`s that make files fill it, from their input.
pub(super) struct Shared<'x, T>(pub(super) &'x OnceLock<T>);

impl<T> Clone for Shared<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Shared<'_, T> {}

impl<T> Hash for Shared<'_, T> {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

/// A group as the pages that show its view receive it.
#[derive(Hash, Clone, Copy)]
pub(super) struct GroupInput<'x, 'a> {
    pub(super) group: Group<'a>,
    pub(super) communique_count: usize,
    pub(super) view: Shared<'x, Value>,
}

impl<'a> GroupInput<'_, 'a> {
    pub(super) fn view(&self, r: &Renderer<'_, 'a>) -> Value {
        let GroupInput { group, communique_count, view } = self;
        view.0.get_or_init(|| Value::from_serialize(r.views.group(group.0, *communique_count))).clone()
    }
}

/// A release as its page and its communiques receive it.
#[derive(Hash, Clone, Copy)]
pub(super) struct ReleaseInput<'x, 's, 'a> {
    pub(super) shown: Shown<'s, 'a>,
    pub(super) view: Shared<'x, Value>,
}

impl<'a> ReleaseInput<'_, '_, 'a> {
    pub(super) fn view(&self, r: &Renderer<'_, 'a>) -> Value {
        self.view.0.get_or_init(|| Value::from_serialize(r.views.release(self.shown.shown))).clone()
    }
}

/// A release's own pages: its page and a communique per group. One look-up of their
/// hash tells a rebuild whether all of them are as the last build made them.
#[derive(Hash)]
pub(super) struct ReleasePages<'x, 's, 'a> {
    pub(super) release: ReleaseInput<'x, 's, 'a>,
    pub(super) groups: Vec<GroupInput<'x, 'a>>,
}

#[derive(Hash)]
pub(super) struct CommuniquePage<'x, 's, 'a> {
    pub(super) release: ReleaseInput<'x, 's, 'a>,
    pub(super) group: GroupInput<'x, 'a>,
}

/// A page of a group's list of communiques.
#[derive(Hash)]
pub(super) struct GroupPage<'x, 's, 'a> {
    pub(super) group: GroupInput<'x, 'a>,
    pub(super) communiques: Vec<Shown<'s, 'a>>,
    pub(super) number: usize,
    pub(super) pages: usize,
    /// On the first page: every release of the group and the build's "now", from which
    /// its upcoming deadlines are listed.
    pub(super) deadlines: Option<(Vec<Shown<'s, 'a>>, jiff::Timestamp)>,
}

/// The text of a page that a feed carries. It is what the page's input makes with the
/// page's template, and both are in the feed's key (the input beside the text in the
/// feed's input, the site's version of the template in [`Renderer::once`]'s key), so
/// the text adds nothing to the hash: feeds carry megabytes of it, hashed at every
/// rebuild otherwise.
#[derive(Clone, Copy)]
pub(super) struct PageText<'x>(pub(super) Option<&'x String>);

impl Hash for PageText<'_> {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

/// One of a group's feeds: its newest communiques, with the text of each one's page
/// (made from the release and the group as this input has them).
#[derive(Hash)]
pub(super) struct GroupFeed<'x, 's, 'a> {
    pub(super) group: GroupInput<'x, 'a>,
    pub(super) file: &'static str,
    pub(super) newest: &'x [(Shown<'s, 'a>, PageText<'x>)],
    /// The entries, the same in every format.
    pub(super) entries: Shared<'x, Vec<Entry>>,
}

/// A group's calendar: every release of the group, each release's events kept on their
/// own ([`ReleaseEvents`]).
#[derive(Hash)]
pub(super) struct GroupCalendar<'s, 'a> {
    pub(super) group: Group<'a>,
    pub(super) releases: Vec<Shown<'s, 'a>>,
}

#[derive(Hash)]
pub(super) struct ReleaseEvents<'s, 'a> {
    pub(super) group: Group<'a>,
    pub(super) release: Shown<'s, 'a>,
}

/// A product as its pages and the product list show it.
#[derive(Hash)]
pub(super) struct ProductInput<'s, 'a> {
    pub(super) name: &'a str,
    pub(super) release_count: usize,
    pub(super) latest: Option<Shown<'s, 'a>>,
}

/// A page of a product's list of releases.
#[derive(Hash)]
pub(super) struct ProductPage<'x, 's, 'a> {
    pub(super) product: &'x ProductInput<'s, 'a>,
    pub(super) releases: Vec<Shown<'s, 'a>>,
    pub(super) number: usize,
    pub(super) pages: usize,
}

/// A feed of releases (a product's, or the site's): the newest, with the text of each
/// one's page.
#[derive(Hash)]
pub(super) struct ReleaseFeed<'x, 's, 'a> {
    /// The product's name; none for the site's feed.
    pub(super) product: Option<&'a str>,
    pub(super) newest: Vec<(Shown<'s, 'a>, PageText<'x>)>,
}

/// A page of the list of every release.
#[derive(Hash)]
pub(super) struct ReleasesPage<'s, 'a> {
    pub(super) releases: Vec<Shown<'s, 'a>>,
    pub(super) number: usize,
    pub(super) pages: usize,
}

/// The home page: the groups, and the newest releases (ten, for the newest ten
/// communiques of at most ten releases).
#[derive(Hash)]
pub(super) struct HomePage<'x, 's, 'a> {
    pub(super) groups: &'x [GroupInput<'x, 'a>],
    pub(super) releases: Vec<Shown<'s, 'a>>,
}

/// The sitemap, or one of its parts: every indexable page with its date, the same in
/// each part.
#[derive(Hash)]
pub(super) struct Sitemap<'x> {
    pub(super) name: &'x str,
    pub(super) pages: &'x [(String, Option<jiff::Timestamp>)],
    pub(super) limit: usize,
    pub(super) files: Shared<'x, Vec<(String, String)>>,
}
