//! First run: with no users in the database, `serve` prints a one-time link whose page
//! creates the first administrator. The link's token lives in the memory of the node that
//! printed it (a first run is one node; another node prints its own), is used up by the
//! first administrator created through it, and lapses after an hour.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use rand::RngCore;
use rapport_domain::{Actor, Ctx, Role};
use rapport_store::auth::login;
use rapport_store::auth::users::{self, Credential, NewUser};
use subtle::ConstantTimeEq;

use super::form::{field, Errors, PublicForm};
use super::layout::{bare, respond};
use super::sign_in::{form_token, with_form_cookie};
use crate::auth::{session_cookie, ClientMeta};
use crate::AppState;

const VALID_FOR: Duration = Duration::from_secs(60 * 60);

struct Offer {
    token: String,
    until: Instant,
}

/// The setup link this node offers, if any.
#[derive(Default)]
pub struct SetupOffer(Mutex<Option<Offer>>);

impl SetupOffer {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Offer>> {
        // A panic while holding it cannot leave the offer half-written; carry on.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn matches(&self, token: &str) -> bool {
        self.lock().as_ref().is_some_and(|o| {
            o.until > Instant::now() && bool::from(o.token.as_bytes().ct_eq(token.as_bytes()))
        })
    }

    /// Takes the offer if `token` is it, so two submissions cannot both create an admin.
    fn take(&self, token: &str) -> Option<Offer> {
        let mut slot = self.lock();
        if slot.as_ref().is_some_and(|o| {
            o.until > Instant::now() && bool::from(o.token.as_bytes().ct_eq(token.as_bytes()))
        }) {
            slot.take()
        } else {
            None
        }
    }

    fn put_back(&self, offer: Offer) {
        *self.lock() = Some(offer);
    }
}

impl AppState {
    /// With no users in the database, makes a one-time setup token and returns the path
    /// of its page (`/setup/<token>`), for `serve` to print. None once anyone exists.
    pub async fn offer_first_run_setup(&self) -> Result<Option<String>, rapport_store::StoreError> {
        if users::any_exist(&self.store).await? {
            return Ok(None);
        }
        let mut bytes = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        *self.setup.lock() = Some(Offer {
            token: token.clone(),
            until: Instant::now() + VALID_FOR,
        });
        Ok(Some(format!("/setup/{token}")))
    }
}

fn expired() -> Response {
    respond(
        StatusCode::NOT_FOUND,
        bare(
            "Setup link",
            html! {
                h1 { "This setup link is not valid" }
                p { "It was used already, it is more than an hour old, or the server was restarted since it was printed. Restart " code { "rapport serve" } " on an empty database for a new one, or create a user with " code { "rapport user create" } "." }
                p { a href="/sign-in" { "Sign in" } }
            },
        ),
    )
}

fn setup_form(
    token: &str,
    form_token: &str,
    email: Option<&str>,
    name: Option<&str>,
    errors: &Errors,
) -> maud::Markup {
    bare(
        "Create the first administrator",
        html! {
            h1 { "Welcome to Rapport" }
            p { "Create the first administrator. They can then invite everyone else from Admin → Users." }
            (errors.banner(&["email", "name", "password", "confirm"]))
            form method="post" action={ "/setup/" (token) } {
                input type="hidden" name="_csrf" value=(form_token);
                (field("Name", "name", name, "text", errors))
                (field("Email", "email", email, "email", errors))
                (field("Password (at least 12 characters)", "password", None, "password", errors))
                (field("Password again", "confirm", None, "password", errors))
                button type="submit" { "Create administrator" }
            }
        },
    )
}

/// `GET /setup/{token}`
pub async fn show(
    State(app): State<AppState>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    if !app.setup.matches(&token) {
        return expired();
    }
    let (form_token, cookie) = form_token(&headers);
    with_form_cookie(
        respond(
            StatusCode::OK,
            setup_form(&token, &form_token, None, None, &Errors::none()),
        ),
        cookie,
    )
}

/// `POST /setup/{token}`
pub async fn create(
    State(app): State<AppState>,
    Path(token): Path<String>,
    meta: ClientMeta,
    PublicForm(form): PublicForm,
) -> Response {
    let Some(offer) = app.setup.take(&token) else {
        return expired();
    };
    let email = form.text("email");
    let name = form.text("name");
    let password = form.raw("password").unwrap_or("").to_owned();
    let mut errors = Errors::none();
    if password != form.raw("confirm").unwrap_or("") {
        errors.fields.push(rapport_domain::FieldError {
            field: "confirm".into(),
            rule: "matches".into(),
            message: "does not match the password".into(),
            index: None,
        });
    }
    let answer = |app: &AppState, errors: Errors, offer: Offer| {
        app.setup.put_back(offer);
        let form_token = form.raw("_csrf").unwrap_or("").to_owned();
        respond(
            StatusCode::UNPROCESSABLE_ENTITY,
            setup_form(
                &token,
                &form_token,
                email.as_deref(),
                name.as_deref(),
                &errors,
            ),
        )
    };
    if !errors.is_empty() {
        return answer(&app, errors, offer);
    }
    match users::any_exist(&app.store).await {
        Ok(false) => {}
        Ok(true) => return expired(),
        Err(e) => return answer(&app, e.into(), offer),
    }
    let setup_actor = Actor {
        user_id: uuid::Uuid::nil(),
        email: "first-run setup".into(),
        role: Role::Admin,
        account_id: None,
    };
    let ctx = Ctx {
        actor: setup_actor,
        request_id: String::new(),
        ip: meta.ip.clone(),
        user_agent: meta.user_agent.clone(),
    };
    let new = NewUser {
        email: email.clone().unwrap_or_default(),
        name: name.clone().unwrap_or_default(),
        role: Role::Admin,
        credential: Credential::Password(password.clone()),
        account_id: None,
    };
    let user = match users::create(&app.store, &ctx, new).await {
        Ok(u) => u,
        Err(e) => return answer(&app, e.into(), offer),
    };
    // The offer is spent: sign the new administrator in and go home.
    match login::login(
        &app.store,
        &user.email,
        password,
        meta.ip.clone(),
        meta.user_agent.clone(),
        None,
    )
    .await
    {
        Ok(signed) => {
            let max_age = app.store.policy.session_absolute.num_seconds();
            let cookie = session_cookie(&app, &meta, &signed.session.secret, max_age);
            ([(header::SET_COOKIE, cookie)], Redirect::to("/home")).into_response()
        }
        Err(_) => Redirect::to("/sign-in").into_response(),
    }
}
