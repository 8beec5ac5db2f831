//! `/admin/order-states`: the order workflow, for administrators as the store decides.
//! Every state in workflow order with its colour, its flags and the states it may move
//! to, as checkboxes saved per state (`PUT …/transitions` in the API, the same store
//! call). A final state has no moves out, so it shows none to tick.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use rapport_domain::input::Patch;
use rapport_domain::order_config::{OrderState, StateMovesChanges, WorkflowStep};
use rapport_store::orders::states;
use rapport_store::policy::{self, Action};
use serde_json::{json, Value};
use uuid::Uuid;

use super::nav::{admin_page, Tab};
use crate::problem::Problem;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, Errors, SignedForm};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

pub const LIST: &str = "/admin/order-states";

/// Only those who may change states open these pages (anyone reads them in the API).
pub fn gate(viewer: &Viewer) -> Result<(), Response> {
    policy::require_order_config_action(&viewer.ctx.actor, Action::Update, "order states")
        .or_page(viewer)
}

/// The state's colour as a square: SVG with a presentation attribute, as the page's
/// content policy allows no inline style.
pub fn swatch(colour: &str) -> Markup {
    html! {
        svg.swatch width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" {
            rect width="12" height="12" fill=(colour) stroke="#1f2937" stroke-width="1" {}
        }
    }
}

pub fn flags(s: &OrderState) -> Markup {
    html! {
        @if s.initial { span.badge.primary { "initial" } " " }
        @if s.is_final { span.badge { "final" } " " }
        @if s.fulfilment { span.badge { "fulfilment" } " " }
        @if s.opens_contract { span.badge { "opens contract" } " " }
        @if let Some(stamp) = s.stamp { span.badge { "sets " (stamp.as_str()) } " " }
        @if !s.active { span.badge.archived { "inactive" } }
    }
}

/// One state's moves: a checkbox per other state, or why there are none.
fn moves_form(
    viewer: &Viewer,
    step: &WorkflowStep,
    all: &[WorkflowStep],
    errors: Option<&Errors>,
) -> Markup {
    let s = &step.state;
    let group = format!("moves-{}", s.key);
    let messages: Vec<&str> = errors
        .map(|e| {
            e.summary
                .iter()
                .map(String::as_str)
                .chain(e.fields.iter().map(|f| f.message.as_str()))
                .collect()
        })
        .unwrap_or_default();
    html! {
        @if s.is_final && step.to.is_empty() {
            p.muted { "Final: freezes its orders, so no move goes out of it." }
        } @else {
            form method="post" action={ (LIST) "/" (s.id) "/transitions" } {
                (csrf(viewer))
                input type="hidden" name="version" value=(s.version);
                fieldset.field.invalid[!messages.is_empty()] aria-describedby=[(!messages.is_empty()).then(|| format!("{group}-error"))] {
                    legend { "May move to" }
                    @for other in all.iter().filter(|o| o.state.id != s.id) {
                        @let key = &other.state.key;
                        label { input type="checkbox" name="to" value=(key) checked[step.to.contains(key)]; " " (other.state.name) } " "
                    }
                    @if !messages.is_empty() {
                        p.field-error id={ (group) "-error" } { @for m in &messages { (m) " " } }
                    }
                }
                button.secondary type="submit" { "Save moves of " (s.name) }
            }
        }
    }
}

async fn render(
    app: &AppState,
    viewer: &Viewer,
    saved: bool,
    failed: Option<(Uuid, Errors)>,
    status: StatusCode,
) -> PageResult {
    gate(viewer)?;
    let workflow = states::workflow(&app.store, &viewer.ctx.actor)
        .await
        .or_page(viewer)?;
    let steps = &workflow.states;
    let body = html! {
        div.page-head {
            h1 { "Order states" }
            div.actions { a.button href={ (LIST) "/new" } { "New order state" } }
        }
        @if saved { p.alert.ok role="status" { "Saved." } }
        p.muted { "The order workflow, in order: where orders start (initial), the moves each state allows, and the final states that freeze an order. Everyone reads it; administrators change it, each change audited." }
        div.table-wrap {
            table.responsive {
                caption.muted { "States in workflow order, with the states each may move to" }
                thead { tr {
                    th scope="col" { "State" } th scope="col" { "Key" } th scope="col" { "Sequence" }
                    th scope="col" { "Flags" } th scope="col" { "Moves" }
                } }
                tbody {
                    @for step in steps {
                        @let s = &step.state;
                        @let errors = failed.as_ref().filter(|(id, _)| *id == s.id).map(|(_, e)| e);
                        tr id={ "state-" (s.key) } {
                            td { (swatch(&s.colour)) a href={ (LIST) "/" (s.id) } { (s.name) } }
                            td { code { (s.key) } }
                            td { (s.sequence) }
                            td { (flags(s)) }
                            td {
                                @if !step.to.is_empty() {
                                    p { "→ " (step.to.iter().map(|k| fmt::words(k)).collect::<Vec<_>>().join(", ")) }
                                }
                                (moves_form(viewer, step, steps, errors))
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(admin_page(
        viewer,
        Tab::OrderStates,
        "Order states",
        body,
        status,
    ))
}

/// `GET /admin/order-states`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let saved = q.value("saved").is_some() || q.value("deleted").is_some();
    render(&app, &viewer, saved, None, StatusCode::OK).await
}

/// `POST /admin/order-states/{id}/transitions`: the ticked states become the moves out.
pub async fn set_moves(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let to: Vec<Value> = form.all("to").into_iter().map(Value::from).collect();
    let result = match StateMovesChanges::read(json!({ "to": to }), true) {
        Ok(StateMovesChanges { to: Patch::Set(to) }) => {
            states::set_moves(&app.store, &viewer.ctx, id, form.if_match(), to)
                .await
                .map_err(Problem::from)
        }
        Ok(_) => Err(Problem::bad_request("to", "required", "is required")),
        Err(e) => Err(Problem::from(e)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{LIST}?saved=1")).into_response()),
        Err(problem) => {
            let status = problem.status;
            render(
                &app,
                &viewer,
                false,
                Some((id, Errors::from(problem))),
                status,
            )
            .await
        }
    }
}
