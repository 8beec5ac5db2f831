//! Endpoints, grouped by domain area as the store is (crates/store/src/lib.rs). Each area
//! has one `router()` in its mod.rs that registers every handler of the area once, with
//! utoipa-axum's `routes!`: the registration routes the handler and carries its OpenAPI
//! path, so the API document cannot list a route the router lacks, or the reverse.
//!
//! `routes!` takes the handlers of one path only (it gives all of them one method router),
//! so a path with several methods is one `routes!(a, b)` call.

/// A record's timeline route (`GET …/{id}/timeline`): the same parameters, answers and
/// store call (`timeline::merged::page`) for every kind of record; only the path, tag,
/// wording and [`Subject`](rapport_store::timeline::merged::Subject) differ.
macro_rules! timeline_route {
    ($(#[doc = $doc:literal])* $name:ident, $path:literal, $tag:literal, $missing:literal, $subject:ident) => {
        $(#[doc = $doc])*
        #[utoipa::path(get, path = $path, tag = $tag,
            params(("id" = uuid::Uuid, Path),
                ("limit" = Option<u32>, Query, minimum = 1, maximum = 500, description = "1–500, default 50"),
                ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
            responses(
                (status = 200, description = "A page of the timeline", body = rapport_store::timeline::merged::TimelinePage),
                (status = 404, description = $missing, body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
        pub async fn $name(
            axum::extract::State(app): axum::extract::State<crate::AppState>,
            crate::auth::Authed(auth): crate::auth::Authed,
            crate::routes::IdPath(id): crate::routes::IdPath,
            crate::query::ListQuery(params): crate::query::ListQuery,
        ) -> crate::problem::ApiResult<axum::Json<rapport_store::timeline::merged::TimelinePage>> {
            let subject = rapport_store::timeline::merged::Subject::$subject(id);
            Ok(axum::Json(
                rapport_store::timeline::merged::page(&app.store, &auth.ctx.actor, subject, params).await?,
            ))
        }
    };
}

mod auth;
mod catalog;
mod contracts;
mod customers;
mod distribution;
mod ids;
mod lab;
mod operations;
mod order_config;
mod orders;
mod pipeline;
mod reports;
mod timeline;

use axum::routing::get;
use rapport_store::kernel::list::ListSpec;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub(crate) use ids::{IdPair, IdPath};
// The request readers the pages share with their API routes.
pub(crate) use auth::read_token_request;
pub(crate) use customers::read_partner_link;

/// The list behind each list path, whose sortable fields the document's `sort`
/// parameter lists (crate::openapi::with_parameter_rules).
pub static LISTS: [(&str, &ListSpec); 15] = [
    (
        "/api/v1/accounts",
        &rapport_store::customers::accounts::SPEC,
    ),
    (
        "/api/v1/contacts",
        &rapport_store::customers::contacts::SPEC,
    ),
    ("/api/v1/products", &rapport_store::catalog::products::SPEC),
    (
        "/api/v1/durations",
        &rapport_store::catalog::durations::SPEC,
    ),
    ("/api/v1/leads", &rapport_store::pipeline::leads::SPEC),
    (
        "/api/v1/distributions",
        &rapport_store::distribution::distributions::SPEC,
    ),
    (
        "/api/v1/activities",
        &rapport_store::timeline::activities::SPEC,
    ),
    (
        "/api/v1/accounts/{id}/notes",
        &rapport_store::timeline::notes::SPEC,
    ),
    ("/api/v1/audit", &rapport_store::reports::audit_log::SPEC),
    ("/api/v1/order-types", &rapport_store::orders::types::SPEC),
    ("/api/v1/order-states", &rapport_store::orders::states::SPEC),
    ("/api/v1/orders", &rapport_store::orders::orders::SPEC),
    (
        "/api/v1/contracts",
        &rapport_store::contracts::contracts::SPEC,
    ),
    ("/api/v1/projects", &rapport_store::lab::projects::SPEC),
    ("/api/v1/tasks", &rapport_store::lab::tasks::SPEC),
];

/// Routes behind authentication (each handler decides whether it needs a user).
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .merge(auth::router())
        .merge(customers::router())
        .merge(catalog::router())
        .merge(pipeline::router())
        .merge(order_config::router())
        .merge(orders::router())
        .merge(distribution::router())
        .merge(contracts::router())
        .merge(lab::router())
        .merge(timeline::router())
        .merge(reports::router())
}

/// Routes anyone may call. The API document and its docs page are served here but not
/// described in the document, as before the areas.
pub fn public() -> OpenApiRouter<AppState> {
    operations::router()
        .route("/api/v1/openapi.json", get(crate::openapi::spec))
        .route("/api/docs", get(crate::openapi::docs_page))
        .route("/api/docs/{asset}", get(crate::openapi::docs_asset))
}
