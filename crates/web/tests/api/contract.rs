//! The API document says exactly what the server takes (issue 14): the answers every
//! operation shares are in it, the patterns of its parameters are what the readers
//! accept (probed on the live router, value by value), and the readers are no looser
//! than the schemas (values a schema refuses are refused).

#[allow(unused_imports)]
use super::support::*;
use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use serde_json::{json, Value};

async fn document(app: &App) -> Value {
    let r = app
        .call_with(Method::GET, "/api/v1/openapi.json", "", None, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.body
}

/// Every operation of the document: (method, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            out.push((method.clone(), path.clone(), op.clone()));
        }
    }
    out
}

fn header<'a>(op: &'a Value, name: &str) -> Option<&'a Value> {
    op["parameters"]
        .as_array()?
        .iter()
        .find(|p| p["in"] == "header" && p["name"] == name)
}

fn parameter<'a>(doc: &'a Value, method: &str, path: &str, name: &str) -> &'a Value {
    doc["paths"][path][method]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"))
}

fn pattern_of(parameter: &Value) -> regex::Regex {
    let p = parameter["schema"]["pattern"]
        .as_str()
        .unwrap_or_else(|| panic!("no pattern in {parameter}"));
    regex::Regex::new(p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

both_engines! {
    async fn the_answers_every_operation_shares_are_in_the_document(db) {
        let app = App::start(db).await;
        let doc = document(&app).await;
        let mut missing = Vec::new();
        for (method, path, op) in operations(&doc) {
            let public = op["security"] == json!([{}]);
            let writes = ["post", "put", "patch", "delete"].contains(&method.as_str());
            let has = |status: &str| op["responses"].get(status).is_some();
            let mut expect = |ok: bool, what: &str| {
                if !ok {
                    missing.push(format!("{method} {path}: {what}"));
                }
            };
            // Generated clients name their functions after the ids: each names what it
            // acts on (`create_token`, not `create`), but for the few that are one word.
            let id = op["operationId"].as_str().unwrap_or_default();
            let one_word = ["healthz", "readyz", "metrics", "login", "logout", "me"];
            expect(id.contains('_') || one_word.contains(&id), "an operationId naming its resource");
            if !public {
                expect(has("401"), "401");
                expect(has("503"), "503");
            }
            if op.get("requestBody").is_some() {
                expect(has("413") && has("415"), "413 and 415");
            }
            if !public && writes {
                expect(has("403"), "403 (CSRF)");
            }
            if !public && method == "post" {
                let key = header(&op, "Idempotency-Key");
                expect(
                    key.is_some_and(|k| k["schema"]["pattern"] == r"^[\x21-\x7E]{1,255}$"),
                    "Idempotency-Key with its pattern",
                );
                expect(has("422"), "422 (a reused Idempotency-Key)");
                expect(has("409"), "409 (the same Idempotency-Key still running)");
            }
            if let Some(if_match) = header(&op, "If-Match") {
                expect(has("412"), "412");
                expect(if_match["schema"] == json!({"type": "string"}), "If-Match a plain string");
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                let nullable = p["schema"]["type"]
                    .as_array()
                    .is_some_and(|ts| ts.contains(&json!("null")));
                expect(!nullable, &format!("parameter {} not nullable", p["name"]));
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
    }
}

both_engines! {
    async fn parameter_patterns_are_what_the_readers_take(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let doc = document(&app).await;
        let probes: [(&str, &str, &str, &[&str]); 6] = [
            ("/api/v1/accounts", "sort", "/api/v1/accounts?sort=", &[
                "name", "-created_at, name", "+kind,id", " ", "", "password_hash", "name;x",
                "- name", "\u{3000}-name\u{3000}", "id,garbage", "relevance,",
            ]),
            ("/api/v1/accounts", "include", "/api/v1/accounts?include=", &[
                "contacts", "contacts, reps,notes", ",", "", " notes ", "emails", "contacts;reps",
            ]),
            ("/api/v1/pipeline", "owner_id", "/api/v1/pipeline?owner_id=", &[
                "me", "0190A0B0-C0D0-7E0F-8000-000000000001", " me", "{0190a0b0-c0d0-7e0f-8000-000000000001}",
                "0190a0b0c0d07e0f8000000000000001", "",
            ]),
            ("/api/v1/dashboards/sales", "rep_id", "/api/v1/dashboards/sales?rep_id=", &[
                "me", "ME", "0190a0b0-c0d0-7e0f-8000-000000000001", "0190a0b0-c0d0-7e0f-8000-00000000001",
            ]),
            // The list filters, declared from the store's ListSpec.
            ("/api/v1/accounts", "owner_id", "/api/v1/accounts?owner_id=", &[
                "me", "null", "me, null", ",me,,", "", " ", "x", "{0190a0b0-c0d0-7e0f-8000-000000000001}",
                "0190a0b0-c0d0-7e0f-8000-000000000001,me",
            ]),
            ("/api/v1/accounts", "kind", "/api/v1/accounts?kind=", &[
                "customer", "customer,,prospect", ",", "", " a b ", "\u{3000}", "x,\u{3000},y",
            ]),
        ];
        for (path, name, uri, values) in probes {
            let re = pattern_of(parameter(&doc, "get", path, name));
            for v in values {
                let r = app.get(&format!("{uri}{}", urlencode(v)), t).await;
                let taken = r.status == StatusCode::OK;
                assert!(taken || r.status == StatusCode::BAD_REQUEST, "{name}={v:?}: {}", r.status);
                assert_eq!(re.is_match(v), taken, "{name}={v:?}: the pattern and the server differ ({})", r.body);
            }
        }
        let format = &parameter(&doc, "get", "/api/v1/accounts", "format")["schema"]["enum"];
        assert_eq!(format, &json!(["json", "csv"]));
        let r = app.get("/api/v1/accounts?format=%20json", t).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let count = &parameter(&doc, "get", "/api/v1/accounts", "count")["schema"]["type"];
        assert_eq!(count, "boolean");
        let r = app.get("/api/v1/accounts?count=1", t).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "count is true or false, as a boolean is");
        // A boolean filter stays a boolean where another operation's `active` is an enum.
        let active = &parameter(&doc, "get", "/api/v1/contacts", "active")["schema"]["type"];
        assert_eq!(active, "boolean");
        for (v, status) in [("true", StatusCode::OK), ("all", StatusCode::BAD_REQUEST), ("1", StatusCode::BAD_REQUEST)] {
            assert_eq!(app.get(&format!("/api/v1/contacts?active={v}"), t).await.status, status, "active={v}");
        }
        let active = &parameter(&doc, "get", "/api/v1/distributors/{id}/partners", "active")["schema"]["enum"];
        assert_eq!(active, &json!(["true", "false", "all"]));
    }
}

both_engines! {
    async fn readers_refuse_what_the_schemas_refuse(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let a = app.account(t, json!({"name": "Exact Ltd"})).await;
        let id = a["id"].as_str().unwrap().to_owned();
        // Only the hyphenated form is `format: uuid`.
        let r = app.get(&format!("/api/v1/accounts/%7B{id}%7D"), t).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = app.get(&format!("/api/v1/accounts/{}", id.to_uppercase()), t).await;
        assert_eq!(r.status, StatusCode::OK, "either case is a UUID");
        // An empty If-Match is a list with no tag: the precondition fails.
        let r = app.patch(&format!("/api/v1/accounts/{id}"), t, json!({"phone": "123"}), Some("")).await;
        assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
        // Enums are exactly their names; lengths count what was sent.
        let r = app.post("/api/v1/accounts", t, json!({"name": "A", "kind": " office"})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("kind".to_owned(), "enum".to_owned())]);
        // (Seed 001's capitalised `Commercial` is one of the names, an alias.)
        let r = app.post("/api/v1/accounts", t, json!({"name": "A", "customer_type": "COMMERCIAL"})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("customer_type".to_owned(), "enum".to_owned())]);
        let padded = format!(" {} ", "n".repeat(299));
        let r = app.post("/api/v1/leads", t, json!({"title": padded})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("title".to_owned(), "max_length".to_owned())]);
        // Money is exactly its pattern; a whole number may be written 6.0, as JSON
        // Schema's integer allows.
        let r = app.post("/api/v1/leads", t, json!({"title": "x", "value": "1.23450", "currency": "EUR"})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("value".to_owned(), "decimal".to_owned())]);
        let r = app.post("/api/v1/leads", t, json!({"title": "x", "value": " 12.5 ", "currency": "EUR", "probability": 6.0})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!((r.body["value"].as_str(), r.body["probability"].as_i64()), (Some("12.50"), Some(6)));
        let r = app.post("/api/v1/leads", t, json!({"title": "x", "probability": 6.5})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("probability".to_owned(), "range".to_owned())]);
    }
}
