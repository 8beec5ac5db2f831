//! Order configuration: order types, order states with the moves between them, and the
//! whole workflow (store: `orders::types`, `orders::states`). Everyone signed in reads;
//! administrators write.

mod states;
mod types;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(types::create_order_type, types::list_order_types))
        .routes(routes!(
            types::get_order_type,
            types::update_order_type,
            types::delete_order_type
        ))
        .routes(routes!(
            states::create_order_state,
            states::list_order_states
        ))
        .routes(routes!(
            states::get_order_state,
            states::update_order_state,
            states::delete_order_state
        ))
        .routes(routes!(states::get_state_moves, states::set_state_moves))
        .routes(routes!(states::get_order_workflow))
}
