//! `GET /contracts`: the contracts the viewer sees (`contracts::list`, as the API's
//! list), filtered by status, expiring within 30/60/90 days and partner, sorted, in
//! keyset pages, with the CSV export of the same filters.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use maud::{html, Markup};
use rapport_domain::contract::{Contract, ContractStatus};
use rapport_store::contracts::contracts;
use rapport_store::customers::accounts;
use rapport_store::policy;
use rapport_store::ListParams;
use uuid::Uuid;

use super::super::leads::parts::account_names;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::Errors;
use crate::ui::layout::{heading, respond, shell, Section};
use crate::ui::list::{option, sort_filter, ListQuery};
use crate::ui::session::Viewer;
use crate::AppState;

const PAGE_SIZE: usize = 50;
/// The partners a filter offers at most (by name).
const PARTNERS: usize = 200;

const SORTS: [(&str, &str); 6] = [
    ("", "Newest first"),
    ("expiration_date", "Expiring first"),
    ("-expiration_date", "Expiring last"),
    ("-activation_date", "Activated last"),
    ("-total_value", "Largest value"),
    ("total_value", "Smallest value"),
];

/// The partner accounts the viewer sees, for the filter (none to outside users, who see
/// only their own).
async fn partners(
    app: &AppState,
    viewer: &Viewer,
) -> Result<Vec<(Uuid, String)>, axum::response::Response> {
    if !viewer.is_internal() {
        return Ok(Vec::new());
    }
    let page = accounts::list(
        &app.store,
        &viewer.ctx.actor,
        ListParams {
            limit: PARTNERS,
            sort: Some("name".into()),
            filters: vec![("kind".into(), "partner".into())],
            ..ListParams::default()
        },
    )
    .await
    .or_page(viewer)?;
    Ok(page.data.into_iter().map(|a| (a.id, a.name)).collect())
}

fn filters(q: &ListQuery, partners: &[(Uuid, String)]) -> Markup {
    html! {
        form.filters method="get" action="/contracts" data-live-search role="search" {
            div.field {
                label for="f-status" { "Status" }
                select #f-status name="status" {
                    (option("", "Any", q.value("status")))
                    @for s in ContractStatus::ALL { (option(s.as_str(), &fmt::words(s.as_str()), q.value("status"))) }
                }
            }
            div.field {
                label for="f-expiring" { "Expiring within" }
                select #f-expiring name="expiring_within" {
                    (option("", "Any time", q.value("expiring_within")))
                    @for d in ["30d", "60d", "90d"] { (option(d, &format!("{} days", d.trim_end_matches('d')), q.value("expiring_within"))) }
                }
            }
            @if !partners.is_empty() {
                div.field {
                    label for="f-partner" { "Partner" }
                    select #f-partner name="partner_id" {
                        (option("", "Any", q.value("partner_id")))
                        @for (id, name) in partners { (option(&id.to_string(), name, q.value("partner_id"))) }
                    }
                }
            }
            (sort_filter(q, &SORTS))
            button type="submit" { "Apply" }
        }
    }
}

/// An account's name linked to its page, when the viewer sees it.
pub fn account_link(id: Option<Uuid>, names: &HashMap<Uuid, String>) -> Markup {
    html! {
        @match id.and_then(|id| names.get(&id).map(|n| (id, n))) {
            Some((id, name)) => a href={ "/accounts/" (id) } { (name) },
            None => @if id.is_some() { span.muted { "(not visible)" } } @else { "—" },
        }
    }
}

/// A contract's status as a badge.
pub fn badge(status: ContractStatus) -> Markup {
    html! {
        @if status == ContractStatus::Active { span.badge.primary { "active" } }
        @else { span.badge { (fmt::words(status.as_str())) } }
    }
}

/// The accounts these contracts name (account and partner), each once.
pub fn named_accounts<'a>(rows: impl IntoIterator<Item = &'a Contract>) -> Vec<Uuid> {
    rows.into_iter()
        .flat_map(|k| [k.account_id, k.partner_id])
        .flatten()
        .collect()
}

/// The table of contracts, shared with the home page's "expiring soon".
pub fn table(rows: &[Contract], names: &HashMap<Uuid, String>, empty: &str) -> Markup {
    html! {
        div.table-wrap {
            table.responsive {
                caption.muted { @if rows.is_empty() { (empty) } @else { "Contracts" } }
                thead { tr {
                    th scope="col" { "Number" } th scope="col" { "Status" } th scope="col" { "Account" }
                    th scope="col" { "Partner" } th scope="col".num { "Value" }
                    th scope="col" { "Activated" } th scope="col" { "Expires" }
                } }
                tbody {
                    @for k in rows {
                        tr #{ "contract-" (k.id) } {
                            td { a href={ "/contracts/" (k.id) } { (k.contract_number) } }
                            td { (badge(k.status)) }
                            td { (account_link(k.account_id, names)) }
                            td { (account_link(k.partner_id, names)) }
                            td.num { (fmt::money(k.total_value, &k.currency)) }
                            td { (fmt::date(k.activation_date)) }
                            td { (fmt::date(k.expiration_date)) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /contracts`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let actor = &viewer.ctx.actor;
    let (rows, next, errors) = match q.params(PAGE_SIZE) {
        Ok(params) => match contracts::list(&app.store, actor, params).await {
            Ok(p) => (p.data, p.next_cursor, Errors::none()),
            Err(e) => (Vec::new(), None, Errors::from(e)),
        },
        Err(e) => (Vec::new(), None, e),
    };
    let names = account_names(&app, &viewer, named_accounts(&rows)).await?;
    let partners = partners(&app, &viewer).await?;
    let may_export = policy::may_export(actor, policy::Resource::Contracts).is_ok();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let body = html! {
        (heading("Contracts", html! {
            a.button.secondary href="/dashboards/contracts" { "Dashboard" }
            @if may_export { a.button.secondary href=(q.link("/api/v1/contracts", &[("format", "csv")])) { "Export CSV" } }
        }))
        (filters(&q, &partners))
        (errors.banner(&[]))
        div #results data-refresh {
            (table(&rows, &names, "No contracts match."))
            (q.pager("/contracts", next.as_deref()))
        }
    };
    Ok(respond(
        status,
        shell(&viewer, Section::Contracts, "Contracts", body),
    ))
}
