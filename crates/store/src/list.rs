//! The list conventions every resource shares (API.md "Lists"): `limit`, an opaque keyset
//! `cursor`, `sort`, typed filters with `_after`/`_before` ranges, `q` text search and an
//! optional `total`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, NaiveDate, Utc};
use rapport_db::{format_timestamp, parse_timestamp, Conn, Row, Value};
use uuid::Uuid;

use crate::{SqlBuf, StoreError};

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;
const MAX_FILTER_VALUES: usize = 100;

/// The standard list parameters, plus every other query parameter as a filter.
#[derive(Debug, Clone)]
pub struct ListParams {
    pub limit: usize,
    pub cursor: Option<String>,
    pub sort: Option<String>,
    pub q: Option<String>,
    pub count: bool,
    pub filters: Vec<(String, String)>,
}

impl Default for ListParams {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            cursor: None,
            sort: None,
            q: None,
            count: false,
            filters: Vec::new(),
        }
    }
}

impl ListParams {
    /// Removes and returns the values of one filter, for resources that treat it specially.
    pub fn take_filter(&mut self, name: &str) -> Vec<String> {
        let mut taken = Vec::new();
        self.filters.retain(|(k, v)| {
            if k == name {
                taken.push(v.clone());
                false
            } else {
                true
            }
        });
        taken
    }
}

/// The `archived=false|true|all` filter of resources that archive (default false), as
/// a condition on `archived_at`.
pub fn take_archived(params: &mut ListParams) -> Result<Option<SqlBuf>, StoreError> {
    let archived = params.take_filter("archived");
    match archived.last().map(String::as_str) {
        None | Some("false") => Ok(Some(SqlBuf::new("archived_at IS NULL"))),
        Some("true") => Ok(Some(SqlBuf::new("archived_at IS NOT NULL"))),
        Some("all") => Ok(None),
        Some(other) => Err(StoreError::bad_request(
            "archived",
            "enum",
            format!("must be false, true or all, not {other:?}"),
        )),
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
    /// Present when asked for with `count=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
}

impl<T> Page<T> {
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            data: self.data.into_iter().map(f).collect::<Result<_, E>>()?,
            next_cursor: self.next_cursor,
            total: self.total,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Uuid,
    Timestamp,
    Date,
    Int,
    Bool,
}

/// A column that can be sorted or filtered on, under its API name.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub column: &'static str,
    pub kind: Kind,
    pub nullable: bool,
}

impl Field {
    pub const fn new(name: &'static str, column: &'static str, kind: Kind) -> Self {
        Self {
            name,
            column,
            kind,
            nullable: false,
        }
    }

    pub const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }
}

/// What a resource's list accepts.
pub struct ListSpec {
    pub table: &'static str,
    pub sortable: &'static [Field],
    /// e.g. "-created_at"; the id is always the last tie-breaker.
    pub default_sort: &'static str,
    pub filters: &'static [Field],
    /// How `q` finds and ranks rows, if the resource is searchable.
    pub search: Option<&'static crate::search::Search>,
}

const ID: Field = Field::new("id", "id", Kind::Uuid);

struct SortKey {
    name: String,
    /// SQL for the value, in WHERE and ORDER BY.
    expr: String,
    /// The result column the value is read back from, for the cursor.
    read_as: String,
    kind: Kind,
    nullable: bool,
    desc: bool,
}

impl SortKey {
    fn of(field: Field, desc: bool) -> Self {
        Self {
            name: field.name.to_owned(),
            expr: field.column.to_owned(),
            read_as: field.column.to_owned(),
            kind: field.kind,
            nullable: field.nullable,
            desc,
        }
    }
}

fn parse_sort(spec: &ListSpec, sort: Option<&str>) -> Result<Vec<SortKey>, StoreError> {
    let text = sort
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(spec.default_sort);
    let mut keys: Vec<SortKey> = Vec::new();
    for part in text.split(',').map(str::trim) {
        let (desc, name) = match part.strip_prefix('-') {
            Some(n) => (true, n),
            None => (false, part.strip_prefix('+').unwrap_or(part)),
        };
        let key = if name == "id" {
            SortKey::of(ID, desc)
        } else {
            let field = *spec
                .sortable
                .iter()
                .find(|f| f.name == name)
                .ok_or_else(|| {
                    let names: Vec<&str> = spec.sortable.iter().map(|f| f.name).collect();
                    let relevance = if spec.search.is_some() {
                        "; relevance (alone, with q)"
                    } else {
                        ""
                    };
                    StoreError::bad_request(
                        "sort",
                        "sort_field",
                        format!(
                            "cannot sort by {name:?}; sortable fields: {}, id{relevance}",
                            names.join(", ")
                        ),
                    )
                })?;
            SortKey::of(field, desc)
        };
        if keys.iter().any(|k| k.name == key.name) {
            return Err(StoreError::bad_request(
                "sort",
                "sort_field",
                format!("{name:?} appears twice"),
            ));
        }
        let is_id = key.name == "id";
        keys.push(key);
        if is_id {
            break; // the id is unique: nothing after it can matter
        }
    }
    if keys.last().is_none_or(|k| k.name != "id") {
        let desc = keys.first().is_some_and(|k| k.desc);
        keys.push(SortKey::of(ID, desc));
    }
    Ok(keys)
}

