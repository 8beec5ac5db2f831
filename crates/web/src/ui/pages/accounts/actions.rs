//! What the account pages' buttons do: archive and restore, add a person, make one
//! primary, log an activity, and the bulk actions of the list.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use rapport_domain::contact::{ContactChanges, LinkChanges};
use rapport_domain::precondition::IfMatch;
use rapport_store::customers::{accounts, links};
use serde_json::json;
use uuid::Uuid;

use super::detail::{render, ActivityErrors};
use crate::ui::errors::{store_error_page, PageResult};
use crate::ui::form::{Errors, Kind, SignedForm};
use crate::ui::layout::{page, Section};
use crate::AppState;

fn to_account(id: Uuid) -> Response {
    Redirect::to(&format!("/accounts/{id}")).into_response()
}

/// A refused form shows the account again with the errors beside the form's fields.
fn refused(mut res: Response) -> Response {
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    res
}

/// `POST /accounts/{id}/archive` and `/restore`
pub async fn archive(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, _): SignedForm,
) -> Response {
    set_archived(app, id, viewer, true).await
}

pub async fn restore(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, _): SignedForm,
) -> Response {
    set_archived(app, id, viewer, false).await
}

async fn set_archived(
    app: AppState,
    id: Uuid,
    viewer: crate::ui::session::Viewer,
    archived: bool,
) -> Response {
    match accounts::set_archived(&app.store, &viewer.ctx, id, archived, IfMatch::Any).await {
        Ok(_) => to_account(id),
        Err(e) => store_error_page(Some(&viewer), e),
    }
}

/// `POST /accounts/{id}/people`: a new person and their link, in one transaction.
pub async fn add_person(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let person = form.body(
        &[
            ("first_name", Kind::Text),
            ("last_name", Kind::Text),
            ("email", Kind::Text),
            ("phone", Kind::Text),
            ("title", Kind::Text),
        ],
        false,
    );
    let link = form.body(&[("role", Kind::Text), ("is_primary", Kind::Flag)], false);
    let read = ContactChanges::read(person, true)
        .and_then(|p| LinkChanges::read(link, false).map(|l| (p, l)))
        .map_err(Errors::from);
    let result = match read {
        Ok((person, link)) => links::add_new_person(&app.store, &viewer.ctx, id, person, link)
            .await
            .map_err(Errors::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(to_account(id)),
        Err(errors) => render(
            &app,
            &viewer,
            id,
            errors,
            ActivityErrors::none(),
            Errors::none(),
        )
        .await
        .map(refused),
    }
}

/// `POST /accounts/{id}/people/{contact_id}/primary`
pub async fn make_primary(
    State(app): State<AppState>,
    Path((id, contact_id)): Path<(Uuid, Uuid)>,
    SignedForm(viewer, _): SignedForm,
) -> PageResult {
    let changes = LinkChanges::read(json!({"is_primary": true}), false)
        .map_err(|e| crate::ui::errors::error_page(Some(&viewer), e.into()))?;
    match links::update(&app.store, &viewer.ctx, id, contact_id, changes).await {
        Ok(_) => Ok(to_account(id)),
        Err(e) => render(
            &app,
            &viewer,
            id,
            Errors::from(e),
            ActivityErrors::none(),
            Errors::none(),
        )
        .await
        .map(refused),
    }
}

/// `POST /accounts/{id}/activities`: the quick call, note and task forms.
pub async fn log_activity(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let result =
        crate::ui::pages::quick_activity::log(&app, &viewer, &form, ("account_id", id)).await;
    match result {
        Ok(_) => Ok(to_account(id)),
        Err(errors) => {
            let kind = form.text("kind").unwrap_or_default();
            render(
                &app,
                &viewer,
                id,
                Errors::none(),
                ActivityErrors { kind, errors },
                Errors::none(),
            )
            .await
            .map(refused)
        }
    }
}

/// `POST /accounts/bulk`: one action on each ticked account, each its own change (as
/// the API's one-account calls are), with a report of what was done and what was
/// refused and why.
pub async fn bulk(State(app): State<AppState>, SignedForm(viewer, form): SignedForm) -> PageResult {
    let ids: Vec<Uuid> = form
        .all("ids")
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    let action = form.text("action").unwrap_or_default();
    let tag = form.text("tag");
    let owner: Option<Uuid> = form.text("owner_id").and_then(|s| s.parse().ok());
    let mut problem = None;
    if ids.is_empty() {
        problem = Some("Tick at least one account.");
    } else if matches!(action.as_str(), "tag" | "untag") && tag.is_none() {
        problem = Some("Give the tag to add or remove.");
    } else if action == "assign" && owner.is_none() {
        problem = Some("Choose the owner to assign.");
    } else if !matches!(
        action.as_str(),
        "tag" | "untag" | "assign" | "archive" | "restore"
    ) {
        problem = Some("Choose an action.");
    }
    if let Some(p) = problem {
        let body = html! { h1 { "Nothing was changed" } p.alert.error { (p) } p { a href="/accounts" { "Back to accounts" } } };
        return Ok(refused(page(
            &viewer,
            Section::Accounts,
            "Bulk change",
            body,
        )));
    }
    let mut done = 0usize;
    let mut failed: Vec<(Option<Uuid>, String)> = Vec::new();
    for id in &ids {
        let outcome = match action.as_str() {
            "tag" => accounts::change_tags(
                &app.store,
                &viewer.ctx,
                *id,
                tag.clone().into_iter().collect(),
                Vec::new(),
            )
            .await
            .map(|_| ()),
            "untag" => accounts::change_tags(
                &app.store,
                &viewer.ctx,
                *id,
                Vec::new(),
                tag.clone().into_iter().collect(),
            )
            .await
            .map(|_| ()),
            "assign" => match rapport_domain::account::AccountChanges::read(
                json!({"owner_id": owner}),
                false,
            ) {
                Ok(ch) => accounts::update(&app.store, &viewer.ctx, *id, IfMatch::Any, ch)
                    .await
                    .map(|_| ()),
                Err(e) => Err(rapport_store::StoreError::from(e)),
            },
            "archive" => accounts::set_archived(&app.store, &viewer.ctx, *id, true, IfMatch::Any)
                .await
                .map(|_| ()),
            _ => accounts::set_archived(&app.store, &viewer.ctx, *id, false, IfMatch::Any)
                .await
                .map(|_| ()),
        };
        match outcome {
            Ok(()) => done += 1,
            // Not found is not told apart from not yours, and the id is not echoed back.
            Err(rapport_store::StoreError::NotFound { .. }) => {
                failed.push((None, "no account you can see has this id".into()))
            }
            Err(e) => failed.push((Some(*id), crate::problem::Problem::from(e).detail)),
        }
    }
    if failed.is_empty() {
        return Ok(Redirect::to("/accounts").into_response());
    }
    let body = html! {
        h1 { "Bulk change" }
        p.alert.ok { (done) " of " (ids.len()) " accounts changed." }
        div.alert.error role="alert" {
            p { (failed.len()) " refused:" }
            ul { @for (id, why) in &failed { li { @if let Some(id) = id { a href={ "/accounts/" (id) } { (id) } ": " } (why) } } }
        }
        p { a href="/accounts" { "Back to accounts" } }
    };
    Ok(refused(page(
        &viewer,
        Section::Accounts,
        "Bulk change",
        body,
    )))
}
