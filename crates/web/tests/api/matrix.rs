//! The access matrix, table-driven (#6): every endpoint the API has, called by every
//! role that must not see a "secret" world of records (another rep's account with its
//! contact, lead, note, task, shipment and tags), must neither show any trace of it — an
//! id, a name, a figure, a search hit — nor change it. Roles that see everything must be
//! able to read it, which shows the fixture is really there. A second table calls every
//! endpoint as each of the eight roles inside its own scope, and wants what the matrix in
//! docs/access.md says: 2xx where it allows, 403 where it denies. An endpoint missing from
//! either table fails, so new endpoints join the matrix when they are added.
//! Both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use rapport_domain::Role;
use serde_json::{json, Value};

use super::operations::ROUTES;

/// The default message type that moves nothing (migration 0012).
const NOTE_TYPE: &str = "01a24dcc-d808-7241-9050-000000000000";
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
    // Order configuration is everyone's to read: the defaults stand for the secret world.
    ("post", "/api/v1/order-types", "/api/v1/order-types"),
    ("get", "/api/v1/order-types", "/api/v1/order-types"),
    ("get", "/api/v1/order-types/{id}", ORDER_TYPE_MAIN),
    ("patch", "/api/v1/order-types/{id}", ORDER_TYPE_MAIN),
    ("delete", "/api/v1/order-types/{id}", ORDER_TYPE_MAIN),
    ("post", "/api/v1/order-states", "/api/v1/order-states"),
    ("get", "/api/v1/order-states", "/api/v1/order-states"),
    ("get", "/api/v1/order-states/{id}", ORDER_STATE_SENT),
    ("patch", "/api/v1/order-states/{id}", ORDER_STATE_SENT),
    ("delete", "/api/v1/order-states/{id}", ORDER_STATE_SENT),
    (
        "get",
        "/api/v1/order-states/{id}/transitions",
        ORDER_STATE_SENT_MOVES,
    ),
    (
        "put",
        "/api/v1/order-states/{id}/transitions",
        ORDER_STATE_SENT_MOVES,
    ),
    ("get", "/api/v1/order-workflow", "/api/v1/order-workflow"),
    (
        "get",
        "/api/v1/products/{id}/tiers",
        "/api/v1/products/{product}/tiers",
    ),
    (
        "put",
        "/api/v1/products/{id}/tiers",
        "/api/v1/products/{product}/tiers",
    ),
    ("post", "/api/v1/durations", "/api/v1/durations"),
    ("get", "/api/v1/durations", "/api/v1/durations?count=true"),
    (
        "get",
        "/api/v1/durations/{id}",
        "/api/v1/durations/{duration}",
    ),
    (
        "patch",
        "/api/v1/durations/{id}",
        "/api/v1/durations/{duration}",
    ),
    (
        "delete",
        "/api/v1/durations/{id}",
        "/api/v1/durations/{duration}",
    ),
    ("post", "/api/v1/pricing/quote", "/api/v1/pricing/quote"),
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
    ("post", "/api/v1/orders", "/api/v1/orders"),
    ("get", "/api/v1/orders", "/api/v1/orders?count=true"),
    ("get", "/api/v1/orders/{id}", "/api/v1/orders/{order}"),
    ("patch", "/api/v1/orders/{id}", "/api/v1/orders/{order}"),
    ("delete", "/api/v1/orders/{id}", "/api/v1/orders/{order}"),
    (
        "put",
        "/api/v1/orders/{id}/items",
        "/api/v1/orders/{order}/items",
    ),
    (
        "post",
        "/api/v1/orders/{id}/transitions",
        "/api/v1/orders/{order}/transitions",
    ),
    (
        "post",
        "/api/v1/orders/{id}/reopen",
        "/api/v1/orders/{order}/reopen",
    ),
    (
        "get",
        "/api/v1/orders/{id}/history",
        "/api/v1/orders/{order}/history",
    ),
    (
        "get",
        "/api/v1/orders/{id}/timeline",
        "/api/v1/orders/{order}/timeline",
    ),
    ("post", "/api/v1/projects", "/api/v1/projects"),
    ("get", "/api/v1/projects", "/api/v1/projects?count=true"),
    ("get", "/api/v1/projects/{id}", "/api/v1/projects/{project}"),
    (
        "patch",
        "/api/v1/projects/{id}",
        "/api/v1/projects/{project}",
    ),
    (
        "delete",
        "/api/v1/projects/{id}",
        "/api/v1/projects/{project}",
    ),
    ("post", "/api/v1/tasks", "/api/v1/tasks"),
    ("get", "/api/v1/tasks", "/api/v1/tasks?count=true"),
    ("get", "/api/v1/tasks/{id}", "/api/v1/tasks/{lab_task}"),
    ("patch", "/api/v1/tasks/{id}", "/api/v1/tasks/{lab_task}"),
    ("delete", "/api/v1/tasks/{id}", "/api/v1/tasks/{lab_task}"),
    ("post", "/api/v1/message-types", ""),
    (
        "get",
        "/api/v1/message-types",
        "/api/v1/message-types?count=true",
    ),
    ("get", "/api/v1/message-types/{id}", ""),
    (
        "patch",
        "/api/v1/message-types/{id}",
        "/api/v1/message-types/{message_type}",
    ),
    (
        "delete",
        "/api/v1/message-types/{id}",
        "/api/v1/message-types/{message_type}",
    ),
    ("post", "/api/v1/messages", "/api/v1/messages"),
    ("get", "/api/v1/messages", "/api/v1/messages?count=true"),
    ("get", "/api/v1/messages/{id}", "/api/v1/messages/{message}"),
    (
        "post",
        "/api/v1/messages/{id}/read",
        "/api/v1/messages/{message}/read",
    ),
    ("post", "/api/v1/instructions", "/api/v1/instructions"),
    (
        "get",
        "/api/v1/instructions",
        "/api/v1/instructions?count=true",
    ),
    (
        "get",
        "/api/v1/instructions/{id}",
        "/api/v1/instructions/{instruction}",
    ),
    (
        "patch",
        "/api/v1/instructions/{id}",
        "/api/v1/instructions/{instruction}",
    ),
    (
        "delete",
        "/api/v1/instructions/{id}",
        "/api/v1/instructions/{instruction}",
    ),
    (
        "post",
        "/api/v1/instructions/{id}/approve",
        "/api/v1/instructions/{instruction}/approve",
    ),
    (
        "get",
        "/api/v1/views/order-summary",
        "/api/v1/views/order-summary?count=true",
    ),
    (
        "get",
        "/api/v1/views/active-projects",
        "/api/v1/views/active-projects?count=true",
    ),
    (
        "get",
        "/api/v1/views/monthly-order-stats",
        "/api/v1/views/monthly-order-stats",
    ),
    ("post", "/api/v1/contracts", "/api/v1/contracts"),
    (
        "get",
        "/api/v1/contracts",
        "/api/v1/contracts?count=true&expiring_within=3650d",
    ),
    (
        "get",
        "/api/v1/contracts/{id}",
        "/api/v1/contracts/{contract}",
    ),
    (
        "patch",
        "/api/v1/contracts/{id}",
        "/api/v1/contracts/{contract}",
    ),
    (
        "post",
        "/api/v1/contracts/{id}/status",
        "/api/v1/contracts/{contract}/status",
    ),
    (
        "get",
        "/api/v1/contracts/{id}/history",
        "/api/v1/contracts/{contract}/history",
    ),
    (
        "get",
        "/api/v1/contracts/{id}/timeline",
        "/api/v1/contracts/{contract}/timeline",
    ),
    (
        "get",
        "/api/v1/contracts/{id}/chain",
        "/api/v1/contracts/{contract}/chain",
    ),
    (
        "post",
        "/api/v1/contracts/{id}/renew",
        "/api/v1/contracts/{contract}/renew",
    ),
    (
        "get",
        "/api/v1/dashboards/contracts",
        "/api/v1/dashboards/contracts?from=2020-01-01&to=2030-01-01",
    ),
];

