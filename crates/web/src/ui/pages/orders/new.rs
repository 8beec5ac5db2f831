//! Creating an order: one form with its lines (product, duration, quantity — and a
//! hand-set unit price for the roles that may set one) and people by role, read by the
//! API's reader (`OrderChanges::read`) and written by `orders::create`, so the page and
//! the API price, check and refuse alike. Each line shows its total as it is typed
//! (app.js asks `POST /api/v1/pricing/quote`); without script the totals are computed
//! when the order is saved and shown on its page.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use rapport_domain::order::{OrderChanges, Priority};
use rapport_domain::{FieldError, Role};
use rapport_store::catalog::products;
use rapport_store::orders;
use rapport_store::orders::choices::{self, Choices};
use rapport_store::ListParams;
use serde_json::{Map, Value};

use crate::ui::errors::{OrPage, PageResult};
use crate::ui::form::{csrf, field, select, textarea, Errors, Form, SignedForm};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

/// Lines the form offers; an order with more gets them through the API.
pub const LINES: usize = 6;
/// People the form offers.
const PEOPLE: usize = 3;

/// The plain fields, as the API body names them.
const FIELDS: &[&str] = &[
    "order_type_id",
    "account_id",
    "partner_id",
    "priority",
    "currency",
    "tax_rate",
    "description",
    "notes_internal",
];

fn may_set_prices(viewer: &Viewer) -> bool {
    matches!(
        viewer.user.role,
        Role::Admin | Role::RestrictedAdmin | Role::Manager
    )
}

/// A line's field name: `items[2].quantity`, as the API's errors name it.
pub(super) fn line(i: usize, name: &str) -> String {
    format!("items[{i}].{name}")
}

pub(super) fn person(i: usize, name: &str) -> String {
    format!("people[{i}].{name}")
}

/// The API body of the form, and the form row of each line and person sent (rows left
/// empty are skipped, so the body's `items[0]` may be the form's third row). An edit
/// (`edit`) clears a field sent empty and always sends its people, so that emptying
/// them takes them off.
pub(super) fn body(form: &Form, edit: bool) -> (Value, Vec<usize>, Vec<usize>) {
    let mut obj = Map::new();
    for name in FIELDS {
        match form.text(name) {
            Some(v) => {
                obj.insert((*name).to_owned(), Value::String(v));
            }
            None if edit && form.raw(name).is_some() => {
                obj.insert((*name).to_owned(), Value::Null);
            }
            None => {}
        }
    }
    if let Some(data) = form.text("data") {
        // Not JSON: passed on as text, which the reader names (`data` must be an object).
        let parsed = serde_json::from_str::<Value>(&data).unwrap_or(Value::String(data));
        obj.insert("data".into(), parsed);
    }
    let (mut items, mut item_rows) = (Vec::new(), Vec::new());
    for i in 0..LINES {
        let Some(product) = form.text(&line(i, "product_id")) else {
            continue;
        };
        let mut it = Map::new();
        it.insert("product_id".into(), Value::String(product));
        let quantity = form
            .text(&line(i, "quantity"))
            .unwrap_or_else(|| "1".into());
        it.insert(
            "quantity".into(),
            quantity
                .parse::<i64>()
                .map_or(Value::String(quantity), Value::from),
        );
        for name in ["duration_id", "unit_price"] {
            if let Some(v) = form.text(&line(i, name)) {
                it.insert(name.into(), Value::String(v));
            }
        }
        items.push(Value::Object(it));
        item_rows.push(i);
    }
    if !items.is_empty() {
        obj.insert("items".into(), Value::Array(items));
    }
    let (mut people, mut people_rows) = (Vec::new(), Vec::new());
    for i in 0..PEOPLE {
        let role = form.text(&person(i, "role"));
        let contact = form.text(&person(i, "contact_id"));
        if role.is_none() && contact.is_none() {
            continue;
        }
        let mut p = Map::new();
        for (k, v) in [("role", role), ("contact_id", contact)] {
            if let Some(v) = v {
                p.insert(k.into(), Value::String(v));
            }
        }
        people.push(Value::Object(p));
        people_rows.push(i);
    }
    if !people.is_empty() || edit {
        obj.insert("people".into(), Value::Array(people));
    }
    (Value::Object(obj), item_rows, people_rows)
}

/// Errors renamed from the body's positions to the form's rows.
pub(super) fn to_rows(mut errors: Errors, items: &[usize], people: &[usize]) -> Errors {
    let rename = |field: &str, list: &str, rows: &[usize]| -> Option<String> {
        let rest = field.strip_prefix(&format!("{list}["))?;
        let (n, tail) = rest.split_once(']')?;
        let row = rows.get(n.parse::<usize>().ok()?)?;
        Some(format!("{list}[{row}]{tail}"))
    };
    for e in &mut errors.fields {
        let FieldError { field, .. } = e;
        if let Some(f) = rename(field, "items", items).or_else(|| rename(field, "people", people)) {
            *field = f;
        }
    }
    errors
}

