//! The lab's standing views as pages (seed 003; docs/lab.md): the order summary, active
//! projects with their task counts, and monthly order statistics, each read through the
//! same store call as its API route, so scoped alike.

mod views;

use crate::ui::routes::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/lab/orders", views::order_summary)
        .get("/lab/projects", views::active_projects)
        .get("/lab/stats", views::monthly_stats)
}
