//! Links between accounts and contacts (`account_contacts`): who works where, in which
//! role, and who is an account's primary contact. At most one primary per account is
//! enforced by a partial unique index; making a contact primary first clears the
//! previous primary in the same transaction, with the account row locked so that two
//! such changes queue up instead of colliding.

use rapport_db::{Conn, Row};
use rapport_domain::contact::{AccountContact, Contact, LinkChanges};
use rapport_domain::{Actor, Ctx};
use serde::Serialize;
use uuid::Uuid;

use crate::customers::accounts;
use crate::customers::contacts;
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::record;
use crate::policy::{self as scope, Action};
use crate::{SqlBuf, Store, StoreError};

mod gone;
mod new_person;
mod rules;

pub use new_person::add_new_person;

pub(crate) use gone::{account_gone, contact_gone};
pub(crate) use rules::people_only_at;

pub(crate) const ENTITY: &str = crate::kernel::names::ACCOUNT_CONTACT;
/// An account's people come back in one answer; beyond this many, page through
/// `/api/v1/contacts?account_id=`.
pub const MAX_LINKS_LISTED: usize = 1000;

fn from_row(r: &Row) -> Result<AccountContact, StoreError> {
    Ok(AccountContact {
        id: r.get("id")?,
        account_id: r.get("account_id")?,
        contact_id: r.get("contact_id")?,
        role: r.get("role")?,
        is_primary: r.get("is_primary")?,
        is_primary_account: r.get("is_primary_account")?,
        start_date: r.get("start_date")?,
        end_date: r.get("end_date")?,
        active: r.get("active")?,
        created_by: r.get("created_by")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        version: r.get("version")?,
    })
}

/// The links whose `column` (account_id or contact_id) is `id`.
fn rows_where(c: &mut dyn Conn, column: &str, id: Uuid) -> Result<Vec<AccountContact>, StoreError> {
    c.query(
        &format!("SELECT * FROM account_contacts WHERE {column} = ? ORDER BY created_at, id"),
        &[id.into()],
    )?
    .iter()
    .map(from_row)
    .collect()
}

/// A person at an account: the link, with the person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountPerson {
    #[serde(flatten)]
    pub link: AccountContact,
    pub contact: Contact,
}

/// An account a person is linked to: the link, with the account's name and kind.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonAccount {
    #[serde(flatten)]
    pub link: AccountContact,
    pub account_name: String,
    pub account_kind: String,
    pub account_archived: bool,
}

fn check_dates(link: &AccountContact) -> Result<(), StoreError> {
    if let (Some(start), Some(end)) = (link.start_date, link.end_date) {
        if end < start {
            return Err(StoreError::invalid(
                "end_date",
                "after_start",
                "must not be before start_date",
            ));
        }
    }
    if link.is_primary && !link.active {
        return Err(StoreError::invalid(
            "is_primary",
            "active",
            "an inactive link cannot be the primary contact",
        ));
    }
    if link.is_primary_account && !link.active {
        return Err(StoreError::invalid(
            "is_primary_account",
            "active",
            "an inactive link cannot be the person's primary account",
        ));
    }
    Ok(())
}

/// Clears the account's current primary contact (other than `keep`), audited.
fn clear_primary(
    c: &mut dyn Conn,
    ctx: &Ctx,
    account_id: Uuid,
    keep: Uuid,
) -> Result<(), StoreError> {
    let current = c.query_one(
        "SELECT * FROM account_contacts WHERE account_id = ? AND is_primary AND id <> ?",
        &[account_id.into(), keep.into()],
    )?;
    if let Some(row) = current {
        let before = from_row(&row)?;
        let mut after = before.clone();
        after.is_primary = false;
        after.version += 1;
        after.updated_at = rapport_db::now().max(before.updated_at);
        c.execute(
            "UPDATE account_contacts SET is_primary = ?, version = ?, updated_at = ? WHERE id = ?",
            &[
                false.into(),
                after.version.into(),
                after.updated_at.into(),
                after.id.into(),
            ],
        )?;
        audit::record_change(
            c,
            ctx,
            AuditAction::Update,
            ENTITY,
            after.id,
            Some(&before),
            Some(&after),
        )?;
    }
    Ok(())
}

fn primary_conflict(e: rapport_db::DbError) -> StoreError {
    // SQLite names the columns, PostgreSQL the index: the pair index involves both
    // columns, a person's primary account only contact_id, an account's primary
    // contact only account_id.
    if e.violates("primary_account")
        || (e.violates("contact_id") && !e.violates("account_id") && !e.violates("pair_key"))
    {
        return StoreError::Conflict {
            message: "the person already has a primary account".into(),
            field: Some("is_primary_account".into()),
            existing_id: None,
        };
    }
    if e.violates("contact_id") || e.violates("pair_key") {
        return StoreError::Conflict {
            message: "this person is already linked to the account".into(),
            field: Some("contact_id".into()),
            existing_id: None,
        };
    }
    if e.is_unique() {
        return StoreError::Conflict {
            message: "the account already has a primary contact".into(),
            field: Some("is_primary".into()),
            existing_id: None,
        };
    }
    e.into()
}

