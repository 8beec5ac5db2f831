//! Browser sessions: an HttpOnly cookie holding a random secret, stored hashed, with a
//! CSRF token for cookie-authenticated writes; idle and absolute expiry.

use chrono::{DateTime, Utc};
use rapport_db::Conn;
use uuid::Uuid;

use super::{hash_secret, random_secret, TOUCH_INTERVAL_SECS};
use crate::auth::users::{self, User};
use crate::{AuthPolicy, Store, StoreError};

pub struct NewSession {
    /// Goes in the cookie; never stored.
    pub secret: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

pub(crate) fn create(
    c: &mut dyn Conn,
    policy: &AuthPolicy,
    user_id: Uuid,
    ip: Option<String>,
    user_agent: Option<String>,
) -> Result<NewSession, StoreError> {
    let secret = random_secret();
    let csrf_token = random_secret();
    let now = rapport_db::now();
    let expires_at = now + policy.session_absolute;
    c.execute(
        "INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            hash_secret(&secret).into(),
            user_id.into(),
            csrf_token.clone().into(),
            now.into(),
            now.into(),
            expires_at.into(),
            ip.into(),
            user_agent.into(),
        ],
    )?;
    Ok(NewSession {
        secret,
        csrf_token,
        expires_at,
    })
}

pub struct ActiveSession {
    pub id: String,
    pub user: User,
    pub csrf_token: String,
}

/// The session behind a cookie secret, if it is live and its user enabled.
pub async fn resolve(store: &Store, secret: &str) -> Result<Option<ActiveSession>, StoreError> {
    let id = hash_secret(secret);
    let policy = store.policy.clone();
    let found = store
        .db
        .read(move |c| {
            let Some(row) = c.query_one(
                "SELECT s.csrf_token, s.last_seen_at, s.expires_at, u.* FROM sessions s \
                 JOIN users u ON u.id = s.user_id WHERE s.id = ?",
                &[id.clone().into()],
            )?
            else {
                return Ok::<_, StoreError>(None);
            };
            let user = users::from_row(&row)?;
            let last_seen: DateTime<Utc> = row.get("last_seen_at")?;
            let expires: DateTime<Utc> = row.get("expires_at")?;
            let now = rapport_db::now();
            if !user.enabled || expires <= now || last_seen + policy.session_idle <= now {
                return Ok(None);
            }
            let session = ActiveSession {
                id,
                user,
                csrf_token: row.get("csrf_token")?,
            };
            Ok(Some((
                session,
                (now - last_seen).num_seconds() >= TOUCH_INTERVAL_SECS,
            )))
        })
        .await?;
    let Some((session, stale)) = found else {
        return Ok(None);
    };
    if stale {
        // Keeps the idle clock running.
        super::touch_later(
            store,
            "UPDATE sessions SET last_seen_at = ? WHERE id = ?",
            session.id.clone().into(),
        );
    }
    Ok(Some(session))
}

/// Ends one session (sign-out).
pub async fn end(store: &Store, session_id: String) -> Result<(), StoreError> {
    store
        .db
        .write(move |c| c.execute("DELETE FROM sessions WHERE id = ?", &[session_id.into()]))
        .await?;
    Ok(())
}

/// Removes sessions past their absolute or idle expiry.
pub async fn purge_expired(store: &Store) -> Result<u64, StoreError> {
    let idle_cutoff = rapport_db::now() - store.policy.session_idle;
    Ok(store
        .db
        .write(move |c| {
            c.execute(
                "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?",
                &[rapport_db::now().into(), idle_cutoff.into()],
            )
        })
        .await?)
}
