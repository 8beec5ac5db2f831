//! Activities and notes.

mod activities;
mod notes;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(
            activities::create_activity,
            activities::list_activities
        ))
        .routes(routes!(
            activities::get_activity,
            activities::update_activity,
            activities::delete_activity
        ))
        .routes(routes!(activities::mark_activity_done))
        .routes(routes!(activities::mark_activity_undone))
        .routes(routes!(notes::create_note, notes::list_notes))
        .routes(routes!(
            notes::get_note,
            notes::update_note,
            notes::delete_note
        ))
}
