//! One user, `/admin/users/{id}`: their details, the form to change email, name, role or
//! organisation (`UserChanges` as the API's PATCH), and enabling — with the role a
//! waiting directory user gets — or disabling them. What a restricted admin may not do
//! to an admin, the store refuses, and the page shows its words.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use rapport_domain::user::UserChanges;
use rapport_store::auth::user_admin;
use rapport_store::auth::users::{User, LOCAL_PROVIDER};
use serde_json::{json, Value};
use uuid::Uuid;

use super::nav::{admin_page, Tab};
use super::user_new::{organisations, role_options};
use super::users::state;
use crate::problem::Problem;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field, select, Errors, Form, Kind, SignedForm};
use crate::ui::session::Viewer;
use crate::AppState;

const FIELDS: &[(&str, Kind)] = &[
    ("email", Kind::Text),
    ("name", Kind::Text),
    ("role", Kind::Text),
    ("account_id", Kind::Text),
];

fn details(u: &User) -> Markup {
    html! {
        section.card {
            h2 { "Details" }
            dl.props {
                dt { "State" } dd { (state(u)) }
                dt { "Signs in with" } dd { @if u.auth_provider == LOCAL_PROVIDER { "a Rapport password" } @else { "the directory" } }
                @if let Some(s) = &u.auth_subject { dt { "Directory entry" } dd { code { (s) } } }
                @if let Some(t) = u.enabled_at { dt { @if u.enabled { "Enabled" } @else { "Disabled" } } dd { (fmt::time(t)) } }
                dt { "Last sign-in" } dd { @if let Some(t) = u.last_login_at { (fmt::time(t)) } @else { "never" } }
                dt { "Created" } dd { (fmt::time(u.created_at)) }
            }
        }
    }
}

fn edit_form(
    viewer: &Viewer,
    u: &User,
    orgs: &[(String, String)],
    sent: Option<&Form>,
    errors: &Errors,
) -> Markup {
    let v = |name: &str| match sent {
        Some(f) => f.raw(name).map(str::to_owned),
        None => match name {
            "email" => Some(u.email.clone()),
            "name" => Some(u.name.clone()),
            "role" => Some(u.role.as_str().to_owned()),
            "account_id" => u.account_id.map(|a| a.to_string()),
            _ => None,
        },
    };
    html! {
        section.card {
            h2 { "Change" }
            p.muted { "A new role or organisation ends their sessions, so nothing keeps acting with the old rights." }
            form method="post" action={ "/admin/users/" (u.id) } {
                (csrf(viewer))
                (field("Email", "email", v("email").as_deref(), "email", errors))
                (field("Name", "name", v("name").as_deref(), "text", errors))
                (select("Role", "role", &role_options(), v("role").as_deref(), errors))
                (select("Organisation (partner and distributor users)", "account_id", orgs, v("account_id").as_deref(), errors))
                button type="submit" { "Save changes" }
            }
        }
    }
}

/// Enable (choosing the role a waiting user gets) or disable.
fn switch(viewer: &Viewer, u: &User, orgs: &[(String, String)]) -> Markup {
    let none = Errors::none();
    html! {
        section.card {
            @if u.enabled {
                h2 { "Disable" }
                form method="post" action={ "/admin/users/" (u.id) "/disable" } data-confirm={ "Disable " (u.email) "? Their sessions end and their tokens stop working at once." } {
                    (csrf(viewer))
                    p.muted { "Their sessions end and their tokens stop working at once." }
                    button.danger type="submit" { "Disable " (u.email) }
                }
            } @else {
                h2 { "Enable" }
                form method="post" action={ "/admin/users/" (u.id) "/enable" } {
                    (csrf(viewer))
                    (select("With the role", "role", &role_options(), Some(u.role.as_str()), &none))
                    (select("Organisation (partner and distributor users)", "account_id", orgs, u.account_id.map(|a| a.to_string()).as_deref(), &none))
                    button type="submit" { "Enable " (u.email) }
                }
            }
        }
    }
}

async fn render(
    app: &AppState,
    viewer: &Viewer,
    id: Uuid,
    sent: Option<&Form>,
    errors: &Errors,
    status: StatusCode,
) -> PageResult {
    let user = user_admin::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(viewer)?;
    let orgs = organisations(app, viewer).await?;
    let body = html! {
        div.page-head { h1 { (user.email) } div.actions { a href="/admin/users" { "All users" } } }
        (errors.banner(&["email", "name", "role", "account_id"]))
        div.split {
            div { (edit_form(viewer, &user, &orgs, sent, errors)) (switch(viewer, &user, &orgs)) }
            (details(&user))
        }
    };
    Ok(admin_page(viewer, Tab::Users, &user.email, body, status))
}

/// A refused change shows the user again, with the store's words, at the API's status.
async fn refused(
    app: &AppState,
    viewer: &Viewer,
    id: Uuid,
    sent: Option<&Form>,
    problem: Problem,
) -> PageResult {
    let status = problem.status;
    render(app, viewer, id, sent, &Errors::from(problem), status).await
}

fn to_user(id: Uuid) -> Response {
    Redirect::to(&format!("/admin/users/{id}")).into_response()
}

/// `GET /admin/users/{id}`
pub async fn show(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    render(&app, &viewer, id, None, &Errors::none(), StatusCode::OK).await
}

/// `POST /admin/users/{id}`: email, name, role, organisation.
pub async fn update(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let result = match UserChanges::read(form.body(FIELDS, true), false) {
        Ok(changes) => user_admin::update(&app.store, &viewer.ctx, id, changes)
            .await
            .map_err(Problem::from),
        Err(e) => Err(Problem::from(e)),
    };
    match result {
        Ok(_) => Ok(to_user(id)),
        Err(problem) => refused(&app, &viewer, id, Some(&form), problem).await,
    }
}

/// `POST /admin/users/{id}/enable`: the role (and organisation) chosen are set first, so
/// a waiting user never signs in with the directory's default role by mistake.
pub async fn enable(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let mut body = json!({});
    if let Some(obj) = body.as_object_mut() {
        if let Some(role) = form.text("role") {
            obj.insert("role".into(), Value::String(role));
        }
        obj.insert(
            "account_id".into(),
            form.text("account_id").map_or(Value::Null, Value::String),
        );
    }
    let changed = match UserChanges::read(body, false) {
        Ok(changes) => user_admin::update(&app.store, &viewer.ctx, id, changes)
            .await
            .map_err(Problem::from),
        Err(e) => Err(Problem::from(e)),
    };
    let result = match changed {
        Ok(_) => user_admin::set_enabled(&app.store, &viewer.ctx, id, true)
            .await
            .map_err(Problem::from),
        Err(p) => Err(p),
    };
    match result {
        Ok(_) => Ok(to_user(id)),
        Err(problem) => refused(&app, &viewer, id, None, problem).await,
    }
}

/// `POST /admin/users/{id}/disable`
pub async fn disable(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, _): SignedForm,
) -> PageResult {
    match user_admin::set_enabled(&app.store, &viewer.ctx, id, false).await {
        Ok(_) => Ok(to_user(id)),
        Err(e) => refused(&app, &viewer, id, None, Problem::from(e)).await,
    }
}
