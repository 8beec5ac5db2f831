//! Contracts (seed 004): what a fulfilled order opens — a numbered agreement with its
//! value, parties and dates, whose status moves from active to one end (lost, upgraded,
//! downgraded, cancelled by hand; expired by the daily job), every move kept in its
//! history. A renewal is a new order whose contract names the one it renews.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::openapi::schema::Schema;
use uuid::Uuid;

use crate::account::MAX_METADATA_BYTES;
use crate::changes::kinds::{CreateOnly, Currency, Date, Id, Money, Object, Text, TextList};
use crate::changes::{changes, choice, schema, Kind, Mode};
use crate::input::{ObjectReader, Patch};
use crate::money::canonical;
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
pub enum ContractStatus {
    #[default]
    Active,
    Lost,
    Upgraded,
    Downgraded,
    Expired,
    Cancelled,
}

impl ContractStatus {
    pub const ALL: [ContractStatus; 6] = [
        ContractStatus::Active,
        ContractStatus::Lost,
        ContractStatus::Upgraded,
        ContractStatus::Downgraded,
        ContractStatus::Expired,
        ContractStatus::Cancelled,
    ];

    /// The ends a person may move an active contract to; `expired` is the daily job's.
    pub const BY_HAND: [ContractStatus; 4] = [
        ContractStatus::Lost,
        ContractStatus::Upgraded,
        ContractStatus::Downgraded,
        ContractStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContractStatus::Active => "active",
            ContractStatus::Lost => "lost",
            ContractStatus::Upgraded => "upgraded",
            ContractStatus::Downgraded => "downgraded",
            ContractStatus::Expired => "expired",
            ContractStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }

    /// Ends that lose the customer (the contracts dashboard's churn), as opposed to
    /// upgraded and downgraded, which replace a contract by another.
    pub fn is_churn(self) -> bool {
        matches!(
            self,
            ContractStatus::Expired | ContractStatus::Lost | ContractStatus::Cancelled
        )
    }
}

choice!(ContractStatus);

/// A contract as the API returns it. `Default` is the blank a create starts from (see
/// [`Contract::blank`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contract {
    pub id: Uuid,
    /// `CTR-<year>-<6 digits>` unless given by hand (an import); unique.
    pub contract_number: String,
    /// The order whose fulfilment opened it; none for a contract made by hand.
    pub order_id: Option<Uuid>,
    pub status: ContractStatus,
    pub account_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub distributor_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    /// YYYY-MM-DD: the day it took effect.
    pub activation_date: NaiveDate,
    /// YYYY-MM-DD: its last day; the daily job marks it expired the day after.
    pub expiration_date: NaiveDate,
    /// The contract this one renews.
    pub renewed_from_id: Option<Uuid>,
    /// Exact decimal string, written with the currency's minor units.
    #[schema(value_type = String, example = "1234.50")]
    pub total_value: Decimal,
    /// ISO 4217.
    pub currency: String,
    pub billing_provider: Option<String>,
    pub billing_customer_id: Option<String>,
    /// The billing provider's invoice ids.
    pub billing_invoices: Vec<String>,
    #[schema(value_type = Object)]
    pub billing_metadata: Map<String, Value>,
    pub notes_internal: Option<String>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    pub legacy_id: Option<String>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Contract {
    /// A new, active contract before its fields are filled, created now by `by`.
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

    /// What a contract derives from its fields: the value written with its currency's
    /// minor units.
    pub fn refresh_derived(&mut self) {
        self.total_value = canonical(self.total_value, Some(&self.currency));
    }

    /// The rules that span fields, checked before a contract is written.
    pub fn check(&self) -> Result<(), Invalid> {
        if self.expiration_date < self.activation_date {
            return Err(Invalid(vec![crate::FieldError::new(
                "expiration_date",
                "after",
                "must be on or after activation_date",
            )]));
        }
        Ok(())
    }
}

