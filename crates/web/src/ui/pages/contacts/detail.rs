//! `GET /contacts/{id}`: one person's fields and the accounts they are linked to (those
//! the viewer may see, as `links::for_contact` decides), with each link's role and
//! whether the person is that account's primary contact and this their primary account.

use axum::extract::{Path, State};
use maud::{html, Markup};
use rapport_domain::account::Address;
use rapport_domain::contact::Contact;
use rapport_store::customers::contacts;
use rapport_store::customers::links::{self, PersonAccount};
use uuid::Uuid;

use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::layout::{page, Section};
use crate::ui::session::Viewer;
use crate::AppState;

fn address(a: &Address) -> Markup {
    html! {
        address.plain {
            @for line in [&a.street, &a.street2].into_iter().flatten() { (line) br; }
            @for part in [&a.postal_code, &a.city].into_iter().flatten() { (part) " " } br;
            @for part in [&a.region, &a.country].into_iter().flatten() { (part) " " }
        }
    }
}

fn details(c: &Contact) -> Markup {
    html! {
        section.card {
            h2 { "Details" }
            dl.props {
                dt { "Kind" } dd { (fmt::words(c.kind.as_str())) }
                @if let Some(v) = &c.title { dt { "Title" } dd { (v) } }
                @if let Some(v) = &c.email { dt { "Email" } dd { a href={ "mailto:" (v) } { (v) } } }
                @if let Some(v) = &c.phone { dt { "Phone" } dd { a href={ "tel:" (v) } { (v) } } }
                @if let Some(v) = c.date_of_birth { dt { "Date of birth" } dd { (fmt::date(v)) } }
                @if let Some(v) = &c.gender { dt { "Gender" } dd { (v) } }
                @if let Some(v) = &c.legacy_id { dt { "Legacy id" } dd { (v) } }
                dt { "Changed" } dd { (fmt::time(c.updated_at)) }
            }
            @if let Some(a) = &c.address { h3 { "Address" } (address(a)) }
        }
    }
}

fn accounts(rows: &[PersonAccount]) -> Markup {
    html! {
        section.card #accounts {
            h2 { "Accounts" }
            @if rows.is_empty() { p.muted { "Not linked to any account you can see." } }
            @else {
                div.table-wrap {
                    table.responsive {
                        thead { tr {
                            th scope="col" { "Account" } th scope="col" { "Role" }
                            th scope="col" { "Primary" } th scope="col" { "Since" } th scope="col" { "State" }
                        } }
                        tbody {
                            @for a in rows {
                                tr {
                                    td {
                                        a href={ "/accounts/" (a.link.account_id) } { (a.account_name) }
                                        " " span.muted { (fmt::words(&a.account_kind)) }
                                        @if a.account_archived { " " span.badge.archived { "archived" } }
                                    }
                                    td { (a.link.role.as_deref().unwrap_or("—")) }
                                    td {
                                        @if a.link.is_primary { span.badge.primary { "primary contact" } " " }
                                        @if a.link.is_primary_account { span.badge.primary { "primary account" } }
                                    }
                                    td { @if let Some(d) = a.link.start_date { (fmt::date(d)) } }
                                    td {
                                        @if a.link.active { "active" } @else { span.badge { "inactive" } }
                                        @if let Some(d) = a.link.end_date { " · until " (fmt::date(d)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /contacts/{id}`
pub async fn show(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    let actor = &viewer.ctx.actor;
    let contact = contacts::get(&app.store, actor, id)
        .await
        .or_page(&viewer)?;
    let linked = links::for_contact(&app.store, actor, id)
        .await
        .or_page(&viewer)?;
    let body = html! {
        div.page-head {
            h1 {
                (contact.full_name)
                @if !contact.active { " " span.badge { "inactive" } }
            }
            div.actions { a.button.secondary href={ "/contacts/" (id) "/edit" } { "Edit" } }
        }
        div.split {
            (accounts(&linked))
            (details(&contact))
        }
    };
    Ok(page(&viewer, Section::Contacts, &contact.full_name, body))
}
