//! `q` text search: which rows match, and the order that answers a search fast at a
//! million rows on both engines.
//!
//! A row matches when its name key starts with the query's key (the query typed as one
//! run of letters and digits, so `acmelog` finds "Acme Logistics"), or when its folded
//! search text has every whole word of the query and a word beginning with the query's
//! last word, the one being typed (see
//! `rapport_domain::normalize::search_text`). Results come in tiers, each read from an
//! index in its own order so that a page costs about the page, not the number of
//! matches: first the rows whose key (one tier per key column) starts with the query, in
//! key order, then the other word matches, newest first. SQLite reads word matches from
//! an FTS5 index in rowid order; PostgreSQL from a GIN index on a stored `tsvector`, or
//! by walking `search_seq` when that is cheaper. Both see the same words and the same
//! order, so both return the same rows.

use rapport_db::Dialect;
use rapport_domain::normalize::{company_key, search_text};

use crate::{SqlBuf, StoreError};

pub const MAX_Q_LEN: usize = 200;
/// More words than this add nothing to a CRM lookup and only cost time.
const MAX_Q_WORDS: usize = 8;

/// How a resource is searched (its tables and columns are in migration 0002).
pub struct Search {
    /// The SQLite FTS5 table, whose rowid is the record's `search_seq`; on PostgreSQL
    /// `<fts_table>_vectors` holds (search_seq, search_vector) beside the record.
    pub fts_table: &'static str,
    /// Name keys (upper case, letters and digits): a row whose key starts with the
    /// query's key is a match of that column's tier.
    pub key_columns: &'static [&'static str],
}

/// A parsed `q`.
pub struct Query {
    /// FTS5 expression (SQLite) or tsquery (PostgreSQL) for the words the index answers.
    pub(crate) words: Option<String>,
    /// `LIKE` pattern over `' ' || search_text` for a one-character last word.
    pub(crate) short: Option<String>,
    /// The query's key and the first string after every string that starts with it.
    pub(crate) key: String,
    pub(crate) key_end: String,
}

impl Search {
    /// `None` when `q` holds no letters or digits (it then filters nothing).
    pub fn parse(&self, dialect: Dialect, q: &str) -> Result<Option<Query>, StoreError> {
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
        // The words before the last are whole words; the last is the one being typed, a
        // prefix. (A prefix of a common word is a long list of records to merge, so
        // only the word in progress pays for it.) A last word of one character would
        // merge nearly every record: it is checked on the candidates' text instead.
        // Words hold only letters and digits, so neither engine's query syntax (nor a
        // LIKE wildcard) can occur in them.
        let (last, whole) = match words.split_last() {
            Some((last, whole)) => (*last, whole),
            None => return Ok(None),
        };
        let short = (last.chars().count() == 1).then(|| format!("% {last}%"));
        let mut terms: Vec<String> = whole
            .iter()
            .map(|w| match dialect {
                Dialect::Sqlite => format!("\"{w}\""),
                Dialect::Postgres => (*w).to_owned(),
            })
            .collect();
        if short.is_none() {
            terms.push(match dialect {
                Dialect::Sqlite => format!("\"{last}\"*"),
                Dialect::Postgres => format!("{last}:*"),
            });
        }
        let words = (!terms.is_empty()).then(|| {
            terms.join(match dialect {
                Dialect::Sqlite => " AND ",
                Dialect::Postgres => " & ",
            })
        });
        let key = company_key(q);
        let key_end = successor(&key);
        Ok(Some(Query {
            words,
            short,
            key,
            key_end,
        }))
    }

    /// Rows of tier `tier` whose key starts with the query's, compared byte-wise.
    pub fn key_range(&self, table: &str, dialect: Dialect, query: &Query, tier: usize) -> SqlBuf {
        let col = key_expr(table, self.key_columns[tier], dialect);
        let mut b = SqlBuf::new(&format!("({col} >= "));
        b.bind(query.key.clone())
            .push(&format!(" AND {col} < "))
            .bind(query.key_end.clone())
            .push(")");
        b
    }

    /// Rows matching every word of the query.
    pub fn word_match(&self, table: &str, dialect: Dialect, query: &Query) -> SqlBuf {
        let mut b = SqlBuf::new("(TRUE");
        if let Some(words) = &query.words {
            match dialect {
                Dialect::Sqlite => b.push(&format!(
                    " AND {table}.search_seq IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ",
                    fts = self.fts_table
                )),
                // The side table's GIN index, which the policies do not stand in
                // front of (migration 0008).
                Dialect::Postgres => b.push(&format!(
                    " AND {table}.search_seq IN (SELECT search_seq FROM {fts}_vectors \
                     WHERE search_vector @@ to_tsquery('simple', ",
                    fts = self.fts_table
                )),
            };
            b.bind(words.clone()).push(match dialect {
                Dialect::Sqlite => ")",
                Dialect::Postgres => "))",
            });
        }
        b.append(short_word(table, query)).push(")");
        b
    }

    /// Every match, for lists in another order and for counts.
    pub fn any_match(&self, table: &str, dialect: Dialect, query: &Query) -> SqlBuf {
        let mut b = SqlBuf::new("(");
        for tier in 0..self.key_columns.len() {
            b.append(self.key_range(table, dialect, query, tier))
                .push(" OR ");
        }
        b.append(self.word_match(table, dialect, query)).push(")");
        b
    }
}

/// ` AND …` the one-character last word, if the query ends with one.
pub fn short_word(table: &str, query: &Query) -> SqlBuf {
    let mut b = SqlBuf::default();
    if let Some(pattern) = &query.short {
        b.push(&format!(" AND (' ' || {table}.search_text) LIKE "))
            .bind(pattern.clone());
    }
    b
}

/// A key column compared byte-wise: SQLite's default collation already is; PostgreSQL's
/// database collation may not be, and its prefix indexes are built `COLLATE "C"`.
pub fn key_expr(table: &str, column: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => format!("{table}.{column}"),
        Dialect::Postgres => format!("{table}.{column} COLLATE \"C\""),
    }
}

/// The smallest string greater than every string that starts with `key`: its last
/// character moved up by one code point.
fn successor(key: &str) -> String {
    let mut chars: Vec<char> = key.chars().collect();
    while let Some(last) = chars.pop() {
        let mut next = last as u32 + 1;
        if (0xD800..0xE000).contains(&next) {
            next = 0xE000;
        }
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return chars.into_iter().collect();
        }
    }
    // Only for a key of nothing but the last code point: no string is above it.
    char::MAX.to_string().repeat(key.chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn successor_bounds_every_extension() {
        assert_eq!(successor("ASH"), "ASI");
        assert_eq!(successor("AZ9"), "AZ:");
        let s = successor("東京");
        assert!("東京病院" < s.as_str() && s.as_str() < "東亮");
        assert!("ASHTON" < successor("ASH").as_str());
    }
}
