//! The renewal chain of a contract: the contracts it renews, back to the first, then
//! itself, then those that renew it, oldest first. A renewal is refused while another is
//! under way or done (`renew`), so a chain does not fork; each step reads one indexed
//! row. The walk stops at a contract outside the caller's scope, so the chain is the
//! same on both engines (PostgreSQL's row security would hide that step anyway).

use rapport_db::Conn;
use rapport_domain::contract::Contract;
use rapport_domain::Actor;
use uuid::Uuid;

use crate::kernel::record::Record;
use crate::policy as scope;
use crate::{SqlBuf, Store, StoreError};

use super::contracts::visible;

/// At most this many contracts either side of the one asked about (a yearly renewal
/// for a thousand years); a cycle written behind Rapport's back stops there too.
const MAX_STEPS: usize = 1000;

fn one(c: &mut dyn Conn, actor: &Actor, condition: SqlBuf) -> Result<Option<Contract>, StoreError> {
    let mut q = SqlBuf::new("SELECT * FROM contracts WHERE ");
    q.append(condition)
        .push(" AND (")
        .append(scope::contracts_visible(actor))
        .push(") ORDER BY created_at, id LIMIT 1");
    c.query_one(&q.sql, &q.params)?
        .map(|r| Contract::from_row(&r))
        .transpose()
}

/// The contracts `k` renews (oldest first), then `k`, then those renewing it.
pub(crate) fn chain_of(
    c: &mut dyn Conn,
    actor: &Actor,
    k: Contract,
) -> Result<Vec<Contract>, StoreError> {
    let mut seen: Vec<Uuid> = vec![k.id];
    let mut older = Vec::new();
    let mut from = k.renewed_from_id;
    while let Some(id) = from.filter(|id| !seen.contains(id) && older.len() < MAX_STEPS) {
        let mut cond = SqlBuf::new("contracts.id = ");
        cond.bind(id);
        let Some(prev) = one(c, actor, cond)? else {
            break;
        };
        seen.push(prev.id);
        from = prev.renewed_from_id;
        older.push(prev);
    }
    older.reverse();
    let mut newer = Vec::new();
    let mut last = k.id;
    while newer.len() < MAX_STEPS {
        let mut cond = SqlBuf::new("contracts.renewed_from_id = ");
        cond.bind(last);
        let Some(next) = one(c, actor, cond)? else {
            break;
        };
        if seen.contains(&next.id) {
            break;
        }
        seen.push(next.id);
        last = next.id;
        newer.push(next);
    }
    older.push(k);
    older.extend(newer);
    Ok(older)
}

/// `GET /contracts/{id}/chain`: the renewal chain around a contract the caller sees.
pub async fn chain(store: &Store, actor: &Actor, id: Uuid) -> Result<Vec<Contract>, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            let k = visible(c, &actor, id)?;
            chain_of(c, &actor, k)
        })
        .await
}
