//! Contracts: the one way one is opened (`open_in`, called by a fulfilment and by a
//! hand-made create alike), reading them in scope, and changing their billing side.
//! Status moves and the history are in `history`, the renewal chain in `chain`.

use chrono::{DateTime, Days, NaiveDate, Utc};
use rapport_db::{Conn, Value};
use rapport_domain::contract::{Contract, ContractChanges, ContractStatus};
use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use crate::customers::accounts;
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Choice, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::numbers::{self, Series};
use crate::kernel::record::{self, Record};
use crate::policy::{self as scope, Action};
use crate::{SqlBuf, Store, StoreError};

pub(crate) const ENTITY: &str = crate::kernel::names::CONTRACT;

/// `CTR-<year>-<6 digits>`, one counter per year (docs/orders.md "Readable numbers").
pub static SERIES: Series = Series {
    name: "contract",
    prefix: "CTR",
    table: "contracts",
    column: "contract_number",
};

/// The longest `expiring_within` asked for: a hundred years of days.
const MAX_EXPIRING_DAYS: u64 = 36_600;

/// What the list accepts; the API document describes its sort from it too.
pub static SPEC: ListSpec = ListSpec {
    table: "contracts",
    sortable: &[
        Field::new("activation_date", "activation_date", Kind::Date),
        Field::new("expiration_date", "expiration_date", Kind::Date),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("total_value", "total_value", Kind::Decimal),
    ],
    default_sort: "-created_at",
    filters: &[
        Field::new("status", "status", Kind::Choice(Choice::ContractStatus)),
        Field::new("account_id", "account_id", Kind::Uuid).nullable(),
        Field::new("partner_id", "partner_id", Kind::Uuid).nullable(),
        Field::new("distributor_id", "distributor_id", Kind::Uuid).nullable(),
        Field::new("owner_id", "owner_id", Kind::Uuid).nullable(),
        Field::new("order_id", "order_id", Kind::Uuid).nullable(),
        Field::new("renewed_from_id", "renewed_from_id", Kind::Uuid).nullable(),
        Field::new("contract_number", "contract_number", Kind::Text),
        Field::new("currency", "currency", Kind::Text),
        Field::new("billing_provider", "billing_provider", Kind::Text).nullable(),
        Field::new("legacy_id", "legacy_id", Kind::Text).nullable(),
        Field::new("activation_date", "activation_date", Kind::Date),
        Field::new("expiration_date", "expiration_date", Kind::Date),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: None,
};

crate::record!(
    Contract,
    entity = ENTITY,
    table = "contracts",
    fields {
        id,
        contract_number,
        order_id,
        status,
        account_id,
        partner_id,
        distributor_id,
        owner_id,
        activation_date,
        expiration_date,
        renewed_from_id,
        total_value,
        currency,
        billing_provider,
        billing_customer_id,
        billing_invoices,
        billing_metadata,
        notes_internal,
        cancelled_at,
        legacy_id,
        created_by,
        updated_by,
        created_at,
        updated_at,
        version,
    },
    // Values are shown with their currency's minor units, whatever the engine kept.
    after_read = Contract::refresh_derived,
);

/// A contract the actor can see, or `NotFound`.
pub(crate) fn visible(c: &mut dyn Conn, actor: &Actor, id: Uuid) -> Result<Contract, StoreError> {
    record::fetch(c, id, scope::contracts_visible(actor), false)
}

/// The contract as it stands before a write: in scope and locked, `allowed` for the
/// role, at the version `If-Match` named.
pub(crate) fn writable(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    allowed: impl FnOnce() -> Result<(), StoreError>,
    if_match: IfMatch,
) -> Result<Contract, StoreError> {
    record::writable(c, id, scope::contracts_visible(actor), allowed, if_match)
}

/// Writes `after` over `before` (same id).
pub(crate) fn save(c: &mut dyn Conn, after: &Contract) -> Result<(), StoreError> {
    record::update(c, after).map_err(unique_conflict)
}

/// A unique value taken under our feet (a concurrent write), named by its field.
fn unique_conflict(e: rapport_db::DbError) -> StoreError {
    for (needle, field) in [
        ("legacy_id", "legacy_id"),
        ("order", "order_id"),
        ("number", "contract_number"),
    ] {
        if e.violates(needle) {
            return StoreError::Conflict {
                message: format!("another contract already has this {field}"),
                field: Some(field.into()),
                existing_id: None,
            };
        }
    }
    e.into()
}

/// Refuses a number, legacy id or order another contract already holds, naming it.
fn check_unique(c: &mut dyn Conn, k: &Contract) -> Result<(), StoreError> {
    let checks: [(&str, Value); 3] = [
        ("contract_number", k.contract_number.clone().into()),
        ("legacy_id", k.legacy_id.clone().into()),
        ("order_id", k.order_id.into()),
    ];
    for (column, value) in checks {
        if value.is_null() {
            continue;
        }
        let found: Option<Uuid> = c.query_scalar(
            &format!("SELECT id FROM contracts WHERE {column} = ? AND id <> ?"),
            &[value, k.id.into()],
        )?;
        if let Some(existing) = found {
            let what = if column == "order_id" {
                "the order already has a contract".to_owned()
            } else {
                format!("another contract already has this {column}")
            };
            return Err(StoreError::Conflict {
                message: what,
                field: Some(column.into()),
                existing_id: Some(existing),
            });
        }
    }
    Ok(())
}

/// Writes one row of the contract's history: `from` (none when it opens) to its status.
pub(crate) fn record_move(
    c: &mut dyn Conn,
    actor: &Actor,
    k: &Contract,
    from: Option<ContractStatus>,
    reason: Option<String>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO contract_status_history (id, contract_id, from_status, to_status, reason, changed_by, changed_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        &[
            rapport_domain::new_id().into(),
            k.id.into(),
            from.map(ContractStatus::as_str).into(),
            k.status.as_str().into(),
            reason.into(),
            record::acting_user(actor).into(),
            at.into(),
        ],
    )?;
    Ok(())
}

/// Opens `opening` (a contract built from [`Contract::blank`] with its parties, dates,
/// value and billing references): active, numbered from the series unless it carries a
/// number, its opening written to the history and the audit log. The one primitive a
/// fulfilment and a hand-made create both call, inside their write transaction.
pub fn open_in(c: &mut dyn Conn, ctx: &Ctx, mut opening: Contract) -> Result<Contract, StoreError> {
    opening.status = ContractStatus::Active;
    opening.cancelled_at = None;
    opening.refresh_derived();
    opening.check()?;
    if opening.contract_number.is_empty() {
        opening.contract_number = numbers::next(c, &SERIES, opening.created_at)?;
    }
    check_unique(c, &opening)?;
    record::insert(c, &opening).map_err(unique_conflict)?;
    record_move(c, &ctx.actor, &opening, None, None, opening.created_at)?;
    audit::record_change(
        c,
        ctx,
        AuditAction::Create,
        ENTITY,
        opening.id,
        None,
        Some(&opening),
    )?;
    Ok(opening)
}

/// Checks what a hand-made contract names: accounts (a partner and a distributor of
/// their kinds), an order that exists, an owner who may be named.
fn check_links(c: &mut dyn Conn, actor: &Actor, k: &Contract) -> Result<(), StoreError> {
    for (field, kind, id) in [
        ("account_id", None, k.account_id),
        ("partner_id", Some("partner"), k.partner_id),
        ("distributor_id", Some("distributor"), k.distributor_id),
    ] {
        let Some(id) = id else { continue };
        let account = accounts::visible(c, actor, id)
            .map_err(|e| e.named_in(field, "names no account you can see"))?;
        if let Some(kind) = kind {
            if account.kind.as_str() != kind {
                return Err(StoreError::invalid(
                    field,
                    "kind",
                    format!("must name an account of kind {kind}"),
                ));
            }
        }
    }
    if let Some(order) = k.order_id {
        let found: Option<i64> =
            c.query_scalar("SELECT 1 FROM orders WHERE id = ?", &[order.into()])?;
        if found.is_none() {
            return Err(StoreError::invalid("order_id", "exists", "names no order"));
        }
    }
    if let Some(from) = k.renewed_from_id {
        // Locked, so that two renewals of one contract queue up and the second sees the
        // first.
        record::fetch::<Contract>(c, from, scope::contracts_visible(actor), true)
            .map_err(|e| e.named_in("renewed_from_id", "names no contract you can see"))?;
        renewal_free(c, from)?;
    }
    if k.owner_id.is_some() {
        scope::may_assign_owner(actor, k.owner_id)?;
        accounts::check_owner(c, k.owner_id)?;
    }
    Ok(())
}

/// Refuses a second renewal of contract `id`: one is done (a contract renews it) or
/// under way (an order renewing it is in a state that is not final). A chain does not
/// fork. 409 naming `renewed_from_id`.
pub(crate) fn renewal_free(c: &mut dyn Conn, id: Uuid) -> Result<(), StoreError> {
    let done: Option<Uuid> = c.query_scalar(
        "SELECT id FROM contracts WHERE renewed_from_id = ? ORDER BY id LIMIT 1",
        &[id.into()],
    )?;
    if let Some(existing) = done {
        return Err(StoreError::Conflict {
            message: "the contract is already renewed".into(),
            field: Some("renewed_from_id".into()),
            existing_id: Some(existing),
        });
    }
    let open: Option<Uuid> = c.query_scalar(
        "SELECT o.id FROM orders o JOIN order_states s ON s.id = o.state_id \
         WHERE o.renews_contract_id = ? AND s.is_final = ? ORDER BY o.id LIMIT 1",
        &[id.into(), false.into()],
    )?;
    if let Some(existing) = open {
        return Err(StoreError::Conflict {
            message: "an order renewing the contract is under way".into(),
            field: Some("renewed_from_id".into()),
            existing_id: Some(existing),
        });
    }
    Ok(())
}

/// A contract made by hand (admins): one signed outside Rapport, or imported.
pub async fn create(
    store: &Store,
    ctx: &Ctx,
    changes: ContractChanges,
) -> Result<Contract, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            scope::require_contract_action(actor, Action::Create)?;
            let mut k = Contract::blank(record::acting_user(actor), rapport_db::now());
            changes.apply_to(&mut k);
            check_links(c, actor, &k)?;
            open_in(c, &ctx, k)
        })
        .await
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<Contract, StoreError> {
    let actor = actor.clone();
    store.db.read(move |c| visible(c, &actor, id)).await
}

