use serde_json::json;
use utoipa::PartialSchema;

use super::*;
use crate::changes::schema::as_json;

fn errors(v: serde_json::Value, create: bool) -> Vec<(String, String)> {
    match OrderTypeChanges::read(v, create) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.into_iter().map(|e| (e.field, e.rule)).collect(),
    }
}

fn schema_message(schema: serde_json::Value) -> String {
    let e = OrderTypeChanges::read(json!({"data_schema": schema}), false).unwrap_err();
    assert_eq!(
        (e.0[0].field.as_str(), e.0[0].rule.as_str()),
        ("data_schema", "json_schema")
    );
    e.0[0].message.clone()
}

#[test]
fn a_type_needs_a_key_and_a_name_and_keys_are_taken_exactly() {
    let got = errors(json!({}), true);
    assert_eq!(
        got,
        vec![
            ("key".into(), "required".into()),
            ("name".into(), "required".into())
        ]
    );
    for bad in ["Main", " main", "a b", "é", ""] {
        let got = errors(json!({"key": bad, "name": "X"}), true);
        assert_eq!(got.len(), 1, "{bad:?}: {got:?}");
        assert_eq!(got[0].0, "key");
    }
    let long = "a".repeat(51);
    assert_eq!(
        errors(json!({"key": long, "name": "X"}), true)[0].1,
        "max_length"
    );
    assert_eq!(
        errors(json!({"key": null, "name": "X"}), true)[0].1,
        "required"
    );
    assert_eq!(errors(json!({"key": null}), false)[0].1, "required");
    assert!(errors(json!({"key": "lab-order_2", "name": "Lab"}), true).is_empty());
}

#[test]
fn required_roles_are_distinct_keys_named_by_index() {
    let got = errors(
        json!({"required_roles": ["doctor", "Patient", "doctor", 3]}),
        false,
    );
    let fields: Vec<&str> = got.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "required_roles[1]",
            "required_roles[2]",
            "required_roles[3]"
        ]
    );
    assert_eq!(got[1].1, "unique");
    let many: Vec<String> = (0..21).map(|i| format!("r{i}")).collect();
    assert_eq!(
        errors(json!({"required_roles": many}), false)[0].1,
        "max_items"
    );
    let mut t = OrderType::blank(None, Utc::now());
    OrderTypeChanges::read(
        json!({"key": "main", "name": "Main", "required_roles": ["doctor", "patient"]}),
        true,
    )
    .unwrap()
    .apply_to(&mut t);
    assert_eq!(t.required_roles, ["doctor", "patient"]);
    assert!(t.active);
}

