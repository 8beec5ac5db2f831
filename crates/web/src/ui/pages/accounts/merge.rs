//! Merging duplicates: find the copies, see them side by side with the account that
//! stays, pick per field which value it keeps, then merge (the store's one merge, which
//! moves people, reps, leads, entries and activities and archives the copies).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use rapport_domain::account::Account;
use rapport_store::customers::accounts;
use rapport_store::lifecycle::merge;
use rapport_store::ListParams;
use uuid::Uuid;

use crate::ui::errors::{OrPage, PageResult};
use crate::ui::form::{csrf, Errors, SignedForm};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

/// The fields shown side by side, with how each reads.
const SHOWN: &[(&str, &str)] = &[
    ("kind", "Kind"),
    ("legal_name", "Legal name"),
    ("registration_number", "Registration"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("website", "Website"),
    ("billing_address", "Billing address"),
    ("tags", "Tags"),
    ("notes", "Notes"),
    ("legacy_id", "Legacy id"),
];

fn shown(a: &Account, field: &str) -> String {
    let value = serde_json::to_value(a).unwrap_or_default();
    match &value[field] {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::Object(o) => o
            .values()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn preview(viewer: &Viewer, survivor: &Account, copies: &[Account]) -> Markup {
    html! {
        form method="post" action={ "/accounts/" (survivor.id) "/merge?" @for c in copies { "with=" (c.id) "&" } } data-confirm="Merge these accounts? The copies are archived and everything on them moves to the account that stays." {
            (csrf(viewer))
            @for c in copies { input type="hidden" name="ids" value=(c.id); }
            div.table-wrap {
                table {
                    caption { "Pick the value the merged account keeps; unpicked fields keep the first column's." }
                    thead { tr {
                        th scope="col" { "Field" }
                        th scope="col" { (survivor.name) " (stays)" }
                        @for c in copies { th scope="col" { (c.name) " (merged in)" } }
                    } }
                    tbody {
                        @for (field, label) in SHOWN {
                            tr {
                                th scope="row" { (label) }
                                td { label { input type="radio" name={ "take." (field) } value="" checked; " " (shown(survivor, field)) } }
                                @for c in copies {
                                    @let v = shown(c, field);
                                    td { @if !v.is_empty() { label { input type="radio" name={ "take." (field) } value=(c.id); " " (v) } } }
                                }
                            }
                        }
                    }
                }
            }
            button type="submit" { "Merge " (copies.len()) " into " (survivor.name) }
        }
    }
}

async fn render(
    app: &AppState,
    viewer: &Viewer,
    id: Uuid,
    q: &ListQuery,
    errors: &Errors,
) -> PageResult {
    let actor = &viewer.ctx.actor;
    let survivor = accounts::get(&app.store, actor, id).await.or_page(viewer)?;
    let mut copies = Vec::new();
    for other in q
        .pairs
        .iter()
        .filter(|(k, _)| k == "with")
        .filter_map(|(_, v)| v.parse::<Uuid>().ok())
    {
        if other != id {
            copies.push(
                accounts::get(&app.store, actor, other)
                    .await
                    .or_page(viewer)?,
            );
        }
    }
    // Candidates: the search box's matches, else accounts with the same name words.
    let search = q
        .value("q")
        .map(str::to_owned)
        .unwrap_or_else(|| survivor.name.clone());
    let candidates = accounts::list(
        &app.store,
        actor,
        ListParams {
            limit: 20,
            q: Some(search.clone()),
            ..ListParams::default()
        },
    )
    .await
    .map(|p| p.data)
    .unwrap_or_default();
    let chosen: Vec<String> = copies.iter().map(|c| c.id.to_string()).collect();
    let body = html! {
        h1 { "Merge duplicates into " a href={ "/accounts/" (id) } { (survivor.name) } }
        (errors.banner(&[]))
        form.filters method="get" action={ "/accounts/" (id) "/merge" } {
            @for c in &chosen { input type="hidden" name="with" value=(c); }
            div.field { label for="q" { "Find copies" } input #q type="search" name="q" value=(search); }
            button type="submit" { "Search" }
        }
        ul {
            @for c in candidates.iter().filter(|c| c.id != id && !chosen.contains(&c.id.to_string())) {
                li {
                    (c.name) " · " (c.company_key) " "
                    a href={ "/accounts/" (id) "/merge?" @for ch in &chosen { "with=" (ch) "&" } "with=" (c.id) } { "Add to the merge" }
                }
            }
        }
        @if !copies.is_empty() { (preview(viewer, &survivor, &copies)) }
    };
    Ok(respond(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        shell(viewer, Section::Accounts, "Merge", body),
    ))
}

/// `GET /accounts/{id}/merge?with=…&q=…`
pub async fn show(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Uuid>,
    q: ListQuery,
) -> PageResult {
    render(&app, &viewer, id, &q, &Errors::none()).await
}

/// `POST /accounts/{id}/merge`
pub async fn submit(
    State(app): State<AppState>,
    Path(id): Path<Uuid>,
    q: ListQuery,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let ids: Vec<Uuid> = form
        .all("ids")
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    let take: Vec<(String, Uuid)> = SHOWN
        .iter()
        .filter_map(|(field, _)| {
            let source = form.text(&format!("take.{field}"))?.parse().ok()?;
            Some(((*field).to_owned(), source))
        })
        .collect();
    match merge::merge(&app.store, &viewer.ctx, id, ids, take).await {
        Ok(_) => Ok(Redirect::to(&format!("/accounts/{id}")).into_response()),
        Err(e) => render(&app, &viewer, id, &q, &Errors::from(e)).await,
    }
}
