//! The documentation's CI examples: valid YAML, and the same text in docs/publishing.md
//! as in the files users copy from docs/ci/.

use std::path::Path;

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The bodies of the ```yaml fences of a Markdown text, each ending in a newline.
fn yaml_fences(markdown: &str) -> Vec<String> {
    let mut fences = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_end() == "```yaml" => current = Some(String::new()),
            None => {}
            Some(_) if line.trim_end() == "```" => fences.push(current.take().unwrap()),
            Some(body) => {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    assert!(current.is_none(), "an unclosed ```yaml fence");
    fences
}

#[test]
fn the_ci_files_are_valid_yaml_mappings() {
    for rel in
        ["docs/ci/github-pages.yml", "docs/ci/gitlab-ci.yml", "docs/ci/github-notify.yml", "docs/ci/gitlab-notify.yml"]
    {
        let value: serde_yaml::Value =
            serde_yaml::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel} is not valid YAML: {e}"));
        assert!(value.is_mapping(), "{rel} is a mapping at the top");
        let text = read(rel);
        assert!(text.contains("communique check"), "{rel} checks the content");
        assert!(text.contains("communique build"), "{rel} builds the site");
    }
}

#[test]
fn the_github_workflow_has_its_required_keys() {
    let value: serde_yaml::Value = serde_yaml::from_str(&read("docs/ci/github-pages.yml")).unwrap();
    assert!(value.get("on").is_some() || value.get(serde_yaml::Value::Bool(true)).is_some(), "a trigger");
    let jobs = value.get("jobs").and_then(|j| j.as_mapping()).expect("jobs");
    assert!(!jobs.is_empty());
    for (name, job) in jobs {
        assert!(job.get("runs-on").is_some(), "job {name:?} says where it runs");
        assert!(
            job.get("steps").and_then(|s| s.as_sequence()).is_some_and(|s| !s.is_empty()),
            "job {name:?} has steps"
        );
    }
}

#[test]
fn the_gitlab_pipeline_publishes_pages() {
    let value: serde_yaml::Value = serde_yaml::from_str(&read("docs/ci/gitlab-ci.yml")).unwrap();
    let pages = value.get("pages").expect("a `pages` job, which GitLab Pages deploys");
    assert!(pages.get("script").is_some(), "the pages job has a script");
}

#[test]
fn the_publishing_guide_shows_each_ci_file_verbatim() {
    let fences = yaml_fences(&read("docs/publishing.md"));
    for rel in
        ["docs/ci/github-pages.yml", "docs/ci/gitlab-ci.yml", "docs/ci/github-notify.yml", "docs/ci/gitlab-notify.yml"]
    {
        let file = read(rel);
        assert!(fences.contains(&file), "{rel} does not appear verbatim in a ```yaml fence of docs/publishing.md");
    }
}

#[test]
fn the_notify_workflows_send_with_secrets_and_commit_the_ledger_back_on_a_schedule() {
    for rel in ["docs/ci/github-notify.yml", "docs/ci/gitlab-notify.yml"] {
        let text = read(rel);
        assert!(text.contains("communique notify --send"), "{rel} sends");
        assert!(text.contains("git add notified.jsonl") && text.contains("push"), "{rel} commits the ledger back");
        assert!(text.contains("*/15 * * * *"), "{rel} runs every 15 minutes");
        assert!(text.contains("SMTP_PASSWORD"), "{rel} passes the SMTP login as a secret");
    }
    let github: serde_yaml::Value = serde_yaml::from_str(&read("docs/ci/github-notify.yml")).unwrap();
    let notify = &github["jobs"]["notify"];
    assert_eq!(notify["needs"], "deploy", "notify runs after the deploy");
    let commit = notify["steps"].as_sequence().unwrap().last().unwrap();
    assert_eq!(commit["if"], "${{ !cancelled() }}", "the ledger is committed after a failed delivery too");
    // A run that waited for another (concurrency) still has the commit it was started for:
    // without the branch's newest ledger it would deliver again what the other delivered.
    let checkout = &notify["steps"][0];
    assert_eq!(checkout["uses"], "actions/checkout@v4");
    assert_eq!(checkout["with"]["ref"], "${{ github.ref }}", "notify reads the branch's newest ledger");
    let gitlab: serde_yaml::Value = serde_yaml::from_str(&read("docs/ci/gitlab-notify.yml")).unwrap();
    // GitLab takes only strings in `script`: an unquoted `: ` makes a line a mapping.
    let script: Vec<&str> = gitlab["notify"]["script"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap_or_else(|| panic!("a script line that is not a string: {l:?}")))
        .collect();
    let at = |needle: &str| script.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle}"));
    assert!(
        at("git fetch") < at("git checkout -B") && at("git checkout -B") < at("communique notify --send"),
        "notify reads the branch's newest ledger: {script:?}"
    );
}

#[test]
fn the_publishing_guide_says_how_to_adopt_notify_before_it_says_how_to_send() {
    let guide = read("docs/publishing.md");
    let section = &guide[guide.find("## Notifying stakeholders from CI").expect("the notify section")..];
    let adopt = section.find("--baseline").expect("--baseline");
    let since = section.find("since").expect("since");
    let send = section.find("notify --send").expect("--send");
    assert!(adopt < send && since < send, "adopting comes first");
    assert!(section.contains("### After a failed run"));
}
