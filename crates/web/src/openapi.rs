//! The OpenAPI 3.1 description, generated from the handlers' annotations, and the docs
//! page that renders it (Swagger UI, from the `utoipa-swagger-ui` crate, embedded in the
//! binary; no CDN).

use std::sync::{Arc, LazyLock};

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::problem::Problem;
use crate::routes;

struct Security;

impl Modify for Security {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::SESSION_COOKIE))),
        );
        api.security = Some(vec![
            utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new()),
            utoipa::openapi::security::SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Rapport API", description = "Self-hosted CRM and partner-relationship server. \
        Errors are RFC 9457 problem+json; lists use keyset cursors; writes take If-Match and Idempotency-Key. \
        Cookie-authenticated writes must send X-CSRF-Token."),
    paths(
        routes::health::healthz, routes::health::readyz, routes::health::metrics,
        routes::session::login, routes::session::logout, routes::session::me,
        routes::tokens::create, routes::tokens::list, routes::tokens::revoke,
        routes::users::create_user, routes::users::list_users, routes::users::get_user,
        routes::users::update_user, routes::users::disable_user, routes::users::enable_user,
        routes::accounts::create_account, routes::accounts::find_or_create_account, routes::accounts::list_accounts, routes::accounts::get_account,
        routes::accounts::update_account, routes::accounts::archive_account, routes::accounts::restore_account,
        routes::accounts::delete_account,
        routes::tags::list_tags, routes::tags::rename_tag, routes::tags::change_tags,
        routes::accounts::get_account_by_legacy_id, routes::accounts::merge_accounts,
        routes::people::link_contact, routes::people::account_contacts, routes::people::update_link, routes::people::unlink_contact,
        routes::reps::list_reps, routes::reps::assign_rep, routes::reps::remove_rep, routes::reps::reassign,
        routes::notes::create_note, routes::notes::list_notes, routes::notes::get_note, routes::notes::update_note, routes::notes::delete_note,
        routes::contacts::create_contact, routes::contacts::list_contacts, routes::contacts::get_contact,
        routes::contacts::update_contact, routes::contacts::delete_contact, routes::contacts::contact_accounts,
        routes::leads::create_lead, routes::leads::list_leads, routes::leads::get_lead, routes::leads::update_lead,
        routes::leads::reopen_lead, routes::leads::archive_lead, routes::leads::restore_lead, routes::leads::delete_lead,
        routes::leads::lead_history, routes::leads::lead_timeline, routes::leads::account_timeline,
        routes::pipeline::board, routes::pipeline::get_settings, routes::pipeline::update_settings,
        routes::products::create_product, routes::products::list_products, routes::products::get_product,
        routes::products::update_product, routes::products::delete_product,
        routes::activities::create_activity, routes::activities::list_activities, routes::activities::get_activity,
        routes::activities::update_activity, routes::activities::delete_activity,
        routes::activities::mark_done, routes::activities::mark_undone,
        routes::distributions::create_distribution, routes::distributions::bulk_create,
        routes::distributions::list_distributions, routes::distributions::get_distribution,
        routes::distributions::update_distribution, routes::distributions::delete_distribution,
        routes::distributions::link, routes::distributions::trace,
        routes::distributors::list_partners, routes::distributors::assign_partner,
        routes::distributors::deactivate_partner,
        routes::dashboards::sales_dashboard, routes::dashboards::pipeline_dashboard,
        routes::audit::list,
    ),
    modifiers(&Security),
    tags(
        (name = "accounts", description = "Organisations: customers, prospects, partners, distributors, offices, facilities"),
        (name = "contacts", description = "People of every kind, and the accounts they belong to"),
        (name = "notes", description = "Notes on accounts (the activities timeline)"),
        (name = "leads", description = "The sales pipeline: leads, their status history, timeline and the board"),
        (name = "activities", description = "The timeline: notes, calls, emails, meetings, chats, tasks, comments"),
        (name = "products", description = "Products leads are interested in"),
        (name = "distributions", description = "The distribution log: shipments of SKUs and lots to customers"),
        (name = "dashboards", description = "Sales figures from the distribution log, pipeline figures from leads"),
        (name = "settings", description = "Settings shared by every node"),
        (name = "auth", description = "Sign-in, sessions and API tokens"),
        (name = "audit", description = "Who changed what"),
        (name = "operations", description = "Health, readiness, metrics"),
    )
)]
pub struct ApiDoc;

pub async fn spec() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The page is ours, not Swagger UI's index.html: it loads the spec from our path, turns
/// off the online validator and names its assets by absolute paths (the stock page's
/// relative ones would resolve outside /api/docs/ when served at /api/docs).
const DOCS_HTML: &str = include_str!("../assets/docs.html");

/// The Swagger UI files the page loads, with their types. The crate embeds the whole of
/// Swagger UI's dist (other bundles, source maps, its own index page); only these are
/// published.
const DOCS_ASSETS: [(&str, &str); 2] = [
    ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    ("swagger-ui.css", "text/css; charset=utf-8"),
];

/// The crate's file server wants a Swagger UI configuration, but reads it only for
/// swagger-initializer.js, which we never serve: the page carries its own.
static SWAGGER_CONFIG: LazyLock<Arc<utoipa_swagger_ui::Config<'static>>> =
    LazyLock::new(|| Arc::new(utoipa_swagger_ui::Config::default()));

pub async fn docs_page() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        DOCS_HTML,
    )
        .into_response()
}

pub async fn docs_asset(Path(asset): Path<String>) -> Response {
    let Some(&(name, kind)) = DOCS_ASSETS.iter().find(|(name, _)| *name == asset) else {
        return Problem::not_found("no such docs asset").into_response();
    };
    let file = match utoipa_swagger_ui::serve(name, Arc::clone(&SWAGGER_CONFIG)) {
        Ok(Some(file)) => file,
        // Only a Swagger UI release that renamed the file gets here.
        Ok(None) => {
            tracing::error!(asset = name, "Swagger UI does not ship this file");
            return Problem::internal().into_response();
        }
        Err(e) => {
            tracing::error!(asset = name, error = %e, "cannot read a Swagger UI file");
            return Problem::internal().into_response();
        }
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        file.bytes,
    )
        .into_response()
}
