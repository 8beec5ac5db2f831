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

/// `delta` added to `column` of `row` (none: nothing kept yet).
fn add(row: Option<&Row>, column: &str, delta: &Value) -> Result<Value, DbError> {
    Ok(match delta {
        Value::Int(d) => {
            let now: i64 = row.map_or(Ok(0), |r| r.get(column))?;
            Value::Int(now + d)
        }
        Value::Decimal(d) => {
            let now: rust_decimal::Decimal =
                row.map_or(Ok(Default::default()), |r| r.get(column))?;
            Value::Decimal((now + d).normalize())
        }
        other => {
            return Err(DbError::decode(format!(
                "{column}: only integers and decimals can be added, not {other:?}"
            )))
        }
    })
}

/// Locks, spelled once per engine. On SQLite each is nothing: every write transaction
/// runs on the single writer thread, so writers are already serialised; PostgreSQL
/// transactions run side by side and must ask.
impl dyn Conn + '_ {
    /// The clause that locks the rows a `SELECT` reads until the transaction ends:
    /// ` FOR UPDATE`, or ` FOR UPDATE OF table` when the query joins other tables
    /// whose rows need no lock.
    pub fn row_lock(&self, of: Option<&str>) -> String {
        match (self.dialect(), of) {
            (Dialect::Sqlite, _) => String::new(),
            (Dialect::Postgres, None) => " FOR UPDATE".to_owned(),
            (Dialect::Postgres, Some(table)) => format!(" FOR UPDATE OF {table}"),
        }
    }

    /// Serialises the transactions that take the same `key` (an advisory lock held
    /// until commit or rollback), for rules that span rows: a cap, a set of kept
    /// figures.
    pub fn lock_key(&mut self, key: i64) -> Result<(), DbError> {
        if self.dialect() == Dialect::Postgres {
            self.query(
                "SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(?)) AS l",
                &[key.into()],
            )?;
        }
        Ok(())
    }

    /// Adds `deltas` (integers or decimals) to the figures kept in the row of `table`
    /// whose `key` columns hold the given values, creating the row if there is none.
    /// Exact on both engines: PostgreSQL adds NUMERICs in one upsert, safe under
    /// concurrent writers; SQLite would add decimal text as floats, so the sum is made
    /// here from the row as read (safe: one writer at a time).
    pub fn add_to_row(
        &mut self,
        table: &str,
        key: &[(&str, Value)],
        deltas: &[(&str, Value)],
    ) -> Result<(), DbError> {
        let columns: Vec<&str> = key.iter().chain(deltas).map(|(c, _)| *c).collect();
        let marks = vec!["?"; columns.len()].join(", ");
        let key_names: Vec<&str> = key.iter().map(|(c, _)| *c).collect();
        let mut params: Vec<Value> = key.iter().map(|(_, v)| v.clone()).collect();
        match self.dialect() {
            Dialect::Postgres => {
                let sums: Vec<String> = deltas
                    .iter()
                    .map(|(c, _)| format!("{c} = {table}.{c} + excluded.{c}"))
                    .collect();
                params.extend(deltas.iter().map(|(_, v)| v.clone()));
                self.execute(
                    &format!(
                        "INSERT INTO {table} ({}) VALUES ({marks}) ON CONFLICT ({}) DO UPDATE SET {}",
                        columns.join(", "),
                        key_names.join(", "),
                        sums.join(", ")
                    ),
                    &params,
                )?;
            }
            Dialect::Sqlite => {
                let found: Vec<String> = deltas.iter().map(|(c, _)| (*c).to_owned()).collect();
                let matching: Vec<String> = key_names.iter().map(|c| format!("{c} = ?")).collect();
                let current = self.query_one(
                    &format!(
                        "SELECT {} FROM {table} WHERE {}",
                        found.join(", "),
                        matching.join(" AND ")
                    ),
                    &params,
                )?;
                for (column, delta) in deltas {
                    params.push(add(current.as_ref(), column, delta)?);
                }
                self.execute(
                    &format!(
                        "INSERT OR REPLACE INTO {table} ({}) VALUES ({marks})",
                        columns.join(", ")
                    ),
                    &params,
                )?;
            }
        }
        Ok(())
    }

    /// Makes writers of `table` wait until this transaction ends, while readers go on
    /// (a rebuild that must see the table hold still).
    /// Tells the other nodes sharing this database, when the transaction commits (see
    /// [`crate::Database::listen`]). SQLite has no other node.
    pub fn notify(&mut self, channel: &str, payload: &str) -> Result<(), DbError> {
        if self.dialect() == Dialect::Postgres {
            self.query(
                "SELECT 1 AS sent FROM (SELECT pg_notify(?, ?)) AS n",
                &[channel.into(), payload.into()],
            )?;
        }
        Ok(())
    }

    pub fn hold_table_still(&mut self, table: &str) -> Result<(), DbError> {
        if self.dialect() == Dialect::Postgres {
            self.batch(&format!("LOCK TABLE {table} IN SHARE MODE"))?;
        }
        Ok(())
    }

    /// Gives this transaction's sorts and hashes room in memory (`mb` megabytes) for a
    /// one-off pass over a whole table; SQLite has no such budget to raise.
    pub fn allow_big_sorts(&mut self, mb: u32) -> Result<(), DbError> {
        if self.dialect() == Dialect::Postgres {
            self.batch(&format!("SET LOCAL work_mem = '{mb}MB'"))?;
        }
        Ok(())
    }

    /// `column` spelled so that the planner does not drive the query from an index on
    /// it, where that index would be the wrong way in (SQLite's unary `+`; PostgreSQL
    /// plans from statistics and needs no hint).
    pub fn without_index(&self, column: &str) -> String {
        match self.dialect() {
            Dialect::Sqlite => format!("+{column}"),
            Dialect::Postgres => column.to_owned(),
        }
    }

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
