//! The review and the plan as JSON, for scripts.

use serde::Serialize;

pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    let mut json = serde_json::to_string_pretty(value).expect("the review serializes");
    json.push('\n');
    json
}
