//! What the lead pages share: the owner picker, how a lead's value reads, the names of
//! the accounts its cards link to, and a list query read back from a saved path (the
//! board's `back` field, so a refused move shows the board as it was filtered).

use std::collections::HashMap;

use maud::{html, Markup};
use rapport_domain::lead::Lead;
use rapport_store::auth::users::Colleague;
use rapport_store::customers::accounts;
use rapport_store::StoreError;
use uuid::Uuid;

use crate::query::{decode_pairs, list_params};
use crate::ui::errors::OrPage;
use crate::ui::fmt;
use crate::ui::form::Errors;
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

/// A filter's owner picker: anyone, me, or a colleague by name.
pub fn owner_filter(id: &str, colleagues: &[Colleague], current: Option<&str>) -> Markup {
    crate::ui::list::people_filter(id, "owner_id", "Owner", colleagues, current)
}

/// The exact value with its currency, when the lead has one.
pub fn value(lead: &Lead) -> Option<String> {
    let amount = lead.value?;
    Some(fmt::money(amount, lead.currency.as_deref().unwrap_or("")))
}

/// The names of the accounts with these ids that the viewer may see (a lead may be
/// visible while its account is not; such a lead shows its organisation only).
pub async fn account_names(
    app: &AppState,
    viewer: &Viewer,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, axum::response::Response> {
    let mut ids = ids;
    ids.sort_unstable();
    ids.dedup();
    // One read per account, all at once (a board shows up to 350 cards).
    let reads = ids
        .into_iter()
        .map(|id| async move { (id, accounts::get(&app.store, &viewer.ctx.actor, id).await) });
    let mut names = HashMap::new();
    for (id, read) in futures::future::join_all(reads).await {
        match read {
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
