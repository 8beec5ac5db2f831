//! Password sign-in with per-account lock-out after repeated failures.

use chrono::{DateTime, Utc};

use super::password;
use super::sessions::{self, NewSession};
use crate::users::{self, User};
use crate::{Store, StoreError};

pub struct SignedIn {
    pub user: User,
    pub session: NewSession,
}

const WRONG: &str = "the email or password is wrong";

/// Checks the password and opens a new session (ending `previous_session`, if any, so a
/// session id never survives a sign-in).
pub async fn login(
    store: &Store,
    email: &str,
    password_given: String,
    ip: Option<String>,
    user_agent: Option<String>,
    previous_session: Option<String>,
) -> Result<SignedIn, StoreError> {
    let email = users::normalize_email(email);
    let lookup = email.clone();
    let found = store
        .db
        .read(move |c| {
            let row = c.query_one("SELECT * FROM users WHERE email = ?", &[lookup.into()])?;
            row.map(|r| {
                let user = users::from_row(&r)?;
                let hash: Option<String> = r.get("password_hash")?;
                let locked: Option<DateTime<Utc>> = r.get("locked_until")?;
                Ok::<_, StoreError>((user, hash, locked))
            })
            .transpose()
        })
        .await?;
    let now = rapport_db::now();
    if let Some((_, _, Some(locked))) = &found {
        if *locked > now {
            return Err(StoreError::TooManyRequests {
                retry_after_secs: (*locked - now).num_seconds().max(1) as u64,
                message: "too many failed sign-ins for this account; try again later".into(),
            });
        }
    }
    let (user, hash) = match found {
        Some((u, h, _)) => (Some(u), h),
        None => (None, None),
    };
    let ok = password::verify(password_given, hash).await;
    let Some(user) = user else {
        return Err(StoreError::Unauthorized(WRONG.into()));
    };
    let policy = store.policy.clone();
    let user_id = user.id;
    if !ok {
        store
            .db
            .write(move |c| {
                // Counting and locking in one statement keeps concurrent failures exact.
                c.execute(
                    "UPDATE users SET failed_logins = failed_logins + 1, \
                     locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END \
                     WHERE id = ?",
                    &[
                        policy.max_failed_logins.into(),
                        (rapport_db::now() + policy.lockout).into(),
                        user_id.into(),
                    ],
                )?;
                c.execute(
                    "UPDATE users SET failed_logins = 0 WHERE id = ? AND failed_logins >= ?",
                    &[user_id.into(), policy.max_failed_logins.into()],
                )
            })
            .await?;
        return Err(StoreError::Unauthorized(WRONG.into()));
    }
    if !user.enabled {
        return Err(StoreError::forbidden(
            "this account is disabled; an administrator must enable it",
        ));
    }
    let previous = previous_session.map(|s| super::hash_secret(&s));
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
