//! The contract pages: the list (status, expiring within, partner), a contract's detail
//! with its status form, history, order and renewal chain, the contracts dashboard, and
//! the home page's "expiring in 30 days". Each calls the store function its API route
//! calls, so the contracts policy decides what a viewer sees.

mod dashboard;
mod detail;
mod list;

use maud::{html, Markup};
use rapport_domain::Role;
use rapport_store::contracts::contracts;
use rapport_store::ListParams;

use crate::ui::errors::OrPage;
use crate::ui::routes::Routes;
use crate::ui::session::Viewer;
use crate::AppState;

pub fn routes(r: Routes) -> Routes {
    r.get("/contracts", list::show)
        .get("/contracts/{id}", detail::show)
        .post("/contracts/{id}/status", detail::change_status)
        .post("/contracts/{id}/renew", detail::renew)
        .post("/contracts/{id}/activities", detail::log_activity)
        .get("/dashboards/contracts", dashboard::show)
}

/// Whether the viewer's role sees any contracts (fulfillers see none).
pub fn sees_contracts(viewer: &Viewer) -> bool {
    viewer.user.role != Role::Fulfiller
}

/// The home page's section: active contracts the viewer sees whose last day is within 30
/// days, soonest first (the list's `expiring_within=30d`); nothing for roles that see no
/// contracts.
pub async fn expiring_soon(
    app: &AppState,
    viewer: &Viewer,
) -> Result<Markup, axum::response::Response> {
    if !sees_contracts(viewer) {
        return Ok(html! {});
    }
    let page = contracts::list(
        &app.store,
        &viewer.ctx.actor,
        ListParams {
            limit: 10,
            sort: Some("expiration_date".into()),
            count: true,
            filters: vec![("expiring_within".into(), "30d".into())],
            ..ListParams::default()
        },
    )
    .await
    .or_page(viewer)?;
    let names =
        super::leads::parts::account_names(app, viewer, list::named_accounts(&page.data)).await?;
    let more = page.total.unwrap_or(0) > page.data.len() as i64;
    Ok(html! {
        section.card #expiring-contracts {
            h2 { "Contracts expiring in 30 days" }
            (list::table(&page.data, &names, "No contract expires in the next 30 days."))
            p {
                a href="/contracts?expiring_within=30d&sort=expiration_date" {
                    @if more { "All " (page.total.unwrap_or(0)) " of them" } @else { "Open the contracts" }
                }
                " · " a href="/dashboards/contracts" { "Contracts dashboard" }
            }
        }
    })
}
