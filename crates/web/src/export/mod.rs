//! Exports: a list route answering `format=csv` (or `Accept: text/csv`) with every
//! matching row as CSV instead of one page of JSON. The rows come from the resource's
//! own scoped list, read page by page behind a streamed body; the caller's right to
//! export is decided in `scope::may_export`, and each export is audited before its
//! first byte leaves.

mod columns;
mod pages;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rapport_domain::{Ctx, FieldError};
use rapport_store::kernel::list::MAX_LIMIT;
use rapport_store::policy as scope;
use rapport_store::policy::Resource;
use rapport_store::reports::exports;
use rapport_store::{ListParams, Store};
use serde::Serialize;

pub use pages::Lister;

use crate::problem::{ApiResult, Problem};

/// How a list answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One page of JSON (the default).
    Json,
    /// Every matching row as CSV.
    Csv,
}

impl Format {
    /// `format=json|csv` decides; without it, an `Accept` naming `text/csv` asks for
    /// CSV. Takes `format` out of the filters. Any other format is 422 naming it.
    pub fn of(headers: &HeaderMap, params: &mut ListParams) -> ApiResult<Format> {
        match params.take_filter("format").last().map(String::as_str) {
            Some("json") => Ok(Format::Json),
            Some("csv") => Ok(Format::Csv),
            Some(other) => Err(Problem::validation(vec![FieldError::new(
                "format",
                "enum",
                format!("must be json or csv, not {other:?}"),
            )])),
            None => {
                let accepts_csv = headers
                    .get_all(header::ACCEPT)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .any(|t| t.trim().starts_with("text/csv"));
                Ok(if accepts_csv {
                    Format::Csv
                } else {
                    Format::Json
                })
            }
        }
    }
}

/// Answers a list as CSV: checks the caller may export, reads the first page (so bad
/// filters, `q` or `sort` answer exactly as the JSON list does, before anything is
/// sent), audits the export with the number of rows matching, then streams the rows.
pub async fn csv<T>(
    store: &Store,
    ctx: &Ctx,
    resource: Resource,
    mut params: ListParams,
    list: Lister<T>,
) -> ApiResult<Response>
where
    T: Serialize + Send + 'static,
{
    scope::may_export(&ctx.actor, resource)?;
    if params.cursor.is_some() {
        return Err(Problem::bad_request(
            "cursor",
            "export",
            "an export has no pages: it returns every matching row from the first",
        ));
    }
    let request = exports::Request {
        format: "csv",
        filters: params.filters.clone(),
        q: params.q.clone(),
        sort: params.sort.clone(),
    };
    // The page size is ours: the largest keeps the number of queries down.
    params.limit = MAX_LIMIT;
    params.count = true;
    let mut first = list(store.clone(), ctx.actor.clone(), params.clone()).await?;
    let rows = first.total.take().unwrap_or(0);
    params.count = false;
    exports::record(store, ctx, resource, request, rows).await?;

    let source = pages::Source {
        store: store.clone(),
        actor: ctx.actor.clone(),
        params,
        list,
        columns: columns::of(resource),
    };
    let body = Body::from_stream(pages::csv(source, first));
    let filename = format!(
        "attachment; filename=\"{}-{}.csv\"",
        resource.as_str(),
        chrono::Utc::now().format("%Y%m%d")
    );
    let mut res = (StatusCode::OK, body).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&filename) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
