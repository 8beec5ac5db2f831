use axum::extract::State;
use axum::Json;
use rapport_store::reports::audit_log::{self as audit, AuditEntry};
use rapport_store::Page;
use serde::Serialize;

use crate::auth::Authed;
use crate::problem::ApiResult;
use crate::query::ListQuery;
use crate::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub data: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at its limit, so `total` is a lower
    /// bound (docs/api.md "Totals").
    pub total_exact: Option<bool>,
}

/// The audit log, newest first (admin and restricted_admin).
///
/// Filters: `entity_type`, `entity_id`, `actor_id`, `action`, `request_id`,
/// `at_after` (inclusive) and `at_before` (exclusive).
#[utoipa::path(get, operation_id = "list_audit_entries", path = "/api/v1/audit", tag = "audit", responses(
    (status = 200, description = "A page of audit entries", body = AuditPage),
    (status = 403, description = "Not an admin", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn list(
    State(app): State<AppState>,
    Authed(auth): Authed,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<Page<AuditEntry>>> {
    Ok(Json(
        audit::list(&app.store, &auth.ctx.actor, params).await?,
    ))
}
