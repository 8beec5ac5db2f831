//! The catalogue's pages through the real router, as a browser without script uses them,
//! both engines: a product's new fields, its page with the tiers per period and the form
//! that replaces a ladder (errors beside the row's field, nothing written), the quote box,
//! and the durations page (list, add, edit, delete).

use axum::http::StatusCode;
use rapport_db::both_engines;
use serde_json::json;

use crate::catalog::{duration, PRODUCTS};
use crate::support::{created, App};
use crate::ui_support::Browser;

both_engines! {
    async fn a_manager_prices_a_product_on_its_page_and_quotes_it(db) {
        let app = App::start(db).await;
        let manager = Browser::signed_in(&app, "manager@example.com").await;
        // The form takes the new fields; a list price needs its currency, said beside it.
        let refused = manager.post("/products/new", &[("name", "Cloud Backup"), ("type", "service"), ("unit", "TB"),
            ("category", "storage"), ("unit_price", "12.5"), ("active", "on")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.html);
        refused.assert_has("id=\"f-currency-error\"").assert_has("value=\"Cloud Backup\"");
        assert_eq!(app.count("SELECT COUNT(*) FROM products").await, 0);
        let made = manager.post("/products/new", &[("name", "Cloud Backup"), ("type", "service"), ("unit", "TB"),
            ("category", "storage"), ("unit_price", "12.5"), ("currency", "EUR"), ("active", "on")]).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.html);
        let page_uri = made.location.clone().expect("to the product's page");
        let id = page_uri.trim_start_matches("/products/").to_owned();
        let list = manager.get("/products?type=service").await;
        list.assert_has(&format!("href=\"/products/{id}\"")).assert_has("12.50 EUR").assert_has("storage");
        let page = manager.get(&page_uri).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_has("12.50 EUR per unit").assert_has("No monthly prices.").assert_has("Replace the monthly prices");

        // A ladder through the form; the blank row between is left out.
        let ladder = [("version", "1"), ("period", "month"), ("currency", "EUR"), ("rows", "4"),
            ("tiers[0].min_quantity", "1"), ("tiers[0].max_quantity", "10"), ("tiers[0].price_per_unit", "12.3456"),
            ("tiers[2].min_quantity", "11"), ("tiers[2].price_per_unit", "10")];
        let saved = manager.post(&format!("/products/{id}/tiers"), &ladder).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        let page = manager.get(&page_uri).await;
        page.assert_has("12.3456 EUR").assert_has("no limit").assert_has("No yearly prices.");
        let stored = app.get(&format!("{PRODUCTS}/{id}/tiers"), &app.rep.token).await;
        assert_eq!(stored.body["data"].as_array().unwrap().len(), 2);
        assert_eq!(stored.header("etag").as_deref(), Some("\"2\""));

        // An overlap in the form's fourth row is named beside that row's field; nothing changes.
        let overlapping = [("version", "2"), ("period", "month"), ("currency", "EUR"), ("rows", "4"),
            ("tiers[0].min_quantity", "1"), ("tiers[0].max_quantity", "10"), ("tiers[0].price_per_unit", "5"),
            ("tiers[3].min_quantity", "8"), ("tiers[3].price_per_unit", "4")];
        let bad = manager.post(&format!("/products/{id}/tiers"), &overlapping).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        bad.assert_has("id=\"f-month-tiers[3].min_quantity-error\"").assert_has("tiers may not overlap").assert_has("value=\"8\"");
        // A stale form is said so.
        let stale = manager.post(&format!("/products/{id}/tiers"), &ladder).await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "{}", stale.html);
        stale.assert_has("Someone changed this record");
        let kept = app.get(&format!("{PRODUCTS}/{id}/tiers"), &app.rep.token).await;
        assert_eq!((kept.body["data"][0]["price_per_unit"].clone(), kept.header("etag")), (json!("12.3456"), Some("\"2\"".into())));

        // The quote box: 7 units over 18 months at 12.5 % off (the API's figures).
        let d18 = duration(&app, 18, "12.5").await;
        let d18 = d18["id"].as_str().unwrap();
        let rep = Browser::signed_in(&app, "rep@example.com").await;
        let page = rep.get(&page_uri).await;
        page.assert_has("18 months — 18 months (12.50 % off)").assert_has("data-live-quote").assert_lacks("Replace the monthly prices");
        let quoted = rep.post(&format!("/products/{id}/quote"), &[("quantity", "7"), ("duration_id", d18)]).await;
        assert_eq!(quoted.status, StatusCode::OK, "{}", quoted.html);
        quoted.assert_has("1,555.55 EUR").assert_has("194.44 EUR").assert_has("1,361.11 EUR");
        // Refusals sit beside their field: no duration for a tiered product, a bad quantity.
        let none = rep.post(&format!("/products/{id}/quote"), &[("quantity", "7"), ("duration_id", "")]).await;
        assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
        none.assert_has("id=\"f-quote-duration_id-error\"");
        let zero = rep.post(&format!("/products/{id}/quote"), &[("quantity", "0"), ("duration_id", d18)]).await;
        assert_eq!(zero.status, StatusCode::UNPROCESSABLE_ENTITY);
        zero.assert_has("id=\"f-quote-quantity-error\"");
        // A rep may not replace prices; the refusal is shown, nothing written.
        let refused = rep.post(&format!("/products/{id}/tiers"), &ladder).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
        refused.assert_has("may not update products");
        assert_eq!(app.count("SELECT COUNT(*) FROM price_tiers").await, 2);
        // An unknown product is the 404 page.
        let missing = rep.get(&format!("/products/{}", uuid::Uuid::now_v7())).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
    }
}

