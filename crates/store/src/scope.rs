//! Who may see and do what — decided here, for every resource, and applied in SQL.
//! The matrix is written out in docs/access.md; this file is its implementation.

use rapport_domain::{Actor, Role};

use crate::{SqlBuf, StoreError};

/// Things a role may be allowed to do to a kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Create,
    Update,
    Archive,
    Delete,
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Create => "create",
            Action::Update => "update",
            Action::Archive => "archive or restore",
            Action::Delete => "delete",
        }
    }
}

/// Which accounts the actor can see, as a condition over the `accounts` table.
/// Records outside it answer 404, exactly like records that do not exist.
pub fn accounts_visible(actor: &Actor) -> SqlBuf {
    match actor.role {
        Role::Admin | Role::RestrictedAdmin | Role::Manager | Role::Viewer => SqlBuf::new("TRUE"),
        // Seed 001: a rep sees what they own, created, or are assigned to (seed 000).
        Role::Rep => {
            let mut b = SqlBuf::new("accounts.owner_id = ");
            b.bind(actor.user_id)
                .push(" OR accounts.created_by = ")
                .bind(actor.user_id)
                .push(" OR EXISTS (SELECT 1 FROM account_reps ar WHERE ar.account_id = accounts.id AND ar.user_id = ")
                .bind(actor.user_id)
                .push(")");
            b
        }
        // Partner and distributor users see their own organisation (the partners a
        // distributor manages join this when distributor_partners exists).
        Role::Partner | Role::Distributor => match actor.account_id {
            Some(id) => {
                let mut b = SqlBuf::new("accounts.id = ");
                b.bind(id);
                b
            }
            None => SqlBuf::new("FALSE"),
        },
        // Fulfillers work on orders; they reach accounts only through them.
        Role::Fulfiller => SqlBuf::new("FALSE"),
    }
}

/// Which contacts the actor can see, as a condition over the `contacts` table: people
/// linked to an account the actor can see, and (for roles that create contacts) the
/// people the actor created.
pub fn contacts_visible(actor: &Actor) -> SqlBuf {
    match actor.role {
        Role::Admin | Role::RestrictedAdmin | Role::Manager | Role::Viewer => SqlBuf::new("TRUE"),
        Role::Fulfiller => SqlBuf::new("FALSE"),
        Role::Rep | Role::Partner | Role::Distributor => {
            let mut b = SqlBuf::new("");
            if actor.role == Role::Rep {
                b.push("contacts.created_by = ")
                    .bind(actor.user_id)
                    .push(" OR ");
            }
            b.push(
                "EXISTS (SELECT 1 FROM account_contacts ac JOIN accounts ON accounts.id = ac.account_id \
                 WHERE ac.contact_id = contacts.id AND (",
            )
            .append(accounts_visible(actor))
            .push("))");
            b
        }
    }
}

/// Whether the role may do `action` to contacts at all (row scope comes on top). The
/// same roles as for accounts: people belong to the customer master.
pub fn require_contact_action(actor: &Actor, action: Action) -> Result<(), StoreError> {
    require_action(actor, action, "contacts")
}

/// Whether the role may do `action` to accounts at all (row scope comes on top).
pub fn require_account_action(actor: &Actor, action: Action) -> Result<(), StoreError> {
    require_action(actor, action, "accounts")
}

/// Merging and reassigning a rep's book reshape many records at once: admins and
/// managers only.
pub fn require_bulk_reshape(actor: &Actor, what: &str) -> Result<(), StoreError> {
    if matches!(
        actor.role,
        Role::Admin | Role::RestrictedAdmin | Role::Manager
    ) {
        Ok(())
    } else {
        Err(StoreError::forbidden(format!(
            "the {} role may not {what}",
            actor.role.as_str()
        )))
    }
}

/// Who may change a note: its author, or an admin of either kind.
pub fn may_edit_note(actor: &Actor, author: Option<uuid::Uuid>) -> Result<(), StoreError> {
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

fn require_action(actor: &Actor, action: Action, what: &str) -> Result<(), StoreError> {
    let allowed = match action {
        Action::Read => true,
        Action::Create | Action::Update | Action::Archive => matches!(
            actor.role,
            Role::Admin | Role::RestrictedAdmin | Role::Manager | Role::Rep
        ),
        Action::Delete => actor.role == Role::Admin,
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

/// Only these roles may give a record to someone else; a rep may only name themself.
pub fn may_assign_owner(actor: &Actor, owner: Option<uuid::Uuid>) -> Result<(), StoreError> {
    let free = matches!(
        actor.role,
        Role::Admin | Role::RestrictedAdmin | Role::Manager
    );
    if free || owner == Some(actor.user_id) {
        Ok(())
    } else {
        Err(StoreError::forbidden_field(
            "owner_id",
            format!(
                "the {} role may only set owner_id to themself",
                actor.role.as_str()
            ),
        ))
    }
}

/// The audit log is for admins of either kind.
pub fn require_audit_reader(actor: &Actor) -> Result<(), StoreError> {
    if actor.role.is_admin() {
        Ok(())
    } else {
        Err(StoreError::forbidden(format!(
            "the {} role may not read the audit log",
            actor.role.as_str()
        )))
    }
}
