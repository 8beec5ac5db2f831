//! Contracts through the real router, on both engines: hand-made creates, the list and
//! `expiring_within`, status moves with their history, bad moves, the expiry sweep (two
//! at once), the dashboard's exact figures, scope, account merges and deletes, exports.

use axum::http::{Method, StatusCode};
use chrono::{Days, NaiveDate, Utc};
use rapport_db::both_engines;
use rapport_domain::Role;
use serde_json::{json, Value};

#[allow(unused_imports)]
use super::support::*;

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// `today` moved by `days` (negative: before).
pub fn day(days: i64) -> String {
    let t = today();
    let d = if days >= 0 {
        t.checked_add_days(Days::new(days as u64))
    } else {
        t.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    d.expect("date").to_string()
}

/// A contract made by hand as the admin, active from a year before its last day.
pub async fn contract(app: &App, expires_in: i64, value: &str, extra: Value) -> Value {
    let mut body = json!({"activation_date": day(expires_in - 365), "expiration_date": day(expires_in),
                          "total_value": value, "currency": "EUR"});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    created(app, &app.admin.token, "/api/v1/contracts", body).await
}

fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|k| k["id"].as_str().expect("id").to_owned())
        .collect()
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

async fn history(app: &App, k: &str) -> Vec<(Value, Value)> {
    let r = app
        .get(&format!("/api/v1/contracts/{k}/history"), &app.admin.token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["from_status"].clone(), h["to_status"].clone()))
        .collect()
}

async fn listed(app: &App, q: &str) -> Reply {
    app.get(&format!("/api/v1/contracts?{q}"), &app.admin.token)
        .await
}

async fn status(app: &App, token: &str, k: &str, body: Value) -> Reply {
    app.post(&format!("/api/v1/contracts/{k}/status"), token, body)
        .await
}

/// The ids of the contracts `token` lists, sorted.
async fn seen_by(app: &App, token: String) -> Vec<String> {
    let mut v = ids(&app.get("/api/v1/contracts?limit=500", &token).await.body);
    v.sort();
    v
}

