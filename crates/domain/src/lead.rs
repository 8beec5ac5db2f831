//! Leads: the sales pipeline of seeds 002 and 004. A lead moves through statuses; every
//! move is kept in its history, and won and lost are final until reopened.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::account::MAX_METADATA_BYTES;
use crate::changes::kinds::{
    Currency, DateOrMidnight, Email, Enum, Id, Int, Money, Object, OptionalText, Phone, Text,
    Timestamp,
};
use crate::changes::{changes, choice, no_rules};
use crate::input::{ObjectReader, Patch};
use crate::money::{self, canonical};
use crate::normalize::{company_key, phone_words, search_text};
use crate::validation::Invalid;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    #[default]
    New,
    Contacted,
    Qualified,
    Proposal,
    Negotiation,
    Won,
    Lost,
}

impl LeadStatus {
    pub const ALL: [LeadStatus; 7] = [
        LeadStatus::New,
        LeadStatus::Contacted,
        LeadStatus::Qualified,
        LeadStatus::Proposal,
        LeadStatus::Negotiation,
        LeadStatus::Won,
        LeadStatus::Lost,
    ];

    /// Seed 002's names for the same stages, accepted on input.
    pub const ALIASES: [(&'static str, LeadStatus); 3] = [
        ("lead", LeadStatus::New),
        ("closed_won", LeadStatus::Won),
        ("closed_lost", LeadStatus::Lost),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LeadStatus::New => "new",
            LeadStatus::Contacted => "contacted",
            LeadStatus::Qualified => "qualified",
            LeadStatus::Proposal => "proposal",
            LeadStatus::Negotiation => "negotiation",
            LeadStatus::Won => "won",
            LeadStatus::Lost => "lost",
        }
    }

    /// A status by its name or one of seed 002's aliases.
    pub fn parse(s: &str) -> Option<Self> {
        crate::changes::named(s, &Self::ALL, Self::as_str, &Self::ALIASES)
    }

    pub fn names() -> String {
        let aliases: Vec<&str> = Self::ALIASES.iter().map(|(a, _)| *a).collect();
        format!(
            "{} (or seed 002's {})",
            Self::ALL.map(Self::as_str).join(", "),
            aliases.join(", ")
        )
    }

    /// Won and lost end a lead's run; leaving them takes an explicit reopen.
    pub fn is_final(self) -> bool {
        matches!(self, LeadStatus::Won | LeadStatus::Lost)
    }
}

choice!(LeadStatus, with aliases);

