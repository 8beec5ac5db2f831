//! Notes on an account (seed 000's `customer_notes`). They are rows of the shared
//! activities timeline with kind `note`, so later timelines show them without copying.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::changes::kinds::{Date, Flag, Id, Text};
use crate::changes::{changes, no_rules};

pub const MAX_NOTE_LEN: usize = 20_000;

/// A note as the API returns it. `Default` is the blank a create starts from (see
/// [`Note::blank`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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

impl Note {
    /// A new note on `account_id` before its changes are applied: dated `today`, written
    /// now by `by`.
    pub fn blank(account_id: Uuid, by: Option<Uuid>, at: DateTime<Utc>, today: NaiveDate) -> Self {
        Self {
            id: crate::new_id(),
            account_id,
            note_date: today,
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
    /// A create or a patch of a note.
    #[derive(Debug, Clone, Default)]
    pub struct NoteChanges {
        body: Text(MAX_NOTE_LEN) [required not_null],
        /// YYYY-MM-DD; today (UTC) by default.
        note_date: Date [not_null],
        /// The acting user by default; only admins may name someone else.
        author_id: Id [not_null],
        /// The person the note is about, when it is about one.
        contact_id: Id,
        pinned: Flag [not_null],
    }
    apply to Note;
    create schema NoteCreate;
    patch schema NotePatch;
    checks after;
    read with no_rules;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use utoipa::PartialSchema;

    use crate::changes::schema::as_json;

    #[test]
    fn schemas_are_as_strict_as_the_reader() {
        let create = as_json(NoteCreate::schema());
        assert_eq!(create["required"], json!(["body"]));
        let p = &create["properties"];
        assert_eq!(p["body"]["type"], "string");
        assert_eq!(p["body"]["maxLength"], MAX_NOTE_LEN);
        assert_eq!(p["note_date"]["type"], "string");
        assert_eq!(p["contact_id"]["type"], json!(["string", "null"]));
        let patch = as_json(NotePatch::schema());
        assert!(
            patch.get("required").is_none_or(|r| r == &json!([])),
            "{patch}"
        );
        assert_eq!(patch["properties"]["pinned"]["type"], "boolean");
    }

    #[test]
    fn changes_apply_onto_a_note() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        let me = Some(Uuid::from_u128(1));
        let mut note = Note::blank(Uuid::nil(), me, Utc::now(), today);
        let e = NoteChanges::read(json!({"body": null}), false).unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].message.as_str()),
            ("body", "cannot be cleared")
        );
        NoteChanges::read(json!({"body": "Met the buyer", "pinned": true}), true)
            .unwrap()
            .apply_to(&mut note);
        assert_eq!((note.body.as_str(), note.pinned), ("Met the buyer", true));
        assert_eq!((note.note_date, note.author_id), (today, me));
    }
}
