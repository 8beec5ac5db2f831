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

/// The main pages at 1440 px and at 375 px, written under `RAPPORT_SCREENSHOTS` (the
/// README links docs/screenshots). Every page must answer 200 with its heading at both
/// widths, and at 375 px nothing may be wider than the screen but the tables and the
/// board, which scroll inside their own boxes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn main_pages_at_desktop_and_phone_widths() {
    let db = rapport_db::testing::TestDatabase::sqlite();
    let app = App::start(db).await;
    let acme = id_of(&app.account(&app.manager.token, json!({"name": "Acme Dental", "tags": ["vip"], "owner_id": app.rep.user.id,
        "billing_address": {"street": "4 Rue Neuve", "city": "Lyon", "postal_code": "69002", "country": "FR"}})).await);
    for (first, last) in [("Ana", "Ruiz"), ("Ben", "Okafor")] {
        let person = app.post("/api/v1/contacts", &app.manager.token, json!({"first_name": first, "last_name": last, "email": format!("{}@acme.example", first.to_lowercase())})).await;
        app.post(
            &format!("/api/v1/accounts/{acme}/contacts"),
            &app.manager.token,
            json!({"contact_id": person.body["id"], "is_primary": first == "Ana", "role": "buyer"}),
        )
        .await;
    }
    for name in ["Bright Smiles", "Clearview Ortho", "Delta Lab"] {
        app.account(
            &app.manager.token,
            json!({"name": name, "owner_id": app.rep.user.id}),
        )
        .await;
    }
    app.post("/api/v1/activities", &app.manager.token, json!({"kind": "call", "account_id": acme, "subject": "Quarterly review", "body": "Wants two more chairs", "follow_up_at": "2099-01-05T09:30:00Z"})).await;
    app.post(
        "/api/v1/activities",
        &app.manager.token,
        json!({"kind": "note", "account_id": acme, "body": "Prefers email before calls"}),
    )
    .await;
    let mut lead = String::new();
    for (title, status, value) in [
        ("Chairs for Lyon", "new", "12000.00"),
        ("Scanner upgrade", "qualified", "48500.00"),
        ("Service plan", "proposal", "3600.00"),
        ("Aligners pilot", "won", "9000.00"),
    ] {
        let l = app.post("/api/v1/leads", &app.manager.token, json!({"name": title, "account_id": acme, "value": value, "currency": "EUR", "owner_id": app.rep.user.id})).await;
        if status != "new" {
            app.patch(
                &format!("/api/v1/leads/{}", l.body["id"].as_str().unwrap_or("")),
                &app.manager.token,
                json!({"status": status}),
                None,
            )
            .await;
        }
        if lead.is_empty() {
            lead = l.body["id"].as_str().unwrap_or("").to_owned();
        }
    }
    let server = serve_app(&app).await;
    let pages = [
        ("home", "/home".to_owned()),
        ("accounts", "/accounts".to_owned()),
        ("account", format!("/accounts/{acme}")),
        ("contacts", "/contacts".to_owned()),
        ("leads-board", "/leads".to_owned()),
        ("lead", format!("/leads/{lead}")),
        ("products", "/products".to_owned()),
        ("distributions", "/distributions".to_owned()),
        ("sales-dashboard", "/dashboards/sales".to_owned()),
        ("admin-users", "/admin/users".to_owned()),
    ];
    for screen in [Screen::Desktop, Screen::Phone] {
        let Some(c) = chrome(screen).await else {
            return;
        };
        c.open(&format!("{}/sign-in", server.base)).await;
        c.screenshot("sign-in", screen).await;
        c.sign_in(&server.base, "admin@example.com", PASSWORD).await;
        for (name, path) in &pages {
            c.open(&format!("{}{path}", server.base)).await;
            let title = c.client.title().await.expect("title");
            assert!(
                !title.starts_with("Not found") && !title.starts_with("Something went wrong"),
                "{path}: {title}"
            );
            c.client
                .find(Locator::Css("main h1"))
                .await
                .unwrap_or_else(|e| panic!("{path} has no heading: {e}"));
            if screen == Screen::Phone {
                let overflow = c
                    .client
                    .execute(
                        "return document.documentElement.scrollWidth - window.innerWidth;",
                        vec![],
                    )
                    .await
                    .expect("width");
                assert!(
                    overflow.as_i64().unwrap_or(0) <= 0,
                    "{path} is wider than 375 px by {overflow}"
                );
            }
            c.screenshot(name, screen).await;
        }
    }
}
