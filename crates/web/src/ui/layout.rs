//! The page shell: head, the header with the sections a role may open, the main area.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use super::assets;
use super::form::csrf;
use super::session::Viewer;

/// The header's sections; the current one is marked for sighted and screen-reader users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Accounts,
    Contacts,
    Leads,
    Orders,
    Products,
    Distribution,
    Contracts,
    Lab,
    Admin,
    Other,
}

fn nav(viewer: &Viewer, current: Section) -> Markup {
    let mut items = vec![
        (Section::Home, "/home", "Home"),
        (Section::Accounts, "/accounts", "Accounts"),
        (Section::Contacts, "/contacts", "Contacts"),
        (Section::Leads, "/leads", "Leads"),
        (Section::Orders, "/orders", "Orders"),
    ];
    if viewer.is_internal() {
        items.push((Section::Products, "/products", "Products"));
        items.push((Section::Distribution, "/distributions", "Distribution"));
    }
    if viewer.user.role != rapport_domain::Role::Fulfiller {
        items.push((Section::Contracts, "/contracts", "Contracts"));
    }
    items.push((Section::Lab, "/lab/projects", "Lab"));
    if viewer.is_admin() {
        items.push((Section::Admin, "/admin/users", "Admin"));
    }
    html! {
        nav.main-nav aria-label="Sections" {
            ul {
                @for (section, href, label) in items {
                    li { a href=(href) aria-current=[(section == current).then_some("page")] { (label) } }
                }
            }
        }
    }
}

fn document(title: &str, header: Markup, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Rapport" }
                link rel="stylesheet" href=(assets::css_href());
                link rel="icon" href=(assets::icon_href()) type="image/svg+xml";
                script src=(assets::js_href()) defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                (header)
                main #main tabindex="-1" { (body) }
            }
        }
    }
}

/// A page for a signed-in viewer.
pub fn page(viewer: &Viewer, section: Section, title: &str, body: Markup) -> Response {
    respond(StatusCode::OK, shell(viewer, section, title, body))
}

pub fn shell(viewer: &Viewer, section: Section, title: &str, body: Markup) -> Markup {
    let header = html! {
        header.top {
            a.brand href="/home" { "Rapport" }
            (nav(viewer, section))
            div.me {
                span.who title=(viewer.user.email) { (viewer.user.name) " · " (viewer.user.role.as_str().replace('_', " ")) }
                a.tokens href="/tokens" { "API tokens" }
                form method="post" action="/sign-out" {
                    (csrf(viewer))
                    button.link type="submit" { "Sign out" }
                }
            }
        }
    };
    document(title, header, body)
}

/// A page without the signed-in header (sign-in, setup, errors before sign-in).
pub fn bare(title: &str, body: Markup) -> Markup {
    let header = html! { header.top { a.brand href="/" { "Rapport" } } };
    document(title, header, html! { div.narrow { (body) } })
}

/// HTML with the headers every page carries: never cached (pages hold people's data).
pub fn respond(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        markup.into_string(),
    )
        .into_response()
}

/// A page's title with a count, for lists.
pub fn heading(title: &str, actions: Markup) -> Markup {
    html! {
        div.page-head {
            h1 { (title) }
            div.actions { (actions) }
        }
    }
}
