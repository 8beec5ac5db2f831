//! Writes whose cascades touch several areas: deleting an account, a person, a lead or
//! a product, and merging accounts. Each calls, from one explicit list, the primitive
//! that every area pointing at the record offers for "it went away" (`account_gone`,
//! `contact_gone`, `lead_gone`, `product_gone`), then the record's own area removes
//! it; a new area that hangs records off accounts adds one line to
//! [`accounts::account_gone`].

pub mod accounts;
pub mod contacts;
pub mod leads;
pub mod merge;
pub mod orders;
pub mod products;
