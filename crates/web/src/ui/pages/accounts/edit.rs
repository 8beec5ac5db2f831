//! Creating and editing an account: one form, read by the same reader as the API's body
//! (`AccountChanges`), its errors shown beside the fields they name.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use rapport_domain::account::{Account, AccountChanges, AccountKind, Address, CustomerType};
use rapport_store::customers::accounts;
use uuid::Uuid;

use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field, select, textarea, Errors, Form, Kind, SignedForm};
use crate::ui::layout::{page, respond, shell, Section};
use crate::ui::session::Viewer;
use crate::AppState;

const FIELDS: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("kind", Kind::Text),
    ("legal_name", Kind::Text),
    ("registration_number", Kind::Text),
    ("customer_type", Kind::Text),
    ("email", Kind::Text),
    ("phone", Kind::Text),
    ("website", Kind::Text),
    ("tags", Kind::List),
    ("notes", Kind::Text),
];

const ADDRESS_PARTS: [(&str, &str); 6] = [
    ("street", "Street"),
    ("street2", "Street (2)"),
    ("city", "City"),
    ("region", "State or region"),
    ("postal_code", "Postal code"),
    ("country", "Country (ISO code or name)"),
];

/// The JSON body of the form: the flat fields, and the billing address as an object (or
/// null when every line of it is empty).
fn body(form: &Form, edit: bool) -> serde_json::Value {
    let mut body = form.body(FIELDS, edit);
    let mut address = serde_json::Map::new();
    for (part, _) in ADDRESS_PARTS {
        if let Some(v) = form.text(&format!("billing_address.{part}")) {
            address.insert(part.to_owned(), v.into());
        }
    }
    if let Some(obj) = body.as_object_mut() {
        if !address.is_empty() {
            obj.insert("billing_address".into(), address.into());
        } else if edit {
            obj.insert("billing_address".into(), serde_json::Value::Null);
        }
    }
    body
}

fn value_of<'a>(
    form: Option<&'a Form>,
    account: Option<&'a Account>,
    name: &str,
) -> Option<String> {
    if let Some(f) = form {
        return f.raw(name).map(str::to_owned);
    }
    let a = account?;
    let addr = |pick: fn(&Address) -> Option<String>| a.billing_address.as_ref().and_then(pick);
    match name {
        "name" => Some(a.name.clone()),
        "kind" => Some(a.kind.as_str().to_owned()),
        "legal_name" => a.legal_name.clone(),
        "registration_number" => a.registration_number.clone(),
        "customer_type" => a.customer_type.map(|c| c.as_str().to_owned()),
        "email" => a.email.clone(),
        "phone" => a.phone.clone(),
        "website" => a.website.clone(),
        "tags" => Some(a.tags.join(", ")),
        "notes" => a.notes.clone(),
        "billing_address.street" => addr(|x| x.street.clone()),
        "billing_address.street2" => addr(|x| x.street2.clone()),
        "billing_address.city" => addr(|x| x.city.clone()),
        "billing_address.region" => addr(|x| x.region.clone()),
        "billing_address.postal_code" => addr(|x| x.postal_code.clone()),
        "billing_address.country" => addr(|x| x.country.clone()),
        _ => None,
    }
}

