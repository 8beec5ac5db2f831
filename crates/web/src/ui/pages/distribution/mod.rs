//! The distribution pages: the log, the bulk paste, linking legacy names, lot trace, and
//! the sales and pipeline dashboards over the same store calls as their API routes.

mod bulk;
mod csv_text;
mod link;
mod list;
mod pipeline;
mod sales;
mod trace;

use axum::routing::get;
use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/distributions", get(list::show))
        .route("/distributions/bulk", get(bulk::show).post(bulk::submit))
        .route("/distributions/link", get(link::show).post(link::submit))
        .route("/distributions/trace", get(trace::show))
        .route("/dashboards/sales", get(sales::show))
        .route("/dashboards/pipeline", get(pipeline::show))
}
