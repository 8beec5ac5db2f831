//! `GET /orders/{id}`: the order's state (its badge, the moves the state table allows
//! as buttons, and for administrators of a final order the reopen form), its lines with
//! their totals, its people by role, its fields and its timeline (comments, tasks and
//! every move) — all read through the store calls of the API's order routes.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use maud::{html, Markup};
use rapport_domain::order::Order;
use rapport_domain::Role;
use rapport_store::auth::users;
use rapport_store::customers::contacts;
use rapport_store::orders;
use rapport_store::orders::choices::{self, Choices};
use rapport_store::policy::{self, Action};
use rapport_store::timeline::merged::{self as timeline, Subject};
use rapport_store::{ListParams, StoreError};
use uuid::Uuid;

use super::super::accounts::list::names;
use super::super::leads::parts::account_names;
use super::super::timeline::{record_card, ActivityErrors};
use super::parts::{badge, money, state_badge, type_name};
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field_for, Errors};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::session::Viewer;
use crate::AppState;

/// The most timeline entries (comments, tasks and moves) the page shows.
const TIMELINE_ROWS: usize = 200;

fn who(id: Option<Uuid>, people: &HashMap<Uuid, String>) -> String {
    id.and_then(|u| people.get(&u).cloned())
        .unwrap_or_else(|| "—".to_owned())
}

fn state_card(viewer: &Viewer, o: &Order, choices: &Choices, errors: &Errors) -> Markup {
    let current = choices.state(o.state_id);
    let frozen = current.is_some_and(|s| s.is_final);
    let moves = choices.moves_from(o.state_id);
    let may_move = viewer.user.role != Role::Viewer;
    let back_to: Vec<_> = choices
        .states
        .iter()
        .filter(|s| s.active && !s.is_final)
        .collect();
    html! {
        section.card #state {
            h2 { "State" }
            (errors.banner(&[]))
            p { "Now " (state_badge(choices, o.state_id)) }
            @if frozen {
                p.muted { "A final state: the order, its lines and its state are frozen until an administrator reopens it." }
                @if viewer.is_admin() {
                    form.reopen method="post" action={ "/orders/" (o.id) "/reopen" } {
                        (csrf(viewer))
                        input type="hidden" name="version" value=(o.version);
                        div.field {
                            label for="f-reopen-to" { "Back to" }
                            select #f-reopen-to name="to" {
                                option value="" { "Where it was before" }
                                @for s in back_to { option value=(s.key) { (s.name) } }
                            }
                        }
                        (field_for("reopen", "Reason (required)", "reason", None, "text", errors))
                        button type="submit" { "Reopen" }
                    }
                }
            } @else if may_move && !moves.is_empty() {
                form.moves method="post" action={ "/orders/" (o.id) "/move" } {
                    (csrf(viewer))
                    input type="hidden" name="version" value=(o.version);
                    (field_for("move", "Reason (optional)", "reason", None, "text", errors))
                    div.actions {
                        @for s in &moves {
                            button type="submit" name="to" value=(s.key) { "Move to " (badge(s)) }
                        }
                    }
                }
            } @else if moves.is_empty() {
                p.muted { "The state table allows no move from here." }
            }
        }
    }
}

