//! `GET /dashboards/pipeline`: the pipeline dashboard (leads created in a period, per
//! owner and status, win rate and days to close) through the store's `pipeline`, as the
//! API's route calls it. It lives beside the sales dashboard, the other report page.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use maud::{html, Markup};
use rapport_domain::validation::strict_uuid;
use rapport_domain::FieldError;
use rapport_store::auth::users;
use rapport_store::reports::dashboards::period;
use rapport_store::reports::dashboards::pipeline::{
    self, OwnerFigures, PipelineDashboard, PipelineQuery,
};
use uuid::Uuid;

use crate::problem::Problem;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{field, select, Errors};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::list::ListQuery;
use crate::ui::pages::accounts::list::names;
use crate::ui::session::Viewer;
use crate::AppState;

/// The query as the API reads it (the same default period), every bad field named.
fn read(q: &ListQuery, me: Uuid, today: NaiveDate) -> Result<PipelineQuery, Errors> {
    let mut errors = Vec::new();
    let from = q.date("from", &mut errors);
    let to = q.date("to", &mut errors);
    let owner_id = match q.value("owner_id") {
        None => None,
        Some("me") => Some(me),
        Some(v) => {
            let id = strict_uuid(v);
            if id.is_none() {
                errors.push(FieldError::new(
                    "owner_id",
                    "uuid",
                    format!("{v:?} is not a UUID (or me)"),
                ));
            }
            id
        }
    };
    if !errors.is_empty() {
        return Err(Errors::from(Problem::validation(errors)));
    }
    let (from, to) = period(from, to, today).map_err(Errors::from)?;
    Ok(PipelineQuery { from, to, owner_id })
}

fn rate(f: &OwnerFigures) -> String {
    f.win_rate
        .map(|r| format!("{}%", (r * rust_decimal::Decimal::from(100)).round_dp(1)))
        .unwrap_or_else(|| "—".into())
}

fn days(f: &OwnerFigures) -> String {
    f.avg_days_to_close
        .map(|d| d.to_string())
        .unwrap_or_else(|| "—".into())
}

fn board(f: &OwnerFigures) -> Markup {
    html! {
        div.table-wrap {
            table {
                caption { "Leads by status" }
                thead { tr { th scope="col" { "Status" } th scope="col".num { "Leads" } th scope="col".num { "Value" } th scope="col".num { "Weighted" } } }
                tbody {
                    @for col in &f.board.statuses {
                        tr {
                            th scope="row" { (fmt::words(col.status.as_str())) }
                            td.num { (col.count) }
                            td.num { @for t in &col.totals { div { (fmt::money(t.value, &t.currency)) } } }
                            td.num { @for t in &col.totals { div { (fmt::money(t.weighted_value, &t.currency)) } } }
                        }
                    }
                }
            }
        }
    }
}

fn owners(d: &PipelineDashboard, who: &HashMap<Uuid, String>) -> Markup {
    html! {
        div.table-wrap {
            table {
                caption { "Per owner" }
                thead { tr {
                    th scope="col" { "Owner" } th scope="col".num { "Leads" } th scope="col".num { "Won" } th scope="col".num { "Lost" }
                    th scope="col".num { "Win rate" } th scope="col".num { "Days to close" }
                } }
                tbody {
                    @for o in &d.owners {
                        tr {
                            th scope="row" {
                                @match o.owner_id {
                                    Some(id) => (who.get(&id).map(String::as_str).unwrap_or("Someone else")),
                                    None => "Nobody",
                                }
                            }
                            td.num { (o.board.count) } td.num { (o.won) } td.num { (o.lost) }
                            td.num { (rate(o)) } td.num { (days(o)) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /dashboards/pipeline`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let today = Utc::now().date_naive();
    let colleagues = users::colleagues(&app.store, &viewer.ctx.actor)
        .await
        .or_page(&viewer)?;
    let who = names(&colleagues);
    let (status, errors, content) = match read(&q, viewer.ctx.actor.user_id, today) {
        Ok(query) => {
            let d = pipeline::pipeline(&app.store, &viewer.ctx.actor, query)
                .await
                .or_page(&viewer)?;
            let content = html! {
                p.muted { "Leads created from " (d.from) " up to (not including) " (d.to) ", archived ones left out." }
                dl.figures {
                    div { dt { "Leads" } dd { (d.totals.board.count) } }
                    div { dt { "Won" } dd { (d.totals.won) } }
                    div { dt { "Lost" } dd { (d.totals.lost) } }
                    div { dt { "Win rate" } dd { (rate(&d.totals)) } }
                    div { dt { "Average days to close" } dd { (days(&d.totals)) } }
                }
                div.grid { (board(&d.totals)) (owners(&d, &who)) }
            };
            (StatusCode::OK, Errors::none(), content)
        }
        Err(errors) => (
            StatusCode::BAD_REQUEST,
            errors,
            html! { p.muted { "Correct the period above to see the figures." } },
        ),
    };
    let mut owner_options = vec![
        (String::new(), "Everyone".to_owned()),
        ("me".to_owned(), "Me".to_owned()),
    ];
    owner_options.extend(
        colleagues
            .iter()
            .map(|c| (c.id.to_string(), c.name.clone())),
    );
    let body = html! {
        h1 { "Pipeline dashboard" }
        (errors.banner(&["from", "to", "owner_id"]))
        form.filters method="get" action="/dashboards/pipeline" data-live-search {
            (field("Created from (inclusive)", "from", q.value("from"), "date", &errors))
            (field("Created before", "to", q.value("to"), "date", &errors))
            @if !colleagues.is_empty() { (select("Owner", "owner_id", &owner_options, q.value("owner_id"), &errors)) }
            button type="submit" { "Show" }
        }
        div #results { (content) }
    };
    Ok(respond(
        status,
        shell(&viewer, Section::Leads, "Pipeline dashboard", body),
    ))
}
