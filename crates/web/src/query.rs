//! Query strings: the list conventions (`limit`, `cursor`, `sort`, `q`, `count`) and
//! filters, parsed with errors that name the parameter.

use axum::extract::{FromRequestParts, RawQuery};
use axum::http::request::Parts;
use rapport_store::kernel::list::{DEFAULT_LIMIT, MAX_LIMIT};
use rapport_store::ListParams;

use crate::problem::Problem;

/// Every query parameter, in order, percent-decoded.
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let RawQuery(raw) = RawQuery::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::bad_request("", "query", "the query string cannot be read"))?;
        let raw = raw.unwrap_or_default();
        serde_urlencoded::from_str::<Vec<(String, String)>>(&raw)
            .map(QueryPairs)
            .map_err(|e| {
                Problem::bad_request("", "query", format!("the query string is malformed: {e}"))
            })
    }
}

/// A list request: standard parameters plus everything else as filters.
pub struct ListQuery(pub ListParams);

impl<S: Send + Sync> FromRequestParts<S> for ListQuery {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let QueryPairs(pairs) = QueryPairs::from_request_parts(parts, state).await?;
        let mut p = ListParams::default();
        for (k, v) in pairs {
            match k.as_str() {
                "limit" => {
                    p.limit = v
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or_else(|| {
                            Problem::bad_request(
                                "limit",
                                "range",
                                format!("must be a whole number from 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})"),
                            )
                        })?;
                }
                "cursor" => p.cursor = Some(v).filter(|s| !s.is_empty()),
                "sort" => p.sort = Some(v),
                "q" => p.q = Some(v).filter(|s| !s.trim().is_empty()),
                "count" => {
                    p.count = match v.as_str() {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => {
                            return Err(Problem::bad_request(
                                "count",
                                "boolean",
                                "must be true or false",
                            ))
                        }
                    }
                }
                _ => p.filters.push((k, v)),
            }
        }
        Ok(ListQuery(p))
    }
}
