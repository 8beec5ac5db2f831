//! The lead pages through the real router on both engines: the board's columns and
//! totals, moves through the card form (history, refusals, won's conversion, reopening),
//! the create form's errors, the rep's scope, the list's search and the pipeline table.

use axum::http::StatusCode;
use rapport_db::both_engines;
use serde_json::{json, Value};

use crate::support::{made, App};
use crate::ui_support::Browser;

/// Creates a lead through the API as `token`; returns its id.
async fn lead(app: &App, token: &str, body: Value) -> String {
    made(app, token, "/api/v1/leads", body).await
}

/// The lead as the API reads it for `token`.
async fn api_lead(app: &App, token: &str, id: &str) -> Value {
    let r = app.get(&format!("/api/v1/leads/{id}"), token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

async fn api_history(app: &App, token: &str, id: &str) -> Vec<Value> {
    let r = app.get(&format!("/api/v1/leads/{id}/history"), token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["data"].as_array().cloned().unwrap_or_default()
}

/// The markup of one board column, from its opening tag to the next column's.
#[track_caller]
fn column<'a>(html: &'a str, status: &str) -> &'a str {
    let marker = format!("class=\"column\" data-status=\"{status}\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {status} column in:\n{html}"));
    let rest = &html[start..];
    let end = rest[marker.len()..]
        .find("class=\"column\"")
        .map_or(rest.len(), |e| e + marker.len());
    &rest[..end]
}

