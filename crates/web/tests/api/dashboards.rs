//! The sales dashboard against hand-computed figures (from the kept figures and from
//! the entries, which must agree), including edits and deletes that change who is
//! first-time; CSV; bad parameters; scope; and the pipeline dashboard. Both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use serde_json::{json, Value};

use super::distributions::{assert_figures_agree, entry};
#[allow(unused_imports)]
use super::support::*;

const PERIOD: &str = "from=2026-01-01&to=2026-04-01";

/// `[orders, units, customers, first_time, repeat]` of a figures object.
fn five(f: &Value) -> [i64; 5] {
    [
        "orders",
        "units",
        "customers",
        "first_time_customers",
        "repeat_customers",
    ]
    .map(|k| f[k].as_i64().unwrap_or(-1))
}

fn sku_rows(d: &Value) -> Vec<(String, [i64; 3])> {
    d["skus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["sku"].as_str().unwrap().to_owned(),
                ["orders", "units", "customers"].map(|k| s[k].as_i64().unwrap()),
            )
        })
        .collect()
}

/// The dashboard as the admin sees it (kept figures), and as the rep sees it and as the
/// admin filtered by that rep (both computed from the entries): all three must match,
/// since every fixture entry is the rep's.
async fn dashboards(app: &App, query: &str) -> Value {
    let kept = app
        .get(
            &format!("/api/v1/dashboards/sales?{query}"),
            &app.admin.token,
        )
        .await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.body);
    let as_rep = app
        .get(&format!("/api/v1/dashboards/sales?{query}"), &app.rep.token)
        .await;
    assert_eq!(
        as_rep.body, kept.body,
        "rep's (from entries) differs from kept for {query}"
    );
    let filtered = app
        .get(
            &format!(
                "/api/v1/dashboards/sales?{query}&rep_id={}",
                app.rep.user.id
            ),
            &app.admin.token,
        )
        .await;
    assert_eq!(
        filtered.body, kept.body,
        "rep_id filter differs from kept for {query}"
    );
    assert_figures_agree(app).await;
    kept.body
}

