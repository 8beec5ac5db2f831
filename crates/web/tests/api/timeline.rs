//! Activities and timelines over HTTP: every kind, immutable interactions and their
//! corrections, follow-up tasks, done/undone, the follow-up lists, and account and lead
//! timelines paged with a cursor, each on both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use rapport_domain::Role;
use serde_json::{json, Value};

#[allow(unused_imports)]
use super::support::*;

async fn activity(app: &App, token: &str, body: Value) -> Value {
    let r = app.post("/api/v1/activities", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

fn data(reply: &Reply) -> Vec<Value> {
    reply.body["data"].as_array().cloned().unwrap_or_default()
}

/// Every entry of a timeline, reading it `page` at a time through the cursor.
async fn read_all(app: &App, uri: &str, token: &str, page: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{uri}?limit={page}&cursor={c}"),
            None => format!("{uri}?limit={page}"),
        };
        let r = app.get(&url, token).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let entries = data(&r);
        assert!(entries.len() <= page);
        out.extend(entries);
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

fn entry_id(e: &Value) -> String {
    match e["type"].as_str() {
        Some("activity") => e["activity"]["id"].as_str().unwrap_or("").to_owned(),
        _ => e["status_change"]["id"].as_str().unwrap_or("").to_owned(),
    }
}

both_engines! {
    async fn interactions_are_immutable_and_corrected_by_new_ones(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let acct = app.account(t, json!({"name": "Bright Smiles"})).await;
        let call = activity(&app, t, json!({
            "kind": "call", "subject": "Initial Call", "body": "Talked about aligners",
            "account_id": acct["id"], "activity_date": "2026-11-20",
            "follow_up_at": "2026-11-27T09:00:00Z"
        })).await;
        assert_eq!(call["channel"], "phone", "a call goes through the phone unless told");
        assert_eq!(call["author_id"], json!(app.rep.user.id));
        let id = call["id"].as_str().unwrap();
        let uri = format!("/api/v1/activities/{id}");

        for r in [
            app.patch(&uri, t, json!({"body": "edited"}), None).await,
            app.call(Method::DELETE, &uri, t, None).await,
            app.call(Method::DELETE, &uri, &app.admin.token, None).await,
            app.post(&format!("{uri}/done"), t, json!({})).await,
        ] {
            let r = r.problem(StatusCode::CONFLICT);
            assert!(r.body["detail"].as_str().unwrap_or("").contains("corrects_id"), "{}", r.body);
        }
        assert_eq!(app.get(&uri, t).await.body["body"], "Talked about aligners");

        // A correction points at the original and inherits its links.
        let fix = activity(&app, t, json!({"kind": "call", "body": "Talked about retainers", "corrects_id": id})).await;
        assert_eq!(fix["account_id"], acct["id"]);
        let r = app.get(&format!("/api/v1/activities?corrects_id={id}"), t).await;
        assert_eq!(data(&r).len(), 1);

        // The follow-up date became a task for the author, which can be ticked off.
        let r = app.get(&format!("/api/v1/activities?parent_id={id}"), t).await;
        let task = data(&r).first().cloned().expect("a follow-up task");
        assert_eq!((task["kind"].clone(), task["due_at"].clone(), task["assignee_id"].clone()),
                   (json!("task"), json!("2026-11-27T09:00:00Z"), json!(app.rep.user.id)));
        let task_uri = format!("/api/v1/activities/{}", task["id"].as_str().unwrap());
        let done = app.post(&format!("{task_uri}/done"), t, json!({})).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert_eq!(done.body["done"], true);
        assert!(done.body["done_at"].is_string());
        let undone = app.post(&format!("{task_uri}/undone"), t, json!({})).await;
        assert_eq!((undone.body["done"].clone(), undone.body["done_at"].clone()), (json!(false), Value::Null));

        // Bad input: each named, nothing written.
        let before = app.count("SELECT COUNT(*) FROM activities").await;
        let r = app.post("/api/v1/activities", t, json!({"kind": "call", "body": "x"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("account_id".to_owned(), "one_of".to_owned())]);
        let hidden = app.account(&app.other_rep.token, json!({"name": "Not Yours"})).await;
        let r = app.post("/api/v1/activities", t, json!({"kind": "note", "body": "x", "account_id": hidden["id"]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("account_id".to_owned(), "exists".to_owned())]);
        // Only a planned interaction (one with a due date) has a done flag.
        let r = app.post("/api/v1/activities", t, json!({"kind": "meeting", "account_id": acct["id"], "done": true})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("done".to_owned(), "interaction".to_owned())]);
        let r = app.post("/api/v1/activities", t, json!({"kind": "fax", "channel": "pigeon", "account_id": acct["id"]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors().len(), 2);
        app.post("/api/v1/activities", t, json!({"kind": "note", "account_id": acct["id"]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        let r = app.post("/api/v1/activities", t, json!({"kind": "call", "account_id": acct["id"], "corrects_id": task["id"]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("corrects_id".to_owned(), "interaction".to_owned())]);
        app.post("/api/v1/activities", &app.viewer.token, json!({"kind": "note", "body": "x", "account_id": acct["id"]})).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM activities").await, before, "nothing written");

        // The database itself refuses an activity linked to nothing.
        let raw = app.store.db.write(|c| c.execute(
            "INSERT INTO activities (id, kind, body, activity_date, created_at, updated_at) VALUES (?, 'task', '', ?, ?, ?)",
            &[uuid::Uuid::now_v7().into(), chrono::Utc::now().date_naive().into(), rapport_db::now().into(), rapport_db::now().into()],
        )).await;
        assert!(raw.is_err());
    }

    async fn tasks_follow_ups_and_who_may_change_them(db) {
        let app = App::start(db).await;
        let acct = app.account(&app.admin.token, json!({"name": "Shared", "owner_id": app.rep.user.id})).await;
        app.post(&format!("/api/v1/accounts/{}/reps", acct["id"].as_str().unwrap()), &app.admin.token, json!({"user_id": app.other_rep.user.id})).await;
        let overdue = activity(&app, &app.rep.token, json!({"kind": "task", "subject": "Send quote", "account_id": acct["id"], "due_at": "2020-01-01T00:00:00Z", "assignee_id": app.rep.user.id})).await;
        let later = activity(&app, &app.rep.token, json!({"kind": "task", "subject": "Check in", "account_id": acct["id"], "due_at": "2999-01-01T00:00:00Z", "assignee_id": app.rep.user.id})).await;
        activity(&app, &app.rep.token, json!({"kind": "task", "subject": "Someone else's", "account_id": acct["id"], "due_at": "2020-01-01T00:00:00Z", "assignee_id": app.other_rep.user.id})).await;

        let ids = |r: &Reply| data(r).iter().map(|a| a["id"].clone()).collect::<Vec<_>>();
        let mine = app.get("/api/v1/activities?assignee=me&done=false&due_before=2030-01-01&sort=due_at", &app.rep.token).await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
        assert_eq!(ids(&mine), vec![overdue["id"].clone()]);
        let r = app.get("/api/v1/activities?assignee=me&overdue=true", &app.rep.token).await;
        assert_eq!(ids(&r), vec![overdue["id"].clone()]);
        let r = app.get("/api/v1/activities?assignee=me&sort=due_at", &app.rep.token).await;
        assert_eq!(ids(&r), vec![overdue["id"].clone(), later["id"].clone()]);
        app.get("/api/v1/activities?overdue=maybe", &app.rep.token).await.problem(StatusCode::BAD_REQUEST);

        // The assignee may tick off; another rep who can see the task may not change it.
        let uri = format!("/api/v1/activities/{}", overdue["id"].as_str().unwrap());
        app.patch(&uri, &app.other_rep.token, json!({"done": true}), None).await.problem(StatusCode::FORBIDDEN);
        let r = app.patch(&uri, &app.rep.token, json!({"done": true, "pinned": true}), Some("\"1\"")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        app.patch(&uri, &app.rep.token, json!({"body": "x"}), Some("\"1\"")).await.problem(StatusCode::PRECONDITION_FAILED);
        app.patch(&uri, &app.rep.token, json!({"kind": "note"}), None).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        let r = app.patch(&uri, &app.rep.token, json!({"account_id": null}), None).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("account_id".to_owned(), "one_of".to_owned())]);
        assert_eq!(app.call(Method::DELETE, &uri, &app.rep.token, None).await.status, StatusCode::NO_CONTENT);
        app.get(&uri, &app.rep.token).await.problem(StatusCode::NOT_FOUND);
        assert_eq!(app.audit_of("activity", id_of(&overdue)).await.len(), 3);
    }

    async fn partners_do_not_see_internal_activities(db) {
        let app = App::start(db).await;
        let partner = app.account(&app.admin.token, json!({"name": "Channel Co", "kind": "partner"})).await;
        let p = make_user(&app.store, Role::Partner, "p@channel.example", Some(id_of(&partner))).await;
        let l = app.post("/api/v1/leads", &p.token, json!({"title": "Registered deal"})).await;
        assert_eq!(l.status, StatusCode::CREATED, "{}", l.body);
        let shared = activity(&app, &app.admin.token, json!({"kind": "comment", "body": "Welcome aboard", "lead_id": l.body["id"]})).await;
        activity(&app, &app.admin.token, json!({"kind": "note", "body": "Margin is thin", "lead_id": l.body["id"], "internal": true})).await;
        let seen = app.get("/api/v1/activities", &p.token).await;
        assert_eq!(data(&seen).iter().map(|a| a["id"].clone()).collect::<Vec<_>>(), vec![shared["id"].clone()]);
        let tl = read_all(&app, &format!("/api/v1/leads/{}/timeline", l.body["id"].as_str().unwrap()), &p.token, 10).await;
        let kinds: Vec<String> = tl.iter().map(|e| e["type"].as_str().unwrap_or("").to_owned()).collect();
        assert_eq!(kinds, vec!["activity", "status_change"], "{tl:?}");
        // The partner logs on its own lead, but not on someone else's.
        activity(&app, &p.token, json!({"kind": "email", "body": "Sent the deck", "lead_id": l.body["id"]})).await;
        let other = app.post("/api/v1/leads", &app.admin.token, json!({"title": "Direct deal"})).await;
        let r = app.post("/api/v1/activities", &p.token, json!({"kind": "email", "lead_id": other.body["id"]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("lead_id".to_owned(), "exists".to_owned())]);
    }

    async fn timelines_merge_activities_and_status_changes_pinned_first(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let acct = app.account(t, json!({"name": "Timeline Co"})).await;
        let l = app.post("/api/v1/leads", t, json!({"title": "Expansion", "account_id": acct["id"]})).await.body;
        let lead_uri = format!("/api/v1/leads/{}", l["id"].as_str().unwrap());
        let mut expected_activities = Vec::new();
        for (i, day) in ["2026-01-05", "2026-03-01", "2026-02-10", "2026-03-01", "2025-12-31"].iter().enumerate() {
            let a = activity(&app, t, json!({"kind": "meeting", "subject": format!("m{i}"), "activity_date": day,
                "account_id": acct["id"], "pinned": i == 2})).await;
            expected_activities.push(a["id"].as_str().unwrap().to_owned());
        }
        // A note through the notes API and an activity on the lead show on both timelines.
        let note = app.post(&format!("/api/v1/accounts/{}/notes", acct["id"].as_str().unwrap()), t, json!({"body": "a note", "note_date": "2026-02-01"})).await;
        assert_eq!(note.status, StatusCode::CREATED);
        let on_lead = activity(&app, t, json!({"kind": "call", "lead_id": l["id"], "activity_date": "2026-02-15"})).await;
        assert_eq!(on_lead["account_id"], acct["id"], "an activity on a lead is on its account too");
        app.patch(&lead_uri, t, json!({"status": "qualified"}), None).await;
        app.patch(&lead_uri, t, json!({"status": "won"}), None).await;

        let all = read_all(&app, &format!("/api/v1/accounts/{}/timeline", acct["id"].as_str().unwrap()), t, 3).await;
        assert_eq!(all.len(), 5 + 1 + 1 + 3, "activities, the note, the lead's call and 3 status changes");
        let mut ids: Vec<String> = all.iter().map(entry_id).collect();
        assert_eq!(all[0]["activity"]["subject"], "m2", "pinned first");
        assert!(all.iter().skip(1).all(|e| e["pinned"] == false));
        // Newest first by day: today's status changes, then March, February, …
        let days: Vec<String> = all.iter().skip(1).map(|e| e["date"].as_str().unwrap_or("").to_owned()).collect();
        let mut sorted = days.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(days, sorted);
        assert_eq!(all[1]["type"], "status_change");
        assert_eq!(all[1]["status_change"]["new_status"], "won");
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "no entry twice across pages");
        // Same answer one page at a time or all at once.
        let at_once = read_all(&app, &format!("/api/v1/accounts/{}/timeline", acct["id"].as_str().unwrap()), t, 100).await;
        assert_eq!(at_once, all);

        let lead_tl = read_all(&app, &format!("{lead_uri}/timeline"), t, 2).await;
        assert_eq!(lead_tl.len(), 4, "the call and 3 status changes: {lead_tl:?}");
        app.get(&format!("{lead_uri}/timeline?sort=created_at"), t).await.problem(StatusCode::BAD_REQUEST);
        app.get(&format!("{lead_uri}/timeline?kind=call"), t).await.problem(StatusCode::BAD_REQUEST);
        app.get(&format!("{lead_uri}/timeline?cursor=garbage"), t).await.problem(StatusCode::BAD_REQUEST);
        // Out of scope answers 404.
        app.get(&format!("/api/v1/accounts/{}/timeline", acct["id"].as_str().unwrap()), &app.rep.token).await.problem(StatusCode::NOT_FOUND);
        app.get(&format!("{lead_uri}/timeline"), &app.rep.token).await.problem(StatusCode::NOT_FOUND);

        // Deleting the account removes its timeline, each removal audited.
        let r = app.call(Method::DELETE, &format!("/api/v1/accounts/{}", acct["id"].as_str().unwrap()), t, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM activities").await, 0);
        assert_eq!(app.audit_of("activity", uuid::Uuid::parse_str(&expected_activities[0]).unwrap()).await.len(), 2);
    }

    // Deleting a person removes the activities about them alone (audited) and keeps
    // those that are also on a lead.
    async fn deleting_a_contact_keeps_activities_that_have_another_link(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let person = app.post("/api/v1/contacts", t, json!({"first_name": "Ana", "last_name": "Ruiz"})).await.body;
        let l = app.post("/api/v1/leads", t, json!({"title": "Deal"})).await.body;
        let alone = activity(&app, t, json!({"kind": "call", "contact_id": person["id"]})).await;
        let also_on_lead = activity(&app, t, json!({"kind": "call", "contact_id": person["id"], "lead_id": l["id"]})).await;
        let r = app.call(Method::DELETE, &format!("/api/v1/contacts/{}", person["id"].as_str().unwrap()), t, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        app.get(&format!("/api/v1/activities/{}", alone["id"].as_str().unwrap()), t).await.problem(StatusCode::NOT_FOUND);
        let kept = app.get(&format!("/api/v1/activities/{}", also_on_lead["id"].as_str().unwrap()), t).await;
        assert_eq!((kept.body["contact_id"].clone(), kept.body["lead_id"].clone()), (Value::Null, l["id"].clone()));
        let audit = app.audit_of("activity", id_of(&alone)).await;
        assert_eq!(audit.len(), 2, "created, then removed with the contact");
    }
}
