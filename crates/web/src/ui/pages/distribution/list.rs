//! `GET /distributions`: the distribution log with the filters its list accepts (ship
//! dates, SKU, lot, order, legacy customer, rep, source, linked), sort, keyset pages and
//! the CSV export of the same query, read through the same store list as the API's.

use std::collections::HashMap;

use axum::extract::State;
use maud::{html, Markup};
use rapport_domain::distribution::{Distribution, Source};
use rapport_store::auth::users::{self, Colleague};
use rapport_store::distribution::distributions;
use uuid::Uuid;

use crate::query::list_params;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::Errors;
use crate::ui::layout::{heading, page, Section};
use crate::ui::list::{sort_filter, ListQuery};
use crate::ui::pages::accounts::list::names;
use crate::ui::session::Viewer;
use crate::AppState;

const PAGE_SIZE: usize = 50;

/// The bulk paste's summary rides on the query; it is no filter of the list.
const CREATED: &str = "created";

const SORTS: [(&str, &str); 6] = [
    ("-ship_date", "Newest shipments first"),
    ("ship_date", "Oldest shipments first"),
    ("-created_at", "Recently recorded"),
    ("-updated_at", "Recently changed"),
    ("-quantity", "Largest quantity"),
    ("quantity", "Smallest quantity"),
];

/// The list's query without the paste summary, read again so the summary never reaches
/// the store as an unknown filter (nor the pager and export links).
fn without_summary(q: ListQuery) -> (ListQuery, Option<usize>) {
    if q.value(CREATED).is_none() {
        return (q, None);
    }
    let created = q.value(CREATED).and_then(|n| n.parse::<usize>().ok());
    let pairs: Vec<(String, String)> = q.pairs.into_iter().filter(|(k, _)| k != CREATED).collect();
    let params = list_params(pairs.clone()).map_err(Errors::from);
    (ListQuery { pairs, params }, created)
}

fn option(value: &str, label: &str, current: Option<&str>) -> Markup {
    html! { option value=(value) selected[current == Some(value)] { (label) } }
}

fn text_filter(id: &str, name: &str, label: &str, q: &ListQuery, size: u32) -> Markup {
    html! {
        div.field { label for=(id) { (label) } input id=(id) type="text" name=(name) value=[q.value(name)] size=(size) autocomplete="off"; }
    }
}

fn filters(q: &ListQuery, colleagues: &[Colleague]) -> Markup {
    html! {
        form.filters method="get" action="/distributions" data-live-search role="search" {
            @if let Some(c) = q.value("customer_id") { input type="hidden" name="customer_id" value=(c); }
            div.field {
                label for="f-from" { "Shipped from" }
                input #f-from type="date" name="ship_date_after" value=[q.value("ship_date_after")];
            }
            div.field {
                label for="f-to" { "Shipped before" }
                input #f-to type="date" name="ship_date_before" value=[q.value("ship_date_before")];
            }
            (text_filter("f-sku", "sku", "SKU", q, 10))
            (text_filter("f-lot", "lot_number", "Lot", q, 10))
            (text_filter("f-order", "order_number", "Order", q, 10))
            (text_filter("f-customer-name", "customer_name", "Legacy customer name", q, 14))
            @if !colleagues.is_empty() {
                div.field {
                    label for="f-rep" { "Rep" }
                    select #f-rep name="rep_id" {
                        (option("", "Anyone", q.value("rep_id")))
                        (option("me", "Me", q.value("rep_id")))
                        @for c in colleagues { (option(&c.id.to_string(), &c.name, q.value("rep_id"))) }
                    }
                }
            }
            div.field {
                label for="f-source" { "Source" }
                select #f-source name="source" {
                    (option("", "Any", q.value("source")))
                    @for s in Source::ALL { (option(s.as_str(), s.as_str(), q.value("source"))) }
                }
            }
            div.field {
                label for="f-linked" { "Customer account" }
                select #f-linked name="linked" {
                    (option("", "Either", q.value("linked")))
                    (option("true", "Linked", q.value("linked")))
                    (option("false", "Not linked", q.value("linked")))
                }
            }
            (sort_filter(q, &SORTS))
            button type="submit" { "Apply" }
        }
    }
}

fn customer(d: &Distribution) -> Markup {
    let name = d.customer_name.as_deref();
    html! {
        @match d.customer_id {
            Some(id) => a href={ "/accounts/" (id) } { (name.unwrap_or("Account")) },
            None => { (name.unwrap_or("—")) @if name.is_some() { " " span.badge { "not linked" } } },
        }
    }
}

fn results(
    q: &ListQuery,
    rows: &[Distribution],
    next: Option<&str>,
    reps: &HashMap<Uuid, String>,
    errors: &Errors,
) -> Markup {
    html! {
        div #results data-refresh {
            (errors.banner(&[]))
            div.table-wrap {
                table.responsive {
                    caption.muted { @if rows.is_empty() { "No shipments match." } @else { "Shipments" } }
                    thead { tr {
                        th scope="col" { "Shipped" } th scope="col" { "Order" } th scope="col" { "SKU" }
                        th scope="col" { "Lot" } th scope="col".num { "Quantity" } th scope="col" { "Customer" }
                        th scope="col" { "Rep" } th scope="col" { "Source" }
                    } }
                    tbody {
                        @for d in rows {
                            tr {
                                td { (fmt::date(d.ship_date)) }
                                td { (d.order_number.as_deref().unwrap_or("")) }
                                td { a href={ "/distributions/trace?sku=" (urlencoded(&d.sku)) } { (d.sku) } }
                                td { @if let Some(lot) = &d.lot_number { a href={ "/distributions/trace?lot=" (urlencoded(lot)) } { (lot) } } }
                                td.num { (d.quantity) }
                                td { (customer(d)) }
                                td { @if let Some(r) = d.rep_id { (reps.get(&r).map(String::as_str).unwrap_or("—")) } }
                                td { (d.source.as_str()) }
                            }
                        }
                    }
                }
            }
            (q.pager("/distributions", next))
        }
    }
}

pub fn urlencoded(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `GET /distributions`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let (q, created) = without_summary(q);
    let colleagues = users::colleagues(&app.store, &viewer.ctx.actor)
        .await
        .or_page(&viewer)?;
    let reps = names(&colleagues);
    let (rows, next, errors) = match q.params(PAGE_SIZE) {
        Ok(params) => match distributions::list(&app.store, &viewer.ctx.actor, params).await {
            Ok(p) => (p.data, p.next_cursor, Errors::none()),
            Err(e) => (Vec::new(), None, Errors::from(e)),
        },
        Err(e) => (Vec::new(), None, e),
    };
    let export = q.link("/api/v1/distributions", &[("format", "csv")]);
    let body = html! {
        (heading("Distribution log", html! {
            @if viewer.is_internal() { a.button.secondary href=(export) download { "Export CSV" } }
            a.button.secondary href="/distributions/trace" { "Trace a lot" }
            a.button.secondary href="/dashboards/sales" { "Sales dashboard" }
            @if viewer.is_admin() { a.button.secondary href="/distributions/link" { "Link legacy names" } }
            a.button href="/distributions/bulk" { "Paste or upload rows" }
        }))
        @if let Some(n) = created { p.alert.ok role="status" { (n) " shipments recorded." } }
        (filters(&q, &colleagues))
        (results(&q, &rows, next.as_deref(), &reps, &errors))
    };
    Ok(page(
        &viewer,
        Section::Distribution,
        "Distribution log",
        body,
    ))
}
