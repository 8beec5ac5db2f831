//! Notes on accounts: rows of the activities timeline with kind `note`. Anyone who may
//! change an account may add a note to it; only the author or an admin may change or
//! delete one. Every change is audited.

use chrono::NaiveDate;
use rapport_db::{Conn, Row, Value};
use rapport_domain::input::Patch;
use rapport_domain::note::{Note, NoteChanges};
use rapport_domain::{new_id, Actor, Ctx, IfMatch};
use uuid::Uuid;

use crate::customers::accounts;
use crate::customers::contacts;
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Field, Kind, ListParams, ListSpec, Page};
use crate::policy as scope;
use crate::{SqlBuf, Store, StoreError};

pub(crate) const ENTITY: &str = crate::kernel::names::NOTE;
/// How many of an account's newest notes `include=notes` returns.
pub const INCLUDED_NOTES: usize = 20;

/// What the list accepts; the API document describes its sort from it too.
pub static SPEC: ListSpec = ListSpec {
    table: "activities",
    sortable: &[
        Field::new("note_date", "activity_date", Kind::Date),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    default_sort: "-note_date,-created_at",
    filters: &[
        Field::new("author_id", "author_id", Kind::Uuid).nullable(),
        Field::new("contact_id", "contact_id", Kind::Uuid).nullable(),
        Field::new("pinned", "pinned", Kind::Bool),
        Field::new("note_date", "activity_date", Kind::Date),
        Field::new("created_at", "created_at", Kind::Timestamp),
    ],
    search: None,
};

pub(crate) fn from_row(r: &Row) -> Result<Note, StoreError> {
    Ok(Note {
        id: r.get("id")?,
        account_id: r.get("account_id")?,
        contact_id: r.get("contact_id")?,
        body: r.get("body")?,
        note_date: r.get("activity_date")?,
        author_id: r.get("author_id")?,
        pinned: r.get("pinned")?,
        created_by: r.get("created_by")?,
        updated_by: r.get("updated_by")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        version: r.get("version")?,
    })
}

fn visible_condition(actor: &Actor) -> SqlBuf {
    scope::notes_visible(actor)
}

fn fetch(c: &mut dyn Conn, actor: &Actor, id: Uuid) -> Result<Note, StoreError> {
    let mut q = SqlBuf::new("SELECT * FROM activities WHERE id = ");
    q.bind(id).push(" AND ").append(visible_condition(actor));
    match c.query_one(&q.sql, &q.params)? {
        Some(row) => from_row(&row),
        None => Err(StoreError::NotFound { entity: ENTITY }),
    }
}

/// The newest notes the actor may read of each of these (visible) accounts, at most
/// `per_account` each: internal ones hang off an account a partner or distributor user
/// sees too.
pub(crate) fn newest_of(
    c: &mut dyn Conn,
    actor: &Actor,
    account_ids: &[Uuid],
    per_account: usize,
) -> Result<Vec<Note>, StoreError> {
    if account_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = SqlBuf::new(
        "SELECT * FROM (SELECT activities.*, ROW_NUMBER() OVER (PARTITION BY account_id \
         ORDER BY activity_date DESC, created_at DESC, id DESC) AS note_rank FROM activities \
         WHERE account_id IN ",
    );
    q.bind_list(account_ids.iter().map(|id| (*id).into()).collect())
        .push(" AND ")
        .append(visible_condition(actor))
        .push(") ranked WHERE note_rank <= ")
        .bind(per_account as i64)
        .push(" ORDER BY account_id, note_rank");
    c.query(&q.sql, &q.params)?.iter().map(from_row).collect()
}

fn check_contact(c: &mut dyn Conn, actor: &Actor, contact: Option<Uuid>) -> Result<(), StoreError> {
    if let Some(id) = contact {
        contacts::visible(c, actor, id)
            .map_err(|e| e.named_in("contact_id", "names no contact you can see"))?;
    }
    Ok(())
}

fn check_author(c: &mut dyn Conn, actor: &Actor, author: Uuid) -> Result<(), StoreError> {
    scope::may_set_author(actor, author)?;
    let found: Option<i64> =
        c.query_scalar("SELECT 1 FROM users WHERE id = ?", &[author.into()])?;
    if found.is_none() {
        return Err(StoreError::invalid("author_id", "exists", "names no user"));
    }
    Ok(())
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Adds a note to an account. The note date defaults to today (UTC), the author to the
/// acting user.
pub async fn create(
    store: &Store,
    ctx: &Ctx,
    account_id: Uuid,
    changes: NoteChanges,
) -> Result<Note, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            accounts::visible(c, actor, account_id)?;
            scope::require_note_writer(actor)?;
            let me = Some(actor.user_id).filter(|u| !u.is_nil());
            let author = match changes.author_id {
                Patch::Set(a) => {
                    check_author(c, actor, a)?;
                    Some(a)
                }
                _ => me,
            };
            let contact_id = changes.contact_id.apply(None);
            check_contact(c, actor, contact_id)?;
            let now = rapport_db::now();
            let note = Note {
                id: new_id(),
                account_id,
                contact_id,
                body: changes.body.apply(None).unwrap_or_default(),
                note_date: changes.note_date.apply(None).unwrap_or_else(today),
                author_id: author,
                pinned: changes.pinned.apply(None).unwrap_or(false),
                created_by: me,
                updated_by: me,
                created_at: now,
                updated_at: now,
                version: 1,
            };
            c.execute(
                "INSERT INTO activities (id, kind, body, activity_date, author_id, account_id, contact_id, pinned, \
                 created_by, updated_by, created_at, updated_at, version) VALUES (?, 'note', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                &[
                    note.id.into(),
                    note.body.clone().into(),
                    note.note_date.into(),
                    note.author_id.into(),
                    note.account_id.into(),
                    note.contact_id.into(),
                    note.pinned.into(),
                    note.created_by.into(),
                    note.updated_by.into(),
                    note.created_at.into(),
                    note.updated_at.into(),
                    note.version.into(),
                ],
            )?;
            audit::record_change(c, &ctx, AuditAction::Create, ENTITY, note.id, None, Some(&note))?;
            Ok(note)
        })
        .await
}

