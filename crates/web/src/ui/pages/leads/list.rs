//! `GET /leads/list`: the leads as a table, with search as you type, filters (status,
//! owner including me, currency, archived), sort and keyset pages, read as the API's
//! list reads its query (`leads::list`, scoped by the store's policy).

use std::collections::HashMap;

use axum::extract::State;
use maud::{html, Markup};
use rapport_domain::lead::{Lead, LeadStatus};
use rapport_store::auth::users::{self, Colleague};
use rapport_store::pipeline::leads;
use uuid::Uuid;

use super::super::accounts::list::names;
use super::parts::{account_ids, account_names, account_of, owner_filter, value};
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::Errors;
use crate::ui::layout::{heading, page, Section};
use crate::ui::list::{archived_filter, option, sort_filter, with_query, ListQuery};
use crate::ui::session::Viewer;
use crate::AppState;

pub const PAGE_SIZE: usize = 50;

const SORTS: [(&str, &str); 6] = [
    ("-created_at", "Newest first"),
    ("-updated_at", "Recently changed"),
    ("title", "Title A–Z"),
    ("expected_close_date", "Closing soonest"),
    ("-probability", "Most likely first"),
    ("status", "Status"),
];

fn filters(q: &ListQuery, colleagues: &[Colleague]) -> Markup {
    html! {
        form.filters method="get" action="/leads/list" data-live-search role="search" {
            div.field {
                label for="q" { "Search" }
                input #q type="search" name="q" value=[q.value("q")] placeholder="Title, organisation, contact…" autocomplete="off";
            }
            div.field {
                label for="f-status" { "Status" }
                select #f-status name="status" {
                    (option("", "Any", q.value("status")))
                    @for s in LeadStatus::ALL { (option(s.as_str(), &fmt::words(s.as_str()), q.value("status"))) }
                }
            }
            (owner_filter("f-owner", colleagues, q.value("owner_id")))
            div.field {
                label for="f-currency" { "Currency" }
                input #f-currency type="text" name="currency" value=[q.value("currency")] size="4" placeholder="EUR";
            }
            (archived_filter(q))
            (sort_filter(q, &SORTS))
            button type="submit" { "Apply" }
        }
    }
}

fn results(
    q: &ListQuery,
    rows: &[Lead],
    next: Option<&str>,
    owners: &HashMap<Uuid, String>,
    accounts: &HashMap<Uuid, String>,
    errors: &Errors,
) -> Markup {
    html! {
        div #results data-refresh {
            (errors.banner(&[]))
            div.table-wrap {
                table.responsive {
                    caption.muted { @if rows.is_empty() { "No leads match." } @else { "Leads" } }
                    thead { tr {
                        th scope="col" { "Title" } th scope="col" { "Status" } th scope="col" { "Account" }
                        th scope="col" { "Value" } th scope="col" { "Probability" } th scope="col" { "Expected close" }
                        th scope="col" { "Owner" } th scope="col" { "Changed" }
                    } }
                    tbody {
                        @for l in rows {
                            tr {
                                td { a href={ "/leads/" (l.id) } { (l.title) } @if l.archived_at.is_some() { " " span.badge.archived { "archived" } } }
                                td { (fmt::words(l.status.as_str())) }
                                td { (account_of(l, accounts)) }
                                td.num { (value(l).unwrap_or_default()) }
                                td.num { (l.probability) "%" }
                                td { @if let Some(d) = l.expected_close_date { (fmt::date(d)) } }
                                td { (l.owner_id.and_then(|o| owners.get(&o)).map(String::as_str).unwrap_or("—")) }
                                td { (fmt::date(l.updated_at.date_naive())) }
                            }
                        }
                    }
                }
            }
            (q.pager("/leads/list", next))
        }
    }
}

/// The board with the filters it shares with the list.
fn board_link(q: &ListQuery) -> String {
    let shared: Vec<(&str, &str)> = q
        .pairs
        .iter()
        .filter(|(k, _)| matches!(k.as_str(), "q" | "owner_id" | "currency"))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    with_query("/leads", &shared)
}

/// `GET /leads/list`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let colleagues = users::colleagues(&app.store, &viewer.ctx.actor)
        .await
        .or_page(&viewer)?;
    let owners = names(&colleagues);
    let (rows, next, errors) = match q.params(PAGE_SIZE) {
        Ok(params) => match leads::list(&app.store, &viewer.ctx.actor, params).await {
            Ok(p) => (p.data, p.next_cursor, Errors::none()),
            Err(e) => (Vec::new(), None, Errors::from(e)),
        },
        Err(e) => (Vec::new(), None, e),
    };
    let accounts = account_names(&app, &viewer, account_ids(&rows)).await?;
    let export = q.link("/api/v1/leads", &[("format", "csv")]);
    let body = html! {
        (heading("Leads", html! {
            a.button.secondary href=(board_link(&q)) { "Board" }
            @if viewer.is_internal() { a.button.secondary href=(export) download { "Export CSV" } }
            a.button href="/leads/new" { "New lead" }
        }))
        (filters(&q, &colleagues))
        (results(&q, &rows, next.as_deref(), &owners, &accounts, &errors))
    };
    Ok(page(&viewer, Section::Leads, "Leads", body))
}
