//! Who may see and do what — decided here, for every resource, and applied in SQL.
//! The matrix is written out in docs/access.md; this file is its implementation.

use rapport_domain::activity::ActivityKind;
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
        // Partner users see their own organisation; distributor users also the
        // partners of its active links.
        Role::Partner | Role::Distributor => of_organisation(actor, "accounts.id"),
        // Fulfillers work on orders; they reach accounts only through them.
        Role::Fulfiller => SqlBuf::new("FALSE"),
    }
}

/// `column` names the actor's organisation — for a distributor user, also one of the
/// partners it manages through an active `distributor_partners` link. Partner and
/// distributor scopes are built from this one condition, so deactivating a link hides a
/// partner's records everywhere in the same commit.
fn of_organisation(actor: &Actor, column: &str) -> SqlBuf {
    let Some(org) = actor.account_id else {
        return SqlBuf::new("FALSE");
    };
    let mut b = SqlBuf::new(&format!("({column} = "));
    b.bind(org);
    if actor.role == Role::Distributor {
        b.push(&format!(
            " OR {column} IN (SELECT dp.partner_id FROM distributor_partners dp WHERE dp.distributor_id = "
        ))
        .bind(org)
        .push(" AND dp.active = ")
        .bind(true)
        .push(")");
    }
    b.push(")");
    b
}

/// `column IN` the accounts a rep sees (owned, created, assigned), as one list built once
/// from three index reads: tested per row it is a hash probe, not a subquery, which is
/// what keeps a rep's pages of leads and shipments fast.
fn in_rep_accounts(column: &str, me: uuid::Uuid) -> SqlBuf {
    let mut b = SqlBuf::new(&format!(
        "{column} IN (SELECT id FROM accounts WHERE owner_id = "
    ));
    b.bind(me)
        .push(" UNION SELECT id FROM accounts WHERE created_by = ")
        .bind(me)
        .push(" UNION SELECT account_id FROM account_reps WHERE user_id = ")
        .bind(me)
        .push(")");
    b
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
    may_assign_user(actor, "owner_id", owner)
}

/// [`may_assign_owner`] for any field that names the user responsible (`rep_id`).
pub fn may_assign_user(
    actor: &Actor,
    field: &str,
    user: Option<uuid::Uuid>,
) -> Result<(), StoreError> {
    let free = matches!(
        actor.role,
        Role::Admin | Role::RestrictedAdmin | Role::Manager
    );
    if free || user == Some(actor.user_id) {
        Ok(())
    } else {
        Err(StoreError::forbidden_field(
            field,
            format!(
                "the {} role may only set {field} to themself",
                actor.role.as_str()
            ),
        ))
    }
}

/// Who may take a whole list out at once (`format=csv`). Internal roles export what
/// they may read — the export runs the same scoped list, so a rep's holds only their
/// scope. Partner and distributor users belong to other companies: they read their
/// organisation's records page by page but may not bulk-copy them out. Fulfillers read
/// none of these lists.
pub fn may_export(actor: &Actor, resource: crate::exports::Resource) -> Result<(), StoreError> {
    match actor.role {
        Role::Admin | Role::RestrictedAdmin | Role::Manager | Role::Rep | Role::Viewer => Ok(()),
        Role::Partner | Role::Distributor | Role::Fulfiller => Err(StoreError::forbidden_field(
            "format",
            format!(
                "the {} role may not export {}: exports are for internal users",
                actor.role.as_str(),
                resource.as_str()
            ),
        )),
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

/// Which activities the actor can see, as a condition over `activities`: those with a
/// linked account, lead or contact the actor can see. Internal ones are hidden from
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
/// note, which is read as part of its account, only whoever writes notes.
pub fn require_activity_writer(actor: &Actor, kind: ActivityKind) -> Result<(), StoreError> {
    if kind == ActivityKind::Note {
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
) -> Result<(), StoreError> {
    if kind == ActivityKind::Note {
        return may_edit_note(actor, author);
    }
    require_activity_writer(actor, kind)?;
    if actor.role.is_admin() || author == Some(actor.user_id) || assignee == Some(actor.user_id) {
        Ok(())
    } else {
        Err(StoreError::forbidden(
            "only the activity's author, its assignee or an admin may change or delete it",
        ))
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

/// Shared settings are for admins of either kind (they hold no secrets).
pub fn require_settings_admin(actor: &Actor) -> Result<(), StoreError> {
    if actor.role.is_admin() {
        Ok(())
    } else {
        Err(StoreError::forbidden(format!(
            "the {} role may not change settings",
            actor.role.as_str()
        )))
    }
}

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