/// An account's notes, newest first (by note date, then when written).
pub async fn list(
    store: &Store,
    actor: &Actor,
    account_id: Uuid,
    params: ListParams,
) -> Result<Page<Note>, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            accounts::visible(c, &actor, account_id)?;
            let mut on_account = SqlBuf::new("activities.account_id = ");
            on_account.bind(account_id);
            list::run(
                c,
                &SPEC,
                &params,
                actor.user_id,
                visible_condition(&actor),
                vec![on_account],
            )?
            .try_map(|r| from_row(&r))
        })
        .await
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<Note, StoreError> {
    let actor = actor.clone();
    store.db.read(move |c| fetch(c, &actor, id)).await
}

fn writable(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    if_match: IfMatch,
) -> Result<Note, StoreError> {
    let note = fetch(c, actor, id)?;
    accounts::locked(c, actor, note.account_id)?;
    scope::may_edit_note(actor, note.author_id)?;
    StoreError::check_version(&if_match, note.version)?;
    Ok(note)
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: NoteChanges,
) -> Result<Note, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let before = writable(c, actor, id, if_match)?;
            let mut after = before.clone();
            if let Patch::Set(b) = changes.body {
                after.body = b;
            }
            if let Patch::Set(d) = changes.note_date {
                after.note_date = d;
            }
            if let Patch::Set(p) = changes.pinned {
                after.pinned = p;
            }
            if let Patch::Set(a) = changes.author_id {
                if Some(a) != before.author_id {
                    check_author(c, actor, a)?;
                    after.author_id = Some(a);
                }
            }
            after.contact_id = changes.contact_id.apply(before.contact_id);
            if after.contact_id != before.contact_id {
                check_contact(c, actor, after.contact_id)?;
            }
            if after == before {
                return Ok(before);
            }
            after.version = before.version + 1;
            after.updated_at = rapport_db::now().max(before.updated_at);
            after.updated_by = Some(actor.user_id).filter(|u| !u.is_nil());
            c.execute(
                "UPDATE activities SET body = ?, activity_date = ?, author_id = ?, contact_id = ?, pinned = ?, \
                 updated_by = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?",
                &[
                    after.body.clone().into(),
                    after.note_date.into(),
                    after.author_id.into(),
                    after.contact_id.into(),
                    after.pinned.into(),
                    after.updated_by.into(),
                    after.updated_at.into(),
                    after.version.into(),
                    id.into(),
                    Value::from(before.version),
                ],
            )?;
            audit::record_change(c, &ctx, AuditAction::Update, ENTITY, id, Some(&before), Some(&after))?;
            Ok(after)
        })
        .await
}

pub async fn delete(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
) -> Result<(), StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let before = writable(c, &ctx.actor, id, if_match)?;
            c.execute("DELETE FROM activities WHERE id = ?", &[id.into()])?;
            audit::record_change(
                c,
                &ctx,
                AuditAction::Delete,
                ENTITY,
                id,
                Some(&before),
                None,
            )?;
            Ok(())
        })
        .await
}
