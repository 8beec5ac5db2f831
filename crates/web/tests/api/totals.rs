//! `count=true` (docs/api.md "Totals"): kept figures answer exactly at any size; any
//! other count is exact up to its limit and a flagged lower bound past it.

use rapport_db::{both_engines, Dialect, Value};
use serde_json::{json, Value as Json};

use super::support::*;

/// Writes `n` new leads titled "Zed Smithers i" straight into the table (as a bulk load
/// behind Rapport's back would), then rebuilds the board's kept totals as one must after
/// such a load.
async fn bulk_leads(app: &App, n: i64) {
    let now = rapport_db::now();
    let sql = match app.store.db.dialect() {
        Dialect::Sqlite => {
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) \
             INSERT INTO leads (id, title, status, probability, title_key, search_text, created_at, updated_at) \
             SELECT printf('00000000-0000-7000-8000-%012d', i), 'Zed Smithers ' || i, 'new', 10, \
             'zedsmithers' || i, 'zed smithers ' || i, ?, ? FROM n"
        }
        Dialect::Postgres => {
            "INSERT INTO leads (id, title, status, probability, title_key, search_text, created_at, updated_at) \
             SELECT gen_random_uuid(), 'Zed Smithers ' || i, 'new', 10, 'zedsmithers' || i, \
             'zed smithers ' || i, ?, ? FROM generate_series(1, ?) AS i"
        }
    };
    let params: Vec<Value> = match app.store.db.dialect() {
        Dialect::Sqlite => vec![n.into(), now.into(), now.into()],
        Dialect::Postgres => vec![now.into(), now.into(), n.into()],
    };
    app.store
        .db
        .write(move |c| c.execute(sql, &params))
        .await
        .expect("bulk insert");
    rapport_store::pipeline::board::rebuild_totals(&app.store)
        .await
        .expect("rebuild totals");
}

fn total(r: &Reply) -> (i64, bool) {
    assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.body);
    (
        r.body["total"].as_i64().expect("total"),
        r.body["total_exact"].as_bool().expect("total_exact"),
    )
}

both_engines! {
    async fn totals_are_exact_below_their_limit_and_a_flagged_lower_bound_past_it(db) {
        let app = App::start(db).await;
        bulk_leads(&app, 10_001).await;
        let admin = &app.admin.token;

        // The kept figures hold "new leads, everyone's": exact past any limit.
        assert_eq!(total(&app.get("/api/v1/leads?status=new&count=true&limit=1", admin).await), (10_001, true));
        assert_eq!(total(&app.get("/api/v1/leads?count=true&limit=1", admin).await), (10_001, true));
        // A filter the kept figures do not hold: counted, and stopped at 10,000.
        assert_eq!(
            total(&app.get("/api/v1/leads?currency=null&count=true&limit=1", admin).await),
            (10_000, false)
        );
        // Archived leads are not in the kept figures: counted (none here).
        assert_eq!(total(&app.get("/api/v1/leads?archived=true&count=true", admin).await), (0, true));
        // Text search stops at 1,000; a narrower one is exact.
        assert_eq!(total(&app.get("/api/v1/leads?q=smithers&count=true&limit=5", admin).await), (1_000, false));
        let narrow = app.get("/api/v1/leads?q=zed%20smithers%2077&count=true&limit=500", admin).await;
        // 77, 770–779 and 7700–7799.
        assert_eq!(total(&narrow), (111, true));
        assert_eq!(narrow.body["data"].as_array().map(Vec::len), Some(111));
        // Without count=true there is neither.
        let plain = app.get("/api/v1/leads?status=new&limit=1", admin).await;
        assert!(plain.body.get("total").is_none() && plain.body.get("total_exact").is_none(), "{}", plain.body);
    }
}

/// Every row of a list, paged through.
async fn listed(app: &App, token: &str, query: &str) -> i64 {
    let mut n = 0;
    let mut cursor: Option<String> = None;
    loop {
        let uri = match &cursor {
            Some(c) => format!("/api/v1/leads?{query}&limit=500&cursor={}", urlencode(c)),
            None => format!("/api/v1/leads?{query}&limit=500"),
        };
        let r = app.get(&uri, token).await;
        n += r.body["data"].as_array().expect("data").len() as i64;
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return n,
        }
    }
}

both_engines! {
    // The kept figures move with every lead write made through Rapport: after creates,
    // a status change, an owner change and an archive, each kept total equals the rows
    // the same list pages through, and so does a rep's count (which is counted).
    async fn kept_totals_agree_with_the_listed_rows(db) {
        let app = App::start(db).await;
        let admin = app.admin.token.clone();
        let partner = app.account(&admin, json!({"kind": "partner", "name": "Channel Co"})).await;
        let partner_id = partner["id"].as_str().expect("id").to_owned();
        let mut ids = Vec::new();
        for (i, status) in ["new", "new", "contacted", "qualified", "new", "proposal"].iter().enumerate() {
            let mut body = json!({"title": format!("Deal {i}"), "status": status});
            if i % 2 == 0 {
                body["owner_id"] = json!(app.rep.user.id);
            }
            if i == 3 {
                body["partner_id"] = json!(partner_id);
            }
            let lead: Json = created(&app, &admin, "/api/v1/leads", body).await;
            ids.push(lead["id"].as_str().expect("id").to_owned());
        }
        let moved = app.patch(&format!("/api/v1/leads/{}", ids[0]), &admin, json!({"status": "contacted"}), None).await;
        assert_eq!(moved.status, axum::http::StatusCode::OK, "{}", moved.body);
        let reowned = app.patch(&format!("/api/v1/leads/{}", ids[1]), &admin, json!({"owner_id": app.rep.user.id}), None).await;
        assert_eq!(reowned.status, axum::http::StatusCode::OK, "{}", reowned.body);
        let archived = app.post(&format!("/api/v1/leads/{}/archive", ids[4]), &admin, json!({})).await;
        assert!(archived.status.is_success(), "{}", archived.body);

        let rep = app.rep.user.id;
        for query in [
            String::new(),
            "status=new".to_owned(),
            "status=new,contacted".to_owned(),
            // Repeated, a filter means "any of", as with commas.
            "status=contacted&status=proposal".to_owned(),
            format!("owner_id={rep}"),
            format!("owner_id={rep}&status=contacted"),
            format!("partner_id={partner_id}"),
            "archived=false&status=qualified".to_owned(),
        ] {
            let counted = app.get(&format!("/api/v1/leads?{query}&count=true&limit=1"), &admin).await;
            let rows = listed(&app, &admin, &query).await;
            assert_eq!(total(&counted), (rows, true), "{query}");
        }
        assert_eq!(listed(&app, &admin, "status=new").await, 1, "one new lead is left unarchived");
        assert_eq!(listed(&app, &admin, "status=contacted&status=proposal").await, 3);
        let mine = app.get("/api/v1/leads?count=true&limit=1", &app.rep.token).await;
        assert_eq!(total(&mine), (listed(&app, &app.rep.token, "").await, true));
    }
}
