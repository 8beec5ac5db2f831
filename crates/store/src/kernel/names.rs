//! The names records go by in the audit log (`entity_type`) and in error messages, one
//! place for all, so a report or an export can name another area's records without
//! importing it.

pub const ACCOUNT: &str = "account";
pub const ACCOUNT_CONTACT: &str = "account_contact";
pub const ACCOUNT_REP: &str = "account_rep";
pub const ACTIVITY: &str = "activity";
pub const API_TOKEN: &str = "api_token";
pub const CONTACT: &str = "contact";
pub const CONTRACT: &str = "contract";
pub const DISTRIBUTION: &str = "distribution";
pub const DISTRIBUTOR_PARTNER: &str = "distributor_partner";
pub const DURATION: &str = "duration";
pub const INSTRUCTION: &str = "instruction";
pub const LEAD: &str = "lead";
pub const MESSAGE: &str = "message";
pub const MESSAGE_TYPE: &str = "message_type";
pub const NOTE: &str = "note";
pub const ORDER: &str = "order";
pub const ORDER_ITEM: &str = "order_item";
pub const ORDER_STATE: &str = "order_state";
pub const ORDER_TYPE: &str = "order_type";
pub const PRICE_TIER: &str = "price_tier";
pub const PRODUCT: &str = "product";
pub const PROJECT: &str = "project";
pub const SETTINGS: &str = "settings";
pub const TASK: &str = "task";
pub const USER: &str = "user";
