//! Rules that are not about one kind of record: naming users, exports, the audit
//! log, settings.

use rapport_domain::{Actor, Role};

use crate::kernel::names;
use crate::StoreError;

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
pub fn may_export(actor: &Actor, resource: Resource) -> Result<(), StoreError> {
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

/// The lists that can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Accounts,
    Contacts,
    Leads,
    Distributions,
    Contracts,
    Orders,
    Projects,
    Tasks,
    Messages,
    Instructions,
    MessageTypes,
    Durations,
    OrderTypes,
    OrderStates,
}

impl Resource {
    /// The list's name in paths and file names.
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Accounts => "accounts",
            Resource::Contacts => "contacts",
            Resource::Leads => "leads",
            Resource::Distributions => "distributions",
            Resource::Contracts => "contracts",
            Resource::Orders => "orders",
            Resource::Projects => "projects",
            Resource::Tasks => "tasks",
            Resource::Messages => "messages",
            Resource::Instructions => "instructions",
            Resource::MessageTypes => "message-types",
            Resource::Durations => "durations",
            Resource::OrderTypes => "order-types",
            Resource::OrderStates => "order-states",
        }
    }

    /// The audit log's entity type of the list's records, so an admin filtering on
    /// `entity_type=account` sees exports of accounts beside their changes.
    pub fn entity_type(self) -> &'static str {
        match self {
            Resource::Accounts => names::ACCOUNT,
            Resource::Contacts => names::CONTACT,
            Resource::Leads => names::LEAD,
            Resource::Distributions => names::DISTRIBUTION,
            Resource::Contracts => names::CONTRACT,
            Resource::Orders => names::ORDER,
            Resource::Projects => names::PROJECT,
            Resource::Tasks => names::TASK,
            Resource::Messages => names::MESSAGE,
            Resource::Instructions => names::INSTRUCTION,
            Resource::MessageTypes => names::MESSAGE_TYPE,
            Resource::Durations => names::DURATION,
            Resource::OrderTypes => names::ORDER_TYPE,
            Resource::OrderStates => names::ORDER_STATE,
        }
    }
}
