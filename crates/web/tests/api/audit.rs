//! The audit log: exactly one row per change, written with the change (so a refused or
//! failed request leaves none), carrying who, from where and which request; and
//! `GET /api/v1/audit` to read it.

#[allow(unused_imports)]
use super::support::*;
use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use rapport_store::reports::audit_log::AuditEntry;
use rapport_web::WebConfig;
use serde_json::{json, Value};

async fn audit_rows(app: &App) -> i64 {
    app.count("SELECT COUNT(*) FROM audit_log").await
}

/// One page of `GET /api/v1/audit?{query}` as admin, asserting 200.
async fn audit_page(app: &App, query: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/audit?{query}"), &app.admin.token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
    r.body
}

fn actions(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["action"].as_str().unwrap_or("?"),
                e["entity_id"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

#[track_caller]
fn only(rows: Vec<AuditEntry>) -> AuditEntry {
    assert_eq!(rows.len(), 1, "{rows:#?}");
    rows.into_iter().next().expect("one row")
}

// --- what a write records -------------------------------------------------------------

both_engines! {
    async fn account_create_is_audited_once_with_actor_request_and_client(db) {
        let app = App::start(db).await;
        let r = app
            .call_with(
                Method::POST,
                "/api/v1/accounts",
                &app.rep.token,
                Some(json!({"name": "Audited Ltd", "email": "desk@audited.example"})),
                &[("user-agent", "rapport-tests/1.0"), ("x-request-id", "audit-create-1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = id_of(&r.body);
        let row = only(app.audit_of("account", id).await);
        assert_eq!(row.action, "create");
        assert_eq!(row.entity_type, "account");
        assert_eq!(row.entity_id, Some(id));
        assert_eq!(row.actor_id, Some(app.rep.user.id));
        assert_eq!(row.actor_email.as_deref(), Some("rep@example.com"));
        assert_eq!(row.before, None);
        // The whole record as the API showed it.
        assert_eq!(row.after.as_ref(), Some(&r.body));
        assert_eq!(r.header("x-request-id").as_deref(), Some("audit-create-1"));
        assert_eq!(row.request_id.as_deref(), Some("audit-create-1"));
        assert_eq!(row.user_agent.as_deref(), Some("rapport-tests/1.0"));
        // No peer address in these in-process requests, and no trusted proxy.
        assert_eq!(row.ip, None);
    }
}

both_engines! {
    async fn generated_request_id_is_the_one_recorded(db) {
        let app = App::start(db).await;
        let r = app.post("/api/v1/accounts", &app.admin.token, json!({"name": "No Id Given"})).await;
        assert_eq!(r.status, StatusCode::CREATED);
        let header = r.header("x-request-id").expect("x-request-id");
        let row = only(app.audit_of("account", id_of(&r.body)).await);
        assert_eq!(row.request_id, Some(header));
    }
}

both_engines! {
    async fn client_address_comes_from_a_trusted_proxy(db) {
        let app = App::start_with(db, WebConfig { trust_proxy_headers: true, ..Default::default() }).await;
        let r = app
            .call_with(Method::POST, "/api/v1/accounts", &app.admin.token, Some(json!({"name": "Proxied"})),
                &[("x-forwarded-for", "203.0.113.7, 10.0.0.1")])
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let row = only(app.audit_of("account", id_of(&r.body)).await);
        // The left-most address is the client; the rest are proxies.
        assert_eq!(row.ip.as_deref(), Some("203.0.113.7"));
    }
}

both_engines! {
    async fn forwarded_for_is_not_recorded_unless_the_proxy_is_trusted(db) {
        // Otherwise anyone could write any address into the audit log.
        let app = App::start(db).await;
        let r = app
            .call_with(Method::POST, "/api/v1/accounts", &app.admin.token, Some(json!({"name": "Spoofer"})),
                &[("x-forwarded-for", "198.51.100.9")])
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let row = only(app.audit_of("account", id_of(&r.body)).await);
        assert_eq!(row.ip, None);
    }
}

both_engines! {
    async fn long_user_agent_is_cut_to_512_characters(db) {
        let app = App::start(db).await;
        let ua = "a".repeat(600);
        let r = app
            .call_with(Method::POST, "/api/v1/accounts", &app.admin.token, Some(json!({"name": "Long Agent"})), &[("user-agent", ua.as_str())])
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let row = only(app.audit_of("account", id_of(&r.body)).await);
        assert_eq!(row.user_agent.as_deref(), Some(&ua[..512]));
    }
}

both_engines! {
    async fn update_is_audited_with_before_and_after(db) {
        let app = App::start(db).await;
        let created = app.account(&app.admin.token, json!({"name": "Before Name", "phone": "+33 1 23 45 67 89"})).await;
        let id = id_of(&created);
        let r = app
            .call_with(Method::PATCH, &format!("/api/v1/accounts/{id}"), &app.manager.token,
                Some(json!({"name": "After Name", "phone": null})),
                &[("if-match", "\"1\""), ("user-agent", "patcher/2")])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let rows = app.audit_of("account", id).await;
        assert_eq!(rows.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(), ["create", "update"]);
        let row = &rows[1];
        assert_eq!(row.actor_id, Some(app.manager.user.id));
        assert_eq!(row.actor_email.as_deref(), Some("manager@example.com"));
        assert_eq!(row.before.as_ref(), Some(&created));
        assert_eq!(row.after.as_ref(), Some(&r.body));
        let (before, after) = (row.before.as_ref().expect("before"), row.after.as_ref().expect("after"));
        assert_eq!((before["name"].as_str(), after["name"].as_str()), (Some("Before Name"), Some("After Name")));
        assert_eq!(after["phone"], Value::Null);
        assert_eq!((before["version"].as_i64(), after["version"].as_i64()), (Some(1), Some(2)));
        assert_eq!(row.request_id, r.header("x-request-id"));
        assert_eq!(row.user_agent.as_deref(), Some("patcher/2"));
    }
}

both_engines! {
    async fn archive_and_restore_are_audited_once_each(db) {
        let app = App::start(db).await;
        let id = id_of(&app.account(&app.admin.token, json!({"name": "Seasonal"})).await);
        let archive = format!("/api/v1/accounts/{id}/archive");
        let restore = format!("/api/v1/accounts/{id}/restore");

        let a = app.call(Method::POST, &archive, &app.admin.token, None).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        // Archiving an archived account changes nothing, so records nothing.
        assert_eq!(app.call(Method::POST, &archive, &app.admin.token, None).await.status, StatusCode::OK);
        let r = app.call(Method::POST, &restore, &app.admin.token, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(app.call(Method::POST, &restore, &app.admin.token, None).await.status, StatusCode::OK);

        let rows = app.audit_of("account", id).await;
        assert_eq!(rows.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(), ["create", "archive", "restore"]);
        assert!(rows[1].before.as_ref().expect("before")["archived_at"].is_null());
        assert_eq!(rows[1].after.as_ref(), Some(&a.body));
        assert!(a.body["archived_at"].is_string());
        assert_eq!(rows[2].after.as_ref(), Some(&r.body));
        assert!(r.body["archived_at"].is_null());
        assert_eq!(rows[1].request_id, a.header("x-request-id"));
        assert_eq!(rows[2].request_id, r.header("x-request-id"));
    }
}

both_engines! {
    async fn delete_is_audited_with_the_last_state_and_outlives_the_account(db) {
        let app = App::start(db).await;
        let id = id_of(&app.account(&app.admin.token, json!({"name": "Short Lived"})).await);
        let uri = format!("/api/v1/accounts/{id}");
        let last = app.patch(&uri, &app.admin.token, json!({"notes": "about to go"}), None).await;
        assert_eq!(last.status, StatusCode::OK);
        let d = app.call(Method::DELETE, &uri, &app.admin.token, None).await;
        assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.body);
        app.get(&uri, &app.admin.token).await.problem(StatusCode::NOT_FOUND);

        let rows = app.audit_of("account", id).await;
        assert_eq!(rows.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(), ["create", "update", "delete"]);
        assert_eq!(rows[2].before.as_ref(), Some(&last.body));
        assert_eq!(rows[2].after, None);
        assert_eq!(rows[2].actor_id, Some(app.admin.user.id));
        assert_eq!(rows[2].request_id, d.header("x-request-id"));
    }
}

both_engines! {
    async fn token_create_and_revoke_are_audited_without_the_secret(db) {
        let app = App::start(db).await;
        let c = app.call_with(Method::POST, "/api/v1/tokens", &app.rep.token, Some(json!({"name": "audited"})), &[("user-agent", "tok/1")]).await;
        assert_eq!(c.status, StatusCode::CREATED);
        let id = id_of(&c.body);
        let secret = c.body["token"].as_str().expect("token").to_owned();
        let d = app.call(Method::DELETE, &format!("/api/v1/tokens/{id}"), &app.rep.token, None).await;
        assert_eq!(d.status, StatusCode::NO_CONTENT);

        let rows = app.audit_of("api_token", id).await;
        assert_eq!(rows.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(), ["create", "revoke"]);
        assert!(rows.iter().all(|r| r.actor_id == Some(app.rep.user.id)));
        assert_eq!(rows[0].request_id, c.header("x-request-id"));
        assert_eq!(rows[0].user_agent.as_deref(), Some("tok/1"));
        assert_eq!(rows[0].before, None);
        let created = rows[0].after.as_ref().expect("after");
        assert_eq!(created["name"], "audited");
        assert!(created.get("token").is_none() && created.get("token_hash").is_none(), "{created}");
        assert!(rows[1].before.as_ref().expect("before")["revoked_at"].is_null());
        assert!(rows[1].after.as_ref().expect("after")["revoked_at"].is_string());
        assert_eq!(rows[1].request_id, d.header("x-request-id"));

        // Nor does the secret come back through the API.
        let listed = app.get(&format!("/api/v1/audit?entity_type=api_token&entity_id={id}"), &app.admin.token).await;
        assert_eq!(listed.status, StatusCode::OK);
        assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(2));
        assert!(!String::from_utf8_lossy(&listed.raw).contains(&secret));
    }
}

// --- what must not be recorded -----------------------------------------------------------

both_engines! {
    async fn refused_or_failed_account_writes_leave_no_audit_row(db) {
        let app = App::start(db).await;
        let alpha = id_of(&app.account(&app.admin.token, json!({"name": "Alpha"})).await);
        let beta = id_of(&app.account(&app.admin.token, json!({"name": "Beta"})).await);
        let a = format!("/api/v1/accounts/{alpha}");
        let b = format!("/api/v1/accounts/{beta}");
        let stale = [("if-match", "\"7\"")];
        let cases: Vec<(&str, Reply, StatusCode)> = vec![
            ("invalid email", app.patch(&a, &app.admin.token, json!({"email": "not an email"}), None).await, StatusCode::UNPROCESSABLE_ENTITY),
            ("valid field beside an invalid one", app.patch(&a, &app.admin.token, json!({"notes": "ok", "website": 5}), None).await, StatusCode::UNPROCESSABLE_ENTITY),
            ("stale If-Match on PATCH", app.patch(&a, &app.admin.token, json!({"notes": "late"}), Some("\"7\"")).await, StatusCode::PRECONDITION_FAILED),
            ("stale If-Match on archive", app.call_with(Method::POST, &format!("{a}/archive"), &app.admin.token, None, &stale).await, StatusCode::PRECONDITION_FAILED),
            ("stale If-Match on DELETE", app.call_with(Method::DELETE, &a, &app.admin.token, None, &stale).await, StatusCode::PRECONDITION_FAILED),
            ("create with a taken name", app.post("/api/v1/accounts", &app.admin.token, json!({"name": "ALPHA"})).await, StatusCode::CONFLICT),
            ("rename onto a taken name", app.patch(&b, &app.admin.token, json!({"name": "alpha"}), None).await, StatusCode::CONFLICT),
            ("viewer create", app.post("/api/v1/accounts", &app.viewer.token, json!({"name": "Gamma"})).await, StatusCode::FORBIDDEN),
            ("viewer update", app.patch(&a, &app.viewer.token, json!({"notes": "x"}), None).await, StatusCode::FORBIDDEN),
            ("manager delete", app.call(Method::DELETE, &a, &app.manager.token, None).await, StatusCode::FORBIDDEN),
            ("rep updates what is not theirs", app.patch(&a, &app.rep.token, json!({"notes": "x"}), None).await, StatusCode::NOT_FOUND),
            ("anonymous create", app.post("/api/v1/accounts", "", json!({"name": "Delta"})).await, StatusCode::UNAUTHORIZED),
        ];
        for (what, reply, status) in cases {
            assert_eq!(reply.status, status, "{what}: {}", reply.body);
        }
        assert_eq!(app.audit_of("account", alpha).await.len(), 1, "rows about Alpha");
        assert_eq!(app.audit_of("account", beta).await.len(), 1, "rows about Beta");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'account'").await, 2);
        let now = app.get(&a, &app.admin.token).await;
        assert_eq!(now.body["version"], 1, "{}", now.body);
        assert!(now.body["notes"].is_null());
    }
}

both_engines! {
    async fn no_op_patch_writes_no_audit_row(db) {
        let app = App::start(db).await;
        let created = app.account(&app.admin.token, json!({"name": "Steady", "email": "x@steady.example", "tags": ["a", "b"]})).await;
        let uri = format!("/api/v1/accounts/{}", id_of(&created));
        let before = audit_rows(&app).await;
        for body in [json!({}), json!({"name": "Steady", "email": "x@steady.example"}), json!({"tags": ["a", "b"], "legal_name": null})] {
            let r = app.patch(&uri, &app.admin.token, body.clone(), Some("\"1\"")).await;
            assert_eq!(r.status, StatusCode::OK, "{body}: {}", r.body);
            assert_eq!(r.header("etag").as_deref(), Some("\"1\""), "{body}");
            assert_eq!(r.body, created, "{body}");
        }
        assert_eq!(audit_rows(&app).await, before);
        // And a real change after them is recorded, once.
        let r = app.patch(&uri, &app.admin.token, json!({"email": "y@steady.example"}), Some("\"1\"")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(audit_rows(&app).await, before + 1);
    }
}

both_engines! {
    async fn idempotent_replay_writes_no_second_audit_row(db) {
        let app = App::start(db).await;
        let send = || app.call_with(Method::POST, "/api/v1/accounts", &app.admin.token, Some(json!({"name": "Once Only"})), &[("idempotency-key", "audit-replay-1")]);
        let first = send().await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
        let second = send().await;
        assert_eq!(second.status, StatusCode::CREATED);
        assert_eq!(second.header("idempotent-replayed").as_deref(), Some("true"));
        assert_eq!(id_of(&second.body), id_of(&first.body));
        assert_eq!(app.audit_of("account", id_of(&first.body)).await.len(), 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 1);
    }
}

// --- reading the log -------------------------------------------------------------------

both_engines! {
    async fn audit_log_is_for_admins_only(db) {
        let app = App::start(db).await;
        for (who, token) in [("admin", &app.admin.token), ("restricted_admin", &app.restricted_admin.token)] {
            let r = app.get("/api/v1/audit", token).await;
            assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.body);
            assert!(r.body["data"].as_array().is_some_and(|d| !d.is_empty()), "{who}");
        }
        for (who, token) in [("manager", &app.manager.token), ("rep", &app.rep.token), ("viewer", &app.viewer.token)] {
            let r = app.get("/api/v1/audit", token).await.problem(StatusCode::FORBIDDEN);
            assert!(r.body.get("data").is_none(), "{who} must not see entries");
        }
        app.get("/api/v1/audit", "").await.problem(StatusCode::UNAUTHORIZED);
    }
}

both_engines! {
    async fn audit_log_lists_newest_first_and_filters(db) {
        let app = App::start(db).await;
        let a = id_of(&app.account(&app.admin.token, json!({"name": "Account A"})).await);
        let b = id_of(&app.account(&app.rep.token, json!({"name": "Account B"})).await);
        let upd = app.patch(&format!("/api/v1/accounts/{a}"), &app.admin.token, json!({"notes": "n"}), None).await;
        assert_eq!(upd.status, StatusCode::OK);
        let arch = app.call(Method::POST, &format!("/api/v1/accounts/{b}/archive"), &app.rep.token, None).await;
        assert_eq!(arch.status, StatusCode::OK);

        let all = audit_page(&app, "entity_type=account").await;
        assert_eq!(actions(&all), [format!("archive {b}"), format!("update {a}"), format!("create {b}"), format!("create {a}")]);
        let data = all["data"].as_array().expect("data");
        let at: Vec<&str> = data.iter().map(|e| e["at"].as_str().expect("at")).collect();
        let parsed: Vec<_> = at.iter().map(|t| chrono::DateTime::parse_from_rfc3339(t).expect("RFC 3339")).collect();
        assert!(parsed.windows(2).all(|w| w[0] >= w[1]), "newest first: {at:?}");
        let newest = &data[0];
        for key in ["id", "at", "actor_id", "actor_email", "action", "entity_type", "entity_id", "before", "after", "request_id", "ip", "user_agent"] {
            assert!(newest.get(key).is_some(), "entries carry {key}: {newest}");
        }
        assert_eq!(newest["actor_id"], app.rep.user.id.to_string());
        assert_eq!(newest["actor_email"], "rep@example.com");
        assert_eq!(newest["request_id"].as_str(), arch.header("x-request-id").as_deref());
        assert!(all["next_cursor"].is_null());

        assert_eq!(actions(&audit_page(&app, &format!("entity_id={a}")).await), [format!("update {a}"), format!("create {a}")]);
        assert_eq!(
            actions(&audit_page(&app, &format!("entity_type=account&actor_id={}", app.rep.user.id)).await),
            [format!("archive {b}"), format!("create {b}")]
        );
        assert_eq!(
            actions(&audit_page(&app, "entity_type=account&actor_id=me").await),
            [format!("update {a}"), format!("create {a}")]
        );
        assert_eq!(actions(&audit_page(&app, "entity_type=account&action=update").await), [format!("update {a}")]);
        assert_eq!(
            actions(&audit_page(&app, "entity_type=account&action=archive,update").await),
            [format!("archive {b}"), format!("update {a}")]
        );
        let rid = upd.header("x-request-id").expect("x-request-id");
        assert_eq!(actions(&audit_page(&app, &format!("request_id={rid}")).await), [format!("update {a}")]);
        assert!(audit_page(&app, "entity_type=no_such_thing").await["data"].as_array().is_some_and(Vec::is_empty));

        // at_after is inclusive, at_before exclusive.
        let create_b_at = at[2];
        assert_eq!(
            actions(&audit_page(&app, &format!("entity_type=account&at_after={create_b_at}")).await),
            [format!("archive {b}"), format!("update {a}"), format!("create {b}")]
        );
        assert_eq!(
            actions(&audit_page(&app, &format!("entity_type=account&at_before={create_b_at}")).await),
            [format!("create {a}")]
        );
        assert_eq!(
            actions(&audit_page(&app, &format!("entity_type=account&at_after={}&at_before={}", at[2], at[0])).await),
            [format!("update {a}"), format!("create {b}")]
        );
    }
}

both_engines! {
    async fn audit_log_rejects_bad_parameters_by_name(db) {
        let app = App::start(db).await;
        for (query, field) in [
            ("colour=red", "colour"),
            ("entity_id=not-a-uuid", "entity_id"),
            ("actor_id=42", "actor_id"),
            ("at_after=yesterday", "at_after"),
            ("limit=0", "limit"),
            ("limit=501", "limit"),
            ("cursor=not-a-cursor", "cursor"),
            ("sort=action", "sort"),
        ] {
            let r = app.get(&format!("/api/v1/audit?{query}"), &app.admin.token).await.problem(StatusCode::BAD_REQUEST);
            assert!(r.field_errors().iter().any(|(f, _)| f == field), "{query}: {}", r.body);
        }
    }
}

both_engines! {
    async fn audit_log_pages_by_keyset_cursor(db) {
        let app = App::start(db).await;
        let mut created = Vec::new();
        for i in 0..5 {
            created.push(id_of(&app.account(&app.admin.token, json!({"name": format!("Paged {i}")})).await));
        }
        let first = audit_page(&app, "entity_type=account&action=create&limit=2&count=true").await;
        assert_eq!(first["total"], 5, "{first}");
        assert_eq!(first["data"].as_array().map(Vec::len), Some(2));
        // A row added between pages must neither shift nor repeat what follows.
        let late = id_of(&app.account(&app.admin.token, json!({"name": "Late Comer"})).await);

        let mut seen: Vec<String> = first["data"].as_array().expect("data").iter().map(|e| e["entity_id"].as_str().expect("id").to_owned()).collect();
        let mut cursor = first["next_cursor"].as_str().expect("more pages").to_owned();
        let mut pages = 1;
        loop {
            let page = audit_page(&app, &format!("entity_type=account&action=create&limit=2&cursor={cursor}")).await;
            pages += 1;
            let data = page["data"].as_array().expect("data");
            assert!(!data.is_empty() && data.len() <= 2, "{page}");
            seen.extend(data.iter().map(|e| e["entity_id"].as_str().expect("id").to_owned()));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = c.to_owned(),
                None => break,
            }
            assert!(pages < 10, "paging does not end");
        }
        assert_eq!(pages, 3);
        let expected: Vec<String> = created.iter().rev().map(ToString::to_string).collect();
        assert_eq!(seen, expected, "every create once, newest first");
        assert!(!seen.contains(&late.to_string()));
        // A cursor is only valid for the sort it came from.
        let r = app.get(&format!("/api/v1/audit?entity_type=account&sort=at&cursor={cursor}"), &app.admin.token).await;
        r.problem(StatusCode::BAD_REQUEST);
    }
}
