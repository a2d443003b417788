//! `approve <slug> --by NAME` (SPEC §12): refused while `check` finds errors in the
//! release's files; otherwise sets `status: approved` and records who approved, when,
//! and the fingerprint of the texts approved, changing only those lines of the file.

use super::{edit, texts, write, Refusal, Written};
use crate::hierarchy::Hierarchy;
use std::path::Path;

pub(crate) struct Request<'a> {
    pub slug: &'a str,
    pub by: &'a str,
    pub now: jiff::Timestamp,
}

pub(crate) fn approve(root: &Path, request: &Request) -> Result<Written, Refusal> {
    let by = request.by.trim();
    if by.is_empty() || by.chars().any(char::is_control) {
        return Err(Refusal::Usage("--by must be the approver's name on one line, such as `--by \"Dana Ops\"`".into()));
    }
    let loaded = crate::content::load(root);
    let Some(site) = &loaded.site else {
        let errors = loaded.diagnostics.into_iter().filter(|d| d.is_error()).collect();
        return Err(Refusal::Errors(errors, "the site cannot be read; nothing was approved".into()));
    };
    let release = super::new::named_release(&loaded, request.slug)?;
    // Errors in this release's files (the approval's own are what this command mends).
    let folder = format!("content/releases/{}/", release.slug);
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && !super::approval::CODES.contains(&d.code))
        .filter(|d| d.path == release.path || d.path.starts_with(&folder))
        .cloned()
        .collect();
    if !errors.is_empty() {
        return Err(Refusal::Errors(
            errors,
            format!("`{}` has errors; fix them, then approve again: nothing was written", release.slug),
        ));
    }
    let h = Hierarchy::new(&site.groups);
    let fingerprint = texts::fingerprint(&h, release, &site.translations);
    let at = request.now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let path = root.join(&release.path);
    // The edit is swapped in by a rename, which would turn a link into a plain file.
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(super::in_file(
            &release.path,
            "symlink",
            "this file is a symbolic link: approve the release where its file is".into(),
        ));
    }
    let bytes = std::fs::read(&path).map_err(|e| Refusal::Content(format!("cannot read `{}`: {e}", release.path)))?;
    let (bom, rest) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (&bytes[..3], rest),
        None => (&bytes[..0], &bytes[..]),
    };
    let text = std::str::from_utf8(rest).map_err(|_| Refusal::Content(format!("`{}` is not UTF-8", release.path)))?;
    let fields = [
        ("status", "approved"),
        ("approved_by", by),
        ("approved_at", at.as_str()),
        ("approved_fingerprint", &fingerprint),
    ];
    let edited = edit::set_fields(text, &fields).map_err(|why| {
        super::in_file(&release.path, "unsafe-edit", format!("this front matter cannot be approved safely: {why}"))
    })?;
    let mut out = bom.to_vec();
    out.extend_from_slice(edited.as_bytes());
    write::replace(&path, &bytes, &out).map_err(Refusal::Content)?;
    let groups = texts::group_hashes(&h, release, &site.translations).into_keys().collect::<Vec<_>>().join(", ");
    Ok(Written {
        path: release.path.clone(),
        note: format!("approved by {by} at {at}, for {}", if groups.is_empty() { "no group".into() } else { groups }),
    })
}
