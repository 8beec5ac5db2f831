//! Signing in: passwords, sessions for the web UI, API tokens for scripts.

mod attempts;
mod changes;
pub mod directory_login;
pub mod login;
pub mod password;
pub mod sessions;
pub mod throttle;
pub mod token_cache;
pub mod tokens;
pub mod user_admin;
pub mod users;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 256 random bits, URL-safe.
pub(crate) fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Secrets are stored only as their SHA-256: they carry 256 bits of entropy, so a fast
/// hash suffices, and lookups by hash never compare the secret itself.
pub(crate) fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Writes a last-seen or last-used time after the request that triggered it, so the
/// request does not wait for the writer. Losing one such write only loses precision.
pub(crate) fn touch_later(store: &crate::Store, sql: &'static str, id: rapport_db::Value) {
    let store = store.clone();
    tokio::spawn(async move {
        let written = store
            .db
            .write(move |c| c.execute(sql, &[rapport_db::now().into(), id]))
            .await;
        if let Err(e) = written {
            tracing::debug!(error = %e, "could not record activity time");
        }
    });
}

/// How long an activity timestamp may lag before it is written again, so that reading
/// with a session or token does not turn every request into a write.
pub(crate) const TOUCH_INTERVAL_SECS: i64 = 60;
