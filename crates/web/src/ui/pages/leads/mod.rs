//! The lead pages: the kanban board by status with its move forms, the list view, a
//! lead's detail (history, timeline, quick call and note), create and edit, and the
//! pipeline totals by currency. Every page reads and writes through the same store
//! calls as the API's lead routes, so the store's policy decides what a viewer sees.

mod actions;
mod board;
mod detail;
mod edit;
mod list;
mod moves;
mod parts;
mod pipeline;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leads", get(board::show))
        .route("/leads/list", get(list::show))
        .route("/leads/new", get(edit::new).post(edit::create))
        .route("/leads/{id}", get(detail::show))
        .route("/leads/{id}/edit", get(edit::edit).post(edit::update))
        .route("/leads/{id}/move", post(moves::submit))
        .route("/leads/{id}/archive", post(actions::archive))
        .route("/leads/{id}/restore", post(actions::restore))
        .route("/leads/{id}/activities", post(actions::log_activity))
        .route("/pipeline", get(pipeline::show))
}
