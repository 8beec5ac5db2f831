//! Editing a duration: the fields read by the API's reader (`DurationChanges`), errors
//! beside them, the version carried as If-Match. The same fields make the list page's
//! "New duration" form.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use rapport_domain::duration::{DurationChanges, SubscriptionDuration};
use rapport_store::catalog::durations;
use uuid::Uuid;

use crate::problem::Problem;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::form::{csrf, field, Errors, Form, Kind, SignedForm};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::session::Viewer;
use crate::AppState;

pub const FIELDS: &[(&str, Kind)] = &[
    ("months", Kind::Number),
    ("name", Kind::Text),
    ("discount_percentage", Kind::Text),
    ("active", Kind::Flag),
];

/// The fields the forms show, whose errors sit beside them.
pub const SHOWN: [&str; 4] = ["months", "name", "discount_percentage", "active"];

/// The form's fields: what was sent, else the duration's values, else a new one's.
pub fn fields(
    duration: Option<&SubscriptionDuration>,
    sent: Option<&Form>,
    errors: &Errors,
) -> Markup {
    let v = |name: &str| -> Option<String> {
        match (sent, duration) {
            (Some(f), _) => f.raw(name).map(str::to_owned),
            (None, Some(d)) => match name {
                "months" => Some(d.months.to_string()),
                "name" => Some(d.name.clone()),
                _ => Some(d.discount_percentage.to_string()),
            },
            (None, None) => None,
        }
    };
    let active = match (sent, duration) {
        (Some(f), _) => f.checked("active"),
        (None, Some(d)) => d.active,
        (None, None) => true,
    };
    let active_error = errors.of("active");
    html! {
        (field("Months (unique)", "months", v("months").as_deref(), "number", errors))
        (field("Name", "name", v("name").as_deref(), "text", errors))
        (field("Discount % (0 to 100, two decimals)", "discount_percentage", v("discount_percentage").as_deref(), "text", errors))
        div.field.invalid[active_error.is_some()] {
            label { input #f-active type="checkbox" name="active" checked[active] aria-describedby=[active_error.map(|_| "f-active-error")]; " Active (offered in quotes and orders)" }
            @if let Some(e) = active_error { p.field-error #f-active-error { (e.message) } }
        }
    }
}

fn form_page(
    viewer: &Viewer,
    d: &SubscriptionDuration,
    sent: Option<&Form>,
    errors: &Errors,
    status: StatusCode,
) -> Response {
    let title = format!("Edit {}", d.name);
    let body = html! {
        h1 { (title) }
        (errors.banner(&SHOWN))
        form method="post" action={ "/durations/" (d.id) "/edit" } {
            (csrf(viewer))
            input type="hidden" name="version" value=(d.version);
            (fields(Some(d), sent, errors))
            button type="submit" { "Save changes" }
            " " a href="/durations" { "Cancel" }
        }
    };
    respond(status, shell(viewer, Section::Products, &title, body))
}

/// `GET /durations/{id}/edit`
pub async fn edit(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    let d = durations::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(&viewer)?;
    Ok(form_page(
        &viewer,
        &d,
        None,
        &Errors::none(),
        StatusCode::OK,
    ))
}

/// `POST /durations/{id}/edit`: saved only if the duration is still at the form's version.
pub async fn update(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let outcome = match DurationChanges::read(form.body(FIELDS, true), false) {
        Ok(changes) => durations::update(&app.store, &viewer.ctx, id, form.if_match(), changes)
            .await
            .map_err(Problem::from),
        Err(e) => Err(Problem::from(e)),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to("/durations").into_response()),
        Err(problem) => {
            let status = problem.status;
            let d = durations::get(&app.store, &viewer.ctx.actor, id)
                .await
                .or_page(&viewer)?;
            Ok(form_page(
                &viewer,
                &d,
                Some(&form),
                &Errors::from(problem),
                status,
            ))
        }
    }
}
