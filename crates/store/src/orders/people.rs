//! People on an order by role (seed 003's doctor and patient): rows of `order_people`,
//! always written whole with the order. Each person must be a contact the caller can
//! see.

use std::collections::HashMap;

use rapport_db::{Conn, Value};
use rapport_domain::order_item::OrderPerson;
use rapport_domain::Actor;
use uuid::Uuid;

use crate::customers::contacts;
use crate::{SqlBuf, StoreError};

/// The people of each of `orders`, by role then contact.
pub(crate) fn load(
    c: &mut dyn Conn,
    orders: &[Uuid],
) -> Result<HashMap<Uuid, Vec<OrderPerson>>, StoreError> {
    let mut out: HashMap<Uuid, Vec<OrderPerson>> = HashMap::new();
    if orders.is_empty() {
        return Ok(out);
    }
    let mut q =
        SqlBuf::new("SELECT order_id, role, contact_id FROM order_people WHERE order_id IN ");
    q.bind_list(orders.iter().map(|id| Value::from(*id)).collect())
        .push(" ORDER BY order_id, role, contact_id");
    for row in c.query(&q.sql, &q.params)? {
        let order: Uuid = row.get("order_id")?;
        out.entry(order).or_default().push(OrderPerson {
            role: row.get("role")?,
            contact_id: row.get("contact_id")?,
        });
    }
    Ok(out)
}

/// Checks that every person newly named (not in `before`) is a contact `actor` can see:
/// 422 naming `people[i].contact_id` otherwise.
pub(crate) fn check(
    c: &mut dyn Conn,
    actor: &Actor,
    before: &[OrderPerson],
    people: &[OrderPerson],
) -> Result<(), StoreError> {
    for (i, p) in people.iter().enumerate() {
        if before.iter().any(|b| b.contact_id == p.contact_id) {
            continue;
        }
        contacts::visible(c, actor, p.contact_id).map_err(|e| {
            e.named_in(
                &format!("people[{i}].contact_id"),
                "names no contact you can see",
            )
        })?;
    }
    Ok(())
}

/// Writes `people` as every person of order `order_id`.
pub(crate) fn replace(
    c: &mut dyn Conn,
    order_id: Uuid,
    people: &[OrderPerson],
) -> Result<(), StoreError> {
    c.execute(
        "DELETE FROM order_people WHERE order_id = ?",
        &[order_id.into()],
    )?;
    for chunk in people.chunks(100) {
        let mut q = SqlBuf::new("INSERT INTO order_people (order_id, role, contact_id) VALUES ");
        for (i, p) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind_list(vec![
                order_id.into(),
                p.role.clone().into(),
                p.contact_id.into(),
            ]);
        }
        c.execute(&q.sql, &q.params)?;
    }
    Ok(())
}
