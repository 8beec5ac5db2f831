//! Exports: `format=csv` (or `Accept: text/csv`) on the account, contact, lead and
//! distribution lists returns every matching row — the same filters, `q`, sort and scope
//! as the JSON list — as RFC 4180 CSV, refuses partner and distributor users, guards
//! against formula injection and is audited. Both engines.

use axum::http::{Method, StatusCode};
use http_body_util::BodyExt as _;
use rapport_db::both_engines;
use rapport_domain::Role;
use serde_json::{json, Value};
use tower::ServiceExt as _;

#[allow(unused_imports)]
use super::support::*;

/// An RFC 4180 reader, written apart from the server's writer so the test checks the
/// format rather than the code against itself.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(!quoted, "unterminated quoted cell");
    assert!(
        cell.is_empty() && record.is_empty(),
        "the last record must end in CRLF"
    );
    records
}

struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}: {:?}", self.header))
    }

    fn values(&self, name: &str) -> Vec<String> {
        let i = self.column(name);
        self.rows.iter().map(|r| r[i].clone()).collect()
    }

    fn row_with(&self, name: &str, value: &str) -> &Vec<String> {
        let i = self.column(name);
        self.rows
            .iter()
            .find(|r| r[i] == value)
            .unwrap_or_else(|| panic!("no row with {name} = {value:?}"))
    }
}

/// Exports `uri` as `token`, asserting a CSV attachment; returns it parsed.
async fn export(app: &App, uri: &str, token: &str) -> Csv {
    let sep = if uri.contains('?') { '&' } else { '?' };
    let r = app.get(&format!("{uri}{sep}format=csv"), token).await;
    csv_of(r, uri)
}

fn csv_of(r: Reply, uri: &str) -> Csv {
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&r.raw)
    );
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let resource = uri
        .trim_start_matches("/api/v1/")
        .split(['?', '/'])
        .next()
        .unwrap_or("");
    let today = chrono::Utc::now().format("%Y%m%d");
    assert_eq!(
        r.header("content-disposition"),
        Some(format!("attachment; filename=\"{resource}-{today}.csv\""))
    );
    let text = String::from_utf8(r.raw).expect("UTF-8");
    let mut records = parse_csv(&text);
    assert!(!records.is_empty(), "an export always has its header");
    let header = records.remove(0);
    for row in &records {
        assert_eq!(row.len(), header.len(), "every record has every column");
    }
    Csv {
        header,
        rows: records,
    }
}

