//! The catalogue: products, their price tiers, durations, and quotes.

mod durations;
mod pricing;
mod products;
mod tiers;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(products::create_product, products::list_products))
        .routes(routes!(
            products::get_product,
            products::update_product,
            products::delete_product
        ))
        .routes(routes!(tiers::list_tiers, tiers::replace_tiers))
        .routes(routes!(
            durations::create_duration,
            durations::list_durations
        ))
        .routes(routes!(
            durations::get_duration,
            durations::update_duration,
            durations::delete_duration
        ))
        .routes(routes!(pricing::quote_line))
}
