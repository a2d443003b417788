//! Rebuilding the preview: once at start, then after every burst of changes the watcher
//! sees. A rebuild that fails keeps the last good build and records the errors; one that
//! panics (a bug of communique's, not the author's) is caught and reported the same way,
//! so that the server goes on serving and the next edit is built afresh.

use super::watch::SiteWatcher;
use super::{lock, read, write, LastGood, Shared};
use crate::build::{self, Built, Request, Session};
use crate::diagnostics::{Diagnostic, Pos};
use crate::search::Made;
use crate::select::Mode;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Builds the preview; on failure keeps the last good build and records the errors.
/// `changed`: the files (site-relative) the watcher saw change, read again whatever
/// their timestamps say.
pub(super) fn rebuild(shared: &Shared, reason: &str, changed: &[String]) {
    let rebuild = rebuild_pages(shared, reason, changed);
    shared.indexer.after(rebuild);
}

/// [`rebuild`] but for what the build leaves to make once its pages are shown (the
/// search index, which the indexer makes: see [`finish_deferred`]); returns the
/// rebuild's number, for that.
pub(super) fn rebuild_pages(shared: &Shared, reason: &str, changed: &[String]) -> u64 {
    rebuild_with(shared, reason, changed, build::rebuild_before_search)
}

/// [`rebuild`] with the build given, so that a test can make it panic.
fn rebuild_with(
    shared: &Shared,
    reason: &str,
    changed: &[String],
    build: impl FnOnce(&Request, &mut Session) -> Result<Built, Vec<Diagnostic>>,
) -> u64 {
    let started = Instant::now();
    let now = crate::clock::now(None).unwrap_or_else(|_| jiff::Timestamp::now());
    let request = Request {
        root: &shared.root,
        output: Some(shared.site_dir.clone()),
        base_url: Some(shared.base_url.clone()),
        mode: Mode::Preview,
        audience: shared.audience,
        now,
        emails: None,
        keep_sources: true,
    };
    let (rebuild, rebuilt) = {
        let mut session = lock(&shared.session);
        let rebuild = shared.first.begin();
        // Held across the build: it writes changed files over the old ones.
        let writing = write(&shared.output);
        session.first = Some(pages_first(shared, rebuild));
        let caught = std::panic::catch_unwind(AssertUnwindSafe(|| {
            for rel in changed {
                session.files.changed(&shared.root, rel);
            }
            build(&request, &mut session)
        }));
        shared.first.finish(writing);
        let rebuilt = caught.unwrap_or_else(|payload| {
            // What the session kept may be half-updated: the next rebuild starts afresh.
            // The output itself is untouched: a rebuild holds its files until it commits.
            *session = Session::default();
            let path = changed.first().filter(|p| !p.is_empty()).map_or("site.toml", String::as_str);
            Err(vec![panic_diagnostic(path, "building the site", &panic_message(&*payload))])
        });
        (rebuild, rebuilt)
    };
    match rebuilt {
        Ok(built) => {
            *write(&shared.last_good) = Some(Arc::new(LastGood { site: built.site, sources: built.sources }));
            let had_errors = !std::mem::take(&mut *write(&shared.errors)).is_empty();
            if reason != "start" || had_errors {
                crate::errln!("rebuilt in {} ms ({reason})", started.elapsed().as_millis());
            }
        }
        Err(errors) => {
            for d in &errors {
                crate::errln!("{d}");
            }
            if read(&shared.last_good).is_some() {
                crate::errln!("the site does not build ({reason}); still serving the last good build");
            } else {
                crate::errln!("the site does not build yet ({reason}); the preview shows these errors until it does");
            }
            *write(&shared.errors) = errors;
        }
    }
    shared.reloads.tell(rebuild, read(&shared.errors).is_empty());
    rebuild
}

