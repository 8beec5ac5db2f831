//! Tasks: `/api/v1/tasks` (seed 003; docs/lab.md): the steps of a project, assigned to
//! users and ticked off.

use rapport_domain::project::{Task, TaskChanges, TaskCreate, TaskPatch};

crud_routes! {
    store: rapport_store::lab::tasks,
    record: Task,
    changes: TaskChanges,
    create: TaskCreate,
    patch: TaskPatch,
    page: TaskPage,
    tag: "lab",
    export: rapport_store::policy::Resource::Tasks,
    collection: "/api/v1/tasks",
    item: "/api/v1/tasks/{id}",
    what: "No such task",
    conflict: "Another task has this legacy_id",
    forbidden: "The role may not write tasks",
    delete_who: "Admins, restricted admins and managers only",
    /// Creates a task of a project the caller sees (the lab's staff).
    create create_task,
    /// Lists the tasks the caller sees, oldest first. Filters: `project_id`, `order_id`,
    /// `assignee` (`me`), `status`, `priority`, `due_after`/`_before`, `legacy_id`.
    list list_tasks,
    get get_task,
    /// Changes a task. A fulfiller changes only the status of the tasks assigned to them
    /// (403 otherwise); `completed` stamps `completed_at`; with the setting
    /// `complete_project_with_last_task`, completing the last open task completes its
    /// project.
    update update_task,
    /// Deletes a task (admins, restricted admins, managers).
    delete delete_task,
}
