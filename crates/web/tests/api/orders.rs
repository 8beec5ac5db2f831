//! Orders over HTTP (#18): priced lines and totals to the cent, people by role, data
//! checked against the type's schema, hand-set prices, numbers under concurrency,
//! scope, export and what happens to orders when the records they name go away. Both
//! engines. Moves, freeze and reopen are in `orders_moves.rs`.

use axum::http::{Method, StatusCode};
use rapport_db::{both_engines, Value as DbValue};
use rapport_domain::Role;
use rust_decimal::Decimal;
use serde_json::{json, Value};

#[allow(unused_imports)]
use super::support::*;

/// The default order types and states of migration 0011.
pub const MAIN: &str = "01a24dcc-d800-7241-9050-000000000000";
pub const REFINEMENT: &str = "01a24dcc-d801-7241-9050-000000000000";

/// Runs one statement in a write (the tests set up the catalogue and types with SQL,
/// as their own APIs are another area's).
pub async fn exec(app: &App, sql: &'static str, params: Vec<DbValue>) {
    app.store
        .db
        .write(move |c| c.execute(sql, &params))
        .await
        .expect("write");
}

pub fn dec(s: &str) -> DbValue {
    DbValue::Decimal(s.parse::<Decimal>().expect("decimal"))
}

/// A product with a list price (`unit_price`, in `currency`), or none.
pub async fn product(app: &App, name: &str, sku: &str, list: Option<(&str, &str)>) -> String {
    let id = made(
        app,
        &app.admin.token,
        "/api/v1/products",
        json!({"name": name, "sku": sku}),
    )
    .await;
    let uuid = uuid::Uuid::parse_str(&id).expect("uuid");
    let (price, currency) = match list {
        Some((p, c)) => (dec(p), DbValue::Text(c.into())),
        None => (DbValue::Null, DbValue::Null),
    };
    exec(
        app,
        "UPDATE products SET unit_price = ?, currency = ?, type = ?, unit = ? WHERE id = ?",
        vec![
            price,
            currency,
            DbValue::Text("service".into()),
            DbValue::Text("user".into()),
            DbValue::Uuid(uuid),
        ],
    )
    .await;
    id
}

/// A price tier of `product`.
pub async fn tier(app: &App, product: &str, period: &str, min: i64, max: Option<i64>, price: &str) {
    exec(
        app,
        "INSERT INTO price_tiers (id, product_id, period, min_quantity, max_quantity, price_per_unit, currency, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            DbValue::Uuid(uuid::Uuid::now_v7()),
            DbValue::Uuid(uuid::Uuid::parse_str(product).expect("uuid")),
            DbValue::Text(period.into()),
            DbValue::Int(min),
            max.map_or(DbValue::Null, DbValue::Int),
            dec(price),
            DbValue::Text("EUR".into()),
            DbValue::Timestamp(rapport_db::now()),
        ],
    )
    .await;
}

/// A duration of `months` with a discount.
pub async fn duration(app: &App, months: i64, discount: &str) -> String {
    let id = uuid::Uuid::now_v7();
    exec(
        app,
        "INSERT INTO durations (id, months, discount_percentage, name, active, created_at, updated_at, version) \
         VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
        vec![
            DbValue::Uuid(id),
            DbValue::Int(months),
            dec(discount),
            DbValue::Text(format!("{months} months")),
            DbValue::Bool(true),
            DbValue::Timestamp(rapport_db::now()),
            DbValue::Timestamp(rapport_db::now()),
        ],
    )
    .await;
    id.to_string()
}