fn signature(keys: &[SortKey]) -> String {
    keys.iter()
        .map(|k| format!("{}{}", if k.desc { "-" } else { "" }, k.name))
        .collect::<Vec<_>>()
        .join(",")
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Int(i) => (*i).into(),
        Value::Timestamp(t) => format_timestamp(t).into(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string().into(),
        Value::Uuid(u) => u.to_string().into(),
        Value::Text(s) => s.clone().into(),
        other => format!("{other:?}").into(),
    }
}

fn parse_value(kind: Kind, s: &str) -> Option<Value> {
    Some(match kind {
        Kind::Text => Value::Text(s.to_owned()),
        Kind::Uuid => Value::Uuid(Uuid::parse_str(s).ok()?),
        Kind::Timestamp => Value::Timestamp(parse_time_bound(s)?),
        Kind::Date => Value::Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?),
        Kind::Int => Value::Int(s.parse().ok()?),
        Kind::Bool => Value::Bool(match s {
            "true" | "1" => true,
            "false" | "0" => false,
            _ => return None,
        }),
    })
}

/// A timestamp filter value: RFC 3339, or a date meaning its midnight UTC.
fn parse_time_bound(s: &str) -> Option<DateTime<Utc>> {
    parse_timestamp(s).or_else(|| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
    })
}

fn cursor_value(kind: Kind, v: &serde_json::Value) -> Option<Value> {
    match (kind, v) {
        (_, serde_json::Value::Null) => Some(Value::Null),
        (Kind::Int, serde_json::Value::Number(n)) => n.as_i64().map(Value::Int),
        (Kind::Bool, serde_json::Value::Bool(b)) => Some(Value::Bool(*b)),
        (k, serde_json::Value::String(s)) => parse_value(k, s),
        _ => None,
    }
}

fn bad_cursor() -> StoreError {
    StoreError::bad_request(
        "cursor",
        "cursor",
        "is not a cursor from this list (cursors are opaque and only valid with the same sort)",
    )
}

fn decode_cursor(cursor: &str, keys: &[SortKey]) -> Result<Vec<Value>, StoreError> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad_cursor())?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad_cursor())?;
    if json.get("s").and_then(|s| s.as_str()) != Some(signature(keys).as_str()) {
        return Err(bad_cursor());
    }
    let values = json
        .get("v")
        .and_then(|v| v.as_array())
        .ok_or_else(bad_cursor)?;
    if values.len() != keys.len() {
        return Err(bad_cursor());
    }
    keys.iter()
        .zip(values)
        .map(|(k, v)| {
            let value = cursor_value(k.kind, v).ok_or_else(bad_cursor)?;
            if value.is_null() && !k.nullable {
                return Err(bad_cursor());
            }
            Ok(value)
        })
        .collect()
}