/// Once open pages are told to reload: makes the search index's shards the rebuild left
/// to make (see [`build::finish_deferred`]), writing those in `made` from there. Open
/// pages are not told again: the next search reads the new index.
pub(super) fn finish_deferred(shared: &Shared, session: &mut Session, rebuild: u64, made: &Made) {
    let caught = std::panic::catch_unwind(AssertUnwindSafe(|| {
        build::finish_deferred_from(&shared.site_dir, session, made, || write(&shared.output))
    }));
    let errors = match caught {
        Ok(Ok(())) => return,
        Ok(Err(errors)) => errors,
        Err(payload) => {
            *session = Session::default();
            vec![panic_diagnostic("site.toml", "indexing the site for search", &panic_message(&*payload))]
        }
    };
    for d in &errors {
        crate::errln!("{d}");
    }
    *write(&shared.errors) = errors;
    shared.reloads.tell(rebuild, false);
}

/// The pages open tabs look at, for the rebuild to make first; once it has, they are
/// served, and the tabs told to reload.
fn pages_first(shared: &Shared, rebuild: u64) -> crate::build::First {
    let (pages, reloads) = (Arc::clone(&shared.first), Arc::clone(&shared.reloads));
    crate::build::First {
        wanted: shared.first.wanted(),
        publish: Arc::new(move |made| {
            let paths = made.iter().map(|(path, _)| path.clone()).collect();
            pages.publish(made);
            reloads.tell_first(rebuild, paths);
        }),
    }
}

/// What a panic said, when it said it as text.
pub(super) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}

/// A panic while `doing` something, said as a diagnostic: it is communique's fault, and
/// what to do meanwhile.
pub(super) fn panic_diagnostic(path: &str, doing: &str, message: &str) -> Diagnostic {
    Diagnostic::error(
        path,
        Pos::START,
        "internal",
        format!(
            "communique hit an internal error while {doing} ({message}); this is a bug in communique, not in \
             your site: please report it with the edit that caused it. The preview keeps serving the last good \
             build; undo the edit or keep editing, and the next save is built afresh"
        ),
    )
}

type Events = std::sync::mpsc::Receiver<notify::Result<notify::Event>>;

