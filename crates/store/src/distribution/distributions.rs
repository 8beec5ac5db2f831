//! The distribution log (seed 000). Every write keeps the sales dashboard's figures in
//! the same transaction ([`sales_figures`]) and is audited per entry.

use std::collections::HashMap;

use chrono::NaiveDate;
use rapport_db::Conn;
use rapport_domain::distribution::{Distribution, DistributionChanges, Source};
use rapport_domain::input::Patch;
use rapport_domain::{new_id, Actor, Ctx, FieldError, IfMatch, Invalid};
use uuid::Uuid;

use crate::auth::users;
use crate::catalog::products;
use crate::customers::accounts;
use crate::distribution::sales_figures::{self, Facts};
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::record::{self, Record};
use crate::policy::{self as scope, Action};
use crate::{SqlBuf, Store, StoreError};

pub(crate) const ENTITY: &str = crate::kernel::names::DISTRIBUTION;
/// Entries one bulk call may create.
pub const MAX_BULK: usize = 10_000;
/// Rows per multi-row INSERT: 23 columns, under SQLite's 32,766 parameters.
const ROWS_PER_INSERT: usize = 500;

static SPEC: ListSpec = ListSpec {
    table: "distributions",
    sortable: &[
        Field::new("ship_date", "ship_date", Kind::Date),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
        Field::new("quantity", "quantity", Kind::Int),
    ],
    default_sort: "-ship_date",
    filters: &[
        Field::new("ship_date", "ship_date", Kind::Date),
        Field::new("customer_id", "customer_id", Kind::Uuid).nullable(),
        Field::new("rep_id", "rep_id", Kind::Uuid).nullable(),
        Field::new("product_id", "product_id", Kind::Uuid).nullable(),
        Field::new("sku", "sku", Kind::Text),
        Field::new("lot_number", "lot_number", Kind::Text).nullable(),
        Field::new("order_number", "order_number", Kind::Text).nullable(),
        Field::new("customer_name", "customer_name", Kind::Text).nullable(),
        Field::new("source", "source", Kind::Text),
        Field::new("legacy_id", "legacy_id", Kind::Text).nullable(),
        Field::new("quantity", "quantity", Kind::Int),
        Field::new("created_by", "created_by", Kind::Uuid).nullable(),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: None,
};

crate::record!(
    Distribution,
    entity = ENTITY,
    table = "distributions",
    fields {
        id, ship_date, order_number, sku, product_id, lot_number, quantity, customer_id,
        customer_name, rep_id, source, notes, legacy_id, created_by, updated_by, created_at,
        updated_at, version,
    },
    derived {
        "ship_month" => |d: &Distribution| i64::from(d.ship_month()),
        "order_key" => Distribution::order_key,
        "customer_key" => Distribution::customer_key,
    },
);

fn unique_conflict(e: rapport_db::DbError) -> StoreError {
    if e.violates("legacy_id") {
        return StoreError::Conflict {
            message: "another distribution entry already has this legacy_id".into(),
            field: Some("legacy_id".into()),
            existing_id: None,
        };
    }
    e.into()
}

fn insert_rows(c: &mut dyn Conn, entries: &[Distribution]) -> Result<(), StoreError> {
    record::insert_many(c, entries, ROWS_PER_INSERT).map_err(unique_conflict)
}

fn save(c: &mut dyn Conn, before: &Distribution, after: &Distribution) -> Result<(), StoreError> {
    record::update(c, after).map_err(unique_conflict)?;
    sales_figures::apply(c, &[Facts::of(before)], &[Facts::of(after)])
}

fn fetch(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    lock: bool,
) -> Result<Distribution, StoreError> {
    record::fetch(c, id, scope::distributions_visible(actor), lock)
}

fn apply_changes(mut d: Distribution, ch: DistributionChanges) -> Distribution {
    if let Patch::Set(v) = ch.ship_date {
        d.ship_date = v;
    }
    if let Patch::Set(v) = ch.sku {
        d.sku = v.trim().to_owned();
    }
    if let Patch::Set(v) = ch.quantity {
        d.quantity = v;
    }
    if let Patch::Set(v) = ch.source {
        d.source = v;
    }
    d.order_number = ch.order_number.apply(d.order_number);
    d.product_id = ch.product_id.apply(d.product_id);
    d.lot_number = ch.lot_number.apply(d.lot_number);
    d.customer_id = ch.customer_id.apply(d.customer_id);
    d.customer_name = ch.customer_name.apply(d.customer_name);
    d.rep_id = ch.rep_id.apply(d.rep_id);
    d.notes = ch.notes.apply(d.notes);
    d.legacy_id = ch.legacy_id.apply(d.legacy_id);
    d
}

/// Lookups shared by the rows of one request, so that a bulk call of 10,000 entries asks
/// about each customer, rep, product and SKU once.
#[derive(Default)]
struct Checked {
    /// The field errors of naming an id in a field (none when it is fine).
    named: HashMap<(&'static str, Uuid), Vec<FieldError>>,
    products_by_sku: HashMap<String, Option<Uuid>>,
}

impl Checked {
    /// The field errors of naming `id` in `field`, from `check` the first time.
    fn named(
        &mut self,
        field: &'static str,
        id: Uuid,
        check: impl FnOnce() -> Result<(), StoreError>,
    ) -> Result<Vec<FieldError>, StoreError> {
        if let Some(found) = self.named.get(&(field, id)) {
            return Ok(found.clone());
        }
        let errors = match check() {
            Ok(()) => Vec::new(),
            Err(StoreError::Invalid(Invalid(list))) => list,
            Err(e) => return Err(e),
        };
        self.named.insert((field, id), errors.clone());
        Ok(errors)
    }

    /// Every record the entry names, as field errors (an unseen customer reads like a
    /// missing one). Fills the product from the SKU when none was given.
    fn entry(
        &mut self,
        c: &mut dyn Conn,
        actor: &Actor,
        before: Option<&Distribution>,
        product_given: bool,
        d: &mut Distribution,
    ) -> Result<Vec<FieldError>, StoreError> {
        let mut errors = Vec::new();
        let changed = |f: fn(&Distribution) -> Option<Uuid>, d: &Distribution| {
            before.is_none_or(|b| f(b) != f(d))
        };
        if let (true, Some(id)) = (changed(|x| x.customer_id, d), d.customer_id) {
            errors.extend(self.named("customer_id", id, || {
                accounts::visible(c, actor, id)
                    .map(|_| ())
                    .map_err(|e| e.named_in("customer_id", "names no account you can see"))
            })?);
        }
        if let (true, Some(rep)) = (changed(|x| x.rep_id, d), d.rep_id) {
            scope::may_assign_user(actor, "rep_id", Some(rep))?;
            errors.extend(self.named("rep_id", rep, || users::check_enabled(c, "rep_id", rep))?);
        }
        if product_given {
            if let Some(id) = d.product_id {
                errors.extend(self.named("product_id", id, || {
                    products::check_exists(c, id, "product_id")
                })?);
            }
        } else if before.is_none_or(|b| b.sku != d.sku) {
            let product = match self.products_by_sku.get(&d.sku) {
                Some(p) => *p,
                None => {
                    let p: Option<Uuid> = c.query_scalar(
                        "SELECT id FROM products WHERE sku = ?",
                        &[d.sku.clone().into()],
                    )?;
                    self.products_by_sku.insert(d.sku.clone(), p);
                    p
                }
            };
            if product.is_some() || before.is_some() {
                d.product_id = product;
            }
        }
        Ok(errors)
    }
}

fn blank(actor: &Actor, source: Source) -> Distribution {
    let me = Some(actor.user_id).filter(|u| !u.is_nil());
    let now = rapport_db::now();
    Distribution {
        id: new_id(),
        ship_date: NaiveDate::MIN,
        order_number: None,
        sku: String::new(),
        product_id: None,
        lot_number: None,
        quantity: 0,
        customer_id: None,
        customer_name: None,
        rep_id: None,
        source,
        notes: None,
        legacy_id: None,
        created_by: me,
        updated_by: me,
        created_at: now,
        updated_at: now,
        version: 1,
    }
}

/// A new entry from its changes: a rep is the entry's rep unless another is named.
fn prepare(
    c: &mut dyn Conn,
    actor: &Actor,
    checked: &mut Checked,
    changes: DistributionChanges,
    source: Source,
) -> Result<Result<Distribution, Vec<FieldError>>, StoreError> {
    let product_given = !changes.product_id.is_absent();
    let rep_given = !changes.rep_id.is_absent();
    let mut d = apply_changes(blank(actor, source), changes);
    if !rep_given && actor.role == rapport_domain::Role::Rep {
        d.rep_id = Some(actor.user_id);
    }
    let errors = checked.entry(c, actor, None, product_given, &mut d)?;
    Ok(if errors.is_empty() {
        Ok(d)
    } else {
        Err(errors)
    })
}

fn record_created(c: &mut dyn Conn, ctx: &Ctx, d: &Distribution) -> Result<(), StoreError> {
    audit::record_change(c, ctx, AuditAction::Create, ENTITY, d.id, None, Some(d))
}

/// Creates one entry (`source` defaults to `api`).
pub async fn create(
    store: &Store,
    ctx: &Ctx,
    changes: DistributionChanges,
) -> Result<Distribution, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            scope::require_distribution_action(actor, Action::Create)?;
            sales_figures::lock(c)?;
            let d = prepare(c, actor, &mut Checked::default(), changes, Source::Api)?
                .map_err(|errors| StoreError::Invalid(Invalid(errors)))?;
            insert_rows(c, std::slice::from_ref(&d))?;
            sales_figures::apply(c, &[], &[Facts::of(&d)])?;
            record_created(c, &ctx, &d)?;
            Ok(d)
        })
        .await
}

