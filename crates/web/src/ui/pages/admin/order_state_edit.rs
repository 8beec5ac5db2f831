//! Creating, editing and deleting an order state: one form read by the API's reader
//! (`OrderStateChanges`), errors beside the fields (the store's workflow rules too:
//! taking the initial mark off, making a state with moves final), the version carried
//! as If-Match. Its moves are edited on the workflow page.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use rapport_domain::order_config::{OrderState, OrderStateChanges, Stamp, DEFAULT_COLOUR};
use rapport_store::orders::states;
use uuid::Uuid;

use super::nav::{admin_page, Tab};
use super::order_states::{gate, swatch, LIST};
use crate::problem::Problem;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field, select, textarea, Errors, Form, Kind, SignedForm};
use crate::ui::session::Viewer;
use crate::AppState;

const FIELDS: &[(&str, Kind)] = &[
    ("key", Kind::Text),
    ("name", Kind::Text),
    ("description", Kind::Text),
    ("colour", Kind::Text),
    ("sequence", Kind::Number),
    ("initial", Kind::Flag),
    ("final", Kind::Flag),
    ("fulfilment", Kind::Flag),
    ("opens_contract", Kind::Flag),
    ("stamp", Kind::Text),
    ("active", Kind::Flag),
];

/// The checkboxes: field and label.
const FLAGS: [(&str, &str); 5] = [
    (
        "initial",
        "Initial: new orders start here (takes the mark off the state that has it)",
    ),
    (
        "final",
        "Final: freezes the order (no edits, no moves) until an administrator reopens it",
    ),
    (
        "fulfilment",
        "Fulfilment: orders here are in the fulfillers' scope",
    ),
    ("opens_contract", "Opens a contract when an order enters it"),
    ("active", "Active (an inactive state cannot be entered)"),
];

const SHOWN: [&str; 11] = [
    "key",
    "name",
    "description",
    "colour",
    "sequence",
    "initial",
    "final",
    "fulfilment",
    "opens_contract",
    "stamp",
    "active",
];

fn stored(s: &OrderState, name: &str) -> Option<String> {
    match name {
        "key" => Some(s.key.clone()),
        "name" => Some(s.name.clone()),
        "description" => s.description.clone(),
        "colour" => Some(s.colour.clone()),
        "sequence" => Some(s.sequence.to_string()),
        "stamp" => s.stamp.map(|t| t.as_str().to_owned()),
        _ => None,
    }
}

fn flag_of(s: &OrderState, name: &str) -> bool {
    match name {
        "initial" => s.initial,
        "final" => s.is_final,
        "fulfilment" => s.fulfilment,
        "opens_contract" => s.opens_contract,
        "active" => s.active,
        _ => false,
    }
}

fn checkbox(name: &str, label: &str, checked: bool, errors: &Errors) -> Markup {
    let id = format!("f-{name}");
    let err_id = format!("{id}-error");
    let error = errors.of(name);
    html! {
        div.field.invalid[error.is_some()] {
            label { input id=(id) type="checkbox" name=(name) checked[checked] aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| err_id.as_str())]; " " (label) }
            @if let Some(e) = error { p.field-error id=(err_id) { (e.message) } }
        }
    }
}

