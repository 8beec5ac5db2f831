use std::sync::OnceLock;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

use crate::StoreError;

fn blocking_failed(e: tokio::task::JoinError) -> StoreError {
    StoreError::Db(rapport_db::DbError::new(
        rapport_db::DbErrorKind::Other,
        format!("password hashing failed: {e}"),
    ))
}

/// Argon2id with the crate's defaults (OWASP's minimum: 19 MiB, 2 passes), on a
/// blocking thread because it is deliberately slow.
pub async fn hash(password: String) -> Result<String, StoreError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(blocking_failed)?
}

fn hash_now(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            StoreError::Db(rapport_db::DbError::new(
                rapport_db::DbErrorKind::Other,
                format!("cannot hash password: {e}"),
            ))
        })
}

/// A hash to verify against when the user does not exist, so that an unknown email
/// takes as long to refuse as a wrong password.
fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_now("decoy password that matches nothing").unwrap_or_default())
}

/// True when `password` matches `stored`. With no stored hash, spends the same time and
/// says no.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let matches_stored = stored.is_some();
        let hash_text = stored.unwrap_or_else(|| decoy().to_owned());
        let ok = PasswordHash::new(&hash_text)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && matches_stored
    })
    .await
    .unwrap_or(false)
}
