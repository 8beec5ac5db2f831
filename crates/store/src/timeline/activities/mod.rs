//! Activities: `/api/v1/activities`, every kind of timeline entry. Interactions (calls,
//! emails, meetings, chats) are immutable once logged (seed 002): a correction is a new
//! interaction pointing at the one it corrects, and a follow-up date on an interaction
//! schedules a task that can be ticked off. Tasks, notes and comments may be changed by
//! their author, their assignee or an admin.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_db::Conn;
use rapport_domain::activity::{Activity, ActivityChanges, ActivityKind};
use rapport_domain::input::Patch;
use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use crate::contracts::contracts;
use crate::customers::accounts;
use crate::customers::contacts;
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Choice, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::record::{self, Record};
use crate::lab::{projects, tasks};
use crate::orders::orders;
use crate::pipeline::leads;
use crate::policy as scope;
use crate::{SqlBuf, Store, StoreError};

mod gone;

pub(crate) use gone::{account_gone, contact_gone, lead_gone, order_gone};

pub(crate) const ENTITY: &str = crate::kernel::names::ACTIVITY;

/// What the list accepts; the API document describes its sort from it too.
pub static SPEC: ListSpec = ListSpec {
    table: "activities",
    sortable: &[
        Field::new("activity_date", "activity_date", Kind::Date),
        Field::new("due_at", "due_at", Kind::Timestamp).nullable(),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    default_sort: "-activity_date,-created_at",
    filters: &[
        Field::new("kind", "kind", Kind::Choice(Choice::ActivityKind)),
        Field::new("channel", "channel", Kind::Choice(Choice::Channel)).nullable(),
        Field::new("account_id", "account_id", Kind::Uuid).nullable(),
        Field::new("contact_id", "contact_id", Kind::Uuid).nullable(),
        Field::new("lead_id", "lead_id", Kind::Uuid).nullable(),
        Field::new("order_id", "order_id", Kind::Uuid).nullable(),
        Field::new("contract_id", "contract_id", Kind::Uuid).nullable(),
        Field::new("project_id", "project_id", Kind::Uuid).nullable(),
        Field::new("task_id", "task_id", Kind::Uuid).nullable(),
        Field::new("author_id", "author_id", Kind::Uuid).nullable(),
        Field::new("assignee_id", "assignee_id", Kind::Uuid).nullable(),
        Field::new("assignee", "assignee_id", Kind::Uuid).nullable(),
        Field::new("corrects_id", "corrects_id", Kind::Uuid).nullable(),
        Field::new("parent_id", "parent_id", Kind::Uuid).nullable(),
        Field::new("done", "done", Kind::Bool),
        Field::new("pinned", "pinned", Kind::Bool),
        Field::new("internal", "internal", Kind::Bool),
        Field::new("provider_name", "provider_name", Kind::Text).nullable(),
        Field::new("provider_id", "provider_id", Kind::Text).nullable(),
        Field::new("due_at", "due_at", Kind::Timestamp).nullable(),
        Field::new("activity_date", "activity_date", Kind::Date),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: None,
};

crate::record!(
    Activity,
    entity = ENTITY,
    table = "activities",
    fields {
        id,
        kind,
        channel,
        subject,
        body,
        activity_date,
        due_at,
        done,
        done_at,
        internal,
        pinned,
        author_id,
        assignee_id,
        account_id,
        contact_id,
        lead_id,
        order_id,
        contract_id,
        project_id,
        task_id,
        corrects_id,
        parent_id,
        provider_name,
        provider_id,
        created_by,
        updated_by,
        created_at,
        updated_at,
        version,
    },
);

fn unique_conflict(e: rapport_db::DbError) -> StoreError {
    if e.violates("provider") {
        return StoreError::Conflict {
            message: "another activity already has this provider_name and provider_id".into(),
            field: Some("provider_id".into()),
            existing_id: None,
        };
    }
    e.into()
}

fn insert_row(c: &mut dyn Conn, a: &Activity) -> Result<(), StoreError> {
    record::insert(c, a).map_err(unique_conflict)
}

fn fetch(c: &mut dyn Conn, actor: &Actor, id: Uuid, lock: bool) -> Result<Activity, StoreError> {
    record::fetch(c, id, scope::activities_visible(actor), lock)
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Linked to no record at all.
fn unlinked(a: &Activity) -> bool {
    [
        a.account_id,
        a.contact_id,
        a.lead_id,
        a.order_id,
        a.contract_id,
        a.project_id,
        a.task_id,
    ]
    .iter()
    .all(Option::is_none)
}

/// Every linked record must be one the actor can see; at least one must be given. A
/// lead's account is linked too, so the entry shows on the account's timeline.
fn check_links(
    c: &mut dyn Conn,
    actor: &Actor,
    before: Option<&Activity>,
    a: &mut Activity,
) -> Result<(), StoreError> {
    if unlinked(a) {
        return Err(StoreError::invalid(
            "account_id",
            "one_of",
            "an activity needs at least one of account_id, contact_id, lead_id, order_id, contract_id, project_id or task_id",
        ));
    }
    let changed =
        |f: fn(&Activity) -> Option<Uuid>, a: &Activity| before.is_none_or(|b| f(b) != f(a));
    if let (true, Some(id)) = (changed(|x| x.lead_id, a), a.lead_id) {
        let lead = leads::visible(c, actor, id)
            .map_err(|e| e.named_in("lead_id", "names no lead you can see"))?;
        if a.account_id.is_none() {
            a.account_id = lead.account_id;
        }
    }
    if let (true, Some(id)) = (changed(|x| x.account_id, a), a.account_id) {
        accounts::visible(c, actor, id)
            .map_err(|e| e.named_in("account_id", "names no account you can see"))?;
    }
    if let (true, Some(id)) = (changed(|x| x.contact_id, a), a.contact_id) {
        contacts::visible(c, actor, id)
            .map_err(|e| e.named_in("contact_id", "names no contact you can see"))?;
    }
    // Work of the lab names its order too (the database checks it): the comment shows on
    // the order's timeline. A task names its project as well.
    if let (true, Some(id)) = (changed(|x| x.task_id, a), a.task_id) {
        let task = tasks::visible(c, actor, id)
            .map_err(|e| e.named_in("task_id", "names no task you can see"))?;
        a.project_id = Some(task.project_id);
        a.order_id = Some(task.order_id);
    }
    if let (true, Some(id)) = (changed(|x| x.project_id, a), a.project_id) {
        let project = projects::visible(c, actor, id)
            .map_err(|e| e.named_in("project_id", "names no project you can see"))?;
        if a.order_id.is_some_and(|o| o != project.order_id) {
            return Err(StoreError::invalid(
                "order_id",
                "different",
                "is not the order of the project (or task) the activity is about",
            ));
        }
        a.order_id = Some(project.order_id);
    }
    if let (true, Some(id)) = (changed(|x| x.order_id, a), a.order_id) {
        orders::visible(c, actor, id)
            .map_err(|e| e.named_in("order_id", "names no order you can see"))?;
    }
    if let (true, Some(id)) = (changed(|x| x.contract_id, a), a.contract_id) {
        contracts::visible(c, actor, id)
            .map_err(|e| e.named_in("contract_id", "names no contract you can see"))?;
    }
    Ok(())
}

fn set_people(
    c: &mut dyn Conn,
    actor: &Actor,
    before: Option<&Activity>,
    a: &Activity,
) -> Result<(), StoreError> {
    if let Some(author) = a
        .author_id
        .filter(|x| before.is_none_or(|b| b.author_id != Some(*x)))
    {
        scope::may_set_author(actor, author)?;
        crate::auth::users::check_enabled(c, "author_id", author)?;
    }
    if let Some(assignee) = a
        .assignee_id
        .filter(|x| before.is_none_or(|b| b.assignee_id != Some(*x)))
    {
        crate::auth::users::check_enabled(c, "assignee_id", assignee)?;
    }
    Ok(())
}

fn apply(mut a: Activity, ch: &ActivityChanges, now: DateTime<Utc>) -> Activity {
    let was_done = a.done;
    ch.clone().apply_to(&mut a);
    // When it was done is the store's to say: the time of the change that did it.
    if a.done != was_done {
        a.done_at = a.done.then_some(now);
    }
    a
}

/// Logs an activity; an interaction with `follow_up_at` also schedules its follow-up
/// task (assigned to the author, on the same records).
pub async fn create(
    store: &Store,
    ctx: &Ctx,
    changes: ActivityChanges,
) -> Result<Activity, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let Patch::Set(kind) = changes.kind else {
                return Err(StoreError::invalid("kind", "required", "is required"));
            };
            scope::require_activity_writer(actor, kind, changes.record_only())?;
            let me = Some(actor.user_id).filter(|u| !u.is_nil());
            let now = rapport_db::now();
            let mut a = apply(Activity::blank(kind, me, now, today()), &changes, now);
            if let Some(corrected) = a.corrects_id {
                let original = fetch(c, actor, corrected, false)
                    .map_err(|e| e.named_in("corrects_id", "names no activity you can see"))?;
                if !original.kind.is_interaction() {
                    return Err(StoreError::invalid(
                        "corrects_id",
                        "interaction",
                        "only interactions are corrected this way; edit a note or task directly",
                    ));
                }
                // A correction is about the same records unless it says otherwise.
                if unlinked(&a) {
                    a.account_id = original.account_id;
                    a.contact_id = original.contact_id;
                    a.lead_id = original.lead_id;
                    a.order_id = original.order_id;
                    a.contract_id = original.contract_id;
                    a.project_id = original.project_id;
                    a.task_id = original.task_id;
                }
            }
            check_links(c, actor, None, &mut a)?;
            set_people(c, actor, None, &a)?;
            insert_row(c, &a)?;
            audit::record_change(c, &ctx, AuditAction::Create, ENTITY, a.id, None, Some(&a))?;
            if let Some(due) = changes.follow_up_at {
                let mut task = Activity::blank(ActivityKind::Task, me, now, today());
                task.subject = Some(format!(
                    "Follow up: {}",
                    a.subject
                        .clone()
                        .unwrap_or_else(|| a.kind.as_str().to_owned())
                ));
                task.due_at = Some(due);
                task.assignee_id = a.author_id;
                task.account_id = a.account_id;
                task.contact_id = a.contact_id;
                task.lead_id = a.lead_id;
                task.order_id = a.order_id;
                task.contract_id = a.contract_id;
                task.project_id = a.project_id;
                task.task_id = a.task_id;
                task.internal = a.internal;
                task.parent_id = Some(a.id);
                insert_row(c, &task)?;
                audit::record_change(
                    c,
                    &ctx,
                    AuditAction::Create,
                    ENTITY,
                    task.id,
                    None,
                    Some(&task),
                )?;
            }
            Ok(a)
        })
        .await
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<Activity, StoreError> {
    let actor = actor.clone();
    store.db.read(move |c| fetch(c, &actor, id, false)).await
}

/// Lists activities: the generic filters (`assignee=me`, `done=false`, `due_before=…`)
/// and `overdue=true` (open and due before now).
pub async fn list(
    store: &Store,
    actor: &Actor,
    mut params: ListParams,
) -> Result<Page<Activity>, StoreError> {
    let mut extra = Vec::new();
    match params.take_filter("overdue").last().map(String::as_str) {
        None | Some("false") => {}
        Some("true") => {
            let mut cond = SqlBuf::new("done = ");
            cond.bind(false)
                .push(" AND due_at < ")
                .bind(rapport_db::now());
            extra.push(cond);
        }
        Some(other) => {
            return Err(StoreError::bad_request(
                "overdue",
                "type",
                format!("{other:?} is not true or false"),
            ))
        }
    }
    let scope = scope::activities_visible(actor);
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        scope,
        extra,
        Activity::from_row,
    )
    .await
}

