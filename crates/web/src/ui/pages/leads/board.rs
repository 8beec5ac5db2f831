//! `GET /leads`: the kanban board, one column per status in pipeline order, over the
//! leads the viewer may see. Each column is its own `leads::list` read filtered by its
//! status (the store's policy decides what shows), its first 50 cards and a link to the
//! rest in the list view; its header is the count and the totals by currency from
//! `board::board`. The page's filters (owner, currency, search) apply to every column.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use maud::{html, Markup};
use rapport_domain::lead::{Lead, LeadStatus};
use rapport_store::auth::users::{self, Colleague};
use rapport_store::pipeline::board::{self as pipeline, Board, BoardFilter, CurrencyTotal};
use rapport_store::pipeline::leads;
use rapport_store::ListParams;
use uuid::Uuid;

use super::super::accounts::list::names;
use super::moves::move_form;
use super::parts::{account_ids, account_names, account_of, owner_filter, value};
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::Errors;
use crate::ui::layout::{heading, respond, shell, Section};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

pub const PER_COLUMN: usize = 50;

/// Parameters the board sets itself (each column is the first page of one status, of
/// the leads not archived, as the totals are) and so drops from the query.
const SET_BY_THE_BOARD: [&str; 6] = ["status", "cursor", "limit", "sort", "archived", "count"];

/// One column's cards, and whether more leads are in the status than it shows.
struct Column {
    status: LeadStatus,
    leads: Vec<Lead>,
    more: bool,
}

/// The query without what the board sets itself, as list parameters.
fn board_params(q: &ListQuery) -> Result<ListParams, Errors> {
    let mut params = q.params(PER_COLUMN)?;
    params
        .filters
        .retain(|(k, _)| !SET_BY_THE_BOARD.contains(&k.as_str()));
    params.cursor = None;
    params.sort = None;
    params.count = false;
    Ok(params)
}

async fn read_columns(
    app: &AppState,
    viewer: &Viewer,
    q: &ListQuery,
) -> Result<Vec<Column>, Errors> {
    let base = board_params(q)?;
    // The seven columns are independent reads: ask for them at once.
    let reads = LeadStatus::ALL.map(|status| {
        let mut params = base.clone();
        params
            .filters
            .push(("status".into(), status.as_str().into()));
        async move {
            let page = leads::list(&app.store, &viewer.ctx.actor, params).await?;
            Ok::<_, rapport_store::StoreError>(Column {
                status,
                more: page.next_cursor.is_some(),
                leads: page.data,
            })
        }
    });
    let columns = futures::future::try_join_all(reads)
        .await
        .map_err(Errors::from)?;
    Ok(columns)
}

/// The totals' owner filter: the page's `owner_id` (`me` or a user id). `Err` when the
/// board cannot filter by what was asked (`null`, say), so the header says its totals
/// cover every owner.
fn owner_of(q: &ListQuery, viewer: &Viewer) -> Result<Option<Uuid>, ()> {
    match q.value("owner_id") {
        None => Ok(None),
        Some("me") => Ok(Some(viewer.user.id)),
        Some(v) => rapport_domain::validation::strict_uuid(v)
            .map(Some)
            .ok_or(()),
    }
}

/// What the column totals leave out of the page's filters, said under the board.
fn totals_caveat(q: &ListQuery, owner_followed: bool) -> Option<String> {
    let mut left_out: Vec<&str> = q
        .pairs
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !matches!(*k, "owner_id" | "currency") && !SET_BY_THE_BOARD.contains(k))
        .map(|k| if k == "q" { "the search" } else { k })
        .collect();
    if !owner_followed {
        left_out.push("owner_id");
    }
    left_out.sort_unstable();
    left_out.dedup();
    (!left_out.is_empty()).then(|| {
        format!(
            "The column totals leave out {}: they count every lead of the columns' statuses otherwise.",
            left_out.join(", ")
        )
    })
}

/// A column's count and totals: all of them, or only the filtered currency's.
fn header_figures(
    board: Option<&Board>,
    status: LeadStatus,
    currency: Option<&str>,
) -> Option<(i64, Vec<CurrencyTotal>)> {
    let column = board?.statuses.iter().find(|c| c.status == status)?;
    Some(match currency {
        None => (column.count, column.totals.clone()),
        Some(cur) => {
            let totals: Vec<CurrencyTotal> = column
                .totals
                .iter()
                .filter(|t| t.currency.eq_ignore_ascii_case(cur))
                .cloned()
                .collect();
            (totals.iter().map(|t| t.count).sum(), totals)
        }
    })
}

