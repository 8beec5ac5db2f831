//! Error pages: what a store error or an unknown address looks like in the browser.

use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::Response;
use maud::{html, Markup};
use rapport_store::StoreError;

use super::layout::{bare, respond, shell, Section};
use super::session::{MaybeViewer, Viewer};
use crate::problem::Problem;

fn framed(viewer: Option<&Viewer>, title: &str, body: Markup) -> Markup {
    match viewer {
        Some(v) => shell(v, Section::Other, title, body),
        None => bare(title, body),
    }
}

/// A page for an error: not found (which also covers "not yours to see", as the API
/// does), forbidden, conflicts and the rest, with the store's own words.
pub fn error_page(viewer: Option<&Viewer>, problem: Problem) -> Response {
    let (title, lead) = match problem.status {
        StatusCode::NOT_FOUND => (
            "Not found",
            "There is nothing here, or it is not yours to see.",
        ),
        StatusCode::FORBIDDEN => ("Not allowed", "Your role may not do this."),
        StatusCode::CONFLICT => ("Conflict", "This clashes with a record that exists."),
        StatusCode::SERVICE_UNAVAILABLE => (
            "Unavailable",
            "A service Rapport depends on cannot be reached; try again shortly.",
        ),
        s if s.is_server_error() => (
            "Something went wrong",
            "Rapport could not finish this; nothing was changed. Try again, and tell an administrator if it keeps happening.",
        ),
        _ => ("Cannot do that", ""),
    };
    let body = html! {
        h1 { (title) }
        @if !lead.is_empty() { p { (lead) } }
        @if !problem.status.is_server_error() { p.muted { (problem.detail) } }
        p { a href="/home" { "Back to Home" } }
    };
    respond(problem.status, framed(viewer, title, body))
}

pub fn store_error_page(viewer: Option<&Viewer>, e: StoreError) -> Response {
    error_page(viewer, Problem::from(e))
}

/// The answer for an address no page or API route has: an HTML 404 for a browser (it
/// asks for text/html), the API's problem+json for everyone else and under `/api/`.
pub async fn fallback(MaybeViewer(viewer): MaybeViewer, uri: Uri, headers: HeaderMap) -> Response {
    use axum::response::IntoResponse as _;
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if uri.path().starts_with("/api/") || !wants_html {
        return Problem::not_found(
            "no such endpoint; the API is described at /api/v1/openapi.json",
        )
        .into_response();
    }
    error_page(
        viewer.as_ref(),
        Problem::not_found(format!("No page at {}.", uri.path())),
    )
}

/// A page handler's result: the page, or the error page for what the store said.
pub type PageResult = Result<Response, Response>;

/// Turns a store error into its page, for `?` in page handlers.
pub trait OrPage<T> {
    fn or_page(self, viewer: &Viewer) -> Result<T, Response>;
}

impl<T> OrPage<T> for Result<T, StoreError> {
    fn or_page(self, viewer: &Viewer) -> Result<T, Response> {
        self.map_err(|e| store_error_page(Some(viewer), e))
    }
}

impl<T> OrPage<T> for Result<T, Problem> {
    fn or_page(self, viewer: &Viewer) -> Result<T, Response> {
        self.map_err(|p| error_page(Some(viewer), p))
    }
}
