//! `/admin/audit`: the audit log, newest first, through `reports::audit_log::list` (the
//! API's list, so its filters and keyset cursor read alike): by entity type and id,
//! actor, action, request id and a date range, each entry with the fields it changed.

use axum::extract::State;
use axum::http::StatusCode;
use maud::{html, Markup};
use rapport_store::auth::user_admin::{self, UserFilter};
use rapport_store::auth::users::User;
use rapport_store::kernel::audit::AuditAction;
use rapport_store::kernel::names;
use rapport_store::reports::audit_log::{self, AuditEntry};
use serde_json::Value;

use super::nav::{admin_page, Tab};
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::Errors;
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

const PAGE_SIZE: usize = 50;

const ENTITY_TYPES: [&str; 13] = [
    names::ACCOUNT,
    names::ACCOUNT_CONTACT,
    names::ACCOUNT_REP,
    names::ACTIVITY,
    names::API_TOKEN,
    names::CONTACT,
    names::DISTRIBUTION,
    names::DISTRIBUTOR_PARTNER,
    names::LEAD,
    names::NOTE,
    names::PRODUCT,
    names::SETTINGS,
    names::USER,
];

const ACTIONS: [AuditAction; 10] = [
    AuditAction::Create,
    AuditAction::Update,
    AuditAction::Archive,
    AuditAction::Restore,
    AuditAction::Delete,
    AuditAction::Revoke,
    AuditAction::Merge,
    AuditAction::Reassign,
    AuditAction::Link,
    AuditAction::Export,
];

fn option(value: &str, label: &str, current: Option<&str>) -> Markup {
    html! { option value=(value) selected[current.unwrap_or("") == value] { (label) } }
}

fn filters(q: &ListQuery, people: &[User]) -> Markup {
    html! {
        form.filters method="get" action="/admin/audit" data-live-search role="search" {
            div.field {
                label for="f-entity_type" { "Entity" }
                select #f-entity_type name="entity_type" {
                    (option("", "Any", q.value("entity_type")))
                    @for t in ENTITY_TYPES { (option(t, &fmt::words(t), q.value("entity_type"))) }
                }
            }
            div.field {
                label for="f-entity_id" { "Entity id" }
                input #f-entity_id type="text" name="entity_id" value=[q.value("entity_id")] size="36" autocomplete="off";
            }
            div.field {
                label for="f-actor_id" { "Who" }
                select #f-actor_id name="actor_id" {
                    (option("", "Anyone", q.value("actor_id")))
                    @for u in people { (option(&u.id.to_string(), &u.email, q.value("actor_id"))) }
                }
            }
            div.field {
                label for="f-action" { "Action" }
                select #f-action name="action" {
                    (option("", "Any", q.value("action")))
                    @for a in ACTIONS { (option(a.as_str(), a.as_str(), q.value("action"))) }
                }
            }
            div.field {
                label for="f-request_id" { "Request id" }
                input #f-request_id type="text" name="request_id" value=[q.value("request_id")] size="20" autocomplete="off";
            }
            div.field {
                label for="f-at_after" { "From (UTC, inclusive)" }
                input #f-at_after type="date" name="at_after" value=[q.value("at_after")];
            }
            div.field {
                label for="f-at_before" { "Before (UTC)" }
                input #f-at_before type="date" name="at_before" value=[q.value("at_before")];
            }
            button type="submit" { "Apply" }
        }
    }
}

/// Where a record of this type has a page.
fn entity_link(e: &AuditEntry) -> Markup {
    let Some(id) = e.entity_id else {
        return html! { "—" };
    };
    let page = match e.entity_type.as_str() {
        names::ACCOUNT => Some("/accounts/"),
        names::CONTACT => Some("/contacts/"),
        names::USER => Some("/admin/users/"),
        _ => None,
    };
    let filter = format!("/admin/audit?entity_id={id}");
    html! {
        @match page {
            Some(p) => { a href={ (p) (id) } { code { (id) } } }
            None => { code { (id) } }
        }
        " " a.muted href=(filter) title="Every entry about this record" { "history" }
    }
}

fn shown(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The fields an entry changed, before → after (all of them for a create or delete).
fn changes(e: &AuditEntry) -> Markup {
    let empty = serde_json::Map::new();
    let before = e
        .before
        .as_ref()
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let after = e
        .after
        .as_ref()
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let changed: Vec<&String> = keys
        .into_iter()
        .filter(|k| {
            !matches!(k.as_str(), "updated_at" | "version") && before.get(*k) != after.get(*k)
        })
        .collect();
    if changed.is_empty() {
        return html! {};
    }
    html! {
        details {
            summary { (changed.len()) " field" @if changed.len() != 1 { "s" } }
            dl.props {
                @for k in changed {
                    dt { (k) }
                    dd { (shown(before.get(k))) " → " (shown(after.get(k))) }
                }
            }
        }
    }
}

fn results(q: &ListQuery, rows: &[AuditEntry], next: Option<&str>, errors: &Errors) -> Markup {
    html! {
        div #results data-refresh {
            (errors.banner(&[]))
            div.table-wrap {
                table.responsive.audit {
                    caption.muted { @if rows.is_empty() { "No entries match." } @else { "Audit entries, newest first" } }
                    thead { tr {
                        th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "Action" }
                        th scope="col" { "Entity" } th scope="col" { "Id" } th scope="col" { "Changes" } th scope="col" { "Request" }
                    } }
                    tbody {
                        @for e in rows {
                            tr {
                                td { (fmt::time(e.at)) }
                                td { (e.actor_email.as_deref().unwrap_or("system")) }
                                td { (e.action) }
                                td { (fmt::words(&e.entity_type)) }
                                td { (entity_link(e)) }
                                td { (changes(e)) }
                                td { @if let Some(r) = &e.request_id { a href={ "/admin/audit?request_id=" (r) } { code { (r) } } } }
                            }
                        }
                    }
                }
            }
            (q.pager("/admin/audit", next))
        }
    }
}

/// `GET /admin/audit`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let actor = &viewer.ctx.actor;
    let (rows, next, errors) = match q.params(PAGE_SIZE) {
        Ok(params) => match audit_log::list(&app.store, actor, params).await {
            Ok(p) => (p.data, p.next_cursor, Errors::none()),
            // Not an audit reader: the store's refusal is the page.
            Err(e @ rapport_store::StoreError::Forbidden { .. }) => {
                return Err(crate::ui::errors::store_error_page(Some(&viewer), e))
            }
            Err(e) => (Vec::new(), None, Errors::from(e)),
        },
        Err(e) => (Vec::new(), None, e),
    };
    let people = user_admin::list(&app.store, actor, UserFilter::default())
        .await
        .or_page(&viewer)?;
    let body = html! {
        h1 { "Audit log" }
        (filters(&q, &people))
        (results(&q, &rows, next.as_deref(), &errors))
    };
    Ok(admin_page(
        &viewer,
        Tab::Audit,
        "Audit log",
        body,
        StatusCode::OK,
    ))
}
