//! Quantity price tiers (seed 004): per product and period (a month or a year), a ladder
//! of tiers whose bounds are inclusive, each giving the price of one unit for one period.
//! A ladder is replaced whole (`PUT /products/{id}/tiers`), so its rules are checked on
//! the whole ladder at once: sorted by `min_quantity`, each tier starts right after the
//! one before ends (no overlap, no gap), only the last may be unbounded (`max_quantity`
//! null), and the first tier's minimum is the product's minimum order quantity
//! (docs/orders.md, "Catalogue").

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::schema::{AllOfBuilder, ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use uuid::Uuid;

use crate::changes::schema::{closed_object, int, one_of, or_null, trimmed};
use crate::input::{ObjectReader, Patch};
use crate::money::canonical;
use crate::pricing::Period;
use crate::validation::{FieldError, Invalid};

/// The largest quantity a tier bound or a quote names: far past any order, and small
/// enough that a price times it times a century of months stays exact.
pub const MAX_QUANTITY: i64 = 1_000_000_000;
/// The most tiers one ladder holds.
pub const MAX_TIERS: usize = 100;

/// One tier as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PriceTier {
    pub id: Uuid,
    pub product_id: Uuid,
    pub period: Period,
    /// Inclusive.
    pub min_quantity: i64,
    /// Inclusive; null = no upper bound (the last tier only).
    pub max_quantity: Option<i64>,
    /// The price of one unit for one period: exact, at most 4 decimal places, > 0.
    #[schema(value_type = String, example = "12.50")]
    pub price_per_unit: Decimal,
    pub currency: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl PriceTier {
    /// The price written with the currency's minor units (four places stay four).
    pub fn refresh_derived(&mut self) {
        self.price_per_unit = canonical(self.price_per_unit, Some(&self.currency));
    }

    /// Whether `quantity` falls within the tier's bounds.
    pub fn covers(&self, quantity: i64) -> bool {
        self.min_quantity <= quantity && self.max_quantity.is_none_or(|max| quantity <= max)
    }
}

/// One tier of a ladder as the body gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct TierChanges {
    pub min_quantity: i64,
    pub max_quantity: Option<i64>,
    pub price_per_unit: Decimal,
}

/// `PUT /products/{id}/tiers`: the whole ladder of one period, in one currency. An empty
/// `tiers` removes the ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderChanges {
    pub period: Period,
    pub currency: String,
    /// Sorted by `min_quantity`.
    pub tiers: Vec<TierChanges>,
}

impl LadderChanges {
    /// Reads the body and checks the ladder; every problem is named (`tiers[2].max_quantity`,
    /// indexes as sent), none is fixed silently.
    pub fn read(body: Value) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let period = required(&mut r, "period", |r| {
            r.patch_enum("period", "month, year", Period::parse)
        });
        let currency = required(&mut r, "currency", |r| r.patch_currency("currency"));
        let tiers = read_tiers(&mut r);
        r.finish()?;
        match (period, currency, tiers) {
            (Some(period), Some(currency), Some(mut tiers)) => {
                tiers.sort_by_key(|t| t.min_quantity);
                Ok(Self {
                    period,
                    currency,
                    tiers,
                })
            }
            // Each missing part was reported, so `finish` has already failed.
            _ => Err(Invalid(vec![FieldError::new(
                "",
                "required",
                "is incomplete",
            )])),
        }
    }

    /// The ladder as rows of `product_id`, made now by `by`.
    pub fn into_tiers(
        self,
        product_id: Uuid,
        by: Option<Uuid>,
        at: DateTime<Utc>,
    ) -> Vec<PriceTier> {
        self.tiers
            .into_iter()
            .map(|t| {
                let mut tier = PriceTier {
                    id: crate::new_id(),
                    product_id,
                    period: self.period,
                    min_quantity: t.min_quantity,
                    max_quantity: t.max_quantity,
                    price_per_unit: t.price_per_unit,
                    currency: self.currency.clone(),
                    created_by: by,
                    created_at: at,
                };
                tier.refresh_derived();
                tier
            })
            .collect()
    }

    /// The body's schema, as strict as [`LadderChanges::read`] where JSON Schema can say
    /// it (the ladder's own rules — order, gaps, overlaps — it cannot).
    pub fn schema() -> RefOr<Schema> {
        let tier = closed_object()
            .property("min_quantity", int(0, MAX_QUANTITY))
            .required("min_quantity")
            .property("max_quantity", or_null(int(1, MAX_QUANTITY).build().into()))
            .property("price_per_unit", price_schema())
            .required("price_per_unit");
        let tiers = ArrayBuilder::new()
            .items(tier)
            .max_items(Some(MAX_TIERS))
            .description(Some(
                "The whole ladder: sorted by min_quantity, each tier starts at the previous max_quantity + 1; only the last may have a null max_quantity. Empty removes the ladder.",
            ));
        let currencies = one_of(crate::money::iso4217_codes().collect()).examples(["EUR"]);
        RefOr::T(Schema::Object(
            closed_object()
                .property("period", one_of(Period::ALL.map(Period::as_str).to_vec()))
                .required("period")
                .property("currency", currencies)
                .required("currency")
                .property("tiers", tiers)
                .required("tiers")
                .build(),
        ))
    }
}

