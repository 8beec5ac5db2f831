//! Accounts: create, read, list, update, archive, restore and (admin only) delete.

use rapport_db::{Conn, Value};
use rapport_domain::account::{Account, AccountChanges, AccountKind, Address, MAX_TAGS};
use rapport_domain::input::Patch;
use rapport_domain::normalize::{company_key, phone_digits, search_text};
use rapport_domain::{new_id, Actor, Ctx, IfMatch};
use uuid::Uuid;

use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::record::{self, Record};
use crate::policy::{self as scope, Action};
use crate::{SqlBuf, Store, StoreError};

pub(crate) const ENTITY: &str = crate::kernel::names::ACCOUNT;

static SPEC: ListSpec = ListSpec {
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
        Field::new("kind", "kind", Kind::Text),
        Field::new("owner_id", "owner_id", Kind::Uuid).nullable(),
        Field::new("created_by", "created_by", Kind::Uuid).nullable(),
        Field::new("customer_type", "customer_type", Kind::Text).nullable(),
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

fn apply(current: Account, ch: AccountChanges) -> Account {
    let mut a = current;
    if let Patch::Set(k) = ch.kind {
        a.kind = k;
    }
    if let Patch::Set(n) = ch.name {
        a.name = n;
    }
    a.legal_name = ch.legal_name.apply(a.legal_name);
    a.registration_number = ch.registration_number.apply(a.registration_number);
    a.customer_type = ch.customer_type.apply(a.customer_type);
    a.email = ch.email.apply(a.email);
    a.phone = ch.phone.apply(a.phone);
    a.website = ch.website.apply(a.website);
    a.billing_address = ch.billing_address.apply(a.billing_address);
    a.service_address = ch.service_address.apply(a.service_address);
    a.tags = ch.tags.apply(Some(a.tags)).unwrap_or_default();
    a.notes = ch.notes.apply(a.notes);
    a.owner_id = ch.owner_id.apply(a.owner_id);
    a.legacy_id = ch.legacy_id.apply(a.legacy_id);
    a.metadata = ch.metadata.apply(Some(a.metadata)).unwrap_or_default();
    a.company_key = company_key(&a.name);
    a
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
        phone_digits(phone),
        city(&a.billing_address),
        city(&a.service_address),
        a.registration_number.clone().unwrap_or_default(),
        a.website.clone().unwrap_or_default(),
    ];
    parts.extend(a.tags.iter().cloned());
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    search_text(&refs)
}

/// The unique fields an account can collide on, checked before writing so the caller is
/// told which record is in the way (when they may see it).
fn check_unique(conn: &mut dyn Conn, actor: &Actor, a: &Account) -> Result<(), StoreError> {
    let checks: [(&str, Option<&str>); 3] = [
        ("company_key", Some(a.company_key.as_str())),
        ("registration_number", a.registration_number.as_deref()),
        ("legacy_id", a.legacy_id.as_deref()),
    ];
    for (column, value) in checks {
        let Some(value) = value else { continue };
        let existing: Option<Uuid> = conn.query_scalar(
            &format!("SELECT id FROM accounts WHERE {column} = ? AND id <> ?"),
            &[value.into(), a.id.into()],
        )?;
        if let Some(existing) = existing {
            let mut visible = SqlBuf::new("SELECT id FROM accounts WHERE id = ");
            visible
                .bind(existing)
                .push(" AND (")
                .append(scope::accounts_visible(actor))
                .push(")");
            let shown: Option<Uuid> = conn.query_scalar(&visible.sql, &visible.params)?;
            let field = if column == "company_key" {
                "name"
            } else {
                column
            };
            return Err(StoreError::Conflict {
                message: format!("another account already has this {column} ({value})"),
                field: Some(field.to_owned()),
                existing_id: shown,
            });
        }
    }
    Ok(())
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

fn write_tags(conn: &mut dyn Conn, id: Uuid, tags: &[String]) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM account_tags WHERE account_id = ?",
        &[id.into()],
    )?;
    for tag in tags {
        conn.execute(
            "INSERT INTO account_tags (account_id, tag) VALUES (?, ?)",
            &[id.into(), tag.clone().into()],
        )?;
    }
    Ok(())
}

