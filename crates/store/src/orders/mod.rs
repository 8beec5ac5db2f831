//! Orders (seeds 003 and 004): their types (with a JSON Schema for `data`) and states
//! (the workflow as data), orders with people by role, priced items and totals, and the
//! state history. What follows from a fulfilment (a contract) is the contracts area's.
pub mod choices;
pub(crate) mod gone;
pub mod history;
pub mod items;
pub mod month_counts;
pub mod moves;
pub mod states;
pub mod types;
// The area and its main record share a name, as `catalog::products` would.
#[allow(clippy::module_inception)]
pub mod orders;
pub mod people;
mod rules;
pub mod workflow;

pub use history::history;
pub use moves::{enter_in, reopen};
pub use orders::{create, create_in, get, list, replace_items, update, update_with_lines};