#[test]
fn a_schema_must_compile_and_the_compiler_says_where() {
    let m = schema_message(json!({"type": "object", "properties": {"age": {"type": "integr"}}}));
    assert!(m.contains("/properties/age/type"), "{m}");
    let m = schema_message(json!({"type": "string"}));
    assert!(m.contains("object"), "{m}");
    let m = schema_message(json!({"properties": {"a": {"pattern": "("}}}));
    assert!(!m.is_empty(), "{m}");
    let m = schema_message(json!({"$schema": "https://example.com/my-draft"}));
    assert!(!m.is_empty(), "{m}");
    // A remote reference is refused at once, never fetched.
    let started = std::time::Instant::now();
    let m = schema_message(json!({"properties": {"a": {"$ref": "https://example.com/a.json"}}}));
    assert!(m.contains("https://example.com/a.json"), "{m}");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    let m = schema_message(json!({"$ref": "file:///etc/passwd"}));
    assert!(m.contains("file:///etc/passwd"), "{m}");
    // References inside the schema, and other drafts, are fine.
    let inside =
        json!({"$defs": {"p": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/p"}}});
    assert!(errors(json!({"data_schema": inside}), false).is_empty());
    let draft7 = json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"});
    assert!(errors(json!({"data_schema": draft7}), false).is_empty());
}

#[test]
fn data_errors_name_the_pointer_and_the_keyword() {
    let mut t = OrderType::blank(None, Utc::now());
    let schema = json!({"type": "object", "required": ["patient"],
        "properties": {"patient": {"type": "object", "properties": {"age": {"type": "integer", "minimum": 0}}}}});
    t.data_schema = schema.as_object().cloned();
    assert!(t.data_errors(&json!({"patient": {"age": 4}})).is_empty());
    let e = t.data_errors(&json!({"patient": {"age": -1}}));
    assert_eq!(
        (e[0].field.as_str(), e[0].rule.as_str()),
        ("data/patient/age", "minimum")
    );
    let e = t.data_errors(&json!({}));
    assert_eq!(
        (e[0].field.as_str(), e[0].rule.as_str()),
        ("data", "required")
    );
    t.data_schema = None;
    assert!(t.data_errors(&json!({"anything": 1})).is_empty());
}

#[test]
fn a_state_reads_its_flags_and_refuses_what_cannot_be_together() {
    let mut s = OrderState::blank(None, Utc::now());
    OrderStateChanges::read(
        json!({"key": "sent", "name": "Sent", "colour": "#2563EB", "sequence": 20, "final": false,
               "stamp": "sent_at", "fulfilment": true}),
        true,
    )
    .unwrap()
    .apply_to(&mut s);
    assert_eq!(
        (s.colour.as_str(), s.sequence, s.stamp),
        ("#2563eb", 20, Some(Stamp::SentAt))
    );
    assert!(s.fulfilment && s.active && !s.is_final && !s.initial);
    OrderStateChanges::read(json!({"stamp": null, "final": true}), false)
        .unwrap()
        .apply_to(&mut s);
    assert!(s.is_final && s.stamp.is_none());
    let e = OrderStateChanges::read(
        json!({"initial": true, "final": true, "active": false, "opens_contract": true}),
        false,
    )
    .unwrap_err();
    let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["final", "active", "opens_contract"]);
    for bad in [
        json!({"colour": "blue"}),
        json!({"colour": "#12345"}),
        json!({"stamp": "shipped_at"}),
        json!({"sequence": 1.5}),
        json!({"final": null}),
    ] {
        assert!(
            OrderStateChanges::read(bad.clone(), false).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn moves_are_distinct_keys() {
    assert!(StateMovesChanges::read(json!({"to": []}), true).is_ok());
    let e = StateMovesChanges::read(json!({}), true).unwrap_err();
    assert_eq!(
        (e.0[0].field.as_str(), e.0[0].rule.as_str()),
        ("to", "required")
    );
    let e = StateMovesChanges::read(json!({"to": ["sent", "sent"]}), true).unwrap_err();
    assert_eq!(e.0[0].field, "to[1]");
}

#[test]
fn schemas_are_as_strict_as_the_readers() {
    let create = as_json(OrderTypeCreate::schema());
    assert_eq!(create["required"], json!(["key", "name"]));
    let p = &create["properties"];
    assert_eq!(p["key"]["pattern"], "^[a-z0-9_-]+$");
    assert_eq!(p["key"]["maxLength"], 50);
    assert_eq!(p["required_roles"]["maxItems"], 20);
    assert_eq!(p["required_roles"]["uniqueItems"], true);
    let state = as_json(OrderStateCreate::schema());
    let p = &state["properties"];
    assert_eq!(p["final"]["type"], "boolean");
    assert_eq!(p["colour"]["pattern"], "^#[0-9a-fA-F]{6}$");
    assert_eq!(
        p["stamp"]["enum"],
        json!([
            "sent_at",
            "fulfilled_at",
            "completed_at",
            "cancelled_at",
            null
        ])
    );
    let moves = as_json(StateMovesBody::schema());
    assert_eq!(moves["required"], json!(["to"]));
    assert_eq!(
        as_json(OrderStatePatch::schema())["additionalProperties"],
        false
    );
}

/// The API document lets a client send any object as a schema: odd ones are refused or
/// taken, never a panic (the fuzzer sends such things).
#[test]
fn odd_schemas_never_panic() {
    let odd = [
        json!({"$id": ""}),
        json!({"$id": "#foo"}),
        json!({"$id": "urn:x:y", "$ref": "urn:x:z"}),
        json!({"$id": "not a uri at all"}),
        json!({"$anchor": "1"}),
        json!({"$dynamicRef": "#x"}),
        json!({"$schema": 1}),
        json!({"$ref": 5}),
        json!({"$ref": "%"}),
        json!({"$ref": "http://[::1"}),
        json!({"$ref": "#"}),
        json!({"$ref": "#/definitions/a/b/c"}),
        json!({"pattern": "\\"}),
        json!({"pattern": "(?<=a)b"}),
        json!({"format": "email", "type": ["object", 5]}),
        json!({"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}),
        json!({"$schema": "http://json-schema.org/draft-04/schema#", "id": "http://example.com/x", "$ref": "y"}),
        json!({"$vocabulary": {"https://example.com/v": true}}),
        json!({"": {"": {}}}),
    ];
    for schema in odd {
        let _ = OrderTypeChanges::read(json!({"data_schema": schema}), false);
    }
}
