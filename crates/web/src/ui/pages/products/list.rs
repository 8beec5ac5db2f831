//! `GET /products`: the catalogue (everyone signed in reads it, as the store decides),
//! filtered by active, SKU, type and category, keyset pages, with the cap's count; each
//! name leads to the product's page (tiers, quote); and the activate and deactivate
//! buttons, each one `products::update` of `active` as the API's PATCH.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use rapport_domain::precondition::IfMatch;
use rapport_domain::product::{Product, ProductChanges};
use rapport_store::catalog::products;
use rapport_store::policy::{self, Action};
use rapport_store::{settings, ListParams};
use serde_json::json;
use uuid::Uuid;

use super::cap;
use crate::problem::Problem;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, Errors, SignedForm};
use crate::ui::layout::{heading, respond, shell, Section};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

const PAGE_SIZE: usize = 50;

fn option(value: &str, label: &str, current: Option<&str>) -> Markup {
    html! { option value=(value) selected[current.unwrap_or("") == value] { (label) } }
}

fn filters(q: &ListQuery) -> Markup {
    html! {
        form.filters method="get" action="/products" data-live-search role="search" {
            div.field {
                label for="f-active" { "Active" }
                select #f-active name="active" {
                    (option("", "Either", q.value("active")))
                    (option("true", "Active", q.value("active")))
                    (option("false", "Inactive", q.value("active")))
                }
            }
            div.field {
                label for="f-sku" { "SKU (exact)" }
                input #f-sku type="text" name="sku" value=[q.value("sku")] size="12" autocomplete="off";
            }
            div.field {
                label for="f-type" { "Type (exact)" }
                input #f-type type="text" name="type" value=[q.value("type")] size="12" autocomplete="off";
            }
            div.field {
                label for="f-category" { "Category (exact)" }
                input #f-category type="text" name="category" value=[q.value("category")] size="12" autocomplete="off";
            }
            div.field {
                label for="f-sort" { "Sort" }
                select #f-sort name="sort" {
                    (option("", "Name A–Z", q.value("sort")))
                    (option("-name", "Name Z–A", q.value("sort")))
                    (option("-updated_at", "Recently changed", q.value("sort")))
                    (option("-created_at", "Newest first", q.value("sort")))
                }
            }
            button type="submit" { "Apply" }
        }
    }
}

/// The activate or deactivate button, carrying the version the row was read at.
fn toggle(viewer: &Viewer, p: &Product) -> Markup {
    let (verb, label) = if p.active {
        ("deactivate", "Deactivate")
    } else {
        ("activate", "Activate")
    };
    html! {
        form.inline method="post" action={ "/products/" (p.id) "/" (verb) } {
            (csrf(viewer))
            input type="hidden" name="version" value=(p.version);
            button.secondary type="submit" aria-label={ (label) " " (p.name) } { (label) }
        }
    }
}

fn results(
    viewer: &Viewer,
    q: &ListQuery,
    rows: &[Product],
    next: Option<&str>,
    may_change: bool,
) -> Markup {
    html! {
        div #results data-refresh {
            div.table-wrap {
                table.responsive {
                    caption.muted { @if rows.is_empty() { "No products match." } @else { "Products" } }
                    thead { tr {
                        th scope="col" { "Name" } th scope="col" { "SKU" } th scope="col" { "Type" }
                        th scope="col" { "Category" } th scope="col" class="num" { "List price" }
                        th scope="col" { "State" } th scope="col" { "Changed" }
                        @if may_change { th scope="col" { "Actions" } }
                    } }
                    tbody {
                        @for p in rows {
                            tr #{ "product-" (p.id) } {
                                td { a href={ "/products/" (p.id) } { (p.name) } }
                                td { (p.sku.as_deref().unwrap_or("")) }
                                td { (p.r#type.as_deref().unwrap_or("")) }
                                td { (p.category.as_deref().unwrap_or("")) }
                                td.num { @if let (Some(price), Some(c)) = (p.unit_price, &p.currency) { (fmt::money(price, c)) } }
                                td { @if p.active { span.badge.primary { "active" } } @else { span.badge { "inactive" } } }
                                td { (fmt::date(p.updated_at.date_naive())) }
                                @if may_change {
                                    td {
                                        a href={ "/products/" (p.id) "/edit" } { "Edit" } " "
                                        (toggle(viewer, p))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (q.pager("/products", next))
        }
    }
}

/// The list page, with a refused action's errors above it.
async fn render(
    app: &AppState,
    viewer: &Viewer,
    q: &ListQuery,
    refused: &Errors,
    status: StatusCode,
) -> PageResult {
    let actor = &viewer.ctx.actor;
    let settings = settings::get(&app.store, actor).await.or_page(viewer)?;
    // How many are active, by the store's own count of its list.
    let active_count = products::list(
        &app.store,
        actor,
        ListParams {
            limit: 1,
            count: true,
            filters: vec![("active".into(), "true".into())],
            ..ListParams::default()
        },
    )
    .await
    .or_page(viewer)?
    .total;
    let (rows, next, list_errors) = match q.params(PAGE_SIZE) {
        Ok(params) => match products::list(&app.store, actor, params).await {
            Ok(p) => (p.data, p.next_cursor, Errors::none()),
            Err(e) => (Vec::new(), None, Errors::from(e)),
        },
        Err(e) => (Vec::new(), None, e),
    };
    let may_create = policy::require_product_action(actor, Action::Create).is_ok();
    let may_change = policy::require_product_action(actor, Action::Update).is_ok();
    let body = html! {
        (heading("Products", html! {
            a.button.secondary href="/durations" { "Durations" }
            @if may_create { " " a.button href="/products/new" { "New product" } }
        }))
        (cap::refusal(viewer, refused, &[]))
        (cap::summary(&settings, active_count))
        (filters(q))
        (list_errors.banner(&[]))
        (results(viewer, q, &rows, next.as_deref(), may_change))
    };
    Ok(respond(
        status,
        shell(viewer, Section::Products, "Products", body),
    ))
}

/// `GET /products`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    render(&app, &viewer, &q, &Errors::none(), StatusCode::OK).await
}

/// `POST /products/{id}/activate`
pub async fn activate(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    q: ListQuery,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    set_active(&app, viewer, id, &q, form.text("version"), true).await
}

/// `POST /products/{id}/deactivate`
pub async fn deactivate(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    q: ListQuery,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    set_active(&app, viewer, id, &q, form.text("version"), false).await
}

async fn set_active(
    app: &AppState,
    viewer: Viewer,
    id: Uuid,
    q: &ListQuery,
    version: Option<String>,
    active: bool,
) -> PageResult {
    let if_match = version
        .and_then(|v| v.parse::<i64>().ok())
        .map(|v| IfMatch::OneOf(vec![v]))
        .unwrap_or(IfMatch::Any);
    let outcome = match ProductChanges::read(json!({ "active": active }), false) {
        Ok(changes) => products::update(&app.store, &viewer.ctx, id, if_match, changes)
            .await
            .map_err(Problem::from),
        Err(e) => Err(Problem::from(e)),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to("/products").into_response()),
        // Answered with the API's status for the same refusal (409 for the cap).
        Err(problem) => {
            let status = problem.status;
            render(app, &viewer, q, &Errors::from(problem), status).await
        }
    }
}
