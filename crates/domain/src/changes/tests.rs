// The test types use only part of what a declaration generates.
#![allow(dead_code)]

use serde_json::json;
use utoipa::PartialSchema;
use uuid::Uuid;

use super::changes;
use super::kinds::{Id, Int, OptionalText, Text, TextList};
use super::schema::as_json;
use crate::input::{ObjectReader, Patch};

#[derive(Debug, Default, PartialEq)]
struct Thing {
    name: String,
    size: i64,
    note: Option<String>,
    tags: Vec<String>,
    owner: Option<Uuid>,
    name_length: usize,
}

fn refresh(t: &mut Thing) {
    t.name_length = t.name.len();
}

fn no_digits(r: &mut ObjectReader, name: &Patch<String>) {
    if let Patch::Set(n) = name {
        if n.chars().any(|c| c.is_ascii_digit()) {
            r.error("name", "digits", "must not contain digits");
        }
    }
}

changes! {
    #[derive(Debug, Default)]
    struct ThingChanges {
        name: Text(10) [required not_null] then no_digits,
        size: Int(0, 9) [not_null],
        /// Said about the thing.
        note as "remark": Text(20),
        tags: TextList(3, 5),
        owner: Id,
        reason: OptionalText(50) [no_apply],
    }
    apply to Thing, then refresh;
    create schema ThingCreate;
    patch schema ThingPatch;
    checks after;
    read with super::no_rules;
}

changes! {
    #[derive(Debug, Default)]
    struct InlineChanges {
        size: Int(0, 9) [not_null],
        name: Text(10),
    }
    checks inline;
    read with super::no_rules;
}

fn errors<T: std::fmt::Debug>(result: Result<T, crate::Invalid>) -> Vec<(String, String)> {
    match result {
        Ok(v) => panic!("expected errors, read {v:?}"),
        Err(e) => e.0.into_iter().map(|e| (e.field, e.rule)).collect(),
    }
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(f, r)| (f.to_string(), r.to_string()))
        .collect()
}

#[test]
fn fields_are_read_in_order_with_their_checks() {
    let body = json!({"remark": 3, "size": null, "name": "b2", "zzz": 1});
    assert_eq!(
        errors(ThingChanges::read(body.clone(), false)),
        pairs(&[
            ("name", "digits"),
            ("remark", "type"),
            ("size", "required"),
            ("zzz", "unknown_field")
        ])
    );
    assert_eq!(
        errors(InlineChanges::read(json!({"name": 5, "size": null}), false)),
        pairs(&[("size", "required"), ("name", "type")])
    );
    assert_eq!(
        errors(ThingChanges::read(json!({"name": null}), true)),
        pairs(&[("name", "required")])
    );
    let read = ThingChanges::read(
        json!({"name": "ab", "remark": null, "reason": " why "}),
        true,
    )
    .unwrap();
    assert_eq!(read.name, Patch::Set("ab".into()));
    assert_eq!(read.note, Patch::Null);
    assert_eq!(read.reason.as_deref(), Some("why"));
}

#[test]
fn apply_writes_set_and_cleared_fields_then_derives() {
    let owner = Uuid::from_u128(9);
    let mut thing = Thing {
        name: "old".into(),
        size: 4,
        note: Some("n".into()),
        tags: vec!["a".into()],
        owner: None,
        name_length: 3,
    };
    let changes = ThingChanges {
        name: Patch::Set("newer".into()),
        size: Patch::Null,
        note: Patch::Null,
        tags: Patch::Null,
        owner: Patch::Set(owner),
        reason: Some("not a field".into()),
    };
    changes.apply_to(&mut thing);
    assert_eq!(
        thing,
        Thing {
            name: "newer".into(),
            size: 4,
            note: None,
            tags: vec![],
            owner: Some(owner),
            name_length: 5,
        }
    );
    ThingChanges::default().apply_to(&mut thing);
    assert_eq!(thing.name, "newer");
}

#[test]
fn schemas_follow_the_declaration() {
    let create = as_json(ThingCreate::schema());
    assert_eq!(create["type"], "object");
    assert_eq!(create["additionalProperties"], false);
    assert_eq!(create["required"], json!(["name"]));
    assert_eq!(create["properties"]["name"]["type"], "string");
    assert_eq!(create["properties"]["name"]["maxLength"], 10);
    assert_eq!(create["properties"]["size"]["type"], "integer");
    assert_eq!(create["properties"]["size"]["maximum"], 9);
    assert_eq!(
        create["properties"]["remark"]["type"],
        json!(["string", "null"])
    );
    assert_eq!(
        create["properties"]["remark"]["description"],
        "Said about the thing."
    );
    assert_eq!(create["properties"]["tags"]["maxItems"], 3);
    assert_eq!(create["properties"]["tags"]["items"]["maxLength"], 5);
    assert_eq!(create["properties"]["owner"]["format"], "uuid");
    let patch = as_json(ThingPatch::schema());
    assert!(
        patch.get("required").is_none_or(|r| r == &json!([])),
        "{patch}"
    );
    assert_eq!(patch["properties"]["name"]["type"], "string");
    assert_eq!(patch["properties"]["size"]["type"], "integer");
    assert_eq!(
        patch["properties"]["owner"]["type"],
        json!(["string", "null"])
    );
}
