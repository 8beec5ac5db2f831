//! The distribution log (seed 000): one shipment of a SKU to a customer per entry, the
//! source of the sales dashboard and of lot traceability.
//!
//! Every entry carries two keys the dashboard counts by. Its *order key* is the order
//! number (trimmed, upper-cased) or, without one, the entry itself, so that an entry with
//! no order number is its own order. Its *customer key* is the linked account, or the
//! account whose company key the legacy `customer_name` has, or that company key, or
//! nothing when it has neither (the store resolves it when the entry is written); an
//! entry without a customer key is counted in orders and units but not as a customer.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::changes::kinds::{DateFrom1970, Enum, Id, Int, Text};
use crate::changes::{changes, choice};
use crate::input::Patch;
use crate::normalize::company_key;
use crate::validation::Invalid;

/// How far ahead of today a ship date may lie: a shipment booked for the coming weeks is
/// normal; a date further out is almost always a typo (2062 for 2026).
pub const MAX_DAYS_AHEAD: i64 = 31;
/// The earliest ship date accepted.
pub const EARLIEST_SHIP_DATE: (i32, u32, u32) = (1970, 1, 1);
pub const MAX_QUANTITY: i64 = 1_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Typed in by a person.
    Manual,
    /// Brought in from a file or another system in bulk.
    Import,
    /// Written by a program through the API (the default of a single create).
    #[default]
    Api,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::Manual, Source::Import, Source::Api];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Manual => "manual",
            Source::Import => "import",
            Source::Api => "api",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

choice!(Source);

/// An entry as the API returns it. `Default` is the blank a create starts from (see
/// [`Distribution::blank`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Distribution {
    pub id: Uuid,
    pub ship_date: NaiveDate,
    pub order_number: Option<String>,
    pub sku: String,
    /// Set from the SKU when a product has it, unless given.
    pub product_id: Option<Uuid>,
    pub lot_number: Option<String>,
    pub quantity: i64,
    pub customer_id: Option<Uuid>,
    /// The legacy free-text customer, kept after linking.
    pub customer_name: Option<String>,
    /// Whom the sales dashboard counts the entry as (read-only): `a:<account id>` for
    /// its account, or for the account whose company key its customer name has;
    /// otherwise `n:<company key of the name>`; none without either.
    pub customer_key: Option<String>,
    pub rep_id: Option<Uuid>,
    pub source: Source,
    pub notes: Option<String>,
    pub legacy_id: Option<String>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Distribution {
    /// A new entry from `source` before its changes are applied, written now by `by`.
    /// Its ship date, SKU and quantity are required on create, so their blanks never
    /// reach storage.
    pub fn blank(source: Source, by: Option<Uuid>, at: DateTime<Utc>) -> Self {
        Self {
            id: crate::new_id(),
            ship_date: NaiveDate::MIN,
            source,
            created_by: by,
            updated_by: by,
            created_at: at,
            updated_at: at,
            version: 1,
            ..Self::default()
        }
    }

    pub fn order_key(&self) -> String {
        order_key(self.order_number.as_deref(), self.id)
    }

    pub fn ship_month(&self) -> i32 {
        month_index(self.ship_date)
    }
}

/// See the module comment. Prefixes keep an order number from ever equalling an id.
pub fn order_key(order_number: Option<&str>, id: Uuid) -> String {
    match order_number.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => format!("o:{}", n.to_uppercase()),
        None => format!("e:{id}"),
    }
}

/// See the module comment.
pub fn customer_key(customer_id: Option<Uuid>, customer_name: Option<&str>) -> Option<String> {
    if let Some(id) = customer_id {
        return Some(format!("a:{id}"));
    }
    let key = company_key(customer_name?);
    (!key.is_empty()).then(|| format!("n:{key}"))
}

/// Months counted from year 0: `year * 12 + month - 1`, so that consecutive months are
/// consecutive integers on both engines.
pub fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// The first day of a month index.
pub fn month_start(index: i32) -> NaiveDate {
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12));
    NaiveDate::from_ymd_opt(year, month0 as u32 + 1, 1).unwrap_or(NaiveDate::MIN)
}

changes! {
    /// A create or a patch of a distribution entry.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct DistributionChanges {
        /// From 1970-01-01 to 31 days after today.
        ship_date: DateFrom1970 [required not_null],
        /// The external order number; entries without one count as an order each.
        order_number: Text(100),
        sku: Text(100) [required not_null],
        /// Set from the SKU when a product has it, unless given.
        product_id: Id,
        lot_number: Text(100),
        quantity: Int(1, MAX_QUANTITY) [required not_null],
        /// An account the caller can see.
        customer_id: Id,
        /// The legacy free-text customer (linked later by `POST /distributions/link`).
        customer_name: Text(300),
        /// Defaults to the creating rep; reps may only name themselves.
        rep_id: Id,
        /// api unless given (import in bulk).
        source: Enum<Source> [not_null],
        notes: Text(10_000),
        legacy_id: Text(200),
    }
    apply to Distribution;
    create schema DistributionCreate;
    patch schema DistributionPatch;
    // By hand: a required field given as null is "cannot be cleared" here, not "is
    // required" as `required` reads it, and both checks come after every field.
    checks by_hand;
}

