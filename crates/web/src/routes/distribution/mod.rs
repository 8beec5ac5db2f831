//! The distribution log: shipments, their bulk load, linking and tracing.

mod distributions;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(
            distributions::create_distribution,
            distributions::list_distributions
        ))
        .routes(routes!(distributions::bulk_create_distributions))
        .routes(routes!(distributions::link_customers))
        .routes(routes!(distributions::trace_shipments))
        .routes(routes!(
            distributions::get_distribution,
            distributions::update_distribution,
            distributions::delete_distribution
        ))
}
