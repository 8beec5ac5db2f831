//! Durations (seed 004): how long a subscription runs and the discount it earns. An order
//! item and a quote name one; its months choose the price ladder and count the periods
//! (`pricing::Period`), its percentage is taken off the line's subtotal.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use uuid::Uuid;

use crate::changes::kinds::{Flag, Int, Text};
use crate::changes::schema::trimmed;
use crate::changes::{changes, no_rules, Kind, Mode};
use crate::input::{ObjectReader, Patch};

/// The longest duration: a hundred years, far past any subscription, and small enough
/// that a contract's expiry date (activation + months) always exists.
pub const MAX_MONTHS: i64 = 1200;

/// A duration as the API returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SubscriptionDuration {
    pub id: Uuid,
    /// Unique among durations, 1 to 1200.
    pub months: i64,
    /// 0 to 100, two decimal places, as a decimal string ("10.00").
    #[schema(value_type = String, example = "10.00")]
    pub discount_percentage: Decimal,
    pub name: String,
    /// An inactive duration stays on the orders that name it but cannot be quoted or
    /// ordered again.
    pub active: bool,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl SubscriptionDuration {
    /// A new, active duration without a discount, created now by `by`.
    pub fn blank(by: Option<Uuid>, at: DateTime<Utc>) -> Self {
        Self {
            id: crate::new_id(),
            active: true,
            created_by: by,
            updated_by: by,
            created_at: at,
            updated_at: at,
            version: 1,
            ..Self::default()
        }
    }

    /// The percentage written with its two places, whichever engine stored it (SQLite
    /// keeps `10`, PostgreSQL's NUMERIC(5, 2) `10.00`).
    pub fn refresh_derived(&mut self) {
        let mut d = self.discount_percentage.normalize();
        d.rescale(2);
        self.discount_percentage = d;
    }
}

changes! {
    /// A create or a patch of a duration.
    #[derive(Debug, Clone, Default)]
    pub struct DurationChanges {
        /// Whole months, 1 to 1200; unique (409 naming `months` when taken).
        months: Int(1, MAX_MONTHS) [required not_null],
        /// 0 to 100 with at most two decimal places, as a decimal string ("12.5");
        /// 0 when not given.
        discount_percentage: Percent [not_null],
        name: Text(100) [required not_null],
        /// True unless given.
        active: Flag [not_null],
    }
    apply to SubscriptionDuration, then SubscriptionDuration::refresh_derived;
    create schema DurationCreate;
    patch schema DurationPatch;
    checks after;
    read with no_rules;
}

/// A percentage from 0 to 100 with at most two decimal places, written as a decimal
/// string (never a JSON number, like money).
#[derive(Default)]
pub struct Percent;

impl Percent {
    pub const fn new() -> Self {
        Self
    }
}

/// The shape the reader takes (after trimming): 0 to 99 with up to two places, or 100.
const PERCENT: &str = r"100(?:\.0{1,2})?|[0-9]{1,2}(?:\.[0-9]{1,2})?";

/// Why a percentage string was refused: (rule, message).
pub fn parse_percent(s: &str) -> Result<Decimal, (&'static str, &'static str)> {
    const SHAPE: &str = "must be a decimal string from 0 to 100, such as \"12.50\"";
    let t = s.trim();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !fraction.is_none_or(all_digits) {
        return Err(("decimal", SHAPE));
    }
    if negative {
        return Err(("minimum", "must not be negative"));
    }
    if fraction.is_some_and(|f| f.len() > 2) {
        return Err(("decimal", "must have at most 2 decimal places"));
    }
    let value: Decimal = digits.parse().map_err(|_| ("decimal", SHAPE))?;
    if value > Decimal::from(100) {
        return Err(("maximum", "must be at most 100"));
    }
    // Padding zeros ("007.5") are not the schema's shape; "100" is the one 3-digit whole.
    if whole.len() > 2 && whole != "100" {
        return Err(("decimal", SHAPE));
    }
    Ok(value)
}

impl Kind for Percent {
    type Value = Patch<Decimal>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<Decimal> {
        match r.raw(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::String(s)) => match parse_percent(&s) {
                Ok(d) => Patch::Set(d),
                Err((rule, why)) => {
                    r.error(name, rule, why);
                    Patch::Absent
                }
            },
            Some(_) => {
                r.error(
                    name,
                    "type",
                    "must be a decimal string such as \"12.50\", not a number or other value",
                );
                Patch::Absent
            }
        }
    }

    fn schema(&self) -> Schema {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(trimmed(PERCENT)))
            .examples(["12.50"])
            .build()
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use utoipa::PartialSchema;

    use crate::changes::schema::as_json;

    #[test]
    fn a_duration_needs_months_and_a_name_and_keeps_two_places() {
        let e = DurationChanges::read(json!({"months": 0, "discount_percentage": "12.345"}), true)
            .unwrap_err();
        let got: Vec<(&str, &str)> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.rule.as_str()))
                .collect();
        assert_eq!(
            got,
            [
                ("months", "range"),
                ("discount_percentage", "decimal"),
                ("name", "required")
            ]
        );
        let mut d = SubscriptionDuration::blank(None, Utc::now());
        DurationChanges::read(
            json!({"months": 12, "name": "1 year", "discount_percentage": "7.5"}),
            true,
        )
        .unwrap()
        .apply_to(&mut d);
        assert_eq!((d.months, d.active), (12, true));
        assert_eq!(
            serde_json::to_value(&d).unwrap()["discount_percentage"],
            "7.50"
        );
        let e = DurationChanges::read(json!({"discount_percentage": null, "months": null}), false)
            .unwrap_err();
        assert!(e.0.iter().all(|f| f.rule == "required"), "{e:?}");
    }

    #[test]
    fn the_percent_pattern_is_its_reader() {
        let re = regex::Regex::new(
            as_json(DurationCreate::schema())["properties"]["discount_percentage"]["pattern"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        for s in [
            "0", "00", "7", "7.5", "7.55", "7.555", "99.99", "100", "100.0", "100.00", "100.01",
            "101", "007", "-1", "-0", " 12 ", ".5", "5.", "1e2", "", "abc", "0100",
        ] {
            let read = parse_percent(s).is_ok();
            assert_eq!(re.is_match(s), read, "{s:?}");
        }
        assert_eq!(
            parse_percent("100.5"),
            Err(("maximum", "must be at most 100"))
        );
        assert_eq!(parse_percent("-3").map_err(|e| e.0), Err("minimum"));
        let e = DurationChanges::read(json!({"discount_percentage": 10}), false).unwrap_err();
        assert_eq!(e.0[0].rule, "type");
    }
}
