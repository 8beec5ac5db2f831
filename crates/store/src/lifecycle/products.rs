//! A product deleted, and what points at it.

use rapport_domain::Ctx;
use rapport_domain::IfMatch;
use uuid::Uuid;

use crate::catalog::{products, tiers};
use crate::orders::gone as orders;
use crate::pipeline::leads;
use crate::{Store, StoreError};

/// Deletes a product; leads interested in it keep going without one (seed 002).
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
            let before = products::deletable(c, &ctx.actor, id, if_match)?;
            leads::product_gone(c, &ctx, id)?;
            orders::product_gone(c, &ctx, id)?;
            // Its price tiers go by the cascade; the delete's audit row keeps them.
            let tiers = tiers::of_product(c, id)?;
            products::remove(c, &ctx, &before, &tiers)
        })
        .await
}
