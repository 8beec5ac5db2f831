//! `GET /leads/{id}`: the lead's fields (exact money), its status with the move form,
//! its history (every move with who, when and why, from `leads::history`), its timeline
//! (`Subject::Lead`), the quick forms to log a call or add a note on it, and archive or
//! restore.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use maud::{html, Markup};
use rapport_domain::lead::{Lead, StatusChange};
use rapport_store::auth::users;
use rapport_store::pipeline::leads;
use rapport_store::timeline::merged::{self as timeline, Subject};
use rapport_store::ListParams;
use uuid::Uuid;

use super::super::accounts::list::names;
use super::super::timeline::entry as timeline_entry;
use super::moves::move_form;
use super::parts::{account_ids, account_names, account_of, value};
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field, textarea, Errors};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::session::Viewer;
use crate::AppState;

/// The most moves the page shows; a lead moves a handful of times.
const HISTORY_ROWS: usize = 200;
const TIMELINE_ROWS: usize = 50;

fn who(id: Option<Uuid>, people: &HashMap<Uuid, String>) -> String {
    id.and_then(|u| people.get(&u).cloned())
        .unwrap_or_else(|| "—".to_owned())
}

fn history(rows: &[StatusChange], people: &HashMap<Uuid, String>) -> Markup {
    html! {
        section.card #history {
            h2 { "History" }
            div.table-wrap {
                table.responsive {
                    caption.muted { "Every move of this lead, oldest first" }
                    thead { tr { th scope="col" { "When" } th scope="col" { "Move" } th scope="col" { "By" } th scope="col" { "Reason" } } }
                    tbody {
                        @for h in rows {
                            tr {
                                td { (fmt::time(h.changed_at)) }
                                td {
                                    @if let Some(old) = h.old_status { (fmt::words(old.as_str())) " → " } @else { "created as " }
                                    strong { (fmt::words(h.new_status.as_str())) }
                                    @if h.reopened { " " span.badge { "reopened" } }
                                }
                                td { (who(h.changed_by, people)) }
                                td { (h.reason.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn quick_forms(viewer: &Viewer, lead: &Lead, errors: &Errors) -> Markup {
    let action = format!("/leads/{}/activities", lead.id);
    html! {
        (errors.banner(&["subject", "body", "follow_up_at"]))
        div.grid {
            details.quick open[!errors.is_empty()] {
                summary { "Log a call" }
                form method="post" action=(action) {
                    (csrf(viewer)) input type="hidden" name="kind" value="call";
                    (field("Subject", "subject", None, "text", errors))
                    (textarea("What was said", "body", None, 3, errors))
                    (field("Follow up at (UTC, optional)", "follow_up_at", None, "datetime-local", errors))
                    button type="submit" { "Log call" }
                }
            }
            details.quick {
                summary { "Add a note" }
                form method="post" action=(action) {
                    (csrf(viewer)) input type="hidden" name="kind" value="note";
                    (textarea("Note", "body", None, 3, errors))
                    div.field { label { input type="checkbox" name="pinned"; " Pin to the top" } }
                    button type="submit" { "Add note" }
                }
            }
        }
    }
}

fn details(
    lead: &Lead,
    people: &HashMap<Uuid, String>,
    accounts: &HashMap<Uuid, String>,
) -> Markup {
    html! {
        section.card {
            h2 { "Details" }
            dl.props {
                dt { "Account" } dd { (account_of(lead, accounts)) @if lead.account_id.is_none() && lead.organization.is_none() { "—" } }
                @if let (Some(org), Some(_)) = (&lead.organization, lead.account_id) { dt { "Organisation" } dd { (org) } }
                dt { "Value" } dd.num { (value(lead).unwrap_or_else(|| "—".to_owned())) }
                @if let Some(w) = lead.weighted_value() { dt { "Weighted" } dd.num { (fmt::money(w, lead.currency.as_deref().unwrap_or(""))) } }
                dt { "Probability" } dd { (lead.probability) "%" }
                dt { "Expected close" } dd { (lead.expected_close_date.map(fmt::date).unwrap_or_else(|| "—".to_owned())) }
                dt { "Owner" } dd { (who(lead.owner_id, people)) }
                @if let Some(v) = &lead.contact_name { dt { "Contact" } dd { (v) } }
                @if let Some(v) = &lead.contact_email { dt { "Email" } dd { a href={ "mailto:" (v) } { (v) } } }
                @if let Some(v) = &lead.contact_phone { dt { "Phone" } dd { a href={ "tel:" (v) } { (v) } } }
                @if let Some(v) = &lead.acquisition_source { dt { "Source" } dd { (v) } }
                @if let Some(v) = &lead.lost_reason { dt { "Lost because" } dd { (v) } }
                @if let Some(t) = lead.closed_at { dt { "Closed" } dd { (fmt::time(t)) } }
                @if let Some(v) = &lead.legacy_id { dt { "Legacy id" } dd { (v) } }
                dt { "Created" } dd { (fmt::time(lead.created_at)) }
            }
        }
    }
}

/// The whole page; `move_errors` and `activity_errors` come back from a refused form.
pub async fn render(
    app: &AppState,
    viewer: &Viewer,
    id: Uuid,
    move_errors: Errors,
    activity_errors: Errors,
    status: StatusCode,
) -> PageResult {
    let actor = &viewer.ctx.actor;
    let lead = leads::get(&app.store, actor, id).await.or_page(viewer)?;
    let moves = leads::history(
        &app.store,
        actor,
        id,
        ListParams {
            limit: HISTORY_ROWS,
            ..ListParams::default()
        },
    )
    .await
    .or_page(viewer)?;
    let entries = timeline::page(
        &app.store,
        actor,
        Subject::Lead(id),
        ListParams {
            limit: TIMELINE_ROWS,
            ..ListParams::default()
        },
    )
    .await
    .or_page(viewer)?;
    let people = names(&users::colleagues(&app.store, actor).await.or_page(viewer)?);
    let accounts = account_names(app, viewer, account_ids([&lead])).await?;
    let archived = lead.archived_at.is_some();
    let own_page = format!("/leads/{id}");
    let body = html! {
        div.page-head {
            h1 { (lead.title) " " span.badge { (fmt::words(lead.status.as_str())) } @if archived { " " span.badge.archived { "archived" } } }
            div.actions {
                a.button.secondary href="/leads" { "Board" }
                @if !archived { a.button.secondary href={ "/leads/" (id) "/edit" } { "Edit" } }
                form.inline method="post" action={ "/leads/" (id) @if archived { "/restore" } @else { "/archive" } }
                    data-confirm=[(!archived).then_some("Archive this lead? It leaves the board and the lists until restored.")] {
                    (csrf(viewer))
                    button.secondary type="submit" { @if archived { "Restore" } @else { "Archive" } }
                }
            }
        }
        @if let (Some(account), Some(name)) = (lead.account_id, lead.account_id.and_then(|a| accounts.get(&a))) {
            p.alert.ok { "Account: " a href={ "/accounts/" (account) } { (name) } }
        }
        div.split {
            div {
                section.card #status {
                    h2 { "Status" }
                    (move_errors.banner(&[]))
                    p { "Now " strong { (fmt::words(lead.status.as_str())) } @if lead.status.is_final() { " — moving it back into the pipeline reopens it, with a reason." } }
                    (move_form(viewer, &lead, &own_page))
                }
                (quick_forms(viewer, &lead, &activity_errors))
                section.card {
                    h2 { "Timeline" }
                    @if entries.data.is_empty() { p.muted { "Nothing yet. Log a call or add a note." } }
                    ul.timeline #timeline data-refresh { @for e in &entries.data { (timeline_entry(e, &people)) } }
                }
            }
            div {
                (details(&lead, &people, &accounts))
                (history(&moves.data, &people))
            }
        }
    };
    Ok(respond(
        status,
        shell(viewer, Section::Leads, &lead.title, body),
    ))
}

/// `GET /leads/{id}`
pub async fn show(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    render(
        &app,
        &viewer,
        id,
        Errors::none(),
        Errors::none(),
        StatusCode::OK,
    )
    .await
}
