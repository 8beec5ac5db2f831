//! The ranked answer to `q` (the order is described in `search.rs`): the tiers are read
//! one after another, each from an index in its own order, until the page is full. The
//! cursor names the tier and the position in it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rapport_db::{Conn, Dialect, Row};
use uuid::Uuid;

use super::count::{Total, SEARCH_COUNT_LIMIT};
use super::params::{ListParams, ListSpec, Page, MAX_LIMIT};
use crate::kernel::search::{key_expr, short_word, Query, Search};
use crate::{SqlBuf, StoreError};

/// Where a page ended: the tier, and the last row's key (key tiers) or `search_seq`
/// (the word tier) and id.
enum Position {
    Key(usize, String, Uuid),
    Words(i64),
}

fn bad_cursor() -> StoreError {
    StoreError::bad_request(
        "cursor",
        "cursor",
        "is not a cursor from this search (cursors are opaque and only valid with the same sort)",
    )
}

fn decode(cursor: &str, key_tiers: usize) -> Result<Position, StoreError> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad_cursor())?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad_cursor())?;
    if json.get("s").and_then(|s| s.as_str()) != Some("relevance") {
        return Err(bad_cursor());
    }
    let tier = json
        .get("t")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(bad_cursor)? as usize;
    if tier < key_tiers {
        let key = json
            .get("k")
            .and_then(|k| k.as_str())
            .ok_or_else(bad_cursor)?;
        let id = json
            .get("i")
            .and_then(|i| i.as_str())
            .and_then(|i| Uuid::parse_str(i).ok())
            .ok_or_else(bad_cursor)?;
        Ok(Position::Key(tier, key.to_owned(), id))
    } else if tier == key_tiers {
        let seq = json
            .get("k")
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(bad_cursor)?;
        Ok(Position::Words(seq))
    } else {
        Err(bad_cursor())
    }
}

fn encode(search: &Search, tier: usize, row: &Row) -> Result<String, StoreError> {
    let json = if tier < search.key_columns.len() {
        let key: String = row.get(search.key_columns[tier])?;
        let id: Uuid = row.get("id")?;
        serde_json::json!({"s": "relevance", "t": tier, "k": key, "i": id.to_string()})
    } else {
        let seq: i64 = row.get("search_seq")?;
        serde_json::json!({"s": "relevance", "t": tier, "k": seq})
    };
    Ok(URL_SAFE_NO_PAD.encode(json.to_string()))
}

fn all_of(conditions: Vec<SqlBuf>) -> SqlBuf {
    let mut b = SqlBuf::new("(TRUE");
    for c in conditions {
        b.push(" AND (").append(c).push(")");
    }
    b.push(")");
    b
}

/// One search over one table: what every tier's query shares.
struct Tiers<'a> {
    search: &'a Search,
    table: &'a str,
    dialect: Dialect,
    query: &'a Query,
    /// Scope, resource conditions and filters.
    base: SqlBuf,
}

