//! The pipeline board (`/api/v1/pipeline`) and the shared settings (`/api/v1/settings`).

use axum::extract::State;
use axum::Json;
use rapport_domain::settings::{Settings, SettingsChanges, SettingsPatch};
use rapport_store::pipeline::board::{self as pipeline, Board, BoardFilter};
use rapport_store::settings;
use uuid::Uuid;

use crate::auth::Authed;
use crate::body::JsonBody;
use crate::problem::{ApiResult, Problem};
use crate::query::QueryPairs;
use crate::AppState;

fn board_filter(pairs: Vec<(String, String)>, me: Uuid) -> Result<BoardFilter, Problem> {
    let mut f = BoardFilter::default();
    for (name, raw) in pairs {
        // Exactly as the document's patterns say: no trimming, hyphenated UUIDs.
        let v = raw.as_str();
        let id = || -> Result<Uuid, Problem> {
            if v == "me" {
                return Ok(me);
            }
            rapport_domain::validation::strict_uuid(v).ok_or_else(|| {
                Problem::bad_request(&name, "uuid", format!("{v:?} is not a UUID (or me)"))
            })
        };
        let date = || {
            rapport_domain::validation::strict_date(v).ok_or_else(|| {
                Problem::bad_request(&name, "date", format!("{v:?} is not a YYYY-MM-DD date"))
            })
        };
        match name.as_str() {
            "owner_id" => f.owner_id = Some(id()?),
            "partner_id" => f.partner_id = Some(id()?),
            "distributor_id" => f.distributor_id = Some(id()?),
            "expected_close_after" => f.close_after = Some(date()?),
            "expected_close_before" => f.close_before = Some(date()?),
            _ => {
                return Err(Problem::bad_request(
                    &name,
                    "unknown_parameter",
                    "is not a parameter of the board; it takes owner_id, partner_id, distributor_id, expected_close_after, expected_close_before",
                ))
            }
        }
    }
    Ok(f)
}

/// The pipeline board: per status, the count of leads and, by currency, their total
/// and probability-weighted value (exact decimal strings). Archived leads are left out.
/// Filters: `owner_id` (`me`), `partner_id`, `distributor_id`, `expected_close_after`
/// (inclusive) and `expected_close_before` (exclusive; either one leaves out leads
/// without an expected close date). Scoped to the leads the caller can see.
#[utoipa::path(get, path = "/api/v1/pipeline", tag = "leads",
    params(
        ("owner_id" = Option<String>, Query, description = "a user id or me"),
        ("partner_id" = Option<uuid::Uuid>, Query),
        ("distributor_id" = Option<uuid::Uuid>, Query),
        ("expected_close_after" = Option<String>, Query, description = "YYYY-MM-DD, inclusive"),
        ("expected_close_before" = Option<String>, Query, description = "YYYY-MM-DD, exclusive")),
    responses(
        (status = 200, description = "The board", body = Board)))]
pub async fn pipeline_board(
    State(app): State<AppState>,
    Authed(auth): Authed,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<Board>> {
    let filter = board_filter(pairs, auth.ctx.actor.user_id)?;
    Ok(Json(
        pipeline::board(&app.store, &auth.ctx.actor, filter).await?,
    ))
}

/// Settings shared by every node: `active_product_cap` (0 = no cap) and the default
/// probability of each lead status.
#[utoipa::path(get, path = "/api/v1/settings", tag = "settings", responses(
    (status = 200, description = "The settings", body = Settings)))]
pub async fn get_settings(
    State(app): State<AppState>,
    Authed(auth): Authed,
) -> ApiResult<Json<Settings>> {
    Ok(Json(settings::get(&app.store, &auth.ctx.actor).await?))
}

/// Changes settings (admins); only the keys given change, probabilities merge by status.
#[utoipa::path(patch, path = "/api/v1/settings", tag = "settings", request_body = SettingsPatch, responses(
    (status = 200, description = "The settings now", body = Settings),
    (status = 403, description = "Admins only", body = crate::problem::ProblemBody, content_type = "application/problem+json"),
    (status = 422, description = "Invalid values, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn update_settings(
    State(app): State<AppState>,
    Authed(auth): Authed,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Settings>> {
    Ok(Json(
        settings::update(&app.store, &auth.ctx, SettingsChanges::read(body)?).await?,
    ))
}
