//! Writes whose cascades touch several areas: merges and deletes.

pub mod merge;
