use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A parameter or column value, engine-neutral. Each engine maps it to its own types:
/// PostgreSQL to native UUID, TIMESTAMPTZ, DATE, NUMERIC and JSONB; SQLite to canonical
/// text (never a float for money).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Text(String),
    Uuid(Uuid),
    Timestamp(DateTime<Utc>),
    Date(NaiveDate),
    Decimal(Decimal),
    Json(serde_json::Value),
    Bytes(Vec<u8>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

macro_rules! from_impl {
    ($t:ty, $v:ident => $e:expr) => {
        impl From<$t> for Value {
            fn from($v: $t) -> Self {
                $e
            }
        }
    };
}

from_impl!(bool, v => Value::Bool(v));
from_impl!(i64, v => Value::Int(v));
from_impl!(i32, v => Value::Int(v.into()));
from_impl!(u32, v => Value::Int(v.into()));
from_impl!(String, v => Value::Text(v));
from_impl!(&str, v => Value::Text(v.to_owned()));
from_impl!(&String, v => Value::Text(v.clone()));
from_impl!(Uuid, v => Value::Uuid(v));
from_impl!(&Uuid, v => Value::Uuid(*v));
from_impl!(DateTime<Utc>, v => Value::Timestamp(v));
from_impl!(NaiveDate, v => Value::Date(v));
from_impl!(Decimal, v => Value::Decimal(v));
from_impl!(serde_json::Value, v => Value::Json(v));
from_impl!(Vec<u8>, v => Value::Bytes(v));

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
