//! The admin pages' frame: the sub-navigation (Users, Partners, Tokens, Settings, Order
//! types, Order states, Audit log) with the current page marked, inside the shell under
//! the Admin section.

use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};

use crate::ui::layout::{respond, shell, Section};
use crate::ui::session::Viewer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Users,
    Partners,
    Tokens,
    Settings,
    OrderTypes,
    OrderStates,
    Audit,
}

const TABS: [(Tab, &str, &str); 7] = [
    (Tab::Users, "/admin/users", "Users"),
    (Tab::Partners, "/admin/partners", "Partners"),
    (Tab::Tokens, "/tokens", "Tokens"),
    (Tab::Settings, "/admin/settings", "Settings"),
    (Tab::OrderTypes, "/admin/order-types", "Order types"),
    (Tab::OrderStates, "/admin/order-states", "Order states"),
    (Tab::Audit, "/admin/audit", "Audit log"),
];

pub fn sub_nav(current: Tab) -> Markup {
    html! {
        nav.admin-nav aria-label="Admin" {
            ul {
                @for (tab, href, label) in TABS {
                    li { a href=(href) aria-current=[(tab == current).then_some("page")] { (label) } }
                }
            }
        }
    }
}

/// An admin page: the shell, the sub-navigation, then the body.
pub fn admin_page(
    viewer: &Viewer,
    current: Tab,
    title: &str,
    body: Markup,
    status: StatusCode,
) -> Response {
    let framed = html! { (sub_nav(current)) (body) };
    respond(status, shell(viewer, Section::Admin, title, framed))
}
