//! Contacts: the people Rapport knows, of every type the seeds have (seed 003's profile
//! types), and their links to accounts.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::openapi::schema::Schema;
use uuid::Uuid;

use crate::account::{Address, MAX_METADATA_BYTES};
use crate::changes::kinds::{Date, Email, Enum, Flag, Id, Nested, Object, Phone, Text};
use crate::changes::{changes, choice, Kind, Mode};
use crate::input::{ObjectReader, Patch};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    #[default]
    Contact,
    Doctor,
    Patient,
    Technician,
    Staff,
    SalesPerson,
    /// Seed 003's senior lab technician.
    Master,
}

impl ContactKind {
    pub const ALL: [ContactKind; 7] = [
        ContactKind::Contact,
        ContactKind::Doctor,
        ContactKind::Patient,
        ContactKind::Technician,
        ContactKind::Staff,
        ContactKind::SalesPerson,
        ContactKind::Master,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Contact => "contact",
            ContactKind::Doctor => "doctor",
            ContactKind::Patient => "patient",
            ContactKind::Technician => "technician",
            ContactKind::Staff => "staff",
            ContactKind::SalesPerson => "sales_person",
            ContactKind::Master => "master",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

choice!(ContactKind);

/// A person as the API returns it. `Default` is the blank a create starts from (see
/// [`Contact::blank`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contact {
    pub id: Uuid,
    pub kind: ContactKind,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    /// First, middle and last name joined, for display.
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub title: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub gender: Option<String>,
    pub address: Option<Address>,
    pub active: bool,
    pub legacy_id: Option<String>,
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Contact {
    /// A new contact before its changes are applied: an active contact, created now by
    /// `by`.
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

    /// What a contact derives from its fields, after changes: its full name.
    pub fn refresh_derived(&mut self) {
        self.full_name = Self::display_name(
            self.first_name.as_deref(),
            self.middle_name.as_deref(),
            self.last_name.as_deref(),
        );
    }

    pub fn display_name(first: Option<&str>, middle: Option<&str>, last: Option<&str>) -> String {
        [first, middle, last]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

changes! {
    /// Every writable field of a contact, as a patch. A create needs a first or a last
    /// name; whether a patched contact still has one is checked against the stored record.
    #[derive(Debug, Clone, Default)]
    pub struct ContactChanges {
        /// Contact unless given.
        kind: Enum<ContactKind> [not_null],
        active: Flag [not_null],
        /// Not in the future.
        date_of_birth: Date then not_in_the_future,
        /// A first or a last name is required.
        first_name: Text(100),
        middle_name: Text(100),
        last_name: Text(100),
        email: Email(254),
        phone: Phone(50),
        title: Text(200),
        gender: Text(32),
        address: Nested<Address>,
        legacy_id: Text(200),
        metadata: Object(MAX_METADATA_BYTES),
    }
    apply to Contact, then Contact::refresh_derived;
    create schema ContactCreate;
    patch schema ContactPatch;
    checks inline;
    read with contact_rules;
}

fn not_in_the_future(r: &mut ObjectReader, date_of_birth: &Patch<NaiveDate>) {
    if let Patch::Set(d) = date_of_birth {
        if *d > Utc::now().date_naive() {
            r.error("date_of_birth", "past", "must not be in the future");
        }
    }
}

fn contact_rules(r: &mut ObjectReader, changes: &ContactChanges, for_create: bool) {
    if for_create
        && !matches!(changes.first_name, Patch::Set(_))
        && !matches!(changes.last_name, Patch::Set(_))
    {
        r.error(
            "last_name",
            "one_of",
            "a contact needs a first or a last name",
        );
    }
}

/// How a person relates to an account (seed 001's contact links, seed 003's offices).
/// `Default` is the blank a link starts from (see [`AccountContact::blank`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccountContact {
    pub id: Uuid,
    pub account_id: Uuid,
    pub contact_id: Uuid,
    pub role: Option<String>,
    /// The account's primary contact (one per account).
    pub is_primary: bool,
    /// The person's primary account (one per person; seed 003's primary office).
    pub is_primary_account: bool,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub active: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl AccountContact {
    /// A new, active link of `contact_id` to `account_id` before its changes are applied,
    /// created now by `by`.
    pub fn blank(account_id: Uuid, contact_id: Uuid, by: Option<Uuid>, at: DateTime<Utc>) -> Self {
        Self {
            id: crate::new_id(),
            account_id,
            contact_id,
            active: true,
            created_by: by,
            created_at: at,
            updated_at: at,
            version: 1,
            ..Self::default()
        }
    }
}

changes! {
    /// The writable fields of a link. On create `contact_id` is required.
    #[derive(Debug, Clone, Default)]
    pub struct LinkChanges {
        /// The person to link; required when linking, fixed after.
        contact_id: LinkedContact [required no_apply],
        role: Text(100),
        /// Making a contact primary makes the previous primary an ordinary link.
        is_primary: Flag [not_null],
        /// This is the person's primary account (seed 003's primary office): at most
        /// one per person; unset it at the other account first.
        is_primary_account: Flag [not_null],
        start_date: Date,
        /// Not before start_date.
        end_date: Date,
        active: Flag [not_null],
    }
    apply to AccountContact;
    create schema LinkCreate;
    patch schema LinkPatch;
    checks after;
    read with link_rules;
}

/// The contact a new link names: read on create only (a patch cannot move a link to
/// another person, so there it is an unknown field).
#[derive(Default)]
pub struct LinkedContact;

impl LinkedContact {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for LinkedContact {
    type Value = Option<Uuid>;

    fn read(&self, r: &mut ObjectReader, name: &str, mode: Mode) -> Option<Uuid> {
        if !mode.create {
            return None;
        }
        match r.patch_uuid(name) {
            Patch::Set(id) => Some(id),
            Patch::Null | Patch::Absent => None,
        }
    }

    fn schema(&self) -> Schema {
        Id.schema()
    }

    fn accepts_null(&self) -> bool {
        false
    }

    fn in_patch(&self) -> bool {
        false
    }
}

fn link_rules(r: &mut ObjectReader, changes: &LinkChanges, _: bool) {
    if let (Patch::Set(start), Patch::Set(end)) = (&changes.start_date, &changes.end_date) {
        if end < start {
            r.error("end_date", "after_start", "must not be before start_date");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use utoipa::PartialSchema;

    use crate::changes::schema::as_json;

    #[test]
    fn a_contact_needs_a_name_and_valid_fields() {
        let e = ContactChanges::read(json!({"email": "nope", "kind": "alien"}), true).unwrap_err();
        let got: Vec<(&str, &str)> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.rule.as_str()))
                .collect();
        assert_eq!(
            got,
            vec![
                ("kind", "enum"),
                ("email", "email"),
                ("last_name", "one_of")
            ]
        );
        assert!(ContactChanges::read(json!({"first_name": "Ada"}), true).is_ok());
    }

    #[test]
    fn a_link_needs_ordered_dates() {
        let e = LinkChanges::read(
            json!({"contact_id": uuid::Uuid::nil().to_string(), "start_date": "2026-02-01", "end_date": "2026-01-01"}),
            true,
        )
        .unwrap_err();
        assert_eq!(e.0[0].field, "end_date");
        let e = LinkChanges::read(json!({}), true).unwrap_err();
        assert_eq!(e.0[0].field, "contact_id");
    }

    #[test]
    fn schemas_are_as_strict_as_the_reader() {
        let create = as_json(ContactCreate::schema());
        assert!(
            create.get("required").is_none_or(|r| r == &json!([])),
            "{create}"
        );
        let p = &create["properties"];
        assert_eq!(p["kind"]["type"], "string");
        assert_eq!(p["active"]["type"], "boolean");
        assert_eq!(p["date_of_birth"]["format"], "date");
        assert_eq!(p["phone"]["maxLength"], 50);
        assert_eq!(p["address"]["additionalProperties"], false);
        let link = as_json(LinkCreate::schema());
        assert_eq!(link["required"], json!(["contact_id"]));
        assert_eq!(link["properties"]["contact_id"]["type"], "string");
        let link_patch = as_json(LinkPatch::schema());
        assert!(link_patch["properties"].get("contact_id").is_none());
        assert_eq!(link_patch["properties"]["is_primary"]["type"], "boolean");
        assert_eq!(
            link_patch["properties"]["role"]["type"],
            json!(["string", "null"])
        );
    }

    #[test]
    fn changes_apply_onto_contacts_and_links() {
        let mut contact = Contact::blank(None, Utc::now());
        let body = json!({"first_name": "Ada", "last_name": "Lovelace", "kind": "doctor"});
        ContactChanges::read(body, true)
            .unwrap()
            .apply_to(&mut contact);
        assert_eq!(contact.full_name, "Ada Lovelace");
        assert!(contact.active);
        assert_eq!(contact.kind, ContactKind::Doctor);
        ContactChanges::read(json!({"first_name": null}), false)
            .unwrap()
            .apply_to(&mut contact);
        assert_eq!(contact.full_name, "Lovelace");
        let mut link = AccountContact::blank(Uuid::nil(), Uuid::nil(), None, Utc::now());
        let body =
            json!({"contact_id": Uuid::nil().to_string(), "is_primary": true, "role": "buyer"});
        LinkChanges::read(body, true).unwrap().apply_to(&mut link);
        assert!(link.is_primary && link.active);
        assert_eq!(link.role.as_deref(), Some("buyer"));
    }
}
