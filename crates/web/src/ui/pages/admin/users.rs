//! `GET /admin/users`: every user by email (as `user_admin::list` decides who may see
//! them), filtered to enabled, disabled, or the directory users waiting for approval;
//! with the form to add a user.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use rapport_store::auth::user_admin::{self, UserFilter};
use rapport_store::auth::users::{User, LOCAL_PROVIDER};

use super::nav::{admin_page, Tab};
use super::user_new;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{Errors, Form};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

/// The list's views: (value of `show`, label, filter).
const VIEWS: [(&str, &str); 4] = [
    ("all", "All"),
    ("enabled", "Enabled"),
    ("disabled", "Disabled"),
    ("waiting", "Waiting for approval"),
];

fn filter_of(show: &str) -> UserFilter {
    match show {
        "enabled" => UserFilter {
            enabled: Some(true),
            pending: false,
        },
        "disabled" => UserFilter {
            enabled: Some(false),
            pending: false,
        },
        "waiting" => UserFilter {
            enabled: None,
            pending: true,
        },
        _ => UserFilter::default(),
    }
}

/// Enabled, disabled, or waiting: a directory user never enabled.
pub fn state(u: &User) -> Markup {
    html! {
        @if u.enabled { span.badge.primary { "enabled" } }
        @else if u.enabled_at.is_none() && u.auth_provider != LOCAL_PROVIDER { span.badge.waiting { "waiting for approval" } }
        @else { span.badge { "disabled" } }
    }
}

fn views(current: &str) -> Markup {
    html! {
        nav.views aria-label="Which users" {
            @for (value, label) in VIEWS {
                a href={ "/admin/users?show=" (value) } aria-current=[(value == current).then_some("page")] { (label) }
            }
        }
    }
}

fn table(rows: &[User]) -> Markup {
    html! {
        div.table-wrap {
            table.responsive {
                caption.muted { @if rows.is_empty() { "No users in this view." } @else { "Users" } }
                thead { tr {
                    th scope="col" { "Email" } th scope="col" { "Name" } th scope="col" { "Role" }
                    th scope="col" { "Signs in with" } th scope="col" { "State" } th scope="col" { "Last sign-in" }
                } }
                tbody {
                    @for u in rows {
                        tr {
                            td { a href={ "/admin/users/" (u.id) } { (u.email) } }
                            td { (u.name) }
                            td {
                                (fmt::words(u.role.as_str()))
                                @if let Some(a) = u.account_id { " · " a href={ "/accounts/" (a) } { "organisation" } }
                            }
                            td { @if u.auth_provider == LOCAL_PROVIDER { "password" } @else { "directory" } }
                            td { (state(u)) }
                            td { @if let Some(t) = u.last_login_at { (fmt::time(t)) } @else { "never" } }
                        }
                    }
                }
            }
        }
    }
}

/// The list with the add-a-user form; `sent` and `errors` come back from a refused add.
pub async fn render(
    app: &AppState,
    viewer: &Viewer,
    show: &str,
    sent: Option<&Form>,
    errors: &Errors,
    status: StatusCode,
) -> Result<Response, Response> {
    let rows = user_admin::list(&app.store, &viewer.ctx.actor, filter_of(show))
        .await
        .or_page(viewer)?;
    let organisations = user_new::organisations(app, viewer).await?;
    let body = html! {
        div.page-head { h1 { "Users" } }
        (user_new::form(viewer, &organisations, sent, errors))
        (views(show))
        (table(&rows))
    };
    Ok(admin_page(viewer, Tab::Users, "Users", body, status))
}

/// `GET /admin/users?show=all|enabled|disabled|waiting`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let show = q.value("show").unwrap_or("all").to_owned();
    render(&app, &viewer, &show, None, &Errors::none(), StatusCode::OK).await
}
