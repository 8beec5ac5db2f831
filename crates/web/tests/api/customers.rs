//! The customer master over HTTP: contacts, their links to accounts, reps, notes,
//! merge, include and cascades, each on both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use serde_json::{json, Value};

#[allow(unused_imports)]
use super::support::*;

async fn contact(app: &App, token: &str, body: Value) -> Value {
    let r = app.post("/api/v1/contacts", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

fn data(reply: &Reply) -> Vec<Value> {
    reply.body["data"].as_array().cloned().unwrap_or_default()
}

fn ids(reply: &Reply, key: &str) -> Vec<String> {
    data(reply)
        .iter()
        .map(|v| v[key].as_str().unwrap_or("").to_owned())
        .collect()
}

both_engines! {
    async fn contacts_are_created_read_changed_and_deleted(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let c = contact(&app, t, json!({
            "kind": "doctor", "first_name": "Amélie", "middle_name": "J", "last_name": "Durand",
            "email": "a.durand@clinic.example", "phone": "+33 6 12 34 56 78", "title": "Orthodontist",
            "date_of_birth": "1980-02-29", "gender": "female",
            "address": {"city": "Lyon", "country": "fr"}, "legacy_id": "doc-17", "metadata": {"npi": "1"}
        })).await;
        let id = id_of(&c);
        assert_eq!(c["full_name"], "Amélie J Durand");
        assert_eq!(c["kind"], "doctor");
        assert_eq!(c["active"], true);
        assert_eq!(c["address"]["country"], "FR");
        assert_eq!(c["date_of_birth"], "1980-02-29");

        let read = app.get(&format!("/api/v1/contacts/{id}"), t).await;
        assert_eq!(read.body, c);
        let patched = app.patch(&format!("/api/v1/contacts/{id}"), t, json!({"title": null, "active": false}), Some("\"1\"")).await;
        assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
        assert_eq!(patched.body["title"], Value::Null);
        assert_eq!(patched.body["active"], false);
        assert_eq!(patched.header("etag").as_deref(), Some("\"2\""));
        app.patch(&format!("/api/v1/contacts/{id}"), t, json!({"title": "x"}), Some("\"1\"")).await.problem(StatusCode::PRECONDITION_FAILED);
        // Clearing the only names left is refused.
        let r = app.patch(&format!("/api/v1/contacts/{id}"), t, json!({"first_name": null, "last_name": null}), None).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("last_name".to_owned(), "one_of".to_owned())]);

        // Bad input names each field and rule; nothing is written.
        let before = app.count("SELECT COUNT(*) FROM contacts").await;
        let r = app.post("/api/v1/contacts", t, json!({
            "kind": "alien", "email": "nope", "phone": "call me", "date_of_birth": "2999-01-01",
            "address": {"country": "ZZ"}, "shoe_size": 44
        })).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<String> = r.field_errors().into_iter().map(|(f, _)| f).collect();
        for expected in ["kind", "email", "phone", "date_of_birth", "address.country", "shoe_size", "last_name"] {
            assert!(fields.contains(&expected.to_owned()), "{expected} missing from {fields:?}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM contacts").await, before);

        // The legacy id is unique; the conflict names the field and the holder.
        let r = app.post("/api/v1/contacts", t, json!({"last_name": "Other", "legacy_id": "doc-17"})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["existing_id"], id.to_string());

        let list = app.get("/api/v1/contacts?kind=doctor&active=false", t).await;
        assert_eq!(ids(&list, "id"), vec![id.to_string()]);
        app.get("/api/v1/contacts?active=maybe", t).await.problem(StatusCode::BAD_REQUEST);

        // Only admins delete people.
        app.call(Method::DELETE, &format!("/api/v1/contacts/{id}"), &app.manager.token, None).await.problem(StatusCode::FORBIDDEN);
        let r = app.call(Method::DELETE, &format!("/api/v1/contacts/{id}"), t, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        app.get(&format!("/api/v1/contacts/{id}"), t).await.problem(StatusCode::NOT_FOUND);
        let audit = app.audit_of("contact", id).await;
        let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(actions, vec!["create", "update", "delete"]);
    }
}

both_engines! {
    async fn an_account_has_at_most_one_primary_contact(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let account = id_of(&app.account(t, json!({"name": "Clinic One"})).await);
        let ada = id_of(&contact(&app, t, json!({"first_name": "Ada", "last_name": "Zed"})).await);
        let bob = id_of(&contact(&app, t, json!({"first_name": "Bob", "last_name": "Young"})).await);
        let people = format!("/api/v1/accounts/{account}/contacts");

        let r = app.post(&people, t, json!({"contact_id": ada, "role": "Office manager", "is_primary": true, "start_date": "2024-01-01"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.body["is_primary"], true);
        assert_eq!(r.body["contact"]["first_name"], "Ada");
        let ada_link = id_of(&r.body);

        // Bob becomes primary: Ada stops being primary in the same transaction.
        let r = app.post(&people, t, json!({"contact_id": bob, "is_primary": true})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let listed = app.get(&people, t).await;
        let primaries: Vec<(String, bool)> = data(&listed)
            .iter()
            .map(|p| (p["contact"]["first_name"].as_str().unwrap_or("").to_owned(), p["is_primary"].as_bool().unwrap_or(false)))
            .collect();
        assert_eq!(primaries, vec![("Bob".to_owned(), true), ("Ada".to_owned(), false)]);
        let ada_audit = app.audit_of("account_contact", ada_link).await;
        assert_eq!(ada_audit.last().map(|a| a.action.as_str()), Some("update"));
        assert_eq!(ada_audit.last().and_then(|a| a.after.clone()).map(|v| v["is_primary"].clone()), Some(json!(false)));

        // The database itself refuses a second primary, whatever writes it.
        let second = app.store.db.write(move |c| {
            c.execute("UPDATE account_contacts SET is_primary = ? WHERE id = ?", &[true.into(), ada_link.into()])
        }).await;
        let err = second.expect_err("a second primary must violate the partial unique index");
        assert!(err.is_unique(), "{err}");

        // And through PATCH the primary moves back, again one at a time.
        let r = app.patch(&format!("{people}/{ada}"), t, json!({"is_primary": true, "role": "Owner"}), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM account_contacts WHERE is_primary").await, 1);

        // Bad links: each a clear error, nothing written.
        let links = app.count("SELECT COUNT(*) FROM account_contacts").await;
        let r = app.post(&people, t, json!({"contact_id": ada})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["existing_id"], ada_link.to_string());
        let r = app.post(&people, t, json!({"contact_id": uuid::Uuid::now_v7()})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("contact_id".to_owned(), "exists".to_owned())]);
        let carol = id_of(&contact(&app, t, json!({"first_name": "Carol"})).await);
        let r = app.post(&people, t, json!({"contact_id": carol, "start_date": "2025-05-01", "end_date": "2025-01-01"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors()[0].0, "end_date");
        let r = app.post(&people, t, json!({"contact_id": carol, "is_primary": true, "active": false})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors()[0].0, "is_primary");
        app.post(&format!("/api/v1/accounts/{}/contacts", uuid::Uuid::now_v7()), t, json!({"contact_id": carol})).await.problem(StatusCode::NOT_FOUND);
        let archived = id_of(&app.account(t, json!({"name": "Closed Clinic"})).await);
        app.post(&format!("/api/v1/accounts/{archived}/archive"), t, json!({})).await;
        let r = app.post(&format!("/api/v1/accounts/{archived}/contacts"), t, json!({"contact_id": carol})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["errors"][0]["field"], "account_id", "{}", r.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM account_contacts").await, links);

        // The other way round: a person's accounts.
        let other = id_of(&app.account(t, json!({"name": "Clinic Two"})).await);
        app.post(&format!("/api/v1/accounts/{other}/contacts"), t, json!({"contact_id": ada, "role": "Consultant"})).await;
        let theirs = app.get(&format!("/api/v1/contacts/{ada}/accounts"), t).await;
        assert_eq!(ids(&theirs, "account_name"), vec!["Clinic One", "Clinic Two"]);

        // Unlinking keeps the person.
        let r = app.call(Method::DELETE, &format!("/api/v1/accounts/{other}/contacts/{ada}"), t, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(data(&app.get(&format!("/api/v1/contacts/{ada}/accounts"), t).await).len(), 1);
        assert_eq!(app.get(&format!("/api/v1/contacts/{ada}"), t).await.status, StatusCode::OK);
        let linked = app.get(&format!("/api/v1/contacts?account_id={account}&sort=name"), t).await;
        assert_eq!(ids(&linked, "first_name"), vec!["Bob", "Ada"]);
    }
}

both_engines! {
    async fn deleting_an_account_cascades_and_audits_what_it_removed(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let account = id_of(&app.account(t, json!({"name": "Gone Clinic", "owner_id": app.rep.user.id})).await);
        let person = id_of(&contact(&app, t, json!({"first_name": "Stays"})).await);
        let link = id_of(&app.post(&format!("/api/v1/accounts/{account}/contacts"), t, json!({"contact_id": person})).await.body);
        // Linked elsewhere too, so the person outlives this account (seed_gaps covers
        // the people linked nowhere else, who go with it).
        let elsewhere = id_of(&app.account(t, json!({"name": "Elsewhere"})).await);
        app.post(&format!("/api/v1/accounts/{elsewhere}/contacts"), t, json!({"contact_id": person})).await;
        let note = id_of(&app.post(&format!("/api/v1/accounts/{account}/notes"), t, json!({"body": "Called"})).await.body);
        app.post(&format!("/api/v1/accounts/{account}/reps"), t, json!({"user_id": app.other_rep.user.id})).await;

        let r = app.call(Method::DELETE, &format!("/api/v1/accounts/{account}"), t, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM account_contacts").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM activities").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM account_reps").await, 0);
        // The person linked elsewhere stays, and every removed row is in the audit log.
        assert_eq!(app.get(&format!("/api/v1/contacts/{person}"), t).await.status, StatusCode::OK);
        assert_eq!(app.audit_of("account_contact", link).await.last().map(|a| a.action.clone()), Some("delete".into()));
        assert_eq!(app.audit_of("note", note).await.last().map(|a| a.action.clone()), Some("delete".into()));
        let reps: Vec<String> = app.audit_of("account_rep", account).await.iter().filter(|a| a.action == "delete").map(|a| a.before.clone().unwrap_or_default()["user_id"].as_str().unwrap_or("").to_owned()).collect();
        assert!(reps.contains(&app.rep.user.id.to_string()) && reps.contains(&app.other_rep.user.id.to_string()), "{reps:?}");
    }
}

both_engines! {
    async fn the_primary_rep_is_the_owner(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let (rep, other) = (app.rep.user.id, app.other_rep.user.id);
        let account = id_of(&app.account(t, json!({"name": "Repped", "owner_id": rep})).await);
        let reps_uri = format!("/api/v1/accounts/{account}/reps");
        let reps = |r: &Reply| data(r).iter().map(|x| (x["user_id"].as_str().unwrap_or("").to_owned(), x["role"].as_str().unwrap_or("").to_owned())).collect::<Vec<_>>();
        assert_eq!(reps(&app.get(&reps_uri, t).await), vec![(rep.to_string(), "primary".to_owned())]);

        // A secondary rep sees the account (seed 000 assignments widen a rep's scope).
        app.get(&format!("/api/v1/accounts/{account}"), &app.other_rep.token).await.problem(StatusCode::NOT_FOUND);
        let r = app.post(&reps_uri, t, json!({"user_id": other, "role": "secondary"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(app.get(&format!("/api/v1/accounts/{account}"), &app.other_rep.token).await.status, StatusCode::OK);

        // Changing the owner changes the primary rep, and the other way round; the
        // previous primary stays on as a secondary rep (seed 000).
        let r = app.patch(&format!("/api/v1/accounts/{account}"), t, json!({"owner_id": other}), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(reps(&app.get(&reps_uri, t).await), vec![(other.to_string(), "primary".to_owned()), (rep.to_string(), "secondary".to_owned())]);
        let r = app.post(&reps_uri, t, json!({"user_id": rep, "role": "primary"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(app.get(&format!("/api/v1/accounts/{account}"), t).await.body["owner_id"], rep.to_string());
        // Removing the primary rep clears the owner and takes them off; the other stays.
        let r = app.call(Method::DELETE, &format!("{reps_uri}/{rep}"), t, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get(&format!("/api/v1/accounts/{account}"), t).await.body["owner_id"], Value::Null);
        assert_eq!(reps(&app.get(&reps_uri, t).await), vec![(other.to_string(), "secondary".to_owned())]);

        // A rep may only put themself on an account.
        let mine = id_of(&app.account(&app.rep.token, json!({"name": "Mine"})).await);
        let r = app.post(&format!("/api/v1/accounts/{mine}/reps"), &app.rep.token, json!({"user_id": other})).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(r.body["errors"][0]["field"], "user_id", "{}", r.body);
        let r = app.post(&format!("/api/v1/accounts/{mine}/reps"), t, json!({"user_id": uuid::Uuid::now_v7()})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors()[0].0, "user_id");
    }
}

both_engines! {
    async fn reassigning_a_book_is_one_audited_operation(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let (rep, other) = (app.rep.user.id, app.other_rep.user.id);
        let north = id_of(&app.account(t, json!({"name": "North One", "owner_id": rep, "billing_address": {"country": "FR", "region": "Nord"}})).await);
        let south = id_of(&app.account(t, json!({"name": "South One", "owner_id": rep, "billing_address": {"country": "FR", "region": "Var"}})).await);
        let helper = id_of(&app.account(t, json!({"name": "Helped", "owner_id": app.manager.user.id})).await);
        app.post(&format!("/api/v1/accounts/{helper}/reps"), t, json!({"user_id": rep})).await;

        app.post("/api/v1/accounts/reps/reassign", &app.rep.token, json!({"from_user_id": rep, "to_user_id": other})).await.problem(StatusCode::FORBIDDEN);
        let r = app.post("/api/v1/accounts/reps/reassign", t, json!({"from_user_id": rep, "to_user_id": rep})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors()[0].0, "to_user_id");

        // Only the Nord part of the book first.
        let r = app.post("/api/v1/accounts/reps/reassign", t, json!({"from_user_id": rep, "to_user_id": other, "region": "Nord"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["accounts"], 1);
        assert_eq!(app.get(&format!("/api/v1/accounts/{north}"), t).await.body["owner_id"], other.to_string());
        assert_eq!(app.get(&format!("/api/v1/accounts/{south}"), t).await.body["owner_id"], rep.to_string());

        // Then the rest: the owned account and the secondary assignment.
        let r = app.post("/api/v1/accounts/reps/reassign", t, json!({"from_user_id": rep, "to_user_id": other})).await;
        assert_eq!(r.body["accounts"], 2, "{}", r.body);
        assert_eq!(app.get(&format!("/api/v1/accounts/{south}"), t).await.body["owner_id"], other.to_string());
        let helper_reps = app.get(&format!("/api/v1/accounts/{helper}/reps"), t).await;
        let roles: Vec<(String, String)> = data(&helper_reps).iter().map(|x| (x["user_id"].as_str().unwrap_or("").to_owned(), x["role"].as_str().unwrap_or("").to_owned())).collect();
        assert_eq!(roles, vec![(app.manager.user.id.to_string(), "primary".into()), (other.to_string(), "secondary".into())]);
        assert_eq!(app.get("/api/v1/accounts?owner_id=me", &app.rep.token).await.body["data"].as_array().map(Vec::len), Some(0));
        let audit = app.audit_of("user", rep).await;
        let reassigns: Vec<_> = audit.iter().filter(|a| a.action == "reassign").collect();
        assert_eq!(reassigns.len(), 2);
        assert_eq!(reassigns[1].after.clone().unwrap_or_default()["account_ids"].as_array().map(Vec::len), Some(2));
    }
}

both_engines! {
    async fn notes_are_newest_first_and_only_their_author_edits_them(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let account = id_of(&app.account(&app.rep.token, json!({"name": "Noted"})).await);
        let notes = format!("/api/v1/accounts/{account}/notes");
        let first = app.post(&notes, &app.rep.token, json!({"body": "First visit", "note_date": "2026-01-10"})).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
        assert_eq!(first.body["author_id"], app.rep.user.id.to_string());
        let today = app.post(&notes, &app.rep.token, json!({"body": "Follow-up"})).await.body;
        assert_eq!(today["note_date"], chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string());
        app.post(&notes, &app.rep.token, json!({"body": "Old", "note_date": "2025-06-01"})).await;
        let listed = app.get(&notes, &app.rep.token).await;
        assert_eq!(ids(&listed, "body"), vec!["Follow-up", "First visit", "Old"]);
        let page = app.get(&format!("{notes}?limit=2"), &app.rep.token).await;
        let cursor = page.body["next_cursor"].as_str().expect("cursor").to_owned();
        let rest = app.get(&format!("{notes}?limit=2&cursor={cursor}"), &app.rep.token).await;
        assert_eq!(ids(&rest, "body"), vec!["Old"]);

        // Someone else's notes: a manager may read but not change them; an admin may.
        let id = id_of(&first.body);
        app.patch(&format!("/api/v1/notes/{id}"), &app.manager.token, json!({"body": "x"}), None).await.problem(StatusCode::FORBIDDEN);
        let r = app.patch(&format!("/api/v1/notes/{id}"), &app.rep.token, json!({"body": "First visit (edited)", "pinned": true}), Some("\"1\"")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["pinned"], true);
        let r = app.call(Method::DELETE, &format!("/api/v1/notes/{id}"), t, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let actions: Vec<String> = app.audit_of("note", id).await.into_iter().map(|a| a.action).collect();
        assert_eq!(actions, vec!["create", "update", "delete"]);

        // Out of scope is not found; viewers read but do not write; authors are people.
        app.get(&notes, &app.other_rep.token).await.problem(StatusCode::NOT_FOUND);
        app.post(&notes, &app.other_rep.token, json!({"body": "sneaky"})).await.problem(StatusCode::NOT_FOUND);
        app.post(&notes, &app.viewer.token, json!({"body": "hi"})).await.problem(StatusCode::FORBIDDEN);
        let r = app.post(&notes, &app.rep.token, json!({"body": "as someone", "author_id": app.manager.user.id})).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(r.body["errors"][0]["field"], "author_id", "{}", r.body);
        let r = app.post(&notes, t, json!({"body": " ", "note_date": "tomorrow"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<String> = r.field_errors().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec!["body", "note_date"]);
        let imported = app.post(&notes, t, json!({"body": "imported", "author_id": app.rep.user.id})).await;
        assert_eq!(imported.body["author_id"], app.rep.user.id.to_string());
    }
}

both_engines! {
    async fn merging_moves_everything_onto_the_survivor(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let survivor = id_of(&app.account(t, json!({"name": "Acme Dental", "owner_id": app.manager.user.id, "email": "main@acme.example"})).await);
        let dup1 = id_of(&app.account(t, json!({"name": "ACME Dental Lab", "owner_id": app.rep.user.id, "phone": "+1 555 0100", "registration_number": "REG-1"})).await);
        let dup2 = id_of(&app.account(t, json!({"name": "Acme Dental (old)"})).await);
        let shared = id_of(&contact(&app, t, json!({"first_name": "Shared"})).await);
        let only = id_of(&contact(&app, t, json!({"first_name": "Only"})).await);
        app.post(&format!("/api/v1/accounts/{survivor}/contacts"), t, json!({"contact_id": shared, "is_primary": true})).await;
        app.post(&format!("/api/v1/accounts/{dup1}/contacts"), t, json!({"contact_id": shared})).await;
        app.post(&format!("/api/v1/accounts/{dup1}/contacts"), t, json!({"contact_id": only, "is_primary": true})).await;
        app.post(&format!("/api/v1/accounts/{dup2}/notes"), t, json!({"body": "old note"})).await;

        // Bad merges first: nothing written.
        let merge = |id: uuid::Uuid| format!("/api/v1/accounts/{id}/merge");
        let r = app.post(&merge(survivor), t, json!({"ids": [survivor]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors()[0], ("ids".to_owned(), "not_self".to_owned()));
        let r = app.post(&merge(survivor), t, json!({"ids": [uuid::Uuid::now_v7()]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors()[0].0, "ids[0]");
        let r = app.post(&merge(survivor), t, json!({"ids": [dup1], "take": {"name": dup1}})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors()[0].0, "take.name");
        app.post(&merge(survivor), &app.rep.token, json!({"ids": [dup1]})).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts WHERE merged_into_id IS NOT NULL").await, 0);

        let r = app.post(&merge(survivor), t, json!({"ids": [dup1, dup2], "take": {"phone": dup1, "registration_number": dup1}})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["name"], "Acme Dental", "the survivor keeps its own fields");
        assert_eq!(r.body["email"], "main@acme.example");
        assert_eq!(r.body["phone"], "+1 555 0100", "unless told otherwise");
        assert_eq!(r.body["registration_number"], "REG-1");
        for dup in [dup1, dup2] {
            let d = app.get(&format!("/api/v1/accounts/{dup}"), t).await.body;
            assert_eq!(d["merged_into_id"], survivor.to_string());
            assert!(d["archived_at"].is_string());
        }
        let people = app.get(&format!("/api/v1/accounts/{survivor}/contacts"), t).await;
        let got: Vec<(String, bool)> = data(&people).iter().map(|p| (p["contact"]["first_name"].as_str().unwrap_or("").to_owned(), p["is_primary"].as_bool().unwrap_or(false))).collect();
        assert_eq!(got, vec![("Shared".to_owned(), true), ("Only".to_owned(), false)]);
        let notes = app.get(&format!("/api/v1/accounts/{survivor}/notes"), t).await;
        assert_eq!(ids(&notes, "body"), vec!["old note"]);
        // The duplicate's owner stays on the book as a secondary rep of the survivor.
        let reps = app.get(&format!("/api/v1/accounts/{survivor}/reps"), t).await;
        assert_eq!(ids(&reps, "role"), vec!["primary", "secondary"]);
        assert_eq!(app.get(&format!("/api/v1/accounts/{survivor}"), &app.rep.token).await.status, StatusCode::OK);
        assert_eq!(app.count("SELECT COUNT(*) FROM account_contacts WHERE is_primary").await, 1);
        let audit = app.audit_of("account", dup1).await;
        assert_eq!(audit.last().map(|a| a.action.as_str()), Some("merge"));
        let on_survivor: Vec<String> = app.audit_of("account", survivor).await.into_iter().map(|a| a.action).collect();
        assert!(on_survivor.ends_with(&["update".to_owned(), "merge".to_owned()]), "{on_survivor:?}");
        // Merged accounts are archived: lists hide them, merged_into_id finds them.
        let merged = app.get(&format!("/api/v1/accounts?archived=all&merged_into_id={survivor}"), t).await;
        assert_eq!(data(&merged).len(), 2);
    }
}

both_engines! {
    async fn include_brings_people_reps_and_notes(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let account = id_of(&app.account(t, json!({"name": "Included", "owner_id": app.rep.user.id})).await);
        let bare = id_of(&app.account(t, json!({"name": "Bare"})).await);
        let p = id_of(&contact(&app, t, json!({"first_name": "Pat"})).await);
        app.post(&format!("/api/v1/accounts/{account}/contacts"), t, json!({"contact_id": p, "is_primary": true})).await;
        for i in 0..25 {
            app.post(&format!("/api/v1/accounts/{account}/notes"), t, json!({"body": format!("n{i}")})).await;
        }
        let one = app.get(&format!("/api/v1/accounts/{account}?include=contacts,reps,notes"), t).await;
        assert_eq!(one.status, StatusCode::OK, "{}", one.body);
        assert_eq!(one.body["name"], "Included");
        let inc = &one.body["included"];
        assert_eq!(inc["contacts"][0]["contact"]["first_name"], "Pat");
        assert_eq!(inc["reps"][0]["role"], "primary");
        let notes = inc["notes"].as_array().cloned().unwrap_or_default();
        assert_eq!(notes.len(), 20, "the 20 newest notes");
        assert_eq!(notes[0]["body"], "n24");
        let plain = app.get(&format!("/api/v1/accounts/{account}"), t).await;
        assert!(plain.body.get("included").is_none());

        let list = app.get("/api/v1/accounts?sort=name&include=reps,contacts", t).await;
        let rows = data(&list);
        assert_eq!(rows[0]["name"], "Bare");
        assert_eq!(rows[0]["included"]["contacts"], json!([]));
        assert_eq!(rows[1]["included"]["reps"][0]["user_id"], app.rep.user.id.to_string());
        assert!(rows[1]["included"].get("notes").is_none());
        let _ = bare;
        let r = app.get("/api/v1/accounts?include=orders", t).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(r.body["errors"][0]["field"], "include", "{}", r.body);
        app.get(&format!("/api/v1/accounts/{account}?expand=x"), t).await.problem(StatusCode::BAD_REQUEST);
    }
}

both_engines! {
    async fn accounts_are_found_by_legacy_id(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let id = id_of(&app.account(t, json!({"name": "Office 12", "kind": "office", "legacy_id": "office/12"})).await);
        let r = app.get("/api/v1/accounts/by-legacy-id/office%2F12", t).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(id_of(&r.body), id);
        app.get("/api/v1/accounts/by-legacy-id/office%2F12", &app.rep.token).await.problem(StatusCode::NOT_FOUND);
        app.get("/api/v1/accounts/by-legacy-id/nope", t).await.problem(StatusCode::NOT_FOUND);
    }
}

both_engines! {
    async fn concurrent_primary_changes_leave_exactly_one_primary(db) {
        let app = std::sync::Arc::new(App::start(db).await);
        let t = app.admin.token.clone();
        let account = id_of(&app.account(&t, json!({"name": "Busy Clinic"})).await);
        let mut people = Vec::new();
        for i in 0..12 {
            people.push(id_of(&contact(&app, &t, json!({"first_name": format!("P{i}")})).await));
        }
        let mut tasks = Vec::new();
        for person in people {
            let (app, t) = (app.clone(), t.clone());
            tasks.push(tokio::spawn(async move {
                app.post(&format!("/api/v1/accounts/{account}/contacts"), &t, json!({"contact_id": person, "is_primary": true})).await.status
            }));
        }
        for task in tasks {
            assert_eq!(task.await.expect("task"), StatusCode::CREATED);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM account_contacts").await, 12);
        assert_eq!(app.count("SELECT COUNT(*) FROM account_contacts WHERE is_primary").await, 1);
    }
}
