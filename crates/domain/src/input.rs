//! Reading a JSON request body strictly: every unknown field, wrong type, empty or
//! over-long string is collected as a [`FieldError`] naming the field and the rule,
//! instead of stopping at the first problem as serde would.

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::validation::{FieldError, Invalid};

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
        let s = s.trim().to_owned();
        if s.is_empty() {
            self.error(name, "required", "must not be empty");
            return None;
        }
        if s.chars().count() > max {
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
        match self.patch_string(name, 100) {
            Patch::Set(s) => match parse(&s) {
                Some(v) => Patch::Set(v),
                None => {
                    self.error(name, "enum", format!("must be one of {allowed}, not {s:?}"));
                    Patch::Absent
                }
            },
            Patch::Null => Patch::Null,
            Patch::Absent => Patch::Absent,
        }
    }

    pub fn patch_uuid(&mut self, name: &str) -> Patch<Uuid> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::String(s)) => match Uuid::parse_str(s.trim()) {
                Ok(u) => Patch::Set(u),
                Err(_) => {
                    self.error(name, "uuid", format!("{s:?} is not a UUID"));
                    Patch::Absent
                }
            },
            Some(v) => {
                self.error(
                    name,
                    "type",
                    format!("must be a UUID string, not {}", kind(&v)),
                );
                Patch::Absent
            }
        }
    }

    pub fn patch_bool(&mut self, name: &str) -> Patch<bool> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::Bool(b)) => Patch::Set(b),
            Some(v) => {
                self.error(
                    name,
                    "type",
                    format!("must be true or false, not {}", kind(&v)),
                );
                Patch::Absent
            }
        }
    }

    /// A calendar date written `YYYY-MM-DD`.
    pub fn patch_date(&mut self, name: &str) -> Patch<chrono::NaiveDate> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::String(s)) => match chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            {
                Ok(d) => Patch::Set(d),
                Err(_) => {
                    self.error(name, "date", format!("{s:?} is not a YYYY-MM-DD date"));
                    Patch::Absent
                }
            },
            Some(v) => {
                self.error(
                    name,
                    "type",
                    format!("must be a YYYY-MM-DD string, not {}", kind(&v)),
                );
                Patch::Absent
            }
        }
    }

    /// A whole number within `min..=max`.
    pub fn patch_int(&mut self, name: &str, min: i64, max: i64) -> Patch<i64> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) if (min..=max).contains(&i) => Patch::Set(i),
                _ => {
                    self.error(
                        name,
                        "range",
                        format!("must be a whole number from {min} to {max}"),
                    );
                    Patch::Absent
                }
            },
            Some(v) => {
                self.error(
                    name,
                    "type",
                    format!("must be a whole number, not {}", kind(&v)),
                );
                Patch::Absent
            }
        }
    }

    /// An exact, non-negative amount written as a decimal string (API.md: money).
    pub fn patch_money(&mut self, name: &str) -> Patch<rust_decimal::Decimal> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::String(s)) => match crate::money::parse_amount(&s) {
                Ok(d) => Patch::Set(d),
                Err(why) => {
                    let rule = if why.contains("negative") {
                        "minimum"
                    } else {
                        "decimal"
                    };
                    self.error(name, rule, why);
                    Patch::Absent
                }
            },
            Some(v) => {
                self.error(
                    name,
                    "type",
                    format!(
                        "must be a decimal string such as \"1234.50\", not {}",
                        kind(&v)
                    ),
                );
                Patch::Absent
            }
        }
    }

    /// An ISO 4217 currency code (upper case).
    pub fn patch_currency(&mut self, name: &str) -> Patch<String> {
        match self.patch_string(name, 3) {
            Patch::Set(c) if !crate::money::is_iso4217(&c) => {
                self.error(
                    name,
                    "iso4217",
                    format!("{c:?} is not an ISO 4217 currency code"),
                );
                Patch::Absent
            }
            other => other,
        }
    }

    /// An RFC 3339 time.
    pub fn patch_timestamp(&mut self, name: &str) -> Patch<chrono::DateTime<chrono::Utc>> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::String(s)) => match chrono::DateTime::parse_from_rfc3339(s.trim()) {
                Ok(t) => Patch::Set(t.with_timezone(&chrono::Utc)),
                Err(_) => {
                    self.error(name, "date_time", format!("{s:?} is not an RFC 3339 time"));
                    Patch::Absent
                }
            },
            Some(v) => {
                self.error(
                    name,
                    "type",
                    format!("must be an RFC 3339 string, not {}", kind(&v)),
                );
                Patch::Absent
            }
        }
    }

    /// A list of UUIDs, at most `max_items`, duplicates dropped.
    pub fn uuid_list(&mut self, name: &str, max_items: usize) -> Option<Vec<Uuid>> {
        let v = match self.take(name) {
            None | Some(Value::Null) => {
                self.error(name, "required", "is required");
                return None;
            }
            Some(v) => v,
        };
        let Value::Array(items) = v else {
            self.error(
                name,
                "type",
                format!("must be an array of UUIDs, not {}", kind(&v)),
            );
            return None;
        };
        if items.is_empty() || items.len() > max_items {
            self.error(name, "items", format!("must have 1 to {max_items} items"));
            return None;
        }
        let mut out: Vec<Uuid> = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match item.as_str().map(|s| Uuid::parse_str(s.trim())) {
                Some(Ok(u)) => {
                    if !out.contains(&u) {
                        out.push(u);
                    }
                }
                _ => self.error(&format!("{name}[{i}]"), "uuid", "is not a UUID"),
            }
        }
        Some(out)
    }

    /// The raw value of a field the caller reads itself (marked as known).
    pub fn raw(&mut self, name: &str) -> Option<Value> {
        self.take(name)
    }

    /// A list of distinct non-empty strings.
    pub fn patch_string_list(
        &mut self,
        name: &str,
        max_items: usize,
        max_len: usize,
    ) -> Patch<Vec<String>> {
        let v = match self.take(name) {
            None => return Patch::Absent,
            Some(Value::Null) => return Patch::Null,
            Some(v) => v,
        };
        let Value::Array(items) = v else {
            self.error(
                name,
                "type",
                format!("must be an array of strings, not {}", kind(&v)),
            );
            return Patch::Absent;
        };
        if items.len() > max_items {
            self.error(
                name,
                "max_items",
                format!("must have at most {max_items} items"),
            );
            return Patch::Absent;
        }
        let mut out: Vec<String> = Vec::with_capacity(items.len());
        let before = self.errors.len();
        for (i, item) in items.into_iter().enumerate() {
            if let Some(s) = self.string_value(&format!("{name}[{i}]"), item, max_len) {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        if self.errors.len() > before {
            return Patch::Absent;
        }
        Patch::Set(out)
    }

    /// Any JSON object, bounded in size.
    pub fn patch_object(&mut self, name: &str, max_bytes: usize) -> Patch<Map<String, Value>> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::Object(m)) => {
                if Value::Object(m.clone()).to_string().len() > max_bytes {
                    self.error(
                        name,
                        "max_size",
                        format!("must be at most {max_bytes} bytes of JSON"),
                    );
                    return Patch::Absent;
                }
                Patch::Set(m)
            }
            Some(v) => {
                self.error(name, "type", format!("must be an object, not {}", kind(&v)));
                Patch::Absent
            }
        }
    }

    /// A nested object read by `read`, whose errors are reported as `name.field`.
    pub fn patch_nested<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut ObjectReader) -> Option<T>,
    ) -> Patch<T> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::Object(m)) => {
                let mut inner = ObjectReader::nested(m, format!("{}.", self.path(name)));
                let value = read(&mut inner);
                inner.reject_unknown();
                let failed = !inner.errors.is_empty();
                self.errors.append(&mut inner.errors);
                match value {
                    Some(v) if !failed => Patch::Set(v),
                    _ => Patch::Absent,
                }
            }
            Some(v) => {
                self.error(name, "type", format!("must be an object, not {}", kind(&v)));
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
