//! A product's price tiers: `/api/v1/products/{id}/tiers`. The ladders are part of the
//! product: their ETag is the product's, and replacing one moves the product's version.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rapport_domain::price_tier::{LadderBody, LadderChanges, PriceTier};
use rapport_store::catalog::tiers::{self, Ladders};
use serde::Serialize;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{etag, if_match};
use crate::problem::ApiResult;
use crate::routes::IdPath;
use crate::AppState;

/// Every tier of a product, both periods.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TierList {
    /// Ordered by period (month, then year), then `min_quantity`.
    pub data: Vec<PriceTier>,
}

/// The tiers, tagged with the product's version.
fn answer(ladders: Ladders) -> Response {
    (
        StatusCode::OK,
        [(header::ETAG, etag(ladders.product_version))],
        Json(TierList {
            data: ladders.tiers,
        }),
    )
        .into_response()
}

/// Reads a product's price tiers, both periods; the ETag is the product's.
#[utoipa::path(get, path = "/api/v1/products/{id}/tiers", tag = "products", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "The tiers", body = TierList, headers(("ETag" = String))),
    (status = 404, description = "No such product", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list_tiers(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(answer(tiers::list(&app.store, &auth.ctx.actor, id).await?))
}

/// Replaces one period's ladder whole (an empty `tiers` removes it). Sorted by
/// `min_quantity`, each tier must start at the previous `max_quantity` + 1 (rules
/// `overlap`, `gap`), only the last may be unbounded (`unbounded_not_last`), and
/// `max_quantity` > `min_quantity` (`above_min`); errors name `tiers[i].field`, `i` as
/// sent. Takes and moves the product's ETag; audited as one change of the product.
#[utoipa::path(put, path = "/api/v1/products/{id}/tiers", tag = "products", request_body = LadderBody,
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Every tier of the product after the change", body = TierList, headers(("ETag" = String))),
        (status = 403, description = "The role may not manage products", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or ladder, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn replace_tiers(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let ladder = LadderChanges::read(body)?;
    Ok(answer(
        tiers::replace(&app.store, &auth.ctx, id, version, ladder).await?,
    ))
}
