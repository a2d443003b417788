//! Release cards: a release in a list (the releases, a product's, the home page's
//! timeline), with its labels and its groups' communiques, without its full text.

use super::*;

/// A release in a list: what a card needs, without the release's full text.
#[derive(Serialize)]
pub(crate) struct ReleaseCard<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub product: &'a str,
    pub version: &'a str,
    pub status: &'static str,
    pub marker: Option<Marker>,
    pub url: String,
    pub deployed_at: DateView,
    pub publish_at: DateView,
    pub summary: &'a str,
    pub summary_html: String,
    /// The labels of the features this build shows: "Breaking" first, then each kind.
    pub labels: Vec<Label>,
    pub communiques: Vec<CommuniqueRef<'a>>,
}

impl<'s, 'a> Views<'s, 'a> {
    /// The labels of a release as this build shows it: of the features that reach one of
    /// its shown groups (a breaking change for internal groups only is not public).
    pub(crate) fn release_labels(&self, shown: &ShownRelease<'a>) -> Vec<Label> {
        Label::of_features(
            shown.release.features.iter().filter(|f| shown.groups.iter().any(|g| self.h().feature_reaches(f, &g.id))),
        )
    }

    pub(crate) fn release_card(&self, shown: &ShownRelease<'a>) -> ReleaseCard<'a> {
        let r = shown.release;
        ReleaseCard {
            slug: &r.slug,
            title: &r.title,
            product: &r.product,
            version: &r.version,
            status: r.status.as_str(),
            marker: shown.marker,
            url: urls::release_url(&self.config.base_url, &r.slug),
            deployed_at: date_view(r.deployed_at, self.config),
            publish_at: date_view(r.publish_at, self.config),
            summary: &r.summary,
            summary_html: self.texts.release(r).summary.clone(),
            labels: self.release_labels(shown),
            communiques: shown.groups.iter().map(|g| self.communique_ref(shown, g)).collect(),
        }
    }
}

/// How many releases the home page's timeline shows.
pub(crate) const HOME_RELEASES: usize = 10;

impl<'s, 'a> Views<'s, 'a> {
    /// The home page's timeline: the newest releases, each once, with its groups' communiques
    /// (a list of communiques would repeat a release once per group).
    pub(crate) fn home_releases<'x>(
        &self,
        newest: impl IntoIterator<Item = &'x ShownRelease<'a>>,
    ) -> Vec<ReleaseCard<'a>>
    where
        'a: 'x,
    {
        newest.into_iter().take(HOME_RELEASES).map(|s| self.release_card(s)).collect()
    }
}
