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

/// What `str::trim` removes (Unicode White_Space, `char::is_whitespace`), as the body of
/// a character class. Spelled out rather than `\s`, whose meaning differs between the
/// regex dialects that read the document.
pub const TRIMMED: &str =
    r"\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// The control characters text may not hold: Unicode Cc but tab, line feed and
/// carriage return (`ObjectReader`'s "characters" rule), as the body of a class.
pub const REFUSED_CONTROLS: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";

/// A pattern for a value the reader trims first: `core` as the trimmed value, with
/// whatever `str::trim` removes around it.
pub fn trimmed(core: &str) -> String {
    format!("^[{TRIMMED}]*(?:{core})[{TRIMMED}]*$")
}

/// The pattern of text as `ObjectReader` takes it: something other than white space,
/// and no refused control character once trimmed (one may stand at either end, where
/// trimming removes it, when it is white space too).
pub fn text_pattern() -> String {
    let edge = format!("[^{TRIMMED}{REFUSED_CONTROLS}]");
    trimmed(&format!("{edge}(?:[^{REFUSED_CONTROLS}]*{edge})?"))
}

/// A string of at most `max` characters as sent (`ObjectReader` counts before it
/// trims), not blank, without refused control characters.
pub fn text(max: usize) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(text_pattern()))
}

/// A secret (a password) as `ObjectReader::required_secret` takes it: exactly as sent,
/// 1 to `max` characters, no control character at all.
pub fn secret(max: usize) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(r"^[^\u0000-\u001F\u007F-\u009F]+$"))
}

/// A string in a well-known format (`uuid`, `date`, `date-time`, `email`).
pub fn formatted(format: KnownFormat) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(format)))
}

/// A string that must be one of `names`: an `enum`, unless two names differ only in
/// case (seed 001's `Residential` beside `residential`), which generated clients turn
/// into one constant twice; those sets are a pattern of the same names instead.
pub fn one_of(names: Vec<&'static str>) -> ObjectBuilder {
    let folded: std::collections::HashSet<String> =
        names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let string = ObjectBuilder::new().schema_type(Type::String);
    if folded.len() == names.len() {
        return string.enum_values(Some(names));
    }
    let alternatives: Vec<String> = names
        .iter()
        .map(|n| {
            n.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c.to_string()
                    } else {
                        format!("\\{c}")
                    }
                })
                .collect()
        })
        .collect();
    string.pattern(Some(format!("^(?:{})$", alternatives.join("|"))))
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

/// Each pattern against the reader it describes, on strings chosen at the edges of the
/// rules: white space `str::trim` removes or keeps, control characters inside and at
/// the ends.
#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::changes::kinds::{Money, Phone, WebUrl};
    use crate::changes::Kind;
    use crate::input::ObjectReader;

    fn pattern(schema: impl Into<Schema>) -> regex::Regex {
        let built = serde_json::to_value(schema.into()).unwrap();
        regex::Regex::new(built["pattern"].as_str().unwrap()).unwrap()
    }

    /// Whether the kind's reader takes `value` without an error.
    fn kind_reads(kind: &impl Kind, value: &str) -> bool {
        let mut r = ObjectReader::new(json!({ "f": value })).unwrap();
        let mode = super::super::Mode {
            create: true,
            required: false,
        };
        let _ = kind.read(&mut r, "f", mode);
        r.finish().is_ok()
    }

    /// The kind's pattern matches exactly the values its reader takes.
    fn agrees(kind: impl Kind, values: &[&str]) {
        let re = pattern(kind.schema());
        for s in values {
            assert_eq!(re.is_match(s), kind_reads(&kind, s), "{s:?}");
        }
    }

    fn reads(value: &str, read: impl Fn(&mut ObjectReader) -> bool) -> bool {
        let mut r = ObjectReader::new(json!({ "f": value })).unwrap();
        read(&mut r) && r.finish().is_ok()
    }

    const EDGES: [&str; 24] = [
        "a",
        " a ",
        "\ta\n",
        "\u{85}a\u{85}",
        "a\u{85}b",
        "\u{b}a",
        "a\u{b}b",
        "a\tb",
        "a\nb",
        "a\u{1f}",
        "\u{1f}a",
        "\u{0}",
        "a\u{7f}",
        "\u{3000}a\u{3000}",
        "\u{feff}",
        " ",
        "",
        "\u{200b}",
        "a\u{9f}b",
        "\u{a0}",
        "\u{2028}x",
        "é",
        "\u{1c}",
        "😀",
    ];

    #[test]
    fn the_text_pattern_is_the_text_reader() {
        let re = pattern(text(10).build());
        for s in EDGES {
            let read = reads(s, |r| r.optional_string("f", 10).is_some());
            assert_eq!(re.is_match(s), read, "{s:?}");
        }
    }

    #[test]
    fn the_secret_pattern_is_the_secret_reader() {
        let re = pattern(secret(10).build());
        for s in EDGES {
            let read = reads(s, |r| r.required_secret("f", 10).is_some());
            assert_eq!(re.is_match(s), read, "{s:?}");
        }
    }

    #[test]
    fn the_money_phone_and_url_patterns_are_their_readers() {
        let money = [
            "0",
            "1234.50",
            " 1.5 ",
            "1.23456",
            "1.2345",
            "-1",
            "-0",
            "+1",
            "1e3",
            ".5",
            "5.",
            "99999999999999.9999",
            "100000000000000",
            "1,5",
            "\u{3000}7\u{3000}",
            "",
        ];
        let phones = [
            "+44 20 7946 0000",
            "12",
            "123",
            " (01) 234 ",
            "1\t2 3",
            "abc123",
            "1-2-3x4",
            "123456789012345678901",
            "\u{3000}123",
        ];
        let urls = [
            "https://a.example",
            "http://x",
            "ftp://x",
            "https:///x",
            "https://a b",
            " https://a ",
            "https://",
            "https://a\u{85}",
            "\u{85}https://a",
        ];
        agrees(Money::new(), &money);
        agrees(Phone::new(40), &phones);
        agrees(WebUrl::new(40), &urls);
    }
}
