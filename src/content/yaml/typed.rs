//! A front matter's value into the front-matter structs (serde's derive), with each type
//! error as a structured kind: what was found (from the value itself) and what was
//! expected (from which `deserialize_*` the struct asked for), never parsed out of a
//! message. A bad field is set aside and the rest read again, so one run reports them all.

use super::kind_of;
use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;
use serde_yaml::{Mapping, Value};
use std::collections::HashMap;
use std::fmt;

/// What a field must hold, in the author's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expected {
    Text,
    WholeNumber,
    TrueFalse,
    List,
    Mapping,
}

impl Expected {
    fn words(self) -> &'static str {
        match self {
            Expected::Text => "text",
            Expected::WholeNumber => "a whole number",
            Expected::TrueFalse => "true or false",
            Expected::List => "a list",
            Expected::Mapping => "a mapping of `field: value` lines",
        }
    }
}

/// What a field holds instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    Text(String),
    Number(String),
    /// Any other kind, in words (`a list`).
    Kind(&'static str),
}

#[derive(Debug)]
pub(crate) enum TypeError {
    Mismatch {
        found: Found,
        expected: Expected,
    },
    /// Anything serde's derive says on its own (none of the front-matter structs asks
    /// for more than the kinds above).
    Other(String),
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeError::Mismatch { found: Found::Text(t), expected: Expected::WholeNumber }
                if !t.is_empty() && t.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) =>
            {
                write!(f, "the number {t} is out of range: whole numbers go from {} to {}", i64::MIN, i64::MAX)
            }
            TypeError::Mismatch { found, expected } => {
                match found {
                    Found::Text(t) if t.chars().count() <= 40 => write!(f, "found text \"{t}\"")?,
                    Found::Text(_) => f.write_str("found text")?,
                    Found::Number(n) => write!(f, "found the number {n}")?,
                    Found::Kind(kind) => write!(f, "found {kind}")?,
                }
                write!(f, ", expected {}", expected.words())
            }
            TypeError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for TypeError {}

impl de::Error for TypeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        TypeError::Other(message.to_string())
    }
}

fn found(value: &Value) -> Found {
    match value {
        Value::String(s) => Found::Text(s.clone()),
        Value::Number(n) => Found::Number(n.to_string()),
        other => Found::Kind(kind_of(other)),
    }
}

/// Reads a `&Value` for serde's derive, refusing every kind the struct did not ask for.
#[derive(Clone, Copy)]
pub(super) struct Typed<'v>(pub &'v Value);

impl<'v> Typed<'v> {
    fn mismatch(self, expected: Expected) -> TypeError {
        TypeError::Mismatch { found: found(self.0), expected }
    }

    /// Tags say nothing the front matter uses: `!x value` is `value`.
    fn untagged(self) -> Self {
        match self.0 {
            Value::Tagged(t) => Typed(&t.value).untagged(),
            _ => self,
        }
    }
}

