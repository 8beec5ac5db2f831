//! A person deleted, and what points at them.

use rapport_db::Conn;
use rapport_domain::contact::Contact;
use rapport_domain::Ctx;
use rapport_domain::IfMatch;
use uuid::Uuid;

use crate::customers::{contacts, links};
use crate::orders::gone as orders;
use crate::timeline::activities;
use crate::{Store, StoreError};

/// Deletes a person for good (admins only), with their account links. Notes about them
/// that hang off an account stay on the account; activities only about them go too.
/// Each removed row is in the audit log.
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
            let before = contacts::deletable(c, &ctx.actor, id, if_match)?;
            gone(c, &ctx, &before)
        })
        .await
}

/// Removes a person whose last account is being deleted (the account's delete has
/// been allowed; the person goes with it).
pub(crate) fn remove_person(c: &mut dyn Conn, ctx: &Ctx, id: Uuid) -> Result<(), StoreError> {
    let before = contacts::visible(c, &ctx.actor, id)?;
    gone(c, ctx, &before)
}

fn gone(c: &mut dyn Conn, ctx: &Ctx, before: &Contact) -> Result<(), StoreError> {
    links::contact_gone(c, ctx, before.id)?;
    orders::contact_gone(c, ctx, before.id)?;
    activities::contact_gone(c, ctx, before.id)?;
    contacts::remove(c, ctx, before)
}
