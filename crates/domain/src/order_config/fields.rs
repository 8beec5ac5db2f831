//! The kinds of field only order configuration has: keys (of types, states and people
//! roles), lists of keys, `#rrggbb` colours, and a JSON Schema kept for an order's `data`
//! — each read strictly and described by exactly what its reader takes.

use serde_json::{Map, Value};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};

use crate::changes::{schema, Kind, Mode};
use crate::input::{ObjectReader, Patch};

/// What a key may hold, as a regular expression (the API document's pattern).
const KEY_PATTERN: &str = "^[a-z0-9_-]+$";
const KEY_MESSAGE: &str = "must be lower-case letters (a-z), digits, - or _";

/// Whether `s` is a key: lower-case ASCII letters, digits, `-` and `_`, nothing else.
pub fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn is_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One key as sent: keys are names clients compare and put in URLs, so they are taken
/// exactly, never trimmed or folded. `None` after reporting why not.
fn key_value(r: &mut ObjectReader, field: &str, v: Value, max: usize) -> Option<String> {
    let Value::String(s) = v else {
        r.error(
            field,
            "type",
            format!("must be a string, not {}", kind_of(&v)),
        );
        return None;
    };
    if s.is_empty() {
        r.error(field, "required", "must not be empty");
    } else if s.chars().count() > max {
        r.error(
            field,
            "max_length",
            format!("must be at most {max} characters"),
        );
    } else if !is_key(&s) {
        r.error(field, "key", KEY_MESSAGE);
    } else {
        return Some(s);
    }
    None
}

fn key_schema(max: usize) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(KEY_PATTERN))
}

/// A key of at most `max` characters.
pub struct Key(usize);

impl Key {
    pub const fn new(max: usize) -> Self {
        Self(max)
    }
}

impl Kind for Key {
    type Value = Patch<String>;

    fn read(&self, r: &mut ObjectReader, name: &str, mode: Mode) -> Patch<String> {
        match r.raw(name) {
            None => Patch::Absent,
            Some(Value::Null) if mode.required => {
                r.error(name, "required", "is required");
                Patch::Absent
            }
            Some(Value::Null) => Patch::Null,
            Some(v) => key_value(r, name, v, self.0).map_or(Patch::Absent, Patch::Set),
        }
    }

    fn schema(&self) -> Schema {
        key_schema(self.0).build().into()
    }
}

/// A list of at most `max_items` distinct keys of at most `max_len` characters each.
/// A repeated key is refused (naming it by its index) rather than dropped, so an error
/// about `to[2]` names the third key as sent.
pub struct KeyList(usize, usize);

impl KeyList {
    pub const fn new(max_items: usize, max_len: usize) -> Self {
        Self(max_items, max_len)
    }
}

impl Kind for KeyList {
    type Value = Patch<Vec<String>>;

    fn read(&self, r: &mut ObjectReader, name: &str, mode: Mode) -> Patch<Vec<String>> {
        let items = match r.raw(name) {
            None => return Patch::Absent,
            Some(Value::Null) if mode.required => {
                r.error(name, "required", "is required");
                return Patch::Absent;
            }
            Some(Value::Null) => return Patch::Null,
            Some(Value::Array(items)) => items,
            Some(other) => {
                let message = format!("must be an array of keys, not {}", kind_of(&other));
                r.error(name, "type", message);
                return Patch::Absent;
            }
        };
        if items.len() > self.0 {
            let message = format!("must have at most {} items", self.0);
            r.error(name, "max_items", message);
            return Patch::Absent;
        }
        let mut out: Vec<String> = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let field = format!("{name}[{i}]");
            let Some(key) = key_value(r, &field, item, self.1) else {
                continue;
            };
            if out.contains(&key) {
                r.error(&field, "unique", format!("repeats {key:?}"));
            } else {
                out.push(key);
            }
        }
        // With a bad item the read fails as a whole; the list is still "given", so the
        // field is not also reported missing.
        Patch::Set(out)
    }

    fn schema(&self) -> Schema {
        Schema::Array(
            ArrayBuilder::new()
                .items(key_schema(self.1).build())
                .max_items(Some(self.0))
                .unique_items(true)
                .build(),
        )
    }
}

/// A colour written `#rrggbb` (either case; kept in lower case).
#[derive(Default)]
pub struct Colour;

impl Colour {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for Colour {
    type Value = Patch<String>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<String> {
        match r.raw(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::String(s)) if is_colour(&s) => Patch::Set(s.to_ascii_lowercase()),
            Some(Value::String(s)) => {
                let message = format!("must be a colour written #rrggbb, not {s:?}");
                r.error(name, "colour", message);
                Patch::Absent
            }
            Some(other) => {
                let message = format!("must be a string, not {}", kind_of(&other));
                r.error(name, "type", message);
                Patch::Absent
            }
        }
    }

    fn schema(&self) -> Schema {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^#[0-9a-fA-F]{6}$"))
            .examples(["#2563eb"])
            .build()
            .into()
    }
}

/// A JSON Schema for an order's `data`, at most `max_bytes` of JSON: an object that
/// compiles (see [`super::compile_data_schema`]); the compiler's words name what is wrong.
pub struct DataSchema(usize);

impl DataSchema {
    pub const fn new(max_bytes: usize) -> Self {
        Self(max_bytes)
    }
}

impl Kind for DataSchema {
    type Value = Patch<Map<String, Value>>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<Map<String, Value>> {
        match r.patch_object(name, self.0) {
            Patch::Set(schema) => match super::compile_data_schema(&schema) {
                Ok(_) => Patch::Set(schema),
                Err(why) => {
                    r.error(name, "json_schema", why);
                    Patch::Absent
                }
            },
            other => other,
        }
    }

    fn schema(&self) -> Schema {
        schema::any_object().build().into()
    }
}
