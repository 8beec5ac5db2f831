//! `Idempotency-Key` on POST (API.md "Writes"): the same key and body within 24 h replays
//! the stored response; the same key with another request is 422.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rapport_store::kernel::idempotency::{self, Begin, StoredResponse};
use sha2::{Digest, Sha256};

use crate::auth::Authenticated;
use crate::body::read_limited;
use crate::problem::Problem;
use crate::AppState;

pub const HEADER: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";
/// Headers worth replaying; others (dates, request ids) belong to the new response.
const KEPT: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

fn valid_key(k: &str) -> bool {
    (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic())
}

pub async fn middleware(State(app): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != axum::http::Method::POST {
        return next.run(req).await;
    }
    let Some(raw_key) = req.headers().get(HEADER) else {
        return next.run(req).await;
    };
    let key = match raw_key.to_str() {
        Ok(k) if valid_key(k) => k.to_owned(),
        _ => {
            return Problem::bad_request(
                "Idempotency-Key",
                "format",
                "must be 1 to 255 visible ASCII characters",
            )
            .into_response()
        }
    };
    let Some(user_id) = req
        .extensions()
        .get::<Authenticated>()
        .map(|a| a.ctx.actor.user_id)
    else {
        // The handler will answer 401; nothing to remember.
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let bytes = match read_limited(body, app.config.body_limit(parts.uri.path())).await {
        Ok(b) => b,
        Err(p) => return p.into_response(),
    };
    let body_hash = hex::encode(Sha256::digest(&bytes));
    let path = parts.uri.path().to_owned();
    let begun = idempotency::begin(
        &app.store,
        user_id,
        key.clone(),
        parts.method.to_string(),
        path,
        body_hash,
    )
    .await;
    match begun {
        Err(e) => return Problem::from(e).into_response(),
        Ok(Begin::Mismatch) => {
            return Problem::validation(vec![rapport_domain::FieldError::new(
                "Idempotency-Key",
                "idempotency_key_reuse",
                "was already used for a different request; use a new key for a new request",
            )])
            .into_response()
        }
        Ok(Begin::InProgress) => {
            return Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                "Conflict",
                "a request with this Idempotency-Key is still being processed; retry shortly",
            )
            .into_response()
        }
        Ok(Begin::Replay(stored)) => return replay(stored),
        Ok(Begin::Fresh) => {}
    }
    let res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (res_parts, res_body) = res.into_parts();
    let res_bytes = match axum::body::to_bytes(res_body, usize::MAX).await {
        Ok(b) => b,
        Err(_) => {
            let _ = idempotency::abandon(&app.store, user_id, key).await;
            return Problem::internal().into_response();
        }
    };
    if res_parts.status.is_server_error() {
        // A server failure is not an answer worth keeping: let the client retry.
        let _ = idempotency::abandon(&app.store, user_id, key).await;
    } else {
        let headers = KEPT
            .iter()
            .filter_map(|h| {
                let v = res_parts.headers.get(h)?.to_str().ok()?;
                Some((h.as_str().to_owned(), v.to_owned()))
            })
            .collect();
        let stored = StoredResponse {
            status: res_parts.status.as_u16(),
            headers,
            body: res_bytes.to_vec(),
        };
        if let Err(e) = idempotency::complete(&app.store, user_id, key, stored).await {
            tracing::error!(error = %e, "could not store an idempotent response");
        }
    }
    Response::from_parts(res_parts, Body::from(res_bytes))
}

fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut res = (status, stored.body).into_response();
    for (name, value) in stored.headers {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::from_str(&value)) {
            res.headers_mut().insert(n, v);
        }
    }
    res.headers_mut()
        .insert(REPLAYED, HeaderValue::from_static("true"));
    res
}
