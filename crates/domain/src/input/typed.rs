//! The typed fields of a body: ids, flags, dates, numbers, money, currencies, times,
//! lists, free-form objects and nested objects, each read with the rule it must meet.

use serde_json::{Map, Value};
use uuid::Uuid;

use super::{kind, ObjectReader, Patch};

impl ObjectReader {
    pub fn patch_uuid(&mut self, name: &str) -> Patch<Uuid> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::String(s)) => match crate::validation::strict_uuid(&s) {
                Some(u) => Patch::Set(u),
                None => {
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
        self.patch_date_read(name, crate::validation::strict_date, "")
    }

    /// A `YYYY-MM-DD` date, or an RFC 3339 time at midnight (`2026-03-01T00:00:00Z`,
    /// any offset), taken as its date as written: what a system that keeps dates as
    /// timestamps sends (seed 004's expected close date).
    pub fn patch_date_or_midnight(&mut self, name: &str) -> Patch<chrono::NaiveDate> {
        let read = |s: &str| {
            crate::validation::strict_date(s).or_else(|| {
                let (day, time) = s.split_once('T')?;
                let t = chrono::DateTime::parse_from_rfc3339(s).ok()?;
                let midnight = t.time() == chrono::NaiveTime::MIN;
                (midnight && time.starts_with("00:00:00"))
                    .then(|| crate::validation::strict_date(day))
                    .flatten()
            })
        };
        self.patch_date_read(name, read, " (a time is accepted only at midnight)")
    }

    /// A date field read from its string by `read`; `also` ends the error message with
    /// what else the field takes.
    fn patch_date_read(
        &mut self,
        name: &str,
        read: impl Fn(&str) -> Option<chrono::NaiveDate>,
        also: &str,
    ) -> Patch<chrono::NaiveDate> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::String(s)) => match read(&s) {
                Some(d) => Patch::Set(d),
                None => {
                    self.error(
                        name,
                        "date",
                        format!("{s:?} is not a YYYY-MM-DD date{also}"),
                    );
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
            Some(Value::Number(n)) => match crate::validation::whole_number(&n) {
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
            Some(Value::String(s)) => match chrono::DateTime::parse_from_rfc3339(&s) {
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
            match item.as_str().and_then(crate::validation::strict_uuid) {
                Some(u) => {
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

    /// A list of at most `max_items` distinct UUIDs (a repeated one is dropped), each
    /// error naming its index (`recipient_ids[2]`).
    pub fn patch_uuid_list(&mut self, name: &str, max_items: usize) -> Patch<Vec<Uuid>> {
        let texts = match self.patch_string_list(name, max_items, 36) {
            Patch::Set(texts) => texts,
            Patch::Null => return Patch::Null,
            Patch::Absent => return Patch::Absent,
        };
        let mut ids = Vec::with_capacity(texts.len());
        let before = self.errors.len();
        for (i, s) in texts.iter().enumerate() {
            match crate::validation::strict_uuid(s) {
                Some(u) if !ids.contains(&u) => ids.push(u),
                Some(_) => {}
                None => self.error(
                    &format!("{name}[{i}]"),
                    "uuid",
                    format!("{s:?} is not a UUID"),
                ),
            }
        }
        if self.errors.len() > before {
            return Patch::Absent;
        }
        Patch::Set(ids)
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
                if m.iter().any(|(k, v)| {
                    crate::validation::has_nul(k) || crate::validation::json_has_nul(v)
                }) {
                    self.error(
                        name,
                        "characters",
                        "must not contain the NUL character (U+0000) in a key or a value",
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
}
