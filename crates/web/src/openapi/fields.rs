//! Schemas of the fields of the request bodies the web layer reads itself (sign-in,
//! tokens, tags, reassignment, reopening), each as its `ObjectReader` call reads it.
//! Used with `#[schema(schema_with = ...)]`: the text rules (trimmed, not blank, no
//! control characters, the length as sent) are one pattern, not an attribute.

use rapport_domain::changes::schema::{array_of, or_null, secret, text};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{Object, RefOr};

/// `required_string(name, max)`.
fn required(max: usize, description: &str) -> Object {
    text(max).description(Some(description)).build()
}

/// `optional_string(name, max)`: also `null`.
fn optional(max: usize, description: &str) -> RefOr<Schema> {
    let mut schema = or_null(text(max).build().into());
    if let Schema::Object(o) = &mut schema {
        o.description = Some(description.to_owned());
    }
    RefOr::T(schema)
}

pub fn partner_link_notes() -> RefOr<Schema> {
    optional(2000, "Free text about the relationship.")
}

pub fn token_name() -> Object {
    required(100, "What the token is for, to recognise it in the list.")
}

pub fn login_email() -> RefOr<Schema> {
    optional(254, "A local user's email, or a directory user's.")
}

pub fn login_username() -> RefOr<Schema> {
    optional(
        256,
        "A directory user's name, as the directory's user filter takes it (e.g. `uid`).",
    )
}

pub fn password() -> Object {
    secret(1024)
        .description(Some("Exactly as typed: spaces are part of it."))
        .build()
}

pub fn tag() -> Object {
    required(rapport_domain::account::MAX_TAG_LEN, "A tag.")
}

/// `patch_string_list(name, 50, MAX_TAG_LEN)`; `null` is an empty list.
pub fn tag_list() -> RefOr<Schema> {
    let items = text(rapport_domain::account::MAX_TAG_LEN).build();
    let mut schema = or_null(array_of(items, rapport_domain::account::MAX_TAGS));
    if let Schema::Array(a) = &mut schema {
        a.description = Some("Up to 50 tags; repeats count once.".to_owned());
    }
    RefOr::T(schema)
}

pub fn reason() -> Object {
    required(2000, "Written to the status history with the move.")
}

pub fn account_kind_filter() -> RefOr<Schema> {
    optional(50, "Only accounts of this kind.")
}

pub fn country_filter() -> RefOr<Schema> {
    optional(
        2,
        "Only accounts in this country: its two-letter code, in any case.",
    )
}

pub fn region_filter() -> RefOr<Schema> {
    optional(100, "Only accounts in this region.")
}

pub fn tag_filter() -> RefOr<Schema> {
    optional(
        rapport_domain::account::MAX_TAG_LEN,
        "Only accounts with this tag.",
    )
}

/// `merge`'s `take`: a field that may be taken (`lifecycle::merge::TAKEABLE`) to the id
/// of the merged account to take it from; `null` takes nothing.
pub fn merge_take() -> RefOr<Schema> {
    use rapport_domain::changes::schema::{formatted, one_of};
    use utoipa::openapi::schema::{AdditionalProperties, KnownFormat, ObjectBuilder, Type};
    let takeable = one_of(rapport_store::lifecycle::merge::TAKEABLE.to_vec()).build();
    let account = formatted(KnownFormat::Uuid).build();
    let take = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property_names(Some(takeable))
        .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(account.into()))))
        .description(Some(
            "Field name to the id of the merged account to take it from.",
        ))
        .build();
    RefOr::T(or_null(take.into()))
}
