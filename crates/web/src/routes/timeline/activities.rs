//! Activities: `/api/v1/activities` — notes, interactions, tasks and comments.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use rapport_domain::activity::{Activity, ActivityChanges, ActivityCreate, ActivityPatch};
use rapport_domain::input::Patch;
use rapport_store::timeline::activities;
use rapport_store::Page;
use serde::Serialize;
use uuid::Uuid;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{created, if_match, tagged};
use crate::problem::ApiResult;
use crate::query::ListQuery;
use crate::routes::IdPath;
use crate::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ActivityPage {
    pub data: Vec<Activity>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

/// Logs an activity linked to at least one account, contact or lead the caller can see.
#[utoipa::path(post, path = "/api/v1/activities", tag = "activities", request_body = ActivityCreate, responses(
    (status = 201, description = "Created", body = Activity, headers(("Location" = String), ("ETag" = String))),
    (status = 403, description = "The role may not log activities", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "Another activity has the same provider_name and provider_id", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named (no link, a link you cannot see…)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_activity(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let a = activities::create(&app.store, &auth.ctx, ActivityChanges::read(body, true)?).await?;
    created(format!("/api/v1/activities/{}", a.id), a)
}

/// Lists activities the caller can see. Filters: `kind`, `channel`, `account_id`,
/// `contact_id`, `lead_id`, `author_id`, `assignee` / `assignee_id` (`me`, `null`),
/// `done`, `pinned`, `internal`, `corrects_id`, `parent_id`, `provider_name`,
/// `provider_id`, `overdue=true` (open and past due), and `_after`/`_before` on `due`,
/// `activity_date`, `created`, `updated`. Sort by `activity_date`, `due_at`,
/// `created_at`, `updated_at`.
#[utoipa::path(get, path = "/api/v1/activities", tag = "activities",
    responses(
        (status = 200, description = "A page of activities", body = ActivityPage)))]
pub async fn list_activities(
    State(app): State<AppState>,
    Authed(auth): Authed,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<Page<Activity>>> {
    Ok(Json(
        activities::list(&app.store, &auth.ctx.actor, params).await?,
    ))
}

/// Reads one activity.
#[utoipa::path(get, path = "/api/v1/activities/{id}", tag = "activities", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The activity", body = Activity, headers(("ETag" = String))),
    (status = 404, description = "No such activity", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_activity(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        activities::get(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Changes a task, note or comment (author, assignee or admin). Interactions answer 409:
/// log a correction instead.
#[utoipa::path(patch, path = "/api/v1/activities/{id}", tag = "activities", request_body = ActivityPatch,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Updated", body = Activity, headers(("ETag" = String))),
        (status = 403, description = "Not the author, assignee or an admin", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such activity", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "An interaction: immutable", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_activity(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let a = activities::update(
        &app.store,
        &auth.ctx,
        id,
        version,
        ActivityChanges::read(body, false)?,
    )
    .await?;
    Ok(tagged(StatusCode::OK, a))
}

async fn set_done(
    app: &AppState,
    auth: &crate::auth::Authenticated,
    id: Uuid,
    headers: &HeaderMap,
    done: bool,
) -> ApiResult<Response> {
    let changes = ActivityChanges {
        done: Patch::Set(done),
        ..ActivityChanges::default()
    };
    let a = activities::update(&app.store, &auth.ctx, id, if_match(headers)?, changes).await?;
    Ok(tagged(StatusCode::OK, a))
}

/// Marks a task (or follow-up) done.
#[utoipa::path(post, path = "/api/v1/activities/{id}/done", tag = "activities", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "Done", body = Activity),
    (status = 404, description = "No such activity", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "An interaction has no done flag", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn mark_activity_done(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<Response> {
    set_done(&app, &auth, id, &headers, true).await
}

/// Marks a task (or follow-up) not done again.
#[utoipa::path(post, path = "/api/v1/activities/{id}/undone", tag = "activities", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "Open again", body = Activity),
    (status = 404, description = "No such activity", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "An interaction has no done flag", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn mark_activity_undone(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<Response> {
    set_done(&app, &auth, id, &headers, false).await
}

/// Deletes a task, note or comment (author, assignee or admin); interactions answer 409.
#[utoipa::path(delete, path = "/api/v1/activities/{id}", tag = "activities",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such activity", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "An interaction: immutable", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_activity(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    activities::delete(&app.store, &auth.ctx, id, if_match(&headers)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
