//! `GET /accounts/{id}`: the account with its addresses, people (the primary marked),
//! reps, tags and one timeline, with the quick forms to log a call, add a note or a task.

use axum::extract::{Path, State};
use maud::{html, Markup};
use rapport_domain::account::{Account, Address};
use rapport_store::auth::users::{self, Colleague};
use rapport_store::customers::links::AccountPerson;
use rapport_store::customers::reps::AccountRep;
use rapport_store::customers::{accounts, links, reps};
use rapport_store::timeline::merged::{self as timeline, Subject};
use rapport_store::ListParams;
use uuid::Uuid;

pub use super::super::timeline::ActivityErrors;
use super::list::names;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field_for, textarea_for, Errors};
use crate::ui::layout::{page, Section};
use crate::ui::session::Viewer;
use crate::AppState;

fn address(label: &str, a: &Option<Address>) -> Markup {
    html! {
        div {
            h3 { (label) }
            @match a {
                Some(a) => address.plain {
                    @for line in [&a.street, &a.street2].into_iter().flatten() { (line) br; }
                    @for part in [&a.postal_code, &a.city].into_iter().flatten() { (part) " " } br;
                    @for part in [&a.region, &a.country].into_iter().flatten() { (part) " " }
                },
                None => p.muted { "None given." },
            }
        }
    }
}

fn people(viewer: &Viewer, account: &Account, people: &[AccountPerson], errors: &Errors) -> Markup {
    html! {
        section.card #people {
            h2 { "People" }
            @if people.is_empty() { p.muted { "No one linked yet." } }
            ul.timeline {
                @for p in people {
                    li {
                        a href={ "/contacts/" (p.contact.id) } { (p.contact.full_name) }
                        @if p.link.is_primary { " " span.badge.primary { "primary" } }
                        @if !p.link.active { " " span.badge { "inactive" } }
                        @if let Some(r) = &p.link.role { " · " (r) }
                        @if let Some(e) = &p.contact.email { br; span.muted { (e) } }
                        @if !p.link.is_primary && account.archived_at.is_none() {
                            form.inline method="post" action={ "/accounts/" (account.id) "/people/" (p.contact.id) "/primary" } {
                                (csrf(viewer))
                                " " button.link type="submit" { "Make primary" }
                            }
                        }
                    }
                }
            }
            @if account.archived_at.is_none() {
                details.quick open[!errors.is_empty()] {
                    summary { "Add a person" }
                    (errors.banner(&["first_name", "last_name", "email", "phone", "title", "role"]))
                    form method="post" action={ "/accounts/" (account.id) "/people" } {
                        (csrf(viewer))
                        (field_for("person", "First name", "first_name", None, "text", errors))
                        (field_for("person", "Last name", "last_name", None, "text", errors))
                        (field_for("person", "Email", "email", None, "email", errors))
                        (field_for("person", "Phone", "phone", None, "tel", errors))
                        (field_for("person", "Role at this account", "role", None, "text", errors))
                        div.field { label { input #f-person-is_primary type="checkbox" name="is_primary"; " Primary contact" } }
                        button type="submit" { "Add person" }
                    }
                }
            }
        }
    }
}

/// The account's reps, with (for staff, on a live account) a form to add one and a
/// button to take each off; the store decides who may (a rep may only add themself).
fn reps_card(
    viewer: &Viewer,
    account: &Account,
    reps: &[AccountRep],
    colleagues: &[Colleague],
    errors: &Errors,
) -> Markup {
    let editable = viewer.is_internal() && account.archived_at.is_none();
    html! {
        section.card #reps {
            h2 { "Reps" }
            (errors.banner(&[]))
            @if reps.is_empty() { p.muted { "No reps." } }
            ul.timeline {
                @for r in reps {
                    li {
                        (r.name) " · " (r.role.as_str())
                        @if editable {
                            form.inline method="post" action={ "/accounts/" (account.id) "/reps/" (r.user_id) "/remove" } {
                                (csrf(viewer))
                                " " button.link type="submit" { "Remove" }
                            }
                        }
                    }
                }
            }
            @if editable && !colleagues.is_empty() {
                form.filters method="post" action={ "/accounts/" (account.id) "/reps" } {
                    (csrf(viewer))
                    div.field {
                        label for="f-rep-user_id" { "Rep" }
                        select #f-rep-user_id name="user_id" {
                            @for c in colleagues { option value=(c.id) { (c.name) } }
                        }
                    }
                    div.field {
                        label for="f-rep-role" { "As" }
                        select #f-rep-role name="role" {
                            option value="secondary" { "secondary rep" }
                            option value="primary" { "primary rep (owner)" }
                        }
                    }
                    button type="submit" { "Add rep" }
                }
            }
        }
    }
}

