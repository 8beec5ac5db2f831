//! The contact pages: the people Rapport knows, found by search and filters, each with
//! the accounts they are linked to, and their edit form. People are added from an
//! account's page (a person starts with a link), so there is no stand-alone create here.

mod detail;
mod edit;
mod list;

use axum::routing::get;
use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts", get(list::show))
        .route("/contacts/{id}", get(detail::show))
        .route("/contacts/{id}/edit", get(edit::edit).post(edit::update))
}
