//! API tokens for scripts and integrations.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use rapport_domain::input::{ObjectReader, Patch};
use rapport_store::auth::tokens::{self, ApiToken};
use serde::Serialize;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::problem::{ApiResult, Problem};
use crate::routes::IdPath;
use crate::AppState;

#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[schema(schema_with = crate::openapi::fields::token_name)]
    pub name: String,
    /// RFC 3339; omit for a token that does not expire.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub info: ApiToken,
    /// The bearer secret. Shown only in this response.
    pub token: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenList {
    pub data: Vec<ApiToken>,
    pub next_cursor: Option<String>,
}

/// A token request's name and optional expiry, as the API and the tokens page read it.
pub(crate) fn read_request(
    body: serde_json::Value,
) -> Result<(String, Option<DateTime<Utc>>), Problem> {
    let mut r = ObjectReader::new(body)?;
    let name = r.required_string("name", 100);
    let expires_at = match r.patch_string("expires_at", 40) {
        Patch::Set(s) => match DateTime::parse_from_rfc3339(&s) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) => {
                r.error(
                    "expires_at",
                    "datetime",
                    "must be an RFC 3339 time, e.g. 2027-01-01T00:00:00Z",
                );
                None
            }
        },
        _ => None,
    };
    r.finish()?;
    let name = name.ok_or_else(Problem::internal)?;
    Ok((name, expires_at))
}

/// Creates a token for the caller. The secret is in this response and never again.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "auth", request_body = TokenRequest, responses(
    (status = 201, description = "Created", body = CreatedToken),
    (status = 422, description = "Invalid", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_token(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let (name, expires_at) = read_request(body)?;
    let created = tokens::create(&app.store, &auth.ctx, name, expires_at).await?;
    let location = HeaderValue::from_str(&format!("/api/v1/tokens/{}", created.token.id))
        .map_err(|_| Problem::internal())?;
    let body = CreatedToken {
        info: created.token,
        token: created.secret,
    };
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response())
}

/// The caller's tokens (never their secrets).
#[utoipa::path(get, operation_id = "list_tokens", path = "/api/v1/tokens", tag = "auth", responses((status = 200, description = "Tokens", body = TokenList)))]
pub async fn list(State(app): State<AppState>, Authed(auth): Authed) -> ApiResult<Json<TokenList>> {
    let data = tokens::list(&app.store, &auth.ctx.actor).await?;
    Ok(Json(TokenList {
        data,
        next_cursor: None,
    }))
}

/// Revokes a token at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "auth", params(("id" = uuid::Uuid, Path)), responses(
    (status = 204, description = "Revoked"),
    (status = 404, description = "No such token of yours", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn revoke_token(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    tokens::revoke(&app.store, &auth.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
