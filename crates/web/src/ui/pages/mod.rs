//! The pages, one module per area, in the order of the store's areas.

mod accounts;
mod distribution;
mod home;
mod leads;

use super::routes::Routes;

pub fn routes(r: Routes) -> Routes {
    let r = r
        .get("/home", home::show)
        .post("/activities/{id}/done", home::tick);
    let r = accounts::routes(r);
    let r = leads::routes(r);
    distribution::routes(r)
}