pub async fn order(app: &App, token: &str, body: Value) -> Value {
    let r = app.post("/api/v1/orders", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

pub fn etag_of(v: &Value) -> String {
    format!("\"{}\"", v["version"])
}

/// A catalogue of three ways to price: a monthly ladder, a list price, both ladders.
pub struct Catalogue {
    pub monthly: String,
    pub listed: String,
    pub both: String,
    pub year: String,
    pub two_years: String,
}

pub async fn catalogue(app: &App) -> Catalogue {
    // No cap on active products: the tests sell more than the default three.
    let r = app
        .patch(
            "/api/v1/settings",
            &app.admin.token,
            json!({"active_product_cap": 0}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let monthly = product(app, "Seats", "SEAT", None).await;
    tier(app, &monthly, "month", 1, Some(10), "12.3456").await;
    tier(app, &monthly, "month", 11, None, "10").await;
    let listed = product(app, "Scanner", "SCAN", Some(("99.99", "EUR"))).await;
    let both = product(app, "Storage", "STOR", None).await;
    tier(app, &both, "month", 1, None, "100").await;
    tier(app, &both, "year", 1, None, "1000").await;
    Catalogue {
        monthly,
        listed,
        both,
        year: duration(app, 12, "10").await,
        two_years: duration(app, 24, "15.5").await,
    }
}

fn strings(v: &Value, keys: &[&str]) -> Vec<String> {
    keys.iter()
        .map(|k| v[*k].as_str().unwrap_or("?").to_owned())
        .collect()
}

both_engines! {
    async fn an_order_of_three_lines_adds_up_to_the_cent(db) {
        let app = App::start(db).await;
        let cat = catalogue(&app).await;
        let o = order(&app, &app.rep.token, json!({
            "tax_rate": "19.6",
            "description": "Three lines",
            "items": [
                {"product_id": cat.monthly, "quantity": 3, "duration_id": cat.year},
                {"product_id": cat.listed, "quantity": 2},
                {"product_id": cat.both, "quantity": 1, "duration_id": cat.two_years},
            ]
        })).await;
        // 12.3456 × 3 × 12 = 444.4416 → 444.44, less 10 % (44.444 → 44.44) = 400.00;
        // 99.99 × 2 = 199.98; two whole years on the yearly ladder: 1000 × 2 = 2000.00,
        // less 15.5 % = 310.00 → 1690.00.
        let items = o["items"].as_array().expect("items");
        assert_eq!(items.len(), 3, "{o}");
        let lines: Vec<Vec<String>> = items.iter()
            .map(|i| strings(i, &["unit_price", "subtotal", "discount_amount", "total"]))
            .collect();
        assert_eq!(lines, vec![
            vec!["12.3456", "444.44", "44.44", "400.00"],
            vec!["99.99", "199.98", "0.00", "199.98"],
            vec!["1000.00", "2000.00", "310.00", "1690.00"],
        ]);
        assert_eq!((items[0]["period"].as_str(), items[0]["duration_months"].as_i64()), (Some("month"), Some(12)));
        assert_eq!((items[2]["period"].as_str(), items[1]["period"].as_str()), (Some("year"), None));
        assert_eq!(strings(&items[0], &["product_name", "product_sku", "product_type", "product_unit"]),
                   vec!["Seats", "SEAT", "service", "user"]);
        assert_eq!(items[0]["price_overridden"], false);
        // 2644.42 − 354.44 = 2289.98; tax 19.6 % = 448.83608 → 448.84; total 2738.82.
        assert_eq!(strings(&o, &["currency", "subtotal", "discount_amount", "tax_amount", "total"]),
                   vec!["EUR", "2644.42", "354.44", "448.84", "2738.82"]);
        let year = chrono::Utc::now().format("%Y").to_string();
        assert_eq!(o["order_number"], format!("ORD-{year}-000001"));
        assert_eq!((o["order_type_id"].as_str(), o["priority"].as_str()), (Some(MAIN), Some("normal")));
        assert_eq!(o["owner_id"], json!(app.rep.user.id), "a rep owns what they create");
        // The same figures when read back, and the lines in the list.
        let id = o["id"].as_str().unwrap();
        let got = app.get(&format!("/api/v1/orders/{id}"), &app.rep.token).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.header("etag").as_deref(), Some("\"1\""));
        assert_eq!(got.body, o);
        let list = app.get("/api/v1/orders?sort=-total&count=true", &app.rep.token).await;
        assert_eq!(list.body["data"][0], o);
        assert_eq!(list.body["total"], 1);
        let history = app.get(&format!("/api/v1/orders/{id}/history"), &app.rep.token).await;
        assert_eq!(history.body["data"][0]["to_state_key"], "created");
        assert_eq!(history.body["data"][0]["from_state_key"], Value::Null);

        // Replacing the lines prices them again; the totals follow.
        let r = app.call_with(Method::PUT, &format!("/api/v1/orders/{id}/items"), &app.rep.token,
            Some(json!({"items": [{"product_id": cat.monthly, "quantity": 11, "duration_id": cat.year}]})),
            &[("if-match", "\"1\"")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // 10 × 11 × 12 = 1320.00, less 132.00 = 1188.00; tax 232.848 → 232.85.
        assert_eq!(strings(&r.body, &["subtotal", "discount_amount", "tax_amount", "total"]),
                   vec!["1320.00", "132.00", "232.85", "1420.85"]);
        assert_eq!(r.header("etag").as_deref(), Some("\"2\""));
        let stale = app.call_with(Method::PUT, &format!("/api/v1/orders/{id}/items"), &app.rep.token,
            Some(json!({"items": []})), &[("if-match", "\"1\"")]).await;
        stale.problem(StatusCode::PRECONDITION_FAILED);
        // A tax rate change adds up again too.
        let r = app.patch(&format!("/api/v1/orders/{id}"), &app.rep.token, json!({"tax_rate": "0"}), Some("\"2\"")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["total"], "1188.00");
        // Sorting by total is by amount on both engines (text would put 199.98 after 1188).
        order(&app, &app.rep.token, json!({"items": [{"product_id": cat.listed, "quantity": 2}]})).await;
        let sorted = app.get("/api/v1/orders?sort=total&limit=1", &app.rep.token).await;
        assert_eq!(sorted.body["data"][0]["total"], "199.98", "{}", sorted.body);
        let cursor = sorted.body["next_cursor"].as_str().expect("a second page").to_owned();
        let next = app.get(&format!("/api/v1/orders?sort=total&limit=1&cursor={cursor}"), &app.rep.token).await;
        assert_eq!(next.body["data"][0]["total"], "1188.00", "{}", next.body);
    }

    async fn bad_lines_and_prices_are_refused_by_name(db) {
        let app = App::start(db).await;
        let cat = catalogue(&app).await;
        // A price set by hand: a rep may not.
        let r = app.post("/api/v1/orders", &app.rep.token, json!({"items": [
            {"product_id": cat.listed, "quantity": 1, "unit_price": "50"}]})).await;
        let r = r.problem(StatusCode::FORBIDDEN);
        assert_eq!(r.field_errors(), vec![("items[0].unit_price".to_owned(), "forbidden".to_owned())]);
        let r = app.post("/api/v1/orders", &app.rep.token, json!({"items": [
            {"product_id": cat.listed, "quantity": 1}, {"product_id": cat.listed, "quantity": 1, "discount_percentage": "5"}]})).await;
        assert_eq!(r.problem(StatusCode::FORBIDDEN).field_errors()[0].0, "items[1].discount_percentage");
        // A manager may, and the audit row says so.
        let o = order(&app, &app.manager.token, json!({"items": [
            {"product_id": cat.listed, "quantity": 3, "unit_price": "50.125"}]})).await;
        let item = &o["items"][0];
        assert_eq!(strings(item, &["unit_price", "subtotal", "total"]), vec!["50.125", "150.38", "150.38"]);
        assert_eq!(item["price_overridden"], true);
        let audit = app.audit_of("order", id_of(&o)).await;
        assert_eq!(audit.len(), 1);
        let after = serde_json::to_value(&audit[0]).unwrap()["after"].clone();
        assert_eq!(after["items"][0]["price_overridden"], true, "{after}");
        assert_eq!(after["items"][0]["unit_price"], "50.125");

        // An inactive product, a product in another currency, an unknown duration, a
        // product priced per period without one: each named.
        let inactive = product(&app, "Old", "OLD", Some(("1", "EUR"))).await;
        let r = app.patch(&format!("/api/v1/products/{inactive}"), &app.admin.token, json!({"active": false}), None).await;
        assert_eq!(r.status, StatusCode::OK);
        let dollars = product(&app, "Dollar thing", "USD1", Some(("1", "USD"))).await;
        for (line, field, rule) in [
            (json!({"product_id": inactive, "quantity": 1}), "items[1].product_id", "active"),
            (json!({"product_id": dollars, "quantity": 1}), "items[1].product_id", "currency"),
            (json!({"product_id": cat.listed, "quantity": 1, "duration_id": uuid::Uuid::now_v7()}), "items[1].duration_id", "exists"),
            (json!({"product_id": cat.monthly, "quantity": 1}), "items[1].duration_id", "depends"),
            (json!({"product_id": cat.listed, "quantity": 0}), "items[1].quantity", "range"),
            (json!({"product_id": uuid::Uuid::now_v7(), "quantity": 1}), "items[1].product_id", "exists"),
        ] {
            let body = json!({"items": [{"product_id": cat.listed, "quantity": 1}, line]});
            let r = app.post("/api/v1/orders", &app.admin.token, body).await;
            assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![(field.to_owned(), rule.to_owned())]);
        }
        // No lines and no currency: nothing to take it from.
        let r = app.post("/api/v1/orders", &app.admin.token, json!({})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("currency".to_owned(), "depends".to_owned())]);
        let r = app.post("/api/v1/orders", &app.admin.token, json!({"currency": "EUR", "tax_rate": "100.5", "priority": "asap"})).await;
        let fields: Vec<String> = r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors().into_iter().map(|e| e.0).collect();
        assert_eq!(fields, vec!["priority", "tax_rate"]);
        // Nothing was written by a refused create.
        assert_eq!(app.count("SELECT count(*) FROM orders").await, 1);
        assert_eq!(app.count("SELECT count(*) FROM order_items").await, 1);
    }

    async fn people_by_role_and_data_follow_the_type(db) {
        let app = App::start(db).await;
        exec(&app, "UPDATE order_types SET required_roles = ? WHERE key = 'main'",
             vec![DbValue::Json(json!(["doctor", "patient"]))]).await;
        let schema = json!({"type": "object", "required": ["arch"], "properties": {
            "arch": {"enum": ["upper", "lower", "both"]},
            "teeth": {"type": "array", "items": {"type": "integer", "minimum": 11, "maximum": 48}}}});
        exec(&app, "UPDATE order_types SET data_schema = ? WHERE key = 'refinement'",
             vec![DbValue::Json(schema)]).await;
        let t = &app.rep.token;
        let office = app.account(t, json!({"name": "Smile Office", "kind": "office"})).await;
        let doctor = made(&app, t, "/api/v1/contacts", json!({"first_name": "Dana", "last_name": "Doc"})).await;
        let patient = made(&app, t, "/api/v1/contacts", json!({"first_name": "Pat", "last_name": "Ient"})).await;
        let hidden = made(&app, &app.other_rep.token, "/api/v1/contacts", json!({"first_name": "Not", "last_name": "Mine"})).await;

        let r = app.post("/api/v1/orders", t, json!({"currency": "EUR", "account_id": office["id"],
            "people": [{"role": "doctor", "contact_id": doctor}]})).await;
        let r = r.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("people".to_owned(), "required_roles".to_owned())]);
        assert!(r.body["errors"][0]["message"].as_str().unwrap().contains("patient"));
        let r = app.post("/api/v1/orders", t, json!({"currency": "EUR",
            "people": [{"role": "doctor", "contact_id": doctor}, {"role": "patient", "contact_id": hidden}]})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(),
                   vec![("people[1].contact_id".to_owned(), "exists".to_owned())]);
        let o = order(&app, t, json!({"currency": "EUR", "account_id": office["id"],
            "people": [{"role": "patient", "contact_id": patient}, {"role": "doctor", "contact_id": doctor}]})).await;
        let roles: Vec<&str> = o["people"].as_array().unwrap().iter().map(|p| p["role"].as_str().unwrap()).collect();
        assert_eq!(roles, vec!["doctor", "patient"]);
        // Taking the patient off is refused while the type needs one.
        let r = app.patch(&format!("/api/v1/orders/{}", o["id"].as_str().unwrap()), t,
            json!({"people": [{"role": "doctor", "contact_id": doctor}]}), None).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors()[0].0, "people");

        // The refinement type's schema: each failure names its pointer and keyword.
        let r = app.post("/api/v1/orders", t, json!({"currency": "EUR", "order_type_id": REFINEMENT,
            "data": {"arch": "middle", "teeth": [21, 8]}})).await;
        let mut errors = r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors();
        errors.sort();
        assert_eq!(errors, vec![("data/arch".to_owned(), "enum".to_owned()), ("data/teeth/1".to_owned(), "minimum".to_owned())]);
        let r = app.post("/api/v1/orders", t, json!({"currency": "EUR", "order_type_id": REFINEMENT, "data": {}})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("data".to_owned(), "required".to_owned())]);
        let ok = order(&app, t, json!({"currency": "EUR", "order_type_id": REFINEMENT, "data": {"arch": "upper", "teeth": [21]}})).await;
        let r = app.patch(&format!("/api/v1/orders/{}", ok["id"].as_str().unwrap()), t,
            json!({"data": {"arch": "upper", "teeth": ["x"]}}), None).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("data/teeth/0".to_owned(), "type".to_owned())]);
        // An unknown or inactive type.
        let r = app.post("/api/v1/orders", t, json!({"currency": "EUR", "order_type_id": uuid::Uuid::now_v7()})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors()[0], ("order_type_id".to_owned(), "exists".to_owned()));
        exec(&app, "UPDATE order_types SET active = ? WHERE key = 'replacement'", vec![DbValue::Bool(false)]).await;
        let r = app.post("/api/v1/orders", t, json!({"currency": "EUR", "order_type_id": "01a24dcc-d802-7241-9050-000000000000"})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors()[0], ("order_type_id".to_owned(), "active".to_owned()));
        // Filters by type and state key.
        let list = app.get("/api/v1/orders?type=refinement&state=created,sent", t).await;
        assert_eq!(list.body["data"].as_array().unwrap().len(), 1, "{}", list.body);
        let list = app.get("/api/v1/orders?state=sent", t).await;
        assert_eq!(list.body["data"], json!([]));
    }

    async fn fifty_concurrent_creates_take_fifty_consecutive_numbers(db) {
        let app = App::start(db).await;
        let calls = (0..50).map(|i| {
            let app = &app;
            async move {
                let r = app.post("/api/v1/orders", &app.admin.token, json!({"currency": "EUR", "description": format!("n{i}")})).await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
                r.body["order_number"].as_str().unwrap().to_owned()
            }
        });
        let mut numbers = futures::future::join_all(calls).await;
        numbers.sort();
        let year = chrono::Utc::now().format("%Y").to_string();
        let wanted: Vec<String> = (1..=50).map(|n| format!("ORD-{year}-{n:06}")).collect();
        assert_eq!(numbers, wanted);
        // A number given by hand is kept, and the counter steps over it.
        let given = format!("ORD-{year}-000051");
        let o = order(&app, &app.admin.token, json!({"currency": "EUR", "order_number": given})).await;
        assert_eq!(o["order_number"], given.as_str());
        let next = order(&app, &app.admin.token, json!({"currency": "EUR"})).await;
        assert_eq!(next["order_number"], format!("ORD-{year}-000052"));
        let r = app.post("/api/v1/orders", &app.admin.token, json!({"currency": "EUR", "order_number": given})).await;
        assert_eq!(r.problem(StatusCode::CONFLICT).field_errors()[0].0, "order_number");
        let r = app.patch(&format!("/api/v1/orders/{}", o["id"].as_str().unwrap()), &app.admin.token, json!({"order_number": "X"}), None).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors()[0], ("order_number".to_owned(), "fixed".to_owned()));
        // The same Idempotency-Key replays the same order.
        let mut replies = Vec::new();
        for _ in 0..2 {
            replies.push(app.call_with(Method::POST, "/api/v1/orders", &app.admin.token,
                Some(json!({"currency": "EUR"})), &[("idempotency-key", "k-1")]).await);
        }
        let (a, b) = (&replies[0], &replies[1]);
        assert_eq!((a.status, b.status), (StatusCode::CREATED, StatusCode::CREATED));
        assert_eq!(a.body["order_number"], b.body["order_number"]);
        assert_eq!(app.count("SELECT count(*) FROM orders").await, 53);
    }

    async fn partners_distributors_and_fulfillers_see_their_own(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let own = app.account(a, json!({"name": "Own Partner", "kind": "partner"})).await;
        let other = app.account(a, json!({"name": "Other Partner", "kind": "partner"})).await;
        let dist_org = app.account(a, json!({"name": "Dist", "kind": "distributor"})).await;
        created(&app, a, &format!("/api/v1/distributors/{}/partners", dist_org["id"].as_str().unwrap()),
                json!({"partner_id": own["id"]})).await;
        let partner = make_user(&app.store, Role::Partner, "p@example.com", Some(id_of(&own))).await;
        let outsider = make_user(&app.store, Role::Partner, "q@example.com", Some(id_of(&other))).await;
        let distributor = make_user(&app.store, Role::Distributor, "d@example.com", Some(id_of(&dist_org))).await;
        let fulfiller = make_user(&app.store, Role::Fulfiller, "f@example.com", None).await;

        // A partner's order is its organisation's; naming another is refused. Its line has
        // a duration, so that fulfilling it opens its contract.
        let listed = product(&app, "Listed", "LST", Some(("10", "EUR"))).await;
        let term = duration(&app, 6, "0").await;
        let mine = order(&app, &partner.token, json!({"currency": "EUR",
            "items": [{"product_id": listed, "quantity": 1, "duration_id": term}]})).await;
        assert_eq!(mine["partner_id"], own["id"]);
        let r = app.post("/api/v1/orders", &partner.token, json!({"currency": "EUR", "partner_id": other["id"]})).await;
        assert_eq!(r.problem(StatusCode::FORBIDDEN).field_errors()[0].0, "partner_id");
        let theirs = order(&app, a, json!({"currency": "EUR", "partner_id": other["id"]})).await;
        let internal = order(&app, &app.rep.token, json!({"currency": "EUR"})).await;
        let uri = |o: &Value| format!("/api/v1/orders/{}", o["id"].as_str().unwrap());
        let ids = |r: &Reply| -> Vec<String> {
            let mut v: Vec<String> = r.body["data"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect();
            v.sort();
            v
        };
        let only = |o: &Value| vec![o["id"].as_str().unwrap().to_owned()];
        assert_eq!(ids(&app.get("/api/v1/orders", &partner.token).await), only(&mine));
        assert_eq!(ids(&app.get("/api/v1/orders", &outsider.token).await), only(&theirs));
        app.get(&uri(&mine), &outsider.token).await.problem(StatusCode::NOT_FOUND);
        app.get(&format!("{}/history", uri(&mine)), &outsider.token).await.problem(StatusCode::NOT_FOUND);
        app.patch(&uri(&mine), &outsider.token, json!({"description": "x"}), None).await.problem(StatusCode::NOT_FOUND);
        // The distributor sees its partner's order, not the other partner's.
        assert_eq!(ids(&app.get("/api/v1/orders", &distributor.token).await), only(&mine));
        assert_eq!(app.get(&uri(&mine), &distributor.token).await.status, StatusCode::OK);
        // A rep sees what they made, not the partner's.
        assert_eq!(ids(&app.get("/api/v1/orders", &app.rep.token).await), only(&internal));
        app.get(&uri(&mine), &app.other_rep.token).await.problem(StatusCode::NOT_FOUND);
        // Partners may not export.
        app.get("/api/v1/orders?format=csv", &partner.token).await.problem(StatusCode::FORBIDDEN);

        // Fulfillers see orders in a fulfilment state only, and may only move them.
        assert_eq!(ids(&app.get("/api/v1/orders", &fulfiller.token).await), Vec::<String>::new());
        app.get(&uri(&mine), &fulfiller.token).await.problem(StatusCode::NOT_FOUND);
        for to in ["sent", "in_fulfillment"] {
            let r = app.post(&format!("{}/transitions", uri(&mine)), &partner.token, json!({"to": to})).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        assert_eq!(ids(&app.get("/api/v1/orders?state=in_fulfillment", &fulfiller.token).await), only(&mine));
        app.patch(&uri(&mine), &fulfiller.token, json!({"description": "x"}), None).await.problem(StatusCode::FORBIDDEN);
        let r = app.call_with(Method::PUT, &format!("{}/items", uri(&mine)), &fulfiller.token, Some(json!({"items": []})), &[]).await;
        r.problem(StatusCode::FORBIDDEN);
        app.post("/api/v1/orders", &fulfiller.token, json!({"currency": "EUR"})).await.problem(StatusCode::FORBIDDEN);
        app.post("/api/v1/orders", &app.viewer.token, json!({"currency": "EUR"})).await.problem(StatusCode::FORBIDDEN);
        let r = app.post(&format!("{}/transitions", uri(&mine)), &fulfiller.token, json!({"to": "fulfilled", "reason": "shipped"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body["fulfilled_at"].is_string());
        // Out of fulfilment, out of the fulfiller's sight.
        app.get(&uri(&mine), &fulfiller.token).await.problem(StatusCode::NOT_FOUND);
        app.post(&format!("{}/transitions", uri(&internal)), &app.viewer.token, json!({"to": "sent"})).await.problem(StatusCode::FORBIDDEN);
    }

    async fn orders_follow_the_records_they_name_away(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let cat = catalogue(&app).await;
        let dup = app.account(a, json!({"name": "Dup Clinic"})).await;
        let survivor = app.account(a, json!({"name": "Main Clinic"})).await;
        let doomed = app.account(a, json!({"name": "Doomed Clinic"})).await;
        let lead = made(&app, a, "/api/v1/leads", json!({"title": "Deal"})).await;
        let doctor = made(&app, a, "/api/v1/contacts", json!({"first_name": "Dr", "last_name": "Gone"})).await;
        let on_dup = order(&app, a, json!({"currency": "EUR", "account_id": dup["id"], "lead_id": lead,
            "people": [{"role": "doctor", "contact_id": doctor}],
            "items": [{"product_id": cat.listed, "quantity": 1}]})).await;
        let on_doomed = order(&app, a, json!({"currency": "EUR", "account_id": doomed["id"]})).await;
        let uri = |o: &Value| format!("/api/v1/orders/{}", o["id"].as_str().unwrap());

        let r = app.post(&format!("/api/v1/accounts/{}/merge", survivor["id"].as_str().unwrap()), a,
            json!({"ids": [dup["id"]]})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let got = app.get(&uri(&on_dup), a).await.body;
        assert_eq!((got["account_id"].clone(), got["version"].clone()), (survivor["id"].clone(), json!(2)));
        let r = app.call(Method::DELETE, &format!("/api/v1/accounts/{}", doomed["id"].as_str().unwrap()), a, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(app.get(&uri(&on_doomed), a).await.body["account_id"], Value::Null);
        // A lead, a person and a product deleted: the order keeps going without them,
        // its line keeping the product's snapshot; each change is audited.
        for path in [format!("/api/v1/leads/{lead}"), format!("/api/v1/contacts/{doctor}"), format!("/api/v1/products/{}", cat.listed)] {
            let r = app.call(Method::DELETE, &path, a, None).await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{path}: {}", r.body);
        }
        let got = app.get(&uri(&on_dup), a).await.body;
        assert_eq!((got["lead_id"].clone(), got["people"].clone()), (Value::Null, json!([])));
        let item = &got["items"][0];
        assert_eq!((item["product_id"].clone(), item["product_name"].as_str(), item["total"].as_str()),
                   (Value::Null, Some("Scanner"), Some("99.99")));
        assert_eq!(got["version"], 5);
        let audit = app.audit_of("order", id_of(&on_dup)).await;
        assert_eq!(audit.len(), 5, "create, merge, lead, person, product");

        // An order is deleted by admins only, with its lines.
        app.call(Method::DELETE, &uri(&on_dup), &app.manager.token, None).await.problem(StatusCode::FORBIDDEN);
        let r = app.call(Method::DELETE, &uri(&on_dup), a, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(app.count("SELECT count(*) FROM order_items").await, 0);
        app.get(&uri(&on_dup), a).await.problem(StatusCode::NOT_FOUND);

        // The export: one row per order, with its figures.
        let r = app.get("/api/v1/orders?format=csv", a).await;
        assert_eq!(r.status, StatusCode::OK);
        let text = String::from_utf8(r.raw).unwrap();
        let header = text.lines().next().unwrap();
        assert!(header.starts_with("id,order_number,order_type_id,state_id"), "{header}");
        assert!(header.contains(",total,") && !header.contains("items"), "{header}");
        assert_eq!(text.lines().count(), 2, "{text}");
    }
}
