//! The order page's "Work" card (the lab, docs/lab.md): the order's projects with their
//! tasks, a button to tick a task off (for its assignee or the lab's staff), and forms
//! to add a project or a task. Every action is the store call of the API's route, and a
//! refusal comes back on the order's page.

use std::collections::HashMap;

use axum::extract::{Path, State};
use maud::{html, Markup};
use rapport_domain::project::{Project, ProjectChanges, Task, TaskChanges, TaskStatus};
use rapport_store::lab::{projects, tasks};
use rapport_store::policy::{self, Action};
use rapport_store::ListParams;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::detail;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, field_for, Errors, Form, SignedForm};
use crate::ui::session::Viewer;
use crate::AppState;

/// Most projects, and tasks, the card shows; an order rarely has more than a handful.
const ROWS: usize = 100;

/// The order's projects and all their tasks, by project.
pub async fn read(
    app: &AppState,
    viewer: &Viewer,
    order: Uuid,
) -> Result<Vec<(Project, Vec<Task>)>, axum::response::Response> {
    let actor = &viewer.ctx.actor;
    let of_order = |sort: &str| ListParams {
        limit: ROWS,
        sort: Some(sort.into()),
        filters: vec![("order_id".into(), order.to_string())],
        ..ListParams::default()
    };
    let list = projects::list(&app.store, actor, of_order("created_at"))
        .await
        .or_page(viewer)?;
    let all = tasks::list(&app.store, actor, of_order("created_at"))
        .await
        .or_page(viewer)?;
    let mut by_project: HashMap<Uuid, Vec<Task>> = HashMap::new();
    for t in all.data {
        by_project.entry(t.project_id).or_default().push(t);
    }
    Ok(list
        .data
        .into_iter()
        .map(|p| {
            let tasks = by_project.remove(&p.id).unwrap_or_default();
            (p, tasks)
        })
        .collect())
}

fn task_row(viewer: &Viewer, t: &Task, people: &HashMap<Uuid, String>) -> Markup {
    let actor = &viewer.ctx.actor;
    // The store decides again on submit; this only spares a button that would be refused.
    let may_tick =
        t.status.is_open() && policy::may_change_task(actor, t.assignee_id, true).is_ok();
    html! {
        li data-task-status=(t.status.as_str()) {
            @if t.status == TaskStatus::Completed { s { (t.title) } } @else { (t.title) }
            " · " (fmt::words(t.status.as_str()))
            @if let Some(who) = t.assignee_id.and_then(|a| people.get(&a)) { " · " (who) }
            @if let Some(due) = t.due_at { " · due " (fmt::time(due)) }
            @if may_tick {
                form.inline method="post" action={ "/tasks/" (t.id) "/done" } {
                    (csrf(viewer))
                    input type="hidden" name="version" value=(t.version);
                    " " button.link type="submit" { "Done" }
                }
            }
        }
    }
}

/// The card; `errors` come back from a refused project or task form.
pub fn card(
    viewer: &Viewer,
    order: Uuid,
    work: &[(Project, Vec<Task>)],
    people: &HashMap<Uuid, String>,
    errors: &Errors,
) -> Markup {
    let may_plan =
        policy::require_lab_action(&viewer.ctx.actor, Action::Create, "projects").is_ok();
    let assignees: Vec<(String, String)> =
        std::iter::once((String::new(), "Nobody yet".to_owned()))
            .chain(
                people
                    .iter()
                    .map(|(id, name)| (id.to_string(), name.clone())),
            )
            .collect();
    html! {
        section.card #work {
            h2 { "Work" }
            (errors.banner(&["name", "title", "assignee_id", "project_id"]))
            @if work.is_empty() { p.muted { "No project yet." } }
            @for (p, tasks) in work {
                div.project data-project-status=(p.status.as_str()) {
                    h3 { (p.project_number) " · " (p.name) " " span.badge { (fmt::words(p.status.as_str())) } }
                    @if tasks.is_empty() { p.muted { "No tasks." } }
                    ul.timeline { @for t in tasks { (task_row(viewer, t, people)) } }
                    @if may_plan {
                        form.inline method="post" action={ "/projects/" (p.id) "/tasks" } {
                            (csrf(viewer))
                            (field_for(&format!("task-{}", p.id), "New task", "title", None, "text", errors))
                            div.field {
                                label for={ "f-assignee-" (p.id) } { "Assignee" }
                                select id={ "f-assignee-" (p.id) } name="assignee_id" {
                                    @for (v, l) in &assignees { option value=(v) { (l) } }
                                }
                            }
                            button type="submit" { "Add task" }
                        }
                    }
                }
            }
            @if may_plan {
                form method="post" action={ "/orders/" (order) "/projects" } {
                    (csrf(viewer))
                    (field_for("project", "New project", "name", None, "text", errors))
                    button type="submit" { "Add project" }
                }
            }
        }
    }
}

fn body_of(form: &Form, names: &[&str]) -> Value {
    let mut obj = Map::new();
    for name in names {
        if let Some(v) = form.text(name) {
            obj.insert((*name).to_owned(), Value::String(v));
        }
    }
    Value::Object(obj)
}

async fn back(
    app: &AppState,
    viewer: &Viewer,
    order: Uuid,
    outcome: Result<(), Errors>,
) -> PageResult {
    let on_card = |errors| detail::Refused {
        work: errors,
        ..detail::Refused::default()
    };
    detail::back_to_order(app, viewer, order, outcome, on_card).await
}

/// `POST /orders/{id}/projects`
pub async fn add_project(
    State(app): State<AppState>,
    Path(order): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let mut body = body_of(&form, &["name"]);
    body["order_id"] = json!(order);
    let outcome = match ProjectChanges::read(body, true) {
        Ok(changes) => projects::create(&app.store, &viewer.ctx, changes)
            .await
            .map(drop)
            .map_err(Errors::from),
        Err(e) => Err(Errors::from(e)),
    };
    back(&app, &viewer, order, outcome).await
}

/// `POST /projects/{id}/tasks`
pub async fn add_task(
    State(app): State<AppState>,
    Path(project): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let p = projects::get(&app.store, &viewer.ctx.actor, project)
        .await
        .or_page(&viewer)?;
    let mut body = body_of(&form, &["title", "assignee_id"]);
    body["project_id"] = json!(project);
    let outcome = match TaskChanges::read(body, true) {
        Ok(changes) => tasks::create(&app.store, &viewer.ctx, changes)
            .await
            .map(drop)
            .map_err(Errors::from),
        Err(e) => Err(Errors::from(e)),
    };
    back(&app, &viewer, p.order_id, outcome).await
}

/// `POST /tasks/{id}/done`: ticks a task off, at the version the page was read at.
pub async fn done(
    State(app): State<AppState>,
    Path(task): Path<Uuid>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let t = tasks::get(&app.store, &viewer.ctx.actor, task)
        .await
        .or_page(&viewer)?;
    let outcome = match TaskChanges::read(json!({"status": "completed"}), false) {
        Ok(changes) => tasks::update(&app.store, &viewer.ctx, task, form.if_match(), changes)
            .await
            .map(drop)
            .map_err(Errors::from),
        Err(e) => Err(Errors::from(e)),
    };
    back(&app, &viewer, t.order_id, outcome).await
}
