//! What the SQLite writer must do at the end of every batch for the schema in place.
//! The schema defines it (migration 0008 queues search text for it), so whoever brings
//! a database to a version — `up`, `down`, `check_current` — installs it with it.

use rapport_db::Database;

/// The first version whose triggers queue search text (0008).
const QUEUED_SEARCH_FROM: i64 = 8;

/// Applies the text queued by the SQLite search triggers (migration 0008) to the FTS5
/// tables: the old text of changed and deleted records goes, the latest text of each
/// record comes in. The writer runs it once per batch, before the commit
/// ([`rapport_db::Database::end_sqlite_batches_with`]), because FTS5 writes a segment at
/// every savepoint and each write of a batch runs in one.
pub(crate) const SQLITE_APPLY_PENDING: &str = "\
DELETE FROM account_search WHERE rowid IN (SELECT seq FROM search_pending WHERE fts = 'account_search' AND changed = 1); \
INSERT INTO account_search (rowid, body) SELECT seq, body FROM search_pending p WHERE fts = 'account_search' AND body IS NOT NULL AND id = (SELECT max(id) FROM search_pending q WHERE q.fts = p.fts AND q.seq = p.seq); \
DELETE FROM contact_search WHERE rowid IN (SELECT seq FROM search_pending WHERE fts = 'contact_search' AND changed = 1); \
INSERT INTO contact_search (rowid, body) SELECT seq, body FROM search_pending p WHERE fts = 'contact_search' AND body IS NOT NULL AND id = (SELECT max(id) FROM search_pending q WHERE q.fts = p.fts AND q.seq = p.seq); \
DELETE FROM lead_search WHERE rowid IN (SELECT seq FROM search_pending WHERE fts = 'lead_search' AND changed = 1); \
INSERT INTO lead_search (rowid, body) SELECT seq, body FROM search_pending p WHERE fts = 'lead_search' AND body IS NOT NULL AND id = (SELECT max(id) FROM search_pending q WHERE q.fts = p.fts AND q.seq = p.seq); \
DELETE FROM search_pending;";

/// Installs what the writer runs at the end of each batch for schema `version`.
pub(crate) fn install(db: &Database, version: i64) {
    db.end_sqlite_batches_with((version >= QUEUED_SEARCH_FROM).then_some(SQLITE_APPLY_PENDING));
}
