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
pub(super) mod parts;
mod pipeline;

use crate::ui::routes::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/leads", board::show)
        .get("/leads/list", list::show)
        .get("/leads/new", edit::new)
        .post("/leads/new", edit::create)
        .get("/leads/{id}", detail::show)
        .get("/leads/{id}/edit", edit::edit)
        .post("/leads/{id}/edit", edit::update)
        .post("/leads/{id}/move", moves::submit)
        .post("/leads/{id}/archive", actions::archive)
        .post("/leads/{id}/restore", actions::restore)
        .post("/leads/{id}/activities", actions::log_activity)
        .get("/pipeline", pipeline::show)
}
