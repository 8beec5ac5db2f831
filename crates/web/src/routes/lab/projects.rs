//! Projects: `/api/v1/projects` (seed 003; docs/lab.md): the work an order becomes, seen with its order.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use rapport_domain::project::{Project, ProjectChanges, ProjectCreate, ProjectPatch};
use rapport_store::lab::projects;
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
pub struct ProjectPage {
    pub data: Vec<Project>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

/// Creates a project of an order the caller sees (the lab's staff: admins, managers, reps); numbered `PRJ-<year>-<6 digits>` unless `project_number` is given.
#[utoipa::path(post, path = "/api/v1/projects", tag = "lab", request_body = ProjectCreate, responses(
    (status = 201, description = "Created", body = Project, headers(("Location" = String), ("ETag" = String))),
    (status = 403, description = "The role may not write projects", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "Another project has this project_number or legacy_id", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named (`order_id` naming nothing the caller sees: rule `exists`)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_project(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let x = projects::create(&app.store, &auth.ctx, ProjectChanges::read(body, true)?).await?;
    created(format!("/api/v1/projects/{}", x.id), x)
}

/// Lists the projects the caller sees, newest first. Filters: `order_id`, `status`, `legacy_id`, `created_after`/`_before`, `updated_after`/`_before`.
#[utoipa::path(get, path = "/api/v1/projects", tag = "lab",
    responses((status = 200, description = "A page of projects", body = ProjectPage)))]
pub async fn list_projects(
    State(app): State<AppState>,
    Authed(auth): Authed,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<Page<Project>>> {
    Ok(Json(
        projects::list(&app.store, &auth.ctx.actor, params).await?,
    ))
}

/// Reads one project.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "lab", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "The project", body = Project, headers(("ETag" = String))),
    (status = 404, description = "No such project", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_project(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        projects::get(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Changes a project; a move to `active` stamps `started_at` (once), to `completed` stamps `completed_at`.
#[utoipa::path(patch, path = "/api/v1/projects/{id}", tag = "lab", request_body = ProjectPatch,
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Updated", body = Project, headers(("ETag" = String))),
        (status = 403, description = "The role may not change it", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Another project has this project_number or legacy_id", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names another version", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_project(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let changes = ProjectChanges::read(body, false)?;
    let x = projects::update(&app.store, &auth.ctx, id, version, changes).await?;
    Ok(tagged(StatusCode::OK, x))
}

/// Deletes a project with its tasks, each audited (admins, restricted admins, managers).
#[utoipa::path(delete, path = "/api/v1/projects/{id}", tag = "lab",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Admins, restricted admins and managers only", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names another version", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_project(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    projects::delete(&app.store, &auth.ctx, id, if_match(&headers)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
