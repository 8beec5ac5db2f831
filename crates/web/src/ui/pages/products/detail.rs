//! `GET /products/{id}`: one product — its fields, its price tiers per period with the
//! form that replaces a ladder (`tiers.rs`), and a quote box: quantity and duration in,
//! the figures of `POST /api/v1/pricing/quote` out, computed by the same store call.
//! The quote is a form post (`POST /products/{id}/quote`) that renders this page with
//! its figures, so it works without script; app.js sends it as the fields change.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use rapport_domain::duration::SubscriptionDuration;
use rapport_domain::pricing::Period;
use rapport_domain::product::Product;
use rapport_domain::quote::{Quote, QuoteRequest};
use rapport_store::catalog::{durations, products, quote, tiers};
use rapport_store::policy::{self, Action};
use rapport_store::ListParams;
use serde_json::{json, Value};
use uuid::Uuid;

use super::tiers as ladder;
use crate::problem::Problem;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field_for, Errors, Form, SignedForm};
use crate::ui::layout::{heading, respond, shell, Section};
use crate::ui::session::Viewer;
use crate::AppState;

/// A form of this page that was sent and is shown again: its fields and what came of it.
pub struct Sent<'a> {
    pub form: &'a Form,
    pub errors: Errors,
}

/// The page, with a refused ladder form (its period) or a sent quote shown in place.
pub async fn render(
    app: &AppState,
    viewer: &Viewer,
    id: Uuid,
    refused_ladder: Option<(Period, Sent<'_>)>,
    quoted: Option<(Sent<'_>, Option<Quote>)>,
    status: StatusCode,
) -> PageResult {
    let actor = &viewer.ctx.actor;
    let product = products::get(&app.store, actor, id).await.or_page(viewer)?;
    let ladders = tiers::list(&app.store, actor, id).await.or_page(viewer)?;
    let active = ListParams {
        limit: 500,
        filters: vec![("active".into(), "true".into())],
        ..ListParams::default()
    };
    let durations = durations::list(&app.store, actor, active)
        .await
        .or_page(viewer)?
        .data;
    let may_change = policy::require_product_action(actor, Action::Update).is_ok();
    let body = html! {
        (heading(&product.name, html! {
            a.button.secondary href="/products" { "All products" }
            @if may_change { " " a.button href={ "/products/" (product.id) "/edit" } { "Edit" } }
        }))
        div.split {
            div {
                (details(&product))
                (ladder::section(viewer, &product, &ladders.tiers, may_change, refused_ladder.as_ref()))
            }
            div { (quote_box(viewer, &product, &durations, quoted.as_ref())) }
        }
    };
    Ok(respond(
        status,
        shell(viewer, Section::Products, &product.name, body),
    ))
}

fn details(p: &Product) -> Markup {
    html! {
        section.card #details {
            h2 { "Details" }
            dl.props {
                dt { "State" } dd { @if p.active { span.badge.primary { "active" } } @else { span.badge { "inactive" } } }
                @if let Some(v) = &p.sku { dt { "SKU" } dd { (v) } }
                @if let Some(v) = &p.r#type { dt { "Type" } dd { (v) } }
                @if let Some(v) = &p.unit { dt { "Unit" } dd { (v) } }
                @if let Some(v) = &p.category { dt { "Category" } dd { (v) } }
                dt { "List price" }
                dd {
                    @if let (Some(price), Some(c)) = (p.unit_price, &p.currency) { (fmt::money(price, c)) " per unit" }
                    @else { span.muted { "none" } }
                }
                @if let Some(v) = &p.description { dt { "Description" } dd { (v) } }
                @if let Some(v) = &p.legacy_id { dt { "Legacy id" } dd { (v) } }
                dt { "Changed" } dd { (fmt::time(p.updated_at)) }
            }
        }
    }
}

/// "12 months — 1 year (10.00 % off)".
fn duration_label(d: &SubscriptionDuration) -> String {
    if d.discount_percentage.is_zero() {
        format!("{} months — {}", d.months, d.name)
    } else {
        format!(
            "{} months — {} ({} % off)",
            d.months, d.name, d.discount_percentage
        )
    }
}

fn quote_box(
    viewer: &Viewer,
    p: &Product,
    durations: &[SubscriptionDuration],
    quoted: Option<&(Sent<'_>, Option<Quote>)>,
) -> Markup {
    let none = Errors::none();
    let (form, errors, result) = match quoted {
        Some((sent, result)) => (Some(sent.form), &sent.errors, result.as_ref()),
        None => (None, &none, None),
    };
    let quantity = form.and_then(|f| f.raw("quantity")).unwrap_or("1");
    let chosen = form.and_then(|f| f.raw("duration_id")).unwrap_or("");
    let duration_error = errors.of("duration_id");
    html! {
        section.card #quote {
            h2 { "Quote" }
            (errors.banner(&["quantity", "duration_id"]))
            form method="post" action={ "/products/" (p.id) "/quote" } data-live-quote {
                (csrf(viewer))
                (field_for("quote", "Quantity", "quantity", Some(quantity), "number", errors))
                div.field.invalid[duration_error.is_some()] {
                    label for="f-quote-duration_id" { "Duration" }
                    select #f-quote-duration_id name="duration_id"
                        aria-invalid=[duration_error.map(|_| "true")]
                        aria-describedby=[duration_error.map(|_| "f-quote-duration_id-error")] {
                        option value="" selected[chosen.is_empty()] { "None (the list price, once)" }
                        @for d in durations {
                            @let id = d.id.to_string();
                            option value=(id) selected[chosen == id] { (duration_label(d)) }
                        }
                    }
                    @if let Some(e) = duration_error { p.field-error #f-quote-duration_id-error { (e.message) } }
                }
                button type="submit" { "Quote" }
            }
            div #quote-result aria-live="polite" {
                @if let Some(q) = result { (figures(q)) }
            }
        }
    }
}

fn figures(q: &Quote) -> Markup {
    let per = match q.period {
        Some(Period::Month) => " per unit and month",
        Some(Period::Year) => " per unit and year",
        None => " per unit (list price)",
    };
    html! {
        dl.figures {
            div { dt { "Unit price" } dd { (fmt::money(q.unit_price, &q.currency)) } }
            div { dt { "Periods" } dd { (q.periods) } }
            div { dt { "Subtotal" } dd { (fmt::money(q.subtotal, &q.currency)) } }
            div { dt { "Discount " (q.discount_percentage) " %" } dd { (fmt::money(q.discount_amount, &q.currency)) } }
            div { dt { "Total" } dd #quote-total { (fmt::money(q.total, &q.currency)) } }
        }
        p.muted { (q.quantity) " × " (fmt::money(q.unit_price, &q.currency)) (per) " × " (q.periods) ", rounded half-up to the currency's minor units." }
    }
}

/// `GET /products/{id}`
pub async fn show(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    render(&app, &viewer, id, None, None, StatusCode::OK).await
}

/// The quote body the form stands for: numbers as numbers, anything else passed on for
/// the reader to name; an empty duration is none.
fn quote_body(id: Uuid, form: &Form) -> Value {
    let mut body = json!({ "product_id": id });
    if let Some(q) = form.text("quantity") {
        body["quantity"] = q.parse::<i64>().map_or(Value::String(q), Value::from);
    }
    if let Some(d) = form.text("duration_id") {
        body["duration_id"] = Value::String(d);
    }
    body
}

/// `POST /products/{id}/quote`: the page with the figures, or the refusal beside the
/// field it names (422 as the API answers).
pub async fn quote(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let outcome = match QuoteRequest::read(quote_body(id, &form), true) {
        Ok(request) => quote::quote(&app.store, &viewer.ctx.actor, request)
            .await
            .map_err(Problem::from),
        Err(e) => Err(Problem::from(e)),
    };
    let (status, errors, result) = match outcome {
        Ok(q) => (StatusCode::OK, Errors::none(), Some(q)),
        Err(problem) => (problem.status, Errors::from(problem), None),
    };
    let sent = Sent {
        form: &form,
        errors,
    };
    let page: Response = render(&app, &viewer, id, None, Some((sent, result)), status).await?;
    Ok(page)
}
