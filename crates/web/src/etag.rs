//! ETags from record versions; `If-Match` parsed to the version it names.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::problem::Problem;

/// A record whose version is its ETag.
pub trait Versioned: Serialize {
    fn version(&self) -> i64;
}

impl Versioned for rapport_domain::account::Account {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for rapport_domain::contact::Contact {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for rapport_domain::note::Note {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for rapport_domain::distribution::Distribution {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for rapport_domain::lead::Lead {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for rapport_domain::product::Product {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for rapport_domain::activity::Activity {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The record as the body, its version as the ETag.
pub fn tagged<T: Versioned>(status: StatusCode, record: T) -> Response {
    let tag = etag(record.version());
    (status, [(header::ETAG, tag)], Json(record)).into_response()
}

/// 201 Created with `Location` and the ETag.
pub fn created<T: Versioned>(location: String, record: T) -> Result<Response, Problem> {
    let location = HeaderValue::from_str(&location).map_err(|_| Problem::internal())?;
    let mut res = tagged(StatusCode::CREATED, record);
    res.headers_mut().insert(header::LOCATION, location);
    Ok(res)
}

pub fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// `None` when there is no `If-Match` or it is `*` (any version).
pub fn if_match(headers: &HeaderMap) -> Result<Option<i64>, Problem> {
    let Some(raw) = headers.get(axum::http::header::IF_MATCH) else {
        return Ok(None);
    };
    let text = raw.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    let bad = || {
        Problem::bad_request(
            "If-Match",
            "etag",
            "must be the ETag of the record as last read (a quoted version, e.g. \"3\")",
        )
    };
    // Weak validators cannot guard a write (RFC 9110 §13.1.1).
    if text.starts_with("W/") || text.contains(',') {
        return Err(bad());
    }
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|t| t.parse::<i64>().ok())
        .map(Some)
        .ok_or_else(bad)
}
