//! The kinds of field a body has, each read by one `ObjectReader` method and described by
//! the schema of what that method accepts.

use std::marker::PhantomData;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, Type};
use uuid::Uuid;

use super::schema::{self, text};
use super::{Choice, Kind, Mode, NestedObject};
use crate::input::{ObjectReader, Patch};
use crate::validation::{is_email, is_phone, is_web_url};

mod lists;
pub use lists::{IdList, TextList};

/// A trimmed, non-empty string of at most `max` characters. Required on create, it is
/// read as `required_string`: `null` is then "is required" too.
pub struct Text(usize);

impl Text {
    pub const fn new(max: usize) -> Self {
        Self(max)
    }
}

impl Kind for Text {
    type Value = Patch<String>;

    fn read(&self, r: &mut ObjectReader, name: &str, mode: Mode) -> Patch<String> {
        if mode.required {
            r.required_string(name, self.0)
                .map_or(Patch::Absent, Patch::Set)
        } else {
            r.patch_string(name, self.0)
        }
    }

    fn schema(&self) -> Schema {
        text(self.0).build().into()
    }
}

/// A string read only when given; `null` reads as not given. For values that are not a
/// field of the entity (lead's `status_reason`).
pub struct OptionalText(usize);

impl OptionalText {
    pub const fn new(max: usize) -> Self {
        Self(max)
    }
}

impl Kind for OptionalText {
    type Value = Option<String>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Option<String> {
        r.optional_string(name, self.0)
    }

    fn schema(&self) -> Schema {
        text(self.0).build().into()
    }
}

/// An email address of at most `max` characters.
pub struct Email(usize);

impl Email {
    pub const fn new(max: usize) -> Self {
        Self(max)
    }
}

impl Kind for Email {
    type Value = Patch<String>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<String> {
        r.patch_checked(name, self.0, "email", "is not an email address", is_email)
    }

    fn schema(&self) -> Schema {
        schema::formatted(KnownFormat::Email)
            .max_length(Some(self.0))
            .build()
            .into()
    }
}

/// A phone number as typed: 3 to 20 digits among spaces and `+-().x/`.
pub struct Phone(usize);

impl Phone {
    pub const fn new(max: usize) -> Self {
        Self(max)
    }
}

impl Kind for Phone {
    type Value = Patch<String>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<String> {
        r.patch_checked(name, self.0, "phone", "is not a phone number", is_phone)
    }

    fn schema(&self) -> Schema {
        text(self.0)
            .pattern(Some(schema::trimmed(
                r"(?:[ +\-().x/]*[0-9]){3,20}[ +\-().x/]*",
            )))
            .build()
            .into()
    }
}

/// An http(s) URL of at most `max` characters.
pub struct WebUrl(usize);

impl WebUrl {
    pub const fn new(max: usize) -> Self {
        Self(max)
    }
}

impl Kind for WebUrl {
    type Value = Patch<String>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<String> {
        r.patch_checked(name, self.0, "url", "must be an http(s) URL", is_web_url)
    }

    fn schema(&self) -> Schema {
        // No `format: uri`: the reader checks the scheme and white space, not the
        // whole URI grammar, and the schema must not promise more.
        let (t, c) = (schema::TRIMMED, schema::REFUSED_CONTROLS);
        text(self.0)
            .pattern(Some(schema::trimmed(&format!(
                "https?://[^/\\[\\]{t}{c}][^\\[\\]{t}{c}]*"
            ))))
            .build()
            .into()
    }
}

/// A name from the closed set `T`.
pub struct Enum<T>(PhantomData<T>);

impl<T> Enum<T> {
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> Default for Enum<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Choice> Kind for Enum<T> {
    type Value = Patch<T>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<T> {
        r.patch_enum(name, &T::names(), T::parse)
    }

    fn schema(&self) -> Schema {
        schema::one_of(T::accepted()).build().into()
    }
}

/// A UUID naming another record.
#[derive(Default)]
pub struct Id;

impl Id {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for Id {
    type Value = Patch<Uuid>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<Uuid> {
        r.patch_uuid(name)
    }

    fn schema(&self) -> Schema {
        schema::formatted(KnownFormat::Uuid).build().into()
    }
}

/// `true` or `false`.
#[derive(Default)]
pub struct Flag;

impl Flag {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for Flag {
    type Value = Patch<bool>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<bool> {
        r.patch_bool(name)
    }

    fn schema(&self) -> Schema {
        schema::boolean().build().into()
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Default)]
pub struct Date;

impl Date {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for Date {
    type Value = Patch<NaiveDate>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<NaiveDate> {
        r.patch_date(name)
    }

    fn schema(&self) -> Schema {
        schema::formatted(KnownFormat::Date).build().into()
    }
}

/// A date, or a time at midnight in any offset read as the date written (seed 004 keeps
/// dates as timestamps). Nullable: its schema says so itself, as an `anyOf`.
#[derive(Default)]
pub struct DateOrMidnight;

impl DateOrMidnight {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for DateOrMidnight {
    type Value = Patch<NaiveDate>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<NaiveDate> {
        r.patch_date_or_midnight(name)
    }

