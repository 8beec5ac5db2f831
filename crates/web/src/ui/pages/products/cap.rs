//! The active-product cap as the product pages explain it: how many are active against
//! the setting, and what to do when the store refuses an activation for it.

use maud::{html, Markup};
use rapport_domain::settings::Settings;

use crate::ui::form::Errors;
use crate::ui::session::Viewer;

/// The line above the list: "2 of at most 3 products are active".
pub fn summary(settings: &Settings, active: Option<i64>) -> Markup {
    let cap = settings.active_product_cap;
    html! {
        p.muted #cap {
            @match (active, cap) {
                (Some(n), 0) => { (n) " active; no cap on active products." }
                (Some(n), cap) => { (n) " of at most " (cap) " products are active (the active-product cap)." }
                (None, 0) => { "No cap on active products." }
                (None, cap) => { "At most " (cap) " products may be active at once (the active-product cap)." }
            }
        }
    }
}

/// The store's refusal, in its words (less the errors shown beside the `shown` fields,
/// and those that only repeat the summary); when it is about `active` (the cap), how
/// to get past it: admins change the setting, others ask one or deactivate a product.
pub fn refusal(viewer: &Viewer, errors: &Errors, shown: &[&str]) -> Markup {
    if errors.is_empty() {
        return html! {};
    }
    let about_cap = errors.of("active").is_some_and(|e| e.rule == "state");
    html! {
        div.alert.error role="alert" {
            @if let Some(s) = &errors.summary { p { (s) } }
            @for e in errors.fields.iter().filter(|e| !shown.contains(&e.field.as_str()) && Some(e.message.as_str()) != errors.summary.as_deref()) {
                p { strong { (e.field) } ": " (e.message) }
            }
            @if about_cap {
                @if viewer.is_admin() {
                    p { "The cap is a setting: " a href="/admin/settings#f-active_product_cap" { "change the active-product cap" } ", or deactivate another product first." }
                } @else {
                    p { "The cap is a setting only administrators change; deactivate another product first, or ask one." }
                }
            }
        }
    }
}
