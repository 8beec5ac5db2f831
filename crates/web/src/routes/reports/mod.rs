//! Dashboards and the audit log.

mod audit;
mod dashboards;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(dashboards::sales_dashboard))
        .routes(routes!(dashboards::pipeline_dashboard))
        .routes(routes!(dashboards::contracts_dashboard))
        .routes(routes!(audit::list))
}
