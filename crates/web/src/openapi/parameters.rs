//! The rules the shared readers apply to parameters, written onto every operation that
//! takes them. One place, as the readers are one: `If-Match` (crate::etag),
//! `Idempotency-Key` (crate::idempotency), `sort` (the store's list, from each list's
//! [`ListSpec`]), `format`, `include`, the dashboards' and the board's dates and user ids,
//! and the NUL character no text parameter may hold (crate::query).

use rapport_domain::changes::schema::TRIMMED;
use rapport_store::kernel::list::ListSpec;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{OpenApi, RefOr};

/// A UUID as the readers take it: hyphenated, either case.
pub(super) const UUID: &str =
    "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";

/// `If-Match` is described by name, not by a pattern: a plain string header of that
/// name is what fuzzers and client generators know as RFC 9110's entity-tag list (a
/// pattern for the list grammar made schemathesis draw values outside it).
const IF_MATCH: &str = "RFC 9110: `*`, or entity tags separated by commas (`\"3\"`, \
    `W/\"3\"`), opaque tags in visible ASCII but `\"`. Anything else is a 400 naming \
    If-Match; a strong tag that is not the record's current version is a 412.";

/// 1 to 255 visible ASCII characters (crate::idempotency::valid_key).
const IDEMPOTENCY_KEY: &str = r"^[\x21-\x7E]{1,255}$";

/// Text in a query or path: anything but NUL, which crate::query refuses.
const NO_NUL: &str = r"^[^\u0000]*$";

/// Sets each parameter's schema to what its reader accepts. `lists` names the store's
/// list behind each list path, for its sortable fields.
pub fn with_parameter_rules(mut doc: OpenApi, lists: &[(&str, &ListSpec)]) -> OpenApi {
    for (path, item) in doc.paths.paths.iter_mut() {
        let list = lists.iter().find(|(p, _)| p == path).map(|(_, spec)| *spec);
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            for parameter in op.parameters.iter_mut().flatten() {
                if parameter.parameter_in == ParameterIn::Header && parameter.name == "If-Match" {
                    parameter.description = Some(IF_MATCH.to_owned());
                }
                if let Some(schema) = rule(parameter, list) {
                    parameter.schema = Some(RefOr::T(schema));
                }
            }
        }
    }
    doc
}

/// The schema of one parameter, when a shared reader decides it.
fn rule(p: &Parameter, list: Option<&ListSpec>) -> Option<Schema> {
    let string = || ObjectBuilder::new().schema_type(Type::String);
    let pattern = |re: String| Some(string().pattern(Some(re)).build().into());
    let names = |values: &[&str]| Some(string().enum_values(Some(values.to_vec())).build().into());
    let date = || {
        Some(
            string()
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
                .build()
                .into(),
        )
    };
    // On a list, a filter may share a name with another operation's parameter (`active`,
    // `owner_id`) and reads differently (crate::openapi::filters has its schema): there
    // only the list's own parameters are decided here.
    let elsewhere = list.is_none();
    match (&p.parameter_in, p.name.as_str()) {
        (ParameterIn::Header, "If-Match") => Some(string().build().into()),
        (ParameterIn::Header, "Idempotency-Key") => pattern(IDEMPOTENCY_KEY.to_owned()),
        (ParameterIn::Query, "format") => names(&["json", "csv"]),
        (ParameterIn::Query, "include") => pattern(comma_list(&["contacts", "reps", "notes"])),
        (ParameterIn::Query, "sort") => list.and_then(|spec| pattern(sort_pattern(spec))),
        (ParameterIn::Query, "interval") if elsewhere => names(&["month", "quarter", "year"]),
        (ParameterIn::Query, "active") if elsewhere => names(&["true", "false", "all"]),
        (ParameterIn::Query, "owner_id" | "rep_id") if elsewhere => {
            pattern(format!("^(?:me|{UUID})$"))
        }
        // The dashboards' and the board's dates; a handler that declares its own pattern
        // (the monthly statistics' `YYYY-MM` months) keeps it.
        (ParameterIn::Query, "from" | "to" | "expected_close_after" | "expected_close_before")
            if elsewhere && !has_pattern(p) =>
        {
            date()
        }
        (ParameterIn::Query | ParameterIn::Path, _) if plain_text(p) => pattern(NO_NUL.to_owned()),
        _ => None,
    }
}

/// Whether the handler gave the parameter a pattern of its own.
fn has_pattern(p: &Parameter) -> bool {
    matches!(&p.schema, Some(RefOr::T(Schema::Object(o))) if o.pattern.is_some())
}

/// Whether the parameter is free text: a string with no format, pattern or enum.
fn plain_text(p: &Parameter) -> bool {
    let Some(RefOr::T(Schema::Object(o))) = &p.schema else {
        return false;
    };
    let is_string = matches!(
        &o.schema_type,
        utoipa::openapi::schema::SchemaType::Type(Type::String)
    );
    is_string && o.format.is_none() && o.pattern.is_none() && o.enum_values.is_none()
}

/// `include`: names separated by commas, each trimmed, empty ones ignored
/// (rapport_store::reports::include::Include::parse).
fn comma_list(names: &[&str]) -> String {
    let item = format!("[{TRIMMED}]*(?:{})?[{TRIMMED}]*", names.join("|"));
    format!("^{item}(?:,{item})*$")
}

/// `sort`: blank for the list's default, or sortable fields separated by commas, each
/// trimmed and optionally prefixed `-` (descending) or `+`; `relevance` where the list
/// is searchable. A field named twice, or relevance without `q` or beside other fields,
/// is refused by rules no pattern can say (`repeated`, `relevance`).
fn sort_pattern(spec: &ListSpec) -> String {
    let mut fields: Vec<&str> = spec.sortable.iter().map(|f| f.name).collect();
    fields.push("id");
    if spec.search.is_some() {
        fields.push("relevance");
    }
    let key = format!("[{TRIMMED}]*[-+]?(?:{})[{TRIMMED}]*", fields.join("|"));
    format!("^(?:[{TRIMMED}]*|{key}(?:,{key})*)$")
}
