//! Signing in and out in the browser, through the same sign-in as the API (local
//! passwords and the LDAP directory, the same throttling and lock-outs).

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use rand::RngCore;
use rapport_store::auth::{login, sessions};
use rapport_store::StoreError;
use serde::Deserialize;

use super::form::{field, Errors, PublicForm, SignedForm, FORM_COOKIE};
use super::layout::{bare, respond};
use super::session::MaybeViewer;
use crate::auth::{cookie, session_cookie, ClientMeta, SESSION_COOKIE};
use crate::AppState;

/// Only a path on this site may follow a sign-in: `/x`, never `//host` or `https://…`,
/// which would send a freshly signed-in user to someone else's page.
pub fn local_path(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.contains(['\r', '\n'])
        && !next.starts_with("/sign-in")
        && !next.starts_with("/sign-out");
    ok.then_some(next)
}

/// The path and query of a Referer on any host, when it is a local path; the browser
/// sent it, and the path is checked as any `next` is.
pub fn local_path_of_referer(referer: &str) -> Option<String> {
    let after_scheme = referer.split_once("://").map(|(_, r)| r)?;
    let path = &after_scheme[after_scheme.find('/')?..];
    local_path(path).map(str::to_owned)
}

/// The pre-session form token: the cookie's, or a new one with the cookie to set.
pub fn form_token(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    if let Some(t) = cookie(headers, FORM_COOKIE).filter(|t| t.len() == 32) {
        return (t, None);
    }
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let set = HeaderValue::from_str(&format!(
        "{FORM_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"
    ))
    .ok();
    (token, set)
}

pub fn with_form_cookie(mut res: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(c) = cookie {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

fn sign_in_form(token: &str, next: Option<&str>, login: Option<&str>, errors: &Errors) -> Markup {
    bare(
        "Sign in",
        html! {
            h1 { "Sign in" }
            (errors.banner(&["login", "password"]))
            form method="post" action="/sign-in" {
                input type="hidden" name="_csrf" value=(token);
                @if let Some(n) = next { input type="hidden" name="next" value=(n); }
                (field("Email or directory user name", "login", login, "text", errors))
                (field("Password", "password", None, "password", errors))
                button type="submit" { "Sign in" }
            }
        },
    )
}

/// `GET /sign-in`
pub async fn show(
    MaybeViewer(viewer): MaybeViewer,
    headers: HeaderMap,
    Query(q): Query<Next>,
) -> Response {
    let next = q.next.as_deref().and_then(local_path);
    if viewer.is_some() {
        return Redirect::to(next.unwrap_or("/home")).into_response();
    }
    let (token, cookie) = form_token(&headers);
    with_form_cookie(
        respond(
            StatusCode::OK,
            sign_in_form(&token, next, None, &Errors::none()),
        ),
        cookie,
    )
}

fn waiting() -> Response {
    respond(
        StatusCode::FORBIDDEN,
        bare(
            "Waiting for an administrator",
            html! {
                h1 { "Your account waits for an administrator" }
                p { "The directory knows you, and Rapport has recorded your first sign-in. An administrator must enable your account and give it a role before you can work here; sign in again once they have." }
                p { a href="/sign-in" { "Back to sign-in" } }
            },
        ),
    )
}

/// `POST /sign-in`
pub async fn submit(
    State(app): State<AppState>,
    meta: ClientMeta,
    headers: HeaderMap,
    PublicForm(form): PublicForm,
) -> Response {
    let token = form.raw("_csrf").unwrap_or("").to_owned();
    let next = form.text("next");
    let next = next.as_deref().and_then(local_path);
    let login_name = form.text("login");
    let again = |errors: Errors, status: StatusCode| {
        respond(
            status,
            sign_in_form(&token, next, login_name.as_deref(), &errors),
        )
    };
    let Some(login_name) = login_name.clone() else {
        let mut e = Errors::none();
        e.fields.push(rapport_domain::FieldError {
            field: "login".into(),
            rule: "required".into(),
            message: "give your email (or directory user name)".into(),
            index: None,
        });
        return again(e, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let addr = meta.ip.clone().unwrap_or_default();
    if app.login_throttle.refused_for(&addr).is_some() {
        return again(
            Errors::message(
                "Too many failed sign-ins from this address; wait a few minutes and try again.",
            ),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let password = form.raw("password").unwrap_or("").to_owned();
    let previous = cookie(&headers, SESSION_COOKIE);
    match login::login(
        &app.store,
        &login_name,
        password,
        meta.ip.clone(),
        meta.user_agent.clone(),
        previous,
    )
    .await
    {
        Ok(signed) => {
            let max_age = app.store.policy.session_absolute.num_seconds();
            let set = session_cookie(&app, &meta, &signed.session.secret, max_age);
            (
                [(header::SET_COOKIE, set)],
                Redirect::to(next.unwrap_or("/home")),
            )
                .into_response()
        }
        Err(StoreError::PendingApproval(_)) => waiting(),
        Err(StoreError::Unauthorized(_)) => {
            tokio::time::sleep(app.login_throttle.failed(&addr)).await;
            again(
                Errors::message("That email or password is not right."),
                StatusCode::UNAUTHORIZED,
            )
        }
        Err(e) => {
            let p = crate::problem::Problem::from(e);
            let status = p.status;
            again(Errors::message(p.detail), status)
        }
    }
}

/// `POST /sign-out`
pub async fn sign_out(
    State(app): State<AppState>,
    meta: ClientMeta,
    SignedForm(viewer, _): SignedForm,
) -> Response {
    // Ending an already-ended session is no error; the cookie is cleared either way.
    let _ = sessions::end(&app.store, viewer.session_id).await;
    let clear = session_cookie(&app, &meta, "", 0);
    ([(header::SET_COOKIE, clear)], Redirect::to("/sign-in")).into_response()
}

/// `GET /`: home when signed in, sign-in otherwise.
pub async fn root(MaybeViewer(viewer): MaybeViewer) -> Redirect {
    Redirect::to(if viewer.is_some() {
        "/home"
    } else {
        "/sign-in"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_follow_a_sign_in() {
        assert_eq!(local_path("/accounts/1?x=2"), Some("/accounts/1?x=2"));
        assert_eq!(local_path("//evil.example/"), None);
        assert_eq!(local_path("/\\evil.example"), None);
        assert_eq!(local_path("https://evil.example/"), None);
        assert_eq!(local_path("/sign-in?next=/x"), None);
        assert_eq!(
            local_path_of_referer("http://127.0.0.1:8080/leads?x=1").as_deref(),
            Some("/leads?x=1")
        );
        assert_eq!(local_path_of_referer("nonsense"), None);
    }
}
