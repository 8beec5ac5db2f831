//! ETags from record versions; `If-Match` parsed to the version it names.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rapport_domain::IfMatch;
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

impl Versioned for rapport_domain::duration::SubscriptionDuration {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for rapport_domain::activity::Activity {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for rapport_domain::order::Order {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for rapport_domain::project::Project {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for rapport_domain::project::Task {
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

/// The versions a write may proceed from (RFC 9110 §13.1.1): any, without the header or
/// with `*`; otherwise those its strong entity tags name. Tags no version can match (an
/// opaque or weak tag) leave the write to fail its precondition (412); only a header
/// that is not an entity-tag list at all is a 400.
pub fn if_match(headers: &HeaderMap) -> Result<IfMatch, Problem> {
    let mut values = headers
        .get_all(axum::http::header::IF_MATCH)
        .iter()
        .peekable();
    if values.peek().is_none() {
        return Ok(IfMatch::Any);
    }
    // Repeated headers are one comma-separated list (RFC 9110 §5.3).
    let joined: Vec<u8> = values
        .map(HeaderValue::as_bytes)
        .collect::<Vec<_>>()
        .join(&b","[..]);
    IfMatch::parse(&joined).map_err(|_| {
        Problem::bad_request(
            "If-Match",
            "etag",
            "must be * or a list of entity tags, the ETag of the record as last read (a quoted version, e.g. \"3\")",
        )
    })
}
