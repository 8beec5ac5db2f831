//! Contracts: `/api/v1/contracts` and `/api/v1/contracts/{id}` with its `status`,
//! `history`, `chain` and `renew`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::FutureExt as _;
use rapport_domain::changes::schema::{one_of, or_null, text};
use rapport_domain::contract::{
    Contract, ContractChanges, ContractCreate, ContractPatch, ContractStatus, ContractStatusChange,
    Renewal, StatusMove,
};
use rapport_domain::order::Order;
use rapport_store::contracts::{chain, contracts, history, renew};
use rapport_store::policy::Resource;
use rapport_store::Page;
use serde::Serialize;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::etag::{created, if_match, tagged};
use crate::export::{self, Format, Lister};
use crate::problem::ApiResult;
use crate::query::ListQuery;
use crate::routes::IdPath;
use crate::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ContractPage {
    pub data: Vec<Contract>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ContractStatusChangePage {
    pub data: Vec<ContractStatusChange>,
    pub next_cursor: Option<String>,
}

/// A renewal chain, oldest first, whole (`next_cursor` is always null).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ContractChain {
    pub data: Vec<Contract>,
    pub next_cursor: Option<String>,
}

/// What `POST …/status` takes, as `StatusMove::read` reads it.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ContractStatusRequest {
    #[schema(schema_with = by_hand)]
    status: String,
    #[schema(schema_with = reason)]
    reason: Option<String>,
}

/// The ends a person may move an active contract to.
fn by_hand() -> utoipa::openapi::Object {
    one_of(ContractStatus::BY_HAND.map(ContractStatus::as_str).to_vec())
        .description(Some(
            "The end of an active contract: lost, upgraded, downgraded or cancelled (expired is the daily job's).",
        ))
        .build()
}

/// What `POST …/renew` takes, as `Renewal::read` reads it.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ContractRenewalRequest {
    /// The duration every renewed line takes; each line keeps its own when not given.
    duration_id: Option<uuid::Uuid>,
}

fn reason() -> RefOr<Schema> {
    let mut schema = or_null(text(2000).build().into());
    if let Schema::Object(o) = &mut schema {
        o.description = Some("Written to the status history with the move.".to_owned());
    }
    RefOr::T(schema)
}

