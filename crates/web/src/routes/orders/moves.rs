//! An order's moves: `POST /api/v1/orders/{id}/transitions` (along the state table),
//! `/reopen` (out of a final state, admins) and the history they write.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use rapport_domain::changes::schema::{or_null, text};
use rapport_domain::order::{MoveRequest, OrderStateChange};
use rapport_store::orders;
use rapport_store::Page;
use serde::Serialize;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{Object, RefOr};

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{if_match, tagged};
use crate::problem::ApiResult;
use crate::query::ListQuery;
use crate::routes::IdPath;
use crate::AppState;

/// What a transition reads: the state to enter and, optionally, why.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct OrderTransitionRequest {
    #[schema(schema_with = state_key)]
    to: String,
    #[schema(schema_with = optional_reason)]
    reason: Option<String>,
}

/// What a reopen reads: why (required) and, optionally, the state to go back to.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct OrderReopenRequest {
    #[schema(schema_with = optional_state_key)]
    to: Option<String>,
    #[schema(schema_with = required_reason)]
    reason: String,
}

fn state_key() -> Object {
    text(100)
        .description(Some(
            "The key of the state to enter (`sent`, `fulfilled`…).",
        ))
        .build()
}

fn described(schema: Schema, description: &str) -> RefOr<Schema> {
    let mut schema = or_null(schema);
    if let Schema::Object(o) = &mut schema {
        o.description = Some(description.to_owned());
    }
    RefOr::T(schema)
}

fn optional_state_key() -> RefOr<Schema> {
    described(
        text(100).build().into(),
        "The key of a state that is not final; by default the state the order left for its final one.",
    )
}

fn optional_reason() -> RefOr<Schema> {
    described(
        text(2000).build().into(),
        "Written to the order's state history with the move.",
    )
}

fn required_reason() -> Object {
    text(2000)
        .description(Some(
            "Why the order is reopened; written to its state history.",
        ))
        .build()
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrderStateChangePage {
    pub data: Vec<OrderStateChange>,
    pub next_cursor: Option<String>,
}

/// Moves an order into another state, as the state table allows: the state's
/// timestamp is set and the move written to the history. Entering a state that opens
/// contracts (default: fulfilled) opens the order's contract in the same transaction. Every role that works orders
/// may move those it may change; fulfillers the orders in their scope.
#[utoipa::path(post, path = "/api/v1/orders/{id}/transitions", tag = "orders", request_body = OrderTransitionRequest,
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Moved", body = rapport_domain::order::Order, headers(("ETag" = String))),
        (status = 403, description = "The role may not move orders", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such order", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The order is in a final state (names `state_id`), the state table has no such move (names `to`), or the state opens a contract and no line has a duration (names `items`)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Unknown or inactive state (names `to`)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn order_transition(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let request = MoveRequest::read_transition(body)?;
    // The contracts area's move: entering a state that opens contracts opens the
    // order's contract in the same transaction.
    let o = rapport_store::contracts::moves::move_order(
        &app.store,
        &auth.ctx,
        id,
        request.to.unwrap_or_default(),
        request.reason,
        version,
    )
    .await?;
    Ok(tagged(StatusCode::OK, o))
}

/// Takes an order out of its final state (admins and restricted admins), recorded in
/// its history as a reopen with the reason.
#[utoipa::path(post, path = "/api/v1/orders/{id}/reopen", tag = "orders", request_body = OrderReopenRequest,
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Reopened", body = rapport_domain::order::Order, headers(("ETag" = String))),
        (status = 403, description = "Admins and restricted admins only", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such order", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The order is not in a final state (names `state_id`)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Missing reason, or an unknown, inactive or final state (names `to`)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn reopen_order(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let request = MoveRequest::read_reopen(body)?;
    let o = orders::reopen(&app.store, &auth.ctx, id, request, version).await?;
    Ok(tagged(StatusCode::OK, o))
}

/// The order's state history, oldest first.
#[utoipa::path(get, path = "/api/v1/orders/{id}/history", tag = "orders",
    params(("id" = uuid::Uuid, Path),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500, description = "1–500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    responses(
        (status = 200, description = "State changes", body = OrderStateChangePage),
        (status = 404, description = "No such order", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn order_history(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<Page<OrderStateChange>>> {
    Ok(Json(
        orders::history(&app.store, &auth.ctx.actor, id, params).await?,
    ))
}

timeline_route!(
    /// The order's timeline: its comments, notes and tasks with its moves, pinned first,
    /// then newest.
    order_timeline,
    "/api/v1/orders/{id}/timeline",
    "orders",
    "No such order",
    Order
);
