//! Order configuration over HTTP (issue 18): order types with their JSON Schema for
//! `data` and required people roles, order states with the one-initial rule, the moves
//! between states and the whole workflow; everyone reads, administrators write. Orders
//! themselves are another area's: a test that needs one in use inserts its row by SQL.
//! Both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use rapport_domain::Role;
use serde_json::{json, Value};

#[allow(unused_imports)]
use super::support::*;

const TYPES: &str = "/api/v1/order-types";
const STATES: &str = "/api/v1/order-states";
const WORKFLOW: &str = "/api/v1/order-workflow";

/// The migration's default states and types, by key.
const CREATED: &str = "01a24dcc-d803-7241-9050-000000000000";
const SENT: &str = "01a24dcc-d804-7241-9050-000000000000";
const IN_FULFILLMENT: &str = "01a24dcc-d805-7241-9050-000000000000";
const CANCELLED: &str = "01a24dcc-d807-7241-9050-000000000000";
const MAIN: &str = "01a24dcc-d800-7241-9050-000000000000";

fn keys(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|r| r["key"].as_str().expect("key").to_owned())
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().expect("string").to_owned())
        .collect()
}

/// Each state's key with the keys it may move to, from the workflow.
async fn moves(app: &App) -> Vec<(String, Vec<String>)> {
    let w = app.get(WORKFLOW, &app.viewer.token).await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.body);
    w.body["states"]
        .as_array()
        .expect("states")
        .iter()
        .map(|s| {
            (
                s["key"].as_str().expect("key").to_owned(),
                strings(&s["to"]),
            )
        })
        .collect()
}

async fn put_moves(app: &App, state: &str, etag: Option<&str>, to: Value) -> Reply {
    let uri = format!("{STATES}/{state}/transitions");
    let headers: Vec<(&str, &str)> = etag.map(|e| ("if-match", e)).into_iter().collect();
    app.call_with(
        Method::PUT,
        &uri,
        &app.admin.token,
        Some(json!({"to": to})),
        &headers,
    )
    .await
}

/// An order in `state` of type `order_type`, written as the orders area would.
async fn order_in(app: &App, order_type: &str, state: &str) {
    let (t, s) = (
        order_type.parse::<uuid::Uuid>().unwrap(),
        state.parse::<uuid::Uuid>().unwrap(),
    );
    app.store
        .db
        .write(move |c| {
            let now = rapport_db::now();
            let id = uuid::Uuid::now_v7();
            c.execute(
                "INSERT INTO orders (id, order_number, order_type_id, state_id, currency, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, 'EUR', ?, ?)",
                &[id.into(), format!("ORD-TEST-{id}").into(), t.into(), s.into(), now.into(), now.into()],
            )
        })
        .await
        .expect("order row");
}