fn quick_forms(viewer: &Viewer, account: &Account, refused: &ActivityErrors) -> Markup {
    let action = format!("/accounts/{}/activities", account.id);
    let (call, note, task) = (
        refused.for_kind("call"),
        refused.for_kind("note"),
        refused.for_kind("task"),
    );
    html! {
        div.grid {
            details.quick open[!call.is_empty()] {
                summary { "Log a call" }
                (call.banner(&["subject", "body", "follow_up_at"]))
                form method="post" action=(action) {
                    (csrf(viewer)) input type="hidden" name="kind" value="call";
                    (field_for("call", "Subject", "subject", None, "text", &call))
                    (textarea_for("call", "What was said", "body", None, 3, &call))
                    (field_for("call", "Follow up at (UTC, optional)", "follow_up_at", None, "datetime-local", &call))
                    button type="submit" { "Log call" }
                }
            }
            details.quick open[!note.is_empty()] {
                summary { "Add a note" }
                (note.banner(&["body", "pinned"]))
                form method="post" action=(action) {
                    (csrf(viewer)) input type="hidden" name="kind" value="note";
                    (textarea_for("note", "Note", "body", None, 3, &note))
                    div.field { label { input #f-note-pinned type="checkbox" name="pinned"; " Pin to the top" } }
                    button type="submit" { "Add note" }
                }
            }
            (super::super::timeline::task_form(viewer, &action, &task))
        }
    }
}

/// The whole page; `person_errors` and `activity_errors` come back from a refused form.
pub async fn render(
    app: &AppState,
    viewer: &Viewer,
    id: Uuid,
    person_errors: Errors,
    activity_errors: ActivityErrors,
    rep_errors: Errors,
) -> PageResult {
    let actor = &viewer.ctx.actor;
    let account = accounts::get(&app.store, actor, id).await.or_page(viewer)?;
    let people_rows = links::for_account(&app.store, actor, id)
        .await
        .or_page(viewer)?;
    let rep_rows = reps::list(&app.store, actor, id).await.or_page(viewer)?;
    let entries = timeline::page(
        &app.store,
        actor,
        Subject::Account(id),
        ListParams {
            limit: 50,
            ..ListParams::default()
        },
    )
    .await
    .or_page(viewer)?;
    let colleagues = users::colleagues(&app.store, actor).await.or_page(viewer)?;
    let authors = names(&colleagues);
    let archived = account.archived_at.is_some();
    let body = html! {
        div.page-head {
            h1 { (account.name) " " span.badge { (fmt::words(account.kind.as_str())) } @if archived { " " span.badge.archived { "archived" } } }
            div.actions {
                @if !archived { a.button.secondary href={ "/accounts/" (id) "/edit" } { "Edit" } }
                @if viewer.is_internal() && !archived { a.button.secondary href={ "/accounts/" (id) "/merge" } { "Merge duplicates" } }
                form.inline method="post" action={ "/accounts/" (id) @if archived { "/restore" } @else { "/archive" } }
                    data-confirm=[(!archived).then_some("Archive this account? It leaves the lists until restored.")] {
                    (csrf(viewer))
                    button.secondary type="submit" { @if archived { "Restore" } @else { "Archive" } }
                }
            }
        }
        @if let Some(m) = account.merged_into_id { p.alert.ok { "Merged into " a href={ "/accounts/" (m) } { "another account" } "." } }
        div.split {
            div {
                (quick_forms(viewer, &account, &activity_errors))
                section.card {
                    h2 { "Timeline" }
                    @if entries.data.is_empty() { p.muted { "Nothing yet. Log a call or add a note." } }
                    ul.timeline #timeline data-refresh { @for e in &entries.data { (super::super::timeline::entry(e, &authors)) } }
                }
            }
            div {
                section.card {
                    h2 { "Details" }
                    dl.props {
                        @if let Some(v) = &account.legal_name { dt { "Legal name" } dd { (v) } }
                        @if let Some(v) = &account.registration_number { dt { "Registration" } dd { (v) } }
                        @if let Some(v) = account.customer_type { dt { "Customer type" } dd { (v.as_str()) } }
                        @if let Some(v) = &account.email { dt { "Email" } dd { a href={ "mailto:" (v) } { (v) } } }
                        @if let Some(v) = &account.phone { dt { "Phone" } dd { a href={ "tel:" (v) } { (v) } } }
                        @if let Some(v) = &account.website { dt { "Website" } dd { (v) } }
                        dt { "Owner" } dd { (account.owner_id.and_then(|o| authors.get(&o).cloned()).unwrap_or_else(|| "—".into())) }
                        dt { "Tags" } dd { @for t in &account.tags { span.tag { (t) } } @if account.tags.is_empty() { "—" } }
                        @if let Some(v) = &account.legacy_id { dt { "Legacy id" } dd { (v) } }
                    }
                    @if let Some(n) = &account.notes { h3 { "Notes" } p { (n) } }
                    (address("Billing address", &account.billing_address))
                    (address("Service address", &account.service_address))
                }
                (people(viewer, &account, &people_rows, &person_errors))
                (reps_card(viewer, &account, &rep_rows, &colleagues, &rep_errors))
            }
        }
    };
    Ok(page(viewer, Section::Accounts, &account.name, body))
}

/// `GET /accounts/{id}`
pub async fn show(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    render(
        &app,
        &viewer,
        id,
        Errors::none(),
        ActivityErrors::none(),
        Errors::none(),
    )
    .await
}
