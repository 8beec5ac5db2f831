//! `GET /dashboards/contracts`: the contracts dashboard (`dashboards::contracts::contracts`,
//! as the API's route calls it): active now, expiring within 30/60/90 days, renewals and
//! churn over a period, as figures, a bar chart of the counts and tables by currency.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use maud::{html, Markup};
use rapport_store::reports::dashboards::contracts::{
    self as figures, ContractsDashboard, ContractsQuery, CurrencyFigures,
};
use rapport_store::reports::dashboards::period;

use crate::problem::Problem;
use crate::ui::chart::{bars, Group};
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{field, Errors};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

fn values(rows: &[CurrencyFigures]) -> Markup {
    html! {
        @if rows.is_empty() { "—" }
        @for r in rows { div { (fmt::money(r.value, &r.currency)) " (" (r.count) ")" } }
    }
}

fn content(d: &ContractsDashboard) -> Markup {
    let mut groups = vec![Group {
        label: "Active".into(),
        values: vec![d.active.count],
    }];
    for e in &d.expiring {
        groups.push(Group {
            label: format!("≤ {} days", e.within_days),
            values: vec![e.count],
        });
    }
    groups.push(Group {
        label: "Renewed".into(),
        values: vec![d.renewals.count],
    });
    groups.push(Group {
        label: "Churned".into(),
        values: vec![d.churn.count],
    });
    html! {
        p.muted { "Active and expiring as of " (d.today) " (UTC); renewals and churn from " (d.from) " up to (not including) " (d.to) "." }
        dl.figures {
            div { dt { "Active" } dd #active-count { (d.active.count) } }
            @for e in &d.expiring { div { dt { "Expiring within " (e.within_days) " days" } dd { (e.count) } } }
            div { dt { "Renewals" } dd #renewals-count { (d.renewals.count) } }
            div { dt { "Churn" } dd #churn-count { (d.churn.count) } }
        }
        div.grid.chart-beside {
            (bars("Contracts: active, expiring, renewed and churned", &["contracts"], &groups))
            div.table-wrap {
                table #contract-figures {
                    caption { "Value by currency (count)" }
                    thead { tr { th scope="col" { "Figure" } th scope="col".num { "Value" } } }
                    tbody {
                        tr { th scope="row" { "Active" } td.num { (values(&d.active.by_currency)) } }
                        @for e in &d.expiring {
                            tr {
                                th scope="row" { a href={ "/contracts?expiring_within=" (e.within_days) "d" } { "Expiring within " (e.within_days) " days" } }
                                td.num { (values(&e.by_currency)) }
                            }
                        }
                        tr { th scope="row" { "Renewals" } td.num { (values(&d.renewals.by_currency)) } }
                        tr {
                            th scope="row" { "Churn (" (d.churn.expired) " expired, " (d.churn.lost) " lost, " (d.churn.cancelled) " cancelled)" }
                            td.num { (values(&d.churn.by_currency)) }
                        }
                    }
                }
            }
        }
        p.muted { "Renewals: contracts activated in the period that renew another. Churn: contracts that became expired, lost or cancelled in the period and that no contract renews." }
    }
}

/// `GET /dashboards/contracts`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let today = Utc::now().date_naive();
    let mut errors = Vec::new();
    let from = q.date("from", &mut errors);
    let to = q.date("to", &mut errors);
    let read = if errors.is_empty() {
        period(from, to, today).map_err(Errors::from)
    } else {
        Err(Errors::from(Problem::validation(errors)))
    };
    let (status, errors, body) = match read {
        Ok((from, to)) => {
            let d = figures::contracts(
                &app.store,
                &viewer.ctx.actor,
                ContractsQuery { from, to, today },
            )
            .await
            .or_page(&viewer)?;
            (StatusCode::OK, Errors::none(), content(&d))
        }
        Err(errors) => (
            StatusCode::BAD_REQUEST,
            errors,
            html! { p.muted { "Correct the period above to see the figures." } },
        ),
    };
    let page = html! {
        h1 { "Contracts dashboard" }
        (errors.banner(&["from", "to"]))
        form.filters method="get" action="/dashboards/contracts" data-live-search {
            (field("Period from (inclusive)", "from", q.value("from"), "date", &errors))
            (field("Period before", "to", q.value("to"), "date", &errors))
            button type="submit" { "Show" }
        }
        div #results { (body) }
    };
    Ok(respond(
        status,
        shell(&viewer, Section::Contracts, "Contracts dashboard", page),
    ))
}
