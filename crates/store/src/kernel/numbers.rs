//! Readable record numbers (`ORD-2026-000123`, `CTR-2026-000007`): one counter per
//! series and year in `number_series`, moved on inside the transaction that takes the
//! number. PostgreSQL's row lock on the counter makes concurrent creates wait for each
//! other's commit, and SQLite has one writer, so two records never get one number; a
//! rolled-back create rolls its number back too, so the series has no gaps other than
//! records deleted later.

use chrono::{DateTime, Datelike, Utc};
use rapport_db::Conn;

use crate::StoreError;

/// A numbered series: its counter's name, the prefix it prints and where its numbers
/// are kept (to step over numbers taken by hand or by an import).
pub struct Series {
    pub name: &'static str,
    pub prefix: &'static str,
    pub table: &'static str,
    pub column: &'static str,
}

/// The next free number of `series` for the year of `at`.
pub fn next(c: &mut dyn Conn, series: &Series, at: DateTime<Utc>) -> Result<String, StoreError> {
    let year = at.year();
    loop {
        let n: i64 = c
            .query_scalar(
                "INSERT INTO number_series (series, year, last_value) VALUES (?, ?, 1) \
                 ON CONFLICT (series, year) DO UPDATE SET last_value = number_series.last_value + 1 \
                 RETURNING last_value",
                &[series.name.into(), i64::from(year).into()],
            )?
            .unwrap_or(1);
        let number = format!("{}-{year}-{n:06}", series.prefix);
        let taken: Option<i64> = c.query_scalar(
            &format!("SELECT 1 FROM {} WHERE {} = ?", series.table, series.column),
            &[number.clone().into()],
        )?;
        if taken.is_none() {
            return Ok(number);
        }
    }
}
