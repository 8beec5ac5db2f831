//! An account going away — deleted, or merged into a survivor — and everything that
//! points at it.

use rapport_db::Conn;
use rapport_domain::Ctx;
use rapport_domain::IfMatch;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::auth::users;
use crate::contracts::gone as contracts;
use crate::customers::{accounts, distributor_partners, links, rep_rows};
use crate::distribution::distributions;
use crate::orders::gone as orders;
use crate::pipeline::leads;
use crate::timeline::activities;
use crate::{Store, StoreError};

/// Tells every area that points at account `from` that it went away: merged into `to`,
/// or deleted (`to` is None). Each keeps its own rules (links and reps merge, leads and
/// entries move one by one to keep the board's totals and the sales figures in step,
/// rows a delete cascades to are audited first). Returns how many rows each touched,
/// under the names the merge summary has always used.
pub(crate) fn account_gone(
    c: &mut dyn Conn,
    ctx: &Ctx,
    from: Uuid,
    to: Option<Uuid>,
) -> Result<Map<String, Value>, StoreError> {
    let mut touched = Map::new();
    touched.insert(
        "contact_links".into(),
        links::account_gone(c, ctx, from, to)?.into(),
    );
    touched.insert(
        "reps".into(),
        rep_rows::account_gone(c, ctx, from, to)?.into(),
    );
    touched.insert(
        "activities".into(),
        activities::account_gone(c, ctx, from, to)?.into(),
    );
    touched.insert("users".into(), users::account_gone(c, from, to)?.into());
    touched.insert(
        "leads".into(),
        leads::repoint_account(c, ctx, from, to)?.into(),
    );
    touched.insert(
        "distributions".into(),
        distributions::repoint_account(c, ctx, from, to)?.into(),
    );
    touched.insert(
        "orders".into(),
        orders::account_gone(c, ctx, from, to)?.into(),
    );
    touched.insert(
        "contracts".into(),
        contracts::account_gone(c, ctx, from, to)?.into(),
    );
    touched.insert(
        "distributor_partner_links_ended".into(),
        distributor_partners::account_gone(c, from, to)?.into(),
    );
    Ok(touched)
}

/// Deletes an account for good (admins; with seed 001's setting, the rep who created
/// it): the people linked to no other account go with it (seed 001's cascade), what
/// else hangs off it is audited and goes by cascade, leads and entries are left
/// without it.
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
            let before = accounts::deletable(c, &ctx.actor, id, if_match)?;
            for person in links::people_only_at(c, id)? {
                super::contacts::remove_person(c, &ctx, person)?;
            }
            account_gone(c, &ctx, id, None)?;
            accounts::remove(c, &ctx, &before)
        })
        .await
}