/// The request body of `PUT /products/{id}/tiers` in the OpenAPI document, generated
/// from the same rules as its reader.
pub struct LadderBody;

impl utoipa::PartialSchema for LadderBody {
    fn schema() -> RefOr<Schema> {
        LadderChanges::schema()
    }
}

impl utoipa::ToSchema for LadderBody {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("LadderBody")
    }
}

/// A price: a money string (at most 4 places) that is not zero. Two patterns, since one
/// JSON Schema pattern cannot both bound the digits and require one that is not 0.
fn price_schema() -> Schema {
    let money = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(trimmed(r"[0-9]{1,14}(?:\.[0-9]{1,4})?")))
        .examples(["12.50"]);
    let not_zero = ObjectBuilder::new().pattern(Some("[1-9]"));
    Schema::AllOf(AllOfBuilder::new().item(money).item(not_zero).build())
}

/// A field that must be given: `read` reads it, and nothing (or null) is "is required".
fn required<T>(
    r: &mut ObjectReader,
    name: &str,
    read: impl FnOnce(&mut ObjectReader) -> Patch<T>,
) -> Option<T> {
    let before = r.errors.len();
    match read(r) {
        Patch::Set(v) => Some(v),
        _ => {
            if r.errors.len() == before {
                r.error(name, "required", "is required");
            }
            None
        }
    }
}

/// The `tiers` array, each tier read and then the ladder checked; `None` after any error.
fn read_tiers(r: &mut ObjectReader) -> Option<Vec<TierChanges>> {
    let items = match r.raw("tiers") {
        None | Some(Value::Null) => {
            r.error(
                "tiers",
                "required",
                "is required (an empty list removes the ladder)",
            );
            return None;
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            r.error("tiers", "type", "must be an array of tiers");
            return None;
        }
    };
    if items.len() > MAX_TIERS {
        r.error(
            "tiers",
            "max_items",
            format!("must hold at most {MAX_TIERS} tiers"),
        );
        return None;
    }
    let before = r.errors.len();
    let mut tiers = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match read_tier(item) {
            Ok(t) => tiers.push((i, t)),
            Err(errors) => r.errors.extend(errors.into_iter().map(|mut e| {
                e.field = if e.field.is_empty() {
                    format!("tiers[{i}]")
                } else {
                    format!("tiers[{i}].{}", e.field)
                };
                e
            })),
        }
    }
    if r.errors.len() > before {
        return None;
    }
    let errors = ladder_errors(&tiers);
    if !errors.is_empty() {
        r.errors.extend(errors);
        return None;
    }
    Some(tiers.into_iter().map(|(_, t)| t).collect())
}

fn read_tier(item: Value) -> Result<TierChanges, Vec<FieldError>> {
    let mut r = ObjectReader::new(item)
        .map_err(|_| vec![FieldError::new("", "type", "must be an object")])?;
    let min = required(&mut r, "min_quantity", |r| {
        r.patch_int("min_quantity", 0, MAX_QUANTITY)
    });
    let max = match r.patch_int("max_quantity", 1, MAX_QUANTITY) {
        Patch::Set(m) => Some(m),
        _ => None,
    };
    let price = required(&mut r, "price_per_unit", |r| {
        r.patch_money("price_per_unit")
    });
    if price.is_some_and(|p| p.is_zero()) {
        r.error("price_per_unit", "minimum", "must be greater than 0");
    }
    if let (Some(min), Some(max)) = (min, max) {
        if max <= min {
            r.error(
                "max_quantity",
                "above_min",
                format!("must be greater than min_quantity ({min})"),
            );
        }
    }
    r.finish().map_err(|e| e.0)?;
    match (min, price) {
        (Some(min_quantity), Some(price_per_unit)) => Ok(TierChanges {
            min_quantity,
            max_quantity: max,
            price_per_unit,
        }),
        _ => Err(vec![FieldError::new("", "required", "is incomplete")]),
    }
}

