//! The lab's work (docs/lab.md): projects and tasks follow their order — seen by whoever
//! sees it (the same rows as the row-level security policies of migration 0012) — and
//! are written by the lab's own staff; a fulfiller moves the tasks assigned to them.

use rapport_domain::{Actor, Role};

use super::{orders_visible, sees_every_order, Action};
use crate::{SqlBuf, StoreError};

/// Rows of `table` (with an `order_id`) whose order the actor sees.
fn of_visible_order(actor: &Actor, table: &str) -> SqlBuf {
    if sees_every_order(actor) {
        return SqlBuf::new("TRUE");
    }
    let mut b = SqlBuf::new(&format!(
        "EXISTS (SELECT 1 FROM orders WHERE orders.id = {table}.order_id AND ("
    ));
    b.append(orders_visible(actor)).push("))");
    b
}

/// Which projects the actor can see, as a condition over `projects`.
pub fn projects_visible(actor: &Actor) -> SqlBuf {
    of_visible_order(actor, "projects")
}

/// Which tasks the actor can see, as a condition over `tasks`.
pub fn tasks_visible(actor: &Actor) -> SqlBuf {
    of_visible_order(actor, "tasks")
}

/// Projects and tasks are the lab's own work: its staff (admins, managers, reps) plan
/// and change them; partners and distributors (a doctor's office) and viewers read
/// them; deleting is for administrators and managers.
pub fn require_lab_action(actor: &Actor, action: Action, what: &str) -> Result<(), StoreError> {
    let allowed = match action {
        Action::Read => true,
        Action::Create | Action::Update | Action::Archive => matches!(
            actor.role,
            Role::Admin | Role::RestrictedAdmin | Role::Manager | Role::Rep
        ),
        Action::Delete => matches!(
            actor.role,
            Role::Admin | Role::RestrictedAdmin | Role::Manager
        ),
    };
    if allowed {
        Ok(())
    } else {
        Err(StoreError::forbidden(format!(
            "the {} role may not {} {what}",
            actor.role.as_str(),
            action.verb()
        )))
    }
}

/// Who may change a task: the lab's staff, or a fulfiller on a task assigned to them and
/// only its status (`status_only`).
pub fn may_change_task(
    actor: &Actor,
    assignee: Option<uuid::Uuid>,
    status_only: bool,
) -> Result<(), StoreError> {
    if actor.role == Role::Fulfiller {
        return match (assignee == Some(actor.user_id), status_only) {
            (true, true) => Ok(()),
            (true, false) => Err(StoreError::forbidden(
                "a fulfiller changes only the status of the tasks assigned to them",
            )),
            (false, _) => Err(StoreError::forbidden(
                "a fulfiller changes only the tasks assigned to them",
            )),
        };
    }
    require_lab_action(actor, Action::Update, "tasks")
}
