//! API tokens: shown once, stored hashed, optionally expiring, revocable.

use chrono::{DateTime, Utc};
use rapport_db::Row;
use rapport_domain::{new_id, Actor, Ctx};
use serde::Serialize;
use uuid::Uuid;

use super::{hash_secret, random_secret, TOUCH_INTERVAL_SECS};
use crate::auth::changes;
use crate::auth::users::{self, User};
use crate::kernel::audit::{self, AuditAction};
use crate::{Store, StoreError};

const ENTITY: &str = crate::kernel::names::API_TOKEN;
/// Marks Rapport tokens so that secret scanners and people can recognise them.
pub const TOKEN_PREFIX: &str = "rpt_";

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    /// The first characters of the token, to tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

fn from_row(r: &Row) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: r.get("id")?,
        user_id: r.get("user_id")?,
        name: r.get("name")?,
        prefix: r.get("prefix")?,
        created_at: r.get("created_at")?,
        expires_at: r.get("expires_at")?,
        revoked_at: r.get("revoked_at")?,
        last_used_at: r.get("last_used_at")?,
    })
}

pub struct NewToken {
    pub token: ApiToken,
    /// The bearer secret; returned once and never again.
    pub secret: String,
}

pub async fn create(
    store: &Store,
    ctx: &Ctx,
    name: String,
    expires_at: Option<DateTime<Utc>>,
) -> Result<NewToken, StoreError> {
    if let Some(at) = expires_at {
        if at <= rapport_db::now() {
            return Err(StoreError::invalid(
                "expires_at",
                "future",
                "must be in the future",
            ));
        }
    }
    let secret = format!("{TOKEN_PREFIX}{}", random_secret());
    let prefix: String = secret.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let hash = hash_secret(&secret);
    let ctx = ctx.clone();
    let token = store
        .db
        .write(move |c| {
            let token = ApiToken {
                id: new_id(),
                user_id: ctx.actor.user_id,
                name,
                prefix,
                created_at: rapport_db::now(),
                expires_at,
                revoked_at: None,
                last_used_at: None,
            };
            c.execute(
                "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at, expires_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                &[
                    token.id.into(),
                    token.user_id.into(),
                    token.name.clone().into(),
                    hash.into(),
                    token.prefix.clone().into(),
                    token.created_at.into(),
                    token.expires_at.into(),
                ],
            )?;
            audit::record_change(c, &ctx, AuditAction::Create, ENTITY, token.id, None, Some(&token))?;
            Ok::<_, StoreError>(token)
        })
        .await?;
    Ok(NewToken { token, secret })
}

/// The actor's own tokens, newest first.
pub async fn list(store: &Store, actor: &Actor) -> Result<Vec<ApiToken>, StoreError> {
    let user_id = actor.user_id;
    store
        .db
        .read(move |c| {
            c.query(
                "SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id DESC",
                &[user_id.into()],
            )?
            .iter()
            .map(from_row)
            .collect()
        })
        .await
}

/// Revokes one of the actor's tokens (an admin may revoke anyone's). Revoking twice is
/// not an error.
pub async fn revoke(store: &Store, ctx: &Ctx, id: Uuid) -> Result<ApiToken, StoreError> {
    let ctx = ctx.clone();
    let revoked = store
        .db
        .write(move |c| {
            let row = c.query_one("SELECT * FROM api_tokens WHERE id = ?", &[id.into()])?;
            let before = match row {
                Some(r) => from_row(&r)?,
                None => return Err(StoreError::NotFound { entity: ENTITY }),
            };
            if before.user_id != ctx.actor.user_id && ctx.actor.role != rapport_domain::Role::Admin
            {
                return Err(StoreError::NotFound { entity: ENTITY });
            }
            if before.revoked_at.is_some() {
                return Ok(before);
            }
            let mut after = before.clone();
            after.revoked_at = Some(rapport_db::now());
            c.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE id = ?",
                &[after.revoked_at.into(), id.into()],
            )?;
            changes::announce(c, changes::Change::Token(id))?;
            audit::record_change(
                c,
                &ctx,
                AuditAction::Revoke,
                ENTITY,
                id,
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
        })
        .await?;
    store.token_cache.forget_token(id);
    Ok(revoked)
}

/// The user behind a bearer secret, if the token is live and the user enabled. Checked
/// against the database on every request, so revoking or disabling takes effect at once.
pub async fn resolve(store: &Store, secret: &str) -> Result<Option<User>, StoreError> {
    if !secret.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let hash = hash_secret(secret);
    let now = rapport_db::now();
    let since = store.token_cache.generation();
    let cached = store.token_cache.get(&hash);
    let (user, token_id, expires, last_used) = match cached {
        Some(c) => (c.user, c.token_id, c.expires_at, c.last_used_at),
        None => {
            let lookup = hash.clone();
            let found = store
                .db
                .read(move |c| {
                    let Some(row) = c.query_one(
                        "SELECT t.id AS token_id, t.expires_at AS token_expires_at, \
                         t.revoked_at AS token_revoked_at, t.last_used_at AS token_last_used_at, u.* \
                         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
                        &[lookup.into()],
                    )?
                    else {
                        return Ok::<_, StoreError>(None);
                    };
                    let revoked: Option<DateTime<Utc>> = row.get("token_revoked_at")?;
                    let user = users::from_row(&row)?;
                    if revoked.is_some() || !user.enabled {
                        return Ok(None);
                    }
                    Ok(Some((
                        user,
                        row.get::<Uuid>("token_id")?,
                        row.get::<Option<DateTime<Utc>>>("token_expires_at")?,
                        row.get::<Option<DateTime<Utc>>>("token_last_used_at")?,
                    )))
                })
                .await?;
            let Some((user, token_id, expires, last_used)) = found else {
                return Ok(None);
            };
            store.token_cache.put(
                since,
                hash.clone(),
                user.clone(),
                token_id,
                expires,
                last_used,
            );
            (user, token_id, expires, last_used)
        }
    };
    if expires.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    if last_used.is_none_or(|t| (now - t).num_seconds() >= TOUCH_INTERVAL_SECS) {
        // last_used_at is kept to the minute.
        store.token_cache.touched(&hash, now);
        super::touch_later(
            store,
            "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
            token_id.into(),
        );
    }
    Ok(Some(user))
}
