//! Accounts: every organisation Rapport knows (DESIGN §2).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::openapi::schema::Schema;
use uuid::Uuid;

use crate::changes::kinds::{Email, Enum, Id, Nested, Object, Phone, Text, TextList, WebUrl};
use crate::changes::schema::{closed_object, or_null, text};
use crate::changes::{changes, choice, no_rules, NestedObject};
use crate::country::is_iso3166_alpha2;
use crate::input::{ObjectReader, Patch};
use crate::normalize::company_key;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    #[default]
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

choice!(AccountKind);

/// Seed 001's Residential/Commercial, in lower case as every name in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustomerType {
    Residential,
    Commercial,
}

impl CustomerType {
    pub const ALL: [CustomerType; 2] = [CustomerType::Residential, CustomerType::Commercial];

    pub fn as_str(self) -> &'static str {
        match self {
            CustomerType::Residential => "residential",
            CustomerType::Commercial => "commercial",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        // Exactly the names, as the schema's enum lists them; seed 001's capitalised
        // spelling is the importer's to map.
        match s {
            "residential" => Some(CustomerType::Residential),
            "commercial" => Some(CustomerType::Commercial),
            _ => None,
        }
    }

    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

choice!(CustomerType);

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
    /// A new account before its changes are applied: a customer, created now by `by`.
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

    /// What an account derives from its fields, after changes: its company key.
    pub fn refresh_derived(&mut self) {
        self.company_key = company_key(&self.name);
    }

    /// Where the account is, for filters: its billing address, or its service address
    /// when it has no billing address.
    pub fn place(&self) -> Option<&Address> {
        self.billing_address
            .as_ref()
            .or(self.service_address.as_ref())
    }
}

impl NestedObject for Address {
    fn read(r: &mut ObjectReader) -> Option<Address> {
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

    /// Every part is optional (`null` reads as not given); the country is an ISO 3166-1
    /// alpha-2 code in any case.
    fn schema() -> Schema {
        let part = |max| or_null(text(max).build().into());
        let country = text(2)
            .pattern(Some(crate::country::alpha2_pattern()))
            .build()
            .into();
        closed_object()
            .property("street", part(200))
            .property("street2", part(200))
            .property("city", part(100))
            .property("region", part(100))
            .property("postal_code", part(20))
            .property("country", or_null(country))
            .build()
            .into()
    }
}

/// An account as the API returns it. `Default` is the blank a create starts from (see
/// [`Account::blank`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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

changes! {
    /// Every writable field of an account, as a patch. A create is a patch over nothing
    /// with `name` required.
    #[derive(Debug, Clone, Default)]
    pub struct AccountChanges {
        /// Must contain a letter or digit.
        name: Text(200) [required not_null] then name_has_letters,
        /// Customer unless given.
        kind: Enum<AccountKind> [not_null],
        legal_name: Text(300),
        registration_number: Text(64),
        /// residential or commercial (seed 001).
        customer_type: Enum<CustomerType>,
        email: Email(254),
        phone: Phone(50),
        website: WebUrl(2048),
        billing_address: Nested<Address>,
        service_address: Nested<Address>,
        tags: TextList(MAX_TAGS, MAX_TAG_LEN),
        notes: Text(20_000),
        owner_id: Id,
        legacy_id: Text(200),
        metadata: Object(MAX_METADATA_BYTES),
    }
    apply to Account, then Account::refresh_derived;
    create schema AccountCreate;
    patch schema AccountPatch;
    checks inline;
    read with no_rules;
}

pub const MAX_TAGS: usize = 50;
pub const MAX_TAG_LEN: usize = 64;
pub const MAX_METADATA_BYTES: usize = 64 * 1024;

fn name_has_letters(r: &mut ObjectReader, name: &Patch<String>) {
    if let Patch::Set(n) = name {
        if company_key(n).is_empty() {
            r.error(
                "name",
                "letters_or_digits",
                "must contain at least one letter or digit",
            );
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

    #[test]
    fn schemas_are_as_strict_as_the_reader() {
        let create = as_json(AccountCreate::schema());
        assert_eq!(create["required"], json!(["name"]));
        assert_eq!(create["additionalProperties"], false);
        let p = &create["properties"];
        assert_eq!(p["name"]["type"], "string");
        assert_eq!(p["kind"]["enum"][0], "customer");
        assert_eq!(p["kind"]["type"], "string");
        assert_eq!(
            p["customer_type"]["enum"],
            json!(["residential", "commercial", null])
        );
        let website = p["website"]["pattern"].as_str().unwrap();
        assert!(website.contains("https?://"), "{website}");
        assert_eq!(p["tags"]["type"], json!(["array", "null"]));
        assert_eq!(p["tags"]["maxItems"], MAX_TAGS);
        assert_eq!(p["tags"]["items"]["maxLength"], MAX_TAG_LEN);
        let address = &p["billing_address"];
        assert_eq!(address["type"], json!(["object", "null"]));
        assert_eq!(address["additionalProperties"], false);
        let country = address["properties"]["country"]["pattern"]
            .as_str()
            .unwrap();
        assert!(country.starts_with("^(?:[Aa][DdEe"), "{country}");
        assert_eq!(p["metadata"]["type"], json!(["object", "null"]));
        let patch = as_json(AccountPatch::schema());
        assert!(
            patch.get("required").is_none_or(|r| r == &json!([])),
            "{patch}"
        );
        assert_eq!(patch["properties"]["name"]["type"], "string");
    }

    #[test]
    fn changes_apply_onto_an_account() {
        let mut account = Account::blank(None, Utc::now());
        let create = json!({"name": "Hôpital Saint-Éloi", "tags": ["a", "b"],
                            "billing_address": {"city": "Lyon", "country": "fr"}});
        AccountChanges::read(create, true)
            .unwrap()
            .apply_to(&mut account);
        assert_eq!(account.kind, AccountKind::Customer);
        assert_eq!(account.company_key, "HOPITALSAINTELOI");
        assert_eq!(
            account
                .billing_address
                .as_ref()
                .and_then(|a| a.country.as_deref()),
            Some("FR")
        );
        let patch = json!({"tags": null, "billing_address": null, "kind": "partner"});
        AccountChanges::read(patch, false)
            .unwrap()
            .apply_to(&mut account);
        assert!(account.tags.is_empty() && account.billing_address.is_none());
        assert_eq!(account.kind, AccountKind::Partner);
    }
}
