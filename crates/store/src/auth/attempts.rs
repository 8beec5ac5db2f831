//! What every sign-in path shares, local or directory: the one answer to a wrong name
//! or password, the per-account lock-out after repeated failures, and the refusal of
//! disabled accounts.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::auth::users::{self, User};
use crate::{Store, StoreError};

pub(crate) const WRONG: &str = "the email or password is wrong";

/// The user a sign-in names, as far as Rapport knows it before checking anything.
pub(crate) struct Known {
    pub user: User,
    pub(super) password_hash: Option<String>,
    pub(super) locked_until: Option<DateTime<Utc>>,
}

pub(super) fn locked_out(retry_after_secs: u64) -> StoreError {
    StoreError::TooManyRequests {
        retry_after_secs,
        message: "too many failed sign-ins for this account; try again later".into(),
    }
}

pub(super) fn refuse_if_locked(known: &Known) -> Result<(), StoreError> {
    let now = rapport_db::now();
    match known.locked_until {
        Some(locked) if locked > now => Err(locked_out((locked - now).num_seconds().max(1) as u64)),
        _ => Ok(()),
    }
}

/// A disabled account is refused after its password checked out, so the answer does
/// not tell a guesser that the account exists.
pub(crate) fn refuse_if_disabled(user: &User) -> Result<(), StoreError> {
    if user.enabled {
        return Ok(());
    }
    if user.enabled_at.is_none() && user.auth_provider != users::LOCAL_PROVIDER {
        return Err(StoreError::PendingApproval(format!(
            "you signed in as {}, but your account waits for an administrator to enable it",
            user.email
        )));
    }
    Err(StoreError::forbidden(
        "this account is disabled; an administrator must enable it",
    ))
}

pub(crate) async fn record_failure(store: &Store, user_id: Uuid) -> Result<(), StoreError> {
    let policy = store.policy.clone();
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
    Ok(())
}
