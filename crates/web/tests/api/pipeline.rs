//! The sales pipeline over HTTP: leads and their status history, products and the active
//! cap, settings, and the pipeline board, each on both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use rapport_domain::Role;
use rapport_store::pipeline::board::{self as pipeline, BoardFilter};
use serde_json::{json, Value};

#[allow(unused_imports)]
use super::support::*;

async fn lead(app: &App, token: &str, body: Value) -> Value {
    let r = app.post("/api/v1/leads", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

fn statuses(history: &Reply) -> Vec<(Value, Value, Value, Value)> {
    history.body["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|h| {
            (
                h["old_status"].clone(),
                h["new_status"].clone(),
                h["reason"].clone(),
                h["reopened"].clone(),
            )
        })
        .collect()
}

fn column<'a>(board: &'a Value, status: &str) -> &'a Value {
    board["statuses"]
        .as_array()
        .and_then(|s| s.iter().find(|c| c["status"] == status))
        .expect("every status has a column")
}

/// The board through the API must equal the board added up from the leads themselves.
async fn assert_totals_match_leads(app: &App, filter: BoardFilter, query: &str) {
    let via_api = app
        .get(&format!("/api/v1/pipeline{query}"), &app.admin.token)
        .await;
    assert_eq!(via_api.status, StatusCode::OK, "{}", via_api.body);
    let actor = app.admin.user.actor();
    let from_leads = pipeline::board_from_leads(&app.store, &actor, filter)
        .await
        .expect("board");
    assert_eq!(
        via_api.body,
        serde_json::to_value(&from_leads).unwrap(),
        "kept totals drifted for {query:?}"
    );
}

/// A rep's board through the API (part of it read from the per-owner totals) must
/// equal the same board added up from the rep's leads.
async fn assert_rep_board_matches_leads(app: &App, filter: BoardFilter, query: &str) {
    let via_api = app
        .get(&format!("/api/v1/pipeline{query}"), &app.rep.token)
        .await;
    assert_eq!(via_api.status, StatusCode::OK, "{}", via_api.body);
    let actor = app.rep.user.actor();
    let from_leads = pipeline::board_from_leads(&app.store, &actor, filter)
        .await
        .expect("board");
    assert_eq!(
        via_api.body,
        serde_json::to_value(&from_leads).unwrap(),
        "rep board drifted for {query:?}"
    );
}

async fn check_board(app: &App, partner: uuid::Uuid) {
    let rep = app.rep.user.id;
    let other = app.other_rep.user.id;
    let may = |m: u32| chrono::NaiveDate::from_ymd_opt(2026, m, 1);
    let mid = chrono::NaiveDate::from_ymd_opt(2026, 2, 10);
    assert_rep_board_matches_leads(app, BoardFilter::default(), "").await;
    assert_rep_board_matches_leads(
        app,
        BoardFilter {
            owner_id: Some(rep),
            ..Default::default()
        },
        "?owner_id=me",
    )
    .await;
    assert_rep_board_matches_leads(
        app,
        BoardFilter {
            owner_id: Some(other),
            ..Default::default()
        },
        &format!("?owner_id={other}"),
    )
    .await;
    assert_rep_board_matches_leads(
        app,
        BoardFilter {
            partner_id: Some(partner),
            ..Default::default()
        },
        &format!("?partner_id={partner}"),
    )
    .await;
    assert_rep_board_matches_leads(
        app,
        BoardFilter {
            close_after: may(2),
            close_before: may(5),
            ..Default::default()
        },
        "?expected_close_after=2026-02-01&expected_close_before=2026-05-01",
    )
    .await;
    assert_rep_board_matches_leads(
        app,
        BoardFilter {
            close_after: mid,
            ..Default::default()
        },
        "?expected_close_after=2026-02-10",
    )
    .await;
    assert_totals_match_leads(app, BoardFilter::default(), "").await;
    assert_totals_match_leads(
        app,
        BoardFilter {
            owner_id: Some(rep),
            ..Default::default()
        },
        &format!("?owner_id={rep}"),
    )
    .await;
    assert_totals_match_leads(
        app,
        BoardFilter {
            partner_id: Some(partner),
            ..Default::default()
        },
        &format!("?partner_id={partner}"),
    )
    .await;
}

