//! End-to-end tests of the web UI in a real headless Chromium, against a real server on a
//! loopback port, on SQLite and on PostgreSQL (one fresh database per test). See
//! `browser/support.rs` for how Chromium is found and `docs/ui.md` for what is covered.

#[allow(dead_code)]
#[path = "api/support.rs"]
mod support;

#[path = "browser/catalog.rs"]
mod catalog;
#[path = "browser/support.rs"]
mod chrome;
#[path = "browser/flows.rs"]
mod flows;
#[path = "browser/lab.rs"]
mod lab;
