//! `/api/v1/accounts`: the first domain resource, and the model for the others.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::FutureExt as _;
use rapport_domain::account::{Account, AccountChanges, AccountCreate, AccountPatch};
use rapport_store::customers::accounts;
use rapport_store::lifecycle::merge;
use rapport_store::policy::Resource;
use rapport_store::reports::include::{self, Include, Included};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{created, etag, if_match, tagged};
use crate::export::{self, Format, Lister};
use crate::problem::{ApiResult, Problem};
use crate::query::{ListQuery, QueryPairs};
use crate::routes::IdPath;
use crate::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct AccountPage {
    pub data: Vec<Account>,
    /// Pass back as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// Only with `count=true`.
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

/// An account with what `include=` asked for, under `included` (an account's own
/// `notes` field is its free text, so the lists cannot sit beside the fields).
#[derive(Serialize, utoipa::ToSchema)]
pub struct AccountWithIncluded {
    #[serde(flatten)]
    pub account: Account,
    pub included: Included,
}

/// What `merge` takes: the accounts to fold into this one and, optionally, fields to
/// take from one of them (`{"phone": "<id of a merged account>"}`).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// 1 to 50 accounts (repeats count once).
    #[schema(min_items = 1, max_items = 50)]
    ids: Vec<Uuid>,
    #[schema(schema_with = crate::openapi::fields::merge_take)]
    take: Option<serde_json::Value>,
}

fn changes(body: serde_json::Value, for_create: bool) -> ApiResult<AccountChanges> {
    Ok(AccountChanges::read(body, for_create)?)
}

/// Creates an account.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = AccountCreate,
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
    created(format!("/api/v1/accounts/{}", account.id), account)
}

