//! Creating and editing a product: one form read by the same reader as the API's body
//! (`ProductChanges`), errors beside the fields, the version carried as If-Match. An
//! activation past the cap is the store's refusal, shown beside "Active" and explained.
//! The list price needs its currency (the store's rule, named beside "Currency").

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use rapport_domain::product::{Product, ProductChanges};
use rapport_store::catalog::products;
use uuid::Uuid;

use super::cap;
use crate::problem::Problem;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::form::{csrf, field, textarea, Errors, Form, Kind, SignedForm};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::session::Viewer;
use crate::AppState;

const FIELDS: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("sku", Kind::Text),
    ("type", Kind::Text),
    ("unit", Kind::Text),
    ("category", Kind::Text),
    ("unit_price", Kind::Text),
    ("currency", Kind::Text),
    ("description", Kind::Text),
    ("legacy_id", Kind::Text),
    ("active", Kind::Flag),
];

/// The fields the form shows, whose errors sit beside them.
const SHOWN: [&str; 10] = [
    "name",
    "sku",
    "type",
    "unit",
    "category",
    "unit_price",
    "currency",
    "description",
    "legacy_id",
    "active",
];

fn stored(p: &Product, name: &str) -> Option<String> {
    match name {
        "name" => Some(p.name.clone()),
        "sku" => p.sku.clone(),
        "type" => p.r#type.clone(),
        "unit" => p.unit.clone(),
        "category" => p.category.clone(),
        "unit_price" => p.unit_price.map(|d| d.to_string()),
        "currency" => p.currency.clone(),
        "description" => p.description.clone(),
        "legacy_id" => p.legacy_id.clone(),
        _ => None,
    }
}

fn product_form(
    viewer: &Viewer,
    product: Option<&Product>,
    sent: Option<&Form>,
    errors: &Errors,
) -> Markup {
    let v = |name: &str| match (sent, product) {
        (Some(f), _) => f.raw(name).map(str::to_owned),
        (None, Some(p)) => stored(p, name),
        (None, None) => None,
    };
    // A new product is active unless unticked, as the API's default.
    let active = match (sent, product) {
        (Some(f), _) => f.checked("active"),
        (None, Some(p)) => p.active,
        (None, None) => true,
    };
    let action = match product {
        Some(p) => format!("/products/{}/edit", p.id),
        None => "/products/new".to_owned(),
    };
    let active_error = errors.of("active");
    html! {
        (cap::refusal(viewer, errors, &SHOWN))
        form method="post" action=(action) {
            (csrf(viewer))
            @if let Some(p) = product { input type="hidden" name="version" value=(p.version); }
            (field("Name", "name", v("name").as_deref(), "text", errors))
            (field("SKU", "sku", v("sku").as_deref(), "text", errors))
            (field("Type (appliance, service, licence…)", "type", v("type").as_deref(), "text", errors))
            (field("Unit (TB, user, seat…)", "unit", v("unit").as_deref(), "text", errors))
            (field("Category", "category", v("category").as_deref(), "text", errors))
            (field("List price per unit (up to 4 decimals; price tiers, when set, price it instead)", "unit_price", v("unit_price").as_deref(), "text", errors))
            (field("Currency (ISO 4217, e.g. EUR; required with a list price)", "currency", v("currency").as_deref(), "text", errors))
            (textarea("Description", "description", v("description").as_deref(), 3, errors))
            (field("Legacy id", "legacy_id", v("legacy_id").as_deref(), "text", errors))
            div.field.invalid[active_error.is_some()] {
                label { input #f-active type="checkbox" name="active" checked[active] aria-describedby=[active_error.map(|_| "f-active-error")]; " Active" }
                @if let Some(e) = active_error { p.field-error #f-active-error { (e.message) } }
            }
            button type="submit" { @if product.is_some() { "Save changes" } @else { "Create product" } }
        }
    }
}

fn form_page(
    viewer: &Viewer,
    product: Option<&Product>,
    sent: Option<&Form>,
    errors: &Errors,
    status: StatusCode,
) -> Response {
    let title = match product {
        Some(p) => format!("Edit {}", p.name),
        None => "New product".to_owned(),
    };
    let body = html! { h1 { (title) } (product_form(viewer, product, sent, errors)) };
    respond(status, shell(viewer, Section::Products, &title, body))
}

/// `GET /products/new`
pub async fn new(viewer: Viewer) -> PageResult {
    Ok(form_page(
        &viewer,
        None,
        None,
        &Errors::none(),
        StatusCode::OK,
    ))
}

/// `POST /products/new`
pub async fn create(
    State(app): State<AppState>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let result = match ProductChanges::read(form.body(FIELDS, false), true) {
        Ok(changes) => products::create(&app.store, &viewer.ctx, changes)
            .await
            .map_err(Problem::from),
        Err(e) => Err(Problem::from(e)),
    };
    match result {
        Ok(p) => Ok(Redirect::to(&format!("/products/{}", p.id)).into_response()),
        Err(problem) => {
            let status = problem.status;
            Ok(form_page(
                &viewer,
                None,
                Some(&form),
                &Errors::from(problem),
                status,
            ))
        }
    }
}

/// `GET /products/{id}/edit`
pub async fn edit(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    let product = products::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(&viewer)?;
    Ok(form_page(
        &viewer,
        Some(&product),
        None,
        &Errors::none(),
        StatusCode::OK,
    ))
}

/// `POST /products/{id}/edit`: saved only if the product is still at the form's version.
pub async fn update(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let if_match = form.if_match();
    let result = match ProductChanges::read(form.body(FIELDS, true), false) {
        Ok(changes) => products::update(&app.store, &viewer.ctx, id, if_match, changes)
            .await
            .map_err(Problem::from),
        Err(e) => Err(Problem::from(e)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/products/{id}")).into_response()),
        Err(problem) => {
            let status = problem.status;
            let product = products::get(&app.store, &viewer.ctx.actor, id)
                .await
                .or_page(&viewer)?;
            Ok(form_page(
                &viewer,
                Some(&product),
                Some(&form),
                &Errors::from(problem),
                status,
            ))
        }
    }
}