both_engines! {
    async fn the_defaults_are_there_and_every_role_reads_them(db) {
        let app = App::start(db).await;
        let org = app.account(&app.admin.token, json!({"name": "Org", "kind": "partner"})).await;
        let dist = app.account(&app.admin.token, json!({"name": "Dist", "kind": "distributor"})).await;
        let partner = make_user(&app.store, Role::Partner, "p@example.com", Some(id_of(&org))).await;
        let distributor = make_user(&app.store, Role::Distributor, "d@example.com", Some(id_of(&dist))).await;
        let fulfiller = make_user(&app.store, Role::Fulfiller, "f@example.com", None).await;
        let tokens = [&app.admin.token, &app.restricted_admin.token, &app.manager.token, &app.rep.token,
                      &partner.token, &distributor.token, &fulfiller.token, &app.viewer.token];
        for t in tokens {
            let types = app.get(TYPES, t).await;
            assert_eq!(types.status, StatusCode::OK, "{}", types.body);
            assert_eq!(keys(&types.body), ["main", "refinement", "replacement"]);
            let states = app.get(&format!("{STATES}?count=true"), t).await;
            assert_eq!(keys(&states.body), ["created", "sent", "in_fulfillment", "fulfilled", "cancelled"]);
            assert_eq!(states.body["total"], 5);
            for uri in [format!("{TYPES}/{MAIN}"), format!("{STATES}/{CREATED}"),
                        format!("{STATES}/{CREATED}/transitions"), WORKFLOW.to_owned()] {
                let r = app.get(&uri, t).await;
                assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
            }
        }
        let created = app.get(&format!("{STATES}/{CREATED}"), &app.viewer.token).await;
        assert_eq!(created.header("etag").as_deref(), Some("\"1\""));
        assert_eq!((created.body["initial"].as_bool(), created.body["final"].as_bool()), (Some(true), Some(false)));
        let fulfilled = app.get(&format!("{STATES}?key=fulfilled"), &app.viewer.token).await;
        let f = &fulfilled.body["data"][0];
        assert_eq!((f["final"].as_bool(), f["opens_contract"].as_bool(), f["stamp"].as_str()),
                   (Some(true), Some(true), Some("fulfilled_at")));
        let finals = app.get(&format!("{STATES}?final=true&sort=-sequence"), &app.viewer.token).await;
        assert_eq!(keys(&finals.body), ["cancelled", "fulfilled"]);
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(moves(&app).await, vec![
            ("created".into(), s(&["sent", "cancelled"])),
            ("sent".into(), s(&["created", "in_fulfillment", "cancelled"])),
            ("in_fulfillment".into(), s(&["fulfilled", "cancelled"])),
            ("fulfilled".into(), vec![]),
            ("cancelled".into(), vec![]),
        ]);
        let t = app.get(&format!("{STATES}/{CREATED}/transitions"), &app.rep.token).await;
        assert_eq!(t.body, json!({"state_id": CREATED, "state_key": "created", "to": ["sent", "cancelled"], "version": 1}));
        assert_eq!(t.header("etag").as_deref(), Some("\"1\""));
        app.get(&format!("{TYPES}/{CREATED}"), &app.admin.token).await.problem(StatusCode::NOT_FOUND);
        app.get(&format!("{TYPES}?colour=red"), &app.admin.token).await.problem(StatusCode::BAD_REQUEST);
    }
}

