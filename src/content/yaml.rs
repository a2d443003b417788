//! The one module that reads YAML. Each front matter is parsed once (saphyr-parser's
//! events, in `load`): that pass builds the value, records where every key and value is
//! (`locate`), keeps the bounds on nesting and aliases (`bounds`), and notes the plain
//! numbers whose digits YAML would not keep. serde's derive then reads the value into
//! the front-matter structs (`typed`), with each type error a structured kind.

mod bounds;
mod load;
mod locate;
mod typed;

use crate::diagnostics::Pos;
use serde_yaml::{Mapping, Value};

pub(crate) use locate::Locator;
pub(crate) use typed::{typed, Expected, Found, TypeError};

/// A YAML problem, positioned relative to the start of the YAML text.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub pos: Pos,
    /// `yaml-syntax` (the text is not YAML) or `invalid-value` (YAML, but not front matter).
    pub code: &'static str,
    pub message: String,
}

/// A plain number whose digits YAML would not keep (`version: 2.10` is the number 2.1):
/// the front matter keeps the written text, and the author is told to quote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lossy {
    /// Dotted path of the value (`features.0.title`).
    pub path: String,
    /// Where the value is, relative to the start of the YAML text.
    pub pos: Pos,
    pub written: String,
    /// The number as YAML reads it, written out (`2.1`); None when it is a whole number
    /// too large for YAML to hold.
    pub read: Option<String>,
}

/// A front matter as read by its one parse.
#[derive(Debug)]
pub(crate) struct FrontMatter {
    pub map: Mapping,
    pub locator: Locator,
    pub lossy: Vec<Lossy>,
}

/// Reads a front matter: a mapping (empty when the front matter is), where each of its
/// parts is, and its lossy numbers.
pub(crate) fn read(yaml: &str) -> Result<FrontMatter, YamlError> {
    if let Some(problem) = bounds::leading_tab(yaml).or_else(|| bounds::control_character(yaml)) {
        return Err(problem);
    }
    if let Some(pos) = bounds::too_deep(yaml) {
        return Err(bounds::too_deep_at(pos));
    }
    let loaded = load::load(yaml)?;
    let map = match loaded.value {
        Value::Null => Mapping::new(),
        Value::Mapping(m) => m,
        other => {
            return Err(YamlError {
                pos: Pos::START,
                code: "invalid-value",
                message: format!(
                    "the front matter is {}, but it must be `field: value` lines, such as `title: Payments 4.2`",
                    kind_of(&other)
                ),
            })
        }
    };
    Ok(FrontMatter { map, locator: loaded.locator, lossy: loaded.lossy })
}

/// [`read`], for the mapping alone.
pub(crate) fn parse_mapping(yaml: &str) -> Result<Mapping, YamlError> {
    read(yaml).map(|f| f.map)
}

pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a true/false value",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping of `field: value` lines",
        Value::Tagged(_) => "a tagged value",
    }
}

