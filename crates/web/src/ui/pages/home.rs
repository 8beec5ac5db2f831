//! Home: what is due (overdue and upcoming tasks and follow-ups, ticked off in place),
//! the lab's open tasks assigned to me, my pipeline by stage, the contracts expiring in 30 days, and this quarter's sales
//! with a chart.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, Months, NaiveDate, Utc};
use maud::{html, Markup};
use rapport_domain::activity::{Activity, ActivityChanges};
use rapport_domain::precondition::IfMatch;
use rapport_store::lab::messages as lab_messages;
use rapport_store::lab::tasks as lab_tasks;
use rapport_store::pipeline::board::{self, BoardFilter};
use rapport_store::reports::dashboards::sales::{self, Interval, SalesQuery};
use rapport_store::timeline::activities;
use rapport_store::ListParams;
use uuid::Uuid;

use crate::ui::chart::{bars, Group};
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, SignedForm};
use crate::ui::layout::{page, Section};
use crate::ui::session::Viewer;
use crate::AppState;

fn due_list(params: Vec<(&str, String)>) -> ListParams {
    ListParams {
        limit: 20,
        sort: Some("due_at".into()),
        filters: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        ..ListParams::default()
    }
}

fn task_rows(viewer: &Viewer, tasks: &[Activity], empty: &str) -> Markup {
    html! {
        @if tasks.is_empty() {
            p.muted { (empty) }
        } @else {
            ul.tasks {
                @for t in tasks {
                    li {
                        form.inline method="post" action={ "/activities/" (t.id) "/done" } {
                            (csrf(viewer))
                            button.tick type="submit" aria-label={ "Mark done: " (t.subject.as_deref().unwrap_or(&t.body)) } { "✓" }
                        }
                        span.task-text {
                            strong { (t.subject.as_deref().unwrap_or(fmt::words(t.kind.as_str()).as_str())) }
                            @if let Some(due) = t.due_at { " · due " (fmt::time(due)) }
                            @if let Some(a) = t.account_id { " · " a href={ "/accounts/" (a) } { "account" } }
                            @if let Some(l) = t.lead_id { " · " a href={ "/leads/" (l) } { "lead" } }
                        }
                    }
                }
            }
        }
    }
}

/// The first day of the quarter holding `d`.
fn quarter_start(d: NaiveDate) -> NaiveDate {
    let month0 = d.month0() - d.month0() % 3;
    NaiveDate::from_ymd_opt(d.year(), month0 + 1, 1).unwrap_or(d)
}

async fn sales_section(app: &AppState, viewer: &Viewer) -> Markup {
    let today = Utc::now().date_naive();
    let from = quarter_start(today);
    let to = from.checked_add_months(Months::new(3)).unwrap_or(today);
    let q = SalesQuery {
        from,
        to,
        interval: Interval::Month,
        rep_id: None,
        sku: None,
        state: None,
    };
    match sales::sales(&app.store, &viewer.ctx.actor, q).await {
        Ok(d) => {
            let groups: Vec<Group> = d
                .intervals
                .iter()
                .map(|i| Group {
                    label: i.start.format("%b %Y").to_string(),
                    values: vec![i.figures.first_time_customers, i.figures.repeat_customers],
                })
                .collect();
            html! {
                section.card {
                    h2 { "This quarter's sales" }
                    dl.figures {
                        div { dt { "Orders" } dd { (d.totals.orders) } }
                        div { dt { "Units" } dd { (d.totals.units) } }
                        div { dt { "First-time customers" } dd { (d.totals.first_time_customers) } }
                        div { dt { "Repeat customers" } dd { (d.totals.repeat_customers) } }
                    }
                    (bars("Customers per month this quarter: first-time and repeat", &["first-time", "repeat"], &groups))
                    p { a href="/dashboards/sales" { "Open the sales dashboard" } }
                }
            }
        }
        // Roles without the distribution log have no sales figures to show.
        Err(_) => html! {},
    }
}

