//! CSV cells and records as RFC 4180 writes them, made safe to open in a spreadsheet.
//! Shared by every CSV the API answers (list exports, the sales dashboard), so the
//! quoting and the formula guard cannot drift apart.

use std::borrow::Cow;

/// Characters that make a spreadsheet read a cell as a formula (or, for tab and CR, let
/// a formula hide behind them).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One cell: text a spreadsheet would run as a formula gets a leading `'` (which
/// spreadsheets show as "text", and which keeps `=HYPERLINK(…)` or DDE payloads from
/// running), then RFC 4180 quoting when the cell holds a comma, quote or line break.
pub fn cell(s: &str) -> Cow<'_, str> {
    let guarded: Cow<'_, str> = if s.starts_with(FORMULA_STARTS) && !is_plain_number(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    };
    if guarded.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", guarded.replace('"', "\"\"")))
    } else {
        guarded
    }
}

/// A signed decimal such as `-12.50` cannot run as a formula, and prefixing it would
/// turn an exact amount into text that no longer reads back as the same number.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(all_digits)
}

/// Appends one record: the cells through [`cell`], comma-separated, ended by CRLF.
pub fn push_record<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell(c));
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_quoting() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("cr\rhere"), "\"cr\rhere\"");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn neutralises_formulas_but_not_numbers() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("+33 1 23"), "'+33 1 23");
        assert_eq!(cell("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\t=1"), "'\t=1");
        assert_eq!(cell("\r=1"), "\"'\r=1\"");
        assert_eq!(cell("=A1,B1"), "\"'=A1,B1\"");
        assert_eq!(cell("-12.50"), "-12.50");
        assert_eq!(cell("+7"), "+7");
        assert_eq!(cell("-"), "'-");
        assert_eq!(cell("-1."), "'-1.");
        assert_eq!(cell("a=b"), "a=b");
    }

    #[test]
    fn records_end_in_crlf() {
        let mut out = String::new();
        push_record(&mut out, ["a", "b,c", ""]);
        push_record(&mut out, ["=x"]);
        assert_eq!(out, "a,\"b,c\",\r\n'=x\r\n");
    }
}
