use crate::{DbError, Row, Value};

/// Which SQL dialect a connection speaks; repositories branch on it only where the
/// engines truly differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }
}

/// A database connection, possibly inside a transaction. SQL uses `?` placeholders on
/// both engines; PostgreSQL's `$n` numbering is added by its implementation.
pub trait Conn: Send {
    fn dialect(&self) -> Dialect;
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError>;
    /// Like `query`, for queries whose best plan depends on the values (text search: a
    /// rare word wants its index, a common one a walk in order). PostgreSQL plans each
    /// run with its parameters instead of settling on a generic plan for a cached
    /// statement; SQLite plans every run anyway.
    fn query_planned(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        self.query(sql, params)
    }
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError>;
    /// Runs several `;`-separated statements without parameters (migrations).
    fn batch(&mut self, sql: &str) -> Result<(), DbError>;
}

impl dyn Conn + '_ {
    pub fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, DbError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    pub fn query_scalar<T: crate::FromValue>(
        &mut self,
        sql: &str,
        params: &[Value],
    ) -> Result<Option<T>, DbError> {
        match self.query_one(sql, params)? {
            Some(row) => Ok(Some(row.get_index(0)?)),
            None => Ok(None),
        }
    }
}
