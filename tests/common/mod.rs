//! The harness every integration test uses: make a site on disk, run the real
//! `communique` binary on it the way a user does, and read what it wrote.

#![allow(dead_code)] // each test binary uses its own part of the harness

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// "Now" for every build that does not test "now" itself.
pub const NOW: &str = "2026-11-26T00:00:00Z";

pub const BASE_URL: &str = "https://releases.acme.example/";

/// The smallest valid `site.toml`.
pub const SITE_TOML: &str = "title = \"Acme releases\"\nbase_url = \"https://releases.acme.example/\"\n";

/// A site in a temporary folder, removed when the test ends.
pub struct Site {
    dir: TempDir,
}

impl Site {
    /// A site made of `(path, text)` files.
    pub fn new(files: &[(&str, &str)]) -> Site {
        let site = Site { dir: TempDir::new().expect("temporary folder") };
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    /// A copy of `tests/fixtures/<name>/`, so that builds write beside it, not into the repository.
    pub fn fixture(name: &str) -> Site {
        let from = fixtures().join(name);
        assert!(from.is_dir(), "no fixture {}", from.display());
        let site = Site { dir: TempDir::new().expect("temporary folder") };
        for (rel, bytes) in tree(&from) {
            site.write_bytes(&rel, &bytes);
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("create folders");
        std::fs::write(&path, bytes).expect("write a site file");
    }

    pub fn remove(&self, rel: &str) {
        let path = self.path(rel);
        if path.is_dir() {
            std::fs::remove_dir_all(path).expect("remove a folder");
        } else {
            std::fs::remove_file(path).expect("remove a file");
        }
    }

    /// Runs `communique <args>` in the site's folder, without `SOURCE_DATE_EPOCH`.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args, &[])
    }

    /// Runs `communique <args>` in the site's folder with extra environment variables.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        run_in(self.root(), args, env)
    }

    /// `build --now NOW <args>`, which must succeed; returns the output folder's files.
    pub fn build(&self, args: &[&str]) -> Tree {
        let mut all = vec!["build", "--now", NOW];
        all.extend_from_slice(args);
        let run = self.run(&all);
        run.success();
        let out = args.iter().position(|a| *a == "--output").map_or_else(
            || {
                let internal = args.windows(2).any(|w| w == ["--audience", "internal"]);
                self.path(&self.output_dir(internal))
            },
            |i| self.path(args[i + 1]),
        );
        Tree::read(&out)
    }

    /// `output_dir` (or `internal_output_dir`) from site.toml, or its default.
    pub fn output_dir(&self, internal: bool) -> String {
        let (key, default) = if internal { ("internal_output_dir", "internal") } else { ("output_dir", "public") };
        let text = std::fs::read_to_string(self.path("site.toml")).unwrap_or_default();
        let table: toml::Table = toml::from_str(&text).unwrap_or_default();
        table.get(key).and_then(|v| v.as_str()).unwrap_or(default).to_string()
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn success(&self) -> &Run {
        self.code_is(0)
    }

    #[track_caller]
    pub fn code_is(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "exit code of `communique {}`\n{}", self.args.join(" "), self.transcript());
        self
    }

    pub fn transcript(&self) -> String {
        format!("--- stdout ---\n{}--- stderr ---\n{}", self.stdout, self.stderr)
    }

    /// The lines of stderr that are diagnostics, in order.
    pub fn diagnostics(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.contains(": error: ") || l.contains(": warning: ")).collect()
    }

    /// The one diagnostic line that starts with `prefix`; fails when there is none or several.
    #[track_caller]
    pub fn diagnostic(&self, prefix: &str) -> &str {
        let found: Vec<&str> = self.diagnostics().into_iter().filter(|l| l.starts_with(prefix)).collect();
        assert_eq!(found.len(), 1, "one diagnostic starting with `{prefix}`\n{}", self.transcript());
        found[0]
    }

    /// The one diagnostic line with code `code`; fails when there is none or several.
    #[track_caller]
    pub fn diagnostic_coded(&self, code: &str) -> &str {
        let tag = format!("[{code}]");
        let found: Vec<&str> = self.diagnostics().into_iter().filter(|l| l.ends_with(&tag)).collect();
        assert_eq!(found.len(), 1, "one diagnostic with code {code}\n{}", self.transcript());
        found[0]
    }
}

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_communique")
}

/// Runs the binary in `dir`. Every run is checked for a panic: whatever the input, the
/// program must answer with a diagnostic, never a crash.
pub fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(binary());
    command.args(args).current_dir(dir).env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("the communique binary runs");
    let run = Run {
        args: args.iter().map(|a| a.to_string()).collect(),
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "`communique {}` panicked\n{}", args.join(" "), run.transcript());
    assert!(output.status.code().is_some(), "`communique {}` was killed by a signal", args.join(" "));
    run
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures")
}

/// Every file under `dir`, by `/`-separated relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk the output");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).expect("read an output file"));
        }
    }
    files
}

