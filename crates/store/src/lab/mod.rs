//! The lab's work (seed 003; docs/lab.md): projects and their tasks, per order. What a
//! message or an instruction does to an order comes with them (issue #19).
pub(crate) mod gone;
pub mod projects;
pub mod tasks;
