//! The request bodies the API document describes are the domain's generated create and
//! patch schemas (issue 13), registered as components: a create names what it requires,
//! a patch requires nothing, and every body refuses unknown fields as its reader does.

#[allow(unused_imports)]
use super::support::*;
use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use serde_json::Value;

/// Each operation with a body and the component that describes it.
const BODIES: &[(&str, &str, &str)] = &[
    ("post", "/api/v1/accounts", "AccountCreate"),
    ("post", "/api/v1/accounts/find-or-create", "AccountCreate"),
    ("patch", "/api/v1/accounts/{id}", "AccountPatch"),
    ("post", "/api/v1/contacts", "ContactCreate"),
    ("patch", "/api/v1/contacts/{id}", "ContactPatch"),
    ("post", "/api/v1/accounts/{id}/contacts", "LinkCreate"),
    (
        "patch",
        "/api/v1/accounts/{id}/contacts/{contact_id}",
        "LinkPatch",
    ),
    ("post", "/api/v1/leads", "LeadCreate"),
    ("patch", "/api/v1/leads/{id}", "LeadPatch"),
    ("post", "/api/v1/activities", "ActivityCreate"),
    ("patch", "/api/v1/activities/{id}", "ActivityPatch"),
    ("post", "/api/v1/accounts/{id}/notes", "NoteCreate"),
    ("patch", "/api/v1/notes/{id}", "NotePatch"),
    ("post", "/api/v1/products", "ProductCreate"),
    ("patch", "/api/v1/products/{id}", "ProductPatch"),
    ("post", "/api/v1/distributions", "DistributionCreate"),
    ("patch", "/api/v1/distributions/{id}", "DistributionPatch"),
    ("post", "/api/v1/distributions/bulk", "BulkWrite"),
    ("post", "/api/v1/users", "UserCreate"),
    ("patch", "/api/v1/users/{id}", "UserPatch"),
    ("patch", "/api/v1/settings", "SettingsPatch"),
];

async fn document(app: &App) -> Value {
    let r = app
        .call_with(Method::GET, "/api/v1/openapi.json", "", None, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.body
}

/// Every `$ref` in `v`, with where it was found.
fn refs<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if k == "$ref" {
                    if let Some(r) = child.as_str() {
                        out.push((at.clone(), r));
                    }
                } else {
                    refs(child, format!("{at}/{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                refs(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The schema named by a `$ref` such as `#/components/schemas/LeadCreate`.
fn target<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// The JSON body schema of an operation, as the `$ref` the document gives for it.
fn body_ref<'a>(doc: &'a Value, method: &str, path: &str) -> &'a str {
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "{method} {path} is not in the document");
    op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{method} {path}: no JSON body schema by reference: {op}"))
}

fn component<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let schema = &doc["components"]["schemas"][name];
    assert!(schema.is_object(), "component {name} is missing");
    schema
}

