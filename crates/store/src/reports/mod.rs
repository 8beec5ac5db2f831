//! Reading across areas: dashboards, exports, the audit listing and the records an
//! account's `include=` brings along.

pub mod audit_log;
pub mod dashboards;
pub mod exports;
pub mod include;
pub mod lab_views;