changes! {
    /// A contract made by hand (admins: one signed outside Rapport, or imported) or a
    /// patch of one. The parties, dates, value and numbers are given on create and fixed
    /// after; a patch changes the billing references, the internal notes and the owner.
    #[derive(Debug, Clone, Default)]
    pub struct ContractChanges {
        /// Allocated (`CTR-<year>-<6 digits>`) unless given; unique.
        contract_number: FixedText(100),
        /// The order it comes from, if any; an order has at most one contract.
        order_id: CreateOnly<Id>("immutable", "is fixed once the contract exists"),
        account_id: CreateOnly<Id>("immutable", "is fixed once the contract exists"),
        /// An account of kind partner.
        partner_id: CreateOnly<Id>("immutable", "is fixed once the contract exists"),
        /// An account of kind distributor.
        distributor_id: CreateOnly<Id>("immutable", "is fixed once the contract exists"),
        /// YYYY-MM-DD.
        activation_date: CreateOnly<Date>("immutable", "is fixed once the contract exists")
            [required not_null],
        /// YYYY-MM-DD, on or after activation_date.
        expiration_date: CreateOnly<Date>("immutable", "is fixed once the contract exists")
            [required not_null],
        /// A decimal string, e.g. "1234.50"; never a JSON number.
        total_value: CreateOnly<Money>("immutable", "is fixed once the contract exists")
            [required not_null],
        /// ISO 4217.
        currency: CreateOnly<Currency>("immutable", "is fixed once the contract exists")
            [required not_null],
        /// The contract this one renews (an imported chain); another may not renew it
        /// already.
        renewed_from_id: CreateOnly<Id>("immutable", "is fixed once the contract exists"),
        /// Unique.
        legacy_id: FixedText(200),
        billing_provider: Text(100),
        billing_customer_id: Text(200),
        /// The billing provider's invoice ids (duplicates dropped).
        billing_invoices: TextList(500, 200),
        billing_metadata: Object(MAX_METADATA_BYTES),
        notes_internal: Text(10000),
        owner_id: Id,
    }
    apply to Contract, then Contract::refresh_derived;
    create schema ContractCreate;
    patch schema ContractPatch;
    checks after;
    read with contract_rules;
}

fn contract_rules(r: &mut ObjectReader, c: &ContractChanges, create: bool) {
    if let (true, Patch::Set(from), Patch::Set(to)) =
        (create, &c.activation_date, &c.expiration_date)
    {
        if to < from {
            r.error(
                "expiration_date",
                "after",
                "must be on or after activation_date",
            );
        }
    }
}

/// A text given on create and fixed after (a contract's number, its legacy id).
pub struct FixedText(usize);

impl FixedText {
    pub const fn new(max: usize) -> Self {
        Self(max)
    }
}

impl Kind for FixedText {
    type Value = Patch<String>;

    fn read(&self, r: &mut ObjectReader, name: &str, mode: Mode) -> Patch<String> {
        let value = Text::new(self.0).read(r, name, mode);
        if !mode.create && !value.is_absent() {
            r.error(name, "immutable", "is fixed once the contract exists");
        }
        value
    }

    fn schema(&self) -> Schema {
        schema::text(self.0).build().into()
    }

    fn in_patch(&self) -> bool {
        false
    }
}

/// `POST /contracts/{id}/status`: the end an active contract moves to, and why.
#[derive(Debug, Clone)]
pub struct StatusMove {
    pub status: ContractStatus,
    pub reason: Option<String>,
}

impl StatusMove {
    pub fn read(body: Value) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let names = ContractStatus::BY_HAND
            .map(ContractStatus::as_str)
            .join(", ");
        let status = r.patch_enum("status", &names, |s| {
            ContractStatus::parse(s).filter(|s| ContractStatus::BY_HAND.contains(s))
        });
        let reason = r.optional_string("reason", 2000);
        let status = match status {
            Patch::Set(s) => Some(s),
            _ => {
                if !r.errors.iter().any(|e| e.field == "status") {
                    r.error("status", "required", "is required");
                }
                None
            }
        };
        r.finish()?;
        status
            .map(|status| StatusMove { status, reason })
            .ok_or_else(|| {
                Invalid(vec![crate::FieldError::new(
                    "status",
                    "required",
                    "is required",
                )])
            })
    }
}