fn state_form(
    viewer: &Viewer,
    s: Option<&OrderState>,
    sent: Option<&Form>,
    errors: &Errors,
) -> Markup {
    let v = |name: &str| match (sent, s) {
        (Some(f), _) => f.raw(name).map(str::to_owned),
        (None, Some(s)) => stored(s, name),
        (None, None) => (name == "colour").then(|| DEFAULT_COLOUR.to_owned()),
    };
    let ticked = |name: &str| match (sent, s) {
        (Some(f), _) => f.checked(name),
        (None, Some(s)) => flag_of(s, name),
        (None, None) => name == "active",
    };
    let mut stamps = vec![(String::new(), "— none —".to_owned())];
    stamps.extend(Stamp::ALL.map(|t| {
        (
            t.as_str().to_owned(),
            format!("sets {}", fmt::words(t.as_str())),
        )
    }));
    let action = s.map_or(format!("{LIST}/new"), |s| format!("{LIST}/{}", s.id));
    html! {
        (errors.banner(&SHOWN))
        form method="post" action=(action) {
            (csrf(viewer))
            @if let Some(s) = s { input type="hidden" name="version" value=(s.version); }
            (field("Key (lower-case letters, digits, - and _)", "key", v("key").as_deref(), "text", errors))
            (field("Name", "name", v("name").as_deref(), "text", errors))
            (textarea("Description", "description", v("description").as_deref(), 2, errors))
            (field("Colour", "colour", v("colour").as_deref(), "color", errors))
            (field("Sequence (where it stands in the workflow)", "sequence", v("sequence").as_deref(), "number", errors))
            (select("Order timestamp set on entry", "stamp", &stamps, v("stamp").as_deref(), errors))
            @for (name, label) in FLAGS { (checkbox(name, label, ticked(name), errors)) }
            button type="submit" { @if s.is_some() { "Save changes" } @else { "Create order state" } }
        }
        @if let Some(s) = s {
            form.inline method="post" action={ (LIST) "/" (s.id) "/delete" }
                data-confirm={ "Delete the order state " (s.name) " with its moves? A state an order is in cannot be deleted; deactivate it instead." } {
                (csrf(viewer))
                input type="hidden" name="version" value=(s.version);
                button.secondary type="submit" { "Delete" }
            }
        }
    }
}

fn form_page(
    viewer: &Viewer,
    s: Option<&OrderState>,
    sent: Option<&Form>,
    errors: &Errors,
    status: StatusCode,
) -> Response {
    let title = s.map_or("New order state".to_owned(), |s| {
        format!("Order state {}", s.name)
    });
    let body = html! {
        p { a href=(LIST) { "← Order states" } }
        h1 { @if let Some(s) = s { (swatch(&s.colour)) " " } (title) }
        (state_form(viewer, s, sent, errors))
    };
    admin_page(viewer, Tab::OrderStates, &title, body, status)
}

fn read(form: &Form, edit: bool) -> Result<OrderStateChanges, Problem> {
    OrderStateChanges::read(form.body(FIELDS, edit), !edit).map_err(Problem::from)
}

/// `GET /admin/order-states/new`
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

/// `POST /admin/order-states/new`
pub async fn create(
    State(app): State<AppState>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let result = match read(&form, false) {
        Ok(changes) => states::create(&app.store, &viewer.ctx, changes)
            .await
            .map_err(Problem::from),
        Err(p) => Err(p),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{LIST}?saved=1")).into_response()),
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

/// `GET /admin/order-states/{id}`
pub async fn edit(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    gate(&viewer)?;
    let s = states::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(&viewer)?;
    Ok(form_page(
        &viewer,
        Some(&s),
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
    let s = states::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(viewer)?;
    let status = problem.status;
    Ok(form_page(
        viewer,
        Some(&s),
        sent,
        &Errors::from(problem),
        status,
    ))
}

/// `POST /admin/order-states/{id}`: saved only if the state is still at the form's version.
pub async fn update(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let result = match read(&form, true) {
        Ok(changes) => states::update(&app.store, &viewer.ctx, id, form.if_match(), changes)
            .await
            .map_err(Problem::from),
        Err(p) => Err(p),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{LIST}?saved=1")).into_response()),
        Err(problem) => refused(&app, &viewer, id, Some(&form), problem).await,
    }
}

/// `POST /admin/order-states/{id}/delete`
pub async fn delete(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    match states::delete(&app.store, &viewer.ctx, id, form.if_match()).await {
        Ok(()) => Ok(Redirect::to(&format!("{LIST}?deleted=1")).into_response()),
        Err(e) => refused(&app, &viewer, id, None, Problem::from(e)).await,
    }
}
