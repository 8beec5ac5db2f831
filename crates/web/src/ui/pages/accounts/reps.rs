//! Adding and removing an account's reps from its page, through the store calls of
//! `POST /api/v1/accounts/{id}/reps` and `DELETE …/reps/{user_id}`: making someone the
//! primary rep makes them the owner, and the store decides who may assign whom.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rapport_domain::validation::strict_uuid;
use rapport_domain::FieldError;
use rapport_store::customers::reps::{self, RepRole};
use uuid::Uuid;

use super::detail::{render, ActivityErrors};
use crate::ui::errors::PageResult;
use crate::ui::form::{Errors, SignedForm};

fn refused(mut res: Response) -> Response {
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    res
}

fn invalid(field: &str, rule: &str, message: &str) -> Errors {
    Errors {
        summary: None,
        fields: vec![FieldError {
            field: field.into(),
            rule: rule.into(),
            message: message.into(),
            index: None,
        }],
    }
}

/// `POST /accounts/{id}/reps`: `user_id`, and `role` primary or secondary (the default).
pub async fn add(
    State(app): State<crate::AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let user = form.text("user_id").as_deref().and_then(strict_uuid);
    let role = match form.text("role") {
        None => Some(RepRole::Secondary),
        Some(r) => RepRole::parse(&r),
    };
    let outcome = match (user, role) {
        (None, _) => Err(invalid("user_id", "uuid", "choose the rep to add")),
        (_, None) => Err(invalid("role", "enum", "must be primary or secondary")),
        (Some(user), Some(role)) => reps::assign(&app.store, &viewer.ctx, id, user, role)
            .await
            .map(|_| ())
            .map_err(Errors::from),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/accounts/{id}")).into_response()),
        Err(errors) => render(
            &app,
            &viewer,
            id,
            Errors::none(),
            ActivityErrors::none(),
            errors,
        )
        .await
        .map(refused),
    }
}

/// `POST /accounts/{id}/reps/{user_id}/remove`
pub async fn remove(
    State(app): State<crate::AppState>,
    Path((id, user)): Path<(Uuid, Uuid)>,
    SignedForm(viewer, _): SignedForm,
) -> PageResult {
    match reps::remove(&app.store, &viewer.ctx, id, user).await {
        Ok(()) => Ok(Redirect::to(&format!("/accounts/{id}")).into_response()),
        Err(e) => render(
            &app,
            &viewer,
            id,
            Errors::none(),
            ActivityErrors::none(),
            Errors::from(e),
        )
        .await
        .map(refused),
    }
}
