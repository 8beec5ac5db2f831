//! The access matrix for the UI: every page and form action of the route table
//! (`rapport_web::ui_route_table`), opened or sent through a signed-in browser session
//! by each role that must not see another rep's "secret" world (the API matrix's
//! fixture), must show no trace of it and change nothing. A route missing from the probe
//! table fails, so a new page joins the matrix when it is added. Both engines.

use axum::http::StatusCode;
use rapport_db::both_engines;
use rapport_domain::Role;
use serde_json::json;

use crate::matrix::{secret_world, snapshot};
use crate::support::{created, id_of, make_user, App};
use crate::ui_support::Browser;

/// Route as registered, the request sent (placeholders from the secret world), and the
/// form fields of a POST. An empty request marks a route that is not probed: the sign-in,
/// sign-out and setup forms act on the caller's own session only.
/// Method, route, request, form fields.
type Probe = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

#[rustfmt::skip]
const PROBES: &[Probe] = &[
    ("get", "/", "/", &[]),
    ("get", "/setup/{token}", "", &[]),
    ("post", "/setup/{token}", "", &[]),
    ("get", "/sign-in", "", &[]),
    ("post", "/sign-in", "", &[]),
    ("post", "/sign-out", "", &[]),
    ("get", "/home", "/home", &[]),
    ("post", "/activities/{id}/done", "/activities/{task}/done", &[]),
    ("post", "/messages/{id}/read", "/messages/{message}/read", &[]),
    ("get", "/accounts", "/accounts?q=secret&archived=all", &[]),
    ("get", "/accounts/new", "/accounts/new", &[]),
    ("post", "/accounts/new", "/accounts/new", &[]),
    ("post", "/accounts/bulk", "/accounts/bulk", &[("ids", "{acct}"), ("action", "archive")]),
    ("get", "/accounts/{id}", "/accounts/{acct}", &[]),
    ("get", "/accounts/{id}/edit", "/accounts/{acct}/edit", &[]),
    ("post", "/accounts/{id}/edit", "/accounts/{acct}/edit", &[("name", "Taken over")]),
    ("post", "/accounts/{id}/archive", "/accounts/{acct}/archive", &[]),
    ("post", "/accounts/{id}/restore", "/accounts/{acct}/restore", &[]),
    ("post", "/accounts/{id}/people", "/accounts/{acct}/people", &[("first_name", "Intruder")]),
    ("post", "/accounts/{id}/people/{contact_id}/primary", "/accounts/{acct}/people/{contact}/primary", &[]),
    ("post", "/accounts/{id}/activities", "/accounts/{acct}/activities", &[("kind", "note"), ("body", "intrusion")]),
    ("post", "/accounts/{id}/reps", "/accounts/{acct}/reps", &[("user_id", "{user}"), ("role", "secondary")]),
    ("post", "/accounts/{id}/reps/{user_id}/remove", "/accounts/{acct}/reps/{user}/remove", &[]),
    ("get", "/accounts/{id}/merge", "/accounts/{acct}/merge?q=secret", &[]),
    ("post", "/accounts/{id}/merge", "/accounts/{acct}/merge", &[("ids", "{partner}")]),
    ("get", "/contacts", "/contacts?q=secret", &[]),
    ("get", "/contacts/{id}", "/contacts/{contact}", &[]),
    ("get", "/contacts/{id}/edit", "/contacts/{contact}/edit", &[]),
    ("post", "/contacts/{id}/edit", "/contacts/{contact}/edit", &[("first_name", "Taken")]),
    ("get", "/products", "/products", &[]),
    ("get", "/products/new", "/products/new", &[]),
    ("post", "/products/new", "/products/new", &[]),
    ("get", "/products/{id}/edit", "/products/{product}/edit", &[]),
    ("post", "/products/{id}/edit", "/products/{product}/edit", &[("name", "Renamed by an outsider")]),
    ("post", "/products/{id}/activate", "/products/{product}/activate", &[]),
    ("post", "/products/{id}/deactivate", "/products/{product}/deactivate", &[]),
    ("get", "/products/{id}", "/products/{product}", &[]),
    ("post", "/products/{id}/tiers", "/products/{product}/tiers", &[("period", "month"), ("currency", "EUR"), ("rows", "1"), ("tiers[0].min_quantity", "1"), ("tiers[0].price_per_unit", "1")]),
    ("post", "/products/{id}/quote", "/products/{product}/quote", &[("quantity", "1")]),
    ("get", "/durations", "/durations", &[]),
    ("post", "/durations", "/durations", &[("months", "7"), ("name", "Intruder")]),
    ("get", "/durations/{id}/edit", "/durations/{duration}/edit", &[]),
    ("post", "/durations/{id}/edit", "/durations/{duration}/edit", &[("months", "12"), ("name", "Taken over")]),
    ("post", "/durations/{id}/delete", "/durations/{duration}/delete", &[]),
    ("get", "/leads", "/leads?q=secret", &[]),
    ("get", "/leads/list", "/leads/list?q=secret&archived=all", &[]),
    ("get", "/leads/new", "/leads/new", &[]),
    ("post", "/leads/new", "/leads/new", &[]),
    ("get", "/leads/{id}", "/leads/{lead}", &[]),
    ("get", "/leads/{id}/edit", "/leads/{lead}/edit", &[]),
    ("post", "/leads/{id}/edit", "/leads/{lead}/edit", &[("title", "Taken over")]),
    ("post", "/leads/{id}/move", "/leads/{lead}/move", &[("status", "won")]),
    ("post", "/leads/{id}/archive", "/leads/{lead}/archive", &[]),
    ("post", "/leads/{id}/restore", "/leads/{lead}/restore", &[]),
    ("post", "/leads/{id}/activities", "/leads/{lead}/activities", &[("kind", "note"), ("body", "intrusion")]),
    ("get", "/pipeline", "/pipeline", &[]),
    ("get", "/orders", "/orders?state=created", &[]),
    ("get", "/orders/new", "/orders/new", &[]),
    ("post", "/orders/new", "/orders/new", &[]),
    ("get", "/orders/{id}", "/orders/{order}", &[]),
    ("get", "/orders/{id}/edit", "/orders/{order}/edit", &[]),
    ("post", "/orders/{id}/edit", "/orders/{order}/edit", &[("description", "intrusion"), ("currency", "EUR")]),
    ("post", "/orders/{id}/delete", "/orders/{order}/delete", &[]),
    ("post", "/orders/{id}/move", "/orders/{order}/move", &[("to", "sent")]),
    ("post", "/orders/{id}/reopen", "/orders/{order}/reopen", &[("reason", "intrusion")]),
    ("post", "/orders/{id}/activities", "/orders/{order}/activities", &[("kind", "comment"), ("body", "intrusion")]),
    ("post", "/orders/{id}/projects", "/orders/{order}/projects", &[("name", "intrusion")]),
    ("post", "/projects/{id}/tasks", "/projects/{project}/tasks", &[("title", "intrusion")]),
    ("post", "/tasks/{id}/done", "/tasks/{lab_task}/done", &[]),
    ("post", "/orders/{id}/messages", "/orders/{order}/messages", &[("message_type_id", "01a24dcc-d80b-7241-9050-000000000000"), ("body", "intrusion")]),
    ("post", "/orders/{id}/instructions", "/orders/{order}/instructions", &[("instruction_type", "treatment"), ("content", "intrusion")]),
    ("post", "/instructions/{id}/approve", "/instructions/{instruction}/approve", &[]),
    ("get", "/lab/orders", "/lab/orders", &[]),
    ("get", "/lab/projects", "/lab/projects", &[]),
    ("get", "/lab/stats", "/lab/stats", &[]),
    ("get", "/distributions", "/distributions", &[]),
    ("get", "/distributions/bulk", "/distributions/bulk", &[]),
    ("post", "/distributions/bulk", "/distributions/bulk", &[("rows", "ship_date,sku,quantity\n2026-02-03,PROBE,-1")]),
    ("get", "/distributions/link", "/distributions/link", &[]),
    ("post", "/distributions/link", "/distributions/link", &[]),
    ("get", "/distributions/trace", "/distributions/trace?lot=LOTX9", &[]),
    ("get", "/dashboards/sales", "/dashboards/sales?from=2026-01-01&to=2026-04-01", &[]),
    ("get", "/dashboards/pipeline", "/dashboards/pipeline?from=2020-01-01&to=2030-01-01", &[]),
    ("get", "/contracts", "/contracts?status=active&partner_id={partner}", &[]),
    ("get", "/contracts/{id}", "/contracts/{contract}", &[]),
    ("post", "/contracts/{id}/status", "/contracts/{contract}/status", &[("status", "lost"), ("reason", "intrusion")]),
    ("post", "/contracts/{id}/renew", "/contracts/{contract}/renew", &[]),
    ("post", "/contracts/{id}/activities", "/contracts/{contract}/activities", &[("kind", "comment"), ("body", "intrusion")]),
    ("get", "/dashboards/contracts", "/dashboards/contracts?from=2020-01-01&to=2030-01-01", &[]),
    ("get", "/tokens", "/tokens", &[]),
    ("post", "/tokens", "/tokens", &[]),
    ("post", "/tokens/{id}/revoke", "/tokens/{token}/revoke", &[]),
    ("get", "/admin", "/admin", &[]),
    ("get", "/admin/users", "/admin/users?show=all", &[]),
    ("post", "/admin/users", "/admin/users", &[("email", "made@example.com"), ("name", "Made"), ("role", "admin")]),
    ("get", "/admin/users/{id}", "/admin/users/{user}", &[]),
    ("post", "/admin/users/{id}", "/admin/users/{user}", &[("name", "Renamed")]),
    ("post", "/admin/users/{id}/enable", "/admin/users/{user}/enable", &[("role", "admin")]),
    ("post", "/admin/users/{id}/disable", "/admin/users/{user}/disable", &[]),
    ("get", "/admin/partners", "/admin/partners?distributor_id={distributor}", &[]),
    ("post", "/admin/partners", "/admin/partners", &[("distributor_id", "{distributor}"), ("partner_id", "{partner}")]),
    ("post", "/admin/partners/{distributor_id}/{partner_id}/deactivate", "/admin/partners/{distributor}/{partner}/deactivate", &[]),
    ("get", "/admin/tokens", "/admin/tokens", &[]),
    ("get", "/admin/settings", "/admin/settings", &[]),
    ("post", "/admin/settings", "/admin/settings", &[("active_product_cap", "1")]),
    ("get", "/admin/audit", "/admin/audit", &[]),
    // Order configuration: the migration's default type and state stand for the records.
    ("get", "/admin/order-types", "/admin/order-types", &[]),
    ("get", "/admin/order-types/new", "/admin/order-types/new", &[]),
    ("post", "/admin/order-types/new", "/admin/order-types/new", &[("key", "probe"), ("name", "Probe")]),
    ("get", "/admin/order-types/{id}", "/admin/order-types/01a24dcc-d800-7241-9050-000000000000", &[]),
    ("post", "/admin/order-types/{id}", "/admin/order-types/01a24dcc-d800-7241-9050-000000000000", &[("key", "main"), ("name", "Taken over")]),
    ("post", "/admin/order-types/{id}/delete", "/admin/order-types/01a24dcc-d800-7241-9050-000000000000/delete", &[]),
    ("get", "/admin/order-states", "/admin/order-states", &[]),
    ("post", "/admin/order-states/{id}/transitions", "/admin/order-states/01a24dcc-d804-7241-9050-000000000000/transitions", &[("to", "created")]),
    ("get", "/admin/order-states/new", "/admin/order-states/new", &[]),
    ("post", "/admin/order-states/new", "/admin/order-states/new", &[("key", "probe"), ("name", "Probe")]),
    ("get", "/admin/order-states/{id}", "/admin/order-states/01a24dcc-d804-7241-9050-000000000000", &[]),
    ("post", "/admin/order-states/{id}", "/admin/order-states/01a24dcc-d804-7241-9050-000000000000", &[("key", "sent"), ("name", "Taken over")]),
    ("post", "/admin/order-states/{id}/delete", "/admin/order-states/01a24dcc-d804-7241-9050-000000000000/delete", &[]),
];

