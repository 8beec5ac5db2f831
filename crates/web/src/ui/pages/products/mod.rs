//! The product pages: the catalogue with its active filter, create and edit forms, and
//! activate/deactivate buttons. How many products may be active at once is a setting
//! (the active-product cap); when the store refuses an activation for it, the page says
//! so in the store's words and points admins at the setting.

mod cap;
mod edit;
mod list;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products", get(list::show))
        .route("/products/new", get(edit::new).post(edit::create))
        .route("/products/{id}/edit", get(edit::edit).post(edit::update))
        .route("/products/{id}/activate", post(list::activate))
        .route("/products/{id}/deactivate", post(list::deactivate))
}
