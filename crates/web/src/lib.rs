//! The HTTP face of Rapport: the JSON API under `/api/v1`, its OpenAPI description and
//! docs page, health, readiness and metrics.

// Problem is large by design (it carries field errors and hints) and lives only on the
// error path, where boxing it would buy nothing.
#![allow(clippy::result_large_err)]

mod auth;
mod body;
mod etag;
mod export;
mod idempotency;
mod metrics;
mod openapi;
mod problem;
mod query;
mod request_id;
mod routes;
mod serve;
mod ui;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use rapport_store::Store;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use auth::{CSRF_HEADER, SESSION_COOKIE};
pub use problem::Problem;
pub use serve::{serve, ServeLimits};
pub use ui::route_table as ui_route_table;

/// When the session cookie carries `Secure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CookieSecure {
    /// When the request came over TLS (as told by a trusted proxy's X-Forwarded-Proto).
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone)]
pub struct WebConfig {
    pub max_body_bytes: usize,
    /// The body limit of bulk endpoints (paths ending in `/bulk`).
    pub max_bulk_body_bytes: usize,
    /// Take the client address and scheme from X-Forwarded-For/-Proto (only behind a
    /// proxy you run; otherwise clients could forge them).
    pub trust_proxy_headers: bool,
    pub cookie_secure: CookieSecure,
    pub login_max_failures_per_ip: u32,
    pub login_window: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            max_bulk_body_bytes: 32 * 1024 * 1024,
            trust_proxy_headers: false,
            cookie_secure: CookieSecure::Auto,
            login_max_failures_per_ip: 20,
            login_window: Duration::from_secs(15 * 60),
        }
    }
}

impl WebConfig {
    /// The body limit for a request to `path`.
    pub fn body_limit(&self, path: &str) -> usize {
        if path.ends_with("/bulk") {
            self.max_bulk_body_bytes
        } else {
            self.max_body_bytes
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    metrics: Arc<metrics::Metrics>,
    login_throttle: Arc<rapport_store::auth::throttle::LoginThrottle>,
    /// The API document, set by [`router`] from the same registration that routes, so it
    /// describes exactly what is served. Shared by every clone of the state.
    openapi: Arc<OnceLock<utoipa::openapi::OpenApi>>,
    /// The first-run setup link this node offers (the UI's `/setup/{token}`).
    setup: Arc<ui::setup::SetupOffer>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Self {
        let login_throttle = rapport_store::auth::throttle::LoginThrottle::new(
            config.login_max_failures_per_ip,
            config.login_window,
        );
        Self {
            store,
            config: Arc::new(config),
            metrics: Arc::default(),
            login_throttle: Arc::new(login_throttle),
            openapi: Arc::default(),
            setup: Arc::default(),
        }
    }
}

/// Hands the matched route template to the outer metrics layer, which runs before
/// routing and so cannot see it on the request.
async fn expose_matched_path(req: Request, next: Next) -> Response {
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let mut res = next.run(req).await;
    if let Some(m) = matched {
        res.extensions_mut().insert(m);
    }
    res
}

pub fn router(state: AppState) -> Router {
    // expose_matched_path wraps auth and idempotency, so answers they give on their own
    // (401, 403, replays) are still counted under their route.
    let api = routes::api()
        .route_layer(from_fn_with_state(state.clone(), idempotency::middleware))
        .route_layer(from_fn_with_state(state.clone(), auth::middleware))
        .route_layer(from_fn(expose_matched_path));
    let (served, doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(api)
        .merge(routes::public().route_layer(from_fn(expose_matched_path)))
        .split_for_parts();
    // Built once per router rather than per request. A second router over clones of the
    // same state would build the same document, so keeping the first loses nothing.
    // Shared answers first: they add the Idempotency-Key parameter the rules describe.
    // Filters first, so that the shared answers see them (a list that reads a query can
    // answer 400); the answers add the Idempotency-Key parameter the rules then describe.
    let doc = openapi::with_list_filters(doc, &routes::LISTS);
    let doc = openapi::with_shared_answers(doc);
    let _ = state
        .openapi
        .set(openapi::with_parameter_rules(doc, &routes::LISTS));
    Router::new()
        .merge(served)
        .merge(ui::router(state.clone()))
        .fallback(ui::fallback)
        .method_not_allowed_fallback(|| async {
            Problem::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
                "this endpoint does not accept that method; see /api/v1/openapi.json",
            )
        })
        .layer(from_fn_with_state(state.clone(), metrics::middleware))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            Problem::internal().into_response()
        }))
        .layer(from_fn(request_id::middleware))
        .with_state(state)
}
