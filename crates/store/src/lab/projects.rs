//! Projects (seed 003; docs/lab.md): the work an order becomes, numbered
//! `PRJ-<year>-<6 digits>`, seen by whoever sees its order (`policy::projects_visible`)
//! and written by the lab's staff (`policy::require_lab_action`).

use rapport_db::Conn;
use rapport_domain::input::Patch;
use rapport_domain::project::{Project, ProjectChanges};
use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Choice, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::numbers::{self, Series};
use crate::kernel::record::{self, Record};
use crate::orders::orders;
use crate::policy::{self as scope, Action};
use crate::{SqlBuf, Store, StoreError};

pub(crate) const ENTITY: &str = crate::kernel::names::PROJECT;

pub static SERIES: Series = Series {
    name: "project",
    prefix: "PRJ",
    table: "projects",
    column: "project_number",
};

/// What the list accepts; the API document describes its sort and filters from it too.
pub static SPEC: ListSpec = ListSpec {
    table: "projects",
    sortable: &[
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
        Field::new("project_number", "project_number", Kind::Text),
        Field::new("name", "name", Kind::Text),
    ],
    default_sort: "-created_at",
    filters: &[
        Field::new("order_id", "order_id", Kind::Uuid),
        Field::new("status", "status", Kind::Choice(Choice::ProjectStatus)),
        Field::new("legacy_id", "legacy_id", Kind::Text).nullable(),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: None,
};

crate::record!(
    Project,
    entity = ENTITY,
    table = "projects",
    fields {
        id,
        order_id,
        project_number,
        name,
        description,
        status,
        metadata,
        started_at,
        completed_at,
        legacy_id,
        created_by,
        updated_by,
        created_at,
        updated_at,
        version,
    },
);

fn unique_conflict(e: rapport_db::DbError) -> StoreError {
    if e.violates("projects_number") || e.violates("project_number") {
        return StoreError::Conflict {
            message: "another project already has this project_number".into(),
            field: Some("project_number".into()),
            existing_id: None,
        };
    }
    StoreError::legacy_taken(e, "project")
}

pub(crate) fn visible(c: &mut dyn Conn, actor: &Actor, id: Uuid) -> Result<Project, StoreError> {
    record::fetch(c, id, scope::projects_visible(actor), false)
}

fn allowed(actor: &Actor, action: Action) -> Result<(), StoreError> {
    scope::require_lab_action(actor, action, "projects")
}

pub async fn create(
    store: &Store,
    ctx: &Ctx,
    changes: ProjectChanges,
) -> Result<Project, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            allowed(actor, Action::Create)?;
            let now = rapport_db::now();
            let mut p = Project::blank(record::acting_user(actor), now);
            let number = match &changes.project_number {
                Patch::Set(n) => Some(n.clone()),
                _ => None,
            };
            changes.apply_to(&mut p);
            orders::visible(c, actor, p.order_id)
                .map_err(|e| e.named_in("order_id", "names no order you can see"))?;
            p.stamp(now);
            p.project_number = match number {
                Some(n) => n,
                None => numbers::next(c, &SERIES, now)?,
            };
            record::insert(c, &p).map_err(unique_conflict)?;
            audit::record_change(c, &ctx, AuditAction::Create, ENTITY, p.id, None, Some(&p))?;
            Ok(p)
        })
        .await
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<Project, StoreError> {
    let actor = actor.clone();
    store.db.read(move |c| visible(c, &actor, id)).await
}

/// The projects the actor sees (`order_id=`, `status=`… and the list conventions).
pub async fn list(
    store: &Store,
    actor: &Actor,
    params: ListParams,
) -> Result<Page<Project>, StoreError> {
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        scope::projects_visible(actor),
        Vec::new(),
        Project::from_row,
    )
    .await
}

/// Applies a change to `before` (found and locked) and writes the new version.
pub(crate) fn change_in(
    c: &mut dyn Conn,
    ctx: &Ctx,
    before: Project,
    changes: ProjectChanges,
) -> Result<Project, StoreError> {
    let mut after = before.clone();
    changes.apply_to(&mut after);
    if after == before {
        return Ok(before);
    }
    let mut after = record::touched(&before, &ctx.actor, after);
    after.stamp(after.updated_at);
    record::update(c, &after).map_err(unique_conflict)?;
    record::audit_update(c, ctx, &before, &after)?;
    Ok(after)
}

pub(crate) fn writable(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    action: Action,
    if_match: IfMatch,
) -> Result<Project, StoreError> {
    record::writable(
        c,
        id,
        scope::projects_visible(actor),
        || allowed(actor, action),
        if_match,
    )
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: ProjectChanges,
) -> Result<Project, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let before = writable(c, &ctx.actor, id, Action::Update, if_match)?;
            change_in(c, &ctx, before, changes)
        })
        .await
}

/// Deletes a project with its tasks, each task audited before the cascade.
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
            let before = writable(c, &ctx.actor, id, Action::Delete, if_match)?;
            let mut of_project = SqlBuf::new("project_id = ");
            of_project.bind(before.id);
            super::gone::audit_tasks(c, &ctx, of_project)?;
            record::remove(c, &ctx, &before)
        })
        .await
}
