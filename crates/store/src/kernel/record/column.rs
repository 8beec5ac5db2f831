//! How one field of a record is stored in its column and read back, the same on both
//! engines: plain values as the database crate converts them, decimals normalised
//! (never a float), enums as their names, structured fields as JSON.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_db::{DbError, Row, Value};
use rust_decimal::Decimal;
use serde_json::Map;
use uuid::Uuid;

use rapport_domain::account::{AccountKind, Address, CustomerType};
use rapport_domain::activity::{ActivityKind, Channel};
use rapport_domain::contact::ContactKind;
use rapport_domain::contract::ContractStatus;
use rapport_domain::distribution::Source;
use rapport_domain::lead::LeadStatus;
use rapport_domain::order::Priority;
use rapport_domain::order_config::Stamp;
use rapport_domain::pricing::Period;
use rapport_domain::project::{ProjectStatus, TaskStatus};

use crate::StoreError;

/// A field's column.
pub trait Column: Sized {
    fn to_value(&self) -> Value;
    fn read(r: &Row, column: &str) -> Result<Self, StoreError>;
}

/// Types the database crate converts both ways as they are.
macro_rules! plain {
    ($($ty:ty),* $(,)?) => {$(
        impl Column for $ty {
            fn to_value(&self) -> Value {
                self.clone().into()
            }

            fn read(r: &Row, column: &str) -> Result<Self, StoreError> {
                Ok(r.get(column)?)
            }
        }
    )*};
}

plain!(
    String,
    Option<String>,
    Uuid,
    Option<Uuid>,
    i64,
    Option<i64>,
    bool,
    NaiveDate,
    Option<NaiveDate>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

impl Column for Decimal {
    fn to_value(&self) -> Value {
        self.normalize().into()
    }

    fn read(r: &Row, column: &str) -> Result<Self, StoreError> {
        Ok(r.get(column)?)
    }
}

impl Column for Option<Decimal> {
    fn to_value(&self) -> Value {
        self.map(|v| v.normalize()).into()
    }

    fn read(r: &Row, column: &str) -> Result<Self, StoreError> {
        Ok(r.get(column)?)
    }
}

fn decode(column: &str, what: impl std::fmt::Display) -> StoreError {
    DbError::decode(format!("{column}: {what}")).into()
}

/// Enums stored as their names.
macro_rules! named {
    ($($ty:ty),* $(,)?) => {$(
        impl Column for $ty {
            fn to_value(&self) -> Value {
                self.as_str().into()
            }

            fn read(r: &Row, column: &str) -> Result<Self, StoreError> {
                let name: String = r.get(column)?;
                <$ty>::parse(&name).ok_or_else(|| decode(column, format!("unexpected {name:?}")))
            }
        }

        impl Column for Option<$ty> {
            fn to_value(&self) -> Value {
                self.map(|v| v.as_str()).into()
            }

            fn read(r: &Row, column: &str) -> Result<Self, StoreError> {
                match r.get::<Option<String>>(column)? {
                    None => Ok(None),
                    Some(name) => <$ty>::parse(&name)
                        .map(Some)
                        .ok_or_else(|| decode(column, format!("unexpected {name:?}"))),
                }
            }
        }
    )*};
}

named!(
    AccountKind,
    CustomerType,
    ActivityKind,
    Channel,
    ContactKind,
    Source,
    LeadStatus,
    Period,
    Stamp,
    Priority,
    ContractStatus,
    ProjectStatus,
    TaskStatus,
);

fn json<T: serde::de::DeserializeOwned>(r: &Row, column: &str) -> Result<Option<T>, StoreError> {
    match r.get::<Option<serde_json::Value>>(column)? {
        None => Ok(None),
        Some(j) => serde_json::from_value(j)
            .map(Some)
            .map_err(|e| decode(column, e)),
    }
}

/// Free-form metadata: a JSON object, empty when the column is null.
impl Column for Map<String, serde_json::Value> {
    fn to_value(&self) -> Value {
        serde_json::Value::Object(self.clone()).into()
    }

    fn read(r: &Row, column: &str) -> Result<Self, StoreError> {
        Ok(json(r, column)?.unwrap_or_default())
    }
}

/// A JSON object that may be absent (an order type's schema).
impl Column for Option<Map<String, serde_json::Value>> {
    fn to_value(&self) -> Value {
        match self {
            Some(m) => serde_json::Value::Object(m.clone()).into(),
            None => Value::Null,
        }
    }

    fn read(r: &Row, column: &str) -> Result<Self, StoreError> {
        json(r, column)
    }
}

/// A list of words (tags) as a JSON array, empty when the column is null.
impl Column for Vec<String> {
    fn to_value(&self) -> Value {
        serde_json::json!(self).into()
    }

    fn read(r: &Row, column: &str) -> Result<Self, StoreError> {
        Ok(json(r, column)?.unwrap_or_default())
    }
}

impl Column for Option<Address> {
    fn to_value(&self) -> Value {
        match self {
            Some(address) => serde_json::to_value(address).map_or(Value::Null, Value::Json),
            None => Value::Null,
        }
    }

    fn read(r: &Row, column: &str) -> Result<Self, StoreError> {
        json(r, column)
    }
}
