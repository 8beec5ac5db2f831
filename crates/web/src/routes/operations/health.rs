use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::problem::Problem;
use crate::AppState;

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", security(()), responses((status = 200, description = "Alive")))]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// The database answers and its schema is the one this binary expects.
#[utoipa::path(get, path = "/readyz", tag = "operations", security(()), responses(
    (status = 200, description = "Ready"),
    (status = 503, description = "Not ready", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn readyz(State(app): State<AppState>) -> Response {
    match rapport_migration::check_current_readonly(&app.store.db).await {
        Ok(version) => Json(json!({"status": "ready", "schema_version": version})).into_response(),
        Err(e) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-ready",
            "Not ready",
            e.to_string(),
        )
        .into_response(),
    }
}

/// Prometheus text exposition.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(()), responses((status = 200, description = "Metrics", content_type = "text/plain")))]
pub async fn metrics(State(app): State<AppState>) -> Response {
    let text = app.metrics.render(app.store.db.pool_stats());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}
