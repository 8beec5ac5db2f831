//! The pages, one module per area, in the order of the store's areas.

mod accounts;
mod admin;
mod contacts;
mod home;
mod products;
mod tokens;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/home", get(home::show))
        .route("/activities/{id}/done", post(home::tick))
        .merge(accounts::router())
        .merge(contacts::router())
        .merge(products::router())
        .merge(admin::router())
        .merge(tokens::router())
}
