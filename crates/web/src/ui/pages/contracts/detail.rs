//! `GET /contracts/{id}`: the contract (exact value, parties, dates, billing), its status
//! with the form that ends it, its timeline (notes, tasks and every status change), the
//! order it came from, and its renewal chain (`chain::chain`); `POST /contracts/{id}/status` sends the
//! form through `history::change_status` and `POST /contracts/{id}/renew` calls
//! `renew::renew`, as the API's routes do.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use rapport_domain::contract::{Contract, ContractStatus, Renewal, StatusMove};
use rapport_store::auth::users;
use rapport_store::contracts::{chain, contracts, history, renew};
use rapport_store::policy;
use rapport_store::timeline::merged::{self as timeline, Subject};
use rapport_store::ListParams;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::super::accounts::list::names;
use super::super::leads::parts::account_names;
use super::super::timeline::{record_card, ActivityErrors};
use super::list::{account_link, badge, named_accounts};
use crate::problem::Problem;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field, select, Errors, SignedForm};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::session::Viewer;
use crate::AppState;

/// The most timeline entries (notes, tasks and status changes) the page shows.
const TIMELINE_ROWS: usize = 200;

/// The form that ends an active contract, for the roles that may.
fn status_form(viewer: &Viewer, k: &Contract, errors: &Errors) -> Markup {
    let options: Vec<(String, String)> = ContractStatus::BY_HAND
        .iter()
        .map(|s| (s.as_str().to_owned(), fmt::words(s.as_str())))
        .collect();
    html! {
        form method="post" action={ "/contracts/" (k.id) "/status" } {
            (csrf(viewer))
            input type="hidden" name="version" value=(k.version);
            (select("End it as", "status", &options, None, errors))
            (field("Reason (optional)", "reason", None, "text", errors))
            button type="submit" { "Change status" }
        }
    }
}

fn chain_list(chain: &[Contract], current: Uuid) -> Markup {
    html! {
        ol.chain #chain {
            @for k in chain {
                li {
                    @if k.id == current { strong aria-current="true" { (k.contract_number) } }
                    @else { a href={ "/contracts/" (k.id) } { (k.contract_number) } }
                    " · " (fmt::date(k.activation_date)) " → " (fmt::date(k.expiration_date)) " · " (badge(k.status))
                }
            }
        }
    }
}

