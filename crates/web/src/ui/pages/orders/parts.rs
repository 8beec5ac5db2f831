//! What the order pages share: a state shown as its coloured badge, an order's money,
//! and the names of the accounts its rows link to.

use std::collections::HashMap;

use maud::{html, Markup};
use rapport_domain::order::Order;
use rapport_domain::order_config::OrderState;
use rapport_store::orders::choices::Choices;
use uuid::Uuid;

use crate::ui::fmt;

/// A state's name with a dot in its colour (an SVG fill: the pages carry no inline
/// styles), or the bare id of a state that no longer exists.
pub fn state_badge(choices: &Choices, id: Uuid) -> Markup {
    match choices.state(id) {
        Some(s) => badge(s),
        None => html! { span.badge { (id) } },
    }
}

pub fn badge(s: &OrderState) -> Markup {
    // Only a `#rrggbb` colour reaches the attribute (the configuration checks it too).
    let colour = if s.colour.len() == 7
        && s.colour.starts_with('#')
        && s.colour[1..].bytes().all(|b| b.is_ascii_hexdigit())
    {
        s.colour.as_str()
    } else {
        "#6b7280"
    };
    html! {
        span.badge.state data-state=(s.key) {
            svg.dot width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" focusable="false" {
                circle cx="5" cy="5" r="5" fill=(colour) {}
            }
            " " (s.name)
            @if s.is_final { " " span.muted { "(final)" } }
        }
    }
}

/// The order's type by name.
pub fn type_name(choices: &Choices, order: &Order) -> String {
    choices
        .order_type(order.order_type_id)
        .map_or_else(|| "—".to_owned(), |t| t.name.clone())
}

/// An amount of the order, exact, with its currency.
pub fn money(order: &Order, amount: rust_decimal::Decimal) -> String {
    fmt::money(amount, &order.currency)
}

/// The account an order is for, linked when the viewer may open it.
pub fn account_of(order: &Order, accounts: &HashMap<Uuid, String>) -> Markup {
    let linked = order
        .account_id
        .and_then(|id| accounts.get(&id).map(|name| (id, name)));
    html! {
        @if let Some((id, name)) = linked { a href={ "/accounts/" (id) } { (name) } }
        @else { "—" }
    }
}

/// The accounts (customer and partner) these orders point at, each once.
pub fn account_ids<'a>(orders: impl IntoIterator<Item = &'a Order>) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = orders
        .into_iter()
        .flat_map(|o| [o.account_id, o.partner_id])
        .flatten()
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
