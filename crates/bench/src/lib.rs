//! What the binaries share: bulk writing into a fresh database and the deterministic rep
//! users, accounts and contacts (the loaders), the HTTP client (rapport-bench and
//! rapport-check-distributions), and the sales dashboard's samples and request windows.

pub mod bulk;
pub mod client;
pub mod customers;
pub mod dashboard;
pub mod words;
