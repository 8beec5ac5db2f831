//! The access matrix, table-driven (#6): every endpoint the API has, called by every
//! role that must not see a "secret" world of records (another rep's account with its
//! contact, lead, note, task, shipment and tags), must neither show any trace of it — an
//! id, a name, a figure, a search hit — nor change it. Roles that see everything must be
//! able to read it, which shows the fixture is really there. An endpoint missing from the
//! table fails the test, so new endpoints join the matrix when they are added.
//! Both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use rapport_domain::Role;
use serde_json::{json, Value};

use super::operations::ROUTES;
#[allow(unused_imports)]
use super::support::*;

/// One call per route: the route as registered, and the request made (placeholders
/// filled from the fixture). Auth endpoints are listed but not called (they act on the
/// caller's own session only).
const PROBES: &[(&str, &str, &str)] = &[
    ("post", "/api/v1/auth/login", ""),
    ("post", "/api/v1/auth/logout", ""),
    ("get", "/api/v1/me", "/api/v1/me"),
    ("post", "/api/v1/tokens", "/api/v1/tokens"),
    ("get", "/api/v1/tokens", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{id}", "/api/v1/tokens/{token}"),
    ("post", "/api/v1/users", "/api/v1/users"),
    ("get", "/api/v1/users", "/api/v1/users"),
    ("get", "/api/v1/users/{id}", "/api/v1/users/{user}"),
    ("patch", "/api/v1/users/{id}", "/api/v1/users/{user}"),
    (
        "post",
        "/api/v1/users/{id}/disable",
        "/api/v1/users/{user}/disable",
    ),
    (
        "post",
        "/api/v1/users/{id}/enable",
        "/api/v1/users/{user}/enable",
    ),
    ("post", "/api/v1/accounts", "/api/v1/accounts"),
    (
        "get",
        "/api/v1/accounts",
        "/api/v1/accounts?q=secret&count=true",
    ),
    (
        "post",
        "/api/v1/accounts/find-or-create",
        "/api/v1/accounts/find-or-create",
    ),
    ("get", "/api/v1/accounts/tags", "/api/v1/accounts/tags"),
    (
        "post",
        "/api/v1/accounts/tags/rename",
        "/api/v1/accounts/tags/rename",
    ),
    (
        "post",
        "/api/v1/accounts/{id}/tags",
        "/api/v1/accounts/{acct}/tags",
    ),
    ("get", "/api/v1/accounts/{id}", "/api/v1/accounts/{acct}"),
    ("patch", "/api/v1/accounts/{id}", "/api/v1/accounts/{acct}"),
    ("delete", "/api/v1/accounts/{id}", "/api/v1/accounts/{acct}"),
    (
        "post",
        "/api/v1/accounts/{id}/archive",
        "/api/v1/accounts/{acct}/archive",
    ),
    (
        "post",
        "/api/v1/accounts/{id}/restore",
        "/api/v1/accounts/{acct}/restore",
    ),
    (
        "get",
        "/api/v1/accounts/by-legacy-id/{legacy_id}",
        "/api/v1/accounts/by-legacy-id/SECRET-LEGACY",
    ),
    (
        "post",
        "/api/v1/accounts/{id}/merge",
        "/api/v1/accounts/{acct}/merge",
    ),
    (
        "post",
        "/api/v1/accounts/{id}/contacts",
        "/api/v1/accounts/{acct}/contacts",
    ),
    (
        "get",
        "/api/v1/accounts/{id}/contacts",
        "/api/v1/accounts/{acct}/contacts",
    ),
    (
        "patch",
        "/api/v1/accounts/{id}/contacts/{contact_id}",
        "/api/v1/accounts/{acct}/contacts/{contact}",
    ),
    (
        "delete",
        "/api/v1/accounts/{id}/contacts/{contact_id}",
        "/api/v1/accounts/{acct}/contacts/{contact}",
    ),
    (
        "get",
        "/api/v1/accounts/{id}/reps",
        "/api/v1/accounts/{acct}/reps",
    ),
    (
        "post",
        "/api/v1/accounts/{id}/reps",
        "/api/v1/accounts/{acct}/reps",
    ),
    (
        "delete",
        "/api/v1/accounts/{id}/reps/{user_id}",
        "/api/v1/accounts/{acct}/reps/{user}",
    ),
    (
        "post",
        "/api/v1/accounts/reps/reassign",
        "/api/v1/accounts/reps/reassign",
    ),
    (
        "post",
        "/api/v1/accounts/{id}/notes",
        "/api/v1/accounts/{acct}/notes",
    ),
    (
        "get",
        "/api/v1/accounts/{id}/notes",
        "/api/v1/accounts/{acct}/notes",
    ),
    ("get", "/api/v1/notes/{id}", "/api/v1/notes/{note}"),
    ("patch", "/api/v1/notes/{id}", "/api/v1/notes/{note}"),
    ("delete", "/api/v1/notes/{id}", "/api/v1/notes/{note}"),
    ("post", "/api/v1/contacts", "/api/v1/contacts"),
    (
        "get",
        "/api/v1/contacts",
        "/api/v1/contacts?q=secret&count=true",
    ),
    ("get", "/api/v1/contacts/{id}", "/api/v1/contacts/{contact}"),
    (
        "patch",
        "/api/v1/contacts/{id}",
        "/api/v1/contacts/{contact}",
    ),
    (
        "delete",
        "/api/v1/contacts/{id}",
        "/api/v1/contacts/{contact}",
    ),
    (
        "get",
        "/api/v1/contacts/{id}/accounts",
        "/api/v1/contacts/{contact}/accounts",
    ),
    (
        "get",
        "/api/v1/accounts/{id}/timeline",
        "/api/v1/accounts/{acct}/timeline",
    ),
    ("post", "/api/v1/leads", "/api/v1/leads"),
    ("get", "/api/v1/leads", "/api/v1/leads?q=secret&count=true"),
    ("get", "/api/v1/leads/{id}", "/api/v1/leads/{lead}"),
    ("patch", "/api/v1/leads/{id}", "/api/v1/leads/{lead}"),
    ("delete", "/api/v1/leads/{id}", "/api/v1/leads/{lead}"),
    (
        "post",
        "/api/v1/leads/{id}/reopen",
        "/api/v1/leads/{lead}/reopen",
    ),
    (
        "post",
        "/api/v1/leads/{id}/archive",
        "/api/v1/leads/{lead}/archive",
    ),
    (
        "post",
        "/api/v1/leads/{id}/restore",
        "/api/v1/leads/{lead}/restore",
    ),
    (
        "get",
        "/api/v1/leads/{id}/history",
        "/api/v1/leads/{lead}/history",
    ),
    (
        "get",
        "/api/v1/leads/{id}/timeline",
        "/api/v1/leads/{lead}/timeline",
    ),
    ("get", "/api/v1/pipeline", "/api/v1/pipeline"),
    ("get", "/api/v1/settings", "/api/v1/settings"),
    ("patch", "/api/v1/settings", "/api/v1/settings"),
    ("post", "/api/v1/products", "/api/v1/products"),
    ("get", "/api/v1/products", "/api/v1/products"),
    ("get", "/api/v1/products/{id}", "/api/v1/products/{product}"),
    (
        "patch",
        "/api/v1/products/{id}",
        "/api/v1/products/{product}",
    ),
    (
        "delete",
        "/api/v1/products/{id}",
        "/api/v1/products/{product}",
    ),
    ("post", "/api/v1/activities", "/api/v1/activities"),
    ("get", "/api/v1/activities", "/api/v1/activities?count=true"),
    (
        "get",
        "/api/v1/activities/{id}",
        "/api/v1/activities/{task}",
    ),
    (
        "patch",
        "/api/v1/activities/{id}",
        "/api/v1/activities/{task}",
    ),
    (
        "delete",
        "/api/v1/activities/{id}",
        "/api/v1/activities/{task}",
    ),
    (
        "post",
        "/api/v1/activities/{id}/done",
        "/api/v1/activities/{task}/done",
    ),
    (
        "post",
        "/api/v1/activities/{id}/undone",
        "/api/v1/activities/{task}/undone",
    ),
    ("get", "/api/v1/audit", "/api/v1/audit"),
    ("get", "/healthz", "/healthz"),
    ("get", "/readyz", "/readyz"),
    ("get", "/metrics", "/metrics"),
    ("post", "/api/v1/distributions", "/api/v1/distributions"),
    (
        "get",
        "/api/v1/distributions",
        "/api/v1/distributions?count=true",
    ),
    (
        "post",
        "/api/v1/distributions/bulk",
        "/api/v1/distributions/bulk",
    ),
    (
        "post",
        "/api/v1/distributions/link",
        "/api/v1/distributions/link",
    ),
    (
        "get",
        "/api/v1/distributions/trace",
        "/api/v1/distributions/trace?lot=LOTX9",
    ),
    (
        "get",
        "/api/v1/distributions/{id}",
        "/api/v1/distributions/{dist}",
    ),
    (
        "patch",
        "/api/v1/distributions/{id}",
        "/api/v1/distributions/{dist}",
    ),
    (
        "delete",
        "/api/v1/distributions/{id}",
        "/api/v1/distributions/{dist}",
    ),
    (
        "get",
        "/api/v1/distributors/{id}/partners",
        "/api/v1/distributors/{distributor}/partners",
    ),
    (
        "post",
        "/api/v1/distributors/{id}/partners",
        "/api/v1/distributors/{distributor}/partners",
    ),
    (
        "post",
        "/api/v1/distributors/{id}/partners/{partner_id}/deactivate",
        "/api/v1/distributors/{distributor}/partners/{partner}/deactivate",
    ),
    (
        "get",
        "/api/v1/dashboards/sales",
        "/api/v1/dashboards/sales?from=2026-01-01&to=2026-04-01",
    ),
    (
        "get",
        "/api/v1/dashboards/pipeline",
        "/api/v1/dashboards/pipeline?from=2020-01-01&to=2030-01-01",
    ),
];

struct Secret {
    /// Placeholder → id.
    ids: Vec<(&'static str, String)>,
    /// Text that must never reach a caller outside the secret world (lower case).
    markers: Vec<String>,
}

impl Secret {
    fn uri(&self, template: &str) -> String {
        let mut uri = template.to_owned();
        for (name, id) in &self.ids {
            uri = uri.replace(&format!("{{{name}}}"), id);
        }
        uri
    }
}

async fn created(app: &App, token: &str, uri: &str, body: Value) -> Value {
    let r = app.post(uri, token, body).await;
    assert!(r.status.is_success(), "{uri}: {} {}", r.status, r.body);
    r.body
}

/// Another rep's world, invisible to the rep, to partner and distributor users of
/// other organisations and to fulfillers.
async fn secret_world(app: &App) -> Secret {
    let t = &app.other_rep.token;
    let a = &app.admin.token;
    let acct = created(
        app,
        t,
        "/api/v1/accounts",
        json!({"name": "Secret Account", "legacy_id": "SECRET-LEGACY", "tags": ["secrettag"]}),
    )
    .await;
    let acct_id = acct["id"].as_str().unwrap().to_owned();
    let contact = created(
        app,
        t,
        "/api/v1/contacts",
        json!({"first_name": "Secretia", "last_name": "Hidden"}),
    )
    .await;
    created(
        app,
        t,
        &format!("/api/v1/accounts/{acct_id}/contacts"),
        json!({"contact_id": contact["id"]}),
    )
    .await;
    let lead = created(app, t, "/api/v1/leads", json!({"title": "Secret Lead", "account_id": acct["id"], "value": "9990001", "currency": "EUR"})).await;
    let note = created(
        app,
        t,
        &format!("/api/v1/accounts/{acct_id}/notes"),
        json!({"body": "secret note"}),
    )
    .await;
    let task = created(
        app,
        t,
        "/api/v1/activities",
        json!({"kind": "task", "subject": "secret task", "account_id": acct["id"]}),
    )
    .await;
    let dist = created(
        app,
        t,
        "/api/v1/distributions",
        json!({"ship_date": "2026-02-02", "sku": "SECRET-SKU", "lot_number": "LOTX9",
        "quantity": 7_770_001, "customer_id": acct["id"]}),
    )
    .await;
    let product = created(
        app,
        a,
        "/api/v1/products",
        json!({"name": "Public Product", "active": false}),
    )
    .await;
    let distributor = created(
        app,
        a,
        "/api/v1/accounts",
        json!({"name": "Secret Distributor", "kind": "distributor"}),
    )
    .await;
    let partner = created(
        app,
        a,
        "/api/v1/accounts",
        json!({"name": "Secret Partner", "kind": "partner"}),
    )
    .await;
    created(
        app,
        a,
        &format!(
            "/api/v1/distributors/{}/partners",
            distributor["id"].as_str().unwrap()
        ),
        json!({"partner_id": partner["id"]}),
    )
    .await;
    let token = created(app, t, "/api/v1/tokens", json!({"name": "secret token"})).await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let ids = vec![
        ("acct", id(&acct)),
        ("contact", id(&contact)),
        ("lead", id(&lead)),
        ("note", id(&note)),
        ("task", id(&task)),
        ("dist", id(&dist)),
        ("product", id(&product)),
        ("distributor", id(&distributor)),
        ("partner", id(&partner)),
        ("token", id(&token)),
        ("user", app.other_rep.user.id.to_string()),
    ];
    let mut markers: Vec<String> = ["secret", "hidden", "9990001", "7770001"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    markers.extend(
        ids.iter()
            .filter(|(n, _)| *n != "product")
            .map(|(_, v)| v.to_lowercase()),
    );
    Secret { ids, markers }
}

/// Where each record of the secret world stands, to see that nothing changed it.
async fn snapshot(app: &App) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT count(*) FROM accounts WHERE archived_at IS NULL AND name LIKE 'Secret%'",
        "SELECT sum(version) FROM accounts",
        "SELECT sum(version) FROM leads",
        "SELECT sum(version) FROM contacts",
        "SELECT sum(version) FROM activities",
        "SELECT sum(version) FROM distributions",
        "SELECT count(*) FROM account_contacts",
        "SELECT count(*) FROM account_reps",
        "SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL",
        "SELECT count(*) FROM users WHERE enabled = TRUE",
        "SELECT count(*) FROM distributor_partners WHERE active = TRUE",
    ] {
        out.push(app.count(sql).await);
    }
    out
}

both_engines! {
    async fn no_role_outside_a_record_sees_or_changes_it(db) {
        let app = App::start(db).await;
        // Every route is in the table, and the table holds nothing else.
        let mut routes: Vec<(&str, &str)> = ROUTES.to_vec();
        let mut probed: Vec<(&str, &str)> = PROBES.iter().map(|(m, r, _)| (*m, *r)).collect();
        routes.sort();
        probed.sort();
        assert_eq!(probed, routes, "every endpoint needs a row in the access matrix (PROBES)");

        let secret = secret_world(&app).await;
        let own = created(&app, &app.admin.token, "/api/v1/accounts", json!({"name": "Own Partner Org", "kind": "partner"})).await;
        let own_dist = created(&app, &app.admin.token, "/api/v1/accounts", json!({"name": "Own Distributor", "kind": "distributor"})).await;
        let partner = make_user(&app.store, Role::Partner, "partner@example.com", Some(id_of(&own))).await;
        let distributor = make_user(&app.store, Role::Distributor, "distributor@example.com", Some(id_of(&own_dist))).await;
        let fulfiller = make_user(&app.store, Role::Fulfiller, "fulfiller@example.com", None).await;
        let before = snapshot(&app).await;

        let outsiders: [(&str, &str); 4] = [
            ("rep", &app.rep.token),
            ("partner", &partner.token),
            ("distributor", &distributor.token),
            ("fulfiller", &fulfiller.token),
        ];
        let mut leaks = Vec::new();
        for (role, token) in outsiders {
            for (method, route, template) in PROBES {
                if template.is_empty() {
                    continue;
                }
                let uri = secret.uri(template);
                let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let body = (*method != "get" && *method != "delete").then(|| json!({}));
                let r = app.call(m, &uri, token, body).await;
                assert!(!r.status.is_server_error(), "{role} {method} {uri}: {}", r.status);
                let text = String::from_utf8_lossy(&r.raw).to_lowercase();
                for marker in &secret.markers {
                    if text.contains(marker.as_str()) {
                        leaks.push(format!("{role} {method} {route}: shows {marker:?}"));
                    }
                }
                // Calls on a secret record are refused; nothing else is ever allowed to
                // touch the secret world either (checked below).
                if route.contains("{id}") && !route.starts_with("/api/v1/products/") && r.status.is_success() {
                    leaks.push(format!("{role} {method} {route}: answered {} on a record outside its scope", r.status));
                }
            }
        }
        assert!(leaks.is_empty(), "leaks:\n{}", leaks.join("\n"));
        assert_eq!(snapshot(&app).await, before, "a call outside its scope changed the secret world");

        // The roles that see everything do see the secret world through the same calls.
        for token in [&app.admin.token, &app.restricted_admin.token, &app.manager.token, &app.viewer.token] {
            for template in ["/api/v1/accounts/{acct}", "/api/v1/leads?q=secret", "/api/v1/distributions/trace?lot=LOTX9",
                             "/api/v1/dashboards/sales?from=2026-01-01&to=2026-04-01"] {
                let r = app.get(&secret.uri(template), token).await;
                assert_eq!(r.status, StatusCode::OK, "{template}: {}", r.body);
                let text = String::from_utf8_lossy(&r.raw).to_lowercase();
                assert!(text.contains("secret") || text.contains("7770001"), "{template} hides the secret world from a role that sees all: {}", r.body);
            }
        }
    }
}

/// Inside each caller's scope: what the matrix in docs/access.md allows answers 2xx,
/// what it denies answers 403 — role, method, path (placeholders from the fixture),
/// body, expected status.
const INSIDE: &[(&str, &str, &str, &str, u16)] = &[
    // A rep's own account, lead and shipment.
    ("rep", "get", "/api/v1/accounts/{rep_acct}", "", 200),
    (
        "rep",
        "patch",
        "/api/v1/accounts/{rep_acct}",
        r#"{"website": "https://mine.example"}"#,
        200,
    ),
    ("rep", "delete", "/api/v1/accounts/{rep_acct}", "", 403),
    (
        "rep",
        "post",
        "/api/v1/accounts/{rep_acct}/merge",
        r#"{"ids": ["{partner_acct}"]}"#,
        403,
    ),
    (
        "rep",
        "patch",
        "/api/v1/leads/{rep_lead}",
        r#"{"probability": 40}"#,
        200,
    ),
    ("rep", "delete", "/api/v1/leads/{rep_lead}", "", 403),
    (
        "rep",
        "patch",
        "/api/v1/distributions/{rep_dist}",
        r#"{"quantity": 3}"#,
        200,
    ),
    ("rep", "delete", "/api/v1/distributions/{rep_dist}", "", 403),
    (
        "rep",
        "post",
        "/api/v1/products",
        r#"{"name": "Rep Product"}"#,
        403,
    ),
    (
        "rep",
        "patch",
        "/api/v1/settings",
        r#"{"active_product_cap": 9}"#,
        403,
    ),
    ("rep", "get", "/api/v1/audit", "", 403),
    ("rep", "get", "/api/v1/users", "", 403),
    // A partner's own organisation and lead.
    ("partner", "get", "/api/v1/accounts/{partner_acct}", "", 200),
    (
        "partner",
        "patch",
        "/api/v1/accounts/{partner_acct}",
        r#"{"website": "https://p.example"}"#,
        403,
    ),
    (
        "partner",
        "post",
        "/api/v1/accounts",
        r#"{"name": "Partner Made"}"#,
        403,
    ),
    ("partner", "get", "/api/v1/leads/{partner_lead}", "", 200),
    (
        "partner",
        "patch",
        "/api/v1/leads/{partner_lead}",
        r#"{"probability": 30}"#,
        200,
    ),
    ("partner", "delete", "/api/v1/leads/{partner_lead}", "", 403),
    (
        "partner",
        "post",
        "/api/v1/distributions",
        r#"{"ship_date": "2026-01-01", "sku": "A", "quantity": 1}"#,
        403,
    ),
    // A distributor works its linked partner's lead.
    (
        "distributor",
        "get",
        "/api/v1/accounts/{partner_acct}",
        "",
        200,
    ),
    (
        "distributor",
        "get",
        "/api/v1/leads/{partner_lead}",
        "",
        200,
    ),
    (
        "distributor",
        "patch",
        "/api/v1/leads/{partner_lead}",
        r#"{"probability": 35}"#,
        200,
    ),
    (
        "distributor",
        "get",
        "/api/v1/distributors/{dist_acct}/partners",
        "",
        403,
    ),
    // A viewer reads everything and writes nothing.
    ("viewer", "get", "/api/v1/accounts/{rep_acct}", "", 200),
    (
        "viewer",
        "patch",
        "/api/v1/accounts/{rep_acct}",
        r#"{"website": "https://v.example"}"#,
        403,
    ),
    (
        "viewer",
        "post",
        "/api/v1/leads",
        r#"{"title": "Viewer lead"}"#,
        403,
    ),
    (
        "viewer",
        "patch",
        "/api/v1/distributions/{rep_dist}",
        r#"{"quantity": 4}"#,
        403,
    ),
    // Managers run the business but do not delete customers or read the audit log.
    ("manager", "delete", "/api/v1/accounts/{rep_acct}", "", 403),
    ("manager", "get", "/api/v1/audit", "", 403),
    ("manager", "post", "/api/v1/distributions/link", "{}", 403),
    (
        "manager",
        "patch",
        "/api/v1/distributions/{rep_dist}",
        r#"{"quantity": 5}"#,
        200,
    ),
    // A restricted admin manages, but not admins.
    ("restricted_admin", "get", "/api/v1/audit", "", 200),
    (
        "restricted_admin",
        "post",
        "/api/v1/users/{admin}/disable",
        "{}",
        403,
    ),
    (
        "restricted_admin",
        "delete",
        "/api/v1/accounts/{rep_acct}",
        "",
        403,
    ),
];

both_engines! {
    async fn inside_their_scope_roles_may_do_what_the_matrix_allows(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let rep_acct = created(&app, &app.rep.token, "/api/v1/accounts", json!({"name": "Rep Account"})).await;
        let rep_lead = created(&app, &app.rep.token, "/api/v1/leads", json!({"title": "Rep Lead", "account_id": rep_acct["id"]})).await;
        let rep_dist = created(&app, &app.rep.token, "/api/v1/distributions", json!({"ship_date": "2026-01-05", "sku": "A", "quantity": 1, "customer_id": rep_acct["id"]})).await;
        let partner_acct = created(&app, a, "/api/v1/accounts", json!({"name": "Partner Acct", "kind": "partner"})).await;
        let dist_acct = created(&app, a, "/api/v1/accounts", json!({"name": "Dist Acct", "kind": "distributor"})).await;
        created(&app, a, &format!("/api/v1/distributors/{}/partners", dist_acct["id"].as_str().unwrap()), json!({"partner_id": partner_acct["id"]})).await;
        let partner = make_user(&app.store, Role::Partner, "partner@example.com", Some(id_of(&partner_acct))).await;
        let distributor = make_user(&app.store, Role::Distributor, "distributor@example.com", Some(id_of(&dist_acct))).await;
        let partner_lead = created(&app, &partner.token, "/api/v1/leads", json!({"title": "Partner Lead"})).await;
        let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
        let ids = [
            ("rep_acct", id(&rep_acct)), ("rep_lead", id(&rep_lead)), ("rep_dist", id(&rep_dist)),
            ("partner_acct", id(&partner_acct)), ("partner_lead", id(&partner_lead)), ("dist_acct", id(&dist_acct)),
            ("admin", app.admin.user.id.to_string()),
        ];
        let fill = |s: &str| ids.iter().fold(s.to_owned(), |acc, (k, v)| acc.replace(&format!("{{{k}}}"), v));
        let mut wrong = Vec::new();
        for (role, method, path, body, want) in INSIDE {
            let token = match *role {
                "rep" => &app.rep.token,
                "partner" => &partner.token,
                "distributor" => &distributor.token,
                "viewer" => &app.viewer.token,
                "manager" => &app.manager.token,
                "restricted_admin" => &app.restricted_admin.token,
                other => panic!("no user for {other}"),
            };
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = (!body.is_empty()).then(|| serde_json::from_str::<Value>(&fill(body)).expect("json"));
            let r = app.call(m, &fill(path), token, body).await;
            let ok = if *want == 200 { r.status.is_success() } else { r.status.as_u16() == *want };
            if !ok {
                wrong.push(format!("{role} {method} {path}: wanted {want}, got {} {}", r.status, r.body));
            }
        }
        assert!(wrong.is_empty(), "matrix broken:\n{}", wrong.join("\n"));
    }
}
