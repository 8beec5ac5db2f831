//! Notes, comments and tasks on orders and contracts (#18): logged through
//! `/api/v1/activities` with `order_id` / `contract_id`, seen only by whoever sees the
//! record (internal ones never by partners), merged with the record's moves on its
//! timeline, and audited when an order's delete cascades to them. Both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use rapport_domain::Role;
use serde_json::{json, Value};

use super::contracts::contract;
use super::orders::{etag_of, order};
#[allow(unused_imports)]
use super::support::*;

async fn activity(app: &App, token: &str, body: Value) -> Value {
    let r = app.post("/api/v1/activities", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

/// Each entry of a timeline as (type, what it says): an activity's body, a move's
/// target key, a contract's new status.
fn entries(reply: &Reply) -> Vec<(String, String)> {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| {
            let kind = e["type"].as_str().unwrap_or("").to_owned();
            let said = match kind.as_str() {
                "activity" => e["activity"]["body"].clone(),
                "order_state_change" => e["order_state_change"]["to_state_key"].clone(),
                "contract_status_change" => e["contract_status_change"]["to_status"].clone(),
                _ => Value::Null,
            };
            (kind, said.as_str().unwrap_or("").to_owned())
        })
        .collect()
}

fn pair(kind: &str, said: &str) -> (String, String) {
    (kind.to_owned(), said.to_owned())
}

both_engines! {
    async fn order_comments_join_its_moves_on_its_timeline_in_scope(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let own = app.account(a, json!({"name": "Own Partner", "kind": "partner"})).await;
        let other = app.account(a, json!({"name": "Other Partner", "kind": "partner"})).await;
        let partner = make_user(&app.store, Role::Partner, "p@example.com", Some(id_of(&own))).await;
        let outsider = make_user(&app.store, Role::Partner, "q@example.com", Some(id_of(&other))).await;

        let o = order(&app, &partner.token, json!({"currency": "EUR", "description": "Aligners"})).await;
        let id = o["id"].as_str().unwrap().to_owned();
        let first = activity(&app, &partner.token, json!({"kind": "comment", "order_id": id, "body": "Please rush"})).await;
        assert_eq!((first["order_id"].as_str(), first["account_id"].as_str()), (Some(id.as_str()), None),
                   "an order's comment is the order's, not its account's");
        // An admin's internal note stays off the partner's view.
        activity(&app, a, json!({"kind": "note", "order_id": id, "body": "Margin is thin", "internal": true})).await;
        let moved = app.call_with(Method::POST, &format!("/api/v1/orders/{id}/transitions"), &partner.token,
            Some(json!({"to": "sent", "reason": "Ready"})), &[("if-match", &etag_of(&o))]).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
        let pinned = activity(&app, a, json!({"kind": "task", "order_id": id, "subject": "Check the scan",
            "body": "Scan first", "pinned": true})).await;

        // Newest first after the pinned task; the move and its creation are entries too.
        let uri = format!("/api/v1/orders/{id}/timeline");
        let seen = entries(&app.get(&uri, a).await);
        assert_eq!(seen[0], pair("activity", "Scan first"), "pinned first: {seen:?}");
        for wanted in [pair("activity", "Please rush"), pair("activity", "Margin is thin"),
                       pair("order_state_change", "sent"), pair("order_state_change", "created")] {
            assert!(seen.contains(&wanted), "{wanted:?} missing from {seen:?}");
        }
        assert_eq!(seen.len(), 5);
        let at = |s: &[(String, String)], w: (String, String)| s.iter().position(|e| *e == w).unwrap_or(usize::MAX);
        assert!(at(&seen, pair("order_state_change", "sent")) < at(&seen, pair("order_state_change", "created")));
        // Paged one by one, the cursor walks the same entries.
        let mut walked = Vec::new();
        let mut next = format!("{uri}?limit=1");
        loop {
            let r = app.get(&next, a).await;
            walked.extend(entries(&r));
            match r.body["next_cursor"].as_str() {
                Some(c) => next = format!("{uri}?limit=1&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(walked, seen);

        let theirs = entries(&app.get(&uri, &partner.token).await);
        assert!(!theirs.contains(&pair("activity", "Margin is thin")), "{theirs:?}");
        assert_eq!(theirs.len(), 4);
        let listed = app.get(&format!("/api/v1/activities?order_id={id}&count=true"), &partner.token).await;
        assert_eq!(listed.body["total"], 2, "{}", listed.body);

        // Another organisation's user sees nothing of it, and cannot comment on it.
        app.get(&uri, &outsider.token).await.problem(StatusCode::NOT_FOUND);
        let r = app.post("/api/v1/activities", &outsider.token, json!({"kind": "comment", "order_id": id, "body": "Hi"})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("order_id".to_owned(), "exists".to_owned())]);
        let r = app.get(&format!("/api/v1/activities/{}", first["id"].as_str().unwrap()), &outsider.token).await;
        r.problem(StatusCode::NOT_FOUND);
        let listed = app.get(&format!("/api/v1/activities?order_id={id}&count=true"), &outsider.token).await;
        assert_eq!(listed.body["total"], 0);

        // A link is still required, and the rule now names the order too.
        let r = app.post("/api/v1/activities", a, json!({"kind": "comment", "body": "Floating"})).await;
        let r = r.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("account_id".to_owned(), "one_of".to_owned())]);
        assert!(r.body["detail"].as_str().unwrap_or("").contains("order_id"), "{}", r.body);

        // Deleting the order takes its activities, each audited first.
        let now = app.get(&format!("/api/v1/orders/{id}"), a).await;
        let r = app.call_with(Method::DELETE, &format!("/api/v1/orders/{id}"), a, None,
            &[("if-match", &etag_of(&now.body))]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let audit = app.audit_of("activity", id_of(&first)).await;
        assert_eq!(audit.last().map(|e| e.action.as_str()), Some("delete"), "{audit:?}");
        let audit = app.audit_of("activity", id_of(&pinned)).await;
        assert_eq!(audit.last().map(|e| e.action.as_str()), Some("delete"), "{audit:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM activities").await, 0);
    }

    async fn contract_notes_join_its_status_changes_on_its_timeline(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let k = contract(&app, 200, "1200", json!({})).await;
        let id = k["id"].as_str().unwrap().to_owned();
        activity(&app, a, json!({"kind": "note", "contract_id": id, "body": "Renewal call booked"})).await;
        let r = app.call_with(Method::POST, &format!("/api/v1/contracts/{id}/status"), a,
            Some(json!({"status": "lost", "reason": "Went elsewhere"})), &[("if-match", &etag_of(&k))]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let seen = entries(&app.get(&format!("/api/v1/contracts/{id}/timeline"), a).await);
        for wanted in [pair("activity", "Renewal call booked"), pair("contract_status_change", "lost"),
                       pair("contract_status_change", "active")] {
            assert!(seen.contains(&wanted), "{wanted:?} missing from {seen:?}");
        }
        assert_eq!(seen.len(), 3);
        // A rep who sees no such contract gets 404 for its timeline and 422 for a note on it.
        app.get(&format!("/api/v1/contracts/{id}/timeline"), &app.rep.token).await.problem(StatusCode::NOT_FOUND);
        let r = app.post("/api/v1/activities", &app.rep.token, json!({"kind": "comment", "contract_id": id, "body": "Hi"})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("contract_id".to_owned(), "exists".to_owned())]);
    }
}
