//! Order types: `/api/v1/order-types` (seed 003).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use rapport_domain::order_config::{OrderType, OrderTypeChanges, OrderTypeCreate, OrderTypePatch};
use rapport_store::orders::types;
use rapport_store::Page;
use serde::Serialize;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{created, if_match, tagged, Versioned};
use crate::problem::ApiResult;
use crate::query::ListQuery;
use crate::routes::IdPath;
use crate::AppState;

impl Versioned for OrderType {
    fn version(&self) -> i64 {
        self.version
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrderTypePage {
    pub data: Vec<OrderType>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

/// Creates an order type (admins). Its `data_schema` must compile as a JSON Schema.
#[utoipa::path(post, path = "/api/v1/order-types", tag = "order configuration", request_body = OrderTypeCreate, responses(
    (status = 201, description = "Created", body = OrderType, headers(("Location" = String), ("ETag" = String))),
    (status = 403, description = "Only administrators change order configuration", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "The key or the name is taken (named, with the holder's id)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named (a data_schema that does not compile: rule json_schema)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_order_type(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let t = types::create(&app.store, &auth.ctx, OrderTypeChanges::read(body, true)?).await?;
    created(format!("/api/v1/order-types/{}", t.id), t)
}

/// Lists order types, by name. Filters: `active`, `key`, `created_after`/`_before`.
#[utoipa::path(get, path = "/api/v1/order-types", tag = "order configuration",
    responses((status = 200, description = "A page of order types", body = OrderTypePage)))]
pub async fn list_order_types(
    State(app): State<AppState>,
    Authed(auth): Authed,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<Page<OrderType>>> {
    Ok(Json(
        types::list(&app.store, &auth.ctx.actor, params).await?,
    ))
}

/// Reads one order type.
#[utoipa::path(get, path = "/api/v1/order-types/{id}", tag = "order configuration", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "The order type", body = OrderType, headers(("ETag" = String))),
    (status = 404, description = "No such order type", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_order_type(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        types::get(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Changes an order type (admins). Orders keep the data they have; the schema applies
/// to orders created or changed after.
#[utoipa::path(patch, path = "/api/v1/order-types/{id}", tag = "order configuration", request_body = OrderTypePatch,
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Updated", body = OrderType, headers(("ETag" = String))),
        (status = 403, description = "Only administrators change order configuration", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such order type", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The key or the name is taken (named, with the holder's id)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, named (a data_schema that does not compile: rule json_schema)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_order_type(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let t = types::update(
        &app.store,
        &auth.ctx,
        id,
        version,
        OrderTypeChanges::read(body, false)?,
    )
    .await?;
    Ok(tagged(StatusCode::OK, t))
}

/// Deletes an order type no order is of (admins); one in use answers 409: deactivate it.
#[utoipa::path(delete, path = "/api/v1/order-types/{id}", tag = "order configuration",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only administrators change order configuration", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such order type", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Orders are of this type (rule state, naming id)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_order_type(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    types::delete(&app.store, &auth.ctx, id, if_match(&headers)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
