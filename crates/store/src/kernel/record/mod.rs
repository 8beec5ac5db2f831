//! The contract every kind of record kept in one table fulfils — its table, its columns
//! and how it reads from and writes to a row — so that the steps every writer repeats
//! are written once, here: read it in scope (locked inside a write), stamp a new
//! version, write it back, delete it with its audit row.
//!
//! A record's column mapping is one [`record!`] list: adding a field to a record means
//! the domain type, the migration, and one name in that list.

mod column;

use chrono::{DateTime, Utc};
use rapport_db::{Conn, Row, Value};
use rapport_domain::{Actor, Ctx, IfMatch};
use serde::Serialize;
use uuid::Uuid;

pub use column::Column;

use crate::kernel::audit::{self, AuditAction};
use crate::{SqlBuf, StoreError};

/// A kind of record kept in one table, with an id and a version (its ETag).
pub trait Record: Serialize + Clone + Send + 'static {
    /// Its name in the audit log and in errors (`kernel::names`).
    const ENTITY: &'static str;
    const TABLE: &'static str;
    /// Every column written on a save, `id` among them, in the order of [`values`].
    ///
    /// [`values`]: Record::values
    const COLUMNS: &'static [&'static str];

    fn values(&self) -> Vec<Value>;
    fn from_row(r: &Row) -> Result<Self, StoreError>;
    fn id(&self) -> Uuid;
    fn version(&self) -> i64;
    fn updated_at(&self) -> DateTime<Utc>;
    /// Sets what every write stamps: the version, when, and by whom.
    fn stamp(&mut self, version: i64, at: DateTime<Utc>, by: Option<Uuid>);
}

/// Implements [`Record`] for a domain type from its column list: every field of the type,
/// each read and written through [`Column`] under its own name, then the columns the
/// store derives from the record (search words, keys), written but never read back.
/// Listing every field is what makes `from_row` compile, so none can be forgotten;
/// `unstored` fields are computed from the others by `after_read`. A field whose name
/// is not its column's (`r#type as "type"`: a Rust keyword) names the column after `as`.
#[macro_export]
macro_rules! record {
    (
        $ty:ty, entity = $entity:expr, table = $table:literal,
        fields { $($field:ident $(as $column_name:literal)?),* $(,)? }
        $(, unstored { $($unstored:ident),* $(,)? })?
        $(, derived { $($column:literal => $derive:expr),* $(,)? })?
        $(, after_read = $after:expr)?
        $(, archived_at = $archived:ident)? $(,)?
    ) => {
        $(
            impl $crate::kernel::record::Archivable for $ty {
                fn archived_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
                    self.$archived
                }

                fn set_archived_at(&mut self, at: Option<chrono::DateTime<chrono::Utc>>) {
                    self.$archived = at;
                }
            }
        )?

        impl $crate::kernel::record::Record for $ty {
            const ENTITY: &'static str = $entity;
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [&'static str] =
                &[$($crate::__record_column!($field $($column_name)?),)* $($($column,)*)?];

            fn values(&self) -> Vec<rapport_db::Value> {
                vec![
                    $($crate::kernel::record::Column::to_value(&self.$field),)*
                    $($(rapport_db::Value::from(($derive)(self)),)*)?
                ]
            }

            fn from_row(r: &rapport_db::Row) -> Result<Self, $crate::StoreError> {
                #[allow(unused_mut)]
                let mut record = Self {
                    $($field: $crate::kernel::record::Column::read(
                        r,
                        $crate::__record_column!($field $($column_name)?),
                    )?,)*
                    $($($unstored: Default::default(),)*)?
                };
                $(($after)(&mut record);)?
                Ok(record)
            }

            fn id(&self) -> uuid::Uuid {
                self.id
            }

            fn version(&self) -> i64 {
                self.version
            }

            fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
                self.updated_at
            }

            fn stamp(
                &mut self,
                version: i64,
                at: chrono::DateTime<chrono::Utc>,
                by: Option<uuid::Uuid>,
            ) {
                self.version = version;
                self.updated_at = at;
                self.updated_by = by;
            }
        }
    };
}