/// What must never reach an outsider's page. The API matrix's markers, less the bare
/// words "secret" (a search box echoes the query) and "hidden" (every form's
/// `type="hidden"`; the person is found as "secretia") and, for staff, the other rep's user id
/// (staff see colleagues' names and ids in owner pickers; docs/access.md).
fn markers(all: &[String], staff: bool, user_id: &str) -> Vec<String> {
    all.iter()
        .filter(|m| {
            !(matches!(m.as_str(), "secret" | "hidden") || (staff && m.as_str() == user_id))
        })
        .cloned()
        .chain(
            [
                "secret account",
                "secretia",
                "secret lead",
                "secret note",
                "secret task",
                "secret-sku",
                "secrettag",
                "secret order",
                "secret message",
                "secret instruction",
                // The secret contract's value as pages write money.
                "8,880,001",
            ]
            .map(String::from),
        )
        .collect()
}

both_engines! {
    async fn no_page_shows_or_changes_what_the_role_may_not_see(db) {
        let app = App::start(db).await;
        let mut routes = rapport_web::ui_route_table();
        let mut probed: Vec<(&str, &str)> = PROBES.iter().map(|(m, r, _, _)| (*m, *r)).collect();
        routes.sort();
        probed.sort();
        assert_eq!(probed, routes, "every page and form action needs a row in the UI access matrix (PROBES)");

        let secret = secret_world(&app).await;
        let own = created(&app, &app.admin.token, "/api/v1/accounts", json!({"name": "Own Partner Org", "kind": "partner"})).await;
        let own_dist = created(&app, &app.admin.token, "/api/v1/accounts", json!({"name": "Own Distributor", "kind": "distributor"})).await;
        make_user(&app.store, Role::Partner, "partner@example.com", Some(id_of(&own))).await;
        make_user(&app.store, Role::Distributor, "distributor@example.com", Some(id_of(&own_dist))).await;
        make_user(&app.store, Role::Fulfiller, "fulfiller@example.com", None).await;
        let before = snapshot(&app).await;
        let other_rep = app.other_rep.user.id.to_string();
        let mut leaks = Vec::new();
        for (role, email) in [("rep", "rep@example.com"), ("partner", "partner@example.com"),
                              ("distributor", "distributor@example.com"), ("fulfiller", "fulfiller@example.com")] {
            let b = Browser::signed_in(&app, email).await;
            let markers = markers(&secret.markers, role == "rep", &other_rep);
            for (method, route, template, fields) in PROBES {
                if template.is_empty() {
                    continue;
                }
                let uri = secret.uri(template);
                let filled: Vec<(String, String)> = fields.iter().map(|(k, v)| ((*k).to_owned(), secret.uri(v))).collect();
                let pairs: Vec<(&str, &str)> = filled.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let page = if *method == "get" { b.get(&uri).await } else { b.post(&uri, &pairs).await };
                assert!(!page.status.is_server_error(), "{role} {method} {uri}: {}", page.status);
                let text = page.html.to_lowercase();
                for marker in &markers {
                    if text.contains(marker.as_str()) {
                        leaks.push(format!("{role} {method} {route}: shows {marker:?}"));
                    }
                }
                // The catalogue (products, their tiers, durations) is shared, not a scoped record.
                let catalogue = route.starts_with("/products/") || route.starts_with("/durations/");
                if route.contains("{id}") && !catalogue && page.status.is_success() && *method == "post" {
                    leaks.push(format!("{role} {method} {route}: answered {} on a record outside its scope", page.status));
                }
                // Products are a shared catalogue, not a scoped record (reading one is no leak),
                // and admin pages refuse a role (403) before any record is looked up.
                if route.contains("{id}") && !catalogue && !route.starts_with("/admin/") && *method == "get" && page.status != StatusCode::NOT_FOUND {
                    leaks.push(format!("{role} {method} {route}: answered {} instead of the 404 page", page.status));
                }
            }
        }
        assert!(leaks.is_empty(), "leaks:\n{}", leaks.join("\n"));
        assert_eq!(snapshot(&app).await, before, "a page outside its scope changed the secret world");

        // The roles that see everything do see the secret world through the same pages.
        for email in ["admin@example.com", "manager@example.com"] {
            let b = Browser::signed_in(&app, email).await;
            b.get(&secret.uri("/accounts/{acct}")).await.assert_has("Secret Account").assert_has("Secretia");
            b.get("/accounts?q=secret").await.assert_has("Secret Account");
        }
    }
}
