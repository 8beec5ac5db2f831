//! Read-only figures over the records, each scoped to what the caller may see:
//! the sales dashboard over the distribution log, the pipeline dashboard over leads.
//! The contracts dashboard (`GET /api/v1/dashboards/contracts`, `contracts.rs`) over
//! contracts and their status history.

pub mod contracts;
pub mod pipeline;
pub mod sales;

use chrono::NaiveDate;

use crate::StoreError;

/// The longest period a dashboard covers, so that a typo in a year cannot ask for
/// thousands of interval rows.
pub const MAX_YEARS: i32 = 100;

/// `from` (inclusive) and `to` (exclusive), checked; `to` defaults to the first day of
/// next month and `from` to twelve months before `to`.
pub fn period(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), StoreError> {
    use chrono::{Datelike, Months};
    let next_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
        .and_then(|d| d.checked_add_months(Months::new(1)))
        .unwrap_or(today);
    let to = to.unwrap_or(next_month);
    let from = from.unwrap_or_else(|| to.checked_sub_months(Months::new(12)).unwrap_or(to));
    if to <= from {
        return Err(StoreError::bad_request(
            "to",
            "after",
            format!("must be after from ({from}); to is exclusive"),
        ));
    }
    if to.year() - from.year() > MAX_YEARS {
        return Err(StoreError::bad_request(
            "to",
            "span",
            format!("the period may span at most {MAX_YEARS} years"),
        ));
    }
    Ok((from, to))
}
