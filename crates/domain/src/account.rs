//! Accounts: every organisation Rapport knows (DESIGN §2).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::openapi::schema::Schema;
use uuid::Uuid;

use crate::changes::kinds::{Email, Enum, Id, Nested, Object, Phone, Text, TextList, WebUrl};
use crate::changes::schema::{closed_object, or_null, text};
use crate::changes::{changes, choice, no_rules, NestedObject};
use crate::country::to_alpha2;
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

    /// Seed 001's capitalised spellings, accepted on input (and in filters) as these.
    pub const ALIASES: [(&'static str, CustomerType); 2] = [
        ("Residential", CustomerType::Residential),
        ("Commercial", CustomerType::Commercial),
    ];

    /// One of the names, or seed 001's spelling of one, as the schema's enum lists them.
    pub fn parse(s: &str) -> Option<Self> {
        crate::changes::named(s, &Self::ALL, Self::as_str, &Self::ALIASES)
    }

    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

choice!(CustomerType, with aliases);

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
        let country = match r.patch_string("country", MAX_COUNTRY_LEN) {
            Patch::Set(c) => match to_alpha2(&c) {
                Some(code) => Some(code),
                None => {
                    r.error(
                        "country",
                        "iso3166",
                        format!(
                            "{c:?} is no ISO 3166-1 alpha-2 or alpha-3 code nor a country name"
                        ),
                    );
                    None
                }
            },
            _ => None,
        };
        let region = aliased(r, "region", "state", 100);
        let postal_code = aliased(r, "postal_code", "zip", 20);
        Some(Address {
            street: r.optional_string("street", 200),
            street2: r.optional_string("street2", 200),
            city: r.optional_string("city", 100),
            region,
            postal_code,
            country,
        })
    }

    /// Every part is optional (`null` reads as not given). The country is an ISO 3166-1
    /// alpha-2 or alpha-3 code in any case, or an English country name, stored as
    /// alpha-2; `state` and `zip` (seed 001's names) are read as `region` and
    /// `postal_code`.
    fn schema() -> Schema {
        let part = |max| or_null(text(max).build().into());
        let country = text(MAX_COUNTRY_LEN)
            .description(Some(
                "ISO 3166-1 alpha-2 or alpha-3 code (any case) or English name; stored as alpha-2",
            ))
            .build()
            .into();
        closed_object()
            .property("street", part(200))
            .property("street2", part(200))
            .property("city", part(100))
            .property("region", part(100))
            .property("state", part(100))
            .property("postal_code", part(20))
            .property("zip", part(20))
            .property("country", or_null(country))
            .build()
            .into()
    }
}

/// The longest country name people write ("South Georgia and the South Sandwich
/// Islands" and its kind).
const MAX_COUNTRY_LEN: usize = 60;

/// A part read under its name or under seed 001's alias for it; both at once is an
/// error naming the alias.
fn aliased(r: &mut ObjectReader, name: &str, alias: &str, max: usize) -> Option<String> {
    let given = r.has(name);
    let value = r.optional_string(name, max);
    if !r.has(alias) {
        return value;
    }
    if given {
        r.error(
            alias,
            "alias",
            format!("is another name for {name}; give one of them"),
        );
        let _ = r.optional_string(alias, max);
        return value;
    }
    r.optional_string(alias, max)
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
        // Names that differ only in case are a pattern, not an enum (see schema::one_of).
        assert_eq!(
            p["customer_type"]["pattern"],
            "^(?:residential|commercial|Residential|Commercial)$"
        );
        assert_eq!(p["customer_type"]["type"], json!(["string", "null"]));
        let website = p["website"]["pattern"].as_str().unwrap();
        assert!(website.contains("https?://"), "{website}");
        assert_eq!(p["tags"]["type"], json!(["array", "null"]));
        assert_eq!(p["tags"]["maxItems"], MAX_TAGS);
        assert_eq!(p["tags"]["items"]["maxLength"], MAX_TAG_LEN);
        let address = &p["billing_address"];
        assert_eq!(address["type"], json!(["object", "null"]));
        assert_eq!(address["additionalProperties"], false);
        assert_eq!(
            address["properties"]["country"]["maxLength"],
            json!(super::MAX_COUNTRY_LEN)
        );
        assert!(address["properties"]["state"].is_object());
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
