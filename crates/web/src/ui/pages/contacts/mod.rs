//! The contact pages: the people Rapport knows, found by search and filters, each with
//! the accounts they are linked to, and their edit form. People are added from an
//! account's page (a person starts with a link), so there is no stand-alone create here.

mod detail;
mod edit;
mod list;

use crate::ui::routes::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/contacts", list::show)
        .get("/contacts/{id}", detail::show)
        .get("/contacts/{id}/edit", edit::edit)
        .post("/contacts/{id}/edit", edit::update)
}