/// Makes a contract by hand (admins): one signed outside Rapport, or imported. It opens
/// active, numbered `CTR-<year>-<6 digits>` unless `contract_number` is given.
#[utoipa::path(post, path = "/api/v1/contracts", tag = "contracts", request_body = ContractCreate, responses(
    (status = 201, description = "Created", body = Contract, headers(("Location" = String), ("ETag" = String))),
    (status = 403, description = "Admins only, or an owner the role may not name", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 409, description = "contract_number, legacy_id or order_id taken", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn create_contract(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let k = contracts::create(&app.store, &auth.ctx, ContractChanges::read(body, true)?).await?;
    created(format!("/api/v1/contracts/{}", k.id), k)
}

/// Lists the contracts the caller can see. Filters: `status`, `account_id`,
/// `partner_id`, `distributor_id`, `owner_id` (`me`), `order_id`, `renewed_from_id`
/// (`null`: not a renewal), `contract_number`, `currency`, `billing_provider`,
/// `legacy_id`, `expiring_within` (`30d`: active contracts whose last day is at most 30
/// days away), and `_after`/`_before` on `activation_date`, `expiration_date`,
/// `created`, `updated`. Sort by `activation_date`, `expiration_date`, `created_at`,
/// `total_value` (as a number).
#[utoipa::path(get, path = "/api/v1/contracts", tag = "contracts",
    params(
        ("expiring_within" = Option<String>, Query, pattern = "^(?:[0-9]{1,4}|[0-2][0-9]{4}|3[0-5][0-9]{3}|36[0-5][0-9]{2}|36600)d$",
            description = "`<n>d`: active contracts whose expiration_date is at most n days from today (UTC), n ≤ 36600"),
        ("format" = Option<String>, Query, description = "json (default) or csv: every matching row as CSV (also with Accept: text/csv)")),
    responses(
        (status = 200, description = "A page of contracts; with `format=csv`, every matching row as CSV (an attachment)", content(
            (ContractPage = "application/json"),
            (String = "text/csv"))),
        (status = 403, description = "Partner, distributor and fulfiller users may not export (names `format`)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Unknown `format`", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list_contracts(
    State(app): State<AppState>,
    Authed(auth): Authed,
    headers: HeaderMap,
    ListQuery(mut params): ListQuery,
) -> ApiResult<Response> {
    if Format::of(&headers, &mut params)? == Format::Csv {
        let list: Lister<Contract> =
            |s, a, p| async move { contracts::list(&s, &a, p).await }.boxed();
        return export::csv(&app.store, &auth.ctx, Resource::Contracts, params, list).await;
    }
    let page = contracts::list(&app.store, &auth.ctx.actor, params).await?;
    Ok(Json(page).into_response())
}

/// Reads one contract.
#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "contracts", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The contract", body = Contract, headers(("ETag" = String))),
    (status = 404, description = "No such contract", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn get_contract(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        contracts::get(&app.store, &auth.ctx.actor, id).await?,
    ))
}

/// Changes a contract's billing references, internal notes or owner (admins and
/// managers); its parties, dates and value are fixed.
#[utoipa::path(patch, path = "/api/v1/contracts/{id}", tag = "contracts", request_body = ContractPatch,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Updated", body = Contract, headers(("ETag" = String))),
        (status = 403, description = "The role may not change contracts, or name that owner", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such contract", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_contract(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let k = contracts::update(
        &app.store,
        &auth.ctx,
        id,
        version,
        ContractChanges::read(body, false)?,
    )
    .await?;
    Ok(tagged(StatusCode::OK, k))
}

/// Ends an active contract: lost, upgraded, downgraded or cancelled (which stamps
/// `cancelled_at`), written to its history with the reason. Admins, managers, and reps
/// on contracts they see.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/status", tag = "contracts", request_body = ContractStatusRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "Moved", body = Contract, headers(("ETag" = String))),
        (status = 403, description = "The role may not change a contract's status", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such contract", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The contract is not active (names `status`)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Missing or unknown status, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn change_contract_status(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let k =
        history::change_status(&app.store, &auth.ctx, id, version, StatusMove::read(body)?).await?;
    Ok(tagged(StatusCode::OK, k))
}

/// The contract's status history, oldest first: its opening, then each move.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/history", tag = "contracts",
    params(("id" = Uuid, Path),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500, description = "1–500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    responses(
        (status = 200, description = "Status changes", body = ContractStatusChangePage),
        (status = 404, description = "No such contract", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn contract_history(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<Page<ContractStatusChange>>> {
    Ok(Json(
        history::history(&app.store, &auth.ctx.actor, id, params).await?,
    ))
}

timeline_route!(
    /// The contract's timeline: its notes and tasks with its status changes, pinned
    /// first, then newest.
    contract_timeline,
    "/api/v1/contracts/{id}/timeline",
    "contracts",
    "No such contract",
    Contract
);

/// The renewal chain around the contract, oldest first: the contracts it renews, itself,
/// and those renewing it, as far as the caller sees them.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/chain", tag = "contracts", params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The chain", body = ContractChain),
    (status = 404, description = "No such contract", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn contract_chain(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
) -> ApiResult<Json<ContractChain>> {
    let data = chain::chain(&app.store, &auth.ctx.actor, id).await?;
    Ok(Json(ContractChain {
        data,
        next_cursor: None,
    }))
}

/// Renews an active or expired contract: a new order in the initial state, of the same
/// type, parties and people as the contract's order, its lines copied and priced again
/// from today's catalogue (for `duration_id` when given, else each line's own), with
/// `renews_contract_id` set. When that order opens its contract, the new contract has
/// `renewed_from_id`. Every role but viewer and fulfiller, on contracts it sees.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/renew", tag = "contracts", request_body = ContractRenewalRequest,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, description = "The renewal order", body = Order, headers(("Location" = String), ("ETag" = String))),
        (status = 403, description = "The role may not renew contracts, or name a field of the order", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such contract", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not active or expired (names `status`), a renewal under way or done (names `renewed_from_id`), made by hand with no order (names `order_id`), or a line whose product was deleted", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "The renewal order is invalid (an unknown duration, an inactive product…), named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn renew_contract(
    State(app): State<AppState>,
    Authed(auth): Authed,
    IdPath(id): IdPath,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let order = renew::renew(&app.store, &auth.ctx, id, Renewal::read(body)?).await?;
    created(format!("/api/v1/orders/{}", order.id), order)
}
