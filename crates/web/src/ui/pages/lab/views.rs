//! `GET /lab/orders`, `/lab/projects` and `/lab/stats`: the three views, keyset pages with
//! the lists' own filters (the order summary and active projects take the orders' and
//! the projects' query parameters; the statistics a month range).

use axum::extract::State;
use maud::{html, Markup};
use rapport_store::kernel::list::DEFAULT_LIMIT;
use rapport_store::reports::lab_views::{self as views, MonthlyQuery};

use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::Errors;
use crate::ui::layout::{heading, respond, shell, Section};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

const PAGE_SIZE: usize = 50;

/// The links between the three views.
fn tabs(current: &str) -> Markup {
    let tabs = [
        ("/lab/projects", "Active projects"),
        ("/lab/orders", "Order summary"),
        ("/lab/stats", "Monthly statistics"),
    ];
    html! {
        nav.tabs aria-label="Lab views" {
            @for (href, label) in tabs {
                a href=(href) aria-current=[(href == current).then_some("page")] { (label) } " "
            }
        }
    }
}

/// `GET /lab/orders`
pub async fn order_summary(
    State(app): State<AppState>,
    viewer: Viewer,
    q: ListQuery,
) -> PageResult {
    let (page, errors) = match q.params(PAGE_SIZE) {
        Ok(params) => match views::order_summary(&app.store, &viewer.ctx.actor, params).await {
            Ok(p) => (Some(p), Errors::none()),
            Err(e) => (None, Errors::from(e)),
        },
        Err(e) => (None, e),
    };
    let rows = page.as_ref().map(|p| p.data.as_slice()).unwrap_or_default();
    let body = html! {
        (heading("Order summary", tabs("/lab/orders")))
        (errors.banner(&[]))
        div.table-wrap {
            table.responsive #order-summary {
                caption.muted { @if rows.is_empty() { "No orders." } @else { "Orders you can see, newest first" } }
                thead { tr {
                    th scope="col" { "Order" } th scope="col" { "Type" } th scope="col" { "Patient" }
                    th scope="col" { "Doctor" } th scope="col" { "Office" } th scope="col" { "State" }
                    th scope="col" { "Created" } th scope="col" { "Updated" }
                } }
                tbody {
                    @for o in rows {
                        tr {
                            td { a href={ "/orders/" (o.id) } { (o.order_number) } }
                            td { (o.order_type) }
                            td { @if let Some(p) = &o.patient { (p.name) } }
                            td { @if let Some(d) = &o.doctor { (d.name) } }
                            td { @if let (Some(id), Some(name)) = (o.office_id, &o.office) { a href={ "/accounts/" (id) } { (name) } } }
                            td { span.badge { (o.state) } }
                            td { (fmt::time(o.created_at)) }
                            td { (fmt::time(o.updated_at)) }
                        }
                    }
                }
            }
        }
        (q.pager("/lab/orders", page.as_ref().and_then(|p| p.next_cursor.as_deref())))
    };
    Ok(respond(
        axum::http::StatusCode::OK,
        shell(&viewer, Section::Lab, "Order summary", body),
    ))
}

