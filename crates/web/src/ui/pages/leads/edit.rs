//! Creating and editing a lead: one form, read by the API's reader (`LeadChanges::read`)
//! and written by `leads::create` / `leads::update`, its errors beside the fields they
//! name. The edit carries the version it was opened at, as If-Match does in the API, so
//! a change made meanwhile is not overwritten. A lead's status moves by the move form
//! (which reopens won and lost leads); a new lead may start in any status.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use rapport_domain::lead::{Lead, LeadChanges, LeadStatus};
use rapport_store::auth::users::{self, Colleague};
use rapport_store::pipeline::leads;
use uuid::Uuid;

use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field, select, Errors, Form, Kind, SignedForm};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

/// The fields of both forms; `status` is read on create only.
const FIELDS: &[(&str, Kind)] = &[
    ("title", Kind::Text),
    ("account_id", Kind::Text),
    ("organization", Kind::Text),
    ("contact_name", Kind::Text),
    ("contact_email", Kind::Text),
    ("contact_phone", Kind::Text),
    ("value", Kind::Text),
    ("currency", Kind::Text),
    ("probability", Kind::Number),
    ("expected_close_date", Kind::Text),
    ("acquisition_source", Kind::Text),
    ("owner_id", Kind::Text),
    ("lost_reason", Kind::Text),
];

/// The JSON body of the form. On an edit the probability is left alone when the box is
/// empty (it always has a value; clearing it is not a change the reader accepts).
fn body(form: &Form, edit: bool) -> serde_json::Value {
    let mut body = form.body(FIELDS, edit);
    if let Some(obj) = body.as_object_mut() {
        if edit {
            if obj
                .get("probability")
                .is_some_and(serde_json::Value::is_null)
            {
                obj.remove("probability");
            }
        } else if let Some(s) = form.text("status") {
            obj.insert("status".into(), s.into());
        }
    }
    body
}

fn value_of(form: Option<&Form>, lead: Option<&Lead>, name: &str) -> Option<String> {
    if let Some(f) = form {
        return f.raw(name).map(str::to_owned);
    }
    let l = lead?;
    match name {
        "title" => Some(l.title.clone()),
        "account_id" => l.account_id.map(|a| a.to_string()),
        "organization" => l.organization.clone(),
        "contact_name" => l.contact_name.clone(),
        "contact_email" => l.contact_email.clone(),
        "contact_phone" => l.contact_phone.clone(),
        // The exact decimal, as stored: no grouping, no rounding.
        "value" => l.value.map(|v| v.to_string()),
        "currency" => l.currency.clone(),
        "probability" => Some(l.probability.to_string()),
        "expected_close_date" => l.expected_close_date.map(fmt::date),
        "acquisition_source" => l.acquisition_source.clone(),
        "owner_id" => l.owner_id.map(|o| o.to_string()),
        "lost_reason" => l.lost_reason.clone(),
        "status" => Some(l.status.as_str().to_owned()),
        _ => None,
    }
}

fn lead_form(
    viewer: &Viewer,
    action: &str,
    lead: Option<&Lead>,
    form: Option<&Form>,
    colleagues: &[Colleague],
    errors: &Errors,
) -> Markup {
    let v = |name: &str| value_of(form, lead, name);
    let statuses: Vec<(String, String)> = LeadStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), fmt::words(s.as_str())))
        .collect();
    let mut owners = vec![(String::new(), "— (a rep owns what they create)".to_owned())];
    owners.extend(
        colleagues
            .iter()
            .map(|c| (c.id.to_string(), c.name.clone())),
    );
    let mut shown: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
    if lead.is_none() {
        shown.push("status");
    }
    html! {
        (errors.banner(&shown))
        form method="post" action=(action) {
            (csrf(viewer))
            @if let Some(l) = lead { input type="hidden" name="version" value=(l.version); }
            div.grid {
                div {
                    (field("Title", "title", v("title").as_deref(), "text", errors))
                    (field("Organisation", "organization", v("organization").as_deref(), "text", errors))
                    (field("Account id (optional; a won lead without one gets an account)", "account_id", v("account_id").as_deref(), "text", errors))
                    (field("Contact name", "contact_name", v("contact_name").as_deref(), "text", errors))
                    (field("Contact email", "contact_email", v("contact_email").as_deref(), "email", errors))
                    (field("Contact phone", "contact_phone", v("contact_phone").as_deref(), "tel", errors))
                    (field("Source", "acquisition_source", v("acquisition_source").as_deref(), "text", errors))
                }
                div {
                    (field("Value (exact, e.g. 12500.00)", "value", v("value").as_deref(), "text", errors))
                    (field("Currency (ISO 4217, e.g. EUR)", "currency", v("currency").as_deref(), "text", errors))
                    @if lead.is_none() { (select("Status", "status", &statuses, v("status").as_deref().or(Some("new")), errors)) }
                    (field("Probability % (the status's default if empty)", "probability", v("probability").as_deref(), "number", errors))
                    (field("Expected close", "expected_close_date", v("expected_close_date").as_deref(), "date", errors))
                    @if !colleagues.is_empty() { (select("Owner", "owner_id", &owners, v("owner_id").as_deref(), errors)) }
                    (field("Lost reason (required while lost)", "lost_reason", v("lost_reason").as_deref(), "text", errors))
                }
            }
            button type="submit" { @if lead.is_some() { "Save changes" } @else { "Create lead" } }
        }
    }
}

