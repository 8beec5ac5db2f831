//! The price of one line — a product, a quantity, a duration — as the catalogue sets it
//! today: the quote endpoint answers with it and an order item is priced by it, so both
//! agree by construction. The arithmetic and its rounding are `rapport_domain::pricing`.
//!
//! - A product with price tiers needs a duration: the ladder is chosen by
//!   [`Period::for_months`], the tier is the one whose bounds (inclusive) hold the
//!   quantity, and the line runs for the duration's periods.
//! - A product without tiers sells once at its list price (`unit_price`), one period.
//! - The duration's discount applies in both cases.

use rapport_db::Conn;
use rapport_domain::money::MAX_AMOUNT;
use rapport_domain::pricing::Period;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::StoreError;

/// A line priced from the catalogue, with the snapshot an order item keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct PricedLine {
    pub product_id: Uuid,
    pub product_name: String,
    pub product_sku: Option<String>,
    pub product_type: Option<String>,
    pub product_unit: Option<String>,
    pub duration_id: Option<Uuid>,
    pub duration_months: Option<i64>,
    pub discount_percentage: Decimal,
    /// The ladder the price came from; none for a list price.
    pub period: Option<Period>,
    /// How many periods the line runs for (1 for a list price).
    pub periods: Decimal,
    pub unit_price: Decimal,
    pub currency: String,
}

/// Prices `quantity` of a product over a duration. `at` prefixes the names of the
/// fields an error names (`"items[2]."` inside an order, `""` for a quote).
pub fn price_line(
    c: &mut dyn Conn,
    product_id: Uuid,
    quantity: i64,
    duration_id: Option<Uuid>,
    at: &str,
) -> Result<PricedLine, StoreError> {
    let field = |name: &str| format!("{at}{name}");
    if quantity <= 0 {
        return Err(StoreError::invalid(
            &field("quantity"),
            "minimum",
            "must be at least 1",
        ));
    }
    let rows = c.query(
        "SELECT name, sku, type, unit, active, unit_price, currency FROM products WHERE id = ?",
        &[product_id.into()],
    )?;
    let Some(p) = rows.first() else {
        return Err(StoreError::invalid(
            &field("product_id"),
            "exists",
            "names no product",
        ));
    };
    if !p.get::<bool>("active")? {
        return Err(StoreError::invalid(
            &field("product_id"),
            "active",
            "names an inactive product, which cannot be ordered",
        ));
    }
    let mut line = PricedLine {
        product_id,
        product_name: p.get("name")?,
        product_sku: p.get("sku")?,
        product_type: p.get("type")?,
        product_unit: p.get("unit")?,
        duration_id,
        duration_months: None,
        discount_percentage: Decimal::ZERO,
        period: None,
        periods: Decimal::ONE,
        unit_price: Decimal::ZERO,
        currency: String::new(),
    };
    if let Some(d) = duration_id {
        let rows = c.query(
            "SELECT months, discount_percentage, active FROM durations WHERE id = ?",
            &[d.into()],
        )?;
        let Some(row) = rows.first() else {
            return Err(StoreError::invalid(
                &field("duration_id"),
                "exists",
                "names no duration",
            ));
        };
        if !row.get::<bool>("active")? {
            return Err(StoreError::invalid(
                &field("duration_id"),
                "active",
                "names an inactive duration",
            ));
        }
        line.duration_months = Some(row.get("months")?);
        line.discount_percentage = row.get::<Decimal>("discount_percentage")?.normalize();
    }
    let ladders = c.query(
        "SELECT DISTINCT period FROM price_tiers WHERE product_id = ?",
        &[product_id.into()],
    )?;
    let has = |p: Period| {
        ladders
            .iter()
            .any(|r| r.get::<String>("period").ok().as_deref() == Some(p.as_str()))
    };
    if ladders.is_empty() {
        let list: Option<Decimal> = p.get("unit_price")?;
        let currency: Option<String> = p.get("currency")?;
        let (Some(price), Some(currency)) = (list, currency) else {
            return Err(StoreError::invalid(
                &field("product_id"),
                "priced",
                "names a product with neither price tiers nor a list price",
            ));
        };
        line.unit_price = price.normalize();
        line.currency = currency;
        return within_bounds(line, quantity, &field("quantity"));
    }
    let Some(months) = line.duration_months else {
        // `depends`, not `required`: the body is complete by its schema; what asks for a
        // duration is the product's tiers (a rule the API document cannot state).
        return Err(StoreError::invalid(
            &field("duration_id"),
            "depends",
            "is required: the product is priced per period",
        ));
    };
    let Some(period) = Period::for_months(months, has(Period::Month), has(Period::Year)) else {
        return Err(StoreError::invalid(
            &field("product_id"),
            "priced",
            "names a product without price tiers",
        ));
    };
    let tier = c.query(
        "SELECT price_per_unit, currency FROM price_tiers \
         WHERE product_id = ? AND period = ? AND min_quantity <= ? \
           AND (max_quantity IS NULL OR max_quantity >= ?)",
        &[
            product_id.into(),
            period.as_str().into(),
            quantity.into(),
            quantity.into(),
        ],
    )?;
    let Some(tier) = tier.first() else {
        return Err(StoreError::invalid(
            &field("quantity"),
            "tier",
            format!(
                "no {} price tier of the product covers a quantity of {quantity}",
                period.as_str()
            ),
        ));
    };
    line.unit_price = tier.get::<Decimal>("price_per_unit")?.normalize();
    line.currency = tier.get("currency")?;
    line.period = Some(period);
    line.periods = period.periods_in(months);
    within_bounds(line, quantity, &field("quantity"))
}

/// Refuses a line whose subtotal would pass the largest amount an order can hold
/// (`money::MAX_AMOUNT`, NUMERIC(18, 4)): stored, it would overflow the column, and past
/// `Decimal`'s range the arithmetic itself would fail, so it is said here, naming the
/// quantity, before any figure is computed.
fn within_bounds(line: PricedLine, quantity: i64, field: &str) -> Result<PricedLine, StoreError> {
    let most: Decimal = MAX_AMOUNT.parse().unwrap_or(Decimal::MAX);
    let gross = line
        .unit_price
        .checked_mul(Decimal::from(quantity))
        .and_then(|v| v.checked_mul(line.periods));
    match gross {
        Some(v) if v <= most => Ok(line),
        _ => Err(StoreError::invalid(
            field,
            "too_large",
            format!("prices the line at more than {MAX_AMOUNT}, the largest amount an order holds"),
        )),
    }
}
