//! How orders are shaped and move (seed 003's order types and states, seed 004's
//! statuses): configuration kept as data, so a lab and a reseller run their own
//! workflows on one schema.

mod fields;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

pub use fields::{is_key, Key};
use fields::{Colour, DataSchema, KeyList};

use crate::changes::kinds::{Enum, Flag, Int, Text};
use crate::changes::{changes, choice, no_rules};
use crate::input::{ObjectReader, Patch};
use crate::validation::FieldError;

/// The longest key of a type, a state or a people role.
pub const MAX_KEY: usize = 50;
/// The most people roles a type may require.
pub const MAX_ROLES: usize = 20;
/// The most moves out of one state.
pub const MAX_MOVES: usize = 100;
/// The largest JSON Schema a type may keep, written out.
pub const MAX_SCHEMA_BYTES: usize = 64 * 1024;
/// A new state's colour unless one is given (the migration's default).
pub const DEFAULT_COLOUR: &str = "#6b7280";

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

impl OrderType {
    /// A new, active type before its changes are applied, created now by `by`.
    pub fn blank(by: Option<Uuid>, at: DateTime<Utc>) -> Self {
        Self {
            id: crate::new_id(),
            active: true,
            created_by: by,
            updated_by: by,
            created_at: at,
            updated_at: at,
            version: 1,
            ..Self::default()
        }
    }

    /// What is wrong with an order's `data` under this type's schema, one error per
    /// failure: the field is `data` followed by the JSON pointer of the value at fault
    /// (`data/patient/age`; `data` itself for the whole object), the rule the schema
    /// keyword that failed (`minimum`, `required`, `enum`…).
    /// None when it fits, or when the type has no schema.
    pub fn data_errors(&self, data: &Value) -> Vec<FieldError> {
        let Some(schema) = &self.data_schema else {
            return Vec::new();
        };
        match compile_data_schema(schema) {
            Ok(validator) => validator
                .iter_errors(data)
                .map(|e| {
                    let field = format!("data{}", e.instance_path());
                    FieldError::new(field, e.kind().keyword(), e.to_string())
                })
                .collect(),
            // Only a schema stored behind the API's back gets here: it was checked when
            // it was written.
            Err(why) => vec![FieldError::new(
                "data",
                "json_schema",
                format!("the order type's data_schema does not compile: {why}"),
            )],
        }
    }
}

/// Refuses every reference outside the schema itself: a type's schema is checked when it
/// is written and again for every order, so it must not depend on (or wait for) another
/// server, a file, or anything that may change under it.
struct NoFetch;

impl jsonschema::Retrieve for NoFetch {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!(
            "{uri} is not fetched: a data_schema must be whole, its references inside it (#/$defs/…)"
        )
        .into())
    }
}

