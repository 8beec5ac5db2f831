//! Order states, the moves between them, and the whole workflow:
//! `/api/v1/order-states`, `/api/v1/order-states/{id}/transitions`, `/api/v1/order-workflow`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use rapport_domain::input::Patch;
use rapport_domain::order_config::{
    OrderState, OrderStateChanges, OrderStateCreate, OrderStatePatch, StateMoves, StateMovesBody,
    StateMovesChanges, Workflow,
};
use rapport_store::orders::states;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{if_match, tagged, Versioned};
use crate::problem::ApiResult;
use crate::routes::IdPath;
use crate::AppState;

impl Versioned for OrderState {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The moves are part of their state: their ETag is the state's.
impl Versioned for StateMoves {
    fn version(&self) -> i64 {
        self.version
    }
}

crud_routes! {
    store: rapport_store::orders::states,
    record: OrderState,
    changes: OrderStateChanges,
    create: OrderStateCreate,
    patch: OrderStatePatch,
    page: OrderStatePage,
    tag: "order configuration",
    export: rapport_store::policy::Resource::OrderStates,
    collection: "/api/v1/order-states",
    item: "/api/v1/order-states/{id}",
    what: "No such order state",
    conflict: "The key or the name is taken; or the change breaks a workflow rule (rule state, naming initial, final, active or opens_contract)",
    forbidden: "Only administrators change order configuration",
    delete_who: "Only administrators change order configuration",
    delete_conflict: "Orders are in this state (naming id), or it is the initial state (naming initial)",
    /// Creates an order state (admins). Created `initial`, it takes the mark off the state
    /// that had it. It starts with no moves; give them with `PUT …/transitions`. Flags the
    /// initial state cannot have with it are refused (422 rule `initial`).
    create create_order_state,
    /// Lists order states in workflow order (`sequence`). Filters: `active`, `key`,
    /// `initial`, `final`, `fulfilment`, `opens_contract`, `created_after`/`_before`.
    list list_order_states,
    get get_order_state,
    /// Changes an order state (admins). Marking it `initial` takes the mark off the state
    /// that had it; the initial state cannot lose its mark directly, nor be final, inactive
    /// or open a contract; a state with moves out is made final once they are cleared.
    update update_order_state,
    /// Deletes an order state (admins) with the moves into and out of it. Refused while an
    /// order is in it (deactivate it instead), and for the initial state.
    delete delete_order_state,
}

/// The moves out of a state: the keys of the states its orders may move to.
#[utoipa::path(get, path = "/api/v1/order-states/{id}/transitions", tag = "order configuration", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "The state's moves; the ETag is the state's", body = StateMoves, headers(("ETag" = String))),
    (status = 404, description = "No such order state", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_state_moves(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        states::moves(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Replaces the moves out of a state (admins), a new version of the state. Refused,
/// naming `to[i]`: a key no state has, the state itself; naming `to`: any move out of a
/// final state, which freezes its orders.
#[utoipa::path(put, path = "/api/v1/order-states/{id}/transitions", tag = "order configuration", request_body = StateMovesBody,
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The state's moves now; the ETag is the state's", body = StateMoves, headers(("ETag" = String))),
        (status = 403, description = "Only administrators change order configuration", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such order state", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid moves, named (rules exists, self, final)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn set_state_moves(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let to = match StateMovesChanges::read(body, true)?.to {
        Patch::Set(to) => to,
        // The reader requires it; nothing else reaches here.
        _ => Vec::new(),
    };
    let moves = states::set_moves(&app.store, &auth.ctx, id, version, to).await?;
    Ok(tagged(StatusCode::OK, moves))
}

/// The whole workflow: every state in workflow order (sequence, then key), each with the
/// keys of the states it may move to. What the UI and clients draw it from.
#[utoipa::path(get, path = "/api/v1/order-workflow", tag = "order configuration",
    responses((status = 200, description = "Every state with its moves", body = Workflow)))]
pub async fn get_order_workflow(
    State(app): State<AppState>,
    Authed(auth): Authed,
) -> ApiResult<Json<Workflow>> {
    Ok(Json(states::workflow(&app.store, &auth.ctx.actor).await?))
}
