//! Orders (seeds 003 and 004): a typed order in a state of the workflow, with people by
//! role, priced lines and totals. Its type says what `data` must look like (a JSON
//! Schema) and which roles must be present; its state says whether it may still change.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::account::MAX_METADATA_BYTES;
use crate::changes::kinds::{CreateOnly, Currency, Enum, Id, Object, Text};
use crate::changes::{changes, choice, no_rules, Kind, Mode};
use crate::input::{ObjectReader, Patch};
use crate::money::canonical;
use crate::order_config::OrderType;
use crate::order_input::{Items, People, Percent};
use crate::order_item::{ItemInput, OrderItem, OrderPerson};
use crate::pricing::order_amounts;
use crate::validation::{FieldError, Invalid};

/// How urgent an order is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

choice!(Priority);

/// An order as the API returns it, with its people and lines. `Default` is the blank a
/// create starts from (see [`Order::blank`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Order {
    pub id: Uuid,
    /// Unique and readable: `ORD-<year>-<6 digits>`, or the number given on create.
    pub order_number: String,
    pub order_type_id: Uuid,
    /// Where the order stands in the workflow; moved only by transitions and reopen.
    pub state_id: Uuid,
    /// The customer (seed 003's office).
    pub account_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub distributor_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub priority: Priority,
    pub description: Option<String>,
    /// Checked against the order type's JSON Schema on every change.
    #[schema(value_type = Object)]
    pub data: Map<String, Value>,
    /// ISO 4217; every line is priced in it.
    pub currency: String,
    /// A percentage, 0–100, up to 4 decimal places.
    #[schema(value_type = String, example = "20")]
    pub tax_rate: Decimal,
    /// The sum of the lines' subtotals.
    #[schema(value_type = String, example = "1200.00")]
    pub subtotal: Decimal,
    /// The sum of the lines' discounts.
    #[schema(value_type = String, example = "120.00")]
    pub discount_amount: Decimal,
    /// `(subtotal − discount_amount) × tax_rate / 100`, rounded half-up.
    #[schema(value_type = String, example = "216.00")]
    pub tax_amount: Decimal,
    /// `subtotal − discount_amount + tax_amount`.
    #[schema(value_type = String, example = "1296.00")]
    pub total: Decimal,
    pub billing_provider: Option<String>,
    pub billing_quote_id: Option<String>,
    #[schema(value_type = Object)]
    pub billing_metadata: Map<String, Value>,
    pub crm_provider: Option<String>,
    pub crm_deal_id: Option<String>,
    #[schema(value_type = Object)]
    pub crm_metadata: Map<String, Value>,
    pub notes_internal: Option<String>,
    /// The contract this order renews (set by a renewal).
    pub renews_contract_id: Option<Uuid>,
    /// Set when the order enters a state stamping it.
    pub sent_at: Option<DateTime<Utc>>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub legacy_id: Option<String>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// People on the order by role, sorted by role then contact.
    pub people: Vec<OrderPerson>,
    /// The lines, in order.
    pub items: Vec<OrderItem>,
}

impl Order {
    /// A new order before its changes are applied, created now by `by`.
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

    /// What an order derives from its fields: people in one order, amounts written
    /// with the currency's minor units.
    pub fn refresh_derived(&mut self) {
        self.people.sort();
        let c = Some(self.currency.as_str());
        self.tax_rate = self.tax_rate.normalize();
        self.subtotal = canonical(self.subtotal, c);
        self.discount_amount = canonical(self.discount_amount, c);
        self.tax_amount = canonical(self.tax_amount, c);
        self.total = canonical(self.total, c);
        let currency = self.currency.clone();
        for item in &mut self.items {
            item.written_in(&currency);
        }
    }

    /// The totals added up from the lines and the tax rate (docs/orders.md "Pricing").
    pub fn recompute_totals(&mut self) {
        let lines: Vec<_> = self.items.iter().map(OrderItem::amounts).collect();
        let o = order_amounts(&lines, self.tax_rate, &self.currency);
        self.subtotal = o.subtotal;
        self.discount_amount = o.discount_amount;
        self.tax_amount = o.tax_amount;
        self.total = o.total;
        self.refresh_derived();
    }

