//! Rapport's plain domain: who acts, what a valid value is, what an account holds.
//! No I/O here; storage and HTTP build on these types.

pub mod account;
pub mod activity;
pub mod actor;
pub mod changes;
pub mod contact;
pub mod contract;
pub mod country;
pub mod distribution;
pub mod duration;
pub mod input;
pub mod instruction;
pub mod lead;
pub mod message;
pub mod money;
pub mod normalize;
pub mod note;
pub mod order;
pub mod order_config;
pub mod order_input;
pub mod order_item;
pub mod precondition;
pub mod price_tier;
pub mod pricing;
pub mod product;
pub mod project;
pub mod quote;
pub mod settings;
pub mod user;
pub mod validation;

pub use actor::{Actor, Ctx, Role};
pub use precondition::IfMatch;
pub use validation::{FieldError, Invalid};

/// New record ids: UUIDv7, so they sort by creation time and index well.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
