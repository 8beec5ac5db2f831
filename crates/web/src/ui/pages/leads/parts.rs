//! What the lead pages share: the owner picker, how a lead's value reads, the names of
//! the accounts its cards link to, and a list query read back from a saved path (the
//! board's `back` field, so a refused move shows the board as it was filtered).

use std::collections::HashMap;

use maud::{html, Markup};
use rapport_domain::lead::Lead;
use rapport_domain::money::canonical;
use rapport_store::auth::users::Colleague;
use rapport_store::customers::accounts;
use rapport_store::StoreError;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::query::{decode_pairs, list_params};
use crate::ui::errors::OrPage;
use crate::ui::fmt;
use crate::ui::form::Errors;
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

pub fn option(value: &str, label: &str, current: Option<&str>) -> Markup {
    html! { option value=(value) selected[current == Some(value)] { (label) } }
}

/// A filter's owner picker: anyone, me, or a colleague by name.
pub fn owner_filter(id: &str, colleagues: &[Colleague], current: Option<&str>) -> Markup {
    html! {
        div.field {
            label for=(id) { "Owner" }
            select id=(id) name="owner_id" {
                (option("", "Anyone", current))
                (option("me", "Me", current))
                @for c in colleagues { (option(&c.id.to_string(), &c.name, current)) }
            }
        }
    }
}

/// An amount exactly as kept (the currency's minor units, or more when more were
/// given: a lead's value is never rounded for show), grouped by thousands, with its
/// currency: `12,500.00 EUR`, `1,000.0005 USD`. (`fmt::money` rounds to two places,
/// which suits the dashboards' sums but would misstate a lead's value.)
pub fn exact_money(amount: Decimal, currency: &str) -> String {
    let text = canonical(amount, Some(currency).filter(|c| !c.is_empty())).to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let point = if frac.is_empty() { "" } else { "." };
    format!("{sign}{grouped}{point}{frac} {currency}")
}

/// The exact value with its currency, when the lead has one.
pub fn value(lead: &Lead) -> Option<String> {
    let amount = lead.value?;
    Some(exact_money(amount, lead.currency.as_deref().unwrap_or("")))
}

/// The names of the accounts with these ids that the viewer may see (a lead may be
/// visible while its account is not; such a lead shows its organisation only).
pub async fn account_names(
    app: &AppState,
    viewer: &Viewer,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, axum::response::Response> {
    let mut names = HashMap::new();
    for id in ids {
        if names.contains_key(&id) {
            continue;
        }
        match accounts::get(&app.store, &viewer.ctx.actor, id).await {
            Ok(a) => {
                names.insert(id, a.name);
            }
            Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e).or_page(viewer),
        }
    }
    Ok(names)
}

/// The accounts these leads point at, each once.
pub fn account_ids<'a>(leads: impl IntoIterator<Item = &'a Lead>) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = leads.into_iter().filter_map(|l| l.account_id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The account a lead belongs to, linked when the viewer may open it, else its
/// free-text organisation.
pub fn account_of(lead: &Lead, accounts: &HashMap<Uuid, String>) -> Markup {
    let linked = lead
        .account_id
        .and_then(|id| accounts.get(&id).map(|name| (id, name)));
    html! {
        @if let Some((id, name)) = linked {
            a href={ "/accounts/" (id) } { (name) }
        } @else if let Some(org) = &lead.organization {
            (org)
        }
    }
}

/// A list query read from a local path's query string, as [`ListQuery`] reads a
/// request's.
pub fn query_of(path: &str) -> ListQuery {
    let raw = path.split_once('?').map(|(_, q)| q).unwrap_or("");
    match decode_pairs(raw) {
        Ok(pairs) => {
            let pairs: Vec<(String, String)> = pairs
                .into_iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .collect();
            let params = list_params(pairs.clone()).map_err(Errors::from);
            ListQuery { pairs, params }
        }
        Err(p) => ListQuery {
            pairs: Vec::new(),
            params: Err(Errors::from(p)),
        },
    }
}

/// A store refusal as one sentence naming the lead: the reasons the store gave for each
/// field, or its message.
pub fn refusal(lead: &Lead, what: &str, why: Errors) -> Errors {
    let reasons: Vec<String> = if why.fields.is_empty() {
        why.summary.into_iter().collect()
    } else {
        why.fields
            .iter()
            .map(|e| {
                if e.field.is_empty() {
                    e.message.clone()
                } else {
                    format!("{} {}", fmt::words(&e.field), e.message)
                }
            })
            .collect()
    };
    Errors::message(format!(
        "“{}” was not {what}: {}.",
        lead.title,
        reasons.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_is_shown_exactly_as_kept() {
        let d = |s: &str| Decimal::from_str(s).expect("decimal");
        assert_eq!(exact_money(d("12500"), "EUR"), "12,500.00 EUR");
        assert_eq!(
            exact_money(d("99999999999999.9999"), "USD"),
            "99,999,999,999,999.9999 USD"
        );
        assert_eq!(exact_money(d("-0.5"), "EUR"), "-0.50 EUR");
        assert_eq!(exact_money(d("1500"), "JPY"), "1,500 JPY");
    }
}
