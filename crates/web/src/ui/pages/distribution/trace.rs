//! `GET /distributions/trace?lot=…` (or `?sku=…`): where a lot or a SKU went — every
//! customer it reached with shipments, units and first and last dates, then the
//! shipments a page at a time — through the store's `trace`, as the API answers it.

use axum::extract::State;
use axum::http::StatusCode;
use maud::{html, Markup};
use rapport_store::distribution::distributions::{self, Trace};

use crate::problem::Problem;
use crate::ui::errors::PageResult;
use crate::ui::fmt;
use crate::ui::form::{field, Errors};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

const PAGE_SIZE: usize = 50;

fn search_form(q: &ListQuery, errors: &Errors) -> Markup {
    html! {
        form.filters method="get" action="/distributions/trace" role="search" {
            (field("Lot number", "lot", q.value("lot"), "text", errors))
            p.muted { "or" }
            (field("SKU", "sku", q.value("sku"), "text", errors))
            button type="submit" { "Trace" }
        }
    }
}

fn customers(t: &Trace) -> Markup {
    html! {
        div.table-wrap {
            table {
                caption { "Customers reached, in order of first shipment" }
                thead { tr {
                    th scope="col" { "Customer" } th scope="col".num { "Shipments" } th scope="col".num { "Units" }
                    th scope="col" { "First shipped" } th scope="col" { "Last shipped" }
                } }
                tbody {
                    @for c in &t.customers {
                        tr {
                            td {
                                @let name = c.customer_name.as_deref().unwrap_or("No customer given");
                                @match c.customer_id {
                                    Some(id) => a href={ "/accounts/" (id) } { (name) },
                                    None => { (name) " " span.badge { "not linked" } },
                                }
                            }
                            td.num { (c.shipments) } td.num { (c.units) }
                            td { (fmt::date(c.first_ship_date)) } td { (fmt::date(c.last_ship_date)) }
                        }
                    }
                }
            }
        }
    }
}

fn shipments(q: &ListQuery, t: &Trace) -> Markup {
    html! {
        div.table-wrap {
            table.responsive {
                caption { "Shipments, newest first" }
                thead { tr {
                    th scope="col" { "Shipped" } th scope="col" { "Order" } th scope="col" { "SKU" } th scope="col" { "Lot" }
                    th scope="col".num { "Quantity" } th scope="col" { "Customer" }
                } }
                tbody {
                    @for d in &t.shipments.data {
                        tr {
                            td { (fmt::date(d.ship_date)) }
                            td { (d.order_number.as_deref().unwrap_or("")) }
                            td { (d.sku) }
                            td { (d.lot_number.as_deref().unwrap_or("")) }
                            td.num { (d.quantity) }
                            td {
                                @match d.customer_id {
                                    Some(id) => a href={ "/accounts/" (id) } { (d.customer_name.as_deref().unwrap_or("Account")) },
                                    None => (d.customer_name.as_deref().unwrap_or("—")),
                                }
                            }
                        }
                    }
                }
            }
        }
        (q.pager("/distributions/trace", t.shipments.next_cursor.as_deref()))
    }
}

/// `GET /distributions/trace`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let asked = q.value("lot").is_some() || q.value("sku").is_some();
    let outcome = match q.params(PAGE_SIZE) {
        Err(e) => Some(Err((StatusCode::BAD_REQUEST, e))),
        Ok(_) if !asked => None,
        Ok(mut params) => {
            // As the API reads them: the last lot and sku given, the rest list parameters.
            let lot = params.take_filter("lot").pop();
            let sku = params.take_filter("sku").pop();
            let traced =
                distributions::trace(&app.store, &viewer.ctx.actor, lot, sku, params).await;
            Some(traced.map_err(|e| {
                let problem = Problem::from(e);
                (problem.status, Errors::from(problem))
            }))
        }
    };
    let (status, errors) = match &outcome {
        Some(Err((status, e))) => (*status, e.clone()),
        _ => (StatusCode::OK, Errors::none()),
    };
    let what = q
        .value("lot")
        .map(|l| format!("lot {l}"))
        .or_else(|| q.value("sku").map(|s| format!("SKU {s}")));
    let body = html! {
        h1 { "Trace a lot" @if let Some(w) = &what { ": " (w) } }
        (errors.banner(&["lot", "sku"]))
        (search_form(&q, &errors))
        @if let Some(Ok(t)) = &outcome {
            @if t.customers.is_empty() {
                p.muted { "No shipments you can see carry this " @if t.lot.is_some() { "lot" } @else { "SKU" } "." }
            } @else {
                (customers(t))
                (shipments(&q, t))
            }
        }
        p { a href="/distributions" { "Back to the log" } }
    };
    Ok(respond(
        status,
        shell(&viewer, Section::Distribution, "Trace", body),
    ))
}