both_engines! {
    async fn administrators_manage_types_and_a_bad_schema_is_named(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let schema = json!({"type": "object", "required": ["patient_age"],
                            "properties": {"patient_age": {"type": "integer", "minimum": 0}}});
        let r = app.post(TYPES, t, json!({"key": "aligner", "name": "Aligner", "description": "Clear aligners",
                                          "data_schema": schema, "required_roles": ["doctor", "patient"]})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_str().unwrap().to_owned();
        let uri = format!("{TYPES}/{id}");
        assert_eq!(r.header("location").as_deref(), Some(uri.as_str()));
        assert_eq!(r.header("etag").as_deref(), Some("\"1\""));
        assert_eq!((r.body["active"].as_bool(), r.body["data_schema"].clone(), r.body["required_roles"].clone()),
                   (Some(true), schema, json!(["doctor", "patient"])));

        // Taken keys and names, named, with the holder.
        for (body, field, holder) in [(json!({"key": "main", "name": "Other"}), "key", MAIN),
                                      (json!({"key": "other", "name": "Aligner"}), "name", id.as_str())] {
            let dup = app.post(TYPES, t, body).await.problem(StatusCode::CONFLICT);
            assert_eq!(dup.field_errors(), [(field.to_owned(), "unique".to_owned())]);
            assert_eq!(dup.body["existing_id"], holder);
        }
        // Schemas that do not compile, or would fetch something, are refused by name.
        let bad = [json!({"type": "object", "properties": {"a": {"type": "integr"}}}),
                   json!({"type": "array"}),
                   json!({"properties": {"a": {"$ref": "https://example.com/schemas/a.json"}}}),
                   json!({"$ref": "file:///etc/passwd"}),
                   json!({"$schema": "https://example.com/my-own-draft"}),
                   json!("not an object")];
        for schema in bad {
            let r = app.patch(&uri, t, json!({"data_schema": schema}), None).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
            let errors = r.field_errors();
            assert_eq!(errors[0].0, "data_schema", "{schema}: {}", r.body);
            assert!(["json_schema", "type"].contains(&errors[0].1.as_str()));
        }
        let r = app.patch(&uri, t, json!({"data_schema": {"properties": {"a": {"type": "integr"}}}}), None).await;
        assert!(r.body["errors"][0]["message"].as_str().unwrap().contains("/properties/a/type"), "{}", r.body);
        for (body, field) in [(json!({"key": "Main"}), "key"), (json!({"key": null}), "key"),
                              (json!({"required_roles": ["doctor", "doctor"]}), "required_roles[1]"),
                              (json!({"required_roles": ["Doctor"]}), "required_roles[0]"),
                              (json!({"name": "x", "colour": "#fff"}), "colour")] {
            let r = app.patch(&uri, t, body.clone(), None).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(r.field_errors()[0].0, field, "{body}: {}", r.body);
        }

        // Changes with If-Match; a stale tag changes nothing.
        let r = app.patch(&uri, t, json!({"data_schema": null, "active": false}), Some("\"1\"")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!((r.body["data_schema"].clone(), r.body["active"].as_bool(), r.body["version"].as_i64()),
                   (Value::Null, Some(false), Some(2)));
        assert_eq!(r.header("etag").as_deref(), Some("\"2\""));
        app.patch(&uri, t, json!({"name": "Stale"}), Some("\"1\"")).await.problem(StatusCode::PRECONDITION_FAILED);
        let inactive = app.get(&format!("{TYPES}?active=false"), t).await;
        assert_eq!(keys(&inactive.body), ["aligner"]);
        // The restricted admin writes too.
        let r = app.patch(&uri, &app.restricted_admin.token, json!({"name": "Aligners"}), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        let del = app.call_with(Method::DELETE, &uri, t, None, &[("if-match", "\"1\"")]).await;
        del.problem(StatusCode::PRECONDITION_FAILED);
        let del = app.call(Method::DELETE, &uri, t, None).await;
        assert_eq!(del.status, StatusCode::NO_CONTENT);
        app.get(&uri, t).await.problem(StatusCode::NOT_FOUND);
        let actions: Vec<String> = app.audit_of("order_type", id.parse().unwrap()).await.iter().map(|a| a.action.clone()).collect();
        assert_eq!(actions, ["create", "update", "update", "delete"]);
    }
}

both_engines! {
    async fn configuration_in_use_is_not_deleted(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let spare = made(&app, t, TYPES, json!({"key": "spare", "name": "Spare"})).await;
        let review = made(&app, t, STATES, json!({"key": "review", "name": "Review", "sequence": 15})).await;
        order_in(&app, &spare, &review).await;
        for uri in [format!("{TYPES}/{spare}"), format!("{STATES}/{review}")] {
            let r = app.call(Method::DELETE, &uri, t, None).await.problem(StatusCode::CONFLICT);
            assert_eq!(r.field_errors(), [("id".to_owned(), "state".to_owned())], "{}", r.body);
            // Retired instead.
            let r = app.patch(&uri, t, json!({"active": false}), None).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        // The initial state is never deleted, in use or not.
        let r = app.call(Method::DELETE, &format!("{STATES}/{CREATED}"), t, None).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.field_errors(), [("initial".to_owned(), "state".to_owned())]);
        assert_eq!(app.count("SELECT count(*) FROM order_types").await, 4);
        assert_eq!(app.count("SELECT count(*) FROM order_states").await, 6);
    }
}

both_engines! {
    async fn exactly_one_state_is_initial(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let created_uri = format!("{STATES}/{CREATED}");
        for (body, field) in [(json!({"initial": false}), "initial"), (json!({"final": true}), "final"),
                              (json!({"active": false}), "active"), (json!({"opens_contract": true}), "opens_contract")] {
            let r = app.patch(&created_uri, t, body.clone(), None).await.problem(StatusCode::CONFLICT);
            assert_eq!(r.field_errors(), [(field.to_owned(), "state".to_owned())], "{body}");
        }
        // What one body cannot say at once, whatever the state was.
        let r = app.post(STATES, t, json!({"key": "x", "name": "X", "initial": true, "final": true})).await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), [("final".to_owned(), "initial".to_owned())]);
        // A final state made initial: named by what changed.
        let r = app.patch(&format!("{STATES}/{CANCELLED}"), t, json!({"initial": true}), None).await
            .problem(StatusCode::CONFLICT);
        assert_eq!(r.field_errors(), [("initial".to_owned(), "state".to_owned())]);

        // A new initial state takes the mark off the old one, in the same write.
        let draft = app.post(STATES, t, json!({"key": "draft", "name": "Draft", "sequence": 5, "initial": true,
                                               "colour": "#AABBCC"})).await;
        assert_eq!(draft.status, StatusCode::CREATED, "{}", draft.body);
        assert_eq!(draft.body["colour"], "#aabbcc");
        let old = app.get(&created_uri, t).await;
        assert_eq!((old.body["initial"].as_bool(), old.body["version"].as_i64()), (Some(false), Some(2)));
        let initial = app.get(&format!("{STATES}?initial=true"), t).await;
        assert_eq!(keys(&initial.body), ["draft"]);
        // And back, by a patch.
        let r = app.patch(&created_uri, t, json!({"initial": true}), Some("\"2\"")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let initial = app.get(&format!("{STATES}?initial=true"), t).await;
        assert_eq!(keys(&initial.body), ["created"]);
        assert_eq!(app.count("SELECT count(*) FROM order_states WHERE initial = TRUE").await, 1);
        let draft_id = id_of(&draft.body);
        let actions: Vec<String> = app.audit_of("order_state", draft_id).await.iter().map(|a| a.action.clone()).collect();
        assert_eq!(actions, ["create", "update"]);
        // Uniqueness, as for types.
        let dup = app.post(STATES, t, json!({"key": "sent", "name": "Sent again"})).await.problem(StatusCode::CONFLICT);
        assert_eq!(dup.field_errors(), [("key".to_owned(), "unique".to_owned())]);
        assert_eq!(dup.body["existing_id"], SENT);
        let dup = app.patch(&format!("{STATES}/{draft_id}"), t, json!({"name": "Cancelled"}), None).await
            .problem(StatusCode::CONFLICT);
        assert_eq!(dup.field_errors(), [("name".to_owned(), "unique".to_owned())]);
    }
}

both_engines! {
    async fn moves_are_replaced_whole_and_none_leave_a_final_state(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let r = put_moves(&app, CREATED, Some("\"1\""), json!(["cancelled", "in_fulfillment"])).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // In workflow order, as a new version of the state.
        assert_eq!(r.body["to"], json!(["in_fulfillment", "cancelled"]));
        assert_eq!(r.header("etag").as_deref(), Some("\"2\""));
        put_moves(&app, CREATED, Some("\"1\""), json!([])).await.problem(StatusCode::PRECONDITION_FAILED);
        // The same moves again change nothing.
        let same = put_moves(&app, CREATED, None, json!(["in_fulfillment", "cancelled"])).await;
        assert_eq!(same.header("etag").as_deref(), Some("\"2\""));

        let r = put_moves(&app, CREATED, None, json!(["sent", "shipped", "created", "Sent"])).await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), [("to[3]".to_owned(), "key".to_owned())]);
        let r = put_moves(&app, CREATED, None, json!(["sent", "shipped", "created"])).await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), [("to[1]".to_owned(), "exists".to_owned()), ("to[2]".to_owned(), "self".to_owned())]);
        let r = put_moves(&app, CANCELLED, None, json!(["created"])).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), [("to".to_owned(), "final".to_owned())]);
        assert_eq!(put_moves(&app, CANCELLED, None, json!([])).await.status, StatusCode::OK);
        let r = app.call(Method::PUT, &format!("{STATES}/{CREATED}/transitions"), t, Some(json!({}))).await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), [("to".to_owned(), "required".to_owned())]);
        let created_moves = &moves(&app).await[0];
        assert_eq!(created_moves.1, ["in_fulfillment", "cancelled"]);

        // A state with moves out becomes final only once they are cleared.
        let in_f = format!("{STATES}/{IN_FULFILLMENT}");
        let r = app.patch(&in_f, t, json!({"final": true}), None).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.field_errors(), [("final".to_owned(), "state".to_owned())]);
        assert_eq!(put_moves(&app, IN_FULFILLMENT, None, json!([])).await.status, StatusCode::OK);
        assert_eq!(app.patch(&in_f, t, json!({"final": true}), None).await.status, StatusCode::OK);

        // A state is deleted with the moves into and out of it; states it was a move of
        // get a new version.
        let review = made(&app, t, STATES, json!({"key": "review", "name": "Review", "sequence": 25})).await;
        assert_eq!(put_moves(&app, &review, None, json!(["sent", "cancelled"])).await.status, StatusCode::OK);
        assert_eq!(put_moves(&app, SENT, None, json!(["review", "cancelled"])).await.status, StatusCode::OK);
        let sent_before = app.get(&format!("{STATES}/{SENT}"), t).await.body["version"].as_i64().unwrap();
        let del = app.call(Method::DELETE, &format!("{STATES}/{review}"), t, None).await;
        assert_eq!(del.status, StatusCode::NO_CONTENT, "{}", del.body);
        let sent = app.get(&format!("{STATES}/{SENT}/transitions"), t).await;
        assert_eq!((sent.body["to"].clone(), sent.body["version"].as_i64()), (json!(["cancelled"]), Some(sent_before + 1)));
        assert_eq!(app.count("SELECT count(*) FROM order_state_transitions").await, 3);
        let audit = app.audit_of("order_state", SENT.parse().unwrap()).await;
        let last = audit.last().expect("audited");
        assert_eq!((last.before.as_ref().map(|b| b["to"].clone()), last.after.as_ref().map(|a| a["to"].clone())),
                   (Some(json!(["review", "cancelled"])), Some(json!(["cancelled"]))));
    }
}

