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

/// The five routes of a plain record kept by one store module (`create`, `list`, `get`,
/// `update`, `delete`, the record's changes read by its `…Changes::read`): one shape,
/// so that each resource states only its names, paths and wording. The types are named
/// by plain identifiers the calling module imports (the OpenAPI attributes want them
/// as written). The answers are the
/// API's conventions (201 with Location and ETag, If-Match on writes, problem+json).
macro_rules! crud_routes {
    (
        store: $store:path,
        record: $record:ident, changes: $changes:ident, create: $create:ident, patch: $patch:ident,
        page: $page:ident, tag: $tag:literal, export: $resource:expr,
        collection: $collection:literal, item: $item:literal, what: $what:literal,
        conflict: $conflict:literal, forbidden: $forbidden:literal, delete_who: $delete_who:literal,
        $(delete_conflict: $delete_conflict:literal,)?
        $(#[doc = $create_doc:literal])* create $create_fn:ident,
        $(#[doc = $list_doc:literal])* list $list_fn:ident,
        get $get_fn:ident,
        $(#[doc = $update_doc:literal])* update $update_fn:ident,
        $(#[doc = $delete_doc:literal])* delete $delete_fn:ident $(,)?
    ) => {
        use $store as store;

        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $page {
            pub data: Vec<$record>,
            pub next_cursor: Option<String>,
            pub total: Option<i64>,
            /// With `total`: false when counting stopped at its limit, so `total` is a
            /// lower bound (docs/api.md "Totals").
            pub total_exact: Option<bool>,
        }

        $(#[doc = $create_doc])*
        #[utoipa::path(post, path = $collection, tag = $tag, request_body = $create, responses(
            (status = 201, description = "Created", body = $record, headers(("Location" = String), ("ETag" = String))),
            (status = 403, description = $forbidden, body = crate::problem::ProblemBody, content_type = "application/problem+json"),
            (status = 409, description = $conflict, body = crate::problem::ProblemBody, content_type = "application/problem+json"),
            (status = 422, description = "Invalid fields, named (a link naming nothing the caller sees: rule `exists`)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
        pub async fn $create_fn(
            axum::extract::State(app): axum::extract::State<crate::AppState>,
            crate::auth::Authed(auth): crate::auth::Authed,
            crate::body::JsonBody(body): crate::body::JsonBody,
        ) -> crate::problem::ApiResult<axum::response::Response> {
            let x = store::create(&app.store, &auth.ctx, $changes::read(body, true)?).await?;
            crate::etag::created(format!("{}/{}", $collection, x.id), x)
        }

        $(#[doc = $list_doc])*
        #[doc = ""]
        #[doc = "With `format=csv` (or `Accept: text/csv`), every matching record as CSV."]
        #[utoipa::path(get, path = $collection, tag = $tag,
            params(("format" = Option<String>, Query, description = "json (default) or csv: every matching record as CSV (also with Accept: text/csv)")),
            responses(
                (status = 200, description = "A page; with `format=csv`, every matching record as CSV (an attachment)", content(
                    ($page = "application/json"),
                    (String = "text/csv"))),
                (status = 403, description = "Partner, distributor and fulfiller users may not export (names `format`)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
                (status = 422, description = "Unknown `format`", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
        pub async fn $list_fn(
            axum::extract::State(app): axum::extract::State<crate::AppState>,
            crate::auth::Authed(auth): crate::auth::Authed,
            headers: axum::http::HeaderMap,
            crate::query::ListQuery(mut params): crate::query::ListQuery,
        ) -> crate::problem::ApiResult<axum::response::Response> {
            use axum::response::IntoResponse as _;
            use futures::FutureExt as _;
            if crate::export::Format::of(&headers, &mut params)? == crate::export::Format::Csv {
                let list: crate::export::Lister<$record> =
                    |s, a, p| async move { store::list(&s, &a, p).await }.boxed();
                return crate::export::csv(&app.store, &auth.ctx, $resource, params, list).await;
            }
            Ok(axum::Json(store::list(&app.store, &auth.ctx.actor, params).await?).into_response())
        }

        #[doc = "Reads one."]
        #[utoipa::path(get, path = $item, tag = $tag, params(("id" = uuid::Uuid, Path)), responses(
            (status = 200, description = "The record", body = $record, headers(("ETag" = String))),
            (status = 404, description = $what, body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
        pub async fn $get_fn(
            axum::extract::State(app): axum::extract::State<crate::AppState>,
            crate::auth::Authed(auth): crate::auth::Authed,
            crate::routes::IdPath(id): crate::routes::IdPath,
        ) -> crate::problem::ApiResult<axum::response::Response> {
            let x = store::get(&app.store, &auth.ctx.actor, id).await?;
            Ok(crate::etag::tagged(axum::http::StatusCode::OK, x))
        }

        $(#[doc = $update_doc])*
        #[utoipa::path(patch, path = $item, tag = $tag, request_body = $patch,
            params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
            responses(
                (status = 200, description = "Updated", body = $record, headers(("ETag" = String))),
                (status = 403, description = "The role may not change it", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
                (status = 404, description = $what, body = crate::problem::ProblemBody, content_type = "application/problem+json"),
                (status = 409, description = $conflict, body = crate::problem::ProblemBody, content_type = "application/problem+json"),
                (status = 412, description = "If-Match names another version", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
                (status = 422, description = "Invalid fields, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
        pub async fn $update_fn(
            axum::extract::State(app): axum::extract::State<crate::AppState>,
            crate::auth::Authed(auth): crate::auth::Authed,
            crate::routes::IdPath(id): crate::routes::IdPath,
            headers: axum::http::HeaderMap,
            crate::body::JsonBody(body): crate::body::JsonBody,
        ) -> crate::problem::ApiResult<axum::response::Response> {
            let version = crate::etag::if_match(&headers)?;
            let changes = $changes::read(body, false)?;
            let x = store::update(&app.store, &auth.ctx, id, version, changes).await?;
            Ok(crate::etag::tagged(axum::http::StatusCode::OK, x))
        }

        $(#[doc = $delete_doc])*
        #[utoipa::path(delete, path = $item, tag = $tag,
            params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
            responses(
                (status = 204, description = "Deleted"),
                (status = 403, description = $delete_who, body = crate::problem::ProblemBody, content_type = "application/problem+json"),
                (status = 404, description = $what, body = crate::problem::ProblemBody, content_type = "application/problem+json"),
                $((status = 409, description = $delete_conflict, body = crate::problem::ProblemBody, content_type = "application/problem+json"),)?
                (status = 412, description = "If-Match names another version", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
        pub async fn $delete_fn(
            axum::extract::State(app): axum::extract::State<crate::AppState>,
            crate::auth::Authed(auth): crate::auth::Authed,
            crate::routes::IdPath(id): crate::routes::IdPath,
            headers: axum::http::HeaderMap,
        ) -> crate::problem::ApiResult<axum::http::StatusCode> {
            store::delete(&app.store, &auth.ctx, id, crate::etag::if_match(&headers)?).await?;
            Ok(axum::http::StatusCode::NO_CONTENT)
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
pub static LISTS: [(&str, &ListSpec); 20] = [
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
    (
        "/api/v1/message-types",
        &rapport_store::lab::message_types::SPEC,
    ),
    ("/api/v1/messages", &rapport_store::lab::messages::SPEC),
    (
        "/api/v1/instructions",
        &rapport_store::lab::instructions::SPEC,
    ),
    (
        "/api/v1/views/order-summary",
        &rapport_store::orders::orders::SPEC,
    ),
    (
        "/api/v1/views/active-projects",
        &rapport_store::lab::projects::SPEC,
    ),
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
