//! Managing users (seed 004): admins create, change, disable and enable them. A
//! restricted admin manages everyone but admins, and may not make anyone an admin.
//! Disabling ends the user's sessions and makes their tokens fail at once.

use rapport_domain::input::Patch;
use rapport_domain::user::UserChanges;
use rapport_domain::{Actor, Ctx, Role};
use uuid::Uuid;

use crate::auth::users::{self, NewUser, User};
use crate::kernel::audit::{self, AuditAction};
use crate::{SqlBuf, Store, StoreError};

const ENTITY: &str = crate::kernel::names::USER;

/// May the actor manage a user who has (or would get) `role`?
fn may_manage(actor: &Actor, role: Role, field: &str) -> Result<(), StoreError> {
    match actor.role {
        Role::Admin => Ok(()),
        Role::RestrictedAdmin if role != Role::Admin => Ok(()),
        Role::RestrictedAdmin => Err(StoreError::forbidden_field(
            field,
            "a restricted admin may not manage admins or make anyone an admin",
        )),
        other => Err(StoreError::forbidden(format!(
            "the {} role may not manage users",
            other.as_str()
        ))),
    }
}

/// Partner and distributor users belong to an account of their kind; nobody else
/// belongs to one.
fn check_organisation(
    c: &mut dyn rapport_db::Conn,
    role: Role,
    account_id: Option<Uuid>,
) -> Result<(), StoreError> {
    let wanted = match role {
        Role::Partner => "partner",
        Role::Distributor => "distributor",
        _ if account_id.is_some() => {
            return Err(StoreError::invalid(
                "account_id",
                "role",
                format!(
                    "only partner and distributor users belong to an account, not a {} user",
                    role.as_str()
                ),
            ))
        }
        _ => return Ok(()),
    };
    let Some(id) = account_id else {
        return Err(StoreError::invalid(
            "account_id",
            "depends",
            format!("a {wanted} user needs the {wanted} account they belong to"),
        ));
    };
    let kind: Option<String> =
        c.query_scalar("SELECT kind FROM accounts WHERE id = ?", &[id.into()])?;
    match kind {
        None => Err(StoreError::invalid(
            "account_id",
            "exists",
            "names no account",
        )),
        Some(k) if k == wanted => Ok(()),
        Some(k) => Err(StoreError::invalid(
            "account_id",
            "referenced_kind",
            format!("a {wanted} user must belong to an account of kind {wanted}, not {k}"),
        )),
    }
}

pub async fn create(store: &Store, ctx: &Ctx, changes: UserChanges) -> Result<User, StoreError> {
    let credential = match (changes.directory, changes.password) {
        (true, _) => users::Credential::Directory,
        (false, Some(password)) => users::Credential::Password(password),
        (false, None) => {
            return Err(StoreError::invalid(
                "password",
                "depends",
                "is required for a local user",
            ));
        }
    };
    let (Patch::Set(email), Patch::Set(role)) = (changes.email, changes.role) else {
        return Err(StoreError::invalid(
            "email",
            "required",
            "email and role are required",
        ));
    };
    may_manage(&ctx.actor, role, "role")?;
    let account_id = match changes.account_id {
        Patch::Set(id) => Some(id),
        _ => None,
    };
    store
        .db
        .read(move |c| check_organisation(c, role, account_id))
        .await?;
    let name = match changes.name {
        Patch::Set(n) => n,
        _ => String::new(),
    };
    users::create(
        store,
        ctx,
        NewUser {
            email,
            name,
            role,
            credential,
            account_id,
        },
    )
    .await
}

/// Users by email, for admins.
/// Which users a list shows.
#[derive(Debug, Default, Clone, Copy)]
pub struct UserFilter {
    pub enabled: Option<bool>,
    /// Only users the directory created who have never been enabled: the queue an admin
    /// works through.
    pub pending: bool,
}

pub async fn list(
    store: &Store,
    actor: &Actor,
    filter: UserFilter,
) -> Result<Vec<User>, StoreError> {
    may_manage(actor, Role::Viewer, "")?;
    store
        .db
        .read(move |c| {
            let mut q = crate::SqlBuf::new("SELECT * FROM users WHERE 1 = 1");
            if let Some(enabled) = filter.enabled {
                q.push(" AND enabled = ").bind(enabled);
            }
            if filter.pending {
                q.push(" AND NOT enabled AND enabled_at IS NULL AND auth_provider <> ")
                    .bind(users::LOCAL_PROVIDER);
            }
            q.push(" ORDER BY email");
            c.query(&q.sql, &q.params)?
                .iter()
                .map(users::from_row)
                .collect()
        })
        .await
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<User, StoreError> {
    may_manage(actor, Role::Viewer, "")?;
    users::get(store, id).await
}

/// Changes email, name, role or organisation. A changed role or organisation ends the
/// user's sessions, so that nothing keeps acting with the old rights.
pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    changes: UserChanges,
) -> Result<User, StoreError> {
    let ctx = ctx.clone();
    let user = store
        .db
        .write(move |c| {
            let before = users::load(c, id)?;
            may_manage(&ctx.actor, before.role, "role")?;
            let role = match changes.role {
                Patch::Set(r) => r,
                _ => before.role,
            };
            may_manage(&ctx.actor, role, "role")?;
            if id == ctx.actor.user_id && role != before.role {
                return Err(StoreError::forbidden_field(
                    "role",
                    "you may not change your own role",
                ));
            }
            let account_id = changes.account_id.apply(before.account_id);
            check_organisation(c, role, account_id)?;
            let email = match changes.email {
                Patch::Set(e) => users::normalize_email(&e),
                _ => before.email.clone(),
            };
            if email != before.email {
                let taken: Option<Uuid> = c.query_scalar(
                    "SELECT id FROM users WHERE email = ? AND id <> ?",
                    &[email.clone().into(), id.into()],
                )?;
                if taken.is_some() {
                    return Err(StoreError::Conflict {
                        message: format!("a user with email {email} already exists"),
                        field: Some("email".into()),
                        existing_id: taken,
                    });
                }
            }
            let name = changes
                .name
                .apply(Some(before.name.clone()))
                .unwrap_or_default();
            let mut q = SqlBuf::new("UPDATE users SET email = ");
            q.bind(email)
                .push(", name = ")
                .bind(name)
                .push(", role = ")
                .bind(role.as_str())
                .push(", account_id = ")
                .bind(account_id)
                .push(", updated_at = ")
                .bind(rapport_db::now().max(before.updated_at))
                .push(", version = version + 1 WHERE id = ")
                .bind(id);
            c.execute(&q.sql, &q.params)?;
            if role != before.role || account_id != before.account_id {
                c.execute("DELETE FROM sessions WHERE user_id = ?", &[id.into()])?;
            }
            crate::auth::changes::announce(c, crate::auth::changes::Change::User(id))?;
            let after = users::load(c, id)?;
            audit::record_change(
                c,
                &ctx,
                AuditAction::Update,
                ENTITY,
                id,
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
        })
        .await?;
    store.token_cache.forget_user(id);
    Ok(user)
}

/// Disables or enables a user (who and when are kept). Nobody disables themself, so an
/// admin cannot lock the last door by accident.
pub async fn set_enabled(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    enabled: bool,
) -> Result<User, StoreError> {
    let target = users::get(store, id).await?;
    may_manage(&ctx.actor, target.role, "id")?;
    if !enabled && id == ctx.actor.user_id {
        return Err(StoreError::state("enabled", "you may not disable yourself"));
    }
    users::set_enabled(store, ctx, id, enabled).await
}
