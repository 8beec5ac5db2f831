//! The lab's work (seed 003; docs/lab.md): projects and their tasks per order, the kinds
//! of message and the messages that may move an order, instructions approved by another
//! user, and the lab's standing views.
pub(crate) mod gone;
pub mod instructions;
pub mod message_types;
pub mod messages;
pub mod projects;
pub mod tasks;
