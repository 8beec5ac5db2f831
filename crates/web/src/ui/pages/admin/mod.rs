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

use crate::ui::routes::Routes;

async fn to_users() -> Redirect {
    Redirect::to("/admin/users")
}

/// Tokens belong to each user (the API lets anyone make their own): one page for all.
async fn to_tokens() -> Redirect {
    Redirect::to("/tokens")
}

pub fn routes(r: Routes) -> Routes {
    r.get("/admin", to_users)
        .get("/admin/users", users::show)
        .post("/admin/users", user_new::create)
        .get("/admin/users/{id}", user_edit::show)
        .post("/admin/users/{id}", user_edit::update)
        .post("/admin/users/{id}/enable", user_edit::enable)
        .post("/admin/users/{id}/disable", user_edit::disable)
        .get("/admin/partners", partners::show)
        .post("/admin/partners", partners::assign)
        .post(
            "/admin/partners/{distributor_id}/{partner_id}/deactivate",
            partners::deactivate,
        )
        .get("/admin/tokens", to_tokens)
        .get("/admin/settings", settings::show)
        .post("/admin/settings", settings::update)
        .get("/admin/audit", audit::show)
}
