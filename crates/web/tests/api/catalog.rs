//! The catalogue (#18, seed 004) through the real router, both engines: products with
//! their catalogue fields and filters, durations with the list conventions, price-tier
//! ladders replaced whole, and quotes. Every refusal names its field and writes nothing;
//! every write is audited, takes If-Match and (POST) Idempotency-Key.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use serde_json::{json, Value};

#[allow(unused_imports)]
use super::support::*;

pub(crate) const PRODUCTS: &str = "/api/v1/products";
pub(crate) const DURATIONS: &str = "/api/v1/durations";
pub(crate) const QUOTE: &str = "/api/v1/pricing/quote";

/// A product made by the admin; `extra` adds fields.
pub(crate) async fn product(app: &App, name: &str, extra: Value) -> Value {
    let mut body = json!({"name": name});
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    created(app, &app.admin.token, PRODUCTS, body).await
}

/// A duration made by the admin.
pub(crate) async fn duration(app: &App, months: i64, discount: &str) -> Value {
    let body = json!({"months": months, "name": format!("{months} months"), "discount_percentage": discount});
    created(app, &app.admin.token, DURATIONS, body).await
}

/// PUTs a ladder with If-Match (`etag`, or none).
pub(crate) async fn put_tiers(
    app: &App,
    token: &str,
    product: &str,
    body: Value,
    etag: Option<&str>,
) -> Reply {
    let uri = format!("{PRODUCTS}/{product}/tiers");
    let headers: Vec<(&str, &str)> = etag.map(|e| ("if-match", e)).into_iter().collect();
    app.call_with(Method::PUT, &uri, token, Some(body), &headers)
        .await
}

fn tier(min: i64, max: Option<i64>, price: &str) -> Value {
    json!({"min_quantity": min, "max_quantity": max, "price_per_unit": price})
}

fn errors_of(r: &Reply) -> Vec<(String, String)> {
    r.field_errors()
}

fn pair(field: &str, rule: &str) -> (String, String) {
    (field.to_owned(), rule.to_owned())
}

