//! An order's priced lines: each priced from the catalogue by `catalog::pricing` (the
//! quote endpoint's rule, so a quote and a line agree), with a snapshot of the product
//! and duration; a hand-set price or discount only from the roles allowed it. Lines
//! are always written whole (`replace`), and the order's totals are added up again
//! from all of them on every change.

use std::collections::HashMap;

use rapport_db::{Conn, Row, Value};
use rapport_domain::order::Order;
use rapport_domain::order_item::{ItemInput, OrderItem};
use rapport_domain::pricing::line_amounts;
use rapport_domain::Actor;
use uuid::Uuid;

use crate::catalog::pricing::{price_line, PricedLine};
use crate::kernel::record::Column;
use crate::policy as scope;
use crate::{SqlBuf, StoreError};

const COLUMNS: &[&str] = &[
    "id",
    "order_id",
    "position",
    "product_id",
    "duration_id",
    "quantity",
    "period",
    "unit_price",
    "price_overridden",
    "discount_percentage",
    "subtotal",
    "discount_amount",
    "total",
    "product_name",
    "product_sku",
    "product_type",
    "product_unit",
    "duration_months",
    "created_at",
    "updated_at",
];

fn values(i: &OrderItem) -> Vec<Value> {
    vec![
        i.id.to_value(),
        i.order_id.to_value(),
        i.position.to_value(),
        i.product_id.to_value(),
        i.duration_id.to_value(),
        i.quantity.to_value(),
        i.period.to_value(),
        i.unit_price.to_value(),
        i.price_overridden.to_value(),
        i.discount_percentage.to_value(),
        i.subtotal.to_value(),
        i.discount_amount.to_value(),
        i.total.to_value(),
        i.product_name.to_value(),
        i.product_sku.to_value(),
        i.product_type.to_value(),
        i.product_unit.to_value(),
        i.duration_months.to_value(),
        i.created_at.to_value(),
        i.updated_at.to_value(),
    ]
}

fn from_row(r: &Row) -> Result<OrderItem, StoreError> {
    Ok(OrderItem {
        id: Column::read(r, "id")?,
        order_id: Column::read(r, "order_id")?,
        position: Column::read(r, "position")?,
        product_id: Column::read(r, "product_id")?,
        duration_id: Column::read(r, "duration_id")?,
        quantity: Column::read(r, "quantity")?,
        period: Column::read(r, "period")?,
        unit_price: Column::read(r, "unit_price")?,
        price_overridden: Column::read(r, "price_overridden")?,
        discount_percentage: Column::read(r, "discount_percentage")?,
        subtotal: Column::read(r, "subtotal")?,
        discount_amount: Column::read(r, "discount_amount")?,
        total: Column::read(r, "total")?,
        product_name: Column::read(r, "product_name")?,
        product_sku: Column::read(r, "product_sku")?,
        product_type: Column::read(r, "product_type")?,
        product_unit: Column::read(r, "product_unit")?,
        duration_months: Column::read(r, "duration_months")?,
        created_at: Column::read(r, "created_at")?,
        updated_at: Column::read(r, "updated_at")?,
    })
}

/// The lines of each of `orders`, in position order.
pub(crate) fn load(
    c: &mut dyn Conn,
    orders: &[Uuid],
) -> Result<HashMap<Uuid, Vec<OrderItem>>, StoreError> {
    let mut out: HashMap<Uuid, Vec<OrderItem>> = HashMap::new();
    if orders.is_empty() {
        return Ok(out);
    }
    let mut q = SqlBuf::new(&format!(
        "SELECT {} FROM order_items WHERE order_id IN ",
        COLUMNS.join(", ")
    ));
    q.bind_list(orders.iter().map(|id| Value::from(*id)).collect())
        .push(" ORDER BY order_id, position, id");
    for row in c.query(&q.sql, &q.params)? {
        let item = from_row(&row)?;
        out.entry(item.order_id).or_default().push(item);
    }
    Ok(out)
}

/// Prices `inputs` as the lines of `order` (whose currency each must be in), for
/// `actor`: a hand-set price or discount needs a role that may set one (403 naming
/// `items[i].unit_price`). `order.currency` may be empty on a create: it is then the
/// first line's.
pub(crate) fn price(
    c: &mut dyn Conn,
    actor: &Actor,
    order: &mut Order,
    inputs: &[ItemInput],
) -> Result<(), StoreError> {
    let now = order.updated_at;
    let mut priced: Vec<(PricedLine, &ItemInput)> = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let at = format!("items[{i}].");
        if input.unit_price.is_some() {
            scope::may_override_price(actor, &format!("{at}unit_price"))?;
        }
        if input.discount_percentage.is_some() {
            scope::may_override_price(actor, &format!("{at}discount_percentage"))?;
        }
        let line = price_line(c, input.product_id, input.quantity, input.duration_id, &at)?;
        priced.push((line, input));
    }
    if order.currency.is_empty() {
        match priced.first() {
            Some((line, _)) => order.currency = line.currency.clone(),
            None => {
                return Err(StoreError::invalid(
                    "currency",
                    "depends",
                    "is required when the order has no items to take it from",
                ))
            }
        }
    }
    let mut items = Vec::with_capacity(priced.len());
    for (i, (line, input)) in priced.into_iter().enumerate() {
        if line.currency != order.currency {
            return Err(StoreError::invalid(
                &format!("items[{i}].product_id"),
                "currency",
                format!(
                    "is priced in {}, and the order is in {}: one order holds one currency",
                    line.currency, order.currency
                ),
            ));
        }
        let unit_price = input.unit_price.unwrap_or(line.unit_price);
        let discount = input
            .discount_percentage
            .unwrap_or(line.discount_percentage);
        let amounts = line_amounts(
            unit_price,
            input.quantity,
            line.periods,
            discount,
            &order.currency,
        );
        items.push(OrderItem {
            id: rapport_domain::new_id(),
            order_id: order.id,
            position: i64::try_from(i).unwrap_or(i64::MAX),
            product_id: Some(line.product_id),
            duration_id: line.duration_id,
            quantity: input.quantity,
            period: line.period,
            unit_price,
            price_overridden: input.unit_price.is_some() || input.discount_percentage.is_some(),
            discount_percentage: discount,
            subtotal: amounts.subtotal,
            discount_amount: amounts.discount_amount,
            total: amounts.total,
            product_name: line.product_name,
            product_sku: line.product_sku,
            product_type: line.product_type,
            product_unit: line.product_unit,
            duration_months: line.duration_months,
            created_at: now,
            updated_at: now,
        });
    }
    order.items = items;
    order.recompute_totals();
    Ok(())
}

/// Writes `items` as every line of order `order_id`, replacing what it had.
pub(crate) fn replace(
    c: &mut dyn Conn,
    order_id: Uuid,
    items: &[OrderItem],
) -> Result<(), StoreError> {
    c.execute(
        "DELETE FROM order_items WHERE order_id = ?",
        &[order_id.into()],
    )?;
    // 20 columns a row: 40 rows keep a statement well under every engine's limit.
    for chunk in items.chunks(40) {
        let mut q = SqlBuf::new(&format!(
            "INSERT INTO order_items ({}) VALUES ",
            COLUMNS.join(", ")
        ));
        for (i, item) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind_list(values(item));
        }
        c.execute(&q.sql, &q.params)?;
    }
    Ok(())
}
