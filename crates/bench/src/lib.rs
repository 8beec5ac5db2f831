//! What the binaries share: bulk writing into a fresh database and the deterministic rep
//! users, accounts and contacts (the loaders), the HTTP client (rapport-bench and
//! rapport-check-distributions), the sales dashboard's samples and request windows, and
//! the lead workload's names (rapport-load-leads and rapport-bench's lead-create).

pub mod bulk;
pub mod client;
pub mod customers;
pub mod dashboard;
pub mod lead_data;
pub mod words;
