//! Contracts (seed 004): opened by an order's fulfilment, with their status history,
//! renewals and expiry. The one way an order changes state lives here, since entering a
//! state that opens a contract writes both areas in one transaction.

pub mod chain;
#[allow(clippy::module_inception)]
pub mod contracts;
pub mod expiry;
pub(crate) mod gone;
pub mod history;
pub mod moves;
pub mod renew;
