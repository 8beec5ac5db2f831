//! Orders: who sees which (the same rows as the `orders` row-level security policy of
//! migration 0011), and who may create, change, move, reopen, reprice and delete them.

use rapport_domain::{Actor, Role};

use super::{in_rep_accounts, of_organisation, Action};
use crate::{SqlBuf, StoreError};

/// Roles whose view of orders is every order.
pub fn sees_every_order(actor: &Actor) -> bool {
    matches!(
        actor.role,
        Role::Admin | Role::RestrictedAdmin | Role::Manager | Role::Viewer
    )
}

/// Which orders the actor can see, as a condition over the `orders` table. Reps: orders
/// they own or created and orders of accounts they see. Partner users: orders registered
/// to their organisation (`partner_id`) or for it (`account_id`). Distributor users:
/// theirs (`distributor_id`), and those of their own and their partners' organisations.
/// Fulfillers: orders in a state marked `fulfilment`.
pub fn orders_visible(actor: &Actor) -> SqlBuf {
    if sees_every_order(actor) {
        return SqlBuf::new("TRUE");
    }
    match (actor.role, actor.account_id) {
        (Role::Rep, _) => {
            let mut b = SqlBuf::new("(orders.owner_id = ");
            b.bind(actor.user_id)
                .push(" OR orders.created_by = ")
                .bind(actor.user_id)
                .push(" OR ")
                .append(in_rep_accounts("orders.account_id", actor.user_id))
                .push(")");
            b
        }
        (Role::Partner, Some(org)) => {
            let mut b = SqlBuf::new("(orders.partner_id = ");
            b.bind(org)
                .push(" OR orders.account_id = ")
                .bind(org)
                .push(")");
            b
        }
        (Role::Distributor, Some(org)) => {
            let mut b = SqlBuf::new("(orders.distributor_id = ");
            b.bind(org)
                .push(" OR ")
                .append(of_organisation(actor, "orders.account_id"))
                .push(" OR ")
                .append(of_organisation(actor, "orders.partner_id"))
                .push(")");
            b
        }
        (Role::Fulfiller, _) => {
            let mut b = SqlBuf::new(
                "orders.state_id IN (SELECT fs.id FROM order_states fs WHERE fs.fulfilment = ",
            );
            b.bind(true).push(")");
            b
        }
        _ => SqlBuf::new("FALSE"),
    }
}

fn refuse(actor: &Actor, what: &str) -> StoreError {
    StoreError::forbidden(format!("the {} role may not {what}", actor.role.as_str()))
}

/// Whether the role may do `action` to orders at all (row scope comes on top).
/// Partners and distributors place and edit their organisation's orders; fulfillers
/// only move the orders they work on ([`require_order_move`]); viewers only read.
pub fn require_order_action(actor: &Actor, action: Action) -> Result<(), StoreError> {
    let allowed = match action {
        Action::Read => true,
        Action::Create | Action::Update | Action::Archive => matches!(
            actor.role,
            Role::Admin
                | Role::RestrictedAdmin
                | Role::Manager
                | Role::Rep
                | Role::Partner
                | Role::Distributor
        ),
        Action::Delete => actor.role == Role::Admin,
    };
    if allowed {
        Ok(())
    } else {
        Err(refuse(actor, &format!("{} orders", action.verb())))
    }
}

/// Moving an order along the workflow: every role that writes orders, and fulfillers
/// (on the orders in their scope).
pub fn require_order_move(actor: &Actor) -> Result<(), StoreError> {
    if actor.role == Role::Fulfiller || require_order_action(actor, Action::Update).is_ok() {
        Ok(())
    } else {
        Err(refuse(actor, "move orders"))
    }
}

/// Taking an order out of a final state: admins of either kind.
pub fn require_order_reopen(actor: &Actor) -> Result<(), StoreError> {
    if actor.role.is_admin() {
        Ok(())
    } else {
        Err(refuse(
            actor,
            "reopen an order in a final state (admins and restricted admins do)",
        ))
    }
}

/// Setting a line's price or discount by hand: admins, restricted admins and managers;
/// anyone else is refused on the field (`items[2].unit_price`).
pub fn may_override_price(actor: &Actor, field: &str) -> Result<(), StoreError> {
    if matches!(
        actor.role,
        Role::Admin | Role::RestrictedAdmin | Role::Manager
    ) {
        Ok(())
    } else {
        Err(StoreError::forbidden_field(
            field,
            format!(
                "the {} role may not set a line's price or discount by hand",
                actor.role.as_str()
            ),
        ))
    }
}
