//! Orders moving through their states (#18): only along the state table, stamped and
//! written to the history; a final state freezes the order until an administrator
//! reopens it. Both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use serde_json::{json, Value};

use super::orders::{catalogue, etag_of, order};
#[allow(unused_imports)]
use super::support::*;

async fn move_to(app: &App, token: &str, id: &str, body: Value, etag: Option<&str>) -> Reply {
    let headers: Vec<(&str, &str)> = etag.map(|e| ("if-match", e)).into_iter().collect();
    app.call_with(
        Method::POST,
        &format!("/api/v1/orders/{id}/transitions"),
        token,
        Some(body),
        &headers,
    )
    .await
}

fn keys(history: &Reply) -> Vec<(Value, Value, Value, Value)> {
    history.body["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|h| {
            (
                h["from_state_key"].clone(),
                h["to_state_key"].clone(),
                h["reason"].clone(),
                h["reopened"].clone(),
            )
        })
        .collect()
}

both_engines! {
    async fn moves_follow_the_table_and_a_final_state_freezes_until_reopened(db) {
        let app = App::start(db).await;
        let cat = catalogue(&app).await;
        let t = app.rep.token.clone();
        // A term without discount: fulfilling opens the order's contract, which needs a
        // line with a duration (docs/orders.md "Contracts").
        let term = crate::orders::duration(&app, 6, "0").await;
        let o = order(&app, &t, json!({"items": [{"product_id": cat.listed, "quantity": 1, "duration_id": term}]})).await;
        let id = o["id"].as_str().unwrap().to_owned();
        let uri = format!("/api/v1/orders/{id}");

        // Not in the state table, unknown, malformed, stale: refused, nothing written.
        let r = move_to(&app, &t, &id, json!({"to": "fulfilled"}), None).await;
        assert_eq!(r.problem(StatusCode::CONFLICT).field_errors()[0].0, "to");
        let r = move_to(&app, &t, &id, json!({"to": "shipped"}), None).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("to".to_owned(), "exists".to_owned())]);
        let r = move_to(&app, &t, &id, json!({"reason": "no target"}), None).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors()[0].0, "to");
        move_to(&app, &t, &id, json!({"to": "sent"}), Some("\"7\"")).await.problem(StatusCode::PRECONDITION_FAILED);
        assert_eq!(app.count("SELECT count(*) FROM order_state_history").await, 1);

        // Along the table: each move stamps its time and is in the history.
        let sent = move_to(&app, &t, &id, json!({"to": "sent", "reason": "to the customer"}), Some(&etag_of(&o))).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        assert_eq!(sent.header("etag").as_deref(), Some("\"2\""));
        assert!(sent.body["sent_at"].is_string());
        assert_eq!(sent.body["total"], "99.99");
        let r = move_to(&app, &t, &id, json!({"to": "in_fulfillment"}), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let done = move_to(&app, &t, &id, json!({"to": "fulfilled", "reason": "delivered"}), None).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(done.body["fulfilled_at"].is_string());
        let version = etag_of(&done.body);

        // Final: fields, lines and moves answer 409 naming state_id.
        let r = app.patch(&uri, &t, json!({"description": "late change"}), None).await;
        assert_eq!(r.problem(StatusCode::CONFLICT).field_errors()[0].0, "state_id");
        let r = app.call_with(Method::PUT, &format!("{uri}/items"), &t, Some(json!({"items": []})), &[]).await;
        assert_eq!(r.problem(StatusCode::CONFLICT).field_errors()[0].0, "state_id");
        let r = move_to(&app, &app.admin.token, &id, json!({"to": "cancelled"}), None).await;
        assert_eq!(r.problem(StatusCode::CONFLICT).field_errors()[0].0, "state_id");
        assert_eq!(app.get(&uri, &t).await.body["version"], done.body["version"]);

        // Reopening is for admins and restricted admins, with a reason.
        let reopen = format!("{uri}/reopen");
        for token in [&app.manager.token, &t] {
            app.post(&reopen, token, json!({"reason": "wrong delivery"})).await.problem(StatusCode::FORBIDDEN);
        }
        let r = app.post(&reopen, &app.admin.token, json!({})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors()[0].0, "reason");
        let r = app.post(&reopen, &app.admin.token, json!({"to": "cancelled", "reason": "x"})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors()[0], ("to".to_owned(), "not_final".to_owned()));
        let r = app.call_with(Method::POST, &reopen, &app.admin.token, Some(json!({"reason": "wrong delivery"})),
            &[("if-match", version.as_str())]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // Back to where it came from, the final state's time cleared.
        assert_eq!(r.body["state_id"], "01a24dcc-d805-7241-9050-000000000000");
        assert_eq!(r.body["fulfilled_at"], Value::Null);
        assert!(r.body["sent_at"].is_string());
        app.post(&reopen, &app.admin.token, json!({"reason": "again"})).await.problem(StatusCode::CONFLICT);
        // Unfrozen: it changes and moves again.
        let r = app.patch(&uri, &t, json!({"description": "fixed"}), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = move_to(&app, &t, &id, json!({"to": "cancelled", "reason": "customer left"}), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body["cancelled_at"].is_string());
        // A restricted admin reopens to a state of their choosing.
        let r = app.post(&reopen, &app.restricted_admin.token, json!({"to": "created", "reason": "came back"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["cancelled_at"], Value::Null);

        let history = app.get(&format!("{uri}/history"), &t).await;
        assert_eq!(history.status, StatusCode::OK);
        let s = |v: &str| json!(v);
        assert_eq!(keys(&history), vec![
            (Value::Null, s("created"), Value::Null, json!(false)),
            (s("created"), s("sent"), s("to the customer"), json!(false)),
            (s("sent"), s("in_fulfillment"), Value::Null, json!(false)),
            (s("in_fulfillment"), s("fulfilled"), s("delivered"), json!(false)),
            (s("fulfilled"), s("in_fulfillment"), s("wrong delivery"), json!(true)),
            (s("in_fulfillment"), s("cancelled"), s("customer left"), json!(false)),
            (s("cancelled"), s("created"), s("came back"), json!(true)),
        ]);
        assert!(history.body["data"].as_array().unwrap().iter().all(|h| h["changed_by"].is_string()));
        let newest = app.get(&format!("{uri}/history?sort=-changed_at&limit=1"), &t).await;
        assert_eq!(newest.body["data"][0]["to_state_key"], "created");
        assert!(newest.body["next_cursor"].is_string());
        // Each move is in the audit log.
        assert_eq!(app.audit_of("order", id_of(&o)).await.len(), 8);

        // An inactive state cannot be entered.
        app.store.db.write(|c| c.execute("UPDATE order_states SET active = FALSE WHERE key = 'sent'", &[])).await.expect("write");
        let r = move_to(&app, &t, &id, json!({"to": "sent"}), None).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("to".to_owned(), "active".to_owned())]);
    }
}
