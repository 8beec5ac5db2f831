//! The activities timeline (DESIGN §2): one model for notes, interactions (calls, emails,
//! meetings, chats), tasks and comments, linked to an account, a contact and/or a lead.
//! Interactions record something that happened: they are never edited (seed 002); a
//! mistake is fixed by logging a correction that points at the original.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::Schema;
use uuid::Uuid;

use crate::changes::kinds::{CreateOnly, Date, Enum, Flag, Id, Text, Timestamp};
use crate::changes::{changes, choice, Kind, Mode};
use crate::input::{ObjectReader, Patch};
use crate::note::MAX_NOTE_LEN;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// The default only of a blank record: every create names its kind.
    #[default]
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

    /// Calls, emails, meetings and chats: logged as having happened, so immutable (unless
    /// planned, see [`Activity::is_planned`]).
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

choice!(ActivityKind);

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

choice!(Channel);

/// An activity as the API returns it. `Default` is the blank a create starts from (see
/// [`Activity::blank`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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
    /// The order it is about: a note or comment on the order's page.
    pub order_id: Option<Uuid>,
    /// The contract it is about.
    pub contract_id: Option<Uuid>,
    /// The lab's project it is about (its order is named too).
    pub project_id: Option<Uuid>,
    /// The lab's task it is about (its project's order is named too).
    pub task_id: Option<Uuid>,
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

impl Activity {
    /// An interaction planned for later and not yet done: it may still change. Once
    /// done it is a record of what happened, immutable like any other interaction.
    pub fn is_planned(&self) -> bool {
        self.kind.is_interaction() && self.due_at.is_some() && !self.done
    }

    /// Linked to no account or person, only to a lead, an order or a contract: that
    /// record's own, written by whoever works it rather than by whoever writes the
    /// account's notes.
    pub fn record_only(&self) -> bool {
        self.account_id.is_none()
            && self.contact_id.is_none()
            && (self.lead_id.is_some()
                || self.order_id.is_some()
                || self.contract_id.is_some()
                || self.project_id.is_some()
                || self.task_id.is_some())
    }

    /// A new activity of `kind` before its changes are applied: through the kind's
    /// channel, dated `today`, written now by `by`. (`done_at` follows `done` in the
    /// store, which knows the time of the change.)
    pub fn blank(
        kind: ActivityKind,
        by: Option<Uuid>,
        at: DateTime<Utc>,
        today: NaiveDate,
    ) -> Self {
        Self {
            id: crate::new_id(),
            kind,
            channel: kind.default_channel(),
            activity_date: today,
            author_id: by,
            created_by: by,
            updated_by: by,
            created_at: at,
            updated_at: at,
            version: 1,
            ..Self::default()
        }
    }
}

changes! {
    /// A create or a patch of an activity. `kind` is given on create and fixed after;
    /// `follow_up_at` is not a field of the activity but a task to schedule.
    #[derive(Debug, Clone, Default)]
    pub struct ActivityChanges {
        /// Fixed once created.
        kind: CreateOnly<Enum<ActivityKind>>(
            "immutable",
            "cannot change; log a new activity instead",
        ) [required no_apply],
        /// Interactions, on create: schedules a follow-up task due then.
        follow_up_at: FollowUpAt [no_apply],
        /// Interactions default to their kind's.
        channel: Enum<Channel>,
        subject: Text(300),
        /// Required for notes and comments.
        body: Text(MAX_NOTE_LEN),
        /// YYYY-MM-DD; today (UTC) by default.
        activity_date: Date [not_null],
        /// Tasks, and planned calls and meetings: when due.
        due_at: Timestamp,
        /// Tasks, notes, comments and planned interactions; a done interaction is final.
        done: Flag [not_null],
        /// Hidden from partner and distributor users.
        internal: Flag [not_null],
        pinned: Flag [not_null],
        author_id: Id [not_null],
        assignee_id: Id,
        account_id: Id,
        contact_id: Id,
        lead_id: Id,
        /// A note or comment about an order (shown on its timeline).
        order_id: Id,
        /// A note or comment about a contract.
        contract_id: Id,
        /// A comment on a project of the lab (its order is linked too).
        project_id: Id,
        /// A comment on a task of the lab (its order is linked too).
        task_id: Id,
        /// Interactions: the interaction this one corrects.
        corrects_id: Id,
        provider_name: Text(100),
        provider_id: Text(200),
    }
    apply to Activity;
    create schema ActivityCreate;
    patch schema ActivityPatch;
    checks after;
    read with activity_rules;
}

impl ActivityChanges {
    /// A create naming a lead, an order or a contract and no account or person (see
    /// [`Activity::record_only`]).
    pub fn record_only(&self) -> bool {
        let set = |p: &Patch<Uuid>| matches!(p, Patch::Set(_));
        (set(&self.lead_id)
            || set(&self.order_id)
            || set(&self.contract_id)
            || set(&self.project_id)
            || set(&self.task_id))
            && !set(&self.account_id)
            && !set(&self.contact_id)
    }
}

