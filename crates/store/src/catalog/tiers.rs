//! A product's price tiers: one ladder per period, replaced whole. The ladder belongs to
//! its product: reading it needs the product (404 otherwise), replacing it takes the
//! product's `If-Match`, moves the product to its next version (so its ETag says the
//! prices changed) and writes **one** audit row for the product, whose `before` and
//! `after` are the product with that period's ladder (`price_tiers`). One row, not one
//! per tier: tiers have no identity worth following — a replacement writes new rows —
//! and a reader of the log wants "the monthly ladder went from this to that".

use rapport_db::{Conn, Row, Value};
use rapport_domain::price_tier::{LadderChanges, PriceTier};
use rapport_domain::pricing::Period;
use rapport_domain::product::Product;
use rapport_domain::{Actor, Ctx, IfMatch};
use serde_json::json;
use uuid::Uuid;

use super::products;
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::record::{self, Column};
use crate::policy::{self as scope, Action};
use crate::{SqlBuf, Store, StoreError};

const COLUMNS: &str = "id, product_id, period, min_quantity, max_quantity, price_per_unit, \
     currency, created_by, created_at";

/// A product's tiers of both periods and the product's version (their ETag).
#[derive(Debug, Clone)]
pub struct Ladders {
    pub product_version: i64,
    /// Ordered by period (month, then year), then `min_quantity`.
    pub tiers: Vec<PriceTier>,
}

fn from_row(r: &Row) -> Result<PriceTier, StoreError> {
    let mut t = PriceTier {
        id: r.get("id")?,
        product_id: r.get("product_id")?,
        period: Column::read(r, "period")?,
        min_quantity: r.get("min_quantity")?,
        max_quantity: r.get("max_quantity")?,
        price_per_unit: r.get("price_per_unit")?,
        currency: r.get("currency")?,
        created_by: r.get("created_by")?,
        created_at: r.get("created_at")?,
    };
    t.refresh_derived();
    Ok(t)
}

fn values(t: &PriceTier) -> Vec<Value> {
    vec![
        t.id.into(),
        t.product_id.into(),
        t.period.to_value(),
        t.min_quantity.into(),
        t.max_quantity.into(),
        t.price_per_unit.to_value(),
        t.currency.clone().into(),
        t.created_by.into(),
        t.created_at.into(),
    ]
}

/// Every tier of a product, ordered by period, then minimum.
pub(crate) fn of_product(c: &mut dyn Conn, product_id: Uuid) -> Result<Vec<PriceTier>, StoreError> {
    let rows = c.query(
        &format!(
            "SELECT {COLUMNS} FROM price_tiers WHERE product_id = ? ORDER BY period, min_quantity"
        ),
        &[product_id.into()],
    )?;
    rows.iter().map(from_row).collect()
}

/// A product's ladders, for everyone signed in.
pub async fn list(store: &Store, _actor: &Actor, product_id: Uuid) -> Result<Ladders, StoreError> {
    store
        .db
        .read(move |c| {
            let product = products::fetch(c, product_id, false)?;
            Ok(Ladders {
                product_version: product.version,
                tiers: of_product(c, product_id)?,
            })
        })
        .await
}

/// The figures that make a ladder what it is: equal ones are the same prices.
fn terms(tiers: &[PriceTier]) -> Vec<(i64, Option<i64>, rust_decimal::Decimal, &str)> {
    tiers
        .iter()
        .map(|t| {
            (
                t.min_quantity,
                t.max_quantity,
                t.price_per_unit.normalize(),
                t.currency.as_str(),
            )
        })
        .collect()
}

/// The product with one period's ladder, as the audit row shows it.
fn shown(product: &Product, period: Period, tiers: &[PriceTier]) -> serde_json::Value {
    let mut v = serde_json::to_value(product).unwrap_or_else(|_| json!({}));
    if let serde_json::Value::Object(m) = &mut v {
        m.insert(
            "price_tiers".into(),
            json!({"period": period.as_str(), "tiers": tiers}),
        );
    }
    v
}

/// Replaces the product's ladder of `ladder.period` (an empty one removes it), at the
/// product's version `if_match` names. Writes nothing when the ladder is the same.
pub async fn replace(
    store: &Store,
    ctx: &Ctx,
    product_id: Uuid,
    if_match: IfMatch,
    ladder: LadderChanges,
) -> Result<Ladders, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            scope::require_product_action(&ctx.actor, Action::Update)?;
            let before = products::fetch(c, product_id, true)?;
            StoreError::check_version(&if_match, before.version)?;
            let period = ladder.period;
            let old: Vec<PriceTier> = of_product(c, product_id)?
                .into_iter()
                .filter(|t| t.period == period)
                .collect();
            let new = ladder.into_tiers(
                product_id,
                record::acting_user(&ctx.actor),
                rapport_db::now(),
            );
            if terms(&old) == terms(&new) {
                return Ok(Ladders {
                    product_version: before.version,
                    tiers: of_product(c, product_id)?,
                });
            }
            c.execute(
                "DELETE FROM price_tiers WHERE product_id = ? AND period = ?",
                &[product_id.into(), period.as_str().into()],
            )?;
            insert(c, &new)?;
            let after = record::touched(&before, &ctx.actor, before.clone());
            record::update(c, &after)?;
            audit::record(
                c,
                &ctx,
                AuditAction::Update,
                products::ENTITY,
                product_id,
                Some(shown(&before, period, &old)),
                Some(shown(&after, period, &new)),
            )?;
            Ok(Ladders {
                product_version: after.version,
                tiers: of_product(c, product_id)?,
            })
        })
        .await
}

/// Writes the tiers in one multi-row INSERT (a ladder holds at most 100).
fn insert(c: &mut dyn Conn, tiers: &[PriceTier]) -> Result<(), StoreError> {
    if tiers.is_empty() {
        return Ok(());
    }
    let mut q = SqlBuf::new(&format!("INSERT INTO price_tiers ({COLUMNS}) VALUES "));
    for (i, t) in tiers.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind_list(values(t));
    }
    c.execute(&q.sql, &q.params)?;
    Ok(())
}
