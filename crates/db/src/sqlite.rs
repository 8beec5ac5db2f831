use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::OpenFlags;

use crate::{format_timestamp, Conn, DbError, DbErrorKind, Dialect, Row, Value};

/// One SQLite connection with Rapport's pragmas applied.
pub(crate) struct SqliteConn {
    conn: rusqlite::Connection,
}

impl SqliteConn {
    pub(crate) fn open(path: &Path, read_only: bool, synchronous: &str) -> Result<Self, DbError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = rusqlite::Connection::open_with_flags(path, flags).map_err(|e| {
            DbError::new(
                DbErrorKind::Unavailable,
                format!("cannot open SQLite database {}: {e}", path.display()),
            )
        })?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.set_prepared_statement_cache_capacity(256);
        // WAL lets readers run beside the single writer; synchronous=FULL makes every
        // acknowledged commit survive power loss (the writer batches commits to pay the
        // fsync once per batch, not once per request).
        conn.execute_batch(&format!(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA foreign_keys=ON;"
        ))?;
        if read_only {
            conn.execute_batch("PRAGMA query_only=ON;")?;
        } else {
            // The one writer touches every table's indexes; a page cache that holds
            // them (64 MiB, against SQLite's default 2 MiB) saves a read syscall per
            // page a write revisits.
            conn.execute_batch("PRAGMA cache_size=-65536;")?;
        }
        Ok(Self { conn })
    }

    pub(crate) fn raw(&mut self) -> &mut rusqlite::Connection {
        &mut self.conn
    }
}

struct Param<'a>(&'a Value);

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        use rusqlite::types::Value as Sv;
        Ok(match self.0 {
            Value::Null => ToSqlOutput::Owned(Sv::Null),
            Value::Bool(b) => ToSqlOutput::Owned(Sv::Integer(i64::from(*b))),
            Value::Int(i) => ToSqlOutput::Owned(Sv::Integer(*i)),
            Value::Real(f) => ToSqlOutput::Owned(Sv::Real(*f)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Uuid(u) => ToSqlOutput::Owned(Sv::Text(u.to_string())),
            Value::Timestamp(t) => ToSqlOutput::Owned(Sv::Text(format_timestamp(t))),
            Value::Date(d) => ToSqlOutput::Owned(Sv::Text(d.format("%Y-%m-%d").to_string())),
            Value::Decimal(d) => ToSqlOutput::Owned(Sv::Text(d.normalize().to_string())),
            Value::Json(j) => ToSqlOutput::Owned(Sv::Text(j.to_string())),
            Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

fn bind<'a>(params: &'a [Value]) -> Vec<Param<'a>> {
    params.iter().map(Param).collect()
}

impl Conn for SqliteConn {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let columns: Arc<[String]> = stmt.column_names().into_iter().map(str::to_owned).collect();
        let n = columns.len();
        let bound = bind(params);
        let mut rows = stmt.query(rusqlite::params_from_iter(bound.iter()))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut values = Vec::with_capacity(n);
            for i in 0..n {
                values.push(match r.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(i) => Value::Int(i),
                    ValueRef::Real(f) => Value::Real(f),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
                });
            }
            out.push(Row::new(columns.clone(), values));
        }
        Ok(out)
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let bound = bind(params);
        let n = stmt.execute(rusqlite::params_from_iter(bound.iter()))?;
        Ok(n as u64)
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn.execute_batch(sql)?;
        Ok(())
    }
}
