//! `/admin/partners`: which partners each distributor manages (`distributor_partners`,
//! admins only as the store decides): one distributor's links with their history, the
//! form to assign a partner (read as the API's body), and ending an active link.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use rapport_domain::account::{Account, AccountKind};
use rapport_store::customers::accounts;
use rapport_store::customers::distributor_partners::{self, DistributorPartner};
use rapport_store::ListParams;
use uuid::Uuid;

use super::nav::{admin_page, Tab};
use crate::problem::Problem;
use crate::routes::read_partner_link;
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::fmt;
use crate::ui::form::{csrf, select, textarea, Errors, Form, Kind, SignedForm};
use crate::ui::list::ListQuery;
use crate::ui::session::Viewer;
use crate::AppState;

/// Accounts of one kind by name, from the store's list (the viewer's scope applies).
async fn accounts_of(
    app: &AppState,
    viewer: &Viewer,
    kind: AccountKind,
) -> Result<Vec<Account>, axum::response::Response> {
    let params = ListParams {
        limit: 200,
        sort: Some("name".into()),
        filters: vec![("kind".into(), kind.as_str().into())],
        ..ListParams::default()
    };
    Ok(accounts::list(&app.store, &viewer.ctx.actor, params)
        .await
        .or_page(viewer)?
        .data)
}

fn picker(distributors: &[Account], chosen: Uuid) -> Markup {
    html! {
        form.filters method="get" action="/admin/partners" data-live-search {
            div.field {
                label for="f-distributor" { "Distributor" }
                select #f-distributor name="distributor_id" {
                    @for d in distributors { option value=(d.id) selected[d.id == chosen] { (d.name) } }
                }
            }
            button type="submit" { "Show" }
        }
    }
}

fn links_table(viewer: &Viewer, distributor: Uuid, links: &[DistributorPartner]) -> Markup {
    html! {
        div.table-wrap {
            table.responsive {
                caption.muted { @if links.is_empty() { "No partners linked yet." } @else { "Partners, with past links" } }
                thead { tr {
                    th scope="col" { "Partner" } th scope="col" { "Notes" } th scope="col" { "Since" }
                    th scope="col" { "State" } th scope="col" { "Actions" }
                } }
                tbody {
                    @for l in links {
                        tr {
                            td { a href={ "/accounts/" (l.partner_id) } { (l.partner_name) } }
                            td { (l.notes.as_deref().unwrap_or("")) }
                            td { (fmt::date(l.started_at.date_naive())) }
                            td {
                                @if l.active { span.badge.primary { "active" } }
                                @else { span.badge { "ended" } @if let Some(t) = l.ended_at { " " (fmt::date(t.date_naive())) } }
                            }
                            td {
                                @if l.active {
                                    form.inline method="post" action={ "/admin/partners/" (distributor) "/" (l.partner_id) "/deactivate" }
                                        data-confirm={ "End the link to " (l.partner_name) "? Their records leave the distributor's view at once." } {
                                        (csrf(viewer))
                                        button.secondary type="submit" { "Deactivate" }
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

fn assign_form(
    viewer: &Viewer,
    distributor: Uuid,
    partners: &[Account],
    sent: Option<&Form>,
    errors: &Errors,
) -> Markup {
    let mut options = vec![(String::new(), "— choose a partner —".to_owned())];
    options.extend(partners.iter().map(|p| (p.id.to_string(), p.name.clone())));
    let v = |name: &str| sent.and_then(|f| f.raw(name)).map(str::to_owned);
    html! {
        section.card {
            h2 { "Assign a partner" }
            (errors.banner(&["partner_id", "notes"]))
            form method="post" action="/admin/partners" {
                (csrf(viewer))
                input type="hidden" name="distributor_id" value=(distributor);
                (select("Partner", "partner_id", &options, v("partner_id").as_deref(), errors))
                (textarea("Notes", "notes", v("notes").as_deref(), 2, errors))
                button type="submit" { "Assign" }
            }
        }
    }
}

async fn render(
    app: &AppState,
    viewer: &Viewer,
    wanted: Option<Uuid>,
    sent: Option<&Form>,
    errors: &Errors,
    status: StatusCode,
) -> PageResult {
    // The store's rule for the links, asked first: there may be no distributor to ask about.
    distributor_partners::require_admin(&viewer.ctx.actor).or_page(viewer)?;
    let distributors = accounts_of(app, viewer, AccountKind::Distributor).await?;
    let chosen = wanted.or_else(|| distributors.first().map(|d| d.id));
    let body = match chosen {
        None => html! { h1 { "Partners" } p.muted { "There are no distributor accounts yet." } },
        Some(distributor) => {
            let links =
                distributor_partners::list(&app.store, &viewer.ctx.actor, distributor, None)
                    .await
                    .or_page(viewer)?;
            let partners = accounts_of(app, viewer, AccountKind::Partner).await?;
            html! {
                h1 { "Partners" }
                (picker(&distributors, distributor))
                div.split {
                    (links_table(viewer, distributor, &links))
                    (assign_form(viewer, distributor, &partners, sent, errors))
                }
            }
        }
    };
    Ok(admin_page(viewer, Tab::Partners, "Partners", body, status))
}

fn chosen_of(value: Option<&str>) -> Option<Uuid> {
    value.and_then(|v| v.parse().ok())
}

/// `GET /admin/partners?distributor_id=…`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    render(
        &app,
        &viewer,
        chosen_of(q.value("distributor_id")),
        None,
        &Errors::none(),
        StatusCode::OK,
    )
    .await
}

fn to_distributor(id: Uuid) -> axum::response::Response {
    Redirect::to(&format!("/admin/partners?distributor_id={id}")).into_response()
}

/// `POST /admin/partners`: links the partner to the form's distributor.
pub async fn assign(
    State(app): State<AppState>,
    SignedForm(viewer, form): SignedForm,
) -> PageResult {
    let Some(distributor) = chosen_of(form.raw("distributor_id")) else {
        return render(
            &app,
            &viewer,
            None,
            Some(&form),
            &Errors::message("Choose a distributor first."),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    // Empty fields are left out, so the reader names a missing partner as the API does.
    let body = form.body(&[("partner_id", Kind::Text), ("notes", Kind::Text)], false);
    let result = match read_partner_link(body) {
        Ok((partner, notes)) => {
            distributor_partners::assign(&app.store, &viewer.ctx, distributor, partner, notes)
                .await
                .map_err(Problem::from)
        }
        Err(p) => Err(p),
    };
    match result {
        Ok(_) => Ok(to_distributor(distributor)),
        Err(problem) => {
            let status = problem.status;
            render(
                &app,
                &viewer,
                Some(distributor),
                Some(&form),
                &Errors::from(problem),
                status,
            )
            .await
        }
    }
}

/// `POST /admin/partners/{distributor_id}/{partner_id}/deactivate`
pub async fn deactivate(
    State(app): State<AppState>,
    Path((distributor, partner)): Path<(Uuid, Uuid)>,
    SignedForm(viewer, _): SignedForm,
) -> PageResult {
    match distributor_partners::deactivate(&app.store, &viewer.ctx, distributor, partner).await {
        Ok(_) => Ok(to_distributor(distributor)),
        Err(e) => {
            let problem = Problem::from(e);
            let status = problem.status;
            render(
                &app,
                &viewer,
                Some(distributor),
                None,
                &Errors::from(problem),
                status,
            )
            .await
        }
    }
}
