//! The distribution log: who sees which entries, and who may write them.

use rapport_domain::{Actor, Role};

use super::{in_rep_accounts, of_organisation, sees_every_lead, Action};
use crate::{SqlBuf, StoreError};

/// Roles whose view of the distribution log is all of it (the sales dashboard may then
/// read its kept figures instead of the entries).
pub fn sees_every_distribution(actor: &Actor) -> bool {
    sees_every_lead(actor)
}

/// Which distribution entries the actor can see, as a condition over `distributions`.
/// Reps: entries they are the rep of or created, and entries of accounts they see (the
/// accounts as one indexed IN list, not a test per entry). Partner users: entries shipped
/// to their own organisation; distributor users: also to the partners it manages.
pub fn distributions_visible(actor: &Actor) -> SqlBuf {
    if sees_every_distribution(actor) {
        return SqlBuf::new("TRUE");
    }
    match (actor.role, actor.account_id) {
        (Role::Rep, _) => {
            let me = actor.user_id;
            let mut b = SqlBuf::new("(distributions.rep_id = ");
            b.bind(me)
                .push(" OR distributions.created_by = ")
                .bind(me)
                .push(" OR ")
                .append(in_rep_accounts("distributions.customer_id", me))
                .push(")");
            b
        }
        (Role::Partner | Role::Distributor, Some(_)) => {
            of_organisation(actor, "distributions.customer_id")
        }
        _ => SqlBuf::new("FALSE"),
    }
}

/// [`distributions_visible`] as disjoint parts that each read one index, for reading a
/// caller's whole set (the sales dashboard): a rep's entries are those they are the rep
/// of, then those they created and are not the rep of, then those on their accounts
/// they neither rep nor created. One OR over the three would read the whole period.
pub fn distributions_visible_parts(actor: &Actor) -> Vec<SqlBuf> {
    if actor.role != Role::Rep {
        return vec![distributions_visible(actor)];
    }
    let me = actor.user_id;
    let mut own = SqlBuf::new("distributions.rep_id = ");
    own.bind(me);
    let mut created = SqlBuf::new("distributions.created_by = ");
    created
        .bind(me)
        .push(" AND (distributions.rep_id IS NULL OR distributions.rep_id <> ")
        .bind(me)
        .push(")");
    let mut on_accounts = in_rep_accounts("distributions.customer_id", me);
    on_accounts
        .push(" AND (distributions.rep_id IS NULL OR distributions.rep_id <> ")
        .bind(me)
        .push(") AND (distributions.created_by IS NULL OR distributions.created_by <> ")
        .bind(me)
        .push(")");
    vec![own, created, on_accounts]
}

/// The log is a traceability record: reps add and correct entries in their scope, and
/// only admins and managers delete one.
pub fn require_distribution_action(actor: &Actor, action: Action) -> Result<(), StoreError> {
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
            "the {} role may not {} distribution entries",
            actor.role.as_str(),
            action.verb()
        )))
    }
}

/// Linking legacy customer names creates accounts and rewrites many entries at once:
/// admins of either kind only.
pub fn require_distribution_linker(actor: &Actor) -> Result<(), StoreError> {
    if actor.role.is_admin() {
        Ok(())
    } else {
        Err(StoreError::forbidden(format!(
            "the {} role may not link distribution entries to accounts",
            actor.role.as_str()
        )))
    }
}
