//! Activities and notes: who sees which, and who may write or change them.

use rapport_domain::activity::ActivityKind;
use rapport_domain::{Actor, Role};

use super::{
    accounts_visible, contacts_visible, contracts_visible, leads_visible, orders_visible,
    require_account_action, require_lead_action, sees_every_lead, Action,
};
use crate::{SqlBuf, StoreError};

/// Notes are part of their account: whoever may update the account writes them, by
/// whichever route they arrive (the notes routes, or an activity of kind `note`).
pub fn require_note_writer(actor: &Actor) -> Result<(), StoreError> {
    require_account_action(actor, Action::Update).map_err(|_| {
        StoreError::forbidden(format!(
            "the {} role may not write notes",
            actor.role.as_str()
        ))
    })
}

/// Who may change a note: its author, or an admin of either kind — among the roles that
/// write notes, since an admin (or an import) may name anyone as the author.
pub fn may_edit_note(actor: &Actor, author: Option<uuid::Uuid>) -> Result<(), StoreError> {
    require_note_writer(actor)?;
    if actor.role.is_admin() || author == Some(actor.user_id) {
        Ok(())
    } else {
        Err(StoreError::forbidden(
            "only the note's author or an admin may change or delete it",
        ))
    }
}

/// Only admins may write a note in someone else's name (imports keep the old author).
pub fn may_set_author(actor: &Actor, author: uuid::Uuid) -> Result<(), StoreError> {
    if actor.role.is_admin() || author == actor.user_id {
        Ok(())
    } else {
        Err(StoreError::forbidden_field(
            "author_id",
            "only admins may write a note in another user's name",
        ))
    }
}

/// Activities linked to a record the caller has been shown (the account or lead whose
/// timeline it reads) are visible by [`activities_visible`]'s "any linked record" rule,
/// except internal ones for partner and distributor users.
pub fn activities_of_visible_record(actor: &Actor) -> SqlBuf {
    match actor.role {
        Role::Partner | Role::Distributor => SqlBuf::new("NOT activities.internal"),
        Role::Fulfiller => SqlBuf::new("FALSE"),
        _ => SqlBuf::new("TRUE"),
    }
}

/// Which activities the actor can see, as a condition over `activities`: those with a
/// linked account, lead, contact, order or contract the actor can see (the same rows as
/// the `activities` row-level security policy of migration 0011). Internal ones are hidden from
/// partner and distributor users.
pub fn activities_visible(actor: &Actor) -> SqlBuf {
    if sees_every_lead(actor) {
        return SqlBuf::new("TRUE");
    }
    if actor.role == Role::Fulfiller {
        return SqlBuf::new("FALSE");
    }
    let mut b = SqlBuf::new("(");
    if matches!(actor.role, Role::Partner | Role::Distributor) {
        b.push("NOT activities.internal AND ");
    }
    b.push("(EXISTS (SELECT 1 FROM accounts WHERE accounts.id = activities.account_id AND (")
        .append(accounts_visible(actor))
        .push(")) OR EXISTS (SELECT 1 FROM leads WHERE leads.id = activities.lead_id AND ")
        .append(leads_visible(actor))
        .push(") OR EXISTS (SELECT 1 FROM contacts WHERE contacts.id = activities.contact_id AND (")
        .append(contacts_visible(actor))
        .push(")) OR EXISTS (SELECT 1 FROM orders WHERE orders.id = activities.order_id AND (")
        .append(orders_visible(actor))
        .push(")) OR EXISTS (SELECT 1 FROM contracts WHERE contracts.id = activities.contract_id AND (")
        .append(contracts_visible(actor))
        .push("))))");
    b
}

/// Which notes the actor can see, as a condition over `activities`: notes on an account
/// the actor sees — never internal ones for partner and distributor users, exactly as
/// for every other activity.
pub fn notes_visible(actor: &Actor) -> SqlBuf {
    let mut b = SqlBuf::new("activities.kind = 'note' AND ");
    if matches!(actor.role, Role::Partner | Role::Distributor) {
        b.push("NOT activities.internal AND ");
    }
    b.push("EXISTS (SELECT 1 FROM accounts WHERE accounts.id = activities.account_id AND (")
        .append(accounts_visible(actor))
        .push("))");
    b
}

/// Who may log an activity of `kind`: anyone who may work accounts or leads — and a
/// note on an account, which is read as part of it, only whoever writes notes. A note
/// only on a lead, an order or a contract (`record_only`) is that record's, written by
/// whoever logs calls there (seed 004's partners note their own leads and orders).
pub fn require_activity_writer(
    actor: &Actor,
    kind: ActivityKind,
    record_only: bool,
) -> Result<(), StoreError> {
    if kind == ActivityKind::Note && !record_only {
        return require_note_writer(actor);
    }
    require_lead_action(actor, Action::Create).map_err(|_| {
        StoreError::forbidden(format!(
            "the {} role may not log activities",
            actor.role.as_str()
        ))
    })
}

/// Who may change or delete an activity (that is not an interaction) of `kind`: its
/// author, an admin, or for a task its assignee; a note as through the notes routes.
pub fn may_edit_activity(
    actor: &Actor,
    kind: ActivityKind,
    author: Option<uuid::Uuid>,
    assignee: Option<uuid::Uuid>,
    record_only: bool,
) -> Result<(), StoreError> {
    if kind == ActivityKind::Note && !record_only {
        return may_edit_note(actor, author);
    }
    require_activity_writer(actor, kind, record_only)?;
    if actor.role.is_admin() || author == Some(actor.user_id) || assignee == Some(actor.user_id) {
        Ok(())
    } else {
        Err(StoreError::forbidden(
            "only the activity's author, its assignee or an admin may change or delete it",
        ))
    }
}
