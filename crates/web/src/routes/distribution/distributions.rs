//! The distribution log: `/api/v1/distributions` (seed 000), its bulk create, the
//! legacy-name linking and lot/SKU traceability.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::FutureExt as _;
use rapport_domain::distribution::{
    Distribution, DistributionChanges, DistributionCreate, DistributionPatch,
};
use rapport_store::distribution::distributions::{self, LinkSummary, Trace, MAX_BULK};
use rapport_store::policy::Resource;
use rapport_store::ListParams;
use serde::Serialize;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{created, if_match, tagged};
use crate::export::{self, Format, Lister};
use crate::problem::{ApiResult, Problem};
use crate::query::ListQuery;
use crate::routes::IdPath;
use crate::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct DistributionPage {
    pub data: Vec<Distribution>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

/// What `bulk_create` reads: the entries, nothing else.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct BulkWrite {
    /// 1 to 10,000 entries, each as for a single create (`source` defaults to import).
    #[schema(min_items = 1, max_items = 10_000)]
    items: Vec<DistributionCreate>,
}

/// What `link` reads: `{}` links, `{"dry_run": true}` only reports.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct DistributionLinkRequest {
    /// Report what would be linked and created, and change nothing (default false).
    dry_run: Option<bool>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct BulkCreated {
    pub created: usize,
    /// The new entries' ids, in the order of the items.
    pub ids: Vec<uuid::Uuid>,
}

