//! `/api/v1/accounts`: the first domain resource, and the model for the others.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rapport_domain::account::{Account, AccountChanges, Address};
use rapport_store::{accounts, Page};
use serde::Serialize;
use uuid::Uuid;

use super::IdPath;
use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{etag, if_match};
use crate::problem::{ApiResult, Problem};
use crate::query::ListQuery;
use crate::AppState;

/// The writable fields of an account (all optional in a PATCH, where `null` clears).
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AccountWrite {
    /// Required on create; must contain a letter or digit.
    name: String,
    /// customer (default), prospect, partner, distributor, office, facility.
    kind: Option<String>,
    legal_name: Option<String>,
    registration_number: Option<String>,
    /// residential or commercial.
    customer_type: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    billing_address: Option<Address>,
    service_address: Option<Address>,
    tags: Option<Vec<String>>,
    notes: Option<String>,
    owner_id: Option<Uuid>,
    legacy_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    metadata: Option<serde_json::Value>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AccountPage {
    pub data: Vec<Account>,
    /// Pass back as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// Only with `count=true`.
    pub total: Option<i64>,
}

pub(crate) fn with_etag(status: StatusCode, account: Account) -> Response {
    let tag = etag(account.version);
    (status, [(header::ETAG, tag)], Json(account)).into_response()
}

fn changes(body: serde_json::Value, for_create: bool) -> ApiResult<AccountChanges> {
    Ok(AccountChanges::read(body, for_create)?)
}

/// Creates an account.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = AccountWrite,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first response for the same key and body (24 h)")),
    responses(
        (status = 201, description = "Created", body = Account, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "An account with the same company key, registration number or legacy id exists", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_account(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let account = accounts::create(&app.store, &auth.ctx, changes(body, true)?).await?;
    let location = HeaderValue::from_str(&format!("/api/v1/accounts/{}", account.id))
        .map_err(|_| Problem::internal())?;
    let mut res = with_etag(StatusCode::CREATED, account);
    res.headers_mut().insert(header::LOCATION, location);
    Ok(res)
}

/// Returns the account whose company key equals that of `name` (200), or creates it
/// from the given fields (201). Archived accounts are found too. Concurrent calls with
/// spellings of one name create exactly one account.
#[utoipa::path(post, path = "/api/v1/accounts/find-or-create", tag = "accounts", request_body = AccountWrite,
    responses(
        (status = 200, description = "Found by company key", body = Account, headers(("ETag" = String))),
        (status = 201, description = "Created", body = Account, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The key belongs to an account you may not see, or another unique field conflicts", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn find_or_create_account(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let (account, created) =
        accounts::find_or_create(&app.store, &auth.ctx, changes(body, true)?).await?;
    if !created {
        return Ok(with_etag(StatusCode::OK, account));
    }
    let location = HeaderValue::from_str(&format!("/api/v1/accounts/{}", account.id))
        .map_err(|_| Problem::internal())?;
    let mut res = with_etag(StatusCode::CREATED, account);
    res.headers_mut().insert(header::LOCATION, location);
    Ok(res)
}

/// Lists accounts the caller can see.
///
/// Filters: `kind`, `owner_id` (`me`, `null`), `created_by`, `customer_type`, `company_key`,
/// `legacy_id`, `registration_number`, `tag` (any of), `archived` (`false` default, `true`,
/// `all`), `created_after`/`created_before`, `updated_after`/`updated_before` (`_after` is
/// inclusive, `_before` exclusive). `q` searches name, legal name, email, phone, website and
/// registration number, ignoring case and accents. Sort by `created_at`, `updated_at`,
/// `name`, `company_key`, `kind` (prefix `-` for descending).
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts",
    params(
        ("limit" = Option<u32>, Query, description = "1–500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("sort" = Option<String>, Query, description = "e.g. -created_at,name"),
        ("q" = Option<String>, Query, description = "text search"),
        ("count" = Option<bool>, Query, description = "include total")),
    responses(
        (status = 200, description = "A page of accounts", body = AccountPage),
        (status = 400, description = "Bad parameter, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list_accounts(
    State(app): State<AppState>,
    Authed(auth): Authed,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<Page<Account>>> {
    Ok(Json(
        accounts::list(&app.store, &auth.ctx.actor, params).await?,
    ))
}

/// Reads one account.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The account", body = Account, headers(("ETag" = String))),
    (status = 304, description = "Unchanged since the ETag in If-None-Match"),
    (status = 404, description = "No such account, or not yours to see", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_account(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let account = accounts::get(&app.store, &auth.ctx.actor, id).await?;
    let tag = etag(account.version);
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == tag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response());
    }
    Ok(with_etag(StatusCode::OK, account))
}

/// Changes the given fields (`null` clears an optional one). With `If-Match`, only if
/// the account is unchanged since it was read.
#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "accounts", request_body = AccountWrite,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "ETag from the last read")),
    responses(
        (status = 200, description = "Updated", body = Account, headers(("ETag" = String))),
        (status = 403, description = "The role may not set a field, named", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_account(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let account =
        accounts::update(&app.store, &auth.ctx, id, version, changes(body, false)?).await?;
    Ok(with_etag(StatusCode::OK, account))
}

/// Archives (soft-deletes) an account: hidden from lists unless `archived=true|all`.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/archive", tag = "accounts", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "Archived", body = Account),
    (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn archive_account(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let account =
        accounts::set_archived(&app.store, &auth.ctx, id, true, if_match(&headers)?).await?;
    Ok(with_etag(StatusCode::OK, account))
}

/// Restores an archived account.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/restore", tag = "accounts", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "Restored", body = Account),
    (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn restore_account(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let account =
        accounts::set_archived(&app.store, &auth.ctx, id, false, if_match(&headers)?).await?;
    Ok(with_etag(StatusCode::OK, account))
}

/// Deletes an account for good (admins only).
#[utoipa::path(delete, path = "/api/v1/accounts/{id}", tag = "accounts",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only admins may delete", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_account(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    accounts::delete(&app.store, &auth.ctx, id, if_match(&headers)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