fn card(
    viewer: &Viewer,
    lead: &Lead,
    owners: &HashMap<Uuid, String>,
    accounts: &HashMap<Uuid, String>,
    back: &str,
) -> Markup {
    html! {
        article.lead-card data-lead=(lead.id) data-status=(lead.status.as_str()) draggable="true" tabindex="0"
            aria-label={ (lead.title) ", " (fmt::words(lead.status.as_str())) } {
            h3.card-title { a href={ "/leads/" (lead.id) } { (lead.title) } }
            @if lead.organization.is_some() || lead.account_id.is_some_and(|id| accounts.contains_key(&id)) {
                div.muted { (account_of(lead, accounts)) }
            }
            @if let Some(v) = value(lead) { div.card-value { (v) } }
            @if let Some(owner) = lead.owner_id.and_then(|o| owners.get(&o)) { div.muted { "Owner: " (owner) } }
            (move_form(viewer, lead, back))
        }
    }
}

fn column_markup(
    viewer: &Viewer,
    q: &ListQuery,
    column: &Column,
    figures: Option<(i64, Vec<CurrencyTotal>)>,
    owners: &HashMap<Uuid, String>,
    accounts: &HashMap<Uuid, String>,
    back: &str,
) -> Markup {
    let name = fmt::words(column.status.as_str());
    let more = q.link("/leads/list", &[("status", column.status.as_str())]);
    html! {
        section.column data-status=(column.status.as_str()) aria-label=(name) {
            h2 {
                span { (name) }
                @if let Some((count, _)) = &figures { span.count title="leads in this status" { (count) } }
            }
            @if let Some((_, totals)) = &figures {
                @if !totals.is_empty() {
                    ul.column-totals {
                        @for t in totals {
                            li {
                                (fmt::money(t.value, &t.currency))
                                span.muted { " · weighted " (fmt::money(t.weighted_value, &t.currency)) }
                            }
                        }
                    }
                }
            }
            @for lead in &column.leads { (card(viewer, lead, owners, accounts, back)) }
            @if column.leads.is_empty() { p.muted { "No leads." } }
            @if column.more { a.more href=(more) { "More in the list view →" } }
        }
    }
}

fn filters(q: &ListQuery, colleagues: &[Colleague]) -> Markup {
    html! {
        form.filters method="get" action="/leads" data-live-search role="search" {
            div.field {
                label for="q" { "Search" }
                input #q type="search" name="q" value=[q.value("q")] placeholder="Title, organisation, contact…" autocomplete="off";
            }
            (owner_filter("f-owner", colleagues, q.value("owner_id")))
            div.field {
                label for="f-currency" { "Currency" }
                input #f-currency type="text" name="currency" value=[q.value("currency")] size="4" placeholder="EUR";
            }
            button type="submit" { "Apply" }
        }
    }
}

/// The board page; `refused` is a move the store refused, shown above the columns.
pub async fn render(
    app: &AppState,
    viewer: &Viewer,
    q: &ListQuery,
    refused: Errors,
    status: StatusCode,
) -> PageResult {
    let actor = &viewer.ctx.actor;
    let colleagues = users::colleagues(&app.store, actor).await.or_page(viewer)?;
    let owners = names(&colleagues);
    let (columns, read_error) = match read_columns(app, viewer, q).await {
        Ok(columns) => (columns, Errors::none()),
        Err(e) => (Vec::new(), e),
    };
    let owner = owner_of(q, viewer);
    let filter = BoardFilter {
        owner_id: owner.unwrap_or(None),
        ..BoardFilter::default()
    };
    let board = if read_error.is_empty() {
        Some(
            pipeline::board(&app.store, actor, filter)
                .await
                .or_page(viewer)?,
        )
    } else {
        None
    };
    let shown_accounts = account_ids(columns.iter().flat_map(|c| c.leads.iter()));
    let accounts = account_names(app, viewer, shown_accounts).await?;
    let back = q.link("/leads", &[]);
    let currency = q.value("currency");
    let caveat = totals_caveat(q, owner.is_ok());
    let body = html! {
        (heading("Leads", html! {
            a.button.secondary href=(q.link("/leads/list", &[])) { "List view" }
            a.button.secondary href="/pipeline" { "Pipeline by currency" }
            a.button href="/leads/new" { "New lead" }
        }))
        (filters(q, &colleagues))
        div #results data-refresh {
            (refused.banner(&[]))
            (read_error.banner(&[]))
            @if read_error.is_empty() {
                p.muted.board-help { "Drag a card to another column, or focus it and press [ or ] — or choose a status in its form and press Move." }
                div.board {
                    @for column in &columns {
                        (column_markup(viewer, q, column, header_figures(board.as_ref(), column.status, currency), &owners, &accounts, &back))
                    }
                }
                @if let Some(c) = caveat { p.muted { (c) } }
            }
        }
    };
    Ok(respond(
        status,
        shell(viewer, Section::Leads, "Leads", body),
    ))
}

/// `GET /leads`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    render(&app, &viewer, &q, Errors::none(), StatusCode::OK).await
}
