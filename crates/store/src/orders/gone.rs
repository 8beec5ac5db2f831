//! Orders told that a record they point at went away (docs/architecture.md,
//! "Work that spans areas"): each order changed is a new version, audited, whatever its
//! state — a final order's freeze is for its users, not for the records around it.

use rapport_db::Conn;
use rapport_domain::order::Order;
use rapport_domain::Ctx;
use uuid::Uuid;

use super::orders::{locked_where, save};
use crate::kernel::record;
use crate::{SqlBuf, StoreError};

/// Rewrites the orders meeting `condition` through `change`, one by one, each versioned
/// and audited (people and lines written again when they changed).
fn rewrite_where(
    c: &mut dyn Conn,
    ctx: &Ctx,
    condition: SqlBuf,
    change: &dyn Fn(&mut Order),
) -> Result<usize, StoreError> {
    let mut n = 0;
    for before in locked_where(c, condition)? {
        let mut after = before.clone();
        change(&mut after);
        if after == before {
            continue;
        }
        let after = record::touched(&before, &ctx.actor, after);
        save(c, ctx, &before, &after)?;
        n += 1;
    }
    Ok(n)
}

fn column_is(column: &str, id: Uuid) -> SqlBuf {
    let mut b = SqlBuf::new(&format!("{column} = "));
    b.bind(id);
    b
}

/// An account went away: merged into `to` (its orders, as customer, partner or
/// distributor, now name the survivor) or deleted (`to` is None: they name nothing).
pub(crate) fn account_gone(
    c: &mut dyn Conn,
    ctx: &Ctx,
    from: Uuid,
    to: Option<Uuid>,
) -> Result<usize, StoreError> {
    let mut condition = column_is("account_id", from);
    condition
        .push(" OR ")
        .append(column_is("partner_id", from))
        .push(" OR ")
        .append(column_is("distributor_id", from));
    rewrite_where(c, ctx, condition, &|o| {
        for slot in [&mut o.account_id, &mut o.partner_id, &mut o.distributor_id] {
            if *slot == Some(from) {
                *slot = to;
            }
        }
    })
}

/// A lead is about to be deleted: its orders keep going without it.
pub(crate) fn lead_gone(c: &mut dyn Conn, ctx: &Ctx, lead: Uuid) -> Result<usize, StoreError> {
    rewrite_where(c, ctx, column_is("lead_id", lead), &|o| o.lead_id = None)
}

/// A person is about to be deleted: they leave every order they are on (the order's
/// audit row shows them leave before the database's cascade would remove the rows). An
/// order may then miss a role its type requires; the next change of its people or data
/// says so.
pub(crate) fn contact_gone(
    c: &mut dyn Conn,
    ctx: &Ctx,
    contact: Uuid,
) -> Result<usize, StoreError> {
    let mut condition =
        SqlBuf::new("id IN (SELECT op.order_id FROM order_people op WHERE op.contact_id = ");
    condition.bind(contact).push(")");
    rewrite_where(c, ctx, condition, &|o| {
        o.people.retain(|p| p.contact_id != contact)
    })
}

/// A product is about to be deleted: the lines that name it keep their snapshot (name,
/// SKU, type, unit, price and amounts) and lose the link; each order is audited with
/// its lines before and after.
pub(crate) fn product_gone(
    c: &mut dyn Conn,
    ctx: &Ctx,
    product: Uuid,
) -> Result<usize, StoreError> {
    let mut condition =
        SqlBuf::new("id IN (SELECT oi.order_id FROM order_items oi WHERE oi.product_id = ");
    condition.bind(product).push(")");
    rewrite_where(c, ctx, condition, &|o| {
        for item in &mut o.items {
            if item.product_id == Some(product) {
                item.product_id = None;
            }
        }
    })
}
