//! The list conventions every resource shares (API.md "Lists"): `limit`, an opaque keyset
//! `cursor`, `sort`, typed filters with `_after`/`_before` ranges, `q` text search and an
//! optional `total`.

pub mod count;
mod cursor;
mod filters;
mod params;
pub(crate) mod ranked;

use rapport_db::{Conn, Row};
use uuid::Uuid;

pub use params::{
    take_archived, Choice, Field, Kind, ListParams, ListSpec, Page, DEFAULT_LIMIT, MAX_LIMIT,
};

use crate::{SqlBuf, StoreError};
use cursor::{after_cursor, decode_cursor, encode_cursor, order_by, parse_sort};
use filters::filter_conditions;

/// [`run`] on a read connection, rows turned into records: a resource's list once it
/// has its scope and its own conditions.
pub async fn read_page<T: Send + 'static>(
    store: &crate::Store,
    spec: &'static ListSpec,
    params: ListParams,
    me: Uuid,
    scope: SqlBuf,
    extra: Vec<SqlBuf>,
    from_row: fn(&Row) -> Result<T, StoreError>,
) -> Result<Page<T>, StoreError> {
    read_page_counted(store, spec, params, me, scope, extra, from_row, None).await
}

/// [`read_page`], with the total taken from a figure the resource keeps when it has one
/// for the asked set (`kept`, used only with `count=true`).
#[allow(clippy::too_many_arguments)]
pub async fn read_page_counted<T: Send + 'static>(
    store: &crate::Store,
    spec: &'static ListSpec,
    mut params: ListParams,
    me: Uuid,
    scope: SqlBuf,
    extra: Vec<SqlBuf>,
    from_row: fn(&Row) -> Result<T, StoreError>,
    kept: Option<count::KeptCount>,
) -> Result<Page<T>, StoreError> {
    let kept = kept.filter(|_| params.count);
    if kept.is_some() {
        params.count = false;
    }
    store
        .db
        .read(move |c| {
            let page = run(c, spec, &params, me, scope, extra)?;
            let page = match kept {
                Some(kept) => page.with_total(Some(count::Total::exact(kept(c)?))),
                None => page,
            };
            page.try_map(|r| from_row(&r))
        })
        .await
}

/// Runs a list query: `scope` and `extra` are conditions the resource adds (access scope
/// first). Returns a page of rows, with the next cursor and, if asked, the total.
pub fn run(
    conn: &mut dyn Conn,
    spec: &ListSpec,
    params: &ListParams,
    me: Uuid,
    scope: SqlBuf,
    extra: Vec<SqlBuf>,
) -> Result<Page<Row>, StoreError> {
    let query = match params.q.as_deref() {
        Some(q) => {
            let search = spec.search.ok_or_else(|| {
                StoreError::bad_request("q", "unsupported", "this list has no text search")
            })?;
            search
                .parse(conn.dialect(), q)?
                .map(|query| (search, query))
        }
        None => None,
    };
    let sort = params
        .sort
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let ranked = match (sort, &query) {
        (None | Some("relevance"), Some(_)) => true,
        (Some(s), None)
            if s.split(',')
                .any(|k| k.trim().trim_start_matches(['-', '+']) == "relevance") =>
        {
            return Err(StoreError::bad_request(
                "sort",
                "relevance",
                "relevance needs a q to rank by",
            ));
        }
        (Some(s), Some(_))
            if s.split(',')
                .any(|k| k.trim().trim_start_matches(['-', '+']) == "relevance") =>
        {
            return Err(StoreError::bad_request(
                "sort",
                "relevance",
                "relevance cannot be combined with other sort fields",
            ));
        }
        _ => false,
    };
    let mut conditions = vec![scope];
    conditions.extend(extra);
    conditions.extend(filter_conditions(spec, &params.filters, me)?);
    if ranked {
        if let Some((search, query)) = query {
            return ranked::run(conn, spec, search, &query, params, conditions);
        }
    }
    let keys = parse_sort(spec, sort)?;
    let searching = query.is_some();
    if let Some((search, query)) = &query {
        conditions.push(search.any_match(spec.table, conn.dialect(), query));
    }
    let mut where_clause = SqlBuf::new(" WHERE ");
    for (i, c) in conditions.into_iter().enumerate() {
        if i > 0 {
            where_clause.push(" AND ");
        }
        where_clause.push("(").append(c).push(")");
    }

    let total = if params.count {
        let limit = if searching {
            count::SEARCH_COUNT_LIMIT
        } else {
            count::COUNT_LIMIT
        };
        Some(count::capped(
            conn,
            spec.table,
            where_clause.clone(),
            limit,
            searching,
        )?)
    } else {
        None
    };

    let mut select = SqlBuf::new(&format!("SELECT * FROM {}", spec.table));
    select.append(where_clause);
    if let Some(cursor) = params.cursor.as_deref() {
        let values = decode_cursor(cursor, &keys)?;
        select.push(" AND ").append(after_cursor(&keys, &values));
    }
    let limit = params.limit.clamp(1, MAX_LIMIT);
    select.push(&format!(
        " ORDER BY {} LIMIT {}",
        order_by(&keys),
        limit + 1
    ));
    let mut rows = if searching {
        conn.query_planned(&select.sql, &select.params)?
    } else {
        conn.query(&select.sql, &select.params)?
    };
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| encode_cursor(r, &keys)).transpose()?
    } else {
        None
    };
    Ok(Page {
        data: rows,
        next_cursor,
        total: None,
        total_exact: None,
    }
    .with_total(total))
}