/// The rules of a whole ladder over tiers that each read well, `(index as sent, tier)`:
/// sorted by minimum, each starts right after the previous maximum, and only the last
/// is unbounded. Errors name the tier by its index as sent.
pub fn ladder_errors(tiers: &[(usize, TierChanges)]) -> Vec<FieldError> {
    let mut sorted: Vec<&(usize, TierChanges)> = tiers.iter().collect();
    sorted.sort_by_key(|(i, t)| (t.min_quantity, *i));
    let mut errors = Vec::new();
    for pair in sorted.windows(2) {
        let ((before_i, before), (i, tier)) = (pair[0], pair[1]);
        let Some(end) = before.max_quantity else {
            errors.push(FieldError::new(
                format!("tiers[{before_i}].max_quantity"),
                "unbounded_not_last",
                format!(
                    "may be null (no upper bound) only on the last tier, but the tier from {} follows",
                    tier.min_quantity
                ),
            ));
            continue;
        };
        let next = end + 1;
        if tier.min_quantity < next {
            errors.push(FieldError::new(
                format!("tiers[{i}].min_quantity"),
                "overlap",
                format!(
                    "starts at {}, inside the tier from {} to {end}: tiers may not overlap (start it at {next})",
                    tier.min_quantity, before.min_quantity
                ),
            ));
        } else if tier.min_quantity > next {
            errors.push(FieldError::new(
                format!("tiers[{i}].min_quantity"),
                "gap",
                format!(
                    "starts at {}, but the tier before ends at {end}: quantities {next} to {} would have no price (start it at {next})",
                    tier.min_quantity,
                    tier.min_quantity - 1
                ),
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(body: Value) -> Vec<(String, String)> {
        LadderChanges::read(body)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| (e.field, e.rule))
            .collect()
    }

    fn pair(field: &str, rule: &str) -> (String, String) {
        (field.to_owned(), rule.to_owned())
    }

    #[test]
    fn a_ladder_reads_sorted_and_an_empty_one_removes() {
        let l = LadderChanges::read(json!({"period": "month", "currency": "EUR", "tiers": [
            {"min_quantity": 11, "max_quantity": null, "price_per_unit": "9.5"},
            {"min_quantity": 1, "max_quantity": 10, "price_per_unit": "12.5000"},
        ]}))
        .unwrap();
        assert_eq!(l.tiers[0].min_quantity, 1);
        assert_eq!(l.tiers[1].max_quantity, None);
        let rows = l.into_tiers(Uuid::nil(), None, Utc::now());
        assert_eq!(rows[0].price_per_unit.to_string(), "12.50");
        assert!(rows[1].covers(1_000_000) && !rows[0].covers(11));
        let empty = LadderChanges::read(json!({"period": "year", "currency": "USD", "tiers": []}));
        assert!(empty.unwrap().tiers.is_empty());
    }

    #[test]
    fn overlaps_gaps_and_an_unbounded_middle_are_named() {
        let body = |tiers: Value| json!({"period": "month", "currency": "EUR", "tiers": tiers});
        let t = |min: i64, max: Option<i64>| json!({"min_quantity": min, "max_quantity": max, "price_per_unit": "1"});
        assert_eq!(
            rules(body(json!([t(1, Some(10)), t(10, Some(20))]))),
            [pair("tiers[1].min_quantity", "overlap")]
        );
        assert_eq!(
            rules(body(json!([t(1, Some(10)), t(12, None)]))),
            [pair("tiers[1].min_quantity", "gap")]
        );
        assert_eq!(
            rules(body(json!([t(11, Some(20)), t(1, None)]))),
            [pair("tiers[1].max_quantity", "unbounded_not_last")]
        );
        assert_eq!(
            rules(body(json!([t(5, Some(5))]))),
            [pair("tiers[0].max_quantity", "above_min")]
        );
        assert_eq!(
            rules(body(json!([t(1, Some(4)), t(1, Some(9))]))),
            [pair("tiers[1].min_quantity", "overlap")]
        );
    }

    #[test]
    fn bad_fields_are_named_with_their_tier() {
        let got = rules(json!({"period": "week", "tiers": [
            {"min_quantity": -1, "price_per_unit": "1.23456"},
            {"min_quantity": 3, "price_per_unit": "0"},
            {"min_quantity": 9, "price_per_unit": 5},
            "x",
            {"min_quantity": 20, "price_per_unit": "1", "colour": "red"},
        ]}));
        assert_eq!(
            got,
            [
                pair("period", "enum"),
                pair("currency", "required"),
                pair("tiers[0].min_quantity", "range"),
                pair("tiers[0].price_per_unit", "decimal"),
                pair("tiers[1].price_per_unit", "minimum"),
                pair("tiers[2].price_per_unit", "type"),
                pair("tiers[3]", "type"),
                pair("tiers[4].colour", "unknown_field"),
            ]
        );
        assert_eq!(
            rules(json!({"period": "month", "currency": "EUR"})),
            [pair("tiers", "required")]
        );
    }

    #[test]
    fn the_price_schema_takes_what_the_reader_takes() {
        let schema = serde_json::to_value(price_schema()).unwrap();
        let patterns: Vec<regex::Regex> = schema["allOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| regex::Regex::new(s["pattern"].as_str().unwrap()).unwrap())
            .collect();
        for s in [
            "1", "0", "0.0000", "0.0001", "12.5", "1.23456", "-1", " 3 ", "00.10", "x",
        ] {
            let body = json!({"period": "month", "currency": "EUR",
                              "tiers": [{"min_quantity": 1, "price_per_unit": s}]});
            let read = LadderChanges::read(body).is_ok();
            assert_eq!(patterns.iter().all(|p| p.is_match(s)), read, "{s:?}");
        }
    }
}
