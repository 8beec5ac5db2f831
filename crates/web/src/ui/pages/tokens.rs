//! `/tokens`: the viewer's own API tokens, since the API lets every user make theirs —
//! the list (never a secret), a form to create one whose secret is shown once on the
//! result page, and revoking. Admins see it inside the admin pages' frame.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use rapport_store::auth::tokens::{self, ApiToken};
use uuid::Uuid;

use super::admin::nav::{admin_page, Tab};
use crate::problem::Problem;
use crate::routes::read_token_request;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field, Errors, Form, Kind, SignedForm};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::routes::Routes;
use crate::ui::session::Viewer;
use crate::AppState;

pub fn routes(r: Routes) -> Routes {
    r.get("/tokens", show)
        .post("/tokens", create)
        .post("/tokens/{id}/revoke", revoke)
}

/// A tokens page: in the admin frame for admins, on its own for everyone else.
fn framed(viewer: &Viewer, title: &str, body: Markup, status: StatusCode) -> Response {
    if viewer.is_admin() {
        admin_page(viewer, Tab::Tokens, title, body, status)
    } else {
        respond(status, shell(viewer, Section::Other, title, body))
    }
}

fn state(t: &ApiToken) -> Markup {
    let expired = t.expires_at.is_some_and(|at| at <= chrono::Utc::now());
    html! {
        @if t.revoked_at.is_some() { span.badge { "revoked" } }
        @else if expired { span.badge { "expired" } }
        @else { span.badge.primary { "active" } }
    }
}

fn table(viewer: &Viewer, rows: &[ApiToken]) -> Markup {
    html! {
        div.table-wrap {
            table.responsive {
                caption.muted { @if rows.is_empty() { "You have no tokens." } @else { "Your tokens" } }
                thead { tr {
                    th scope="col" { "Name" } th scope="col" { "Starts with" } th scope="col" { "Created" }
                    th scope="col" { "Expires" } th scope="col" { "Last used" } th scope="col" { "State" } th scope="col" { "Actions" }
                } }
                tbody {
                    @for t in rows {
                        tr #{ "token-" (t.id) } {
                            td { (t.name) }
                            td { code { (t.prefix) "…" } }
                            td { (fmt::time(t.created_at)) }
                            td { @if let Some(at) = t.expires_at { (fmt::time(at)) } @else { "never" } }
                            td { @if let Some(at) = t.last_used_at { (fmt::time(at)) } @else { "never" } }
                            td { (state(t)) }
                            td {
                                @if t.revoked_at.is_none() {
                                    form.inline method="post" action={ "/tokens/" (t.id) "/revoke" } data-confirm={ "Revoke " (t.name) "? Anything using it stops working at once." } {
                                        (csrf(viewer))
                                        button.secondary type="submit" aria-label={ "Revoke " (t.name) } { "Revoke" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn create_form(viewer: &Viewer, sent: Option<&Form>, errors: &Errors) -> Markup {
    let v = |name: &str| sent.and_then(|f| f.raw(name)).map(str::to_owned);
    html! {
        section.card {
            h2 { "Create a token" }
            p.muted { "A token acts as you, with your role, for scripts and integrations. Its secret is shown once." }
            (errors.banner(&["name", "expires_at"]))
            form method="post" action="/tokens" {
                (csrf(viewer))
                (field("Name (what uses it)", "name", v("name").as_deref(), "text", errors))
                (field("Expires (UTC, optional)", "expires_at", v("expires_at").as_deref(), "datetime-local", errors))
                button type="submit" { "Create token" }
            }
        }
    }
}

async fn render(
    app: &AppState,
    viewer: &Viewer,
    sent: Option<&Form>,
    errors: &Errors,
    status: StatusCode,
) -> PageResult {
    let rows = tokens::list(&app.store, &viewer.ctx.actor)
        .await
        .or_page(viewer)?;
    let body = html! {
        h1 { "API tokens" }
        div.split {
            (table(viewer, &rows))
            (create_form(viewer, sent, errors))
        }
    };
    Ok(framed(viewer, "API tokens", body, status))
}

/// `GET /tokens`
pub async fn show(State(app): State<AppState>, viewer: Viewer) -> PageResult {
    render(&app, &viewer, None, &Errors::none(), StatusCode::OK).await
}

/// `POST /tokens`: read as the API's token request; the secret is on this answer only
/// (Rapport keeps its hash), so the page says to copy it now.
pub async fn create(
    State(app): State<AppState>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let body = form.body(&[("name", Kind::Text), ("expires_at", Kind::Time)], false);
    let result = match read_token_request(body) {
        Ok((name, expires_at)) => tokens::create(&app.store, &viewer.ctx, name, expires_at)
            .await
            .map_err(Problem::from),
        Err(p) => Err(p),
    };
    match result {
        Ok(made) => {
            let body = html! {
                h1 { "Token created" }
                section.card.secret-once {
                    h2 { (made.token.name) }
                    p { code.secret #token-secret { (made.secret) } }
                    p { strong { "Copy it now: it is shown only this once." } " Send it as " code { "Authorization: Bearer …" } ". Rapport keeps only a hash of it." }
                }
                p { a href="/tokens" { "Back to your tokens" } }
            };
            Ok(framed(&viewer, "Token created", body, StatusCode::CREATED))
        }
        Err(problem) => {
            let status = problem.status;
            render(&app, &viewer, Some(&form), &Errors::from(problem), status).await
        }
    }
}

/// `POST /tokens/{id}/revoke`
pub async fn revoke(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, _): SignedForm,
) -> PageResult {
    match tokens::revoke(&app.store, &viewer.ctx, id).await {
        Ok(_) => Ok(Redirect::to("/tokens").into_response()),
        Err(e) => {
            let problem = Problem::from(e);
            let status = problem.status;
            render(&app, &viewer, None, &Errors::from(problem), status).await
        }
    }
}
