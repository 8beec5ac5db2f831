//! Instructions (seed 003; docs/lab.md): what a doctor or the lab asks be done for an
//! order, approved by a different user whose role may approve; approved, it is fixed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::account::MAX_METADATA_BYTES;
use crate::changes::kinds::{CreateOnly, Id, Object, Text};
use crate::changes::{changes, no_rules};
use crate::order_config::{Key, MAX_KEY};

/// An instruction as the API returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Instruction {
    pub id: Uuid,
    /// The order it is for; fixed.
    pub order_id: Uuid,
    /// What kind of instruction (`treatment`, `shipping`…): a key.
    pub instruction_type: String,
    pub content: String,
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
    /// Who approved it: never its author. Once set, the instruction no longer changes.
    pub approved_by: Option<Uuid>,
    pub approved_at: Option<DateTime<Utc>>,
    pub legacy_id: Option<String>,
    /// Its author.
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Instruction {
    /// A new, unapproved instruction, written now by `by`.
    pub fn blank(by: Option<Uuid>, at: DateTime<Utc>) -> Self {
        Self {
            id: crate::new_id(),
            created_by: by,
            updated_by: by,
            created_at: at,
            updated_at: at,
            version: 1,
            ..Self::default()
        }
    }

    pub fn is_approved(&self) -> bool {
        self.approved_at.is_some()
    }
}

changes! {
    /// A create or a patch of an instruction not yet approved. Its order is fixed.
    #[derive(Debug, Clone, Default)]
    pub struct InstructionChanges {
        /// An order the caller sees.
        order_id: CreateOnly<Id>("immutable", "is fixed once the instruction exists") [required not_null],
        /// A key: lower-case letters, digits, `-` and `_`.
        instruction_type: Key(MAX_KEY) [required not_null],
        content: Text(20000) [required not_null],
        metadata: Object(MAX_METADATA_BYTES) [not_null],
        legacy_id: Text(200),
    }
    apply to Instruction;
    create schema InstructionCreate;
    patch schema InstructionPatch;
    checks after;
    read with no_rules;
}