fn required(schema: &Value) -> Vec<&str> {
    schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

both_engines! {
    async fn every_reference_in_the_document_resolves(db) {
        let app = App::start(db).await;
        let doc = document(&app).await;
        let mut found = Vec::new();
        refs(&doc, String::new(), &mut found);
        assert!(!found.is_empty());
        let dangling: Vec<_> = found
            .iter()
            .filter(|(_, r)| !r.starts_with("#/components/schemas/") || target(&doc, r).is_none())
            .collect();
        assert!(dangling.is_empty(), "references without a component: {dangling:#?}");
    }

    async fn request_bodies_are_the_generated_create_and_patch_schemas(db) {
        let app = App::start(db).await;
        let doc = document(&app).await;
        for (method, path, name) in BODIES {
            assert_eq!(body_ref(&doc, method, path), format!("#/components/schemas/{name}"), "{method} {path}");
            component(&doc, name);
        }

        // A create names what it requires; the patch of the same entity requires nothing.
        let create = component(&doc, "LeadCreate");
        assert!(required(create).contains(&"title"), "{create}");
        let patch = component(&doc, "LeadPatch");
        assert!(required(patch).is_empty(), "{patch}");
        assert_eq!(patch["additionalProperties"], false, "{patch}");
        assert!(patch["properties"].get("title").is_some(), "{patch}");

        assert!(required(component(&doc, "AccountCreate")).contains(&"name"));
        assert!(!required(component(&doc, "AccountPatch")).contains(&"name"));

        let settings = component(&doc, "SettingsPatch");
        for field in ["active_product_cap", "lead_probabilities"] {
            assert!(settings["properties"].get(field).is_some(), "{field}: {settings}");
            assert!(!required(settings).contains(&field), "{field}: {settings}");
        }

        // The bodies no declaration describes are kept by hand: each requires what its
        // reader requires.
        for (name, fields) in [
            ("ReopenRequest", &["status", "reason"][..]),
            ("RepWrite", &["user_id"]),
            ("ReassignRequest", &["from_user_id", "to_user_id"]),
            ("PartnerLinkWrite", &["partner_id"]),
            ("MergeRequest", &["ids"]),
            ("TagRename", &["from", "to"]),
            ("TagChange", &[]),
            ("BulkWrite", &["items"]),
            ("DistributionLinkRequest", &[]),
            ("TokenRequest", &["name"]),
            ("LoginRequest", &["password"]),
        ] {
            assert_eq!(required(component(&doc, name)), fields, "{name}");
        }
        let reopen = &component(&doc, "ReopenRequest")["properties"]["status"]["enum"];
        assert!(reopen.as_array().is_some_and(|s| s.contains(&"new".into()) && !s.contains(&"won".into())), "{reopen}");

        // The bulk create's entries are single creates.
        assert_eq!(
            component(&doc, "BulkWrite")["properties"]["items"]["items"]["$ref"],
            "#/components/schemas/DistributionCreate"
        );
    }

    async fn every_body_refuses_unknown_fields_and_no_patch_requires_any(db) {
        // Every reader refuses a field it does not know, so every body says so; and a
        // PATCH body is partial, so a client never has to resend a field.
        let app = App::start(db).await;
        let doc = document(&app).await;
        let mut wrong = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let Some(body) = op.get("requestBody") else { continue };
                let reference = body["content"]["application/json"]["schema"]["$ref"].as_str();
                let Some(schema) = reference.and_then(|r| target(&doc, r)) else {
                    wrong.push(format!("{method} {path}: body not a component: {body}"));
                    continue;
                };
                if schema["additionalProperties"] != false {
                    wrong.push(format!("{method} {path}: accepts unknown fields"));
                }
                if method == "patch" && !required(schema).is_empty() {
                    wrong.push(format!("{method} {path}: requires {:?}", required(schema)));
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}

both_engines! {
    async fn operation_ids_are_unique_and_public_operations_say_so(db) {
        let app = App::start(db).await;
        let doc = document(&app).await;
        let mut ids = std::collections::BTreeMap::new();
        let mut public = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let Some(id) = op["operationId"].as_str() else { continue };
                if let Some(other) = ids.insert(id.to_owned(), format!("{method} {path}")) {
                    panic!("operationId {id} is used by {other} and {method} {path}");
                }
                // An empty requirement object: no credentials needed, whatever the
                // document's global requirement says.
                if op["security"] == serde_json::json!([{}]) {
                    public.push(format!("{method} {path}"));
                }
            }
        }
        assert!(ids.len() > 80, "{} operations", ids.len());
        public.sort();
        assert_eq!(
            public,
            ["get /healthz", "get /metrics", "get /readyz", "post /api/v1/auth/login"],
        );
    }
}

both_engines! {
    async fn every_limit_parameter_says_one_to_five_hundred(db) {
        let app = App::start(db).await;
        let doc = document(&app).await;
        let mut seen = 0;
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                for p in params.iter().filter(|p| p["name"] == "limit") {
                    seen += 1;
                    // The same bounds the list reader enforces (kernel::list::MAX_LIMIT).
                    assert_eq!(p["schema"]["minimum"], 1, "{method} {path}: {p}");
                    assert_eq!(
                        p["schema"]["maximum"],
                        rapport_store::kernel::list::MAX_LIMIT,
                        "{method} {path}: {p}"
                    );
                }
            }
        }
        assert!(seen >= 11, "{seen} limit parameters");
    }
}

both_engines! {
    async fn a_path_id_that_is_not_a_uuid_is_a_documented_400(db) {
        let app = App::start(db).await;
        let doc = document(&app).await;
        let mut tried = 0;
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                let uuids: Vec<String> = params
                    .iter()
                    .filter(|p| p["in"] == "path" && p["schema"]["format"] == "uuid")
                    .filter_map(|p| p["name"].as_str().map(str::to_owned))
                    .collect();
                if uuids.is_empty() {
                    continue;
                }
                let mut uri = path.clone();
                for name in &uuids {
                    uri = uri.replace(&format!("{{{name}}}"), "not-a-uuid");
                }
                let method_name = method.to_uppercase();
                let m = axum::http::Method::from_bytes(method_name.as_bytes()).expect("method");
                let body = matches!(method.as_str(), "post" | "patch" | "put").then(|| serde_json::json!({}));
                let r = app.call(m, &uri, &app.admin.token, body).await;
                assert_eq!(r.status, axum::http::StatusCode::BAD_REQUEST, "{method} {uri}: {}", r.body);
                assert!(
                    op["responses"].get("400").is_some(),
                    "{method} {path} answers 400 but does not document it"
                );
                tried += 1;
            }
        }
        assert!(tried > 30, "{tried} operations with a UUID in the path");
    }
}
