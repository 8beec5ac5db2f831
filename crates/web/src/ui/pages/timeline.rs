//! One timeline, whatever record it belongs to: the entries `timeline::merged` reads (an
//! activity, a lead's status change, an order's move, a contract's status change, an
//! order's messages and instructions) as a
//! list, and the card an order or a contract shows it in, with its quick forms to add a
//! comment or a task there (`quick_activity` logs them).

use std::collections::HashMap;

use maud::{html, Markup};
use rapport_domain::activity::{Activity, ActivityKind};
use rapport_store::policy;
use rapport_store::timeline::merged::TimelineEntry;
use uuid::Uuid;

use crate::ui::fmt;
use crate::ui::form::{csrf, field_for, textarea_for, Errors};
use crate::ui::session::Viewer;

fn activity_entry(pinned: bool, a: &Activity, authors: &HashMap<Uuid, String>) -> Markup {
    html! {
        li {
            div.when {
                (fmt::words(a.kind.as_str()))
                @if let Some(ch) = a.channel { " (" (fmt::words(ch.as_str())) ")" }
                " · " (fmt::date(a.activity_date))
                @if let Some(who) = a.author_id.and_then(|id| authors.get(&id)) { " · " (who) }
                @if pinned { " · pinned" }
                @if a.internal { " · internal" }
            }
            @if let Some(s) = &a.subject { strong { (s) } br; }
            (a.body)
            @if let Some(due) = a.due_at { div.muted { "Due " (fmt::time(due)) @if a.done { " · done" } } }
        }
    }
}

/// One entry of a timeline; `authors` names the users it mentions.
pub fn entry(e: &TimelineEntry, authors: &HashMap<Uuid, String>) -> Markup {
    let by = |id: Option<Uuid>| id.and_then(|u| authors.get(&u)).map(|n| format!(" · {n}"));
    match e {
        TimelineEntry::Activity {
            pinned,
            activity: a,
            ..
        } => activity_entry(*pinned, a, authors),
        TimelineEntry::StatusChange {
            status_change: s, ..
        } => html! {
            li {
                div.when { "Lead status · " (fmt::time(s.changed_at)) }
                a href={ "/leads/" (s.lead_id) } { "A lead" }
                @if let Some(old) = s.old_status {
                    " moved from " (fmt::words(old.as_str())) " to " strong { (fmt::words(s.new_status.as_str())) }
                } @else {
                    " was created as " strong { (fmt::words(s.new_status.as_str())) }
                }
                @if let Some(r) = &s.reason { " — " (r) }
            }
        },
        TimelineEntry::OrderStateChange {
            order_state_change: h,
            ..
        } => html! {
            li.move {
                div.when { "Move · " (fmt::time(h.changed_at)) (by(h.changed_by).unwrap_or_default()) }
                @if let Some(from) = &h.from_state_key { (fmt::words(from)) " → " } @else { "Created as " }
                strong { (fmt::words(&h.to_state_key)) }
                @if h.reopened { " " span.badge { "reopened" } }
                @if let Some(r) = &h.reason { " — " (r) }
            }
        },
        TimelineEntry::ContractStatusChange {
            contract_status_change: h,
            ..
        } => html! {
            li.move {
                div.when {
                    "Status · " (fmt::time(h.changed_at))
                    // Nobody's move after the opening is the daily expiry's.
                    @match (by(h.changed_by), h.from_status) {
                        (Some(who), _) => (who),
                        (None, Some(_)) => " · the daily expiry",
                        (None, None) => "",
                    }
                }
                @if let Some(from) = h.from_status { (fmt::words(from.as_str())) " → " } @else { "Contract opened as " }
                strong { (fmt::words(h.to_status.as_str())) }
                @if let Some(r) = &h.reason { " — " (r) }
            }
        },
        TimelineEntry::Message { message: m, .. } => html! {
            li.message {
                div.when {
                    "Message · " (fmt::words(&m.message_type)) " · " (fmt::time(m.created_at))
                    (by(m.sender_id).unwrap_or_default())
                }
                @if let Some(s) = &m.subject { strong { (s) } br; }
                (m.body)
                @if let Some(to) = &m.moved_order_to {
                    div.muted { "Moved the order to " strong { (fmt::words(to)) } }
                }
            }
        },
        TimelineEntry::Instruction { instruction: i, .. } => html! {
            li.instruction {
                div.when {
                    "Instruction · " (fmt::words(&i.instruction_type)) " · " (fmt::time(i.created_at))
                    (by(i.created_by).unwrap_or_default())
                }
                (i.content)
                @if let Some(at) = i.approved_at {
                    div.muted { "Approved " (fmt::time(at)) (by(i.approved_by).unwrap_or_default()) }
                } @else {
                    div.muted { "Waiting for approval" }
                }
            }
        },
    }
}

/// Which quick form a refused activity came from, so its errors show in that form only.
#[derive(Default)]
pub struct ActivityErrors {
    pub kind: String,
    pub errors: Errors,
}

impl ActivityErrors {
    pub fn none() -> Self {
        Self {
            kind: String::new(),
            errors: Errors::none(),
        }
    }

    pub fn for_kind(&self, kind: &str) -> Errors {
        if self.kind == kind {
            self.errors.clone()
        } else {
            Errors::none()
        }
    }
}

/// The quick "add a task" form of a record's page (the task is the author's to do),
/// posted to `action`; `errors` are a refused task's.
pub fn task_form(viewer: &Viewer, action: &str, errors: &Errors) -> Markup {
    html! {
        details.quick open[!errors.is_empty()] {
            summary { "Add a task" }
            (errors.banner(&["subject", "due_at"]))
            form method="post" action=(action) {
                (csrf(viewer)) input type="hidden" name="kind" value="task";
                (field_for("task", "Task", "subject", None, "text", errors))
                (field_for("task", "Due (UTC)", "due_at", None, "datetime-local", errors))
                button type="submit" { "Add task" }
            }
        }
    }
}

/// The timeline card of an order or a contract: forms to add a comment (internal for
/// staff who tick it) or a task, posted to `action`, then the entries, newest first.
pub fn record_card(
    viewer: &Viewer,
    action: &str,
    entries: &[TimelineEntry],
    authors: &HashMap<Uuid, String>,
    refused: &ActivityErrors,
) -> Markup {
    let (comment, task) = (refused.for_kind("comment"), refused.for_kind("task"));
    // The store decides again on submit; this only spares a form that would be refused.
    let may_comment =
        policy::require_activity_writer(&viewer.ctx.actor, ActivityKind::Comment, true).is_ok();
    html! {
        section.card #timeline-card {
            h2 { "Timeline" }
            @if may_comment {
                div.grid {
                    details.quick open[!comment.is_empty()] {
                        summary { "Add a comment" }
                        (comment.banner(&["body"]))
                        form method="post" action=(action) {
                            (csrf(viewer)) input type="hidden" name="kind" value="comment";
                            (textarea_for("comment", "Comment", "body", None, 3, &comment))
                            @if viewer.is_internal() {
                                div.field { label { input type="checkbox" name="internal"; " Internal (hidden from partners and distributors)" } }
                            }
                            div.field { label { input type="checkbox" name="pinned"; " Pin to the top" } }
                            button type="submit" { "Add comment" }
                        }
                    }
                    (task_form(viewer, action, &task))
                }
            }
            @if entries.is_empty() { p.muted { "Nothing yet." } }
            ul.timeline #timeline { @for e in entries { (entry(e, authors)) } }
        }
    }
}
