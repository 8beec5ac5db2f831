//! The lab's work in the browser (#19): a message whose type moves the order, sent from
//! the order's page, and an instruction written by one user and approved by another.

use rapport_db::both_engines;
use serde_json::json;

use crate::chrome::{chrome, serve_app, Screen};
use crate::support::{App, PASSWORD};

async fn state_key(app: &App, order: &str) -> String {
    let o = app
        .get(&format!("/api/v1/orders/{order}"), &app.admin.token)
        .await
        .body;
    let states = app
        .get("/api/v1/order-states?limit=100", &app.admin.token)
        .await
        .body;
    states["data"]
        .as_array()
        .and_then(|all| all.iter().find(|s| s["id"] == o["state_id"]))
        .and_then(|s| s["key"].as_str())
        .unwrap_or_default()
        .to_owned()
}

both_engines! {
    async fn a_message_sent_from_the_order_page_moves_the_order(db) {
        let Some(c) = chrome(Screen::Desktop).await else { return };
        let app = App::start(db).await;
        let t = app.rep.token.clone();
        let o = app.post("/api/v1/orders", &t, json!({"currency": "EUR", "description": "Aligners"})).await.body;
        let id = o["id"].as_str().expect("order").to_owned();
        let r = app.post(&format!("/api/v1/orders/{id}/transitions"), &t, json!({"to": "sent"})).await;
        assert!(r.status.is_success(), "{}", r.body);
        let server = serve_app(&app).await;
        c.sign_in(&server.base, "rep@example.com", PASSWORD).await;
        c.open(&format!("{}/orders/{id}", server.base)).await;
        c.wait_for_text("Messages and instructions").await;
        // The type that moves the order says where to.
        assert!(c.html().await.contains("In production (moves the order to"));
        c.click("#talk details summary").await;
        c.client
            .execute(
                "document.getElementById('f-message-type').value = arguments[0];",
                vec![json!("01a24dcc-d80b-7241-9050-000000000000")],
            )
            .await
            .expect("choose the type");
        c.fill("#f-message-body", "Milling starts today").await;
        c.click("form[action$='/messages'] button[type=submit]").await;
        c.wait_for_text("Moved the order to").await;
        assert_eq!(state_key(&app, &id).await, "in_fulfillment");
        let timeline = c.text("#timeline").await;
        assert!(timeline.contains("Milling starts today"), "{timeline}");
        let messages = app.get(&format!("/api/v1/messages?order_id={id}"), &t).await.body;
        assert_eq!(messages["data"][0]["moved_order_to"], "in_fulfillment");
    }

    async fn an_instruction_written_by_one_user_is_approved_by_another(db) {
        let Some(c) = chrome(Screen::Desktop).await else { return };
        let app = App::start(db).await;
        let o = app.post("/api/v1/orders", &app.rep.token, json!({"currency": "EUR"})).await.body;
        let id = o["id"].as_str().expect("order").to_owned();
        let server = serve_app(&app).await;
        c.sign_in(&server.base, "rep@example.com", PASSWORD).await;
        c.open(&format!("{}/orders/{id}", server.base)).await;
        c.wait_for_text("Write an instruction").await;
        c.click("#talk details:last-of-type summary").await;
        c.fill("#f-instruction-content", "Class II elastics, 12h a day").await;
        c.click("form[action$='/instructions'] button[type=submit]").await;
        c.wait_for_text("Waiting for approval").await;
        // The author is offered no Approve button (a rep does not approve).
        assert!(!c.html().await.contains("/approve"));
        c.click("form[action='/sign-out'] button").await;
        c.wait_for_text("Sign in").await;

        c.sign_in(&server.base, "manager@example.com", PASSWORD).await;
        c.open(&format!("{}/orders/{id}", server.base)).await;
        c.wait_for_text("Class II elastics").await;
        c.click("form[action$='/approve'] button").await;
        c.wait_for_text("Approved ").await;
        let list = app.get(&format!("/api/v1/instructions?order_id={id}"), &app.admin.token).await.body;
        assert_eq!(list["data"][0]["approved_by"], json!(app.manager.user.id), "{list}");
        assert!(!c.html().await.contains("id=\"waiting\""), "nothing waits any more");
    }
}