/// `GET /lab/projects`
pub async fn active_projects(
    State(app): State<AppState>,
    viewer: Viewer,
    q: ListQuery,
) -> PageResult {
    let (page, errors) = match q.params(PAGE_SIZE) {
        Ok(params) => match views::active_projects(&app.store, &viewer.ctx.actor, params).await {
            Ok(p) => (Some(p), Errors::none()),
            Err(e) => (None, Errors::from(e)),
        },
        Err(e) => (None, e),
    };
    let rows = page.as_ref().map(|p| p.data.as_slice()).unwrap_or_default();
    let body = html! {
        (heading("Active projects", tabs("/lab/projects")))
        (errors.banner(&[]))
        div.table-wrap {
            table.responsive #active-projects {
                caption.muted { @if rows.is_empty() { "No active project." } @else { "Projects neither completed nor cancelled" } }
                thead { tr {
                    th scope="col" { "Project" } th scope="col" { "Order" } th scope="col" { "Patient" }
                    th scope="col" { "Status" } th scope="col" class="num" { "Tasks done" }
                } }
                tbody {
                    @for p in rows {
                        tr data-project=(p.project.id) {
                            td { (p.project.project_number) " · " (p.project.name) }
                            td { a href={ "/orders/" (p.project.order_id) } { (p.order_number) } }
                            td { @if let Some(x) = &p.patient { (x.name) } }
                            td { span.badge { (fmt::words(p.project.status.as_str())) } }
                            td.num { (p.completed_task_count) " / " (p.task_count) }
                        }
                    }
                }
            }
        }
        (q.pager("/lab/projects", page.as_ref().and_then(|p| p.next_cursor.as_deref())))
    };
    Ok(respond(
        axum::http::StatusCode::OK,
        shell(&viewer, Section::Lab, "Active projects", body),
    ))
}

/// A `YYYY-MM` month from the query, or an error naming the field.
fn month(
    q: &ListQuery,
    name: &str,
    errors: &mut Vec<rapport_domain::FieldError>,
) -> Option<String> {
    let v = q.value(name)?;
    let ok = views::is_month(v);
    if !ok {
        errors.push(rapport_domain::FieldError::new(
            name,
            "month",
            format!("{v:?} is not a YYYY-MM month"),
        ));
    }
    ok.then(|| v.to_owned())
}

/// `GET /lab/stats`
pub async fn monthly_stats(
    State(app): State<AppState>,
    viewer: Viewer,
    q: ListQuery,
) -> PageResult {
    let mut wrong = Vec::new();
    let query = MonthlyQuery {
        from: month(&q, "from", &mut wrong),
        to: month(&q, "to", &mut wrong),
        limit: DEFAULT_LIMIT.max(PAGE_SIZE) * 2,
        cursor: q.value("cursor").map(str::to_owned),
        ..MonthlyQuery::default()
    };
    let errors = if wrong.is_empty() {
        Errors::none()
    } else {
        Errors::from(rapport_domain::Invalid(wrong))
    };
    let page = if errors.is_empty() {
        Some(
            views::monthly_order_stats(&app.store, &viewer.ctx.actor, query)
                .await
                .or_page(&viewer)?,
        )
    } else {
        None
    };
    let rows = page.as_ref().map(|p| p.data.as_slice()).unwrap_or_default();
    let body = html! {
        (heading("Monthly statistics", tabs("/lab/stats")))
        form.filters method="get" action="/lab/stats" {
            @for (name, label) in [("from", "From (YYYY-MM)"), ("to", "To (YYYY-MM)")] {
                div.field.invalid[errors.of(name).is_some()] {
                    label for={ "f-" (name) } { (label) }
                    input id={ "f-" (name) } name=(name) type="month" value=[q.value(name)]
                        aria-describedby=[errors.of(name).map(|_| format!("f-{name}-error"))];
                    @if let Some(e) = errors.of(name) { p.field-error id={ "f-" (name) "-error" } { (e.message) } }
                }
            }
            button type="submit" { "Show" }
        }
        (errors.banner(&["from", "to"]))
        div.table-wrap {
            table.responsive #monthly-stats {
                caption.muted { @if rows.is_empty() { "No orders in these months." } @else { "Orders created per month, office and type" } }
                thead { tr {
                    th scope="col" { "Month" } th scope="col" { "Office" } th scope="col" { "Type" } th scope="col" class="num" { "Orders" }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            td { (r.month) }
                            td { @match &r.office { Some(name) => (name), None => span.muted { "No office" } } }
                            td { (r.order_type) }
                            td.num { (r.order_count) }
                        }
                    }
                }
            }
        }
        (q.pager("/lab/stats", page.as_ref().and_then(|p| p.next_cursor.as_deref())))
    };
    Ok(respond(
        axum::http::StatusCode::OK,
        shell(&viewer, Section::Lab, "Monthly statistics", body),
    ))
}
