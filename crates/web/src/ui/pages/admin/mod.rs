//! The admin pages, for admins and restricted admins: users (with the queue of directory
//! users waiting for approval), distributor–partner links, shared settings and the audit
//! log. Each page asks the store first, so another role gets the store's refusal, and a
//! restricted admin the store's refusal when touching an admin.

mod audit;
pub mod nav;
mod partners;
mod settings;
mod user_edit;
mod user_new;
mod users;

use axum::response::Redirect;
use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(|| async { Redirect::to("/admin/users") }))
        .route("/admin/users", get(users::show).post(user_new::create))
        .route(
            "/admin/users/{id}",
            get(user_edit::show).post(user_edit::update),
        )
        .route("/admin/users/{id}/enable", post(user_edit::enable))
        .route("/admin/users/{id}/disable", post(user_edit::disable))
        .route(
            "/admin/partners",
            get(partners::show).post(partners::assign),
        )
        .route(
            "/admin/partners/{distributor_id}/{partner_id}/deactivate",
            post(partners::deactivate),
        )
        // Tokens belong to each user (the API lets anyone make their own): one page for all.
        .route("/admin/tokens", get(|| async { Redirect::to("/tokens") }))
        .route(
            "/admin/settings",
            get(settings::show).post(settings::update),
        )
        .route("/admin/audit", get(audit::show))
}