/// Every item of a JSON list, following its cursors.
async fn json_all(app: &App, uri: &str, token: &str) -> Vec<Value> {
    let sep = if uri.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_uri = match &cursor {
            Some(c) => format!("{uri}{sep}limit=500&cursor={}", urlencode(c)),
            None => format!("{uri}{sep}limit=500"),
        };
        let r = app.get(&page_uri, token).await;
        assert_eq!(r.status, StatusCode::OK, "{page_uri}: {}", r.body);
        items.extend(r.body["data"].as_array().expect("data").iter().cloned());
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// What a JSON value reads as in a cell (the server's rule, stated independently).
fn cell_of(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell_of).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

fn guarded(s: &str) -> String {
    let number = s
        .trim_start_matches(['-', '+'])
        .split('.')
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !number {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// The CSV holds exactly the JSON items' fields (objects spread into `parent.child`
/// columns), each cell what the JSON says.
fn assert_same_as_json(csv: &Csv, items: &[Value]) {
    let first = items.first().expect("an item");
    let mut expected_columns = Vec::new();
    for (key, value) in first.as_object().expect("object") {
        // Objects other than metadata (free-form) are spread; their keys do not vary.
        let spread = key.ends_with("address");
        if spread {
            let parts = [
                "street",
                "street2",
                "city",
                "region",
                "postal_code",
                "country",
            ];
            if let Value::Object(o) = value {
                let mut keys: Vec<&String> = o.keys().collect();
                keys.sort();
                let mut want: Vec<&str> = parts.to_vec();
                want.sort();
                assert_eq!(
                    keys, want,
                    "{key} has other parts than the export's columns"
                );
            }
            expected_columns.extend(parts.iter().map(|p| format!("{key}.{p}")));
        } else {
            expected_columns.push(key.clone());
        }
    }
    let mut header = csv.header.clone();
    header.sort();
    expected_columns.sort();
    assert_eq!(
        header, expected_columns,
        "the export's columns are the JSON item's fields"
    );
    assert_eq!(csv.rows.len(), items.len());
    for item in items {
        let id = item["id"].as_str().expect("id");
        let row = csv.row_with("id", id);
        for (i, column) in csv.header.iter().enumerate() {
            let value = column
                .split('.')
                .try_fold(item, |v, k| v.get(k))
                .unwrap_or(&Value::Null);
            assert_eq!(row[i], guarded(&cell_of(value)), "{id} {column}");
        }
    }
}

both_engines! {
    async fn an_export_has_every_row_across_pages(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        // More than two export pages (500 rows each).
        let items: Vec<Value> = (0..1201)
            .map(|i| json!({"ship_date": format!("2026-0{}-{:02}", 1 + i % 3, 1 + i % 28), "sku": format!("K-{}", i % 7),
                            "quantity": 1 + i, "customer_name": format!("Clinic {i}"), "lot_number": "L1"}))
            .collect();
        let r = app.post("/api/v1/distributions/bulk", t, json!({"items": items})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

        let csv = export(&app, "/api/v1/distributions", t).await;
        assert_eq!(csv.rows.len(), 1201);
        let mut got = csv.values("id");
        got.sort();
        got.dedup();
        assert_eq!(got.len(), 1201, "no row twice");
        // In the list's own order, row for row.
        let listed = json_all(&app, "/api/v1/distributions", t).await;
        assert_eq!(csv.values("id"), ids(&listed));
        assert_same_as_json(&csv, &listed);

        // Streamed a page at a time, not built whole: a chunk per page of 500.
        let req = axum::http::Request::builder()
            .uri("/api/v1/distributions?format=csv")
            .header("authorization", format!("Bearer {t}"))
            .body(axum::body::Body::empty())
            .expect("request");
        let res = app.router.clone().oneshot(req).await.expect("router");
        let mut body = res.into_body();
        let mut chunks = 0;
        while let Some(frame) = body.frame().await {
            if frame.expect("frame").data_ref().is_some() {
                chunks += 1;
            }
        }
        assert_eq!(chunks, 3);

        // A filter and a sort over several pages too.
        let csv = export(&app, "/api/v1/distributions?sku=K-3&sort=quantity", t).await;
        let listed = json_all(&app, "/api/v1/distributions?sku=K-3&sort=quantity", t).await;
        assert_eq!(listed.len(), 172);
        assert_eq!(csv.values("id"), ids(&listed));
        let quantities: Vec<i64> = csv.values("quantity").iter().map(|q| q.parse().expect("int")).collect();
        assert!(quantities.windows(2).all(|w| w[0] < w[1]), "sorted as asked");
    }

    async fn each_export_has_the_fields_of_the_json_item(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let account = app.account(t, json!({
            "name": "Clinique du Parc", "kind": "facility", "tags": ["vip", "north"],
            "billing_address": {"street": "1 rue A", "city": "Lille", "country": "fr"},
            "metadata": {"source": "import", "n": 2}, "phone": "+33 1 23 45 67 89",
        })).await;
        let contact = app.post("/api/v1/contacts", t, json!({
            "first_name": "Anne", "last_name": "Martin", "email": "anne@example.com",
            "address": {"city": "Lyon", "country": "FR"}, "date_of_birth": "1980-02-03",
        })).await;
        assert_eq!(contact.status, StatusCode::CREATED, "{}", contact.body);
        let lead = app.post("/api/v1/leads", t, json!({
            "title": "Scanner", "account_id": account["id"], "value": "99999999999999.9999", "currency": "EUR",
            "expected_close_date": "2026-09-30",
        })).await;
        assert_eq!(lead.status, StatusCode::CREATED, "{}", lead.body);
        let small = app.post("/api/v1/leads", t, json!({"title": "Gloves", "value": "1234.5", "currency": "EUR"})).await;
        assert_eq!(small.status, StatusCode::CREATED, "{}", small.body);
        let r = app.post("/api/v1/distributions", t, json!({
            "ship_date": "2026-02-10", "sku": "S-1", "quantity": 3, "customer_id": account["id"], "lot_number": "L-9",
        })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

        for uri in ["/api/v1/accounts", "/api/v1/contacts", "/api/v1/leads", "/api/v1/distributions"] {
            let csv = export(&app, uri, t).await;
            assert_same_as_json(&csv, &json_all(&app, uri, t).await);
        }
        // Money is the exact decimal string, at the currency's minor units.
        let leads = export(&app, "/api/v1/leads", t).await;
        let value = leads.column("value");
        assert_eq!(leads.row_with("title", "Scanner")[value], "99999999999999.9999");
        assert_eq!(leads.row_with("title", "Gloves")[value], "1234.50");
        let accounts = export(&app, "/api/v1/accounts", t).await;
        let row = accounts.row_with("name", "Clinique du Parc");
        assert_eq!(row[accounts.column("tags")], "vip;north");
        assert_eq!(row[accounts.column("billing_address.country")], "FR");
        assert_eq!(row[accounts.column("service_address.city")], "");
        assert_eq!(row[accounts.column("phone")], "'+33 1 23 45 67 89");
        let meta: Value = serde_json::from_str(&row[accounts.column("metadata")]).expect("metadata is JSON");
        assert_eq!(meta, json!({"source": "import", "n": 2}));
        // The header comes first even when nothing matches.
        let none = export(&app, "/api/v1/accounts?kind=office", t).await;
        assert!(none.rows.is_empty());
        assert_eq!(none.header[..3], ["id", "kind", "name"]);
    }

    async fn filters_q_and_sort_apply_as_in_the_json_list(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        for (name, kind, tags) in [
            ("Acme Logistics", "customer", json!(["vip"])),
            ("Acme Medical", "prospect", json!(["vip"])),
            ("Acme Archive", "customer", json!([])),
            ("Zenith Care", "customer", json!(["vip"])),
            ("Beta Clinic", "customer", json!([])),
        ] {
            app.account(t, json!({"name": name, "kind": kind, "tags": tags})).await;
        }
        let archived = app.account(t, json!({"name": "Acme Gone"})).await;
        let r = app.post(&format!("/api/v1/accounts/{}/archive", archived["id"].as_str().unwrap()), t, json!({})).await;
        assert_eq!(r.status, StatusCode::OK);

        for (query, names) in [
            ("q=acme", vec!["Acme Archive", "Acme Logistics", "Acme Medical"]),
            ("q=acme&kind=customer&sort=-name", vec!["Acme Logistics", "Acme Archive"]),
            ("tag=vip&sort=name", vec!["Acme Logistics", "Acme Medical", "Zenith Care"]),
            ("archived=all&q=acme&sort=name", vec!["Acme Archive", "Acme Gone", "Acme Logistics", "Acme Medical"]),
            ("kind=prospect", vec!["Acme Medical"]),
        ] {
            let uri = format!("/api/v1/accounts?{query}");
            let csv = export(&app, &uri, t).await;
            let listed = json_all(&app, &uri, t).await;
            assert_eq!(csv.values("id"), ids(&listed), "{query}: the export and the list agree, in order");
            let mut got = csv.values("name");
            if !query.contains("sort") {
                got.sort();
            }
            assert_eq!(got, names, "{query}");
        }
        // Accept: text/csv asks for the same thing; format=json overrides it.
        let r = app.call_with(Method::GET, "/api/v1/accounts?kind=prospect", t, None, &[("accept", "text/csv")]).await;
        let csv = csv_of(r, "/api/v1/accounts");
        assert_eq!(csv.values("name"), ["Acme Medical"]);
        let r = app.call_with(Method::GET, "/api/v1/accounts?kind=prospect&format=json", t, None, &[("accept", "text/csv")]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body["data"][0]["name"], "Acme Medical");
        // Contacts, leads and distributions take their filters too.
        let acme = json_all(&app, "/api/v1/accounts?q=acme%20logistics", t).await;
        let acme_id = acme[0]["id"].as_str().unwrap().to_owned();
        for (first, last) in [("Anne", "Martin"), ("Paul", "Durand")] {
            let c = app.post("/api/v1/contacts", t, json!({"first_name": first, "last_name": last})).await;
            assert_eq!(c.status, StatusCode::CREATED);
        }
        assert_eq!(export(&app, "/api/v1/contacts?q=durand", t).await.values("full_name"), ["Paul Durand"]);
        for (title, status) in [("One", "new"), ("Two", "qualified")] {
            let l = app.post("/api/v1/leads", t, json!({"title": title, "status": status, "account_id": acme_id})).await;
            assert_eq!(l.status, StatusCode::CREATED, "{}", l.body);
        }
        assert_eq!(export(&app, "/api/v1/leads?status=qualified", t).await.values("title"), ["Two"]);
        for body in [
            json!({"ship_date": "2026-01-05", "sku": "A", "quantity": 1, "customer_id": acme_id}),
            json!({"ship_date": "2026-01-05", "sku": "B", "quantity": 1, "customer_name": "Legacy"}),
        ] {
            let r = app.post("/api/v1/distributions", t, body).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        assert_eq!(export(&app, "/api/v1/distributions?linked=false", t).await.values("sku"), ["B"]);
    }

    async fn a_reps_export_holds_only_their_scope(db) {
        let app = App::start(db).await;
        let mine = app.account(&app.rep.token, json!({"name": "Mine Clinic"})).await;
        let theirs = app.account(&app.other_rep.token, json!({"name": "Theirs Clinic"})).await;
        for (token, account, who) in [(&app.rep.token, &mine, "Mine"), (&app.other_rep.token, &theirs, "Theirs")] {
            let c = app.post("/api/v1/contacts", token, json!({"first_name": who, "last_name": "Person"})).await;
            assert_eq!(c.status, StatusCode::CREATED, "{}", c.body);
            let l = app.post("/api/v1/leads", token, json!({"title": format!("{who} deal"), "account_id": account["id"]})).await;
            assert_eq!(l.status, StatusCode::CREATED, "{}", l.body);
            let d = app.post("/api/v1/distributions", token, json!({"ship_date": "2026-01-05", "sku": format!("{who}-SKU"),
                                                                    "quantity": 1, "customer_id": account["id"]})).await;
            assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
        }
        let theirs_id = theirs["id"].as_str().unwrap();
        for (uri, column) in [
            ("/api/v1/accounts", "name"),
            ("/api/v1/contacts", "first_name"),
            ("/api/v1/leads", "title"),
            ("/api/v1/distributions", "sku"),
        ] {
            let csv = export(&app, uri, &app.rep.token).await;
            let values = csv.values(column);
            assert_eq!(values.len(), 1, "{uri}: {values:?}");
            assert!(values[0].starts_with("Mine"), "{uri}: {values:?}");
            let text = csv.rows.concat().join(",");
            assert!(!text.contains("Theirs") && !text.contains(theirs_id), "{uri} leaks the other rep's records");
            // Searching for it finds nothing either (the log has no text search).
            if !uri.ends_with("distributions") {
                assert!(export(&app, &format!("{uri}?q=theirs"), &app.rep.token).await.rows.is_empty(), "{uri}");
            }
            // Roles that read everything export everything.
            for token in [&app.manager.token, &app.viewer.token, &app.restricted_admin.token] {
                assert_eq!(export(&app, uri, token).await.rows.len(), 2, "{uri}");
            }
        }
    }

    async fn partner_distributor_and_fulfiller_users_may_not_export(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let org = app.account(t, json!({"name": "Partner Org", "kind": "partner"})).await;
        let dist = app.account(t, json!({"name": "Dist Org", "kind": "distributor"})).await;
        let partner = make_user(&app.store, Role::Partner, "partner@example.com", Some(id_of(&org))).await;
        let distributor = make_user(&app.store, Role::Distributor, "distributor@example.com", Some(id_of(&dist))).await;
        let fulfiller = make_user(&app.store, Role::Fulfiller, "fulfiller@example.com", None).await;
        for user in [&partner, &distributor, &fulfiller] {
            for list in ["/api/v1/accounts", "/api/v1/contacts", "/api/v1/leads", "/api/v1/distributions"] {
                let refused = [
                    app.get(&format!("{list}?format=csv"), &user.token).await,
                    app.call_with(Method::GET, list, &user.token, None, &[("accept", "text/csv")]).await,
                ];
                for r in refused {
                    let r = r.problem(StatusCode::FORBIDDEN);
                    assert_eq!(r.field_errors(), [("format".to_owned(), "forbidden".to_owned())], "{list}");
                    assert!(r.body["detail"].as_str().is_some_and(|d| d.contains("may not export")), "{}", r.body);
                }
                // Their JSON lists still answer.
                assert_eq!(app.get(list, &user.token).await.status, StatusCode::OK, "{list}");
            }
        }
        assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'export'").await, 0, "a refused export is not an export");
    }

    async fn formulas_are_neutralised_and_quoting_round_trips(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let tricky = [
            ("=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")"),
            ("+SUM(A1:A2)", "'+SUM(A1:A2)"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@import", "'@import"),
            ("Smith, Jones & \"Partners\"\nsecond line", "Smith, Jones & \"Partners\"\nsecond line"),
            ("naïve café; ünïcode", "naïve café; ünïcode"),
        ];
        for (i, (notes, _)) in tricky.iter().enumerate() {
            app.account(t, json!({"name": format!("Tricky {i}"), "notes": notes, "legacy_id": format!("T-{i}")})).await;
        }
        let csv = export(&app, "/api/v1/accounts?sort=name", t).await;
        assert_eq!(csv.rows.len(), tricky.len());
        for (i, (_, expected)) in tricky.iter().enumerate() {
            let row = csv.row_with("legacy_id", &format!("T-{i}"));
            assert_eq!(row[csv.column("notes")], *expected, "notes of Tricky {i}");
        }
        // (Leading tabs and CRs, also guarded, cannot arrive through the API, which trims;
        // crates/store/src/csv.rs tests them.) A formula in a name is neutralised too.
        app.account(t, json!({"name": "=1+1 Clinic"})).await;
        let csv = export(&app, "/api/v1/accounts?q=clinic", t).await;
        assert_eq!(csv.values("name"), ["'=1+1 Clinic"]);
    }

    async fn every_export_is_audited_with_its_filters_and_row_count(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        for i in 0..3 {
            app.account(&app.rep.token, json!({"name": format!("Audit {i}"), "tags": ["vip"]})).await;
        }
        app.account(t, json!({"name": "Not vip"})).await;
        let csv = export(&app, "/api/v1/accounts?tag=vip&q=audit&sort=name", &app.rep.token).await;
        assert_eq!(csv.rows.len(), 3);
        export(&app, "/api/v1/leads", &app.viewer.token).await;

        let log = app.get("/api/v1/audit?action=export", t).await;
        assert_eq!(log.status, StatusCode::OK, "{}", log.body);
        let entries = log.body["data"].as_array().expect("data");
        assert_eq!(entries.len(), 2, "{}", log.body);
        let accounts = entries.iter().find(|e| e["entity_type"] == "account").expect("the accounts export");
        assert_eq!(accounts["action"], "export");
        assert_eq!(accounts["actor_id"], app.rep.user.id.to_string());
        assert_eq!(accounts["actor_email"], "rep@example.com");
        assert_eq!(accounts["entity_id"], Value::Null);
        assert_eq!(accounts["after"], json!({
            "resource": "accounts", "format": "csv", "filters": {"tag": ["vip"]},
            "q": "audit", "sort": "name", "rows": 3,
        }));
        let leads = entries.iter().find(|e| e["entity_type"] == "lead").expect("the leads export");
        assert_eq!(leads["actor_id"], app.viewer.user.id.to_string());
        assert_eq!(leads["after"]["rows"], 0);

        // Refused or invalid requests export nothing and are not recorded as exports.
        app.get("/api/v1/accounts?format=csv&colour=red", t).await.problem(StatusCode::BAD_REQUEST);
        app.get("/api/v1/accounts?format=xml", t).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'export'").await, 2);
    }

    async fn bad_input_answers_as_the_json_list_does(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        for list in ["/api/v1/accounts", "/api/v1/contacts", "/api/v1/leads", "/api/v1/distributions"] {
            let r = app.get(&format!("{list}?format=xml"), t).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(r.field_errors(), [("format".to_owned(), "enum".to_owned())], "{list}");
        }
        for query in [
            "colour=red",
            "sort=shoe_size",
            "sort=relevance",
            "created_after=yesterday",
            "owner_id=someone",
            "archived=maybe",
            "limit=0",
            "count=perhaps",
        ] {
            let json = app.get(&format!("/api/v1/accounts?{query}"), t).await;
            let csv = app.get(&format!("/api/v1/accounts?{query}&format=csv"), t).await;
            let (json, csv) = (json.problem(StatusCode::BAD_REQUEST), csv.problem(StatusCode::BAD_REQUEST));
            assert_eq!(csv.field_errors(), json.field_errors(), "{query}");
            assert_eq!(csv.body["detail"], json.body["detail"], "{query}");
        }
        for (list, query) in [
            ("/api/v1/leads", "probability=high"),
            ("/api/v1/distributions", "linked=perhaps"),
            ("/api/v1/contacts", "account_id=nope"),
        ] {
            let json = app.get(&format!("{list}?{query}"), t).await.problem(StatusCode::BAD_REQUEST);
            let csv = app.get(&format!("{list}?{query}&format=csv"), t).await.problem(StatusCode::BAD_REQUEST);
            assert_eq!(csv.field_errors(), json.field_errors(), "{list}?{query}");
        }
        // An export is every row: a cursor has no meaning, and include has no room.
        let r = app.get("/api/v1/accounts?format=csv&cursor=abc", t).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(r.field_errors(), [("cursor".to_owned(), "export".to_owned())]);
        let r = app.get("/api/v1/accounts?format=csv&include=contacts", t).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(r.field_errors(), [("include".to_owned(), "export".to_owned())]);
        // limit and count are the JSON page's; an export ignores them once valid.
        app.account(t, json!({"name": "One"})).await;
        app.account(t, json!({"name": "Two"})).await;
        assert_eq!(export(&app, "/api/v1/accounts?limit=1&count=true", t).await.rows.len(), 2);
    }

    async fn the_spec_describes_format_and_the_csv_answer(db) {
        let app = App::start(db).await;
        let spec = app.get("/api/v1/openapi.json", "").await;
        assert_eq!(spec.status, StatusCode::OK);
        for list in ["/api/v1/accounts", "/api/v1/contacts", "/api/v1/leads", "/api/v1/distributions"] {
            let op = &spec.body["paths"][list]["get"];
            let params = op["parameters"].as_array().expect("parameters");
            assert!(params.iter().any(|p| p["name"] == "format" && p["in"] == "query"), "{list}");
            let ok = op["responses"]["200"]["content"].as_object().expect("content");
            assert!(ok.contains_key("application/json") && ok.contains_key("text/csv"), "{list}: {ok:?}");
            for status in ["403", "422"] {
                assert!(op["responses"].get(status).is_some(), "{list} {status}");
            }
        }
    }
}