    fn schema(&self) -> Schema {
        let midnight = schema::formatted(KnownFormat::DateTime)
            .pattern(Some(r"T00:00:00(?:Z|[+-][0-9]{2}:[0-9]{2})$"));
        utoipa::openapi::schema::AnyOfBuilder::new()
            .item(schema::formatted(KnownFormat::Date).build())
            .item(midnight.build())
            .item(ObjectBuilder::new().schema_type(Type::Null).build())
            .build()
            .into()
    }
}

/// A calendar date on or after 1970-01-01, `YYYY-MM-DD`: the schema's pattern holds the
/// year (`format: date` the rest); the reader's own check names the rule.
#[derive(Default)]
pub struct DateFrom1970;

impl DateFrom1970 {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for DateFrom1970 {
    type Value = Patch<NaiveDate>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<NaiveDate> {
        r.patch_date(name)
    }

    fn schema(&self) -> Schema {
        schema::formatted(KnownFormat::Date)
            .pattern(Some(r"^(?:19[7-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$"))
            .build()
            .into()
    }
}

/// An RFC 3339 time.
#[derive(Default)]
pub struct Timestamp;

impl Timestamp {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for Timestamp {
    type Value = Patch<DateTime<Utc>>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<DateTime<Utc>> {
        r.patch_timestamp(name)
    }

    fn schema(&self) -> Schema {
        schema::formatted(KnownFormat::DateTime).build().into()
    }
}

/// A whole number within `min..=max`.
pub struct Int(i64, i64);

impl Int {
    pub const fn new(min: i64, max: i64) -> Self {
        Self(min, max)
    }
}

impl Kind for Int {
    type Value = Patch<i64>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<i64> {
        r.patch_int(name, self.0, self.1)
    }

    fn schema(&self) -> Schema {
        schema::int(self.0, self.1).build().into()
    }
}

/// An exact, non-negative amount written as a decimal string, never a JSON number.
#[derive(Default)]
pub struct Money;

impl Money {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for Money {
    type Value = Patch<Decimal>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<Decimal> {
        r.patch_money(name)
    }

    /// At most 14 integer digits and 4 decimals (`money::MAX_AMOUNT`, `MAX_SCALE`).
    fn schema(&self) -> Schema {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(schema::trimmed(r"[0-9]{1,14}(?:\.[0-9]{1,4})?")))
            .examples(["1234.50"])
            .build()
            .into()
    }
}

/// An active ISO 4217 currency code, upper case as the reader requires.
#[derive(Default)]
pub struct Currency;

impl Currency {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for Currency {
    type Value = Patch<String>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<String> {
        r.patch_currency(name)
    }

    fn schema(&self) -> Schema {
        schema::one_of(crate::money::iso4217_codes().collect())
            .examples(["EUR"])
            .build()
            .into()
    }
}

/// Any JSON object of at most `max_bytes` bytes once written out.
pub struct Object(usize);

impl Object {
    pub const fn new(max_bytes: usize) -> Self {
        Self(max_bytes)
    }
}

impl Kind for Object {
    type Value = Patch<Map<String, Value>>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<Map<String, Value>> {
        r.patch_object(name, self.0)
    }

    fn schema(&self) -> Schema {
        schema::any_object().build().into()
    }
}

/// An object read by `T` (an address), its errors named `field.inner`.
pub struct Nested<T>(PhantomData<T>);

impl<T> Nested<T> {
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> Default for Nested<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: NestedObject> Kind for Nested<T> {
    type Value = Patch<T>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<T> {
        r.patch_nested(name, T::read)
    }

    fn schema(&self) -> Schema {
        T::schema()
    }
}

/// A field given on create and fixed after: on a patch any value is refused with `rule`
/// and `message` (after it is read, so that a bad value is reported as such).
pub struct CreateOnly<K> {
    inner: K,
    rule: &'static str,
    message: &'static str,
}

impl<K: Default> CreateOnly<K> {
    pub fn new(rule: &'static str, message: &'static str) -> Self {
        Self {
            inner: K::default(),
            rule,
            message,
        }
    }
}

impl<K: Kind> Kind for CreateOnly<K> {
    type Value = K::Value;

    fn read(&self, r: &mut ObjectReader, name: &str, mode: Mode) -> K::Value {
        let value = self.inner.read(r, name, mode);
        if !mode.create && !super::Slot::is_absent(&value) {
            r.error(name, self.rule, self.message);
        }
        value
    }

    fn schema(&self) -> Schema {
        self.inner.schema()
    }

    fn accepts_null(&self) -> bool {
        self.inner.accepts_null()
    }

    fn in_patch(&self) -> bool {
        false
    }
}
