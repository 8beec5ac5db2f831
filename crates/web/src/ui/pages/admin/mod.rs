//! The admin pages, for admins and restricted admins: users (with the queue of directory
//! users waiting for approval), distributor–partner links, shared settings, order types
//! and the order workflow, and the audit log. Each page asks the store first, so another
//! role gets the store's refusal, and a restricted admin the store's refusal when
//! touching an admin.

mod audit;
pub mod nav;
mod order_state_edit;
mod order_states;
mod order_types;
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
        .get("/admin/order-types", order_types::show)
        .get("/admin/order-types/new", order_types::new)
        .post("/admin/order-types/new", order_types::create)
        .get("/admin/order-types/{id}", order_types::edit)
        .post("/admin/order-types/{id}", order_types::update)
        .post("/admin/order-types/{id}/delete", order_types::delete)
        .get("/admin/order-states", order_states::show)
        .post(
            "/admin/order-states/{id}/transitions",
            order_states::set_moves,
        )
        .get("/admin/order-states/new", order_state_edit::new)
        .post("/admin/order-states/new", order_state_edit::create)
        .get("/admin/order-states/{id}", order_state_edit::edit)
        .post("/admin/order-states/{id}", order_state_edit::update)
        .post("/admin/order-states/{id}/delete", order_state_edit::delete)
}
