//! `POST /pricing/quote` against an independent computation, both engines: random
//! ladders (one or both periods, contiguous tiers from a random start, the last bounded
//! or not) or a list price, random durations with random discounts, random quantities —
//! some below the first tier or past the last. The test picks the ladder and the tier
//! itself, computes the exact line with integers (units of 10⁻⁴) and rounds half-up by
//! integer division, never calling `rapport_domain::pricing`; the API must answer the
//! same figures, or 422 naming `quantity` where no tier covers it, and subtotal −
//! discount = total to the last minor unit.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use rapport_db::both_engines;
use serde_json::{json, Value};

use super::catalog::{put_tiers, DURATIONS, PRODUCTS, QUOTE};
#[allow(unused_imports)]
use super::support::*;

const CURRENCIES: [(&str, u32); 4] = [("EUR", 2), ("USD", 2), ("JPY", 0), ("KWD", 3)];

/// A ladder: where it starts, each tier's length (≥ 2, since max > min) and price in
/// 10⁻⁴, and whether the last tier is unbounded.
#[derive(Debug, Clone)]
struct Ladder {
    start: i64,
    tiers: Vec<(i64, i128)>,
    open_end: bool,
}

impl Ladder {
    /// (min, max, price) of each tier.
    fn bounds(&self) -> Vec<(i64, Option<i64>, i128)> {
        let mut min = self.start;
        let last = self.tiers.len() - 1;
        self.tiers
            .iter()
            .enumerate()
            .map(|(i, (len, price))| {
                let max = min + len - 1;
                let tier = (min, (i < last || !self.open_end).then_some(max), *price);
                min = max + 1;
                tier
            })
            .collect()
    }

    fn body(&self, period: &str, currency: &str) -> Value {
        let tiers: Vec<Value> = self
            .bounds()
            .into_iter()
            .map(|(min, max, price)| json!({"min_quantity": min, "max_quantity": max, "price_per_unit": decimal(price, 4)}))
            .collect();
        json!({"period": period, "currency": currency, "tiers": tiers})
    }
}

#[derive(Debug, Clone)]
struct Case {
    month: Option<Ladder>,
    year: Option<Ladder>,
    /// The list price in 10⁻⁴ when the product has no ladder.
    list_price: i128,
    currency: usize,
    months: i64,
    /// Hundredths of a percent.
    discount: i128,
    quantities: Vec<i64>,
}

fn ladder() -> impl Strategy<Value = Ladder> {
    (
        0i64..=6,
        prop::collection::vec((2i64..=40, 1i128..100_000_000), 1..=4),
        any::<bool>(),
    )
        .prop_map(|(start, tiers, open_end)| Ladder {
            start,
            tiers,
            open_end,
        })
}

fn case() -> impl Strategy<Value = Case> {
    (
        0u8..4,
        ladder(),
        ladder(),
        1i128..10_000_000_000,
        0..CURRENCIES.len(),
        1i64..=36,
        prop_oneof![Just(0i128), Just(10_000i128), 0i128..=10_000],
        prop::collection::vec(1i64..=200, 3),
    )
        .prop_map(
            |(kind, m, y, list_price, currency, months, discount, quantities)| Case {
                month: (kind == 0 || kind == 2).then_some(m),
                year: (kind == 1 || kind == 2).then_some(y),
                list_price,
                currency,
                months,
                discount,
                quantities,
            },
        )
}

/// `n / d` rounded half-up (every figure here is ≥ 0).
fn half_up(n: i128, d: i128) -> i128 {
    (2 * n + d) / (2 * d)
}

/// `value` × 10^-places as a decimal string with exactly `places` decimals.
fn decimal(value: i128, places: u32) -> String {
    if places == 0 {
        return value.to_string();
    }
    let scale = 10i128.pow(places);
    format!(
        "{}.{:0width$}",
        value / scale,
        value % scale,
        width = places as usize
    )
}

/// A decimal string as an integer count of 10^-places, if it has at most that many.
fn units(s: &str, places: u32) -> Option<i128> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > places as usize {
        return None;
    }
    let padded = format!("{whole}{frac:0<width$}", width = places as usize);
    padded.parse().ok()
}

/// What the quote must say: `Ok((period, periods × 12, unit price, subtotal, discount,
/// total))` in minor units, or `Err(())` where no tier covers the quantity.
#[allow(clippy::type_complexity)]
fn expected(case: &Case, quantity: i64) -> Result<(Value, i64, i128, i128, i128, i128), ()> {
    let places = CURRENCIES[case.currency].1;
    let scale = 10i128.pow(places);
    let (period, twelfths, price) = match (&case.month, &case.year) {
        (None, None) => (Value::Null, 12, case.list_price),
        (m, y) => {
            // Whole years from the yearly ladder when there is one; else the monthly.
            let yearly = y.is_some() && (m.is_none() || case.months % 12 == 0);
            let ladder = if yearly { y } else { m }.as_ref().ok_or(())?;
            let price = ladder
                .bounds()
                .into_iter()
                .find(|(min, max, _)| *min <= quantity && max.is_none_or(|max| quantity <= max))
                .map(|(_, _, price)| price)
                .ok_or(())?;
            if yearly {
                (json!("year"), case.months, price)
            } else {
                (json!("month"), case.months * 12, price)
            }
        }
    };
    // price (10⁻⁴) × quantity × twelfths / 12, in minor units.
    let subtotal = half_up(
        price * i128::from(quantity) * i128::from(twelfths) * scale,
        10_000 * 12,
    );
    let discount = half_up(subtotal * case.discount, 10_000);
    Ok((
        period,
        twelfths,
        price,
        subtotal,
        discount,
        subtotal - discount,
    ))
}