/// The column of a field in [`record!`]: its name, or the one given after `as`.
#[doc(hidden)]
#[macro_export]
macro_rules! __record_column {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident $column:literal) => {
        $column
    };
}

/// A record that is archived (soft-deleted) and restored rather than only deleted.
pub trait Archivable: Record + PartialEq {
    fn archived_at(&self) -> Option<DateTime<Utc>>;
    fn set_archived_at(&mut self, at: Option<DateTime<Utc>>);
}

/// Archives or restores `before` (as found by the area's `writable`): the next version,
/// archived at its own update time, written by `save` (which keeps the area's kept
/// figures in step) and audited. Doing it twice is not an error and writes nothing.
pub fn set_archived<T: Archivable>(
    c: &mut dyn Conn,
    ctx: &Ctx,
    before: T,
    archived: bool,
    save: impl FnOnce(&mut dyn Conn, &T, &T) -> Result<(), StoreError>,
) -> Result<T, StoreError> {
    if before.archived_at().is_some() == archived {
        return Ok(before);
    }
    let mut after = touched(&before, &ctx.actor, before.clone());
    after.set_archived_at(archived.then_some(after.updated_at()));
    save(c, &before, &after)?;
    audit::record_change(
        c,
        ctx,
        AuditAction::archiving(archived),
        T::ENTITY,
        before.id(),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

/// The acting user's id as records keep it: none for the system (jobs, the CLI).
pub fn acting_user(actor: &Actor) -> Option<Uuid> {
    Some(actor.user_id).filter(|u| !u.is_nil())
}

/// `after` as the next version of `before`: one version up, stamped now (never before
/// the last write, whatever the clock did) by the actor.
pub fn touched<T: Record>(before: &T, actor: &Actor, mut after: T) -> T {
    let at = rapport_db::now().max(before.updated_at());
    after.stamp(before.version() + 1, at, acting_user(actor));
    after
}

/// Writes a new record.
pub fn insert<T: Record>(c: &mut dyn Conn, record: &T) -> Result<(), rapport_db::DbError> {
    c.execute(&insert_sql::<T>(""), &record.values())?;
    Ok(())
}

/// Writes new records, `per_statement` rows to each multi-row INSERT (a bulk load pays
/// one round trip per chunk, not per row).
pub fn insert_many<T: Record>(
    c: &mut dyn Conn,
    records: &[T],
    per_statement: usize,
) -> Result<(), rapport_db::DbError> {
    for chunk in records.chunks(per_statement.max(1)) {
        let mut q = SqlBuf::new(&format!(
            "INSERT INTO {} ({}) VALUES ",
            T::TABLE,
            T::COLUMNS.join(", ")
        ));
        for (i, record) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind_list(record.values());
        }
        c.execute(&q.sql, &q.params)?;
    }
    Ok(())
}

/// Writes a new record unless another already holds its value of the unique `column`
/// (a concurrent writer got there first); says whether it was written.
pub fn insert_unless_taken<T: Record>(
    c: &mut dyn Conn,
    record: &T,
    column: &str,
) -> Result<bool, rapport_db::DbError> {
    let written = c.execute(
        &insert_sql::<T>(&format!(" ON CONFLICT ({column}) DO NOTHING")),
        &record.values(),
    )?;
    Ok(written > 0)
}

fn insert_sql<T: Record>(suffix: &str) -> String {
    let marks = vec!["?"; T::COLUMNS.len()].join(", ");
    format!(
        "INSERT INTO {} ({}) VALUES ({marks}){suffix}",
        T::TABLE,
        T::COLUMNS.join(", ")
    )
}

/// `UPDATE … SET every column but the id … WHERE id = ?`, with its parameters.
fn update_sql<T: Record>(record: &T) -> (String, Vec<Value>) {
    let mut sets = Vec::with_capacity(T::COLUMNS.len());
    let mut params = Vec::with_capacity(T::COLUMNS.len() + 1);
    for (column, value) in T::COLUMNS.iter().zip(record.values()) {
        if *column != "id" {
            sets.push(format!("{column} = ?"));
            params.push(value);
        }
    }
    params.push(record.id().into());
    let sql = format!("UPDATE {} SET {} WHERE id = ?", T::TABLE, sets.join(", "));
    (sql, params)
}

/// Writes `record` over the row with its id.
pub fn update<T: Record>(c: &mut dyn Conn, record: &T) -> Result<(), rapport_db::DbError> {
    let (sql, params) = update_sql(record);
    c.execute(&sql, &params)?;
    Ok(())
}

/// Writes `after` over `before` only if the row is still at `before`'s version: for
/// writes that did not lock the row first. A row that moved on is a 412 naming its
/// version; one that went away, a 404. Write errors go through `on_error` (to name a
/// unique field that collided).
pub fn update_at_version<T: Record>(
    c: &mut dyn Conn,
    before: &T,
    after: &T,
    on_error: fn(rapport_db::DbError) -> StoreError,
) -> Result<(), StoreError> {
    let (mut sql, mut params) = update_sql(after);
    sql.push_str(" AND version = ?");
    params.push(before.version().into());
    if c.execute(&sql, &params).map_err(on_error)? > 0 {
        return Ok(());
    }
    let current: Option<i64> = c.query_scalar(
        &format!("SELECT version FROM {} WHERE id = ?", T::TABLE),
        &[before.id().into()],
    )?;
    Err(match current {
        Some(v) => StoreError::PreconditionFailed { current_version: v },
        None => StoreError::NotFound { entity: T::ENTITY },
    })
}

/// The record with `id` that meets `scope` (a condition over its table), or `NotFound`;
/// with `lock`, its row stays locked until the transaction ends.
pub fn fetch<T: Record>(
    c: &mut dyn Conn,
    id: Uuid,
    scope: SqlBuf,
    lock: bool,
) -> Result<T, StoreError> {
    let mut q = SqlBuf::new(&format!("SELECT * FROM {} WHERE id = ", T::TABLE));
    q.bind(id).push(" AND (").append(scope).push(")");
    if lock {
        q.push(&c.row_lock(Some(T::TABLE)));
    }
    match c.query_one(&q.sql, &q.params)? {
        Some(row) => T::from_row(&row),
        None => Err(StoreError::NotFound { entity: T::ENTITY }),
    }
}

/// The record as it stands before a write: in `scope` and locked, the role allowed
/// (`allowed`, checked after the record is found so that a record the caller cannot
/// see answers 404, not 403), and still at the version `If-Match` named.
pub fn writable<T: Record>(
    c: &mut dyn Conn,
    id: Uuid,
    scope: SqlBuf,
    allowed: impl FnOnce() -> Result<(), StoreError>,
    if_match: IfMatch,
) -> Result<T, StoreError> {
    let record: T = fetch(c, id, scope, true)?;
    allowed()?;
    StoreError::check_version(&if_match, record.version())?;
    Ok(record)
}

/// Records in the audit log that `before` became `after`.
pub fn audit_update<T: Record>(
    c: &mut dyn Conn,
    ctx: &Ctx,
    before: &T,
    after: &T,
) -> Result<(), StoreError> {
    audit::record_change(
        c,
        ctx,
        AuditAction::Update,
        T::ENTITY,
        before.id(),
        Some(before),
        Some(after),
    )
}

/// Deletes the record's row and records the delete in the audit log.
pub fn remove<T: Record>(c: &mut dyn Conn, ctx: &Ctx, before: &T) -> Result<(), StoreError> {
    c.execute(
        &format!("DELETE FROM {} WHERE id = ?", T::TABLE),
        &[before.id().into()],
    )?;
    audit::record_change(
        c,
        ctx,
        AuditAction::Delete,
        T::ENTITY,
        before.id(),
        Some(before),
        None,
    )
}
