//! The pricing rule (docs/orders.md, "Pricing") against an independent computation: the
//! exact line in whole units of 10⁻⁴ held as integers, rounded half-up by integer
//! division — no `Decimal`, no `rapport_domain::pricing` arithmetic — over random prices,
//! quantities, durations, ladders and discounts, in currencies with 0, 2 and 3 minor
//! units. `line_amounts` must give the same three figures, and subtotal − discount =
//! total exactly. (The API's quote is checked the same way in
//! crates/web/tests/api/catalog_property.rs.)

use proptest::prelude::*;
use rapport_domain::pricing::{line_amounts, Period};
use rust_decimal::Decimal;

/// `n / d` rounded half-up (away from zero; every figure here is ≥ 0).
fn half_up(n: i128, d: i128) -> i128 {
    (2 * n + d) / (2 * d)
}

/// An amount in minor units as an exact decimal.
fn in_units(minor: i128, places: u32) -> Decimal {
    Decimal::from_i128_with_scale(minor, places)
}

const CURRENCIES: [(&str, u32); 4] = [("EUR", 2), ("USD", 2), ("JPY", 0), ("KWD", 3)];

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_line_is_priced_exactly_and_its_figures_agree(
        // 0.0001 to 99,999.9999 per unit and period, in 10⁻⁴.
        price in 1i128..1_000_000_000,
        quantity in 1i64..100_000,
        months in 1i64..=120,
        yearly in any::<bool>(),
        // 0.00 to 100.00 %, in hundredths.
        discount in prop_oneof![Just(0i128), Just(10_000i128), 0i128..=10_000],
        currency in 0usize..CURRENCIES.len(),
    ) {
        let (code, places) = CURRENCIES[currency];
        let scale = 10i128.pow(places);
        // The exact subtotal is price × quantity × months (÷ 12 on a yearly price) in
        // units of 10⁻⁴; in minor units, × 10^places ÷ 10⁴.
        let per_year = if yearly { 12 } else { 1 };
        let subtotal = half_up(price * i128::from(quantity) * i128::from(months) * scale, 10_000 * per_year);
        let discount_amount = half_up(subtotal * discount, 10_000);
        let total = subtotal - discount_amount;

        let period = if yearly { Period::Year } else { Period::Month };
        let got = line_amounts(
            Decimal::from_i128_with_scale(price, 4),
            quantity,
            period.periods_in(months),
            Decimal::from_i128_with_scale(discount, 2),
            code,
        );
        prop_assert_eq!(got.subtotal, in_units(subtotal, places));
        prop_assert_eq!(got.discount_amount, in_units(discount_amount, places));
        prop_assert_eq!(got.total, in_units(total, places));
        prop_assert_eq!(got.subtotal - got.discount_amount, got.total);
    }
}
