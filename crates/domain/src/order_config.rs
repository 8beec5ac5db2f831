//! How orders are shaped and move (seed 003's order types and states, seed 004's
//! statuses): configuration kept as data, so a lab and a reseller run their own
//! workflows on one schema.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// A kind of order: what its `data` must look like (a JSON Schema) and which people
/// roles it needs (seed 003's doctor and patient).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderType {
    pub id: Uuid,
    /// Unique; lower-case letters, digits, `-` and `_`.
    pub key: String,
    /// Unique.
    pub name: String,
    pub description: Option<String>,
    /// A JSON Schema (draft 2020-12 unless it names another) that an order's `data`
    /// must satisfy on create and update; none means any object.
    #[schema(value_type = Option<Object>)]
    pub data_schema: Option<Map<String, Value>>,
    /// People roles an order of this type must have (`["doctor", "patient"]`).
    pub required_roles: Vec<String>,
    /// Inactive types stay on their orders but take no new ones.
    pub active: bool,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// The order timestamp a state sets when an order enters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stamp {
    SentAt,
    FulfilledAt,
    CompletedAt,
    CancelledAt,
}

impl Stamp {
    pub const ALL: [Stamp; 4] = [
        Stamp::SentAt,
        Stamp::FulfilledAt,
        Stamp::CompletedAt,
        Stamp::CancelledAt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stamp::SentAt => "sent_at",
            Stamp::FulfilledAt => "fulfilled_at",
            Stamp::CompletedAt => "completed_at",
            Stamp::CancelledAt => "cancelled_at",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A step of the order workflow. Which moves are allowed between states is kept beside
/// them (`order_state_transitions`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderState {
    pub id: Uuid,
    /// Unique; lower-case letters, digits, `-` and `_`.
    pub key: String,
    /// Unique.
    pub name: String,
    pub description: Option<String>,
    /// `#rrggbb`, for the UI.
    pub colour: String,
    /// Where the state stands in the workflow, for lists and the UI.
    pub sequence: i64,
    /// Where new orders start; exactly one state is initial.
    pub initial: bool,
    /// Freezes the order: no edits and no moves, unless an administrator reopens it.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// Orders in this state are in the fulfillers' scope.
    pub fulfilment: bool,
    /// Entering this state opens the order's contract.
    pub opens_contract: bool,
    /// The order timestamp entering this state sets.
    pub stamp: Option<Stamp>,
    /// Inactive states stay on their orders but cannot be entered.
    pub active: bool,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}
