//! Accounts over HTTP: the conventions proved end to end on the first resource.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use serde_json::{json, Value};

#[allow(unused_imports)]
use super::support::*;

fn names(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|a| a["name"].as_str().unwrap_or("").to_owned())
        .collect()
}

both_engines! {
    async fn create_read_update_with_etags(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let created = app
            .post("/api/v1/accounts", t, json!({
                "name": "Hôpital Saint-Éloi",
                "kind": "facility",
                "customer_type": "commercial",
                "email": "contact@hopital.example",
                "tags": ["vip", "north", "vip"],
                "billing_address": {"street": "1 rue A", "city": "Lille", "country": "fr"},
                "metadata": {"source": "import"}
            }))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let id = id_of(&created.body);
        assert_eq!(created.header("location"), Some(format!("/api/v1/accounts/{id}")));
        assert_eq!(created.header("etag").as_deref(), Some("\"1\""));
        let a = &created.body;
        assert_eq!(a["company_key"], "HOPITALSAINTELOI");
        assert_eq!(a["customer_type"], "commercial");
        assert_eq!(a["tags"], json!(["vip", "north"]));
        assert_eq!(a["billing_address"]["country"], "FR");
        assert_eq!(a["service_address"], Value::Null);
        assert_eq!(a["archived_at"], Value::Null);
        assert_eq!(a["created_by"], app.admin.user.id.to_string());

        let read = app.get(&format!("/api/v1/accounts/{id}"), t).await;
        assert_eq!(read.status, StatusCode::OK);
        assert_eq!(read.body, created.body, "a read returns what the create returned");

        // PATCH merges: only the given fields change; null clears.
        let patched = app
            .patch(&format!("/api/v1/accounts/{id}"), t, json!({"phone": "+33 1 23 45 67 89", "email": null}), Some("\"1\""))
            .await;
        assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
        assert_eq!(patched.header("etag").as_deref(), Some("\"2\""));
        assert_eq!(patched.body["phone"], "+33 1 23 45 67 89");
        assert_eq!(patched.body["email"], Value::Null);
        assert_eq!(patched.body["name"], "Hôpital Saint-Éloi");
        assert_eq!(patched.body["tags"], json!(["vip", "north"]));

        // The old ETag is stale now: 412, and nothing changes.
        let stale = app
            .patch(&format!("/api/v1/accounts/{id}"), t, json!({"phone": "+1 555 0100"}), Some("\"1\""))
            .await
            .problem(StatusCode::PRECONDITION_FAILED);
        assert_eq!(stale.body["current_version"], 2);
        let after = app.get(&format!("/api/v1/accounts/{id}"), t).await;
        assert_eq!(after.body["phone"], "+33 1 23 45 67 89");

        // If-None-Match with the current tag: 304.
        let cached = app
            .call_with(Method::GET, &format!("/api/v1/accounts/{id}"), t, None, &[("if-none-match", "\"2\"")])
            .await;
        assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    }
}

both_engines! {
    async fn concurrent_updates_with_the_same_etag_let_exactly_one_win(db) {
        let app = App::start(db).await;
        let t = app.admin.token.clone();
        let id = id_of(&app.account(&t, json!({"name": "Race Co"})).await);
        let app = std::sync::Arc::new(app);
        let mut handles = Vec::new();
        for i in 0..8 {
            let app = app.clone();
            let t = t.clone();
            handles.push(tokio::spawn(async move {
                app.patch(&format!("/api/v1/accounts/{id}"), &t, json!({"notes": format!("writer {i}")}), Some("\"1\""))
                    .await
                    .status
            }));
        }
        let mut statuses = Vec::new();
        for h in handles {
            statuses.push(h.await.expect("task"));
        }
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::PRECONDITION_FAILED).count(), 7, "{statuses:?}");
        let final_state = app.get(&format!("/api/v1/accounts/{id}"), &t).await;
        assert_eq!(final_state.body["version"], 2);
    }
}

