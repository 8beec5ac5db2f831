//! Moving a lead to another status: the small form on every board card and on the
//! lead's page, and `POST /leads/{id}/move`, which works without script (a redirect back
//! to where the form was) and with it (app.js posts the same form and swaps `#results`
//! from the page it gets). An open lead moves by `leads::update`, as a PATCH of its
//! status does; a won or lost lead goes back into the pipeline only by `leads::reopen`,
//! with a reason. A refusal answers 422 with the page the form was on and the store's
//! reason beside the lead's name.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use rapport_domain::lead::{Lead, LeadChanges, LeadStatus, Reopen};
use rapport_domain::precondition::IfMatch;
use rapport_store::pipeline::leads;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::parts::{query_of, refusal};
use super::{board, detail};
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, Errors, Form, SignedForm};
use crate::ui::session::Viewer;
use crate::ui::sign_in::local_path;
use crate::AppState;

/// The move form: every status (the current one selected), a reason (needed to mark a
/// lead lost, and to reopen a won or lost one), and `back`, the page to return to.
pub fn move_form(viewer: &Viewer, lead: &Lead, back: &str) -> Markup {
    let status_id = format!("move-{}-status", lead.id);
    let reason_id = format!("move-{}-reason", lead.id);
    html! {
        form.move method="post" action={ "/leads/" (lead.id) "/move" } {
            (csrf(viewer))
            input type="hidden" name="back" value=(back);
            label for=(status_id) { "Status" }
            select id=(status_id) name="status" {
                @for s in LeadStatus::ALL {
                    option value=(s.as_str()) selected[s == lead.status] { (fmt::words(s.as_str())) }
                }
            }
            label for=(reason_id) { "Reason" }
            input id=(reason_id) type="text" name="lost_reason" maxlength="2000"
                placeholder=(if lead.status.is_final() { "why it reopens" } else { "needed for lost" });
            p.needs-reason hidden { "Give a reason to mark it lost" }
            button type="submit" { "Move" }
        }
    }
}

/// The status asked for, or why there is none.
fn target(form: &Form) -> Result<LeadStatus, Errors> {
    let named = form.text("status").unwrap_or_default();
    LeadStatus::parse(&named).ok_or_else(|| {
        Errors::message(format!(
            "Choose a status to move the lead to ({}).",
            LeadStatus::names()
        ))
    })
}

/// Moves the lead as the API would: reopen out of won or lost, else a status change.
async fn move_lead(
    app: &AppState,
    viewer: &Viewer,
    lead: &Lead,
    to: LeadStatus,
    reason: Option<String>,
) -> Result<(), Errors> {
    if lead.status.is_final() && !to.is_final() {
        let mut body = Map::new();
        body.insert("status".into(), Value::from(to.as_str()));
        if let Some(r) = reason {
            body.insert("reason".into(), Value::from(r));
        }
        let reopen = Reopen::read(Value::Object(body)).map_err(Errors::from)?;
        leads::reopen(&app.store, &viewer.ctx, lead.id, IfMatch::Any, reopen)
            .await
            .map_err(Errors::from)?;
        return Ok(());
    }
    let mut body = json!({ "status": to.as_str() });
    if let (Some(r), Some(obj)) = (reason, body.as_object_mut()) {
        // The reason goes to the history row; for lost it is also the lead's lost reason.
        if to == LeadStatus::Lost {
            obj.insert("lost_reason".into(), Value::from(r.clone()));
        }
        obj.insert("status_reason".into(), Value::from(r));
    }
    let changes = LeadChanges::read(body, false).map_err(Errors::from)?;
    leads::update(&app.store, &viewer.ctx, lead.id, IfMatch::Any, changes)
        .await
        .map_err(Errors::from)?;
    Ok(())
}

/// `POST /leads/{id}/move`
pub async fn submit(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let back = form
        .text("back")
        .as_deref()
        .and_then(local_path)
        .unwrap_or("/leads")
        .to_owned();
    // Not found (or not the viewer's to see) is the error page, as the API's 404.
    let lead = leads::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(&viewer)?;
    let reason = form.text("lost_reason").or_else(|| form.text("reason"));
    let outcome = match target(&form) {
        Ok(to) => move_lead(&app, &viewer, &lead, to, reason)
            .await
            .map_err(|why| refusal(&lead, &format!("moved to {}", fmt::words(to.as_str())), why)),
        Err(e) => Err(e),
    };
    let errors = match outcome {
        Ok(()) => return Ok(Redirect::to(&back).into_response()),
        Err(errors) => errors,
    };
    let own_page = format!("/leads/{id}");
    if back == own_page {
        return detail::render(
            &app,
            &viewer,
            id,
            errors,
            Errors::none(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    board::render(
        &app,
        &viewer,
        &query_of(&back),
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
