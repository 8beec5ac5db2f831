//! Managing users: `/api/v1/users` (admins; restricted admins for everyone but admins).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rapport_domain::user::{UserChanges, UserCreate, UserPatch};
use rapport_store::auth::user_admin::{self, UserFilter};
use rapport_store::auth::users::User;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::problem::{ApiResult, Problem};
use crate::query::QueryPairs;
use crate::routes::IdPath;
use crate::AppState;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UserList {
    pub data: Vec<User>,
}

/// Creates a user: local (with a password) or pre-provisioned for the LDAP directory.
#[utoipa::path(post, path = "/api/v1/users", tag = "auth", request_body = UserCreate, responses(
    (status = 201, description = "Created", body = User),
    (status = 403, description = "Not an admin, or a restricted admin granting admin", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "Email taken", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named (unknown role, organisation of the wrong kind…)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_user(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let user = user_admin::create(&app.store, &auth.ctx, UserChanges::read(body, true)?).await?;
    Ok((StatusCode::CREATED, Json(user)).into_response())
}

/// Every user, by email; `enabled=true|false`, and `pending=true` for the people the
/// directory created who wait for an admin to enable them.
#[utoipa::path(get, path = "/api/v1/users", tag = "auth",
    params(("enabled" = Option<bool>, Query), ("pending" = Option<bool>, Query, description = "only directory users never enabled")),
    responses(
    (status = 200, description = "The users", body = UserList),
    (status = 400, description = "A filter is not true or false, or unknown", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 403, description = "Admins only", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list_users(
    State(app): State<AppState>,
    Authed(auth): Authed,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<UserList>> {
    let mut filter = UserFilter::default();
    for (name, value) in pairs {
        // The name first: an unknown parameter is unknown, whatever its value.
        let slot = match name.as_str() {
            "enabled" | "pending" => name.as_str(),
            _ => {
                return Err(Problem::bad_request(
                    &name,
                    "unknown",
                    "is not a filter of users (enabled, pending)",
                ))
            }
        };
        let flag = match value.as_str() {
            "true" => true,
            "false" => false,
            other => {
                return Err(Problem::bad_request(
                    &name,
                    "type",
                    format!("must be true or false, not {other:?}"),
                ))
            }
        };
        if slot == "enabled" {
            filter.enabled = Some(flag);
        } else {
            filter.pending = flag;
        }
    }
    Ok(Json(UserList {
        data: user_admin::list(&app.store, &auth.ctx.actor, filter).await?,
    }))
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "auth", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "The user", body = User),
    (status = 404, description = "No such user", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_user(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Json<User>> {
    Ok(Json(
        user_admin::get(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Changes email, name, role or organisation; a new role or organisation ends the
/// user's sessions.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "auth", request_body = UserPatch, params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "Updated", body = User),
    (status = 403, description = "Not allowed for this user or role", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 404, description = "No such user", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "Another user has this email", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_user(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<User>> {
    Ok(Json(
        user_admin::update(&app.store, &auth.ctx, id, UserChanges::read(body, false)?).await?,
    ))
}

/// Disables a user: their sessions end and their tokens fail at once.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "auth", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "Disabled", body = User),
    (status = 403, description = "Not allowed for this user", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 404, description = "No such user", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "You may not disable yourself", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn disable_user(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Json<User>> {
    Ok(Json(
        user_admin::set_enabled(&app.store, &auth.ctx, id, false).await?,
    ))
}

/// Enables a user (who and when are kept).
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "auth", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "Enabled", body = User),
    (status = 403, description = "Not allowed for this user", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 404, description = "No such user", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn enable_user(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Json<User>> {
    Ok(Json(
        user_admin::set_enabled(&app.store, &auth.ctx, id, true).await?,
    ))
}
