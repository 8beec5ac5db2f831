//! The quick "log a call / add a note / add a task" forms of the account and lead pages:
//! one reading of their fields into the body `POST /api/v1/activities` takes, linked to
//! the record the page shows, and one store call.

use rapport_domain::activity::ActivityChanges;
use rapport_store::timeline::activities;
use serde_json::Value;
use uuid::Uuid;

use crate::ui::form::{Errors, Form, Kind};
use crate::ui::session::Viewer;
use crate::AppState;

/// Logs the form's activity on the record named by `link` (`account_id` or `lead_id`).
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
        ],
        false,
    );
    if let Some(obj) = body.as_object_mut() {
        obj.insert(link.0.into(), Value::String(link.1.to_string()));
        if obj.get("kind").and_then(Value::as_str) == Some("task") {
            obj.insert(
                "assignee_id".into(),
                Value::String(viewer.ctx.actor.user_id.to_string()),
            );
            obj.entry("body")
                .or_insert_with(|| Value::String(String::new()));
        }
    }
    let changes = ActivityChanges::read(body, true)?;
    activities::create(&app.store, &viewer.ctx, changes).await?;
    Ok(())
}
