//! Renewing a contract: a new order through the orders area's create, with the same
//! type, parties and people as the order the contract came from, its lines copied and
//! priced again from today's catalogue (for the duration asked, or each line's own),
//! and `renews_contract_id` set. When that order opens its contract, the new contract
//! names this one as `renewed_from_id`.

use rapport_domain::contract::{ContractStatus, Renewal};
use rapport_domain::input::Patch;
use rapport_domain::order::{Order, OrderChanges};
use rapport_domain::order_item::ItemInput;
use rapport_domain::{Ctx, IfMatch};
use uuid::Uuid;

use crate::kernel::record;
use crate::orders::orders::{create_in, whole};
use crate::policy as scope;
use crate::{SqlBuf, Store, StoreError};

use super::contracts::{renewal_free, writable};

fn set<T>(v: Option<T>) -> Patch<T> {
    v.map_or(Patch::Absent, Patch::Set)
}

/// `POST /contracts/{id}/renew`: 201 with the new order. Only an active or expired
/// contract is renewed (409 naming `status`); one renewal at a time (409 naming
/// `renewed_from_id`); a contract made by hand has no order to copy (409 naming
/// `order_id`).
pub async fn renew(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    request: Renewal,
) -> Result<Order, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            // Locked: two renewals of one contract queue up, and the second sees the
            // first's order.
            let allowed = || scope::require_contract_renewal(actor);
            let k = writable(c, actor, id, allowed, IfMatch::Any)?;
            if !matches!(k.status, ContractStatus::Active | ContractStatus::Expired) {
                return Err(StoreError::state(
                    "status",
                    format!(
                        "the contract is {}; only an active or expired contract is renewed",
                        k.status.as_str()
                    ),
                ));
            }
            renewal_free(c, id)?;
            let Some(order_id) = k.order_id else {
                return Err(StoreError::state(
                    "order_id",
                    "the contract was made by hand and has no order to renew from; create the renewal order yourself",
                ));
            };
            // The caller sees the contract; the order it came from is read as it is.
            let from: Order = record::fetch(c, order_id, SqlBuf::new("TRUE"), false)?;
            let from = whole(c, from)?;
            let mut items = Vec::with_capacity(from.items.len());
            for (i, line) in from.items.iter().enumerate() {
                let Some(product_id) = line.product_id else {
                    return Err(StoreError::state(
                        &format!("items[{i}].product_id"),
                        format!(
                            "the product of line {i} ({}) was deleted, so the line cannot be priced again",
                            line.product_name
                        ),
                    ));
                };
                items.push(ItemInput {
                    product_id,
                    quantity: line.quantity,
                    duration_id: request.duration_id.or(line.duration_id),
                    unit_price: None,
                    discount_percentage: None,
                });
            }
            // The owner stays when the caller may name them; otherwise the order's
            // create decides (a rep's renewal is theirs).
            let owner = k
                .owner_id
                .filter(|o| scope::may_assign_owner(actor, Some(*o)).is_ok());
            let changes = OrderChanges {
                order_type_id: Patch::Set(from.order_type_id),
                account_id: set(k.account_id),
                partner_id: set(k.partner_id),
                distributor_id: set(k.distributor_id),
                owner_id: set(owner),
                description: Patch::Set(format!("Renewal of {}", k.contract_number)),
                data: Patch::Set(from.data.clone()),
                currency: Patch::Set(from.currency.clone()),
                tax_rate: Patch::Set(from.tax_rate),
                billing_provider: set(from.billing_provider.clone()),
                people: Patch::Set(from.people.clone()),
                items: Patch::Set(items),
                ..OrderChanges::default()
            };
            create_in(c, &ctx, changes, Some(k.id))
        })
        .await
}
