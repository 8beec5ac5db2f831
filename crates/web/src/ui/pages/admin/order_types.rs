//! `/admin/order-types`: the kinds of order (seed 003's lab orders), for administrators
//! as the store decides. The list, and one form for a new type and for an existing one,
//! read by the API's reader (`OrderTypeChanges`): the JSON Schema for an order's `data`
//! is a textarea of JSON whose errors — not JSON at all, or not a schema that compiles —
//! sit beside it. A type no order is of can be deleted; one in use is deactivated.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use rapport_domain::order_config::{OrderType, OrderTypeChanges};
use rapport_domain::{FieldError, Invalid};
use rapport_store::orders::types;
use rapport_store::policy::{self, Action};
use rapport_store::ListParams;
use serde_json::Value;
use uuid::Uuid;

use super::nav::{admin_page, Tab};
use crate::problem::Problem;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::form::{csrf, field, textarea, Errors, Form, Kind, SignedForm};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

const LIST: &str = "/admin/order-types";
const FIELDS: &[(&str, Kind)] = &[
    ("key", Kind::Text),
    ("name", Kind::Text),
    ("description", Kind::Text),
    ("active", Kind::Flag),
];
/// The fields the form shows, whose errors sit beside them.
const SHOWN: [&str; 6] = [
    "key",
    "name",
    "description",
    "data_schema",
    "required_roles",
    "active",
];

/// Only those who may change types open these pages (anyone reads types in the API).
fn gate(viewer: &Viewer) -> Result<(), Response> {
    policy::require_order_config_action(&viewer.ctx.actor, Action::Update, "order types")
        .or_page(viewer)
}

/// The form as the API's body: the schema's text read as JSON (a syntax error is named
/// `data_schema`, beside the reader's own errors), roles separated by commas or spaces.
fn read(form: &Form, edit: bool) -> Result<OrderTypeChanges, Problem> {
    let mut body = form.body(FIELDS, edit);
    let mut not_json = None;
    let set = |body: &mut Value, name: &str, v: Value| {
        if let Some(o) = body.as_object_mut() {
            o.insert(name.to_owned(), v);
        }
    };
    match form.text("data_schema") {
        Some(text) => match serde_json::from_str::<Value>(&text) {
            Ok(schema) => set(&mut body, "data_schema", schema),
            Err(e) => {
                let message = format!("is not JSON: {e}");
                not_json = Some(FieldError::new("data_schema", "json", message));
            }
        },
        // An emptied textarea clears the schema; a form without it leaves it be.
        None if edit && form.raw("data_schema").is_some() => {
            set(&mut body, "data_schema", Value::Null)
        }
        None => {}
    }
    let roles: Vec<Value> = form
        .raw("required_roles")
        .unwrap_or("")
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|r| !r.is_empty())
        .map(Value::from)
        .collect();
    if !roles.is_empty() || (edit && form.raw("required_roles").is_some()) {
        set(&mut body, "required_roles", Value::Array(roles));
    }
    match (OrderTypeChanges::read(body, !edit), not_json) {
        (Ok(changes), None) => Ok(changes),
        (Ok(_), Some(e)) => Err(Problem::from(Invalid(vec![e]))),
        (Err(Invalid(mut errors)), Some(e)) => {
            errors.insert(0, e);
            Err(Problem::from(Invalid(errors)))
        }
        (Err(invalid), None) => Err(Problem::from(invalid)),
    }
}