/// The migration's default order type `main` and state `sent`.
const ORDER_TYPE_MAIN: &str = "/api/v1/order-types/01a24dcc-d800-7241-9050-000000000000";
const ORDER_STATE_SENT: &str = "/api/v1/order-states/01a24dcc-d804-7241-9050-000000000000";
const ORDER_STATE_SENT_MOVES: &str =
    "/api/v1/order-states/01a24dcc-d804-7241-9050-000000000000/transitions";

pub(crate) struct Secret {
    /// Placeholder → id.
    pub(crate) ids: Vec<(&'static str, String)>,
    /// Text that must never reach a caller outside the secret world (lower case).
    pub(crate) markers: Vec<String>,
}

impl Secret {
    pub(crate) fn uri(&self, template: &str) -> String {
        let mut uri = template.to_owned();
        for (name, id) in &self.ids {
            uri = uri.replace(&format!("{{{name}}}"), id);
        }
        uri
    }
}

/// Another rep's world, invisible to the rep, to partner and distributor users of
/// other organisations and to fulfillers.
pub(crate) async fn secret_world(app: &App) -> Secret {
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
    // The catalogue is shared: its durations and tiers are no secret, but no outsider
    // may change them.
    let duration = created(
        app,
        a,
        "/api/v1/durations",
        json!({"months": 12, "name": "Public year"}),
    )
    .await;
    let tiers = json!({"period": "month", "currency": "EUR",
                       "tiers": [{"min_quantity": 1, "price_per_unit": "5"}]});
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/products/{}/tiers", product["id"].as_str().unwrap()),
            a,
            Some(tiers),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
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
    // Seed 004's links are many-to-many: the secret partner has a second distributor,
    // which no outsider's distributor ever becomes by it.
    let second = created(
        app,
        a,
        "/api/v1/accounts",
        json!({"name": "Secret Distributor Two", "kind": "distributor"}),
    )
    .await;
    created(
        app,
        a,
        &format!(
            "/api/v1/distributors/{}/partners",
            second["id"].as_str().unwrap()
        ),
        json!({"partner_id": partner["id"]}),
    )
    .await;
    let order = created(
        app,
        t,
        "/api/v1/orders",
        json!({"currency": "EUR", "account_id": acct["id"], "description": "Secret order"}),
    )
    .await;
    let token = created(app, t, "/api/v1/tokens", json!({"name": "secret token"})).await;
    let project = created(
        app,
        a,
        "/api/v1/projects",
        json!({"order_id": order["id"], "name": "Secret project"}),
    )
    .await;
    let lab_task = created(
        app,
        a,
        "/api/v1/tasks",
        json!({"project_id": project["id"], "title": "Secret step"}),
    )
    .await;
    // A message on the secret order to the other rep, and an instruction on it.
    let message = created(
        app,
        a,
        "/api/v1/messages",
        json!({"message_type_id": NOTE_TYPE, "order_id": order["id"], "body": "Secret message",
               "recipient_ids": [app.other_rep.user.id]}),
    )
    .await;
    let instruction = created(
        app,
        a,
        "/api/v1/instructions",
        json!({"order_id": order["id"], "instruction_type": "treatment", "content": "Secret instruction"}),
    )
    .await;
    let message_type = created(
        app,
        a,
        "/api/v1/message-types",
        json!({"key": "lab-kind", "name": "Lab kind"}),
    )
    .await;
    // A contract of the secret account, registered by the secret partner, the other
    // rep's.
    let contract = created(
        app,
        a,
        "/api/v1/contracts",
        json!({"activation_date": "2026-01-01", "expiration_date": "2030-01-01",
               "total_value": "8880001", "currency": "EUR", "account_id": acct["id"],
               "partner_id": partner["id"], "owner_id": app.other_rep.user.id,
               "legacy_id": "SECRET-CONTRACT"}),
    )
    .await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let ids = vec![
        ("acct", id(&acct)),
        ("contact", id(&contact)),
        ("lead", id(&lead)),
        ("note", id(&note)),
        ("task", id(&task)),
        ("dist", id(&dist)),
        ("product", id(&product)),
        ("duration", id(&duration)),
        ("distributor", id(&distributor)),
        ("partner", id(&partner)),
        ("token", id(&token)),
        ("order", id(&order)),
        ("user", app.other_rep.user.id.to_string()),
        ("contract", id(&contract)),
        ("project", id(&project)),
        ("lab_task", id(&lab_task)),
        ("message", id(&message)),
        ("instruction", id(&instruction)),
        ("message_type", id(&message_type)),
    ];
    let mut markers: Vec<String> = ["secret", "hidden", "9990001", "7770001", "8880001"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    markers.extend(
        ids.iter()
            .filter(|(n, _)| !matches!(*n, "product" | "duration" | "message_type"))
            .map(|(_, v)| v.to_lowercase()),
    );
    Secret { ids, markers }
}

/// Where each record of the secret world stands, to see that nothing changed it.
pub(crate) async fn snapshot(app: &App) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT count(*) FROM accounts WHERE archived_at IS NULL AND name LIKE 'Secret%'",
        "SELECT sum(version) FROM accounts",
        "SELECT sum(version) FROM leads",
        "SELECT sum(version) FROM contacts",
        "SELECT sum(version) FROM activities",
        "SELECT sum(version) FROM distributions",
        "SELECT count(*) FROM orders",
        "SELECT sum(version) FROM orders",
        "SELECT count(*) FROM projects",
        "SELECT sum(version) FROM projects",
        "SELECT count(*) FROM tasks",
        "SELECT sum(version) FROM tasks",
        "SELECT count(*) FROM account_contacts",
        "SELECT count(*) FROM account_reps",
        "SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL",
        "SELECT count(*) FROM users WHERE enabled = TRUE",
        "SELECT count(*) FROM distributor_partners WHERE active = TRUE",
        "SELECT sum(version) FROM products",
        "SELECT sum(version) FROM durations",
        "SELECT count(*) FROM price_tiers",
        "SELECT sum(version) FROM contracts",
        "SELECT count(*) FROM contract_status_history",
        "SELECT count(*) FROM messages",
        "SELECT count(*) FROM message_recipients WHERE read_at IS NOT NULL",
        "SELECT sum(version) FROM instructions",
        "SELECT sum(version) FROM message_types",
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
        // Twice: with seed 001's settings off (the default), then on — they widen a
        // rep's reach only to accounts the rep created or last updated, never to
        // another's records.
        let mut before = before;
        for settings_on in [false, true] {
        if settings_on {
            let on = app.call(Method::PATCH, "/api/v1/settings", &app.admin.token,
                Some(json!({"reps_see_accounts_they_updated": true, "reps_delete_accounts_they_created": true}))).await;
            assert_eq!(on.status, StatusCode::OK, "{}", on.body);
            before = snapshot(&app).await;
        }
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
                let catalogue = route.starts_with("/api/v1/products/")
                    || route.starts_with("/api/v1/durations/")
                    || route.starts_with("/api/v1/order-types/")
                    || route.starts_with("/api/v1/order-states/")
                    || route.starts_with("/api/v1/message-types/");
                if route.contains("{id}") && !catalogue && r.status.is_success() {
                    leaks.push(format!("{role} {method} {route}: answered {} on a record outside its scope", r.status));
                }
            }
        }
        assert!(leaks.is_empty(), "leaks (settings on: {settings_on}):\n{}", leaks.join("\n"));
        assert_eq!(snapshot(&app).await, before, "a call outside its scope changed the secret world");
        }

        // The roles that see everything do see the secret world through the same calls.
        for token in [&app.admin.token, &app.restricted_admin.token, &app.manager.token, &app.viewer.token] {
            for template in ["/api/v1/accounts/{acct}", "/api/v1/leads?q=secret", "/api/v1/orders/{order}", "/api/v1/distributions/trace?lot=LOTX9",
                             "/api/v1/dashboards/sales?from=2026-01-01&to=2026-04-01"] {
                let r = app.get(&secret.uri(template), token).await;
                assert_eq!(r.status, StatusCode::OK, "{template}: {}", r.body);
                let text = String::from_utf8_lossy(&r.raw).to_lowercase();
                assert!(text.contains("secret") || text.contains("7770001"), "{template} hides the secret world from a role that sees all: {}", r.body);
            }
        }
    }
}

