//! The account pages: list, detail, create and edit, merge, and their actions.

mod actions;
mod detail;
mod edit;
pub mod list;
mod merge;
mod reps;

use crate::ui::routes::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/accounts", list::show)
        .get("/accounts/new", edit::new)
        .post("/accounts/new", edit::create)
        .post("/accounts/bulk", actions::bulk)
        .get("/accounts/{id}", detail::show)
        .get("/accounts/{id}/edit", edit::edit)
        .post("/accounts/{id}/edit", edit::update)
        .post("/accounts/{id}/archive", actions::archive)
        .post("/accounts/{id}/restore", actions::restore)
        .post("/accounts/{id}/people", actions::add_person)
        .post(
            "/accounts/{id}/people/{contact_id}/primary",
            actions::make_primary,
        )
        .post("/accounts/{id}/activities", actions::log_activity)
        .post("/accounts/{id}/reps", reps::add)
        .post("/accounts/{id}/reps/{user_id}/remove", reps::remove)
        .get("/accounts/{id}/merge", merge::show)
        .post("/accounts/{id}/merge", merge::submit)
}
