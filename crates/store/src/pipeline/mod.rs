//! The sales pipeline: leads, their status history and the board's kept totals.

pub mod board;
pub mod leads;
