//! Leads: the pipeline (seeds 002 and 004). Every status change writes its history row
//! and the board's totals in the same transaction as the lead. Won and lost are final
//! until reopened; a lead won without an account gets one by find-or-create.

use chrono::{DateTime, Utc};
use rapport_db::{Conn, Row};
use rapport_domain::account::AccountChanges;
use rapport_domain::input::Patch;
use rapport_domain::lead::{Lead, LeadChanges, LeadStatus, Reopen, StatusChange};

use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use crate::catalog::products;
use crate::customers::accounts;
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Choice, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::record::{self, Column, Record};
use crate::pipeline::board as pipeline;
use crate::policy::{self as scope, Action};
use crate::{settings, SqlBuf, Store, StoreError};

mod gone;
mod history;
mod rules;
use history::record_move;
use rules::{check_links, convert};

pub(crate) use gone::{product_gone, repoint_account};
pub use history::history;
pub(crate) use history::history_rows;

pub(crate) const ENTITY: &str = crate::kernel::names::LEAD;

static SEARCH: crate::kernel::search::Search = crate::kernel::search::Search {
    fts_table: "lead_search",
    key_columns: &["title_key"],
};

/// What the list accepts; the API document describes its sort from it too.
pub static SPEC: ListSpec = ListSpec {
    table: "leads",
    sortable: &[
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
        Field::new("title", "title_key", Kind::Text),
        Field::new("expected_close_date", "expected_close_date", Kind::Date).nullable(),
        Field::new("probability", "probability", Kind::Int),
        Field::new("status", "status", Kind::Text),
    ],
    default_sort: "-created_at",
    filters: &[
        Field::new("status", "status", Kind::Choice(Choice::LeadStatus)),
        Field::new("owner_id", "owner_id", Kind::Uuid).nullable(),
        Field::new("account_id", "account_id", Kind::Uuid).nullable(),
        Field::new("partner_id", "partner_id", Kind::Uuid).nullable(),
        Field::new("distributor_id", "distributor_id", Kind::Uuid).nullable(),
        Field::new("product_id", "product_id", Kind::Uuid).nullable(),
        Field::new("created_by", "created_by", Kind::Uuid).nullable(),
        Field::new("currency", "currency", Kind::Text).nullable(),
        Field::new("acquisition_source", "acquisition_source", Kind::Text).nullable(),
        Field::new("legacy_id", "legacy_id", Kind::Text).nullable(),
        Field::new("provider_name", "provider_name", Kind::Text).nullable(),
        Field::new("provider_id", "provider_id", Kind::Text).nullable(),
        Field::new("sync_status", "sync_status", Kind::Text).nullable(),
        Field::new("probability", "probability", Kind::Int),
        Field::new("expected_close_date", "expected_close_date", Kind::Date).nullable(),
        Field::new("closed_at", "closed_at", Kind::Timestamp).nullable(),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: Some(&SEARCH),
};

crate::record!(
    Lead,
    entity = ENTITY,
    table = "leads",
    fields {
        id, title, account_id, organization, contact_name, contact_email, contact_phone,
        product_id, value, currency, status, probability, expected_close_date,
        acquisition_source, owner_id, partner_id, distributor_id, lost_reason, closed_at,
        archived_at, legacy_id, provider_name, provider_id, provider_metadata, last_sync_at,
        sync_status, sync_error, created_by, updated_by, created_at, updated_at, version,
    },
    derived {
        "title_key" => Lead::title_key,
        "search_text" => Lead::search_words,
    },
    // Values are shown with their currency's minor units, whatever the engine kept.
    after_read = Lead::refresh_derived,
    archived_at = archived_at,
);

fn insert_row(c: &mut dyn Conn, l: &Lead) -> Result<(), StoreError> {
    record::insert(c, l).map_err(unique_conflict)
}

/// Writes `after` over `before` (same id), keeping the board's totals in step.
pub(crate) fn save(c: &mut dyn Conn, before: &Lead, after: &Lead) -> Result<(), StoreError> {
    record::update(c, after).map_err(unique_conflict)?;
    pipeline::apply(c, Some(before), Some(after))
}

fn unique_conflict(e: rapport_db::DbError) -> StoreError {
    for field in ["legacy_id", "provider"] {
        if e.violates(field) {
            let field = if field == "provider" {
                "provider_id"
            } else {
                field
            };
            return StoreError::Conflict {
                message: format!("another lead already has this {field}"),
                field: Some(field.into()),
                existing_id: None,
            };
        }
    }
    e.into()
}

/// A lead the actor can see, or `NotFound`.
pub(crate) fn visible(c: &mut dyn Conn, actor: &Actor, id: Uuid) -> Result<Lead, StoreError> {
    record::fetch(c, id, scope::leads_visible(actor), false)
}

/// Enters `status`: the status's default probability unless one was given, and the
/// closing time for won and lost.
fn enter(
    l: &mut Lead,
    status: LeadStatus,
    probability_given: bool,
    probabilities: &rapport_domain::settings::Settings,
    now: DateTime<Utc>,
) {
    l.status = status;
    if !probability_given {
        l.probability = probabilities.probability(status);
    }
    l.closed_at = status.is_final().then_some(now);
}

pub async fn create(store: &Store, ctx: &Ctx, changes: LeadChanges) -> Result<Lead, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            scope::require_lead_action(actor, Action::Create)?;
            let settings = settings::current(c)?;
            let me = Some(actor.user_id).filter(|u| !u.is_nil());
            let now = rapport_db::now();
            let status = match changes.status {
                Patch::Set(s) => s,
                _ => LeadStatus::New,
            };
            let probability_given = matches!(changes.probability, Patch::Set(_));
            let reason = changes.status_reason.clone();
            let owner_given = !changes.owner_id.is_absent();
            let mut lead = Lead::blank(me, now);
            lead.status = status;
            changes.apply_to(&mut lead);
            if !owner_given {
                // Reps own what they create; other roles leave it to be assigned.
                lead.owner_id = me.filter(|_| actor.role == rapport_domain::Role::Rep);
            }
            enter(&mut lead, status, probability_given, &settings, now);
            scope::own_organisation(actor, &mut lead.partner_id, &mut lead.distributor_id)?;
            lead.check()?;
            check_links(c, actor, None, &lead)?;
            convert(c, &ctx, &mut lead)?;
            insert_row(c, &lead)?;
            pipeline::apply(c, None, Some(&lead))?;
            record_move(c, actor, &lead, None, reason, false)?;
            audit::record_change(
                c,
                &ctx,
                AuditAction::Create,
                ENTITY,
                lead.id,
                None,
                Some(&lead),
            )?;
            Ok(lead)
        })
        .await
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<Lead, StoreError> {
    let actor = actor.clone();
    store.db.read(move |c| visible(c, &actor, id)).await
}

