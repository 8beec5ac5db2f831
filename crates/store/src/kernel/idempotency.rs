//! `Idempotency-Key` on POST: the first response to a key is stored and replayed for the
//! same request; a different request under the same key is refused.

use chrono::Duration;
use rapport_db::Value;
use uuid::Uuid;

use crate::{Store, StoreError};

/// How long a stored response is replayed.
pub fn retention() -> Duration {
    Duration::hours(24)
}

/// A first request that has not finished after this long is presumed lost (its server
/// died), and the key may be used again.
fn abandoned_after() -> Duration {
    Duration::minutes(2)
}

pub struct StoredResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub enum Begin {
    /// Nobody used this key: run the request, then [`complete`] or [`abandon`].
    Fresh,
    Replay(StoredResponse),
    /// The key was used for a different request.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

pub async fn begin(
    store: &Store,
    user_id: Uuid,
    key: String,
    method: String,
    path: String,
    body_hash: String,
) -> Result<Begin, StoreError> {
    store
        .db
        .write(move |c| {
            let now = rapport_db::now();
            let existing = c.query_one(
                "SELECT method, path, body_hash, status, response_headers, response_body, created_at \
                 FROM idempotency_keys WHERE user_id = ? AND key = ?",
                &[user_id.into(), key.clone().into()],
            )?;
            if let Some(row) = existing {
                let created: chrono::DateTime<chrono::Utc> = row.get("created_at")?;
                let status: Option<i64> = row.get("status")?;
                let expired = created + retention() <= now
                    || (status.is_none() && created + abandoned_after() <= now);
                if !expired {
                    let same = row.get::<String>("method")? == method
                        && row.get::<String>("path")? == path
                        && row.get::<String>("body_hash")? == body_hash;
                    if !same {
                        return Ok(Begin::Mismatch);
                    }
                    let Some(status) = status else {
                        return Ok(Begin::InProgress);
                    };
                    let headers: Vec<(String, String)> = row
                        .get::<Option<serde_json::Value>>("response_headers")?
                        .and_then(|j| serde_json::from_value(j).ok())
                        .unwrap_or_default();
                    return Ok(Begin::Replay(StoredResponse {
                        status: u16::try_from(status).unwrap_or(500),
                        headers,
                        body: row.get::<Option<Vec<u8>>>("response_body")?.unwrap_or_default(),
                    }));
                }
                c.execute(
                    "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?",
                    &[user_id.into(), key.clone().into()],
                )?;
            }
            c.execute(
                "INSERT INTO idempotency_keys (user_id, key, method, path, body_hash, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
                &[user_id.into(), key.into(), method.into(), path.into(), body_hash.into(), now.into()],
            )?;
            Ok(Begin::Fresh)
        })
        .await
}

pub async fn complete(
    store: &Store,
    user_id: Uuid,
    key: String,
    response: StoredResponse,
) -> Result<(), StoreError> {
    let headers = serde_json::to_value(&response.headers).unwrap_or_default();
    store
        .db
        .write(move |c| {
            c.execute(
                "UPDATE idempotency_keys SET status = ?, response_headers = ?, response_body = ? \
                 WHERE user_id = ? AND key = ?",
                &[
                    i64::from(response.status).into(),
                    headers.into(),
                    Value::Bytes(response.body),
                    user_id.into(),
                    key.into(),
                ],
            )
        })
        .await?;
    Ok(())
}

/// Forgets a key whose request failed on the server's side, so that a retry runs again.
pub async fn abandon(store: &Store, user_id: Uuid, key: String) -> Result<(), StoreError> {
    store
        .db
        .write(move |c| {
            c.execute(
                "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?",
                &[user_id.into(), key.into()],
            )
        })
        .await?;
    Ok(())
}

pub async fn purge_expired(store: &Store) -> Result<u64, StoreError> {
    let cutoff = rapport_db::now() - retention();
    Ok(store
        .db
        .write(move |c| {
            c.execute(
                "DELETE FROM idempotency_keys WHERE created_at <= ?",
                &[cutoff.into()],
            )
        })
        .await?)
}
