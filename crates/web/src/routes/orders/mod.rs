//! Orders: CRUD with their lines and people, their moves, history and timeline.

mod moves;
// The area and its main record share a name.
#[allow(clippy::module_inception)]
mod orders;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(orders::create_order, orders::list_orders))
        .routes(routes!(
            orders::get_order,
            orders::update_order,
            orders::delete_order
        ))
        .routes(routes!(orders::replace_order_items))
        .routes(routes!(moves::order_transition))
        .routes(routes!(moves::reopen_order))
        .routes(routes!(moves::order_history))
        .routes(routes!(moves::order_timeline))
}
