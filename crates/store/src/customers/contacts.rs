//! Contacts (people): create, read, list, update and (admin only) delete.

use rapport_db::Conn;
use rapport_domain::contact::{Contact, ContactChanges};
use rapport_domain::normalize::{company_key, phone_words, search_text};
use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Choice, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::record::{self, Record};
use crate::policy::{self as scope, Action};
use crate::{Store, StoreError};

pub(crate) const ENTITY: &str = crate::kernel::names::CONTACT;

/// What the list accepts; the API document describes its sort from it too.
pub static SPEC: ListSpec = ListSpec {
    table: "contacts",
    sortable: &[
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
        Field::new("name", "sort_key", Kind::Text),
        Field::new("email", "email", Kind::Text).nullable(),
    ],
    default_sort: "-created_at",
    filters: &[
        Field::new("kind", "kind", Kind::Choice(Choice::ContactKind)),
        // People linked to the account (any of several).
        Field::new("account_id", "account_id", Kind::Uuid)
            .through("account_contacts", "contact_id"),
        Field::new("active", "active", Kind::Bool),
        Field::new("email", "email", Kind::Text).nullable(),
        Field::new("legacy_id", "legacy_id", Kind::Text).nullable(),
        Field::new("created_by", "created_by", Kind::Uuid).nullable(),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: Some(&SEARCH),
};

static SEARCH: crate::kernel::search::Search = crate::kernel::search::Search {
    fts_table: "contact_search",
    // Last name first (as the list sorts), then first name first.
    key_columns: &["sort_key", "name_key"],
};

crate::record!(
    Contact,
    entity = ENTITY,
    table = "contacts",
    fields {
        id, kind, first_name, middle_name, last_name, email, phone, title, date_of_birth,
        gender, address, active, legacy_id, metadata, created_by, updated_by, created_at,
        updated_at, version,
    },
    unstored { full_name },
    derived {
        "name_key" => |c: &Contact| company_key(&c.full_name),
        "sort_key" => sort_key,
        "search_text" => searchable,
    },
    after_read = |c: &mut Contact| c.full_name = Contact::display_name(
        c.first_name.as_deref(),
        c.middle_name.as_deref(),
        c.last_name.as_deref(),
    ),
);

/// The list's name order: last name, first, middle.
fn sort_key(c: &Contact) -> String {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    company_key(&format!(
        "{} {} {}",
        s(&c.last_name),
        s(&c.first_name),
        s(&c.middle_name)
    ))
}

/// What `q` finds a person by.
fn searchable(c: &Contact) -> String {
    let phone = c.phone.clone().unwrap_or_default();
    let email = c.email.clone().unwrap_or_default();
    search_text(&[&c.full_name, &email, &phone, &phone_words(&phone)])
}

fn fetch(conn: &mut dyn Conn, actor: &Actor, id: Uuid, lock: bool) -> Result<Contact, StoreError> {
    record::fetch(conn, id, scope::contacts_visible(actor), lock)
}

/// A contact the actor can see, or `NotFound`.
pub(crate) fn visible(conn: &mut dyn Conn, actor: &Actor, id: Uuid) -> Result<Contact, StoreError> {
    fetch(conn, actor, id, false)
}

fn check_legacy_id(conn: &mut dyn Conn, actor: &Actor, c: &Contact) -> Result<(), StoreError> {
    let Some(legacy) = c.legacy_id.as_deref() else {
        return Ok(());
    };
    let existing: Option<Uuid> = conn.query_scalar(
        "SELECT id FROM contacts WHERE legacy_id = ? AND id <> ?",
        &[legacy.into(), c.id.into()],
    )?;
    let Some(existing) = existing else {
        return Ok(());
    };
    let shown = fetch(conn, actor, existing, false).ok().map(|c| c.id);
    Err(StoreError::Conflict {
        message: format!("another contact already has this legacy_id ({legacy})"),
        field: Some("legacy_id".into()),
        existing_id: shown,
    })
}

fn unique_conflict(e: rapport_db::DbError) -> StoreError {
    if e.is_unique() && e.violates("legacy_id") {
        return StoreError::Conflict {
            message: "another contact already has this legacy_id".into(),
            field: Some("legacy_id".into()),
            existing_id: None,
        };
    }
    e.into()
}

pub async fn create(
    store: &Store,
    ctx: &Ctx,
    changes: ContactChanges,
) -> Result<Contact, StoreError> {
    let ctx = ctx.clone();
    store.db.write(move |c| create_in(c, &ctx, changes)).await
}

/// Creates a contact inside a write the caller runs (linking it to an account in the same
/// transaction, say).
pub(crate) fn create_in(
    c: &mut dyn Conn,
    ctx: &Ctx,
    changes: ContactChanges,
) -> Result<Contact, StoreError> {
    scope::require_contact_action(&ctx.actor, Action::Create)?;
    let now = rapport_db::now();
    let me = Some(ctx.actor.user_id).filter(|u| !u.is_nil());
    let mut contact = Contact::blank(me, now);
    changes.apply_to(&mut contact);
    check_legacy_id(c, &ctx.actor, &contact)?;
    record::insert(c, &contact).map_err(unique_conflict)?;
    audit::record_change(
        c,
        ctx,
        AuditAction::Create,
        ENTITY,
        contact.id,
        None,
        Some(&contact),
    )?;
    Ok(contact)
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<Contact, StoreError> {
    let actor = actor.clone();
    store.db.read(move |c| visible(c, &actor, id)).await
}

/// Lists contacts: the generic filters (`account_id=` keeps people linked to that
/// account, any of several) and `q`.
pub async fn list(
    store: &Store,
    actor: &Actor,
    params: ListParams,
) -> Result<Page<Contact>, StoreError> {
    let scope = scope::contacts_visible(actor);
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        scope,
        Vec::new(),
        Contact::from_row,
    )
    .await
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: ContactChanges,
) -> Result<Contact, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let before = fetch(c, actor, id, true)?;
            scope::require_contact_action(actor, Action::Update)?;
            StoreError::check_version(&if_match, before.version)?;
            let mut proposed = before.clone();
            changes.apply_to(&mut proposed);
            if proposed == before {
                return Ok(before);
            }
            if proposed.first_name.is_none() && proposed.last_name.is_none() {
                return Err(StoreError::invalid(
                    "last_name",
                    "one_of",
                    "a contact needs a first or a last name",
                ));
            }
            check_legacy_id(c, actor, &proposed)?;
            if proposed.email != before.email {
                super::email_in_account::check_all_accounts_of(c, id, proposed.email.as_deref())?;
            }
            let after = record::touched(&before, actor, proposed);
            record::update_at_version(c, &before, &after, unique_conflict)?;
            record::audit_update(c, &ctx, &before, &after)?;
            Ok(after)
        })
        .await
}

/// The person as they stand before a delete: visible, the role allowed to delete, and
/// still at the version `If-Match` named.
pub(crate) fn deletable(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    if_match: IfMatch,
) -> Result<Contact, StoreError> {
    let allowed = || scope::require_contact_action(actor, Action::Delete);
    record::writable(c, id, scope::contacts_visible(actor), allowed, if_match)
}

/// Deletes the person's row, after `lifecycle` has told every area that points at them.
pub(crate) fn remove(c: &mut dyn Conn, ctx: &Ctx, before: &Contact) -> Result<(), StoreError> {
    record::remove(c, ctx, before)
}
