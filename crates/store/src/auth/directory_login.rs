//! Sign-in through the LDAP directory. The directory vouches for who the person is; what
//! they may do (role, organisation, enabled) is Rapport's alone. A person the directory
//! knows but Rapport does not gets a disabled viewer account that an administrator
//! enables.

use rapport_db::Conn;
use rapport_directory::{Directory, DirectoryError, Person};
use rapport_domain::{new_id, Actor, Ctx, Role};

use super::attempts::{record_failure, refuse_if_disabled, Known, WRONG};
use crate::auth::users::{self, User, LDAP_PROVIDER};
use crate::kernel::audit::{self, AuditAction};
use crate::{Store, StoreError};

/// What an unauthenticated caller is told when the directory cannot answer; the details
/// (address, TLS error) go to the log, not to whoever is knocking.
const UNAVAILABLE: &str =
    "the directory cannot be reached to check this sign-in; try again later (local accounts are unaffected)";

pub(crate) async fn check(
    store: &Store,
    directory: &Directory,
    login: &str,
    password: &str,
    known: Option<Known>,
) -> Result<User, StoreError> {
    let person = match directory.sign_in(login, password).await {
        Ok(person) => person,
        Err(DirectoryError::InvalidCredentials) => {
            if let Some(k) = known {
                record_failure(store, k.user.id).await?;
            }
            return Err(StoreError::Unauthorized(WRONG.into()));
        }
        Err(e @ DirectoryError::Ambiguous(_)) => {
            tracing::warn!(error = %e, "directory sign-in refused");
            return Err(StoreError::Unauthorized(WRONG.into()));
        }
        Err(DirectoryError::MissingAttribute { attribute, .. }) => {
            return Err(StoreError::forbidden(format!(
                "your directory entry has no {attribute}, which Rapport needs; ask your directory administrator"
            )))
        }
        Err(e @ (DirectoryError::Unavailable(_) | DirectoryError::Misconfigured(_))) => {
            tracing::error!(error = %e, url = directory.url(), "directory sign-in impossible");
            return Err(StoreError::Unavailable(UNAVAILABLE.into()));
        }
    };
    let user = link(store, person).await?;
    refuse_if_disabled(&user)?;
    Ok(user)
}

/// The user linked to the directory entry, linking or creating it on first sign-in.
async fn link(store: &Store, person: Person) -> Result<User, StoreError> {
    store
        .db
        .write(move |c| {
            if let Some(user) = by_subject(c, &person.dn)? {
                return follow_directory(c, user, &person);
            }
            let same_email = c.query_one(
                "SELECT * FROM users WHERE email = ?",
                &[person.email.clone().into()],
            )?;
            match same_email.map(|r| users::from_row(&r)).transpose()? {
                // The entry moved (its DN changed): keep the user, follow the entry.
                Some(user) if user.auth_provider == LDAP_PROVIDER => {
                    c.execute(
                        "UPDATE users SET auth_subject = ? WHERE id = ?",
                        &[person.dn.clone().into(), user.id.into()],
                    )?;
                    let user = users::load(c, user.id)?;
                    follow_directory(c, user, &person)
                }
                // A directory must never take over a local account (an admin's, say).
                Some(_) => Err(local_account_exists(&person.email)),
                None => create_pending(c, &person),
            }
        })
        .await
}

fn by_subject(c: &mut dyn Conn, dn: &str) -> Result<Option<User>, StoreError> {
    c.query_one(
        "SELECT * FROM users WHERE auth_provider = ? AND auth_subject = ?",
        &[LDAP_PROVIDER.into(), dn.into()],
    )?
    .map(|r| users::from_row(&r))
    .transpose()
}

fn local_account_exists(email: &str) -> StoreError {
    StoreError::forbidden(format!(
        "{email} belongs to a local Rapport account; sign in with its Rapport password"
    ))
}

/// Keeps the name and email as the directory has them now.
fn follow_directory(c: &mut dyn Conn, user: User, person: &Person) -> Result<User, StoreError> {
    if user.name == person.name && user.email == person.email {
        return Ok(user);
    }
    let taken: Option<uuid::Uuid> = c.query_scalar(
        "SELECT id FROM users WHERE email = ? AND id <> ?",
        &[person.email.clone().into(), user.id.into()],
    )?;
    let email = if taken.is_some() {
        tracing::warn!(user = %user.id, email = %person.email, "directory email taken by another user; kept the old one");
        user.email.clone()
    } else {
        person.email.clone()
    };
    c.execute(
        "UPDATE users SET name = ?, email = ?, updated_at = ?, version = version + 1 WHERE id = ?",
        &[
            person.name.clone().into(),
            email.into(),
            rapport_db::now().into(),
            user.id.into(),
        ],
    )?;
    let after = users::load(c, user.id)?;
    audit::record_change(
        c,
        &directory_ctx(&after),
        AuditAction::Update,
        "user",
        after.id,
        Some(&user),
        Some(&after),
    )?;
    Ok(after)
}

/// A disabled viewer with no password; an administrator gives the role and enables it.
fn create_pending(c: &mut dyn Conn, person: &Person) -> Result<User, StoreError> {
    let now = rapport_db::now();
    let id = new_id();
    // Two first sign-ins of one person may race; the unique indexes let one row in and
    // the other reads it.
    c.execute(
        "INSERT INTO users (id, email, name, role, enabled, auth_provider, auth_subject, \
         created_at, updated_at) VALUES (?, ?, ?, ?, FALSE, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        &[
            id.into(),
            person.email.clone().into(),
            person.name.clone().into(),
            Role::Viewer.as_str().into(),
            LDAP_PROVIDER.into(),
            person.dn.clone().into(),
            now.into(),
            now.into(),
        ],
    )?;
    let Some(user) = by_subject(c, &person.dn)? else {
        return Err(local_account_exists(&person.email));
    };
    if user.id == id {
        tracing::info!(user = %id, email = %user.email, "directory sign-in created a user waiting for approval");
        audit::record_change(
            c,
            &directory_ctx(&user),
            AuditAction::Create,
            "user",
            id,
            None,
            Some(&user),
        )?;
    }
    Ok(user)
}

/// Changes the directory makes are recorded as the user's own, marked as coming from
/// the directory.
fn directory_ctx(user: &User) -> Ctx {
    Ctx {
        actor: Actor {
            user_id: user.id,
            email: user.email.clone(),
            role: user.role,
            account_id: user.account_id,
        },
        request_id: format!("directory-{}", new_id()),
        ip: None,
        user_agent: Some("rapport-directory-sign-in".into()),
    }
}
