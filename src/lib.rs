//! communique: a static-site generator for release communications. Release plans and
//! stakeholder groups written as Markdown + YAML become a portal with one page and one
//! feed per stakeholder group.
//!
//! The pipeline reads in one direction: `content` (files → [`model::Site`]) →
//! [`select`] (what a build shows) → [`render`] (pages, feeds) → [`output`] (the one writer).

pub mod build;
pub mod cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod content;
pub mod diagnostics;
pub mod fingerprint;
#[doc(hidden)]
pub mod fuzz;
pub mod hierarchy;
pub mod lint;
pub mod model;
pub mod notify;
pub mod output;
pub mod profile;
pub mod progress;
pub mod render;
pub mod review;
pub mod scaffold;
pub mod select;
pub mod serve;
pub mod slug;
pub mod urls;
