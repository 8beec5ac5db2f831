//! The catalogue in a real browser, both engines: a manager replaces a product's monthly
//! prices through the ladder form, and a rep's quote box fills in its figures as the
//! quantity and the duration change, without pressing Quote (app.js's live quote).

use rapport_db::both_engines;
use serde_json::json;

use crate::chrome::{chrome, serve_app, Screen};
use crate::support::{App, PASSWORD};

both_engines! {
    async fn a_ladder_typed_in_the_form_prices_a_live_quote(db) {
        let Some(c) = chrome(Screen::Desktop).await else { return };
        let app = App::start(db).await;
        let product = app.post("/api/v1/products", &app.admin.token, json!({"name": "Cloud Backup", "unit": "TB"})).await;
        let product = product.body["id"].as_str().expect("id").to_owned();
        let d18 = app.post("/api/v1/durations", &app.admin.token, json!({"months": 18, "name": "Eighteen months", "discount_percentage": "12.5"})).await;
        let d18 = d18.body["id"].as_str().expect("id").to_owned();
        let server = serve_app(&app).await;

        c.sign_in(&server.base, "manager@example.com", PASSWORD).await;
        c.open(&format!("{}/products/{product}", server.base)).await;
        c.click("#tiers details summary").await;
        for (field, value) in [("tiers\\[0\\]\\.min_quantity", "1"), ("tiers\\[0\\]\\.max_quantity", "10"),
                               ("tiers\\[0\\]\\.price_per_unit", "12.3456"), ("tiers\\[1\\]\\.min_quantity", "11"),
                               ("tiers\\[1\\]\\.price_per_unit", "10")] {
            c.fill(&format!("#f-month-{field}"), value).await;
        }
        c.click("#tiers form[action$='/tiers'] button[type=submit]").await;
        c.wait_for_text("12.3456 EUR").await;
        let stored = app.get(&format!("/api/v1/products/{product}/tiers"), &app.rep.token).await;
        assert_eq!(stored.body["data"].as_array().map(Vec::len), Some(2), "{}", stored.body);

        c.click("form[action='/sign-out'] button").await;
        c.wait_for_text("Sign in").await;
        c.sign_in(&server.base, "rep@example.com", PASSWORD).await;
        c.open(&format!("{}/products/{product}", server.base)).await;
        c.fill("#f-quote-quantity", "7").await;
        c.client
            .execute(
                "const s = document.querySelector('#f-quote-duration_id'); s.value = arguments[0]; s.dispatchEvent(new Event('change', {bubbles: true}));",
                vec![json!(d18)],
            )
            .await
            .expect("choose the duration");
        // 12.3456 × 7 × 18 = 1555.55; 12.5 % off = 194.44; 1361.11 — the API's figures.
        c.wait_until("document.querySelector('#quote-total') && document.querySelector('#quote-total').innerText === '1,361.11 EUR'").await;
        // A quantity below the ladder: the refusal replaces the figures.
        c.fill("#f-quote-quantity", "0").await;
        c.wait_until("document.querySelector('#quote-result .alert') !== null").await;
    }
}
