//! The lab's standing views over HTTP (#19; seed 003): the order summary with its people
//! by name, active projects with their task counts, and monthly order statistics from
//! the kept counts (admins) or the caller's own orders (scoped roles), kept right
//! through an order's change of office and its delete. Both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use serde_json::{json, Value};

use super::orders::{etag_of, order};
#[allow(unused_imports)]
use super::support::*;

async fn person(app: &App, kind: &str, first: &str, last: &str) -> Value {
    created(
        app,
        &app.rep.token,
        "/api/v1/contacts",
        json!({"kind": kind, "first_name": first, "last_name": last}),
    )
    .await
}

fn counts(page: &Value) -> Vec<(String, Option<String>, i64)> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["month"].as_str().unwrap().to_owned(),
                r["office"].as_str().map(str::to_owned),
                r["order_count"].as_i64().unwrap(),
            )
        })
        .collect()
}

both_engines! {
    async fn the_order_summary_names_the_people_office_and_state(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let office = created(&app, t, "/api/v1/accounts", json!({"name": "Smile Clinic"})).await;
        let doctor = person(&app, "doctor", "Ada", "Moss").await;
        let patient = person(&app, "patient", "Rui", "Diaz").await;
        let o = order(&app, t, json!({"currency": "EUR", "account_id": office["id"],
            "people": [{"role": "doctor", "contact_id": doctor["id"]}, {"role": "patient", "contact_id": patient["id"]}]})).await;
        order(&app, &app.other_rep.token, json!({"currency": "EUR"})).await;
        let r = app.get("/api/v1/views/order-summary?count=true", t).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["total"], 1, "the rep's own order only");
        let row = &r.body["data"][0];
        assert_eq!(row["order_number"], o["order_number"]);
        assert_eq!((row["patient"]["name"].as_str(), row["doctor"]["name"].as_str()), (Some("Rui Diaz"), Some("Ada Moss")));
        assert_eq!((row["office"].as_str(), row["state_key"].as_str(), row["order_type"].as_str()), (Some("Smile Clinic"), Some("created"), Some("Main")));
        let all = app.get("/api/v1/views/order-summary?count=true", &app.admin.token).await;
        assert_eq!(all.body["total"], 2);
        // The orders list's filters and sorts apply; a bad one is named.
        let r = app.get(&format!("/api/v1/views/order-summary?account_id={}", office["id"].as_str().unwrap()), &app.admin.token).await;
        assert_eq!(r.body["data"].as_array().unwrap().len(), 1);
        let r = app.get("/api/v1/views/order-summary?sort=shoe_size", t).await;
        assert_eq!(r.problem(StatusCode::BAD_REQUEST).body["errors"][0]["field"], "sort");
    }

    async fn active_projects_count_their_tasks(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let o = order(&app, a, json!({"currency": "EUR"})).await;
        let open = created(&app, a, "/api/v1/projects", json!({"order_id": o["id"], "name": "Aligners"})).await;
        let done = created(&app, a, "/api/v1/projects", json!({"order_id": o["id"], "name": "Done", "status": "completed"})).await;
        for (title, status) in [("Scan", "completed"), ("Mill", "in_progress"), ("Ship", "pending")] {
            created(&app, a, "/api/v1/tasks", json!({"project_id": open["id"], "title": title, "status": status})).await;
        }
        created(&app, a, "/api/v1/tasks", json!({"project_id": done["id"], "title": "Old", "status": "completed"})).await;
        let r = app.get("/api/v1/views/active-projects?count=true", a).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["total"], 1);
        let p = &r.body["data"][0];
        assert_eq!((p["id"].clone(), p["task_count"].as_i64(), p["completed_task_count"].as_i64()), (open["id"].clone(), Some(3), Some(1)));
        assert_eq!(p["order_number"], o["order_number"]);
        let theirs = app.get("/api/v1/views/active-projects?count=true", &app.other_rep.token).await;
        assert_eq!(theirs.body["total"], 0, "scoped like the projects");
    }

    async fn monthly_statistics_are_kept_through_changes_and_scoped(db) {
        let app = App::start(db).await;
        let (a, t) = (&app.admin.token, &app.rep.token);
        let north = created(&app, t, "/api/v1/accounts", json!({"name": "North Office"})).await;
        let south = created(&app, a, "/api/v1/accounts", json!({"name": "South Office"})).await;
        let month = chrono::Utc::now().format("%Y-%m").to_string();
        let first = order(&app, t, json!({"currency": "EUR", "account_id": north["id"]})).await;
        order(&app, t, json!({"currency": "EUR", "account_id": north["id"]})).await;
        order(&app, a, json!({"currency": "EUR", "account_id": south["id"]})).await;
        order(&app, a, json!({"currency": "EUR"})).await;
        let r = app.get("/api/v1/views/monthly-order-stats", a).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let mut got = counts(&r.body);
        got.sort();
        assert_eq!(got, vec![(month.clone(), None, 1), (month.clone(), Some("North Office".into()), 2), (month.clone(), Some("South Office".into()), 1)]);
        // An order moving office moves its count; a deleted one no longer counts.
        let r = app.call_with(Method::PATCH, &format!("/api/v1/orders/{}", first["id"].as_str().unwrap()), a,
            Some(json!({"account_id": south["id"]})), &[("if-match", &etag_of(&first))]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = app.call_with(Method::DELETE, &format!("/api/v1/orders/{}", first["id"].as_str().unwrap()), a, None, &[]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let kept = app.get(&format!("/api/v1/views/monthly-order-stats?office_id={}", south["id"].as_str().unwrap()), a).await;
        assert_eq!(counts(&kept.body), vec![(month.clone(), Some("South Office".into()), 1)]);
        // The kept counts agree with the orders themselves.
        let total: i64 = app.count("SELECT SUM(order_count) FROM order_month_counts").await;
        assert_eq!(total, app.count("SELECT COUNT(*) FROM orders").await);
        // A rep counts only the orders they see: one left at North.
        let mine = app.get("/api/v1/views/monthly-order-stats", t).await;
        assert_eq!(counts(&mine.body), vec![(month.clone(), Some("North Office".into()), 1)]);
        // Paging, bounds and bad parameters.
        let page = app.get("/api/v1/views/monthly-order-stats?limit=1", a).await.body;
        let cursor = page["next_cursor"].as_str().expect("a next page").to_owned();
        let next = app.get(&format!("/api/v1/views/monthly-order-stats?limit=5&cursor={cursor}"), a).await.body;
        assert_eq!(counts(&page).len() + counts(&next).len(), 3);
        assert!(next["next_cursor"].is_null());
        let none = app.get("/api/v1/views/monthly-order-stats?from=2000-01&to=2000-12", a).await;
        assert!(counts(&none.body).is_empty());
        for (query, field) in [("from=2026-13", "from"), ("to=26-01", "to"), ("office_id=x", "office_id"), ("limit=0", "limit"),
                               ("cursor=abc", "cursor"), ("colour=red", "colour")] {
            let r = app.get(&format!("/api/v1/views/monthly-order-stats?{query}"), a).await;
            assert_eq!(r.problem(StatusCode::BAD_REQUEST).body["errors"][0]["field"], field, "{query}");
        }
    }
}
