//! Tasks: `/api/v1/tasks` (seed 003; docs/lab.md): the steps of a project, assigned to users and ticked off.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use rapport_domain::project::{Task, TaskChanges, TaskCreate, TaskPatch};
use rapport_store::lab::tasks;
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
pub struct TaskPage {
    pub data: Vec<Task>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

/// Creates a task of a project the caller sees (the lab's staff).
#[utoipa::path(post, path = "/api/v1/tasks", tag = "lab", request_body = TaskCreate, responses(
    (status = 201, description = "Created", body = Task, headers(("Location" = String), ("ETag" = String))),
    (status = 403, description = "The role may not write tasks", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "Another task has this legacy_id", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named (`project_id` naming nothing the caller sees: rule `exists`)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_task(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let x = tasks::create(&app.store, &auth.ctx, TaskChanges::read(body, true)?).await?;
    created(format!("/api/v1/tasks/{}", x.id), x)
}

/// Lists the tasks the caller sees, oldest first. Filters: `project_id`, `order_id`, `assignee` (`me`), `status`, `priority`, `due_after`/`_before`, `legacy_id`.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "lab",
    responses((status = 200, description = "A page of tasks", body = TaskPage)))]
pub async fn list_tasks(
    State(app): State<AppState>,
    Authed(auth): Authed,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<Page<Task>>> {
    Ok(Json(
        tasks::list(&app.store, &auth.ctx.actor, params).await?,
    ))
}

/// Reads one task.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "lab", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "The task", body = Task, headers(("ETag" = String))),
    (status = 404, description = "No such task", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_task(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        tasks::get(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Changes a task. A fulfiller changes only the status of the tasks assigned to them (403 otherwise); `completed` stamps `completed_at`; with the setting `complete_project_with_last_task`, completing the last open task completes its project.
#[utoipa::path(patch, path = "/api/v1/tasks/{id}", tag = "lab", request_body = TaskPatch,
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Updated", body = Task, headers(("ETag" = String))),
        (status = 403, description = "The role may not change it", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such task", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Another task has this legacy_id", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names another version", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_task(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let changes = TaskChanges::read(body, false)?;
    let x = tasks::update(&app.store, &auth.ctx, id, version, changes).await?;
    Ok(tagged(StatusCode::OK, x))
}

/// Deletes a task (admins, restricted admins, managers).
#[utoipa::path(delete, path = "/api/v1/tasks/{id}", tag = "lab",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Admins, restricted admins and managers only", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such task", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names another version", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_task(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    tasks::delete(&app.store, &auth.ctx, id, if_match(&headers)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