both_engines! {
    async fn only_administrators_change_order_configuration(db) {
        let app = App::start(db).await;
        let org = app.account(&app.admin.token, json!({"name": "Org", "kind": "partner"})).await;
        let partner = make_user(&app.store, Role::Partner, "p@example.com", Some(id_of(&org))).await;
        let fulfiller = make_user(&app.store, Role::Fulfiller, "f@example.com", None).await;
        let before = app.count("SELECT sum(version) FROM order_states").await
            + app.count("SELECT sum(version) FROM order_types").await;
        for token in [&app.manager.token, &app.rep.token, &partner.token, &fulfiller.token, &app.viewer.token] {
            let calls = [
                (Method::POST, TYPES.to_owned(), Some(json!({"key": "k", "name": "K"}))),
                (Method::PATCH, format!("{TYPES}/{MAIN}"), Some(json!({"name": "Renamed"}))),
                (Method::DELETE, format!("{TYPES}/{MAIN}"), None),
                (Method::POST, STATES.to_owned(), Some(json!({"key": "k", "name": "K"}))),
                (Method::PATCH, format!("{STATES}/{SENT}"), Some(json!({"colour": "#000000"}))),
                (Method::DELETE, format!("{STATES}/{SENT}"), None),
                (Method::PUT, format!("{STATES}/{SENT}/transitions"), Some(json!({"to": []}))),
            ];
            for (method, uri, body) in calls {
                app.call(method.clone(), &uri, token, body).await.problem(StatusCode::FORBIDDEN);
            }
        }
        let after = app.count("SELECT sum(version) FROM order_states").await
            + app.count("SELECT sum(version) FROM order_types").await;
        assert_eq!(after, before);
        assert_eq!(app.count("SELECT count(*) FROM order_state_transitions").await, 7);
    }
}