both_engines! {
    async fn products_carry_type_unit_category_and_a_list_price(db) {
        let app = App::start(db).await;
        let a = product(&app, "Backup 1TB", json!({"sku": "BK-1", "type": "service", "unit": "TB",
            "category": "storage", "unit_price": "12.5", "currency": "EUR", "active": false})).await;
        assert_eq!((a["type"].clone(), a["unit"].clone(), a["category"].clone()), (json!("service"), json!("TB"), json!("storage")));
        assert_eq!((a["unit_price"].clone(), a["currency"].clone()), (json!("12.50"), json!("EUR")));
        let b = product(&app, "Scanner", json!({"sku": "SC-1", "type": "appliance", "unit_price": "1999.1234",
            "currency": "USD", "active": false})).await;
        assert_eq!(b["unit_price"], "1999.1234");
        product(&app, "Seats", json!({"type": "license", "category": "storage", "active": false})).await;
        // Read back the same on both engines.
        let got = app.get(&format!("{PRODUCTS}/{}", a["id"].as_str().unwrap()), &app.rep.token).await;
        assert_eq!(got.body["unit_price"], "12.50");
        assert_eq!(got.body["type"], "service");
        // Filters: type, category, active, sku.
        let names = |r: &Reply| -> Vec<String> { r.body["data"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect() };
        let r = app.get(&format!("{PRODUCTS}?type=service"), &app.viewer.token).await;
        assert_eq!(names(&r), ["Backup 1TB"]);
        let r = app.get(&format!("{PRODUCTS}?category=storage"), &app.viewer.token).await;
        assert_eq!(names(&r), ["Backup 1TB", "Seats"]);
        let r = app.get(&format!("{PRODUCTS}?sku=SC-1&active=false"), &app.viewer.token).await;
        assert_eq!(names(&r), ["Scanner"]);
        let r = app.get(&format!("{PRODUCTS}?type=appliance,license&count=true"), &app.viewer.token).await;
        assert_eq!(r.body["total"], 2, "{}", r.body);
        // Clearing the list price drops the need for a currency; patching it back needs one.
        let id = a["id"].as_str().unwrap();
        let r = app.patch(&format!("{PRODUCTS}/{id}"), &app.admin.token, json!({"unit_price": null, "currency": null}), Some("\"1\"")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!((r.body["unit_price"].clone(), r.header("etag")), (Value::Null, Some("\"2\"".into())));
    }
}

both_engines! {
    async fn bad_product_prices_are_named_and_nothing_is_written(db) {
        let app = App::start(db).await;
        let before = app.count("SELECT COUNT(*) FROM products").await;
        for (body, field, rule) in [
            (json!({"name": "A", "unit_price": "12.34567", "currency": "EUR"}), "unit_price", "decimal"),
            (json!({"name": "A", "unit_price": 12.5, "currency": "EUR"}), "unit_price", "type"),
            (json!({"name": "A", "unit_price": "-1", "currency": "EUR"}), "unit_price", "minimum"),
            (json!({"name": "A", "unit_price": "12.5"}), "currency", "depends"),
            (json!({"name": "A", "unit_price": "12.5", "currency": "EURO"}), "currency", "max_length"),
            (json!({"name": "A", "type": ""}), "type", "required"),
        ] {
            let r = app.post(PRODUCTS, &app.admin.token, body.clone()).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(errors_of(&r).contains(&pair(field, rule)), "{body}: {}", r.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM products").await, before);
        // SKUs stay unique when present.
        product(&app, "One", json!({"sku": "DUP", "active": false})).await;
        let r = app.post(PRODUCTS, &app.admin.token, json!({"name": "Two", "sku": "DUP"})).await.problem(StatusCode::CONFLICT);
        assert!(r.body.to_string().contains("sku"), "{}", r.body);
        // A patch setting a price without a currency on a product that has none.
        let p = product(&app, "Three", json!({"active": false})).await;
        let uri = format!("{PRODUCTS}/{}", p["id"].as_str().unwrap());
        let r = app.patch(&uri, &app.admin.token, json!({"unit_price": "5"}), None).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(errors_of(&r), [pair("currency", "depends")]);
        assert_eq!(app.get(&uri, &app.admin.token).await.body["version"], 1);
    }
}

both_engines! {
    async fn durations_follow_the_list_conventions_sorted_by_months(db) {
        let app = App::start(db).await;
        for (months, discount) in [(24, "10"), (1, "0"), (12, "5.5"), (36, "15.25")] {
            duration(&app, months, discount).await;
        }
        let r = app.get(DURATIONS, &app.rep.token).await;
        assert_eq!(r.status, StatusCode::OK);
        let months: Vec<i64> = r.body["data"].as_array().unwrap().iter().map(|d| d["months"].as_i64().unwrap()).collect();
        assert_eq!(months, [1, 12, 24, 36]);
        assert_eq!(r.body["data"][1]["discount_percentage"], "5.50");
        assert_eq!(r.body["data"][0]["discount_percentage"], "0.00");
        // Keyset pages, a total on request, descending sort, filters, a bad sort.
        let first = app.get(&format!("{DURATIONS}?limit=3&count=true"), &app.viewer.token).await;
        assert_eq!((first.body["total"].clone(), first.body["data"].as_array().unwrap().len()), (json!(4), 3));
        let cursor = first.body["next_cursor"].as_str().expect("a next page").to_owned();
        let second = app.get(&format!("{DURATIONS}?limit=3&cursor={cursor}"), &app.viewer.token).await;
        assert_eq!(second.body["data"][0]["months"], 36);
        assert_eq!(second.body["next_cursor"], Value::Null);
        let desc = app.get(&format!("{DURATIONS}?sort=-months&limit=1"), &app.viewer.token).await;
        assert_eq!(desc.body["data"][0]["months"], 36);
        let ranged = app.get(&format!("{DURATIONS}?months_after=2&months_before=30"), &app.viewer.token).await;
        let got: Vec<i64> = ranged.body["data"].as_array().unwrap().iter().map(|d| d["months"].as_i64().unwrap()).collect();
        assert!(got.contains(&12) && got.contains(&24) && !got.contains(&1) && !got.contains(&36), "{}", ranged.body);
        app.get(&format!("{DURATIONS}?sort=colour"), &app.viewer.token).await.problem(StatusCode::BAD_REQUEST);
        app.get(&format!("{DURATIONS}?active=maybe"), &app.viewer.token).await.problem(StatusCode::BAD_REQUEST);
        let inactive = app.get(&format!("{DURATIONS}?active=false"), &app.viewer.token).await;
        assert_eq!(inactive.body["data"], json!([]));
    }
}

both_engines! {
    async fn bad_durations_are_named_and_nothing_is_written(db) {
        let app = App::start(db).await;
        let taken = duration(&app, 12, "5").await;
        for (body, field, rule) in [
            (json!({"months": 0, "name": "Never"}), "months", "range"),
            (json!({"months": -3, "name": "Back"}), "months", "range"),
            (json!({"months": 1.5, "name": "Half"}), "months", "range"),
            (json!({"name": "No months"}), "months", "required"),
            (json!({"months": 6}), "name", "required"),
            (json!({"months": 6, "name": "x", "discount_percentage": "100.5"}), "discount_percentage", "maximum"),
            (json!({"months": 6, "name": "x", "discount_percentage": "10.555"}), "discount_percentage", "decimal"),
            (json!({"months": 6, "name": "x", "discount_percentage": "-1"}), "discount_percentage", "minimum"),
            (json!({"months": 6, "name": "x", "discount_percentage": 10}), "discount_percentage", "type"),
            (json!({"months": 6, "name": "x", "colour": "red"}), "colour", "unknown_field"),
        ] {
            let r = app.post(DURATIONS, &app.admin.token, body.clone()).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(errors_of(&r).contains(&pair(field, rule)), "{body}: {}", r.body);
        }
        // The months are unique: 409 naming them and the duration holding them.
        let r = app.post(DURATIONS, &app.admin.token, json!({"months": 12, "name": "Again"})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["errors"][0]["field"], "months", "{}", r.body);
        assert_eq!(r.body["existing_id"], taken["id"], "{}", r.body);
        let other = duration(&app, 24, "10").await;
        let uri = format!("{DURATIONS}/{}", other["id"].as_str().unwrap());
        app.patch(&uri, &app.admin.token, json!({"months": 12}), None).await.problem(StatusCode::CONFLICT);
        app.patch(&uri, &app.admin.token, json!({"months": null}), None).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("SELECT COUNT(*) FROM durations").await, 2);
        assert_eq!(app.get(&uri, &app.admin.token).await.body["version"], 1);
        // Only the product writers write durations; only admins delete them.
        app.post(DURATIONS, &app.rep.token, json!({"months": 3, "name": "Quarter"})).await.problem(StatusCode::FORBIDDEN);
        app.patch(&uri, &app.viewer.token, json!({"name": "Two years"}), None).await.problem(StatusCode::FORBIDDEN);
        app.call(Method::DELETE, &uri, &app.manager.token, None).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM durations").await, 2);
    }
}

both_engines! {
    async fn duration_writes_take_if_match_idempotency_keys_and_are_audited(db) {
        let app = App::start(db).await;
        let send = || app.call_with(Method::POST, DURATIONS, &app.manager.token,
            Some(json!({"months": 6, "name": "Half a year", "discount_percentage": "2.5"})), &[("idempotency-key", "duration-once")]);
        let first = send().await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
        assert_eq!(first.header("etag").as_deref(), Some("\"1\""));
        let location = first.header("location").expect("location");
        let again = send().await;
        assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
        assert_eq!(again.body["id"], first.body["id"]);
        assert_eq!(app.count("SELECT COUNT(*) FROM durations").await, 1);
        let id = id_of(&first.body);
        // A stale If-Match is 412 and changes nothing; the current one goes through.
        app.patch(&location, &app.manager.token, json!({"name": "Six months"}), Some("\"7\"")).await.problem(StatusCode::PRECONDITION_FAILED);
        let r = app.patch(&location, &app.manager.token, json!({"name": "Six months", "active": false}), Some("\"1\"")).await;
        assert_eq!((r.status, r.header("etag")), (StatusCode::OK, Some("\"2\"".into())), "{}", r.body);
        assert_eq!(r.body["active"], false);
        let r = app.call_with(Method::DELETE, &location, &app.admin.token, None, &[("if-match", "\"1\"")]).await;
        r.problem(StatusCode::PRECONDITION_FAILED);
        let r = app.call_with(Method::DELETE, &location, &app.admin.token, None, &[("if-match", "\"2\"")]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        app.get(&location, &app.admin.token).await.problem(StatusCode::NOT_FOUND);
        let audit = app.audit_of("duration", id).await;
        let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(actions, ["create", "update", "delete"]);
        assert_eq!(audit[1].before.as_ref().unwrap()["name"], "Half a year");
        assert_eq!(audit[1].after.as_ref().unwrap()["name"], "Six months");
        assert_eq!(audit[2].before.as_ref().unwrap()["months"], 6);
    }
}

both_engines! {
    async fn a_ladder_is_replaced_whole_under_the_products_etag_and_audited_once(db) {
        let app = App::start(db).await;
        let p = product(&app, "Cloud Backup", json!({"type": "service", "unit": "TB"})).await;
        let id = p["id"].as_str().unwrap().to_owned();
        let monthly = json!({"period": "month", "currency": "EUR", "tiers": [
            tier(11, None, "9.5"), tier(1, Some(10), "12.5000")]});
        let r = put_tiers(&app, &app.manager.token, &id, monthly.clone(), Some("\"1\"")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.header("etag").as_deref(), Some("\"2\""));
        let data = r.body["data"].as_array().unwrap();
        assert_eq!(data.len(), 2);
        assert_eq!((data[0]["min_quantity"].clone(), data[0]["max_quantity"].clone(), data[0]["price_per_unit"].clone()),
                   (json!(1), json!(10), json!("12.50")));
        assert_eq!((data[1]["max_quantity"].clone(), data[1]["period"].clone()), (Value::Null, json!("month")));
        // The same ladder again changes nothing: no version, no audit row.
        let same = put_tiers(&app, &app.manager.token, &id, monthly, Some("\"2\"")).await;
        assert_eq!((same.status, same.header("etag")), (StatusCode::OK, Some("\"2\"".into())));
        // The yearly ladder beside it; the product's ETag moves with each change.
        let yearly = json!({"period": "year", "currency": "EUR", "tiers": [tier(1, Some(100), "99"), tier(101, None, "90")]});
        let r = put_tiers(&app, &app.manager.token, &id, yearly, Some("\"2\"")).await;
        assert_eq!(r.header("etag").as_deref(), Some("\"3\""), "{}", r.body);
        let got = app.get(&format!("{PRODUCTS}/{id}/tiers"), &app.rep.token).await;
        assert_eq!(got.header("etag").as_deref(), Some("\"3\""));
        let order: Vec<(String, i64)> = got.body["data"].as_array().unwrap().iter()
            .map(|t| (t["period"].as_str().unwrap().to_owned(), t["min_quantity"].as_i64().unwrap())).collect();
        assert_eq!(order, [("month".into(), 1), ("month".into(), 11), ("year".into(), 1), ("year".into(), 101)]);
        assert_eq!(app.get(&format!("{PRODUCTS}/{id}"), &app.rep.token).await.body["version"], 3);
        // A stale If-Match: 412, nothing written.
        let r = put_tiers(&app, &app.manager.token, &id, json!({"period": "month", "currency": "EUR", "tiers": []}), Some("\"2\"")).await;
        r.problem(StatusCode::PRECONDITION_FAILED);
        assert_eq!(app.count("SELECT COUNT(*) FROM price_tiers").await, 4);
        // An empty ladder removes it.
        let r = put_tiers(&app, &app.manager.token, &id, json!({"period": "month", "currency": "EUR", "tiers": []}), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["data"].as_array().unwrap().len(), 2);
        // One audit row per change, the product with the period's ladder before and after.
        let audit = app.audit_of("product", id_of(&p)).await;
        let ladders: Vec<_> = audit.iter().filter(|a| a.after.as_ref().is_some_and(|v| v.get("price_tiers").is_some())).collect();
        assert_eq!(ladders.len(), 3, "{audit:?}");
        let first = ladders[0];
        assert_eq!(first.before.as_ref().unwrap()["price_tiers"], json!({"period": "month", "tiers": []}));
        assert_eq!(first.after.as_ref().unwrap()["price_tiers"]["tiers"][1]["price_per_unit"], "9.50");
        assert_eq!((first.before.as_ref().unwrap()["version"].clone(), first.after.as_ref().unwrap()["version"].clone()), (json!(1), json!(2)));
        let last = ladders[2];
        assert_eq!(last.before.as_ref().unwrap()["price_tiers"]["tiers"].as_array().unwrap().len(), 2);
        assert_eq!(last.after.as_ref().unwrap()["price_tiers"]["tiers"], json!([]));
        // Roles that may not manage products may not replace ladders; a missing product is 404.
        put_tiers(&app, &app.rep.token, &id, json!({"period": "month", "currency": "EUR", "tiers": []}), None).await.problem(StatusCode::FORBIDDEN);
        let missing = uuid::Uuid::now_v7().to_string();
        put_tiers(&app, &app.admin.token, &missing, json!({"period": "month", "currency": "EUR", "tiers": []}), None).await.problem(StatusCode::NOT_FOUND);
        app.get(&format!("{PRODUCTS}/{missing}/tiers"), &app.admin.token).await.problem(StatusCode::NOT_FOUND);
    }
}

both_engines! {
    async fn bad_ladders_are_named_by_tier_and_nothing_is_written(db) {
        let app = App::start(db).await;
        let p = product(&app, "Seats", json!({})).await;
        let id = p["id"].as_str().unwrap().to_owned();
        let good = json!({"period": "month", "currency": "EUR", "tiers": [tier(1, Some(10), "5")]});
        assert_eq!(put_tiers(&app, &app.admin.token, &id, good, None).await.status, StatusCode::OK);
        let ladder = |tiers: Value| json!({"period": "month", "currency": "EUR", "tiers": tiers});
        for (body, want) in [
            (ladder(json!([tier(1, Some(10), "5"), tier(10, None, "4")])), pair("tiers[1].min_quantity", "overlap")),
            (ladder(json!([tier(1, Some(10), "5"), tier(5, Some(8), "4")])), pair("tiers[1].min_quantity", "overlap")),
            (ladder(json!([tier(1, Some(10), "5"), tier(12, None, "4")])), pair("tiers[1].min_quantity", "gap")),
            (ladder(json!([tier(1, None, "5"), tier(11, None, "4")])), pair("tiers[0].max_quantity", "unbounded_not_last")),
            (ladder(json!([tier(5, Some(5), "5")])), pair("tiers[0].max_quantity", "above_min")),
            (ladder(json!([tier(1, None, "5.12345")])), pair("tiers[0].price_per_unit", "decimal")),
            (ladder(json!([tier(1, None, "0")])), pair("tiers[0].price_per_unit", "minimum")),
            (ladder(json!([tier(1, None, "-2")])), pair("tiers[0].price_per_unit", "minimum")),
            (ladder(json!([tier(-1, None, "2")])), pair("tiers[0].min_quantity", "range")),
            (ladder(json!([{"max_quantity": 3, "price_per_unit": "2"}])), pair("tiers[0].min_quantity", "required")),
            (ladder(json!([tier(1, None, "2"), 7])), pair("tiers[1]", "type")),
            (json!({"period": "week", "currency": "EUR", "tiers": []}), pair("period", "enum")),
            (json!({"period": "month", "tiers": []}), pair("currency", "required")),
            (json!({"period": "month", "currency": "EUR"}), pair("tiers", "required")),
        ] {
            let r = put_tiers(&app, &app.admin.token, &id, body.clone(), None).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(errors_of(&r).contains(&want), "{body}: {}", r.body);
        }
        let kept = app.get(&format!("{PRODUCTS}/{id}/tiers"), &app.admin.token).await;
        assert_eq!(kept.body["data"].as_array().unwrap().len(), 1);
        assert_eq!(kept.header("etag").as_deref(), Some("\"2\""));
        assert_eq!(app.count("SELECT COUNT(*) FROM price_tiers").await, 1);
    }
}

both_engines! {
    async fn deleting_a_product_takes_its_tiers_and_the_audit_row_keeps_them(db) {
        let app = App::start(db).await;
        let p = product(&app, "Doomed", json!({"active": false})).await;
        let id = p["id"].as_str().unwrap().to_owned();
        let body = json!({"period": "year", "currency": "USD", "tiers": [tier(0, Some(9), "3"), tier(10, None, "2")]});
        assert_eq!(put_tiers(&app, &app.admin.token, &id, body, None).await.status, StatusCode::OK);
        let r = app.call(Method::DELETE, &format!("{PRODUCTS}/{id}"), &app.admin.token, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM price_tiers").await, 0);
        let audit = app.audit_of("product", id_of(&p)).await;
        let gone = audit.last().unwrap();
        assert_eq!(gone.action, "delete");
        let tiers = gone.before.as_ref().unwrap()["price_tiers"].as_array().unwrap().clone();
        assert_eq!(tiers.len(), 2);
        assert_eq!((tiers[0]["period"].clone(), tiers[0]["price_per_unit"].clone()), (json!("year"), json!("3.00")));
    }
}

/// A product with a monthly and a yearly ladder in EUR, and durations of 1, 12 and 18
/// months (10 % off the 12).
async fn priced_catalogue(app: &App) -> (String, String, String, String) {
    let p = product(app, "Storage", json!({"unit": "TB", "type": "service"})).await;
    let id = p["id"].as_str().unwrap().to_owned();
    let month = json!({"period": "month", "currency": "EUR", "tiers": [tier(5, Some(10), "12.3456"), tier(11, None, "10")]});
    let year = json!({"period": "year", "currency": "EUR", "tiers": [tier(5, None, "120")]});
    for body in [month, year] {
        assert_eq!(
            put_tiers(app, &app.admin.token, &id, body, None)
                .await
                .status,
            StatusCode::OK
        );
    }
    let d1 = duration(app, 1, "0").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d12 = duration(app, 12, "10").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d18 = duration(app, 18, "12.5").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (id, d1, d12, d18)
}

both_engines! {
    async fn a_quote_prices_from_the_tier_and_the_duration(db) {
        let app = App::start(db).await;
        let (tiered, _d1, d12, d18) = priced_catalogue(&app).await;
        // 18 months: not whole years, so the monthly ladder. 7 units → 12.3456.
        // 12.3456 × 7 × 18 = 1555.5456 → 1555.55; 12.5 % = 194.44375 → 194.44; 1361.11.
        let r = app.post(QUOTE, &app.rep.token, json!({"product_id": tiered, "quantity": 7, "duration_id": d18})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body, json!({"product_id": tiered, "duration_id": d18, "quantity": 7, "period": "month",
            "periods": "18", "unit_price": "12.3456", "currency": "EUR", "subtotal": "1555.55",
            "discount_percentage": "12.50", "discount_amount": "194.44", "total": "1361.11"}));
        // 12 months: the yearly ladder, one period. 120 × 11 = 1320.00; 10 % = 132.00.
        let r = app.post(QUOTE, &app.partner_token().await, json!({"product_id": tiered, "quantity": 11, "duration_id": d12})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!((r.body["period"].clone(), r.body["periods"].clone(), r.body["unit_price"].clone()), (json!("year"), json!("1"), json!("120.00")));
        assert_eq!((r.body["subtotal"].clone(), r.body["discount_amount"].clone(), r.body["total"].clone()), (json!("1320.00"), json!("132.00"), json!("1188.00")));
        // A product sold at its list price: once, the duration's discount taken off.
        let listed = product(&app, "Setup", json!({"unit_price": "99.99", "currency": "USD"})).await;
        let r = app.post(QUOTE, &app.viewer.token, json!({"product_id": listed["id"], "quantity": 3, "duration_id": d12})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!((r.body["period"].clone(), r.body["periods"].clone(), r.body["subtotal"].clone(), r.body["discount_amount"].clone(), r.body["total"].clone()),
                   (Value::Null, json!("1"), json!("299.97"), json!("30.00"), json!("269.97")));
        let r = app.post(QUOTE, &app.viewer.token, json!({"product_id": listed["id"], "quantity": 1})).await;
        assert_eq!((r.body["duration_id"].clone(), r.body["discount_percentage"].clone(), r.body["total"].clone()), (Value::Null, json!("0.00"), json!("99.99")));
        // A quote writes nothing.
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'quote'").await, 0);
    }
}

both_engines! {
    async fn a_quote_that_cannot_be_priced_names_the_field(db) {
        let app = App::start(db).await;
        let (product, d1, _d12, _d18) = priced_catalogue(&app).await;
        let sleeping = product_of(&app, "Asleep", json!({"active": false, "unit_price": "1", "currency": "EUR"})).await;
        let unpriced = product_of(&app, "Unpriced", json!({})).await;
        let off = created(&app, &app.admin.token, DURATIONS, json!({"months": 3, "name": "Quarter", "active": false})).await;
        let nowhere = uuid::Uuid::now_v7().to_string();
        // 99,999,999,999,999 per unit: a billion units pass any amount an order holds.
        let dear = product_of(&app, "Dear", json!({"unit_price": "99999999999999", "currency": "EUR"})).await;
        for (body, field, rule) in [
            (json!({"product_id": product, "quantity": 4, "duration_id": d1}), "quantity", "tier"),
            (json!({"product_id": product, "quantity": 7}), "duration_id", "depends"),
            (json!({"product_id": sleeping, "quantity": 1}), "product_id", "active"),
            (json!({"product_id": unpriced, "quantity": 1}), "product_id", "priced"),
            (json!({"product_id": nowhere, "quantity": 1}), "product_id", "exists"),
            (json!({"product_id": product, "quantity": 7, "duration_id": nowhere}), "duration_id", "exists"),
            (json!({"product_id": product, "quantity": 7, "duration_id": off["id"]}), "duration_id", "active"),
            (json!({"product_id": product, "quantity": 0, "duration_id": d1}), "quantity", "range"),
            (json!({"product_id": product, "quantity": "7", "duration_id": d1}), "quantity", "type"),
            (json!({"quantity": 7}), "product_id", "required"),
            (json!({"product_id": dear, "quantity": 1_000_000_000, "duration_id": d1}), "quantity", "too_large"),
            (json!({"product_id": "x", "quantity": 7}), "product_id", "uuid"),
        ] {
            let r = app.post(QUOTE, &app.rep.token, body.clone()).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(errors_of(&r).contains(&pair(field, rule)), "{body}: {}", r.body);
        }
    }
}

/// A product's id.
async fn product_of(app: &App, name: &str, extra: Value) -> String {
    product(app, name, extra).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

impl App {
    /// A partner user's token (no partner in the shared fixture): everyone signed in quotes.
    async fn partner_token(&self) -> String {
        let org = self
            .account(
                &self.admin.token,
                json!({"name": "Quoting Partner", "kind": "partner"}),
            )
            .await;
        make_user(
            &self.store,
            rapport_domain::Role::Partner,
            "quoting-partner@example.com",
            Some(id_of(&org)),
        )
        .await
        .token
    }
}