fn form_page(viewer: &Viewer, status: StatusCode, title: &str, form: Markup) -> PageResult {
    let body = html! { h1 { (title) } (form) };
    Ok(respond(status, shell(viewer, Section::Leads, title, body)))
}

/// `GET /leads/new`, with `account_id` or `organization` filled in from the query when
/// linked from elsewhere.
pub async fn new(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let colleagues = users::colleagues(&app.store, &viewer.ctx.actor)
        .await
        .or_page(&viewer)?;
    let mut prefill = Form::default();
    for name in ["account_id", "organization"] {
        if let Some(v) = q.value(name) {
            prefill.set(name, v);
        }
    }
    let form = lead_form(
        &viewer,
        "/leads/new",
        None,
        Some(&prefill),
        &colleagues,
        &Errors::none(),
    );
    form_page(&viewer, StatusCode::OK, "New lead", form)
}

/// `POST /leads/new`
pub async fn create(
    State(app): State<AppState>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let result = match LeadChanges::read(body(&form, false), true) {
        Ok(changes) => leads::create(&app.store, &viewer.ctx, changes)
            .await
            .map_err(Errors::from),
        Err(e) => Err(Errors::from(e)),
    };
    match result {
        Ok(l) => Ok(Redirect::to(&format!("/leads/{}", l.id)).into_response()),
        Err(errors) => {
            let colleagues = users::colleagues(&app.store, &viewer.ctx.actor)
                .await
                .or_page(&viewer)?;
            let markup = lead_form(
                &viewer,
                "/leads/new",
                None,
                Some(&form),
                &colleagues,
                &errors,
            );
            form_page(
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                "New lead",
                markup,
            )
        }
    }
}

/// `GET /leads/{id}/edit`
pub async fn edit(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    let lead = leads::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(&viewer)?;
    let colleagues = users::colleagues(&app.store, &viewer.ctx.actor)
        .await
        .or_page(&viewer)?;
    let action = format!("/leads/{id}/edit");
    let markup = lead_form(
        &viewer,
        &action,
        Some(&lead),
        None,
        &colleagues,
        &Errors::none(),
    );
    form_page(
        &viewer,
        StatusCode::OK,
        &format!("Edit {}", lead.title),
        markup,
    )
}

/// `POST /leads/{id}/edit`: saved only if nobody changed the lead since the form was
/// opened (its version rides along, as If-Match does in the API).
pub async fn update(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let if_match = form.if_match();
    let result = match LeadChanges::read(body(&form, true), false) {
        Ok(changes) => leads::update(&app.store, &viewer.ctx, id, if_match, changes)
            .await
            .map_err(Errors::from),
        Err(e) => Err(Errors::from(e)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/leads/{id}")).into_response()),
        Err(errors) => {
            let lead = leads::get(&app.store, &viewer.ctx.actor, id)
                .await
                .or_page(&viewer)?;
            let colleagues = users::colleagues(&app.store, &viewer.ctx.actor)
                .await
                .or_page(&viewer)?;
            let mut form = form;
            form.set("version", &lead.version.to_string());
            let action = format!("/leads/{id}/edit");
            let markup = lead_form(
                &viewer,
                &action,
                Some(&lead),
                Some(&form),
                &colleagues,
                &errors,
            );
            form_page(
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("Edit {}", lead.title),
                markup,
            )
        }
    }
}
