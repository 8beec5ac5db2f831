//! The contract pages through the real router on both engines: the list and its filters,
//! a contract's detail with its status form (history, refusals), the renewal chain, the
//! dashboard with its chart, the home page's "expiring in 30 days", and scope.

use axum::http::StatusCode;
use rapport_db::both_engines;
use rapport_domain::Role;
use serde_json::json;

use crate::contracts::{contract, day};
use crate::support::{created, id_of, make_user, App};
use crate::ui_support::Browser;

fn id(v: &serde_json::Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

both_engines! {
    async fn the_list_filters_and_the_detail_ends_a_contract(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let partner = app.account(t, json!({"name": "Partner Pages", "kind": "partner"})).await;
        let acct = app.account(&app.rep.token, json!({"name": "Customer Pages"})).await;
        let soon = contract(&app, 12, "1234.5", json!({"partner_id": partner["id"], "account_id": acct["id"]})).await;
        let later = contract(&app, 75, "99", json!({"account_id": acct["id"]})).await;
        let b = Browser::signed_in(&app, "admin@example.com").await;
        let list = b.get("/contracts").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.html);
        list.assert_has(soon["contract_number"].as_str().unwrap())
            .assert_has(later["contract_number"].as_str().unwrap())
            .assert_has("1,234.50 EUR")
            .assert_has("Partner Pages")
            .assert_has("Export CSV");
        let filtered = b.get("/contracts?expiring_within=30d").await;
        filtered.assert_has(soon["contract_number"].as_str().unwrap()).assert_lacks(later["contract_number"].as_str().unwrap());
        let by_partner = b.get(&format!("/contracts?partner_id={}", id(&partner))).await;
        by_partner.assert_has(soon["contract_number"].as_str().unwrap()).assert_lacks(later["contract_number"].as_str().unwrap());
        let bad = b.get("/contracts?expiring_within=soon").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        bad.assert_has("expiring_within");

        // The detail: value, parties, history; the rep ends it through the form.
        let uri = format!("/contracts/{}", id(&soon));
        let r = Browser::signed_in(&app, "rep@example.com").await;
        let page = r.get(&uri).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        page.assert_has("1,234.50 EUR").assert_has("Customer Pages").assert_has("opened").assert_has("Change status").assert_has("Made by hand");
        let refused = r.post(&format!("{uri}/status"), &[("status", "expired"), ("version", "1")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.html);
        refused.assert_has("must be one of lost, upgraded, downgraded, cancelled");
        let stale = r.post(&format!("{uri}/status"), &[("status", "lost"), ("version", "7")]).await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
        let moved = r.post(&format!("{uri}/status"), &[("status", "lost"), ("reason", "Went elsewhere"), ("version", "1")]).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.html);
        let page = r.get(&uri).await;
        page.assert_has("Went elsewhere").assert_has("active → ").assert_lacks("Change status");
        let api = app.get(&format!("/api/v1/contracts/{}", id(&soon)), t).await;
        assert_eq!(api.body["status"], "lost");
        // Ending it again is a conflict, shown on the page.
        let again = r.post(&format!("{uri}/status"), &[("status", "cancelled")]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        again.assert_has("only an active contract changes status");
        // A viewer reads it but has no form, and is refused if it sends one.
        let v = Browser::signed_in(&app, "viewer@example.com").await;
        let later_uri = format!("/contracts/{}", id(&later));
        v.get(&later_uri).await.assert_lacks("Change status");
        assert_eq!(v.post(&format!("{later_uri}/status"), &[("status", "lost")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&format!("/api/v1/contracts/{}", id(&later)), t).await.body["status"], "active");
    }

    async fn the_chain_the_dashboard_and_home_show_what_the_viewer_sees(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let partner = app.account(t, json!({"name": "Partner Home", "kind": "partner"})).await;
        let first = contract(&app, -10, "100", json!({"partner_id": partner["id"]})).await;
        let second = created(&app, t, "/api/v1/contracts", json!({"activation_date": day(-10), "expiration_date": day(20),
            "total_value": "200", "currency": "EUR", "renewed_from_id": first["id"], "partner_id": partner["id"]})).await;
        let other = contract(&app, 5, "777.77", json!({})).await;
        // The first ended on its last day; the job marks it expired.
        let today = chrono::Utc::now().date_naive();
        assert_eq!(rapport_store::contracts::expiry::sweep(&app.store, today).await.expect("sweep"), 1);
        let b = Browser::signed_in(&app, "manager@example.com").await;
        let page = b.get(&format!("/contracts/{}", id(&first))).await;
        page.assert_has("id=\"chain\"").assert_has(&format!("href=\"/contracts/{}\"", id(&second)));
        let home = b.get("/home").await;
        assert_eq!(home.status, StatusCode::OK);
        home.assert_has("Contracts expiring in 30 days")
            .assert_has(second["contract_number"].as_str().unwrap())
            .assert_has(other["contract_number"].as_str().unwrap())
            .assert_lacks(&format!("href=\"/contracts/{}\"", id(&first)));
        let dash = b.get(&format!("/dashboards/contracts?from={}&to={}", day(-30), day(1))).await;
        assert_eq!(dash.status, StatusCode::OK, "{}", dash.html);
        dash.assert_has("<svg").assert_has("Contracts: active, expiring, renewed and churned")
            .assert_has("977.77 EUR (2)")
            .assert_has("id=\"renewals-count\">1<");
        let bad = b.get("/dashboards/contracts?from=2026-02-01&to=2026-01-01").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);

        // The partner sees its own contracts only, on every page.
        make_user(&app.store, Role::Partner, "ph@example.com", Some(id_of(&partner))).await;
        let p = Browser::signed_in(&app, "ph@example.com").await;
        p.get("/home").await.assert_has(second["contract_number"].as_str().unwrap()).assert_lacks(other["contract_number"].as_str().unwrap());
        p.get("/contracts").await.assert_lacks(other["contract_number"].as_str().unwrap());
        assert_eq!(p.get(&format!("/contracts/{}", id(&other))).await.status, StatusCode::NOT_FOUND);
        p.get("/dashboards/contracts").await.assert_lacks("777.77");
        // Fulfillers have no contracts section and no home section.
        make_user(&app.store, Role::Fulfiller, "fh@example.com", None).await;
        let f = Browser::signed_in(&app, "fh@example.com").await;
        f.get("/home").await.assert_lacks("Contracts expiring").assert_lacks("href=\"/contracts\"");
        assert_eq!(f.get(&format!("/contracts/{}", id(&second))).await.status, StatusCode::NOT_FOUND);
    }
}

both_engines! {
    async fn a_fulfilled_orders_contract_links_its_order_and_renews(db) {
        let app = App::start(db).await;
        let cat = crate::orders::catalogue(&app).await;
        let t = app.admin.token.clone();
        let o = crate::orders::order(&app, &t, json!({"items": [
            {"product_id": cat.monthly, "quantity": 1, "duration_id": cat.year}]})).await;
        for to in ["sent", "in_fulfillment", "fulfilled"] {
            let r = app.post(&format!("/api/v1/orders/{}/transitions", id(&o)), &t, json!({"to": to})).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        let r = app.get(&format!("/api/v1/contracts?order_id={}", id(&o)), &t).await;
        let k = r.body["data"][0].clone();
        let uri = format!("/contracts/{}", id(&k));
        let b = Browser::signed_in(&app, "manager@example.com").await;
        let page = b.get(&uri).await;
        page.assert_has(&format!("href=\"/orders/{}\"", id(&o))).assert_has(">Renew<");
        // A viewer has no renew button, and is refused if it sends the form.
        let v = Browser::signed_in(&app, "viewer@example.com").await;
        v.get(&uri).await.assert_lacks(">Renew<");
        assert_eq!(v.post(&format!("{uri}/renew"), &[]).await.status, StatusCode::FORBIDDEN);
        let renewed = b.post(&format!("{uri}/renew"), &[]).await;
        assert_eq!(renewed.status, StatusCode::SEE_OTHER, "{}", renewed.html);
        let location = renewed.location.clone().expect("location");
        let order_id = location.strip_prefix("/orders/").expect("an order page");
        let r = app.get(&format!("/api/v1/orders/{order_id}"), &t).await;
        assert_eq!(r.body["renews_contract_id"], k["id"]);
        // Under way, a second renewal is refused on the page.
        let again = b.post(&format!("{uri}/renew"), &[]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        again.assert_has("under way");
    }
}
