//! Accounts: every organisation Rapport knows (DESIGN §2).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::country::is_iso3166_alpha2;
use crate::input::{ObjectReader, Patch};
use crate::normalize::company_key;
use crate::validation::{is_email, is_phone, is_web_url, Invalid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Customer,
    Prospect,
    Partner,
    Distributor,
    Office,
    Facility,
}

impl AccountKind {
    pub const ALL: [AccountKind; 6] = [
        AccountKind::Customer,
        AccountKind::Prospect,
        AccountKind::Partner,
        AccountKind::Distributor,
        AccountKind::Office,
        AccountKind::Facility,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Customer => "customer",
            AccountKind::Prospect => "prospect",
            AccountKind::Partner => "partner",
            AccountKind::Distributor => "distributor",
            AccountKind::Office => "office",
            AccountKind::Facility => "facility",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

/// Seed 001's Residential/Commercial; accepted in any case on input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustomerType {
    Residential,
    Commercial,
}

impl CustomerType {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerType::Residential => "residential",
            CustomerType::Commercial => "commercial",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "residential" => Some(CustomerType::Residential),
            "commercial" => Some(CustomerType::Commercial),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Address {
    pub street: Option<String>,
    pub street2: Option<String>,
    pub city: Option<String>,
    /// State, region or province.
    pub region: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: Option<String>,
}

impl Account {
    /// Where the account is, for filters: its billing address, or its service address
    /// when it has no billing address.
    pub fn place(&self) -> Option<&Address> {
        self.billing_address
            .as_ref()
            .or(self.service_address.as_ref())
    }
}

impl Address {
    pub(crate) fn read(r: &mut ObjectReader) -> Option<Address> {
        let country = r.patch_string("country", 2);
        let country = match country {
            Patch::Set(c) => {
                let upper = c.to_ascii_uppercase();
                if is_iso3166_alpha2(&upper) {
                    Some(upper)
                } else {
                    r.error("country", "iso3166", format!("unknown country code '{c}'"));
                    None
                }
            }
            _ => None,
        };
        Some(Address {
            street: r.optional_string("street", 200),
            street2: r.optional_string("street2", 200),
            city: r.optional_string("city", 100),
            region: r.optional_string("region", 100),
            postal_code: r.optional_string("postal_code", 20),
            country,
        })
    }
}

/// An account as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Account {
    pub id: Uuid,
    pub kind: AccountKind,
    pub name: String,
    pub legal_name: Option<String>,
    /// The normalised name used for deduplication (see docs/api.md).
    pub company_key: String,
    pub registration_number: Option<String>,
    pub customer_type: Option<CustomerType>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub billing_address: Option<Address>,
    pub service_address: Option<Address>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub owner_id: Option<Uuid>,
    pub legacy_id: Option<String>,
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
    /// The account this one was merged into (it is then archived).
    pub merged_into_id: Option<Uuid>,
    /// Increases with every change; the ETag is derived from it.
    pub version: i64,
}

/// Every writable field of an account, as a patch. A create is a patch over nothing
/// with `name` required.
#[derive(Debug, Clone, Default)]
pub struct AccountChanges {
    pub kind: Patch<AccountKind>,
    pub name: Patch<String>,
    pub legal_name: Patch<String>,
    pub registration_number: Patch<String>,
    pub customer_type: Patch<CustomerType>,
    pub email: Patch<String>,
    pub phone: Patch<String>,
    pub website: Patch<String>,
    pub billing_address: Patch<Address>,
    pub service_address: Patch<Address>,
    pub tags: Patch<Vec<String>>,
    pub notes: Patch<String>,
    pub owner_id: Patch<Uuid>,
    pub legacy_id: Patch<String>,
    pub metadata: Patch<Map<String, Value>>,
}

pub const MAX_TAGS: usize = 50;
pub const MAX_TAG_LEN: usize = 64;
pub const MAX_METADATA_BYTES: usize = 64 * 1024;

impl AccountChanges {
    /// Reads a create (`for_create`, where `name` is required) or a PATCH body.
    pub fn read(body: Value, for_create: bool) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let name = if for_create {
            r.required_string("name", 200)
                .map_or(Patch::Absent, Patch::Set)
        } else {
            let n = r.patch_string("name", 200);
            if n == Patch::Null {
                r.error("name", "required", "cannot be cleared");
            }
            n
        };
        if let Patch::Set(n) = &name {
            if company_key(n).is_empty() {
                r.error(
                    "name",
                    "letters_or_digits",
                    "must contain at least one letter or digit",
                );
            }
        }
        let kind = r.patch_enum("kind", &AccountKind::names(), AccountKind::parse);
        if kind == Patch::Null {
            r.error("kind", "required", "cannot be cleared");
        }
        let changes = AccountChanges {
            kind,
            name,
            legal_name: r.patch_string("legal_name", 300),
            registration_number: r.patch_string("registration_number", 64),
            customer_type: r.patch_enum(
                "customer_type",
                "residential, commercial",
                CustomerType::parse,
            ),
            email: r.patch_checked("email", 254, "email", "is not an email address", is_email),
            phone: r.patch_checked("phone", 50, "phone", "is not a phone number", is_phone),
            website: r.patch_checked("website", 2048, "url", "must be an http(s) URL", is_web_url),
            billing_address: r.patch_nested("billing_address", Address::read),
            service_address: r.patch_nested("service_address", Address::read),
            tags: r.patch_string_list("tags", MAX_TAGS, MAX_TAG_LEN),
            notes: r.patch_string("notes", 20_000),
            owner_id: r.patch_uuid("owner_id"),
            legacy_id: r.patch_string("legacy_id", 200),
            metadata: r.patch_object("metadata", MAX_METADATA_BYTES),
        };
        r.finish()?;
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_needs_a_name_with_letters() {
        let e = AccountChanges::read(json!({"name": "!!!"}), true).unwrap_err();
        assert_eq!(e.0[0].rule, "letters_or_digits");
        let e = AccountChanges::read(json!({}), true).unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].rule.as_str()),
            ("name", "required")
        );
    }

    #[test]
    fn bad_fields_are_all_named() {
        let e = AccountChanges::read(
            json!({"name": "A", "kind": "martian", "email": "x", "billing_address": {"country": "XX"}}),
            true,
        )
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["kind", "email", "billing_address.country"]);
    }
}
