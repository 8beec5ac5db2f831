//! Orders: `/api/v1/orders` (create with lines, list, export, read, change, delete) and
//! `PUT /api/v1/orders/{id}/items` (every line at once).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::FutureExt as _;
use rapport_domain::order::{Order, OrderChanges, OrderCreate, OrderPatch};
use rapport_domain::order_input::{read_items_body, OrderItemsReplace};
use rapport_store::orders;
use rapport_store::policy::Resource;
use serde::Serialize;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{created, if_match, tagged};
use crate::export::{self, Format, Lister};
use crate::problem::ApiResult;
use crate::query::ListQuery;
use crate::routes::IdPath;
use crate::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrderPage {
    pub data: Vec<Order>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

/// Creates an order in the initial state, numbered `ORD-<year>-<6 digits>` unless
/// `order_number` is given. `items` are priced from the catalogue (a hand-set
/// `unit_price` or `discount_percentage` by admins, restricted admins and managers
/// only) and the totals added up; `data` must satisfy the type's JSON Schema and
/// `people` hold its required roles. Partner and distributor users' orders belong to
/// their organisation.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", request_body = OrderCreate, responses(
    (status = 201, description = "Created", body = Order, headers(("Location" = String), ("ETag" = String))),
    (status = 403, description = "The role may not create orders, name another organisation or owner, or set a price by hand (names the field)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "order_number or legacy_id taken", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named (`data/…` with the JSON pointer, `items[i].…`, `people`)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_order(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let o = orders::create(&app.store, &auth.ctx, OrderChanges::read(body, true)?).await?;
    created(format!("/api/v1/orders/{}", o.id), o)
}

/// Lists the orders the caller can see, each with its people and lines. Filters:
/// `state` and `type` (keys, commas: any of), `state_id`, `order_type_id`,
/// `account_id`, `partner_id`, `distributor_id`, `owner_id` (`me`, `null`), `lead_id`,
/// `priority`, `order_number`, `legacy_id`, `currency`, and `_after`/`_before` on
/// `created` and `updated`. Sort by `created_at` (default `-created_at`), `updated_at`,
/// `order_number`, `total`.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders",
    params(
        ("state" = Option<String>, Query, description = "Filter: state keys, commas: any of"),
        ("type" = Option<String>, Query, description = "Filter: order type keys, commas: any of"),
        ("format" = Option<String>, Query, description = "json (default) or csv: every matching order as CSV, one row each without its lines and people (also with Accept: text/csv)")),
    responses(
        (status = 200, description = "A page of orders; with `format=csv`, every matching order as CSV (an attachment)", content(
            (OrderPage = "application/json"),
            (String = "text/csv"))),
        (status = 403, description = "Partner, distributor and fulfiller users may not export (names `format`)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Unknown `format`", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list_orders(
    State(app): State<AppState>,
    Authed(auth): Authed,
    headers: HeaderMap,
    ListQuery(mut params): ListQuery,
) -> ApiResult<Response> {
    if Format::of(&headers, &mut params)? == Format::Csv {
        let list: Lister<Order> = |s, a, p| async move { orders::list(&s, &a, p).await }.boxed();
        return export::csv(&app.store, &auth.ctx, Resource::Orders, params, list).await;
    }
    let page = orders::list(&app.store, &auth.ctx.actor, params).await?;
    Ok(Json(page).into_response())
}

/// Reads one order, with its people and lines.
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "The order", body = Order, headers(("ETag" = String))),
    (status = 404, description = "No such order", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_order(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        orders::get(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Changes an order's fields while its state is not final (`people` replaces them all).
/// The state moves through `/transitions`; the lines through `PUT /items`.
#[utoipa::path(patch, path = "/api/v1/orders/{id}", tag = "orders", request_body = OrderPatch,
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Updated", body = Order, headers(("ETag" = String))),
        (status = 403, description = "The role may not change orders, or names another organisation or owner", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such order", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The order is in a final state (names `state_id`), or legacy_id taken", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_order(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let o = orders::update(
        &app.store,
        &auth.ctx,
        id,
        version,
        OrderChanges::read(body, false)?,
    )
    .await?;
    Ok(tagged(StatusCode::OK, o))
}

/// Replaces every line of an order whose state is not final (an empty list removes
/// them all), priced again from the catalogue; the totals follow. `If-Match` is the
/// order's ETag.
#[utoipa::path(put, path = "/api/v1/orders/{id}/items", tag = "orders", request_body = OrderItemsReplace,
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The order with its new lines", body = Order, headers(("ETag" = String))),
        (status = 403, description = "The role may not change orders, or set a price by hand (names `items[i].unit_price`)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such order", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The order is in a final state (names `state_id`)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid lines, named (`items[i].product_id`…)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn replace_order_items(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let items = read_items_body(body)?;
    let o = orders::replace_items(&app.store, &auth.ctx, id, version, items).await?;
    Ok(tagged(StatusCode::OK, o))
}

/// Deletes an order for good, with its people, lines and history (admins); refused
/// while a contract was opened from it.
#[utoipa::path(delete, path = "/api/v1/orders/{id}", tag = "orders",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Admins only", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such order", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "A contract was opened from the order (its id in `existing_id`)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_order(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    rapport_store::lifecycle::orders::delete(&app.store, &auth.ctx, id, if_match(&headers)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