fn immutable(a: &Activity) -> StoreError {
    StoreError::state(
        "kind",
        format!(
            "this {} is an interaction: interactions are never changed once logged; log a new one with corrects_id = {} instead",
            a.kind.as_str(),
            a.id
        ),
    )
}

fn writable(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    if_match: IfMatch,
) -> Result<Activity, StoreError> {
    let a = fetch(c, actor, id, true)?;
    scope::may_edit_activity(actor, a.kind, a.author_id, a.assignee_id, a.record_only())?;
    if a.kind.is_interaction() && !a.is_planned() {
        return Err(immutable(&a));
    }
    StoreError::check_version(&if_match, a.version)?;
    Ok(a)
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: ActivityChanges,
) -> Result<Activity, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let before = writable(c, actor, id, if_match)?;
            if !changes.corrects_id.is_absent() {
                return Err(StoreError::invalid(
                    "corrects_id",
                    "interaction",
                    "only an interaction corrects an interaction",
                ));
            }
            let now = rapport_db::now().max(before.updated_at);
            let mut after = apply(before.clone(), &changes, now);
            if matches!(after.kind, ActivityKind::Note | ActivityKind::Comment)
                && after.body.is_empty()
            {
                return Err(StoreError::invalid(
                    "body",
                    "depends",
                    format!("a {} needs a body", after.kind.as_str()),
                ));
            }
            if after == before {
                return Ok(before);
            }
            check_links(c, actor, Some(&before), &mut after)?;
            set_people(c, actor, Some(&before), &after)?;
            after.stamp(before.version + 1, now, record::acting_user(actor));
            record::update(c, &after).map_err(unique_conflict)?;
            record::audit_update(c, &ctx, &before, &after)?;
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
            let before = writable(c, &ctx.actor, id, if_match)?;
            record::remove(c, &ctx, &before)
        })
        .await
}
