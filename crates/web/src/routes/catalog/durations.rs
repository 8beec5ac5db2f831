//! Durations: `/api/v1/durations` (seed 004): how long a subscription runs and its
//! discount.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use rapport_domain::duration::{
    DurationChanges, DurationCreate, DurationPatch, SubscriptionDuration,
};
use rapport_store::catalog::durations;
use rapport_store::Page;
use serde::Serialize;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{created, if_match, tagged};
use crate::problem::ApiResult;
use crate::query::ListQuery;
use crate::routes::IdPath;
use crate::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct DurationPage {
    pub data: Vec<SubscriptionDuration>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

/// Creates a duration (admins and managers).
#[utoipa::path(post, path = "/api/v1/durations", tag = "products", request_body = DurationCreate, responses(
    (status = 201, description = "Created", body = SubscriptionDuration, headers(("Location" = String), ("ETag" = String))),
    (status = 403, description = "The role may not manage the catalogue", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "Another duration has these months", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_duration(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let d = durations::create(&app.store, &auth.ctx, DurationChanges::read(body, true)?).await?;
    created(format!("/api/v1/durations/{}", d.id), d)
}

/// Lists durations, by months. Filters: `active`, `months` (and `months_after`/`_before`),
/// `created_after`/`_before`.
#[utoipa::path(get, path = "/api/v1/durations", tag = "products",
    responses((status = 200, description = "A page of durations", body = DurationPage)))]
pub async fn list_durations(
    State(app): State<AppState>,
    Authed(auth): Authed,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<Page<SubscriptionDuration>>> {
    Ok(Json(
        durations::list(&app.store, &auth.ctx.actor, params).await?,
    ))
}

/// Reads one duration.
#[utoipa::path(get, path = "/api/v1/durations/{id}", tag = "products", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "The duration", body = SubscriptionDuration, headers(("ETag" = String))),
    (status = 404, description = "No such duration", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_duration(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        durations::get(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Changes a duration; orders already priced keep their figures.
#[utoipa::path(patch, path = "/api/v1/durations/{id}", tag = "products", request_body = DurationPatch,
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Updated", body = SubscriptionDuration, headers(("ETag" = String))),
        (status = 403, description = "The role may not manage the catalogue", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such duration", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Another duration has these months", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_duration(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let d = durations::update(
        &app.store,
        &auth.ctx,
        id,
        version,
        DurationChanges::read(body, false)?,
    )
    .await?;
    Ok(tagged(StatusCode::OK, d))
}

/// Deletes a duration (admins); order items that named it keep their `duration_months`.
#[utoipa::path(delete, path = "/api/v1/durations/{id}", tag = "products",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Admins only", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such duration", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_duration(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    durations::delete(&app.store, &auth.ctx, id, if_match(&headers)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