fn details(
    k: &Contract,
    accounts: &HashMap<Uuid, String>,
    people: &HashMap<Uuid, String>,
) -> Markup {
    html! {
        section.card {
            h2 { "Details" }
            dl.props {
                dt { "Value" } dd.num #value { (fmt::money(k.total_value, &k.currency)) }
                dt { "Account" } dd { (account_link(k.account_id, accounts)) }
                dt { "Partner" } dd { (account_link(k.partner_id, accounts)) }
                dt { "Distributor" } dd { (account_link(k.distributor_id, accounts)) }
                dt { "Activated" } dd { (fmt::date(k.activation_date)) }
                dt { "Expires" } dd #expires { (fmt::date(k.expiration_date)) }
                dt { "Order" } dd {
                    @if let Some(o) = k.order_id { a href={ "/orders/" (o) } #order-link { "The order it came from" } } @else { "Made by hand" }
                }
                dt { "Owner" } dd { (k.owner_id.and_then(|o| people.get(&o).cloned()).unwrap_or_else(|| "—".to_owned())) }
                @if let Some(v) = &k.billing_provider { dt { "Billing provider" } dd { (v) } }
                @if let Some(v) = &k.billing_customer_id { dt { "Billing customer" } dd { (v) } }
                @if !k.billing_invoices.is_empty() { dt { "Invoices" } dd { (k.billing_invoices.join(", ")) } }
                @if let Some(t) = k.cancelled_at { dt { "Cancelled" } dd { (fmt::time(t)) } }
                @if let Some(v) = &k.legacy_id { dt { "Legacy id" } dd { (v) } }
                @if let Some(v) = &k.notes_internal { dt { "Internal notes" } dd { (v) } }
                dt { "Created" } dd { (fmt::time(k.created_at)) }
            }
        }
    }
}

/// The renew button: for an active or expired contract that came from an order and has
/// no renewal yet, to the roles that renew. A refusal (a renewal under way) comes back
/// in the status card.
fn renew_button(viewer: &Viewer, k: &Contract, chain: &[Contract]) -> Markup {
    let renewed = chain.iter().any(|c| c.renewed_from_id == Some(k.id));
    let open = matches!(k.status, ContractStatus::Active | ContractStatus::Expired);
    let may = policy::require_contract_renewal(&viewer.ctx.actor).is_ok();
    html! {
        @if open && !renewed && may && k.order_id.is_some() {
            form.inline method="post" action={ "/contracts/" (k.id) "/renew" }
                data-confirm="Create a renewal order for this contract, with its lines priced again?" {
                (csrf(viewer))
                button type="submit" { "Renew" }
            }
        }
    }
}

/// The whole page; `status_errors` come back from a refused status form.
pub async fn render(
    app: &AppState,
    viewer: &Viewer,
    id: Uuid,
    status_errors: Errors,
    activity_errors: ActivityErrors,
    status: StatusCode,
) -> PageResult {
    let actor = &viewer.ctx.actor;
    let k = contracts::get(&app.store, actor, id)
        .await
        .or_page(viewer)?;
    let entries = timeline::page(
        &app.store,
        actor,
        Subject::Contract(id),
        ListParams {
            limit: TIMELINE_ROWS,
            ..ListParams::default()
        },
    )
    .await
    .or_page(viewer)?;
    let chain = chain::chain(&app.store, actor, id).await.or_page(viewer)?;
    let people = names(&users::colleagues(&app.store, actor).await.or_page(viewer)?);
    let mut ids = named_accounts([&k]);
    ids.extend(k.distributor_id);
    let accounts = account_names(app, viewer, ids).await?;
    let may_move =
        k.status == ContractStatus::Active && policy::require_contract_status_change(actor).is_ok();
    let title = format!("Contract {}", k.contract_number);
    let body = html! {
        div.page-head {
            h1 { (title) " " (badge(k.status)) }
            div.actions {
                a.button.secondary href="/contracts" { "All contracts" }
                (renew_button(viewer, &k, &chain))
            }
        }
        div.split {
            div {
                section.card #status {
                    h2 { "Status" }
                    (status_errors.banner(&["status", "reason"]))
                    p { "Now " strong { (fmt::words(k.status.as_str())) }
                        @if k.status == ContractStatus::Active { " until " (fmt::date(k.expiration_date)) "; the daily expiry marks it expired the day after." } }
                    @if may_move { (status_form(viewer, &k, &status_errors)) }
                }
                (record_card(viewer, &format!("/contracts/{id}/activities"), &entries.data, &people, &activity_errors))
                section.card {
                    h2 { "Renewal chain" }
                    @if chain.len() < 2 { p.muted { "Not renewed, and no renewal of another contract." } }
                    (chain_list(&chain, k.id))
                }
            }
            div { (details(&k, &accounts, &people)) }
        }
    };
    Ok(respond(
        status,
        shell(viewer, Section::Contracts, &title, body),
    ))
}

/// `GET /contracts/{id}`
pub async fn show(State(app): State<AppState>, Path(id): Path<Uuid>, viewer: Viewer) -> PageResult {
    let none = ActivityErrors::none();
    render(&app, &viewer, id, Errors::none(), none, StatusCode::OK).await
}

/// `POST /contracts/{id}/status`: the status form, read by the API's reader.
pub async fn change_status(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let mut body = Map::new();
    for name in ["status", "reason"] {
        if let Some(v) = form.text(name) {
            body.insert(name.to_owned(), Value::String(v));
        }
    }
    let outcome = match StatusMove::read(json!(body)) {
        Ok(change) => history::change_status(&app.store, &viewer.ctx, id, form.if_match(), change)
            .await
            .map_err(Problem::from),
        Err(e) => Err(Problem::from(e)),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/contracts/{id}")).into_response()),
        Err(problem) => {
            let status = problem.status;
            let none = ActivityErrors::none();
            render(&app, &viewer, id, Errors::from(problem), none, status).await
        }
    }
}

/// `POST /contracts/{id}/renew`: the renewal order, through `renew::renew` as the API's
/// route; the browser goes to the new order.
pub async fn renew(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, _): SignedForm,
) -> PageResult {
    match renew::renew(&app.store, &viewer.ctx, id, Renewal::default()).await {
        Ok(order) => Ok(Redirect::to(&format!("/orders/{}", order.id)).into_response()),
        Err(e) => {
            let problem = Problem::from(e);
            let status = problem.status;
            let none = ActivityErrors::none();
            render(&app, &viewer, id, Errors::from(problem), none, status).await
        }
    }
}

/// `POST /contracts/{id}/activities`: the timeline card's note and task forms.
pub async fn log_activity(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let link = ("contract_id", id);
    match crate::ui::pages::quick_activity::log_from(&app, &viewer, &form, link).await {
        Ok(()) => Ok(Redirect::to(&format!("/contracts/{id}")).into_response()),
        Err(refused) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&app, &viewer, id, Errors::none(), refused, status).await
        }
    }
}
