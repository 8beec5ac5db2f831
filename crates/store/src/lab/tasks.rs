//! Tasks of a project (seed 003; docs/lab.md): assigned to a user, ticked off, seen by
//! whoever sees their order. The lab's staff write them; a fulfiller moves the status of
//! the tasks assigned to them. With the setting `lab.complete_project_with_last_task`,
//! completing a project's last open task completes the project in the same write.

use rapport_db::Conn;
use rapport_domain::project::{status_only, ProjectStatus, Task, TaskChanges};
use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use super::projects;
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Choice, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::record::{self, Record};
use crate::policy::{self as scope, Action};
use crate::{SqlBuf, Store, StoreError};

pub(crate) const ENTITY: &str = crate::kernel::names::TASK;

/// What the list accepts; the API document describes its sort and filters from it too.
pub static SPEC: ListSpec = ListSpec {
    table: "tasks",
    sortable: &[
        Field::new("due_at", "due_at", Kind::Timestamp).nullable(),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
        Field::new("title", "title", Kind::Text),
    ],
    default_sort: "created_at",
    filters: &[
        Field::new("project_id", "project_id", Kind::Uuid),
        Field::new("order_id", "order_id", Kind::Uuid),
        Field::new("assignee_id", "assignee_id", Kind::Uuid).nullable(),
        Field::new("assignee", "assignee_id", Kind::Uuid).nullable(),
        Field::new("status", "status", Kind::Choice(Choice::TaskStatus)),
        Field::new("priority", "priority", Kind::Choice(Choice::OrderPriority)),
        Field::new("due_at", "due_at", Kind::Timestamp).nullable(),
        Field::new("legacy_id", "legacy_id", Kind::Text).nullable(),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: None,
};

crate::record!(
    Task,
    entity = ENTITY,
    table = "tasks",
    fields {
        id,
        project_id,
        order_id,
        title,
        description,
        assignee_id,
        status,
        priority,
        due_at,
        completed_at,
        metadata,
        legacy_id,
        created_by,
        updated_by,
        created_at,
        updated_at,
        version,
    },
);

fn unique_conflict(e: rapport_db::DbError) -> StoreError {
    StoreError::legacy_taken(e, "task")
}

pub(crate) fn visible(c: &mut dyn Conn, actor: &Actor, id: Uuid) -> Result<Task, StoreError> {
    record::fetch(c, id, scope::tasks_visible(actor), false)
}

/// The assignee, when it changes, must be an enabled user.
fn check_assignee(c: &mut dyn Conn, before: Option<&Task>, t: &Task) -> Result<(), StoreError> {
    match t.assignee_id {
        Some(a) if before.is_none_or(|b| b.assignee_id != Some(a)) => {
            crate::auth::users::check_enabled(c, "assignee_id", a)
        }
        _ => Ok(()),
    }
}

/// With the setting on, a project none of whose tasks is open any more and at least one
/// completed becomes completed, in the same write.
fn complete_project_if_done(c: &mut dyn Conn, ctx: &Ctx, project: Uuid) -> Result<(), StoreError> {
    if !crate::settings::current(c)?.complete_project_with_last_task {
        return Ok(());
    }
    let open: Option<i64> = c.query_scalar(
        "SELECT COUNT(*) FROM tasks WHERE project_id = ? AND status IN ('pending', 'in_progress', 'blocked')",
        &[project.into()],
    )?;
    let completed: Option<i64> = c.query_scalar(
        "SELECT COUNT(*) FROM tasks WHERE project_id = ? AND status = 'completed'",
        &[project.into()],
    )?;
    if open.unwrap_or(0) > 0 || completed.unwrap_or(0) == 0 {
        return Ok(());
    }
    let before =
        record::fetch::<rapport_domain::project::Project>(c, project, SqlBuf::new("TRUE"), true)?;
    if matches!(
        before.status,
        ProjectStatus::Completed | ProjectStatus::Cancelled
    ) {
        return Ok(());
    }
    let changes = rapport_domain::project::ProjectChanges::read(
        serde_json::json!({"status": "completed"}),
        false,
    )?;
    projects::change_in(c, ctx, before, changes)?;
    Ok(())
}

pub async fn create(store: &Store, ctx: &Ctx, changes: TaskChanges) -> Result<Task, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            scope::require_lab_action(actor, Action::Create, "tasks")?;
            let now = rapport_db::now();
            let mut t = Task::blank(record::acting_user(actor), now);
            changes.apply_to(&mut t);
            let project = projects::visible(c, actor, t.project_id)
                .map_err(|e| e.named_in("project_id", "names no project you can see"))?;
            t.order_id = project.order_id;
            check_assignee(c, None, &t)?;
            t.stamp(now);
            record::insert(c, &t).map_err(unique_conflict)?;
            audit::record_change(c, &ctx, AuditAction::Create, ENTITY, t.id, None, Some(&t))?;
            if !t.status.is_open() {
                complete_project_if_done(c, &ctx, t.project_id)?;
            }
            Ok(t)
        })
        .await
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<Task, StoreError> {
    let actor = actor.clone();
    store.db.read(move |c| visible(c, &actor, id)).await
}

/// The tasks the actor sees (`project_id=`, `assignee=me`, `status=`… and the list
/// conventions).
pub async fn list(
    store: &Store,
    actor: &Actor,
    params: ListParams,
) -> Result<Page<Task>, StoreError> {
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        scope::tasks_visible(actor),
        Vec::new(),
        Task::from_row,
    )
    .await
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: TaskChanges,
) -> Result<Task, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let only_status = status_only(&changes);
            let before: Task = record::fetch(c, id, scope::tasks_visible(actor), true)?;
            scope::may_change_task(actor, before.assignee_id, only_status)?;
            StoreError::check_version(&if_match, before.version)?;
            let mut after = before.clone();
            changes.apply_to(&mut after);
            if after == before {
                return Ok(before);
            }
            check_assignee(c, Some(&before), &after)?;
            let mut after = record::touched(&before, actor, after);
            after.stamp(after.updated_at);
            record::update(c, &after).map_err(unique_conflict)?;
            record::audit_update(c, &ctx, &before, &after)?;
            if before.status.is_open() && !after.status.is_open() {
                complete_project_if_done(c, &ctx, after.project_id)?;
            }
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
            let actor = &ctx.actor;
            let before: Task = record::writable(
                c,
                id,
                scope::tasks_visible(actor),
                || scope::require_lab_action(actor, Action::Delete, "tasks"),
                if_match,
            )?;
            record::remove(c, &ctx, &before)
        })
        .await
}