fn lines(o: &Order) -> Markup {
    html! {
        section.card #lines {
            h2 { "Lines" }
            div.table-wrap {
                table.responsive {
                    caption.muted { @if o.items.is_empty() { "No lines." } @else { "Priced lines, in " (o.currency) } }
                    thead { tr {
                        th scope="col" { "Product" } th scope="col" { "Duration" } th scope="col" { "Quantity" }
                        th scope="col" { "Unit price" } th scope="col" { "Subtotal" } th scope="col" { "Discount" }
                        th scope="col" { "Total" }
                    } }
                    tbody {
                        @for i in &o.items {
                            tr {
                                td {
                                    @if let Some(p) = i.product_id { a href={ "/products/" (p) "/edit" } { (i.product_name) } } @else { (i.product_name) }
                                    @if let Some(sku) = &i.product_sku { " " span.muted { (sku) } }
                                    @if i.price_overridden { " " span.badge { "price set by hand" } }
                                }
                                td { @if let Some(m) = i.duration_months { (m) " months" } @else { "—" } }
                                td.num { (i.quantity) @if let Some(u) = &i.product_unit { " " (u) } }
                                td.num { (money(o, i.unit_price)) @if let Some(p) = i.period { " / " (p.as_str()) } }
                                td.num { (money(o, i.subtotal)) }
                                td.num { (money(o, i.discount_amount)) @if !i.discount_percentage.is_zero() { " (" (i.discount_percentage) "%)" } }
                                td.num { (money(o, i.total)) }
                            }
                        }
                    }
                }
            }
            dl.figures.totals {
                div { dt { "Subtotal" } dd.num { (money(o, o.subtotal)) } }
                div { dt { "Discount" } dd.num { (money(o, o.discount_amount)) } }
                div { dt { "Tax (" (o.tax_rate) "%)" } dd.num { (money(o, o.tax_amount)) } }
                div { dt { "Total" } dd.num #order-total { (money(o, o.total)) } }
            }
        }
    }
}

fn details(
    viewer: &Viewer,
    o: &Order,
    choices: &Choices,
    staff: &HashMap<Uuid, String>,
    accounts: &HashMap<Uuid, String>,
    people: &HashMap<Uuid, String>,
) -> Markup {
    let account = |id: Option<Uuid>| -> Markup {
        html! {
            @match id.and_then(|a| accounts.get(&a).map(|n| (a, n))) {
                Some((a, n)) => a href={ "/accounts/" (a) } { (n) },
                None => "—",
            }
        }
    };
    let stamps = [
        ("Sent", o.sent_at),
        ("Fulfilled", o.fulfilled_at),
        ("Completed", o.completed_at),
        ("Cancelled", o.cancelled_at),
    ];
    html! {
        section.card #people {
            h2 { "People" }
            @if o.people.is_empty() { p.muted { "Nobody." } }
            dl.props {
                @for p in &o.people {
                    dt { (fmt::words(&p.role)) }
                    dd { @match people.get(&p.contact_id) {
                        Some(n) => a href={ "/contacts/" (p.contact_id) } { (n) },
                        None => "—",
                    } }
                }
            }
        }
        section.card #details {
            h2 { "Details" }
            dl.props {
                dt { "Type" } dd { (type_name(choices, o)) }
                dt { "Account" } dd { (account(o.account_id)) }
                @if o.partner_id.is_some() { dt { "Partner" } dd { (account(o.partner_id)) } }
                @if o.distributor_id.is_some() { dt { "Distributor" } dd { (account(o.distributor_id)) } }
                dt { "Owner" } dd { (who(o.owner_id, staff)) }
                dt { "Priority" } dd { (o.priority.as_str()) }
                @if let Some(d) = &o.description { dt { "Description" } dd { (d) } }
                @if let (Some(n), true) = (&o.notes_internal, viewer.is_internal()) { dt { "Internal notes" } dd { (n) } }
                @if !o.data.is_empty() {
                    dt { "Data" }
                    dd { pre { (serde_json::to_string_pretty(&o.data).unwrap_or_default()) } }
                }
                @for (label, t) in stamps { @if let Some(t) = t { dt { (label) } dd { (fmt::time(t)) } } }
                @if let Some(v) = &o.legacy_id { dt { "Legacy id" } dd { (v) } }
                dt { "Created" } dd { (fmt::time(o.created_at)) }
            }
        }
    }
}

/// The names of the order's people the viewer may see.
async fn people_names(
    app: &AppState,
    viewer: &Viewer,
    o: &Order,
) -> Result<HashMap<Uuid, String>, axum::response::Response> {
    let mut names = HashMap::new();
    for p in &o.people {
        match contacts::get(&app.store, &viewer.ctx.actor, p.contact_id).await {
            Ok(c) => {
                names.insert(p.contact_id, c.full_name);
            }
            Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e).or_page(viewer),
        }
    }
    Ok(names)
}

