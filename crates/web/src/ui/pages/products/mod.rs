//! The product pages: the catalogue with its active filter, create and edit forms, and
//! activate/deactivate buttons. How many products may be active at once is a setting
//! (the active-product cap); when the store refuses an activation for it, the page says
//! so in the store's words and points admins at the setting.

mod cap;
mod edit;
mod list;

use crate::ui::routes::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/products", list::show)
        .get("/products/new", edit::new)
        .post("/products/new", edit::create)
        .get("/products/{id}/edit", edit::edit)
        .post("/products/{id}/edit", edit::update)
        .post("/products/{id}/activate", list::activate)
        .post("/products/{id}/deactivate", list::deactivate)
}
