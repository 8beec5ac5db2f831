//! The API document and the router agree: the document lists the operations it listed
//! before the routes were laid out by area (issue 13), every one of them is routed, and
//! no path it documents answers a method it does not document.
//!
//! What tells the router's own answers from a handler's: an unrouted path gets the
//! fallback's 404 problem whose detail starts "no such endpoint", and a known path asked
//! with a method it lacks gets the 405 problem `/problems/method-not-allowed`. No handler
//! answers either: a handler's 404 ("no such record") carries its own detail, and none
//! answers 405. Anything else (2xx, 400, 401, 403, a handler's 404, 409, 415, 428) proves
//! the request reached the operation's route: authentication and idempotency are route
//! layers, which run only once a route and its method have matched.

#[allow(unused_imports)]
use super::support::*;
use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use serde_json::Value;

use super::operations::ROUTES;

/// Methods a client may send. OpenAPI cannot document CONNECT, so it must never be routed.
const METHODS: [&str; 9] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "connect",
];

async fn document(app: &App) -> Value {
    let r = app
        .call_with(Method::GET, "/api/v1/openapi.json", "", None, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.body
}

/// `(method, path)` of every operation in the document, sorted.
fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut ops: Vec<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| ((*m).to_owned(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    ops.sort();
    ops
}

/// `path` with each `{name}` filled from the operation's documented path parameters: a
/// fresh UUID where the schema says uuid, else a plausible legacy-style id. A parameter
/// in the path that the document does not declare is an error of the document.
fn filled(path: &str, operation: &Value) -> String {
    let mut uri = path.to_owned();
    for p in operation["parameters"].as_array().into_iter().flatten() {
        if p["in"] != "path" {
            continue;
        }
        let name = p["name"].as_str().expect("parameter name");
        let value = if p["schema"]["format"] == "uuid" {
            uuid::Uuid::new_v4().to_string()
        } else {
            "LEGACY-1001".to_owned()
        };
        uri = uri.replace(&format!("{{{name}}}"), &value);
    }
    assert!(
        !uri.contains('{'),
        "{path}: a path parameter is not declared in the document"
    );
    uri
}

fn method(name: &str) -> Method {
    Method::from_bytes(name.to_uppercase().as_bytes()).expect("method")
}

fn is_router_404(r: &Reply) -> bool {
    r.status == StatusCode::NOT_FOUND
        && r.body["type"] == "/problems/not-found"
        && r.body["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("no such endpoint"))
}

fn is_router_405(r: &Reply) -> bool {
    r.status == StatusCode::METHOD_NOT_ALLOWED
}

both_engines! {
    async fn the_document_lists_the_operations_it_listed_before_the_areas(db) {
        // ROUTES is the list taken from the document as served before the re-lay.
        let app = App::start(db).await;
        let documented = operations(&document(&app).await);
        let mut before: Vec<(String, String)> =
            ROUTES.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
        before.sort();
        assert_eq!(documented, before);
    }
}

both_engines! {
    async fn every_documented_operation_is_routed(db) {
        let app = App::start(db).await;
        let doc = document(&app).await;
        let mut unrouted = Vec::new();
        for (m, path) in operations(&doc) {
            let uri = filled(&path, &doc["paths"][&path][&m]);
            let r = app.call(method(&m), &uri, &app.admin.token, None).await;
            if is_router_404(&r) || is_router_405(&r) {
                unrouted.push(format!("{m} {uri}: {} {}", r.status, r.body));
            }
        }
        assert!(unrouted.is_empty(), "documented but not routed: {unrouted:#?}");
    }
}

both_engines! {
    async fn documented_paths_refuse_every_undocumented_method(db) {
        let app = App::start(db).await;
        let doc = document(&app).await;
        for (path, item) in doc["paths"].as_object().expect("paths") {
            let documented: Vec<&str> =
                METHODS.iter().copied().filter(|m| item.get(*m).is_some()).collect();
            let any_operation = &item[documented[0]];
            let uri = filled(path, any_operation);
            for m in METHODS.iter().copied().filter(|m| !documented.contains(m)) {
                // HEAD is GET without the body (RFC 9110 §9.3.2); axum answers it with the
                // GET handler, so it is not a method of its own where GET is documented.
                if m == "head" && documented.contains(&"get") {
                    continue;
                }
                let r = app.call(method(m), &uri, &app.admin.token, None).await;
                assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{m} {uri} answered {}", r.status);
                // The router names exactly the documented methods as the allowed ones.
                let allow = r.header("allow").unwrap_or_default();
                let mut allowed: Vec<String> = allow
                    .split(',')
                    .map(|a| a.trim().to_lowercase())
                    .filter(|a| !a.is_empty() && a != "head")
                    .collect();
                allowed.sort();
                let mut expected: Vec<String> = documented.iter().map(|d| (*d).to_owned()).collect();
                expected.sort();
                assert_eq!(allowed, expected, "{m} {uri}: Allow {allow:?}");
                // A HEAD answer has no body to carry the problem.
                if m != "head" {
                    let r = r.problem(StatusCode::METHOD_NOT_ALLOWED);
                    assert_eq!(r.body["type"], "/problems/method-not-allowed", "{m} {uri}");
                }
            }
        }
    }
}
