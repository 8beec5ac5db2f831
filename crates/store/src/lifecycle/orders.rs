//! An order deleted, and what points at it.

use rapport_domain::Ctx;
use rapport_domain::IfMatch;
use uuid::Uuid;

use crate::orders::orders;
use crate::{Store, StoreError};

/// Deletes an order for good (admins), with its people, lines and history (audited with
/// the order); refused while a contract was opened from it. Notes on orders arrive with
/// the timeline's order links, which will add their `order_gone` here.
pub async fn delete(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
) -> Result<(), StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let before = orders::deletable(c, &ctx.actor, id, if_match)?;
            orders::remove(c, &ctx, &before)
        })
        .await
}
