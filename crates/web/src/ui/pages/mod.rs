//! The pages, one module per area, in the order of the store's areas.

mod accounts;
mod admin;
mod contacts;
mod contracts;
mod distribution;
mod durations;
mod home;
mod lab;
mod leads;
mod orders;
mod products;
mod quick_activity;
mod timeline;
mod tokens;

use super::routes::Routes;

pub fn routes(r: Routes) -> Routes {
    let r = r
        .get("/home", home::show)
        .post("/activities/{id}/done", home::tick)
        .post("/messages/{id}/read", home::mark_read);
    let r = accounts::routes(r);
    let r = contacts::routes(r);
    let r = products::routes(r);
    let r = durations::routes(r);
    let r = leads::routes(r);
    let r = orders::routes(r);
    let r = distribution::routes(r);
    let r = contracts::routes(r);
    let r = lab::routes(r);
    let r = tokens::routes(r);
    admin::routes(r)
}
