//! The deployment manager's consolidated view (SPEC §7, `communique review`): every
//! release × group with its status, publish date, size, reading ease and warnings, and
//! the distribution plan (`--plan`): per group, what goes out when and through which
//! channels. Both are pure functions of the site and "now"; the renderers turn them into
//! text for a terminal, Markdown for a wiki or a pull request, or JSON for scripts. The
//! preview server's `/_review/` page renders the same [`Review`] with `review.html`.
//!
//! Unlike a build, the review shows everything: every status, every group, internal
//! ones included.
//!
//! The model ([`model`]) is computed by [`view`] (with [`audience`] narrowing the site
//! for a public preview, and [`warnings`] deciding which lint warnings concern which
//! communique), reading ease by [`readability`], the distribution plan by [`plan`]; the
//! renderers are [`text`] (with [`layout`] for aligned columns), [`markdown`] and
//! [`json`], sharing the cells and lines of [`summary`].

mod audience;
mod json;
mod layout;
mod markdown;
mod model;
mod plan;
mod readability;
mod summary;
mod text;
mod view;
mod warnings;

pub(crate) use json::to_json;
pub(crate) use markdown::{plan_to_markdown, to_markdown};
pub(crate) use plan::plan;
pub(crate) use text::{plan_to_text, to_text};
pub(crate) use view::{review, review_for};
