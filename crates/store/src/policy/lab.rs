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

/// Which instructions the actor can see, as a condition over `instructions`.
pub fn instructions_visible(actor: &Actor) -> SqlBuf {
    of_visible_order(actor, "instructions")
}

/// Which messages the actor can see, as a condition over `messages` (the rows of its
/// row-level security policy): those on an order they see, those they sent and those
/// sent to them.
pub fn messages_visible(actor: &Actor) -> SqlBuf {
    if sees_every_order(actor) {
        return SqlBuf::new("TRUE");
    }
    let mut b = SqlBuf::new("((messages.order_id IS NOT NULL AND ");
    b.append(of_visible_order(actor, "messages"))
        .push(") OR messages.sender_id = ")
        .bind(actor.user_id)
        .push(" OR EXISTS (SELECT 1 FROM message_recipients mr WHERE mr.message_id = messages.id AND mr.user_id = ")
        .bind(actor.user_id)
        .push("))");
    b
}

/// Which recipients of a message the actor can see, as a condition over
/// `message_recipients` (its row-level security policy): all of a message on an order
/// they see or that they sent; otherwise only themselves.
pub fn message_recipients_visible(actor: &Actor) -> SqlBuf {
    if sees_every_order(actor) {
        return SqlBuf::new("TRUE");
    }
    let mut b = SqlBuf::new("(message_recipients.user_id = ");
    b.bind(actor.user_id)
        .push(" OR message_recipients.sender_id = ")
        .bind(actor.user_id)
        .push(" OR (message_recipients.order_id IS NOT NULL AND ")
        .append(of_visible_order(actor, "message_recipients"))
        .push("))");
    b
}

/// Sending messages: everyone signed in but viewers. A message that moves its order
/// needs, on top, the right to move it (`require_order_move`).
pub fn require_message_send(actor: &Actor) -> Result<(), StoreError> {
    if actor.role == Role::Viewer {
        return Err(StoreError::forbidden(
            "the viewer role may not send messages",
        ));
    }
    Ok(())
}

/// Instructions: everyone but viewers writes them on the orders they see (a doctor's
/// office gives them, the lab writes its own); changing or deleting one is for its
/// author and the lab's managers (admins, restricted admins, managers), until it is
/// approved.
pub fn require_instruction_action(
    actor: &Actor,
    action: Action,
    author: Option<uuid::Uuid>,
) -> Result<(), StoreError> {
    let allowed = match action {
        Action::Read => true,
        _ if actor.role == Role::Viewer => false,
        Action::Create => true,
        Action::Update | Action::Archive | Action::Delete => {
            author == Some(actor.user_id) || may_approve(actor.role)
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(StoreError::forbidden(format!(
            "the {} role may not {} instructions it did not write",
            actor.role.as_str(),
            action.verb()
        )))
    }
}

fn may_approve(role: Role) -> bool {
    matches!(role, Role::Admin | Role::RestrictedAdmin | Role::Manager)
}

/// Approving an instruction: admins, restricted admins and managers, never of their own
/// instruction (422 naming `approved_by`: the database refuses it too).
pub fn require_instruction_approval(
    actor: &Actor,
    author: Option<uuid::Uuid>,
) -> Result<(), StoreError> {
    if !may_approve(actor.role) {
        return Err(StoreError::forbidden(format!(
            "the {} role may not approve instructions (admins, restricted admins and managers do)",
            actor.role.as_str()
        )));
    }
    if author == Some(actor.user_id) {
        return Err(StoreError::invalid(
            "approved_by",
            "different",
            "an instruction is approved by someone other than its author",
        ));
    }
    Ok(())
}
