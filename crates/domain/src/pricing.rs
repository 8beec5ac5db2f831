//! How a price is computed (seed 004): a product's quantity tier gives the price per unit
//! and period, a duration gives the number of months and a discount, and every amount
//! is exact. The one rounding rule lives here (docs/orders.md, "Pricing"):
//!
//! - prices per unit keep up to 4 decimal places and are never rounded;
//! - a line's subtotal is `unit price × quantity × periods`, rounded **half-up** (away
//!   from zero) to the currency's minor units (2 for EUR and USD);
//! - its discount is `subtotal × discount % / 100`, rounded the same way, from the
//!   rounded subtotal; its total is `subtotal − discount`, so no cent appears or vanishes
//!   between the three figures;
//! - an order's subtotal and discount are the sums of its lines'; its tax is
//!   `(subtotal − discount) × tax rate / 100`, rounded half-up; its total is
//!   `subtotal − discount + tax`.
//!
//! Half-up is what invoices and most accounting tools print (a 0.005 rounds to 0.01);
//! half-even would keep sums of many roundings unbiased, but its results surprise people
//! checking an invoice by hand.

use rust_decimal::prelude::RoundingStrategy;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::minor_units;

/// What a tier's price is per: a month or a year of use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Year,
}

impl Period {
    pub const ALL: [Period; 2] = [Period::Month, Period::Year];

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// How many of this period a duration of `months` holds: 18 months are 18 monthly
    /// periods or 1.5 yearly ones.
    pub fn periods_in(self, months: i64) -> Decimal {
        match self {
            Period::Month => Decimal::from(months),
            Period::Year => Decimal::from(months) / Decimal::from(12),
        }
    }

    /// The ladder a duration of `months` is priced from, among those a product has:
    /// yearly prices for whole years, monthly prices otherwise, and the other ladder when
    /// the preferred one is missing.
    pub fn for_months(months: i64, has_month: bool, has_year: bool) -> Option<Self> {
        let whole_years = months % 12 == 0;
        match (has_month, has_year) {
            (true, true) if whole_years => Some(Period::Year),
            (true, _) => Some(Period::Month),
            (false, true) => Some(Period::Year),
            (false, false) => None,
        }
    }
}

/// An amount rounded half-up to the currency's minor units.
pub fn round_money(amount: Decimal, currency: &str) -> Decimal {
    amount.round_dp_with_strategy(
        minor_units(currency),
        RoundingStrategy::MidpointAwayFromZero,
    )
}

/// The figures of one priced line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineAmounts {
    pub subtotal: Decimal,
    pub discount_amount: Decimal,
    pub total: Decimal,
}

/// Prices a line: `unit_price` per unit and period, `quantity` units, over `periods`
/// periods, less `discount_percentage` (0 to 100).
pub fn line_amounts(
    unit_price: Decimal,
    quantity: i64,
    periods: Decimal,
    discount_percentage: Decimal,
    currency: &str,
) -> LineAmounts {
    // A yearly price over months that are not whole quarters runs for a number of years
    // with no finite decimal (7 months are 0.58333… years), which `Decimal` holds to 28
    // digits, a hair below the true value: an exact half cent would then round down.
    // The true product is a whole number of 1/120000 of a unit (4-place prices, whole
    // quantities, twelfths of a year), so rounding it to 10 places first gives it back
    // exactly for any amount an order can hold (below 10^14), and moves nothing else
    // across a half.
    let exact = (unit_price * Decimal::from(quantity) * periods)
        .round_dp_with_strategy(10, RoundingStrategy::MidpointAwayFromZero);
    let subtotal = round_money(exact, currency);
    let discount_amount = round_money(
        subtotal * discount_percentage / Decimal::from(100),
        currency,
    );
    LineAmounts {
        subtotal,
        discount_amount,
        total: subtotal - discount_amount,
    }
}

/// The figures of a whole order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderAmounts {
    pub subtotal: Decimal,
    pub discount_amount: Decimal,
    pub tax_amount: Decimal,
    pub total: Decimal,
}

/// Adds up an order's lines and applies its tax rate (a percentage).
pub fn order_amounts<'a>(
    lines: impl IntoIterator<Item = &'a LineAmounts>,
    tax_rate: Decimal,
    currency: &str,
) -> OrderAmounts {
    let (mut subtotal, mut discount_amount) = (Decimal::ZERO, Decimal::ZERO);
    for l in lines {
        subtotal += l.subtotal;
        discount_amount += l.discount_amount;
    }
    let net = subtotal - discount_amount;
    let tax_amount = round_money(net * tax_rate / Decimal::from(100), currency);
    OrderAmounts {
        subtotal,
        discount_amount,
        tax_amount,
        total: net + tax_amount,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn half_a_cent_rounds_up_and_the_three_figures_agree() {
        // 0.0125 × 1 × 1 = 0.0125 → 0.01; 0.005 → 0.01 (half-up, not half-even's 0.00).
        assert_eq!(round_money(d("0.005"), "EUR"), d("0.01"));
        assert_eq!(round_money(d("0.015"), "EUR"), d("0.02"));
        assert_eq!(round_money(d("0.025"), "EUR"), d("0.03"));
        assert_eq!(round_money(d("2.5"), "JPY"), d("3"));
        let l = line_amounts(d("12.3456"), 3, d("12"), d("12.5"), "EUR");
        // 12.3456 × 3 × 12 = 444.4416 → 444.44; 12.5 % of it = 55.555 → 55.56.
        assert_eq!(
            (l.subtotal, l.discount_amount, l.total),
            (d("444.44"), d("55.56"), d("388.88"))
        );
    }

    #[test]
    fn a_yearly_price_over_months_that_have_no_finite_decimal_is_still_exact() {
        // 0.0001 × 600 × 1/12 = 0.005 exactly, a half cent: half-up makes it 0.01, where
        // the 28-digit 1/12 alone (0.0833…3) would give 0.0049999… and round to 0.00.
        let l = line_amounts(d("0.0001"), 600, Period::Year.periods_in(1), d("0"), "EUR");
        assert_eq!(l.subtotal, d("0.01"));
        // 12.3456 × 7 × 7/12 = 50.41120 → 50.41.
        let l = line_amounts(d("12.3456"), 7, Period::Year.periods_in(7), d("0"), "EUR");
        assert_eq!(l.subtotal, d("50.41"));
    }

    #[test]
    fn an_order_adds_its_lines_then_taxes_the_net() {
        let a = line_amounts(d("10"), 2, d("1"), d("0"), "EUR");
        let b = line_amounts(d("0.3333"), 1, d("1"), d("10"), "EUR");
        let o = order_amounts([&a, &b], d("20"), "EUR");
        // 20.00 + 0.33 = 20.33; discount 0.03; net 20.30; tax 4.06; total 24.36.
        assert_eq!(
            (o.subtotal, o.discount_amount, o.tax_amount, o.total),
            (d("20.33"), d("0.03"), d("4.06"), d("24.36"))
        );
    }

    #[test]
    fn whole_years_take_the_yearly_ladder() {
        assert_eq!(Period::for_months(24, true, true), Some(Period::Year));
        assert_eq!(Period::for_months(18, true, true), Some(Period::Month));
        assert_eq!(Period::for_months(18, false, true), Some(Period::Year));
        assert_eq!(Period::for_months(12, true, false), Some(Period::Month));
        assert_eq!(Period::for_months(12, false, false), None);
        assert_eq!(Period::Year.periods_in(18), d("1.5"));
        assert_eq!(Period::parse("year"), Some(Period::Year));
        assert_eq!(Period::parse("week"), None);
    }
}
