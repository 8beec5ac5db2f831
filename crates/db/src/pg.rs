use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::Arc;

use bytes::BytesMut;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use postgres::types::{IsNull, Json, ToSql, Type};
use postgres::{Client, NoTls, Statement};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::acting::{Acting, SessionActing, SESSION_RESET_SQL, WRITE_AS_NOBODY_SQL};
use crate::{parse_timestamp, Conn, DbError, DbErrorKind, Dialect, Row, Value};

/// Prepared statements kept per connection; dynamic list queries make the set open-ended,
/// so it is bounded and simply cleared when full.
const STATEMENT_CACHE_LIMIT: usize = 512;

pub(crate) struct PgConn {
    client: Client,
    statements: HashMap<String, Statement>,
    acting: SessionActing,
}

impl PgConn {
    pub(crate) fn connect(url: &str) -> Result<Self, DbError> {
        let client = Client::connect(url, NoTls).map_err(|e| {
            DbError::new(
                DbErrorKind::Unavailable,
                format!("cannot connect to PostgreSQL: {e}"),
            )
        })?;
        Ok(Self {
            client,
            statements: HashMap::new(),
            acting: SessionActing::Nobody,
        })
    }

    /// Transaction control and session settings: sent as one simple query, keeping the
    /// prepared statements (only DDL, through [`Conn::batch`], can make them stale).
    pub(crate) fn control(&mut self, sql: &str) -> Result<(), DbError> {
        self.client.batch_execute(sql)?;
        Ok(())
    }

    /// Makes the session act as `who` (nobody: unrestricted and writable), sending the
    /// settings only when they differ from what the session already holds. The session
    /// keeps them between requests because they are set outside any transaction.
    pub(crate) fn act_as(&mut self, who: Option<&Acting>) -> Result<(), DbError> {
        let wanted = who.map_or(SessionActing::Nobody, |a| SessionActing::As(a.clone()));
        if self.acting == wanted {
            return Ok(());
        }
        let sql = match who {
            Some(a) => a.session_sql(),
            None => SESSION_RESET_SQL.to_owned(),
        };
        self.acting = SessionActing::Unknown;
        self.control(&sql)?;
        self.acting = wanted;
        Ok(())
    }

    /// Opens a write transaction acting as nobody, whoever the session acts as.
    pub(crate) fn begin_write(&mut self) -> Result<(), DbError> {
        if self.acting == SessionActing::Nobody {
            self.control("BEGIN")
        } else {
            self.control(WRITE_AS_NOBODY_SQL)
        }
    }

    pub(crate) fn is_broken(&self) -> bool {
        self.client.is_closed()
    }

    fn rows(&mut self, stmt: &Statement, params: &[Value]) -> Result<Vec<Row>, DbError> {
        let rows = self.client.query(stmt, &refs(params))?;
        let columns: Arc<[String]> = stmt.columns().iter().map(|c| c.name().to_owned()).collect();
        rows.iter()
            .map(|r| {
                let values = (0..columns.len())
                    .map(|i| decode(r, i))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Row::new(columns.clone(), values))
            })
            .collect()
    }

    fn statement(&mut self, sql: &str) -> Result<Statement, DbError> {
        let numbered = number_placeholders(sql);
        if let Some(s) = self.statements.get(&numbered) {
            return Ok(s.clone());
        }
        if self.statements.len() >= STATEMENT_CACHE_LIMIT {
            self.statements.clear();
        }
        let stmt = self.client.prepare(&numbered)?;
        self.statements.insert(numbered, stmt.clone());
        Ok(stmt)
    }
}

/// `?` → `$1, $2, …`, skipping quoted text so a literal `?` survives.
pub(crate) fn number_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '?' => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
                continue;
            }
            None => {}
        }
        out.push(c);
    }
    out
}

type BoxError = Box<dyn StdError + Sync + Send>;

