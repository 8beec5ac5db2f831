//! `/admin/settings`: the settings `PATCH /api/v1/settings` takes — the active-product
//! cap, each lead status's default probability, and the access switches — read by the
//! same `SettingsChanges` reader, its errors beside the fields they name.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use rapport_domain::lead::LeadStatus;
use rapport_domain::settings::{Settings, SettingsChanges};
use rapport_store::{policy, settings};
use serde_json::{Map, Value};

use super::nav::{admin_page, Tab};
use crate::problem::Problem;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field, Errors, Form, Kind, SignedForm};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

const CAP: &str = "active_product_cap";
const PROBABILITIES: &str = "lead_probabilities";
/// The switches, with what each allows.
const SWITCHES: [(&str, &str); 2] = [
    (
        "reps_see_accounts_they_updated",
        "Reps also see (and work) the accounts they last updated",
    ),
    (
        "reps_delete_accounts_they_created",
        "Reps may delete the accounts they created",
    ),
];

fn probability_field(status: LeadStatus) -> String {
    format!("{PROBABILITIES}.{}", status.as_str())
}

/// The PATCH body: the cap, the probabilities as an object by status, the switches.
fn body(form: &Form) -> Value {
    let mut body = form.body(
        &[
            (CAP, Kind::Number),
            (SWITCHES[0].0, Kind::Flag),
            (SWITCHES[1].0, Kind::Flag),
        ],
        false,
    );
    let names: Vec<String> = LeadStatus::ALL.into_iter().map(probability_field).collect();
    let fields: Vec<(&str, Kind)> = names.iter().map(|n| (n.as_str(), Kind::Number)).collect();
    let mut probabilities = Map::new();
    if let Value::Object(flat) = form.body(&fields, false) {
        for (name, value) in flat {
            let status = name
                .trim_start_matches(PROBABILITIES)
                .trim_start_matches('.');
            probabilities.insert(status.to_owned(), value);
        }
    }
    if let Some(obj) = body.as_object_mut() {
        if !probabilities.is_empty() {
            obj.insert(PROBABILITIES.into(), Value::Object(probabilities));
        }
    }
    body
}

fn settings_form(viewer: &Viewer, now: &Settings, sent: Option<&Form>, errors: &Errors) -> Markup {
    let v =
        |name: &str, stored: String| sent.map_or(Some(stored), |f| f.raw(name).map(str::to_owned));
    let switched = |name: &str, stored: bool| sent.map_or(stored, |f| f.checked(name));
    let stored_switch = [
        now.reps_see_accounts_they_updated,
        now.reps_delete_accounts_they_created,
    ];
    let shown = [CAP, PROBABILITIES, SWITCHES[0].0, SWITCHES[1].0];
    html! {
        (errors.banner(&shown))
        form method="post" action="/admin/settings" {
            (csrf(viewer))
            div.grid {
                section.card {
                    h2 { "Products" }
                    (field("Active-product cap (0 means no cap)", CAP, v(CAP, now.active_product_cap.to_string()).as_deref(), "number", errors))
                    p.muted { "How many products may be active at once. Lowering it deactivates nothing; activations past it are refused." }
                }
                section.card {
                    h2 { "Default probability by lead status (%)" }
                    @for status in LeadStatus::ALL {
                        @let name = probability_field(status);
                        (field(&fmt::words(status.as_str()), &name, v(&name, now.probability(status).to_string()).as_deref(), "number", errors))
                    }
                }
                section.card {
                    h2 { "Access" }
                    @for ((name, label), stored) in SWITCHES.into_iter().zip(stored_switch) {
                        @let error = errors.of(name);
                        div.field.invalid[error.is_some()] {
                            label { input #{ "f-" (name) } type="checkbox" name=(name) checked[switched(name, stored)]; " " (label) }
                            @if let Some(e) = error { p.field-error #{ "f-" (name) "-error" } { (e.message) } }
                        }
                    }
                }
            }
            button type="submit" { "Save settings" }
        }
    }
}

async fn render(
    app: &AppState,
    viewer: &Viewer,
    saved: bool,
    sent: Option<&Form>,
    errors: &Errors,
    status: StatusCode,
) -> PageResult {
    // Anyone signed in may read the settings (clients show the probabilities); this page
    // is for those who may change them, as the store decides.
    policy::require_settings_admin(&viewer.ctx.actor).or_page(viewer)?;
    let now = settings::get(&app.store, &viewer.ctx.actor)
        .await
        .or_page(viewer)?;
    let body = html! {
        h1 { "Settings" }
        p.muted { "Shared by every node; each change is audited." }
        @if saved && errors.is_empty() { p.alert.ok role="status" { "Settings saved." } }
        (settings_form(viewer, &now, sent, errors))
    };
    Ok(admin_page(viewer, Tab::Settings, "Settings", body, status))
}

/// `GET /admin/settings`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    render(
        &app,
        &viewer,
        q.value("saved").is_some(),
        None,
        &Errors::none(),
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/settings`
pub async fn update(
    State(app): State<AppState>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let result = match SettingsChanges::read(body(&form)) {
        Ok(changes) => settings::update(&app.store, &viewer.ctx, changes)
            .await
            .map_err(Problem::from),
        Err(e) => Err(Problem::from(e)),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/admin/settings?saved=1").into_response()),
        Err(problem) => {
            let status = problem.status;
            render(
                &app,
                &viewer,
                false,
                Some(&form),
                &Errors::from(problem),
                status,
            )
            .await
        }
    }
}
