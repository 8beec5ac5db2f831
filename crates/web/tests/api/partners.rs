//! Distributor–partner links (seed 004): admins manage them; a distributor's users see
//! the partners of its active links and those partners' records, and nothing once the
//! link is deactivated. Both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use rapport_domain::Role;
use serde_json::{json, Value};

#[allow(unused_imports)]
use super::support::*;

fn names(page: &Reply) -> Vec<String> {
    let mut n: Vec<String> = page.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|a| {
            a["name"]
                .as_str()
                .or(a["title"].as_str())
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    n.sort();
    n
}

fn links(app_base: &str, distributor: &Value) -> String {
    format!(
        "{app_base}/api/v1/distributors/{}/partners",
        distributor["id"].as_str().unwrap()
    )
}

both_engines! {
    async fn a_distributor_sees_its_partners_only_while_linked(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let dist = app.account(t, json!({"name": "Dist North", "kind": "distributor"})).await;
        let p1 = app.account(t, json!({"name": "Partner One", "kind": "partner"})).await;
        let p2 = app.account(t, json!({"name": "Partner Two", "kind": "partner"})).await;
        let dist_user = make_user(&app.store, Role::Distributor, "d@example.com", Some(id_of(&dist))).await;
        let p1_user = make_user(&app.store, Role::Partner, "p1@example.com", Some(id_of(&p1))).await;
        let p2_user = make_user(&app.store, Role::Partner, "p2@example.com", Some(id_of(&p2))).await;
        // Each partner registers a lead and receives a shipment; one activity on P1.
        for (user, title) in [(&p1_user, "P1 deal"), (&p2_user, "P2 deal")] {
            let r = app.post("/api/v1/leads", &user.token, json!({"title": title})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        for p in [&p1, &p2] {
            let r = app.post("/api/v1/distributions", t, json!({"ship_date": "2026-03-01", "sku": "S", "quantity": 2, "customer_id": p["id"]})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let note = app.post("/api/v1/activities", t, json!({"kind": "note", "body": "met P1", "account_id": p1["id"]})).await;
        assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);
        let p1_uri = format!("/api/v1/accounts/{}", p1["id"].as_str().unwrap());
        // An internal note on P1 never reaches partner or distributor users, through the
        // notes routes as through activities.
        let internal = app.post("/api/v1/activities", t, json!({"kind": "note", "body": "internal only", "account_id": p1["id"], "internal": true})).await;
        assert_eq!(internal.status, StatusCode::CREATED, "{}", internal.body);
        let internal_uri = format!("/api/v1/notes/{}", internal.body["id"].as_str().unwrap());
        app.get(&internal_uri, &p1_user.token).await.problem(StatusCode::NOT_FOUND);
        let notes = app.get(&format!("{p1_uri}/notes"), &p1_user.token).await;
        assert_eq!(notes.status, StatusCode::OK, "{}", notes.body);
        assert!(!String::from_utf8_lossy(&notes.raw).contains("internal only"), "{}", notes.body);
        assert!(String::from_utf8_lossy(&notes.raw).contains("met P1"), "{}", notes.body);
        assert_eq!(app.get(&internal_uri, t).await.status, StatusCode::OK);

        // Before any link the distributor sees only itself.
        let d = &dist_user.token;
        assert_eq!(names(&app.get("/api/v1/accounts", d).await), ["Dist North"]);
        app.get(&p1_uri, d).await.problem(StatusCode::NOT_FOUND);

        let linked = app.post(&links("", &dist), t, json!({"partner_id": p1["id"]})).await;
        assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.body);
        assert_eq!(linked.body["active"], true);
        assert_eq!(linked.body["partner_name"], "Partner One");
        assert_eq!(app.audit_of("distributor_partner", id_of(&linked.body)).await.len(), 1);

        // Now: P1's account, its leads, its shipments and its activities; never P2's.
        assert_eq!(names(&app.get("/api/v1/accounts", d).await), ["Dist North", "Partner One"]);
        assert_eq!(app.get(&p1_uri, d).await.status, StatusCode::OK);
        assert_eq!(names(&app.get("/api/v1/leads", d).await), ["P1 deal"]);
        let shipments = app.get("/api/v1/distributions", d).await;
        assert_eq!(shipments.body["data"].as_array().map(Vec::len), Some(1));
        assert_eq!(shipments.body["data"][0]["customer_id"], p1["id"]);
        let timeline = app.get(&format!("{p1_uri}/timeline"), d).await;
        assert_eq!(timeline.status, StatusCode::OK, "{}", timeline.body);
        assert_eq!(app.get("/api/v1/pipeline", d).await.body["count"], 1);
        let dash = app.get("/api/v1/dashboards/sales?from=2026-01-01&to=2026-04-01", d).await;
        assert_eq!(dash.body["totals"]["units"], 2);
        // A partner user still sees only their own organisation.
        assert_eq!(names(&app.get("/api/v1/accounts", &p1_user.token).await), ["Partner One"]);
        assert_eq!(names(&app.get("/api/v1/leads", &p2_user.token).await), ["P2 deal"]);

        // Deactivating takes all of it out of view at once; the link stays as history.
        let ended = app.post(&format!("{}/{}/deactivate", links("", &dist), p1["id"].as_str().unwrap()), t, json!({})).await;
        assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
        assert_eq!(ended.body["active"], false);
        assert!(ended.body["ended_at"].is_string());
        assert_eq!(names(&app.get("/api/v1/accounts", d).await), ["Dist North"]);
        app.get(&p1_uri, d).await.problem(StatusCode::NOT_FOUND);
        assert_eq!(names(&app.get("/api/v1/leads", d).await), Vec::<String>::new());
        assert_eq!(app.get("/api/v1/distributions", d).await.body["data"], json!([]));
        assert_eq!(app.get("/api/v1/pipeline", d).await.body["count"], 0);
        let dash = app.get("/api/v1/dashboards/sales?from=2026-01-01&to=2026-04-01", d).await;
        assert_eq!(dash.body["totals"]["units"], 0);
        let history = app.get(&format!("{}?active=all", links("", &dist)), t).await;
        assert_eq!(history.body["data"].as_array().map(Vec::len), Some(1));
        assert_eq!(app.get(&links("", &dist), t).await.body["data"], json!([]));
    }

    async fn bad_links_are_refused_and_nothing_is_written(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let d1 = app.account(t, json!({"name": "Dist One", "kind": "distributor"})).await;
        let d2 = app.account(t, json!({"name": "Dist Two", "kind": "distributor"})).await;
        let partner = app.account(t, json!({"name": "Shared Partner", "kind": "partner"})).await;
        let customer = app.account(t, json!({"name": "Plain Customer"})).await;
        let count = "SELECT count(*) FROM distributor_partners";

        let r = app.post(&links("", &d1), t, json!({"partner_id": d1["id"]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), [("partner_id".to_owned(), "self".to_owned())]);
        let r = app.post(&links("", &d1), t, json!({"partner_id": customer["id"]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), [("partner_id".to_owned(), "kind".to_owned())]);
        let r = app.post(&links("", &d1), t, json!({"partner_id": uuid::Uuid::now_v7()})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), [("partner_id".to_owned(), "exists".to_owned())]);
        let r = app.post(&links("", &customer), t, json!({"partner_id": partner["id"]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), [("id".to_owned(), "kind".to_owned())]);
        app.post(&links("", &json!({"id": uuid::Uuid::now_v7()})), t, json!({"partner_id": partner["id"]})).await
            .problem(StatusCode::NOT_FOUND);
        app.post(&links("", &d1), t, json!({})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        app.post(&links("", &d1), &app.manager.token, json!({"partner_id": partner["id"]})).await.problem(StatusCode::FORBIDDEN);
        app.get(&links("", &d1), &app.manager.token).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(app.count(count).await, 0);

        // Seed 004: a partner may be managed by several distributors at once; linking it
        // twice to the same one is refused, naming the active link. The link keeps notes.
        let first = app.post(&links("", &d1), t, json!({"partner_id": partner["id"], "notes": "since 2019"})).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
        assert_eq!(first.body["notes"], "since 2019");
        let r = app.post(&links("", &d1), t, json!({"partner_id": partner["id"]})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["existing_id"], first.body["id"], "{}", r.body);
        let r = app.post(&links("", &d2), t, json!({"partner_id": partner["id"], "notes": 5})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), [("notes".to_owned(), "type".to_owned())]);
        assert_eq!(app.count(count).await, 1);
        let second = app.post(&links("", &d2), t, json!({"partner_id": partner["id"]})).await;
        assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
        assert_eq!(app.count(count).await, 2);
        let ended = app.post(&format!("{}/{}/deactivate", links("", &d1), partner["id"].as_str().unwrap()), t, json!({})).await;
        assert_eq!(ended.status, StatusCode::OK);
        let again = app.post(&links("", &d1), t, json!({"partner_id": partner["id"]})).await;
        assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
        assert_eq!(app.count(count).await, 3);
        let deleted = app.call(Method::DELETE, &format!("/api/v1/accounts/{}", partner["id"].as_str().unwrap()), t, None).await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.body);
        assert_eq!(app.count(count).await, 0);
    }

    async fn a_partner_under_two_distributors_is_seen_by_both(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let d1 = app.account(t, json!({"name": "Dist East", "kind": "distributor"})).await;
        let d2 = app.account(t, json!({"name": "Dist West", "kind": "distributor"})).await;
        let d3 = app.account(t, json!({"name": "Dist South", "kind": "distributor"})).await;
        let partner = app.account(t, json!({"name": "Shared Partner", "kind": "partner"})).await;
        let p_user = make_user(&app.store, Role::Partner, "p@example.com", Some(id_of(&partner))).await;
        let r = app.post("/api/v1/leads", &p_user.token, json!({"title": "Shared deal"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        for d in [&d1, &d2] {
            let r = app.post(&links("", d), t, json!({"partner_id": partner["id"]})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        for (d, sees) in [(&d1, true), (&d2, true), (&d3, false)] {
            let user = make_user(&app.store, Role::Distributor, &format!("{}@example.com", d["name"].as_str().unwrap().replace(' ', "")), Some(id_of(d))).await;
            let leads = names(&app.get("/api/v1/leads", &user.token).await);
            assert_eq!(leads.contains(&"Shared deal".to_owned()), sees, "{}: {leads:?}", d["name"]);
            let accounts = names(&app.get("/api/v1/accounts", &user.token).await);
            assert_eq!(accounts.contains(&"Shared Partner".to_owned()), sees, "{}: {accounts:?}", d["name"]);
        }
    }
}
