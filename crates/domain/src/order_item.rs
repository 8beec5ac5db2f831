//! What an order holds besides its own fields: priced lines (items) and people by role.
//! Lines are priced by the store from the catalogue (`catalog::pricing`); the amounts
//! follow `crate::pricing`. How a body names them is `crate::order_input`.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::money::canonical;
use crate::pricing::{LineAmounts, Period};

/// At most this many lines on one order.
pub const MAX_ITEMS: usize = 200;
/// At most this many people on one order.
pub const MAX_PEOPLE: usize = 50;
/// The largest quantity of one line.
pub const MAX_QUANTITY: i64 = 1_000_000_000;

/// One priced line of an order, with the snapshot of the product and duration it was
/// priced from: the line reads the same after the catalogue changes or the product is
/// deleted (its `product_id` then becomes null).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderItem {
    pub id: Uuid,
    pub order_id: Uuid,
    /// 0-based place of the line in the order.
    pub position: i64,
    /// Null once the product is deleted (the snapshot stays).
    pub product_id: Option<Uuid>,
    pub duration_id: Option<Uuid>,
    pub quantity: i64,
    /// The price ladder the unit price came from; null for a list price.
    pub period: Option<Period>,
    /// Per unit and period, up to 4 decimal places.
    #[schema(value_type = String, example = "12.5000")]
    pub unit_price: Decimal,
    /// True when the unit price was set by hand instead of taken from the catalogue.
    pub price_overridden: bool,
    /// 0–100, up to 2 decimal places: the duration's unless set by hand.
    #[schema(value_type = String, example = "10")]
    pub discount_percentage: Decimal,
    /// `unit_price × quantity × periods`, rounded half-up to the currency's minor units.
    #[schema(value_type = String, example = "1200.00")]
    pub subtotal: Decimal,
    #[schema(value_type = String, example = "120.00")]
    pub discount_amount: Decimal,
    /// `subtotal − discount_amount`.
    #[schema(value_type = String, example = "1080.00")]
    pub total: Decimal,
    pub product_name: String,
    pub product_sku: Option<String>,
    pub product_type: Option<String>,
    pub product_unit: Option<String>,
    pub duration_months: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OrderItem {
    /// The line's figures, for adding up an order.
    pub fn amounts(&self) -> LineAmounts {
        LineAmounts {
            subtotal: self.subtotal,
            discount_amount: self.discount_amount,
            total: self.total,
        }
    }

    /// Amounts written with the currency's minor units, whatever the engine kept.
    pub fn written_in(&mut self, currency: &str) {
        let c = Some(currency);
        self.unit_price = canonical(self.unit_price, c);
        self.discount_percentage = self.discount_percentage.normalize();
        self.subtotal = canonical(self.subtotal, c);
        self.discount_amount = canonical(self.discount_amount, c);
        self.total = canonical(self.total, c);
    }
}

/// A person on an order in a role (seed 003's doctor and patient); roles are data.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
pub struct OrderPerson {
    /// Lower-case letters, digits, `-` and `_` (`doctor`, `patient`).
    pub role: String,
    pub contact_id: Uuid,
}

/// A line as a body asks for it; the store prices it.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemInput {
    pub product_id: Uuid,
    pub quantity: i64,
    pub duration_id: Option<Uuid>,
    /// A price set by hand (admins, restricted admins and managers only).
    pub unit_price: Option<Decimal>,
    /// A discount set by hand instead of the duration's (the same roles).
    pub discount_percentage: Option<Decimal>,
}
