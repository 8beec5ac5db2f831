//! The lab's communication over HTTP (#19; docs/lab.md): message types, messages that
//! move their order (or are refused with nothing written), per-recipient reads,
//! instructions approved by someone else and fixed after, and all of it on the order's
//! timeline. Both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use serde_json::{json, Value};

use super::orders::{etag_of, order};
#[allow(unused_imports)]
use super::support::*;

const IN_PRODUCTION: &str = "01a24dcc-d80b-7241-9050-000000000000";
const NOTE: &str = "01a24dcc-d808-7241-9050-000000000000";

fn errors(r: Reply, status: StatusCode) -> Vec<(String, String)> {
    let mut e = r.problem(status).field_errors();
    e.sort();
    e
}

fn pair(field: &str, rule: &str) -> (String, String) {
    (field.to_owned(), rule.to_owned())
}

async fn state_of(app: &App, order: &Value) -> String {
    let o = app
        .get(
            &format!("/api/v1/orders/{}", order["id"].as_str().unwrap()),
            &app.admin.token,
        )
        .await;
    let states = app
        .get("/api/v1/order-states?limit=100", &app.admin.token)
        .await
        .body;
    states["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == o.body["state_id"])
        .map(|s| s["key"].as_str().unwrap().to_owned())
        .unwrap()
}

both_engines! {
    async fn message_types_are_configuration_with_a_target_state(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let list = app.get("/api/v1/message-types?triggers_state_change=true", &app.rep.token).await;
        let keys: Vec<&str> = list.body["data"].as_array().unwrap().iter().map(|t| t["key"].as_str().unwrap()).collect();
        assert_eq!(keys, vec!["in_production", "shipped"], "the defaults, by name");
        // A type that triggers a move names an existing state.
        let r = app.post("/api/v1/message-types", a, json!({"key": "qa", "name": "QA", "triggers_state_change": true})).await;
        assert_eq!(errors(r, StatusCode::UNPROCESSABLE_ENTITY), vec![pair("target_state_id", "depends")]);
        let r = app.post("/api/v1/message-types", a, json!({"key": "qa", "name": "QA", "triggers_state_change": true,
            "target_state_id": uuid::Uuid::now_v7()})).await;
        assert_eq!(errors(r, StatusCode::UNPROCESSABLE_ENTITY), vec![pair("target_state_id", "exists")]);
        let r = app.post("/api/v1/message-types", a, json!({"key": "Bad Key", "name": "", "category": "x y"})).await;
        assert_eq!(errors(r, StatusCode::UNPROCESSABLE_ENTITY).len(), 3);
        let r = app.post("/api/v1/message-types", a, json!({"key": "note", "name": "Another"})).await;
        assert_eq!(r.problem(StatusCode::CONFLICT).body["errors"][0]["field"], "key");
        let r = app.post("/api/v1/message-types", &app.manager.token, json!({"key": "x", "name": "X"})).await;
        r.problem(StatusCode::FORBIDDEN);
        let kind = created(&app, a, "/api/v1/message-types", json!({"key": "reminder", "name": "Reminder", "category": "notification"})).await;
        assert_eq!((kind["active"].as_bool(), kind["category"].as_str()), (Some(true), Some("notification")));
        // A type in use is deactivated, not deleted.
        let o = order(&app, a, json!({"currency": "EUR"})).await;
        created(&app, a, "/api/v1/messages", json!({"message_type_id": kind["id"], "order_id": o["id"], "body": "Call back"})).await;
        let uri = format!("/api/v1/message-types/{}", kind["id"].as_str().unwrap());
        let r = app.call_with(Method::DELETE, &uri, a, None, &[]).await;
        assert_eq!(r.problem(StatusCode::CONFLICT).body["errors"][0]["field"], "id");
        let r = app.call_with(Method::PATCH, &uri, a, Some(json!({"active": false})), &[("if-match", &etag_of(&kind))]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = app.post("/api/v1/messages", a, json!({"message_type_id": kind["id"], "order_id": o["id"], "body": "Again"})).await;
        assert_eq!(errors(r, StatusCode::UNPROCESSABLE_ENTITY), vec![pair("message_type_id", "active")]);
    }

    async fn a_message_moves_its_order_or_is_refused_with_nothing_written(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let o = order(&app, t, json!({"currency": "EUR"})).await;
        let oid = o["id"].as_str().unwrap().to_owned();
        // created → in_fulfillment is no move of the state table: refused, nothing written.
        let r = app.post("/api/v1/messages", t, json!({"message_type_id": IN_PRODUCTION, "order_id": oid, "body": "Milling starts"})).await;
        let problem = r.problem(StatusCode::CONFLICT);
        assert_eq!(problem.body["errors"][0]["field"], "message_type_id", "{}", problem.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 0);
        assert_eq!(state_of(&app, &o).await, "created");
        // A type that moves an order needs one.
        let r = app.post("/api/v1/messages", t, json!({"message_type_id": IN_PRODUCTION, "body": "Which order?"})).await;
        assert_eq!(errors(r, StatusCode::UNPROCESSABLE_ENTITY), vec![pair("order_id", "depends")]);
        // Sent, then the message moves it, with the message as the history's reason.
        created(&app, t, &format!("/api/v1/orders/{oid}/transitions"), json!({"to": "sent"})).await;
        let m = created(&app, t, "/api/v1/messages", json!({"message_type_id": IN_PRODUCTION, "order_id": oid,
            "subject": "Production", "body": "Milling starts", "recipient_ids": [app.manager.user.id, app.manager.user.id]})).await;
        assert_eq!((m["moved_order_to"].as_str(), m["message_type"].as_str()), (Some("in_fulfillment"), Some("in_production")));
        assert_eq!(m["recipients"].as_array().unwrap().len(), 1, "a repeated recipient counts once");
        assert_eq!(state_of(&app, &o).await, "in_fulfillment");
        let history = app.get(&format!("/api/v1/orders/{oid}/history"), t).await.body;
        let reasons: Vec<String> = history["data"].as_array().unwrap().iter()
            .filter_map(|h| h["reason"].as_str().map(str::to_owned)).collect();
        assert!(reasons.iter().any(|r| r.contains(m["id"].as_str().unwrap())), "{history}");
        assert_eq!(app.audit_of("message", id_of(&m)).await.len(), 1);

        // Bad input: an unknown recipient, a hidden order, a viewer.
        let r = app.post("/api/v1/messages", t, json!({"message_type_id": NOTE, "body": "x", "recipient_ids": [uuid::Uuid::now_v7()]})).await;
        assert_eq!(errors(r, StatusCode::UNPROCESSABLE_ENTITY), vec![pair("recipient_ids[0]", "exists")]);
        let r = app.post("/api/v1/messages", t, json!({"message_type_id": NOTE, "body": "x", "recipient_ids": ["nope"]})).await;
        assert_eq!(errors(r, StatusCode::UNPROCESSABLE_ENTITY), vec![pair("recipient_ids[0]", "uuid")]);
        let hidden = order(&app, &app.other_rep.token, json!({"currency": "EUR"})).await;
        let r = app.post("/api/v1/messages", t, json!({"message_type_id": NOTE, "order_id": hidden["id"], "body": "x"})).await;
        assert_eq!(errors(r, StatusCode::UNPROCESSABLE_ENTITY), vec![pair("order_id", "exists")]);
        app.post("/api/v1/messages", &app.viewer.token, json!({"message_type_id": NOTE, "body": "x"})).await.problem(StatusCode::FORBIDDEN);

        // The recipient's unread list, read once; a non-recipient cannot mark it.
        let unread = app.get("/api/v1/messages?unread=true&count=true", &app.manager.token).await;
        assert_eq!(unread.body["total"], 1, "{}", unread.body);
        let read_uri = format!("/api/v1/messages/{}/read", m["id"].as_str().unwrap());
        let r = app.post(&read_uri, &app.manager.token, json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let first = r.body["recipients"][0]["read_at"].clone();
        assert!(!first.is_null());
        let again = app.post(&read_uri, &app.manager.token, json!({})).await;
        assert_eq!(again.body["recipients"][0]["read_at"], first, "read twice keeps the first time");
        let unread = app.get("/api/v1/messages?unread=true&count=true", &app.manager.token).await;
        assert_eq!(unread.body["total"], 0);
        assert_eq!(app.post(&read_uri, t, json!({})).await.problem(StatusCode::CONFLICT).body["errors"][0]["field"], "recipient_ids");
        let r = app.get("/api/v1/messages?unread=maybe", t).await;
        assert_eq!(r.problem(StatusCode::BAD_REQUEST).body["errors"][0]["field"], "unread");
        // The other rep sees none of it; the order's list and timeline have it.
        app.get(&format!("/api/v1/messages/{}", m["id"].as_str().unwrap()), &app.other_rep.token).await.problem(StatusCode::NOT_FOUND);
        let theirs = app.get("/api/v1/messages?count=true", &app.other_rep.token).await;
        assert_eq!(theirs.body["total"], 0);
        let on_order = app.get(&format!("/api/v1/messages?order_id={oid}&count=true"), t).await;
        assert_eq!(on_order.body["total"], 1);
        let timeline = app.get(&format!("/api/v1/orders/{oid}/timeline"), t).await.body;
        let kinds: Vec<&str> = timeline["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"message") && kinds.contains(&"order_state_change"), "{kinds:?}");
    }

    async fn a_message_whose_target_state_is_gone_is_refused(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let state = created(&app, a, "/api/v1/order-states", json!({"key": "qa", "name": "Quality check"})).await;
        let kind = created(&app, a, "/api/v1/message-types", json!({"key": "to_qa", "name": "To QA",
            "triggers_state_change": true, "target_state_id": state["id"]})).await;
        let r = app.call_with(Method::DELETE, &format!("/api/v1/order-states/{}", state["id"].as_str().unwrap()), a, None, &[]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let o = order(&app, a, json!({"currency": "EUR"})).await;
        let r = app.post("/api/v1/messages", a, json!({"message_type_id": kind["id"], "order_id": o["id"], "body": "QA please"})).await;
        assert_eq!(r.problem(StatusCode::CONFLICT).body["errors"][0]["field"], "message_type_id");
        assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 0);
        assert_eq!(state_of(&app, &o).await, "created");
    }

    async fn instructions_are_approved_by_someone_else_and_fixed_after(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let o = order(&app, t, json!({"currency": "EUR"})).await;
        let i = created(&app, t, "/api/v1/instructions", json!({"order_id": o["id"], "instruction_type": "treatment",
            "content": "Class II elastics, 12h a day"})).await;
        assert!(i["approved_at"].is_null());
        let uri = format!("/api/v1/instructions/{}", i["id"].as_str().unwrap());
        let r = app.post("/api/v1/instructions", t, json!({"order_id": o["id"], "content": ""})).await;
        assert_eq!(errors(r, StatusCode::UNPROCESSABLE_ENTITY), vec![pair("content", "required"), pair("instruction_type", "required")]);
        app.post("/api/v1/instructions", &app.viewer.token, json!({"order_id": o["id"], "instruction_type": "x", "content": "x"}))
            .await.problem(StatusCode::FORBIDDEN);
        // The author may edit it until approved; a rep may not approve; nobody approves their own.
        let r = app.call_with(Method::PATCH, &uri, t, Some(json!({"content": "Class II elastics, 14h a day"})), &[("if-match", &etag_of(&i))]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let i = r.body;
        app.post(&format!("{uri}/approve"), t, json!({})).await.problem(StatusCode::FORBIDDEN);
        let mine = created(&app, &app.manager.token, "/api/v1/instructions", json!({"order_id": o["id"], "instruction_type": "shipping", "content": "Express"})).await;
        let r = app.post(&format!("/api/v1/instructions/{}/approve", mine["id"].as_str().unwrap()), &app.manager.token, json!({})).await;
        assert_eq!(errors(r, StatusCode::UNPROCESSABLE_ENTITY), vec![pair("approved_by", "different")]);
        let r = app.call_with(Method::POST, &format!("{uri}/approve"), &app.manager.token, Some(json!({})), &[("if-match", &etag_of(&i))]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!((r.body["approved_by"].clone(), r.body["approved_at"].is_null()), (json!(app.manager.user.id), false));
        // Approved, it is fixed: no edit, no delete, no second approval.
        let approved = r.body;
        let r = app.call_with(Method::PATCH, &uri, &app.admin.token, Some(json!({"content": "changed"})), &[("if-match", &etag_of(&approved))]).await;
        assert_eq!(r.problem(StatusCode::CONFLICT).body["errors"][0]["field"], "approved_at");
        let r = app.call_with(Method::DELETE, &uri, &app.admin.token, None, &[]).await;
        assert_eq!(r.problem(StatusCode::CONFLICT).body["errors"][0]["field"], "approved_at");
        let r = app.post(&format!("{uri}/approve"), &app.admin.token, json!({})).await;
        assert_eq!(r.problem(StatusCode::CONFLICT).body["errors"][0]["field"], "approved_at");
        // Scope and the list: waiting for approval is `approved_at=null`.
        app.get(&uri, &app.other_rep.token).await.problem(StatusCode::NOT_FOUND);
        let waiting = app.get(&format!("/api/v1/instructions?order_id={}&approved_at=null&count=true", o["id"].as_str().unwrap()), t).await;
        assert_eq!(waiting.body["total"], 1, "{}", waiting.body);
        let timeline = app.get(&format!("/api/v1/orders/{}/timeline", o["id"].as_str().unwrap()), t).await.body;
        let n = timeline["data"].as_array().unwrap().iter().filter(|e| e["type"] == "instruction").count();
        assert_eq!(n, 2);
        let audit = app.audit_of("instruction", id_of(&i)).await;
        assert_eq!(audit.len(), 3, "create, edit, approval");
    }
}

both_engines! {
    async fn the_labs_lists_export_as_csv_in_scope(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let o = order(&app, t, json!({"currency": "EUR"})).await;
        let p = created(&app, t, "/api/v1/projects", json!({"order_id": o["id"], "name": "Upper, arch"})).await;
        created(&app, t, "/api/v1/tasks", json!({"project_id": p["id"], "title": "Scan"})).await;
        created(&app, t, "/api/v1/instructions", json!({"order_id": o["id"], "instruction_type": "treatment", "content": "Elastics"})).await;
        created(&app, t, "/api/v1/messages", json!({"message_type_id": NOTE, "order_id": o["id"], "body": "Hello",
            "recipient_ids": [app.manager.user.id]})).await;
        order(&app, &app.other_rep.token, json!({"currency": "EUR"})).await;
        for (list, column, rows) in [("/api/v1/projects", "project_number", 1), ("/api/v1/tasks", "title", 1),
                                     ("/api/v1/instructions", "instruction_type", 1), ("/api/v1/messages", "moved_order_to", 1),
                                     ("/api/v1/message-types", "triggers_state_change", 5), ("/api/v1/order-states", "opens_contract", 5)] {
            let r = app.get(&format!("{list}?format=csv"), t).await;
            assert_eq!(r.status, StatusCode::OK, "{list}: {}", r.body);
            let text = String::from_utf8_lossy(&r.raw).into_owned();
            let mut lines = text.lines();
            let header = lines.next().unwrap_or_default().to_owned();
            assert!(header.split(',').any(|c| c == column), "{list}: {header}");
            assert!(!header.contains("recipients"), "a message's recipients are a list, left to JSON");
            assert!(lines.count() >= rows, "{list}: {text}");
        }
        // The project's name keeps its comma, quoted; the export is audited.
        let csv = app.get("/api/v1/projects?format=csv", t).await;
        assert!(String::from_utf8_lossy(&csv.raw).contains("\"Upper, arch\""));
        assert!(app.count("SELECT count(*) FROM audit_log WHERE action = 'export'").await >= 6);
        // A partner's export is refused, naming the parameter.
        let org = created(&app, &app.admin.token, "/api/v1/accounts", json!({"name": "Org", "kind": "partner"})).await;
        let partner = make_user(&app.store, rapport_domain::Role::Partner, "p@example.com", Some(id_of(&org))).await;
        let r = app.get("/api/v1/messages?format=csv", &partner.token).await;
        assert_eq!(r.problem(StatusCode::FORBIDDEN).body["errors"][0]["field"], "format");
    }
}