/// The account must be visible, changeable by the actor, and not archived.
fn writable_account(c: &mut dyn Conn, actor: &Actor, account_id: Uuid) -> Result<(), StoreError> {
    let account = accounts::locked(c, actor, account_id)?;
    scope::require_account_action(actor, Action::Update)?;
    if account.archived_at.is_some() {
        return Err(StoreError::state(
            "account_id",
            "the account is archived; restore it before changing its people",
        ));
    }
    Ok(())
}

/// Links a person to an account.
pub async fn link(
    store: &Store,
    ctx: &Ctx,
    account_id: Uuid,
    changes: LinkChanges,
) -> Result<AccountPerson, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| link_in(c, &ctx, account_id, changes))
        .await
}

/// Links a person to an account inside a write the caller runs.
pub(crate) fn link_in(
    c: &mut dyn Conn,
    ctx: &Ctx,
    account_id: Uuid,
    changes: LinkChanges,
) -> Result<AccountPerson, StoreError> {
    let actor = &ctx.actor;
    writable_account(c, actor, account_id)?;
    let contact_id = changes
        .contact_id
        .ok_or_else(|| StoreError::invalid("contact_id", "required", "is required"))?;
    let contact = contacts::visible(c, actor, contact_id)
        .map_err(|e| e.named_in("contact_id", "names no contact you can see"))?;
    let existing: Option<Uuid> = c.query_scalar(
        "SELECT id FROM account_contacts WHERE account_id = ? AND contact_id = ?",
        &[account_id.into(), contact_id.into()],
    )?;
    if let Some(existing) = existing {
        return Err(StoreError::Conflict {
            message: "this person is already linked to the account; change the link instead".into(),
            field: Some("contact_id".into()),
            existing_id: Some(existing),
        });
    }
    let now = rapport_db::now();
    let mut link = AccountContact::blank(account_id, contact_id, record::acting_user(actor), now);
    changes.apply_to(&mut link);
    check_dates(&link)?;
    rules::check_primary_account(c, &link)?;
    crate::customers::email_in_account::check_free(
        c,
        account_id,
        contact_id,
        contact.email.as_deref(),
        "contact_id",
    )?;
    if link.is_primary {
        clear_primary(c, ctx, account_id, link.id)?;
    }
    c.execute(
                "INSERT INTO account_contacts (id, account_id, contact_id, role, is_primary, is_primary_account, \
                 start_date, end_date, active, created_by, created_at, updated_at, version) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                &[
                    link.id.into(),
                    link.account_id.into(),
                    link.contact_id.into(),
                    link.role.clone().into(),
                    link.is_primary.into(),
                    link.is_primary_account.into(),
                    link.start_date.into(),
                    link.end_date.into(),
                    link.active.into(),
                    link.created_by.into(),
                    link.created_at.into(),
                    link.updated_at.into(),
                    link.version.into(),
                ],
            )
            .map_err(primary_conflict)?;
    audit::record_change(
        c,
        ctx,
        AuditAction::Create,
        ENTITY,
        link.id,
        None,
        Some(&link),
    )?;
    Ok(AccountPerson { link, contact })
}

fn link_of(
    c: &mut dyn Conn,
    account_id: Uuid,
    contact_id: Uuid,
) -> Result<AccountContact, StoreError> {
    match c.query_one(
        "SELECT * FROM account_contacts WHERE account_id = ? AND contact_id = ?",
        &[account_id.into(), contact_id.into()],
    )? {
        Some(row) => from_row(&row),
        None => Err(StoreError::NotFound {
            entity: "account contact link",
        }),
    }
}

/// Changes a link (role, dates, active, primary).
pub async fn update(
    store: &Store,
    ctx: &Ctx,
    account_id: Uuid,
    contact_id: Uuid,
    changes: LinkChanges,
) -> Result<AccountPerson, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            writable_account(c, actor, account_id)?;
            let contact = contacts::visible(c, actor, contact_id)?;
            let before = link_of(c, account_id, contact_id)?;
            let mut after = before.clone();
            changes.clone().apply_to(&mut after);
            if after == before {
                return Ok(AccountPerson { link: before, contact });
            }
            check_dates(&after)?;
            rules::check_primary_account(c, &after)?;
            if after.is_primary && !before.is_primary {
                clear_primary(c, &ctx, account_id, after.id)?;
            }
            after.version = before.version + 1;
            after.updated_at = rapport_db::now().max(before.updated_at);
            c.execute(
                "UPDATE account_contacts SET role = ?, is_primary = ?, is_primary_account = ?, start_date = ?, \
                 end_date = ?, active = ?, updated_at = ?, version = ? WHERE id = ?",
                &[
                    after.role.clone().into(),
                    after.is_primary.into(),
                    after.is_primary_account.into(),
                    after.start_date.into(),
                    after.end_date.into(),
                    after.active.into(),
                    after.updated_at.into(),
                    after.version.into(),
                    after.id.into(),
                ],
            )
            .map_err(primary_conflict)?;
            audit::record_change(c, &ctx, AuditAction::Update, ENTITY, after.id, Some(&before), Some(&after))?;
            Ok(AccountPerson { link: after, contact })
        })
        .await
}