/// On an interaction: schedule a follow-up task due then (seed 002's follow-up date).
/// Read on create only; a patch naming it is refused.
#[derive(Default)]
pub struct FollowUpAt;

impl FollowUpAt {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for FollowUpAt {
    type Value = Option<DateTime<Utc>>;

    fn read(&self, r: &mut ObjectReader, name: &str, mode: Mode) -> Option<DateTime<Utc>> {
        if mode.create {
            return match r.patch_timestamp(name) {
                Patch::Set(t) => Some(t),
                _ => None,
            };
        }
        if r.has(name) {
            r.error(
                name,
                "create_only",
                "is only read when an interaction is logged",
            );
            let _ = r.raw(name);
        }
        None
    }

    fn schema(&self) -> Schema {
        Timestamp.schema()
    }

    fn in_patch(&self) -> bool {
        false
    }
}

/// What an activity's kind allows: an interaction has happened, unless it is planned
/// (a call or meeting with a due date, seed 004's scheduled activities), which takes a
/// done flag and may be changed until it is done; only one that has happened schedules
/// a follow-up or corrects another. Notes and comments need a body.
fn activity_rules(r: &mut ObjectReader, changes: &ActivityChanges, _: bool) {
    let Patch::Set(k) = changes.kind else {
        return;
    };
    let planned = k.is_interaction() && matches!(changes.due_at, Patch::Set(_));
    if k.is_interaction() && !planned && changes.done != Patch::Absent {
        r.error(
            "done",
            "interaction",
            "only a planned interaction (one with a due_at) has a done flag",
        );
    }
    if planned && changes.follow_up_at.is_some() {
        r.error(
            "follow_up_at",
            "planned",
            "a planned interaction has not happened yet; schedule the follow-up when it is done",
        );
    }
    if planned && !changes.corrects_id.is_absent() {
        r.error(
            "corrects_id",
            "planned",
            "a correction records what happened; it cannot be planned",
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
            "depends",
            format!("is required for a {}", k.as_str()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use utoipa::PartialSchema;

    use crate::changes::schema::as_json;

    #[test]
    fn a_kind_is_required_and_fixed() {
        let e = ActivityChanges::read(json!({"body": "x", "account_id": null}), true).unwrap_err();
        assert_eq!(e.0[0].field, "kind");
        let e = ActivityChanges::read(json!({"kind": "task"}), false).unwrap_err();
        assert_eq!(e.0[0].rule, "immutable");
    }

    #[test]
    fn a_planned_call_has_a_done_flag_but_no_follow_up_or_correction() {
        let planned = ActivityChanges::read(
            json!({"kind": "call", "due_at": "2026-01-01T09:00:00Z", "done": false}),
            true,
        )
        .unwrap();
        assert_eq!(planned.done, Patch::Set(false));
        let e = ActivityChanges::read(
            json!({"kind": "meeting", "due_at": "2026-01-01T09:00:00Z",
                   "follow_up_at": "2026-01-02T09:00:00Z", "corrects_id": Uuid::nil().to_string()}),
            true,
        )
        .unwrap_err();
        let got: Vec<(&str, &str)> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.rule.as_str()))
                .collect();
        assert!(got.contains(&("follow_up_at", "planned")), "{got:?}");
        assert!(got.contains(&("corrects_id", "planned")), "{got:?}");
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

    #[test]
    fn schemas_are_as_strict_as_the_reader() {
        let create = as_json(ActivityCreate::schema());
        assert_eq!(create["required"], json!(["kind"]));
        let p = &create["properties"];
        assert_eq!(p["kind"]["type"], "string");
        assert_eq!(p["follow_up_at"]["format"], "date-time");
        assert_eq!(p["body"]["maxLength"], MAX_NOTE_LEN);
        assert_eq!(p["done"]["type"], "boolean");
        assert_eq!(
            p["channel"]["enum"],
            json!(["phone", "email", "meeting", "chat", "other", null])
        );
        let patch = as_json(ActivityPatch::schema());
        assert!(patch["properties"].get("kind").is_none());
        assert!(patch["properties"].get("follow_up_at").is_none());
        assert_eq!(patch["additionalProperties"], false);
    }

    #[test]
    fn changes_apply_onto_an_activity() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        let author = Uuid::from_u128(5);
        let mut a = Activity::blank(ActivityKind::Task, None, Utc::now(), today);
        let body = json!({"kind": "task", "body": "call back", "done": true,
                          "author_id": author.to_string()});
        ActivityChanges::read(body, true).unwrap().apply_to(&mut a);
        assert_eq!(
            (a.body.as_str(), a.done, a.author_id),
            ("call back", true, Some(author))
        );
        assert_eq!(a.activity_date, today);
        ActivityChanges::read(json!({"body": null}), false)
            .unwrap()
            .apply_to(&mut a);
        assert_eq!(a.body, "");
    }
}
