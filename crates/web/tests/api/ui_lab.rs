//! The lab's pages through the router (#19): a message sent from an order's page (a
//! refused move shown on the card, nothing sent; then a move), a recipient's unread
//! messages on home, an instruction approved from the page, and the three views. Both
//! engines.

use axum::http::StatusCode;
use rapport_db::both_engines;
use serde_json::json;

use crate::support::{created, App};
use crate::ui_support::Browser;

const IN_PRODUCTION: &str = "01a24dcc-d80b-7241-9050-000000000000";

both_engines! {
    async fn an_orders_page_sends_messages_and_approves_instructions(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let o = created(&app, t, "/api/v1/orders", json!({"currency": "EUR"})).await;
        let id = o["id"].as_str().unwrap().to_owned();
        let uri = format!("/orders/{id}");
        let rep = Browser::signed_in(&app, "rep@example.com").await;
        rep.get(&uri).await.assert_has("id=\"talk\"").assert_has("In production (moves the order to In fulfilment)");
        // created → in_fulfillment is no move: refused on the card, nothing sent.
        let manager_id = app.manager.user.id.to_string();
        let send = [("message_type_id", IN_PRODUCTION), ("body", "Milling starts"), ("recipient_id", manager_id.as_str())];
        let r = rep.post(&format!("{uri}/messages"), &send).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
        r.assert_has("allows no move from created to in_fulfillment");
        assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 0);
        created(&app, t, &format!("/api/v1/orders/{id}/transitions"), json!({"to": "sent"})).await;
        let r = rep.post(&format!("{uri}/messages"), &send).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        rep.get(&uri).await.assert_has("Moved the order to").assert_has("Milling starts");
        // The recipient finds it on home and marks it read.
        let manager = Browser::signed_in(&app, "manager@example.com").await;
        let home = manager.get("/home").await;
        home.assert_has("Unread messages").assert_has("Milling starts");
        let message = app.get("/api/v1/messages", &app.manager.token).await.body["data"][0]["id"].as_str().unwrap().to_owned();
        let r = manager.post(&format!("/messages/{message}/read"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        manager.get("/home").await.assert_lacks("Unread messages");
        // An instruction written by the rep, approved by the manager from the page.
        let r = rep.post(&format!("{uri}/instructions"), &[("instruction_type", "treatment"), ("content", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
        r.assert_has("id=\"f-instruction-content-error\"");
        let r = rep.post(&format!("{uri}/instructions"), &[("instruction_type", "treatment"), ("content", "Elastics 12h")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        rep.get(&uri).await.assert_has("Waiting for approval").assert_lacks("/approve\"");
        let instruction = app.get(&format!("/api/v1/instructions?order_id={id}"), t).await.body["data"][0].clone();
        let approve = format!("/instructions/{}/approve", instruction["id"].as_str().unwrap());
        manager.get(&uri).await.assert_has(&format!("action=\"{approve}\""));
        let r = manager.post(&approve, &[("version", "1")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        manager.get(&uri).await.assert_lacks("Waiting for approval").assert_has("Approved ");
        // A second approval (a stale page) comes back refused on the card.
        let r = manager.post(&approve, &[("version", "2")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
        r.assert_has("already approved");
    }

    async fn the_lab_views_are_pages(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let o = created(&app, a, "/api/v1/orders", json!({"currency": "EUR"})).await;
        let p = created(&app, a, "/api/v1/projects", json!({"order_id": o["id"], "name": "Retainer"})).await;
        for status in ["completed", "pending"] {
            created(&app, a, "/api/v1/tasks", json!({"project_id": p["id"], "title": "Step", "status": status})).await;
        }
        let admin = Browser::signed_in(&app, "admin@example.com").await;
        admin.get("/lab/projects").await.assert_has("Retainer").assert_has("1 / 2").assert_has("Monthly statistics");
        admin.get("/lab/orders").await.assert_has(o["order_number"].as_str().unwrap());
        let month = chrono::Utc::now().format("%Y-%m").to_string();
        admin.get(&format!("/lab/stats?from={month}&to={month}")).await.assert_has(&month).assert_has("No office");
        admin.get("/lab/stats?from=2026-13").await.assert_has("is not a YYYY-MM month");
        // A rep sees none of the admin's work.
        let rep = Browser::signed_in(&app, "rep@example.com").await;
        rep.get("/lab/projects").await.assert_lacks("Retainer").assert_has("No active project.");
    }
}
