//! ETags from record versions; `If-Match` parsed to the version it names.

use axum::http::{HeaderMap, HeaderValue};

use crate::problem::Problem;

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
