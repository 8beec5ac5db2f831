//! Leads: the sales pipeline of seeds 002 and 004. A lead moves through statuses; every
//! move is kept in its history, and won and lost are final until reopened.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::account::MAX_METADATA_BYTES;
use crate::input::{ObjectReader, Patch};
use crate::money::Money;
use crate::normalize::{company_key, phone_digits, search_text};
use crate::validation::{is_email, is_phone, Invalid};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
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
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .or_else(|| Self::ALIASES.iter().find(|(a, _)| *a == s).map(|(_, k)| *k))
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

/// A lead as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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
    /// The folded words `q` finds a lead by.
    pub fn search_words(&self) -> String {
        let digits = self.contact_phone.as_deref().map(phone_digits);
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
    pub fn money(&self) -> Option<Money> {
        Money::of(self.value, self.currency.as_deref())
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
                "required",
                "is required with a value",
            ));
        }
        if self.status == LeadStatus::Lost && self.lost_reason.is_none() {
            errors.push(crate::FieldError::new(
                "lost_reason",
                "required",
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

/// A create or a patch, as read from the body. `status_reason` is not a field of the
/// lead: it is the reason written to the status history with this change.
#[derive(Debug, Clone, Default)]
pub struct LeadChanges {
    pub title: Patch<String>,
    pub account_id: Patch<Uuid>,
    pub organization: Patch<String>,
    pub contact_name: Patch<String>,
    pub contact_email: Patch<String>,
    pub contact_phone: Patch<String>,
    pub product_id: Patch<Uuid>,
    pub value: Patch<Decimal>,
    pub currency: Patch<String>,
    pub status: Patch<LeadStatus>,
    pub probability: Patch<i64>,
    pub expected_close_date: Patch<NaiveDate>,
    pub acquisition_source: Patch<String>,
    pub owner_id: Patch<Uuid>,
    pub partner_id: Patch<Uuid>,
    pub distributor_id: Patch<Uuid>,
    pub lost_reason: Patch<String>,
    pub status_reason: Option<String>,
    pub legacy_id: Patch<String>,
    pub provider_name: Patch<String>,
    pub provider_id: Patch<String>,
    pub provider_metadata: Patch<Map<String, Value>>,
    pub last_sync_at: Patch<DateTime<Utc>>,
    pub sync_status: Patch<String>,
    pub sync_error: Patch<String>,
}

impl LeadChanges {
    pub fn read(body: Value, for_create: bool) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let title = if for_create {
            r.required_string("title", 300)
                .map_or(Patch::Absent, Patch::Set)
        } else {
            r.patch_string("title", 300)
        };
        let changes = LeadChanges {
            title,
            account_id: r.patch_uuid("account_id"),
            organization: r.patch_string("organization", 300),
            contact_name: r.patch_string("contact_name", 200),
            contact_email: r.patch_checked(
                "contact_email",
                254,
                "email",
                "is not an email address",
                is_email,
            ),
            contact_phone: r.patch_checked(
                "contact_phone",
                50,
                "phone",
                "is not a phone number",
                is_phone,
            ),
            product_id: r.patch_uuid("product_id"),
            value: r.patch_money("value"),
            currency: r.patch_currency("currency"),
            status: r.patch_enum("status", &LeadStatus::names(), LeadStatus::parse),
            probability: r.patch_int("probability", 0, 100),
            expected_close_date: r.patch_date("expected_close_date"),
            acquisition_source: r.patch_string("acquisition_source", 100),
            owner_id: r.patch_uuid("owner_id"),
            partner_id: r.patch_uuid("partner_id"),
            distributor_id: r.patch_uuid("distributor_id"),
            lost_reason: r.patch_string("lost_reason", 2000),
            status_reason: r.optional_string("status_reason", 2000),
            legacy_id: r.patch_string("legacy_id", 200),
            provider_name: r.patch_string("provider_name", 100),
            provider_id: r.patch_string("provider_id", 200),
            provider_metadata: r.patch_object("provider_metadata", MAX_METADATA_BYTES),
            last_sync_at: r.patch_timestamp("last_sync_at"),
            sync_status: r.patch_string("sync_status", 50),
            sync_error: r.patch_string("sync_error", 2000),
        };
        for (name, cleared) in [
            ("title", changes.title == Patch::Null),
            ("status", changes.status == Patch::Null),
            ("probability", changes.probability == Patch::Null),
        ] {
            if cleared {
                r.error(name, "required", "cannot be cleared");
            }
        }
        r.finish()?;
        Ok(changes)
    }
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
}
