//! Notes on an account (seed 000's `customer_notes`). They are rows of the shared
//! activities timeline with kind `note`, so later timelines show them without copying.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::input::{ObjectReader, Patch};
use crate::validation::Invalid;

pub const MAX_NOTE_LEN: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Note {
    pub id: Uuid,
    pub account_id: Uuid,
    /// The person the note is about, when it is about one.
    pub contact_id: Option<Uuid>,
    pub body: String,
    /// The day the note is about; today (UTC) unless given.
    pub note_date: NaiveDate,
    pub author_id: Option<Uuid>,
    pub pinned: bool,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Default)]
pub struct NoteChanges {
    pub body: Patch<String>,
    pub note_date: Patch<NaiveDate>,
    pub author_id: Patch<Uuid>,
    pub contact_id: Patch<Uuid>,
    pub pinned: Patch<bool>,
}

impl NoteChanges {
    pub fn read(body: Value, for_create: bool) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let text = if for_create {
            r.required_string("body", MAX_NOTE_LEN)
                .map_or(Patch::Absent, Patch::Set)
        } else {
            r.patch_string("body", MAX_NOTE_LEN)
        };
        let changes = NoteChanges {
            body: text,
            note_date: r.patch_date("note_date"),
            author_id: r.patch_uuid("author_id"),
            contact_id: r.patch_uuid("contact_id"),
            pinned: r.patch_bool("pinned"),
        };
        for (name, cleared) in [
            ("body", changes.body == Patch::Null),
            ("note_date", changes.note_date == Patch::Null),
            ("author_id", changes.author_id == Patch::Null),
            ("pinned", changes.pinned == Patch::Null),
        ] {
            if cleared {
                r.error(name, "required", "cannot be cleared");
            }
        }
        r.finish()?;
        Ok(changes)
    }
}
