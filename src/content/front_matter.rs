//! Splits a content file into its YAML front matter and its Markdown body, remembering
//! where each starts so that diagnostics can point into the file itself.

use crate::diagnostics::Pos;

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Document<'a> {
    /// The YAML between the `---` lines ("" when the file has no front matter).
    pub yaml: &'a str,
    /// The 1-based line of the file where `yaml` begins.
    pub yaml_line: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
}

impl Document<'_> {
    /// Where `yaml` is in `text`, the text this document was split from.
    pub(crate) fn yaml_range(&self, text: &str) -> std::ops::Range<usize> {
        let start = (self.yaml.as_ptr() as usize).saturating_sub(text.as_ptr() as usize).min(text.len());
        start..(start + self.yaml.len()).min(text.len())
    }
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SplitError {
    pub pos: Pos,
    pub message: String,
}

/// Splits `text` (BOM already removed). `required` says whether a file without a
/// front matter block is an error (groups and releases) or just a body (hand-written pages).
pub(crate) fn split(text: &str, required: bool) -> Result<Document<'_>, SplitError> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        if !required {
            return Ok(Document { yaml: "", yaml_line: 1, body: text });
        }
        if text.trim().is_empty() {
            return Err(SplitError {
                pos: Pos::START,
                message: "the file is empty: write a line `---`, then YAML fields, then a line `---`".into(),
            });
        }
        return Err(SplitError {
            pos: Pos::START,
            message: "missing front matter: the file must start with a line `---`, then YAML fields, then a line `---`"
                .into(),
        });
    }
    let yaml_start = first_line_end;
    let mut offset = yaml_start;
    let mut line: usize = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1);
        if text[offset..end].trim_end() == "---" {
            return Ok(Document { yaml: &text[yaml_start..offset], yaml_line: 2, body: &text[end..] });
        }
        offset = end;
        line += 1;
    }
    Err(SplitError {
        pos: Pos::new(line.saturating_sub(1).max(1), 1),
        message: "unterminated front matter: add a line `---` after the last YAML field (the block opened on line 1)"
            .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let doc = split("---\ntitle: x\n---\nHello\n", true).unwrap();
        assert_eq!(doc.yaml, "title: x\n");
        assert_eq!(doc.yaml_line, 2);
        assert_eq!(doc.body, "Hello\n");
    }

    #[test]
    fn accepts_crlf_line_endings() {
        let doc = split("---\r\ntitle: x\r\n---\r\nHello\r\n", true).unwrap();
        assert_eq!(doc.yaml, "title: x\r\n");
        assert_eq!(doc.body, "Hello\r\n");
    }

    #[test]
    fn empty_front_matter_and_empty_body() {
        let doc = split("---\n---\n", true).unwrap();
        assert_eq!((doc.yaml, doc.body), ("", ""));
    }

    #[test]
    fn missing_and_unterminated_front_matter_are_errors() {
        assert_eq!(split("title: x\n", true).unwrap_err().pos, Pos::START);
        let err = split("---\ntitle: x\nmore: y\n", true).unwrap_err();
        assert!(err.message.contains("unterminated"));
        assert_eq!(err.pos.line, 3);
        assert!(split("", true).is_err());
    }

    #[test]
    fn optional_front_matter() {
        let doc = split("Just text\n", false).unwrap();
        assert_eq!((doc.yaml, doc.body), ("", "Just text\n"));
    }
}
