//! The timeline: activities of every kind, notes (activities of kind note), and the
//! merged account and lead timelines.

pub mod activities;
pub mod merged;
pub mod notes;
