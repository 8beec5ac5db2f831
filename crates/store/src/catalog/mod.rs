//! What is sold: products and the cap on how many are active, their price tiers, the
//! durations a subscription runs for, and the price of a line (`pricing`, `quote`).

pub mod durations;
pub mod pricing;
pub mod products;
pub mod quote;
pub mod tiers;
