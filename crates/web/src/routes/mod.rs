//! Endpoints, one module per resource.

pub(crate) mod accounts;
pub(crate) mod activities;
pub(crate) mod audit;
pub(crate) mod contacts;
pub(crate) mod dashboards;
pub(crate) mod distributions;
pub(crate) mod distributors;
pub(crate) mod health;
pub(crate) mod leads;
pub(crate) mod notes;
pub(crate) mod people;
pub(crate) mod pipeline;
pub(crate) mod products;
pub(crate) mod reps;
pub(crate) mod session;
pub(crate) mod tags;
pub(crate) mod tokens;
pub(crate) mod users;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::Router;
use uuid::Uuid;

use crate::problem::Problem;
use crate::AppState;

/// The `{id}` of a path, which must be a UUID.
pub struct IdPath(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::bad_request("id", "uuid", "the path needs a record id"))?;
        Uuid::parse_str(&raw)
            .map(IdPath)
            .map_err(|_| Problem::bad_request("id", "uuid", format!("{raw:?} is not a UUID")))
    }
}

/// Two ids in a path (`/accounts/{id}/contacts/{contact_id}`), both UUIDs.
pub struct IdPair(pub Uuid, pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPair {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::bad_request("id", "uuid", "the path needs two record ids"))?;
        let mut ids = Vec::with_capacity(2);
        for (name, value) in raw {
            let id = Uuid::parse_str(&value).map_err(|_| {
                Problem::bad_request(&name, "uuid", format!("{value:?} is not a UUID"))
            })?;
            ids.push(id);
        }
        match ids.as_slice() {
            [a, b] => Ok(IdPair(*a, *b)),
            _ => Err(Problem::bad_request(
                "id",
                "uuid",
                "the path needs two record ids",
            )),
        }
    }
}

