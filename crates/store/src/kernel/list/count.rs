//! `count=true`: how many rows a list matches, without reading every match.
//!
//! A resource that keeps a figure for the asked set (the board's totals for leads) answers
//! from it, exactly, at any size. Any other count reads the matches through the list's
//! indexes, and stops once it has seen more than a limit: up to the limit the total is
//! exact; past it the answer is the limit with `total_exact: false` ("10,000 or more"),
//! so a count never costs more than reading that many index entries. Text search stops
//! sooner, because each match is checked against the row (scope, filters, archived).

use rapport_db::Conn;

use crate::{SqlBuf, StoreError};

/// Where a list's count stops (docs/api.md "Totals").
pub const COUNT_LIMIT: i64 = 10_000;
/// Where a text search's count stops.
pub const SEARCH_COUNT_LIMIT: i64 = 1_000;

/// A total, and whether it is the exact number of matches or a lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub count: i64,
    pub exact: bool,
}

impl Total {
    pub fn exact(count: i64) -> Self {
        Self { count, exact: true }
    }
}

/// A count a resource answers from figures it keeps, in the list's read.
pub type KeptCount = Box<dyn FnOnce(&mut dyn Conn) -> Result<i64, StoreError> + Send>;

/// Counts the rows of `table` meeting `where_clause` (which starts with ` WHERE `),
/// stopping after `limit`.
pub(super) fn capped(
    conn: &mut dyn Conn,
    table: &str,
    where_clause: SqlBuf,
    limit: i64,
    planned: bool,
) -> Result<Total, StoreError> {
    let mut q = SqlBuf::new(&format!("SELECT COUNT(*) AS n FROM (SELECT 1 FROM {table}"));
    q.append(where_clause)
        .push(&format!(" LIMIT {}) AS capped", limit + 1));
    let rows = if planned {
        conn.query_planned(&q.sql, &q.params)?
    } else {
        conn.query(&q.sql, &q.params)?
    };
    let n = rows
        .first()
        .map(|r| r.get_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    Ok(Total {
        count: n.min(limit),
        exact: n <= limit,
    })
}
