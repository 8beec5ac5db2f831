//! `GET /durations`: every duration by months (the store's list, keyset pages), a form
//! to add one (read by the API's reader, errors beside the fields), and delete buttons
//! carrying the version each row was read at.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use rapport_domain::duration::{DurationChanges, SubscriptionDuration};
use rapport_store::catalog::durations;
use rapport_store::policy::{self, Action};
use uuid::Uuid;

use super::edit::{fields, FIELDS, SHOWN};
use crate::problem::Problem;
use crate::ui::errors::PageResult;
use crate::ui::form::{csrf, Errors, Form, SignedForm};
use crate::ui::layout::{heading, respond, shell, Section};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

const PAGE_SIZE: usize = 100;

fn rows(
    viewer: &Viewer,
    list: &[SubscriptionDuration],
    may_change: bool,
    may_delete: bool,
) -> Markup {
    html! {
        div.table-wrap {
            table.responsive {
                caption.muted { @if list.is_empty() { "No durations yet." } @else { "Durations, by months" } }
                thead { tr {
                    th scope="col" class="num" { "Months" } th scope="col" { "Name" }
                    th scope="col" class="num" { "Discount" } th scope="col" { "State" }
                    @if may_change { th scope="col" { "Actions" } }
                } }
                tbody {
                    @for d in list {
                        tr #{ "duration-" (d.id) } {
                            td.num { (d.months) }
                            td { (d.name) }
                            td.num { (d.discount_percentage) " %" }
                            td { @if d.active { span.badge.primary { "active" } } @else { span.badge { "inactive" } } }
                            @if may_change {
                                td {
                                    a href={ "/durations/" (d.id) "/edit" } aria-label={ "Edit " (d.name) } { "Edit" } " "
                                    @if may_delete {
                                        form.inline method="post" action={ "/durations/" (d.id) "/delete" }
                                            data-confirm={ "Delete the duration " (d.name) "? Orders that name it keep their months." } {
                                            (csrf(viewer))
                                            input type="hidden" name="version" value=(d.version);
                                            button.danger type="submit" aria-label={ "Delete " (d.name) } { "Delete" }
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
}

/// The page, with a refused form or action's errors.
async fn render(
    app: &AppState,
    viewer: &Viewer,
    q: &ListQuery,
    sent: Option<&Form>,
    errors: &Errors,
    status: StatusCode,
) -> PageResult {
    let actor = &viewer.ctx.actor;
    let (list, next, list_errors) = match q.params(PAGE_SIZE) {
        Ok(params) => match durations::list(&app.store, actor, params).await {
            Ok(p) => (p.data, p.next_cursor, Errors::none()),
            Err(e) => (Vec::new(), None, Errors::from(e)),
        },
        Err(e) => (Vec::new(), None, e),
    };
    let may_create = policy::require_product_action(actor, Action::Create).is_ok();
    let may_change = policy::require_product_action(actor, Action::Update).is_ok();
    let may_delete = policy::require_product_action(actor, Action::Delete).is_ok();
    let body = html! {
        (heading("Durations", html! { a.button.secondary href="/products" { "Products" } }))
        p.muted {
            "A duration's months choose a product's price ladder (whole years the yearly prices, "
            "when it has them) and count its periods; its discount comes off the line's subtotal. "
            "Deleting one leaves the orders that name it with their months."
        }
        (list_errors.banner(&[]))
        // Errors of a delete, or of a create by a role the form is not offered to.
        @if sent.is_none() || !may_create { (errors.banner(&[])) }
        div #results data-refresh {
            (rows(viewer, &list, may_change, may_delete))
            (q.pager("/durations", next.as_deref()))
        }
        @if may_create {
            section.card #new-duration {
                h2 { "New duration" }
                @if sent.is_some() { (errors.banner(&SHOWN)) }
                form method="post" action="/durations" {
                    (csrf(viewer))
                    (fields(None, sent, errors))
                    button type="submit" { "Add duration" }
                }
            }
        }
    };
    Ok(respond(
        status,
        shell(viewer, Section::Products, "Durations", body),
    ))
}

/// `GET /durations`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    render(&app, &viewer, &q, None, &Errors::none(), StatusCode::OK).await
}

/// `POST /durations`
pub async fn create(
    State(app): State<AppState>,
    q: ListQuery,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let outcome = match DurationChanges::read(form.body(FIELDS, false), true) {
        Ok(changes) => durations::create(&app.store, &viewer.ctx, changes)
            .await
            .map_err(Problem::from),
        Err(e) => Err(Problem::from(e)),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to("/durations").into_response()),
        Err(problem) => {
            let status = problem.status;
            let errors = Errors::from(problem);
            render(&app, &viewer, &q, Some(&form), &errors, status).await
        }
    }
}

/// `POST /durations/{id}/delete`: at the version the row was read at.
pub async fn delete(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    q: ListQuery,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    match durations::delete(&app.store, &viewer.ctx, id, form.if_match()).await {
        Ok(()) => Ok(Redirect::to("/durations").into_response()),
        Err(e) => {
            let problem = Problem::from(e);
            let status = problem.status;
            render(&app, &viewer, &q, None, &Errors::from(problem), status).await
        }
    }
}