/// A new account from `changes`, checked for permission and owner, not yet written.
fn prepare_new(
    conn: &mut dyn Conn,
    ctx: &Ctx,
    changes: AccountChanges,
) -> Result<Account, StoreError> {
    let actor = &ctx.actor;
    scope::require_account_action(actor, Action::Create)?;
    let now = rapport_db::now();
    let owner_given = !changes.owner_id.is_absent();
    let blank = Account {
        id: new_id(),
        kind: AccountKind::Customer,
        name: String::new(),
        legal_name: None,
        company_key: String::new(),
        registration_number: None,
        customer_type: None,
        email: None,
        phone: None,
        website: None,
        billing_address: None,
        service_address: None,
        tags: Vec::new(),
        notes: None,
        owner_id: None,
        legacy_id: None,
        metadata: Default::default(),
        created_by: Some(actor.user_id).filter(|u| !u.is_nil()),
        updated_by: Some(actor.user_id).filter(|u| !u.is_nil()),
        created_at: now,
        updated_at: now,
        archived_at: None,
        merged_into_id: None,
        version: 1,
    };
    let mut account = apply(blank, changes);
    if !owner_given && actor.role == rapport_domain::Role::Rep {
        // A rep's new account is theirs unless they say otherwise.
        account.owner_id = Some(actor.user_id);
    }
    if owner_given {
        scope::may_assign_owner(actor, account.owner_id)?;
    }
    check_owner(conn, account.owner_id)?;
    Ok(account)
}

/// Writes a prepared account with its tags and audit row. With `yield_on_same_key`, an
/// account that appeared with the same company key meanwhile (a concurrent writer on
/// PostgreSQL) makes this return `None` instead of failing the transaction.
fn insert_prepared(
    conn: &mut dyn Conn,
    ctx: &Ctx,
    account: Account,
    yield_on_same_key: bool,
) -> Result<Option<Account>, StoreError> {
    if yield_on_same_key {
        if !record::insert_unless_taken(conn, &account, "company_key").map_err(unique_conflict)? {
            return Ok(None);
        }
    } else {
        record::insert(conn, &account).map_err(unique_conflict)?;
    }
    write_tags(conn, account.id, &account.tags)?;
    if account.owner_id.is_some() {
        super::rep_rows::sync_owner(conn, account.id, account.owner_id, account.created_by)?;
    }
    audit::record_change(
        conn,
        ctx,
        AuditAction::Create,
        ENTITY,
        account.id,
        None,
        Some(&account),
    )?;
    Ok(Some(account))
}

fn insert(conn: &mut dyn Conn, ctx: &Ctx, changes: AccountChanges) -> Result<Account, StoreError> {
    let account = prepare_new(conn, ctx, changes)?;
    check_unique(conn, &ctx.actor, &account)?;
    let id = account.id;
    insert_prepared(conn, ctx, account, false)?.ok_or_else(|| {
        StoreError::Db(rapport_db::DbError::decode(format!(
            "account {id} was not written"
        )))
    })
}

/// The account with this company key, if the actor may see it; an account the actor may
/// not see is a conflict that does not reveal its id.
fn by_company_key(
    conn: &mut dyn Conn,
    actor: &Actor,
    key: &str,
) -> Result<Option<Account>, StoreError> {
    let Some(row) = conn.query_one(
        "SELECT * FROM accounts WHERE company_key = ?",
        &[key.into()],
    )?
    else {
        return Ok(None);
    };
    let found = Account::from_row(&row)?;
    let mut visible = SqlBuf::new("SELECT id FROM accounts WHERE id = ");
    visible
        .bind(found.id)
        .push(" AND (")
        .append(scope::accounts_visible(actor))
        .push(")");
    if conn
        .query_scalar::<Uuid>(&visible.sql, &visible.params)?
        .is_none()
    {
        return Err(StoreError::Conflict {
            message: format!("an account with company key {key} exists, outside what you may see"),
            field: Some("name".into()),
            existing_id: None,
        });
    }
    Ok(Some(found))
}

/// Seed 000's find-or-create: the account whose company key equals the name's (archived
/// ones included, so they can be restored rather than duplicated), else a new one.
/// Returns whether it was created. Concurrent calls with spellings of one name create
/// exactly one account on both engines.
pub async fn find_or_create(
    store: &Store,
    ctx: &Ctx,
    changes: AccountChanges,
) -> Result<(Account, bool), StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| find_or_create_in(c, &ctx, changes))
        .await
}