/// Creates up to [`MAX_BULK`] entries, all or none (`source` defaults to `import`). Each
/// item is read and checked first; any bad item fails the call with every error named
/// by its row index, and nothing is written.
pub async fn bulk_create(
    store: &Store,
    ctx: &Ctx,
    items: Vec<serde_json::Value>,
) -> Result<Vec<Uuid>, StoreError> {
    if items.len() > MAX_BULK {
        return Err(StoreError::invalid(
            "items",
            "max_items",
            format!("holds {} entries; at most {MAX_BULK} per call", items.len()),
        ));
    }
    if items.is_empty() {
        return Err(StoreError::invalid(
            "items",
            "min_items",
            "must hold at least one entry",
        ));
    }
    let today = chrono::Utc::now().date_naive();
    let mut errors: Vec<FieldError> = Vec::new();
    let mut parsed = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match DistributionChanges::read(item, true, today) {
            Ok(ch) => parsed.push(Some(ch)),
            Err(Invalid(list)) => {
                errors.extend(list.into_iter().map(|e| e.at(i)));
                parsed.push(None);
            }
        }
    }
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            scope::require_distribution_action(actor, Action::Create)?;
            sales_figures::lock(c)?;
            let mut checked = Checked::default();
            let mut entries = Vec::with_capacity(parsed.len());
            for (i, changes) in parsed.into_iter().enumerate() {
                let Some(changes) = changes else { continue };
                match prepare(c, actor, &mut checked, changes, Source::Import)? {
                    Ok(d) => entries.push(d),
                    Err(list) => errors.extend(list.into_iter().map(|e| e.at(i))),
                }
            }
            if !errors.is_empty() {
                errors.sort_by_key(|e| e.index);
                return Err(StoreError::Invalid(Invalid(errors)));
            }
            insert_rows(c, &entries)?;
            let facts: Vec<Facts> = entries.iter().map(Facts::of).collect();
            sales_figures::apply(c, &[], &facts)?;
            let records: Vec<(Uuid, &Distribution)> = entries.iter().map(|d| (d.id, d)).collect();
            audit::record_created(c, &ctx, ENTITY, &records)?;
            Ok(entries.into_iter().map(|d| d.id).collect())
        })
        .await
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<Distribution, StoreError> {
    let actor = actor.clone();
    store.db.read(move |c| fetch(c, &actor, id, false)).await
}

