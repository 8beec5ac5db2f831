//! One connection abstraction over SQLite and PostgreSQL.
//!
//! Repositories are written once against [`Conn`] with `?` placeholders and portable SQL;
//! the engine-specific parts (binding, decoding, placeholders, error codes, pooling and
//! how a write transaction is committed) live here and nowhere else.

pub mod acting;
mod conn;
mod database;
mod error;
mod listen;
mod pg;
mod pool;
mod row;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
mod time;
mod value;

pub use conn::{Conn, Dialect};
pub use database::{Database, DbOptions, PoolStats};
pub use error::{DbError, DbErrorKind};
pub use listen::Heard;
pub use row::{FromValue, Row};
pub use time::{format_timestamp, now, parse_timestamp};
pub use value::Value;
