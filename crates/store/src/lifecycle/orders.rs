//! An order deleted, and what points at it.

use rapport_domain::Ctx;
use rapport_domain::IfMatch;
use uuid::Uuid;

use crate::lab;
use crate::orders::orders;
use crate::timeline::activities;
use crate::{Store, StoreError};

/// Deletes an order for good (admins), with its people, lines and history (audited with
/// the order); refused while a contract was opened from it. Its notes and comments, and
/// the lab's projects and tasks, are audited before the database's cascade removes them.
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
            activities::order_gone(c, &ctx, before.id)?;
            lab::gone::order_gone(c, &ctx, before.id)?;
            orders::remove(c, &ctx, &before)
        })
        .await
}
