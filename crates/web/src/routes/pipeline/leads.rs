//! Leads: `/api/v1/leads` (CRUD, archive, reopen), their status history and timeline.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::FutureExt as _;
use rapport_domain::changes::schema;
use rapport_domain::lead::{
    Lead, LeadChanges, LeadCreate, LeadPatch, LeadStatus, Reopen, StatusChange,
};
use rapport_store::pipeline::leads;
use rapport_store::policy::Resource;
use rapport_store::Page;
use serde::Serialize;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{created, if_match, tagged};
use crate::export::{self, Format, Lister};
use crate::problem::ApiResult;
use crate::query::ListQuery;
use crate::routes::IdPath;
use crate::AppState;

/// What `reopen` takes, as `Reopen::read` reads it: both fields, nothing else.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ReopenRequest {
    #[schema(schema_with = open_status)]
    status: String,
    #[schema(schema_with = crate::openapi::fields::reason)]
    reason: String,
}

/// The statuses `reopen` accepts: the open ones and their seed 002 aliases (a
/// `schema_with` schema is the whole property, description included).
fn open_status() -> utoipa::openapi::Object {
    let open = |s: &LeadStatus| !s.is_final();
    let names = LeadStatus::ALL
        .into_iter()
        .filter(open)
        .map(LeadStatus::as_str);
    let aliases = LeadStatus::ALIASES
        .iter()
        .filter(|(_, s)| open(s))
        .map(|(a, _)| *a);
    schema::one_of(names.chain(aliases).collect())
        .description(Some("An open status to go back to (not won or lost)."))
        .build()
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LeadPage {
    pub data: Vec<Lead>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StatusChangePage {
    pub data: Vec<StatusChange>,
    pub next_cursor: Option<String>,
}

/// Creates a lead. Its first status (default `new`) is written to its history; the
/// probability defaults to the status's (settings). A lead created won without an account
/// is converted: the account whose company key matches `organization` is linked, or
/// created.
#[utoipa::path(post, path = "/api/v1/leads", tag = "leads", request_body = LeadCreate, responses(
    (status = 201, description = "Created", body = Lead, headers(("Location" = String), ("ETag" = String))),
    (status = 403, description = "The role may not create leads or set a field", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "legacy_id or provider id taken", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_lead(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let lead = leads::create(&app.store, &auth.ctx, LeadChanges::read(body, true)?).await?;
    created(format!("/api/v1/leads/{}", lead.id), lead)
}

/// Lists leads the caller can see. Filters: `status` (aliases accepted), `owner_id`
/// (`me`, `null`), `account_id`, `partner_id`, `distributor_id`, `product_id`,
/// `created_by`, `currency`, `acquisition_source`, `legacy_id`, `provider_name`,
/// `provider_id`, `sync_status`, `probability`, `archived` (`false` default, `true`,
/// `all`), and `_after`/`_before` on `expected_close_date`, `closed`, `created`,
/// `updated`. `q` searches title, organisation and contact. Sort by `created_at`,
/// `updated_at`, `title`, `expected_close_date`, `probability`, `status`.
#[utoipa::path(get, path = "/api/v1/leads", tag = "leads",
    params(
        ("format" = Option<String>, Query, description = "json (default) or csv: every matching row as CSV (also with Accept: text/csv)")),
    responses(
        (status = 200, description = "A page of leads; with `format=csv`, every matching row as CSV (an attachment)", content(
            (LeadPage = "application/json"),
            (String = "text/csv"))),
        (status = 403, description = "Partner, distributor and fulfiller users may not export (names `format`)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Unknown `format`", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list_leads(
    State(app): State<AppState>,
    Authed(auth): Authed,
    headers: HeaderMap,
    ListQuery(mut params): ListQuery,
) -> ApiResult<Response> {
    if Format::of(&headers, &mut params)? == Format::Csv {
        let list: Lister<Lead> = |s, a, p| async move { leads::list(&s, &a, p).await }.boxed();
        return export::csv(&app.store, &auth.ctx, Resource::Leads, params, list).await;
    }
    let page = leads::list(&app.store, &auth.ctx.actor, params).await?;
    Ok(Json(page).into_response())
}

/// Reads one lead.
#[utoipa::path(get, path = "/api/v1/leads/{id}", tag = "leads", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The lead", body = Lead, headers(("ETag" = String))),
    (status = 404, description = "No such lead", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_lead(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        leads::get(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Changes a lead. A new `status` is written to the history (with `status_reason`);
/// `lost` needs a `lost_reason`; a won or lost lead only moves again through reopen.
#[utoipa::path(patch, path = "/api/v1/leads/{id}", tag = "leads", request_body = LeadPatch,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Updated", body = Lead, headers(("ETag" = String))),
        (status = 404, description = "No such lead", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Won or lost (reopen first), or archived", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_lead(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let lead = leads::update(
        &app.store,
        &auth.ctx,
        id,
        version,
        LeadChanges::read(body, false)?,
    )
    .await?;
    Ok(tagged(StatusCode::OK, lead))
}

/// Takes a won or lost lead back to an open status; the move is recorded as a reopen.
#[utoipa::path(post, path = "/api/v1/leads/{id}/reopen", tag = "leads", request_body = ReopenRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Reopened", body = Lead, headers(("ETag" = String))),
        (status = 404, description = "No such lead", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The lead is not won or lost", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Missing reason or a final status", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn reopen_lead(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let lead = leads::reopen(&app.store, &auth.ctx, id, version, Reopen::read(body)?).await?;
    Ok(tagged(StatusCode::OK, lead))
}

/// Archives a lead: off the board and out of lists unless `archived=true|all`.
#[utoipa::path(post, path = "/api/v1/leads/{id}/archive", tag = "leads", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "Archived", body = Lead),
    (status = 404, description = "No such lead", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn archive_lead(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let lead = leads::set_archived(&app.store, &auth.ctx, id, true, if_match(&headers)?).await?;
    Ok(tagged(StatusCode::OK, lead))
}

/// Restores an archived lead.
#[utoipa::path(post, path = "/api/v1/leads/{id}/restore", tag = "leads", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "Restored", body = Lead),
    (status = 404, description = "No such lead", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn restore_lead(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let lead = leads::set_archived(&app.store, &auth.ctx, id, false, if_match(&headers)?).await?;
    Ok(tagged(StatusCode::OK, lead))
}

/// Deletes a lead for good, with its history and activities (admins).
#[utoipa::path(delete, path = "/api/v1/leads/{id}", tag = "leads",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Admins only", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such lead", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_lead(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    rapport_store::lifecycle::leads::delete(&app.store, &auth.ctx, id, if_match(&headers)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The lead's status history, oldest first.
#[utoipa::path(get, path = "/api/v1/leads/{id}/history", tag = "leads",
    params(("id" = Uuid, Path),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500, description = "1–500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    responses(
        (status = 200, description = "Status changes", body = StatusChangePage),
        (status = 404, description = "No such lead", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn lead_history(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<Page<StatusChange>>> {
    Ok(Json(
        leads::history(&app.store, &auth.ctx.actor, id, params).await?,
    ))
}

timeline_route!(
    /// The lead's timeline: its activities and status changes, pinned first, then newest.
    lead_timeline,
    "/api/v1/leads/{id}/timeline",
    "leads",
    "No such lead",
    Lead
);

timeline_route!(
    /// The account's timeline: its activities (notes included) and its leads' status
    /// changes, pinned first, then newest.
    account_timeline,
    "/api/v1/accounts/{id}/timeline",
    "accounts",
    "No such account",
    Account
);