both_engines! {
    async fn names_that_normalise_alike_conflict_and_point_at_the_existing_account(db) {
        let app = App::start(db).await;
        let first = app.account(&app.admin.token, json!({"name": "Hospital A"})).await;
        let dup = app
            .post("/api/v1/accounts", &app.admin.token, json!({"name": "hospital-a"}))
            .await
            .problem(StatusCode::CONFLICT);
        assert_eq!(dup.body["existing_id"], first["id"]);
        assert_eq!(dup.field_errors(), vec![("name".to_owned(), "unique".to_owned())]);
        // A rep who cannot see the existing account is not told its id.
        let hidden = app
            .post("/api/v1/accounts", &app.rep.token, json!({"name": "HOSPITAL A"}))
            .await
            .problem(StatusCode::CONFLICT);
        assert_eq!(hidden.body.get("existing_id"), None);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 1);
        // Registration number and legacy id are unique too.
        app.account(&app.admin.token, json!({"name": "B", "registration_number": "FR123", "legacy_id": "7"})).await;
        let reg = app
            .post("/api/v1/accounts", &app.admin.token, json!({"name": "C", "registration_number": "FR123"}))
            .await
            .problem(StatusCode::CONFLICT);
        assert_eq!(reg.field_errors()[0].0, "registration_number");
        let legacy = app
            .post("/api/v1/accounts", &app.admin.token, json!({"name": "D", "legacy_id": "7"}))
            .await
            .problem(StatusCode::CONFLICT);
        assert_eq!(legacy.field_errors()[0].0, "legacy_id");
    }
}

both_engines! {
    async fn reps_see_only_their_accounts_and_others_answer_404(db) {
        let app = App::start(db).await;
        let mine = app.account(&app.rep.token, json!({"name": "Rep Own"})).await;
        assert_eq!(mine["owner_id"], app.rep.user.id.to_string(), "a rep's new account is theirs");
        let theirs = app.account(&app.other_rep.token, json!({"name": "Other Rep Own"})).await;
        let admins = app.account(&app.admin.token, json!({"name": "Admin Own"})).await;
        // An admin gives one account to the rep: owning it brings it into view.
        let given = app.account(&app.admin.token, json!({"name": "Given", "owner_id": app.rep.user.id})).await;

        let list = app.get("/api/v1/accounts?sort=name&count=true", &app.rep.token).await;
        assert_eq!(names(&list.body), vec!["Given", "Rep Own"]);
        assert_eq!(list.body["total"], 2);
        let search = app.get("/api/v1/accounts?q=own", &app.rep.token).await;
        assert_eq!(names(&search.body), vec!["Rep Own"], "search obeys scope");

        for hidden in [&theirs, &admins] {
            let uri = format!("/api/v1/accounts/{}", hidden["id"].as_str().unwrap_or(""));
            app.get(&uri, &app.rep.token).await.problem(StatusCode::NOT_FOUND);
            app.patch(&uri, &app.rep.token, json!({"notes": "x"}), None).await.problem(StatusCode::NOT_FOUND);
            app.call(Method::POST, &format!("{uri}/archive"), &app.rep.token, None).await.problem(StatusCode::NOT_FOUND);
        }
        let given_uri = format!("/api/v1/accounts/{}", given["id"].as_str().unwrap_or(""));
        assert_eq!(app.get(&given_uri, &app.rep.token).await.status, StatusCode::OK);

        // Managers and viewers see everything.
        let all = app.get("/api/v1/accounts?count=true", &app.viewer.token).await;
        assert_eq!(all.body["total"], 4);
        let _ = mine;
    }
}

