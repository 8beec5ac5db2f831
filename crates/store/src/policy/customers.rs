//! Accounts and contacts: who sees which, and which roles may change them.

use rapport_domain::{Actor, Role};

use super::{of_organisation, require_action, Action};
use crate::{SqlBuf, StoreError};

/// Which accounts the actor can see, as a condition over the `accounts` table.
/// Records outside it answer 404, exactly like records that do not exist.
pub fn accounts_visible(actor: &Actor) -> SqlBuf {
    match actor.role {
        Role::Admin | Role::RestrictedAdmin | Role::Manager | Role::Viewer => SqlBuf::new("TRUE"),
        // Seed 001: a rep sees what they own, created, or are assigned to (seed 000),
        // and with the setting on what they last updated.
        Role::Rep => {
            let mut b = SqlBuf::new("accounts.owner_id = ");
            b.bind(actor.user_id)
                .push(" OR accounts.created_by = ")
                .bind(actor.user_id)
                .push(" OR EXISTS (SELECT 1 FROM account_reps ar WHERE ar.account_id = accounts.id AND ar.user_id = ")
                .bind(actor.user_id)
                .push(") OR (accounts.updated_by = ")
                .bind(actor.user_id)
                .push(" AND ")
                .append(super::setting_on(super::REPS_SEE_LAST_UPDATED))
                .push(")");
            b
        }
        // Partner users see their own organisation; distributor users also the
        // partners of its active links.
        Role::Partner | Role::Distributor => of_organisation(actor, "accounts.id"),
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

/// Who may hard-delete `account`: an admin; with seed 001's setting on, also the rep
/// who created it. (Read inside the delete's transaction, so a setting turned off
/// meanwhile is obeyed.)
pub fn may_delete_account(
    c: &mut dyn rapport_db::Conn,
    actor: &Actor,
    created_by: Option<uuid::Uuid>,
) -> Result<(), StoreError> {
    if actor.role == Role::Rep
        && created_by == Some(actor.user_id)
        && super::is_setting_on(c, super::REPS_DELETE_CREATED)?
    {
        return Ok(());
    }
    require_account_action(actor, Action::Delete)
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