/// Returns the account whose company key equals that of `name` (200), or creates it
/// from the given fields (201). Archived accounts are found too. Concurrent calls with
/// spellings of one name create exactly one account.
#[utoipa::path(post, path = "/api/v1/accounts/find-or-create", tag = "accounts", request_body = AccountCreate,
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
    let (account, was_created) =
        accounts::find_or_create(&app.store, &auth.ctx, changes(body, true)?).await?;
    if !was_created {
        return Ok(tagged(StatusCode::OK, account));
    }
    created(format!("/api/v1/accounts/{}", account.id), account)
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
        ("include" = Option<String>, Query, description = "contacts, reps, notes (comma-separated); not in an export"),
        ("format" = Option<String>, Query, description = "json (default) or csv: every matching row as CSV (also with Accept: text/csv)")),
    responses(
        (status = 200, description = "A page of accounts (with `include=`, each with the lists asked for); with `format=csv`, every matching row as CSV (an attachment)", content(
            (AccountPage = "application/json"),
            (String = "text/csv"))),
        (status = 403, description = "Partner, distributor and fulfiller users may not export (names `format`)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Unknown `format`", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list_accounts(
    State(app): State<AppState>,
    Authed(auth): Authed,
    headers: HeaderMap,
    ListQuery(mut params): ListQuery,
) -> ApiResult<Response> {
    let inc = Include::parse(&params.take_filter("include"))?;
    if Format::of(&headers, &mut params)? == Format::Csv {
        if inc.any() {
            // A CSV row has no room for an account's lists; export them on their own.
            return Err(Problem::bad_request(
                "include",
                "export",
                "is not available in an export; export contacts on their own",
            ));
        }
        let list: Lister<Account> =
            |s, a, p| async move { accounts::list(&s, &a, p).await }.boxed();
        return export::csv(&app.store, &auth.ctx, Resource::Accounts, params, list).await;
    }
    let page = accounts::list(&app.store, &auth.ctx.actor, params).await?;
    if !inc.any() {
        return Ok(Json(page).into_response());
    }
    let ids = page.data.iter().map(|a| a.id).collect();
    let mut included = include::for_accounts(&app.store, &auth.ctx.actor, ids, inc).await?;
    let page = page.try_map(|account| {
        let extra = included.remove(&account.id).unwrap_or_default();
        Ok::<_, Problem>(AccountWithIncluded {
            account,
            included: extra,
        })
    })?;
    Ok(Json(page).into_response())
}

/// Reads an account by the id it had in the system it was imported from (seed 003's
/// backlinks).
#[utoipa::path(get, path = "/api/v1/accounts/by-legacy-id/{legacy_id}", tag = "accounts",
    params(("legacy_id" = String, Path)),
    responses(
        (status = 200, description = "The account", body = Account, headers(("ETag" = String))),
        (status = 404, description = "No account with that legacy id that you can see", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_account_by_legacy_id(
    State(app): State<AppState>,
    Authed(auth): Authed,
    axum::extract::Path(legacy_id): axum::extract::Path<String>,
) -> ApiResult<Response> {
    if rapport_domain::validation::has_nul(&legacy_id) {
        return Err(Problem::bad_request(
            "legacy_id",
            "characters",
            "must not contain the NUL character (U+0000)",
        ));
    }
    let account = accounts::by_legacy_id(&app.store, &auth.ctx.actor, legacy_id).await?;
    Ok(tagged(StatusCode::OK, account))
}

/// Merges duplicates into this account in one transaction: their contact links, notes,
/// reps and users move here, they are archived with `merged_into_id` pointing here, and
/// this account keeps its own fields except those named in `take`.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/merge", tag = "accounts", request_body = MergeRequest,
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The surviving account", body = Account, headers(("ETag" = String))),
        (status = 403, description = "Only admins and managers merge", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The survivor is archived", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Bad ids (itself, unknown, not visible) or fields", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn merge_accounts(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let mut r = rapport_domain::input::ObjectReader::new(body)?;
    let ids = r.uuid_list("ids", merge::MAX_MERGED);
    let mut take = Vec::new();
    match r.raw("take") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(fields)) => {
            for (field, source) in fields {
                match source
                    .as_str()
                    .and_then(rapport_domain::validation::strict_uuid)
                {
                    Some(source) => take.push((field, source)),
                    _ => r.error(
                        &format!("take.{field}"),
                        "uuid",
                        "must be the id of a merged account",
                    ),
                }
            }
        }
        Some(_) => r.error(
            "take",
            "type",
            "must be an object of field name to account id",
        ),
    }
    r.finish()?;
    let ids = ids.ok_or_else(Problem::internal)?;
    let account = merge::merge(&app.store, &auth.ctx, id, ids, take).await?;
    Ok(tagged(StatusCode::OK, account))
}

/// Reads one account; `include=contacts,reps,notes` adds its people, reps and newest
/// notes.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts",
    params(("id" = Uuid, Path), ("include" = Option<String>, Query, description = "contacts, reps, notes (comma-separated)")),
    responses(
    (status = 200, description = "The account", body = Account, headers(("ETag" = String))),
    (status = 304, description = "Unchanged since the ETag in If-None-Match"),
    (status = 404, description = "No such account, or not yours to see", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_account(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    QueryPairs(pairs): QueryPairs,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let mut includes = Vec::new();
    for (k, v) in pairs {
        if k == "include" {
            includes.push(v);
        } else {
            return Err(Problem::bad_request(
                &k,
                "unknown_parameter",
                "is not a parameter here; include is",
            ));
        }
    }
    let inc = Include::parse(&includes)?;
    let account = accounts::get(&app.store, &auth.ctx.actor, id).await?;
    let tag = etag(account.version);
    if !inc.any() {
        if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == tag) {
            return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response());
        }
        return Ok(tagged(StatusCode::OK, account));
    }
    // The ETag names the account's version, which is what If-Match guards; the included
    // lists change without it, so a conditional GET with include always answers in full.
    let included = include::for_accounts(&app.store, &auth.ctx.actor, vec![id], inc)
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok((
        StatusCode::OK,
        [(header::ETAG, tag)],
        Json(AccountWithIncluded { account, included }),
    )
        .into_response())
}

/// Changes the given fields (`null` clears an optional one). With `If-Match`, only if
/// the account is unchanged since it was read.
#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "accounts", request_body = AccountPatch,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "ETag from the last read")),
    responses(
        (status = 200, description = "Updated", body = Account, headers(("ETag" = String))),
        (status = 403, description = "The role may not set a field, named", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Another account has the same company key, registration number or legacy id", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
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
    Ok(tagged(StatusCode::OK, account))
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
    Ok(tagged(StatusCode::OK, account))
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
    Ok(tagged(StatusCode::OK, account))
}

/// Deletes an account for good (admins; with seed 001's setting, the rep who created
/// it), with the people linked to no other account.
#[utoipa::path(delete, path = "/api/v1/accounts/{id}", tag = "accounts",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only admins may delete (and, with the setting reps_delete_accounts_they_created, the rep who created the account)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_account(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    rapport_store::lifecycle::accounts::delete(&app.store, &auth.ctx, id, if_match(&headers)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
