//! The order page's "Messages and instructions" card (the lab, docs/lab.md): a form to
//! send a message (a type that moves the order says where to), the instructions waiting
//! for approval with an Approve button for those who may, and a form to write one. The
//! messages and instructions themselves are on the order's timeline. Every action is
//! the store call of the API's route; a refusal comes back on the order's page.

use std::collections::HashMap;

use axum::extract::{Path, State};
use maud::{html, Markup};
use rapport_domain::instruction::{Instruction, InstructionChanges};
use rapport_domain::message::{MessageChanges, MessageType};
use rapport_domain::order_config::OrderState;
use rapport_store::lab::{instructions, message_types, messages};
use rapport_store::policy;
use rapport_store::ListParams;
use serde_json::{json, Value};
use uuid::Uuid;

use super::detail;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field_for, textarea_for, Errors, SignedForm};
use crate::ui::session::Viewer;
use crate::AppState;

/// What the card shows: the active message types and the instructions waiting.
pub struct Talk {
    pub kinds: Vec<MessageType>,
    pub waiting: Vec<Instruction>,
}

/// The active message types and the order's instructions not yet approved.
pub async fn read(
    app: &AppState,
    viewer: &Viewer,
    order: Uuid,
) -> Result<Talk, axum::response::Response> {
    let actor = &viewer.ctx.actor;
    let kinds = ListParams {
        limit: 100,
        filters: vec![("active".into(), "true".into())],
        ..ListParams::default()
    };
    let kinds = message_types::list(&app.store, actor, kinds)
        .await
        .or_page(viewer)?
        .data;
    let waiting = ListParams {
        limit: 100,
        filters: vec![
            ("order_id".into(), order.to_string()),
            ("approved_at".into(), "null".into()),
        ],
        ..ListParams::default()
    };
    let waiting = instructions::list(&app.store, actor, waiting)
        .await
        .or_page(viewer)?
        .data;
    Ok(Talk { kinds, waiting })
}

fn kind_label(k: &MessageType, states: &[OrderState]) -> String {
    let target = k
        .target_state_id
        .and_then(|t| states.iter().find(|s| s.id == t));
    match (k.triggers_state_change, target) {
        (true, Some(s)) => format!("{} (moves the order to {})", k.name, s.name),
        _ => k.name.clone(),
    }
}

fn waiting_row(viewer: &Viewer, i: &Instruction, people: &HashMap<Uuid, String>) -> Markup {
    // The store decides again on submit; this only spares a button that would be refused.
    let may_approve = policy::require_instruction_approval(&viewer.ctx.actor, i.created_by).is_ok();
    html! {
        li.instruction data-instruction=(i.id) {
            strong { (fmt::words(&i.instruction_type)) } ": " (i.content)
            @if let Some(who) = i.created_by.and_then(|a| people.get(&a)) { span.muted { " · by " (who) } }
            @if may_approve {
                form.inline method="post" action={ "/instructions/" (i.id) "/approve" } {
                    (csrf(viewer))
                    input type="hidden" name="version" value=(i.version);
                    " " button.link type="submit" { "Approve" }
                }
            }
        }
    }
}

