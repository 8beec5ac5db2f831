//! The distribution pages: the log, the bulk paste, linking legacy names, lot trace, and
//! the sales and pipeline dashboards over the same store calls as their API routes.

mod bulk;
mod csv_text;
mod link;
mod list;
mod pipeline;
mod sales;
mod trace;

use crate::ui::routes::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/distributions", list::show)
        .get("/distributions/bulk", bulk::show)
        .post("/distributions/bulk", bulk::submit)
        .get("/distributions/link", link::show)
        .post("/distributions/link", link::submit)
        .get("/distributions/trace", trace::show)
        .get("/dashboards/sales", sales::show)
        .get("/dashboards/pipeline", pipeline::show)
}
