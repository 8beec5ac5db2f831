//! The customer master: accounts, contacts and their links, reps, distributor–partner
//! links.

pub mod accounts;
pub mod contacts;
pub mod distributor_partners;
pub(crate) mod email_in_account;
pub mod links;
pub(crate) mod rep_rows;
pub mod reps;
