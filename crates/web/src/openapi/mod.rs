//! The OpenAPI 3.1 description, generated from the handlers' annotations as the routes
//! register them (crate::routes), and the docs page that renders it (Swagger UI, from
//! the `utoipa-swagger-ui` crate, embedded in the binary; no CDN).

use std::sync::{Arc, LazyLock};

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::problem::Problem;
use crate::AppState;

mod answers;
pub mod fields;
mod filters;
mod parameters;

pub use answers::with_shared_answers;
pub use filters::with_list_filters;
pub use parameters::with_parameter_rules;

struct Security;

impl Modify for Security {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::SESSION_COOKIE))),
        );
        api.security = Some(vec![
            utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new()),
            utoipa::openapi::security::SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
    }
}

/// What the document says besides its paths: the paths and their schemas come from the
/// routes' registration, merged in by `crate::router`.
#[derive(OpenApi)]
#[openapi(
    info(title = "Rapport API", description = "Self-hosted CRM and partner-relationship server. \
        Errors are RFC 9457 problem+json; lists use keyset cursors; writes take If-Match and Idempotency-Key. \
        Cookie-authenticated writes must send X-CSRF-Token."),
    modifiers(&Security),
    tags(
        (name = "accounts", description = "Organisations: customers, prospects, partners, distributors, offices, facilities"),
        (name = "contacts", description = "People of every kind, and the accounts they belong to"),
        (name = "notes", description = "Notes on accounts (the activities timeline)"),
        (name = "leads", description = "The sales pipeline: leads, their status history, timeline and the board"),
        (name = "orders", description = "Typed orders with people by role, priced lines and totals; their moves through the order states, freeze and reopen, and history"),
        (name = "activities", description = "The timeline: notes, calls, emails, meetings, chats, tasks, comments"),
        (name = "order configuration", description = "Order types (a JSON Schema for data, required people roles), order states and the moves between them"),
        (name = "products", description = "The catalogue: products (what leads are interested in and orders sell), their price tiers, durations, and quotes"),
        (name = "distributions", description = "The distribution log: shipments of SKUs and lots to customers"),
        (name = "dashboards", description = "Sales figures from the distribution log, pipeline figures from leads"),
        (name = "settings", description = "Settings shared by every node"),
        (name = "auth", description = "Sign-in, sessions and API tokens"),
        (name = "audit", description = "Who changed what"),
        (name = "operations", description = "Health, readiness, metrics"),
    )
)]
pub struct ApiDoc;

/// The document `crate::router` built from the routes' own registration.
pub async fn spec(State(app): State<AppState>) -> Response {
    match app.openapi.get() {
        Some(doc) => Json(doc).into_response(),
        // Only a state never passed through `crate::router` lacks it, and such a state
        // routes nothing; say so rather than serve an empty description.
        None => Problem::internal().into_response(),
    }
}

/// The page is ours, not Swagger UI's index.html: it loads the spec from our path, turns
/// off the online validator and names its assets by absolute paths (the stock page's
/// relative ones would resolve outside /api/docs/ when served at /api/docs).
const DOCS_HTML: &str = include_str!("../../assets/docs.html");

/// The Swagger UI files the page loads, with their types. The crate embeds the whole of
/// Swagger UI's dist (other bundles, source maps, its own index page); only these are
/// published.
const DOCS_ASSETS: [(&str, &str); 2] = [
    ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    ("swagger-ui.css", "text/css; charset=utf-8"),
];

/// The crate's file server wants a Swagger UI configuration, but reads it only for
/// swagger-initializer.js, which we never serve: the page carries its own.
static SWAGGER_CONFIG: LazyLock<Arc<utoipa_swagger_ui::Config<'static>>> =
    LazyLock::new(|| Arc::new(utoipa_swagger_ui::Config::default()));

pub async fn docs_page() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        DOCS_HTML,
    )
        .into_response()
}

pub async fn docs_asset(Path(asset): Path<String>) -> Response {
    let Some(&(name, kind)) = DOCS_ASSETS.iter().find(|(name, _)| *name == asset) else {
        return Problem::not_found("no such docs asset").into_response();
    };
    let file = match utoipa_swagger_ui::serve(name, Arc::clone(&SWAGGER_CONFIG)) {
        Ok(Some(file)) => file,
        // Only a Swagger UI release that renamed the file gets here.
        Ok(None) => {
            tracing::error!(asset = name, "Swagger UI does not ship this file");
            return Problem::internal().into_response();
        }
        Err(e) => {
            tracing::error!(asset = name, error = %e, "cannot read a Swagger UI file");
            return Problem::internal().into_response();
        }
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        file.bytes,
    )
        .into_response()
}
