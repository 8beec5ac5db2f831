//! An account's people: `/api/v1/accounts/{id}/contacts` links contacts to an account
//! with a role, dates and the primary flag.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rapport_domain::contact::{LinkChanges, LinkCreate, LinkPatch};
use rapport_store::customers::links::{self, AccountPerson};
use serde::Serialize;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::problem::ApiResult;
use crate::routes::{IdPair, IdPath};
use crate::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct AccountPeople {
    pub data: Vec<AccountPerson>,
}

/// Links a person to the account. With `is_primary: true` the person becomes the
/// primary contact and the previous primary stops being one, in the same transaction.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/contacts", tag = "accounts", request_body = LinkCreate,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, description = "Linked", body = AccountPerson),
        (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Already linked (existing_id is the link), the account is archived, another person there has this email, or the person already has a primary account (existing_id names the other person, or that account)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a contact you cannot see", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn link_contact(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let person = links::link(&app.store, &auth.ctx, id, LinkChanges::read(body, true)?).await?;
    Ok((StatusCode::CREATED, Json(person)).into_response())
}

/// The account's people, primary first, then active links, then by last name.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/contacts", tag = "accounts", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "People at the account (at most 1000; page through /api/v1/contacts?account_id= for more)", body = AccountPeople),
    (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn account_contacts(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Json<AccountPeople>> {
    let data = links::for_account(&app.store, &auth.ctx.actor, id).await?;
    Ok(Json(AccountPeople { data }))
}

/// Changes a link: role, dates, active, primary.
#[utoipa::path(patch, path = "/api/v1/accounts/{id}/contacts/{contact_id}", tag = "accounts", request_body = LinkPatch,
    params(("id" = Uuid, Path), ("contact_id" = Uuid, Path)),
    responses(
        (status = 200, description = "Changed", body = AccountPerson),
        (status = 404, description = "No such link", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The account is archived, already has a primary contact, or the person already has a primary account (existing_id names it)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_link(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPair(id, contact_id): IdPair,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<AccountPerson>> {
    let person = links::update(
        &app.store,
        &auth.ctx,
        id,
        contact_id,
        LinkChanges::read(body, false)?,
    )
    .await?;
    Ok(Json(person))
}

/// Removes the link; the person stays.
#[utoipa::path(delete, path = "/api/v1/accounts/{id}/contacts/{contact_id}", tag = "accounts",
    params(("id" = Uuid, Path), ("contact_id" = Uuid, Path)),
    responses(
        (status = 204, description = "Unlinked"),
        (status = 404, description = "No such link", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The account is archived", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn unlink_contact(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPair(id, contact_id): IdPair,
) -> ApiResult<StatusCode> {
    links::unlink(&app.store, &auth.ctx, id, contact_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
