use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::{parse_timestamp, DbError, Value};

/// An owned result row. Typed getters accept either the engine's native value or the
/// canonical text SQLite stores, so repository code reads both engines alike.
#[derive(Debug, Clone)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    pub(crate) fn new(columns: Arc<[String]>, values: Vec<Value>) -> Self {
        Self { columns, values }
    }

    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    pub fn value(&self, name: &str) -> Result<&Value, DbError> {
        self.columns
            .iter()
            .position(|c| c == name)
            .map(|i| &self.values[i])
            .ok_or_else(|| DbError::decode(format!("no column named {name}")))
    }

    pub fn get<T: FromValue>(&self, name: &str) -> Result<T, DbError> {
        T::from_value(self.value(name)?).map_err(|e| DbError::decode(format!("{name}: {e}")))
    }

    pub fn get_index<T: FromValue>(&self, index: usize) -> Result<T, DbError> {
        let v = self
            .values
            .get(index)
            .ok_or_else(|| DbError::decode(format!("no column {index}")))?;
        T::from_value(v).map_err(|e| DbError::decode(format!("column {index}: {e}")))
    }
}

pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Result<Self, String>;
}

fn mismatch<T>(want: &str, v: &Value) -> Result<T, String> {
    Err(format!("expected {want}, found {v:?}"))
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl FromValue for Value {
    fn from_value(v: &Value) -> Result<Self, String> {
        Ok(v.clone())
    }
}

impl FromValue for String {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            Value::Uuid(u) => Ok(u.to_string()),
            Value::Json(j) => Ok(j.to_string()),
            Value::Decimal(d) => Ok(d.normalize().to_string()),
            Value::Int(i) => Ok(i.to_string()),
            other => mismatch("text", other),
        }
    }
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Decimal(d) => i64::try_from(*d).map_err(|e| e.to_string()),
            Value::Text(s) => s.parse().map_err(|_| format!("not an integer: {s}")),
            other => mismatch("integer", other),
        }
    }
}

impl FromValue for i32 {
    fn from_value(v: &Value) -> Result<Self, String> {
        i64::from_value(v).and_then(|i| i32::try_from(i).map_err(|e| e.to_string()))
    }
}

impl FromValue for bool {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Bool(b) => Ok(*b),
            Value::Int(i) => Ok(*i != 0),
            other => mismatch("boolean", other),
        }
    }
}

impl FromValue for Uuid {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Uuid(u) => Ok(*u),
            Value::Text(s) => Uuid::parse_str(s).map_err(|e| e.to_string()),
            Value::Bytes(b) => Uuid::from_slice(b).map_err(|e| e.to_string()),
            other => mismatch("uuid", other),
        }
    }
}

impl FromValue for DateTime<Utc> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Timestamp(t) => Ok(*t),
            Value::Text(s) => parse_timestamp(s).ok_or_else(|| format!("not a timestamp: {s}")),
            other => mismatch("timestamp", other),
        }
    }
}

impl FromValue for NaiveDate {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Date(d) => Ok(*d),
            Value::Text(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| e.to_string()),
            other => mismatch("date", other),
        }
    }
}

impl FromValue for Decimal {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Decimal(d) => Ok(*d),
            Value::Text(s) => s.parse().map_err(|_| format!("not a decimal: {s}")),
            Value::Int(i) => Ok(Decimal::from(*i)),
            other => mismatch("decimal", other),
        }
    }
}

impl FromValue for serde_json::Value {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Json(j) => Ok(j.clone()),
            Value::Text(s) => serde_json::from_str(s).map_err(|e| e.to_string()),
            other => mismatch("json", other),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Bytes(b) => Ok(b.clone()),
            Value::Text(s) => Ok(s.as_bytes().to_vec()),
            other => mismatch("bytes", other),
        }
    }
}
