//! Order configuration — types, states and the moves between them — is read by everyone
//! signed in (every order shows its type and state, every client draws the workflow) and
//! changed only by administrators of either kind: it decides what every order may hold
//! and where it may go.

use rapport_domain::Actor;

use super::Action;
use crate::StoreError;

/// `what` names the records in the refusal ("order types", "order states").
pub fn require_order_config_action(
    actor: &Actor,
    action: Action,
    what: &str,
) -> Result<(), StoreError> {
    if action == Action::Read || actor.role.is_admin() {
        Ok(())
    } else {
        Err(StoreError::forbidden(format!(
            "the {} role may not {} {what}: order configuration is for administrators",
            actor.role.as_str(),
            action.verb()
        )))
    }
}
