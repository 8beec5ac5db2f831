//! How values read on a page: dates, times (UTC, said so), money with its currency.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::money::canonical;
use rust_decimal::Decimal;

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// An amount exactly as kept (the currency's minor units, or more when more were
/// given: money is never rounded for show), grouped by thousands, with its currency:
/// `12,500.00 EUR`, `1,000.0005 USD`, `1,500 JPY`.
pub fn money(amount: Decimal, currency: &str) -> String {
    let text = canonical(amount, Some(currency).filter(|c| !c.is_empty())).to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let point = if frac.is_empty() { "" } else { "." };
    format!("{sign}{grouped}{point}{frac} {currency}")
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
    fn money_is_grouped_and_never_rounded() {
        let d = |s: &str| Decimal::from_str(s).expect("decimal");
        assert_eq!(money(d("1234567.5"), "EUR"), "1,234,567.50 EUR");
        assert_eq!(money(d("-950"), "USD"), "-950.00 USD");
        assert_eq!(money(d("0.125"), "USD"), "0.125 USD");
        assert_eq!(
            money(d("99999999999999.9999"), "USD"),
            "99,999,999,999,999.9999 USD"
        );
        assert_eq!(money(d("-0.5"), "EUR"), "-0.50 EUR");
        assert_eq!(money(d("1500"), "JPY"), "1,500 JPY");
    }
}