both_engines! {
    async fn the_board_shows_each_lead_in_its_column_with_totals(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let alpha = lead(&app, t, json!({"title": "Alpha deal", "value": "1000", "currency": "EUR"})).await;
        lead(&app, t, json!({"title": "Beta deal", "value": "250.5", "currency": "EUR", "status": "qualified"})).await;
        lead(&app, t, json!({"title": "Gamma deal", "value": "99", "currency": "USD", "status": "qualified"})).await;
        lead(&app, t, json!({"title": "Delta deal", "value": "12345.6789", "currency": "USD", "status": "qualified"})).await;
        let b = Browser::signed_in(&app, "rep@example.com").await;
        let board = b.get("/leads").await;
        assert_eq!(board.status, StatusCode::OK, "{}", board.html);
        board.assert_has("id=\"results\" data-refresh").assert_has("class=\"board\"");
        // Every status has its column, in pipeline order.
        let order: Vec<usize> = ["new", "contacted", "qualified", "proposal", "negotiation", "won", "lost"]
            .iter()
            .map(|s| board.html.find(&format!("data-status=\"{s}\" aria-label")).unwrap_or_else(|| panic!("{s} column")))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        let new = column(&board.html, "new");
        assert!(new.contains("Alpha deal") && !new.contains("Beta deal"), "{new}");
        assert!(new.contains("title=\"leads in this status\">1<"), "{new}");
        assert!(new.contains("1,000.00 EUR"), "{new}");
        let qualified = column(&board.html, "qualified");
        assert!(qualified.contains("Beta deal") && qualified.contains("Gamma deal") && !qualified.contains("Alpha deal"), "{qualified}");
        assert!(qualified.contains("title=\"leads in this status\">3<"), "{qualified}");
        // Totals by currency, never added across currencies, and exact.
        assert!(qualified.contains("250.50 EUR") && qualified.contains("12,444.6789 USD"), "{qualified}");
        assert!(column(&board.html, "won").contains("No leads."));
        // The card's contract with app.js, and a move form that works without it.
        board.assert_has(&format!("data-lead=\"{alpha}\" data-status=\"new\" draggable=\"true\" tabindex=\"0\""))
            .assert_has(&format!("action=\"/leads/{alpha}/move\""))
            .assert_has(&format!("for=\"move-{alpha}-status\""))
            .assert_has("class=\"needs-reason\" hidden")
            .assert_lacks("style=\"").assert_lacks("<script>");
        // The currency filter applies to the columns and their totals.
        let eur = b.get("/leads?currency=EUR").await;
        let q = column(&eur.html, "qualified");
        assert!(q.contains("Beta deal") && !q.contains("Gamma deal") && !q.contains("USD"), "{q}");
        // The pipeline table by currency.
        let pipeline = b.get("/pipeline?owner_id=me").await;
        assert_eq!(pipeline.status, StatusCode::OK, "{}", pipeline.html);
        pipeline.assert_has("<th scope=\"col\">EUR</th>").assert_has("<th scope=\"col\">USD</th>").assert_has("1,250.50 EUR");
        let bad = b.get("/pipeline?expected_close_after=soon").await;
        bad.assert_has("alert error").assert_has("is not a YYYY-MM-DD date");
    }

    async fn a_move_through_the_form_changes_the_status_and_writes_history(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let id = lead(&app, t, json!({"title": "Moving deal", "value": "500", "currency": "EUR"})).await;
        let b = Browser::signed_in(&app, "rep@example.com").await;
        let moved = b.post(&format!("/leads/{id}/move"), &[("status", "contacted"), ("lost_reason", "Answered the phone"), ("back", "/leads?owner_id=me")]).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.html);
        assert_eq!(moved.location.as_deref(), Some("/leads?owner_id=me"));
        let now = api_lead(&app, t, &id).await;
        assert_eq!(now["status"], "contacted");
        // A reason on an open move is the history's, not a lost reason.
        assert_eq!(now["lost_reason"], Value::Null);
        let history = api_history(&app, t, &id).await;
        assert_eq!(history.len(), 2);
        assert_eq!(history[1]["reason"], "Answered the phone");
        b.get(&format!("/leads/{id}")).await
            .assert_has("new → <strong>contacted</strong>")
            .assert_has("Answered the phone");
        assert!(column(&b.get("/leads").await.html, "contacted").contains("Moving deal"));
        // Another site's address is never where the form goes back to.
        let away = b.post(&format!("/leads/{id}/move"), &[("status", "qualified"), ("back", "//evil.example/")]).await;
        assert_eq!(away.location.as_deref(), Some("/leads"));
        // From the lead's own page, back to it.
        let own = format!("/leads/{id}");
        let there = b.post(&format!("{own}/move"), &[("status", "proposal"), ("back", &own)]).await;
        assert_eq!(there.location.as_deref(), Some(own.as_str()));
        assert_eq!(api_lead(&app, t, &id).await["status"], "proposal");
        // A call logged on the lead shows on its timeline.
        let call = b.post(&format!("{own}/activities"), &[("kind", "call"), ("subject", "Pricing call"), ("body", "Wants a quote")]).await;
        assert_eq!(call.status, StatusCode::SEE_OTHER, "{}", call.html);
        b.get(&own).await.assert_has("Pricing call").assert_has("Wants a quote");
        let empty = b.post(&format!("{own}/activities"), &[("kind", "note"), ("body", "")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        empty.assert_has("f-body-error");
    }

    async fn lost_without_a_reason_is_refused_and_nothing_changes(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let id = lead(&app, t, json!({"title": "Shaky deal", "status": "proposal"})).await;
        let b = Browser::signed_in(&app, "rep@example.com").await;
        let refused = b.post(&format!("/leads/{id}/move"), &[("status", "lost"), ("lost_reason", ""), ("back", "/leads?q=shaky")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.html);
        // The board as it was filtered, with the banner inside #results (app.js swaps it).
        let results = &refused.html[refused.html.find("id=\"results\"").expect("results")..];
        assert!(results.contains("alert error"), "{results}");
        assert!(results.contains("“Shaky deal” was not moved to lost: lost reason is required to mark a lead lost."), "{results}");
        refused.assert_has("value=\"shaky\"");
        let now = api_lead(&app, t, &id).await;
        assert_eq!((now["status"].as_str(), now["lost_reason"].clone()), (Some("proposal"), Value::Null));
        assert_eq!(api_history(&app, t, &id).await.len(), 1);
        // With a reason it goes, and the reason is kept on the lead and in its history.
        let lost = b.post(&format!("/leads/{id}/move"), &[("status", "lost"), ("lost_reason", "Went with a rival")]).await;
        assert_eq!(lost.status, StatusCode::SEE_OTHER, "{}", lost.html);
        let now = api_lead(&app, t, &id).await;
        assert_eq!((now["status"].as_str(), now["lost_reason"].as_str()), (Some("lost"), Some("Went with a rival")));
        assert_eq!(api_history(&app, t, &id).await[1]["reason"], "Went with a rival");
    }

    async fn winning_converts_and_moving_back_reopens(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let id = lead(&app, t, json!({"title": "Zephyr rollout", "organization": "Zephyr Labs", "value": "9000", "currency": "EUR", "status": "negotiation"})).await;
        let b = Browser::signed_in(&app, "rep@example.com").await;
        let won = b.post(&format!("/leads/{id}/move"), &[("status", "won")]).await;
        assert_eq!(won.status, StatusCode::SEE_OTHER, "{}", won.html);
        // The store's conversion: an account named after the organisation, linked.
        let now = api_lead(&app, t, &id).await;
        assert_eq!(now["status"], "won");
        let account = now["account_id"].as_str().expect("converted to an account").to_owned();
        let acc = app.get(&format!("/api/v1/accounts/{account}"), t).await;
        assert_eq!(acc.body["name"], "Zephyr Labs", "{}", acc.body);
        b.get(&format!("/leads/{id}")).await.assert_has(&format!("href=\"/accounts/{account}\""));
        assert!(column(&b.get("/leads").await.html, "won").contains(&format!("href=\"/accounts/{account}\"")));
        // A lead won with nothing to name an account after is refused with the store's words.
        let nameless = lead(&app, t, json!({"title": "Nameless"})).await;
        let r = b.post(&format!("/leads/{nameless}/move"), &[("status", "won")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        r.assert_has("needs an organization");
        assert_eq!(api_lead(&app, t, &nameless).await["status"], "new");
        // Won to lost is not a move: the store says to reopen.
        let r = b.post(&format!("/leads/{id}/move"), &[("status", "lost"), ("lost_reason", "Changed their mind")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        r.assert_has("reopen it");
        // Back into the pipeline is a reopen, which needs a reason.
        let r = b.post(&format!("/leads/{id}/move"), &[("status", "negotiation")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        r.assert_has("was not moved to negotiation: reason is required");
        assert_eq!(api_lead(&app, t, &id).await["status"], "won");
        let r = b.post(&format!("/leads/{id}/move"), &[("status", "negotiation"), ("lost_reason", "Contract fell through")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        let now = api_lead(&app, t, &id).await;
        assert_eq!(now["status"], "negotiation");
        let history = api_history(&app, t, &id).await;
        let last = history.last().expect("a reopen row");
        assert_eq!((last["reopened"].as_bool(), last["old_status"].as_str(), last["reason"].as_str()),
            (Some(true), Some("won"), Some("Contract fell through")));
        b.get(&format!("/leads/{id}")).await.assert_has("won → <strong>negotiation</strong> <span class=\"badge\">reopened</span>");
    }

    async fn the_forms_create_and_edit_with_errors_beside_fields(db) {
        let app = App::start(db).await;
        let b = Browser::signed_in(&app, "rep@example.com").await;
        let bad = b.post("/leads/new", &[("title", "Harbour deal"), ("contact_email", "not-an-email")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad.assert_has("f-contact_email-error").assert_has("value=\"Harbour deal\"");
        let no_currency = b.post("/leads/new", &[("title", "Harbour deal"), ("value", "12500")]).await;
        assert_eq!(no_currency.status, StatusCode::UNPROCESSABLE_ENTITY);
        no_currency.assert_has("f-currency-error");
        assert_eq!(app.count("SELECT COUNT(*) FROM leads").await, 0);
        let made = b.post("/leads/new", &[("title", "Harbour deal"), ("value", "12500"), ("currency", "EUR"), ("organization", "Harbour Ltd"), ("status", "qualified")]).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.html);
        let at = made.location.expect("to the lead");
        let id = at.trim_start_matches("/leads/").to_owned();
        let l = api_lead(&app, &app.rep.token, &id).await;
        assert_eq!((l["value"].as_str(), l["status"].as_str(), l["owner_id"].as_str()),
            (Some("12500.00"), Some("qualified"), Some(app.rep.user.id.to_string().as_str())));
        b.get(&at).await.assert_has("12,500.00 EUR").assert_has("Harbour Ltd");
        // The edit carries its version: a change made meanwhile is not overwritten.
        let form = b.get(&format!("{at}/edit")).await;
        form.assert_has("name=\"version\" value=\"1\"");
        let r = app.patch(&format!("/api/v1/leads/{id}"), &app.rep.token, json!({"contact_name": "Ines"}), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let stale = b.post(&format!("{at}/edit"), &[("version", "1"), ("title", "Harbour deal (big)"), ("currency", "EUR"), ("value", "12500")]).await;
        assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
        stale.assert_has("Someone changed this record while you were editing");
        assert_eq!(api_lead(&app, &app.rep.token, &id).await["title"], "Harbour deal");
        let saved = b.post(&format!("{at}/edit"), &[("version", "2"), ("title", "Harbour deal (big)"), ("currency", "EUR"), ("value", "13000.5"), ("probability", "40")]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        let l = api_lead(&app, &app.rep.token, &id).await;
        assert_eq!((l["title"].as_str(), l["value"].as_str(), l["probability"].as_i64()), (Some("Harbour deal (big)"), Some("13000.50"), Some(40)));
    }

    async fn a_rep_sees_only_their_leads_and_the_list_finds_by_search(db) {
        let app = App::start(db).await;
        let theirs = lead(&app, &app.other_rep.token, json!({"title": "Secret Other Deal"})).await;
        let mine = lead(&app, &app.rep.token, json!({"title": "Quokka Supplies", "organization": "Quokka Ltd"})).await;
        lead(&app, &app.rep.token, json!({"title": "Wombat Works"})).await;
        let b = Browser::signed_in(&app, "rep@example.com").await;
        b.get("/leads").await.assert_has("Quokka Supplies").assert_lacks("Secret Other Deal");
        let peek = b.get(&format!("/leads/{theirs}")).await;
        assert_eq!(peek.status, StatusCode::NOT_FOUND);
        peek.assert_lacks("Secret Other Deal");
        let push = b.post(&format!("/leads/{theirs}/move"), &[("status", "won")]).await;
        assert_eq!(push.status, StatusCode::NOT_FOUND);
        assert_eq!(api_lead(&app, &app.other_rep.token, &theirs).await["status"], "new");
        b.get("/leads/list").await.assert_lacks("Secret Other Deal").assert_has("Wombat Works");
        let found = b.get("/leads/list?q=quokka").await;
        assert_eq!(found.status, StatusCode::OK);
        found.assert_has(&format!("href=\"/leads/{mine}\"")).assert_lacks("Wombat Works");
        b.get("/leads/list?status=new&owner_id=me").await.assert_has("Quokka Supplies");
        // Archived leads leave the board and the list until asked for.
        let archived = b.post(&format!("/leads/{mine}/archive"), &[]).await;
        assert_eq!(archived.status, StatusCode::SEE_OTHER);
        b.get("/leads").await.assert_lacks("Quokka Supplies");
        b.get("/leads/list?q=quokka&archived=all").await.assert_has("Quokka Supplies");
        // The manager sees both reps' leads.
        let m = Browser::signed_in(&app, "manager@example.com").await;
        m.get("/leads").await.assert_has("Secret Other Deal").assert_has("Wombat Works");
    }
}
