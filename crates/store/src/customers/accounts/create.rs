//! Creating accounts: one from scratch, or find-or-create by company key, with the unique fields checked first so the caller is told which record is in the way.

use super::*;

/// The unique fields an account can collide on, checked before writing so the caller is
/// told which record is in the way (when they may see it).
pub(super) fn check_unique(
    conn: &mut dyn Conn,
    actor: &Actor,
    a: &Account,
) -> Result<(), StoreError> {
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

/// A new account from `changes`, checked for permission and owner, not yet written.
pub(super) fn prepare_new(
    conn: &mut dyn Conn,
    ctx: &Ctx,
    changes: AccountChanges,
) -> Result<Account, StoreError> {
    let actor = &ctx.actor;
    scope::require_account_action(actor, Action::Create)?;
    let now = rapport_db::now();
    let owner_given = !changes.owner_id.is_absent();
    let mut account = Account::blank(record::acting_user(actor), now);
    changes.apply_to(&mut account);
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
pub(super) fn insert_prepared(
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
        crate::customers::rep_rows::sync_owner(
            conn,
            account.id,
            account.owner_id,
            account.created_by,
        )?;
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

pub(super) fn insert(
    conn: &mut dyn Conn,
    ctx: &Ctx,
    changes: AccountChanges,
) -> Result<Account, StoreError> {
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
pub(super) fn by_company_key(
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