both_engines! {
    async fn roles_that_may_not_write_get_403_naming_the_field_or_action(db) {
        let app = App::start(db).await;
        let viewer = app.post("/api/v1/accounts", &app.viewer.token, json!({"name": "V"})).await.problem(StatusCode::FORBIDDEN);
        assert!(viewer.body["detail"].as_str().unwrap_or("").contains("viewer"));
        // A rep may not hand an account to someone else…
        let r = app
            .post("/api/v1/accounts", &app.rep.token, json!({"name": "R", "owner_id": app.other_rep.user.id}))
            .await
            .problem(StatusCode::FORBIDDEN);
        assert_eq!(r.field_errors(), vec![("owner_id".to_owned(), "forbidden".to_owned())]);
        let mine = app.account(&app.rep.token, json!({"name": "R"})).await;
        let uri = format!("/api/v1/accounts/{}", mine["id"].as_str().unwrap_or(""));
        app.patch(&uri, &app.rep.token, json!({"owner_id": app.other_rep.user.id}), None).await.problem(StatusCode::FORBIDDEN);
        // …and only admins delete for good.
        app.call(Method::DELETE, &uri, &app.rep.token, None).await.problem(StatusCode::FORBIDDEN);
        app.call(Method::DELETE, &uri, &app.manager.token, None).await.problem(StatusCode::FORBIDDEN);
        app.call(Method::DELETE, &uri, &app.restricted_admin.token, None).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 1);
        let deleted = app.call(Method::DELETE, &uri, &app.admin.token, None).await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT);
        app.get(&uri, &app.admin.token).await.problem(StatusCode::NOT_FOUND);
        assert_eq!(app.count("SELECT COUNT(*) FROM account_tags").await, 0);
        // A manager may assign owners; an owner must be a real user.
        let m = app.account(&app.manager.token, json!({"name": "M", "owner_id": app.rep.user.id})).await;
        assert_eq!(m["owner_id"], app.rep.user.id.to_string());
        let ghost = app
            .post("/api/v1/accounts", &app.manager.token, json!({"name": "G", "owner_id": uuid::Uuid::now_v7()}))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(ghost.field_errors(), vec![("owner_id".to_owned(), "exists".to_owned())]);
    }
}

both_engines! {
    async fn archived_accounts_leave_lists_until_restored(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let a = app.account(t, json!({"name": "Keep"})).await;
        let b = app.account(t, json!({"name": "Shelve"})).await;
        let b_uri = format!("/api/v1/accounts/{}", b["id"].as_str().unwrap_or(""));
        let archived = app.call(Method::POST, &format!("{b_uri}/archive"), t, None).await;
        assert_eq!(archived.status, StatusCode::OK);
        assert!(archived.body["archived_at"].is_string());
        assert_eq!(names(&app.get("/api/v1/accounts", t).await.body), vec!["Keep"]);
        assert_eq!(names(&app.get("/api/v1/accounts?archived=true", t).await.body), vec!["Shelve"]);
        assert_eq!(app.get("/api/v1/accounts?archived=all", t).await.body["data"].as_array().map(Vec::len), Some(2));
        app.get("/api/v1/accounts?archived=maybe", t).await.problem(StatusCode::BAD_REQUEST);
        // Archived records can still be read by id.
        assert_eq!(app.get(&b_uri, t).await.status, StatusCode::OK);
        // Archiving twice changes nothing.
        let again = app.call(Method::POST, &format!("{b_uri}/archive"), t, None).await;
        assert_eq!(again.body["version"], archived.body["version"]);
        let restored = app.call(Method::POST, &format!("{b_uri}/restore"), t, None).await;
        assert_eq!(restored.status, StatusCode::OK);
        assert_eq!(restored.body["archived_at"], Value::Null);
        let mut listed = names(&app.get("/api/v1/accounts?sort=name", t).await.body);
        listed.sort();
        assert_eq!(listed, vec!["Keep", "Shelve"]);
        let _ = a;
    }
}

