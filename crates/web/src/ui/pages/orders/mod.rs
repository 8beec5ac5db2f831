//! The order pages: the list with its filters and export, the new-order form with its
//! lines (live line totals with script, computed on save without), and an order's page
//! with its state, moves, reopen, lines, people, the lab's work, messages and instructions,
//! and timeline (comments, tasks, moves, messages, instructions). Every page reads and writes
//! through the same store calls as the API's order routes.

mod detail;
mod edit;
mod list;
mod moves;
mod new;
mod parts;
mod talk;
mod work;

use crate::ui::routes::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/orders", list::show)
        .get("/orders/new", new::new)
        .post("/orders/new", new::create)
        .get("/orders/{id}", detail::show)
        .get("/orders/{id}/edit", edit::edit)
        .post("/orders/{id}/edit", edit::save)
        .post("/orders/{id}/delete", edit::delete)
        .post("/orders/{id}/projects", work::add_project)
        .post("/projects/{id}/tasks", work::add_task)
        .post("/tasks/{id}/done", work::done)
        .post("/orders/{id}/messages", talk::send)
        .post("/orders/{id}/instructions", talk::write)
        .post("/instructions/{id}/approve", talk::approve)
        .post("/orders/{id}/move", moves::submit)
        .post("/orders/{id}/reopen", moves::reopen)
        .post("/orders/{id}/activities", moves::log_activity)
}
