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
use rapport_store::Page;
use serde::Serialize;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{created, if_match, tagged, Versioned};
use crate::problem::ApiResult;
use crate::query::ListQuery;
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

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrderStatePage {
    pub data: Vec<OrderState>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

/// Creates an order state (admins). Created `initial`, it takes the mark off the state
/// that had it. It starts with no moves; give them with `PUT …/transitions`.
#[utoipa::path(post, path = "/api/v1/order-states", tag = "order configuration", request_body = OrderStateCreate, responses(
    (status = 201, description = "Created", body = OrderState, headers(("Location" = String), ("ETag" = String))),
    (status = 403, description = "Only administrators change order configuration", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "The key or the name is taken (named, with the holder's id)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named; flags the initial state cannot have with it (rule initial)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_order_state(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let s = states::create(&app.store, &auth.ctx, OrderStateChanges::read(body, true)?).await?;
    created(format!("/api/v1/order-states/{}", s.id), s)
}

/// Lists order states in workflow order (`sequence`). Filters: `active`, `key`,
/// `initial`, `final`, `fulfilment`, `opens_contract`, `created_after`/`_before`.
#[utoipa::path(get, path = "/api/v1/order-states", tag = "order configuration",
    responses((status = 200, description = "A page of order states", body = OrderStatePage)))]
pub async fn list_order_states(
    State(app): State<AppState>,
    Authed(auth): Authed,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<Page<OrderState>>> {
    Ok(Json(
        states::list(&app.store, &auth.ctx.actor, params).await?,
    ))
}

/// Reads one order state.
#[utoipa::path(get, path = "/api/v1/order-states/{id}", tag = "order configuration", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "The order state", body = OrderState, headers(("ETag" = String))),
    (status = 404, description = "No such order state", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_order_state(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        states::get(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Changes an order state (admins). Marking it `initial` takes the mark off the state
/// that had it; the initial state cannot lose its mark directly, nor be final, inactive
/// or open a contract; a state with moves out is made final once they are cleared.
#[utoipa::path(patch, path = "/api/v1/order-states/{id}", tag = "order configuration", request_body = OrderStatePatch,
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Updated", body = OrderState, headers(("ETag" = String))),
        (status = 403, description = "Only administrators change order configuration", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such order state", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The key or the name is taken; or the change breaks a workflow rule (rule state, naming initial, final, active or opens_contract)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_order_state(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let s = states::update(
        &app.store,
        &auth.ctx,
        id,
        version,
        OrderStateChanges::read(body, false)?,
    )
    .await?;
    Ok(tagged(StatusCode::OK, s))
}

/// Deletes an order state (admins) with the moves into and out of it. Refused while an
/// order is in it (deactivate it instead), and for the initial state.
#[utoipa::path(delete, path = "/api/v1/order-states/{id}", tag = "order configuration",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only administrators change order configuration", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such order state", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Orders are in this state (naming id), or it is the initial state (naming initial)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_order_state(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    states::delete(&app.store, &auth.ctx, id, if_match(&headers)?).await?;
    Ok(StatusCode::NO_CONTENT)
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
