//! Users: who can sign in, with which role.

use chrono::{DateTime, Utc};
use rapport_db::{Conn, Row};
use rapport_domain::validation::is_email;
use rapport_domain::{new_id, Actor, Ctx, Role};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::password;
use crate::kernel::audit::{self, AuditAction};
use crate::{Store, StoreError};

const ENTITY: &str = crate::kernel::names::USER;

/// A user as the API shows it (never the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub enabled: bool,
    /// Who last enabled or disabled the user, and when; both empty for a user the
    /// directory created who has never been enabled.
    pub enabled_by: Option<Uuid>,
    pub enabled_at: Option<DateTime<Utc>>,
    pub account_id: Option<Uuid>,
    /// `local` (a Rapport password) or `ldap` (the directory checks the password).
    pub auth_provider: String,
    /// For `ldap` users, the directory entry (DN) the user is linked to.
    pub auth_subject: Option<String>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            email: self.email.clone(),
            role: self.role,
            account_id: self.account_id,
        }
    }
}

pub(crate) fn from_row(r: &Row) -> Result<User, StoreError> {
    let role: String = r.get("role")?;
    Ok(User {
        id: r.get("id")?,
        email: r.get("email")?,
        name: r.get("name")?,
        role: Role::parse(&role)
            .ok_or_else(|| rapport_db::DbError::decode(format!("unknown role {role:?}")))?,
        enabled: r.get("enabled")?,
        enabled_by: r.get("enabled_by")?,
        enabled_at: r.get("enabled_at")?,
        account_id: r.get("account_id")?,
        auth_provider: r.get("auth_provider")?,
        auth_subject: r.get("auth_subject")?,
        last_login_at: r.get("last_login_at")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub const LOCAL_PROVIDER: &str = "local";
pub const LDAP_PROVIDER: &str = "ldap";

/// Emails are compared without case; they are stored lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// How a new user proves who they are.
pub enum Credential {
    /// A Rapport password (a `local` user).
    Password(String),
    /// The LDAP directory's password: an `ldap` user, linked to their directory entry
    /// on first sign-in by email.
    Directory,
}

pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub credential: Credential,
    pub account_id: Option<Uuid>,
}

pub use rapport_domain::user::MIN_PASSWORD_LEN;

/// Creates a user: a local one with a password (hashed before the write, so the slow part
/// never holds the writer), or a directory one without.
pub async fn create(store: &Store, ctx: &Ctx, new: NewUser) -> Result<User, StoreError> {
    let email = normalize_email(&new.email);
    if !is_email(&email) {
        return Err(StoreError::invalid(
            "email",
            "email",
            "is not an email address",
        ));
    }
    let (provider, hash) = match new.credential {
        Credential::Password(given) => {
            if given.chars().count() < MIN_PASSWORD_LEN {
                return Err(StoreError::invalid(
                    "password",
                    "min_length",
                    format!("must be at least {MIN_PASSWORD_LEN} characters"),
                ));
            }
            (LOCAL_PROVIDER, Some(password::hash(given).await?))
        }
        Credential::Directory => (LDAP_PROVIDER, None),
    };
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let exists: Option<Uuid> = c.query_scalar(
                "SELECT id FROM users WHERE email = ?",
                &[email.clone().into()],
            )?;
            if exists.is_some() {
                return Err(StoreError::Conflict {
                    message: format!("a user with email {email} already exists"),
                    field: Some("email".into()),
                    existing_id: exists,
                });
            }
            let now = rapport_db::now();
            let id = new_id();
            c.execute(
                "INSERT INTO users (id, email, name, role, enabled, auth_provider, password_hash, \
                 account_id, created_at, updated_at) VALUES (?, ?, ?, ?, TRUE, ?, ?, ?, ?, ?)",
                &[
                    id.into(),
                    email.into(),
                    new.name.into(),
                    new.role.as_str().into(),
                    provider.into(),
                    hash.into(),
                    new.account_id.into(),
                    now.into(),
                    now.into(),
                ],
            )?;
            let user = load(c, id)?;
            audit::record_change(c, &ctx, AuditAction::Create, ENTITY, id, None, Some(&user))?;
            Ok(user)
        })
        .await
}

