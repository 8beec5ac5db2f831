//! `GET /pipeline`: the pipeline by currency — `board::board`, as `GET /api/v1/pipeline`
//! reads it, filtered by owner (`me` included) and expected close date, laid out as a
//! table of statuses by currency with each cell's count, value and probability-weighted
//! value. Amounts in different currencies are never added together.

use std::collections::BTreeSet;

use axum::extract::State;
use maud::{html, Markup};
use rapport_domain::lead::LeadStatus;
use rapport_domain::validation::{strict_date, strict_uuid};
use rapport_store::auth::users::{self, Colleague};
use rapport_store::pipeline::board::{self as pipeline, Board, BoardFilter, CurrencyTotal};
use uuid::Uuid;

use super::parts::owner_filter;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::Errors;
use crate::ui::layout::{heading, page, Section};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

/// The filter as the API's board reads it: a user id or `me`, and YYYY-MM-DD dates
/// (after inclusive, before exclusive). Other parameters are not the page's and are left
/// alone, so a bookmarked URL with extras still opens.
fn board_filter(q: &ListQuery, me: Uuid) -> Result<BoardFilter, Errors> {
    let mut filter = BoardFilter::default();
    let mut wrong = Vec::new();
    if let Some(v) = q.value("owner_id") {
        match (v == "me").then_some(me).or_else(|| strict_uuid(v)) {
            Some(id) => filter.owner_id = Some(id),
            None => wrong.push(format!("owner_id: {v:?} is not a user id (or me)")),
        }
    }
    for (name, slot) in [
        ("expected_close_after", &mut filter.close_after),
        ("expected_close_before", &mut filter.close_before),
    ] {
        if let Some(v) = q.value(name) {
            match strict_date(v) {
                Some(d) => *slot = Some(d),
                None => wrong.push(format!("{name}: {v:?} is not a YYYY-MM-DD date")),
            }
        }
    }
    if wrong.is_empty() {
        Ok(filter)
    } else {
        Err(Errors::message(wrong.join("; ")))
    }
}

fn filters(q: &ListQuery, colleagues: &[Colleague]) -> Markup {
    html! {
        form.filters method="get" action="/pipeline" data-live-search {
            (owner_filter("f-owner", colleagues, q.value("owner_id")))
            div.field {
                label for="f-after" { "Closing from" }
                input #f-after type="date" name="expected_close_after" value=[q.value("expected_close_after")];
            }
            div.field {
                label for="f-before" { "Closing before" }
                input #f-before type="date" name="expected_close_before" value=[q.value("expected_close_before")];
            }
            button type="submit" { "Apply" }
        }
    }
}

fn cell(total: Option<&CurrencyTotal>) -> Markup {
    html! {
        @match total {
            Some(t) => td.num {
                (t.count) " · " (fmt::money(t.value, &t.currency)) br;
                span.muted { "weighted " (fmt::money(t.weighted_value, &t.currency)) }
            },
            None => td.num.muted { "—" },
        }
    }
}

fn table(board: &Board) -> Markup {
    let currencies: BTreeSet<&str> = board.totals.iter().map(|t| t.currency.as_str()).collect();
    let of = |totals: &'_ [CurrencyTotal], cur: &str| -> Option<CurrencyTotal> {
        totals.iter().find(|t| t.currency == cur).cloned()
    };
    html! {
        div.table-wrap {
            table.responsive.pipeline {
                caption.muted { "Per status: leads, and by currency the count, value and weighted value of those with a value. Archived leads are left out." }
                thead { tr {
                    th scope="col" { "Status" }
                    th scope="col" { "Leads" }
                    @for cur in &currencies { th scope="col" { (cur) } }
                } }
                tbody {
                    @for column in &board.statuses {
                        tr {
                            th scope="row" {
                                a href={ "/leads/list?status=" (column.status.as_str()) } { (fmt::words(column.status.as_str())) }
                            }
                            td.num { (column.count) }
                            @for cur in &currencies { (cell(of(&column.totals, cur).as_ref())) }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { "All" }
                    td.num { (board.count) }
                    @for cur in &currencies { (cell(of(&board.totals, cur).as_ref())) }
                } }
            }
        }
    }
}

/// `GET /pipeline`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let actor = &viewer.ctx.actor;
    let colleagues = users::colleagues(&app.store, actor)
        .await
        .or_page(&viewer)?;
    let board = match board_filter(&q, viewer.user.id) {
        Ok(filter) => pipeline::board(&app.store, actor, filter)
            .await
            .map_err(Errors::from),
        Err(e) => Err(e),
    };
    let body = html! {
        (heading("Pipeline by currency", html! {
            a.button.secondary href="/leads" { "Board" }
            a.button.secondary href="/leads/list" { "List view" }
        }))
        (filters(&q, &colleagues))
        div #results data-refresh {
            @match &board {
                Ok(b) => {
                    @if b.count == 0 { p.muted { "No open or closed leads match." } }
                    (table(b))
                    p.muted { "Statuses in pipeline order: " (LeadStatus::ALL.map(|s| fmt::words(s.as_str())).join(" → ")) "." }
                }
                Err(e) => (e.banner(&[])),
            }
        }
    };
    Ok(page(&viewer, Section::Leads, "Pipeline", body))
}
