//! `POST /orders/{id}/move` and `/reopen`: the state card's forms (and `/activities`,
//! the timeline card's), read by the API's
//! readers (`MoveRequest`) and written by `contracts::moves::move_order` (which opens
//! the order's contract when the state calls for it) / `orders::reopen`, with
//! the version the page was read at as `If-Match`. Done: back to the order's page. A
//! refusal: the page again (422) with the store's reason on the state card; an order
//! the viewer may not see is the 404 page.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use rapport_domain::order::MoveRequest;
use rapport_store::{orders, StoreError};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::detail;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::form::{Errors, Form, SignedForm};
use crate::ui::session::Viewer;
use crate::AppState;

fn body(form: &Form) -> Value {
    let mut obj = Map::new();
    for name in ["to", "reason"] {
        if let Some(v) = form.text(name) {
            obj.insert(name.into(), Value::String(v));
        }
    }
    Value::Object(obj)
}

async fn answer(
    app: &AppState,
    viewer: &Viewer,
    id: Uuid,
    outcome: Result<(), Errors>,
) -> PageResult {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/orders/{id}")).into_response()),
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let refused = detail::Refused {
                state: errors,
                ..detail::Refused::default()
            };
            detail::render(app, viewer, id, refused, status).await
        }
    }
}

/// A refusal for the page, except "not found", which is the 404 page.
fn refused(viewer: &Viewer, e: StoreError) -> Result<Errors, axum::response::Response> {
    match e {
        StoreError::NotFound { .. } => Err(e).or_page(viewer),
        other => Ok(Errors::from(other)),
    }
}

/// `POST /orders/{id}/move`
pub async fn submit(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let outcome = match MoveRequest::read_transition(body(&form)) {
        Ok(request) => {
            // The contracts area's move: a state that opens contracts opens the order's
            // contract in the same transaction, as the API's transition does.
            let moved = rapport_store::contracts::moves::move_order(
                &app.store,
                &viewer.ctx,
                id,
                request.to.unwrap_or_default(),
                request.reason,
                form.if_match(),
            );
            match moved.await {
                Ok(_) => Ok(()),
                Err(e) => Err(refused(&viewer, e)?),
            }
        }
        Err(e) => Err(Errors::from(e)),
    };
    answer(&app, &viewer, id, outcome).await
}

/// `POST /orders/{id}/reopen`
pub async fn reopen(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let outcome = match MoveRequest::read_reopen(body(&form)) {
        Ok(request) => {
            match orders::reopen(&app.store, &viewer.ctx, id, request, form.if_match()).await {
                Ok(_) => Ok(()),
                Err(e) => Err(refused(&viewer, e)?),
            }
        }
        Err(e) => Err(Errors::from(e)),
    };
    answer(&app, &viewer, id, outcome).await
}

/// `POST /orders/{id}/activities`: the timeline card's comment and task forms.
pub async fn log_activity(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let link = ("order_id", id);
    match crate::ui::pages::quick_activity::log_from(&app, &viewer, &form, link).await {
        Ok(()) => Ok(Redirect::to(&format!("/orders/{id}")).into_response()),
        Err(refused) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let refused = detail::Refused {
                activity: refused,
                ..detail::Refused::default()
            };
            detail::render(&app, &viewer, id, refused, status).await
        }
    }
}