both_engines! {
    async fn keyset_pages_are_complete_and_stable_under_inserts(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        for i in 0..23 {
            app.account(t, json!({"name": format!("Co {i:02}"), "kind": if i % 2 == 0 { "customer" } else { "prospect" }})).await;
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let uri = match &cursor {
                Some(c) => format!("/api/v1/accounts?limit=5&sort=name&cursor={c}"),
                None => "/api/v1/accounts?limit=5&sort=name".to_owned(),
            };
            let page = app.get(&uri, t).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            seen.extend(names(&page.body));
            pages += 1;
            if pages == 2 {
                // Rows added behind the cursor do not shift later pages.
                app.account(t, json!({"name": "Aaa first"})).await;
            }
            match page.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        let expected: Vec<String> = (0..23).map(|i| format!("Co {i:02}")).collect();
        assert_eq!(seen, expected);
        assert_eq!(pages, 5);

        // Descending sort on a timestamp, with a filter.
        let newest = app.get("/api/v1/accounts?sort=-created_at&kind=prospect&limit=3", t).await;
        assert_eq!(names(&newest.body), vec!["Co 21", "Co 19", "Co 17"]);
        let next = newest.body["next_cursor"].as_str().unwrap_or("").to_owned();
        let more = app.get(&format!("/api/v1/accounts?sort=-created_at&kind=prospect&limit=3&cursor={next}"), t).await;
        assert_eq!(names(&more.body), vec!["Co 15", "Co 13", "Co 11"]);
        // A cursor is tied to its sort.
        app.get(&format!("/api/v1/accounts?sort=name&cursor={next}"), t).await.problem(StatusCode::BAD_REQUEST);
    }
}

both_engines! {
    async fn filters_search_and_tags(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        app.account(t, json!({"name": "Clinique du Parc", "tags": ["vip"], "email": "parc@example.fr"})).await;
        app.account(t, json!({"name": "Parc Dental", "kind": "office", "tags": ["dental"]})).await;
        app.account(t, json!({"name": "O'Brien & Sons 100% _fun_", "owner_id": app.rep.user.id})).await;
        let q = |s: &str| format!("/api/v1/accounts?sort=name&q={}", urlencode(s));
        assert_eq!(names(&app.get(&q("PARC"), t).await.body), vec!["Clinique du Parc", "Parc Dental"]);
        assert_eq!(names(&app.get(&q("clinique parc"), t).await.body), vec!["Clinique du Parc"]);
        assert_eq!(names(&app.get(&q("parc@example"), t).await.body), vec!["Clinique du Parc"]);
        // SQL and LIKE metacharacters are text, not syntax.
        assert_eq!(names(&app.get(&q("100%"), t).await.body), vec!["O'Brien & Sons 100% _fun_"]);
        assert_eq!(names(&app.get(&q("_fun_"), t).await.body), vec!["O'Brien & Sons 100% _fun_"]);
        // A q without letters or digits has no words to match and filters nothing.
        assert_eq!(names(&app.get(&q("%"), t).await.body).len(), 3);
        assert!(names(&app.get(&q("' OR 1=1 --"), t).await.body).is_empty());
        assert_eq!(names(&app.get(&q("o'brien"), t).await.body).len(), 1);
        assert_eq!(names(&app.get("/api/v1/accounts?kind=office", t).await.body), vec!["Parc Dental"]);
        assert_eq!(names(&app.get("/api/v1/accounts?tag=vip,dental&sort=name", t).await.body).len(), 2);
        assert_eq!(names(&app.get("/api/v1/accounts?tag=vip", t).await.body), vec!["Clinique du Parc"]);
        assert_eq!(names(&app.get("/api/v1/accounts?owner_id=null&sort=name", t).await.body).len(), 2);
        let rep_id = app.rep.user.id;
        assert_eq!(names(&app.get(&format!("/api/v1/accounts?owner_id={rep_id}"), t).await.body).len(), 1);
        assert_eq!(names(&app.get("/api/v1/accounts?owner_id=me", &app.rep.token).await.body).len(), 1);
        assert_eq!(names(&app.get("/api/v1/accounts?created_after=2000-01-01", t).await.body).len(), 3);
        assert!(names(&app.get("/api/v1/accounts?created_before=2000-01-01", t).await.body).is_empty());
        let bad = app.get("/api/v1/accounts?created_after=yesterday", t).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(bad.field_errors()[0].0, "created_after");
        let bad = app.get("/api/v1/accounts?owner_id=not-a-uuid", t).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(bad.field_errors()[0].0, "owner_id");
        let bad = app.get("/api/v1/accounts?colour=red", t).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(bad.field_errors(), vec![("colour".to_owned(), "unknown_parameter".to_owned())]);
    }
}

both_engines! {
    async fn find_or_create_returns_the_existing_account_or_creates_one(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let created = app.post("/api/v1/accounts/find-or-create", t, json!({"name": "Hôpital Saint-Éloi", "kind": "facility"})).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        assert!(created.header("location").is_some());
        let found = app.post("/api/v1/accounts/find-or-create", t, json!({"name": "HOPITAL SAINT ELOI"})).await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.body);
        assert_eq!(found.body["id"], created.body["id"]);
        // The existing account's fields are kept: find-or-create never edits.
        assert_eq!(found.body["name"], "Hôpital Saint-Éloi");
        assert_eq!(found.body["kind"], "facility");
        assert_eq!(found.header("etag").as_deref(), Some("\"1\""));

        // Archived accounts are found (to be restored), not duplicated.
        let uri = format!("/api/v1/accounts/{}", created.body["id"].as_str().unwrap_or(""));
        app.call(Method::POST, &format!("{uri}/archive"), t, None).await;
        let again = app.post("/api/v1/accounts/find-or-create", t, json!({"name": "hopital saint-eloi"})).await;
        assert_eq!(again.status, StatusCode::OK);
        assert!(again.body["archived_at"].is_string());

        // A rep who may not see the existing account learns it exists, not its id.
        let hidden = app
            .post("/api/v1/accounts/find-or-create", &app.rep.token, json!({"name": "Hopital Saint Eloi"}))
            .await
            .problem(StatusCode::CONFLICT);
        assert_eq!(hidden.body.get("existing_id"), None);
        // Bad input is named, and roles that may not create are refused.
        let bad = app.post("/api/v1/accounts/find-or-create", t, json!({"name": "?!"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.field_errors()[0].0, "name");
        app.post("/api/v1/accounts/find-or-create", &app.viewer.token, json!({"name": "New"})).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 1);
    }
}

both_engines! {
    async fn fifty_concurrent_find_or_creates_make_exactly_one_account(db) {
        let app = std::sync::Arc::new(App::start(db).await);
        let spellings = ["Clinique Sainte-Anne", "CLINIQUE SAINTE ANNE", "clinique sainte-anne", "Clinique  Ste-Anne", "Clinique Sainté Anne"];
        let mut handles = Vec::new();
        for i in 0..50 {
            let app = app.clone();
            // "Ste" is another key on purpose: it must make a second, separate account.
            let name = spellings[i % spellings.len()];
            handles.push(tokio::spawn(async move {
                let r = app.post("/api/v1/accounts/find-or-create", &app.admin.token, json!({"name": name})).await;
                (name, r.status, r.body["id"].as_str().unwrap_or("").to_owned())
            }));
        }
        let mut results = Vec::new();
        for h in handles {
            results.push(h.await.expect("task"));
        }
        let main: Vec<_> = results.iter().filter(|(n, _, _)| !n.contains("Ste-")).collect();
        let created = main.iter().filter(|(_, s, _)| *s == StatusCode::CREATED).count();
        assert_eq!(created, 1, "{results:?}");
        assert!(main.iter().all(|(_, s, _)| *s == StatusCode::OK || *s == StatusCode::CREATED), "{results:?}");
        let ids: std::collections::HashSet<_> = main.iter().map(|(_, _, id)| id.clone()).collect();
        assert_eq!(ids.len(), 1, "every caller got the same account");
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'account' AND action = 'create'").await, 2);
    }
}

both_engines! {
    async fn tags_are_added_removed_counted_renamed_and_filtered(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let a = app.account(t, json!({"name": "A", "tags": ["vip", "north"]})).await;
        let b = app.account(t, json!({"name": "B", "tags": ["vip", "key"]})).await;
        app.account(&app.rep.token, json!({"name": "Rep C", "tags": ["vip", "south"]})).await;
        let a_tags = format!("/api/v1/accounts/{}/tags", a["id"].as_str().unwrap_or(""));

        let r = app.post(&a_tags, t, json!({"add": ["key", "vip"], "remove": ["north", "absent"]})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["tags"], json!(["vip", "key"]));
        assert_eq!(r.header("etag").as_deref(), Some("\"2\""));

        let counts = app.get("/api/v1/accounts/tags", t).await;
        assert_eq!(counts.body["data"], json!([
            {"tag": "vip", "count": 3}, {"tag": "key", "count": 2}, {"tag": "south", "count": 1}
        ]));
        // Counts obey scope: the rep sees only their account's tags.
        let theirs = app.get("/api/v1/accounts/tags", &app.rep.token).await;
        assert_eq!(theirs.body["data"], json!([{"tag": "south", "count": 1}, {"tag": "vip", "count": 1}]));

        assert_eq!(names(&app.get("/api/v1/accounts?tags_all=vip,key&sort=name", t).await.body), vec!["A", "B"]);
        assert_eq!(names(&app.get("/api/v1/accounts?tags_all=vip,south,vip", t).await.body), vec!["Rep C"]);
        assert!(names(&app.get("/api/v1/accounts?tags_all=north,vip", t).await.body).is_empty());

        // Renaming onto an existing tag merges; each changed account is audited.
        let renamed = app.post("/api/v1/accounts/tags/rename", t, json!({"from": "key", "to": "vip"})).await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
        assert_eq!(renamed.body["renamed"], 2);
        let b_now = app.get(&format!("/api/v1/accounts/{}", b["id"].as_str().unwrap_or("")), t).await;
        assert_eq!(b_now.body["tags"], json!(["vip"]));
        assert_eq!(app.count("SELECT COUNT(*) FROM account_tags WHERE tag = 'key'").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'update'").await, 3);

        // A rep renames only on their own accounts.
        let r = app.post("/api/v1/accounts/tags/rename", &app.rep.token, json!({"from": "vip", "to": "gold"})).await;
        assert_eq!(r.body["renamed"], 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM account_tags WHERE tag = 'gold'").await, 1);
    }
}

both_engines! {
    async fn bad_tag_changes_are_refused_and_write_nothing(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let a = app.account(t, json!({"name": "A", "tags": (0..50).map(|i| format!("t{i}")).collect::<Vec<_>>()})).await;
        let uri = format!("/api/v1/accounts/{}/tags", a["id"].as_str().unwrap_or(""));
        let r = app.post(&uri, t, json!({"add": ["one-too-many"]})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("tags".to_owned(), "max_items".to_owned())]);
        let r = app.post(&uri, t, json!({})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors()[0].0, "add");
        let r = app.post(&uri, t, json!({"add": [""], "colour": 1})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors().len(), 2);
        let r = app.post("/api/v1/accounts/tags/rename", t, json!({"from": "t1", "to": "t1"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("to".to_owned(), "different".to_owned())]);
        app.post("/api/v1/accounts/tags/rename", t, json!({"from": "t1"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        app.post("/api/v1/accounts/tags/rename", &app.viewer.token, json!({"from": "t1", "to": "t2"})).await.problem(StatusCode::FORBIDDEN);
        app.post(&uri, &app.viewer.token, json!({"add": ["x"]})).await.problem(StatusCode::FORBIDDEN);
        app.post(&uri, &app.rep.token, json!({"add": ["x"]})).await.problem(StatusCode::NOT_FOUND);
        let now = app.get(&format!("/api/v1/accounts/{}", a["id"].as_str().unwrap_or("")), t).await;
        assert_eq!(now.body["version"], 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'update'").await, 0);
    }
}
