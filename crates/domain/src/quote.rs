//! `POST /pricing/quote`: what a line of a product, a quantity and a duration costs, with
//! the figures an order item would get (the store prices both the same way).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::changes::kinds::{Id, Int};
use crate::changes::{changes, no_rules};
use crate::money::canonical;
use crate::price_tier::MAX_QUANTITY;
use crate::pricing::{LineAmounts, Period};

changes! {
    /// What to price.
    #[derive(Debug, Clone, Default)]
    pub struct QuoteRequest {
        product_id: Id [required not_null],
        /// Units, 1 to 1,000,000,000.
        quantity: Int(1, MAX_QUANTITY) [required not_null],
        /// Required when the product is priced by tiers; a product sold at its list price
        /// takes the duration's discount.
        duration_id: Id,
    }
    create schema QuoteBody;
    checks after;
    read with no_rules;
}

/// A priced line. Money is a decimal string with the currency's minor units; the unit
/// price keeps its four places when it has them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Quote {
    pub product_id: Uuid,
    pub duration_id: Option<Uuid>,
    pub quantity: i64,
    /// The ladder the unit price came from; null for a list price.
    pub period: Option<Period>,
    /// How many periods the line runs for: the duration's months in the ladder's period
    /// (18 months on a yearly ladder are "1.5"); "1" for a list price.
    #[schema(value_type = String, example = "12")]
    pub periods: Decimal,
    /// Per unit and period.
    #[schema(value_type = String, example = "12.50")]
    pub unit_price: Decimal,
    pub currency: String,
    /// unit_price × quantity × periods, rounded half-up to the currency's minor units.
    #[schema(value_type = String, example = "1500.00")]
    pub subtotal: Decimal,
    /// The duration's, 0 without one.
    #[schema(value_type = String, example = "10.00")]
    pub discount_percentage: Decimal,
    /// subtotal × discount_percentage / 100, rounded half-up.
    #[schema(value_type = String, example = "150.00")]
    pub discount_amount: Decimal,
    /// subtotal − discount_amount.
    #[schema(value_type = String, example = "1350.00")]
    pub total: Decimal,
}

impl Quote {
    /// The quote of a line priced at `unit_price` with these figures, each written as
    /// the API shows money.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        product_id: Uuid,
        duration_id: Option<Uuid>,
        quantity: i64,
        period: Option<Period>,
        periods: Decimal,
        unit_price: Decimal,
        currency: String,
        discount_percentage: Decimal,
        amounts: LineAmounts,
    ) -> Self {
        let money = |d: Decimal| canonical(d, Some(&currency));
        let mut percent = discount_percentage.normalize();
        percent.rescale(2);
        Self {
            product_id,
            duration_id,
            quantity,
            period,
            periods: periods.normalize(),
            unit_price: money(unit_price),
            subtotal: money(amounts.subtotal),
            discount_percentage: percent,
            discount_amount: money(amounts.discount_amount),
            total: money(amounts.total),
            currency,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_quote_request_names_what_is_missing_or_wrong() {
        let e = QuoteRequest::read(json!({"quantity": 0, "duration_id": "x"}), true).unwrap_err();
        let got: Vec<(&str, &str)> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.rule.as_str()))
                .collect();
        assert_eq!(
            got,
            [
                ("product_id", "required"),
                ("quantity", "range"),
                ("duration_id", "uuid")
            ]
        );
        let ok = QuoteRequest::read(
            json!({"product_id": uuid::Uuid::nil(), "quantity": 3, "duration_id": null}),
            true,
        )
        .unwrap();
        assert_eq!(ok.quantity, crate::input::Patch::Set(3));
    }
}