/// A file's text, a gzipped one (the parts of the search index) unpacked, so that a
/// search of the output's words finds them there too.
#[allow(dead_code)]
pub fn unpacked(bytes: &[u8]) -> String {
    use std::io::Read;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(bytes).read_to_end(&mut text).expect("a gzipped file");
        return String::from_utf8_lossy(&text).into_owned();
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// Each communique the search index under `folder` (`search/`, `de/search/`) holds: its
/// Pagefind fragment (its `url`, `content`, `meta`, `filters`), in the order of the URLs.
#[allow(dead_code)]
pub fn search_fragments(tree: &Tree, folder: &str) -> Vec<serde_json::Value> {
    let mut fragments: Vec<serde_json::Value> = tree
        .files
        .iter()
        .filter(|(path, _)| path.starts_with(folder) && path.ends_with(".pf_fragment"))
        .map(|(path, bytes)| {
            let text = unpacked(bytes);
            let json = text.strip_prefix("pagefind_dcd").unwrap_or_else(|| panic!("{path} is a Pagefind fragment"));
            serde_json::from_str(json).unwrap()
        })
        .collect();
    fragments.sort_by(|a, b| a["url"].as_str().cmp(&b["url"].as_str()));
    fragments
}

/// The files of a build's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Tree {
    pub fn read(dir: &Path) -> Tree {
        Tree { files: tree(dir) }
    }

    pub fn has(&self, rel: &str) -> bool {
        self.files.contains_key(rel)
    }

    /// A file's text; fails when the build did not write it.
    #[track_caller]
    pub fn text(&self, rel: &str) -> String {
        let bytes =
            self.files.get(rel).unwrap_or_else(|| panic!("no `{rel}` in the output; it has {:?}", self.paths()));
        String::from_utf8(bytes.clone()).unwrap_or_else(|_| panic!("`{rel}` is not UTF-8"))
    }

    pub fn paths(&self) -> Vec<&str> {
        self.files.keys().map(String::as_str).collect()
    }

    /// Paths of the files whose bytes contain `needle`.
    pub fn containing(&self, needle: &str) -> Vec<&str> {
        self.files
            .iter()
            .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
            .map(|(path, _)| path.as_str())
            .collect()
    }

    /// The HTML pages, `index.html` files and `404.html`.
    pub fn pages(&self) -> Vec<&str> {
        self.paths().into_iter().filter(|p| p.ends_with(".html")).collect()
    }
}

/// Checks that `xml` is well-formed XML 1.0 (roxmltree is a strict, non-validating parser).
#[track_caller]
pub fn assert_well_formed(name: &str, xml: &str) {
    if let Err(e) = roxmltree::Document::parse(xml) {
        panic!("{name} is not well-formed XML: {e}\n{xml}");
    }
    assert!(
        !xml.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
        "{name} contains a control character that XML 1.0 forbids"
    );
}

/// A stakeholder group file.
pub fn group(name: &str, extra: &str) -> String {
    format!("---\nname: {name}\n{extra}---\n")
}

/// A release file reaching `groups` with one feature, with a value and an access entry for each.
pub fn release(title: &str, status: &str, publish_at: &str, groups: &[&str]) -> String {
    let list = groups.join(", ");
    let mut text = format!(
        "---\ntitle: {title}\nproduct: Payments\nstatus: {status}\ndeployed_at: {publish_at}\nsummary: {title} in one sentence.\nfeatures:\n  - title: {title} feature\n    groups: [{list}]\n    value:\n"
    );
    for g in groups {
        text.push_str(&format!("      {g}: Worth it for {g}.\n"));
    }
    text.push_str("access:\n");
    for g in groups {
        text.push_str(&format!("  {g}:\n    how: Nothing to do.\n"));
    }
    text.push_str("---\n");
    text
}

/// A page without the theme's search box (base.html's `search` block, before `<main>`):
/// its scripts are the theme's own, so tests that look for a script that content brought
/// into a page look at the rest. Content is inside `<main>`, and cannot make the block.
pub fn without_search_box(html: &str) -> String {
    const START: &str = "<div class=\"site-search\">";
    const END: &str = "</script>\n</div>\n";
    let main = html.find("<main").unwrap_or(html.len());
    match html[..main].find(START) {
        Some(start) => match html[start..main].find(END) {
            Some(end) => format!("{}{}", &html[..start], &html[start + end + END.len()..]),
            None => html.to_string(),
        },
        None => html.to_string(),
    }
}

/// Whether `path` (in an output folder, perhaps after `<folder>/`) is a file of the
/// search index, which tests/search.rs checks (its parts are gzipped, not text).
pub fn is_search_index(path: &str) -> bool {
    path.starts_with("search/") || path.split_once('/').is_some_and(|(_, rest)| rest.starts_with("search/"))
}

/// A page without the built-in theme's own scripts: the search box, `copy.js` and
/// `since.js` by their exact tags, and the catch-up page's data, which must be JSON with
/// no `<` in it (so that no text in it can close the element or open another).
pub fn without_theme_scripts(path: &str, html: &str) -> String {
    let mut html = without_search_box(html);
    for script in ["copy.js", "since.js"] {
        html = html.replace(&format!("<script src=\"{}{script}\" defer></script>", BASE_URL), "");
    }
    let open = "<script type=\"application/json\" id=\"since-data\">";
    if let Some(start) = html.find(open) {
        let end = start + html[start..].find("</script>").unwrap_or_else(|| panic!("{path}: the data ends"));
        let data = &html[start + open.len()..end];
        assert!(!data.contains('<'), "{path}: `<` in the catch-up data");
        serde_json::from_str::<serde_json::Value>(data).unwrap_or_else(|e| panic!("{path}: the data is JSON: {e}"));
        html.replace_range(start..end + "</script>".len(), "");
    }
    html
}
