//! The order pages through the real router on both engines, as a browser without script
//! sees them: the new-order form with three lines (totals computed on save, errors beside
//! the row they name), an order's page with its moves, freeze, reopen and timeline (comments, tasks, moves), and
//! the list's filters, export link and scope.

use axum::http::StatusCode;
use rapport_db::both_engines;
use rapport_domain::Role;
use serde_json::json;

use crate::orders::{catalogue, order, product, MAIN};
use crate::support::{created, id_of, make_user, App};
use crate::ui_support::Browser;

both_engines! {
    async fn an_order_of_three_lines_is_created_through_the_form(db) {
        let app = App::start(db).await;
        let cat = catalogue(&app).await;
        let b = Browser::signed_in(&app, "manager@example.com").await;
        let form = b.get("/orders/new").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.html);
        form.assert_has("data-order-form")
            .assert_has("name=\"items[0].product_id\"")
            .assert_has(&format!("value=\"{}\"", cat.monthly))
            .assert_has("12 months, 10% off")
            .assert_has("name=\"items[0].unit_price\"")
            .assert_has("Line total: <output")
            .assert_has("href=\"/orders\" aria-current=\"page\"")
            .assert_lacks("style=\"");
        // Rows are sent as typed; an empty one in between is skipped.
        let done = b.post("/orders/new", &[
            ("order_type_id", MAIN), ("tax_rate", "19.6"), ("priority", "high"),
            ("items[0].product_id", &cat.monthly), ("items[0].duration_id", &cat.year), ("items[0].quantity", "3"),
            ("items[1].product_id", ""), ("items[1].quantity", "1"),
            ("items[2].product_id", &cat.listed), ("items[2].quantity", "2"),
            ("items[3].product_id", &cat.both), ("items[3].duration_id", &cat.two_years), ("items[3].quantity", "1"),
        ]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        let at = done.location.expect("to the order's page");
        assert!(at.starts_with("/orders/"), "{at}");
        let page = b.get(&at).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        page.assert_has("Seats").assert_has("Scanner").assert_has("Storage")
            .assert_has("400.00 EUR").assert_has("199.98 EUR").assert_has("1,690.00 EUR")
            .assert_has("2,644.42 EUR").assert_has("448.84 EUR")
            .assert_has("id=\"order-total\">2,738.82 EUR")
            .assert_has("data-state=\"created\"")
            .assert_has("fill=\"#6b7280\"")
            .assert_has("value=\"sent\"").assert_has("value=\"cancelled\"")
            .assert_lacks("value=\"fulfilled\"")
            .assert_lacks("/reopen\"");
        // A bad line is named beside its own row, what was typed kept.
        let old = product(&app, "Old thing", "OLD", Some(("1", "EUR"))).await;
        let r = app.patch(&format!("/api/v1/products/{old}"), &app.admin.token, json!({"active": false}), None).await;
        assert_eq!(r.status, StatusCode::OK);
        let refused = b.post("/orders/new", &[
            ("items[0].product_id", &cat.listed), ("items[0].quantity", "1"),
            ("items[4].product_id", &old), ("items[4].quantity", "1"),
            ("description", "kept as typed"),
        ]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.html);
        refused.assert_has("id=\"f-items[4].product_id-error\"").assert_has("inactive").assert_has("kept as typed");
        // A rep has no price field, and a price sent anyway is refused.
        let rep = Browser::signed_in(&app, "rep@example.com").await;
        rep.get("/orders/new").await.assert_lacks("unit_price");
        let r = rep.post("/orders/new", &[("items[0].product_id", &cat.listed), ("items[0].quantity", "1"), ("items[0].unit_price", "1")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
        r.assert_has("may not set a line");
        assert_eq!(app.count("SELECT count(*) FROM orders").await, 1);
    }

    async fn an_orders_page_moves_it_freezes_it_and_an_admin_reopens_it(db) {
        let app = App::start(db).await;
        // A line with a duration: fulfilling the order opens its contract, which needs one.
        let cat = catalogue(&app).await;
        let o = order(&app, &app.rep.token, json!({"currency": "EUR", "description": "Page order",
            "items": [{"product_id": cat.listed, "quantity": 1, "duration_id": cat.year}]})).await;
        let id = o["id"].as_str().unwrap().to_owned();
        let uri = format!("/orders/{id}");
        let b = Browser::signed_in(&app, "rep@example.com").await;
        let moved = b.post(&format!("{uri}/move"), &[("to", "sent"), ("reason", "to the lab"), ("version", "1")]).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.html);
        assert_eq!(moved.location.as_deref(), Some(uri.as_str()));
        // A stale page, and a move the table does not allow, are refused on the page.
        let stale = b.post(&format!("{uri}/move"), &[("to", "in_fulfillment"), ("version", "1")]).await;
        assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", stale.html);
        stale.assert_has("Someone changed this record");
        let r = b.post(&format!("{uri}/move"), &[("to", "fulfilled")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        r.assert_has("allows no move from sent to fulfilled");
        for to in ["in_fulfillment", "fulfilled"] {
            let r = b.post(&format!("{uri}/move"), &[("to", to)]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        }
        let frozen = b.get(&uri).await;
        frozen.assert_has("data-state=\"fulfilled\"").assert_has("frozen")
            .assert_lacks("form class=\"moves\"").assert_lacks("/reopen\"")
            .assert_has("to the lab");
        // Reopening is the administrators', with a reason.
        let r = b.post(&format!("{uri}/reopen"), &[("reason", "mine")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        r.assert_has("may not reopen");
        let admin = Browser::signed_in(&app, "admin@example.com").await;
        let page = admin.get(&uri).await;
        page.assert_has(&format!("action=\"/orders/{id}/reopen\"")).assert_has("Where it was before");
        let r = admin.post(&format!("{uri}/reopen"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        r.assert_has("id=\"f-reopen-reason-error\"");
        let r = admin.post(&format!("{uri}/reopen"), &[("reason", "wrong parts")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        let page = b.get(&uri).await;
        page.assert_has("data-state=\"in_fulfillment\"").assert_has("reopened").assert_has("wrong parts")
            .assert_has("value=\"fulfilled\"");
        // Out of sight is the 404 page.
        let other = Browser::signed_in(&app, "rep2@example.com").await;
        assert_eq!(other.get(&uri).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other.post(&format!("{uri}/move"), &[("to", "cancelled")]).await.status, StatusCode::NOT_FOUND);
    }

    async fn the_list_filters_by_state_and_shows_each_role_its_own(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let own = created(&app, a, "/api/v1/accounts", json!({"name": "Partner Lab", "kind": "partner"})).await;
        make_user(&app.store, Role::Partner, "partner@example.com", Some(id_of(&own))).await;
        make_user(&app.store, Role::Fulfiller, "fulfiller@example.com", None).await;
        let internal = order(&app, &app.rep.token, json!({"currency": "EUR", "description": "Rep order"})).await;
        let theirs = order(&app, a, json!({"currency": "USD", "partner_id": own["id"]})).await;
        let sent = format!("/api/v1/orders/{}/transitions", internal["id"].as_str().unwrap());
        for to in ["sent", "in_fulfillment"] {
            created(&app, a, &sent, json!({"to": to})).await;
        }
        let admin = Browser::signed_in(&app, "admin@example.com").await;
        let all = admin.get("/orders").await;
        assert_eq!(all.status, StatusCode::OK, "{}", all.html);
        all.assert_has(internal["order_number"].as_str().unwrap())
            .assert_has(theirs["order_number"].as_str().unwrap())
            .assert_has("Export CSV").assert_has("/api/v1/orders?format=csv")
            .assert_has("data-live-search").assert_has("id=\"results\" data-refresh");
        let filtered = admin.get("/orders?state=in_fulfillment").await;
        filtered.assert_has(internal["order_number"].as_str().unwrap())
            .assert_lacks(theirs["order_number"].as_str().unwrap())
            .assert_has("<option value=\"in_fulfillment\" selected");
        let partner = Browser::signed_in(&app, "partner@example.com").await;
        let mine = partner.get("/orders").await;
        mine.assert_has(theirs["order_number"].as_str().unwrap())
            .assert_lacks(internal["order_number"].as_str().unwrap())
            .assert_lacks("Export CSV").assert_has("New order");
        let fulfiller = Browser::signed_in(&app, "fulfiller@example.com").await;
        let work = fulfiller.get("/orders").await;
        work.assert_has(internal["order_number"].as_str().unwrap())
            .assert_lacks(theirs["order_number"].as_str().unwrap())
            .assert_lacks("New order");
        let page = fulfiller.get(&format!("/orders/{}", internal["id"].as_str().unwrap())).await;
        page.assert_has("value=\"fulfilled\"");
        let bad = admin.get("/orders?sort=price").await;
        assert_eq!(bad.status, StatusCode::OK);
        bad.assert_has("cannot sort by");
    }

    async fn an_orders_timeline_takes_comments_and_tasks_and_hides_internal_ones(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let own = created(&app, a, "/api/v1/accounts", json!({"name": "Partner Lab", "kind": "partner"})).await;
        make_user(&app.store, Role::Partner, "partner@example.com", Some(id_of(&own))).await;
        let o = order(&app, a, json!({"currency": "EUR", "partner_id": own["id"]})).await;
        let uri = format!("/orders/{}", o["id"].as_str().unwrap());
        let admin = Browser::signed_in(&app, "admin@example.com").await;
        let page = admin.get(&uri).await;
        page.assert_has("id=\"timeline-card\"").assert_has("Add a comment").assert_has("name=\"internal\"")
            .assert_has("Created as");
        let r = admin.post(&format!("{uri}/activities"), &[("kind", "comment"), ("body", "Lab says Tuesday"), ("internal", "on")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        assert_eq!(r.location.as_deref(), Some(uri.as_str()));
        let r = admin.post(&format!("{uri}/activities"), &[("kind", "task"), ("subject", "Call the lab"), ("due_at", "2030-01-02T09:00")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        // A comment without a body is refused beside its field.
        let r = admin.post(&format!("{uri}/activities"), &[("kind", "comment")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
        r.assert_has("id=\"f-comment-body-error\"").assert_has("is required for a comment");
        admin.get(&uri).await.assert_has("Lab says Tuesday").assert_has("internal").assert_has("Call the lab");
        // The partner sees the task but not the internal comment, and comments itself.
        let partner = Browser::signed_in(&app, "partner@example.com").await;
        let theirs = partner.get(&uri).await;
        theirs.assert_has("Call the lab").assert_lacks("Lab says Tuesday").assert_lacks("name=\"internal\"");
        let r = partner.post(&format!("{uri}/activities"), &[("kind", "comment"), ("body", "Thanks!")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        admin.get(&uri).await.assert_has("Thanks!");
        // A viewer reads the timeline but gets no forms.
        let viewer = Browser::signed_in(&app, "viewer@example.com").await;
        viewer.get(&uri).await.assert_has("Thanks!").assert_lacks("Add a comment");
    }

    async fn an_order_is_edited_with_its_lines_in_one_save_and_deleted_by_an_admin(db) {
        let app = App::start(db).await;
        let cat = catalogue(&app).await;
        // A manager's hand-set price on the first line.
        let o = order(&app, &app.manager.token, json!({"currency": "EUR", "description": "First", "owner_id": app.rep.user.id,
            "items": [{"product_id": cat.listed, "quantity": 2, "unit_price": "80"},
                      {"product_id": cat.monthly, "quantity": 3, "duration_id": cat.year}]})).await;
        let id = o["id"].as_str().unwrap().to_owned();
        let uri = format!("/orders/{id}");
        let rep = Browser::signed_in(&app, "rep@example.com").await;
        let page = rep.get(&uri).await;
        page.assert_has(&format!("href=\"{uri}/edit\"")).assert_lacks(&format!("action=\"{uri}/delete\""));
        let form = rep.get(&format!("{uri}/edit")).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.html);
        form.assert_has("Save order").assert_has("name=\"version\" value=\"1\"").assert_has(">First</textarea>")
            .assert_has(&format!("<option value=\"{}\" selected", cat.listed));
        // The rep changes the description and leaves the lines: the hand-set price stays
        // (the rep may not set one, so pricing the lines again would be refused).
        let mut fields: Vec<(String, String)> = vec![
            ("version".into(), "1".into()), ("currency".into(), "EUR".into()), ("description".into(), "Second".into()),
            ("order_type_id".into(), MAIN.into()), ("priority".into(), "normal".into()),
            ("items[0].product_id".into(), cat.listed.clone()), ("items[0].quantity".into(), "2".into()),
            ("items[0].unit_price".into(), "80".into()),
            ("items[1].product_id".into(), cat.monthly.clone()), ("items[1].quantity".into(), "3".into()),
            ("items[1].duration_id".into(), cat.year.clone()),
        ];
        let lines_were = form.html.split("name=\"lines_were\" value=\"").nth(1).and_then(|r| r.split('"').next()).map(str::to_owned);
        let send = |extra: &[(&str, &str)], fields: &[(String, String)]| {
            let mut all: Vec<(String, String)> = fields.to_vec();
            if let Some(w) = &lines_were { all.push(("lines_were".into(), w.replace("&quot;", "\"").replace("&amp;", "&"))); }
            for (k, v) in extra { all.retain(|(n, _)| n != k); all.push(((*k).into(), (*v).into())); }
            all
        };
        let pairs = send(&[], &fields);
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = rep.post(&format!("{uri}/edit"), &refs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        let now = app.get(&format!("/api/v1/orders/{id}"), &app.admin.token).await.body;
        assert_eq!((now["description"].as_str(), now["version"].as_i64()), (Some("Second"), Some(2)));
        assert_eq!(now["items"][0]["unit_price"], "80.00");
        assert_eq!(now["items"][0]["price_overridden"], true);
        // A stale page is refused, and so is a changed line with a bad quantity: nothing
        // of that save is written, the description included.
        let stale = send(&[("description", "Third")], &fields);
        let refs: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = rep.post(&format!("{uri}/edit"), &refs).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
        r.assert_has("Someone changed this record");
        fields[0].1 = "2".into();
        let bad = send(&[("description", "Third"), ("items[1].quantity", "0")], &fields);
        let refs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = Browser::signed_in(&app, "manager@example.com").await.post(&format!("{uri}/edit"), &refs).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
        r.assert_has("id=\"f-items[1].quantity-error\"");
        assert_eq!(app.get(&format!("/api/v1/orders/{id}"), &app.admin.token).await.body["description"], "Second");
        // A manager changes a line: the lines are priced again, the total follows.
        let good = send(&[("items[1].quantity", "11")], &fields);
        let refs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = Browser::signed_in(&app, "manager@example.com").await.post(&format!("{uri}/edit"), &refs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        let now = app.get(&format!("/api/v1/orders/{id}"), &app.admin.token).await.body;
        assert_eq!(now["items"][1]["quantity"], 11);
        assert_eq!(now["items"][1]["unit_price"], "10.00", "the ladder's second tier");
        // Only an admin deletes, from the order's page.
        let r = rep.post(&format!("{uri}/delete"), &[("version", "3")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
        let admin = Browser::signed_in(&app, "admin@example.com").await;
        admin.get(&uri).await.assert_has(&format!("action=\"{uri}/delete\""));
        let r = admin.post(&format!("{uri}/delete"), &[("version", "3")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        assert_eq!(r.location.as_deref(), Some("/orders"));
        assert_eq!(admin.get(&uri).await.status, StatusCode::NOT_FOUND);
    }

    async fn an_orders_work_is_planned_on_its_page_and_ticked_off_by_the_fulfiller(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let fulfiller = make_user(&app.store, Role::Fulfiller, "fulfiller@example.com", None).await;
        let own = created(&app, a, "/api/v1/accounts", json!({"name": "Partner Lab", "kind": "partner"})).await;
        make_user(&app.store, Role::Partner, "partner@example.com", Some(id_of(&own))).await;
        let o = order(&app, a, json!({"currency": "EUR", "partner_id": own["id"]})).await;
        let id = o["id"].as_str().unwrap().to_owned();
        let uri = format!("/orders/{id}");
        let admin = Browser::signed_in(&app, "admin@example.com").await;
        admin.get(&uri).await.assert_has("id=\"work\"").assert_has("No project yet.").assert_has("Add project");
        // A project without a name is refused beside its field; then one is added.
        let r = admin.post(&format!("{uri}/projects"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
        r.assert_has("id=\"f-project-name-error\"");
        let r = admin.post(&format!("{uri}/projects"), &[("name", "Upper arch")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        let projects = app.get(&format!("/api/v1/projects?order_id={id}"), a).await;
        let project = projects.body["data"][0]["id"].as_str().unwrap().to_owned();
        let r = admin.post(&format!("/projects/{project}/tasks"), &[("title", "Mill the aligner"), ("assignee_id", &fulfiller.user.id.to_string())]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        assert_eq!(r.location.as_deref(), Some(uri.as_str()));
        admin.get(&uri).await.assert_has("Upper arch").assert_has("Mill the aligner").assert_has("data-task-status=\"pending\"");
        // The partner reads the work but plans none of it.
        let partner = Browser::signed_in(&app, "partner@example.com").await;
        partner.get(&uri).await.assert_has("Mill the aligner").assert_lacks("Add project")
            .assert_lacks(&format!("action=\"/projects/{project}/tasks\""));
        // In fulfilment, the fulfiller sees the order and ticks the task off.
        for to in ["sent", "in_fulfillment"] {
            created(&app, a, &format!("/api/v1/orders/{id}/transitions"), json!({"to": to})).await;
        }
        let f = Browser::signed_in(&app, "fulfiller@example.com").await;
        f.get("/home").await.assert_has("My open tasks").assert_has("Mill the aligner").assert_has(&format!("href=\"{uri}#work\""));
        let page = f.get(&uri).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        page.assert_has("Mill the aligner").assert_lacks("Add project");
        let task = app.get(&format!("/api/v1/tasks?project_id={project}"), a).await.body["data"][0].clone();
        let r = f.post(&format!("/tasks/{}/done", task["id"].as_str().unwrap()), &[("version", "1")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        f.get(&uri).await.assert_has("data-task-status=\"completed\"");
        f.get("/home").await.assert_lacks("My open tasks");
        let done = app.get(&format!("/api/v1/tasks/{}", task["id"].as_str().unwrap()), a).await;
        assert_eq!(done.body["status"], "completed");
        assert!(!done.body["completed_at"].is_null());
    }
}
