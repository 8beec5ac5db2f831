//! The activities timeline (DESIGN §2): one model for notes, interactions (calls, emails,
//! meetings, chats), tasks and comments, linked to an account, a contact and/or a lead.
//! Interactions record something that happened: they are never edited (seed 002); a
//! mistake is fixed by logging a correction that points at the original.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::input::{ObjectReader, Patch};
use crate::note::MAX_NOTE_LEN;
use crate::validation::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Note,
    Call,
    Email,
    Meeting,
    Chat,
    Task,
    Comment,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 7] = [
        ActivityKind::Note,
        ActivityKind::Call,
        ActivityKind::Email,
        ActivityKind::Meeting,
        ActivityKind::Chat,
        ActivityKind::Task,
        ActivityKind::Comment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Note => "note",
            ActivityKind::Call => "call",
            ActivityKind::Email => "email",
            ActivityKind::Meeting => "meeting",
            ActivityKind::Chat => "chat",
            ActivityKind::Task => "task",
            ActivityKind::Comment => "comment",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }

    /// Calls, emails, meetings and chats: logged as having happened, so immutable.
    pub fn is_interaction(self) -> bool {
        matches!(
            self,
            ActivityKind::Call | ActivityKind::Email | ActivityKind::Meeting | ActivityKind::Chat
        )
    }

    /// The channel an interaction of this kind went through, unless told otherwise.
    pub fn default_channel(self) -> Option<Channel> {
        match self {
            ActivityKind::Call => Some(Channel::Phone),
            ActivityKind::Email => Some(Channel::Email),
            ActivityKind::Meeting => Some(Channel::Meeting),
            ActivityKind::Chat => Some(Channel::Chat),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Phone,
    Email,
    Meeting,
    Chat,
    Other,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Phone,
        Channel::Email,
        Channel::Meeting,
        Channel::Chat,
        Channel::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Email => "email",
            Channel::Meeting => "meeting",
            Channel::Chat => "chat",
            Channel::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Activity {
    pub id: Uuid,
    pub kind: ActivityKind,
    pub channel: Option<Channel>,
    pub subject: Option<String>,
    pub body: String,
    /// The day it happened (interactions, notes) or was logged.
    pub activity_date: NaiveDate,
    /// When a task or follow-up is due.
    pub due_at: Option<DateTime<Utc>>,
    pub done: bool,
    pub done_at: Option<DateTime<Utc>>,
    /// Hidden from partner and distributor users.
    pub internal: bool,
    pub pinned: bool,
    pub author_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
    /// The interaction this one corrects.
    pub corrects_id: Option<Uuid>,
    /// The interaction this follow-up task was scheduled from.
    pub parent_id: Option<Uuid>,
    pub provider_name: Option<String>,
    pub provider_id: Option<String>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ActivityChanges {
    pub kind: Patch<ActivityKind>,
    pub channel: Patch<Channel>,
    pub subject: Patch<String>,
    pub body: Patch<String>,
    pub activity_date: Patch<NaiveDate>,
    pub due_at: Patch<DateTime<Utc>>,
    pub done: Patch<bool>,
    pub internal: Patch<bool>,
    pub pinned: Patch<bool>,
    pub author_id: Patch<Uuid>,
    pub assignee_id: Patch<Uuid>,
    pub account_id: Patch<Uuid>,
    pub contact_id: Patch<Uuid>,
    pub lead_id: Patch<Uuid>,
    pub corrects_id: Patch<Uuid>,
    /// On an interaction: schedule a follow-up task due then (seed 002's follow-up date).
    pub follow_up_at: Option<DateTime<Utc>>,
    pub provider_name: Patch<String>,
    pub provider_id: Patch<String>,
}

impl ActivityChanges {
    pub fn read(body: Value, for_create: bool) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let kind = r.patch_enum("kind", &ActivityKind::names(), ActivityKind::parse);
        if for_create && kind.is_absent() && !r.errors.iter().any(|e| e.field == "kind") {
            r.error("kind", "required", "is required");
        }
        if !for_create && !kind.is_absent() {
            r.error(
                "kind",
                "immutable",
                "cannot change; log a new activity instead",
            );
        }
        let follow_up_at = if for_create {
            match r.patch_timestamp("follow_up_at") {
                Patch::Set(t) => Some(t),
                _ => None,
            }
        } else {
            if r.has("follow_up_at") {
                r.error(
                    "follow_up_at",
                    "create_only",
                    "is only read when an interaction is logged",
                );
                let _ = r.raw("follow_up_at");
            }
            None
        };
        let changes = ActivityChanges {
            kind,
            channel: r.patch_enum("channel", &Channel::names(), Channel::parse),
            subject: r.patch_string("subject", 300),
            body: r.patch_string("body", MAX_NOTE_LEN),
            activity_date: r.patch_date("activity_date"),
            due_at: r.patch_timestamp("due_at"),
            done: r.patch_bool("done"),
            internal: r.patch_bool("internal"),
            pinned: r.patch_bool("pinned"),
            author_id: r.patch_uuid("author_id"),
            assignee_id: r.patch_uuid("assignee_id"),
            account_id: r.patch_uuid("account_id"),
            contact_id: r.patch_uuid("contact_id"),
            lead_id: r.patch_uuid("lead_id"),
            corrects_id: r.patch_uuid("corrects_id"),
            follow_up_at,
            provider_name: r.patch_string("provider_name", 100),
            provider_id: r.patch_string("provider_id", 200),
        };
        for (name, cleared) in [
            ("activity_date", changes.activity_date == Patch::Null),
            ("done", changes.done == Patch::Null),
            ("internal", changes.internal == Patch::Null),
            ("pinned", changes.pinned == Patch::Null),
            ("author_id", changes.author_id == Patch::Null),
        ] {
            if cleared {
                r.error(name, "required", "cannot be cleared");
            }
        }
        if let Patch::Set(k) = changes.kind {
            if k.is_interaction() && !changes.due_at.is_absent() {
                r.error("due_at", "interaction", "an interaction has happened and is not due; give follow_up_at to schedule a follow-up task");
            }
            if k.is_interaction() && changes.done != Patch::Absent {
                r.error(
                    "done",
                    "interaction",
                    "interactions are not tasks: they have no done flag",
                );
            }
            if !k.is_interaction() && changes.follow_up_at.is_some() {
                r.error(
                    "follow_up_at",
                    "interaction",
                    "only an interaction schedules a follow-up; give a task a due_at instead",
                );
            }
            if !k.is_interaction() && !changes.corrects_id.is_absent() {
                r.error(
                    "corrects_id",
                    "interaction",
                    "only an interaction corrects an interaction",
                );
            }
            if matches!(k, ActivityKind::Note | ActivityKind::Comment)
                && !matches!(changes.body, Patch::Set(_))
            {
                r.error(
                    "body",
                    "required",
                    format!("is required for a {}", k.as_str()),
                );
            }
        }
        r.finish()?;
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_kind_is_required_and_fixed() {
        let e = ActivityChanges::read(json!({"body": "x", "account_id": null}), true).unwrap_err();
        assert_eq!(e.0[0].field, "kind");
        let e = ActivityChanges::read(json!({"kind": "task"}), false).unwrap_err();
        assert_eq!(e.0[0].rule, "immutable");
    }

    #[test]
    fn interactions_have_no_done_flag_and_tasks_no_follow_up() {
        let e = ActivityChanges::read(json!({"kind": "call", "done": true}), true).unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].rule.as_str()),
            ("done", "interaction")
        );
        let e = ActivityChanges::read(
            json!({"kind": "task", "follow_up_at": "2026-01-01T00:00:00Z"}),
            true,
        )
        .unwrap_err();
        assert_eq!(e.0[0].field, "follow_up_at");
    }

    #[test]
    fn channels_and_kinds_are_closed_sets() {
        let e =
            ActivityChanges::read(json!({"kind": "fax", "channel": "pigeon"}), true).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["kind", "channel"]);
        assert_eq!(ActivityKind::Call.default_channel(), Some(Channel::Phone));
    }
}
