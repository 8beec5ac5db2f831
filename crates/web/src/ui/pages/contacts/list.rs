//! `GET /contacts`: search as you type, filters (kind, active, linked account), sort and
//! keyset pages, over the same `contacts::list` the API's list calls.

use axum::extract::State;
use maud::{html, Markup};
use rapport_domain::contact::{Contact, ContactKind};
use rapport_store::customers::{accounts, contacts};
use uuid::Uuid;

use crate::ui::errors::PageResult;
use crate::ui::fmt;
use crate::ui::form::Errors;
use crate::ui::layout::{heading, page, Section};
use crate::ui::list::{sort_filter, with_query, ListQuery};
use crate::ui::session::Viewer;
use crate::AppState;

const PAGE_SIZE: usize = 50;

const SORTS: [(&str, &str); 5] = [
    ("", "Best match, else newest"),
    ("name", "Name A–Z"),
    ("-name", "Name Z–A"),
    ("-updated_at", "Recently changed"),
    ("email", "Email"),
];

fn option(value: &str, label: &str, current: Option<&str>) -> Markup {
    html! { option value=(value) selected[current.unwrap_or("") == value] { (label) } }
}

/// This query without the account it is narrowed to (nor its cursor).
fn without_account(q: &ListQuery) -> String {
    let kept: Vec<(&str, &str)> = q
        .pairs
        .iter()
        .filter(|(k, _)| k != "account_id" && k != "cursor")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    with_query("/contacts", &kept)
}

/// The account the list is narrowed to, named; it arrives from an account's page.
fn account_filter(q: &ListQuery, account_name: Option<&str>) -> Markup {
    let Some(id) = q.value("account_id") else {
        return html! {};
    };
    html! {
        div.field {
            input type="hidden" name="account_id" value=(id);
            span.muted { "People at " (account_name.unwrap_or(id)) " · " }
            a href=(without_account(q)) { "all accounts" }
        }
    }
}

fn filters(q: &ListQuery, account_name: Option<&str>) -> Markup {
    html! {
        form.filters method="get" action="/contacts" data-live-search role="search" {
            div.field {
                label for="q" { "Search" }
                input #q type="search" name="q" value=[q.value("q")] placeholder="Name, email, phone…" autocomplete="off";
            }
            div.field {
                label for="f-kind" { "Kind" }
                select #f-kind name="kind" {
                    (option("", "Any", q.value("kind")))
                    @for k in ContactKind::ALL { (option(k.as_str(), &fmt::words(k.as_str()), q.value("kind"))) }
                }
            }
            div.field {
                label for="f-active" { "Active" }
                select #f-active name="active" {
                    (option("", "Either", q.value("active")))
                    (option("true", "Active", q.value("active")))
                    (option("false", "Inactive", q.value("active")))
                }
            }
            (sort_filter(q, &SORTS))
            (account_filter(q, account_name))
            button type="submit" { "Apply" }
        }
    }
}

fn results(q: &ListQuery, rows: &[Contact], next: Option<&str>, errors: &Errors) -> Markup {
    html! {
        div #results data-refresh {
            (errors.banner(&[]))
            div.table-wrap {
                table.responsive {
                    caption.muted { @if rows.is_empty() { "No people match." } @else { "People" } }
                    thead { tr {
                        th scope="col" { "Name" } th scope="col" { "Kind" } th scope="col" { "Title" }
                        th scope="col" { "Email" } th scope="col" { "Phone" } th scope="col" { "Changed" }
                    } }
                    tbody {
                        @for c in rows {
                            tr {
                                td {
                                    a href={ "/contacts/" (c.id) } { (c.full_name) }
                                    @if !c.active { " " span.badge { "inactive" } }
                                }
                                td { (fmt::words(c.kind.as_str())) }
                                td { (c.title.as_deref().unwrap_or("")) }
                                td { @if let Some(e) = &c.email { a href={ "mailto:" (e) } { (e) } } }
                                td { @if let Some(p) = &c.phone { a href={ "tel:" (p) } { (p) } } }
                                td { (fmt::date(c.updated_at.date_naive())) }
                            }
                        }
                    }
                }
            }
            (q.pager("/contacts", next))
        }
    }
}

/// `GET /contacts`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let actor = &viewer.ctx.actor;
    // The narrowing account by name, when the viewer may see it; otherwise its id.
    let account_name = match q.value("account_id").and_then(|v| v.parse::<Uuid>().ok()) {
        Some(id) => accounts::get(&app.store, actor, id)
            .await
            .ok()
            .map(|a| a.name),
        None => None,
    };
    let (rows, next, errors) = match q.params(PAGE_SIZE) {
        Ok(params) => match contacts::list(&app.store, actor, params).await {
            Ok(p) => (p.data, p.next_cursor, Errors::none()),
            Err(e) => (Vec::new(), None, Errors::from(e)),
        },
        Err(e) => (Vec::new(), None, e),
    };
    let export = q.link("/api/v1/contacts", &[("format", "csv")]);
    let body = html! {
        (heading("Contacts", html! {
            @if viewer.is_internal() { a.button.secondary href=(export) download { "Export CSV" } }
        }))
        (filters(&q, account_name.as_deref()))
        (results(&q, &rows, next.as_deref(), &errors))
    };
    Ok(page(&viewer, Section::Contacts, "Contacts", body))
}
