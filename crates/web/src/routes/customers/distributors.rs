//! Distributor–partner links: `/api/v1/distributors/{id}/partners` (seed 004; admins).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rapport_store::customers::distributor_partners::{self, DistributorPartner};

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::problem::{ApiResult, Problem};
use crate::query::QueryPairs;
use crate::routes::{IdPair, IdPath};
use crate::AppState;

/// What `assign_partner` reads: the partner and a note about the relationship.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PartnerLinkWrite {
    /// An account of kind partner, not already linked to this distributor (other
    /// distributors may manage it too).
    partner_id: uuid::Uuid,
    #[schema(schema_with = crate::openapi::fields::partner_link_notes)]
    notes: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PartnerLinks {
    pub data: Vec<DistributorPartner>,
}

/// The partners a distributor manages, by name: `active=true` (default), `false` or
/// `all` for the history too.
#[utoipa::path(get, path = "/api/v1/distributors/{id}/partners", tag = "accounts",
    params(("id" = uuid::Uuid, Path), ("active" = Option<String>, Query, description = "true (default), false or all")),
    responses(
        (status = 200, description = "The links", body = PartnerLinks),
        (status = 403, description = "Admins only", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "The account is not a distributor", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list_partners(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<PartnerLinks>> {
    let mut active = Some(true);
    for (name, v) in pairs {
        match (name.as_str(), v.as_str()) {
            ("active", "true") => active = Some(true),
            ("active", "false") => active = Some(false),
            ("active", "all") => active = None,
            ("active", other) => {
                return Err(Problem::bad_request(
                    "active",
                    "enum",
                    format!("must be true, false or all, not {other:?}"),
                ))
            }
            _ => {
                return Err(Problem::bad_request(
                    &name,
                    "unknown_parameter",
                    "is not a parameter of this list; it takes active",
                ))
            }
        }
    }
    let data = distributor_partners::list(&app.store, &auth.ctx.actor, id, active).await?;
    Ok(Json(PartnerLinks { data }))
}

const MAX_LINK_NOTES: usize = 2000;

/// A partner link's partner and notes, as the API and the partners page read them.
pub(crate) fn read_partner_link(
    body: serde_json::Value,
) -> Result<(uuid::Uuid, Option<String>), Problem> {
    let mut r = rapport_domain::input::ObjectReader::new(body)?;
    let partner = r.patch_uuid("partner_id");
    if partner.is_absent() {
        r.error("partner_id", "required", "is required");
    }
    let notes = r.optional_string("notes", MAX_LINK_NOTES);
    r.finish()?;
    let rapport_domain::input::Patch::Set(partner) = partner else {
        return Err(Problem::validation(vec![rapport_domain::FieldError::new(
            "partner_id",
            "required",
            "must name a partner account",
        )]));
    };
    Ok((partner, notes))
}

/// Links a partner to the distributor (admins, audited). A partner may have several
/// distributors (seed 004); linking it twice to this one answers 409 with the link.
#[utoipa::path(post, path = "/api/v1/distributors/{id}/partners", tag = "accounts", request_body = PartnerLinkWrite,
    params(("id" = uuid::Uuid, Path)),
    responses(
        (status = 201, description = "Linked", body = DistributorPartner),
        (status = 403, description = "Admins only", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such distributor account", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The partner is already linked to this distributor", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Not a distributor, not a partner, or the distributor itself", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn assign_partner(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let (partner, notes) = read_partner_link(body)?;
    let link = distributor_partners::assign(&app.store, &auth.ctx, id, partner, notes).await?;
    Ok((StatusCode::CREATED, Json(link)).into_response())
}

/// Ends the active link (admins, audited): the partner's accounts, leads, activities and
/// shipments leave the distributor's view at once. The link stays as history.
#[utoipa::path(post, path = "/api/v1/distributors/{id}/partners/{partner_id}/deactivate", tag = "accounts",
    params(("id" = uuid::Uuid, Path), ("partner_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "Deactivated", body = DistributorPartner),
        (status = 403, description = "Admins only", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No active link between them", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn deactivate_partner(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPair(id, partner): IdPair,
) -> ApiResult<Json<DistributorPartner>> {
    Ok(Json(
        distributor_partners::deactivate(&app.store, &auth.ctx, id, partner).await?,
    ))
}
