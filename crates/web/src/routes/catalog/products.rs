//! Products: `/api/v1/products` (seed 002).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use rapport_domain::product::{Product, ProductChanges, ProductCreate, ProductPatch};
use rapport_store::catalog::products;
use rapport_store::Page;
use serde::Serialize;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{created, if_match, tagged};
use crate::problem::ApiResult;
use crate::query::ListQuery;
use crate::routes::IdPath;
use crate::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProductPage {
    pub data: Vec<Product>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

/// Creates a product (admins and managers).
#[utoipa::path(post, path = "/api/v1/products", tag = "products", request_body = ProductCreate, responses(
    (status = 201, description = "Created", body = Product, headers(("Location" = String), ("ETag" = String))),
    (status = 403, description = "The role may not manage products", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "Name, sku or legacy_id taken, or the active cap reached", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_product(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let p = products::create(&app.store, &auth.ctx, ProductChanges::read(body, true)?).await?;
    created(format!("/api/v1/products/{}", p.id), p)
}

/// Lists products, by name. Filters: `active`, `sku`, `type`, `category`, `unit`, `currency`,
/// `legacy_id`, `created_after`/`_before`.
#[utoipa::path(get, path = "/api/v1/products", tag = "products",
    responses((status = 200, description = "A page of products", body = ProductPage)))]
pub async fn list_products(
    State(app): State<AppState>,
    Authed(auth): Authed,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<Page<Product>>> {
    Ok(Json(
        products::list(&app.store, &auth.ctx.actor, params).await?,
    ))
}

/// Reads one product.
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "products", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "The product", body = Product, headers(("ETag" = String))),
    (status = 404, description = "No such product", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_product(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        products::get(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Changes a product; activating one past the cap answers 409 (rule `state`).
#[utoipa::path(patch, path = "/api/v1/products/{id}", tag = "products", request_body = ProductPatch,
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Updated", body = Product, headers(("ETag" = String))),
        (status = 404, description = "No such product", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Taken name, or the active cap reached", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_product(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let p = products::update(
        &app.store,
        &auth.ctx,
        id,
        version,
        ProductChanges::read(body, false)?,
    )
    .await?;
    Ok(tagged(StatusCode::OK, p))
}

/// Deletes a product (admins); its leads keep going without a product of interest.
#[utoipa::path(delete, path = "/api/v1/products/{id}", tag = "products",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Admins only", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_product(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    rapport_store::lifecycle::products::delete(&app.store, &auth.ctx, id, if_match(&headers)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
