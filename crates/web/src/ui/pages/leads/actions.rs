//! What the lead page's buttons do: archive and restore (`leads::set_archived`), and the
//! quick call and note forms (`activities::create` with the lead's id, as
//! `POST /api/v1/activities` naming `lead_id` does).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rapport_domain::precondition::IfMatch;
use rapport_store::pipeline::leads;
use uuid::Uuid;

use super::detail::render;
use crate::ui::errors::{store_error_page, PageResult};
use crate::ui::form::{Errors, SignedForm};
use crate::ui::session::Viewer;
use crate::AppState;

fn to_lead(id: Uuid) -> Response {
    Redirect::to(&format!("/leads/{id}")).into_response()
}

/// `POST /leads/{id}/archive`
pub async fn archive(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, _): SignedForm,
) -> Response {
    set_archived(app, id, viewer, true).await
}

/// `POST /leads/{id}/restore`
pub async fn restore(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, _): SignedForm,
) -> Response {
    set_archived(app, id, viewer, false).await
}

async fn set_archived(app: AppState, id: Uuid, viewer: Viewer, archived: bool) -> Response {
    match leads::set_archived(&app.store, &viewer.ctx, id, archived, IfMatch::Any).await {
        Ok(_) => to_lead(id),
        Err(e) => store_error_page(Some(&viewer), e),
    }
}

/// `POST /leads/{id}/activities`: the quick call and note forms.
pub async fn log_activity(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let result = crate::ui::pages::quick_activity::log(&app, &viewer, &form, ("lead_id", id)).await;
    match result {
        Ok(_) => Ok(to_lead(id)),
        Err(errors) => {
            render(
                &app,
                &viewer,
                id,
                Errors::none(),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
