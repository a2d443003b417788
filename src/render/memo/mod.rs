//! What each output file of the last build was made from, as one key per file, so that
//! the preview server's next build makes again only the files whose inputs changed: an
//! edit to one release remakes that release's pages and the lists and feeds it is on,
//! not the thousands of pages of the other releases. `build` saves its memo beside the
//! output (`saved`), so that the next build into that output does the same.
//!
//! A key hashes everything a file is made from that can change between rebuilds: the
//! releases it shows (their [`Release::fingerprint`], marker and groups) and its place
//! in a list. What every page shares (site.toml, the groups, the mode and audience, and
//! the theme's templates but for page templates no other template uses) is the memo's
//! `global` key; when it changes, nothing is reused. An edit to a page template of the
//! site's own (`release.html`, say) remakes that template's pages and the feeds that
//! carry their text.
//!
//! Two things save a rebuild from looking at every file: a release's own pages (its
//! page and its communiques) are also remembered together, so that an unchanged
//! release is one look-up, not one per page; and parts of files that many releases
//! make up (each release's events in a group's calendar) are kept as fragments.
//!
//! The HTML of every Markdown text is kept too, by the fingerprint of what it is made
//! from ([`Kept`]): it holds whatever the global key says, so a template edit that makes
//! every page again renders no text again.
//!
//! [`Release::fingerprint`]: crate::model::Release::fingerprint

mod saved;

use super::markdown::Kept;
use crate::model::{Site, StakeholderGroup};
use crate::search::Record;
use crate::select::{Mode, ShownRelease};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// By output path. A fast hash: a rebuild looks up every path of the site.
type HashMap<K, V> = crate::fingerprint::FastMap<K, V>;

#[derive(Default)]
pub(crate) struct Memo {
    global: u64,
    /// What made each file, and the file's number (for [`Round::reused`]).
    files: HashMap<String, (Made, usize)>,
    /// Numbers given so far: at least one more than the highest in `files`.
    numbers: usize,
    /// Parts of files by key (see [`Round::fragment`]).
    fragments: HashMap<u64, Arc<str>>,
    /// By release slug: what its own pages were made from, and the pages.
    releases: HashMap<String, (u64, Vec<Page>)>,
    /// Texts' HTML, by the fingerprint of what each is made from.
    texts: HashMap<u64, Arc<str>>,
    /// The search indexes the last build left to make after its pages were shown.
    search: Vec<crate::search::Deferred>,
    /// Each release's search records (see [`Round::search_records`]), valid while
    /// `records_global` holds: they do not depend on the theme's templates.
    records: HashMap<u64, Arc<[Record]>>,
    records_global: u64,
    /// A build's memo, saved beside its output, not the preview server's: the search
    /// index is made before the build ends, and neither texts' HTML, search records nor
    /// fragments are kept (a build needs them once).
    saved: bool,
}

/// One of a release's own pages.
struct Page {
    path: String,
    /// Its number in `files`.
    number: usize,
    /// Where the output's manifest had it (see [`crate::output::Staging::keep_at`]).
    slot: Option<crate::output::Slot>,
}

#[derive(Clone)]
struct Made {
    key: u64,
    /// The page's text without chrome, when a feed or an e-mail carries it.
    text: Option<Arc<str>>,
}

/// One build's use of the memo: what it may reuse, and what it made.
pub(crate) struct Round {
    previous: Memo,
    /// By file number of `previous`: reused as it was. A flag, not a new entry: a
    /// preview rebuild reuses tens of thousands of files and makes a few.
    reused: Vec<AtomicBool>,
    global: u64,
    /// Page template → a hash of the site's version of it (none: the built-in one).
    templates: HashMap<String, u64>,
    made: Mutex<HashMap<String, Made>>,
    /// The fragments this build used, made or reused: the next build's.
    fragments: Mutex<HashMap<u64, Arc<str>>>,
    /// Releases whose pages were looked at one by one: key and paths.
    releases: Mutex<Vec<(String, u64, Vec<String>)>>,
    /// Texts' HTML: the last build's, and this build's.
    texts: Arc<Kept>,
    /// See [`Round::defer_search`].
    search: Mutex<Vec<crate::search::Deferred>>,
    records_global: u64,
    /// The search records this build made or kept: the next build's.
    records: Mutex<HashMap<u64, Arc<[Record]>>>,
    saved: bool,
}