fn options(pairs: impl IntoIterator<Item = (String, String)>, none: &str) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), none.to_owned())];
    out.extend(pairs);
    out
}

/// Where the order form posts and what its button says; an edit carries the version
/// the page was read at and may leave the lines out (an order with more lines than the
/// form has rows keeps them, changed through the API).
pub(super) struct Target {
    pub action: String,
    pub submit: &'static str,
    pub version: Option<i64>,
    pub lines: bool,
    /// The line rows as the edit page read them (see `edit::lines_of`).
    pub lines_were: Option<String>,
}

fn line_rows(
    viewer: &Viewer,
    form: Option<&Form>,
    products: &[(String, String)],
    choices: &Choices,
    errors: &Errors,
) -> Markup {
    let v = |name: &str| form.and_then(|f| f.raw(name)).map(str::to_owned);
    let product_options = options(products.iter().cloned(), "—");
    let durations = options(
        choices.durations.iter().map(|d| {
            let off = if d.discount_percentage.is_zero() {
                String::new()
            } else {
                format!(", {}% off", d.discount_percentage)
            };
            (
                d.id.to_string(),
                format!("{} ({} months{off})", d.name, d.months),
            )
        }),
        "None (a list price, once)",
    );
    html! {
        @for i in 0..LINES {
            fieldset.item-row data-row=(i) {
                legend { "Line " (i + 1) }
                (select("Product", &line(i, "product_id"), &product_options, v(&line(i, "product_id")).as_deref(), errors))
                (select("Duration", &line(i, "duration_id"), &durations, v(&line(i, "duration_id")).as_deref(), errors))
                (field("Quantity", &line(i, "quantity"), v(&line(i, "quantity")).as_deref().or(Some("1")), "number", errors))
                @if may_set_prices(viewer) {
                    (field("Unit price by hand (optional)", &line(i, "unit_price"), v(&line(i, "unit_price")).as_deref(), "text", errors))
                }
                p.line-total { "Line total: " output aria-live="polite" { "—" } }
            }
        }
    }
}

pub(super) fn order_form(
    viewer: &Viewer,
    target: &Target,
    form: Option<&Form>,
    products: &[(String, String)],
    choices: &Choices,
    errors: &Errors,
) -> Markup {
    let v = |name: &str| form.and_then(|f| f.raw(name)).map(str::to_owned);
    let types: Vec<(String, String)> = choices
        .types
        .iter()
        .filter(|t| t.active)
        .map(|t| (t.id.to_string(), t.name.clone()))
        .collect();
    let main = choices
        .types
        .iter()
        .find(|t| t.key == "main")
        .map(|t| t.id.to_string());
    let priorities: Vec<(String, String)> = Priority::ALL
        .iter()
        .map(|p| (p.as_str().to_owned(), p.as_str().to_owned()))
        .collect();
    let mut shown: Vec<String> = FIELDS.iter().map(|s| (*s).to_owned()).collect();
    shown.push("data".into());
    let mut line_fields = vec!["product_id", "duration_id", "quantity"];
    if may_set_prices(viewer) {
        line_fields.push("unit_price");
    }
    for i in 0..LINES {
        shown.extend(line_fields.iter().map(|f| line(i, f)));
    }
    for i in 0..PEOPLE {
        shown.extend(["role", "contact_id"].iter().map(|f| person(i, f)));
    }
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    html! {
        (errors.banner(&shown))
        form.order-form method="post" action=(target.action) data-order-form {
            (csrf(viewer))
            @if let Some(v) = target.version { input type="hidden" name="version" value=(v); }
            @if let Some(w) = &target.lines_were { input type="hidden" name="lines_were" value=(w); }
            div.grid {
                div {
                    (select("Type", "order_type_id", &types, v("order_type_id").as_deref().or(main.as_deref()), errors))
                    (field("Account id (the customer)", "account_id", v("account_id").as_deref(), "text", errors))
                    @if viewer.is_internal() {
                        (field("Partner id (optional)", "partner_id", v("partner_id").as_deref(), "text", errors))
                    }
                    (select("Priority", "priority", &priorities, v("priority").as_deref().or(Some("normal")), errors))
                    (field("Currency (ISO 4217; the first line's if empty)", "currency", v("currency").as_deref(), "text", errors))
                    (field("Tax rate % (e.g. 20)", "tax_rate", v("tax_rate").as_deref(), "text", errors))
                }
                div {
                    (textarea("Description", "description", v("description").as_deref(), 3, errors))
                    (textarea("Internal notes", "notes_internal", v("notes_internal").as_deref(), 2, errors))
                    (textarea("Data (a JSON object, as the type asks)", "data", v("data").as_deref(), 3, errors))
                }
            }
            h2 { "Lines" }
            @if target.lines {
                p.muted { "Each line is priced from the catalogue. Totals, with tax, are computed when the order is saved." }
                (line_rows(viewer, form, products, choices, errors))
            } @else {
                p.muted { "This order has more lines than the form shows: they stay as they are (change them through the API, PUT /api/v1/orders/{id}/items)." }
            }
            h2 { "People" }
            p.muted { "By role (doctor, patient…): a contact's id. The order's type may require some roles." }
            div.grid {
                @for i in 0..PEOPLE {
                    fieldset.person-row {
                        legend { "Person " (i + 1) }
                        (field("Role", &person(i, "role"), v(&person(i, "role")).as_deref(), "text", errors))
                        (field("Contact id", &person(i, "contact_id"), v(&person(i, "contact_id")).as_deref(), "text", errors))
                    }
                }
            }
            button type="submit" { (target.submit) }
        }
    }
}

