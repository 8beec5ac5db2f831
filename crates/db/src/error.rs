use std::fmt;

/// What went wrong, classified so that callers can map constraint violations to 409 or
/// 422 without knowing the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbErrorKind {
    /// A unique constraint; `constraint` is its name (PostgreSQL) or its columns (SQLite).
    Unique,
    ForeignKey,
    Check,
    NotNull,
    /// Lock contention the caller may retry (SQLITE_BUSY, serialization failure, deadlock).
    Retryable,
    /// The connection or pool could not be used.
    Unavailable,
    /// A value could not be decoded into the type asked for.
    Decode,
    Other,
}

#[derive(Debug, Clone)]
pub struct DbError {
    pub kind: DbErrorKind,
    /// Constraint name or column list, where the engine says which.
    pub constraint: Option<String>,
    pub message: String,
}

impl DbError {
    pub fn new(kind: DbErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            constraint: None,
            message: message.into(),
        }
    }

    pub fn decode(message: impl Into<String>) -> Self {
        Self::new(DbErrorKind::Decode, message)
    }

    pub fn is_unique(&self) -> bool {
        self.kind == DbErrorKind::Unique
    }

    /// True when the violated unique constraint mentions `needle` (a column name works on
    /// both engines because constraint names here embed the column).
    pub fn violates(&self, needle: &str) -> bool {
        self.is_unique()
            && (self
                .constraint
                .as_deref()
                .is_some_and(|c| c.contains(needle))
                || self.message.contains(needle))
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message)?;
        if let Some(c) = &self.constraint {
            write!(f, " ({c})")?;
        }
        Ok(())
    }
}

impl std::error::Error for DbError {}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        let message = e.to_string();
        let kind = match &e {
            rusqlite::Error::SqliteFailure(f, _) => match (f.code, f.extended_code) {
                (_, rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
                | (_, rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY) => DbErrorKind::Unique,
                (_, rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => DbErrorKind::ForeignKey,
                (_, rusqlite::ffi::SQLITE_CONSTRAINT_CHECK) => DbErrorKind::Check,
                (_, rusqlite::ffi::SQLITE_CONSTRAINT_NOTNULL) => DbErrorKind::NotNull,
                (ErrorCode::DatabaseBusy, _) | (ErrorCode::DatabaseLocked, _) => {
                    DbErrorKind::Retryable
                }
                (ErrorCode::CannotOpen, _) => DbErrorKind::Unavailable,
                _ => DbErrorKind::Other,
            },
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..) => DbErrorKind::Decode,
            _ => DbErrorKind::Other,
        };
        // "UNIQUE constraint failed: accounts.company_key" names the columns.
        let constraint = message
            .split_once("constraint failed: ")
            .map(|(_, cols)| cols.to_owned());
        Self {
            kind,
            constraint,
            message,
        }
    }
}

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> Self {
        let Some(db) = e.as_db_error() else {
            let kind = if e.is_closed() {
                DbErrorKind::Unavailable
            } else {
                DbErrorKind::Other
            };
            return Self::new(kind, e.to_string());
        };
        let code = db.code().code();
        let kind = match code {
            "23505" => DbErrorKind::Unique,
            "23503" => DbErrorKind::ForeignKey,
            "23514" => DbErrorKind::Check,
            "23502" => DbErrorKind::NotNull,
            "40001" | "40P01" | "55P03" => DbErrorKind::Retryable,
            c if c.starts_with("08") => DbErrorKind::Unavailable,
            _ => DbErrorKind::Other,
        };
        Self {
            kind,
            constraint: db.constraint().map(str::to_owned),
            message: match db.detail() {
                Some(d) => format!("{}: {d}", db.message()),
                None => db.message().to_owned(),
            },
        }
    }
}