/// Waits for changes, lets a burst settle (editors save in several steps, a rename is
/// two events), then rebuilds once.
pub(super) fn rebuild_on_changes(shared: &Shared, rx: Events, mut watcher: SiteWatcher) {
    let root = shared.root.canonicalize().unwrap_or_else(|_| shared.root.clone());
    let mut relevant = |event: notify::Result<notify::Event>| -> Vec<PathBuf> {
        match event {
            // Events were lost (a queue overflowed): the site root itself stands for
            // "anything may have changed", and every file's stamp is checked again.
            Err(_) => vec![root.clone()],
            Ok(event) if event.need_rescan() => vec![root.clone()],
            Ok(event) if !matches!(event.kind, notify::EventKind::Access(_)) => {
                // A source folder made (or moved in) since the start is watched from now
                // on, and everything in it read again: it may hold files written before.
                let made = matches!(
                    event.kind,
                    notify::EventKind::Create(_) | notify::EventKind::Modify(notify::event::ModifyKind::Name(_))
                );
                if made && event.paths.iter().any(|p| watcher.follow(p)) {
                    return vec![root.clone()];
                }
                event.paths.into_iter().filter(|p| super::watch::classify(&root, p).is_some()).collect()
            }
            _ => Vec::new(),
        }
    };
    loop {
        let Ok(first) = rx.recv() else { return };
        let mut changed = relevant(first);
        if changed.is_empty() {
            continue;
        }
        // Short: a rebuild after an edit costs little, and an editor's save is done in
        // a few milliseconds; a save caught halfway is rebuilt again at its next event.
        while let Ok(more) = rx.recv_timeout(Duration::from_millis(10)) {
            changed.extend(relevant(more));
        }
        changed.sort();
        changed.dedup();
        let changed: Vec<String> = changed.iter().map(|p| crate::content::relative(&root, p)).collect();
        let reason = match changed.as_slice() {
            [one] if one.is_empty() => "file events were lost".to_string(),
            [one] => one.clone(),
            many => format!("{} files changed", many.len()),
        };
        rebuild(shared, &reason, &changed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Audience;
    use std::path::Path;

    fn shared(site_dir: &Path) -> Shared {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
        Shared::new(root, site_dir.canonicalize().unwrap(), "http://127.0.0.1:1111/".into(), Audience::Internal)
    }

    fn home(shared: &Shared) -> String {
        String::from_utf8(super::super::page(shared, "/").body).unwrap()
    }

    #[test]
    fn a_panicking_rebuild_keeps_the_last_good_build_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let shared = shared(dir.path());
        let reloads = shared.reloads.subscribe();
        rebuild(&shared, "start", &[]);
        assert!(read(&shared.errors).is_empty(), "{:?}", read(&shared.errors));
        let good = home(&shared);
        assert!(good.contains("<h1") && !good.contains("communique-errors"));

        rebuild_with(&shared, "content/releases/x.md", &["content/releases/x.md".into()], |_, _| {
            panic!("a bug in a rule")
        });
        let errors = read(&shared.errors).clone();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let said = errors[0].to_string();
        assert!(said.starts_with("content/releases/x.md:1:1: error:") && said.contains("a bug in a rule"), "{said}");
        // Still the last good build, with the error over it; no lock is left poisoned.
        let shown = home(&shared);
        assert!(shown.contains("communique-errors") && shown.contains("a bug in a rule"));
        assert_eq!(shown.replace(&http_overlay(&errors), ""), good, "the page under the overlay is the last good one");
        assert!(shared.session.lock().is_ok() && shared.output.write().is_ok() && shared.errors.read().is_ok());
        assert!(reloads.has_changed().unwrap(), "open pages are told to reload and show the error");

        // The next edit builds afresh and clears the error.
        rebuild(&shared, "content/releases/x.md", &[]);
        assert!(read(&shared.errors).is_empty(), "{:?}", read(&shared.errors));
        assert_eq!(home(&shared), good);
    }

    #[test]
    fn a_panic_before_the_first_good_build_is_shown_too() {
        let dir = tempfile::tempdir().unwrap();
        let shared = shared(dir.path());
        rebuild_with(&shared, "start", &[], |_, _| panic!("{}", String::from("no build yet")));
        let reply = super::super::page(&shared, "/");
        let body = String::from_utf8(reply.body).unwrap();
        assert_eq!(reply.status, 500);
        assert!(body.contains("communique-errors") && body.contains("no build yet") && body.contains("site.toml:1:1"));
        rebuild(&shared, "site.toml", &[]);
        assert_eq!(super::super::page(&shared, "/").status, 200);
    }

    #[test]
    fn poisoned_locks_do_not_stop_the_preview() {
        let dir = tempfile::tempdir().unwrap();
        let shared = Arc::new(shared(dir.path()));
        rebuild(&shared, "start", &[]);
        let good = home(&shared);
        // A panic elsewhere while each lock is held poisons it.
        let poisoner = Arc::clone(&shared);
        let _ = std::thread::spawn(move || {
            let _errors = poisoner.errors.write().unwrap();
            let _last = poisoner.last_good.write().unwrap();
            let _session = poisoner.session.lock().unwrap();
            let _output = poisoner.output.write().unwrap();
            panic!("poison");
        })
        .join();
        assert!(shared.errors.read().is_err() && shared.output.read().is_err(), "the locks are poisoned");
        assert_eq!(home(&shared), good);
        rebuild(&shared, "content/releases/x.md", &[]);
        assert!(read(&shared.errors).is_empty());
        assert_eq!(home(&shared), good);
    }

    fn http_overlay(errors: &[Diagnostic]) -> String {
        super::super::http::overlay(errors)
    }
}
