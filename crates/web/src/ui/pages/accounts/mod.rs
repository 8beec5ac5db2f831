//! The account pages: list, detail, create and edit, merge, and their actions.

mod actions;
mod detail;
mod edit;
pub mod list;
mod merge;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub use detail::entry as timeline_entry;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(list::show))
        .route("/accounts/new", get(edit::new).post(edit::create))
        .route("/accounts/bulk", post(actions::bulk))
        .route("/accounts/{id}", get(detail::show))
        .route("/accounts/{id}/edit", get(edit::edit).post(edit::update))
        .route("/accounts/{id}/archive", post(actions::archive))
        .route("/accounts/{id}/restore", post(actions::restore))
        .route("/accounts/{id}/people", post(actions::add_person))
        .route(
            "/accounts/{id}/people/{contact_id}/primary",
            post(actions::make_primary),
        )
        .route("/accounts/{id}/activities", post(actions::log_activity))
        .route("/accounts/{id}/merge", get(merge::show).post(merge::submit))
}
