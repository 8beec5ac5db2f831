//! `POST /api/v1/pricing/quote`: the price of one line, as an order item would get it.

use axum::extract::State;
use axum::Json;
use rapport_domain::quote::{Quote, QuoteBody, QuoteRequest};
use rapport_store::catalog::quote;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::problem::ApiResult;
use crate::AppState;

/// Prices `quantity` of a product over a duration (everyone signed in): the unit price
/// from the tier covering the quantity in the ladder the duration's months choose (or
/// the list price), subtotal, the duration's discount and total, money rounded half-up
/// to the currency's minor units (docs/orders.md, "Pricing"). Writes nothing.
#[utoipa::path(post, path = "/api/v1/pricing/quote", tag = "products", request_body = QuoteBody, responses(
    (status = 200, description = "The priced line", body = Quote),
    (status = 422, description = "A field the line cannot be priced with, named: an unknown or inactive product or duration, a quantity no tier covers, a tiered product without a duration", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn quote_line(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Quote>> {
    let request = QuoteRequest::read(body, true)?;
    Ok(Json(
        quote::quote(&app.store, &auth.ctx.actor, request).await?,
    ))
}