impl Tiers<'_> {
    /// Rows of earlier key tiers, which later tiers leave out.
    fn not_in_earlier(&self, tier: usize) -> SqlBuf {
        let mut b = SqlBuf::new("(TRUE");
        for earlier in 0..tier {
            b.push(" AND NOT ").append(self.search.key_range(
                self.table,
                self.dialect,
                self.query,
                earlier,
            ));
        }
        b.push(")");
        b
    }

    fn key_tier(&self, tier: usize, after: Option<(&str, Uuid)>, want: usize) -> SqlBuf {
        let table = self.table;
        let col = key_expr(table, self.search.key_columns[tier], self.dialect);
        let mut q = SqlBuf::new(&format!("SELECT * FROM {table} WHERE "));
        q.append(self.base.clone())
            .push(" AND ")
            .append(self.search.key_range(table, self.dialect, self.query, tier))
            .push(" AND ")
            .append(self.not_in_earlier(tier));
        if let Some((key, id)) = after {
            q.push(&format!(" AND ({col} > "))
                .bind(key.to_owned())
                .push(&format!(" OR ({col} = "))
                .bind(key.to_owned())
                .push(&format!(" AND {table}.id > "))
                .bind(id)
                .push("))");
        }
        q.push(&format!(" ORDER BY {col}, {table}.id LIMIT {want}"));
        q
    }

    fn word_tier(&self, after: Option<i64>, want: usize) -> SqlBuf {
        let table = self.table;
        let earlier = self.not_in_earlier(self.search.key_columns.len());
        match (self.dialect, &self.query.words) {
            // The FTS5 index hands out matches in rowid (= search_seq) order, so the
            // newest matches come first without reading the others.
            (Dialect::Sqlite, Some(words)) => {
                let fts = self.search.fts_table;
                let mut q = SqlBuf::new(&format!(
                    "SELECT {table}.* FROM {fts} JOIN {table} ON {table}.search_seq = {fts}.rowid WHERE {fts} MATCH "
                ));
                q.bind(words.clone())
                    .append(short_word(table, self.query))
                    .push(" AND ")
                    .append(self.base.clone())
                    .push(" AND ")
                    .append(earlier);
                if let Some(seq) = after {
                    q.push(&format!(" AND {fts}.rowid < ")).bind(seq);
                }
                q.push(&format!(" ORDER BY {fts}.rowid DESC LIMIT {want}"));
                q
            }
            // PostgreSQL chooses between the GIN index and walking search_seq; a query
            // of one character walks search_seq on both engines.
            _ => self.word_tier_from(&format!("{table} WHERE TRUE"), after, want),
        }
    }

    /// Up to `want` rows of the word tier in no particular order, for counting: SQLite's
    /// text index yields matches in its own order anyway; PostgreSQL stops after `want`
    /// matches of its bitmap instead of sorting every match by `search_seq`.
    fn word_tier_unordered(&self, want: usize) -> SqlBuf {
        match self.dialect {
            Dialect::Sqlite => self.word_tier(None, want),
            Dialect::Postgres => {
                let table = self.table;
                let mut q = SqlBuf::new(&format!("SELECT 1 FROM {table} WHERE "));
                q.append(self.search.word_match(table, self.dialect, self.query))
                    .push(" AND ")
                    .append(self.base.clone())
                    .push(" AND ")
                    .append(self.not_in_earlier(self.search.key_columns.len()));
                q.push(&format!(" LIMIT {want}"));
                q
            }
        }
    }

    /// PostgreSQL first looks for the page among the newest rows only: a common word
    /// fills it there in a few milliseconds, where its planner, misjudging how often
    /// words occur together ("san antonio"), would fetch every match through the GIN
    /// index to sort them. Only when the window holds too few does the full query run
    /// (and then the matches are few). The answer is the same either way.
    fn word_tier_window(&self, after: Option<i64>, want: usize) -> SqlBuf {
        let table = self.table;
        let mut window = SqlBuf::new(&format!("(SELECT * FROM {table}"));
        if let Some(seq) = after {
            window.push(" WHERE search_seq < ").bind(seq);
        }
        window.push(&format!(
            " ORDER BY search_seq DESC LIMIT {WINDOW}) AS {table} WHERE TRUE"
        ));
        self.word_tier_from_buf(window, None, want)
    }

    fn word_tier_from(&self, source: &str, after: Option<i64>, want: usize) -> SqlBuf {
        self.word_tier_from_buf(SqlBuf::new(source), after, want)
    }

    /// The word tier over `source` (a table or a window, ending in a WHERE clause).
    fn word_tier_from_buf(&self, source: SqlBuf, after: Option<i64>, want: usize) -> SqlBuf {
        let table = self.table;
        let earlier = self.not_in_earlier(self.search.key_columns.len());
        let mut q = SqlBuf::new("SELECT * FROM ");
        q.append(source)
            .push(" AND ")
            .append(self.search.word_match(table, self.dialect, self.query))
            .push(" AND ")
            .append(self.base.clone())
            .push(" AND ")
            .append(earlier);
        if let Some(seq) = after {
            q.push(&format!(" AND {table}.search_seq < ")).bind(seq);
        }
        q.push(&format!(" ORDER BY {table}.search_seq DESC LIMIT {want}"));
        q
    }
}