/// [`find_or_create`] inside the caller's transaction (a lead converted on winning).
pub(crate) fn find_or_create_in(
    c: &mut dyn Conn,
    ctx: &Ctx,
    changes: AccountChanges,
) -> Result<(Account, bool), StoreError> {
    let actor = &ctx.actor;
    scope::require_account_action(actor, Action::Create)?;
    let Patch::Set(name) = &changes.name else {
        return Err(StoreError::invalid("name", "required", "is required"));
    };
    let key = company_key(name);
    if let Some(found) = by_company_key(c, actor, &key)? {
        return Ok((found, false));
    }
    let account = prepare_new(c, ctx, changes)?;
    match check_unique(c, actor, &account) {
        // The key appeared since the lookup: another writer created it.
        Err(StoreError::Conflict { field: Some(f), .. }) if f == "name" => {}
        other => other?,
    }
    if let Some(created) = insert_prepared(c, ctx, account, true)? {
        return Ok((created, true));
    }
    match by_company_key(c, actor, &key)? {
        Some(found) => Ok((found, false)),
        None => Err(StoreError::Db(rapport_db::DbError::decode(format!(
            "account with key {key} vanished during find-or-create"
        )))),
    }
}

pub async fn create(
    store: &Store,
    ctx: &Ctx,
    changes: AccountChanges,
) -> Result<Account, StoreError> {
    let ctx = ctx.clone();
    store.db.write(move |c| insert(c, &ctx, changes)).await
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
    let proposed = apply(before.clone(), changes);
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
    audit::record_change(
        c,
        ctx,
        AuditAction::Update,
        ENTITY,
        id,
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

/// Adds and removes tags on one account (a tag already there, or not there, is fine).
pub async fn change_tags(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    add: Vec<String>,
    remove: Vec<String>,
) -> Result<Account, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            update_in(c, &ctx, id, IfMatch::Any, |current| {
                let mut tags: Vec<String> = current
                    .tags
                    .iter()
                    .filter(|t| !remove.contains(t))
                    .cloned()
                    .collect();
                for t in add {
                    if !tags.contains(&t) {
                        tags.push(t);
                    }
                }
                if tags.len() > MAX_TAGS {
                    return Err(StoreError::invalid(
                        "tags",
                        "max_items",
                        format!("an account has at most {MAX_TAGS} tags"),
                    ));
                }
                Ok(AccountChanges {
                    tags: Patch::Set(tags),
                    ..Default::default()
                })
            })
        })
        .await
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TagCount {
    pub tag: String,
    pub count: i64,
}

/// Tags in use on the accounts the actor can see (archived ones excluded), most used
/// first.
pub async fn tag_counts(store: &Store, actor: &Actor) -> Result<Vec<TagCount>, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            let mut q = SqlBuf::new(
                "SELECT t.tag AS tag, COUNT(*) AS n FROM account_tags t JOIN accounts ON accounts.id = t.account_id \
                 WHERE accounts.archived_at IS NULL AND (",
            );
            q.append(scope::accounts_visible(&actor)).push(") GROUP BY t.tag ORDER BY n DESC, t.tag ASC");
            c.query(&q.sql, &q.params)?
                .iter()
                .map(|r| Ok(TagCount { tag: r.get("tag")?, count: r.get("n")? }))
                .collect()
        })
        .await
}

/// Renames a tag on every account the actor may change; an account that already has the
/// new tag keeps one. Each changed account gets a new version and an audit row, all in
/// one transaction. Returns how many accounts changed.
pub async fn rename_tag(
    store: &Store,
    ctx: &Ctx,
    from: String,
    to: String,
) -> Result<usize, StoreError> {
    scope::require_account_action(&ctx.actor, Action::Update)?;
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let mut q = SqlBuf::new(
                "SELECT accounts.id AS id FROM accounts JOIN account_tags t ON t.account_id = accounts.id \
                 WHERE t.tag = ",
            );
            q.bind(from.clone()).push(" AND (").append(scope::accounts_visible(&ctx.actor)).push(")");
            let ids: Vec<Uuid> = c.query(&q.sql, &q.params)?.iter().map(|r| r.get("id")).collect::<Result<_, _>>()?;
            for id in &ids {
                update_in(c, &ctx, *id, IfMatch::Any, |current| {
                    let mut tags: Vec<String> = Vec::with_capacity(current.tags.len());
                    for t in &current.tags {
                        let t = if *t == from { to.clone() } else { t.clone() };
                        if !tags.contains(&t) {
                            tags.push(t);
                        }
                    }
                    Ok(AccountChanges {
                        tags: Patch::Set(tags),
                        ..Default::default()
                    })
                })?;
            }
            Ok(ids.len())
        })
        .await
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
            if before.archived_at.is_some() == archived {
                return Ok(before);
            }
            let mut after = record::touched(&before, actor, before.clone());
            after.archived_at = archived.then_some(after.updated_at);
            save(c, &before, &after)?;
            audit::record_change(
                c,
                &ctx,
                AuditAction::archiving(archived),
                ENTITY,
                id,
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
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
