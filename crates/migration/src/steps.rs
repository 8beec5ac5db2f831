//! What a migration does beyond its SQL, in Rust, inside the same transaction: data the
//! folding rules of `rapport-domain` derive, and the schema changes SQLite cannot make
//! in SQL without rebuilding a table that others point at.

use rapport_db::{Conn, DbError, Dialect, Value};
use rapport_domain::normalize::phone_words;

/// A step of a migration, up or down.
pub type Step = fn(&mut dyn Conn, Dialect) -> Result<(), DbError>;

/// The contacts' kind check before and after seed 003's `master` (0009).
const KINDS_BEFORE: &str = "'staff', 'sales_person')";
const KINDS_AFTER: &str = "'staff', 'sales_person', 'master')";

/// 0009 up: phone numbers gain their search words; on SQLite the kind check gains
/// `master`.
pub fn seed_gaps_up(c: &mut dyn Conn, dialect: Dialect) -> Result<(), DbError> {
    add_phone_words(c)?;
    if dialect == Dialect::Sqlite {
        rewrite_contacts_check(c, KINDS_BEFORE, KINDS_AFTER)?;
        // Whether or not the writer's batch end is installed yet, the queued text
        // reaches the search tables in this transaction.
        c.batch(crate::batch_end::SQLITE_APPLY_PENDING)?;
    }
    Ok(())
}

/// 0009 down: refused while any person is of kind master (their kind would not fit);
/// on SQLite the kind check loses `master`. The extra phone words stay: they are words
/// of the number, harmless to the older version.
pub fn seed_gaps_down(c: &mut dyn Conn, dialect: Dialect) -> Result<(), DbError> {
    let masters: Option<i64> =
        c.query_scalar("SELECT COUNT(*) FROM contacts WHERE kind = 'master'", &[])?;
    if let Some(n) = masters.filter(|n| *n > 0) {
        return Err(DbError::decode(format!(
            "{n} contact(s) are of kind master, which the older schema does not know; change their kind first"
        )));
    }
    if dialect == Dialect::Sqlite {
        rewrite_contacts_check(c, KINDS_AFTER, KINDS_BEFORE)?;
    }
    Ok(())
}

/// Records read per statement while adding phone words: a page at a time, so a table
/// of millions is never held in memory at once.
const PHONE_PAGE: i64 = 5_000;

/// Appends to each record's search text the phone words it lacks.
fn add_phone_words(c: &mut dyn Conn) -> Result<(), DbError> {
    for (table, column) in [
        ("accounts", "phone"),
        ("contacts", "phone"),
        ("leads", "contact_phone"),
    ] {
        let page = format!(
            "SELECT id, search_text, {column} AS phone FROM {table} \
             WHERE {column} IS NOT NULL AND id > ? ORDER BY id LIMIT {PHONE_PAGE}"
        );
        let update = format!("UPDATE {table} SET search_text = ? WHERE id = ?");
        // The nil UUID sorts before every id, as text on SQLite and as UUID on PostgreSQL.
        let mut after = Value::Uuid(uuid::Uuid::nil());
        loop {
            let rows = c.query(&page, std::slice::from_ref(&after))?;
            let Some(last) = rows.last() else { break };
            after = last.value("id")?.clone();
            for row in &rows {
                let text: String = row.get("search_text")?;
                let phone: String = row.get("phone")?;
                if let Some(updated) = with_phone_words(&text, &phone) {
                    c.execute(&update, &[updated.into(), row.value("id")?.clone()])?;
                }
            }
        }
    }
    Ok(())
}

/// `text` with the phone words of `phone` it lacks appended, or `None` when it has them.
fn with_phone_words(text: &str, phone: &str) -> Option<String> {
    let known: Vec<&str> = text.split(' ').collect();
    let words = phone_words(phone);
    let extra: Vec<&str> = words
        .split(' ')
        .filter(|w| !w.is_empty() && !known.contains(w))
        .collect();
    if extra.is_empty() {
        return None;
    }
    Some([text, &extra.join(" ")].join(" ").trim().to_owned())
}

/// Changes the `contacts` table's kind check in place, the way SQLite documents for a
/// change that no stored row can violate (loosening) or that has just been checked
/// (tightening, after [`seed_gaps_down`]'s count): the schema text is rewritten and
/// the schema version bumped so that every connection reads it again.
fn rewrite_contacts_check(c: &mut dyn Conn, from: &str, to: &str) -> Result<(), DbError> {
    let sql: Option<String> = c.query_scalar(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'contacts'",
        &[],
    )?;
    let Some(sql) = sql.filter(|s| s.contains(from)) else {
        return Err(DbError::decode(
            "the contacts table's kind check is not the one this migration changes",
        ));
    };
    let version: Option<i64> = c.query_scalar("PRAGMA schema_version", &[])?;
    let next = version.unwrap_or(0) + 1;
    c.batch("PRAGMA writable_schema = ON")?;
    let written = c.execute(
        "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'contacts'",
        &[sql.replacen(from, to, 1).into()],
    );
    let bumped = c.batch(&format!("PRAGMA schema_version = {next}"));
    c.batch("PRAGMA writable_schema = OFF")?;
    written?;
    bumped
}