/// Records a shipment.
#[utoipa::path(post, path = "/api/v1/distributions", tag = "distributions", request_body = DistributionCreate, responses(
    (status = 201, description = "Created", body = Distribution, headers(("Location" = String), ("ETag" = String))),
    (status = 403, description = "The role may not record shipments, or names another rep", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "Another entry has this legacy_id", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_distribution(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let today = chrono::Utc::now().date_naive();
    let d = distributions::create(
        &app.store,
        &auth.ctx,
        DistributionChanges::read(body, true, today)?,
    )
    .await?;
    created(format!("/api/v1/distributions/{}", d.id), d)
}

/// Records up to 10,000 shipments at once, all or none. On failure nothing is written
/// and every bad item is named by `errors[].index`.
#[utoipa::path(post, path = "/api/v1/distributions/bulk", tag = "distributions", request_body = BulkWrite, responses(
    (status = 201, description = "Created", body = BulkCreated),
    (status = 409, description = "An entry has the legacy_id of another (nothing is written)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 413, description = "Body over max_bulk_body_bytes", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Bad items, each with its index; or more than 10,000", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn bulk_create_distributions(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let serde_json::Value::Object(mut body) = body else {
        return Err(Problem::validation(vec![rapport_domain::FieldError::new(
            "",
            "object",
            "send an object {\"items\": [...]}",
        )]));
    };
    let items = match body.remove("items") {
        Some(serde_json::Value::Array(items)) => items,
        _ => {
            return Err(Problem::validation(vec![rapport_domain::FieldError::new(
                "items",
                "required",
                format!("must be an array of 1 to {MAX_BULK} entries"),
            )]))
        }
    };
    if let Some(other) = body.keys().next() {
        return Err(Problem::validation(vec![rapport_domain::FieldError::new(
            other,
            "unknown_field",
            "is not a field of a bulk request; send {\"items\": [...]}",
        )]));
    }
    let ids = distributions::bulk_create(&app.store, &auth.ctx, items).await?;
    Ok((
        StatusCode::CREATED,
        Json(BulkCreated {
            created: ids.len(),
            ids,
        }),
    )
        .into_response())
}

/// Lists entries, newest ship date first. Filters: `ship_date_after` (inclusive) and
/// `ship_date_before` (exclusive), `customer_id`, `rep_id` (`me`), `sku`, `lot_number`,
/// `order_number`, `product_id`, `source`, `linked=true|false`, `created_after`/`_before`.
#[utoipa::path(get, path = "/api/v1/distributions", tag = "distributions",
    params(
        ("linked" = Option<bool>, Query, description = "whether the entry has a customer account"),
        ("format" = Option<String>, Query, description = "json (default) or csv: every matching row as CSV (also with Accept: text/csv)")),
    responses(
        (status = 200, description = "A page of entries; with `format=csv`, every matching row as CSV (an attachment)", content(
            (DistributionPage = "application/json"),
            (String = "text/csv"))),
        (status = 403, description = "Partner, distributor and fulfiller users may not export (names `format`)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Unknown `format`", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list_distributions(
    State(app): State<AppState>,
    Authed(auth): Authed,
    headers: HeaderMap,
    ListQuery(mut params): ListQuery,
) -> ApiResult<Response> {
    if Format::of(&headers, &mut params)? == Format::Csv {
        let list: Lister<Distribution> =
            |s, a, p| async move { distributions::list(&s, &a, p).await }.boxed();
        return export::csv(&app.store, &auth.ctx, Resource::Distributions, params, list).await;
    }
    let page = distributions::list(&app.store, &auth.ctx.actor, params).await?;
    Ok(Json(page).into_response())
}

/// Reads one entry.
#[utoipa::path(get, path = "/api/v1/distributions/{id}", tag = "distributions", params(("id" = uuid::Uuid, Path)), responses(
    (status = 200, description = "The entry", body = Distribution, headers(("ETag" = String))),
    (status = 404, description = "No such entry you can see", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_distribution(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        distributions::get(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Corrects an entry; the dashboard's figures follow in the same transaction.
#[utoipa::path(patch, path = "/api/v1/distributions/{id}", tag = "distributions", request_body = DistributionPatch,
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Updated", body = Distribution, headers(("ETag" = String))),
        (status = 404, description = "No such entry you can see", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Another entry has this legacy_id", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_distribution(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let today = chrono::Utc::now().date_naive();
    let d = distributions::update(
        &app.store,
        &auth.ctx,
        id,
        version,
        DistributionChanges::read(body, false, today)?,
    )
    .await?;
    Ok(tagged(StatusCode::OK, d))
}

/// Deletes an entry (admins and managers), audited with its full record.
#[utoipa::path(delete, path = "/api/v1/distributions/{id}", tag = "distributions",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "The role may not delete entries", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such entry you can see", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn delete_distribution(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    distributions::delete(&app.store, &auth.ctx, id, if_match(&headers)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Links entries that carry only a legacy `customer_name` to the account with the same
/// company key, creating it when there is none (admins). `{"dry_run": true}` reports
/// what would happen and changes nothing. Running it again links nothing new.
#[utoipa::path(post, path = "/api/v1/distributions/link", tag = "distributions", request_body = DistributionLinkRequest, responses(
    (status = 200, description = "What was (or would be) linked and created, and what was skipped and why", body = LinkSummary),
    (status = 403, description = "Admins only", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named (`dry_run` not a boolean, an unknown field)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn link_customers(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<LinkSummary>> {
    let mut r = rapport_domain::input::ObjectReader::new(body)?;
    let dry_run = matches!(
        r.patch_bool("dry_run"),
        rapport_domain::input::Patch::Set(true)
    );
    r.finish()?;
    Ok(Json(
        distributions::link(&app.store, &auth.ctx, dry_run, &|_| {}).await?,
    ))
}

/// Where a lot (`lot=`) or a SKU (`sku=`) went: every customer it reached with their
/// shipments, units and first and last ship dates, and the shipments themselves, one
/// page at a time (list parameters apply to `shipments`).
#[utoipa::path(get, path = "/api/v1/distributions/trace", tag = "distributions",
    params(
        ("lot" = Option<String>, Query, description = "a lot number; give lot or sku"),
        ("sku" = Option<String>, Query),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500, description = "shipments per page, 1–500"),
        ("cursor" = Option<String>, Query)),
    responses(
        (status = 200, description = "The trace", body = Trace),
        (status = 400, description = "Neither or both of lot and sku", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn trace_shipments(
    State(app): State<AppState>,
    Authed(auth): Authed,
    ListQuery(mut params): ListQuery,
) -> ApiResult<Json<Trace>> {
    let lot = take_one(&mut params, "lot");
    let sku = take_one(&mut params, "sku");
    Ok(Json(
        distributions::trace(&app.store, &auth.ctx.actor, lot, sku, params).await?,
    ))
}

fn take_one(params: &mut ListParams, name: &str) -> Option<String> {
    params.take_filter(name).pop()
}