both_engines! {
    async fn the_sales_dashboard_matches_hand_computed_figures(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let a = app.account(t, json!({"name": "Hospital A", "billing_address": {"region": "CA", "country": "US"}})).await;
        let b = app.account(t, json!({"name": "Hospital B", "billing_address": {"region": "NY", "country": "US"}})).await;
        let rep = app.rep.user.id;
        let mut made = Vec::new();
        // (date, order, sku, quantity, customer): A bought before the period; order O2
        // has two SKUs; e4 has no order number; O4 spans February and March; "Clinic C"
        // is a legacy name with no account.
        for (date, order, sku, qty, customer) in [
            ("2025-12-10", Some("O1"), "S1", 5, Some(&a)),
            ("2026-01-05", Some("O2"), "S1", 2, Some(&a)),
            ("2026-01-05", Some("O2"), "S2", 3, Some(&a)),
            ("2026-01-20", None, "S1", 1, Some(&b)),
            ("2026-02-03", Some("O3"), "S2", 4, None),
            ("2026-02-28", Some("O4"), "S1", 2, Some(&b)),
            ("2026-03-01", Some("o4 "), "S1", 1, Some(&b)),
            ("2026-03-15", Some("O5"), "S2", 6, Some(&a)),
        ] {
            let mut body = json!({"ship_date": date, "sku": sku, "quantity": qty, "rep_id": rep});
            if let Some(o) = order { body["order_number"] = json!(o); }
            match customer {
                Some(c) => body["customer_id"] = c["id"].clone(),
                None => body["customer_name"] = json!("Clinic C"),
            }
            made.push(entry(&app, t, body).await);
        }
        let d = dashboards(&app, PERIOD).await;
        assert_eq!(five(&d["totals"]), [5, 19, 3, 2, 1]);
        let months: Vec<(Value, [i64; 5])> = d["intervals"].as_array().unwrap().iter()
            .map(|i| (i["start"].clone(), five(i))).collect();
        assert_eq!(months, [
            (json!("2026-01-01"), [2, 6, 2, 1, 1]),
            (json!("2026-02-01"), [2, 6, 2, 1, 1]),
            (json!("2026-03-01"), [2, 7, 2, 0, 2]),
        ]);
        assert_eq!(sku_rows(&d), [("S1".to_owned(), [3, 6, 2]), ("S2".to_owned(), [3, 13, 2])]);
        let q = dashboards(&app, &format!("{PERIOD}&interval=quarter")).await;
        assert_eq!(q["intervals"].as_array().map(Vec::len), Some(1));
        assert_eq!(five(&q["intervals"][0]), [5, 19, 3, 2, 1]);
        // One SKU: its own first-time customers (A never bought S2 before the period).
        let s2 = dashboards(&app, &format!("{PERIOD}&sku=S2")).await;
        assert_eq!(five(&s2["totals"]), [3, 13, 2, 2, 0]);
        // By state: only the accounts in NY (Hospital B).
        let ny = app.get(&format!("/api/v1/dashboards/sales?{PERIOD}&state=ny"), t).await;
        assert_eq!(five(&ny.body["totals"]), [2, 4, 1, 1, 0]);

        // Deleting A's entry before the period makes A first-time in January.
        let del = app.call(Method::DELETE, &format!("/api/v1/distributions/{}", made[0]["id"].as_str().unwrap()), t, None).await;
        assert_eq!(del.status, StatusCode::NO_CONTENT);
        let d = dashboards(&app, PERIOD).await;
        assert_eq!(five(&d["totals"]), [5, 19, 3, 3, 0]);
        assert_eq!(five(&d["intervals"][0]), [2, 6, 2, 2, 0]);

        // Moving B's January entry back to 2025 makes B a repeat customer and takes its
        // order and units out of January.
        let moved = app.patch(&format!("/api/v1/distributions/{}", made[3]["id"].as_str().unwrap()), t,
            json!({"ship_date": "2025-06-01"}), None).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
        let d = dashboards(&app, PERIOD).await;
        assert_eq!(five(&d["totals"]), [4, 18, 3, 2, 1]);
        let months: Vec<[i64; 5]> = d["intervals"].as_array().unwrap().iter().map(five).collect();
        assert_eq!(months, [[1, 5, 1, 1, 0], [2, 6, 2, 1, 1], [2, 7, 2, 0, 2]]);

        // Re-pointing the legacy Clinic C entry to Hospital A merges them as customers.
        let relinked = app.patch(&format!("/api/v1/distributions/{}", made[4]["id"].as_str().unwrap()), t,
            json!({"customer_id": a["id"]}), None).await;
        assert_eq!(relinked.status, StatusCode::OK, "{}", relinked.body);
        let d = dashboards(&app, PERIOD).await;
        assert_eq!(five(&d["totals"]), [4, 18, 2, 1, 1]);
        assert_eq!(five(&d["intervals"][1]), [2, 6, 2, 0, 2]);
    }

    async fn the_dashboard_is_csv_on_request_and_refuses_bad_parameters(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        entry(&app, t, json!({"ship_date": "2026-02-10", "sku": "=cmd", "quantity": 2, "customer_name": "Clinic, Ltd"})).await;
        for r in [
            app.get(&format!("/api/v1/dashboards/sales?{PERIOD}&format=csv"), t).await,
            app.call_with(Method::GET, &format!("/api/v1/dashboards/sales?{PERIOD}"), t, None, &[("accept", "text/csv")]).await,
        ] {
            assert_eq!(r.status, StatusCode::OK);
            assert!(r.header("content-type").unwrap_or_default().starts_with("text/csv"));
            let text = String::from_utf8(r.raw.clone()).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines, [
                "row,start,sku,orders,units,customers,first_time_customers,repeat_customers",
                "total,,,1,2,1,1,0",
                "interval,2026-01-01,,0,0,0,0,0",
                "interval,2026-02-01,,1,2,1,1,0",
                "interval,2026-03-01,,0,0,0,0,0",
                "sku,,'=cmd,1,2,1,,",
            ]);
        }
        for (query, field) in [
            ("from=2026-03-01&to=2026-01-01", "to"),
            ("from=2026-03-01&to=2026-03-01", "to"),
            ("interval=week", "interval"),
            ("from=2026-02-30", "from"),
            ("rep_id=someone", "rep_id"),
            ("format=xml", "format"),
            ("colour=red", "colour"),
            ("from=1900-01-01&to=2100-01-01", "to"),
        ] {
            let r = app.get(&format!("/api/v1/dashboards/sales?{query}"), t).await.problem(StatusCode::BAD_REQUEST);
            assert_eq!(r.body["errors"][0]["field"], field, "{query}: {}", r.body);
        }
    }

    async fn dashboards_show_only_what_the_caller_may_see(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let theirs = app.account(&app.other_rep.token, json!({"name": "Theirs"})).await;
        entry(&app, &app.other_rep.token, json!({"ship_date": "2026-02-10", "sku": "X", "quantity": 9, "customer_id": theirs["id"]})).await;
        entry(&app, t, json!({"ship_date": "2026-02-11", "sku": "Y", "quantity": 1, "customer_name": "Loose"})).await;
        let admin = app.get(&format!("/api/v1/dashboards/sales?{PERIOD}"), t).await;
        assert_eq!(five(&admin.body["totals"]), [2, 10, 2, 2, 0]);
        let rep = app.get(&format!("/api/v1/dashboards/sales?{PERIOD}"), &app.rep.token).await;
        assert_eq!(five(&rep.body["totals"]), [0, 0, 0, 0, 0]);
        assert_eq!(rep.body["skus"], json!([]));
        // Asking for another rep's figures by id reveals nothing either.
        let spy = app.get(&format!("/api/v1/dashboards/sales?{PERIOD}&rep_id={}", app.other_rep.user.id), &app.rep.token).await;
        assert_eq!(five(&spy.body["totals"]), [0, 0, 0, 0, 0]);
        let own = app.get(&format!("/api/v1/dashboards/sales?{PERIOD}&sku=X"), &app.other_rep.token).await;
        assert_eq!(five(&own.body["totals"]), [1, 9, 1, 1, 0]);
        // A rep's set is read in three disjoint parts — entries they rep, entries they
        // created for someone else, entries on their accounts by others — and counted
        // as one: order R1 and customer Mine appear in two parts each.
        let mine = app.account(&app.rep.token, json!({"name": "Mine"})).await;
        entry(&app, &app.rep.token, json!({"ship_date": "2026-02-01", "order_number": "R1", "sku": "Z", "quantity": 1, "customer_id": mine["id"]})).await;
        let handed = entry(&app, &app.rep.token, json!({"ship_date": "2026-02-02", "order_number": "R1", "sku": "Z", "quantity": 1, "customer_name": "Side Clinic"})).await;
        let r = app.patch(&format!("/api/v1/distributions/{}", handed["id"].as_str().unwrap()), t,
            json!({"rep_id": app.other_rep.user.id}), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        entry(&app, t, json!({"ship_date": "2026-03-03", "order_number": "R2", "sku": "Z", "quantity": 1,
            "customer_id": mine["id"], "rep_id": app.other_rep.user.id})).await;
        let rep = app.get(&format!("/api/v1/dashboards/sales?{PERIOD}"), &app.rep.token).await;
        assert_eq!(five(&rep.body["totals"]), [2, 3, 2, 2, 0]);
        let months: Vec<[i64; 5]> = rep.body["intervals"].as_array().unwrap().iter().map(five).collect();
        assert_eq!(months, [[0, 0, 0, 0, 0], [1, 2, 2, 2, 0], [1, 1, 1, 0, 1]]);
    }

    async fn the_pipeline_dashboard_counts_rates_and_days_per_owner(db) {
        let app = App::start(db).await;
        let rep = &app.rep.token;
        let mut leads = Vec::new();
        for (title, value) in [("A", "100.00"), ("B", "50.50"), ("C", "10"), ("D", "7")] {
            let r = app.post("/api/v1/leads", rep, json!({"title": title, "organization": format!("Org {title}"),
                "value": value, "currency": "EUR"})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            leads.push(r.body);
        }
        for (i, body) in [(0, json!({"status": "won"})), (1, json!({"status": "won"})),
                          (2, json!({"status": "lost", "lost_reason": "price"}))] {
            let r = app.patch(&format!("/api/v1/leads/{}", leads[i]["id"].as_str().unwrap()), rep, body, None).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        app.post("/api/v1/leads", &app.other_rep.token, json!({"title": "Hidden", "value": "999", "currency": "EUR"})).await;
        let r = app.get("/api/v1/dashboards/pipeline?owner_id=me", rep).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let me = &r.body["owners"][0];
        assert_eq!(r.body["owners"].as_array().map(Vec::len), Some(1));
        assert_eq!(me["owner_id"], json!(app.rep.user.id));
        assert_eq!((me["won"].as_i64(), me["lost"].as_i64()), (Some(2), Some(1)));
        assert_eq!(me["win_rate"], "0.6667");
        assert_eq!(me["avg_days_to_close"], "0.0");
        let won = me["board"]["statuses"].as_array().unwrap().iter().find(|s| s["status"] == "won").unwrap();
        assert_eq!(won["count"], 2);
        assert_eq!(won["totals"][0]["value"], "150.50");
        assert_eq!(won["totals"][0]["weighted_value"], "150.50");
        // The rep's own dashboard never shows the other rep's lead; the manager's does.
        assert_eq!(r.body["totals"]["board"]["count"], 4);
        let all = app.get("/api/v1/dashboards/pipeline", &app.manager.token).await;
        assert_eq!(all.body["totals"]["board"]["count"], 5);
        assert_eq!(all.body["owners"].as_array().map(Vec::len), Some(2));
        app.get("/api/v1/dashboards/pipeline?from=2026-05-01&to=2026-01-01", rep).await.problem(StatusCode::BAD_REQUEST);
    }
}
