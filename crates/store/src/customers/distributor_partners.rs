//! Which partners a distributor manages (seed 004): admins assign and deactivate the
//! links, every change audited. The links feed the scope of distributor users
//! ([`crate::policy`]), so a deactivated link hides the partner's data at once.

use chrono::{DateTime, Utc};
use rapport_db::{Conn, Row};
use rapport_domain::{new_id, Actor, Ctx};
use serde::Serialize;
use uuid::Uuid;

use crate::kernel::audit::{self, AuditAction};
use crate::{Store, StoreError};

pub(crate) const ENTITY: &str = crate::kernel::names::DISTRIBUTOR_PARTNER;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DistributorPartner {
    pub id: Uuid,
    pub distributor_id: Uuid,
    pub partner_id: Uuid,
    /// The partner's account name, for display.
    pub partner_name: String,
    /// Free text about the relationship (seed 004's `distributor_partners.notes`).
    pub notes: Option<String>,
    pub active: bool,
    pub started_at: DateTime<Utc>,
    /// When the link was deactivated; `null` while active.
    pub ended_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

const SELECT: &str = "SELECT dp.*, accounts.name AS partner_name FROM distributor_partners dp \
     JOIN accounts ON accounts.id = dp.partner_id";

fn from_row(r: &Row) -> Result<DistributorPartner, StoreError> {
    Ok(DistributorPartner {
        id: r.get("id")?,
        distributor_id: r.get("distributor_id")?,
        partner_id: r.get("partner_id")?,
        partner_name: r.get("partner_name")?,
        notes: r.get("notes")?,
        active: r.get("active")?,
        started_at: r.get("started_at")?,
        ended_at: r.get("ended_at")?,
        created_by: r.get("created_by")?,
        updated_by: r.get("updated_by")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        version: r.get("version")?,
    })
}

/// Who may read and change the links (admins of either kind); public so a page about
/// them can refuse before it has a distributor to ask about.
pub fn require_admin(actor: &Actor) -> Result<(), StoreError> {
    if actor.role.is_admin() {
        Ok(())
    } else {
        Err(StoreError::forbidden(format!(
            "the {} role may not manage distributor–partner links",
            actor.role.as_str()
        )))
    }
}

/// The account `id` must exist and be of `kind`; `field` names it in the error.
fn require_kind(c: &mut dyn Conn, id: Uuid, kind: &str, field: &str) -> Result<(), StoreError> {
    let found: Option<String> =
        c.query_scalar("SELECT kind FROM accounts WHERE id = ?", &[id.into()])?;
    match found {
        None if field == "id" => Err(StoreError::NotFound { entity: "account" }),
        None => Err(StoreError::invalid(field, "exists", "names no account")),
        Some(k) if k == kind => Ok(()),
        Some(k) => Err(StoreError::invalid(
            field,
            "kind",
            format!("must name an account of kind {kind}, not {k}"),
        )),
    }
}

fn links_of(
    c: &mut dyn Conn,
    distributor: Uuid,
    active: Option<bool>,
) -> Result<Vec<DistributorPartner>, StoreError> {
    let mut q = crate::SqlBuf::new(SELECT);
    q.push(" WHERE dp.distributor_id = ").bind(distributor);
    if let Some(a) = active {
        q.push(" AND dp.active = ").bind(a);
    }
    q.push(" ORDER BY accounts.name, dp.started_at, dp.id");
    c.query(&q.sql, &q.params)?.iter().map(from_row).collect()
}

/// A distributor's links, active ones or (with `active = None`) all of them, by
/// partner name (admins).
pub async fn list(
    store: &Store,
    actor: &Actor,
    distributor: Uuid,
    active: Option<bool>,
) -> Result<Vec<DistributorPartner>, StoreError> {
    require_admin(actor)?;
    store
        .db
        .read(move |c| {
            require_kind(c, distributor, "distributor", "id")?;
            links_of(c, distributor, active)
        })
        .await
}

/// Links `partner` to `distributor` (admins). A partner may be managed by several
/// distributors at once (seed 004's links are many-to-many), each seeing its records;
/// linking it twice to the same distributor answers 409 naming the active link.
pub async fn assign(
    store: &Store,
    ctx: &Ctx,
    distributor: Uuid,
    partner: Uuid,
    notes: Option<String>,
) -> Result<DistributorPartner, StoreError> {
    require_admin(&ctx.actor)?;
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            require_kind(c, distributor, "distributor", "id")?;
            if partner == distributor {
                return Err(StoreError::invalid(
                    "partner_id",
                    "self",
                    "a distributor cannot be its own partner",
                ));
            }
            require_kind(c, partner, "partner", "partner_id")?;
            let mut lock = String::from(
                "SELECT id FROM distributor_partners WHERE distributor_id = ? AND partner_id = ? AND active = ?",
            );
            lock.push_str(&c.row_lock(None));
            let existing: Option<Uuid> =
                c.query_scalar(&lock, &[distributor.into(), partner.into(), true.into()])?;
            if let Some(existing) = existing {
                return Err(StoreError::Conflict {
                    message: "the partner is already linked to this distributor".into(),
                    field: Some("partner_id".into()),
                    existing_id: Some(existing),
                });
            }
            let now = rapport_db::now();
            let me = Some(ctx.actor.user_id).filter(|u| !u.is_nil());
            let id = new_id();
            let inserted = c.execute(
                "INSERT INTO distributor_partners (id, distributor_id, partner_id, notes, active, started_at, \
                 created_by, updated_by, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                &[
                    id.into(),
                    distributor.into(),
                    partner.into(),
                    notes.clone().into(),
                    true.into(),
                    now.into(),
                    me.into(),
                    me.into(),
                    now.into(),
                    now.into(),
                ],
            );
            if let Err(e) = inserted {
                // Another admin linked the pair between the check and the insert.
                if e.violates("partner") {
                    return Err(StoreError::Conflict {
                        message: "the partner was just linked to this distributor".into(),
                        field: Some("partner_id".into()),
                        existing_id: None,
                    });
                }
                return Err(e.into());
            }
            let link = fetch(c, id)?;
            audit::record_change(c, &ctx, AuditAction::Create, ENTITY, id, None, Some(&link))?;
            Ok(link)
        })
        .await
}

