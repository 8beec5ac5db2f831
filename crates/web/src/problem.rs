//! RFC 9457 problem details: the one error shape of the whole API.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rapport_db::DbErrorKind;
use rapport_domain::FieldError;
use rapport_store::StoreError;
use serde::Serialize;
use uuid::Uuid;

use crate::request_id;

#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    /// The last segment of `type`: `/problems/<slug>`.
    pub slug: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub existing_id: Option<Uuid>,
    pub current_version: Option<i64>,
    pub retry_after: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemBody {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    pub request_id: Option<String>,
}

impl Problem {
    pub fn new(
        status: StatusCode,
        slug: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            slug,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            existing_id: None,
            current_version: None,
            retry_after: None,
        }
    }

    pub fn with_error(mut self, field: &str, rule: &str, message: impl Into<String>) -> Self {
        self.errors.push(FieldError::new(field, rule, message));
        self
    }

    pub fn bad_request(field: &str, rule: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            format!("{field}: {message}"),
        )
        .with_error(field, rule, message)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Not signed in",
            detail,
        )
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the server failed; the request id identifies the cause in the server's log",
        )
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.len() {
            1 => format!("{}: {}", errors[0].field, errors[0].message),
            n => format!("{n} fields are invalid"),
        };
        let mut p = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "Invalid request",
            detail,
        );
        p.errors = errors;
        p
    }
}

impl From<rapport_domain::Invalid> for Problem {
    fn from(e: rapport_domain::Invalid) -> Self {
        Problem::validation(e.0)
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity } => Problem::not_found(format!("no such {entity}")),
            StoreError::Invalid(i) => Problem::validation(i.0),
            StoreError::BadRequest(fe) => {
                let mut p = Problem::new(
                    StatusCode::BAD_REQUEST,
                    "bad-request",
                    "Bad request",
                    format!("{}: {}", fe.field, fe.message),
                );
                p.errors.push(fe);
                p
            }
            StoreError::Conflict {
                message,
                field,
                existing_id,
            } => {
                let mut p = Problem::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    "Conflict",
                    message.clone(),
                );
                if let Some(f) = field {
                    p = p.with_error(&f, "unique", message);
                }
                p.existing_id = existing_id;
                p
            }
            StoreError::State { field, message } => Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                "Conflict",
                message.clone(),
            )
            .with_error(&field, "state", message),
            StoreError::Forbidden { field, message } => {
                let mut p = Problem::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "Forbidden",
                    message.clone(),
                );
                if let Some(f) = field {
                    p = p.with_error(&f, "forbidden", message);
                }
                p
            }
            StoreError::PreconditionFailed { current_version } => {
                let mut p = Problem::new(
                    StatusCode::PRECONDITION_FAILED,
                    "precondition-failed",
                    "Precondition failed",
                    "the record changed since you read it (If-Match is stale); read it again and retry",
                );
                p.current_version = Some(current_version);
                p
            }
            StoreError::Unauthorized(m) => Problem::unauthorized(m),
            StoreError::PendingApproval(m) => Problem::new(
                StatusCode::FORBIDDEN,
                "pending-approval",
                "Waiting for approval",
                m,
            ),
            StoreError::Unavailable(m) => {
                let mut p = Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Service unavailable",
                    m,
                );
                p.retry_after = Some(30);
                p
            }
            StoreError::TooManyRequests {
                retry_after_secs,
                message,
            } => {
                let mut p = Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too-many-requests",
                    "Too many requests",
                    message,
                );
                p.retry_after = Some(retry_after_secs);
                p
            }
            StoreError::Db(db) => match db.kind {
                DbErrorKind::Unique => Problem::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    "Conflict",
                    "a record with the same unique value exists",
                ),
                DbErrorKind::Check | DbErrorKind::NotNull | DbErrorKind::ForeignKey => {
                    tracing::warn!(error = %db, "constraint caught by the database, not by validation");
                    let constraint = db.constraint.clone().unwrap_or_default();
                    Problem::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "validation",
                        "Invalid request",
                        format!("the change breaks a database rule {constraint}")
                            .trim_end()
                            .to_owned(),
                    )
                }
                DbErrorKind::Retryable | DbErrorKind::Unavailable => {
                    tracing::error!(error = %db, "database unavailable");
                    let mut p = Problem::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "unavailable",
                        "Service unavailable",
                        "the database is busy or unreachable; retry shortly",
                    );
                    p.retry_after = Some(1);
                    p
                }
                DbErrorKind::Decode | DbErrorKind::Other => {
                    tracing::error!(error = %db, "database error");
                    Problem::internal()
                }
            },
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = ProblemBody {
            kind: format!("/problems/{}", self.slug),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail,
            errors: self.errors,
            existing_id: self.existing_id,
            current_version: self.current_version,
            request_id: request_id::current(),
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let mut res = (self.status, bytes).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 9110 §15.5.2: a 401 names the scheme it wants.
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"rapport\""),
            );
        }
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

pub type ApiResult<T> = Result<T, Problem>;