    /// Checks `data` against the type's schema (`OrderType::data_errors`, which fetches
    /// no remote reference) and the people against its required roles.
    pub fn check_against(&self, kind: &OrderType) -> Result<(), Invalid> {
        let mut errors = kind.data_errors(&Value::Object(self.data.clone()));
        errors.extend(missing_roles(&kind.required_roles, &self.people));
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(errors))
        }
    }
}

/// The roles of `required` no person holds, as errors on `people`.
pub fn missing_roles(required: &[String], people: &[OrderPerson]) -> Vec<FieldError> {
    required
        .iter()
        .filter(|role| !people.iter().any(|p| &p.role == *role))
        .map(|role| {
            FieldError::new(
                "people",
                "required_roles",
                format!("the order type requires a person in the role {role:?}"),
            )
        })
        .collect()
}

/// An order number given by hand (an import, seed 003's legacy numbers): fixed after
/// create.
pub struct NumberText(Text);

impl Default for NumberText {
    fn default() -> Self {
        Self(Text::new(50))
    }
}

impl Kind for NumberText {
    type Value = Patch<String>;

    fn read(&self, r: &mut ObjectReader, name: &str, mode: Mode) -> Patch<String> {
        self.0.read(r, name, mode)
    }

    fn schema(&self) -> utoipa::openapi::schema::Schema {
        self.0.schema()
    }
}

changes! {
    /// A create or a patch of an order. The state moves only through
    /// `POST /orders/{id}/transitions`; lines change through `PUT /orders/{id}/items`.
    #[derive(Debug, Clone, Default)]
    pub struct OrderChanges {
        /// The order's type; `main` when not given on create.
        order_type_id: Id [not_null],
        /// Kept when given on create (unique), else `ORD-<year>-<6 digits>`; fixed after.
        order_number: CreateOnly<NumberText>("fixed", "is fixed once the order exists") [not_null],
        /// The customer; an account the caller can see.
        account_id: Id,
        /// An account of kind partner; partner users' orders are their organisation's.
        partner_id: Id,
        /// An account of kind distributor; likewise for distributor users.
        distributor_id: Id,
        lead_id: Id,
        owner_id: Id,
        /// low, normal (default), high or urgent.
        priority: Enum<Priority> [not_null],
        description: Text(5000),
        /// Must satisfy the order type's JSON Schema.
        data: Object(MAX_METADATA_BYTES) [not_null],
        /// ISO 4217; on create, the first line's currency when not given. Every line is
        /// priced in it.
        currency: Currency [not_null],
        /// A percentage, 0–100, up to 4 decimal places (a decimal string).
        tax_rate: Percent(4) [not_null],
        billing_provider: Text(100),
        billing_quote_id: Text(200),
        billing_metadata: Object(MAX_METADATA_BYTES) [not_null],
        crm_provider: Text(100),
        crm_deal_id: Text(200),
        crm_metadata: Object(MAX_METADATA_BYTES) [not_null],
        notes_internal: Text(10000),
        legacy_id: Text(200),
        /// People by role; the type's required roles must be present. A patch replaces
        /// them all.
        people: People [not_null],
        /// The lines, on create only: `[{product_id, quantity, duration_id?,
        /// unit_price?, discount_percentage?}]`, priced from the catalogue.
        items: Items [no_apply],
    }
    apply to Order;
    create schema OrderCreate;
    patch schema OrderPatch;
    checks after;
    read with no_rules;
}

impl OrderChanges {
    /// Takes the lines out of a create, for the store to price.
    pub fn take_items(&mut self) -> Vec<ItemInput> {
        match std::mem::take(&mut self.items) {
            Patch::Set(items) => items,
            _ => Vec::new(),
        }
    }
}

