//! Orders (seeds 003 and 004): their types (with a JSON Schema for `data`) and states
//! (the workflow as data), orders with people by role, priced items and totals, and the
//! state history. What follows from a fulfilment (a contract) is the contracts area's.
pub mod states;
pub mod types;
pub mod workflow;