/// Compiles an order type's schema: its draft from `$schema` (2020-12 when it names
/// none), itself checked against that draft's meta-schema, and no reference fetched
/// from elsewhere. The error says what is wrong and where (a JSON pointer into the
/// schema).
pub fn compile_data_schema(schema: &Map<String, Value>) -> Result<jsonschema::Validator, String> {
    if let Some(t) = schema.get("type") {
        let object = Value::from("object");
        let takes_objects = t == &object || t.as_array().is_some_and(|ts| ts.contains(&object));
        if !takes_objects {
            return Err(
                "an order's data is an object: the schema's top-level type must allow \"object\""
                    .to_owned(),
            );
        }
    }
    let value = Value::Object(schema.clone());
    jsonschema::options()
        .with_retriever(NoFetch)
        .build(&value)
        .map_err(|e| {
            let at = e.instance_path().as_str();
            if at.is_empty() {
                e.to_string()
            } else {
                format!("at {at}: {e}")
            }
        })
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

    /// The allowed names as error messages list them.
    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

choice!(Stamp);

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

impl OrderState {
    /// A new, active, plain state (grey, not initial nor final) before its changes are
    /// applied, created now by `by`.
    pub fn blank(by: Option<Uuid>, at: DateTime<Utc>) -> Self {
        Self {
            id: crate::new_id(),
            colour: DEFAULT_COLOUR.to_owned(),
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
    /// A create or a patch of an order type.
    #[derive(Debug, Clone, Default)]
    pub struct OrderTypeChanges {
        /// Unique; lower-case letters, digits, `-` and `_`, exactly as sent.
        key: Key(MAX_KEY) [required not_null],
        /// Unique.
        name: Text(200) [required not_null],
        description: Text(5000),
        /// A JSON Schema (draft 2020-12 unless `$schema` names another) that an order's
        /// `data` must satisfy; it must compile, allow an object at the top, and keep every
        /// reference inside itself (nothing is fetched). `null`: any object.
        data_schema: DataSchema(MAX_SCHEMA_BYTES),
        /// Keys of the people roles an order of this type must have (`doctor`, `patient`).
        required_roles: KeyList(MAX_ROLES, MAX_KEY) [not_null],
        /// True unless given. An inactive type takes no new orders.
        active: Flag [not_null],
    }
    apply to OrderType;
    create schema OrderTypeCreate;
    patch schema OrderTypePatch;
    checks after;
    read with no_rules;
}

changes! {
    /// A create or a patch of an order state.
    #[derive(Debug, Clone, Default)]
    pub struct OrderStateChanges {
        /// Unique; lower-case letters, digits, `-` and `_`, exactly as sent.
        key: Key(MAX_KEY) [required not_null],
        /// Unique.
        name: Text(200) [required not_null],
        description: Text(5000),
        /// `#rrggbb` (kept in lower case); grey (`#6b7280`) unless given.
        colour: Colour [not_null],
        /// Where the state stands in the workflow; lists and the UI sort by it.
        sequence: Int(-1_000_000_000, 1_000_000_000) [not_null],
        /// Where new orders start. Exactly one state is initial: marking another takes
        /// the mark off the one before; it cannot be taken off directly.
        initial: Flag [not_null],
        /// Freezes an order; a final state has no moves out.
        is_final as "final": Flag [not_null],
        /// Orders in this state are in the fulfillers' scope.
        fulfilment: Flag [not_null],
        /// Entering this state opens the order's contract.
        opens_contract: Flag [not_null],
        /// The order timestamp entering this state sets.
        stamp: Enum<Stamp>,
        /// True unless given. An inactive state cannot be entered.
        active: Flag [not_null],
    }
    apply to OrderState;
    create schema OrderStateCreate;
    patch schema OrderStatePatch;
    checks after;
    read with state_rules;
}

/// What one body cannot say at once, whatever the state was: where orders start is
/// neither final, nor inactive, nor a contract's opening (orders are created there, they
/// do not move in).
fn state_rules(r: &mut ObjectReader, c: &OrderStateChanges, _: bool) {
    if c.initial != Patch::Set(true) {
        return;
    }
    let clashes = [
        (c.is_final == Patch::Set(true), "final", "the initial state cannot be final"),
        (c.active == Patch::Set(false), "active", "the initial state cannot be inactive"),
        (
            c.opens_contract == Patch::Set(true),
            "opens_contract",
            "the initial state cannot open a contract: orders are created in it, they never enter it by a move",
        ),
    ];
    for (clash, field, message) in clashes {
        if clash {
            r.error(field, "initial", message);
        }
    }
}

changes! {
    /// The moves out of one state, replaced whole.
    #[derive(Debug, Clone, Default)]
    pub struct StateMovesChanges {
        /// Keys of the states an order in this state may move to; `[]` for none. Not the
        /// state itself; none at all out of a final state.
        to: KeyList(MAX_MOVES, MAX_KEY) [required not_null],
    }
    create schema StateMovesBody;
    checks after;
    read with no_rules;
}

/// The moves out of one state, as its `transitions` sub-resource shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StateMoves {
    pub state_id: Uuid,
    pub state_key: String,
    /// Keys of the states an order in this state may move to, in workflow order.
    pub to: Vec<String>,
    /// The state's version (its ETag): changing its moves is a change of the state.
    pub version: i64,
}

/// One state of the workflow with the states it may move to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WorkflowStep {
    #[serde(flatten)]
    pub state: OrderState,
    /// Keys of the states an order in this state may move to, in workflow order.
    pub to: Vec<String>,
}

/// The whole workflow, for clients to draw: every state in workflow order (sequence,
/// then key), each with its moves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Workflow {
    pub states: Vec<WorkflowStep>,
}

#[cfg(test)]
mod tests;