pub(crate) use crate::fingerprint::of as key;

/// What a shown release brings to any file that shows it.
pub(crate) fn release_key(shown: &ShownRelease) -> u64 {
    key((shown.release.fingerprint, shown.marker.map(|m| m as u8), GroupIds(&shown.groups)))
}

/// The ids of a release's groups, to hash without making a list of them first: keys
/// are worked out for every release of every rebuild.
pub(crate) struct GroupIds<'a>(pub &'a [&'a StakeholderGroup]);

impl Hash for GroupIds<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.0.len());
        for group in self.0 {
            group.id.hash(state);
        }
    }
}

impl Memo {
    /// A memo for a build that saves it (see [`Memo::save`]), when there is none to load.
    pub(crate) fn for_build() -> Memo {
        Memo { saved: true, ..Memo::default() }
    }

    /// The memo the last build into an output saved at `file`, if it was saved with the
    /// output's manifest as it is now (`manifest`: its length and hash) by this program.
    pub(crate) fn load(file: &Path, manifest: Option<(u64, u64)>) -> Option<Memo> {
        saved::load(file, manifest)
    }

    /// Saves this memo at `file`, for the output whose manifest it now is (see [`saved`]).
    pub(crate) fn save(&self, file: &Path, manifest: (u64, u64)) -> std::io::Result<()> {
        saved::save(self, file, manifest)
    }

    /// Removes a saved memo: the output it was saved with has changed in other ways. If
    /// that fails, the memo is void all the same: it names the manifest it was saved with.
    pub(crate) fn forget(file: &Path) {
        let _ = saved::forget(file);
    }

    /// The search indexes the last build left to make (see [`Round::defer_search`]).
    pub(crate) fn take_deferred_search(&mut self) -> Vec<crate::search::Deferred> {
        std::mem::take(&mut self.search)
    }

    /// [`Memo::take_deferred_search`], left where they are.
    pub(crate) fn deferred_search(&self) -> &[crate::search::Deferred] {
        &self.search
    }

    /// Starts a build of `site` that may reuse what the last one made, if it shared the
    /// same global inputs.
    pub(crate) fn round(mut self, root: &Path, site: &Site, mode: Mode, audience: crate::model::Audience) -> Round {
        let (shared, templates) = theme(&root.join("themes").join(&site.config.theme).join("templates"));
        // The theme's words (`i18n/`) are in every page.
        let (words, _) = theme(&root.join("themes").join(&site.config.theme).join("i18n"));
        let records_global =
            key((format!("{:?}", site.config), format!("{:?}", site.groups), format!("{mode:?} {audience:?}")));
        let global = key((records_global, (shared, words)));
        let reused = (0..self.numbers).map(|_| AtomicBool::new(false)).collect();
        let texts = Arc::new(Kept::new(std::mem::take(&mut self.texts)));
        let saved = self.saved;
        Round {
            saved,
            texts,
            previous: self,
            reused,
            global,
            templates,
            made: Mutex::new(HashMap::default()),
            fragments: Mutex::new(HashMap::default()),
            releases: Mutex::new(Vec::new()),
            search: Mutex::new(Vec::new()),
            records_global,
            records: Mutex::new(HashMap::default()),
        }
    }
}

impl Round {
    /// Whether this is the preview server's round, not a build's: the preview makes the
    /// search index after the reload, and keeps texts' HTML and search records.
    pub(crate) fn preview(&self) -> bool {
        !self.saved
    }

    /// `key` with the site's version of `template`, the one the file is made with or
    /// whose text it carries ("" for none).
    pub(crate) fn with_template(&self, template: &str, key: u64) -> u64 {
        match self.templates.get(template) {
            Some(version) => self::key((key, version)),
            None => key,
        }
    }