/// Front matter text fields accept any scalar: `version: 4.2` means "4.2", as it would to
/// the person who wrote it. Only `order` stays a number.
pub(crate) fn scalars_to_text(value: &mut Value, key: Option<&str>) {
    match value {
        Value::Number(n) if key != Some("order") => *value = Value::String(n.to_string()),
        Value::Bool(b) => *value = Value::String(b.to_string()),
        Value::Sequence(items) => items.iter_mut().for_each(|v| scalars_to_text(v, None)),
        Value::Mapping(map) => {
            // Keys too: `access: { 2024: … }` names the group `2024`.
            if map.keys().any(|k| matches!(k, Value::Number(_) | Value::Bool(_))) {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(k, v)| match k {
                        Value::Number(n) => (Value::String(n.to_string()), v),
                        Value::Bool(b) => (Value::String(b.to_string()), v),
                        k => (k, v),
                    })
                    .collect();
            }
            for (k, v) in map.iter_mut() {
                scalars_to_text(v, k.as_str());
            }
        }
        Value::Tagged(tagged) => {
            let inner = std::mem::replace(&mut tagged.value, Value::Null);
            *value = inner;
            scalars_to_text(value, key);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "title: Payments\nfeatures:\n  - title: A\n    groups: [customers, suport]\n  - title: B\n    groups:\n      - sales\n";

    #[test]
    fn locates_keys_values_and_list_items() {
        let loc = read(YAML).unwrap().locator;
        assert_eq!(loc.key(YAML, "title"), Pos::new(1, 1));
        assert_eq!(loc.value(YAML, "title"), Pos::new(1, 8));
        assert_eq!(loc.key(YAML, "features.0.groups"), Pos::new(4, 5));
        assert_eq!(loc.value(YAML, "features.0.groups.1"), Pos::new(4, 25));
        assert_eq!(loc.value(YAML, "features.1.groups.0"), Pos::new(7, 9));
        // Missing paths fall back to the nearest enclosing node.
        assert_eq!(loc.key(YAML, "features.1.value"), Pos::new(5, 5));
        assert_eq!(loc.key(YAML, "nothing"), Pos::START);
        // Keys with dots, quoted keys, numbers as keys, flow mappings.
        let yaml = "access:\n  a.b:\n    how: x\n  2024: y\n  \"q: r\": z\nflow: {k: v, 'l': w}\n";
        let loc = read(yaml).unwrap().locator;
        assert_eq!(loc.value(yaml, "access.a.b.how"), Pos::new(3, 10));
        assert_eq!(loc.key(yaml, "access.2024"), Pos::new(4, 3));
        assert_eq!(loc.value(yaml, "access.q: r"), Pos::new(5, 11));
        assert_eq!(loc.value(yaml, "flow.l"), Pos::new(6, 19));
    }

    #[test]
    fn syntax_errors_are_positioned() {
        let err = parse_mapping("title: x\nsummary: [a, b\n").unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
        assert!(err.pos.line >= 2);
    }

    #[test]
    fn a_value_with_colon_space_is_told_to_be_quoted() {
        let err = parse_mapping("name: Developers\nsummary: Builders: all of them\n").unwrap_err();
        assert_eq!(err.pos.line, 2);
        assert!(
            err.message.contains("put the value in quotes: `summary: \"Builders: all of them\"`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn tabs_and_duplicates_are_explained() {
        let err = parse_mapping("title: x\nfeatures:\n\t- a\n").unwrap_err();
        assert_eq!(err.pos, Pos::new(3, 1));
        assert!(err.message.contains("tab"));
        let err = parse_mapping("title: x\ntitle: y\n").unwrap_err();
        assert!(err.message.contains("only once"), "{}", err.message);
        assert_eq!(err.pos, Pos::new(2, 1));
        let err = parse_mapping("features:\n  - title: x\n    groups: [a]\n    title: y\n").unwrap_err();
        assert_eq!(err.pos, Pos::new(4, 5));
    }

    #[test]
    fn non_mappings_are_rejected() {
        assert!(parse_mapping("- a\n- b\n").unwrap_err().message.contains("a list"));
        assert!(parse_mapping("").unwrap().is_empty());
        assert!(parse_mapping("# only a comment\n").unwrap().is_empty());
        assert!(parse_mapping("a: b\n--- x\n").unwrap_err().message.contains("second YAML document"));
    }

    #[test]
    fn alias_bombs_fail_fast() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 { "a".to_string() } else { format!("b{}", i - 1) };
            bomb.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(parse_mapping(&bomb).is_err());
    }

    #[test]
    fn depth_and_alias_expansion_are_bounded() {
        let deep = format!("a:\n{}x\n", "- ".repeat(64));
        let err = parse_mapping(&deep).unwrap_err();
        assert_eq!((err.pos, err.code), (Pos::new(2, 127), "yaml-syntax"));
        assert!(parse_mapping(&format!("a:\n{}x\n", "- ".repeat(63))).is_ok());
        // Ten copies of a 100 kB anchor are 1 MB: allowed; eleven are not.
        let anchor = format!("a: &a \"{}\"\n", "x".repeat(100 << 10));
        let copies = |n: usize| (0..n).map(|i| format!("c{i}: *a\n")).collect::<String>();
        assert!(parse_mapping(&format!("{anchor}{}", copies(8))).is_ok());
        let err = parse_mapping(&format!("{anchor}{}", copies(11))).unwrap_err();
        assert_eq!(err.pos, Pos::new(11, 5), "{}", err.message);
        assert!(err.message.contains("more than 1 MB"), "{}", err.message);
    }

    #[test]
    fn numbers_that_lose_digits_stay_as_written_and_are_noted() {
        let read = read("version: 2.10\norder: 3\nother: 4.2\nlist:\n  - 007\n").unwrap();
        assert_eq!(read.map["version"], Value::String("2.10".into()));
        assert_eq!(read.map["order"], Value::Number(3.into()));
        assert_eq!(read.map["list"][0], Value::String("007".into()));
        let noted: Vec<_> = read.lossy.iter().map(|l| (l.path.as_str(), l.pos, l.read.as_deref())).collect();
        assert_eq!(noted, [("version", Pos::new(1, 10), Some("2.1")), ("list.0", Pos::new(5, 5), Some("7"))]);
    }

    /// Outside numbers, the one parse reads a text as serde_yaml reads it.
    fn agrees_with_serde_yaml(yaml: &str) {
        let mut ours = Value::Mapping(parse_mapping(yaml).unwrap());
        scalars_to_text(&mut ours, None);
        let mut theirs = match serde_yaml::from_str::<Value>(yaml).unwrap() {
            Value::Null => Value::Mapping(Mapping::new()),
            v => v,
        };
        scalars_to_text(&mut theirs, None);
        assert_eq!(ours, theirs, "{yaml:?}");
    }

    #[test]
    fn front_matter_reads_as_serde_yaml_reads_it() {
        let texts = [
            YAML,
            "",
            "# only a comment\n\n",
            "title: \"Checkout 0.4\"\nstatus: approved\ndeployed_at: 2021-01-05T02:31:00Z\n",
            "features:\n- title: A\n  groups:\n  - a\n  - b\n- title: B\n",
            "access:\n  customers:\n    how: \"x\"\n    when:\n  sales:\n",
            "a: true\nb: False\nc: ~\nd: null\ne:\nf: yes\ng: inf\n",
            "a: x # comment\nb: \"y\" # comment\nc: [a, b] # comment\nd: a#b\n",
            "a: 'single'\nb: \"esc\\n\"\nc: plain\n  continued\nd: |\n  block\ne: >\n  folded\n",
            "a: &x b\nc: *x\nd: !tag e\nf: {g: h}\n2024: x\n",
            "version: 4.2\norder: 3\na: -5\n",
            "a: Ünïcode — text\nb: \"ü\"\n",
        ];
        for yaml in texts {
            agrees_with_serde_yaml(yaml);
        }
    }

    #[test]
    fn the_sites_content_reads_as_serde_yaml_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["content", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
                let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
                if let Ok(doc) = super::super::front_matter::split(&text, true) {
                    if read(doc.yaml).is_ok_and(|f| f.lossy.is_empty()) {
                        agrees_with_serde_yaml(doc.yaml);
                    }
                }
            }
        }
    }

    #[test]
    fn scalars_become_text_except_order() {
        let mut v = Value::Mapping(parse_mapping("version: 4.2\norder: 3\nflag: true").unwrap());
        scalars_to_text(&mut v, None);
        assert_eq!(v["version"], Value::String("4.2".into()));
        assert_eq!(v["order"], Value::Number(3.into()));
        assert_eq!(v["flag"], Value::String("true".into()));
    }
}
