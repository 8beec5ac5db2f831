//! Money: exact decimals with an ISO 4217 currency. Amounts travel as decimal strings
//! (API.md), never as JSON numbers, so no client float ever touches them.

use rust_decimal::Decimal;

/// Active ISO 4217 codes (2024 list, without funds and precious metals).
const CODES: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL \
BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP \
GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF \
KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN \
NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD \
SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES \
VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG";

/// Currencies without minor units, and those with three.
const ZERO_DECIMALS: &str = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF";
const THREE_DECIMALS: &str = "BHD IQD JOD KWD LYD OMR TND";

/// Amounts carry at most this many decimal places (seed 004 prices have four).
pub const MAX_SCALE: u32 = 4;
/// The largest amount: NUMERIC(18, 4) holds fourteen integer digits.
pub const MAX_AMOUNT: &str = "99999999999999.9999";

/// Every code [`is_iso4217`] takes.
pub fn iso4217_codes() -> impl Iterator<Item = &'static str> {
    CODES.split(' ')
}

pub fn is_iso4217(code: &str) -> bool {
    code.len() == 3 && CODES.split(' ').any(|c| c == code)
}

/// Decimal places a currency is usually written with.
pub fn minor_units(currency: &str) -> u32 {
    if ZERO_DECIMALS.split(' ').any(|c| c == currency) {
        0
    } else if THREE_DECIMALS.split(' ').any(|c| c == currency) {
        3
    } else {
        2
    }
}

/// The one way an amount is written out: trailing zeros dropped, then padded to the
/// currency's minor units, so `1234.5` EUR reads `"1234.50"` whichever engine stored it.
pub fn canonical(amount: Decimal, currency: Option<&str>) -> Decimal {
    let mut d = amount.normalize();
    let units = currency.map_or(2, minor_units);
    if d.scale() < units {
        d.rescale(units);
    }
    d
}

/// An exact amount in one currency — a lead's value, a price, a total — written with the
/// currency's minor units. Amounts in different currencies never add up, so code that
/// holds one of these cannot sum across currencies by mistake.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: String,
}

impl Money {
    pub fn new(amount: Decimal, currency: impl Into<String>) -> Self {
        let currency = currency.into();
        Self {
            amount: canonical(amount, Some(&currency)),
            currency,
        }
    }

    /// An amount and its currency as records keep them (both or neither).
    pub fn of(amount: Option<Decimal>, currency: Option<&str>) -> Option<Self> {
        Some(Self::new(amount?, currency?))
    }

    pub fn amount(&self) -> Decimal {
        self.amount
    }

    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// `percent` of the amount, exact: a value weighted by a probability.
    pub fn percent(&self, percent: i64) -> Self {
        Self::new(
            self.amount * Decimal::from(percent) / Decimal::from(100),
            self.currency.clone(),
        )
    }
}

/// Why an amount string was refused, for the field's error message.
pub fn parse_amount(s: &str) -> Result<Decimal, &'static str> {
    const SHAPE: &str = "must be a decimal string such as \"1234.50\"";
    let t = s.trim();
    // Exactly the schema's pattern: 1 to 14 digits, then optionally a point and 1 to 4
    // digits (no sign, exponent or padding zeros past the fourth decimal).
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
        return Err(SHAPE);
    }
    if negative {
        return Err("must not be negative");
    }
    if fraction.is_some_and(|f| f.len() > MAX_SCALE as usize) {
        return Err("must have at most 4 decimal places");
    }
    if whole.len() > 14 {
        return Err("must be at most 99999999999999.9999");
    }
    let d: Decimal = digits.parse().map_err(|_| SHAPE)?;
    Ok(d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_in_its_currency_and_weights_exactly() {
        let d = |s: &str| s.parse::<Decimal>().expect("decimal");
        let eur = Money::new(d("1234.5"), "EUR");
        assert_eq!(eur.amount().to_string(), "1234.50");
        assert_eq!(eur.percent(33).amount().to_string(), "407.385");
        assert_eq!(Money::new(d("1000"), "JPY").amount().to_string(), "1000");
        assert_eq!(Money::of(Some(d("1")), None), None);
        assert_eq!(Money::of(None, Some("EUR")), None);
    }

    #[test]
    fn codes_and_units() {
        assert!(
            is_iso4217("EUR") && is_iso4217("JPY") && !is_iso4217("EURO") && !is_iso4217("eur")
        );
        assert!(!is_iso4217("XXX"));
        assert_eq!(
            (minor_units("EUR"), minor_units("JPY"), minor_units("KWD")),
            (2, 0, 3)
        );
    }

    #[test]
    fn amounts_are_exact_and_written_one_way() {
        let d = parse_amount("1234.5").unwrap();
        assert_eq!(canonical(d, Some("EUR")).to_string(), "1234.50");
        assert_eq!(canonical(d, Some("JPY")).to_string(), "1234.5");
        assert_eq!(
            canonical(parse_amount("0.1234").unwrap(), Some("USD")).to_string(),
            "0.1234"
        );
        assert_eq!(
            canonical(parse_amount("10.000").unwrap(), Some("KWD")).to_string(),
            "10.000"
        );
        let sum = parse_amount("0.1").unwrap() + parse_amount("0.2").unwrap();
        assert_eq!(sum.to_string(), "0.3");
    }

    #[test]
    fn bad_amounts_say_why() {
        for (s, why) in [
            ("-1", "must not be negative"),
            ("1.23456", "must have at most 4 decimal places"),
            ("1e3", "must be a decimal string such as \"1234.50\""),
            ("", "must be a decimal string such as \"1234.50\""),
            ("1.", "must be a decimal string such as \"1234.50\""),
            ("100000000000000", "must be at most 99999999999999.9999"),
        ] {
            assert_eq!(parse_amount(s), Err(why), "{s}");
        }
        assert!(parse_amount("0").is_ok());
        // What the schema's pattern refuses, the reader refuses too.
        for s in ["1.23450", "-0", "+1", "1,5", " 1 . 5", "00000000000000000"] {
            assert!(parse_amount(s).is_err(), "{s}");
        }
        assert!(parse_amount(" 00000000000012.5000 ").is_ok());
    }
}
