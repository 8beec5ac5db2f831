//! How values read on a page: dates, times (UTC, said so), money with its currency.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// An exact amount grouped by thousands, with its currency: `12,500.00 EUR`.
pub fn money(amount: Decimal, currency: &str) -> String {
    let text = amount.round_dp(2).to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let frac = format!("{frac:0<2}");
    format!("{sign}{grouped}.{frac} {currency}")
}

/// A snake_case name as words: `closed_won` → `closed won`.
pub fn words(name: &str) -> String {
    name.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_is_grouped_and_keeps_two_places() {
        let d = |s: &str| Decimal::from_str(s).expect("decimal");
        assert_eq!(money(d("1234567.5"), "EUR"), "1,234,567.50 EUR");
        assert_eq!(money(d("-950"), "USD"), "-950.00 USD");
        assert_eq!(money(d("0.125"), "USD"), "0.12 USD");
    }
}
