//! `/api/v1/contacts`: people, and the accounts each is linked to.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::FutureExt as _;
use rapport_domain::contact::{Contact, ContactChanges, ContactCreate, ContactPatch};
use rapport_store::customers::contacts;
use rapport_store::customers::links::{self, PersonAccount};
use rapport_store::policy::Resource;
use serde::Serialize;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{created, etag, if_match, tagged};
use crate::export::{self, Format, Lister};
use crate::problem::ApiResult;
use crate::query::ListQuery;
use crate::routes::IdPath;
use crate::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ContactPage {
    pub data: Vec<Contact>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PersonAccounts {
    pub data: Vec<PersonAccount>,
}

/// Creates a contact.
#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", request_body = ContactCreate,
    responses(
        (status = 201, description = "Created", body = Contact, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "Another contact has this legacy id", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_contact(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let contact =
        contacts::create(&app.store, &auth.ctx, ContactChanges::read(body, true)?).await?;
    created(format!("/api/v1/contacts/{}", contact.id), contact)
}

/// Lists contacts the caller can see.
///
/// Filters: `kind`, `active`, `email`, `legacy_id`, `created_by` (`me`), `account_id`
/// (linked to any of), `created_after`/`_before`, `updated_after`/`_before`. `q` matches
/// name, email and phone by word prefix, ignoring case and accents; without `sort`, the
/// best matches (name starting with the query) come first. Sort by `name` (last name
/// first), `created_at`, `updated_at`, `email`.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts",
    params(
        ("format" = Option<String>, Query, description = "json (default) or csv: every matching row as CSV (also with Accept: text/csv)")),
    responses(
        (status = 200, description = "A page of contacts; with `format=csv`, every matching row as CSV (an attachment)", content(
            (ContactPage = "application/json"),
            (String = "text/csv"))),
        (status = 403, description = "Partner, distributor and fulfiller users may not export (names `format`)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Unknown `format`", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list_contacts(
    State(app): State<AppState>,
    Authed(auth): Authed,
    headers: HeaderMap,
    ListQuery(mut params): ListQuery,
) -> ApiResult<Response> {
    if Format::of(&headers, &mut params)? == Format::Csv {
        let list: Lister<Contact> =
            |s, a, p| async move { contacts::list(&s, &a, p).await }.boxed();
        return export::csv(&app.store, &auth.ctx, Resource::Contacts, params, list).await;
    }
    let page = contacts::list(&app.store, &auth.ctx.actor, params).await?;
    Ok(Json(page).into_response())
}

/// Reads one contact.
#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The contact", body = Contact, headers(("ETag" = String))),
    (status = 304, description = "Unchanged since the ETag in If-None-Match"),
    (status = 404, description = "No such contact, or not yours to see", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_contact(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let contact = contacts::get(&app.store, &auth.ctx.actor, id).await?;
    let tag = etag(contact.version);
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == tag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response());
    }
    Ok(tagged(StatusCode::OK, contact))
}

/// Changes the given fields; with `If-Match`, only if unchanged since read.
#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "contacts", request_body = ContactPatch,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "ETag from the last read")),
    responses(
        (status = 200, description = "Updated", body = Contact, headers(("ETag" = String))),
        (status = 404, description = "No such contact", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Another contact has this legacy id, or another person at one of this person's accounts has the new email (existing_id names them)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_contact(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let contact = contacts::update(
        &app.store,
        &auth.ctx,
        id,
        version,
        ContactChanges::read(body, false)?,
    )
    .await?;
    Ok(tagged(StatusCode::OK, contact))
}

/// Deletes a contact for good, with their account links (admins only).
#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only admins may delete", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such contact", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_contact(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    rapport_store::lifecycle::contacts::delete(&app.store, &auth.ctx, id, if_match(&headers)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The accounts a contact is linked to (those you can see), primary and active first.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/accounts", tag = "contacts", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The contact's accounts", body = PersonAccounts),
    (status = 404, description = "No such contact", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn contact_accounts(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Json<PersonAccounts>> {
    let data = links::for_contact(&app.store, &auth.ctx.actor, id).await?;
    Ok(Json(PersonAccounts { data }))
}