/// Lists entries: the generic filters (`ship_date_after`/`_before` among them) and
/// `linked=true|false` (whether the entry has a customer account).
pub async fn list(
    store: &Store,
    actor: &Actor,
    mut params: ListParams,
) -> Result<Page<Distribution>, StoreError> {
    let mut extra = Vec::new();
    match params.take_filter("linked").last().map(String::as_str) {
        None => {}
        Some("true") => extra.push(SqlBuf::new("customer_id IS NOT NULL")),
        Some("false") => extra.push(SqlBuf::new("customer_id IS NULL")),
        Some(other) => {
            return Err(StoreError::bad_request(
                "linked",
                "enum",
                format!("must be true or false, not {other:?}"),
            ))
        }
    }
    let scope = scope::distributions_visible(actor);
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        scope,
        extra,
        Distribution::from_row,
    )
    .await
}

fn writable(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    action: Action,
    if_match: IfMatch,
) -> Result<Distribution, StoreError> {
    let allowed = || scope::require_distribution_action(actor, action);
    record::writable(
        c,
        id,
        scope::distributions_visible(actor),
        allowed,
        if_match,
    )
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: DistributionChanges,
) -> Result<Distribution, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            sales_figures::lock(c)?;
            let before = writable(c, actor, id, Action::Update, if_match)?;
            let product_given = !changes.product_id.is_absent();
            let mut after = apply_changes(before.clone(), changes);
            let errors =
                Checked::default().entry(c, actor, Some(&before), product_given, &mut after)?;
            if !errors.is_empty() {
                return Err(StoreError::Invalid(Invalid(errors)));
            }
            if after == before {
                return Ok(before);
            }
            let after = record::touched(&before, actor, after);
            save(c, &before, &after)?;
            audit::record_change(
                c,
                &ctx,
                AuditAction::Update,
                ENTITY,
                id,
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
        })
        .await
}

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
            sales_figures::lock(c)?;
            let before = writable(c, &ctx.actor, id, Action::Delete, if_match)?;
            c.execute("DELETE FROM distributions WHERE id = ?", &[id.into()])?;
            sales_figures::apply(c, &[Facts::of(&before)], &[])?;
            audit::record_change(
                c,
                &ctx,
                AuditAction::Delete,
                ENTITY,
                id,
                Some(&before),
                None,
            )
        })
        .await
}