impl<'de> IntoDeserializer<'de, TypeError> for Typed<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> Deserializer<'de> for Typed<'de> {
    type Error = TypeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        match self.untagged().0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => visitor.visit_i64(i),
                (_, Some(u)) => visitor.visit_u64(u),
                _ => visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Sequence(_) => self.deserialize_seq(visitor),
            Value::Mapping(_) => self.deserialize_map(visitor),
            Value::Tagged(_) => unreachable!("untagged"),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        match self.untagged().0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self.untagged()),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        match self.untagged().0 {
            Value::String(s) => visitor.visit_borrowed_str(s),
            _ => Err(self.untagged().mismatch(Expected::Text)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        match self.untagged().0 {
            Value::Number(n) if n.as_i64().is_some() => visitor.visit_i64(n.as_i64().unwrap_or_default()),
            _ => Err(self.untagged().mismatch(Expected::WholeNumber)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        match self.untagged().0 {
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::String(s) if s == "true" || s == "false" => visitor.visit_bool(s == "true"),
            _ => Err(self.untagged().mismatch(Expected::TrueFalse)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        match self.untagged().0 {
            Value::Sequence(items) => {
                let mut seq = de::value::SeqDeserializer::new(items.iter().map(Typed));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            _ => Err(self.untagged().mismatch(Expected::List)),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        match self.untagged().0 {
            Value::Mapping(map) => {
                let mut entries = de::value::MapDeserializer::new(map.iter().map(|(k, v)| (Typed(k), Typed(v))));
                let value = visitor.visit_map(&mut entries)?;
                entries.end()?;
                Ok(value)
            }
            _ => Err(self.untagged().mismatch(Expected::Mapping)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TypeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        i8 i16 i32 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit unit_struct
        newtype_struct tuple tuple_struct enum
    }
}

/// Reads a front matter's value into `T`. On type errors returns, for every bad field,
/// its dotted path (`features.0.title`) and what is wrong with it.
pub(crate) fn typed<T: DeserializeOwned>(value: &Value) -> Result<T, Vec<(String, TypeError)>> {
    if let Ok(raw) = T::deserialize(Typed(value)) {
        return Ok(raw);
    }
    let mut value = value.clone();
    let mut errors: Vec<(String, TypeError)> = Vec::new();
    let mut attempts: HashMap<String, usize> = HashMap::new();
    // Each round sets one node aside, so this ends; the cap keeps a hostile file cheap.
    for _ in 0..150 {
        match typed_once::<T>(&value) {
            Ok(raw) if errors.is_empty() => return Ok(raw),
            Ok(_) => return Err(errors),
            Err((path, error)) => {
                let attempt = attempts.entry(path.clone()).or_default();
                if *attempt == 0 {
                    errors.push((path.clone(), error));
                }
                let set_aside = set_aside(&mut value, &path, *attempt);
                *attempt += 1;
                if !set_aside || errors.len() >= 50 {
                    break;
                }
            }
        }
    }
    Err(errors)
}

fn typed_once<T: DeserializeOwned>(value: &Value) -> Result<T, (String, TypeError)> {
    serde_path_to_error::deserialize(Typed(value)).map_err(|e| {
        let path = e
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(".");
        (path, e.into_inner())
    })
}

/// Sets aside the node at a dotted path so that the next round reads past it: a field is
/// removed; a list item is replaced by an empty mapping, then by empty text (whichever
/// its list holds), and removed only as a last resort, since that shifts the indexes of
/// the items after it. False when there is nothing left to try.
fn set_aside(value: &mut Value, path: &str, attempt: usize) -> bool {
    let (parents, last) = path.rsplit_once('.').unwrap_or(("", path));
    if last.is_empty() {
        return false;
    }
    let mut node = value;
    for part in parents.split('.').filter(|p| !p.is_empty()) {
        let next = match node {
            Value::Mapping(m) => m.get_mut(part),
            Value::Sequence(items) => part.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        };
        match next {
            Some(next) => node = next,
            None => return false,
        }
    }
    match node {
        Value::Mapping(m) => attempt == 0 && m.remove(last).is_some(),
        Value::Sequence(items) => match (last.parse::<usize>(), attempt) {
            (Ok(i), 0) if i < items.len() => {
                items[i] = Value::Mapping(Mapping::new());
                true
            }
            (Ok(i), 1) if i < items.len() => {
                items[i] = Value::String(String::new());
                true
            }
            (Ok(i), 2) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Item {
        #[allow(dead_code)]
        title: Option<String>,
    }

    #[derive(serde::Deserialize, Debug)]
    struct Doc {
        #[allow(dead_code)]
        order: Option<i64>,
        #[allow(dead_code)]
        items: Option<Vec<Item>>,
    }

    fn errors(yaml: &str) -> Vec<(String, String)> {
        let value = super::super::load::load(yaml).unwrap().value;
        typed::<Doc>(&value).unwrap_err().into_iter().map(|(p, e)| (p, e.to_string())).collect()
    }

    #[test]
    fn type_errors_are_kinds_in_the_authors_words() {
        assert_eq!(
            errors("order: first\n"),
            [("order".to_string(), "found text \"first\", expected a whole number".to_string())]
        );
        let found = errors("items:\n  - a\n  - title: [x]\n");
        assert_eq!(found[0], ("items.0".into(), "found text \"a\", expected a mapping of `field: value` lines".into()));
        assert_eq!(found[1], ("items.1.title".into(), "found a list, expected text".into()));
        assert_eq!(errors("items:\n  title: x\n")[0].1, "found a mapping of `field: value` lines, expected a list");
        assert_eq!(
            errors("order: 99999999999999999999\n")[0].1,
            format!(
                "the number 99999999999999999999 is out of range: whole numbers go from {} to {}",
                i64::MIN,
                i64::MAX
            )
        );
    }
}
