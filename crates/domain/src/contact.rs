//! Contacts: the people Rapport knows, of every type the seeds have (seed 003's profile
//! types), and their links to accounts.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::account::{Address, MAX_METADATA_BYTES};
use crate::input::{ObjectReader, Patch};
use crate::validation::{is_email, is_phone, Invalid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Contact,
    Doctor,
    Patient,
    Technician,
    Staff,
    SalesPerson,
}

impl ContactKind {
    pub const ALL: [ContactKind; 6] = [
        ContactKind::Contact,
        ContactKind::Doctor,
        ContactKind::Patient,
        ContactKind::Technician,
        ContactKind::Staff,
        ContactKind::SalesPerson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Contact => "contact",
            ContactKind::Doctor => "doctor",
            ContactKind::Patient => "patient",
            ContactKind::Technician => "technician",
            ContactKind::Staff => "staff",
            ContactKind::SalesPerson => "sales_person",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

/// A person as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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
    pub fn display_name(first: Option<&str>, middle: Option<&str>, last: Option<&str>) -> String {
        [first, middle, last]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Every writable field of a contact, as a patch.
#[derive(Debug, Clone, Default)]
pub struct ContactChanges {
    pub kind: Patch<ContactKind>,
    pub first_name: Patch<String>,
    pub middle_name: Patch<String>,
    pub last_name: Patch<String>,
    pub email: Patch<String>,
    pub phone: Patch<String>,
    pub title: Patch<String>,
    pub date_of_birth: Patch<NaiveDate>,
    pub gender: Patch<String>,
    pub address: Patch<Address>,
    pub active: Patch<bool>,
    pub legacy_id: Patch<String>,
    pub metadata: Patch<Map<String, Value>>,
}

impl ContactChanges {
    /// Reads a create (`for_create`: a first or last name is required) or a PATCH body.
    /// Whether a patched contact still has a name is checked against the stored record.
    pub fn read(body: Value, for_create: bool) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let kind = r.patch_enum("kind", &ContactKind::names(), ContactKind::parse);
        if kind == Patch::Null {
            r.error("kind", "required", "cannot be cleared");
        }
        let active = r.patch_bool("active");
        if active == Patch::Null {
            r.error("active", "required", "cannot be cleared");
        }
        let date_of_birth = r.patch_date("date_of_birth");
        if let Patch::Set(d) = date_of_birth {
            if d > Utc::now().date_naive() {
                r.error("date_of_birth", "past", "must not be in the future");
            }
        }
        let changes = ContactChanges {
            kind,
            first_name: r.patch_string("first_name", 100),
            middle_name: r.patch_string("middle_name", 100),
            last_name: r.patch_string("last_name", 100),
            email: r.patch_checked("email", 254, "email", "is not an email address", is_email),
            phone: r.patch_checked("phone", 50, "phone", "is not a phone number", is_phone),
            title: r.patch_string("title", 200),
            date_of_birth,
            gender: r.patch_string("gender", 32),
            address: r.patch_nested("address", Address::read),
            active,
            legacy_id: r.patch_string("legacy_id", 200),
            metadata: r.patch_object("metadata", MAX_METADATA_BYTES),
        };
        if for_create
            && !matches!(changes.first_name, Patch::Set(_))
            && !matches!(changes.last_name, Patch::Set(_))
        {
            r.error(
                "last_name",
                "required",
                "a contact needs a first or a last name",
            );
        }
        r.finish()?;
        Ok(changes)
    }
}

/// How a person relates to an account (seed 001's contact links, seed 003's offices).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccountContact {
    pub id: Uuid,
    pub account_id: Uuid,
    pub contact_id: Uuid,
    pub role: Option<String>,
    pub is_primary: bool,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub active: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// The writable fields of a link. On create `contact_id` is required.
#[derive(Debug, Clone, Default)]
pub struct LinkChanges {
    pub contact_id: Option<Uuid>,
    pub role: Patch<String>,
    pub is_primary: Patch<bool>,
    pub start_date: Patch<NaiveDate>,
    pub end_date: Patch<NaiveDate>,
    pub active: Patch<bool>,
}

impl LinkChanges {
    pub fn read(body: Value, for_create: bool) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let contact_id = if for_create {
            match r.patch_uuid("contact_id") {
                Patch::Set(id) => Some(id),
                Patch::Null | Patch::Absent => {
                    if !r.errors.iter().any(|e| e.field == "contact_id") {
                        r.error("contact_id", "required", "is required");
                    }
                    None
                }
            }
        } else {
            None
        };
        let changes = LinkChanges {
            contact_id,
            role: r.patch_string("role", 100),
            is_primary: r.patch_bool("is_primary"),
            start_date: r.patch_date("start_date"),
            end_date: r.patch_date("end_date"),
            active: r.patch_bool("active"),
        };
        for (name, value) in [
            ("is_primary", &changes.is_primary),
            ("active", &changes.active),
        ] {
            if *value == Patch::Null {
                r.error(name, "required", "cannot be cleared");
            }
        }
        if let (Patch::Set(start), Patch::Set(end)) = (&changes.start_date, &changes.end_date) {
            if end < start {
                r.error("end_date", "after_start", "must not be before start_date");
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
                ("last_name", "required")
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
}
