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
        decode_pairs(&raw.unwrap_or_default()).map(QueryPairs)
    }
}

/// `name=value&…` as form encoding writes it (`+` is a space), refusing what a lossy
/// decoder would silently turn into something else: a percent-escape that is not UTF-8
/// (a `q` that became `\u{FFFD}` would match nothing, or everything), and the NUL
/// character, which PostgreSQL cannot store or compare in text (both engines refuse it
/// alike).
pub fn decode_pairs(raw: &str) -> Result<Vec<(String, String)>, Problem> {
    let mut pairs = Vec::new();
    for part in raw.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = part.split_once('=').unwrap_or((part, ""));
        let name = decode(name).ok_or_else(|| {
            Problem::bad_request(
                "",
                "utf8",
                "a parameter name is not valid percent-encoded UTF-8",
            )
        })?;
        let value = decode(value).ok_or_else(|| {
            Problem::bad_request(&name, "utf8", "is not valid percent-encoded UTF-8")
        })?;
        if rapport_domain::validation::has_nul(&name) || rapport_domain::validation::has_nul(&value)
        {
            return Err(Problem::bad_request(
                &name,
                "characters",
                "must not contain the NUL character (U+0000)",
            ));
        }
        pairs.push((name, value));
    }
    Ok(pairs)
}

fn decode(component: &str) -> Option<String> {
    let spaced = component.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// A list request: standard parameters plus everything else as filters.
pub struct ListQuery(pub ListParams);

impl<S: Send + Sync> FromRequestParts<S> for ListQuery {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let QueryPairs(pairs) = QueryPairs::from_request_parts(parts, state).await?;
        list_params(pairs).map(ListQuery)
    }
}

/// The list conventions read from decoded query pairs; the rest become filters. The UI's
/// list pages read their query strings through this too.
pub fn list_params(pairs: Vec<(String, String)>) -> Result<ListParams, Problem> {
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
                    // Exactly the document's boolean: true or false.
                    "true" => true,
                    "false" => false,
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
    Ok(p)
}