/// Sets the case up (a product, its ladders or list price, a duration of its months with
/// its discount) and checks each of its quotes.
async fn check(
    app: &App,
    n: usize,
    case: &Case,
    durations: &RefCell<HashMap<i64, String>>,
) -> Result<(), String> {
    let (currency, places) = CURRENCIES[case.currency];
    let token = &app.admin.token;
    let mut body = json!({"name": format!("Case {n}")});
    if case.month.is_none() && case.year.is_none() {
        body["unit_price"] = json!(decimal(case.list_price, 4));
        body["currency"] = json!(currency);
    }
    let product = made(app, token, PRODUCTS, body).await;
    for (period, ladder) in [("month", &case.month), ("year", &case.year)] {
        if let Some(l) = ladder {
            let r = put_tiers(app, token, &product, l.body(period, currency), None).await;
            if r.status != StatusCode::OK {
                return Err(format!("ladder refused: {}", r.body));
            }
        }
    }
    let discount = decimal(case.discount, 2);
    let known = durations.borrow().get(&case.months).cloned();
    let duration = match known {
        Some(id) => {
            let uri = format!("{DURATIONS}/{id}");
            let r = app
                .patch(&uri, token, json!({"discount_percentage": discount}), None)
                .await;
            if r.status != StatusCode::OK {
                return Err(format!("duration refused: {}", r.body));
            }
            id.clone()
        }
        None => {
            let body = json!({"months": case.months, "name": format!("{} months", case.months), "discount_percentage": discount});
            let id = made(app, token, DURATIONS, body).await;
            durations.borrow_mut().insert(case.months, id.clone());
            id
        }
    };
    for &quantity in &case.quantities {
        let r = app
            .call(
                Method::POST,
                QUOTE,
                &app.rep.token,
                Some(json!({"product_id": product, "quantity": quantity, "duration_id": duration})),
            )
            .await;
        let said = |what: &str| {
            format!(
                "quantity {quantity}: {what}; answered {} {}",
                r.status, r.body
            )
        };
        let Ok((period, twelfths, price, subtotal, discount, total)) = expected(case, quantity)
        else {
            let named = r
                .field_errors()
                .contains(&("quantity".to_owned(), "tier".to_owned()));
            if r.status != StatusCode::UNPROCESSABLE_ENTITY || !named {
                return Err(said("no tier covers it: wanted 422 naming quantity"));
            }
            continue;
        };
        if r.status != StatusCode::OK {
            return Err(said("wanted 200"));
        }
        let money = |field: &str| r.body[field].as_str().and_then(|s| units(s, places));
        let want = [
            ("subtotal", subtotal),
            ("discount_amount", discount),
            ("total", total),
        ];
        for (field, value) in want {
            if money(field) != Some(value) {
                return Err(said(&format!(
                    "{field} should be {}",
                    decimal(value, places)
                )));
            }
        }
        if money("subtotal")
            .zip(money("discount_amount"))
            .map(|(s, d)| s - d)
            != money("total")
        {
            return Err(said("subtotal − discount ≠ total"));
        }
        let unit = r.body["unit_price"].as_str().and_then(|s| units(s, 4));
        let percent = r.body["discount_percentage"]
            .as_str()
            .and_then(|s| units(s, 2));
        if unit != Some(price) || percent != Some(case.discount) || r.body["period"] != period {
            return Err(said("unit price, discount or period differ"));
        }
        // Periods: exact where they have a finite decimal (months, quarters of a year).
        let periods: f64 = r.body["periods"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or(-1.0);
        if (periods * 12.0 - twelfths as f64).abs() > 1e-9 {
            return Err(said(&format!("periods should be {twelfths}/12")));
        }
        if r.body["currency"] != currency {
            return Err(said("currency differs"));
        }
    }
    Ok(())
}

both_engines! {
    async fn quotes_equal_an_independent_computation(db) {
        let app = App::start(db).await;
        // Every case makes an active product: no cap for this test.
        let r = app.call(Method::PATCH, "/api/v1/settings", &app.admin.token, Some(json!({"active_product_cap": 0}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let handle = tokio::runtime::Handle::current();
        let mut runner = TestRunner::new(Config { cases: 48, failure_persistence: None, ..Config::default() });
        let n = Cell::new(0);
        let durations = RefCell::new(HashMap::new());
        let outcome = tokio::task::block_in_place(|| {
            runner.run(&case(), |case| {
                n.set(n.get() + 1);
                handle
                    .block_on(check(&app, n.get(), &case, &durations))
                    .map_err(TestCaseError::fail)
            })
            .map_err(|e| e.to_string())
        });
        if let Err(e) = outcome {
            panic!("{e}");
        }
    }
}