/// Counts the matches tier by tier, each read the way its page is (the word tier driven
/// by the text index in its own order), so counting stops after the limit instead of
/// first collecting every match of a common word.
fn count(conn: &mut dyn Conn, tiers: &Tiers<'_>) -> Result<Total, StoreError> {
    let key_tiers = tiers.search.key_columns.len();
    let mut seen: i64 = 0;
    for tier in 0..=key_tiers {
        let want = usize::try_from(SEARCH_COUNT_LIMIT + 1 - seen).unwrap_or(0);
        let rows = if tier < key_tiers {
            tiers.key_tier(tier, None, want)
        } else {
            tiers.word_tier_unordered(want)
        };
        let mut q = SqlBuf::new("SELECT COUNT(*) AS n FROM (");
        q.append(rows).push(") AS tier");
        let counted = conn.query_planned(&q.sql, &q.params)?;
        seen += counted
            .first()
            .map(|r| r.get_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        if seen > SEARCH_COUNT_LIMIT {
            break;
        }
    }
    Ok(Total {
        count: seen.min(SEARCH_COUNT_LIMIT),
        exact: seen <= SEARCH_COUNT_LIMIT,
    })
}

/// How many of the newest rows PostgreSQL's word tier looks at before the full query.
const WINDOW: usize = 10_000;

pub(crate) fn run(
    conn: &mut dyn Conn,
    spec: &ListSpec,
    search: &Search,
    query: &Query,
    params: &ListParams,
    conditions: Vec<SqlBuf>,
) -> Result<Page<Row>, StoreError> {
    let tiers = Tiers {
        search,
        table: spec.table,
        dialect: conn.dialect(),
        query,
        base: all_of(conditions),
    };
    let total = if params.count {
        Some(count(conn, &tiers)?)
    } else {
        None
    };
    let key_tiers = search.key_columns.len();
    let start = match params.cursor.as_deref() {
        Some(c) => Some(decode(c, key_tiers)?),
        None => None,
    };
    let first_tier = match &start {
        None => 0,
        Some(Position::Key(tier, ..)) => *tier,
        Some(Position::Words(_)) => key_tiers,
    };
    let limit = params.limit.clamp(1, MAX_LIMIT);
    let mut rows: Vec<(usize, Row)> = Vec::new();
    for tier in first_tier..=key_tiers {
        let want = limit + 1 - rows.len();
        let resume = if tier == first_tier {
            start.as_ref()
        } else {
            None
        };
        let q = if tier < key_tiers {
            let after = match resume {
                Some(Position::Key(_, key, id)) => Some((key.as_str(), *id)),
                _ => None,
            };
            tiers.key_tier(tier, after, want)
        } else {
            let after = match resume {
                Some(Position::Words(seq)) => Some(*seq),
                _ => None,
            };
            if tiers.dialect == Dialect::Postgres && query.words.is_some() {
                let w = tiers.word_tier_window(after, want);
                let found = conn.query_planned(&w.sql, &w.params)?;
                if found.len() == want {
                    rows.extend(found.into_iter().map(|r| (tier, r)));
                    break;
                }
            }
            tiers.word_tier(after, want)
        };
        rows.extend(
            conn.query_planned(&q.sql, &q.params)?
                .into_iter()
                .map(|r| (tier, r)),
        );
        if rows.len() > limit {
            break;
        }
    }
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        match rows.last() {
            Some((tier, row)) => Some(encode(search, *tier, row)?),
            None => None,
        }
    } else {
        None
    };
    Ok(Page {
        data: rows.into_iter().map(|(_, r)| r).collect(),
        next_cursor,
        total: None,
        total_exact: None,
    }
    .with_total(total))
}