    /// What the next build may reuse, once this one's output is committed. The map is
    /// updated in place: a preview rebuild changes a few of its tens of thousands of
    /// entries, and building it anew would cost more than the rest of the bookkeeping.
    pub(crate) fn finish(self, manifest: &crate::output::Manifest) -> Memo {
        let made = self.made.into_inner().expect("memo lock");
        let remade = made.len();
        let reused = self.reused;
        let fragments = self.fragments.into_inner().expect("memo lock");
        let texts = take_texts(self.texts);
        crate::profile::note(|| {
            let bytes: usize = texts.values().map(|html| html.len()).sum();
            format!("{} texts' HTML kept, {:.1} MiB", texts.len(), bytes as f64 / f64::from(1 << 20))
        });
        let Memo { mut files, mut numbers, mut releases, .. } = self.previous;
        files.retain(|_, (_, n)| reused[*n].load(Ordering::Relaxed));
        for (file, made) in made {
            match files.get_mut(&file) {
                Some(entry) => entry.0 = made,
                None => {
                    files.insert(file, (made, numbers));
                    numbers += 1;
                }
            }
        }
        // Numbers of dropped files are not given again; renumber before they add up.
        let renumber = numbers > 2 * files.len() + 1024;
        if renumber {
            for (n, (_, number)) in files.values_mut().enumerate() {
                *number = n;
            }
            numbers = files.len();
        }
        // A release's record holds while all its pages do: reused together, or looked
        // at one by one and recorded again. Renumbered files void the records (the next
        // build looks at those pages one by one, and records them again).
        releases.retain(|_, (_, pages)| !renumber && pages.iter().all(|p| reused[p.number].load(Ordering::Relaxed)));
        let page = |path: String| {
            let number = files.get(&path)?.1;
            Some(Page { slot: manifest.slot(&path), number, path })
        };
        for (slug, key, paths) in self.releases.into_inner().expect("memo lock") {
            match paths.into_iter().map(page).collect::<Option<Vec<_>>>() {
                Some(pages) => releases.insert(slug, (key, pages)),
                None => releases.remove(&slug),
            };
        }
        crate::profile::note(|| format!("{remade} of {} files made again", files.len()));
        let search = self.search.into_inner().expect("memo lock");
        let records = self.records.into_inner().expect("memo lock");
        let records_global = self.records_global;
        let saved = self.saved;
        Memo { global: self.global, files, numbers, fragments, releases, texts, search, records, records_global, saved }
    }

    /// The memo as it was, when this build failed and its output was thrown away (with
    /// the texts this build rendered: they hold whatever becomes of the build).
    pub(crate) fn abandon(self) -> Memo {
        Memo { texts: take_texts(self.texts), ..self.previous }
    }

    /// Leaves a search index to be made once this build's pages are shown (see
    /// `build::finish_deferred`).
    pub(crate) fn defer_search(&self, index: crate::search::Deferred) {
        self.search.lock().expect("memo lock").push(index);
    }

    /// The search records the last build made under `key` (a release's, in a language),
    /// or new ones from `make`: the preview indexes a changed shard again from the
    /// records of its unchanged releases and the edited one's.
    pub(crate) fn search_records(&self, key: u64, make: impl FnOnce() -> Vec<Record>) -> Arc<[Record]> {
        let kept = self.kept_records().get(&key).cloned();
        let records = kept.unwrap_or_else(|| make().into());
        self.records.lock().expect("memo lock").insert(key, Arc::clone(&records));
        records
    }

    /// Keeps for the next build the search records of `keys` that the last build made
    /// (their shard was kept as it was, so this build did not need them).
    pub(crate) fn keep_search_records(&self, keys: impl Iterator<Item = u64>) {
        let previous = self.kept_records();
        let kept: Vec<(u64, Arc<[Record]>)> =
            keys.filter_map(|key| previous.get(&key).map(|records| (key, Arc::clone(records)))).collect();
        self.records.lock().expect("memo lock").extend(kept);
    }

    /// The last build's search records, if they hold for this one.
    fn kept_records(&self) -> &HashMap<u64, Arc<[Record]>> {
        static NONE: std::sync::OnceLock<HashMap<u64, Arc<[Record]>>> = std::sync::OnceLock::new();
        if self.records_global == self.previous.records_global {
            &self.previous.records
        } else {
            NONE.get_or_init(HashMap::default)
        }
    }

