//! The distribution log over HTTP: entries, bulk create, linking legacy names, lot
//! traceability, scope, and the kept sales figures staying equal to the log after every
//! kind of change, on both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use rapport_domain::Role;
use rapport_store::distribution::distributions;
use serde_json::{json, Value};

#[allow(unused_imports)]
use super::support::*;

pub async fn entry(app: &App, token: &str, body: Value) -> Value {
    let r = app.post("/api/v1/distributions", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

/// The kept figures must equal the ones recomputed from the log.
pub async fn assert_figures_agree(app: &App) {
    let wrong = distributions::check_figures(&app.store)
        .await
        .expect("check");
    assert_eq!(wrong, 0, "kept sales figures drifted from the log");
}

async fn early_2026(app: &App) -> Value {
    app.get(
        "/api/v1/dashboards/sales?from=2026-01-01&to=2026-03-01",
        &app.admin.token,
    )
    .await
    .body
}

async fn list_ids(app: &App, token: &str, query: &str) -> Vec<String> {
    ids(&app
        .get(&format!("/api/v1/distributions{query}"), token)
        .await)
}

fn ids(page: &Reply) -> Vec<String> {
    page.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|e| e["id"].as_str().unwrap_or("").to_owned())
        .collect()
}

both_engines! {
    async fn an_entry_is_recorded_corrected_and_deleted(db) {
        let app = App::start(db).await;
        let product = app.post("/api/v1/products", &app.admin.token,
            json!({"name": "Stent 4mm", "sku": "ST-4"})).await;
        assert_eq!(product.status, StatusCode::CREATED, "{}", product.body);
        let account = app.account(&app.rep.token, json!({"name": "Hospital A"})).await;
        let e = entry(&app, &app.rep.token, json!({
            "ship_date": "2026-03-02", "order_number": "SO-1", "sku": "ST-4", "lot_number": "L-77",
            "quantity": 3, "customer_id": account["id"], "notes": "urgent"
        })).await;
        // A rep is the entry's rep; the product comes from the SKU; the source is api.
        assert_eq!(e["rep_id"], json!(app.rep.user.id));
        assert_eq!(e["product_id"], product.body["id"]);
        assert_eq!(e["source"], "api");
        assert_eq!(e["quantity"], 3);
        let uri = format!("/api/v1/distributions/{}", e["id"].as_str().unwrap());
        let got = app.get(&uri, &app.rep.token).await;
        assert_eq!(got.status, StatusCode::OK);
        let etag = got.header("etag").expect("etag");

        let changed = app.patch(&uri, &app.rep.token, json!({"quantity": 5, "lot_number": "L-78"}), Some(&etag)).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        assert_eq!(changed.body["quantity"], 5);
        assert_eq!(changed.body["version"], 2);
        app.patch(&uri, &app.rep.token, json!({"quantity": 6}), Some(&etag)).await
            .problem(StatusCode::PRECONDITION_FAILED);
        assert_figures_agree(&app).await;

        // Reps do not delete traceability records; managers do, and it is audited.
        app.call(Method::DELETE, &uri, &app.rep.token, None).await.problem(StatusCode::FORBIDDEN);
        let gone = app.call(Method::DELETE, &uri, &app.manager.token, None).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
        app.get(&uri, &app.admin.token).await.problem(StatusCode::NOT_FOUND);
        let actions: Vec<String> = app.audit_of("distribution", id_of(&e)).await
            .iter().map(|a| a.action.clone()).collect();
        assert_eq!(actions, ["create", "update", "delete"]);
        assert_figures_agree(&app).await;
        assert_eq!(app.count("SELECT count(*) FROM distribution_months WHERE entries <> 0").await, 0);
    }

    async fn bad_entries_are_refused_by_field_and_nothing_is_written(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let cases = [
            (json!({"ship_date": "2026-01-01", "sku": "A", "quantity": 0}), "quantity"),
            (json!({"ship_date": "2026-01-01", "sku": "A", "quantity": -2}), "quantity"),
            (json!({"ship_date": "2026-01-01", "sku": "A", "quantity": 1.5}), "quantity"),
            (json!({"ship_date": "2026-02-30", "sku": "A", "quantity": 1}), "ship_date"),
            (json!({"ship_date": "2099-01-01", "sku": "A", "quantity": 1}), "ship_date"),
            (json!({"ship_date": "2026-01-01", "quantity": 1}), "sku"),
            (json!({"ship_date": "2026-01-01", "sku": "  ", "quantity": 1}), "sku"),
            (json!({"ship_date": "2026-01-01", "sku": "A", "quantity": 1, "source": "fax"}), "source"),
            (json!({"ship_date": "2026-01-01", "sku": "A", "quantity": 1, "customer_id": uuid::Uuid::now_v7()}), "customer_id"),
            (json!({"ship_date": "2026-01-01", "sku": "A", "quantity": 1, "rep_id": uuid::Uuid::now_v7()}), "rep_id"),
            (json!({"ship_date": "2026-01-01", "sku": "A", "quantity": 1, "product_id": uuid::Uuid::now_v7()}), "product_id"),
            (json!({"ship_date": "2026-01-01", "sku": "A", "quantity": 1, "colour": "red"}), "colour"),
        ];
        for (body, field) in cases {
            let r = app.post("/api/v1/distributions", t, body.clone()).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.field_errors().iter().any(|(f, _)| f == field), "{body}: {}", r.body);
        }
        // A rep may not record a shipment for an account outside their scope, nor in
        // another rep's name.
        let hidden = app.account(&app.admin.token, json!({"name": "Elsewhere"})).await;
        let r = app.post("/api/v1/distributions", &app.rep.token, json!({
            "ship_date": "2026-01-01", "sku": "A", "quantity": 1, "customer_id": hidden["id"]
        })).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), [("customer_id".to_owned(), "exists".to_owned())]);
        let r = app.post("/api/v1/distributions", &app.rep.token, json!({
            "ship_date": "2026-01-01", "sku": "A", "quantity": 1, "rep_id": app.other_rep.user.id
        })).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(r.body["errors"][0]["field"], "rep_id");
        app.post("/api/v1/distributions", &app.viewer.token, json!({
            "ship_date": "2026-01-01", "sku": "A", "quantity": 1
        })).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT count(*) FROM distributions").await, 0);
        assert_eq!(app.count("SELECT count(*) FROM distribution_key_months").await, 0);
    }

    async fn bulk_create_is_all_or_nothing_with_row_indexes(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let item = |i: i64| json!({"ship_date": "2026-04-01", "order_number": format!("B-{}", i / 2),
                                   "sku": "K-1", "quantity": i + 1, "customer_name": "Clinic Nord"});
        let good: Vec<Value> = (0..5).map(item).collect();
        let r = app.post("/api/v1/distributions/bulk", t, json!({"items": good})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.body["created"], 5);
        assert_eq!(r.body["ids"].as_array().map(Vec::len), Some(5));
        let first = app.get(&format!("/api/v1/distributions/{}", r.body["ids"][0].as_str().unwrap()), t).await;
        assert_eq!(first.body["source"], "import");
        let audited = "SELECT count(*) FROM audit_log WHERE entity_type = 'distribution' AND action = 'create'";
        assert_eq!(app.count(audited).await, 5);
        assert_figures_agree(&app).await;

        let mut mixed: Vec<Value> = (0..4).map(item).collect();
        mixed[1]["quantity"] = json!(0);
        mixed[3]["ship_date"] = json!("not a date");
        mixed[3]["customer_id"] = json!(uuid::Uuid::now_v7());
        let r = app.post("/api/v1/distributions/bulk", t, json!({"items": mixed})).await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        let rows: Vec<(i64, String)> = r.body["errors"].as_array().unwrap().iter()
            .map(|e| (e["index"].as_i64().unwrap(), e["field"].as_str().unwrap().to_owned())).collect();
        assert_eq!(rows, [(1, "quantity".to_owned()), (3, "ship_date".to_owned())]);
        // The customer of row 3 is checked once the row reads well; a row whose only
        // fault is an unseen customer is named by its index too.
        let mut unseen: Vec<Value> = (0..3).map(item).collect();
        unseen[2]["customer_id"] = json!(uuid::Uuid::now_v7());
        let r = app.post("/api/v1/distributions/bulk", t, json!({"items": unseen})).await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.body["errors"][0]["index"], 2);
        assert_eq!(r.body["errors"][0]["field"], "customer_id");
        assert_eq!(app.count("SELECT count(*) FROM distributions").await, 5);

        let too_many: Vec<Value> = (0..10_001).map(|_| json!({})).collect();
        let r = app.post("/api/v1/distributions/bulk", t, json!({"items": too_many})).await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), [("items".to_owned(), "max_items".to_owned())]);
        app.post("/api/v1/distributions/bulk", t, json!({"items": []})).await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        app.post("/api/v1/distributions/bulk", t, json!([item(1)])).await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("SELECT count(*) FROM distributions").await, 5);
        assert_eq!(app.count(audited).await, 5);
        assert_figures_agree(&app).await;
    }

    async fn list_filters_and_scope(db) {
        let app = App::start(db).await;
        let mine = app.account(&app.rep.token, json!({"name": "Mine"})).await;
        let theirs = app.account(&app.other_rep.token, json!({"name": "Theirs"})).await;
        let a = entry(&app, &app.rep.token, json!({"ship_date": "2026-01-10", "sku": "A", "quantity": 1, "customer_id": mine["id"], "lot_number": "L1"})).await;
        let b = entry(&app, &app.other_rep.token, json!({"ship_date": "2026-02-10", "sku": "B", "quantity": 2, "customer_id": theirs["id"], "lot_number": "L1"})).await;
        let c = entry(&app, &app.admin.token, json!({"ship_date": "2026-03-10", "sku": "A", "quantity": 3, "customer_name": "Loose Clinic"})).await;
        let t = &app.admin.token;
        let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
        assert_eq!(list_ids(&app, t, "").await, [id(&c), id(&b), id(&a)]);
        assert_eq!(list_ids(&app, t, "?ship_date_after=2026-02-01&ship_date_before=2026-03-01").await, [id(&b)]);
        assert_eq!(list_ids(&app, t, "?sku=A&sort=ship_date").await, [id(&a), id(&c)]);
        assert_eq!(list_ids(&app, t, "?linked=false").await, [id(&c)]);
        assert_eq!(list_ids(&app, t, &format!("?customer_id={}", id(&mine))).await, [id(&a)]);
        app.get("/api/v1/distributions?linked=maybe", t).await.problem(StatusCode::BAD_REQUEST);

        // Each rep sees their own entries and those of their accounts, nothing else.
        let rep_view = ids(&app.get("/api/v1/distributions", &app.rep.token).await);
        assert_eq!(rep_view, [id(&a)]);
        app.get(&format!("/api/v1/distributions/{}", id(&b)), &app.rep.token).await.problem(StatusCode::NOT_FOUND);
        app.patch(&format!("/api/v1/distributions/{}", id(&b)), &app.rep.token, json!({"quantity": 9}), None).await
            .problem(StatusCode::NOT_FOUND);
        let mine_rep = ids(&app.get("/api/v1/distributions?rep_id=me", &app.other_rep.token).await);
        assert_eq!(mine_rep, [id(&b)]);

        // A partner user sees the shipments to their own organisation only.
        let partner_org = app.account(t, json!({"name": "Partner Org", "kind": "partner"})).await;
        let shipped = entry(&app, t, json!({"ship_date": "2026-03-11", "sku": "A", "quantity": 1, "customer_id": partner_org["id"]})).await;
        let partner = make_user(&app.store, Role::Partner, "p@example.com", Some(id_of(&partner_org))).await;
        assert_eq!(ids(&app.get("/api/v1/distributions", &partner.token).await), [id(&shipped)]);
        app.post("/api/v1/distributions", &partner.token, json!({"ship_date": "2026-01-01", "sku": "A", "quantity": 1}))
            .await.problem(StatusCode::FORBIDDEN);
    }

    async fn a_lot_is_traced_to_every_customer_it_reached(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let h = app.account(t, json!({"name": "Hospital H"})).await;
        let k = app.account(&app.rep.token, json!({"name": "Klinik K"})).await;
        for (date, lot, qty, customer) in [
            ("2026-01-05", "LOT-9", 2, Some(&h)), ("2026-01-20", "LOT-9", 1, Some(&h)),
            ("2026-02-01", "LOT-9", 4, Some(&k)), ("2026-02-02", "LOT-1", 7, Some(&k)),
            ("2026-02-03", "LOT-9", 1, None),
        ] {
            let mut body = json!({"ship_date": date, "sku": "S", "lot_number": lot, "quantity": qty});
            match customer {
                Some(a) => body["customer_id"] = a["id"].clone(),
                None => body["customer_name"] = json!("Old Clinic"),
            }
            entry(&app, t, body).await;
        }
        let r = app.get("/api/v1/distributions/trace?lot=LOT-9", t).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let customers: Vec<(Value, i64, i64, Value, Value)> = r.body["customers"].as_array().unwrap().iter()
            .map(|c| (c["customer_name"].clone(), c["shipments"].as_i64().unwrap(), c["units"].as_i64().unwrap(),
                      c["first_ship_date"].clone(), c["last_ship_date"].clone())).collect();
        assert_eq!(customers, [
            (json!("Hospital H"), 2, 3, json!("2026-01-05"), json!("2026-01-20")),
            (json!("Klinik K"), 1, 4, json!("2026-02-01"), json!("2026-02-01")),
            (json!("Old Clinic"), 1, 1, json!("2026-02-03"), json!("2026-02-03")),
        ]);
        assert_eq!(r.body["shipments"]["data"].as_array().map(Vec::len), Some(4));
        let by_sku = app.get("/api/v1/distributions/trace?sku=S&limit=2", t).await;
        assert_eq!(by_sku.body["customers"].as_array().map(Vec::len), Some(3));
        assert_eq!(by_sku.body["shipments"]["data"].as_array().map(Vec::len), Some(2));
        assert!(by_sku.body["shipments"]["next_cursor"].is_string());
        // The rep sees only the trace through their own account.
        let rep = app.get("/api/v1/distributions/trace?lot=LOT-9", &app.rep.token).await;
        assert_eq!(rep.body["customers"].as_array().map(Vec::len), Some(1));
        assert_eq!(rep.body["customers"][0]["customer_name"], "Klinik K");
        app.get("/api/v1/distributions/trace", t).await.problem(StatusCode::BAD_REQUEST);
        app.get("/api/v1/distributions/trace?lot=A&sku=B", t).await.problem(StatusCode::BAD_REQUEST);
    }

    async fn legacy_names_are_linked_once_by_company_key(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let existing = app.account(t, json!({"name": "Hospital A"})).await;
        for (name, date) in [("Hospital A", "2026-01-02"), ("HOSPITAL-A", "2026-02-02"), ("Clinic B", "2026-02-03"),
                             ("Clinic B", "2026-03-03"), ("--", "2026-03-04")] {
            entry(&app, t, json!({"ship_date": date, "sku": "S", "quantity": 1, "customer_name": name})).await;
        }
        let before = app.get("/api/v1/dashboards/sales?from=2026-01-01&to=2026-04-01", t).await;
        // Before linking, the two spellings of Hospital A already count as one customer
        // (their company key), Clinic B as another; "--" has no key.
        assert_eq!(before.body["totals"]["customers"], 2);

        let dry = app.post("/api/v1/distributions/link", t, json!({"dry_run": true})).await;
        assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
        assert_eq!((dry.body["linked"].as_i64(), dry.body["created"].as_i64()), (Some(4), Some(1)));
        assert_eq!(app.count("SELECT count(*) FROM distributions WHERE customer_id IS NOT NULL").await, 0);
        assert_eq!(app.count("SELECT count(*) FROM accounts").await, 1);

        app.post("/api/v1/distributions/link", &app.manager.token, json!({})).await.problem(StatusCode::FORBIDDEN);
        let done = app.post("/api/v1/distributions/link", t, json!({})).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert_eq!((done.body["linked"].as_i64(), done.body["created"].as_i64()), (Some(4), Some(1)));
        assert_eq!(done.body["skipped"][0]["customer_name"], "--");
        let hospital = done.body["accounts"].as_array().unwrap().iter()
            .find(|a| a["company_key"] == "HOSPITALA").expect("hospital line").clone();
        assert_eq!(hospital["account_id"], existing["id"]);
        assert_eq!(hospital["entries"], 2);
        assert_eq!(app.count("SELECT count(*) FROM distributions WHERE customer_id IS NOT NULL").await, 4);
        assert_figures_agree(&app).await;
        let after = app.get("/api/v1/dashboards/sales?from=2026-01-01&to=2026-04-01", t).await;
        assert_eq!(after.body["totals"]["customers"], 2);

        let again = app.post("/api/v1/distributions/link", t, json!({})).await;
        assert_eq!((again.body["linked"].as_i64(), again.body["created"].as_i64()), (Some(0), Some(0)));
        assert_eq!(app.count("SELECT count(*) FROM accounts").await, 2);
    }

    async fn merging_and_deleting_accounts_keep_the_figures(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let a = app.account(t, json!({"name": "North"})).await;
        let b = app.account(t, json!({"name": "South"})).await;
        entry(&app, t, json!({"ship_date": "2026-01-05", "sku": "S", "quantity": 1, "customer_id": a["id"]})).await;
        entry(&app, t, json!({"ship_date": "2026-02-05", "sku": "S", "quantity": 1, "customer_id": b["id"]})).await;
        assert_eq!(early_2026(&app).await["totals"]["customers"], 2);
        let merged = app.post(&format!("/api/v1/accounts/{}/merge", b["id"].as_str().unwrap()), t,
            json!({"ids": [a["id"]]})).await;
        assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
        assert_figures_agree(&app).await;
        let d = early_2026(&app).await;
        assert_eq!(d["totals"]["customers"], 1);
        assert_eq!(d["intervals"][1]["repeat_customers"], 1, "{d}");
        assert_eq!(app.count("SELECT count(*) FROM distributions WHERE customer_id IS NULL").await, 0);

        let deleted = app.call(Method::DELETE, &format!("/api/v1/accounts/{}", b["id"].as_str().unwrap()), t, None).await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.body);
        assert_eq!(app.count("SELECT count(*) FROM distributions WHERE customer_id IS NULL").await, 2);
        assert_figures_agree(&app).await;
        // Entries without a customer or a name count as orders, not customers.
        let d = early_2026(&app).await;
        assert_eq!((d["totals"]["orders"].as_i64(), d["totals"]["customers"].as_i64()), (Some(2), Some(0)));
    }

    async fn concurrent_writers_keep_the_figures_exact(db) {
        let app = App::start(db).await;
        let customer = app.account(&app.admin.token, json!({"name": "Busy Hospital"})).await;
        let mut tasks = Vec::new();
        for w in 0..8 {
            let (router, token, cid) = (app.router.clone(), app.admin.token.clone(), customer["id"].clone());
            tasks.push(tokio::spawn(async move {
                let items: Vec<Value> = (0..20).map(|i| json!({
                    "ship_date": format!("2026-{:02}-15", 1 + (i + w) % 6), "order_number": format!("W{w}-{}", i % 3),
                    "sku": format!("S{}", i % 4), "quantity": 1, "customer_id": cid
                })).collect();
                let req = axum::http::Request::builder().method("POST").uri("/api/v1/distributions/bulk")
                    .header("authorization", format!("Bearer {token}")).header("content-type", "application/json")
                    .body(axum::body::Body::from(json!({"items": items}).to_string())).unwrap();
                use tower::ServiceExt;
                router.oneshot(req).await.unwrap().status()
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), StatusCode::CREATED);
        }
        assert_eq!(app.count("SELECT count(*) FROM distributions").await, 160);
        assert_figures_agree(&app).await;
    }
}