pub(crate) fn load(c: &mut dyn Conn, id: Uuid) -> Result<User, StoreError> {
    match c.query_one("SELECT * FROM users WHERE id = ?", &[id.into()])? {
        Some(r) => from_row(&r),
        None => Err(StoreError::NotFound { entity: ENTITY }),
    }
}

pub async fn get(store: &Store, id: Uuid) -> Result<User, StoreError> {
    store.db.read(move |c| load(c, id)).await
}

/// Whether any user exists; with none, the server offers a first-run setup link.
pub async fn any_exist(store: &Store) -> Result<bool, StoreError> {
    store
        .db
        .read(|c| Ok(c.query_one("SELECT 1 FROM users LIMIT 1", &[])?.is_some()))
        .await
}

/// Someone an account, lead or task may be given to: an enabled member of staff.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Colleague {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
}

/// The enabled internal users (admins, managers, reps), by name, for pickers and for
/// showing owners by name. Staff see them all; partner, distributor and fulfiller users
/// see none, so the names of the company's people never leave it.
pub async fn colleagues(store: &Store, actor: &Actor) -> Result<Vec<Colleague>, StoreError> {
    if matches!(
        actor.role,
        Role::Partner | Role::Distributor | Role::Fulfiller
    ) {
        return Ok(Vec::new());
    }
    store
        .db
        .read(|c| {
            let rows = c.query(
                "SELECT id, name, email, role FROM users WHERE enabled \
                 AND role IN ('admin', 'restricted_admin', 'manager', 'rep') ORDER BY name, email",
                &[],
            )?;
            rows.iter()
                .map(|r| {
                    let role: String = r.get("role")?;
                    Ok(Colleague {
                        id: r.get("id")?,
                        name: r.get("name")?,
                        email: r.get("email")?,
                        role: Role::parse(&role).unwrap_or(Role::Viewer),
                    })
                })
                .collect()
        })
        .await
}

pub async fn find_by_email(store: &Store, email: &str) -> Result<Option<User>, StoreError> {
    let email = normalize_email(email);
    store
        .db
        .read(move |c| {
            c.query_one("SELECT * FROM users WHERE email = ?", &[email.into()])?
                .map(|r| from_row(&r))
                .transpose()
        })
        .await
}

/// Enables or disables a user. Disabling ends their sessions at once; their tokens stop
/// working because every token check reads the user's `enabled` flag.
pub async fn set_enabled(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    enabled: bool,
) -> Result<User, StoreError> {
    let ctx = ctx.clone();
    let user = store
        .db
        .write(move |c| {
            let before = load(c, id)?;
            if before.enabled == enabled {
                return Ok::<_, StoreError>(before);
            }
            let now = rapport_db::now();
            let by = Some(ctx.actor.user_id).filter(|u| !u.is_nil());
            c.execute(
                "UPDATE users SET enabled = ?, enabled_by = ?, enabled_at = ?, updated_at = ?, \
                 version = version + 1 WHERE id = ?",
                &[enabled.into(), by.into(), now.into(), now.into(), id.into()],
            )?;
            if !enabled {
                c.execute("DELETE FROM sessions WHERE user_id = ?", &[id.into()])?;
            }
            crate::auth::changes::announce(c, crate::auth::changes::Change::User(id))?;
            let after = load(c, id)?;
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

/// A field that names a user must name an existing, enabled one (owners, assignees).
pub(crate) fn check_enabled(c: &mut dyn Conn, field: &str, user: Uuid) -> Result<(), StoreError> {
    let found: Option<bool> =
        c.query_scalar("SELECT enabled FROM users WHERE id = ?", &[user.into()])?;
    match found {
        Some(true) => Ok(()),
        Some(false) => Err(StoreError::invalid(
            field,
            "enabled",
            "names a disabled user",
        )),
        None => Err(StoreError::invalid(field, "exists", "names no user")),
    }
}

/// An account went away: users of an organisation merged into another now belong to the
/// survivor; of a deleted one, the database sets theirs to none. Returns how many moved.
pub(crate) fn account_gone(
    c: &mut dyn Conn,
    from: Uuid,
    to: Option<Uuid>,
) -> Result<u64, StoreError> {
    match to {
        Some(to) => Ok(c.execute(
            "UPDATE users SET account_id = ? WHERE account_id = ?",
            &[to.into(), from.into()],
        )?),
        None => Ok(0),
    }
}
