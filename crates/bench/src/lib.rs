//! What the loader binaries (`rapport-load-crm`, `rapport-load-pipeline`) share: bulk
//! writing into a fresh database and the deterministic rep users, accounts and contacts.
//! The `rapport-bench` binary itself does not use it.

pub mod bulk;
pub mod customers;
pub mod words;
