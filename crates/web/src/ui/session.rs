//! Who is looking at a page: the session cookie, resolved once per request by
//! [`middleware`]. Pages take [`Viewer`]; without a live session they send the browser to
//! sign in and back to where it was.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use rapport_domain::{Ctx, Role};
use rapport_store::auth::sessions;
use rapport_store::auth::users::User;

use crate::auth::{acting_of, client_meta, cookie, SESSION_COOKIE};
use crate::request_id::RequestId;
use crate::AppState;

/// The signed-in user of a page, with the session's CSRF token for its forms.
#[derive(Clone)]
pub struct Viewer {
    pub ctx: Ctx,
    pub user: User,
    pub csrf: String,
    pub session_id: String,
}

impl Viewer {
    /// Administrators of either kind: they see the Admin pages.
    pub fn is_admin(&self) -> bool {
        matches!(self.user.role, Role::Admin | Role::RestrictedAdmin)
    }

    /// Staff of the company running Rapport, as opposed to partner, distributor and
    /// fulfiller users from outside it.
    pub fn is_internal(&self) -> bool {
        !matches!(
            self.user.role,
            Role::Partner | Role::Distributor | Role::Fulfiller
        )
    }
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A browser says where a request came from; a write started by another site's page is
/// refused before any handler runs. The forms' CSRF token is the main defence; this is
/// the second, and the SameSite cookie the third.
fn cross_site(req: &Request) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split("://").nth(1).unwrap_or(origin);
            origin != "null" && origin_host != host
        }
        (Some(origin), None) => origin != "null",
        _ => false,
    }
}

pub async fn middleware(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    if is_unsafe(req.method()) && cross_site(&req) {
        return (
            StatusCode::FORBIDDEN,
            "This form was sent from another site; open Rapport and send it again.",
        )
            .into_response();
    }
    let meta = client_meta(&req, app.config.trust_proxy_headers);
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    req.extensions_mut().insert(meta.clone());
    let Some(secret) = cookie(req.headers(), SESSION_COOKIE) else {
        return next.run(req).await;
    };
    match sessions::resolve(&app.store, &secret).await {
        Ok(Some(session)) => {
            let viewer = Viewer {
                ctx: Ctx {
                    actor: session.user.actor(),
                    request_id,
                    ip: meta.ip,
                    user_agent: meta.user_agent,
                },
                user: session.user,
                csrf: session.csrf_token,
                session_id: session.id,
            };
            let acting = acting_of(&viewer.ctx.actor);
            req.extensions_mut().insert(viewer);
            rapport_db::acting::acting_as(acting, next.run(req)).await
        }
        // An expired or ended session is as good as none: the page asks to sign in.
        Ok(None) => next.run(req).await,
        Err(e) => super::errors::store_error_page(None, e),
    }
}

/// Where to come back to after signing in: this request's path and query.
fn back_here(parts: &Parts) -> String {
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    // A form's POST target cannot be replayed by a GET; come back to the page it was on.
    let target = if parts.method == Method::GET {
        target.to_owned()
    } else {
        parts
            .headers
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .and_then(super::sign_in::local_path_of_referer)
            .unwrap_or_else(|| "/home".to_owned())
    };
    format!(
        "/sign-in?next={}",
        percent_encoding::utf8_percent_encode(&target, percent_encoding::NON_ALPHANUMERIC)
    )
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or_else(|| Redirect::to(&back_here(parts)).into_response())
    }
}

/// The viewer when there is one; pages open to everyone (sign-in, setup, 404) take this.
pub struct MaybeViewer(pub Option<Viewer>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeViewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeViewer(parts.extensions.get::<Viewer>().cloned()))
    }
}
