//! Messages (seed 003; docs/lab.md): typed, sent by a user on an order or to other
//! users, read per recipient. A message of a type that triggers a state change moves its
//! order in the message's own transaction (the store's `lab::messages`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::account::MAX_METADATA_BYTES;
use crate::changes::kinds::{Flag, Id, IdList, Object, Text};
use crate::changes::{changes, no_rules};
use crate::order_config::{Key, MAX_KEY};

/// The most users one message goes to.
pub const MAX_RECIPIENTS: usize = 50;

/// A kind of message, as the API returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageType {
    pub id: Uuid,
    /// Unique; lower-case letters, digits, `-` and `_`.
    pub key: String,
    /// Unique.
    pub name: String,
    /// What kind of kind it is: `system`, `user`, `notification`, or another key.
    pub category: String,
    pub description: Option<String>,
    /// A message of this type moves its order to `target_state_id`.
    pub triggers_state_change: bool,
    /// The order state such a message moves its order to. Deleting that state clears it,
    /// and the type's messages are then refused until an administrator names another.
    pub target_state_id: Option<Uuid>,
    /// Inactive types take no new messages.
    pub active: bool,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl MessageType {
    /// A new, active user type before its changes are applied, created now by `by`.
    pub fn blank(by: Option<Uuid>, at: DateTime<Utc>) -> Self {
        Self {
            id: crate::new_id(),
            category: "user".into(),
            active: true,
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
    /// A create or a patch of a message type.
    #[derive(Debug, Clone, Default)]
    pub struct MessageTypeChanges {
        /// Unique; lower-case letters, digits, `-` and `_`, exactly as sent.
        key: Key(MAX_KEY) [required not_null],
        /// Unique.
        name: Text(200) [required not_null],
        /// `user` unless given; `system` and `notification` are the others seed 003 uses.
        category: Key(MAX_KEY) [not_null],
        description: Text(5000),
        /// With it, `target_state_id` is required (422 rule `depends`).
        triggers_state_change: Flag [not_null],
        /// An order state (422 rule `exists` otherwise).
        target_state_id: Id,
        active: Flag [not_null],
    }
    apply to MessageType;
    create schema MessageTypeCreate;
    patch schema MessageTypePatch;
    checks after;
    read with no_rules;
}

/// One recipient of a message and when they read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Recipient {
    pub user_id: Uuid,
    /// When this recipient marked it read; none while unread.
    pub read_at: Option<DateTime<Utc>>,
}

/// A message as the API returns it. Sent once, never edited.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Message {
    pub id: Uuid,
    pub message_type_id: Uuid,
    /// The type's key, for reading without a lookup.
    pub message_type: String,
    /// The order it is about, if any.
    pub order_id: Option<Uuid>,
    /// Who sent it; none once that user is deleted, or for a message the system sent.
    pub sender_id: Option<Uuid>,
    pub subject: Option<String>,
    pub body: String,
    pub recipients: Vec<Recipient>,
    /// The state key the message moved its order to, when its type triggers a move.
    pub moved_order_to: Option<String>,
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
    pub legacy_id: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Always 1: a message is never changed (its ETag).
    pub version: i64,
}

changes! {
    /// A message to send. Nothing of it changes once sent.
    #[derive(Debug, Clone, Default)]
    pub struct MessageChanges {
        /// An active message type. One that triggers a state change needs `order_id`.
        message_type_id: Id [required not_null],
        /// An order the caller sees.
        order_id: Id,
        subject: Text(300),
        body: Text(20000) [required not_null],
        /// Enabled users, at most 50; duplicates are dropped.
        recipient_ids: IdList(MAX_RECIPIENTS) [not_null],
        metadata: Object(MAX_METADATA_BYTES) [not_null],
        legacy_id: Text(200),
    }
    create schema MessageCreate;
    checks after;
    read with no_rules;
}