both_engines! {
    async fn hand_made_contracts_are_numbered_listed_and_found_expiring(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let partner = app.account(t, json!({"name": "Partner P", "kind": "partner"})).await;
        let soon = contract(&app, 10, "100.25", json!({"partner_id": partner["id"], "billing_invoices": ["F-1", "F-2"]})).await;
        let mid = contract(&app, 45, "9.5", json!({})).await;
        let late = contract(&app, 80, "10", json!({"legacy_id": "OLD-7"})).await;
        let far = contract(&app, 200, "1234.5678", json!({"contract_number": "IMPORTED-1"})).await;
        let year = today().format("%Y").to_string();
        assert_eq!(soon["contract_number"], format!("CTR-{year}-000001"));
        assert_eq!(mid["contract_number"], format!("CTR-{year}-000002"));
        assert_eq!(far["contract_number"], "IMPORTED-1");
        assert_eq!(soon["status"], "active");
        assert_eq!(soon["total_value"], "100.25");
        assert_eq!(mid["total_value"], "9.50");
        assert_eq!(far["total_value"], "1234.5678");
        assert_eq!(soon["billing_invoices"], json!(["F-1", "F-2"]));
        assert_eq!(history(&app, &id(&soon)).await, vec![(Value::Null, json!("active"))]);
        let audit = app.audit_of("contract", id_of(&soon)).await;
        assert_eq!(audit.len(), 1);

        // expiring_within: active contracts whose last day is at most n days away.
        let list = |q: &'static str| listed(&app, q);
        assert_eq!(ids(&list("expiring_within=30d").await.body), vec![id(&soon)]);
        let r = list("expiring_within=60d&sort=expiration_date").await;
        assert_eq!(ids(&r.body), vec![id(&soon), id(&mid)]);
        let r = list("expiring_within=90d&sort=expiration_date&count=true").await;
        assert_eq!(ids(&r.body), vec![id(&soon), id(&mid), id(&late)]);
        assert_eq!(r.body["total"], 3);
        for bad in ["30", "d", "-1d", "30days", "999999d", "1.5d"] {
            let r = app.get(&format!("/api/v1/contracts?expiring_within={bad}"), t).await.problem(StatusCode::BAD_REQUEST);
            assert_eq!(r.field_errors(), vec![("expiring_within".to_owned(), "days".to_owned())], "{bad}");
        }
        // Filters and ranges.
        list("partner_id=").await.problem(StatusCode::BAD_REQUEST);
        let p = format!("/api/v1/contracts?partner_id={}", id(&partner));
        assert_eq!(ids(&app.get(&p, t).await.body), vec![id(&soon)]);
        assert_eq!(ids(&list("legacy_id=OLD-7").await.body), vec![id(&late)]);
        let r = app.get(&format!("/api/v1/contracts?expiration_date_after={}&sort=expiration_date", day(50)), t).await;
        assert_eq!(ids(&r.body), vec![id(&late), id(&far)]);
        assert_eq!(ids(&list("status=expired").await.body).len(), 0);
        list("status=gone").await.problem(StatusCode::BAD_REQUEST);
        // Sorted by value as numbers, not as text, page after page.
        let mut seen = Vec::new();
        let mut uri = "/api/v1/contracts?sort=total_value&limit=1".to_owned();
        loop {
            let r = app.get(&uri, t).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            seen.extend(r.body["data"].as_array().unwrap().iter().map(|k| k["total_value"].as_str().unwrap().to_owned()));
            match r.body["next_cursor"].as_str() {
                Some(c) => uri = format!("/api/v1/contracts?sort=total_value&limit=1&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(seen, ["9.50", "10.00", "100.25", "1234.5678"]);
        let r = list("sort=-total_value").await;
        assert_eq!(ids(&r.body)[0], id(&far));

        // Bad creates: nothing written.
        let before = app.count("SELECT count(*) FROM contracts").await;
        let r = app.post("/api/v1/contracts", t, json!({"activation_date": day(0), "expiration_date": day(-1), "total_value": "1", "currency": "EUR"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("expiration_date".to_owned(), "after".to_owned())]);
        let r = app.post("/api/v1/contracts", t, json!({"activation_date": day(0), "expiration_date": day(1), "total_value": 12.5, "currency": "EUR"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors()[0].0, "total_value");
        let r = app.post("/api/v1/contracts", t, json!({"activation_date": day(0), "expiration_date": day(1), "total_value": "1", "currency": "EUR", "contract_number": "IMPORTED-1"})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["errors"][0]["field"], "contract_number");
        let r = app.post("/api/v1/contracts", t, json!({"activation_date": day(0), "expiration_date": day(1), "total_value": "1", "currency": "EUR", "partner_id": mid["id"]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors()[0].0, "partner_id");
        let customer = app.account(t, json!({"name": "Not a partner"})).await;
        let r = app.post("/api/v1/contracts", t, json!({"activation_date": day(0), "expiration_date": day(1), "total_value": "1", "currency": "EUR", "partner_id": customer["id"]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("partner_id".to_owned(), "kind".to_owned())]);
        for token in [&app.manager.token, &app.rep.token, &app.viewer.token] {
            app.post("/api/v1/contracts", token, json!({"activation_date": day(0), "expiration_date": day(1), "total_value": "1", "currency": "EUR"})).await.problem(StatusCode::FORBIDDEN);
        }
        assert_eq!(app.count("SELECT count(*) FROM contracts").await, before);
        // The restricted admin makes them too, numbered on.
        let r = app.post("/api/v1/contracts", &app.restricted_admin.token, json!({"activation_date": day(0), "expiration_date": day(1), "total_value": "1", "currency": "EUR"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.body["contract_number"], format!("CTR-{year}-000004"));

        // CSV: internal users export their list, partners may not.
        let r = app.get("/api/v1/contracts?format=csv&sort=total_value", t).await;
        assert_eq!(r.status, StatusCode::OK);
        let text = String::from_utf8(r.raw).unwrap();
        assert!(text.starts_with("id,contract_number,order_id,status,"), "{text}");
        assert!(text.contains("1234.5678") && text.contains("F-1;F-2"), "{text}");
        let org = app.account(t, json!({"name": "Partner Q", "kind": "partner"})).await;
        let pu = make_user(&app.store, Role::Partner, "pq@example.com", Some(id_of(&org))).await;
        app.get("/api/v1/contracts?format=csv", &pu.token).await.problem(StatusCode::FORBIDDEN);
    }

    async fn status_moves_are_written_to_the_history_and_bad_ones_refused(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let acct = app.account(&app.rep.token, json!({"name": "Rep's customer"})).await;
        let lost = contract(&app, 100, "500", json!({"account_id": acct["id"]})).await;
        let cancelled = contract(&app, 100, "600", json!({})).await;
        let k = id(&lost);

        // Billing side: If-Match, fixed fields refused, owner rules.
        let uri = format!("/api/v1/contracts/{k}");
        app.patch(&uri, t, json!({"notes_internal": "x"}), Some("\"7\"")).await.problem(StatusCode::PRECONDITION_FAILED);
        let r = app.patch(&uri, t, json!({"total_value": "1", "activation_date": day(0)}), None).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("activation_date".to_owned(), "immutable".to_owned()), ("total_value".to_owned(), "immutable".to_owned())]);
        let r = app.patch(&uri, &app.manager.token, json!({"billing_provider": "pennylane", "billing_invoices": ["INV-9"], "owner_id": app.rep.user.id}), Some("\"1\"")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.header("etag").as_deref(), Some("\"2\""));
        assert_eq!(r.body["billing_provider"], "pennylane");
        app.patch(&uri, &app.rep.token, json!({"notes_internal": "mine"}), None).await.problem(StatusCode::FORBIDDEN);
        app.patch(&uri, &app.viewer.token, json!({"notes_internal": "mine"}), None).await.problem(StatusCode::FORBIDDEN);

        // Moves: the rep on a contract of their account; bad statuses are 422.
        for bad in [json!({"status": "expired"}), json!({"status": "active"}), json!({}), json!({"status": "lost", "extra": 1})] {
            let r = status(&app, t, &k, bad.clone()).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.field_errors().iter().any(|(f, _)| f == "status" || f == "extra"), "{bad}: {}", r.body);
        }
        status(&app, &app.viewer.token, &k, json!({"status": "lost"})).await.problem(StatusCode::FORBIDDEN);
        status(&app, &app.other_rep.token, &k, json!({"status": "lost"})).await.problem(StatusCode::NOT_FOUND);
        let r = app.call_with(Method::POST, &format!("/api/v1/contracts/{k}/status"), &app.rep.token,
            Some(json!({"status": "lost", "reason": "went to a competitor"})), &[("if-match", "\"1\"")]).await;
        assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
        let r = status(&app, &app.rep.token, &k, json!({"status": "lost", "reason": "went to a competitor"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["status"], "lost");
        assert!(r.body["cancelled_at"].is_null());
        // Only an active contract moves: 409 naming status, nothing written.
        let r = status(&app, t, &k, json!({"status": "cancelled"})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["errors"][0]["field"], "status", "{}", r.body);
        let h = app.get(&format!("/api/v1/contracts/{k}/history"), t).await.body;
        let rows = h["data"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((&rows[1]["from_status"], &rows[1]["to_status"]), (&json!("active"), &json!("lost")));
        assert_eq!(rows[1]["reason"], "went to a competitor");
        assert_eq!(rows[1]["changed_by"], json!(app.rep.user.id));

        let r = status(&app, &app.manager.token, &id(&cancelled), json!({"status": "cancelled"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body["cancelled_at"].is_string());
        for s in ["upgraded", "downgraded", "lost"] {
            status(&app, t, &id(&cancelled), json!({"status": s})).await.problem(StatusCode::CONFLICT);
        }
        assert_eq!(history(&app, &id(&cancelled)).await.len(), 2);
        // Each move is audited with the contract before and after.
        let audit = app.audit_of("contract", id_of(&lost)).await;
        assert_eq!(audit.len(), 3, "create, patch, move");
        app.get("/api/v1/contracts/00000000-0000-7000-8000-000000000000/history", t).await.problem(StatusCode::NOT_FOUND);
    }

    async fn the_expiry_sweep_expires_each_contract_once(db) {
        let app = App::start(db).await;
        let past: Vec<String> = {
            let mut v = Vec::new();
            for n in 1..=5 {
                v.push(id(&contract(&app, -n, "10", json!({})).await));
            }
            v
        };
        let last_day_today = id(&contract(&app, 0, "10", json!({})).await);
        let lost = id(&contract(&app, -3, "10", json!({})).await);
        let r = status(&app, &app.admin.token, &lost, json!({"status": "lost"})).await;
        assert_eq!(r.status, StatusCode::OK);
        // Two sweeps at once, as two nodes would run them: each contract expires once.
        let other = app.another_node().await;
        let (a, b) = tokio::join!(
            rapport_store::contracts::expiry::sweep(&app.store, today()),
            rapport_store::contracts::expiry::sweep(&other.store, today()),
        );
        assert_eq!(a.expect("sweep") + b.expect("sweep"), 5);
        drop(other);
        for k in &past {
            let r = app.get(&format!("/api/v1/contracts/{k}"), &app.admin.token).await;
            assert_eq!(r.body["status"], "expired");
            assert_eq!(history(&app, k).await, vec![(Value::Null, json!("active")), (json!("active"), json!("expired"))]);
            let h = app.get(&format!("/api/v1/contracts/{k}/history"), &app.admin.token).await.body;
            assert!(h["data"][1]["changed_by"].is_null(), "the job acts as nobody");
        }
        assert_eq!(app.count("SELECT count(*) FROM contract_status_history WHERE to_status = 'expired'").await, 5);
        let r = app.get(&format!("/api/v1/contracts/{last_day_today}"), &app.admin.token).await;
        assert_eq!(r.body["status"], "active", "its last day is today");
        let r = app.get(&format!("/api/v1/contracts/{lost}"), &app.admin.token).await;
        assert_eq!(r.body["status"], "lost");
        // Idempotent, and the daily runner runs once a day.
        assert_eq!(rapport_store::contracts::expiry::sweep(&app.store, today()).await.expect("sweep"), 0);
        let mut daily = rapport_jobs::Daily::default();
        let tomorrow = today().checked_add_days(Days::new(1)).unwrap();
        assert_eq!(daily.run(&app.store, tomorrow).await.expect("daily"), 1);
        let another = id(&contract(&app, -1, "10", json!({})).await);
        assert_eq!(daily.run(&app.store, tomorrow).await.expect("daily"), 0, "once a day");
        let r = app.get(&format!("/api/v1/contracts/{another}"), &app.admin.token).await;
        assert_eq!(r.body["status"], "active");
        let audit = app.audit_of("contract", past[0].parse().unwrap()).await;
        assert_eq!(audit.len(), 2, "create, expire");
    }

    async fn the_dashboard_adds_up_exactly(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let partner = app.account(t, json!({"name": "Partner D", "kind": "partner"})).await;
        let pid = json!(partner["id"]);
        // Active: three in EUR (one the partner's), one in USD, one in JPY.
        let a1 = contract(&app, 20, "0.10", json!({"partner_id": pid})).await;
        contract(&app, 50, "0.20", json!({})).await;
        contract(&app, 85, "1000000.0001", json!({})).await;
        let usd = json!({"activation_date": day(-10), "expiration_date": day(400), "total_value": "99.99", "currency": "USD"});
        created(&app, t, "/api/v1/contracts", usd).await;
        let jpy = json!({"activation_date": day(-10), "expiration_date": day(25), "total_value": "5000", "currency": "JPY"});
        created(&app, t, "/api/v1/contracts", jpy).await;
        // Renewals: `renewal` renews `old` (which then ends cancelled: not churn).
        let old = contract(&app, 30, "70", json!({})).await;
        let renewal = created(&app, t, "/api/v1/contracts", json!({"activation_date": day(0), "expiration_date": day(365),
            "total_value": "80.05", "currency": "EUR", "renewed_from_id": old["id"]})).await;
        let r = app.post("/api/v1/contracts", t, json!({"activation_date": day(0), "expiration_date": day(365),
            "total_value": "1", "currency": "EUR", "renewed_from_id": old["id"]})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["errors"][0]["field"], "renewed_from_id");
        assert_eq!(status(&app, t, &id(&old), json!({"status": "cancelled"})).await.status, StatusCode::OK);
        // Churn: one lost, one expired by the job, one upgraded (not churn).
        let lost = contract(&app, 100, "300.33", json!({"partner_id": pid})).await;
        assert_eq!(status(&app, t, &id(&lost), json!({"status": "lost"})).await.status, StatusCode::OK);
        contract(&app, -2, "12.34", json!({})).await;
        assert_eq!(rapport_store::contracts::expiry::sweep(&app.store, today()).await.unwrap(), 1);
        let up = contract(&app, 100, "5", json!({})).await;
        assert_eq!(status(&app, t, &id(&up), json!({"status": "upgraded"})).await.status, StatusCode::OK);

        let q = format!("/api/v1/dashboards/contracts?from={}&to={}", day(-30), day(1));
        let r = app.get(&q, t).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let d = r.body;
        assert_eq!(d["today"], today().to_string());
        assert_eq!(d["active"], json!({"count": 6, "by_currency": [
            {"currency": "EUR", "count": 4, "value": "1000080.3501"},
            {"currency": "JPY", "count": 1, "value": "5000"},
            {"currency": "USD", "count": 1, "value": "99.99"}]}));
        let exp = d["expiring"].as_array().unwrap();
        assert_eq!(exp.len(), 3);
        assert_eq!((exp[0]["within_days"].clone(), exp[0]["until"].clone()), (json!(30), json!(day(30))));
        assert_eq!(exp[0]["count"], 2);
        assert_eq!(exp[0]["by_currency"], json!([{"currency": "EUR", "count": 1, "value": "0.10"}, {"currency": "JPY", "count": 1, "value": "5000"}]));
        assert_eq!(exp[1]["by_currency"][0], json!({"currency": "EUR", "count": 2, "value": "0.30"}));
        assert_eq!(exp[2]["by_currency"][0], json!({"currency": "EUR", "count": 3, "value": "1000000.3001"}));
        assert_eq!(d["renewals"], json!({"count": 1, "by_currency": [{"currency": "EUR", "count": 1, "value": "80.05"}]}));
        assert_eq!(d["churn"], json!({"count": 2, "by_currency": [{"currency": "EUR", "count": 2, "value": "312.67"}],
            "expired": 1, "lost": 1, "cancelled": 0}));
        // The list says the same as the dashboard's horizons.
        let r = app.get("/api/v1/contracts?expiring_within=90d&count=true", t).await;
        assert_eq!(r.body["total"], exp[2]["count"]);
        // A period before any of it: renewals and churn empty, today's figures the same.
        let r = app.get("/api/v1/dashboards/contracts?from=2001-01-01&to=2002-01-01", t).await;
        assert_eq!(r.body["renewals"]["count"], 0);
        assert_eq!(r.body["churn"]["count"], 0);
        assert_eq!(r.body["active"], d["active"]);
        // The partner's dashboard holds only the partner's contracts.
        let pu = make_user(&app.store, Role::Partner, "pd@example.com", Some(id_of(&partner))).await;
        let r = app.get(&q, &pu.token).await;
        assert_eq!(r.body["active"], json!({"count": 1, "by_currency": [{"currency": "EUR", "count": 1, "value": "0.10"}]}));
        assert_eq!(r.body["churn"]["by_currency"], json!([{"currency": "EUR", "count": 1, "value": "300.33"}]));
        assert_eq!(r.body["renewals"]["count"], 0);
        let _ = (a1, renewal);
        // Fulfillers see no contracts: every figure is zero.
        let f = make_user(&app.store, Role::Fulfiller, "fd@example.com", None).await;
        let r = app.get(&q, &f.token).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body["active"]["count"], 0);
        assert_eq!(r.body["churn"]["count"], 0);
        // Bad parameters are named.
        for (bad, field) in [("from=2026-13-01", "from"), ("from=2026-02-01&to=2026-01-01", "to"), ("interval=month", "interval")] {
            let r = app.get(&format!("/api/v1/dashboards/contracts?{bad}"), t).await.problem(StatusCode::BAD_REQUEST);
            assert_eq!(r.field_errors()[0].0, field, "{bad}");
        }
    }

    async fn partners_see_their_own_and_fulfillers_none(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let p1 = app.account(t, json!({"name": "Partner One", "kind": "partner"})).await;
        let p2 = app.account(t, json!({"name": "Partner Two", "kind": "partner"})).await;
        let dist = app.account(t, json!({"name": "Distributor", "kind": "distributor"})).await;
        created(&app, t, &format!("/api/v1/distributors/{}/partners", id(&dist)), json!({"partner_id": p1["id"]})).await;
        let mine = contract(&app, 100, "1", json!({"partner_id": p1["id"]})).await;
        let on_me = contract(&app, 100, "2", json!({"account_id": p1["id"]})).await;
        let theirs = contract(&app, 100, "3", json!({"partner_id": p2["id"]})).await;
        let rep_acct = app.account(&app.rep.token, json!({"name": "Rep account"})).await;
        let reps = contract(&app, 100, "4", json!({"account_id": rep_acct["id"]})).await;
        let owned = contract(&app, 100, "5", json!({"owner_id": app.rep.user.id})).await;
        let u1 = make_user(&app.store, Role::Partner, "p1@example.com", Some(id_of(&p1))).await;
        let du = make_user(&app.store, Role::Distributor, "d@example.com", Some(id_of(&dist))).await;
        let fu = make_user(&app.store, Role::Fulfiller, "f@example.com", None).await;

        let sorted = |mut v: Vec<String>| { v.sort(); v };
        let seen = |token: String| seen_by(&app, token);
        assert_eq!(seen(u1.token.clone()).await, sorted(vec![id(&mine), id(&on_me)]));
        assert_eq!(seen(du.token.clone()).await, sorted(vec![id(&mine), id(&on_me)]));
        assert_eq!(seen(app.rep.token.clone()).await, sorted(vec![id(&reps), id(&owned)]));
        assert_eq!(seen(fu.token.clone()).await, Vec::<String>::new());
        assert_eq!(seen(app.viewer.token.clone()).await.len(), 5);
        for path in ["", "/history", "/chain"] {
            app.get(&format!("/api/v1/contracts/{}{path}", id(&theirs)), &u1.token).await.problem(StatusCode::NOT_FOUND);
            app.get(&format!("/api/v1/contracts/{}{path}", id(&mine)), &fu.token).await.problem(StatusCode::NOT_FOUND);
            let r = app.get(&format!("/api/v1/contracts/{}{path}", id(&mine)), &u1.token).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        }
        // Partners read; they do not end or change contracts.
        status(&app, &u1.token, &id(&mine), json!({"status": "lost"})).await.problem(StatusCode::FORBIDDEN);
        app.patch(&format!("/api/v1/contracts/{}", id(&mine)), &u1.token, json!({"notes_internal": "x"}), None).await.problem(StatusCode::FORBIDDEN);
        status(&app, &u1.token, &id(&theirs), json!({"status": "lost"})).await.problem(StatusCode::NOT_FOUND);
        // Deactivating the link hides the partner's contracts from the distributor.
        let r = app.post(&format!("/api/v1/distributors/{}/partners/{}/deactivate", id(&dist), id(&p1)), t, json!({})).await;
        assert!(r.status.is_success(), "{}", r.body);
        assert_eq!(seen(du.token.clone()).await, Vec::<String>::new());
    }

    async fn the_chain_runs_oldest_first_and_follows_merges_and_deletes(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let a = app.account(t, json!({"name": "Keeps"})).await;
        let b = app.account(t, json!({"name": "Merged away"})).await;
        let gone = app.account(t, json!({"name": "Deleted"})).await;
        let first = contract(&app, -300, "1", json!({"account_id": b["id"]})).await;
        let second = created(&app, t, "/api/v1/contracts", json!({"activation_date": day(-300), "expiration_date": day(65),
            "total_value": "2", "currency": "EUR", "renewed_from_id": first["id"], "account_id": b["id"]})).await;
        let third = created(&app, t, "/api/v1/contracts", json!({"activation_date": day(65), "expiration_date": day(430),
            "total_value": "3", "currency": "EUR", "renewed_from_id": second["id"], "account_id": gone["id"]})).await;
        let want = vec![id(&first), id(&second), id(&third)];
        for k in &want {
            let r = app.get(&format!("/api/v1/contracts/{k}/chain"), t).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            assert_eq!(ids(&r.body), want);
            assert!(r.body["next_cursor"].is_null());
        }
        let lone = contract(&app, 10, "4", json!({})).await;
        assert_eq!(ids(&app.get(&format!("/api/v1/contracts/{}/chain", id(&lone)), t).await.body), vec![id(&lone)]);
        let r = app.get(&format!("/api/v1/contracts?renewed_from_id={}", id(&first)), t).await;
        assert_eq!(ids(&r.body), vec![id(&second)]);

        // A merge moves the contracts to the survivor; a delete leaves them without it.
        let r = app.post(&format!("/api/v1/accounts/{}/merge", id(&a)), t, json!({"ids": [b["id"]]})).await;
        assert!(r.status.is_success(), "{}", r.body);
        for k in [&first, &second] {
            let r = app.get(&format!("/api/v1/contracts/{}", id(k)), t).await;
            assert_eq!(r.body["account_id"], a["id"]);
        }
        let r = app.call(Method::DELETE, &format!("/api/v1/accounts/{}", id(&gone)), t, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let r = app.get(&format!("/api/v1/contracts/{}", id(&third)), t).await;
        assert!(r.body["account_id"].is_null());
        assert_eq!(r.body["version"], 2);
        let audit = app.audit_of("contract", id_of(&third)).await;
        assert_eq!(audit.len(), 2, "create, account gone");
    }
}

/// Moves `order` through `states` as `token`, asserting each move.
async fn walk(app: &App, token: &str, order: &str, states: &[&str]) -> Value {
    let mut last = Value::Null;
    for to in states {
        let r = app
            .post(
                &format!("/api/v1/orders/{order}/transitions"),
                token,
                json!({"to": to}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "to {to}: {}", r.body);
        last = r.body;
    }
    last
}

/// The contracts opened by `order`, as the admin lists them.
async fn of_order(app: &App, order: &str) -> Vec<Value> {
    let r = app
        .get(
            &format!("/api/v1/contracts?order_id={order}"),
            &app.admin.token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["data"].as_array().cloned().unwrap_or_default()
}

const TO_FULFILLED: [&str; 3] = ["sent", "in_fulfillment", "fulfilled"];

both_engines! {
    async fn fulfilling_an_order_opens_its_contract_in_the_same_transaction(db) {
        let app = App::start(db).await;
        let cat = crate::orders::catalogue(&app).await;
        let t = app.rep.token.clone();
        let acct = app.account(&t, json!({"name": "Fulfilled customer"})).await;
        let partner = app.account(&app.admin.token, json!({"name": "Fulfilling partner", "kind": "partner"})).await;
        // Three lines: 12 months, 24 months, and a list-priced one without a duration.
        let o = crate::orders::order(&app, &app.admin.token, json!({"account_id": acct["id"], "partner_id": partner["id"],
            "owner_id": app.rep.user.id, "billing_provider": "pennylane", "items": [
                {"product_id": cat.monthly, "quantity": 2, "duration_id": cat.year},
                {"product_id": cat.both, "quantity": 1, "duration_id": cat.two_years},
                {"product_id": cat.listed, "quantity": 1}]})).await;
        let oid = id(&o);

        // An order whose lines carry no duration cannot be fulfilled: 409 on items, and
        // neither the move nor a contract is written.
        let bare = crate::orders::order(&app, &t, json!({"items": [{"product_id": cat.listed, "quantity": 1}]})).await;
        walk(&app, &t, &id(&bare), &["sent", "in_fulfillment"]).await;
        let history = app.count("SELECT count(*) FROM order_state_history").await;
        let r = app.post(&format!("/api/v1/orders/{}/transitions", id(&bare)), &t, json!({"to": "fulfilled"})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["errors"][0]["field"], "items", "{}", r.body);
        assert_eq!(app.count("SELECT count(*) FROM order_state_history").await, history);
        assert_eq!(app.count("SELECT count(*) FROM contracts").await, 0);
        let still = app.get(&format!("/api/v1/orders/{}", id(&bare)), &t).await;
        assert!(still.body["fulfilled_at"].is_null());
        // Moves that open nothing open nothing.
        walk(&app, &t, &oid, &["sent", "in_fulfillment"]).await;
        assert_eq!(app.count("SELECT count(*) FROM contracts").await, 0);

        // Fulfilled (by a fulfiller, who sees no contracts): one contract, 24 months.
        let f = make_user(&app.store, Role::Fulfiller, "ful@example.com", None).await;
        let done = walk(&app, &f.token, &oid, &["fulfilled"]).await;
        let opened = of_order(&app, &oid).await;
        assert_eq!(opened.len(), 1);
        let k = &opened[0];
        let activation = today();
        let expiration = activation.checked_add_months(chrono::Months::new(24)).unwrap();
        assert_eq!(k["activation_date"], activation.to_string());
        assert_eq!(k["expiration_date"], expiration.to_string());
        assert_eq!(k["total_value"], done["total"]);
        assert_ne!(k["total_value"], "0.00");
        assert_eq!(k["currency"], done["currency"]);
        assert_eq!(k["account_id"], acct["id"]);
        assert_eq!(k["partner_id"], partner["id"]);
        assert_eq!(k["owner_id"], json!(app.rep.user.id));
        assert_eq!(k["billing_provider"], "pennylane");
        assert_eq!(k["status"], "active");
        assert!(k["renewed_from_id"].is_null());
        assert!(k["contract_number"].as_str().unwrap().starts_with("CTR-"));
        assert_eq!(history_len(&app, &id(k)).await, 1);
        // The rep sees it (their account); the fulfiller does not.
        assert_eq!(app.get(&format!("/api/v1/contracts/{}", id(k)), &t).await.status, StatusCode::OK);
        app.get(&format!("/api/v1/contracts/{}", id(k)), &f.token).await.problem(StatusCode::NOT_FOUND);
        // Reopened and fulfilled again: still the one contract.
        let r = app.post(&format!("/api/v1/orders/{oid}/reopen"), &app.admin.token, json!({"reason": "wrong address"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        walk(&app, &app.admin.token, &oid, &["fulfilled"]).await;
        assert_eq!(of_order(&app, &oid).await.len(), 1);
        assert_eq!(app.count("SELECT count(*) FROM contracts").await, 1);
    }

    async fn renewals_make_a_chain_one_at_a_time(db) {
        let app = App::start(db).await;
        let cat = crate::orders::catalogue(&app).await;
        let t = app.admin.token.clone();
        let acct = app.account(&t, json!({"name": "Renewing customer"})).await;
        let items = json!([
            {"product_id": cat.monthly, "quantity": 3, "duration_id": cat.year},
            {"product_id": cat.both, "quantity": 1, "duration_id": cat.two_years},
            {"product_id": cat.listed, "quantity": 2}]);
        let o = crate::orders::order(&app, &t, json!({"account_id": acct["id"], "tax_rate": "20", "items": items})).await;
        walk(&app, &t, &id(&o), &TO_FULFILLED).await;
        let a = of_order(&app, &id(&o)).await.remove(0);

        // Renew: a new order in the initial state, same type and parties, lines copied.
        let r = app.post(&format!("/api/v1/contracts/{}/renew", id(&a)), &app.manager.token, json!({})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let renewal = r.body;
        assert_eq!(r.headers.get("location").and_then(|v| v.to_str().ok()), Some(format!("/api/v1/orders/{}", id(&renewal)).as_str()));
        assert_eq!(renewal["renews_contract_id"], a["id"]);
        assert_eq!(renewal["order_type_id"], o["order_type_id"]);
        assert_eq!(renewal["state_id"], "01a24dcc-d803-7241-9050-000000000000", "created");
        assert_eq!(renewal["account_id"], acct["id"]);
        assert_eq!(renewal["tax_rate"], o["tax_rate"]);
        let lines = |v: &Value| -> Vec<(Value, Value, Value, Value)> {
            v["items"].as_array().unwrap().iter()
                .map(|i| (i["product_id"].clone(), i["quantity"].clone(), i["duration_id"].clone(), i["total"].clone())).collect()
        };
        assert_eq!(lines(&renewal), lines(&o), "copied and priced again at the same prices");
        assert_eq!(renewal["total"], o["total"]);
        // One renewal at a time.
        let r = app.post(&format!("/api/v1/contracts/{}/renew", id(&a)), &t, json!({})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["errors"][0]["field"], "renewed_from_id");
        // Fulfilled, the renewal opens the next contract of the chain.
        walk(&app, &t, &id(&renewal), &TO_FULFILLED).await;
        let b = of_order(&app, &id(&renewal)).await.remove(0);
        assert_eq!(b["renewed_from_id"], a["id"]);
        for k in [&a, &b] {
            let r = app.get(&format!("/api/v1/contracts/{}/chain", id(k)), &t).await;
            assert_eq!(ids(&r.body), vec![id(&a), id(&b)]);
        }
        app.post(&format!("/api/v1/contracts/{}/renew", id(&a)), &t, json!({})).await.problem(StatusCode::CONFLICT);

        // A renewal for another duration: every line takes it.
        let r = app.post(&format!("/api/v1/contracts/{}/renew", id(&b)), &t, json!({"duration_id": cat.year})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert!(r.body["items"].as_array().unwrap().iter().all(|i| i["duration_id"] == json!(cat.year)), "{}", r.body);
        // Cancelled, it no longer holds the contract back.
        walk(&app, &t, &id(&r.body), &["cancelled"]).await;
        app.post(&format!("/api/v1/contracts/{}/renew", id(&b)), &app.viewer.token, json!({})).await.problem(StatusCode::FORBIDDEN);
        let fu = make_user(&app.store, Role::Fulfiller, "fr@example.com", None).await;
        app.post(&format!("/api/v1/contracts/{}/renew", id(&b)), &fu.token, json!({})).await.problem(StatusCode::NOT_FOUND);
        app.post(&format!("/api/v1/contracts/{}/renew", id(&b)), &t, json!({"duration_id": "nope"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);

        // Only active or expired contracts renew: a cancelled one is refused, nothing written.
        assert_eq!(status(&app, &t, &id(&b), json!({"status": "cancelled"})).await.status, StatusCode::OK);
        let orders = app.count("SELECT count(*) FROM orders").await;
        let r = app.post(&format!("/api/v1/contracts/{}/renew", id(&b)), &t, json!({})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["errors"][0]["field"], "status");
        assert_eq!(app.count("SELECT count(*) FROM orders").await, orders);
        // A contract made by hand has no order to renew from.
        let hand = contract(&app, 100, "5", json!({})).await;
        let r = app.post(&format!("/api/v1/contracts/{}/renew", id(&hand)), &t, json!({})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["errors"][0]["field"], "order_id");
        // An expired contract renews.
        let c = crate::orders::order(&app, &t, json!({"account_id": acct["id"], "items": [{"product_id": cat.listed, "quantity": 1, "duration_id": cat.year}]})).await;
        walk(&app, &t, &id(&c), &TO_FULFILLED).await;
        let k = of_order(&app, &id(&c)).await.remove(0);
        let later = today().checked_add_days(Days::new(400)).unwrap();
        assert!(rapport_store::contracts::expiry::sweep(&app.store, later).await.unwrap() >= 1);
        let r = app.get(&format!("/api/v1/contracts/{}", id(&k)), &t).await;
        assert_eq!(r.body["status"], "expired");
        let r = app.post(&format!("/api/v1/contracts/{}/renew", id(&k)), &app.rep.token, json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "the rep does not see the admin's customer");
        let r = app.post(&format!("/api/v1/contracts/{}/renew", id(&k)), &t, json!({})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
}

async fn history_len(app: &App, k: &str) -> usize {
    history(app, k).await.len()
}
