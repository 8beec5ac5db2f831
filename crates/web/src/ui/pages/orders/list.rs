//! `GET /orders`: the orders the viewer can see, filtered by state, type, account and
//! partner, sorted, paged by keyset — read as the API's list reads its query
//! (`orders::list`, scoped by the store's policy) — with the API's CSV export linked.

use std::collections::HashMap;

use axum::extract::State;
use maud::{html, Markup};
use rapport_domain::order::Order;
use rapport_store::orders;
use rapport_store::orders::choices::{self, Choices};
use uuid::Uuid;

use super::super::leads::parts::account_names;
use super::parts::{account_ids, account_of, money, state_badge, type_name};
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::Errors;
use crate::ui::layout::{heading, page, Section};
use crate::ui::list::{option, sort_filter, ListQuery};
use crate::ui::session::Viewer;
use crate::AppState;

pub const PAGE_SIZE: usize = 50;

const SORTS: [(&str, &str); 5] = [
    ("-created_at", "Newest first"),
    ("-updated_at", "Recently changed"),
    ("-order_number", "Number, highest first"),
    ("-total", "Largest total first"),
    ("total", "Smallest total first"),
];

fn filters(q: &ListQuery, choices: &Choices) -> Markup {
    html! {
        form.filters method="get" action="/orders" data-live-search role="search" {
            div.field {
                label for="f-state" { "State" }
                select #f-state name="state" {
                    (option("", "Any", q.value("state")))
                    @for s in &choices.states { (option(&s.key, &s.name, q.value("state"))) }
                }
            }
            div.field {
                label for="f-type" { "Type" }
                select #f-type name="type" {
                    (option("", "Any", q.value("type")))
                    @for t in &choices.types { (option(&t.key, &t.name, q.value("type"))) }
                }
            }
            div.field {
                label for="f-account" { "Account id" }
                input #f-account type="text" name="account_id" value=[q.value("account_id")] size="36";
            }
            div.field {
                label for="f-partner" { "Partner id" }
                input #f-partner type="text" name="partner_id" value=[q.value("partner_id")] size="36";
            }
            (sort_filter(q, &SORTS))
            button type="submit" { "Apply" }
        }
    }
}

fn results(
    q: &ListQuery,
    rows: &[Order],
    next: Option<&str>,
    choices: &Choices,
    accounts: &HashMap<Uuid, String>,
    errors: &Errors,
) -> Markup {
    html! {
        div #results data-refresh {
            (errors.banner(&[]))
            div.table-wrap {
                table.responsive {
                    caption.muted { @if rows.is_empty() { "No orders match." } @else { "Orders" } }
                    thead { tr {
                        th scope="col" { "Number" } th scope="col" { "State" } th scope="col" { "Type" }
                        th scope="col" { "Account" } th scope="col" { "Lines" } th scope="col" { "Total" }
                        th scope="col" { "Priority" } th scope="col" { "Created" }
                    } }
                    tbody {
                        @for o in rows {
                            tr {
                                td { a href={ "/orders/" (o.id) } { (o.order_number) } }
                                td { (state_badge(choices, o.state_id)) }
                                td { (type_name(choices, o)) }
                                td { (account_of(o, accounts)) }
                                td.num { (o.items.len()) }
                                td.num { (money(o, o.total)) }
                                td { (o.priority.as_str()) }
                                td { (fmt::date(o.created_at.date_naive())) }
                            }
                        }
                    }
                }
            }
            (q.pager("/orders", next))
        }
    }
}

/// `GET /orders`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let choices = choices::choices(&app.store).await.or_page(&viewer)?;
    let (rows, next, errors) = match q.params(PAGE_SIZE) {
        Ok(params) => match orders::list(&app.store, &viewer.ctx.actor, params).await {
            Ok(p) => (p.data, p.next_cursor, Errors::none()),
            Err(e) => (Vec::new(), None, Errors::from(e)),
        },
        Err(e) => (Vec::new(), None, e),
    };
    let accounts = account_names(&app, &viewer, account_ids(&rows)).await?;
    let export = q.link("/api/v1/orders", &[("format", "csv")]);
    let may_create = !matches!(
        viewer.user.role,
        rapport_domain::Role::Fulfiller | rapport_domain::Role::Viewer
    );
    let body = html! {
        (heading("Orders", html! {
            @if viewer.is_internal() { a.button.secondary href=(export) download { "Export CSV" } }
            @if may_create { a.button href="/orders/new" { "New order" } }
        }))
        (filters(&q, &choices))
        (results(&q, &rows, next.as_deref(), &choices, &accounts, &errors))
    };
    Ok(page(&viewer, Section::Orders, "Orders", body))
}