/// The roles of the matrix, in the column order of docs/access.md and of [`INSIDE`].
const ROLES: [&str; 8] = [
    "admin",
    "restricted_admin",
    "manager",
    "rep",
    "partner",
    "distributor",
    "fulfiller",
    "viewer",
];

/// Allowed: any 2xx.
const Y: u16 = 200;
/// The role may not take the action.
const F: u16 = 403;
/// The record is outside the role's scope (a fulfiller's scope is empty today).
const N: u16 = 404;

/// Inside each caller's scope, every route of the API: method, path and body
/// (placeholders filled from the caller's own [`world`]), and what each role must get, in
/// the columns of the matrix in docs/access.md. Every route has a row, and a row has a
/// column for every role, so an endpoint cannot join the API without its place here.
/// Rows run top to bottom, each for all roles; a record a row destroys (deletes, merges,
/// archives, revokes, disables) is either its own or used by no later row.
#[rustfmt::skip] // One line per row, so that the table reads like the matrix it checks.
const INSIDE: &[(&str, &str, &str, [u16; 8])] = &[
    //                                                                                  admin radm mgr rep partner distr fulf viewer
    // Who am I, and my own tokens; only an admin revokes someone else's.
    ("get", "/api/v1/me", "",                                                           [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("post", "/api/v1/tokens", r#"{"name": "script"}"#,                                 [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/tokens", "",                                                       [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("delete", "/api/v1/tokens/{token}", "",                                            [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("delete", "/api/v1/tokens/{others_token}", "",                                     [Y, N, N, N, N, N, N, N]),
    // Users: admins; a restricted admin reads everyone but manages only non-admins.
    ("post", "/api/v1/users", r#"{"email": "made-{role}@example.com", "name": "Made", "role": "rep", "password": "{password}"}"#,
                                                                                        [Y, Y, F, F, F, F, F, F]),
    ("post", "/api/v1/users", r#"{"email": "admin-{role}@example.com", "name": "Made", "role": "admin", "password": "{password}"}"#,
                                                                                        [Y, F, F, F, F, F, F, F]),
    ("get", "/api/v1/users", "",                                                        [Y, Y, F, F, F, F, F, F]),
    ("get", "/api/v1/users/{user}", "",                                                 [Y, Y, F, F, F, F, F, F]),
    ("get", "/api/v1/users/{an_admin}", "",                                             [Y, Y, F, F, F, F, F, F]),
    ("patch", "/api/v1/users/{user}", r#"{"name": "Renamed"}"#,                         [Y, Y, F, F, F, F, F, F]),
    ("patch", "/api/v1/users/{an_admin}", r#"{"name": "Renamed"}"#,                     [Y, F, F, F, F, F, F, F]),
    ("post", "/api/v1/users/{user}/disable", "",                                        [Y, Y, F, F, F, F, F, F]),
    ("post", "/api/v1/users/{user}/enable", "",                                         [Y, Y, F, F, F, F, F, F]),
    ("post", "/api/v1/users/{an_admin}/disable", "",                                    [Y, F, F, F, F, F, F, F]),
    ("post", "/api/v1/users/{an_admin}/enable", "",                                     [Y, F, F, F, F, F, F, F]),
    // Accounts.
    ("post", "/api/v1/accounts", r#"{"name": "Made by {role}"}"#,                       [Y, Y, Y, Y, F, F, F, F]),
    ("get", "/api/v1/accounts?count=true&include=contacts,reps,notes", "",              [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("post", "/api/v1/accounts/find-or-create", r#"{"name": "Found by {role}"}"#,       [Y, Y, Y, Y, F, F, F, F]),
    ("get", "/api/v1/accounts/{acct}?include=contacts,reps,notes", "",                  [Y, Y, Y, Y, Y, Y, N, Y]),
    ("get", "/api/v1/accounts/by-legacy-id/LEG-{role}", "",                             [Y, Y, Y, Y, Y, Y, N, Y]),
    ("patch", "/api/v1/accounts/{acct}", r#"{"website": "https://example.com/{role}"}"#, [Y, Y, Y, Y, F, F, N, F]),
    ("patch", "/api/v1/accounts/{acct}", r#"{"owner_id": "{other_rep}"}"#,              [Y, Y, Y, F, F, F, N, F]),
    ("get", "/api/v1/accounts/tags", "",                                                [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("post", "/api/v1/accounts/{acct}/tags", r#"{"add": ["extra-{role}"]}"#,            [Y, Y, Y, Y, F, F, N, F]),
    ("post", "/api/v1/accounts/tags/rename", r#"{"from": "tag-{role}", "to": "renamed-{role}"}"#,
                                                                                        [Y, Y, Y, Y, F, F, F, F]),
    ("post", "/api/v1/accounts/{arch_acct}/archive", "",                                [Y, Y, Y, Y, F, F, N, F]),
    ("post", "/api/v1/accounts/{arch_acct}/restore", "",                                [Y, Y, Y, Y, F, F, N, F]),
    ("post", "/api/v1/accounts/{acct}/merge", r#"{"ids": ["{merge_src}"]}"#,            [Y, Y, Y, F, F, F, F, F]),
    ("delete", "/api/v1/accounts/{doomed_acct}", "",                                    [Y, F, F, F, F, F, N, F]),
    // An account's people and reps; a rep adds and removes only themself.
    ("post", "/api/v1/accounts/{acct}/contacts", r#"{"contact_id": "{loose_contact}"}"#, [Y, Y, Y, Y, F, F, N, F]),
    ("get", "/api/v1/accounts/{acct}/contacts", "",                                     [Y, Y, Y, Y, Y, Y, N, Y]),
    ("patch", "/api/v1/accounts/{acct}/contacts/{contact}", r#"{"role": "buyer"}"#,     [Y, Y, Y, Y, F, F, N, F]),
    ("delete", "/api/v1/accounts/{acct}/contacts/{loose_contact}", "",                  [Y, Y, Y, Y, F, F, N, F]),
    ("get", "/api/v1/accounts/{acct}/reps", "",                                         [Y, Y, Y, Y, Y, Y, N, Y]),
    ("post", "/api/v1/accounts/{reps_acct}/reps", r#"{"user_id": "{me}"}"#,             [Y, Y, Y, Y, F, F, N, F]),
    ("post", "/api/v1/accounts/{reps_acct}/reps", r#"{"user_id": "{helper_rep}"}"#,     [Y, Y, Y, F, F, F, N, F]),
    ("delete", "/api/v1/accounts/{reps_acct}/reps/{me}", "",                            [Y, Y, Y, Y, F, F, N, F]),
    ("post", "/api/v1/accounts/reps/reassign", r#"{"from_user_id": "{idle_rep}", "to_user_id": "{me}"}"#,
                                                                                        [Y, Y, Y, F, F, F, F, F]),
    // Notes: written by whoever may update the account; changed by their author or an
    // admin, whichever route a note is reached by.
    ("post", "/api/v1/accounts/{acct}/notes", r#"{"body": "Written by {role}"}"#,       [Y, Y, Y, Y, F, F, N, F]),
    ("get", "/api/v1/accounts/{acct}/notes", "",                                        [Y, Y, Y, Y, Y, Y, N, Y]),
    ("get", "/api/v1/notes/{note}", "",                                                 [Y, Y, Y, Y, Y, Y, N, Y]),
    ("patch", "/api/v1/notes/{own_note}", r#"{"body": "Changed"}"#,                     [Y, Y, Y, Y, F, F, N, F]),
    ("patch", "/api/v1/activities/{own_note}", r#"{"body": "Changed again"}"#,          [Y, Y, Y, Y, F, F, N, F]),
    ("patch", "/api/v1/notes/{note}", r#"{"body": "Changed"}"#,                         [Y, Y, F, F, F, F, N, F]),
    ("delete", "/api/v1/notes/{own_note}", "",                                          [Y, Y, Y, Y, F, F, N, F]),
    ("delete", "/api/v1/notes/{note}", "",                                              [Y, Y, F, F, F, F, N, F]),
    // Contacts.
    ("post", "/api/v1/contacts", r#"{"first_name": "Made", "last_name": "By {role}"}"#, [Y, Y, Y, Y, F, F, F, F]),
    ("get", "/api/v1/contacts?count=true", "",                                          [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/contacts/{contact}", "",                                           [Y, Y, Y, Y, Y, Y, N, Y]),
    ("get", "/api/v1/contacts/{contact}/accounts", "",                                  [Y, Y, Y, Y, Y, Y, N, Y]),
    ("patch", "/api/v1/contacts/{contact}", r#"{"title": "Buyer"}"#,                    [Y, Y, Y, Y, F, F, N, F]),
    ("delete", "/api/v1/contacts/{doomed_contact}", "",                                 [Y, F, F, F, F, F, N, F]),
    // Leads and the pipeline; winning a lead without an account creates one.
    ("post", "/api/v1/leads", r#"{"title": "Made by {role}"}"#,                         [Y, Y, Y, Y, Y, Y, F, F]),
    ("post", "/api/v1/leads", r#"{"title": "Won by {role}", "status": "won", "organization": "Won Org {role}"}"#,
                                                                                        [Y, Y, Y, Y, F, F, F, F]),
    ("get", "/api/v1/leads?count=true", "",                                             [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/leads/{lead}", "",                                                 [Y, Y, Y, Y, Y, Y, N, Y]),
    ("get", "/api/v1/leads/{lead}/history", "",                                         [Y, Y, Y, Y, Y, Y, N, Y]),
    ("get", "/api/v1/leads/{lead}/timeline", "",                                        [Y, Y, Y, Y, Y, Y, N, Y]),
    ("get", "/api/v1/accounts/{acct}/timeline", "",                                     [Y, Y, Y, Y, Y, Y, N, Y]),
    ("patch", "/api/v1/leads/{lead}", r#"{"probability": 40}"#,                         [Y, Y, Y, Y, Y, Y, N, F]),
    ("post", "/api/v1/leads/{closed_lead}/reopen", r#"{"status": "new", "reason": "Came back"}"#,
                                                                                        [Y, Y, Y, Y, Y, Y, N, F]),
    ("post", "/api/v1/leads/{arch_lead}/archive", "",                                   [Y, Y, Y, Y, Y, Y, N, F]),
    ("post", "/api/v1/leads/{arch_lead}/restore", "",                                   [Y, Y, Y, Y, Y, Y, N, F]),
    ("delete", "/api/v1/leads/{doomed_lead}", "",                                       [Y, F, F, F, F, F, N, F]),
    ("get", "/api/v1/pipeline", "",                                                     [Y, Y, Y, Y, Y, Y, F, Y]),
    // Orders: written by whoever works leads (partners and distributors for their
    // organisation); moved also by fulfillers, who see the orders in fulfilment;
    // reopened by admins; deleted by the admin.
    ("post", "/api/v1/orders", r#"{"currency": "EUR", "description": "Made by {role}"}"#, [Y, Y, Y, Y, Y, Y, F, F]),
    ("get", "/api/v1/orders?count=true", "",                                            [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/orders/{order}", "",                                               [Y, Y, Y, Y, Y, Y, N, Y]),
    ("get", "/api/v1/orders/{order}/history", "",                                       [Y, Y, Y, Y, Y, Y, N, Y]),
    ("get", "/api/v1/orders/{order}/timeline", "",                                      [Y, Y, Y, Y, Y, Y, N, Y]),
    // A comment on an order: whoever logs activities, on an order they see.
    ("post", "/api/v1/activities", r#"{"kind": "comment", "order_id": "{order}", "body": "By {role}"}"#,
                                                                                        [Y, Y, Y, Y, Y, Y, F, F]),
    ("patch", "/api/v1/orders/{order}", r#"{"description": "Changed by {role}"}"#,      [Y, Y, Y, Y, Y, Y, N, F]),
    ("put", "/api/v1/orders/{order}/items", r#"{"items": []}"#,                         [Y, Y, Y, Y, Y, Y, N, F]),
    ("post", "/api/v1/orders/{order}/transitions", r#"{"to": "sent"}"#,                 [Y, Y, Y, Y, Y, Y, N, F]),
    // The lab's work follows its order; its staff write it, a fulfiller ticks off the
    // tasks assigned to them.
    ("post", "/api/v1/projects", r#"{"order_id": "{order}", "name": "By {role}"}"#,     [Y, Y, Y, Y, F, F, F, F]),
    ("get", "/api/v1/projects?count=true", "",                                          [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/projects/{project}", "",                                           [Y, Y, Y, Y, Y, Y, N, Y]),
    ("patch", "/api/v1/projects/{project}", r#"{"status": "active"}"#,                  [Y, Y, Y, Y, F, F, N, F]),
    ("delete", "/api/v1/projects/{doomed_project}", "",                                 [Y, Y, Y, F, F, F, N, F]),
    ("post", "/api/v1/tasks", r#"{"project_id": "{project}", "title": "By {role}"}"#,   [Y, Y, Y, Y, F, F, F, F]),
    ("get", "/api/v1/tasks?count=true", "",                                             [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/tasks/{lab_task}", "",                                             [Y, Y, Y, Y, Y, Y, N, Y]),
    ("patch", "/api/v1/tasks/{lab_task}", r#"{"priority": "high"}"#,                    [Y, Y, Y, Y, F, F, N, F]),
    ("patch", "/api/v1/tasks/{fulfil_task}", r#"{"status": "completed"}"#,              [Y, Y, Y, Y, F, F, Y, F]),
    ("delete", "/api/v1/tasks/{doomed_lab_task}", "",                                   [Y, Y, Y, F, F, F, N, F]),
    // Messages: everyone but viewers sends; each reads what is on orders they see, what
    // they sent and what was sent to them, and marks their own copy read.
    ("post", "/api/v1/messages", r#"{"message_type_id": "01a24dcc-d808-7241-9050-000000000000", "order_id": "{fulfil_order}", "body": "By {role}"}"#,
                                                                                        [Y, Y, Y, Y, Y, Y, Y, F]),
    ("get", "/api/v1/messages?count=true", "",                                          [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/messages/{message}", "",                                           [Y, Y, Y, Y, Y, Y, N, Y]),
    ("post", "/api/v1/messages/{message_to_me}/read", "",                               [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("post", "/api/v1/messages/{message}/read", "",                                     [409, 409, 409, 409, 409, 409, N, 409]),
    // Instructions: everyone but viewers writes them; their author or the lab's
    // managers change them; the managers approve those of others.
    ("post", "/api/v1/instructions", r#"{"order_id": "{fulfil_order}", "instruction_type": "made", "content": "By {role}"}"#,
                                                                                        [Y, Y, Y, Y, Y, Y, Y, F]),
    ("get", "/api/v1/instructions?count=true", "",                                      [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/instructions/{instruction}", "",                                   [Y, Y, Y, Y, Y, Y, N, Y]),
    ("patch", "/api/v1/instructions/{own_instruction}", r#"{"content": "Changed"}"#,    [Y, Y, Y, Y, Y, Y, Y, F]),
    ("patch", "/api/v1/instructions/{instruction}", r#"{"content": "Changed"}"#,        [Y, Y, Y, F, F, F, N, F]),
    ("post", "/api/v1/instructions/{approvable}/approve", "",                           [Y, Y, Y, F, F, F, N, F]),
    ("delete", "/api/v1/instructions/{doomed_instruction}", "",                         [Y, Y, Y, F, F, F, N, F]),
    // The lab's views, in scope.
    ("get", "/api/v1/views/order-summary?count=true", "",                               [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/views/active-projects?count=true", "",                             [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/views/monthly-order-stats", "",                                    [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("post", "/api/v1/orders/{fulfil_order}/transitions", r#"{"to": "fulfilled"}"#,     [Y, Y, Y, Y, Y, Y, Y, F]),
    ("post", "/api/v1/orders/{final_order}/reopen", r#"{"reason": "Reopened by {role}"}"#,
                                                                                        [Y, Y, F, F, F, F, N, F]),
    ("delete", "/api/v1/orders/{doomed_order}", "",                                     [Y, F, F, F, F, F, N, F]),
    ("get", "/api/v1/dashboards/pipeline?from=2020-01-01&to=2030-01-01", "",            [Y, Y, Y, Y, Y, Y, Y, Y]),
    // Settings and products.
    ("get", "/api/v1/settings", "",                                                     [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("patch", "/api/v1/settings", r#"{"active_product_cap": 0}"#,                       [Y, Y, F, F, F, F, F, F]),
    ("post", "/api/v1/products", r#"{"name": "Made by {role}", "active": false}"#,      [Y, Y, Y, F, F, F, F, F]),
    ("get", "/api/v1/products", "",                                                     [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/products/{product}", "",                                           [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("patch", "/api/v1/products/{product}", r#"{"description": "Changed"}"#,            [Y, Y, Y, F, F, F, F, F]),
    ("delete", "/api/v1/products/{doomed_product}", "",                                 [Y, Y, F, F, F, F, F, F]),
    // Order configuration: everyone reads; administrators write (each row its own records).
    ("post", "/api/v1/order-types", r#"{"key": "made-{role}", "name": "Made by {role}"}"#, [Y, Y, F, F, F, F, F, F]),
    ("get", "/api/v1/order-types?count=true", "",                                       [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/order-types/{order_type}", "",                                     [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("patch", "/api/v1/order-types/{order_type}", r#"{"description": "Changed"}"#,      [Y, Y, F, F, F, F, F, F]),
    ("delete", "/api/v1/order-types/{doomed_order_type}", "",                           [Y, Y, F, F, F, F, F, F]),
    ("post", "/api/v1/order-states", r#"{"key": "made-{role}", "name": "Made by {role}"}"#, [Y, Y, F, F, F, F, F, F]),
    ("get", "/api/v1/order-states?count=true", "",                                      [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/order-states/{order_state}", "",                                   [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("patch", "/api/v1/order-states/{order_state}", r#"{"description": "Changed"}"#,    [Y, Y, F, F, F, F, F, F]),
    ("get", "/api/v1/order-states/{order_state}/transitions", "",                       [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("put", "/api/v1/order-states/{order_state}/transitions", r#"{"to": ["cancelled"]}"#, [Y, Y, F, F, F, F, F, F]),
    ("delete", "/api/v1/order-states/{doomed_order_state}", "",                         [Y, Y, F, F, F, F, F, F]),
    ("get", "/api/v1/order-workflow", "",                                               [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("post", "/api/v1/message-types", r#"{"key": "made-{role}", "name": "Made by {role}"}"#, [Y, Y, F, F, F, F, F, F]),
    ("get", "/api/v1/message-types?count=true", "",                                     [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/message-types/{message_type}", "",                                 [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("patch", "/api/v1/message-types/{message_type}", r#"{"description": "Changed"}"#,  [Y, Y, F, F, F, F, F, F]),
    ("delete", "/api/v1/message-types/{doomed_message_type}", "",                       [Y, Y, F, F, F, F, F, F]),
    // The catalogue's prices: read by everyone signed in, written as products are.
    ("get", "/api/v1/products/{product}/tiers", "",                                     [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("put", "/api/v1/products/{product}/tiers", r#"{"period": "month", "currency": "EUR", "tiers": [{"min_quantity": 1, "price_per_unit": "5"}]}"#,
                                                                                        [Y, Y, Y, F, F, F, F, F]),
    ("post", "/api/v1/durations", r#"{"months": {free_months}, "name": "Made by {role}"}"#, [Y, Y, Y, F, F, F, F, F]),
    ("get", "/api/v1/durations?count=true", "",                                         [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/durations/{duration}", "",                                         [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("patch", "/api/v1/durations/{duration}", r#"{"name": "Changed by {role}"}"#,       [Y, Y, Y, F, F, F, F, F]),
    ("delete", "/api/v1/durations/{doomed_duration}", "",                               [Y, Y, F, F, F, F, F, F]),
    ("post", "/api/v1/pricing/quote", r#"{"product_id": "{priced_product}", "quantity": 2, "duration_id": "{duration}"}"#,
                                                                                        [Y, Y, Y, Y, Y, Y, Y, Y]),
    // Activities: logged by whoever works leads (a note only by whoever writes notes);
    // changed by their author, their assignee or an admin.
    ("post", "/api/v1/activities", r#"{"kind": "task", "subject": "Made by {role}", "account_id": "{acct}"}"#,
                                                                                        [Y, Y, Y, Y, Y, Y, F, F]),
    ("post", "/api/v1/activities", r#"{"kind": "note", "body": "Made by {role}", "account_id": "{acct}"}"#,
                                                                                        [Y, Y, Y, Y, F, F, F, F]),
    ("get", "/api/v1/activities?count=true", "",                                        [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/activities/{task}", "",                                            [Y, Y, Y, Y, Y, Y, N, Y]),
    ("patch", "/api/v1/activities/{own_task}", r#"{"subject": "Changed"}"#,             [Y, Y, Y, Y, Y, Y, N, F]),
    ("patch", "/api/v1/activities/{assigned_task}", r#"{"subject": "Changed"}"#,        [Y, Y, Y, Y, Y, Y, N, F]),
    ("patch", "/api/v1/activities/{task}", r#"{"subject": "Changed"}"#,                 [Y, Y, F, F, F, F, N, F]),
    ("post", "/api/v1/activities/{assigned_task}/done", "",                             [Y, Y, Y, Y, Y, Y, N, F]),
    ("post", "/api/v1/activities/{assigned_task}/undone", "",                           [Y, Y, Y, Y, Y, Y, N, F]),
    ("delete", "/api/v1/activities/{own_task}", "",                                     [Y, Y, Y, Y, Y, Y, N, F]),
    ("delete", "/api/v1/activities/{task}", "",                                         [Y, Y, F, F, F, F, N, F]),
    // The distribution log and the sales dashboard.
    ("post", "/api/v1/distributions", r#"{"ship_date": "2026-01-06", "sku": "SKU-{role}", "quantity": 2, "customer_id": "{acct}"}"#,
                                                                                        [Y, Y, Y, Y, F, F, F, F]),
    ("post", "/api/v1/distributions/bulk", r#"{"items": [{"ship_date": "2026-01-07", "sku": "SKU-{role}", "quantity": 3, "customer_id": "{acct}"}]}"#,
                                                                                        [Y, Y, Y, Y, F, F, F, F]),
    ("get", "/api/v1/distributions?count=true", "",                                     [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/distributions/trace?lot=LOT-{role}", "",                           [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/distributions/{dist}", "",                                         [Y, Y, Y, Y, Y, Y, N, Y]),
    ("patch", "/api/v1/distributions/{dist}", r#"{"quantity": 3}"#,                     [Y, Y, Y, Y, F, F, N, F]),
    ("delete", "/api/v1/distributions/{doomed_dist}", "",                               [Y, Y, Y, F, F, F, N, F]),
    ("post", "/api/v1/distributions/link", r#"{"dry_run": true}"#,                      [Y, Y, F, F, F, F, F, F]),
    ("get", "/api/v1/dashboards/sales?from=2026-01-01&to=2026-04-01", "",               [Y, Y, Y, Y, Y, Y, Y, Y]),
    // Contracts: opened by a fulfilment, or made by hand by admins; their billing side
    // kept by admins and managers; ended by those and reps; read in scope (fulfillers
    // see none).
    ("post", "/api/v1/contracts", r#"{"activation_date": "2026-01-01", "expiration_date": "2027-01-01", "total_value": "10", "currency": "EUR"}"#,
                                                                                        [Y, Y, F, F, F, F, F, F]),
    ("get", "/api/v1/contracts?count=true&expiring_within=3650d", "",                   [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/api/v1/contracts/{contract}", "",                                         [Y, Y, Y, Y, Y, Y, N, Y]),
    ("patch", "/api/v1/contracts/{contract}", r#"{"notes_internal": "By {role}"}"#,     [Y, Y, Y, F, F, F, N, F]),
    ("get", "/api/v1/contracts/{contract}/history", "",                                 [Y, Y, Y, Y, Y, Y, N, Y]),
    ("get", "/api/v1/contracts/{contract}/timeline", "",                                [Y, Y, Y, Y, Y, Y, N, Y]),
    ("get", "/api/v1/contracts/{contract}/chain", "",                                   [Y, Y, Y, Y, Y, Y, N, Y]),
    ("post", "/api/v1/contracts/{ending_contract}/status", r#"{"status": "lost", "reason": "By {role}"}"#,
                                                                                        [Y, Y, Y, Y, F, F, N, F]),
    // A renewal is an order: every role that creates orders renews what it sees.
    ("post", "/api/v1/contracts/{fulfilled_contract}/renew", "{}",                      [Y, Y, Y, Y, Y, Y, N, F]),
    ("get", "/api/v1/dashboards/contracts?from=2020-01-01&to=2030-01-01", "",           [Y, Y, Y, Y, Y, Y, Y, Y]),
    // The audit log, and what any client may call.
    ("get", "/api/v1/audit", "",                                                        [Y, Y, F, F, F, F, F, F]),
    ("get", "/healthz", "",                                                             [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/readyz", "",                                                              [Y, Y, Y, Y, Y, Y, Y, Y]),
    ("get", "/metrics", "",                                                             [Y, Y, Y, Y, Y, Y, Y, Y]),
    // Distributor–partner links, last: the distributor's rows act on its own link.
    ("get", "/api/v1/distributors/{link_dist}/partners", "",                            [Y, Y, F, F, F, F, F, F]),
    ("post", "/api/v1/distributors/{link_dist}/partners", r#"{"partner_id": "{free_partner}"}"#,
                                                                                        [Y, Y, F, F, F, F, F, F]),
    ("post", "/api/v1/distributors/{link_dist}/partners/{linked_partner}/deactivate", "",
                                                                                        [Y, Y, F, F, F, F, F, F]),
];

/// Text on internal activities, which must never reach a partner or distributor user.
const INTERNAL: &str = "INTERNAL-ONLY";

/// The route of [`ROUTES`] a call reaches: the one whose segments match the path's (a
/// `{…}` segment of the route matches any), literal segments first, as the router does.
fn route_of(method: &str, path: &str) -> Option<(&'static str, &'static str)> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    ROUTES
        .iter()
        .filter(|(m, route)| {
            let parts: Vec<&str> = route.split('/').collect();
            *m == method
                && parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(p, s)| p.starts_with('{') || p == s)
        })
        .max_by_key(|(_, route)| route.split('/').filter(|p| !p.starts_with('{')).count())
        .copied()
}

/// The value of a helper placeholder.
fn helper(helpers: &[(&'static str, String)], name: &str) -> String {
    helpers
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no helper {name}"))
}

/// One role's caller and the records its rows act on, all inside its scope (a
/// fulfiller's are a rep's, since it sees none): placeholder → value.
struct World {
    token: String,
    ids: Vec<(&'static str, String)>,
}

impl World {
    fn fill(&self, text: &str) -> String {
        let filled = self.ids.iter().fold(text.to_owned(), |acc, (k, v)| {
            acc.replace(&format!("{{{k}}}"), v)
        });
        let unfilled = filled
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}'))
            .find(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            });
        assert!(unfilled.is_none(), "no value for a placeholder in {text}");
        filled
    }
}

/// The caller of `role` and its records. Admins, managers and viewers act on a rep's
/// records (they see all); a rep on its own; a partner on its organisation; a
/// distributor on the partner it manages; a fulfiller on a rep's, which it cannot see.
/// Each record a row destroys is this world's own.
async fn world(app: &App, role: &'static str, helpers: &[(&'static str, String)]) -> World {
    const ACCOUNTS: &str = "/api/v1/accounts";
    const ACTIVITIES: &str = "/api/v1/activities";
    let admin = app.admin.token.as_str();
    let rep = app.rep.token.as_str();
    let other_id = app.other_rep.user.id;
    let named = |name: &str, kind: &str| json!({"name": format!("{name} {role}"), "kind": kind});
    let mut ids: Vec<(&'static str, String)> = helpers.to_vec();
    ids.push(("role", role.to_owned()));

    // The account everything hangs off, the user who makes the records on it (one who
    // may), and the distributor–partner link the link rows act on.
    let mut acct_body = named("Acct", "customer");
    acct_body["legacy_id"] = json!(format!("LEG-{role}"));
    acct_body["tags"] = json!([format!("tag-{role}")]);
    let (maker, acct, link_dist) = match role {
        "partner" => {
            acct_body["kind"] = json!("partner");
            let org = made(app, admin, ACCOUNTS, acct_body).await;
            let dist = made(
                app,
                admin,
                ACCOUNTS,
                named("Link distributor", "distributor"),
            )
            .await;
            (admin, org, dist)
        }
        "distributor" => {
            acct_body["kind"] = json!("partner");
            let partner = made(app, admin, ACCOUNTS, acct_body).await;
            let org = made(app, admin, ACCOUNTS, named("Own", "distributor")).await;
            (admin, partner, org)
        }
        _ => {
            let acct = made(app, rep, ACCOUNTS, acct_body).await;
            let dist = made(
                app,
                admin,
                ACCOUNTS,
                named("Link distributor", "distributor"),
            )
            .await;
            (rep, acct, dist)
        }
    };
    let linked_partner = if matches!(role, "partner" | "distributor") {
        acct.clone()
    } else {
        made(app, admin, ACCOUNTS, named("Linked partner", "partner")).await
    };
    let links = format!("/api/v1/distributors/{link_dist}/partners");
    created(app, admin, &links, json!({"partner_id": linked_partner})).await;
    let free_partner = made(app, admin, ACCOUNTS, named("Free partner", "partner")).await;

    let org = match role {
        "partner" => Some(acct.parse().expect("uuid")),
        "distributor" => Some(link_dist.parse().expect("uuid")),
        _ => None,
    };
    let (token, me) = match role {
        "admin" => (app.admin.token.clone(), app.admin.user.id),
        "restricted_admin" => (
            app.restricted_admin.token.clone(),
            app.restricted_admin.user.id,
        ),
        "manager" => (app.manager.token.clone(), app.manager.user.id),
        "rep" => (app.rep.token.clone(), app.rep.user.id),
        "viewer" => (app.viewer.token.clone(), app.viewer.user.id),
        _ => {
            let role_of = Role::parse(role).expect("role");
            let u = make_user(&app.store, role_of, &format!("{role}@example.com"), org).await;
            (u.token, u.user.id)
        }
    };
    let me = me.to_string();

    // Accounts the destructive account rows act on. Partner and distributor users have
    // no second account in scope but a distributor's own; they are refused these rows.
    for (key, name) in [
        ("doomed_acct", "Doomed"),
        ("arch_acct", "Archived"),
        ("merge_src", "Merged"),
        ("reps_acct", "Reps"),
    ] {
        let id = match role {
            "partner" => acct.clone(),
            "distributor" => link_dist.clone(),
            _ => {
                made(
                    app,
                    rep,
                    ACCOUNTS,
                    json!({"name": format!("{name} {role}")}),
                )
                .await
            }
        };
        ids.push((key, id));
    }
    // The rep is neither owner nor rep of the account whose reps the rows change, only
    // its creator, so it keeps seeing it when it takes itself off.
    if !matches!(role, "partner" | "distributor") {
        let reps_acct = &ids.last().expect("reps_acct").1;
        let r = app
            .patch(
                &format!("{ACCOUNTS}/{reps_acct}"),
                admin,
                json!({"owner_id": other_id}),
                None,
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
    }
    ids.extend([
        ("me", me.clone()),
        ("acct", acct.clone()),
        ("link_dist", link_dist),
        ("linked_partner", linked_partner),
        ("free_partner", free_partner),
    ]);

    // People: one linked, one to be deleted (linked, so that partners see it), one loose.
    for key in ["contact", "doomed_contact", "loose_contact"] {
        let c = made(
            app,
            maker,
            "/api/v1/contacts",
            json!({"first_name": key, "last_name": role}),
        )
        .await;
        if key != "loose_contact" {
            created(
                app,
                maker,
                &format!("{ACCOUNTS}/{acct}/contacts"),
                json!({"contact_id": c}),
            )
            .await;
        }
        ids.push((key, c));
    }
    // Leads on the account (a distributor's also registered by the partner it manages).
    let mut lead = String::new();
    for key in ["lead", "doomed_lead", "arch_lead", "closed_lead"] {
        let mut body = json!({"title": format!("{key} {role}"), "account_id": acct});
        if role == "distributor" {
            body["partner_id"] = json!(acct);
        }
        if key == "closed_lead" {
            body["status"] = json!("lost");
            body["lost_reason"] = json!("price");
        }
        let id = made(app, maker, "/api/v1/leads", body).await;
        if key == "lead" {
            lead = id.clone();
        }
        ids.push((key, id));
    }
    // Orders on the account: one to read and change, one in fulfilment, one final, one
    // to delete (a distributor's for the partner it manages).
    for (key, moves) in [
        ("order", &[][..]),
        ("fulfil_order", &["sent", "in_fulfillment"][..]),
        ("final_order", &["sent", "in_fulfillment", "fulfilled"][..]),
        ("doomed_order", &[][..]),
    ] {
        let mut body =
            json!({"currency": "EUR", "account_id": acct, "description": format!("{key} {role}")});
        if key == "fulfil_order" || key == "final_order" {
            // A line with a duration, so that fulfilling the order opens its contract.
            body["items"] = json!([{"product_id": helper(helpers, "priced_product"),
                                    "quantity": 1, "duration_id": helper(helpers, "line_duration")}]);
        }
        let id = made(app, maker, "/api/v1/orders", body).await;
        for to in moves {
            let uri = format!("/api/v1/orders/{id}/transitions");
            created(app, admin, &uri, json!({"to": to})).await;
        }
        if key == "final_order" {
            // The contract its fulfilment opened, which the renew row renews.
            let r = app
                .get(&format!("/api/v1/contracts?order_id={id}"), admin)
                .await;
            let contract = r.body["data"][0]["id"]
                .as_str()
                .expect("a contract")
                .to_owned();
            ids.push(("fulfilled_contract", contract));
        }
        ids.push((key, id));
    }
    // The lab's work, made by an admin as the lab's staff would: a project on the order
    // with a task assigned to the caller, one of each to delete, and a task of the order
    // in fulfilment assigned to the caller (what a fulfiller ticks off).
    let order_of = |key: &str| {
        ids.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (order, fulfil_order) = (order_of("order"), order_of("fulfil_order"));
    let project = made(
        app,
        admin,
        "/api/v1/projects",
        json!({"order_id": order, "name": format!("Project {role}")}),
    )
    .await;
    let doomed_project = made(
        app,
        admin,
        "/api/v1/projects",
        json!({"order_id": order, "name": format!("Doomed {role}")}),
    )
    .await;
    let fulfil_project = made(
        app,
        admin,
        "/api/v1/projects",
        json!({"order_id": fulfil_order, "name": format!("Fulfil {role}")}),
    )
    .await;
    let lab_task = |project: &str, title: &str| json!({"project_id": project, "title": title, "assignee_id": me});
    ids.push((
        "lab_task",
        made(app, admin, "/api/v1/tasks", lab_task(&project, "Scan")).await,
    ));
    ids.push((
        "doomed_lab_task",
        made(app, admin, "/api/v1/tasks", lab_task(&project, "Doomed")).await,
    ));
    ids.push((
        "fulfil_task",
        made(
            app,
            admin,
            "/api/v1/tasks",
            lab_task(&fulfil_project, "Mill"),
        )
        .await,
    ));
    ids.push(("project", project));
    ids.push(("doomed_project", doomed_project));
    // Messages on the order, one to the caller; instructions by another admin (one to
    // change, one to approve, one to delete) and the caller's own on the order in
    // fulfilment (written for a viewer, who writes none, by an admin).
    let to_me = json!({"message_type_id": NOTE_TYPE, "order_id": order, "body": "To you", "recipient_ids": [me]});
    ids.push((
        "message_to_me",
        made(app, admin, "/api/v1/messages", to_me).await,
    ));
    let note = json!({"message_type_id": NOTE_TYPE, "order_id": order, "body": "To nobody"});
    ids.push(("message", made(app, admin, "/api/v1/messages", note).await));
    let author = make_user(
        &app.store,
        Role::Admin,
        &format!("author-{role}@example.com"),
        None,
    )
    .await;
    for key in ["instruction", "approvable", "doomed_instruction"] {
        let body = json!({"order_id": order, "instruction_type": "treatment", "content": format!("{key} {role}")});
        ids.push((
            key,
            made(app, &author.token, "/api/v1/instructions", body).await,
        ));
    }
    let own = json!({"order_id": fulfil_order, "instruction_type": "treatment", "content": "Mine"});
    let writer = if role == "viewer" {
        admin
    } else {
        token.as_str()
    };
    ids.push((
        "own_instruction",
        made(app, writer, "/api/v1/instructions", own).await,
    ));
    // Notes: another user's, and the caller's own (written in its name by an admin when
    // its role writes none).
    let notes = format!("{ACCOUNTS}/{acct}/notes");
    let someones = json!({"body": "Someone's note", "author_id": other_id});
    ids.push(("note", made(app, admin, &notes, someones).await));
    let own_note = if ["admin", "restricted_admin", "manager", "rep"].contains(&role) {
        made(app, &token, &notes, json!({"body": "My note"})).await
    } else {
        made(
            app,
            admin,
            &notes,
            json!({"body": "My note", "author_id": me}),
        )
        .await
    };
    ids.push(("own_note", own_note));
    // Tasks: another user's, one assigned to the caller, the caller's own; and internal
    // entries that partner and distributor users must never be shown.
    let task = |subject: &str| json!({"kind": "task", "subject": subject, "account_id": acct, "author_id": other_id});
    ids.push((
        "task",
        made(app, admin, ACTIVITIES, task("Someone's task")).await,
    ));
    let mut assigned = task("Assigned to me");
    assigned["assignee_id"] = json!(me);
    ids.push((
        "assigned_task",
        made(app, admin, ACTIVITIES, assigned).await,
    ));
    let mut own_task = task("My task");
    let own_task = if matches!(role, "viewer" | "fulfiller") {
        own_task["author_id"] = json!(me);
        made(app, admin, ACTIVITIES, own_task).await
    } else {
        own_task
            .as_object_mut()
            .expect("object")
            .remove("author_id");
        made(app, &token, ACTIVITIES, own_task).await
    };
    ids.push(("own_task", own_task));
    for body in [
        json!({"kind": "note", "body": format!("{INTERNAL} note"), "account_id": acct, "internal": true}),
        json!({"kind": "task", "subject": format!("{INTERNAL} task"), "account_id": acct, "internal": true}),
        json!({"kind": "task", "subject": format!("{INTERNAL} lead task"), "lead_id": lead, "internal": true}),
    ] {
        created(app, admin, ACTIVITIES, body).await;
    }
    // Shipments to the account, products, tokens and a user to manage.
    for key in ["dist", "doomed_dist"] {
        let body = json!({"ship_date": "2026-01-05", "sku": format!("SKU-{role}"),
                          "lot_number": format!("LOT-{role}"), "quantity": 1, "customer_id": acct});
        ids.push((key, made(app, maker, "/api/v1/distributions", body).await));
    }
    for key in ["product", "doomed_product"] {
        let body = json!({"name": format!("{key} {role}"), "active": false});
        ids.push((key, made(app, admin, "/api/v1/products", body).await));
    }
    for (key, uri) in [
        ("order_type", "/api/v1/order-types"),
        ("doomed_order_type", "/api/v1/order-types"),
        ("order_state", "/api/v1/order-states"),
        ("doomed_order_state", "/api/v1/order-states"),
        ("message_type", "/api/v1/message-types"),
        ("doomed_message_type", "/api/v1/message-types"),
    ] {
        let name = format!("{key} {role}");
        let body = json!({"key": name.replace(' ', "-"), "name": name});
        ids.push((key, made(app, admin, uri, body).await));
    }
    // Durations: months unique per role (100 + 10 × its column), one kept free to create.
    let base = 100 + 10 * ROLES.iter().position(|r| *r == role).unwrap_or(0) as i64;
    for (key, months) in [("duration", base), ("doomed_duration", base + 1)] {
        let body = json!({"months": months, "name": format!("{key} {role}")});
        ids.push((key, made(app, admin, "/api/v1/durations", body).await));
    }
    ids.push(("free_months", (base + 2).to_string()));
    ids.push((
        "token",
        made(app, &token, "/api/v1/tokens", json!({"name": "own"})).await,
    ));
    let others = json!({"name": format!("other {role}")});
    ids.push((
        "others_token",
        made(app, &app.other_rep.token, "/api/v1/tokens", others).await,
    ));
    let target = json!({"email": format!("target-{role}@example.com"), "name": "Target",
                        "role": "viewer", "password": PASSWORD});
    ids.push(("user", made(app, admin, "/api/v1/users", target).await));
    // Contracts on the account (a partner's organisation, a distributor's partner).
    for key in ["contract", "ending_contract"] {
        let body = json!({"activation_date": "2026-01-01", "expiration_date": "2030-01-01",
                          "total_value": "10", "currency": "EUR", "account_id": acct});
        ids.push((key, made(app, admin, "/api/v1/contracts", body).await));
    }
    World { token, ids }
}

both_engines! {
    async fn inside_their_scope_roles_may_do_what_the_matrix_allows(db) {
        // Every route but signing in and out has a row, and every row calls a route.
        let mut rows = Vec::new();
        for (method, path, _, _) in INSIDE {
            let route = route_of(method, path);
            assert!(route.is_some(), "{method} {path} calls no route in ROUTES");
            rows.extend(route);
        }
        let missing: Vec<_> = ROUTES
            .iter()
            .filter(|r| !r.1.starts_with("/api/v1/auth/") && !rows.contains(r))
            .collect();
        assert!(missing.is_empty(), "routes with no row in the inside-scope matrix (INSIDE): {missing:?}");

        let app = App::start(db).await;
        let mut helpers = vec![
            ("other_rep", app.other_rep.user.id.to_string()),
            ("password", PASSWORD.to_owned()),
        ];
        for (key, role, email) in [("an_admin", Role::Admin, "admin2@example.com"),
                                   ("idle_rep", Role::Rep, "idle@example.com"),
                                   ("helper_rep", Role::Rep, "helper@example.com")] {
            helpers.push((key, make_user(&app.store, role, email, None).await.user.id.to_string()));
        }
        // The one active product every role quotes (a list price; the active cap is 3).
        let priced = json!({"name": "Priced", "unit_price": "10", "currency": "EUR"});
        helpers.push(("priced_product", made(&app, &app.admin.token, "/api/v1/products", priced).await));
        let year = json!({"months": 12, "name": "One year"});
        helpers.push(("line_duration", made(&app, &app.admin.token, "/api/v1/durations", year).await));
        let mut worlds = Vec::new();
        for role in ROLES {
            worlds.push(world(&app, role, &helpers).await);
        }

        let mut wrong = Vec::new();
        for (method, path, body, want) in INSIDE {
            for ((role, w), want) in ROLES.iter().zip(&worlds).zip(want) {
                let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let body = (!body.is_empty()).then(|| serde_json::from_str::<Value>(&w.fill(body)).expect("json"));
                let r = app.call(m, &w.fill(path), &w.token, body).await;
                let ok = if *want == Y { r.status.is_success() } else { r.status.as_u16() == *want };
                if !ok {
                    wrong.push(format!("{role} {method} {path}: wanted {want}, got {} {}", r.status, r.body));
                }
                if matches!(*role, "partner" | "distributor") && String::from_utf8_lossy(&r.raw).contains(INTERNAL) {
                    wrong.push(format!("{role} {method} {path}: shows an internal activity"));
                }
            }
        }
        assert!(wrong.is_empty(), "matrix broken:\n{}", wrong.join("\n"));

        // Seed 001's settings on (docs/access.md "Settings that widen access"): a rep may
        // delete an account they created and no one else's; every other role but the
        // admin is refused as before, and nothing is deleted by a refused call.
        let on = app.call(Method::PATCH, "/api/v1/settings", &app.admin.token,
            Some(json!({"reps_see_accounts_they_updated": true, "reps_delete_accounts_they_created": true}))).await;
        assert_eq!(on.status, StatusCode::OK, "{}", on.body);
        let theirs = made(&app, &app.rep.token, "/api/v1/accounts", json!({"name": "Rep Made It"})).await;
        let uri = format!("/api/v1/accounts/{theirs}");
        for (role, w) in ROLES.iter().zip(&worlds) {
            if matches!(*role, "admin" | "rep") {
                continue;
            }
            let r = app.call(Method::DELETE, &uri, &w.token, None).await;
            assert!(r.status.is_client_error(), "{role} deleted a rep's account with the settings on: {}", r.status);
        }
        let r = app.call(Method::DELETE, &uri, &app.other_rep.token, None).await;
        assert!(r.status.is_client_error(), "another rep deleted it: {}", r.status);
        assert_eq!(app.get(&uri, &app.admin.token).await.status, StatusCode::OK);
        let r = app.call(Method::DELETE, &uri, &app.rep.token, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    }
}