/// What a refused form brings back to the order's page, each shown beside its form.
#[derive(Default)]
pub struct Refused {
    /// A move, a reopen or a delete.
    pub state: Errors,
    /// A comment or a timeline task.
    pub activity: ActivityErrors,
    /// A project or a task of the lab.
    pub work: Errors,
    /// A message, an instruction or an approval.
    pub talk: Errors,
}

/// The order's page after one of its card forms: back to it when `outcome` is done,
/// else the page again (422) with the errors on the card `refused` puts them in.
pub async fn back_to_order(
    app: &AppState,
    viewer: &Viewer,
    order: Uuid,
    outcome: Result<(), Errors>,
    refused: impl FnOnce(Errors) -> Refused,
) -> PageResult {
    match outcome {
        Ok(()) => {
            use axum::response::IntoResponse as _;
            Ok(axum::response::Redirect::to(&format!("/orders/{order}")).into_response())
        }
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(app, viewer, order, refused(errors), status).await
        }
    }
}

/// The whole page, with a refused form's errors beside it.
pub async fn render(
    app: &AppState,
    viewer: &Viewer,
    id: Uuid,
    refused: Refused,
    status: StatusCode,
) -> PageResult {
    let Refused {
        state: errors,
        activity: activity_errors,
        work: work_errors,
        talk: talk_errors,
    } = refused;
    let actor = &viewer.ctx.actor;
    let o = orders::get(&app.store, actor, id).await.or_page(viewer)?;
    let params = ListParams {
        limit: TIMELINE_ROWS,
        ..ListParams::default()
    };
    let entries = timeline::page(&app.store, actor, Subject::Order(id), params)
        .await
        .or_page(viewer)?;
    let choices = choices::choices(&app.store).await.or_page(viewer)?;
    let staff = names(&users::colleagues(&app.store, actor).await.or_page(viewer)?);
    let ids: Vec<Uuid> = [o.account_id, o.partner_id, o.distributor_id]
        .into_iter()
        .flatten()
        .collect();
    let accounts = account_names(app, viewer, ids).await?;
    let people = people_names(app, viewer, &o).await?;
    let work = super::work::read(app, viewer, id).await?;
    let talk = super::talk::read(app, viewer, id).await?;
    let title = format!("Order {}", o.order_number);
    // The store decides again on submit; these only spare buttons that would be refused.
    let frozen = choices.state(o.state_id).is_some_and(|s| s.is_final);
    let may_edit = !frozen && policy::require_order_action(actor, Action::Update).is_ok();
    let may_delete = policy::require_order_action(actor, Action::Delete).is_ok();
    let body = html! {
        div.page-head {
            h1 { (title) " " (state_badge(&choices, o.state_id)) }
            div.actions {
                a.button.secondary href="/orders" { "All orders" }
                @if may_edit { a.button.secondary href={ "/orders/" (id) "/edit" } { "Edit" } }
                @if may_delete {
                    form.inline method="post" action={ "/orders/" (id) "/delete" }
                        data-confirm="Delete this order for good, with its lines, people, history and comments?" {
                        (csrf(viewer))
                        input type="hidden" name="version" value=(o.version);
                        button.secondary type="submit" { "Delete" }
                    }
                }
            }
        }
        div.split {
            div {
                (lines(&o))
                (super::work::card(viewer, id, &work, &staff, &work_errors))
                (super::talk::card(viewer, id, &talk, &choices.states, &staff, &talk_errors))
                (record_card(viewer, &format!("/orders/{id}/activities"), &entries.data, &staff, &activity_errors))
            }
            div {
                (state_card(viewer, &o, &choices, &errors))
                (details(viewer, &o, &choices, &staff, &accounts, &people))
            }
        }
    };
    Ok(respond(
        status,
        shell(viewer, Section::Orders, &title, body),
    ))
}

/// `GET /orders/{id}`
pub async fn show(State(app): State<AppState>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    render(&app, &viewer, id, Refused::default(), StatusCode::OK).await
}
