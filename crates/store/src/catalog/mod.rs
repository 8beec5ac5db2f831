//! What is sold: products and the cap on how many are active.

pub mod pricing;
pub mod products;
