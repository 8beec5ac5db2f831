//! The web UI: pages rendered on the server from compile-time-checked templates (maud),
//! over the same store calls, access policy and (on PostgreSQL) row-level security as the
//! API. Forms work without JavaScript; the project's own small script adds drag and
//! drop, search as you type and live refresh. See docs/ui.md.

mod assets;
mod chart;
#[cfg(test)]
mod contrast;
mod errors;
mod fmt;
mod form;
mod layout;
mod list;
mod pages;
mod routes;
mod session;
pub(crate) mod setup;
mod sign_in;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub use errors::fallback;

use crate::AppState;

/// No inline script or style, nothing from elsewhere: a page runs only the project's own
/// script, so injected markup cannot run code.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    res
}

/// Every page and form action of the UI, through the one table.
fn table() -> routes::Routes {
    let r = routes::Routes::new()
        .get("/", sign_in::root)
        .get("/setup/{token}", setup::show)
        .post("/setup/{token}", setup::create)
        .get("/sign-in", sign_in::show)
        .post("/sign-in", sign_in::submit)
        .post("/sign-out", sign_in::sign_out);
    pages::routes(r)
}

/// The method and path of every page and form action, for the access matrix test.
pub fn route_table() -> Vec<(&'static str, &'static str)> {
    table().table()
}

/// Every page and asset of the UI.
pub fn router(state: AppState) -> Router<AppState> {
    table()
        .into_router()
        .route("/assets/{file}", get(assets::serve))
        .route_layer(from_fn_with_state(state, session::middleware))
        .layer(from_fn(security_headers))
        // Pages and assets are text that shrinks to a fifth; browsers all take gzip.
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
}