fn table(rows: &[OrderType]) -> Markup {
    html! {
        div.table-wrap {
            table.responsive {
                caption.muted { @if rows.is_empty() { "No order types yet." } @else { "Order types, by name" } }
                thead { tr {
                    th scope="col" { "Name" } th scope="col" { "Key" } th scope="col" { "People roles required" }
                    th scope="col" { "Data schema" } th scope="col" { "State" }
                } }
                tbody {
                    @for t in rows {
                        tr {
                            td { a href={ (LIST) "/" (t.id) } { (t.name) } }
                            td { code { (t.key) } }
                            td { @if t.required_roles.is_empty() { span.muted { "none" } } @else { (t.required_roles.join(", ")) } }
                            td { @if t.data_schema.is_some() { "yes" } @else { span.muted { "any object" } } }
                            td { @if t.active { span.badge.primary { "active" } } @else { span.badge { "inactive" } } }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /admin/order-types`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    gate(&viewer)?;
    let params = ListParams {
        limit: 500,
        sort: Some("name".into()),
        ..ListParams::default()
    };
    let rows = types::list(&app.store, &viewer.ctx.actor, params)
        .await
        .or_page(&viewer)?
        .data;
    let body = html! {
        div.page-head {
            h1 { "Order types" }
            div.actions { a.button href={ (LIST) "/new" } { "New order type" } }
        }
        @if q.value("deleted").is_some() { p.alert.ok role="status" { "Order type deleted." } }
        p.muted { "What an order's data must look like (a JSON Schema) and which people roles it needs. Everyone reads types; administrators change them, each change audited." }
        (table(&rows))
    };
    Ok(admin_page(
        &viewer,
        Tab::OrderTypes,
        "Order types",
        body,
        StatusCode::OK,
    ))
}

fn stored(t: &OrderType, name: &str) -> Option<String> {
    match name {
        "key" => Some(t.key.clone()),
        "name" => Some(t.name.clone()),
        "description" => t.description.clone(),
        "required_roles" => Some(t.required_roles.join(", ")),
        "data_schema" => t
            .data_schema
            .as_ref()
            .and_then(|s| serde_json::to_string_pretty(s).ok()),
        _ => None,
    }
}

fn type_form(
    viewer: &Viewer,
    t: Option<&OrderType>,
    sent: Option<&Form>,
    errors: &Errors,
) -> Markup {
    let v = |name: &str| match (sent, t) {
        (Some(f), _) => f.raw(name).map(str::to_owned),
        (None, Some(t)) => stored(t, name),
        (None, None) => None,
    };
    let active = match (sent, t) {
        (Some(f), _) => f.checked("active"),
        (None, Some(t)) => t.active,
        (None, None) => true,
    };
    let action = t.map_or(format!("{LIST}/new"), |t| format!("{LIST}/{}", t.id));
    let active_error = errors.of("active");
    html! {
        (errors.banner(&SHOWN))
        form method="post" action=(action) {
            (csrf(viewer))
            @if let Some(t) = t { input type="hidden" name="version" value=(t.version); }
            (field("Key (lower-case letters, digits, - and _)", "key", v("key").as_deref(), "text", errors))
            (field("Name", "name", v("name").as_deref(), "text", errors))
            (textarea("Description", "description", v("description").as_deref(), 2, errors))
            (field("People roles required (keys, separated by commas)", "required_roles", v("required_roles").as_deref(), "text", errors))
            (textarea("Data schema (a JSON Schema for the order's data; empty for any object)", "data_schema", v("data_schema").as_deref(), 12, errors))
            div.field.invalid[active_error.is_some()] {
                label { input #f-active type="checkbox" name="active" checked[active] aria-describedby=[active_error.map(|_| "f-active-error")]; " Active (takes new orders)" }
                @if let Some(e) = active_error { p.field-error #f-active-error { (e.message) } }
            }
            button type="submit" { @if t.is_some() { "Save changes" } @else { "Create order type" } }
        }
        @if let Some(t) = t {
            form.inline method="post" action={ (LIST) "/" (t.id) "/delete" }
                data-confirm={ "Delete the order type " (t.name) "? A type some order is of cannot be deleted; deactivate it instead." } {
                (csrf(viewer))
                input type="hidden" name="version" value=(t.version);
                button.secondary type="submit" { "Delete" }
            }
        }
    }
}

fn form_page(
    viewer: &Viewer,
    t: Option<&OrderType>,
    sent: Option<&Form>,
    errors: &Errors,
    status: StatusCode,
) -> Response {
    let title = t.map_or("New order type".to_owned(), |t| {
        format!("Order type {}", t.name)
    });
    let body = html! {
        p { a href=(LIST) { "← Order types" } }
        h1 { (title) }
        (type_form(viewer, t, sent, errors))
    };
    admin_page(viewer, Tab::OrderTypes, &title, body, status)
}

/// `GET /admin/order-types/new`
pub async fn new(viewer: Viewer) -> PageResult {
    gate(&viewer)?;
    Ok(form_page(
        &viewer,
        None,
        None,
        &Errors::none(),
        StatusCode::OK,
    ))
}

/// `POST /admin/order-types/new`
pub async fn create(
    State(app): State<AppState>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let result = match read(&form, false) {
        Ok(changes) => types::create(&app.store, &viewer.ctx, changes)
            .await
            .map_err(Problem::from),
        Err(p) => Err(p),
    };
    match result {
        Ok(_) => Ok(Redirect::to(LIST).into_response()),
        Err(problem) => {
            gate(&viewer)?;
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

/// `GET /admin/order-types/{id}`
pub async fn edit(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    gate(&viewer)?;
    let t = types::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(&viewer)?;
    Ok(form_page(
        &viewer,
        Some(&t),
        None,
        &Errors::none(),
        StatusCode::OK,
    ))
}

/// A refused change or delete: the form again, with what was sent and why not.
async fn refused(
    app: &AppState,
    viewer: &Viewer,
    id: Uuid,
    sent: Option<&Form>,
    problem: Problem,
) -> PageResult {
    gate(viewer)?;
    let t = types::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(viewer)?;
    let status = problem.status;
    Ok(form_page(
        viewer,
        Some(&t),
        sent,
        &Errors::from(problem),
        status,
    ))
}

/// `POST /admin/order-types/{id}`: saved only if the type is still at the form's version.
pub async fn update(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let result = match read(&form, true) {
        Ok(changes) => types::update(&app.store, &viewer.ctx, id, form.if_match(), changes)
            .await
            .map_err(Problem::from),
        Err(p) => Err(p),
    };
    match result {
        Ok(_) => Ok(Redirect::to(LIST).into_response()),
        Err(problem) => refused(&app, &viewer, id, Some(&form), problem).await,
    }
}

/// `POST /admin/order-types/{id}/delete`
pub async fn delete(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    match types::delete(&app.store, &viewer.ctx, id, form.if_match()).await {
        Ok(()) => Ok(Redirect::to(&format!("{LIST}?deleted=1")).into_response()),
        Err(e) => refused(&app, &viewer, id, None, Problem::from(e)).await,
    }
}
