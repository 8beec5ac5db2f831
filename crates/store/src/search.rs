//! `q` text search: which rows match and how they rank, on each engine.
//!
//! Matching is by word prefix over the folded search text (see
//! `rapport_domain::normalize::search_text`): every word of the query must begin some word
//! of the record. SQLite answers from an FTS5 index, PostgreSQL from a GIN index on
//! `to_tsvector('simple', search_text)`; both see the same words, so both return the same
//! rows. Ranking is a rule rather than a score, so it is the same on both engines and
//! can be paged with a cursor: rows whose name starts with the query come first, then the
//! rest, each group in the resource's name order.

use rapport_db::Dialect;
use rapport_domain::normalize::{company_key, search_text};

use crate::{SqlBuf, StoreError};

pub const MAX_Q_LEN: usize = 200;
/// More words than this add nothing to a CRM lookup and only cost time.
const MAX_Q_WORDS: usize = 8;

/// How a resource is searched (its tables and columns are in migration 0002).
pub struct Search {
    /// The SQLite FTS5 table, the table giving each record a stable integer row id,
    /// and that table's column holding the record's id.
    pub fts_table: &'static str,
    pub fts_rows: &'static str,
    pub fts_key: &'static str,
    /// The folded words, indexed on PostgreSQL.
    pub text_column: &'static str,
    /// Columns in company-key form (upper case, letters and digits); a row where one of
    /// them starts with the query's key ranks first.
    pub rank_columns: &'static [&'static str],
    /// The sort field that orders rows of equal rank.
    pub then_by: &'static str,
}

/// A parsed `q`: the condition selecting matching rows and the rank expression.
pub struct Query {
    pub matches: SqlBuf,
    /// SQL giving 0 for the best matches and 1 for the others.
    pub rank: String,
}

impl Search {
    /// `None` when `q` holds no letters or digits (it then filters nothing).
    pub fn parse(
        &self,
        table: &str,
        dialect: Dialect,
        q: &str,
    ) -> Result<Option<Query>, StoreError> {
        if q.chars().count() > MAX_Q_LEN {
            return Err(StoreError::bad_request(
                "q",
                "max_length",
                format!("must be at most {MAX_Q_LEN} characters"),
            ));
        }
        let folded = search_text(&[q]);
        let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return Ok(None);
        }
        if words.len() > MAX_Q_WORDS {
            return Err(StoreError::bad_request(
                "q",
                "max_words",
                format!("must have at most {MAX_Q_WORDS} words"),
            ));
        }
        let matches = match dialect {
            Dialect::Sqlite => {
                // Words hold only letters and digits, so quoting makes each a plain term.
                let expr = words
                    .iter()
                    .map(|w| format!("\"{w}\"*"))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                let mut b = SqlBuf::new(&format!(
                    "{table}.id IN (SELECT r.{key} FROM {fts} JOIN {rows} r ON r.row_id = {fts}.rowid WHERE {fts} MATCH ",
                    key = self.fts_key,
                    fts = self.fts_table,
                    rows = self.fts_rows,
                ));
                b.bind(expr).push(")");
                b
            }
            Dialect::Postgres => {
                let expr = words
                    .iter()
                    .map(|w| format!("{w}:*"))
                    .collect::<Vec<_>>()
                    .join(" & ");
                let mut b = SqlBuf::new(&format!(
                    "to_tsvector('simple', {table}.{}) @@ to_tsquery('simple', ",
                    self.text_column
                ));
                b.bind(expr).push(")");
                b
            }
        };
        // The key holds only letters and digits (company_key keeps nothing else), so it
        // can stand in the SQL as a literal: no quote or LIKE wildcard can occur in it.
        let key: String = company_key(q)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        let starts = self
            .rank_columns
            .iter()
            .map(|c| format!("{table}.{c} LIKE '{key}%'"))
            .collect::<Vec<_>>()
            .join(" OR ");
        Ok(Some(Query {
            matches,
            rank: format!("(CASE WHEN {starts} THEN 0 ELSE 1 END)"),
        }))
    }
}