/// `GET /home`
pub async fn show(State(app): State<AppState>, viewer: Viewer) -> PageResult {
    let actor = &viewer.ctx.actor;
    let now = Utc::now();
    let overdue = activities::list(
        &app.store,
        actor,
        due_list(vec![
            ("assignee", "me".into()),
            ("done", "false".into()),
            ("overdue", "true".into()),
        ]),
    )
    .await
    .or_page(&viewer)?;
    let upcoming = activities::list(
        &app.store,
        actor,
        due_list(vec![
            ("assignee", "me".into()),
            ("done", "false".into()),
            ("due_after", now.to_rfc3339()),
            ("due_before", (now + Duration::days(14)).to_rfc3339()),
        ]),
    )
    .await
    .or_page(&viewer)?;
    let filter = BoardFilter {
        owner_id: viewer.is_internal().then_some(actor.user_id),
        ..BoardFilter::default()
    };
    // Roles without the pipeline (fulfillers) have no board to show; any other error is one.
    let pipeline = match board::board(&app.store, actor, filter).await {
        Ok(b) => Some(b),
        Err(rapport_store::StoreError::Forbidden { .. }) => None,
        Err(e) => return Err(crate::ui::errors::store_error_page(Some(&viewer), e)),
    };
    let sales = sales_section(&app, &viewer).await;
    let contracts = super::contracts::expiring_soon(&app, &viewer).await?;
    let work = my_work(&app, &viewer).await?;
    let unread = unread_messages(&app, &viewer).await?;
    let body = html! {
        h1 { "Good to see you, " (viewer.user.name) }
        div.grid {
            section.card {
                h2 { "Overdue" }
                (task_rows(&viewer, &overdue.data, "Nothing overdue."))
                h2 { "Due in the next two weeks" }
                (task_rows(&viewer, &upcoming.data, "Nothing due soon."))
            }
            @if let Some(pipeline) = &pipeline {
                section.card {
                    h2 { @if viewer.is_internal() { "My pipeline" } @else { "Pipeline" } }
                    table {
                        thead { tr { th scope="col" { "Stage" } th scope="col".num { "Leads" } th scope="col".num { "Value" } } }
                        tbody {
                            @for col in &pipeline.statuses {
                                tr {
                                    th scope="row" { a href={ "/leads?status=" (col.status.as_str()) } { (fmt::words(col.status.as_str())) } }
                                    td.num { (col.count) }
                                    td.num { @for t in &col.totals { div { (fmt::money(t.value, &t.currency)) } } }
                                }
                            }
                        }
                    }
                    p { a href="/leads" { "Open the board" } }
                }
            }
        }
        (unread)
        (work)
        (contracts)
        (sales)
    };
    Ok(page(&viewer, Section::Home, "Home", body))
}

/// The lab's open tasks assigned to the viewer (a fulfiller's day), soonest due first,
/// each linked to its order; nothing when there are none.
async fn my_work(app: &AppState, viewer: &Viewer) -> Result<Markup, Response> {
    let mine = lab_tasks::list(
        &app.store,
        &viewer.ctx.actor,
        ListParams {
            limit: 50,
            sort: Some("due_at".into()),
            filters: vec![
                ("assignee".into(), "me".into()),
                ("status".into(), "pending,in_progress,blocked".into()),
            ],
            ..ListParams::default()
        },
    )
    .await
    .or_page(viewer)?;
    if mine.data.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        section.card #my-work {
            h2 { "My open tasks" }
            ul.tasks {
                @for t in &mine.data {
                    li {
                        a href={ "/orders/" (t.order_id) "#work" } { (t.title) }
                        " · " (fmt::words(t.status.as_str()))
                        @if let Some(due) = t.due_at { " · due " (fmt::time(due)) }
                    }
                }
            }
        }
    })
}

/// The messages sent to the viewer that they have not read, newest first, each with
/// its order and a button to mark it read; nothing when there are none.
async fn unread_messages(app: &AppState, viewer: &Viewer) -> Result<Markup, Response> {
    let unread = lab_messages::list(
        &app.store,
        &viewer.ctx.actor,
        ListParams {
            limit: 20,
            filters: vec![("unread".into(), "true".into())],
            ..ListParams::default()
        },
    )
    .await
    .or_page(viewer)?;
    if unread.data.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        section.card #unread {
            h2 { "Unread messages" }
            ul.tasks {
                @for m in &unread.data {
                    li {
                        strong { (fmt::words(&m.message_type)) } " · " (fmt::time(m.created_at)) " · "
                        @if let Some(s) = &m.subject { (s) ": " }
                        (m.body)
                        @if let Some(order) = m.order_id { " · " a href={ "/orders/" (order) } { "its order" } }
                        form.inline method="post" action={ "/messages/" (m.id) "/read" } {
                            (csrf(viewer))
                            " " button.link type="submit" { "Mark read" }
                        }
                    }
                }
            }
        }
    })
}

/// `POST /messages/{id}/read`: marks a message read for the viewer, then home.
pub async fn mark_read(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, _): SignedForm,
) -> Response {
    if let Err(e) = lab_messages::mark_read(&app.store, &viewer.ctx, id).await {
        return crate::ui::errors::store_error_page(Some(&viewer), e);
    }
    Redirect::to("/home").into_response()
}

/// `POST /activities/{id}/done`: ticks off a task or a planned interaction, then back to
/// the page it was ticked on.
pub async fn tick(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    headers: axum::http::HeaderMap,
    SignedForm(viewer, _): SignedForm,
) -> Response {
    let changes = match ActivityChanges::read(serde_json::json!({"done": true}), false) {
        Ok(c) => c,
        Err(e) => return crate::ui::errors::error_page(Some(&viewer), e.into()),
    };
    if let Err(e) = activities::update(&app.store, &viewer.ctx, id, IfMatch::Any, changes).await {
        return crate::ui::errors::store_error_page(Some(&viewer), e);
    }
    let back = headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::ui::sign_in::local_path_of_referer)
        .unwrap_or_else(|| "/home".into());
    Redirect::to(&back).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_start_in_january_april_july_and_october() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(quarter_start(d(2026, 12, 7)), d(2026, 10, 1));
        assert_eq!(quarter_start(d(2026, 1, 1)), d(2026, 1, 1));
        assert_eq!(quarter_start(d(2026, 6, 30)), d(2026, 4, 1));
    }
}