impl DistributionChanges {
    /// Reads a create or a PATCH body; `today` bounds the ship date (see
    /// [`MAX_DAYS_AHEAD`]).
    pub fn read(body: Value, for_create: bool, today: NaiveDate) -> Result<Self, Invalid> {
        Self::read_checked(body, for_create, |r, changes, for_create| {
            changes.check_required(r, for_create);
            changes.check_not_null(r);
            if let Patch::Set(sku) = &changes.sku {
                if sku.trim().is_empty() {
                    r.error("sku", "required", "must not be blank");
                }
            }
            if let Patch::Set(d) = changes.ship_date {
                if let Err((rule, message)) = check_ship_date(d, today) {
                    r.error("ship_date", rule, message);
                }
            }
        })
    }
}

/// The documented range of ship dates: from 1970-01-01 to [`MAX_DAYS_AHEAD`] days after
/// today.
pub fn check_ship_date(d: NaiveDate, today: NaiveDate) -> Result<(), (&'static str, String)> {
    let (y, m, day) = EARLIEST_SHIP_DATE;
    let earliest = NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN);
    let latest = today + Duration::days(MAX_DAYS_AHEAD);
    if d < earliest {
        return Err(("range", format!("must be on or after {earliest}")));
    }
    if d > latest {
        // "window": the bound moves with today, so no schema can state it.
        return Err((
            "window",
            format!("must be no more than {MAX_DAYS_AHEAD} days after today (at most {latest})"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use utoipa::PartialSchema;

    use crate::changes::schema::as_json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn order_key_is_the_trimmed_upper_cased_number_or_the_entry() {
        let id = Uuid::nil();
        assert_eq!(order_key(Some(" so-12a "), id), "o:SO-12A");
        assert_eq!(order_key(Some("  "), id), format!("e:{id}"));
        assert_eq!(order_key(None, id), format!("e:{id}"));
    }

    #[test]
    fn customer_key_prefers_the_account_then_the_name_key() {
        let id = Uuid::from_u128(7);
        assert_eq!(customer_key(Some(id), Some("X")), Some(format!("a:{id}")));
        assert_eq!(
            customer_key(None, Some("Hospital A")),
            Some("n:HOSPITALA".into())
        );
        assert_eq!(customer_key(None, Some(" - ")), None);
        assert_eq!(customer_key(None, None), None);
    }

    #[test]
    fn month_index_round_trips() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 17).unwrap();
        assert_eq!(month_index(d), 2026 * 12 + 2);
        assert_eq!(
            month_start(month_index(d)),
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
    }

    #[test]
    fn create_needs_date_sku_and_positive_quantity() {
        let err = DistributionChanges::read(json!({"quantity": 0}), true, today()).unwrap_err();
        let fields: Vec<(&str, &str)> = err
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.rule.as_str()))
            .collect();
        assert!(fields.contains(&("ship_date", "required")), "{fields:?}");
        assert!(fields.contains(&("sku", "required")), "{fields:?}");
        assert!(fields.iter().any(|(f, _)| *f == "quantity"), "{fields:?}");
    }

    #[test]
    fn ship_dates_far_ahead_are_refused() {
        let ok = json!({"ship_date": "2026-12-23", "sku": "A", "quantity": 1});
        assert!(DistributionChanges::read(ok, true, today()).is_ok());
        let far = json!({"ship_date": "2062-01-01", "sku": "A", "quantity": 1});
        let err = DistributionChanges::read(far, true, today()).unwrap_err();
        assert_eq!(err.0[0].field, "ship_date");
        assert_eq!(err.0[0].rule, "window");
        let early = json!({"ship_date": "1969-12-31", "sku": "A", "quantity": 1});
        let err = DistributionChanges::read(early, true, today()).unwrap_err();
        assert_eq!(err.0[0].rule, "range");
    }

    #[test]
    fn schemas_are_as_strict_as_the_reader() {
        let create = as_json(DistributionCreate::schema());
        assert_eq!(create["required"], json!(["ship_date", "sku", "quantity"]));
        let p = &create["properties"];
        assert_eq!(p["ship_date"]["type"], "string");
        assert_eq!(p["ship_date"]["format"], "date");
        assert_eq!(p["quantity"]["minimum"], 1);
        assert_eq!(p["quantity"]["maximum"], MAX_QUANTITY);
        assert_eq!(p["source"]["enum"], json!(["manual", "import", "api"]));
        assert_eq!(p["customer_id"]["format"], "uuid");
        let patch = as_json(DistributionPatch::schema());
        assert!(
            patch.get("required").is_none_or(|r| r == &json!([])),
            "{patch}"
        );
        assert_eq!(patch["properties"]["sku"]["type"], "string");
    }

    #[test]
    fn changes_apply_onto_an_entry() {
        let mut d = Distribution::blank(Source::Import, None, chrono::Utc::now());
        let body = json!({"ship_date": "2026-11-02", "sku": " A-1 ", "quantity": 3,
                          "order_number": "SO-1"});
        DistributionChanges::read(body, true, today())
            .unwrap()
            .apply_to(&mut d);
        assert_eq!(
            (d.sku.as_str(), d.quantity, d.source),
            ("A-1", 3, Source::Import)
        );
        assert_eq!(d.ship_date, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
        DistributionChanges::read(json!({"order_number": null}), false, today())
            .unwrap()
            .apply_to(&mut d);
        assert_eq!(d.order_number, None);
    }
}