/// The card; `errors` come back from a refused message or instruction.
pub fn card(
    viewer: &Viewer,
    order: Uuid,
    talk: &Talk,
    states: &[OrderState],
    people: &HashMap<Uuid, String>,
    errors: &Errors,
) -> Markup {
    let actor = &viewer.ctx.actor;
    let may_send = policy::require_message_send(actor).is_ok();
    let may_write = policy::require_instruction_action(actor, policy::Action::Create, None).is_ok();
    let recipients: Vec<(&Uuid, &String)> = people.iter().collect();
    html! {
        section.card #talk {
            h2 { "Messages and instructions" }
            (errors.banner(&["message_type_id", "body", "subject", "recipient_ids", "order_id", "instruction_type", "content", "approved_by", "approved_at"]))
            @if !talk.waiting.is_empty() {
                h3 { "Waiting for approval" }
                ul.timeline #waiting { @for i in &talk.waiting { (waiting_row(viewer, i, people)) } }
            }
            @if may_send {
                details.quick open[!errors.is_empty()] {
                    summary { "Send a message" }
                    form method="post" action={ "/orders/" (order) "/messages" } {
                        (csrf(viewer))
                        div.field.invalid[errors.of("message_type_id").is_some()] {
                            label for="f-message-type" { "Type" }
                            select #f-message-type name="message_type_id" {
                                @for k in &talk.kinds { option value=(k.id) { (kind_label(k, states)) } }
                            }
                            @if let Some(e) = errors.of("message_type_id") { p.field-error { (e.message) } }
                        }
                        (field_for("message", "Subject", "subject", None, "text", errors))
                        (textarea_for("message", "Message", "body", None, 3, errors))
                        @if !recipients.is_empty() {
                            div.field {
                                label for="f-recipient" { "To (optional)" }
                                select #f-recipient name="recipient_id" {
                                    option value="" { "Nobody in particular" }
                                    @for (id, name) in &recipients { option value=(id) { (name) } }
                                }
                            }
                        }
                        button type="submit" { "Send" }
                    }
                }
            }
            @if may_write {
                details.quick {
                    summary { "Write an instruction" }
                    form method="post" action={ "/orders/" (order) "/instructions" } {
                        (csrf(viewer))
                        (field_for("instruction", "Kind (treatment, shipping…)", "instruction_type", Some("treatment"), "text", errors))
                        (textarea_for("instruction", "Instruction", "content", None, 3, errors))
                        button type="submit" { "Write instruction" }
                    }
                }
            }
        }
    }
}

async fn back(
    app: &AppState,
    viewer: &Viewer,
    order: Uuid,
    outcome: Result<(), Errors>,
) -> PageResult {
    let on_card = |errors| detail::Refused {
        talk: errors,
        ..detail::Refused::default()
    };
    detail::back_to_order(app, viewer, order, outcome, on_card).await
}

fn text(form: &crate::ui::form::Form, name: &str) -> Value {
    form.text(name).map_or(Value::Null, Value::String)
}

/// `POST /orders/{id}/messages`
pub async fn send(
    State(app): State<AppState>,
    Path(order): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let mut body = json!({"order_id": order, "message_type_id": text(&form, "message_type_id"),
                          "body": text(&form, "body")});
    if let Some(subject) = form.text("subject") {
        body["subject"] = json!(subject);
    }
    if let Some(to) = form.text("recipient_id") {
        body["recipient_ids"] = json!([to]);
    }
    let outcome = match MessageChanges::read(body, true) {
        Ok(changes) => messages::send(&app.store, &viewer.ctx, changes)
            .await
            .map(drop)
            .map_err(Errors::from),
        Err(e) => Err(Errors::from(e)),
    };
    back(&app, &viewer, order, outcome).await
}

/// `POST /orders/{id}/instructions`
pub async fn write(
    State(app): State<AppState>,
    Path(order): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let body = json!({"order_id": order, "instruction_type": text(&form, "instruction_type"),
                      "content": text(&form, "content")});
    let outcome = match InstructionChanges::read(body, true) {
        Ok(changes) => instructions::create(&app.store, &viewer.ctx, changes)
            .await
            .map(drop)
            .map_err(Errors::from),
        Err(e) => Err(Errors::from(e)),
    };
    back(&app, &viewer, order, outcome).await
}

/// `POST /instructions/{id}/approve`: at the version the page was read at.
pub async fn approve(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let i = instructions::get(&app.store, &viewer.ctx.actor, id)
        .await
        .or_page(&viewer)?;
    let outcome = instructions::approve(&app.store, &viewer.ctx, id, form.if_match())
        .await
        .map(drop)
        .map_err(Errors::from);
    back(&app, &viewer, i.order_id, outcome).await
}
