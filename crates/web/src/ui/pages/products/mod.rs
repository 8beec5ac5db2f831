//! The product pages: the catalogue with its filters, create and edit forms, and
//! activate/deactivate buttons; each product's page with its price tiers (a form per
//! period replaces a ladder) and a quote box. How many products may be active at once is
//! a setting (the active-product cap); when the store refuses an activation for it, the
//! page says so in the store's words and points admins at the setting.

mod cap;
mod detail;
mod edit;
mod list;
mod tiers;

use crate::ui::routes::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/products", list::show)
        .get("/products/new", edit::new)
        .post("/products/new", edit::create)
        .get("/products/{id}", detail::show)
        .get("/products/{id}/edit", edit::edit)
        .post("/products/{id}/edit", edit::update)
        .post("/products/{id}/activate", list::activate)
        .post("/products/{id}/deactivate", list::deactivate)
        .post("/products/{id}/tiers", tiers::replace)
        .post("/products/{id}/quote", detail::quote)
}
