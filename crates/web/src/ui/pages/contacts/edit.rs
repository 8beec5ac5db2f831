//! `GET/POST /contacts/{id}/edit`: one form read by the same reader as the API's PATCH
//! body (`ContactChanges`), errors beside the fields they name, and saved only if the
//! person is still at the version the form was opened on (the hidden version is the
//! page's If-Match).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use rapport_domain::account::Address;
use rapport_domain::contact::{Contact, ContactChanges, ContactKind};
use rapport_store::customers::contacts;
use serde_json::Value;
use uuid::Uuid;

use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field, select, Errors, Form, Kind, SignedForm};
use crate::ui::layout::{respond, Section};
use crate::ui::session::Viewer;
use crate::AppState;

const FIELDS: &[(&str, Kind)] = &[
    ("kind", Kind::Text),
    ("active", Kind::Flag),
    ("first_name", Kind::Text),
    ("middle_name", Kind::Text),
    ("last_name", Kind::Text),
    ("email", Kind::Text),
    ("phone", Kind::Text),
    ("title", Kind::Text),
    ("date_of_birth", Kind::Text),
    ("gender", Kind::Text),
    ("legacy_id", Kind::Text),
];

const ADDRESS_PARTS: [(&str, &str); 6] = [
    ("street", "Street"),
    ("street2", "Street (2)"),
    ("city", "City"),
    ("region", "State or region"),
    ("postal_code", "Postal code"),
    ("country", "Country (ISO code or name)"),
];

/// The PATCH body: the flat fields, and the address as an object, or null when every
/// line of it was emptied.
fn body(form: &Form) -> Value {
    let mut body = form.body(FIELDS, true);
    let mut address = serde_json::Map::new();
    for (part, _) in ADDRESS_PARTS {
        if let Some(v) = form.text(&format!("address.{part}")) {
            address.insert(part.to_owned(), v.into());
        }
    }
    if let Some(obj) = body.as_object_mut() {
        let value = if address.is_empty() {
            Value::Null
        } else {
            address.into()
        };
        obj.insert("address".into(), value);
    }
    body
}

fn stored(c: &Contact, name: &str) -> Option<String> {
    let part = |pick: fn(&Address) -> Option<String>| c.address.as_ref().and_then(pick);
    match name {
        "kind" => Some(c.kind.as_str().to_owned()),
        "first_name" => c.first_name.clone(),
        "middle_name" => c.middle_name.clone(),
        "last_name" => c.last_name.clone(),
        "email" => c.email.clone(),
        "phone" => c.phone.clone(),
        "title" => c.title.clone(),
        "date_of_birth" => c.date_of_birth.map(fmt::date),
        "gender" => c.gender.clone(),
        "legacy_id" => c.legacy_id.clone(),
        "address.street" => part(|a| a.street.clone()),
        "address.street2" => part(|a| a.street2.clone()),
        "address.city" => part(|a| a.city.clone()),
        "address.region" => part(|a| a.region.clone()),
        "address.postal_code" => part(|a| a.postal_code.clone()),
        "address.country" => part(|a| a.country.clone()),
        _ => None,
    }
}

/// The form, filled from what was sent when it comes back refused, else from the person.
fn contact_form(
    viewer: &Viewer,
    contact: &Contact,
    sent: Option<&Form>,
    errors: &Errors,
) -> Markup {
    let v = |name: &str| match sent {
        Some(f) => f.raw(name).map(str::to_owned),
        None => stored(contact, name),
    };
    let active = sent.map_or(contact.active, |f| f.checked("active"));
    let kinds: Vec<(String, String)> = ContactKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), fmt::words(k.as_str())))
        .collect();
    let shown: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).chain(["address"]).collect();
    html! {
        (errors.banner(&shown))
        form method="post" action={ "/contacts/" (contact.id) "/edit" } {
            (csrf(viewer))
            input type="hidden" name="version" value=(contact.version);
            div.grid {
                div {
                    (field("First name", "first_name", v("first_name").as_deref(), "text", errors))
                    (field("Middle name", "middle_name", v("middle_name").as_deref(), "text", errors))
                    (field("Last name", "last_name", v("last_name").as_deref(), "text", errors))
                    (select("Kind", "kind", &kinds, v("kind").as_deref(), errors))
                    (field("Title", "title", v("title").as_deref(), "text", errors))
                    (field("Email", "email", v("email").as_deref(), "email", errors))
                    (field("Phone", "phone", v("phone").as_deref(), "tel", errors))
                    (field("Date of birth", "date_of_birth", v("date_of_birth").as_deref(), "date", errors))
                    (field("Gender", "gender", v("gender").as_deref(), "text", errors))
                    (field("Legacy id", "legacy_id", v("legacy_id").as_deref(), "text", errors))
                    div.field { label { input type="checkbox" name="active" checked[active]; " Active" } }
                }
                fieldset {
                    legend { "Address" }
                    @for (part, label) in ADDRESS_PARTS {
                        @let name = format!("address.{part}");
                        (field(label, &name, v(&name).as_deref(), "text", errors))
                    }
                }
            }
            button type="submit" { "Save changes" }
        }
    }
}

fn edit_page(
    viewer: &Viewer,
    contact: &Contact,
    sent: Option<&Form>,
    errors: &Errors,
    status: StatusCode,
) -> axum::response::Response {
    let body = html! {
        h1 { "Edit " a href={ "/contacts/" (contact.id) } { (contact.full_name) } }
        (contact_form(viewer, contact, sent, errors))
    };
    respond(
        status,
        crate::ui::layout::shell(viewer, Section::Contacts, "Edit contact", body),
    )
}

/// `GET /contacts/{id}/edit`
pub async fn edit(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    let contact = contacts::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(&viewer)?;
    Ok(edit_page(
        &viewer,
        &contact,
        None,
        &Errors::none(),
        StatusCode::OK,
    ))
}

/// `POST /contacts/{id}/edit`
pub async fn update(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let if_match = form.if_match();
    let result = match ContactChanges::read(body(&form), false) {
        Ok(changes) => contacts::update(&app.store, &viewer.ctx, id, if_match, changes)
            .await
            .map_err(Errors::from),
        Err(e) => Err(Errors::from(e)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/contacts/{id}")).into_response()),
        Err(errors) => {
            let contact = contacts::get(&app.store, &viewer.ctx.actor, id)
                .await
                .or_page(&viewer)?;
            // The form carries the version just read: the next save is checked against
            // what the refusal showed.
            Ok(edit_page(
                &viewer,
                &contact,
                Some(&form),
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}