/// The active products, by name, for the lines' pickers.
pub(super) async fn product_choices(
    app: &AppState,
    viewer: &Viewer,
) -> Result<Vec<(String, String)>, axum::response::Response> {
    let params = ListParams {
        limit: rapport_store::kernel::list::MAX_LIMIT,
        sort: Some("name".into()),
        filters: vec![("active".into(), "true".into())],
        ..ListParams::default()
    };
    let page = products::list(&app.store, &viewer.ctx.actor, params)
        .await
        .or_page(viewer)?;
    Ok(page
        .data
        .into_iter()
        .map(|p| {
            let label = match &p.sku {
                Some(sku) => format!("{} ({sku})", p.name),
                None => p.name,
            };
            (p.id.to_string(), label)
        })
        .collect())
}

async fn render(
    app: &AppState,
    viewer: &Viewer,
    form: Option<&Form>,
    errors: &Errors,
    status: StatusCode,
) -> PageResult {
    let choices = choices::choices(&app.store).await.or_page(viewer)?;
    let products = product_choices(app, viewer).await?;
    let target = Target {
        action: "/orders/new".into(),
        submit: "Create order",
        version: None,
        lines: true,
        lines_were: None,
    };
    let body = html! {
        h1 { "New order" }
        (order_form(viewer, &target, form, &products, &choices, errors))
    };
    Ok(respond(
        status,
        shell(viewer, Section::Orders, "New order", body),
    ))
}

/// `GET /orders/new`, with `account_id` filled in from the query when linked from an
/// account.
pub async fn new(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let mut prefill = Form::default();
    if let Some(v) = q.value("account_id") {
        prefill.set("account_id", v);
    }
    render(
        &app,
        &viewer,
        Some(&prefill),
        &Errors::none(),
        StatusCode::OK,
    )
    .await
}

/// `POST /orders/new`
pub async fn create(
    State(app): State<AppState>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let (body, item_rows, people_rows) = body(&form, false);
    let result = match OrderChanges::read(body, true) {
        Ok(changes) => orders::create(&app.store, &viewer.ctx, changes)
            .await
            .map_err(Errors::from),
        Err(e) => Err(Errors::from(e)),
    };
    match result {
        Ok(o) => Ok(Redirect::to(&format!("/orders/{}", o.id)).into_response()),
        Err(errors) => {
            let errors = to_rows(errors, &item_rows, &people_rows);
            render(
                &app,
                &viewer,
                Some(&form),
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_rows_are_skipped_and_errors_find_their_row() {
        let form = Form::parse(
            b"currency=EUR&items%5B0%5D.product_id=&items%5B2%5D.product_id=p&items%5B2%5D.quantity=3&people%5B1%5D.role=doctor",
        )
        .expect("form");
        let (body, items, people) = body(&form, false);
        assert_eq!(
            body,
            serde_json::json!({"currency": "EUR", "items": [{"product_id": "p", "quantity": 3}],
                               "people": [{"role": "doctor"}]})
        );
        assert_eq!((items.clone(), people.clone()), (vec![2], vec![1]));
        let errors = Errors {
            summary: None,
            fields: vec![
                FieldError::new("items[0].product_id", "uuid", "x"),
                FieldError::new("people[0].contact_id", "required", "x"),
                FieldError::new("currency", "iso4217", "x"),
            ],
        };
        let fields: Vec<String> = to_rows(errors, &items, &people)
            .fields
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            vec!["items[2].product_id", "people[1].contact_id", "currency"]
        );
    }
}
