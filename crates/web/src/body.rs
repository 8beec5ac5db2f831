//! Request bodies: size-limited, JSON only, parsed to a value that the domain's strict
//! readers then check field by field.

use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};

use crate::problem::Problem;
use crate::AppState;

pub struct JsonBody(pub serde_json::Value);

pub fn too_large(limit: usize) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        "Body too large",
        format!("the request body is larger than {limit} bytes"),
    )
}

/// Reads the whole body, refusing more than `limit` bytes (413). A body that breaks off
/// or whose chunked encoding is broken is a bad request (400), not a large one.
pub async fn read_limited(body: Body, limit: usize) -> Result<bytes::Bytes, Problem> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let over_limit =
            std::iter::successors(Some(&e as &(dyn std::error::Error + 'static)), |e| {
                e.source()
            })
            .any(|e| e.is::<http_body_util::LengthLimitError>());
        if over_limit {
            too_large(limit)
        } else {
            Problem::bad_request(
                "",
                "body",
                "the request body could not be read: it ended early or its encoding is broken",
            )
        }
    })
}

fn unsupported(what: &str) -> Problem {
    Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        "Unsupported media type",
        format!("send JSON (Content-Type: application/json), not {what}"),
    )
}

impl FromRequest<AppState> for JsonBody {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let limit = state.config.body_limit(req.uri().path());
        let typed = req.headers().contains_key(header::CONTENT_TYPE);
        if let Some(ct) = req.headers().get(header::CONTENT_TYPE) {
            let ct = ct.to_str().unwrap_or("");
            let essence = ct
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if essence != "application/json" && !essence.ends_with("+json") {
                return Err(unsupported(&format!("{essence:?}")));
            }
        }
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Err(too_large(limit));
        }
        let bytes = read_limited(req.into_body(), limit).await?;
        if bytes.is_empty() {
            return Err(Problem::bad_request(
                "",
                "json",
                "the body is empty; send a JSON object",
            ));
        }
        // A body must say it is JSON: without a Content-Type it would be read as one
        // only by guessing.
        if !typed {
            return Err(unsupported("a body without a Content-Type"));
        }
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            Problem::bad_request(
                "",
                "json",
                format!(
                    "the body is not valid JSON (line {}, column {}): {e}",
                    e.line(),
                    e.column()
                ),
            )
        })
    }
}
