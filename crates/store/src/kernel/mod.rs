//! What every area stands on: errors, SQL building, the list and search conventions,
//! CSV, audit recording and idempotency. Imports no area.

pub mod audit;
pub mod csv;
pub mod error;
pub mod idempotency;
pub mod list;
pub mod names;
pub mod numbers;
pub mod record;
pub mod search;
pub(crate) mod sql;
