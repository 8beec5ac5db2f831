use serde::Serialize;

/// One bad field: which field, which rule it broke, and a sentence for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub rule: String,
    pub message: String,
    /// The row of a bulk request the error is about (0-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, rule: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            rule: rule.to_owned(),
            message: message.into(),
            index: None,
        }
    }

    /// The same error, about row `index` of a bulk request.
    pub fn at(mut self, index: usize) -> Self {
        self.index = Some(index);
        self
    }
}

/// A request that is well-formed but breaks one or more rules (HTTP 422).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for Invalid {}

/// A calendar date written exactly `YYYY-MM-DD` (ISO 8601's extended form, four-digit
/// year): chrono alone would also take `2026-1-1` and `+002026-01-01`.
pub fn strict_date(s: &str) -> Option<chrono::NaiveDate> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A UUID written as JSON Schema's `uuid` format has it: 36 characters, hyphenated
/// (the `uuid` crate alone would also take the braced, URN and 32-digit forms).
pub fn strict_uuid(s: &str) -> Option<uuid::Uuid> {
    if s.len() != 36 {
        return None;
    }
    uuid::Uuid::try_parse(s).ok()
}

/// A JSON number that is a whole number, as JSON Schema's `integer` reads it: `6.0` is
/// the integer 6. Beyond 2^53 a float is no longer exact, so it is not taken as one.
pub fn whole_number(n: &serde_json::Number) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() <= EXACT)
            // Within ±2^53 the cast is exact.
            .map(|f| f as i64)
    })
}

/// Whether text holds the NUL character, which PostgreSQL cannot store in text or JSONB:
/// refused on both engines alike, so they agree.
pub fn has_nul(s: &str) -> bool {
    s.contains('\0')
}

/// Whether any key or string inside a JSON value holds the NUL character.
pub fn json_has_nul(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => has_nul(s),
        serde_json::Value::Array(items) => items.iter().any(json_has_nul),
        serde_json::Value::Object(m) => m.iter().any(|(k, v)| has_nul(k) || json_has_nul(v)),
        _ => false,
    }
}

pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && domain.len() >= 3
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && s.matches('@').count() == 1
}

/// Phone numbers are kept as typed, but only with characters a phone number has.
pub fn is_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (3..=20).contains(&digits)
        && s.chars()
            .all(|c| c.is_ascii_digit() || " +-().x/".contains(c))
}

pub fn is_web_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    // Square brackets are refused: an IPv6-literal host is no company's website, and a
    // lone bracket makes the URL unparseable for every client that reads it back.
    rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && !s.chars().any(|c| c.is_whitespace() || c == '[' || c == ']')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_exactly_yyyy_mm_dd() {
        assert!(strict_date("2026-01-31").is_some());
        for bad in [
            "2026-1-1",
            "+002026-01-01",
            "2026-02-30",
            "26-01-01",
            " 2026-01-01",
            "2026/01/01",
        ] {
            assert!(strict_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn nul_is_found_anywhere_in_json() {
        assert!(json_has_nul(&serde_json::json!({"a": ["x", "b\u{0}"]})));
        assert!(json_has_nul(&serde_json::json!({"k\u{0}": 1})));
        assert!(!json_has_nul(&serde_json::json!({"a": ["x\n", 1, null]})));
    }

    #[test]
    fn emails() {
        assert!(is_email("a.b@example.com"));
        assert!(!is_email("a.b@example"));
        assert!(!is_email("@example.com"));
        assert!(!is_email("a b@example.com"));
        assert!(!is_email("a@b@example.com"));
    }

    #[test]
    fn phones_and_urls() {
        assert!(is_phone("+33 (0)1 23 45 67 89"));
        assert!(!is_phone("call me"));
        assert!(is_web_url("https://example.com/x"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("http://[::1"));
        assert!(!is_web_url("https://example.com/?a[]=1"));
    }
}