fn bad(ty: &Type, v: &Value) -> BoxError {
    format!("cannot bind {v:?} to a PostgreSQL {ty}").into()
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Bool(b) => b.to_sql(ty, out),
            Value::Int(i) => match *ty {
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::NUMERIC => Decimal::from(*i).to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => i.to_string().to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                _ => f.to_sql(ty, out),
            },
            Value::Text(s) => match *ty {
                Type::UUID => Uuid::parse_str(s)?.to_sql(ty, out),
                Type::JSON | Type::JSONB => {
                    Json(serde_json::from_str::<serde_json::Value>(s)?).to_sql(ty, out)
                }
                Type::TIMESTAMPTZ => parse_timestamp(s)
                    .ok_or_else(|| bad(ty, self))?
                    .to_sql(ty, out),
                Type::DATE => NaiveDate::parse_from_str(s, "%Y-%m-%d")?.to_sql(ty, out),
                Type::NUMERIC => s.parse::<Decimal>()?.to_sql(ty, out),
                Type::INT8 => s.parse::<i64>()?.to_sql(ty, out),
                Type::INT4 => s.parse::<i32>()?.to_sql(ty, out),
                _ => s.as_str().to_sql(ty, out),
            },
            Value::Uuid(u) => match *ty {
                Type::UUID => u.to_sql(ty, out),
                _ => u.to_string().to_sql(ty, out),
            },
            Value::Timestamp(t) => match *ty {
                Type::TIMESTAMP => t.naive_utc().to_sql(ty, out),
                Type::TIMESTAMPTZ => t.to_sql(ty, out),
                _ => crate::format_timestamp(t).to_sql(ty, out),
            },
            Value::Date(d) => match *ty {
                Type::DATE => d.to_sql(ty, out),
                _ => d.format("%Y-%m-%d").to_string().to_sql(ty, out),
            },
            Value::Decimal(d) => match *ty {
                Type::NUMERIC => d.to_sql(ty, out),
                _ => d.normalize().to_string().to_sql(ty, out),
            },
            Value::Json(j) => match *ty {
                Type::JSON | Type::JSONB => Json(j).to_sql(ty, out),
                _ => j.to_string().to_sql(ty, out),
            },
            Value::Bytes(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn decode(row: &postgres::Row, i: usize) -> Result<Value, DbError> {
    fn get<'a, T: postgres::types::FromSql<'a>>(
        row: &'a postgres::Row,
        i: usize,
    ) -> Result<Option<T>, DbError> {
        row.try_get::<_, Option<T>>(i)
            .map_err(|e| DbError::decode(e.to_string()))
    }
    let ty = row.columns()[i].type_().clone();
    let v = match ty {
        Type::BOOL => get::<bool>(row, i)?.map(Value::Bool),
        Type::INT2 => get::<i16>(row, i)?.map(|v| Value::Int(v.into())),
        Type::INT4 => get::<i32>(row, i)?.map(|v| Value::Int(v.into())),
        Type::INT8 => get::<i64>(row, i)?.map(Value::Int),
        Type::FLOAT4 => get::<f32>(row, i)?.map(|v| Value::Real(v.into())),
        Type::FLOAT8 => get::<f64>(row, i)?.map(Value::Real),
        Type::UUID => get::<Uuid>(row, i)?.map(Value::Uuid),
        Type::TIMESTAMPTZ => get::<DateTime<Utc>>(row, i)?.map(Value::Timestamp),
        Type::TIMESTAMP => get::<NaiveDateTime>(row, i)?.map(|t| Value::Timestamp(t.and_utc())),
        Type::DATE => get::<NaiveDate>(row, i)?.map(Value::Date),
        Type::NUMERIC => get::<Decimal>(row, i)?.map(Value::Decimal),
        Type::JSON | Type::JSONB => {
            get::<Json<serde_json::Value>>(row, i)?.map(|Json(j)| Value::Json(j))
        }
        Type::BYTEA => get::<Vec<u8>>(row, i)?.map(Value::Bytes),
        Type::VOID => None,
        // Search vectors are index material for `q`; nothing reads them back.
        Type::TS_VECTOR => None,
        _ => get::<String>(row, i)?.map(Value::Text),
    };
    Ok(v.unwrap_or(Value::Null))
}

fn refs(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

impl Conn for PgConn {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        let stmt = self.statement(sql)?;
        self.rows(&stmt, params)
    }

    fn query_planned(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        // A statement prepared for one run gets a plan for its values; the cached ones
        // switch to a generic plan after five runs.
        let stmt = self.client.prepare(&number_placeholders(sql))?;
        self.rows(&stmt, params)
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let stmt = self.statement(sql)?;
        Ok(self.client.execute(&stmt, &refs(params))?)
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        // DDL may change what cached plans refer to.
        self.statements.clear();
        self.client.batch_execute(sql)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::number_placeholders;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            number_placeholders("SELECT '?' , ? FROM t WHERE a = ? AND \"b?\" = ?"),
            "SELECT '?' , $1 FROM t WHERE a = $2 AND \"b?\" = $3"
        );
    }
}
