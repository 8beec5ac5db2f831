//! What operators and API clients rely on outside the resources themselves: health and
//! readiness probes, metrics, the OpenAPI description and its docs page, request ids,
//! and the answers for unknown paths and methods.

#[allow(unused_imports)]
use super::support::*;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use rapport_db::both_engines;
use serde_json::{json, Value};

async fn get_plain(app: &App, uri: &str, extra: &[(&str, &str)]) -> Reply {
    app.call_with(Method::GET, uri, "", None, extra).await
}

async fn metrics_text(app: &App) -> String {
    let r = get_plain(app, "/metrics", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/plain")),
        "{:?}",
        r.header("content-type")
    );
    String::from_utf8(r.raw).expect("metrics are UTF-8")
}

/// The value of the sample whose name-and-labels part is exactly `series`.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| {
            l.strip_prefix(series)
                .and_then(|rest| rest.strip_prefix(' '))
        })
        .and_then(|v| v.trim().parse().ok())
}

async fn exec(app: &App, sql: &'static str) {
    app.store
        .db
        .write(move |c| c.execute(sql, &[]))
        .await
        .expect("write");
}

/// Every operation the API document lists, as served before the routes were laid out by
/// area (issue 13); the areas' `router()`s (crates/web/src/routes/<area>/mod.rs) register
/// them with their OpenAPI paths. Keep in step with them: a route missing from the spec
/// is an undocumented endpoint.
pub const ROUTES: [(&str, &str); 156] = [
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/tokens"),
    ("get", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{id}"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users"),
    ("get", "/api/v1/users/{id}"),
    ("patch", "/api/v1/users/{id}"),
    ("post", "/api/v1/users/{id}/disable"),
    ("post", "/api/v1/users/{id}/enable"),
    ("post", "/api/v1/accounts"),
    ("get", "/api/v1/accounts"),
    ("post", "/api/v1/accounts/find-or-create"),
    ("get", "/api/v1/accounts/tags"),
    ("post", "/api/v1/accounts/tags/rename"),
    ("post", "/api/v1/accounts/{id}/tags"),
    ("get", "/api/v1/accounts/{id}"),
    ("patch", "/api/v1/accounts/{id}"),
    ("delete", "/api/v1/accounts/{id}"),
    ("post", "/api/v1/accounts/{id}/archive"),
    ("post", "/api/v1/accounts/{id}/restore"),
    ("get", "/api/v1/accounts/by-legacy-id/{legacy_id}"),
    ("post", "/api/v1/accounts/{id}/merge"),
    ("post", "/api/v1/accounts/{id}/contacts"),
    ("get", "/api/v1/accounts/{id}/contacts"),
    ("patch", "/api/v1/accounts/{id}/contacts/{contact_id}"),
    ("delete", "/api/v1/accounts/{id}/contacts/{contact_id}"),
    ("get", "/api/v1/accounts/{id}/reps"),
    ("post", "/api/v1/accounts/{id}/reps"),
    ("delete", "/api/v1/accounts/{id}/reps/{user_id}"),
    ("post", "/api/v1/accounts/reps/reassign"),
    ("post", "/api/v1/accounts/{id}/notes"),
    ("get", "/api/v1/accounts/{id}/notes"),
    ("get", "/api/v1/notes/{id}"),
    ("patch", "/api/v1/notes/{id}"),
    ("delete", "/api/v1/notes/{id}"),
    ("post", "/api/v1/contacts"),
    ("get", "/api/v1/contacts"),
    ("get", "/api/v1/contacts/{id}"),
    ("patch", "/api/v1/contacts/{id}"),
    ("delete", "/api/v1/contacts/{id}"),
    ("get", "/api/v1/contacts/{id}/accounts"),
    ("get", "/api/v1/accounts/{id}/timeline"),
    ("post", "/api/v1/leads"),
    ("get", "/api/v1/leads"),
    ("get", "/api/v1/leads/{id}"),
    ("patch", "/api/v1/leads/{id}"),
    ("delete", "/api/v1/leads/{id}"),
    ("post", "/api/v1/leads/{id}/reopen"),
    ("post", "/api/v1/leads/{id}/archive"),
    ("post", "/api/v1/leads/{id}/restore"),
    ("get", "/api/v1/leads/{id}/history"),
    ("get", "/api/v1/leads/{id}/timeline"),
    ("get", "/api/v1/pipeline"),
    ("get", "/api/v1/settings"),
    ("patch", "/api/v1/settings"),
    ("post", "/api/v1/products"),
    ("get", "/api/v1/products"),
    ("get", "/api/v1/products/{id}"),
    ("patch", "/api/v1/products/{id}"),
    ("delete", "/api/v1/products/{id}"),
    ("post", "/api/v1/order-types"),
    ("get", "/api/v1/order-types"),
    ("get", "/api/v1/order-types/{id}"),
    ("patch", "/api/v1/order-types/{id}"),
    ("delete", "/api/v1/order-types/{id}"),
    ("post", "/api/v1/order-states"),
    ("get", "/api/v1/order-states"),
    ("get", "/api/v1/order-states/{id}"),
    ("patch", "/api/v1/order-states/{id}"),
    ("delete", "/api/v1/order-states/{id}"),
    ("get", "/api/v1/order-states/{id}/transitions"),
    ("put", "/api/v1/order-states/{id}/transitions"),
    ("get", "/api/v1/order-workflow"),
    ("get", "/api/v1/products/{id}/tiers"),
    ("put", "/api/v1/products/{id}/tiers"),
    ("post", "/api/v1/durations"),
    ("get", "/api/v1/durations"),
    ("get", "/api/v1/durations/{id}"),
    ("patch", "/api/v1/durations/{id}"),
    ("delete", "/api/v1/durations/{id}"),
    ("post", "/api/v1/pricing/quote"),
    ("post", "/api/v1/activities"),
    ("get", "/api/v1/activities"),
    ("get", "/api/v1/activities/{id}"),
    ("patch", "/api/v1/activities/{id}"),
    ("delete", "/api/v1/activities/{id}"),
    ("post", "/api/v1/activities/{id}/done"),
    ("post", "/api/v1/activities/{id}/undone"),
    ("get", "/api/v1/audit"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("post", "/api/v1/distributions"),
    ("get", "/api/v1/distributions"),
    ("post", "/api/v1/distributions/bulk"),
    ("post", "/api/v1/distributions/link"),
    ("get", "/api/v1/distributions/trace"),
    ("get", "/api/v1/distributions/{id}"),
    ("patch", "/api/v1/distributions/{id}"),
    ("delete", "/api/v1/distributions/{id}"),
    ("get", "/api/v1/distributors/{id}/partners"),
    ("post", "/api/v1/distributors/{id}/partners"),
    (
        "post",
        "/api/v1/distributors/{id}/partners/{partner_id}/deactivate",
    ),
    ("get", "/api/v1/dashboards/sales"),
    ("get", "/api/v1/dashboards/pipeline"),
    ("post", "/api/v1/orders"),
    ("get", "/api/v1/orders"),
    ("get", "/api/v1/orders/{id}"),
    ("patch", "/api/v1/orders/{id}"),
    ("delete", "/api/v1/orders/{id}"),
    ("put", "/api/v1/orders/{id}/items"),
    ("post", "/api/v1/orders/{id}/transitions"),
    ("post", "/api/v1/orders/{id}/reopen"),
    ("get", "/api/v1/orders/{id}/history"),
    ("get", "/api/v1/orders/{id}/timeline"),
    ("post", "/api/v1/projects"),
    ("get", "/api/v1/projects"),
    ("get", "/api/v1/projects/{id}"),
    ("patch", "/api/v1/projects/{id}"),
    ("delete", "/api/v1/projects/{id}"),
    ("post", "/api/v1/tasks"),
    ("get", "/api/v1/tasks"),
    ("get", "/api/v1/tasks/{id}"),
    ("patch", "/api/v1/tasks/{id}"),
    ("delete", "/api/v1/tasks/{id}"),
    ("post", "/api/v1/message-types"),
    ("get", "/api/v1/message-types"),
    ("get", "/api/v1/message-types/{id}"),
    ("patch", "/api/v1/message-types/{id}"),
    ("delete", "/api/v1/message-types/{id}"),
    ("post", "/api/v1/messages"),
    ("get", "/api/v1/messages"),
    ("get", "/api/v1/messages/{id}"),
    ("post", "/api/v1/messages/{id}/read"),
    ("post", "/api/v1/instructions"),
    ("get", "/api/v1/instructions"),
    ("get", "/api/v1/instructions/{id}"),
    ("patch", "/api/v1/instructions/{id}"),
    ("delete", "/api/v1/instructions/{id}"),
    ("post", "/api/v1/instructions/{id}/approve"),
    ("get", "/api/v1/views/order-summary"),
    ("get", "/api/v1/views/active-projects"),
    ("get", "/api/v1/views/monthly-order-stats"),
    ("post", "/api/v1/contracts"),
    ("get", "/api/v1/contracts"),
    ("get", "/api/v1/contracts/{id}"),
    ("patch", "/api/v1/contracts/{id}"),
    ("post", "/api/v1/contracts/{id}/status"),
    ("get", "/api/v1/contracts/{id}/history"),
    ("get", "/api/v1/contracts/{id}/timeline"),
    ("get", "/api/v1/contracts/{id}/chain"),
    ("post", "/api/v1/contracts/{id}/renew"),
    ("get", "/api/v1/dashboards/contracts"),
];

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

async fn spec(app: &App) -> Value {
    let r = get_plain(app, "/api/v1/openapi.json", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/json")));
    r.body
}

// --- probes ------------------------------------------------------------------------------

both_engines! {
    async fn healthz_says_ok_without_credentials(db) {
        let app = App::start(db).await;
        let r = get_plain(&app, "/healthz", &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body, json!({"status": "ok"}));
    }
}

both_engines! {
    async fn readyz_reports_the_schema_version(db) {
        let app = App::start(db).await;
        let r = get_plain(&app, "/readyz", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body, json!({"status": "ready", "schema_version": rapport_migration::latest_version()}));
    }
}

both_engines! {
    async fn readyz_is_503_when_the_database_is_ahead_of_the_binary(db) {
        let app = App::start(db).await;
        exec(&app, "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, 'future', 'x', '2030-01-01T00:00:00Z')").await;
        let r = get_plain(&app, "/readyz", &[]).await.problem(StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.body["type"], "/problems/not-ready");
        assert!(r.body["detail"].as_str().is_some_and(|d| d.contains("999")), "names the version: {}", r.body);
        // Liveness is a separate question: restarting would not help.
        assert_eq!(get_plain(&app, "/healthz", &[]).await.status, StatusCode::OK);
    }
}

both_engines! {
    async fn readyz_is_503_when_an_applied_migration_was_changed(db) {
        let app = App::start(db).await;
        exec(&app, "UPDATE schema_migrations SET checksum = 'tampered' WHERE version = (SELECT MIN(version) FROM schema_migrations)").await;
        get_plain(&app, "/readyz", &[]).await.problem(StatusCode::SERVICE_UNAVAILABLE);
    }
}

both_engines! {
    async fn readyz_is_503_when_a_migration_is_pending(db) {
        let app = App::start(db).await;
        exec(&app, "DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)").await;
        get_plain(&app, "/readyz", &[]).await.problem(StatusCode::SERVICE_UNAVAILABLE);
    }
}

// --- metrics -----------------------------------------------------------------------------

both_engines! {
    async fn metrics_count_requests_by_route_template_and_status(db) {
        let app = App::start(db).await;
        get_plain(&app, "/healthz", &[]).await;
        assert_eq!(app.get("/api/v1/accounts", &app.admin.token).await.status, StatusCode::OK);
        assert_eq!(app.get("/api/v1/accounts", &app.rep.token).await.status, StatusCode::OK);
        let missing = format!("/api/v1/accounts/{}", uuid::Uuid::now_v7());
        assert_eq!(app.get(&missing, &app.admin.token).await.status, StatusCode::NOT_FOUND);

        let text = metrics_text(&app).await;
        let counter = |route: &str, status: u16| {
            sample(&text, &format!("rapport_http_requests_total{{method=\"GET\",route=\"{route}\",status=\"{status}\"}}"))
        };
        assert_eq!(counter("/healthz", 200), Some(1.0), "{text}");
        assert_eq!(counter("/api/v1/accounts", 200), Some(2.0), "{text}");
        // The template, not the id: one series however many records there are.
        assert_eq!(counter("/api/v1/accounts/{id}", 404), Some(1.0), "{text}");
        assert!(!text.contains(&missing));
        assert_eq!(counter("/api/v1/accounts", 500), None);

        let bucket = |le: &str| {
            sample(&text, &format!("rapport_http_request_duration_seconds_bucket{{method=\"GET\",route=\"/api/v1/accounts\",le=\"{le}\"}}"))
        };
        assert_eq!(bucket("+Inf"), Some(2.0), "{text}");
        assert!(bucket("0.0005").is_some_and(|n| n <= 2.0));
        assert_eq!(
            sample(&text, "rapport_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/accounts\"}"),
            Some(2.0)
        );
        assert!(text.contains("# TYPE rapport_http_requests_total counter"));
        assert!(text.contains("# TYPE rapport_http_request_duration_seconds histogram"));
        let pool = sample(&text, "rapport_db_pool_size").expect("rapport_db_pool_size");
        assert!(pool >= 1.0, "pool size {pool}");
        for gauge in ["rapport_db_pool_open", "rapport_db_pool_in_use", "rapport_db_pool_waiting"] {
            assert!(sample(&text, gauge).is_some(), "{gauge} missing");
        }
    }
}

both_engines! {
    async fn metrics_put_unknown_paths_under_one_label(db) {
        let app = App::start(db).await;
        get_plain(&app, "/wp-login.php", &[]).await;
        get_plain(&app, "/api/v1/nothing-here", &[]).await;
        let text = metrics_text(&app).await;
        assert_eq!(
            sample(&text, "rapport_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"),
            Some(2.0),
            "{text}"
        );
        assert!(!text.contains("wp-login") && !text.contains("nothing-here"));
    }
}

both_engines! {
    async fn metrics_do_not_grow_a_series_per_invented_method(db) {
        // Scanners choose the method as freely as the path; each new label set is kept
        // in memory for the life of the process.
        let app = App::start(db).await;
        for m in ["SCANA", "SCANB", "SCANC"] {
            let req = Request::builder()
                .method(Method::from_bytes(m.as_bytes()).expect("method"))
                .uri("/no/such/path")
                .body(Body::empty())
                .expect("request");
            assert_eq!(app.send(req).await.status, StatusCode::NOT_FOUND);
        }
        let text = metrics_text(&app).await;
        assert!(!text.contains("SCAN"), "{text}");
    }
}

both_engines! {
    async fn metrics_label_requests_refused_by_auth_with_their_route(db) {
        // A burst of 401s on a real endpoint (a credential-stuffing run, a broken
        // client) must show on that endpoint, not be lost among scanner 404s.
        let app = App::start(db).await;
        app.get("/api/v1/accounts", "garbage").await.problem(StatusCode::UNAUTHORIZED);
        let text = metrics_text(&app).await;
        assert_eq!(
            sample(&text, "rapport_http_requests_total{method=\"GET\",route=\"/api/v1/accounts\",status=\"401\"}"),
            Some(1.0),
            "{text}"
        );
    }
}

// --- OpenAPI and docs ----------------------------------------------------------------------

both_engines! {
    async fn openapi_spec_describes_the_api(db) {
        let app = App::start(db).await;
        let s = spec(&app).await;
        assert!(s["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", s["openapi"]);
        assert_eq!(s["info"]["title"], "Rapport API");
        for path in ["/api/v1/accounts", "/api/v1/accounts/{id}", "/api/v1/auth/login", "/api/v1/tokens", "/api/v1/audit"] {
            assert!(s["paths"].get(path).is_some(), "{path} missing from the spec");
        }
        for schema in ["Account", "ProblemBody"] {
            assert!(s["components"]["schemas"].get(schema).is_some(), "schema {schema} missing");
        }
        let schemes = &s["components"]["securitySchemes"];
        assert_eq!(schemes["bearer"]["scheme"], "bearer");
        assert_eq!(schemes["session"]["in"], "cookie");
        assert_eq!(schemes["session"]["name"], "rapport_session");
    }
}

both_engines! {
    async fn every_registered_route_is_in_the_spec_and_nothing_else(db) {
        let app = App::start(db).await;
        let s = spec(&app).await;
        let paths = s["paths"].as_object().expect("paths");
        let mut documented: Vec<(String, String)> = paths
            .iter()
            .flat_map(|(p, item)| {
                HTTP_METHODS
                    .iter()
                    .filter(|m| item.get(**m).is_some())
                    .map(|m| ((*m).to_owned(), p.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        documented.sort();
        let mut registered: Vec<(String, String)> = ROUTES.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
        registered.sort();
        let undocumented: Vec<_> = registered.iter().filter(|r| !documented.contains(r)).collect();
        assert!(undocumented.is_empty(), "routes missing from the spec: {undocumented:?}");
        let phantom: Vec<_> = documented.iter().filter(|d| !registered.contains(d)).collect();
        assert!(phantom.is_empty(), "spec documents routes not in ROUTES: {phantom:?}");

        // And the spec's paths really are served: with a made-up id, each answers
        // something other than "no such endpoint" or "method not allowed".
        let any_id = uuid::Uuid::now_v7().to_string();
        for (method, path) in &documented {
            let uri = path.replace("{id}", &any_id);
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let r = app.call(m, &uri, &app.admin.token, None).await;
            assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            let fell_through = r.status == StatusCode::NOT_FOUND
                && r.body["detail"].as_str().is_some_and(|d| d.contains("no such endpoint"));
            assert!(!fell_through, "{method} {path} is documented but not routed");
        }
    }
}

both_engines! {
    async fn spec_documents_errors_as_problem_json(db) {
        let app = App::start(db).await;
        let s = spec(&app).await;
        let mut wrong = Vec::new();
        for (path, item) in s["paths"].as_object().expect("paths") {
            for m in HTTP_METHODS {
                let Some(responses) = item.get(m).and_then(|op| op["responses"].as_object()) else { continue };
                for (status, resp) in responses {
                    let is_error = status.parse::<u16>().is_ok_and(|n| n >= 400);
                    let Some(content) = resp.get("content").and_then(Value::as_object) else { continue };
                    if is_error && !content.keys().all(|k| k == "application/problem+json") {
                        wrong.push(format!("{m} {path} {status}: {:?}", content.keys().collect::<Vec<_>>()));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "error responses not documented as problem+json: {wrong:#?}");
    }
}

both_engines! {
    async fn docs_page_is_self_contained(db) {
        // The docs must work on a network without internet access and leak no visits.
        let app = App::start(db).await;
        let r = get_plain(&app, "/api/docs", &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.header("content-type").is_some_and(|c| c.starts_with("text/html")));
        let html = String::from_utf8(r.raw).expect("UTF-8");
        assert!(html.contains("swagger-ui"));
        assert!(html.contains("/api/v1/openapi.json"));
        let mut local = Vec::new();
        for attr in ["src=\"", "href=\"", "src='", "href='"] {
            let quote = &attr[attr.len() - 1..];
            for (i, _) in html.match_indices(attr) {
                let rest = &html[i + attr.len()..];
                let value = &rest[..rest.find(quote).expect("closing quote")];
                assert!(
                    !value.starts_with("http:") && !value.starts_with("https:") && !value.starts_with("//"),
                    "external resource on the docs page: {value}"
                );
                local.push(value.to_owned());
            }
        }
        assert!(local.len() >= 2, "expected the page to load its script and stylesheet: {local:?}");
        for asset in local {
            assert_eq!(get_plain(&app, &asset, &[]).await.status, StatusCode::OK, "{asset}");
        }
    }
}

both_engines! {
    async fn docs_assets_are_served_with_their_types(db) {
        let app = App::start(db).await;
        let js = get_plain(&app, "/api/docs/swagger-ui-bundle.js", &[]).await;
        assert_eq!(js.status, StatusCode::OK);
        assert!(js.header("content-type").is_some_and(|c| c.starts_with("text/javascript")), "{:?}", js.header("content-type"));
        assert!(js.raw.len() > 10_000);
        assert!(String::from_utf8_lossy(&js.raw).contains("SwaggerUIBundle"));

        let css = get_plain(&app, "/api/docs/swagger-ui.css", &[]).await;
        assert_eq!(css.status, StatusCode::OK);
        assert!(css.header("content-type").is_some_and(|c| c.starts_with("text/css")), "{:?}", css.header("content-type"));
        assert!(css.raw.len() > 1_000);

        get_plain(&app, "/api/docs/other.js", &[]).await.problem(StatusCode::NOT_FOUND);
        get_plain(&app, "/api/docs/..%2Fdocs.html", &[]).await.problem(StatusCode::NOT_FOUND);
        // Swagger UI ships more files than the page loads; only those are published.
        for unpublished in ["index.html", "swagger-initializer.js", "swagger-ui-bundle.js.map"] {
            get_plain(&app, &format!("/api/docs/{unpublished}"), &[]).await.problem(StatusCode::NOT_FOUND);
        }
    }
}

// --- request ids ----------------------------------------------------------------------------

both_engines! {
    async fn sane_request_id_is_echoed(db) {
        let app = App::start(db).await;
        let longest = "x".repeat(128);
        for id in ["client-req_1.2:3", "a", longest.as_str()] {
            let r = get_plain(&app, "/healthz", &[("x-request-id", id)]).await;
            assert_eq!(r.header("x-request-id").as_deref(), Some(id));
        }
        // In problem bodies too, so a client can quote it when reporting an error.
        let r = get_plain(&app, "/api/v1/me", &[("x-request-id", "trace-me-401")]).await.problem(StatusCode::UNAUTHORIZED);
        assert_eq!(r.body["request_id"], "trace-me-401");
        assert_eq!(r.header("x-request-id").as_deref(), Some("trace-me-401"));
    }
}

both_engines! {
    async fn missing_request_id_gets_a_fresh_uuid(db) {
        let app = App::start(db).await;
        let a = get_plain(&app, "/healthz", &[]).await.header("x-request-id").expect("x-request-id");
        let b = get_plain(&app, "/healthz", &[]).await.header("x-request-id").expect("x-request-id");
        let parsed = uuid::Uuid::parse_str(&a).expect("a UUID");
        assert_eq!(parsed.get_version_num(), 7);
        assert_ne!(a, b);
        let p = get_plain(&app, "/no/such/page", &[]).await.problem(StatusCode::NOT_FOUND);
        assert_eq!(p.body["request_id"].as_str(), p.header("x-request-id").as_deref());
    }
}

both_engines! {
    async fn unsafe_request_id_is_replaced(db) {
        // It goes into logs and the audit log: no spaces, no markup, no megabytes.
        let app = App::start(db).await;
        let long = "y".repeat(129);
        let huge = "z".repeat(300);
        for bad in ["has spaces", "<script>", "semi;colon", "", long.as_str(), huge.as_str()] {
            let r = get_plain(&app, "/healthz", &[("x-request-id", bad)]).await;
            let got = r.header("x-request-id").expect("x-request-id");
            assert_ne!(got, bad);
            assert!(uuid::Uuid::parse_str(&got).is_ok(), "{bad:?} was replaced by {got:?}");
        }
    }
}

// --- unknown paths and methods ----------------------------------------------------------------

both_engines! {
    async fn unknown_path_is_404_problem_even_without_credentials(db) {
        let app = App::start(db).await;
        let r = get_plain(&app, "/api/v1/no-such-resource", &[]).await.problem(StatusCode::NOT_FOUND);
        assert_eq!(r.body["type"], "/problems/not-found");
        assert!(r.body["detail"].as_str().is_some_and(|d| d.contains("/api/v1/openapi.json")), "{}", r.body);
        app.get("/api/v2/accounts", &app.admin.token).await.problem(StatusCode::NOT_FOUND);
        app.call(Method::POST, "/nowhere", &app.admin.token, Some(json!({}))).await.problem(StatusCode::NOT_FOUND);
    }
}

both_engines! {
    async fn wrong_method_on_a_known_path_is_405_problem(db) {
        let app = App::start(db).await;
        let id = uuid::Uuid::now_v7();
        for (method, uri) in [
            (Method::PUT, "/api/v1/accounts".to_owned()),
            (Method::GET, format!("/api/v1/tokens/{id}")),
            (Method::GET, format!("/api/v1/accounts/{id}/archive")),
            (Method::DELETE, "/api/v1/audit".to_owned()),
            (Method::POST, "/healthz".to_owned()),
        ] {
            let r = app.call(method.clone(), &uri, &app.admin.token, None).await.problem(StatusCode::METHOD_NOT_ALLOWED);
            assert_eq!(r.body["type"], "/problems/method-not-allowed", "{method} {uri}");
        }
        // Nothing was created by the refused PUT.
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 0);
    }
}

both_engines! {
    async fn method_not_allowed_lists_the_allowed_methods(db) {
        // RFC 9110 §15.5.6: a 405 MUST carry Allow.
        let app = App::start(db).await;
        let r = app.call(Method::PUT, "/api/v1/accounts", &app.admin.token, None).await.problem(StatusCode::METHOD_NOT_ALLOWED);
        let allow = r.header("allow").unwrap_or_default();
        let mut methods: Vec<&str> = allow.split(',').map(str::trim).filter(|m| !m.is_empty()).collect();
        methods.sort_unstable();
        methods.retain(|m| *m != "HEAD");
        assert_eq!(methods, ["GET", "POST"], "Allow: {allow:?}");
    }
}
