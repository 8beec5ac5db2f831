//! Signing in and out with a password; who am I.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use rapport_domain::input::ObjectReader;
use rapport_store::auth::login;
use rapport_store::auth::users::{self, User};
use rapport_store::StoreError;
use serde::Serialize;

use crate::auth::{cookie, session_cookie, Authed, ClientMeta, SESSION_COOKIE};
use crate::body::JsonBody;
use crate::problem::{ApiResult, Problem};
use crate::AppState;

/// Exactly one of `email` and `username`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(schema_with = crate::openapi::fields::login_email)]
    pub email: Option<String>,
    #[schema(schema_with = crate::openapi::fields::login_username)]
    pub username: Option<String>,
    #[schema(schema_with = crate::openapi::fields::password)]
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub user: User,
    /// Send back in X-CSRF-Token on every cookie-authenticated write.
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Signs in with email (or directory user name) and password; sets the session cookie.
/// A person the LDAP directory knows but Rapport does not is created disabled on first
/// sign-in and answered 403 `pending-approval` until an administrator enables them.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()), request_body = LoginRequest, responses(
    (status = 200, description = "Signed in; the session cookie is set", body = LoginResponse),
    (status = 401, description = "Wrong email or password", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 403, description = "The account is disabled, or waits for approval (type /problems/pending-approval)", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, named: neither or both of email and username, an unknown field", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 429, description = "Too many failed attempts; see Retry-After", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 503, description = "The directory cannot be reached (local accounts still sign in)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn login(
    State(app): State<AppState>,
    meta: ClientMeta,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let mut r = ObjectReader::new(body)?;
    let email = r.optional_string("email", 254);
    let username = r.optional_string("username", 256);
    let password = r.required_secret("password", 1024);
    let login = match (email, username) {
        (Some(login), None) | (None, Some(login)) => Some(login),
        (Some(_), Some(_)) => {
            r.error("username", "exclusive", "give email or username, not both");
            None
        }
        (None, None) => {
            r.error(
                "email",
                "one_of",
                "give email (or username for a directory account)",
            );
            None
        }
    };
    r.finish()?;
    let (Some(login), Some(password)) = (login, password) else {
        return Err(Problem::internal());
    };
    let addr = meta.ip.clone().unwrap_or_default();
    if let Some(secs) = app.login_throttle.refused_for(&addr) {
        return Err(StoreError::TooManyRequests {
            retry_after_secs: secs,
            message: "too many failed sign-ins from this address; try again later".into(),
        }
        .into());
    }
    let previous = cookie(&headers, SESSION_COOKIE);
    match login::login(
        &app.store,
        &login,
        password,
        meta.ip.clone(),
        meta.user_agent.clone(),
        previous,
    )
    .await
    {
        Ok(signed) => {
            let max_age = app.store.policy.session_absolute.num_seconds();
            let set_cookie = session_cookie(&app, &meta, &signed.session.secret, max_age);
            let body = LoginResponse {
                user: signed.user,
                csrf_token: signed.session.csrf_token,
                expires_at: signed.session.expires_at,
            };
            Ok(([(header::SET_COOKIE, set_cookie)], Json(body)).into_response())
        }
        Err(e @ StoreError::Unauthorized(_)) => {
            // Each failure from an address holds the next answer back a little longer.
            tokio::time::sleep(app.login_throttle.failed(&addr)).await;
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Ends the current session and clears its cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204, description = "Signed out")))]
pub async fn logout(
    State(app): State<AppState>,
    meta: ClientMeta,
    Authed(auth): Authed,
) -> ApiResult<Response> {
    if let Some(id) = auth.session_id {
        rapport_store::auth::sessions::end(&app.store, id).await?;
    }
    let clear = session_cookie(&app, &meta, "", 0);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses(
    (status = 200, description = "The caller", body = User),
    (status = 401, description = "Not signed in", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn me(State(app): State<AppState>, Authed(auth): Authed) -> ApiResult<Json<User>> {
    Ok(Json(users::get(&app.store, auth.ctx.actor.user_id).await?))
}
