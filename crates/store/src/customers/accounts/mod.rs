//! Accounts: create, read, list, update, archive, restore and (admin only) delete.

use rapport_db::{Conn, Value};
use rapport_domain::account::{Account, AccountChanges, Address, MAX_TAGS};
use rapport_domain::input::Patch;
use rapport_domain::normalize::{company_key, phone_words, search_text};
use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Choice, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::record::{self, Record};
use crate::policy::{self as scope, Action};
use crate::{SqlBuf, Store, StoreError};

mod create;
mod tags;

use create::check_unique;
pub(crate) use create::find_or_create_in;
pub use create::{create, find_or_create};
use tags::write_tags;
pub use tags::{change_tags, rename_tag, tag_counts, TagCount};

pub(crate) const ENTITY: &str = crate::kernel::names::ACCOUNT;

/// What the list accepts; the API document describes its sort from it too.
pub static SPEC: ListSpec = ListSpec {
    table: "accounts",
    sortable: &[
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
        Field::new("name", "name", Kind::Text),
        Field::new("company_key", "company_key", Kind::Text),
        Field::new("kind", "kind", Kind::Text),
    ],
    default_sort: "-created_at",
    filters: &[
        Field::new("kind", "kind", Kind::Choice(Choice::AccountKind)),
        Field::new("owner_id", "owner_id", Kind::Uuid).nullable(),
        // A rep of the account, primary or secondary (seed 000's assignments).
        Field::new("rep_id", "user_id", Kind::Uuid).through("account_reps", "account_id"),
        Field::new("created_by", "created_by", Kind::Uuid).nullable(),
        Field::new(
            "customer_type",
            "customer_type",
            Kind::Choice(Choice::CustomerType),
        )
        .nullable(),
        Field::new("company_key", "company_key", Kind::Text),
        Field::new("legacy_id", "legacy_id", Kind::Text).nullable(),
        Field::new("registration_number", "registration_number", Kind::Text).nullable(),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
        Field::new("state", "region", Kind::Text).nullable(),
        Field::new("region", "region", Kind::Text).nullable(),
        Field::new("country", "country", Kind::Text).nullable(),
        Field::new("city", "city", Kind::Text).nullable(),
        Field::new("merged_into_id", "merged_into_id", Kind::Uuid).nullable(),
    ],
    search: Some(&SEARCH),
};

static SEARCH: crate::kernel::search::Search = crate::kernel::search::Search {
    fts_table: "account_search",
    key_columns: &["company_key"],
};

crate::record!(
    Account,
    entity = ENTITY,
    table = "accounts",
    fields {
        id, kind, name, legal_name, company_key, registration_number, customer_type, email,
        phone, website, billing_address, service_address, tags, notes, owner_id, legacy_id,
        metadata, created_by, updated_by, created_at, updated_at, archived_at,
        merged_into_id, version,
    },
    derived {
        "search_text" => searchable,
        // The place lists filter on: the billing address, else the service address.
        "city" => |a: &Account| a.place().and_then(|p| p.city.clone()),
        "region" => |a: &Account| a.place().and_then(|p| p.region.clone()),
        "country" => |a: &Account| a.place().and_then(|p| p.country.clone()),
    },
    archived_at = archived_at,
);

/// An account the actor can see, or `NotFound`.
pub(crate) fn visible(conn: &mut dyn Conn, actor: &Actor, id: Uuid) -> Result<Account, StoreError> {
    fetch(conn, actor, id, false)
}

/// Like [`visible`], and inside a write also locks the row on PostgreSQL, so that writes
/// derived from the account's current state (its primary contact, its reps) queue up.
pub(crate) fn locked(conn: &mut dyn Conn, actor: &Actor, id: Uuid) -> Result<Account, StoreError> {
    fetch(conn, actor, id, true)
}

fn fetch(conn: &mut dyn Conn, actor: &Actor, id: Uuid, lock: bool) -> Result<Account, StoreError> {
    record::fetch(conn, id, scope::accounts_visible(actor), lock)
}

/// What `q` finds an account by; the name comes first.
fn searchable(a: &Account) -> String {
    let city = |addr: &Option<Address>| {
        addr.as_ref()
            .and_then(|x| x.city.clone())
            .unwrap_or_default()
    };
    let phone = a.phone.as_deref().unwrap_or("");
    let mut parts: Vec<String> = vec![
        a.name.clone(),
        a.legal_name.clone().unwrap_or_default(),
        a.email.clone().unwrap_or_default(),
        phone.to_owned(),
        phone_words(phone),
        city(&a.billing_address),
        city(&a.service_address),
        a.registration_number.clone().unwrap_or_default(),
        a.website.clone().unwrap_or_default(),
    ];
    parts.extend(a.tags.iter().cloned());
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    search_text(&refs)
}

/// A unique violation that slipped past [`check_unique`] (a concurrent write).
fn unique_conflict(e: rapport_db::DbError) -> StoreError {
    if e.is_unique() {
        for column in ["company_key", "registration_number", "legacy_id"] {
            if e.violates(column) {
                return StoreError::Conflict {
                    message: format!("another account already has this {column}"),
                    field: Some(column.to_owned()),
                    existing_id: None,
                };
            }
        }
    }
    e.into()
}