fn fetch(c: &mut dyn Conn, id: Uuid) -> Result<DistributorPartner, StoreError> {
    match c.query_one(&format!("{SELECT} WHERE dp.id = ?"), &[id.into()])? {
        Some(r) => from_row(&r),
        None => Err(StoreError::NotFound { entity: ENTITY }),
    }
}

/// Ends the active link between `distributor` and `partner` (admins); the partner's
/// data leaves the distributor's view in the same commit.
pub async fn deactivate(
    store: &Store,
    ctx: &Ctx,
    distributor: Uuid,
    partner: Uuid,
) -> Result<DistributorPartner, StoreError> {
    require_admin(&ctx.actor)?;
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let mut sql = String::from(
                "SELECT id FROM distributor_partners WHERE distributor_id = ? AND partner_id = ? AND active = ?",
            );
            sql.push_str(&c.row_lock(None));
            let Some(id) = c.query_scalar::<Uuid>(
                &sql,
                &[distributor.into(), partner.into(), true.into()],
            )?
            else {
                return Err(StoreError::NotFound {
                    entity: "active distributor–partner link",
                });
            };
            let before = fetch(c, id)?;
            let now = rapport_db::now().max(before.updated_at);
            let me = Some(ctx.actor.user_id).filter(|u| !u.is_nil());
            c.execute(
                "UPDATE distributor_partners SET active = ?, ended_at = ?, updated_by = ?, updated_at = ?, \
                 version = version + 1 WHERE id = ?",
                &[false.into(), now.into(), me.into(), now.into(), id.into()],
            )?;
            let after = fetch(c, id)?;
            audit::record_change(c, &ctx, AuditAction::Update, ENTITY, id, Some(&before), Some(&after))?;
            Ok(after)
        })
        .await
}

/// An account went away: merged into another, every active link of it ends (its history
/// stays, pointing at the archived account; the survivor keeps its own links); deleted,
/// the database's cascade removes them. Returns how many links ended.
pub(crate) fn account_gone(
    c: &mut dyn Conn,
    from: Uuid,
    to: Option<Uuid>,
) -> Result<u64, StoreError> {
    match to {
        Some(_) => end_links_of(c, from),
        None => Ok(0),
    }
}

fn end_links_of(c: &mut dyn Conn, account: Uuid) -> Result<u64, StoreError> {
    let now = rapport_db::now();
    Ok(c.execute(
        "UPDATE distributor_partners SET active = ?, ended_at = ?, updated_at = ?, version = version + 1 \
         WHERE (distributor_id = ? OR partner_id = ?) AND active = ?",
        &[
            false.into(),
            now.into(),
            now.into(),
            account.into(),
            account.into(),
            true.into(),
        ],
    )?)
}