/// One move of an order, as `GET /orders/{id}/history` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderStateChange {
    pub id: Uuid,
    pub order_id: Uuid,
    /// None for the state the order was created in.
    pub from_state_id: Option<Uuid>,
    pub to_state_id: Option<Uuid>,
    /// The states' keys as they were, so the history reads the same after a state is
    /// renamed or removed.
    pub from_state_key: Option<String>,
    pub to_state_key: String,
    pub reason: Option<String>,
    /// True when this move took an order out of a final state.
    pub reopened: bool,
    pub changed_by: Option<Uuid>,
    pub changed_at: DateTime<Utc>,
}

/// `POST /orders/{id}/transitions` and `/reopen`: the state to enter (its key) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveRequest {
    /// Required for a transition; for a reopen, the state the order left for its final
    /// one when not given.
    pub to: Option<String>,
    pub reason: Option<String>,
}

impl MoveRequest {
    /// A transition: `to` required, `reason` optional.
    pub fn read_transition(body: Value) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let to = r.required_string("to", 100);
        let reason = r.optional_string("reason", 2000);
        r.finish()?;
        Ok(Self { to, reason })
    }

    /// A reopen: `reason` required, `to` optional.
    pub fn read_reopen(body: Value) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let to = r.optional_string("to", 100);
        let reason = r.required_string("reason", 2000);
        r.finish()?;
        Ok(Self { to, reason })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use utoipa::PartialSchema;

    use crate::changes::schema::as_json;

    #[test]
    fn required_roles_must_be_held() {
        let mut o = Order::blank(None, Utc::now());
        let roles = vec!["doctor".to_owned(), "patient".to_owned()];
        o.people = vec![OrderPerson {
            role: "doctor".into(),
            contact_id: Uuid::nil(),
        }];
        let kind = OrderType {
            required_roles: roles,
            ..OrderType::default()
        };
        let e = o.check_against(&kind).unwrap_err();
        assert_eq!(
            (e.0.len(), e.0[0].field.as_str(), e.0[0].rule.as_str()),
            (1, "people", "required_roles")
        );
    }

    #[test]
    fn changes_read_and_the_schemas_agree() {
        let c = OrderChanges::read(
            json!({"currency": "EUR", "tax_rate": "19.6", "priority": "high",
                   "people": [{"role": "doctor", "contact_id": "0190f0f0-0000-7000-8000-000000000001"}],
                   "items": [{"product_id": "0190f0f0-0000-7000-8000-000000000002", "quantity": 1}]}),
            true,
        )
        .unwrap();
        let mut o = Order::blank(None, Utc::now());
        let mut c2 = c.clone();
        assert_eq!(c2.take_items().len(), 1);
        c.apply_to(&mut o);
        assert_eq!(o.priority, Priority::High);
        assert_eq!(o.tax_rate, Decimal::new(196, 1));
        assert_eq!(o.people.len(), 1);
        let e = OrderChanges::read(
            json!({"items": [], "order_number": "X", "priority": null}),
            false,
        )
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["order_number", "items", "priority"]);
        let create = as_json(OrderCreate::schema());
        assert!(create["properties"]["items"].is_object());
        let patch = as_json(OrderPatch::schema());
        assert!(patch["properties"].get("items").is_none());
        assert!(patch["properties"].get("order_number").is_none());
        assert_eq!(patch["additionalProperties"], false);
    }

    #[test]
    fn totals_add_the_lines() {
        let mut o = Order::blank(None, Utc::now());
        o.currency = "EUR".into();
        o.tax_rate = Decimal::from(20);
        for (sub, disc) in [(1000, 100), (333, 0)] {
            o.items.push(OrderItem {
                subtotal: Decimal::new(sub, 2),
                discount_amount: Decimal::new(disc, 2),
                total: Decimal::new(sub - disc, 2),
                ..OrderItem::default()
            });
        }
        o.recompute_totals();
        // 10.00 + 3.33 = 13.33; less 1.00 = 12.33; tax 2.466 → 2.47; total 14.80.
        assert_eq!(o.total.to_string(), "14.80");
        assert_eq!(o.tax_amount.to_string(), "2.47");
    }
}
