//! A lead deleted, and what points at it.

use rapport_domain::Ctx;
use rapport_domain::IfMatch;
use uuid::Uuid;

use crate::orders::gone as orders;
use crate::pipeline::leads;
use crate::policy::Action;
use crate::timeline::activities;
use crate::{Store, StoreError};

/// Deletes a lead for good (admins only), with its history and activities.
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
            let before = leads::writable(c, &ctx.actor, id, Action::Delete, if_match)?;
            orders::lead_gone(c, &ctx, id)?;
            activities::lead_gone(c, &ctx, id)?;
            leads::remove(c, &ctx, &before)
        })
        .await
}
