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

both_engines! {
    async fn a_lead_dragged_and_keyed_across_the_board_keeps_its_history(db) {
        let Some(c) = chrome(Screen::Desktop).await else { return };
        let app = App::start(db).await;
        let lead = app.post("/api/v1/leads", &app.rep.token, json!({"title": "Chairs for Lyon", "value": "12000.00", "currency": "EUR"})).await;
        let id = lead.body["id"].as_str().expect("lead id").to_owned();
        let server = serve_app(&app).await;
        c.sign_in(&server.base, "rep@example.com", PASSWORD).await;
        c.open(&format!("{}/leads", server.base)).await;
        let card = format!(".lead-card[data-lead='{id}']");
        c.wait_until(&format!("document.querySelector(\"{card}\").closest('.column').dataset.status === 'new'")).await;
        // Drag and drop as the browser dispatches it (WebDriver cannot drive HTML5 drag
        // and drop itself): dragstart on the card, dragover and drop on the column.
        let dragged = c.client.execute(
            "const [card, column] = arguments; const dt = new DataTransfer();
             const from = document.querySelector(card), to = document.querySelector(column);
             from.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt}));
             to.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt}));
             to.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));
             from.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: dt}));
             return true;",
            vec![json!(card), json!(".column[data-status='qualified']")],
        ).await.expect("drag");
        assert_eq!(dragged, json!(true));
        c.wait_until(&format!("document.querySelector(\"{card}\").closest('.column').dataset.status === 'qualified'")).await;
        let api = app.get(&format!("/api/v1/leads/{id}"), &app.rep.token).await;
        assert_eq!(api.body["status"], "qualified");
        // Then with the keyboard: focus the card and press ] to move it one column on.
        c.client.find(Locator::Css(&card)).await.expect("card").send_keys("]").await.expect("key");
        c.wait_until(&format!("document.querySelector(\"{card}\").closest('.column').dataset.status === 'proposal'")).await;
        // Lost without a reason is not sent: the reason box asks for it.
        c.client.find(Locator::Css(&card)).await.expect("card").click().await.expect("focus");
        c.client.execute(
            "const [card] = arguments; const from = document.querySelector(card); const dt = new DataTransfer();
             const to = document.querySelector(\".column[data-status='lost']\");
             from.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt}));
             to.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));",
            vec![json!(card)],
        ).await.expect("drag to lost");
        c.wait_until(&format!("!document.querySelector(\"{card} .needs-reason\").hidden")).await;
        assert_eq!(app.get(&format!("/api/v1/leads/{id}"), &app.rep.token).await.body["status"], "proposal");
        // The lead's page shows both moves in its history.
        c.open(&format!("{}/leads/{id}", server.base)).await;
        let history = c.text("#history").await.to_lowercase();
        assert!(history.contains("qualified") && history.contains("proposal"), "{history}");
    }

    async fn pasted_distribution_rows_change_the_dashboard(db) {
        let Some(c) = chrome(Screen::Desktop).await else { return };
        let app = App::start(db).await;
        let server = serve_app(&app).await;
        c.sign_in(&server.base, "manager@example.com", PASSWORD).await;
        let dashboard = format!("{}/dashboards/sales?from=2026-01-01&to=2027-01-01&interval=month", server.base);
        c.open(&dashboard).await;
        assert_eq!(c.text("#total-orders").await, "0");
        c.open(&format!("{}/distributions/bulk", server.base)).await;
        c.fill("#rows", "ship_date,sku,quantity,order_number,customer_name\n2026-03-02,ST-4,12,SO-1,Hospital A\n2026-03-09,ST-4,5,SO-2,Hospital B\n").await;
        c.click("form[action='/distributions/bulk'] button[type=submit]").await;
        c.wait_until("location.pathname === '/distributions'").await;
        c.wait_for_text("Hospital B").await;
        c.open(&dashboard).await;
        assert_eq!(c.text("#total-orders").await, "2");
        assert_eq!(c.text("#total-units").await, "17");
        // A bad row is shown against its row and nothing is recorded.
        c.open(&format!("{}/distributions/bulk", server.base)).await;
        c.fill("#rows", "ship_date,sku,quantity\n2026-04-01,ST-4,3\n2026-04-02,ST-4,many\n").await;
        c.click("form[action='/distributions/bulk'] button[type=submit]").await;
        c.wait_until("document.querySelector('td.bad') !== null").await;
        c.open(&dashboard).await;
        assert_eq!(c.text("#total-units").await, "17");
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
        let l = app.post("/api/v1/leads", &app.manager.token, json!({"title": title, "account_id": acme, "value": value, "currency": "EUR", "owner_id": app.rep.user.id})).await;
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
    // This quarter's shipments and the admin's own tasks, so home and the dashboard have figures.
    let today = chrono::Utc::now().date_naive();
    let mut rows = Vec::new();
    for (i, (customer, units)) in [
        ("Acme Dental", 12),
        ("Bright Smiles", 4),
        ("Acme Dental", 7),
        ("Delta Lab", 20),
        ("Clearview Ortho", 3),
    ]
    .iter()
    .enumerate()
    {
        let day = today - chrono::Duration::days(i as i64 * 9);
        rows.push(json!({"ship_date": day.to_string(), "sku": if i % 2 == 0 { "ST-4" } else { "AL-2" }, "quantity": units,
            "order_number": format!("SO-{i}"), "customer_name": customer, "lot_number": format!("L-{i}")}));
    }
    let bulk = app
        .post(
            "/api/v1/distributions/bulk",
            &app.admin.token,
            json!({"items": rows}),
        )
        .await;
    assert!(bulk.status.is_success(), "{}", bulk.body);
    let soon = (chrono::Utc::now() + chrono::Duration::days(3))
        .format("%Y-%m-%dT09:00:00Z")
        .to_string();
    let late = (chrono::Utc::now() - chrono::Duration::days(2))
        .format("%Y-%m-%dT09:00:00Z")
        .to_string();
    for (subject, due) in [
        ("Send the chair quote", soon.as_str()),
        ("Call back about the scanner", late.as_str()),
    ] {
        let t = app.post("/api/v1/activities", &app.admin.token, json!({"kind": "task", "subject": subject, "account_id": acme, "due_at": due, "assignee_id": app.admin.user.id})).await;
        assert!(t.status.is_success(), "{}", t.body);
    }
    // A priced product (both ladders) and durations, for the catalogue's pages.
    let product = app
        .post(
            "/api/v1/products",
            &app.admin.token,
            json!({"name": "Cloud Backup", "sku": "CB-1", "type": "service",
        "unit": "TB", "category": "storage", "unit_price": "99.00", "currency": "EUR"}),
        )
        .await;
    let product = product.body["id"].as_str().unwrap_or("").to_owned();
    for (period, tiers) in [
        (
            "month",
            json!([{"min_quantity": 1, "max_quantity": 10, "price_per_unit": "12.3456"},
                                             {"min_quantity": 11, "max_quantity": null, "price_per_unit": "9.90"}]),
        ),
        (
            "year",
            json!([{"min_quantity": 1, "max_quantity": null, "price_per_unit": "120"}]),
        ),
    ] {
        let r = app
            .call(
                axum::http::Method::PUT,
                &format!("/api/v1/products/{product}/tiers"),
                &app.admin.token,
                Some(json!({"period": period, "currency": "EUR", "tiers": tiers})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
    }
    let mut year = String::new();
    for (months, name, discount) in [(12, "One year", "5"), (36, "Three years", "15")] {
        let d = app
            .post(
                "/api/v1/durations",
                &app.admin.token,
                json!({"months": months, "name": name, "discount_percentage": discount}),
            )
            .await;
        if year.is_empty() {
            year = d.body["id"].as_str().unwrap_or("").to_owned();
        }
    }
    // An order with a comment, fulfilled into its contract, and one still open.
    let install = app
        .post(
            "/api/v1/products",
            &app.admin.token,
            json!({"name": "Installation", "sku": "INST",
        "type": "service", "unit_price": "250.00", "currency": "EUR"}),
        )
        .await;
    assert!(install.status.is_success(), "{}", install.body);
    let fulfilled = app
        .post(
            "/api/v1/orders",
            &app.manager.token,
            json!({"account_id": acme, "description": "Backup for the Lyon office",
        "tax_rate": "20", "items": [{"product_id": product, "quantity": 4, "duration_id": year},
                                    {"product_id": install.body["id"], "quantity": 1}]}),
        )
        .await;
    assert!(fulfilled.status.is_success(), "{}", fulfilled.body);
    let order = fulfilled.body["id"].as_str().unwrap_or("").to_owned();
    for to in ["sent", "in_fulfillment", "fulfilled"] {
        let r = app
            .post(
                &format!("/api/v1/orders/{order}/transitions"),
                &app.manager.token,
                json!({"to": to, "reason": "on schedule"}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
    }
    let comment = app.post("/api/v1/activities", &app.manager.token, json!({"kind": "comment", "order_id": order, "body": "Installed on site, customer signed off"})).await;
    assert!(comment.status.is_success(), "{}", comment.body);
    let open = app
        .post(
            "/api/v1/orders",
            &app.manager.token,
            json!({"account_id": acme, "description": "Second office",
        "items": [{"product_id": product, "quantity": 12, "duration_id": year}]}),
        )
        .await;
    assert!(open.status.is_success(), "{}", open.body);
    let contracts = app.get("/api/v1/contracts", &app.manager.token).await;
    let contract = contracts.body["data"][0]["id"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(!contract.is_empty(), "{}", contracts.body);
    let server = serve_app(&app).await;
    let pages = [
        ("home", "/home".to_owned()),
        ("accounts", "/accounts".to_owned()),
        ("account", format!("/accounts/{acme}")),
        ("contacts", "/contacts".to_owned()),
        ("leads-board", "/leads".to_owned()),
        ("lead", format!("/leads/{lead}")),
        ("products", "/products".to_owned()),
        ("product", format!("/products/{product}")),
        ("durations", "/durations".to_owned()),
        ("orders", "/orders".to_owned()),
        ("order", format!("/orders/{order}")),
        (
            "order-edit",
            format!("/orders/{}/edit", open.body["id"].as_str().unwrap_or("")),
        ),
        ("contracts", "/contracts".to_owned()),
        ("contract", format!("/contracts/{contract}")),
        ("contracts-dashboard", "/dashboards/contracts".to_owned()),
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

both_engines! {
    async fn an_order_of_three_lines_fulfilled_in_the_browser_opens_its_contract(db) {
        let Some(c) = chrome(Screen::Desktop).await else { return };
        let app = App::start(db).await;
        let a = app.admin.token.clone();
        let mut products = Vec::new();
        for (name, price) in [("Scanner", "1200"), ("Support", "300.50"), ("Training", "99.99")] {
            let r = app.post("/api/v1/products", &a, json!({"name": name, "unit_price": price, "currency": "EUR"})).await;
            products.push(r.body["id"].as_str().expect("product").to_owned());
        }
        let mut durations = Vec::new();
        for (months, name) in [(12, "One year"), (24, "Two years")] {
            let r = app.post("/api/v1/durations", &a, json!({"months": months, "name": name})).await;
            durations.push(r.body["id"].as_str().expect("duration").to_owned());
        }
        let acct = app.account(&app.rep.token, json!({"name": "Browser Clinic"})).await;
        let server = serve_app(&app).await;
        c.sign_in(&server.base, "rep@example.com", PASSWORD).await;

        // The order form: three lines, of 12 months, 24 months and none.
        c.open(&format!("{}/orders/new", server.base)).await;
        c.fill("#f-account_id", acct["id"].as_str().expect("id")).await;
        c.fill("#f-currency", "EUR").await;
        let choose = |id: String, value: String| {
            let client = c.client.clone();
            async move {
                client
                    .execute(
                        "const s = document.getElementById(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}));",
                        vec![json!(id), json!(value)],
                    )
                    .await
                    .expect("choose");
            }
        };
        let lines = [(0, "2", Some(&durations[0])), (1, "1", Some(&durations[1])), (2, "3", None)];
        for (i, quantity, duration) in lines {
            choose(format!("f-items[{i}].product_id"), products[i].clone()).await;
            if let Some(d) = duration {
                choose(format!("f-items[{i}].duration_id"), d.clone()).await;
            }
            c.fill(&format!("#f-items\\[{i}\\]\\.quantity"), quantity).await;
        }
        c.click("form[action='/orders/new'] button[type=submit]").await;
        c.wait_for_text("Move to").await;
        let order_path = c.path().await;
        let order_id = order_path.strip_prefix("/orders/").expect("an order page").to_owned();
        // Along the workflow to fulfilled, by the buttons.
        for to in ["sent", "in_fulfillment", "fulfilled"] {
            c.click(&format!("form.moves button[value='{to}']")).await;
            c.wait_until(&format!("!document.querySelector(\"form.moves button[value='{to}']\")")).await;
        }
        let order = app.get(&format!("/api/v1/orders/{order_id}"), &a).await.body;
        assert_eq!(order["items"].as_array().map(Vec::len), Some(3), "{order}");
        assert!(order["fulfilled_at"].is_string(), "{order}");

        // Its contract: in the list, and on its page with the order's total and 24 months.
        c.open(&format!("{}/contracts", server.base)).await;
        c.wait_for_text("CTR-").await;
        c.click("#results tbody tr td a").await;
        c.wait_for_text("id=\"order-link\"").await;
        assert!(c.html().await.contains(&format!("href=\"/orders/{order_id}\"")));
        let total: rust_decimal::Decimal = order["total"].as_str().expect("total").parse().expect("decimal");
        let value = c.text("#value").await;
        let shown: String = value.chars().filter(|ch| ch.is_ascii_digit() || *ch == '.').collect();
        assert_eq!(shown.parse::<rust_decimal::Decimal>().expect("value"), total, "{value}");
        let today = chrono::Utc::now().date_naive();
        let expires = today.checked_add_months(chrono::Months::new(24)).expect("date");
        assert_eq!(c.text("#expires").await, expires.to_string());
    }
}
