//! Reading a JSON request body strictly: every unknown field, wrong type, empty or
//! over-long string is collected as a [`FieldError`] naming the field and the rule,
//! instead of stopping at the first problem as serde would.

use serde_json::{Map, Value};

use crate::validation::{FieldError, Invalid};

mod typed;

/// A field in a PATCH: absent (leave as is), null (clear) or a new value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Patch<T> {
    #[default]
    Absent,
    Null,
    Set(T),
}

impl<T> Patch<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// Applies the patch to the current value.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Absent => current,
            Patch::Null => None,
            Patch::Set(v) => Some(v),
        }
    }
}

pub struct ObjectReader {
    fields: Map<String, Value>,
    seen: Vec<String>,
    pub errors: Vec<FieldError>,
    prefix: String,
}

impl ObjectReader {
    /// Fails (with one error on `""`) unless the body is a JSON object.
    pub fn new(body: Value) -> Result<Self, Invalid> {
        match body {
            Value::Object(fields) => Ok(Self {
                fields,
                seen: Vec::new(),
                errors: Vec::new(),
                prefix: String::new(),
            }),
            other => Err(Invalid(vec![FieldError::new(
                "",
                "object",
                format!("the body must be a JSON object, not {}", kind(&other)),
            )])),
        }
    }

    fn nested(fields: Map<String, Value>, prefix: String) -> Self {
        Self {
            fields,
            seen: Vec::new(),
            errors: Vec::new(),
            prefix,
        }
    }

    fn path(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    pub fn error(&mut self, name: &str, rule: &str, message: impl Into<String>) {
        let field = self.path(name);
        self.errors.push(FieldError::new(field, rule, message));
    }

    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    fn take(&mut self, name: &str) -> Option<Value> {
        self.seen.push(name.to_owned());
        self.fields.remove(name)
    }

    fn string_value(&mut self, name: &str, v: Value, max: usize) -> Option<String> {
        let Value::String(s) = v else {
            self.error(name, "type", format!("must be a string, not {}", kind(&v)));
            return None;
        };
        // The length is the string's as sent, so that JSON Schema's `maxLength` says it
        // exactly; the value kept is trimmed.
        let over_long = s.chars().count() > max;
        let s = s.trim().to_owned();
        if s.is_empty() {
            self.error(name, "required", "must not be empty");
            return None;
        }
        if over_long {
            self.error(
                name,
                "max_length",
                format!("must be at most {max} characters"),
            );
            return None;
        }
        if s.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            self.error(name, "characters", "must not contain control characters");
            return None;
        }
        Some(s)
    }

    /// A required, non-empty string (trimmed).
    pub fn required_string(&mut self, name: &str, max: usize) -> Option<String> {
        match self.take(name) {
            None | Some(Value::Null) => {
                self.error(name, "required", "is required");
                None
            }
            Some(v) => self.string_value(name, v, max),
        }
    }

    /// A required password or other secret, exactly as given: spaces are part of it.
    pub fn required_secret(&mut self, name: &str, max: usize) -> Option<String> {
        let value = match self.take(name) {
            None | Some(Value::Null) => {
                self.error(name, "required", "is required");
                return None;
            }
            Some(Value::String(s)) => s,
            Some(other) => {
                let message = format!("must be a string, not {}", kind(&other));
                self.error(name, "type", message);
                return None;
            }
        };
        if value.is_empty() {
            self.error(name, "required", "must not be empty");
            None
        } else if value.chars().count() > max {
            self.error(
                name,
                "max_length",
                format!("must be at most {max} characters"),
            );
            None
        } else if value.chars().any(char::is_control) {
            self.error(name, "characters", "must not contain control characters");
            None
        } else {
            Some(value)
        }
    }

    /// An optional string; null and absent both give `None`.
    pub fn optional_string(&mut self, name: &str, max: usize) -> Option<String> {
        match self.patch_string(name, max) {
            Patch::Set(s) => Some(s),
            _ => None,
        }
    }

    pub fn patch_string(&mut self, name: &str, max: usize) -> Patch<String> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(v) => match self.string_value(name, v, max) {
                Some(s) => Patch::Set(s),
                None => Patch::Absent,
            },
        }
    }

    /// A string that must satisfy `check`; `rule` and `message` describe the rule.
    pub fn patch_checked(
        &mut self,
        name: &str,
        max: usize,
        rule: &str,
        message: &str,
        check: impl Fn(&str) -> bool,
    ) -> Patch<String> {
        match self.patch_string(name, max) {
            Patch::Set(s) if !check(&s) => {
                self.error(name, rule, message);
                Patch::Absent
            }
            other => other,
        }
    }

    /// A value from a closed set, parsed by `parse`; the message lists what is allowed.
    pub fn patch_enum<T>(
        &mut self,
        name: &str,
        allowed: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Patch<T> {
        // Exactly one of the names, as the schema's `enum` lists them: no trimming.
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::String(s)) => match parse(&s) {
                Some(v) => Patch::Set(v),
                None => {
                    self.error(name, "enum", format!("must be one of {allowed}, not {s:?}"));
                    Patch::Absent
                }
            },
            Some(v) => {
                self.error(name, "type", format!("must be a string, not {}", kind(&v)));
                Patch::Absent
            }
        }
    }

    fn reject_unknown(&mut self) {
        let unknown: Vec<String> = self.fields.keys().cloned().collect();
        for name in unknown {
            self.error(&name, "unknown_field", "is not a field of this resource");
        }
        self.fields.clear();
    }

    /// Ends reading: any field not asked for is an error; all errors are returned.
    pub fn finish(mut self) -> Result<(), Invalid> {
        self.reject_unknown();
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.errors))
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_every_error_with_its_field() {
        let mut r =
            ObjectReader::new(json!({"name": " ", "email": 3, "extra": 1, "tags": ["a", ""]}))
                .unwrap();
        assert_eq!(r.required_string("name", 10), None);
        assert_eq!(r.patch_string("email", 10), Patch::Absent);
        assert_eq!(r.patch_string_list("tags", 5, 10), Patch::Absent);
        let errors = r.finish().unwrap_err().0;
        let got: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.rule.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("name", "required"),
                ("email", "type"),
                ("tags[1]", "required"),
                ("extra", "unknown_field")
            ]
        );
    }

    #[test]
    fn patch_distinguishes_absent_null_and_value() {
        let mut r = ObjectReader::new(json!({"a": null, "b": "x"})).unwrap();
        assert_eq!(r.patch_string("a", 5), Patch::Null);
        assert_eq!(r.patch_string("b", 5), Patch::Set("x".into()));
        assert_eq!(r.patch_string("c", 5), Patch::Absent);
        r.finish().unwrap();
    }

    #[test]
    fn nested_errors_carry_the_path() {
        let mut r = ObjectReader::new(json!({"addr": {"city": 1, "zzz": true}})).unwrap();
        let _ = r.patch_nested("addr", |n| n.optional_string("city", 10));
        let errors = r.finish().unwrap_err().0;
        assert_eq!(errors[0].field, "addr.city");
        assert_eq!(errors[1].field, "addr.zzz");
    }
}