both_engines! {
    async fn durations_are_listed_added_edited_and_deleted_on_their_page(db) {
        let app = App::start(db).await;
        let manager = Browser::signed_in(&app, "manager@example.com").await;
        let page = manager.get("/durations").await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_has("No durations yet.").assert_has("New duration");
        // A duration of 0 months is named beside its field; nothing is written.
        let bad = manager.post("/durations", &[("months", "0"), ("name", "Never"), ("discount_percentage", "5"), ("active", "on")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        bad.assert_has("id=\"f-months-error\"").assert_has("value=\"Never\"");
        let bad = manager.post("/durations", &[("months", "12"), ("name", "Year"), ("discount_percentage", "10.555"), ("active", "on")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad.assert_has("id=\"f-discount_percentage-error\"");
        assert_eq!(app.count("SELECT COUNT(*) FROM durations").await, 0);
        for (months, name) in [("24", "Two years"), ("12", "One year")] {
            let made = manager.post("/durations", &[("months", months), ("name", name), ("discount_percentage", "10"), ("active", "on")]).await;
            assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.html);
        }
        let page = manager.get("/durations").await;
        let (one, two) = (page.html.find("One year").unwrap(), page.html.find("Two years").unwrap());
        assert!(one < two, "sorted by months");
        page.assert_has("10.00 %");
        // Months are unique: the store's conflict, in a banner.
        let taken = manager.post("/durations", &[("months", "12"), ("name", "Again"), ("active", "on")]).await;
        assert_eq!(taken.status, StatusCode::CONFLICT);
        taken.assert_has("already runs 12 months");

        let year = created(&app, &app.admin.token, "/api/v1/durations", json!({"months": 36, "name": "Three years"})).await;
        let id = year["id"].as_str().unwrap();
        let edit = manager.get(&format!("/durations/{id}/edit")).await;
        edit.assert_has("value=\"Three years\"").assert_has("value=\"36\"");
        let saved = manager.post(&format!("/durations/{id}/edit"), &[("version", "1"), ("months", "36"), ("name", "Three full years"),
            ("discount_percentage", "15"), ("active", "on")]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        let stale = manager.post(&format!("/durations/{id}/edit"), &[("version", "1"), ("months", "36"), ("name", "Stale"),
            ("discount_percentage", "15")]).await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
        stale.assert_has("Someone changed this record").assert_has("value=\"Stale\"");
        let stored = app.get(&format!("/api/v1/durations/{id}"), &app.rep.token).await;
        assert_eq!((stored.body["name"].clone(), stored.body["discount_percentage"].clone()), (json!("Three full years"), json!("15.00")));

        // Deleting is for admins; a manager is refused on the page and nothing goes.
        manager.get("/durations").await.assert_lacks(&format!("/durations/{id}/delete"));
        let refused = manager.post(&format!("/durations/{id}/delete"), &[("version", "2")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        refused.assert_has("may not delete durations");
        let admin = Browser::signed_in(&app, "admin@example.com").await;
        admin.get("/durations").await.assert_has(&format!("/durations/{id}/delete"));
        let gone = admin.post(&format!("/durations/{id}/delete"), &[("version", "2")]).await;
        assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.html);
        assert_eq!(app.count("SELECT COUNT(*) FROM durations").await, 2);

        // A rep reads the list, with no form and no actions.
        let rep = Browser::signed_in(&app, "rep@example.com").await;
        rep.get("/durations").await.assert_has("Two years").assert_lacks("New duration").assert_lacks("/edit\"");
        let refused = rep.post("/durations", &[("months", "6"), ("name", "Half"), ("active", "on")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        refused.assert_has("may not create durations");
    }
}
