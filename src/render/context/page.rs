//! The top-level context a page template is rendered with.

/// What a page template sees at its top level: the common variables (`site`, `build`,
/// `urls`), `page`, and the template's own. One object that knows where each name is,
/// rather than three maps merged and searched in turn: templates look names up at every
/// `{{ … }}`, tens of thousands of pages over.
#[derive(Debug)]
pub(crate) struct PageContext {
    /// The common variables, as one map.
    pub common: minijinja::Value,
    pub page: minijinja::Value,
    /// The template's own variables, as one map.
    pub vars: minijinja::Value,
}

/// The names [`PageContext::common`] holds; they win over a template's own of the same name.
const COMMON: [&str; 4] = ["build", "site", "strings", "urls"];

impl minijinja::value::Object for PageContext {
    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &std::sync::Arc<Self>, key: &str) -> Option<minijinja::Value> {
        let source = match key {
            "page" => return Some(self.page.clone()),
            _ if COMMON.contains(&key) => &self.common,
            _ => &self.vars,
        };
        source.get_attr(key).ok().filter(|v| !v.is_undefined())
    }

    /// Every name, sorted, each once.
    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        let mut names: std::collections::BTreeSet<minijinja::Value> =
            COMMON.iter().chain(["page"].iter()).map(|k| minijinja::Value::from(*k)).collect();
        names.extend(self.vars.try_iter().into_iter().flatten());
        minijinja::value::Enumerator::Iter(Box::new(names.into_iter()))
    }
}
