//! What a team does in the browser: set up, sign in, work an account, and be kept to
//! their own records.

use fantoccini::Locator;
use rapport_db::both_engines;
use rapport_db::{Database, DbOptions};
use rapport_domain::Role;
use rapport_store::{AuthPolicy, Store};
use rapport_web::{router, AppState, WebConfig};
use serde_json::json;

use crate::chrome::{chrome, serve, serve_app, Screen};
use crate::support::{id_of, make_user, App, PASSWORD};

both_engines! {
    async fn first_run_setup_then_sign_out_and_in(db) {
        let Some(c) = chrome(Screen::Desktop).await else { return };
        let database = Database::connect(&db.url, &DbOptions::default()).await.expect("connect");
        rapport_migration::up(&database, None).await.expect("migrate");
        let store = Store::new(database, AuthPolicy::default());
        let state = AppState::new(store, WebConfig::default());
        let path = state.offer_first_run_setup().await.expect("offer").expect("a link");
        let server = serve(router(state)).await;
        c.open(&format!("{}{path}", server.base)).await;
        c.fill("#f-name", "Grace Admin").await;
        c.fill("#f-email", "grace@example.com").await;
        c.fill("#f-password", "a very long password").await;
        c.fill("#f-confirm", "a very long password").await;
        c.click("button[type=submit]").await;
        c.wait_for_text("Good to see you, Grace Admin").await;
        assert_eq!(c.path().await, "/home");
        c.click("form[action='/sign-out'] button").await;
        c.wait_for_text("Sign in").await;
        assert!(c.path().await.starts_with("/sign-in"));
        // The home page asked for while signed out comes back after signing in.
        c.open(&format!("{}/accounts?kind=customer", server.base)).await;
        assert!(c.path().await.starts_with("/sign-in?next="));
        c.fill("#f-login", "grace@example.com").await;
        c.fill("#f-password", "a very long password").await;
        c.click("form[action='/sign-in'] button[type=submit]").await;
        c.wait_for_text("New account").await;
        assert_eq!(c.path().await, "/accounts?kind=customer");
    }

    async fn an_account_with_a_primary_contact_and_a_logged_call(db) {
        let Some(c) = chrome(Screen::Desktop).await else { return };
        let app = App::start(db).await;
        let server = serve_app(&app).await;
        c.sign_in(&server.base, "rep@example.com", PASSWORD).await;
        c.open(&format!("{}/accounts/new", server.base)).await;
        c.fill("#f-name", "Northwind Clinic").await;
        c.fill("#f-billing_address\\.city", "Lyon").await;
        c.click("form[action='/accounts/new'] button[type=submit]").await;
        c.wait_for_text("<h1>Northwind Clinic").await;
        let account_path = c.path().await;
        // Two people; the second made primary afterwards.
        for (first, last, primary) in [("Ana", "Ruiz", true), ("Ben", "Okafor", false)] {
            c.click("#people details summary").await;
            c.fill("#f-person-first_name", first).await;
            c.fill("#f-person-last_name", last).await;
            if primary {
                c.click("#f-person-is_primary").await;
            }
            c.click("#people form[action$='/people'] button[type=submit]").await;
            c.wait_for_text(&format!("{first} {last}")).await;
        }
        assert!(c.text("#people").await.contains("Ana Ruiz primary"));
        c.click("#people form[action$='/primary'] button").await;
        c.wait_until("document.querySelector('#people').innerText.includes('Ben Okafor primary')").await;
        assert!(!c.text("#people").await.contains("Ana Ruiz primary"));
        // Log a call; it lands on the timeline.
        c.click("details.quick summary").await;
        c.fill("#f-call-subject", "Quarterly review").await;
        c.fill("#f-call-body", "Wants two more chairs").await;
        c.click("form input[value=call] ~ button[type=submit]").await;
        c.wait_for_text("Quarterly review").await;
        assert_eq!(c.path().await, account_path);
        assert!(c.text("#timeline").await.contains("Wants two more chairs"));
        // The list finds it as you type, without pressing Enter.
        c.open(&format!("{}/accounts", server.base)).await;
        c.fill("#q", "northw").await;
        c.wait_until("document.querySelectorAll('#results tbody tr').length === 1 && location.search === '?q=northw'").await;
        let rows = c.client.find_all(Locator::Css("#results tbody tr")).await.expect("rows");
        assert_eq!(rows.len(), 1);
    }

    async fn a_rep_cannot_open_another_reps_account_and_a_partner_sees_only_their_own(db) {
        let Some(c) = chrome(Screen::Desktop).await else { return };
        let app = App::start(db).await;
        let theirs = app.account(&app.other_rep.token, json!({"name": "Hidden Harbour"})).await;
        app.account(&app.rep.token, json!({"name": "Open Orchard"})).await;
        let org = id_of(&app.account(&app.admin.token, json!({"name": "Partner One", "kind": "partner"})).await);
        make_user(&app.store, Role::Partner, "pat@partner.example", Some(org)).await;
        let server = serve_app(&app).await;
        c.sign_in(&server.base, "rep@example.com", PASSWORD).await;
        c.open(&format!("{}/accounts/{}", server.base, theirs["id"].as_str().expect("id"))).await;
        c.wait_for_text("not yours to see").await;
        assert!(!c.html().await.contains("Hidden Harbour"));
        c.open(&format!("{}/accounts", server.base)).await;
        c.wait_for_text("Open Orchard").await;
        assert!(!c.html().await.contains("Hidden Harbour"));
        c.click("form[action='/sign-out'] button").await;
        c.wait_for_text("Sign in").await;
        c.sign_in(&server.base, "pat@partner.example", PASSWORD).await;
        c.open(&format!("{}/accounts", server.base)).await;
        let html = c.html().await;
        assert!(!html.contains("Open Orchard") && !html.contains("Hidden Harbour"), "{html}");
        assert!(!html.contains("href=\"/admin/users\""));
    }
}
