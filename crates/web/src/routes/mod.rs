//! Endpoints, grouped by domain area as the store is (crates/store/src/lib.rs). Each area
//! has one `router()` in its mod.rs that registers every handler of the area once, with
//! utoipa-axum's `routes!`: the registration routes the handler and carries its OpenAPI
//! path, so the API document cannot list a route the router lacks, or the reverse.
//!
//! `routes!` takes the handlers of one path only (it gives all of them one method router),
//! so a path with several methods is one `routes!(a, b)` call.

mod auth;
mod catalog;
mod customers;
mod distribution;
mod ids;
mod operations;
mod pipeline;
mod reports;
mod timeline;

use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub(crate) use ids::{IdPair, IdPath};

/// Routes behind authentication (each handler decides whether it needs a user).
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .merge(auth::router())
        .merge(customers::router())
        .merge(catalog::router())
        .merge(pipeline::router())
        .merge(distribution::router())
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
