//! `GET /accounts`: search as you type, filters, sort, keyset pages, and the bulk actions
//! (tag, assign an owner, archive, restore) on the rows ticked.

use std::collections::HashMap;

use axum::extract::State;
use maud::{html, Markup};
use rapport_domain::account::{Account, AccountKind};
use rapport_store::auth::users::{self, Colleague};
use rapport_store::customers::accounts;
use uuid::Uuid;

use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, Errors};
use crate::ui::layout::{heading, page, Section};
use crate::ui::list::{archived_filter, option, people_filter, sort_filter, ListQuery};
use crate::ui::session::Viewer;
use crate::AppState;

pub const PAGE_SIZE: usize = 50;

const SORTS: [(&str, &str); 5] = [
    ("", "Newest first"),
    ("name", "Name A–Z"),
    ("-name", "Name Z–A"),
    ("-updated_at", "Recently changed"),
    ("kind", "Kind"),
];

pub fn names(colleagues: &[Colleague]) -> HashMap<Uuid, String> {
    colleagues.iter().map(|c| (c.id, c.name.clone())).collect()
}

fn filters(q: &ListQuery, colleagues: &[Colleague]) -> Markup {
    html! {
        form.filters method="get" action="/accounts" data-live-search role="search" {
            div.field {
                label for="q" { "Search" }
                input #q type="search" name="q" value=[q.value("q")] placeholder="Name, email, phone, city…" autocomplete="off";
            }
            div.field {
                label for="f-kind" { "Kind" }
                select #f-kind name="kind" {
                    (option("", "Any", q.value("kind")))
                    @for k in AccountKind::ALL { (option(k.as_str(), &fmt::words(k.as_str()), q.value("kind"))) }
                }
            }
            (people_filter("f-owner", "owner_id", "Owner", colleagues, q.value("owner_id")))
            (people_filter("f-rep", "rep_id", "Rep", colleagues, q.value("rep_id")))
            div.field { label for="f-tag" { "Tag" } input #f-tag type="text" name="tag" value=[q.value("tag")] size="10"; }
            div.field { label for="f-state" { "State" } input #f-state type="text" name="state" value=[q.value("state")] size="8"; }
            div.field { label for="f-country" { "Country" } input #f-country type="text" name="country" value=[q.value("country")] size="4" placeholder="FR"; }
            (archived_filter(q))
            (sort_filter(q, &SORTS))
            button type="submit" { "Apply" }
        }
    }
}

fn place(a: &Account) -> String {
    a.place()
        .map(|p| {
            [p.city.as_deref(), p.region.as_deref(), p.country.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

fn bulk_bar(viewer: &Viewer, colleagues: &[Colleague]) -> Markup {
    html! {
        fieldset.filters.bulk {
            legend { "With the ticked accounts" }
            div.field {
                label for="bulk-action" { "Action" }
                select #bulk-action name="action" {
                    option value="tag" { "Add tag" }
                    option value="untag" { "Remove tag" }
                    option value="assign" { "Assign owner" }
                    option value="archive" { "Archive" }
                    option value="restore" { "Restore" }
                }
            }
            div.field { label for="bulk-tag" { "Tag" } input #bulk-tag type="text" name="tag" size="10"; }
            @if !colleagues.is_empty() {
                div.field {
                    label for="bulk-owner" { "Owner" }
                    select #bulk-owner name="owner_id" {
                        option value="" { "—" }
                        @for c in colleagues { option value=(c.id) { (c.name) } }
                    }
                }
            }
            (csrf(viewer))
            button type="submit" { "Apply to ticked" }
        }
    }
}

pub fn results(
    viewer: &Viewer,
    q: &ListQuery,
    rows: &[Account],
    next: Option<&str>,
    owners: &HashMap<Uuid, String>,
    errors: &Errors,
    colleagues: &[Colleague],
) -> Markup {
    html! {
        div #results data-refresh {
            (errors.banner(&[]))
            form method="post" action="/accounts/bulk" {
                div.table-wrap {
                    table.responsive {
                        caption.muted { @if rows.is_empty() { "No accounts match." } @else { "Accounts" } }
                        thead { tr {
                            th scope="col" { input type="checkbox" data-select-all aria-label="Tick all on this page"; }
                            th scope="col" { "Name" } th scope="col" { "Kind" } th scope="col" { "Place" }
                            th scope="col" { "Owner" } th scope="col" { "Tags" } th scope="col" { "Changed" }
                        } }
                        tbody {
                            @for a in rows {
                                tr {
                                    td { input type="checkbox" name="ids" value=(a.id) aria-label={ "Tick " (a.name) }; }
                                    td { a href={ "/accounts/" (a.id) } { (a.name) } @if a.archived_at.is_some() { " " span.badge.archived { "archived" } } }
                                    td { (fmt::words(a.kind.as_str())) }
                                    td { (place(a)) }
                                    td { @if let Some(o) = a.owner_id { (owners.get(&o).map(String::as_str).unwrap_or("—")) } }
                                    td { @for t in &a.tags { span.tag { (t) } } }
                                    td { (fmt::date(a.updated_at.date_naive())) }
                                }
                            }
                        }
                    }
                }
                @if viewer.is_internal() && !rows.is_empty() { (bulk_bar(viewer, colleagues)) }
            }
            (q.pager("/accounts", next))
        }
    }
}

/// `GET /accounts`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let colleagues = users::colleagues(&app.store, &viewer.ctx.actor)
        .await
        .or_page(&viewer)?;
    let owners = names(&colleagues);
    let (rows, next, errors) = match q.params(PAGE_SIZE) {
        Ok(params) => match accounts::list(&app.store, &viewer.ctx.actor, params).await {
            Ok(p) => (p.data, p.next_cursor, Errors::none()),
            Err(e) => (Vec::new(), None, Errors::from(e)),
        },
        Err(e) => (Vec::new(), None, e),
    };
    let export = q.link("/api/v1/accounts", &[("format", "csv")]);
    let body = html! {
        (heading("Accounts", html! {
            @if viewer.is_internal() { a.button.secondary href=(export) download { "Export CSV" } }
            a.button href="/accounts/new" { "New account" }
        }))
        (filters(&q, &colleagues))
        (results(&viewer, &q, &rows, next.as_deref(), &owners, &errors, &colleagues))
    };
    Ok(page(&viewer, Section::Accounts, "Accounts", body))
}