    /// Where this build's Markdown takes its texts' HTML from, and leaves it.
    pub(crate) fn texts(&self) -> Arc<Kept> {
        Arc::clone(&self.texts)
    }

    /// The text the last build captured for `file`, if it made `file` from the same
    /// inputs; `Some(None)` when it captured none and `need_text` is false.
    pub(crate) fn reusable(&self, file: &str, key: u64, need_text: bool) -> Option<Option<String>> {
        if self.global != self.previous.global {
            return None;
        }
        let (made, n) = self.previous.files.get(file).filter(|(m, _)| m.key == key)?;
        if need_text && made.text.is_none() {
            return None;
        }
        self.reused[*n].store(true, Ordering::Relaxed);
        Some(made.text.as_deref().map(str::to_string))
    }

    /// The paths of release `slug`'s own pages, with their slots in the output's
    /// manifest, if the last build made them all from `key` and this build may reuse
    /// them; they are then counted as reused.
    pub(crate) fn reusable_pages(
        &self,
        slug: &str,
        key: u64,
    ) -> Option<impl Iterator<Item = (&str, Option<crate::output::Slot>)>> {
        if self.global != self.previous.global {
            return None;
        }
        let (_, pages) = self.previous.releases.get(slug).filter(|(k, _)| *k == key)?;
        Some(pages.iter().map(|page| {
            self.reused[page.number].store(true, Ordering::Relaxed);
            (page.path.as_str(), page.slot)
        }))
    }

    /// Release `slug`'s own pages, made or reused one by one from `key`.
    pub(crate) fn record_pages(&self, slug: &str, key: u64, files: Vec<String>) {
        self.releases.lock().expect("memo lock").push((slug.to_string(), key, files));
    }

    /// The fragment the last build made under `key` (when it shared this one's global
    /// inputs), or a new one from `make`.
    pub(crate) fn fragment(&self, key: u64, make: impl FnOnce() -> String) -> Arc<str> {
        if self.saved {
            // A build's memo keeps none: a file made again after an edit (the calendars
            // of the edited release's groups) costs less to make whole than its parts
            // would cost every build to save and load.
            return make().into();
        }
        let kept = self.previous.fragments.get(&key).filter(|_| self.global == self.previous.global);
        let fragment = kept.cloned().unwrap_or_else(|| make().into());
        self.fragments.lock().expect("memo lock").insert(key, Arc::clone(&fragment));
        fragment
    }

    pub(crate) fn record(&self, file: &str, key: u64, text: Option<&String>) {
        let text = text.map(|t| t.as_str().into());
        self.made.lock().expect("memo lock").insert(file.to_string(), Made { key, text });
    }
}

/// What the next build may use of a build's texts. The build's views, which share
/// them, are gone by now; were they not, the next build would render its texts afresh.
fn take_texts(texts: Arc<Kept>) -> HashMap<u64, Arc<str>> {
    Arc::try_unwrap(texts).map(Kept::finish).unwrap_or_default()
}

/// The site's own templates: a hash of those any page may use (`base.html`, partials,
/// and page templates that another template names), and one per page template that
/// only its own pages use.
fn theme(templates: &Path) -> (u64, HashMap<String, u64>) {
    let files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(templates)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let name = crate::content::relative(templates, entry.path());
            (name, std::fs::read(entry.path()).unwrap_or_default())
        })
        .collect();
    let named_elsewhere = |name: &str| {
        files.iter().any(|(other, text)| other != name && text.windows(name.len()).any(|w| w == name.as_bytes()))
    };
    let mut shared = std::hash::DefaultHasher::new();
    let mut own = HashMap::default();
    for (name, text) in &files {
        let page = super::templates::BUILT_IN.iter().any(|(n, _)| n == name) && name != "base.html";
        if page && !named_elsewhere(name) {
            own.insert(name.clone(), key(text));
        } else {
            (name, text).hash(&mut shared);
        }
    }
    (shared.finish(), own)
}
