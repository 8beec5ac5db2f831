//! The quick "log a call / add a note / add a task / add a comment" forms of the account,
//! lead, order and contract pages:
//! one reading of their fields into the body `POST /api/v1/activities` takes, linked to
//! the record the page shows, and one store call.

use rapport_domain::activity::ActivityChanges;
use rapport_store::timeline::activities;
use serde_json::Value;
use uuid::Uuid;

use super::timeline::ActivityErrors;
use crate::ui::form::{Errors, Form, Kind};
use crate::ui::session::Viewer;
use crate::AppState;

/// Logs the form's activity on the record named by `link` (`account_id`, `lead_id`,
/// `order_id` or `contract_id`).
/// A task is the author's own to do.
pub async fn log(
    app: &AppState,
    viewer: &Viewer,
    form: &Form,
    link: (&str, Uuid),
) -> Result<(), Errors> {
    let mut body = form.body(
        &[
            ("kind", Kind::Text),
            ("subject", Kind::Text),
            ("body", Kind::Text),
            ("follow_up_at", Kind::Time),
            ("due_at", Kind::Time),
            ("pinned", Kind::Flag),
            ("internal", Kind::Flag),
        ],
        false,
    );
    if let Some(obj) = body.as_object_mut() {
        obj.insert(link.0.into(), Value::String(link.1.to_string()));
        // A task needs no body (its subject says it): an empty one is left out rather
        // than sent, which the reader would refuse as empty text.
        if obj.get("kind").and_then(Value::as_str) == Some("task") {
            obj.insert(
                "assignee_id".into(),
                Value::String(viewer.ctx.actor.user_id.to_string()),
            );
        }
    }
    let changes = ActivityChanges::read(body, true)?;
    activities::create(&app.store, &viewer.ctx, changes).await?;
    Ok(())
}

/// As [`log`], with a refusal tagged by the quick form it came from (its `kind`), so
/// that the page shows it in that form only.
pub async fn log_from(
    app: &AppState,
    viewer: &Viewer,
    form: &Form,
    link: (&str, Uuid),
) -> Result<(), ActivityErrors> {
    log(app, viewer, form, link)
        .await
        .map_err(|errors| ActivityErrors {
            kind: form.text("kind").unwrap_or_default(),
            errors,
        })
}
