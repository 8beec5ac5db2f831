//! Who is calling: a bearer token or a session cookie, resolved once per request by
//! [`middleware`]; handlers that need a user take [`Authed`].

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rapport_domain::Ctx;
use rapport_store::auth::{sessions, tokens};
use subtle::ConstantTimeEq;

use crate::problem::Problem;
use crate::request_id::RequestId;
use crate::{AppState, CookieSecure};

pub const SESSION_COOKIE: &str = "rapport_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated caller, with the session id when signed in by cookie.
#[derive(Clone)]
pub struct Authenticated {
    pub ctx: Ctx,
    pub session_id: Option<String>,
}

/// Where a request came from, for the audit log and sign-in throttling.
#[derive(Clone, Debug)]
pub struct ClientMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub https: bool,
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

pub(crate) fn client_meta(req: &Request, trust_proxy: bool) -> ClientMeta {
    let headers = req.headers();
    let forwarded = trust_proxy
        .then(|| {
            headers
                .get("x-forwarded-for")?
                .to_str()
                .ok()?
                .split(',')
                .next()
                .map(|s| s.trim().to_owned())
        })
        .flatten();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| a.ip().to_string());
    let proto_https = trust_proxy
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    ClientMeta {
        ip: forwarded.or(peer),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect()),
        https: proto_https,
    }
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub async fn middleware(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let meta = client_meta(&req, app.config.trust_proxy_headers);
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let ctx_for = |user: rapport_store::auth::users::User| Ctx {
        actor: user.actor(),
        request_id: request_id.clone(),
        ip: meta.ip.clone(),
        user_agent: meta.user_agent.clone(),
    };
    let mut authenticated = None;
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value.to_str().unwrap_or("");
        // The scheme name is case-insensitive (RFC 9110 §11.1).
        let secret = match value.trim().split_once(' ') {
            Some((scheme, secret)) if scheme.eq_ignore_ascii_case("bearer") => secret.trim(),
            _ => return Problem::unauthorized("use Authorization: Bearer <token>").into_response(),
        };
        match tokens::resolve(&app.store, secret).await {
            Ok(Some(user)) => {
                authenticated = Some(Authenticated {
                    ctx: ctx_for(user),
                    session_id: None,
                })
            }
            Ok(None) => {
                return Problem::unauthorized(
                    "the token is unknown, expired or revoked, or its user is disabled",
                )
                .into_response()
            }
            Err(e) => return Problem::from(e).into_response(),
        }
    } else if let Some(secret) = cookie(req.headers(), SESSION_COOKIE) {
        match sessions::resolve(&app.store, &secret).await {
            Ok(Some(session)) => {
                let exempt = req.uri().path() == "/api/v1/auth/login";
                if is_unsafe(req.method()) && !exempt {
                    let sent = req
                        .headers()
                        .get(CSRF_HEADER)
                        .map(|v| v.as_bytes().to_vec())
                        .unwrap_or_default();
                    if !bool::from(sent.ct_eq(session.csrf_token.as_bytes())) {
                        return Problem::new(
                            StatusCode::FORBIDDEN,
                            "csrf",
                            "Forbidden",
                            "cookie-authenticated writes must send the session's csrf_token in X-CSRF-Token",
                        )
                        .with_error("X-CSRF-Token", "csrf", "is missing or does not match the session")
                        .into_response();
                    }
                }
                authenticated = Some(Authenticated {
                    ctx: ctx_for(session.user),
                    session_id: Some(session.id),
                });
            }
            // A stale cookie is as good as none; handlers that need a user answer 401.
            Ok(None) => {}
            Err(e) => return Problem::from(e).into_response(),
        }
    }
    req.extensions_mut().insert(meta);
    let Some(a) = authenticated else {
        return next.run(req).await;
    };
    let acting = acting_of(&a.ctx.actor);
    req.extensions_mut().insert(a);
    rapport_db::acting::acting_as(acting, next.run(req)).await
}

/// The acting user PostgreSQL's row-level security policies read (rapport_db::acting).
pub fn acting_of(actor: &rapport_domain::Actor) -> rapport_db::acting::Acting {
    rapport_db::acting::Acting {
        user_id: actor.user_id,
        role: actor.role.as_str(),
        organisation: actor.account_id,
    }
}

/// Handlers that need a signed-in caller take this; without one they answer 401.
pub struct Authed(pub Authenticated);

impl<S: Send + Sync> FromRequestParts<S> for Authed {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Authenticated>()
            .cloned()
            .map(Authed)
            .ok_or_else(|| {
                Problem::unauthorized(
                    "sign in (POST /api/v1/auth/login) or send Authorization: Bearer <token>",
                )
            })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientMeta {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientMeta>()
            .cloned()
            .unwrap_or(ClientMeta {
                ip: None,
                user_agent: None,
                https: false,
            }))
    }
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure as configured; `max_age` 0 clears it.
pub(crate) fn session_cookie(
    app: &AppState,
    meta: &ClientMeta,
    value: &str,
    max_age: i64,
) -> HeaderValue {
    let secure = match app.config.cookie_secure {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => meta.https,
    };
    let text = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("rapport_session=; Max-Age=0"))
}
