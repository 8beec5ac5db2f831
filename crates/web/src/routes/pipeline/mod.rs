//! Leads, their history and timelines; the pipeline board and the shared settings.

mod board;
mod leads;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(leads::create_lead, leads::list_leads))
        .routes(routes!(
            leads::get_lead,
            leads::update_lead,
            leads::delete_lead
        ))
        .routes(routes!(leads::reopen_lead))
        .routes(routes!(leads::archive_lead))
        .routes(routes!(leads::restore_lead))
        .routes(routes!(leads::lead_history))
        .routes(routes!(leads::lead_timeline))
        .routes(routes!(leads::account_timeline))
        .routes(routes!(board::pipeline_board))
        .routes(routes!(board::get_settings, board::update_settings))
}
