//! The distribution pages through the real router on both engines: the bulk paste (CSV
//! and tab-separated, all or nothing, errors against their rows), the log, linking
//! legacy names (dry run, then apply), lot trace, and the sales dashboard following the
//! log, with each role's refusals as pages.

use axum::http::StatusCode;
use rapport_db::both_engines;
use serde_json::json;

use crate::support::App;
use crate::ui_support::Browser;

/// A ship date inside this calendar year that the log accepts: today.
fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

/// The number a dashboard figure shows, by its element id.
fn figure(html: &str, id: &str) -> i64 {
    let marker = format!("id=\"{id}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {id} in:\n{html}"))
        + marker.len();
    let end = html[start..].find('<').expect("closing tag") + start;
    html[start..end].parse().expect("a whole number")
}

fn href_starting(html: &str, prefix: &str) -> String {
    let marker = format!("href=\"{prefix}");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no link to {prefix} in:\n{html}"))
        + "href=\"".len();
    let end = html[start..].find('"').expect("end of href") + start;
    html[start..end].replace("&amp;", "&")
}

async fn entries(app: &App) -> i64 {
    app.count("SELECT COUNT(*) FROM distributions").await
}

both_engines! {
    async fn pasting_csv_rows_records_exactly_those_rows(db) {
        let app = App::start(db).await;
        let b = Browser::signed_in(&app, "manager@example.com").await;
        let form = b.get("/distributions/bulk").await;
        assert_eq!(form.status, StatusCode::OK);
        form.assert_has("<textarea id=\"rows\"")
            .assert_has("type=\"file\" accept=\".csv,text/csv\" data-into=\"rows\" data-js-only hidden")
            .assert_has("customer_name");
        let d = today();
        let paste = format!(
            "ship_date,sku,quantity,lot_number,customer_name,order_number\r\n\
             {d},UI-1,5,LOT-A,\"Hospital, North\",SO-1\r\n\
             {d},UI-2,7,LOT-B,Clinic B,SO-2\r\n"
        );
        let done = b.post("/distributions/bulk", &[("rows", &paste)]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        assert_eq!(done.location.as_deref(), Some("/distributions?created=2"));
        assert_eq!(entries(&app).await, 2);
        let api = app.get("/api/v1/distributions?sku=UI-1", &app.manager.token).await;
        let rows = api.body["data"].as_array().expect("data");
        assert_eq!(rows.len(), 1, "{}", api.body);
        assert_eq!(rows[0]["customer_name"], "Hospital, North");
        assert_eq!(rows[0]["quantity"], 5);
        assert_eq!(rows[0]["lot_number"], "LOT-A");
        assert_eq!(rows[0]["source"], "import");
        let log = b.get("/distributions?created=2").await;
        assert_eq!(log.status, StatusCode::OK, "{}", log.html);
        log.assert_has("2 shipments recorded").assert_has("Hospital, North").assert_has("LOT-B")
            .assert_has("div id=\"results\" data-refresh")
            .assert_has("href=\"/api/v1/distributions?format=csv\"");
        // The filters are the list's own: a lot narrows it.
        b.get("/distributions?lot_number=LOT-B").await.assert_has("Clinic B").assert_lacks("Hospital, North");
        // A filter the list does not take is said on the page, not a crash.
        let bad = b.get("/distributions?linked=maybe").await;
        assert_eq!(bad.status, StatusCode::OK);
        bad.assert_has("must be true or false");
    }

    async fn one_bad_row_records_nothing_and_is_named_against_its_row(db) {
        let app = App::start(db).await;
        let b = Browser::signed_in(&app, "manager@example.com").await;
        let d = today();
        let paste = format!("ship_date,sku,quantity\n{d},OK-1,3\n{d},BAD-1,0\n{d},OK-2,4\n");
        let refused = b.post("/distributions/bulk", &[("rows", &paste)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.html);
        assert_eq!(entries(&app).await, 0, "all or nothing");
        // The error sits in the second row, on its quantity cell, with the field named.
        let html = &refused.html;
        let row2 = html.find("Row 2</th>").expect("row 2 shown");
        let row3 = html.find("Row 3</th>").expect("row 3 shown");
        let bad = html.find("<td class=\"bad\">0</td>").expect("the bad cell marked");
        assert!(row2 < bad && bad < row3, "the marked cell is in row 2:\n{html}");
        assert_eq!(html.matches("class=\"bad\"").count(), 1, "only that cell:\n{html}");
        assert!(html[row2..row3].contains("<strong>quantity</strong>"), "{html}");
        refused.assert_has("Nothing was recorded");
        // The text is kept for correcting.
        refused.assert_has(&format!("{d},BAD-1,0"));
        // Corrected, it goes through.
        let fixed = paste.replace("BAD-1,0", "BAD-1,1");
        let done = b.post("/distributions/bulk", &[("rows", &fixed)]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        assert_eq!(entries(&app).await, 3);
        // Text that is not CSV at all is named on the box, the text kept.
        let unknown = b.post("/distributions/bulk", &[("rows", "sku,colour\nA,red")]).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        unknown.assert_has("rows-error").assert_has("colour").assert_has("sku,colour");
        assert_eq!(entries(&app).await, 3);
    }

    async fn a_tab_separated_paste_works(db) {
        let app = App::start(db).await;
        let b = Browser::signed_in(&app, "admin@example.com").await;
        let d = today();
        let paste = format!("ship_date\tsku\tquantity\tnotes\n{d}\tTAB-1\t3\tfirst, with a comma\n{d}\tTAB-2\t9\t\n");
        let done = b.post("/distributions/bulk", &[("rows", &paste)]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        assert_eq!(entries(&app).await, 2);
        let api = app.get("/api/v1/distributions?sku=TAB-1", &app.admin.token).await;
        assert_eq!(api.body["data"][0]["quantity"], 3, "{}", api.body);
        assert_eq!(api.body["data"][0]["notes"], "first, with a comma");
    }

    async fn the_sales_dashboard_follows_a_paste_and_links_its_csv(db) {
        let app = App::start(db).await;
        let b = Browser::signed_in(&app, "manager@example.com").await;
        let before = b.get("/dashboards/sales").await;
        assert_eq!(before.status, StatusCode::OK, "{}", before.html);
        let (orders, units) = (figure(&before.html, "total-orders"), figure(&before.html, "total-units"));
        let d = today();
        let paste = format!("ship_date,sku,quantity,order_number,customer_name\n{d},DASH-1,5,SO-1,Clinic A\n{d},DASH-2,7,SO-2,Clinic B\n");
        assert_eq!(b.post("/distributions/bulk", &[("rows", &paste)]).await.status, StatusCode::SEE_OTHER);
        let after = b.get("/dashboards/sales").await;
        assert_eq!(figure(&after.html, "total-orders"), orders + 2, "{}", after.html);
        assert_eq!(figure(&after.html, "total-units"), units + 12);
        after.assert_has("<svg").assert_has("DASH-2");
        // The CSV link is the API's, for the same period and filters, and agrees.
        let filtered = b.get("/dashboards/sales?interval=quarter&sku=DASH-1").await;
        assert_eq!(figure(&filtered.html, "total-units"), 5);
        let csv = href_starting(&filtered.html, "/api/v1/dashboards/sales?");
        let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
        assert_eq!(csv, format!("/api/v1/dashboards/sales?from={year}%2D01%2D01&to={}%2D01%2D01&interval=quarter&sku=DASH%2D1&format=csv", year + 1));
        let file = app.get(&csv, &app.manager.token).await;
        assert_eq!(file.status, StatusCode::OK);
        let text = String::from_utf8(file.raw).expect("utf-8");
        assert!(text.contains("total,,,1,5,1,"), "{text}");
        // A period backwards is named beside its field; so is an unknown interval.
        let bad = b.get("/dashboards/sales?from=2026-06-01&to=2026-02-01").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        bad.assert_has("f-to-error").assert_has("must be after from").assert_lacks("total-orders");
        let week = b.get("/dashboards/sales?interval=week").await;
        week.assert_has("f-interval-error");
        // The pipeline dashboard answers too.
        let pipeline = b.get("/dashboards/pipeline").await;
        assert_eq!(pipeline.status, StatusCode::OK, "{}", pipeline.html);
        pipeline.assert_has("Win rate");
    }

    async fn linking_is_a_dry_run_first_then_applied(db) {
        let app = App::start(db).await;
        let d = today();
        for (sku, name) in [("L-1", "Legacy Clinic"), ("L-2", "LEGACY CLINIC"), ("L-3", "Old Hospital")] {
            let r = app.post("/api/v1/distributions", &app.admin.token,
                json!({"ship_date": d, "sku": sku, "quantity": 1, "customer_name": name})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let unlinked = || app.count("SELECT COUNT(*) FROM distributions WHERE customer_id IS NULL");
        let b = Browser::signed_in(&app, "admin@example.com").await;
        let dry = b.get("/distributions/link").await;
        assert_eq!(dry.status, StatusCode::OK, "{}", dry.html);
        dry.assert_has("LEGACY CLINIC · Legacy Clinic").assert_has("Old Hospital")
            .assert_has("a new account would be created").assert_has("Link 3 entries");
        assert_eq!(unlinked().await, 3, "a dry run changes nothing");
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 0);
        let applied = b.post("/distributions/link", &[]).await;
        assert_eq!(applied.status, StatusCode::OK, "{}", applied.html);
        applied.assert_has("3 entries linked, 2 accounts created");
        assert_eq!(unlinked().await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 2);
        b.get("/distributions/link").await.assert_has("linked already");
        // Linking is for administrators: a manager gets the store's refusal.
        let m = Browser::signed_in(&app, "manager@example.com").await;
        let refused = m.get("/distributions/link").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        refused.assert_has("may not link distribution entries");
        assert_eq!(m.post("/distributions/link", &[]).await.status, StatusCode::FORBIDDEN);
    }

    async fn a_trace_shows_where_a_lot_went(db) {
        let app = App::start(db).await;
        let d = today();
        for (lot, qty, name) in [("LOT-9", 3, "Clinic North"), ("LOT-9", 4, "Clinic South"), ("LOT-10", 5, "Clinic Elsewhere")] {
            let r = app.post("/api/v1/distributions", &app.manager.token,
                json!({"ship_date": d, "sku": "TR-1", "lot_number": lot, "quantity": qty, "customer_name": name})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let b = Browser::signed_in(&app, "manager@example.com").await;
        let t = b.get("/distributions/trace?lot=LOT-9").await;
        assert_eq!(t.status, StatusCode::OK, "{}", t.html);
        t.assert_has("Clinic North").assert_has("Clinic South").assert_lacks("Clinic Elsewhere")
            .assert_has(&format!("<td>{d}</td>"));
        let both = b.get("/distributions/trace?lot=LOT-9&sku=TR-1").await;
        assert_eq!(both.status, StatusCode::BAD_REQUEST);
        both.assert_has("f-lot-error").assert_has("exactly one of lot and sku");
        b.get("/distributions/trace").await.assert_has("id=\"f-lot\"");
    }

    async fn a_viewer_gets_the_refusal_page(db) {
        let app = App::start(db).await;
        let b = Browser::signed_in(&app, "viewer@example.com").await;
        let d = today();
        let refused = b.post("/distributions/bulk", &[("rows", &format!("ship_date,sku,quantity\n{d},V-1,1\n"))]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
        refused.assert_has("Not allowed").assert_has("may not create distribution entries");
        assert_eq!(entries(&app).await, 0);
        assert_eq!(b.get("/distributions/link").await.status, StatusCode::FORBIDDEN);
    }
}