/// `expiring_within=<n>d`: active contracts whose last day is at most `n` days after
/// `today` (those past it that the daily job has not reached yet included).
pub fn expiring_within(raw: &str, today: NaiveDate) -> Result<SqlBuf, StoreError> {
    let bad = || {
        StoreError::bad_request(
            "expiring_within",
            "days",
            format!(
                "must be a number of days such as 30d (at most {MAX_EXPIRING_DAYS}d), not {raw:?}"
            ),
        )
    };
    let days: u64 = raw
        .strip_suffix('d')
        .filter(|n| !n.is_empty() && n.len() <= 5 && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
        .filter(|n| *n <= MAX_EXPIRING_DAYS)
        .ok_or_else(bad)?;
    let until = today.checked_add_days(Days::new(days)).ok_or_else(bad)?;
    Ok(expiring_until(until))
}

/// Active contracts whose last day is on or before `until`.
pub(crate) fn expiring_until(until: NaiveDate) -> SqlBuf {
    let mut b = SqlBuf::new("contracts.status = ");
    b.bind(ContractStatus::Active.as_str())
        .push(" AND contracts.expiration_date <= ")
        .bind(until);
    b
}

/// Lists contracts in the caller's scope: the generic filters, and `expiring_within`.
pub async fn list(
    store: &Store,
    actor: &Actor,
    mut params: ListParams,
) -> Result<Page<Contract>, StoreError> {
    let mut extra = Vec::new();
    if let Some(raw) = params.take_filter("expiring_within").last() {
        extra.push(expiring_within(raw, chrono::Utc::now().date_naive())?);
    }
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        scope::contracts_visible(actor),
        extra,
        Contract::from_row,
    )
    .await
}

/// Changes a contract's billing side, internal notes or owner (admins and managers).
pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: ContractChanges,
) -> Result<Contract, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let allowed = || scope::require_contract_action(actor, Action::Update);
            let before = writable(c, actor, id, allowed, if_match)?;
            let mut after = before.clone();
            changes.apply_to(&mut after);
            if after == before {
                return Ok(before);
            }
            if after.owner_id != before.owner_id && after.owner_id.is_some() {
                scope::may_assign_owner(actor, after.owner_id)?;
                accounts::check_owner(c, after.owner_id)?;
            }
            let after = record::touched(&before, actor, after);
            save(c, &after)?;
            record::audit_update(c, &ctx, &before, &after)?;
            Ok(after)
        })
        .await
}
