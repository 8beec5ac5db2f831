//! Sorting and keyset cursors: the sort keys a `sort` parameter names, the opaque cursor
//! that carries the last row's values, and the condition for the rows after it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rapport_db::{format_timestamp, Row, Value};

use super::filters::parse_value;
use super::params::{Field, Kind, ListSpec};
use crate::{SqlBuf, StoreError};

const ID: Field = Field::new("id", "id", Kind::Uuid);

pub(super) struct SortKey {
    pub(super) name: String,
    /// SQL for the value, in WHERE and ORDER BY.
    pub(super) expr: String,
    /// The result column the value is read back from, for the cursor.
    pub(super) read_as: String,
    pub(super) kind: Kind,
    pub(super) nullable: bool,
    pub(super) desc: bool,
}

impl SortKey {
    fn of(field: Field, desc: bool) -> Self {
        let expr = match field.kind {
            Kind::Decimal => format!("CAST({} AS DOUBLE PRECISION)", field.column),
            _ => field.column.to_owned(),
        };
        Self {
            name: field.name.to_owned(),
            expr,
            read_as: field.column.to_owned(),
            kind: field.kind,
            nullable: field.nullable,
            desc,
        }
    }
}

pub(super) fn parse_sort(spec: &ListSpec, sort: Option<&str>) -> Result<Vec<SortKey>, StoreError> {
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
                "repeated",
                format!("{name:?} appears twice"),
            ));
        }
        keys.push(key);
    }
    // The id is unique: nothing after it can matter (what follows is still checked, so
    // that every key the schema's pattern refuses is refused).
    if let Some(at) = keys.iter().position(|k| k.name == "id") {
        keys.truncate(at + 1);
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
        Value::Decimal(d) => d.normalize().to_string().into(),
        other => format!("{other:?}").into(),
    }
}

fn cursor_value(kind: Kind, v: &serde_json::Value) -> Option<Value> {
    match (kind, v) {
        (_, serde_json::Value::Null) => Some(Value::Null),
        // Int columns are 32-bit: a forged cursor beyond that is not a cursor of this list.
        (Kind::Int, serde_json::Value::Number(n)) => n
            .as_i64()
            .filter(|v| i32::try_from(*v).is_ok())
            .map(Value::Int),
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

pub(super) fn decode_cursor(cursor: &str, keys: &[SortKey]) -> Result<Vec<Value>, StoreError> {
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

pub(super) fn encode_cursor(row: &Row, keys: &[SortKey]) -> Result<String, StoreError> {
    let values = keys
        .iter()
        .map(|k| Ok(to_json(row.value(&k.read_as)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let json = serde_json::json!({ "s": signature(keys), "v": values });
    Ok(URL_SAFE_NO_PAD.encode(json.to_string()))
}

/// Rows after the cursor in the sort order. NULLs sort last in both directions, the same
/// on both engines.
pub(super) fn after_cursor(keys: &[SortKey], values: &[Value]) -> SqlBuf {
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
        buf.push(&format!("{col} {op} "));
        bind_key(&mut buf, key, value);
        if key.nullable {
            buf.push(&format!(" OR {col} IS NULL"));
        }
        if !rest.is_empty() {
            buf.push(&format!(" OR ({col} = "));
            bind_key(&mut buf, key, value);
            buf.push(" AND ");
            buf.append(after_cursor(rest, &values[1..]));
            buf.push(")");
        }
    }
    buf.push(")");
    buf
}

/// A cursor's value as its key is compared: a decimal is cast like its column (the
/// inner cast types the parameter on PostgreSQL, and turns SQLite's text into a number).
fn bind_key(buf: &mut SqlBuf, key: &SortKey, value: &Value) {
    if key.kind == Kind::Decimal {
        buf.push("CAST(CAST(")
            .bind(value.clone())
            .push(" AS NUMERIC) AS DOUBLE PRECISION)");
    } else {
        buf.bind(value.clone());
    }
}

pub(super) fn order_by(keys: &[SortKey]) -> String {
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
