//! HTTP tests through the real router, each on SQLite and on PostgreSQL
//! (RAPPORT_TEST_POSTGRES_URL), one fresh database per test.

#[path = "api/support.rs"]
mod support;
#[path = "api/ui_support.rs"]
mod ui_support;

#[path = "api/accounts.rs"]
mod accounts;
#[path = "api/audit.rs"]
mod audit;
#[path = "api/auth.rs"]
mod auth;
#[path = "api/catalog.rs"]
mod catalog;
#[path = "api/catalog_property.rs"]
mod catalog_property;
#[path = "api/contract.rs"]
mod contract;
#[path = "api/contracts.rs"]
mod contracts;
#[path = "api/conventions.rs"]
mod conventions;
#[path = "api/customers.rs"]
mod customers;
#[path = "api/dashboards.rs"]
mod dashboards;
#[path = "api/directory.rs"]
mod directory;
#[path = "api/distributions.rs"]
mod distributions;
#[path = "api/exports.rs"]
mod exports;
#[path = "api/faults.rs"]
mod faults;
#[path = "api/lab.rs"]
mod lab;
#[path = "api/lab_messages.rs"]
mod lab_messages;
#[path = "api/lab_views.rs"]
mod lab_views;
#[path = "api/matrix.rs"]
mod matrix;
#[path = "api/operations.rs"]
mod operations;
#[path = "api/order_config.rs"]
mod order_config;
#[path = "api/orders.rs"]
mod orders;
#[path = "api/orders_moves.rs"]
mod orders_moves;
#[path = "api/orders_timeline.rs"]
mod orders_timeline;
#[path = "api/partners.rs"]
mod partners;
#[path = "api/pipeline.rs"]
mod pipeline;
#[path = "api/preconditions.rs"]
mod preconditions;
#[path = "api/routing.rs"]
mod routing;
#[path = "api/row_security.rs"]
mod row_security;
#[path = "api/schemas.rs"]
mod schemas;
#[path = "api/search.rs"]
mod search;
#[path = "api/seed_gaps.rs"]
mod seed_gaps;
#[path = "api/slow_clients.rs"]
mod slow_clients;
#[path = "api/timeline.rs"]
mod timeline;
#[path = "api/totals.rs"]
mod totals;
#[path = "api/ui_admin.rs"]
mod ui_admin;
#[path = "api/ui_catalog.rs"]
mod ui_catalog;
#[path = "api/ui_contracts.rs"]
mod ui_contracts;
#[path = "api/ui_distribution.rs"]
mod ui_distribution;
#[path = "api/ui_lab.rs"]
mod ui_lab;
#[path = "api/ui_leads.rs"]
mod ui_leads;
#[path = "api/ui_matrix.rs"]
mod ui_matrix;
#[path = "api/ui_order_config.rs"]
mod ui_order_config;
#[path = "api/ui_orders.rs"]
mod ui_orders;
#[path = "api/ui_pages.rs"]
mod ui_pages;
#[path = "api/users.rs"]
mod users;
