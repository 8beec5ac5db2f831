//! Notes on accounts: `/api/v1/accounts/{id}/notes` and `/api/v1/notes/{id}`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use rapport_domain::note::{Note, NoteChanges, NoteCreate, NotePatch};
use rapport_store::timeline::notes;
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
pub struct NotePage {
    pub data: Vec<Note>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

/// Adds a note to the account.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/notes", tag = "notes", request_body = NoteCreate,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, description = "Created", body = Note, headers(("Location" = String), ("ETag" = String))),
        (status = 403, description = "The role may not write notes, or may not name another author", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_note(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let note = notes::create(&app.store, &auth.ctx, id, NoteChanges::read(body, true)?).await?;
    created(format!("/api/v1/notes/{}", note.id), note)
}

/// The account's notes, newest first (by note date, then when written). Filters:
/// `author_id` (`me`), `contact_id`, `pinned`, `note_date_after`/`_before`.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/notes", tag = "notes",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "A page of notes", body = NotePage),
        (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list_notes(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<Page<Note>>> {
    Ok(Json(
        notes::list(&app.store, &auth.ctx.actor, id, params).await?,
    ))
}

/// Reads one note.
#[utoipa::path(get, path = "/api/v1/notes/{id}", tag = "notes", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The note", body = Note, headers(("ETag" = String))),
    (status = 404, description = "No such note", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_note(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        notes::get(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Changes a note (its author or an admin).
#[utoipa::path(patch, path = "/api/v1/notes/{id}", tag = "notes", request_body = NotePatch,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Updated", body = Note, headers(("ETag" = String))),
        (status = 403, description = "Not the author or an admin", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such note", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_note(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let note = notes::update(
        &app.store,
        &auth.ctx,
        id,
        version,
        NoteChanges::read(body, false)?,
    )
    .await?;
    Ok(tagged(StatusCode::OK, note))
}

/// Deletes a note (its author or an admin).
#[utoipa::path(delete, path = "/api/v1/notes/{id}", tag = "notes",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not the author or an admin", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such note", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_note(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    notes::delete(&app.store, &auth.ctx, id, if_match(&headers)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