/// Points every entry shipped to account `from` at `to` instead (the survivor of a
/// merge), or at no account when `from` is deleted; keys, figures and audit follow.
pub(crate) fn repoint_account(
    c: &mut dyn Conn,
    ctx: &Ctx,
    from: Uuid,
    to: Option<Uuid>,
) -> Result<usize, StoreError> {
    sales_figures::lock(c)?;
    let mut sql = String::from("SELECT * FROM distributions WHERE customer_id = ? ORDER BY id");
    sql.push_str(&c.row_lock(None));
    let before: Vec<Distribution> = c
        .query(&sql, &[from.into()])?
        .iter()
        .map(Distribution::from_row)
        .collect::<Result<_, _>>()?;
    let after: Vec<Distribution> = before
        .iter()
        .map(|b| {
            let mut a = b.clone();
            a.customer_id = to;
            record::touched(b, &ctx.actor, a)
        })
        .collect();
    for (b, a) in before.iter().zip(&after) {
        record::update(c, a)?;
        audit::record_change(c, ctx, AuditAction::Update, ENTITY, a.id, Some(b), Some(a))?;
    }
    let removed: Vec<Facts> = before.iter().map(Facts::of).collect();
    let added: Vec<Facts> = after.iter().map(Facts::of).collect();
    sales_figures::apply(c, &removed, &added)?;
    Ok(after.len())
}

/// Answers to "where did this lot (or SKU) go?": every customer it reached, with
/// totals, and the shipments themselves one page at a time.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Trace {
    pub lot: Option<String>,
    pub sku: Option<String>,
    pub customers: Vec<TracedCustomer>,
    /// A page of shipments (`data`, `next_cursor`), newest first.
    #[schema(value_type = Object)]
    pub shipments: Page<Distribution>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TracedCustomer {
    pub customer_id: Option<Uuid>,
    /// The account's name when linked, else the entry's legacy name.
    pub customer_name: Option<String>,
    pub shipments: i64,
    pub units: i64,
    pub first_ship_date: NaiveDate,
    pub last_ship_date: NaiveDate,
}