fn encode_cursor(row: &Row, keys: &[SortKey]) -> Result<String, StoreError> {
    let values = keys
        .iter()
        .map(|k| Ok(to_json(row.value(&k.read_as)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let json = serde_json::json!({ "s": signature(keys), "v": values });
    Ok(URL_SAFE_NO_PAD.encode(json.to_string()))
}

/// Rows after the cursor in the sort order. NULLs sort last in both directions, the same
/// on both engines.
fn after_cursor(keys: &[SortKey], values: &[Value]) -> SqlBuf {
    let mut buf = SqlBuf::default();
    let Some((key, rest)) = keys.split_first() else {
        buf.push("FALSE");
        return buf;
    };
    let value = &values[0];
    let col = key.expr.as_str();
    let op = if key.desc { "<" } else { ">" };
    buf.push("(");
    if value.is_null() {
        // Only NULLs remain at or after a NULL.
        if rest.is_empty() {
            buf.push("FALSE");
        } else {
            buf.push(&format!("{col} IS NULL AND "));
            buf.append(after_cursor(rest, &values[1..]));
        }
    } else {
        buf.push(&format!("{col} {op} ")).bind(value.clone());
        if key.nullable {
            buf.push(&format!(" OR {col} IS NULL"));
        }
        if !rest.is_empty() {
            buf.push(&format!(" OR ({col} = ")).bind(value.clone());
            buf.push(" AND ");
            buf.append(after_cursor(rest, &values[1..]));
            buf.push(")");
        }
    }
    buf.push(")");
    buf
}

fn order_by(keys: &[SortKey]) -> String {
    keys.iter()
        .map(|k| {
            let dir = if k.desc { "DESC" } else { "ASC" };
            if k.nullable {
                format!("({c} IS NULL) ASC, {c} {dir}", c = k.expr)
            } else {
                format!("{} {dir}", k.expr)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn filter_error(name: &str, rule: &str, message: String) -> StoreError {
    StoreError::bad_request(name, rule, message)
}

/// Turns the generic filters into conditions. `me` stands for the actor's id in UUID
/// filters, `null` for "has no value" in nullable ones; commas or repeats mean "any of".
fn filter_conditions(
    spec: &ListSpec,
    filters: &[(String, String)],
    me: Uuid,
) -> Result<Vec<SqlBuf>, StoreError> {
    let mut out = Vec::new();
    for (name, raw) in filters {
        let (field, range) = match spec.filters.iter().find(|f| f.name == name.as_str()) {
            Some(f) => (*f, None),
            None => {
                let ranged =
                    [("_after", ">="), ("_before", "<")]
                        .iter()
                        .find_map(|(suffix, op)| {
                            let base = name.strip_suffix(suffix)?;
                            spec.filters
                                .iter()
                                .find(|f| {
                                    matches!(f.kind, Kind::Timestamp | Kind::Date | Kind::Int)
                                        && f.name.strip_suffix("_at").unwrap_or(f.name) == base
                                })
                                .map(|f| (*f, *op))
                        });
                match ranged {
                    Some((f, op)) => (f, Some(op)),
                    None => {
                        let mut names: Vec<String> =
                            spec.filters.iter().map(|f| f.name.to_owned()).collect();
                        names.sort();
                        return Err(filter_error(
                            name,
                            "unknown_parameter",
                            format!(
                                "is not a parameter of this list; filters: {}, plus _after/_before on dates",
                                names.join(", ")
                            ),
                        ));
                    }
                }
            }
        };
        let col = field.column;
        let parse = |s: &str| -> Result<Value, StoreError> {
            if field.kind == Kind::Uuid && s == "me" {
                return Ok(Value::Uuid(me));
            }
            parse_value(field.kind, s).ok_or_else(|| {
                let what = match field.kind {
                    Kind::Uuid => "a UUID (or me)",
                    Kind::Timestamp => "an RFC 3339 time or a YYYY-MM-DD date",
                    Kind::Date => "a YYYY-MM-DD date",
                    Kind::Int => "an integer",
                    Kind::Bool => "true or false",
                    Kind::Text => "text",
                };
                filter_error(name, "type", format!("{s:?} is not {what}"))
            })
        };
        let mut cond = SqlBuf::default();
        if let Some(op) = range {
            cond.push(&format!("{col} {op} ")).bind(parse(raw.trim())?);
        } else {
            let parts: Vec<&str> = raw
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if parts.is_empty() {
                return Err(filter_error(name, "required", "needs a value".into()));
            }
            if parts.len() > MAX_FILTER_VALUES {
                return Err(filter_error(
                    name,
                    "max_items",
                    format!("at most {MAX_FILTER_VALUES} values"),
                ));
            }
            let wants_null = field.nullable && parts.contains(&"null");
            let values = parts
                .iter()
                .filter(|p| !(field.nullable && **p == "null"))
                .map(|p| parse(p))
                .collect::<Result<Vec<_>, _>>()?;
            cond.push("(");
            if !values.is_empty() {
                cond.push(&format!("{col} IN ")).bind_list(values);
            }
            if wants_null {
                if cond.sql.len() > 1 {
                    cond.push(" OR ");
                }
                cond.push(&format!("{col} IS NULL"));
            }
            cond.push(")");
        }
        out.push(cond);
    }
    Ok(out)
}

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
    store
        .db
        .read(move |c| run(c, spec, &params, me, scope, extra)?.try_map(|r| from_row(&r)))
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
                "sort_field",
                "relevance needs a q to rank by",
            ));
        }
        (Some(s), Some(_))
            if s.split(',')
                .any(|k| k.trim().trim_start_matches(['-', '+']) == "relevance") =>
        {
            return Err(StoreError::bad_request(
                "sort",
                "sort_field",
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
            return crate::ranked::run(conn, spec, search, &query, params, conditions);
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
        let mut count = SqlBuf::new(&format!("SELECT COUNT(*) FROM {}", spec.table));
        count.append(where_clause.clone());
        conn.query_scalar::<i64>(&count.sql, &count.params)?
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
        total,
    })
}
