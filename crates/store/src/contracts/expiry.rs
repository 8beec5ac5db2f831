//! The daily expiry: active contracts whose last day is past are marked expired, each
//! with its history and audit rows. Every node may run it at once: a sweep takes one
//! advisory lock (SQLite's single writer already serialises), and reads the contracts
//! still active only once it holds it, so a contract another node expired meanwhile is
//! not expired twice. It is idempotent: a second sweep on the same day finds nothing.

use chrono::NaiveDate;
use rapport_domain::contract::{Contract, ContractStatus};
use rapport_domain::{Actor, Ctx, Role};
use uuid::Uuid;

use crate::kernel::record::Record;
use crate::{Store, StoreError};

use super::history::move_in;

/// Any fixed number: it names the one lock every expiry sweep takes on PostgreSQL.
const EXPIRY_LOCK: i64 = 0x5241_5050_0018;
/// Contracts expired per transaction, so that a day with many keeps each one short.
const BATCH: i64 = 200;

/// Who the job acts as in the history (nobody) and the audit log.
fn job() -> Ctx {
    Ctx {
        actor: Actor {
            user_id: Uuid::nil(),
            email: "contract expiry job".into(),
            role: Role::Admin,
            account_id: None,
        },
        request_id: format!("job-{}", rapport_domain::new_id()),
        ip: None,
        user_agent: Some("rapport-jobs".into()),
    }
}

/// Marks expired every active contract whose `expiration_date` is before `today`;
/// returns how many it expired.
pub async fn sweep(store: &Store, today: NaiveDate) -> Result<u64, StoreError> {
    let ctx = job();
    let mut total = 0;
    loop {
        let ctx = ctx.clone();
        let expired = store
            .db
            .write(move |c| {
                c.lock_key(EXPIRY_LOCK)?;
                // Read under the lock: a sweep that waited sees what the one before it
                // committed. Locked too, so a person's status change waits or is seen.
                let mut sql = "SELECT * FROM contracts WHERE status = ? AND expiration_date < ? \
                               ORDER BY expiration_date, id"
                    .to_owned();
                sql.push_str(&format!(" LIMIT {BATCH}"));
                sql.push_str(&c.row_lock(None));
                let rows = c.query(
                    &sql,
                    &[ContractStatus::Active.as_str().into(), today.into()],
                )?;
                let mut n = 0u64;
                for row in rows {
                    let before = Contract::from_row(&row)?;
                    if before.status != ContractStatus::Active {
                        continue;
                    }
                    move_in(c, &ctx, before, ContractStatus::Expired, None)?;
                    n += 1;
                }
                Ok::<u64, StoreError>(n)
            })
            .await?;
        total += expired;
        if expired < BATCH as u64 {
            return Ok(total);
        }
    }
}
