//! Message types: `/api/v1/message-types` (seed 003; docs/lab.md): the kinds of message,
//! some of which move their order. Everyone signed in reads; administrators write.

use rapport_domain::message::{
    MessageType, MessageTypeChanges, MessageTypeCreate, MessageTypePatch,
};

use crate::etag::Versioned;

impl Versioned for MessageType {
    fn version(&self) -> i64 {
        self.version
    }
}

crud_routes! {
    store: rapport_store::lab::message_types,
    record: MessageType,
    changes: MessageTypeChanges,
    create: MessageTypeCreate,
    patch: MessageTypePatch,
    page: MessageTypePage,
    tag: "lab",
    export: rapport_store::policy::Resource::MessageTypes,
    collection: "/api/v1/message-types",
    item: "/api/v1/message-types/{id}",
    what: "No such message type",
    conflict: "The key or the name is taken (named, with the holder's id)",
    forbidden: "Only administrators change message types",
    delete_who: "Only administrators change message types",
    delete_conflict: "Messages are of this type (rule state, naming id): deactivate it",
    /// Creates a message type (admins). One that triggers a state change names the order
    /// state its messages move their order to (422 naming `target_state_id` otherwise).
    create create_message_type,
    /// Lists message types, by name. Filters: `active`, `key`, `category`,
    /// `triggers_state_change`, `created_after`/`_before`.
    list list_message_types,
    get get_message_type,
    /// Changes a message type (admins); messages sent keep the state they moved their
    /// order to.
    update update_message_type,
    /// Deletes a type no message is of (admins); one in use answers 409.
    delete delete_message_type,
}
