//! Each list's query parameters, declared from the store's [`ListSpec`]: the ones every
//! list reads (`limit`, `cursor`, `sort`, `count`, and `q` where the list is searchable;
//! crate::query reads them) and its typed filters (rapport_store::kernel::list,
//! `filters.rs` there reads them). A filter is
//! its field's name, with commas for "any of", `me` in UUID filters and `null` in
//! nullable ones; dates and numbers also take `<name>_after` (inclusive) and
//! `<name>_before` (exclusive), times only those (an exact instant is no filter anyone
//! types).

use rapport_domain::changes::schema::TRIMMED;
use rapport_store::kernel::list::{Field, Kind, ListSpec, DEFAULT_LIMIT, MAX_LIMIT};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{
    AnyOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::{OpenApi, Required};

use super::parameters::UUID;

/// At most this many values in one filter (the store's `MAX_FILTER_VALUES`).
const MAX_VALUES: usize = 100;

pub fn with_list_filters(mut doc: OpenApi, lists: &[(&str, &ListSpec)]) -> OpenApi {
    for (path, spec) in lists {
        let Some(op) = doc.paths.paths.get_mut(*path).and_then(|i| i.get.as_mut()) else {
            continue;
        };
        let params = op.parameters.get_or_insert_with(Vec::new);
        let filters = spec.filters.iter().flat_map(parameters_of);
        for parameter in standard(spec).into_iter().chain(filters) {
            // A handler that declares a parameter of the same name knows it better.
            if !params.iter().any(|p| p.name == parameter.name) {
                params.push(parameter);
            }
        }
    }
    doc
}

/// What every list reads (crate::query::ListQuery). `sort` and the text ones get their
/// patterns from crate::openapi::parameters.
fn standard(spec: &ListSpec) -> Vec<Parameter> {
    let limit = typed(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        .minimum(Some(1))
        .maximum(Some(MAX_LIMIT as i64));
    let mut out = vec![
        param(
            "limit",
            limit,
            &format!("1–{MAX_LIMIT}, default {DEFAULT_LIMIT}"),
        ),
        param("cursor", string(), "next_cursor of the previous page"),
        param(
            "sort",
            string(),
            "fields separated by commas, `-` for descending",
        ),
        param("count", typed(Type::Boolean), "include `total`"),
    ];
    if spec.search.is_some() {
        out.push(param("q", string(), "text search (see docs/api.md)"));
    }
    out
}

fn param(name: &str, schema: ObjectBuilder, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema.build()))
        .build()
}

fn parameters_of(field: &Field) -> Vec<Parameter> {
    let mut out = Vec::new();
    let equal = match field.kind {
        Kind::Text => Some(list_of(&text_value(), field.nullable)),
        Kind::Uuid => Some(list_of(&format!("me|{UUID}"), field.nullable)),
        Kind::Int => Some(int32().build().into()),
        Kind::Bool => Some(typed(Type::Boolean).build().into()),
        // Sorted on, never a filter.
        Kind::Decimal => None,
        Kind::Choice(set) => Some(list_of(&set.accepted().join("|"), field.nullable)),
        Kind::Date if field.nullable => Some(
            AnyOfBuilder::new()
                .item(date().build())
                .item(string().enum_values(Some(["null"])).build())
                .build()
                .into(),
        ),
        Kind::Date => Some(date().build().into()),
        Kind::Timestamp => None,
    };
    if let Some(schema) = equal {
        out.push(query(
            field.name.to_owned(),
            schema,
            "equal to (commas: any of)",
        ));
    }
    let bound = match field.kind {
        Kind::Date => Some(date()),
        Kind::Timestamp => Some(
            string()
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
                .description(Some(
                    "an RFC 3339 time; a YYYY-MM-DD date means its midnight UTC",
                )),
        ),
        Kind::Int => Some(int32()),
        Kind::Text | Kind::Uuid | Kind::Bool | Kind::Choice(_) | Kind::Decimal => None,
    };
    if let Some(bound) = bound {
        let base = field.name.strip_suffix("_at").unwrap_or(field.name);
        let schema: Schema = bound.build().into();
        out.push(query(
            format!("{base}_after"),
            schema.clone(),
            "at or after",
        ));
        out.push(query(format!("{base}_before"), schema, "before"));
    }
    out
}

fn query(name: String, schema: Schema, what: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(format!("Filter: {what}")))
        .schema(Some(schema))
        .build()
}

fn string() -> ObjectBuilder {
    typed(Type::String)
}

fn typed(t: Type) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(t)
}

/// The store's Int columns are 32-bit; one value (the reader also takes a comma list).
fn int32() -> ObjectBuilder {
    typed(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        .minimum(Some(i32::MIN))
        .maximum(Some(i32::MAX))
}

fn date() -> ObjectBuilder {
    string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
}

/// One text value as the filter reads it: trimmed, not empty, no comma (commas
/// separate values), no NUL.
fn text_value() -> String {
    format!("[^,{TRIMMED}\\u0000](?:[^,\\u0000]*[^,{TRIMMED}\\u0000])?")
}

/// 1 to 100 values separated by commas, each trimmed; empty ones are ignored, so
/// commas may repeat; `null` too where the field may be empty.
fn list_of(value: &str, nullable: bool) -> Schema {
    let value = if nullable {
        format!("(?:null|{value})")
    } else {
        format!("(?:{value})")
    };
    let gap = format!("[,{TRIMMED}]*");
    let separator = format!("[{TRIMMED}]*,{gap}");
    let more = MAX_VALUES - 1;
    let pattern = format!("^{gap}{value}(?:{separator}{value}){{0,{more}}}{gap}$");
    string().pattern(Some(pattern)).build().into()
}
