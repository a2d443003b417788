//! The preview's search indexer. A rebuild shows its pages first and leaves the search
//! index's changed shards to make (`build::finish_deferred`); on a large site the first
//! index takes seconds. The indexer makes those shards on threads of its own, without
//! holding the session, so that an edit saved meanwhile is rebuilt at once instead of
//! waiting for the index, and commits them once no newer rebuild has begun. A shard
//! made before an edit is kept by its key ([`Made`]): the edit's rebuild leaves the same
//! shards to make, and only the edited one is made again.

use super::{lock, rebuild, Shared};
use crate::search::Made;
use std::collections::HashSet;
use std::sync::{Condvar, Mutex};

#[derive(Default)]
pub(crate) struct Indexer {
    /// The last rebuild whose shards are to be made; 0 when none is waiting.
    waiting: Mutex<u64>,
    woken: Condvar,
    made: Made,
}

impl Indexer {
    /// A rebuild (its number) has left shards to make, or may have.
    pub(super) fn after(&self, rebuild: u64) {
        *lock(&self.waiting) = rebuild;
        self.woken.notify_one();
    }

    /// Makes each rebuild's shards as it is told of them: the preview's indexing thread.
    pub(super) fn run(shared: &Shared) {
        // Its own threads: shards take tenths of a second each, and a rebuild's work
        // queued behind them on the global pool would wait for all of them. One core
        // fewer than there are, so that an edit saved while it works has one to itself.
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(cores.saturating_sub(1).max(1))
            .thread_name(|i| format!("search index {i}"))
            .build()
            .ok();
        loop {
            let rebuild = {
                let mut waiting = lock(&shared.indexer.waiting);
                while *waiting == 0 {
                    waiting = shared.indexer.woken.wait(waiting).unwrap_or_else(std::sync::PoisonError::into_inner);
                }
                std::mem::take(&mut *waiting)
            };
            shared.indexer.index(shared, rebuild, pool.as_ref());
        }
    }

    /// Makes the shards `rebuild` left, then commits them if no rebuild began since (one
    /// that did tells the indexer again, with its own list).
    fn index(&self, shared: &Shared, rebuild: u64, pool: Option<&rayon::ThreadPool>) {
        let shards = {
            let session = lock(&shared.session);
            if shared.first.latest() != rebuild {
                return;
            }
            crate::build::deferred_shards(&session)
        };
        self.made.keep_only(&shards.iter().map(|(_, shard)| shard.key.as_str()).collect::<HashSet<_>>());
        let make = || {
            use rayon::prelude::*;
            shards.par_iter().for_each(|(language, shard)| {
                // A rebuild has begun: it leaves its own list. Stop; what is made is kept.
                if shared.first.latest() == rebuild {
                    self.made.make(language, shard);
                }
            });
        };
        // A panic is the commit's to report: it makes what is missing, and catches it.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match pool {
            Some(pool) => pool.install(make),
            None => make(),
        }));
        let mut session = lock(&shared.session);
        if shared.first.latest() != rebuild {
            return;
        }
        rebuild::finish_deferred(shared, &mut session, rebuild, &self.made);
        drop(session);
        self.made.keep_only(&HashSet::new());
    }
}

#[cfg(test)]
mod tests {
    use super::super::{read, rebuild::rebuild_pages};
    use super::*;
    use crate::build::{self, Request};
    use crate::model::Audience;
    use std::path::{Path, PathBuf};