pub(crate) fn check_owner(conn: &mut dyn Conn, owner: Option<Uuid>) -> Result<(), StoreError> {
    match owner {
        Some(owner) => crate::auth::users::check_enabled(conn, "owner_id", owner),
        None => Ok(()),
    }
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<Account, StoreError> {
    let actor = actor.clone();
    store.db.read(move |c| visible(c, &actor, id)).await
}

/// The account imported with this legacy id, if the actor can see it.
pub async fn by_legacy_id(
    store: &Store,
    actor: &Actor,
    legacy_id: String,
) -> Result<Account, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            let mut q = SqlBuf::new("SELECT * FROM accounts WHERE legacy_id = ");
            q.bind(legacy_id)
                .push(" AND (")
                .append(scope::accounts_visible(&actor))
                .push(")");
            match c.query_one(&q.sql, &q.params)? {
                Some(row) => Account::from_row(&row),
                None => Err(StoreError::NotFound { entity: ENTITY }),
            }
        })
        .await
}

/// Lists accounts. Beyond the generic filters: `archived=false|true|all` (default false),
/// `tag=a,b` (any of the tags) and `tags_all=a,b` (all of them).
pub async fn list(
    store: &Store,
    actor: &Actor,
    mut params: ListParams,
) -> Result<Page<Account>, StoreError> {
    let mut extra: Vec<SqlBuf> = list::take_archived(&mut params)?.into_iter().collect();
    let tags: Vec<Value> = params
        .take_filter("tag")
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(Value::from)
        .collect();
    if !tags.is_empty() {
        let mut cond = SqlBuf::new(
            "EXISTS (SELECT 1 FROM account_tags t WHERE t.account_id = accounts.id AND t.tag IN ",
        );
        cond.bind_list(tags).push(")");
        extra.push(cond);
    }
    let mut all: Vec<String> = params
        .take_filter("tags_all")
        .iter()
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    all.sort();
    all.dedup();
    let all: Vec<Value> = all.into_iter().map(Value::from).collect();
    if !all.is_empty() {
        let wanted = all.len();
        let mut cond = SqlBuf::new(
            "(SELECT COUNT(*) FROM account_tags t WHERE t.account_id = accounts.id AND t.tag IN ",
        );
        cond.bind_list(all).push(&format!(") = {wanted}"));
        extra.push(cond);
    }
    let scope = scope::accounts_visible(actor);
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        scope,
        extra,
        Account::from_row,
    )
    .await
}

/// Writes `after` over `before`, unless the row moved on meanwhile (412).
pub(crate) fn save(
    conn: &mut dyn Conn,
    before: &Account,
    after: &Account,
) -> Result<(), StoreError> {
    record::update_at_version(conn, before, after, unique_conflict)
}

/// The account as it stands before a write: visible to the actor, the role allowed to
/// do `action`, and still at the version `If-Match` named.
pub(crate) fn load_for_write(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    action: Action,
    if_match: IfMatch,
) -> Result<Account, StoreError> {
    let current = locked(c, actor, id)?;
    scope::require_account_action(actor, action)?;
    StoreError::check_version(&if_match, current.version)?;
    Ok(current)
}

/// The account, locked, if the actor may hard-delete it (`policy::may_delete_account`)
/// and `if_match` holds.
pub(crate) fn deletable(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    if_match: IfMatch,
) -> Result<Account, StoreError> {
    let current = locked(c, actor, id)?;
    scope::may_delete_account(c, actor, current.created_by)?;
    StoreError::check_version(&if_match, current.version)?;
    Ok(current)
}

/// Applies a PATCH. With `if_match`, the change is made only if the account is still at
/// that version. A patch that changes nothing writes nothing.
pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: AccountChanges,
) -> Result<Account, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| update_in(c, &ctx, id, if_match, |_| Ok(changes)))
        .await
}

/// One update inside a write: `changes` is computed from the account as it stands, so
/// edits derived from the current value (adding a tag) cannot race.
pub(crate) fn update_in(
    c: &mut dyn Conn,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: impl FnOnce(&Account) -> Result<AccountChanges, StoreError>,
) -> Result<Account, StoreError> {
    let actor = &ctx.actor;
    let before = load_for_write(c, actor, id, Action::Update, if_match)?;
    let changes = changes(&before)?;
    let owner_given = !changes.owner_id.is_absent();
    let mut proposed = before.clone();
    changes.apply_to(&mut proposed);
    if proposed == before {
        return Ok(before);
    }
    if owner_given && proposed.owner_id != before.owner_id {
        scope::may_assign_owner(actor, proposed.owner_id)?;
        check_owner(c, proposed.owner_id)?;
    }
    check_unique(c, actor, &proposed)?;
    let after = record::touched(&before, actor, proposed);
    save(c, &before, &after)?;
    if after.tags != before.tags {
        write_tags(c, id, &after.tags)?;
    }
    if after.owner_id != before.owner_id {
        super::rep_rows::sync_owner(c, id, after.owner_id, after.updated_by)?;
    }
    record::audit_update(c, ctx, &before, &after)?;
    Ok(after)
}

/// Archives (soft-deletes) or restores. Doing it twice is not an error and writes nothing.
pub async fn set_archived(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    archived: bool,
    if_match: IfMatch,
) -> Result<Account, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let before = load_for_write(c, actor, id, Action::Archive, if_match)?;
            record::set_archived(c, &ctx, before, archived, save)
        })
        .await
}

/// Deletes the account row, after `lifecycle` has told every area that points at it;
/// accounts merged into it forget the pointer.
pub(crate) fn remove(c: &mut dyn Conn, ctx: &Ctx, before: &Account) -> Result<(), StoreError> {
    c.execute(
        "UPDATE accounts SET merged_into_id = NULL WHERE merged_into_id = ?",
        &[before.id.into()],
    )?;
    record::remove(c, ctx, before)
}
