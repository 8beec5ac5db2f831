//! Account reps: `/api/v1/accounts/{id}/reps` and reassigning a rep's book.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use rapport_domain::input::{ObjectReader, Patch};
use rapport_store::customers::reps::{self, AccountRep, ReassignFilter, Reassigned, RepRole};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::problem::{ApiResult, Problem};
use crate::routes::{IdPair, IdPath};
use crate::AppState;

/// What `assign_rep` reads: a user, and a role.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct RepWrite {
    user_id: Uuid,
    /// primary (the account's owner) or secondary (default, also for `null`).
    role: Option<RepRole>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AccountReps {
    pub data: Vec<AccountRep>,
}

/// What `reassign` reads: whose book moves to whom, and optional filters (`null` is
/// the same as absent).
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ReassignRequest {
    from_user_id: Uuid,
    to_user_id: Uuid,
    /// Only the primary or only the secondary reps; absent, both move.
    role: Option<RepRole>,
    #[schema(schema_with = crate::openapi::fields::account_kind_filter)]
    kind: Option<String>,
    #[schema(schema_with = crate::openapi::fields::country_filter)]
    country: Option<String>,
    #[schema(schema_with = crate::openapi::fields::region_filter)]
    region: Option<String>,
    #[schema(schema_with = crate::openapi::fields::tag_filter)]
    tag: Option<String>,
    /// Archived accounts move too (default false).
    include_archived: Option<bool>,
}

fn role_of(r: &mut ObjectReader) -> Option<RepRole> {
    match r.patch_enum("role", "primary, secondary", RepRole::parse) {
        Patch::Set(role) => Some(role),
        _ => None,
    }
}

/// The account's reps, primary first.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/reps", tag = "accounts", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "Reps", body = AccountReps),
    (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list_reps(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Json<AccountReps>> {
    let data = reps::list(&app.store, &auth.ctx.actor, id).await?;
    Ok(Json(AccountReps { data }))
}

/// Makes a user a rep of the account. `primary` makes them the owner (the previous owner
/// stops being a rep); making the owner `secondary` leaves the account without an owner.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/reps", tag = "accounts", request_body = RepWrite,
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The account's reps after the change", body = AccountReps),
        (status = 403, description = "A rep may only assign themself", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Unknown or disabled user, bad role", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn assign_rep(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<AccountReps>> {
    let mut r = ObjectReader::new(body)?;
    let user = match r.patch_uuid("user_id") {
        Patch::Set(u) => Some(u),
        _ => {
            if !r.errors.iter().any(|e| e.field == "user_id") {
                r.error("user_id", "required", "is required");
            }
            None
        }
    };
    let role = role_of(&mut r).unwrap_or(RepRole::Secondary);
    r.finish()?;
    let user = user.ok_or_else(Problem::internal)?;
    let data = reps::assign(&app.store, &auth.ctx, id, user, role).await?;
    Ok(Json(AccountReps { data }))
}

/// Takes a user off the account's reps; removing the primary rep clears the owner.
#[utoipa::path(delete, path = "/api/v1/accounts/{id}/reps/{user_id}", tag = "accounts",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such account or rep", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn remove_rep(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPair(id, user): IdPair,
) -> ApiResult<StatusCode> {
    reps::remove(&app.store, &auth.ctx, id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves a rep's book (optionally filtered) to another user in one audited transaction.
#[utoipa::path(post, path = "/api/v1/accounts/reps/reassign", tag = "accounts", request_body = ReassignRequest,
    responses(
        (status = 200, description = "What moved", body = Reassigned),
        (status = 403, description = "Only admins and managers reassign", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Unknown users or bad filters", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn reassign_reps(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Reassigned>> {
    let mut r = ObjectReader::new(body)?;
    let user = |r: &mut ObjectReader, name: &str| match r.patch_uuid(name) {
        Patch::Set(u) => Some(u),
        _ => {
            if !r.errors.iter().any(|e| e.field == name) {
                r.error(name, "required", "is required");
            }
            None
        }
    };
    let from = user(&mut r, "from_user_id");
    let to = user(&mut r, "to_user_id");
    let role = role_of(&mut r);
    let kind = r.optional_string("kind", 50);
    let country = r
        .optional_string("country", 2)
        .map(|c| c.to_ascii_uppercase());
    let region = r.optional_string("region", 100);
    let tag = r.optional_string("tag", rapport_domain::account::MAX_TAG_LEN);
    let include_archived = matches!(r.patch_bool("include_archived"), Patch::Set(true));
    r.finish()?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(Problem::internal());
    };
    let filter = ReassignFilter {
        role,
        kind,
        country,
        region,
        tag,
        include_archived,
    };
    Ok(Json(
        reps::reassign(&app.store, &auth.ctx, from, to, filter).await?,
    ))
}