    /// The repository's sample site, copied, with a shard for each release.
    fn sample_site(into: &Path) -> PathBuf {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = into.join("site");
        for entry in walkdir::WalkDir::new(root.join("content")).into_iter().map(Result::unwrap) {
            let to = site.join(entry.path().strip_prefix(root).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        let config = std::fs::read_to_string(root.join("site.toml")).unwrap();
        std::fs::write(site.join("site.toml"), format!("{config}\n[search]\nreleases_per_shard = 1\n")).unwrap();
        site
    }

    /// What `dir` holds under `search/`, by path.
    fn search_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        // None before the first index is committed.
        let mut files: Vec<_> = walkdir::WalkDir::new(dir.join("search"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
            .collect();
        files.sort();
        files
    }

    /// The index a full build of `site` writes, as the preview's rebuilds make it.
    fn full_index(shared: &Shared, into: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let out = into.join("full");
        build::build(&Request {
            root: &shared.root,
            output: Some(out.clone()),
            base_url: Some(shared.base_url.clone()),
            mode: crate::select::Mode::Preview,
            audience: shared.audience,
            now: crate::clock::now(None).unwrap(),
            emails: None,
            keep_sources: true,
        })
        .unwrap();
        search_files(&out)
    }

    fn preview(dir: &Path) -> Shared {
        let site = sample_site(dir);
        let out = dir.join("out");
        std::fs::create_dir_all(&out).unwrap();
        Shared::new(site, out.canonicalize().unwrap(), "http://127.0.0.1:1111/".into(), Audience::Public)
    }

    const EDITED: &str = "content/releases/payouts-3-0.md";

    fn edit(shared: &Shared, from: &str, to: &str) {
        let path = shared.root.join(EDITED);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    /// An edit saved while the indexer makes the first index is rebuilt at once; the
    /// index of the first rebuild is then not committed (it no longer matches the pages),
    /// and the edit's is, made from the shards made before it, as a full build makes it.
    #[test]
    fn an_edit_during_indexing_makes_the_first_list_stale_and_its_own_is_committed() {
        let dir = tempfile::tempdir().unwrap();
        let shared = preview(dir.path());
        let first = rebuild_pages(&shared, "start", &[]);
        let shards = build::deferred_shards(&lock(&shared.session));
        assert!(shards.len() > 1, "a shard per release");
        for (language, shard) in &shards {
            shared.indexer.made.make(language, shard);
        }
        edit(&shared, "title:", "title: Wombat");
        let second = rebuild_pages(&shared, EDITED, &[EDITED.to_string()]);
        assert!(read(&shared.errors).is_empty(), "{:?}", read(&shared.errors));

        shared.indexer.index(&shared, first, None);
        assert_eq!(search_files(&shared.site_dir), [], "the first rebuild's index is not committed");
        // Only the edited release's shard has a new key: the others are made already.
        let again = build::deferred_shards(&lock(&shared.session));
        let new: Vec<_> = again.iter().filter(|(_, s)| !shared.indexer.made.holds(&s.key)).collect();
        assert_eq!(new.len(), 1, "{} of {} shards to make again", new.len(), again.len());

        shared.indexer.index(&shared, second, None);
        let index = search_files(&shared.site_dir);
        assert!(index.iter().any(|(path, _)| path.ends_with("bundles.json")));
        assert_eq!(index, full_index(&shared, dir.path()), "the edit's index, as a full build writes it");
        assert!(build::deferred_shards(&lock(&shared.session)).is_empty(), "nothing is left to make");
    }

    /// A rebuild that fails leaves the pages of the last good one, and so its list: the
    /// indexer commits that.
    #[test]
    fn a_failed_rebuild_during_indexing_leaves_the_last_good_list_to_commit() {
        let dir = tempfile::tempdir().unwrap();
        let shared = preview(dir.path());
        let first = rebuild_pages(&shared, "start", &[]);
        let good = full_index(&shared, dir.path());
        edit(&shared, "title:", "title: [unclosed");
        let second = rebuild_pages(&shared, EDITED, &[EDITED.to_string()]);
        assert!(!read(&shared.errors).is_empty(), "the edit does not build");
        shared.indexer.index(&shared, first, None);
        assert_eq!(search_files(&shared.site_dir), [], "a rebuild began since");
        shared.indexer.index(&shared, second, None);
        assert_eq!(search_files(&shared.site_dir), good, "the last good build's index");
    }
}
