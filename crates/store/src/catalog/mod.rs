//! What is sold: products and the cap on how many are active.

pub mod products;
pub mod pricing;
