//! Projects: `/api/v1/projects` (seed 003; docs/lab.md): the work an order becomes,
//! seen with its order.

use rapport_domain::project::{Project, ProjectChanges, ProjectCreate, ProjectPatch};

crud_routes! {
    store: rapport_store::lab::projects,
    record: Project,
    changes: ProjectChanges,
    create: ProjectCreate,
    patch: ProjectPatch,
    page: ProjectPage,
    tag: "lab",
    export: rapport_store::policy::Resource::Projects,
    collection: "/api/v1/projects",
    item: "/api/v1/projects/{id}",
    what: "No such project",
    conflict: "Another project has this project_number or legacy_id",
    forbidden: "The role may not write projects",
    delete_who: "Admins, restricted admins and managers only",
    /// Creates a project of an order the caller sees (the lab's staff: admins, managers,
    /// reps); numbered `PRJ-<year>-<6 digits>` unless `project_number` is given.
    create create_project,
    /// Lists the projects the caller sees, newest first. Filters: `order_id`, `status`,
    /// `legacy_id`, `created_after`/`_before`, `updated_after`/`_before`.
    list list_projects,
    get get_project,
    /// Changes a project; a move to `active` stamps `started_at` (once), to `completed`
    /// stamps `completed_at`.
    update update_project,
    /// Deletes a project with its tasks, each audited (admins, restricted admins,
    /// managers).
    delete delete_project,
}
