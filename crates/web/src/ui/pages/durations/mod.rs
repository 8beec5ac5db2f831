//! The durations of the catalogue (seed 004): how long a subscription runs and its
//! discount. One page lists them by months with a form to add one; each has an edit form
//! and a delete button. Everyone signed in reads them; the product managers write them
//! and admins delete them, as the store decides (`catalog::durations`).

mod edit;
mod list;

use crate::ui::routes::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/durations", list::show)
        .post("/durations", list::create)
        .get("/durations/{id}/edit", edit::edit)
        .post("/durations/{id}/edit", edit::update)
        .post("/durations/{id}/delete", list::delete)
}
