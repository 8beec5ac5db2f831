//! Building the OpenAPI (3.1) schemas of request bodies from a declaration: one object
//! per body, one property per field, each as strict as its reader. Where JSON Schema
//! cannot say all a reader checks (an email's shape, length after trimming), the schema
//! says less, never something the reader refuses outright.

use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, Object, ObjectBuilder, Schema, SchemaFormat,
    SchemaType, Type,
};
use utoipa::openapi::RefOr;

use super::Kind;

/// One field of a body, as the declaration and its kind describe it.
pub struct Prop {
    name: &'static str,
    schema: Schema,
    description: String,
    required: bool,
    nullable_in_create: bool,
    nullable_in_patch: bool,
    in_create: bool,
    in_patch: bool,
}

impl Prop {
    /// `doc` is the field's doc comment, line by line; `required` and `not_null` its flags.
    pub fn of<K: Kind>(
        kind: &K,
        name: &'static str,
        doc: &[&str],
        required: bool,
        not_null: bool,
    ) -> Self {
        let nullable = kind.accepts_null() && !not_null;
        Prop {
            name,
            schema: kind.schema(),
            description: doc
                .iter()
                .map(|line| line.strip_prefix(' ').unwrap_or(line))
                .collect::<Vec<_>>()
                .join("\n"),
            required,
            // A required field is read as required on create, so `null` is refused there.
            nullable_in_create: nullable && !required,
            nullable_in_patch: nullable,
            in_create: kind.in_create(),
            in_patch: kind.in_patch(),
        }
    }
}

/// The schema of a create (`create`) or a patch body made of `props`: a closed object
/// (`additionalProperties: false`, as unknown fields are refused), with the fields
/// required on create listed on the create body only.
pub fn body(create: bool, props: Vec<Prop>) -> RefOr<Schema> {
    let mut body = ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    for p in props {
        let (present, nullable) = if create {
            (p.in_create, p.nullable_in_create)
        } else {
            (p.in_patch, p.nullable_in_patch)
        };
        if !present {
            continue;
        }
        let mut schema = p.schema;
        if nullable {
            schema = or_null(schema);
        }
        if !p.description.is_empty() {
            schema = described(schema, p.description);
        }
        body = body.property(p.name, schema);
        if create && p.required {
            body = body.required(p.name);
        }
    }
    RefOr::T(Schema::Object(body.build()))
}

/// The same schema, also accepting `null` (OpenAPI 3.1: `null` among the types, and in
/// the `enum` when there is one).
pub fn or_null(schema: Schema) -> Schema {
    let with_null = |t: SchemaType| match t {
        SchemaType::Type(t) => SchemaType::from_iter([t, Type::Null]),
        SchemaType::Array(mut ts) => {
            if !ts.contains(&Type::Null) {
                ts.push(Type::Null);
            }
            SchemaType::Array(ts)
        }
        SchemaType::AnyValue => SchemaType::AnyValue,
    };
    match schema {
        Schema::Object(mut o) => {
            o.schema_type = with_null(o.schema_type);
            if let Some(values) = o.enum_values.as_mut() {
                values.push(serde_json::Value::Null);
            }
            Schema::Object(o)
        }
        Schema::Array(mut a) => {
            a.schema_type = with_null(a.schema_type);
            Schema::Array(a)
        }
        other => other,
    }
}

fn described(schema: Schema, description: String) -> Schema {
    match schema {
        Schema::Object(mut o) => {
            o.description = Some(description);
            Schema::Object(o)
        }
        Schema::Array(mut a) => {
            a.description = Some(description);
            Schema::Array(a)
        }
        other => other,
    }
}

/// A trimmed, non-empty string of at most `max` characters, as `ObjectReader` reads it
/// (`\S`: blank strings are refused as empty).
pub fn text(max: usize) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(r"\S"))
}

/// A string in a well-known format (`uuid`, `date`, `date-time`, `email`).
pub fn formatted(format: KnownFormat) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(format)))
}

/// A string that must be one of `names`.
pub fn one_of(names: Vec<&'static str>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names))
}

/// A whole number within `min..=max`.
pub fn int(min: i64, max: i64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(max))
}

pub fn boolean() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Boolean)
}

/// Any JSON object.
pub fn any_object() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::FreeForm(true)))
}

/// A closed object: only the properties given are allowed.
pub fn closed_object() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

/// An array of `items`, at most `max_items` long.
pub fn array_of(items: Object, max_items: usize) -> Schema {
    Schema::Array(
        ArrayBuilder::new()
            .items(items)
            .max_items(Some(max_items))
            .build(),
    )
}

/// A schema as it is written in the OpenAPI document, for tests to read.
#[cfg(test)]
pub fn as_json(schema: RefOr<Schema>) -> serde_json::Value {
    serde_json::to_value(schema).unwrap_or_default()
}
