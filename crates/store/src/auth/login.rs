//! Sign-in: a local password, or the LDAP directory for people who are not local users.
//! Per-account lock-out after repeated failures applies to both.

use super::attempts::{
    locked_out, record_failure, refuse_if_disabled, refuse_if_locked, Known, WRONG,
};
use super::password;
use super::sessions::{self, NewSession};
use crate::auth::users::{self, User};
use crate::{Store, StoreError};

pub struct SignedIn {
    pub user: User,
    pub session: NewSession,
}

/// Checks the credentials and opens a new session (ending `previous_session`, if any,
/// so a session id never survives a sign-in). `login` is an email, or for directory
/// users whatever name the directory's user filter accepts.
pub async fn login(
    store: &Store,
    login: &str,
    password_given: String,
    ip: Option<String>,
    user_agent: Option<String>,
    previous_session: Option<String>,
) -> Result<SignedIn, StoreError> {
    let known = find(store, login).await?;
    let name_key = login.trim().to_lowercase();
    match &known {
        Some(k) => refuse_if_locked(k)?,
        None => {
            if let Some(secs) = store.unknown_names.refused_for(&name_key) {
                return Err(locked_out(secs));
            }
        }
    }
    let unknown = known.is_none();
    let checked = match (known, store.directory.clone()) {
        // Local accounts never wait on the directory, so local admins can sign in while
        // it is down.
        (Some(k), _) if k.user.auth_provider == users::LOCAL_PROVIDER => {
            check_local(store, k, password_given).await
        }
        (known, Some(directory)) => {
            super::directory_login::check(store, &directory, login, &password_given, known).await
        }
        (_, None) => {
            // Same work as a real check, so timing does not tell who has an account.
            password::verify(password_given, None).await;
            Err(StoreError::Unauthorized(WRONG.into()))
        }
    };
    let user = match checked {
        Ok(user) => user,
        Err(e @ StoreError::Unauthorized(_)) => {
            if unknown {
                store.unknown_names.failed(&name_key);
            }
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    open_session(store, user, ip, user_agent, previous_session).await
}

async fn find(store: &Store, login: &str) -> Result<Option<Known>, StoreError> {
    let email = users::normalize_email(login);
    store
        .db
        .read(move |c| {
            let row = c.query_one("SELECT * FROM users WHERE email = ?", &[email.into()])?;
            row.map(|r| {
                Ok::<_, StoreError>(Known {
                    user: users::from_row(&r)?,
                    password_hash: r.get("password_hash")?,
                    locked_until: r.get("locked_until")?,
                })
            })
            .transpose()
        })
        .await
}

async fn check_local(
    store: &Store,
    known: Known,
    password_given: String,
) -> Result<User, StoreError> {
    if !password::verify(password_given, known.password_hash).await {
        record_failure(store, known.user.id).await?;
        return Err(StoreError::Unauthorized(WRONG.into()));
    }
    refuse_if_disabled(&known.user)?;
    Ok(known.user)
}

async fn open_session(
    store: &Store,
    user: User,
    ip: Option<String>,
    user_agent: Option<String>,
    previous_session: Option<String>,
) -> Result<SignedIn, StoreError> {
    let previous = previous_session.map(|s| super::hash_secret(&s));
    let policy = store.policy.clone();
    let user_id = user.id;
    let session = store
        .db
        .write(move |c| {
            if let Some(old) = previous {
                c.execute("DELETE FROM sessions WHERE id = ?", &[old.into()])?;
            }
            c.execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?",
                &[rapport_db::now().into(), user_id.into()],
            )?;
            sessions::create(c, &policy, user_id, ip, user_agent)
        })
        .await?;
    let user = users::get(store, user_id).await?;
    Ok(SignedIn { user, session })
}