/// Removes a link; the person stays.
pub async fn unlink(
    store: &Store,
    ctx: &Ctx,
    account_id: Uuid,
    contact_id: Uuid,
) -> Result<(), StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            accounts::locked(c, actor, account_id)?;
            scope::require_account_action(actor, Action::Update)?;
            let before = link_of(c, account_id, contact_id)?;
            c.execute(
                "DELETE FROM account_contacts WHERE id = ?",
                &[before.id.into()],
            )?;
            audit::record_change(
                c,
                &ctx,
                AuditAction::Delete,
                ENTITY,
                before.id,
                Some(&before),
                None,
            )?;
            Ok(())
        })
        .await
}

/// People at the given accounts (already known to be visible), primary first, then
/// active links, then by name.
pub(crate) fn people_of(
    c: &mut dyn Conn,
    account_ids: &[Uuid],
) -> Result<Vec<AccountPerson>, StoreError> {
    if account_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = SqlBuf::new(
        "SELECT ac.id AS link_id, ac.account_id AS link_account_id, ac.role AS link_role, \
         ac.is_primary AS link_is_primary, ac.is_primary_account AS link_is_primary_account, ac.start_date AS link_start_date, ac.end_date AS link_end_date, \
         ac.active AS link_active, ac.created_by AS link_created_by, ac.created_at AS link_created_at, \
         ac.updated_at AS link_updated_at, ac.version AS link_version, contacts.* \
         FROM account_contacts ac JOIN contacts ON contacts.id = ac.contact_id WHERE ac.account_id IN ",
    );
    q.bind_list(account_ids.iter().map(|id| (*id).into()).collect()).push(&format!(
        " ORDER BY ac.account_id, ac.is_primary DESC, ac.active DESC, contacts.sort_key, contacts.id LIMIT {}",
        MAX_LINKS_LISTED * account_ids.len()
    ));
    c.query(&q.sql, &q.params)?
        .iter()
        .map(|r| {
            let contact = <Contact as crate::kernel::record::Record>::from_row(r)?;
            Ok(AccountPerson {
                link: AccountContact {
                    id: r.get("link_id")?,
                    account_id: r.get("link_account_id")?,
                    contact_id: contact.id,
                    role: r.get("link_role")?,
                    is_primary: r.get("link_is_primary")?,
                    is_primary_account: r.get("link_is_primary_account")?,
                    start_date: r.get("link_start_date")?,
                    end_date: r.get("link_end_date")?,
                    active: r.get("link_active")?,
                    created_by: r.get("link_created_by")?,
                    created_at: r.get("link_created_at")?,
                    updated_at: r.get("link_updated_at")?,
                    version: r.get("link_version")?,
                },
                contact,
            })
        })
        .collect()
}

/// The people linked to an account the actor can see.
pub async fn for_account(
    store: &Store,
    actor: &Actor,
    account_id: Uuid,
) -> Result<Vec<AccountPerson>, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            accounts::visible(c, &actor, account_id)?;
            people_of(c, &[account_id])
        })
        .await
}

/// The accounts a contact is linked to, among those the actor can see.
pub async fn for_contact(
    store: &Store,
    actor: &Actor,
    contact_id: Uuid,
) -> Result<Vec<PersonAccount>, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            contacts::visible(c, &actor, contact_id)?;
            let mut q = SqlBuf::new(
                "SELECT ac.*, accounts.name AS account_name, accounts.kind AS account_kind, \
                 accounts.archived_at AS account_archived_at FROM account_contacts ac \
                 JOIN accounts ON accounts.id = ac.account_id WHERE ac.contact_id = ",
            );
            q.bind(contact_id)
                .push(" AND (")
                .append(scope::accounts_visible(&actor))
                .push(") ORDER BY ac.is_primary DESC, ac.active DESC, accounts.name, accounts.id");
            c.query(&q.sql, &q.params)?
                .iter()
                .map(|r| {
                    Ok(PersonAccount {
                        link: from_row(r)?,
                        account_name: r.get("account_name")?,
                        account_kind: r.get("account_kind")?,
                        account_archived: r
                            .get::<Option<chrono::DateTime<chrono::Utc>>>("account_archived_at")?
                            .is_some(),
                    })
                })
                .collect()
        })
        .await
}