both_engines! {
    async fn a_lead_moves_through_the_pipeline_with_its_history(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let l = lead(&app, t, json!({
            "title": "Clinic rollout", "organization": "Sunrise Dental", "contact_name": "Ana Ruiz",
            "contact_email": "ana@sunrise.example", "value": "1234.5", "currency": "EUR",
            "expected_close_date": "2026-12-15", "acquisition_source": "trade show"
        })).await;
        let id = id_of(&l);
        assert_eq!(l["status"], "new");
        assert_eq!(l["probability"], 10, "the status's default probability");
        assert_eq!(l["value"], "1234.50", "money is a decimal string in the currency's units");
        assert_eq!(l["owner_id"], json!(app.rep.user.id), "a rep owns what they create");
        let uri = format!("/api/v1/leads/{id}");

        // Seed 002's alias; the probability follows the status unless given.
        let r = app.patch(&uri, t, json!({"status": "qualified", "status_reason": "budget confirmed"}), Some("\"1\"")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!((r.body["status"].clone(), r.body["probability"].clone()), (json!("qualified"), json!(40)));
        let r = app.patch(&uri, t, json!({"status": "proposal", "probability": 55}), None).await;
        assert_eq!(r.body["probability"], 55);

        // Lost needs a reason; nothing is written without one.
        let r = app.patch(&uri, t, json!({"status": "closed_lost"}), None).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("lost_reason".to_owned(), "depends".to_owned())]);
        assert_eq!(app.get(&uri, t).await.body["status"], "proposal");
        let r = app.patch(&uri, t, json!({"status": "closed_lost", "lost_reason": "went with a competitor"}), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["status"], "lost");
        assert!(r.body["closed_at"].is_string());

        // Lost is final until reopened, which is recorded.
        let r = app.patch(&uri, t, json!({"status": "negotiation"}), None).await.problem(StatusCode::CONFLICT);
        assert!(r.body["detail"].as_str().unwrap_or("").contains("reopen"), "{}", r.body);
        app.post(&format!("{uri}/reopen"), t, json!({"status": "won", "reason": "x"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        app.post(&format!("{uri}/reopen"), t, json!({"status": "negotiation"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        let r = app.post(&format!("{uri}/reopen"), t, json!({"status": "negotiation", "reason": "competitor fell through"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!((r.body["status"].clone(), r.body["probability"].clone()), (json!("negotiation"), json!(80)));
        assert_eq!(r.body["lost_reason"], Value::Null);
        assert_eq!(r.body["closed_at"], Value::Null);
        app.post(&format!("{uri}/reopen"), t, json!({"status": "proposal", "reason": "again"})).await.problem(StatusCode::CONFLICT);

        let h = app.get(&format!("{uri}/history"), t).await;
        assert_eq!(h.status, StatusCode::OK, "{}", h.body);
        assert_eq!(statuses(&h), vec![
            (Value::Null, json!("new"), Value::Null, json!(false)),
            (json!("new"), json!("qualified"), json!("budget confirmed"), json!(false)),
            (json!("qualified"), json!("proposal"), Value::Null, json!(false)),
            (json!("proposal"), json!("lost"), Value::Null, json!(false)),
            (json!("lost"), json!("negotiation"), json!("competitor fell through"), json!(true)),
        ]);
        assert_eq!(h.body["data"][1]["changed_by"], json!(app.rep.user.id));

        // Winning a lead without an account converts it: find-or-create by company key.
        let existing = app.account(&app.admin.token, json!({"name": "SUNRISE DENTAL", "owner_id": app.rep.user.id})).await;
        let r = app.patch(&uri, t, json!({"status": "won"}), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["account_id"], existing["id"], "the existing account is found, not duplicated");
        let fresh = lead(&app, t, json!({"title": "New shop", "organization": "Brand New Labs", "status": "won"})).await;
        let created = app.get(&format!("/api/v1/accounts/{}", fresh["account_id"].as_str().unwrap()), t).await;
        assert_eq!(created.body["name"], "Brand New Labs");
        let r = app.post("/api/v1/leads", t, json!({"title": "Nameless", "status": "won"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors()[0].0, "organization");
        // An organisation with no letter or digit can name no account: named, not a
        // database error (the contract run found it).
        let r = app.post("/api/v1/leads", t, json!({"title": "Symbols", "organization": "— ★ —", "status": "won"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("organization".to_owned(), "letters_or_digits".to_owned())]);

        // Every change is audited.
        assert!(app.audit_of("lead", id).await.len() >= 6);
    }

    async fn bad_leads_are_refused_with_every_field_named(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let before = app.count("SELECT COUNT(*) FROM leads").await;
        let r = app.post("/api/v1/leads", t, json!({
            "status": "maybe", "probability": 150, "value": "-3", "currency": "XYZ",
            "expected_close_date": "next week", "contact_email": "nope"
        })).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        let mut got = r.field_errors();
        got.sort();
        assert_eq!(got, vec![
            ("contact_email".to_owned(), "email".to_owned()),
            ("currency".to_owned(), "iso4217".to_owned()),
            ("expected_close_date".to_owned(), "date".to_owned()),
            ("probability".to_owned(), "range".to_owned()),
            ("status".to_owned(), "enum".to_owned()),
            ("title".to_owned(), "required".to_owned()),
            ("value".to_owned(), "minimum".to_owned()),
        ]);
        let r = app.post("/api/v1/leads", t, json!({"title": "x", "value": 10.5, "currency": "EUR"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("value".to_owned(), "type".to_owned())]);
        let r = app.post("/api/v1/leads", t, json!({"title": "x", "value": "10"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("currency".to_owned(), "depends".to_owned())]);
        let r = app.post("/api/v1/leads", t, json!({"title": "x", "status": "lost"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("lost_reason".to_owned(), "depends".to_owned())]);
        let r = app.post("/api/v1/leads", t, json!({"title": "x", "account_id": uuid::Uuid::now_v7()})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("account_id".to_owned(), "exists".to_owned())]);
        let customer = app.account(t, json!({"name": "Plain Customer"})).await;
        let r = app.post("/api/v1/leads", t, json!({"title": "x", "partner_id": customer["id"]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("partner_id".to_owned(), "kind".to_owned())]);
        assert_eq!(app.count("SELECT COUNT(*) FROM leads").await, before, "nothing written");
        assert_eq!(app.count("SELECT COUNT(*) FROM lead_status_history").await, 0);

        // A rep may not give a lead to someone else; a viewer may not write at all.
        let r = app.post("/api/v1/leads", &app.rep.token, json!({"title": "x", "owner_id": app.other_rep.user.id})).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(r.body["errors"][0]["field"], "owner_id");
        app.post("/api/v1/leads", &app.viewer.token, json!({"title": "x"})).await.problem(StatusCode::FORBIDDEN);

        // legacy_id is unique.
        lead(&app, t, json!({"title": "a", "legacy_id": "L-1"})).await;
        let r = app.post("/api/v1/leads", t, json!({"title": "b", "legacy_id": "L-1"})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["errors"][0]["field"], "legacy_id");
    }

    async fn leads_are_scoped_and_listed(db) {
        let app = App::start(db).await;
        let mine = lead(&app, &app.rep.token, json!({"title": "Mine", "status": "contacted"})).await;
        let theirs = lead(&app, &app.other_rep.token, json!({"title": "Theirs"})).await;
        let acct = app.account(&app.admin.token, json!({"name": "Shared Co", "owner_id": app.rep.user.id})).await;
        let on_my_account = lead(&app, &app.admin.token, json!({"title": "On my account", "account_id": acct["id"]})).await;

        // Also in scope: a lead the rep created but no longer owns, and leads of an
        // account the rep is a secondary rep of.
        // Leads that meet several of the rules count once.
        let given_away = lead(&app, &app.rep.token, json!({"title": "Given away", "account_id": acct["id"]})).await;
        let mine_on_mine = lead(&app, &app.rep.token, json!({"title": "Mine on my account", "account_id": acct["id"]})).await;
        let r = app.patch(&format!("/api/v1/leads/{}", given_away["id"].as_str().unwrap()), &app.admin.token, json!({"owner_id": app.other_rep.user.id}), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let assisted = app.account(&app.admin.token, json!({"name": "Assisted Co", "owner_id": app.other_rep.user.id})).await;
        app.post(&format!("/api/v1/accounts/{}/reps", assisted["id"].as_str().unwrap()), &app.admin.token, json!({"user_id": app.rep.user.id})).await;
        lead(&app, &app.other_rep.token, json!({"title": "Helping out", "account_id": assisted["id"]})).await;
        let listed = app.get("/api/v1/leads?sort=title", &app.rep.token).await;
        let titles: Vec<Value> = listed.body["data"].as_array().unwrap().iter().map(|l| l["title"].clone()).collect();
        assert_eq!(titles, vec![json!("Given away"), json!("Helping out"), json!("Mine"), json!("Mine on my account"), json!("On my account")]);
        let board = app.get("/api/v1/pipeline", &app.rep.token).await;
        assert_eq!(board.body["count"], 5, "{}", board.body);
        for id in [&given_away["id"], &theirs["id"], &mine_on_mine["id"]] {
            app.call(Method::DELETE, &format!("/api/v1/leads/{}", id.as_str().unwrap()), &app.admin.token, None).await;
        }
        app.call(Method::DELETE, &format!("/api/v1/accounts/{}", assisted["id"].as_str().unwrap()), &app.admin.token, None).await;
        let theirs = lead(&app, &app.other_rep.token, json!({"title": "Theirs"})).await;
        let helping = app.get("/api/v1/leads?q=helping", &app.admin.token).await;
        let helping_id = helping.body["data"][0]["id"].as_str().unwrap().to_owned();
        app.call(Method::DELETE, &format!("/api/v1/leads/{helping_id}"), &app.admin.token, None).await;
        app.get(&format!("/api/v1/leads/{}", theirs["id"].as_str().unwrap()), &app.rep.token).await.problem(StatusCode::NOT_FOUND);
        app.get(&format!("/api/v1/leads/{}/history", theirs["id"].as_str().unwrap()), &app.rep.token).await.problem(StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/leads?count=true", &app.viewer.token).await.body["total"], 3);

        // Filters, aliases and search.
        let r = app.get("/api/v1/leads?status=contacted", &app.admin.token).await;
        assert_eq!(r.body["data"][0]["id"], mine["id"]);
        let r = app.get("/api/v1/leads?status=lead&sort=title", &app.admin.token).await;
        assert_eq!(r.body["data"].as_array().unwrap().len(), 2, "seed 002's `lead` means new");
        let r = app.get("/api/v1/leads?q=shared", &app.admin.token).await;
        assert_eq!(r.body["data"].as_array().unwrap().len(), 0, "account names are not lead text");
        let r = app.get("/api/v1/leads?q=accoun", &app.admin.token).await;
        assert_eq!(r.body["data"][0]["id"], on_my_account["id"]);

        // Archive hides it from lists and the board.
        let id = on_my_account["id"].as_str().unwrap();
        let r = app.post(&format!("/api/v1/leads/{id}/archive"), &app.admin.token, json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(app.get("/api/v1/leads?count=true", &app.admin.token).await.body["total"], 2);
        assert_eq!(app.get("/api/v1/leads?archived=true", &app.admin.token).await.body["data"][0]["id"], on_my_account["id"]);
        app.patch(&format!("/api/v1/leads/{id}"), &app.admin.token, json!({"title": "y"}), None).await.problem(StatusCode::CONFLICT);
        assert_eq!(app.get("/api/v1/pipeline", &app.admin.token).await.body["count"], 2);
        app.post(&format!("/api/v1/leads/{id}/restore"), &app.admin.token, json!({})).await;
        assert_eq!(app.get("/api/v1/pipeline", &app.admin.token).await.body["count"], 3);

        // Only admins delete, and the board follows.
        let uri = format!("/api/v1/leads/{}", mine["id"].as_str().unwrap());
        app.call(Method::DELETE, &uri, &app.manager.token, None).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(app.call(Method::DELETE, &uri, &app.admin.token, None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.count("SELECT COUNT(*) FROM lead_status_history").await, 2, "its history went with it");
        assert_eq!(app.get("/api/v1/pipeline", &app.admin.token).await.body["count"], 2);
    }

    async fn partners_register_and_see_only_their_deals(db) {
        let app = App::start(db).await;
        let partner = app.account(&app.admin.token, json!({"name": "Reseller One", "kind": "partner"})).await;
        let other = app.account(&app.admin.token, json!({"name": "Reseller Two", "kind": "partner"})).await;
        let p = make_user(&app.store, Role::Partner, "p1@reseller.example", Some(id_of(&partner))).await;
        let l = lead(&app, &p.token, json!({"title": "Deal reg", "value": "500", "currency": "USD"})).await;
        assert_eq!(l["partner_id"], partner["id"], "a partner's lead is registered to its organisation");
        let r = app.post("/api/v1/leads", &p.token, json!({"title": "x", "partner_id": other["id"]})).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(r.body["errors"][0]["field"], "partner_id");
        lead(&app, &app.admin.token, json!({"title": "Other's deal", "partner_id": other["id"], "value": "900", "currency": "USD"})).await;

        let board = app.get("/api/v1/pipeline", &p.token).await;
        assert_eq!(board.status, StatusCode::OK, "{}", board.body);
        assert_eq!(board.body["count"], 1, "{}", board.body);
        assert_eq!(board.body["totals"], json!([{"currency": "USD", "count": 1, "value": "500.00", "weighted_value": "50.00"}]));
        assert_eq!(app.get("/api/v1/leads", &p.token).await.body["data"].as_array().unwrap().len(), 1);
    }

    async fn the_board_adds_exact_money_by_status_and_currency(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let partner = app.account(t, json!({"name": "Partner Co", "kind": "partner"})).await;
        let dist = app.account(t, json!({"name": "Dist Co", "kind": "distributor"})).await;
        lead(&app, t, json!({"title": "a", "value": "0.1", "currency": "EUR", "owner_id": app.rep.user.id, "expected_close_date": "2026-01-10"})).await;
        lead(&app, t, json!({"title": "b", "value": "0.2", "currency": "EUR", "owner_id": app.rep.user.id, "partner_id": partner["id"], "expected_close_date": "2026-02-20"})).await;
        lead(&app, t, json!({"title": "c", "value": "1000", "currency": "JPY", "status": "proposal", "distributor_id": dist["id"], "expected_close_date": "2026-03-01"})).await;
        lead(&app, t, json!({"title": "d", "status": "proposal"})).await;
        lead(&app, t, json!({"title": "e", "value": "99999999999999.9999", "currency": "USD", "status": "won", "organization": "Big Deal Inc"})).await;

        let b = app.get("/api/v1/pipeline", t).await;
        assert_eq!(b.status, StatusCode::OK, "{}", b.body);
        assert_eq!(b.body["count"], 5);
        assert_eq!(b.body["statuses"].as_array().unwrap().len(), 7, "every status has a column");
        assert_eq!(column(&b.body, "new")["totals"], json!([{"currency": "EUR", "count": 2, "value": "0.30", "weighted_value": "0.03"}]));
        assert_eq!(column(&b.body, "proposal")["count"], 2, "a lead without a value still counts");
        assert_eq!(column(&b.body, "proposal")["totals"], json!([{"currency": "JPY", "count": 1, "value": "1000", "weighted_value": "600"}]));
        assert_eq!(column(&b.body, "won")["totals"][0]["value"], "99999999999999.9999");
        assert_eq!(column(&b.body, "lost")["count"], 0);

        let mine = app.get("/api/v1/pipeline?owner_id=me", &app.rep.token).await;
        assert_eq!(mine.body["count"], 2, "{}", mine.body);
        let q1 = app.get("/api/v1/pipeline?expected_close_after=2026-01-01&expected_close_before=2026-03-01", t).await;
        assert_eq!(q1.body["count"], 2);
        let mid = app.get("/api/v1/pipeline?expected_close_after=2026-01-15&expected_close_before=2026-03-02", t).await;
        assert_eq!(mid.body["count"], 2, "b and c, read from the leads for a mid-month range");
        app.get("/api/v1/pipeline?expected_close_after=2026-03-01&expected_close_before=2026-01-01", t).await.problem(StatusCode::BAD_REQUEST);
        app.get("/api/v1/pipeline?owner=me", t).await.problem(StatusCode::BAD_REQUEST);
        app.get("/api/v1/pipeline?expected_close_after=soon", t).await.problem(StatusCode::BAD_REQUEST);

        for (filter, query) in [
            (BoardFilter::default(), String::new()),
            (BoardFilter { owner_id: Some(app.rep.user.id), ..Default::default() }, format!("?owner_id={}", app.rep.user.id)),
            (BoardFilter { partner_id: Some(id_of(&partner)), ..Default::default() }, format!("?partner_id={}", partner["id"].as_str().unwrap())),
            (BoardFilter { distributor_id: Some(id_of(&dist)), ..Default::default() }, format!("?distributor_id={}", dist["id"].as_str().unwrap())),
        ] {
            assert_totals_match_leads(&app, filter, &query).await;
        }
    }

    // The kept totals follow every kind of change: status, value, owner, archive,
    // reopen, delete, a product or account going away, and a merge.
    async fn kept_totals_follow_every_change(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let partner = app.account(t, json!({"name": "P One", "kind": "partner"})).await;
        let partner2 = app.account(t, json!({"name": "P Two", "kind": "partner"})).await;
        let acct = app.account(t, json!({"name": "Cust", "owner_id": app.rep.user.id})).await;
        let mut ids = Vec::new();
        for i in 0..6 {
            let l = lead(&app, t, json!({"title": format!("L{i}"), "value": format!("{i}.25"), "currency": if i % 2 == 0 { "EUR" } else { "USD" },
                "owner_id": if i % 3 == 0 { app.rep.user.id } else { app.other_rep.user.id },
                "partner_id": if i < 3 { partner["id"].clone() } else { partner2["id"].clone() },
                "account_id": acct["id"], "expected_close_date": format!("2026-0{}-05", i + 1)})).await;
            ids.push(l["id"].as_str().unwrap().to_owned());
        }
        let p1 = id_of(&partner);
        check_board(&app, p1).await;
        app.patch(&format!("/api/v1/leads/{}", ids[0]), t, json!({"status": "negotiation", "value": "7.77"}), None).await;
        app.patch(&format!("/api/v1/leads/{}", ids[1]), t, json!({"owner_id": app.rep.user.id, "currency": "GBP"}), None).await;
        app.patch(&format!("/api/v1/leads/{}", ids[2]), t, json!({"status": "lost", "lost_reason": "price"}), None).await;
        app.post(&format!("/api/v1/leads/{}/reopen", ids[2]), t, json!({"status": "qualified", "reason": "back"})).await;
        app.post(&format!("/api/v1/leads/{}/archive", ids[3]), t, json!({})).await;
        app.patch(&format!("/api/v1/leads/{}", ids[4]), t, json!({"value": null, "currency": null, "expected_close_date": null}), None).await;
        check_board(&app, p1).await;
        app.call(Method::DELETE, &format!("/api/v1/leads/{}", ids[5]), t, None).await;
        // Merging partner 2 into partner 1 moves its leads' partner.
        let r = app.post(&format!("/api/v1/accounts/{}/merge", partner["id"].as_str().unwrap()), t, json!({"ids": [partner2["id"]]})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(app.get(&format!("/api/v1/leads/{}", ids[4]), t).await.body["partner_id"], partner["id"]);
        check_board(&app, p1).await;
        // Deleting the partner account leaves its leads without a partner.
        let r = app.call(Method::DELETE, &format!("/api/v1/accounts/{}", partner["id"].as_str().unwrap()), t, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(app.get(&format!("/api/v1/leads/{}", ids[0]), t).await.body["partner_id"], Value::Null);
        check_board(&app, p1).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM pipeline_totals WHERE dimension = 'partner'").await, 0);
    }

    async fn products_cap_and_delete(db) {
        let app = App::start(db).await;
        let t = &app.manager.token;
        let s = app.get("/api/v1/settings", &app.viewer.token).await;
        assert_eq!(s.body["active_product_cap"], 3);
        assert_eq!(s.body["lead_probabilities"]["negotiation"], 80);
        let mut ids = Vec::new();
        for name in ["Aligners", "Retainers", "Brackets"] {
            let r = app.post("/api/v1/products", t, json!({"name": name, "description": "x"})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            ids.push(r.body["id"].as_str().unwrap().to_owned());
        }
        let r = app.post("/api/v1/products", t, json!({"name": "Scanners"})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["errors"][0]["field"], "active", "{}", r.body);
        let r = app.post("/api/v1/products", t, json!({"name": "Scanners", "active": false})).await;
        assert_eq!(r.status, StatusCode::CREATED);
        let scanners = r.body["id"].as_str().unwrap().to_owned();
        app.patch(&format!("/api/v1/products/{scanners}"), t, json!({"active": true}), None).await.problem(StatusCode::CONFLICT);
        app.post("/api/v1/products", t, json!({"name": "  aligners!", "active": false})).await.problem(StatusCode::CONFLICT);
        app.post("/api/v1/products", &app.rep.token, json!({"name": "Nope", "active": false})).await.problem(StatusCode::FORBIDDEN);

        // The cap is a setting: admins raise it or turn it off (0).
        app.call(Method::PATCH, "/api/v1/settings", t, Some(json!({"active_product_cap": 0}))).await.problem(StatusCode::FORBIDDEN);
        let r = app.call(Method::PATCH, "/api/v1/settings", &app.admin.token, Some(json!({"active_product_cap": -1, "lead_probabilities": {"won": 101, "maybe": 5}}))).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        let mut fields: Vec<String> = r.field_errors().into_iter().map(|(f, _)| f).collect();
        fields.sort();
        assert_eq!(fields, vec!["active_product_cap", "lead_probabilities.maybe", "lead_probabilities.won"]);
        let r = app.call(Method::PATCH, "/api/v1/settings", &app.admin.token, Some(json!({"active_product_cap": 0, "lead_probabilities": {"new": 5}}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!((r.body["lead_probabilities"]["new"].clone(), r.body["lead_probabilities"]["won"].clone()), (json!(5), json!(100)));
        assert_eq!(app.patch(&format!("/api/v1/products/{scanners}"), t, json!({"active": true}), None).await.status, StatusCode::OK);
        assert_eq!(lead(&app, t, json!({"title": "x"})).await["probability"], 5, "new default probability");

        // Deleting a product clears it from its leads, audited (seed 002).
        let l = lead(&app, t, json!({"title": "Interested", "product_id": ids[0]})).await;
        app.call(Method::DELETE, &format!("/api/v1/products/{}", ids[0]), t, None).await.problem(StatusCode::FORBIDDEN);
        let r = app.call(Method::DELETE, &format!("/api/v1/products/{}", ids[0]), &app.admin.token, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let after = app.get(&format!("/api/v1/leads/{}", l["id"].as_str().unwrap()), t).await;
        assert_eq!(after.body["product_id"], Value::Null);
        assert_eq!(after.body["version"], 2);
        let audit = app.audit_of("lead", id_of(&l)).await;
        assert_eq!(audit.len(), 2, "created, then cleared by the product's delete");
        let listed = app.get("/api/v1/products?active=true", t).await;
        assert_eq!(listed.body["data"].as_array().unwrap().len(), 3);
    }

    // Concurrent writers adjust the same kept totals (same owner, status and currency):
    // none of their additions may be lost.
    async fn kept_totals_survive_concurrent_writers(db) {
        let app = App::start(db).await;
        let calls = (0..16).map(|i| {
            let app = &app;
            async move {
                let r = app.post("/api/v1/leads", &app.admin.token, json!({"title": format!("c{i}"), "value": "10.01",
                    "currency": "EUR", "owner_id": app.rep.user.id, "expected_close_date": "2026-05-05"})).await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
                let id = r.body["id"].as_str().unwrap().to_owned();
                let r = app.patch(&format!("/api/v1/leads/{id}"), &app.admin.token, json!({"status": "proposal"}), None).await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            }
        });
        futures::future::join_all(calls).await;
        let b = app.get("/api/v1/pipeline?owner_id=me", &app.rep.token).await;
        assert_eq!(column(&b.body, "proposal")["totals"], json!([{"currency": "EUR", "count": 16, "value": "160.16", "weighted_value": "96.096"}]));
        check_board(&app, uuid::Uuid::nil()).await;
    }

    // Seed 002's cap holds when activations race: 12 products activated at once with a
    // cap of 3 leave exactly 3 active.
    async fn the_active_cap_holds_under_concurrent_activations(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let mut ids = Vec::new();
        for i in 0..12 {
            let r = app.post("/api/v1/products", t, json!({"name": format!("P{i}"), "active": false})).await;
            ids.push(r.body["id"].as_str().unwrap().to_owned());
        }
        let calls = ids.iter().map(|id| {
            let uri = format!("/api/v1/products/{id}");
            let app = &app;
            async move { app.patch(&uri, &app.admin.token, json!({"active": true}), None).await.status }
        });
        let results = futures::future::join_all(calls).await;
        let ok = results.iter().filter(|s| **s == StatusCode::OK).count();
        let refused = results.iter().filter(|s| **s == StatusCode::CONFLICT).count();
        assert_eq!((ok, refused), (3, 9), "{results:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM products WHERE active").await, 3);
    }
}