fn account_form(
    viewer: &Viewer,
    action: &str,
    account: Option<&Account>,
    form: Option<&Form>,
    errors: &Errors,
) -> Markup {
    let v = |name: &str| value_of(form, account, name);
    let kinds: Vec<(String, String)> = AccountKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), fmt::words(k.as_str())))
        .collect();
    let mut types = vec![(String::new(), "—".to_owned())];
    types.extend(
        CustomerType::ALL
            .iter()
            .map(|t| (t.as_str().to_owned(), t.as_str().to_owned())),
    );
    let shown: Vec<&str> = FIELDS
        .iter()
        .map(|(n, _)| *n)
        .chain(["billing_address"])
        .collect();
    html! {
        (errors.banner(&shown))
        form method="post" action=(action) {
            (csrf(viewer))
            @if let Some(a) = account { input type="hidden" name="version" value=(a.version); }
            div.grid {
                div {
                    (field("Name", "name", v("name").as_deref(), "text", errors))
                    (select("Kind", "kind", &kinds, v("kind").as_deref().or(Some("customer")), errors))
                    (field("Legal name", "legal_name", v("legal_name").as_deref(), "text", errors))
                    (field("Registration number", "registration_number", v("registration_number").as_deref(), "text", errors))
                    (select("Customer type", "customer_type", &types, v("customer_type").as_deref(), errors))
                    (field("Email", "email", v("email").as_deref(), "email", errors))
                    (field("Phone", "phone", v("phone").as_deref(), "tel", errors))
                    (field("Website", "website", v("website").as_deref(), "text", errors))
                    (field("Tags (comma-separated)", "tags", v("tags").as_deref(), "text", errors))
                }
                fieldset {
                    legend { "Billing address" }
                    @for (part, label) in ADDRESS_PARTS {
                        @let name = format!("billing_address.{part}");
                        (field(label, &name, v(&name).as_deref(), "text", errors))
                    }
                }
            }
            (textarea("Notes", "notes", v("notes").as_deref(), 3, errors))
            button type="submit" { @if account.is_some() { "Save changes" } @else { "Create account" } }
        }
    }
}

/// `GET /accounts/new`
pub async fn new(viewer: Viewer) -> PageResult {
    let body = html! { h1 { "New account" } (account_form(&viewer, "/accounts/new", None, None, &Errors::none())) };
    Ok(page(&viewer, Section::Accounts, "New account", body))
}

/// `POST /accounts/new`
pub async fn create(
    State(app): State<AppState>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let result = match AccountChanges::read(body(&form, false), true) {
        Ok(changes) => accounts::create(&app.store, &viewer.ctx, changes)
            .await
            .map_err(Errors::from),
        Err(e) => Err(Errors::from(e)),
    };
    match result {
        Ok(a) => Ok(Redirect::to(&format!("/accounts/{}", a.id)).into_response()),
        Err(errors) => {
            let body = html! { h1 { "New account" } (account_form(&viewer, "/accounts/new", None, Some(&form), &errors)) };
            Ok(respond(
                StatusCode::UNPROCESSABLE_ENTITY,
                shell(&viewer, Section::Accounts, "New account", body),
            ))
        }
    }
}

/// `GET /accounts/{id}/edit`
pub async fn edit(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    let account = accounts::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(&viewer)?;
    let action = format!("/accounts/{id}/edit");
    let body = html! { h1 { "Edit " (account.name) } (account_form(&viewer, &action, Some(&account), None, &Errors::none())) };
    Ok(page(&viewer, Section::Accounts, "Edit account", body))
}

/// `POST /accounts/{id}/edit`: saved only if nobody changed the account since the form
/// was opened (its version rides along, as If-Match does in the API).
pub async fn update(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let if_match = form.if_match();
    let result = match AccountChanges::read(body(&form, true), false) {
        Ok(changes) => accounts::update(&app.store, &viewer.ctx, id, if_match, changes)
            .await
            .map_err(Errors::from),
        Err(e) => Err(Errors::from(e)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/accounts/{id}")).into_response()),
        Err(errors) => {
            let account = accounts::get(&app.store, &viewer.ctx.actor, id)
                .await
                .or_page(&viewer)?;
            let mut form = form;
            form.set("version", &account.version.to_string());
            let action = format!("/accounts/{id}/edit");
            let body = html! { h1 { "Edit " (account.name) } (account_form(&viewer, &action, Some(&account), Some(&form), &errors)) };
            Ok(respond(
                StatusCode::UNPROCESSABLE_ENTITY,
                shell(&viewer, Section::Accounts, "Edit account", body),
            ))
        }
    }
}
