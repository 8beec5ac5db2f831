//! Contracts: who sees which (the same scope as the PostgreSQL policy on `contracts` in
//! migration 0011), and who may make, change, move and renew them.

use rapport_domain::{Actor, Role};

use super::{in_rep_accounts, of_organisation, Action};
use crate::{SqlBuf, StoreError};

/// Roles whose view of contracts is every contract.
pub fn sees_every_contract(actor: &Actor) -> bool {
    matches!(
        actor.role,
        Role::Admin | Role::RestrictedAdmin | Role::Manager | Role::Viewer
    )
}

/// Which contracts the actor can see, as a condition over the `contracts` table. Reps:
/// contracts they own or created and those of accounts they see. Partner users: those
/// of their organisation (as partner or as customer); distributor users: theirs and
/// their active partners'. Fulfillers work on orders and see no contracts.
pub fn contracts_visible(actor: &Actor) -> SqlBuf {
    if sees_every_contract(actor) {
        return SqlBuf::new("TRUE");
    }
    match (actor.role, actor.account_id) {
        (Role::Rep, _) => {
            let mut b = SqlBuf::new("(contracts.owner_id = ");
            b.bind(actor.user_id)
                .push(" OR contracts.created_by = ")
                .bind(actor.user_id)
                .push(" OR ")
                .append(in_rep_accounts("contracts.account_id", actor.user_id))
                .push(")");
            b
        }
        (Role::Partner, Some(org)) => {
            let mut b = SqlBuf::new("(contracts.partner_id = ");
            b.bind(org)
                .push(" OR contracts.account_id = ")
                .bind(org)
                .push(")");
            b
        }
        (Role::Distributor, Some(org)) => {
            let mut b = SqlBuf::new("(contracts.distributor_id = ");
            b.bind(org)
                .push(" OR ")
                .append(of_organisation(actor, "contracts.account_id"))
                .push(" OR ")
                .append(of_organisation(actor, "contracts.partner_id"))
                .push(")");
            b
        }
        _ => SqlBuf::new("FALSE"),
    }
}

/// Whether the role may do `action` to contracts at all (row scope comes on top).
/// Everyone reads what their scope holds (a fulfiller's is empty). A contract is made
/// by a fulfilment; one made by hand (signed outside Rapport, imported) is for admins.
/// Its billing side, notes and owner are kept by admins and managers. Nobody deletes
/// one: it goes only with its account's cascade.
pub fn require_contract_action(actor: &Actor, action: Action) -> Result<(), StoreError> {
    let allowed = match action {
        Action::Read => true,
        Action::Create => actor.role.is_admin(),
        Action::Update | Action::Archive => matches!(
            actor.role,
            Role::Admin | Role::RestrictedAdmin | Role::Manager
        ),
        Action::Delete => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(StoreError::forbidden(format!(
            "the {} role may not {} contracts",
            actor.role.as_str(),
            action.verb()
        )))
    }
}

/// Ending a contract (lost, upgraded, downgraded, cancelled): admins, managers, and
/// reps on the contracts they see.
pub fn require_contract_status_change(actor: &Actor) -> Result<(), StoreError> {
    if matches!(
        actor.role,
        Role::Admin | Role::RestrictedAdmin | Role::Manager | Role::Rep
    ) {
        Ok(())
    } else {
        Err(StoreError::forbidden(format!(
            "the {} role may not change a contract's status",
            actor.role.as_str()
        )))
    }
}

/// Renewing a contract creates an order, so it is for the roles that create orders, on
/// contracts they see: partner and distributor users renew their own.
pub fn require_contract_renewal(actor: &Actor) -> Result<(), StoreError> {
    if matches!(actor.role, Role::Viewer | Role::Fulfiller) {
        Err(StoreError::forbidden(format!(
            "the {} role may not renew contracts",
            actor.role.as_str()
        )))
    } else {
        Ok(())
    }
}