/// Routes behind authentication (each handler decides whether it needs a user).
pub fn api() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/login", post(session::login))
        .route("/api/v1/auth/logout", post(session::logout))
        .route("/api/v1/me", get(session::me))
        .route("/api/v1/tokens", post(tokens::create).get(tokens::list))
        .route("/api/v1/tokens/{id}", axum::routing::delete(tokens::revoke))
        .route(
            "/api/v1/users",
            post(users::create_user).get(users::list_users),
        )
        .route(
            "/api/v1/users/{id}",
            get(users::get_user).patch(users::update_user),
        )
        .route("/api/v1/users/{id}/disable", post(users::disable_user))
        .route("/api/v1/users/{id}/enable", post(users::enable_user))
        .route(
            "/api/v1/accounts",
            post(accounts::create_account).get(accounts::list_accounts),
        )
        .route(
            "/api/v1/accounts/{id}",
            get(accounts::get_account)
                .patch(accounts::update_account)
                .delete(accounts::delete_account),
        )
        .route("/api/v1/accounts/tags", get(tags::list_tags))
        .route("/api/v1/accounts/tags/rename", post(tags::rename_tag))
        .route("/api/v1/accounts/{id}/tags", post(tags::change_tags))
        .route(
            "/api/v1/accounts/find-or-create",
            post(accounts::find_or_create_account),
        )
        .route(
            "/api/v1/accounts/{id}/archive",
            post(accounts::archive_account),
        )
        .route(
            "/api/v1/accounts/{id}/restore",
            post(accounts::restore_account),
        )
        .route(
            "/api/v1/accounts/by-legacy-id/{legacy_id}",
            get(accounts::get_account_by_legacy_id),
        )
        .route(
            "/api/v1/accounts/{id}/merge",
            post(accounts::merge_accounts),
        )
        .route(
            "/api/v1/accounts/{id}/contacts",
            post(people::link_contact).get(people::account_contacts),
        )
        .route(
            "/api/v1/accounts/{id}/contacts/{contact_id}",
            axum::routing::patch(people::update_link).delete(people::unlink_contact),
        )
        .route(
            "/api/v1/accounts/{id}/reps",
            get(reps::list_reps).post(reps::assign_rep),
        )
        .route(
            "/api/v1/accounts/{id}/reps/{user_id}",
            axum::routing::delete(reps::remove_rep),
        )
        .route("/api/v1/accounts/reps/reassign", post(reps::reassign))
        .route(
            "/api/v1/accounts/{id}/notes",
            post(notes::create_note).get(notes::list_notes),
        )
        .route(
            "/api/v1/notes/{id}",
            get(notes::get_note)
                .patch(notes::update_note)
                .delete(notes::delete_note),
        )
        .route(
            "/api/v1/contacts",
            post(contacts::create_contact).get(contacts::list_contacts),
        )
        .route(
            "/api/v1/contacts/{id}",
            get(contacts::get_contact)
                .patch(contacts::update_contact)
                .delete(contacts::delete_contact),
        )
        .route(
            "/api/v1/contacts/{id}/accounts",
            get(contacts::contact_accounts),
        )
        .route(
            "/api/v1/accounts/{id}/timeline",
            get(leads::account_timeline),
        )
        .route(
            "/api/v1/leads",
            post(leads::create_lead).get(leads::list_leads),
        )
        .route(
            "/api/v1/leads/{id}",
            get(leads::get_lead)
                .patch(leads::update_lead)
                .delete(leads::delete_lead),
        )
        .route("/api/v1/leads/{id}/reopen", post(leads::reopen_lead))
        .route("/api/v1/leads/{id}/archive", post(leads::archive_lead))
        .route("/api/v1/leads/{id}/restore", post(leads::restore_lead))
        .route("/api/v1/leads/{id}/history", get(leads::lead_history))
        .route("/api/v1/leads/{id}/timeline", get(leads::lead_timeline))
        .route("/api/v1/pipeline", get(pipeline::board))
        .route(
            "/api/v1/settings",
            get(pipeline::get_settings).patch(pipeline::update_settings),
        )
        .route(
            "/api/v1/products",
            post(products::create_product).get(products::list_products),
        )
        .route(
            "/api/v1/products/{id}",
            get(products::get_product)
                .patch(products::update_product)
                .delete(products::delete_product),
        )
        .route(
            "/api/v1/activities",
            post(activities::create_activity).get(activities::list_activities),
        )
        .route(
            "/api/v1/activities/{id}",
            get(activities::get_activity)
                .patch(activities::update_activity)
                .delete(activities::delete_activity),
        )
        .route("/api/v1/activities/{id}/done", post(activities::mark_done))
        .route(
            "/api/v1/activities/{id}/undone",
            post(activities::mark_undone),
        )
        .route(
            "/api/v1/distributions",
            post(distributions::create_distribution).get(distributions::list_distributions),
        )
        .route(
            "/api/v1/distributions/bulk",
            post(distributions::bulk_create),
        )
        .route("/api/v1/distributions/link", post(distributions::link))
        .route("/api/v1/distributions/trace", get(distributions::trace))
        .route(
            "/api/v1/distributions/{id}",
            get(distributions::get_distribution)
                .patch(distributions::update_distribution)
                .delete(distributions::delete_distribution),
        )
        .route(
            "/api/v1/distributors/{id}/partners",
            get(distributors::list_partners).post(distributors::assign_partner),
        )
        .route(
            "/api/v1/distributors/{id}/partners/{partner_id}/deactivate",
            post(distributors::deactivate_partner),
        )
        .route("/api/v1/dashboards/sales", get(dashboards::sales_dashboard))
        .route(
            "/api/v1/dashboards/pipeline",
            get(dashboards::pipeline_dashboard),
        )
        .route("/api/v1/audit", get(audit::list))
}

/// Routes anyone may call.
pub fn public() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/api/v1/openapi.json", get(crate::openapi::spec))
        .route("/api/docs", get(crate::openapi::docs_page))
        .route("/api/docs/{asset}", get(crate::openapi::docs_asset))
}
