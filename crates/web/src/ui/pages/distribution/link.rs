//! `GET` and `POST /distributions/link`: linking entries that carry only a legacy
//! customer name to accounts, through the store's `link` as the API calls it. The page
//! opens on a dry run (nothing changes) so an administrator sees which names would join
//! which accounts, and which accounts would be created, before confirming.

use axum::extract::State;
use maud::{html, Markup};
use rapport_store::distribution::distributions::{self, LinkSummary};

use crate::ui::errors::{OrPage, PageResult};
use crate::ui::form::{csrf, SignedForm};
use crate::ui::layout::{page, Section};
use crate::ui::session::Viewer;
use crate::AppState;

fn summary_table(s: &LinkSummary) -> Markup {
    html! {
        @if !s.accounts.is_empty() {
            div.table-wrap {
                table {
                    caption { @if s.dry_run { "What would be linked" } @else { "What was linked" } }
                    thead { tr {
                        th scope="col" { "Names in the log" } th scope="col" { "Account" }
                        th scope="col".num { "Entries" }
                    } }
                    tbody {
                        @for a in &s.accounts {
                            tr {
                                td { (a.names.join(" · ")) }
                                td {
                                    @match a.account_id {
                                        Some(id) => a href={ "/accounts/" (id) } { @if a.created { "created" } @else { "existing account" } },
                                        None => "a new account would be created",
                                    }
                                }
                                td.num { (a.entries) }
                            }
                        }
                    }
                }
            }
        }
        @if !s.skipped.is_empty() {
            h2 { "Skipped" }
            ul { @for k in &s.skipped { li { strong { (k.customer_name) } " (" (k.entries) " entries): " (k.reason) } } }
        }
    }
}

fn figures(s: &LinkSummary) -> Markup {
    html! {
        dl.figures {
            div { dt { @if s.dry_run { "Entries to link" } @else { "Entries linked" } } dd { (s.linked) } }
            div { dt { @if s.dry_run { "Accounts to create" } @else { "Accounts created" } } dd { (s.created) } }
            div { dt { "Names skipped" } dd { (s.skipped.len()) } }
        }
    }
}

/// `GET /distributions/link`: the dry run, and the button that applies it.
pub async fn show(State(app): State<AppState>, viewer: Viewer) -> PageResult {
    let dry = distributions::link(&app.store, &viewer.ctx, true, &|_| {})
        .await
        .or_page(&viewer)?;
    let body = html! {
        h1 { "Link legacy customer names" }
        p { "Entries recorded with only a customer name are matched to the account with the same company key (\"St. Mary's\" and \"ST MARYS\" are one), which is created when there is none. This is a dry run: nothing has changed yet." }
        (figures(&dry))
        (summary_table(&dry))
        @if dry.linked > 0 {
            form method="post" action="/distributions/link" data-confirm="Link these entries to their accounts now? Accounts that do not exist are created." {
                (csrf(&viewer))
                button type="submit" { "Link " (dry.linked) " entries" }
            }
        } @else {
            p.muted { "Every entry with a customer name is linked already." }
        }
        p { a href="/distributions" { "Back to the log" } }
    };
    Ok(page(
        &viewer,
        Section::Distribution,
        "Link legacy names",
        body,
    ))
}

/// `POST /distributions/link`: links for real, and shows what was done.
pub async fn submit(State(app): State<AppState>, SignedForm(viewer, _): SignedForm) -> PageResult {
    let done = distributions::link(&app.store, &viewer.ctx, false, &|_| {})
        .await
        .or_page(&viewer)?;
    let body = html! {
        h1 { "Legacy customer names linked" }
        p.alert.ok role="status" { (done.linked) " entries linked, " (done.created) " accounts created." }
        (figures(&done))
        (summary_table(&done))
        p { a href="/distributions?linked=true" { "See the linked entries" } " · " a href="/distributions/link" { "Run the dry run again" } }
    };
    Ok(page(
        &viewer,
        Section::Distribution,
        "Legacy names linked",
        body,
    ))
}
