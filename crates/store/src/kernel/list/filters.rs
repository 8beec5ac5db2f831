//! The typed filters of a list: `name=value[,value…]` (with `me` and `null`) and
//! `_after`/`_before` ranges on dates, times and numbers.

use chrono::{DateTime, Utc};
use rapport_db::{parse_timestamp, Value};
use uuid::Uuid;

use super::params::{Kind, ListSpec};
use crate::{SqlBuf, StoreError};

const MAX_FILTER_VALUES: usize = 100;

pub(super) fn parse_value(kind: Kind, s: &str) -> Option<Value> {
    Some(match kind {
        Kind::Text => Value::Text(s.to_owned()),
        Kind::Choice(set) => Value::Text(set.stored(s)?.to_owned()),
        Kind::Uuid => Value::Uuid(rapport_domain::validation::strict_uuid(s)?),
        Kind::Timestamp => Value::Timestamp(parse_time_bound(s)?),
        Kind::Date => Value::Date(rapport_domain::validation::strict_date(s)?),
        // Int columns are INTEGER (32-bit): a wider value would fail to bind on PostgreSQL.
        Kind::Int => Value::Int(i64::from(s.parse::<i32>().ok()?)),
        // Exactly the document's boolean.
        Kind::Decimal => Value::Decimal(rapport_domain::money::parse_amount(s).ok()?),
        Kind::Bool => Value::Bool(match s {
            "true" => true,
            "false" => false,
            _ => return None,
        }),
    })
}

/// A timestamp filter value: RFC 3339, or a date meaning its midnight UTC.
fn parse_time_bound(s: &str) -> Option<DateTime<Utc>> {
    parse_timestamp(s).or_else(|| {
        rapport_domain::validation::strict_date(s)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
    })
}

fn filter_error(name: &str, rule: &str, message: String) -> StoreError {
    StoreError::bad_request(name, rule, message)
}

/// A filter named more than once is one filter of all its values ("any of", as with
/// commas); ranges (`_after`, `_before`) stay as they are, each a bound.
fn any_of_repeats(spec: &ListSpec, filters: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(filters.len());
    for (name, raw) in filters {
        let plain = spec.filters.iter().any(|f| f.name == name.as_str());
        match out.iter_mut().find(|(n, _)| plain && n == name) {
            Some((_, values)) => {
                values.push(',');
                values.push_str(raw);
            }
            None => out.push((name.clone(), raw.clone())),
        }
    }
    out
}

/// Turns the generic filters into conditions. `me` stands for the actor's id in UUID
/// filters, `null` for "has no value" in nullable ones; commas or repeats mean "any of".
pub(super) fn filter_conditions(
    spec: &ListSpec,
    filters: &[(String, String)],
    me: Uuid,
) -> Result<Vec<SqlBuf>, StoreError> {
    let mut out = Vec::new();
    for (name, raw) in &any_of_repeats(spec, filters) {
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
        let col = match field.through {
            Some(_) => format!("via.{}", field.column),
            None => field.column.to_owned(),
        };
        let parse = |s: &str| -> Result<Value, StoreError> {
            if field.kind == Kind::Uuid && s == "me" {
                return Ok(Value::Uuid(me));
            }
            parse_value(field.kind, s).ok_or_else(|| {
                let what = match field.kind {
                    Kind::Uuid => "a UUID (or me)",
                    Kind::Timestamp => "an RFC 3339 time or a YYYY-MM-DD date",
                    Kind::Date => "a YYYY-MM-DD date",
                    Kind::Int => "a 32-bit integer",
                    Kind::Bool => "true or false",
                    Kind::Decimal => "a decimal number",
                    Kind::Text => "text",
                    Kind::Choice(set) => {
                        return filter_error(
                            name,
                            "enum",
                            format!("{s:?} is not one of {}", set.accepted().join(", ")),
                        )
                    }
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
        if let Some(through) = field.through {
            let mut linked = SqlBuf::new(&format!(
                "EXISTS (SELECT 1 FROM {} via WHERE via.{} = {}.id AND ",
                through.table, through.key, spec.table
            ));
            linked.append(cond).push(")");
            cond = linked;
        }
        out.push(cond);
    }
    Ok(out)
}