/// A lead as the API returns it. `Default` is the blank a create starts from (see
/// [`Lead::blank`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Lead {
    pub id: Uuid,
    pub title: String,
    pub account_id: Option<Uuid>,
    /// Free-text organisation and contact, for leads not yet linked to an account.
    pub organization: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// The product of interest (seed 002).
    pub product_id: Option<Uuid>,
    /// Exact decimal string, written with the currency's minor units.
    #[schema(value_type = Option<String>, example = "1234.50")]
    pub value: Option<Decimal>,
    /// ISO 4217; required with a value.
    pub currency: Option<String>,
    pub status: LeadStatus,
    /// 0–100; the status's default unless set.
    pub probability: i64,
    pub expected_close_date: Option<NaiveDate>,
    pub acquisition_source: Option<String>,
    pub owner_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub distributor_id: Option<Uuid>,
    /// Required while the lead is lost.
    pub lost_reason: Option<String>,
    /// When the lead was last won or lost.
    pub closed_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    pub legacy_id: Option<String>,
    pub provider_name: Option<String>,
    pub provider_id: Option<String>,
    #[schema(value_type = Object)]
    pub provider_metadata: Map<String, Value>,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub sync_status: Option<String>,
    pub sync_error: Option<String>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Lead {
    /// A new lead before its changes are applied: status new, probability 0 (entering
    /// the status sets its default), created now by `by`.
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

    /// What a lead derives from its fields, after changes: the value written with its
    /// currency's minor units.
    pub fn refresh_derived(&mut self) {
        if let Some(v) = self.value {
            self.value = Some(canonical(v, self.currency.as_deref()));
        }
    }

    /// The folded words `q` finds a lead by.
    pub fn search_words(&self) -> String {
        let digits = self.contact_phone.as_deref().map(phone_words);
        let parts: Vec<&str> = [
            Some(self.title.as_str()),
            self.organization.as_deref(),
            self.contact_name.as_deref(),
            self.contact_email.as_deref(),
            self.contact_phone.as_deref(),
            digits.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        search_text(&parts)
    }

    pub fn title_key(&self) -> String {
        company_key(&self.title)
    }

    /// The value with its currency, when the lead has one.
    pub fn money(&self) -> Option<money::Money> {
        money::Money::of(self.value, self.currency.as_deref())
    }

    /// value × probability / 100, exact.
    pub fn weighted_value(&self) -> Option<Decimal> {
        self.money().map(|m| m.percent(self.probability).amount())
    }

    /// The rules that span fields, checked on the merged record before every write.
    pub fn check(&self) -> Result<(), Invalid> {
        let mut errors = Vec::new();
        if self.value.is_some() && self.currency.is_none() {
            errors.push(crate::FieldError::new(
                "currency",
                "depends",
                "is required with a value",
            ));
        }
        if self.status == LeadStatus::Lost && self.lost_reason.is_none() {
            errors.push(crate::FieldError::new(
                "lost_reason",
                "depends",
                "is required to mark a lead lost",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(errors))
        }
    }
}

changes! {
    /// A create or a patch, as read from the body. `status_reason` is not a field of the
    /// lead: it is the reason written to the status history with this change.
    #[derive(Debug, Clone, Default)]
    pub struct LeadChanges {
        title: Text(300) [required not_null],
        account_id: Id,
        /// Free-text organisation, for a lead not yet linked to an account.
        organization: Text(300),
        contact_name: Text(200),
        contact_email: Email(254),
        contact_phone: Phone(50),
        /// The product of interest.
        product_id: Id,
        /// A decimal string, e.g. "1234.50"; never a JSON number.
        value: Money,
        /// ISO 4217; required with a value.
        currency: Currency,
        /// Entering a status sets its default probability unless one is given; won and
        /// lost are final until the lead is reopened.
        status: Enum<LeadStatus> [not_null],
        /// 0–100; the status's default unless set.
        probability: Int(0, 100) [not_null],
        /// YYYY-MM-DD, or a time at midnight (read as its date).
        expected_close_date: DateOrMidnight,
        acquisition_source: Text(100),
        owner_id: Id,
        partner_id: Id,
        distributor_id: Id,
        /// Required to mark a lead lost.
        lost_reason: Text(2000),
        /// Written to the status history with this change.
        status_reason: OptionalText(2000) [no_apply],
        legacy_id: Text(200),
        provider_name: Text(100),
        provider_id: Text(200),
        provider_metadata: Object(MAX_METADATA_BYTES),
        last_sync_at: Timestamp,
        sync_status: Text(50),
        sync_error: Text(2000),
    }
    apply to Lead, then Lead::refresh_derived;
    create schema LeadCreate;
    patch schema LeadPatch;
    checks after;
    read with no_rules;
}

/// One move of a lead, as `GET /leads/{id}/history` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusChange {
    pub id: Uuid,
    pub lead_id: Uuid,
    /// None for the status the lead was created with.
    pub old_status: Option<LeadStatus>,
    pub new_status: LeadStatus,
    pub reason: Option<String>,
    /// True when this move took a won or lost lead back into the pipeline.
    pub reopened: bool,
    pub changed_by: Option<Uuid>,
    pub changed_at: DateTime<Utc>,
}

/// `POST /leads/{id}/reopen`: the status to go back to and why.
#[derive(Debug, Clone)]
pub struct Reopen {
    pub status: LeadStatus,
    pub reason: String,
}

impl Reopen {
    pub fn read(body: Value) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let status = r.patch_enum("status", &LeadStatus::names(), LeadStatus::parse);
        let reason = r.required_string("reason", 2000);
        let status = match status {
            Patch::Set(s) if s.is_final() => {
                r.error(
                    "status",
                    "open_status",
                    "must be an open status (not won or lost)",
                );
                None
            }
            Patch::Set(s) => Some(s),
            Patch::Null | Patch::Absent => {
                if !r.errors.iter().any(|e| e.field == "status") {
                    r.error("status", "required", "is required");
                }
                None
            }
        };
        r.finish()?;
        match (status, reason) {
            (Some(status), Some(reason)) => Ok(Reopen { status, reason }),
            _ => Err(Invalid(vec![crate::FieldError::new(
                "status",
                "required",
                "is required",
            )])),
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
    fn statuses_and_seed_002_aliases() {
        assert_eq!(LeadStatus::parse("closed_won"), Some(LeadStatus::Won));
        assert_eq!(LeadStatus::parse("lead"), Some(LeadStatus::New));
        assert_eq!(
            LeadStatus::parse("negotiation"),
            Some(LeadStatus::Negotiation)
        );
        assert_eq!(LeadStatus::parse("closed"), None);
        assert!(LeadStatus::Lost.is_final() && !LeadStatus::Proposal.is_final());
    }

    #[test]
    fn bad_fields_are_all_named() {
        let e = LeadChanges::read(
            json!({"status": "maybe", "probability": 101, "value": "-5", "currency": "EURO",
                   "expected_close_date": "soon"}),
            true,
        )
        .unwrap_err();
        let got: Vec<(&str, &str)> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.rule.as_str()))
                .collect();
        assert!(got.contains(&("title", "required")));
        assert!(got.contains(&("status", "enum")));
        assert!(got.contains(&("probability", "range")));
        assert!(got.contains(&("value", "minimum")));
        assert!(
            got.contains(&("currency", "max_length")) || got.contains(&("currency", "iso4217"))
        );
        assert!(got.contains(&("expected_close_date", "date")));
    }

    #[test]
    fn value_is_a_string_not_a_float() {
        let e = LeadChanges::read(
            json!({"title": "x", "value": 12.5, "currency": "EUR"}),
            true,
        )
        .unwrap_err();
        assert_eq!(e.0[0].field, "value");
        assert_eq!(e.0[0].rule, "type");
    }

    #[test]
    fn reopen_needs_an_open_status_and_a_reason() {
        assert!(Reopen::read(json!({"status": "won", "reason": "x"})).is_err());
        assert!(Reopen::read(json!({"status": "proposal"})).is_err());
        let r =
            Reopen::read(json!({"status": "proposal", "reason": "customer came back"})).unwrap();
        assert_eq!(r.status, LeadStatus::Proposal);
    }

    #[test]
    fn schemas_are_as_strict_as_the_reader() {
        let create = as_json(LeadCreate::schema());
        assert_eq!(create["required"], json!(["title"]));
        assert_eq!(create["additionalProperties"], false);
        let p = &create["properties"];
        assert_eq!(p["title"]["type"], "string");
        assert_eq!(p["title"]["maxLength"], 300);
        assert_eq!(p["probability"]["type"], "integer");
        assert_eq!(p["probability"]["minimum"], 0);
        assert_eq!(p["probability"]["maximum"], 100);
        assert_eq!(p["value"]["type"], json!(["string", "null"]));
        let value = p["value"]["pattern"].as_str().unwrap();
        assert!(value.contains(r"[0-9]{1,14}(?:\.[0-9]{1,4})?"), "{value}");
        let currencies = p["currency"]["enum"].as_array().unwrap();
        assert!(currencies.contains(&json!("EUR")) && !currencies.contains(&json!("eur")));
        assert_eq!(p["contact_email"]["format"], "email");
        assert_eq!(p["expected_close_date"]["anyOf"][0]["format"], "date");
        assert_eq!(p["last_sync_at"]["format"], "date-time");
        assert_eq!(p["acquisition_source"]["maxLength"], 100);
        assert_eq!(p["status"]["type"], "string");
        let statuses = p["status"]["enum"].as_array().unwrap();
        assert!(
            statuses.contains(&json!("negotiation")) && statuses.contains(&json!("closed_won"))
        );
        assert!(!statuses.contains(&json!(null)), "status cannot be cleared");
        assert!(p.get("status_reason").is_some());
        let patch = as_json(LeadPatch::schema());
        assert!(
            patch.get("required").is_none_or(|r| r == &json!([])),
            "{patch}"
        );
        assert_eq!(patch["additionalProperties"], false);
        assert_eq!(patch["properties"]["title"]["type"], "string");
        assert_eq!(
            patch["properties"]["owner_id"]["type"],
            json!(["string", "null"])
        );
    }

    #[test]
    fn changes_apply_onto_a_lead() {
        let mut lead = Lead::blank(None, Utc::now());
        let create = json!({"title": "Scanner", "value": "1234.5", "currency": "EUR",
                            "acquisition_source": "fair", "status": "qualified",
                            "provider_metadata": {"a": 1}});
        LeadChanges::read(create, true).unwrap().apply_to(&mut lead);
        assert_eq!(lead.title, "Scanner");
        assert_eq!(
            lead.value.map(|v| v.to_string()).as_deref(),
            Some("1234.50")
        );
        assert_eq!(lead.acquisition_source.as_deref(), Some("fair"));
        assert_eq!(lead.status, LeadStatus::Qualified);
        assert_eq!((lead.probability, lead.version), (0, 1));
        let patch =
            json!({"acquisition_source": null, "provider_metadata": null, "probability": 55});
        LeadChanges::read(patch, false).unwrap().apply_to(&mut lead);
        assert_eq!(lead.acquisition_source, None);
        assert!(lead.provider_metadata.is_empty());
        assert_eq!((lead.title.as_str(), lead.probability), ("Scanner", 55));
    }
}