/// Lists leads: the generic filters, `archived=false|true|all` (default false) and `q`.
pub async fn list(
    store: &Store,
    actor: &Actor,
    mut params: ListParams,
) -> Result<Page<Lead>, StoreError> {
    let kept = pipeline::kept_lead_count(actor, &params);
    let extra: Vec<SqlBuf> = list::take_archived(&mut params)?.into_iter().collect();
    let scope = scope::leads_visible(actor);
    list::read_page_counted(
        store,
        &SPEC,
        params,
        actor.user_id,
        scope,
        extra,
        Lead::from_row,
        kept,
    )
    .await
}

pub(crate) fn writable(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    action: Action,
    if_match: IfMatch,
) -> Result<Lead, StoreError> {
    let allowed = || scope::require_lead_action(actor, action);
    record::writable(c, id, scope::leads_visible(actor), allowed, if_match)
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: LeadChanges,
) -> Result<Lead, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let before = writable(c, actor, id, Action::Update, if_match)?;
            if before.archived_at.is_some() {
                return Err(StoreError::state("archived_at", "the lead is archived; restore it first"));
            }
            let status = match changes.status {
                Patch::Set(s) => s,
                _ => before.status,
            };
            let probability_given = matches!(changes.probability, Patch::Set(_));
            let reason = changes.status_reason.clone();
            let mut after = before.clone();
            changes.apply_to(&mut after);
            let moved = status != before.status;
            if moved {
                if before.status.is_final() {
                    return Err(StoreError::state(
                        "status",
                        format!(
                            "the lead is {}; reopen it with POST /api/v1/leads/{id}/reopen to move it again",
                            before.status.as_str()
                        ),
                    ));
                }
                let settings = settings::current(c)?;
                enter(&mut after, status, probability_given, &settings, before.updated_at);
            }
            if after == before {
                return Ok(before);
            }
            after = record::touched(&before, actor, after);
            if moved && status.is_final() {
                after.closed_at = Some(after.updated_at);
            }
            scope::own_organisation(actor, &mut after.partner_id, &mut after.distributor_id)?;
            after.check()?;
            check_links(c, actor, Some(&before), &after)?;
            convert(c, &ctx, &mut after)?;
            save(c, &before, &after)?;
            if moved {
                record_move(c, actor, &after, Some(before.status), reason, false)?;
            }
            record::audit_update(c, &ctx, &before, &after)?;
            Ok(after)
        })
        .await
}

/// Takes a won or lost lead back into the pipeline, recorded with its reason.
pub async fn reopen(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    to: Reopen,
) -> Result<Lead, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let before = writable(c, actor, id, Action::Update, if_match)?;
            if !before.status.is_final() {
                return Err(StoreError::state(
                    "status",
                    format!(
                        "the lead is {}, not won or lost: there is nothing to reopen",
                        before.status.as_str()
                    ),
                ));
            }
            let settings = settings::current(c)?;
            let mut after = record::touched(&before, actor, before.clone());
            let now = after.updated_at;
            enter(&mut after, to.status, false, &settings, now);
            after.lost_reason = None;
            save(c, &before, &after)?;
            record_move(c, actor, &after, Some(before.status), Some(to.reason), true)?;
            record::audit_update(c, &ctx, &before, &after)?;
            Ok(after)
        })
        .await
}

pub async fn set_archived(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    archived: bool,
    if_match: IfMatch,
) -> Result<Lead, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let before = writable(c, actor, id, Action::Archive, if_match)?;
            record::set_archived(c, &ctx, before, archived, save)
        })
        .await
}

/// Deletes the lead's row (its history goes by cascade) and its part of the board's
/// totals, after `lifecycle` has told every area that points at it.
pub(crate) fn remove(c: &mut dyn Conn, ctx: &Ctx, before: &Lead) -> Result<(), StoreError> {
    record::remove(c, ctx, before)?;
    pipeline::apply(c, Some(before), None)
}
