//! Leads (and the catalogue they name): who sees which, and who may work them.

use rapport_domain::{Actor, Role};

use super::{in_rep_accounts, of_organisation, Action};
use crate::{SqlBuf, StoreError};

/// Roles whose view of the pipeline is every lead (the board may then read its kept
/// totals instead of the leads).
pub fn sees_every_lead(actor: &Actor) -> bool {
    matches!(
        actor.role,
        Role::Admin | Role::RestrictedAdmin | Role::Manager | Role::Viewer
    )
}

/// Which leads the actor can see, as a condition over the `leads` table. Reps: leads
/// they own or created and leads of accounts they can see. Partner and distributor
/// users: leads registered for their organisation, or on it.
pub fn leads_visible(actor: &Actor) -> SqlBuf {
    if sees_every_lead(actor) {
        return SqlBuf::new("TRUE");
    }
    match (actor.role, actor.account_id) {
        (Role::Rep, _) => {
            let mut b = SqlBuf::new("(leads.owner_id = ");
            b.bind(actor.user_id)
                .push(" OR leads.created_by = ")
                .bind(actor.user_id)
                .push(" OR ")
                .append(in_rep_accounts("leads.account_id", actor.user_id))
                .push(")");
            b
        }
        (Role::Partner, Some(org)) => {
            let mut b = SqlBuf::new("(leads.partner_id = ");
            b.bind(org)
                .push(" OR leads.account_id = ")
                .bind(org)
                .push(")");
            b
        }
        // A distributor's leads, and its partners' as if it were each of them.
        (Role::Distributor, Some(org)) => {
            let mut b = SqlBuf::new("(leads.distributor_id = ");
            b.bind(org)
                .push(" OR ")
                .append(of_organisation(actor, "leads.account_id"))
                .push(" OR ")
                .append(of_organisation(actor, "leads.partner_id"))
                .push(")");
            b
        }
        _ => SqlBuf::new("FALSE"),
    }
}

/// One disjoint part of a caller's leads, for reading the whole set (the board).
#[derive(Debug)]
pub enum LeadPart {
    /// The leads this user owns: the kept per-owner totals can stand for them.
    OwnedBy(uuid::Uuid),
    /// The leads meeting a condition over `leads`.
    Where(SqlBuf),
}

impl LeadPart {
    pub fn condition(self) -> SqlBuf {
        match self {
            LeadPart::OwnedBy(me) => {
                let mut b = SqlBuf::new("leads.owner_id = ");
                b.bind(me);
                b
            }
            LeadPart::Where(b) => b,
        }
    }
}

/// [`leads_visible`] spelled for reading a caller's whole set of leads (the board): the
/// same rows, as disjoint parts that each read an index. A rep's leads are those they
/// own, then those they created and do not own, then those on their accounts they
/// neither own nor created; one OR over all three would read every lead (seconds at a
/// million) to find a rep's few thousand.
pub fn leads_visible_parts(actor: &Actor) -> Vec<LeadPart> {
    if actor.role != Role::Rep {
        return vec![LeadPart::Where(leads_visible(actor))];
    }
    let me = actor.user_id;
    let mut created = SqlBuf::new("leads.created_by = ");
    created
        .bind(me)
        .push(" AND (leads.owner_id IS NULL OR leads.owner_id <> ")
        .bind(me)
        .push(")");
    let mut on_accounts = in_rep_accounts("leads.account_id", me);
    on_accounts
        .push(" AND (leads.owner_id IS NULL OR leads.owner_id <> ")
        .bind(me)
        .push(") AND (leads.created_by IS NULL OR leads.created_by <> ")
        .bind(me)
        .push(")");
    vec![
        LeadPart::OwnedBy(me),
        LeadPart::Where(created),
        LeadPart::Where(on_accounts),
    ]
}

/// Every role sees the leads of the accounts it sees (it is part of each lead scope
/// above), so listing the leads of an account the caller has been shown needs no
/// further condition.
pub fn leads_of_visible_account(actor: &Actor) -> SqlBuf {
    if actor.role == Role::Fulfiller {
        SqlBuf::new("FALSE")
    } else {
        SqlBuf::new("TRUE")
    }
}

/// Whether the role may do `action` to leads at all (row scope comes on top). Partners
/// and distributors register and work their own deals (seed 004).
pub fn require_lead_action(actor: &Actor, action: Action) -> Result<(), StoreError> {
    let allowed = match action {
        Action::Read => actor.role != Role::Fulfiller,
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
        Err(StoreError::forbidden(format!(
            "the {} role may not {} leads",
            actor.role.as_str(),
            action.verb()
        )))
    }
}

/// A partner (distributor) user's leads belong to their own organisation: the field
/// defaults to it and may not name another.
pub fn own_organisation(
    actor: &Actor,
    partner_id: &mut Option<uuid::Uuid>,
    distributor_id: &mut Option<uuid::Uuid>,
) -> Result<(), StoreError> {
    let (field, slot) = match actor.role {
        Role::Partner => ("partner_id", partner_id),
        Role::Distributor => ("distributor_id", distributor_id),
        _ => return Ok(()),
    };
    let Some(org) = actor.account_id else {
        return Err(StoreError::forbidden(
            "your user belongs to no organisation",
        ));
    };
    match *slot {
        None => {
            *slot = Some(org);
            Ok(())
        }
        Some(id) if id == org => Ok(()),
        Some(_) => Err(StoreError::forbidden_field(
            field,
            format!(
                "a {} user may only name their own organisation",
                actor.role.as_str()
            ),
        )),
    }
}

/// The catalogue is kept by admins and managers; deleting a product is for admins.
pub fn require_product_action(actor: &Actor, action: Action) -> Result<(), StoreError> {
    let allowed = match action {
        Action::Read => true,
        Action::Create | Action::Update | Action::Archive => matches!(
            actor.role,
            Role::Admin | Role::RestrictedAdmin | Role::Manager
        ),
        Action::Delete => actor.role.is_admin(),
    };
    if allowed {
        Ok(())
    } else {
        Err(StoreError::forbidden(format!(
            "the {} role may not {} products",
            actor.role.as_str(),
            action.verb()
        )))
    }
}