/// `POST /contracts/{id}/renew`: the duration the renewal's items take, or their own.
#[derive(Debug, Clone, Default)]
pub struct Renewal {
    pub duration_id: Option<Uuid>,
}

impl Renewal {
    pub fn read(body: Value) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let duration_id = match r.patch_uuid("duration_id") {
            Patch::Set(id) => Some(id),
            Patch::Null | Patch::Absent => None,
        };
        r.finish()?;
        Ok(Renewal { duration_id })
    }
}

/// One move of a contract, as `GET /contracts/{id}/history` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ContractStatusChange {
    pub id: Uuid,
    pub contract_id: Uuid,
    /// None for the opening.
    pub from_status: Option<ContractStatus>,
    pub to_status: ContractStatus,
    pub reason: Option<String>,
    /// None for the daily expiry job.
    pub changed_by: Option<Uuid>,
    pub changed_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use utoipa::PartialSchema;

    use crate::changes::schema::as_json;

    fn create() -> serde_json::Value {
        json!({"activation_date": "2026-01-01", "expiration_date": "2027-01-01",
               "total_value": "1200.5", "currency": "EUR"})
    }

    #[test]
    fn a_hand_made_create_needs_dates_value_and_currency() {
        let e = ContractChanges::read(json!({}), true).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "activation_date",
                "expiration_date",
                "total_value",
                "currency"
            ]
        );
        let mut k = Contract::blank(None, Utc::now());
        ContractChanges::read(create(), true)
            .unwrap()
            .apply_to(&mut k);
        assert_eq!(k.total_value.to_string(), "1200.50");
        assert_eq!(k.status, ContractStatus::Active);
        assert!(k.contract_number.is_empty());
    }

    #[test]
    fn expiration_before_activation_is_named() {
        let mut body = create();
        body["expiration_date"] = json!("2025-12-31");
        let e = ContractChanges::read(body, true).unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].rule.as_str()),
            ("expiration_date", "after")
        );
    }

    #[test]
    fn a_patch_changes_only_the_billing_side() {
        let e = ContractChanges::read(
            json!({"total_value": "5", "contract_number": "X", "account_id": null}),
            false,
        )
        .unwrap_err();
        let got: Vec<(&str, &str)> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.rule.as_str()))
                .collect();
        assert!(got.contains(&("total_value", "immutable")), "{got:?}");
        assert!(got.contains(&("contract_number", "immutable")), "{got:?}");
        assert!(got.contains(&("account_id", "immutable")), "{got:?}");
        let mut k = Contract::blank(None, Utc::now());
        ContractChanges::read(
            json!({"billing_invoices": ["F-1", "F-2", "F-1"], "notes_internal": "n"}),
            false,
        )
        .unwrap()
        .apply_to(&mut k);
        assert_eq!(k.billing_invoices, ["F-1", "F-2"]);
        let patch = as_json(ContractPatch::schema());
        assert!(patch["properties"].get("total_value").is_none());
        assert!(patch["properties"].get("contract_number").is_none());
        assert_eq!(patch["additionalProperties"], false);
        let create = as_json(ContractCreate::schema());
        assert_eq!(
            create["required"],
            json!([
                "activation_date",
                "expiration_date",
                "total_value",
                "currency"
            ])
        );
    }

    #[test]
    fn a_status_move_is_one_of_the_ends_a_person_may_choose() {
        assert!(StatusMove::read(json!({"status": "expired"})).is_err());
        assert!(StatusMove::read(json!({"status": "active"})).is_err());
        assert!(StatusMove::read(json!({})).is_err());
        let m = StatusMove::read(json!({"status": "lost", "reason": "went elsewhere"})).unwrap();
        assert_eq!(m.status, ContractStatus::Lost);
        assert_eq!(m.reason.as_deref(), Some("went elsewhere"));
        assert!(Renewal::read(json!({"duration_id": "nope"})).is_err());
        assert!(Renewal::read(json!({})).unwrap().duration_id.is_none());
    }
}