/// The trace of a lot or a SKU (exactly one of them), within what the actor may see.
pub async fn trace(
    store: &Store,
    actor: &Actor,
    lot: Option<String>,
    sku: Option<String>,
    mut params: ListParams,
) -> Result<Trace, StoreError> {
    let (column, value) = match (&lot, &sku) {
        (Some(l), None) if !l.trim().is_empty() => ("lot_number", l.clone()),
        (None, Some(s)) if !s.trim().is_empty() => ("sku", s.clone()),
        _ => {
            return Err(StoreError::bad_request(
                "lot",
                "required",
                "give exactly one of lot and sku",
            ))
        }
    };
    let actor = actor.clone();
    let shipments_params = {
        params.filters.push((column.to_owned(), value.clone()));
        params
    };
    let shipments = list(store, &actor, shipments_params).await?;
    let customers = store
        .db
        .read(move |c| {
            let mut q = SqlBuf::new(
                "SELECT distributions.customer_id AS customer_id, \
                 coalesce(max(accounts.name), max(distributions.customer_name)) AS customer_name, \
                 count(*) AS shipments, sum(distributions.quantity) AS units, \
                 min(distributions.ship_date) AS first_ship_date, max(distributions.ship_date) AS last_ship_date \
                 FROM distributions LEFT JOIN accounts ON accounts.id = distributions.customer_id WHERE distributions.",
            );
            q.push(column)
                .push(" = ")
                .bind(value)
                .push(" AND ")
                .append(scope::distributions_visible(&actor))
                .push(
                    " GROUP BY distributions.customer_id, \
                     CASE WHEN distributions.customer_id IS NULL THEN distributions.customer_key END \
                     ORDER BY min(distributions.ship_date), 2",
                );
            c.query(&q.sql, &q.params)?
                .iter()
                .map(|r| {
                    Ok(TracedCustomer {
                        customer_id: r.get("customer_id")?,
                        customer_name: r.get("customer_name")?,
                        shipments: r.get("shipments")?,
                        units: r.get("units")?,
                        first_ship_date: r.get("first_ship_date")?,
                        last_ship_date: r.get("last_ship_date")?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()
        })
        .await?;
    Ok(Trace {
        lot,
        sku,
        customers,
        shipments,
    })
}

/// Where linking legacy names got to, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct LinkProgress {
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct LinkSummary {
    pub dry_run: bool,
    /// Entries given a customer (or that would be).
    pub linked: usize,
    /// Accounts created for names that matched none (or that would be).
    pub created: usize,
    pub skipped: Vec<Skipped>,
    /// One line per company key: which names, which account, how many entries.
    pub accounts: Vec<LinkedAccount>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Skipped {
    pub customer_name: String,
    pub entries: usize,
    pub reason: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LinkedAccount {
    pub company_key: String,
    pub names: Vec<String>,
    /// The account found or created; none in a dry run that would create it.
    pub account_id: Option<Uuid>,
    pub created: bool,
    pub entries: usize,
}

/// Seed 000's "Option 2": every entry with a `customer_name` and no customer gets the
/// account whose company key equals the name's, created when there is none. One
/// transaction per company key, so an interrupted run keeps what it finished and a rerun
/// takes up the rest; entries already linked are never touched again.
pub async fn link(
    store: &Store,
    ctx: &Ctx,
    dry_run: bool,
    progress: &(dyn Fn(LinkProgress) + Send + Sync),
) -> Result<LinkSummary, StoreError> {
    scope::require_distribution_linker(&ctx.actor)?;
    let names: Vec<(String, i64)> = store
        .db
        .read(|c| {
            c.query(
                "SELECT customer_name, count(*) AS entries FROM distributions \
                 WHERE customer_id IS NULL AND customer_name IS NOT NULL \
                 GROUP BY customer_name ORDER BY customer_name",
                &[],
            )?
            .iter()
            .map(|r| Ok((r.get("customer_name")?, r.get("entries")?)))
            .collect::<Result<Vec<_>, StoreError>>()
        })
        .await?;
    let mut summary = LinkSummary {
        dry_run,
        ..LinkSummary::default()
    };
    let mut by_key: Vec<(String, Vec<(String, i64)>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (name, n) in names {
        let key = rapport_domain::normalize::company_key(&name);
        if key.is_empty() {
            summary.skipped.push(Skipped {
                customer_name: name,
                entries: n as usize,
                reason: "the name has no letters or digits to match an account by".into(),
            });
            continue;
        }
        let slot = *index.entry(key.clone()).or_insert_with(|| {
            by_key.push((key.clone(), Vec::new()));
            by_key.len() - 1
        });
        by_key[slot].1.push((name, n));
    }
    let total = by_key.len();
    progress(LinkProgress { done: 0, total });
    for (done, (key, names)) in by_key.into_iter().enumerate() {
        let ctx = ctx.clone();
        let outcome = store
            .db
            .write(move |c| link_key(c, &ctx, &key, &names, dry_run))
            .await?;
        match outcome {
            Ok(line) => {
                summary.linked += line.entries;
                summary.created += usize::from(line.created);
                summary.accounts.push(line);
            }
            Err(skipped) => summary.skipped.extend(skipped),
        }
        progress(LinkProgress {
            done: done + 1,
            total,
        });
    }
    Ok(summary)
}

fn link_key(
    c: &mut dyn Conn,
    ctx: &Ctx,
    key: &str,
    names: &[(String, i64)],
    dry_run: bool,
) -> Result<Result<LinkedAccount, Vec<Skipped>>, StoreError> {
    let existing: Option<Uuid> = c.query_scalar(
        "SELECT id FROM accounts WHERE company_key = ?",
        &[key.into()],
    )?;
    let name_list = || names.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    if dry_run {
        let entries = names.iter().map(|(_, n)| *n as usize).sum();
        return Ok(Ok(LinkedAccount {
            company_key: key.to_owned(),
            names: name_list(),
            account_id: existing,
            created: existing.is_none(),
            entries,
        }));
    }
    sales_figures::lock(c)?;
    // The most frequent spelling names a new account.
    let display = names
        .iter()
        .max_by_key(|(n, count)| (*count, std::cmp::Reverse(n.clone())))
        .map(|(n, _)| n.trim().to_owned())
        .unwrap_or_default();
    let changes = rapport_domain::account::AccountChanges {
        name: Patch::Set(display),
        ..Default::default()
    };
    let (account, created) = match accounts::find_or_create_in(c, ctx, changes) {
        Ok(found) => found,
        Err(e @ (StoreError::Invalid(_) | StoreError::Conflict { .. })) => {
            return Ok(Err(names
                .iter()
                .map(|(n, count)| Skipped {
                    customer_name: n.clone(),
                    entries: *count as usize,
                    reason: format!("no account could be found or created: {e}"),
                })
                .collect()));
        }
        Err(e) => return Err(e),
    };
    let mut linked = 0;
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for (name, _) in names {
        let mut sql = String::from(
            "SELECT * FROM distributions WHERE customer_id IS NULL AND customer_name = ?",
        );
        sql.push_str(&c.row_lock(None));
        for row in c.query(&sql, &[name.clone().into()])? {
            let before = Distribution::from_row(&row)?;
            let mut after = before.clone();
            after.customer_id = Some(account.id);
            let after = record::touched(&before, &ctx.actor, after);
            removed.push(Facts::of(&before));
            added.push(Facts::of(&after));
            linked += 1;
        }
        let me = Some(ctx.actor.user_id).filter(|u| !u.is_nil());
        c.execute(
            "UPDATE distributions SET customer_id = ?, customer_key = ?, updated_by = ?, \
             updated_at = ?, version = version + 1 WHERE customer_id IS NULL AND customer_name = ?",
            &[
                account.id.into(),
                rapport_domain::distribution::customer_key(Some(account.id), None).into(),
                me.into(),
                rapport_db::now().into(),
                name.clone().into(),
            ],
        )?;
    }
    sales_figures::apply(c, &removed, &added)?;
    audit::record(
        c,
        ctx,
        AuditAction::Link,
        accounts::ENTITY,
        account.id,
        None,
        Some(serde_json::json!({
            "distribution_names": name_list(),
            "entries_linked": linked,
            "account_created": created,
        })),
    )?;
    Ok(Ok(LinkedAccount {
        company_key: key.to_owned(),
        names: name_list(),
        account_id: Some(account.id),
        created,
        entries: linked,
    }))
}

/// Recomputes the sales figures from the log; the number of kept rows written.
pub async fn rebuild_figures(store: &Store) -> Result<u64, StoreError> {
    store.db.write(sales_figures::rebuild).await
}

/// Kept rows of the sales figures that disagree with the log (0 when all is well).
pub async fn check_figures(store: &Store) -> Result<i64, StoreError> {
    store.db.read(sales_figures::check).await
}
