//! The shared API conventions: bad input of every kind gets the right 4xx with a problem
//! body naming the field and the rule, and never leaves a write behind.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use rapport_db::both_engines;
use serde_json::json;

#[allow(unused_imports)]
use super::support::*;

both_engines! {
    async fn malformed_and_mistyped_bodies_are_named(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let raw = |body: &'static str| {
            Request::builder()
                .method(Method::POST)
                .uri("/api/v1/accounts")
                .header(header::AUTHORIZATION, format!("Bearer {t}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .expect("request")
        };
        let r = app.send(raw("{\"name\": ")).await.problem(StatusCode::BAD_REQUEST);
        assert!(r.body["detail"].as_str().unwrap_or("").contains("not valid JSON"));
        app.send(raw("")).await.problem(StatusCode::BAD_REQUEST);
        let r = app.send(raw("[1, 2]")).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors()[0].1, "object");

        let r = app
            .post("/api/v1/accounts", t, json!({
                "name": 42,
                "kind": "martian",
                "email": "not-an-email",
                "website": "javascript:alert(1)",
                "tags": "vip",
                "owner_id": "12345",
                "billing_address": {"country": "XX", "planet": "Mars"},
                "nickname": "x"
            }))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        let mut got = r.field_errors();
        got.sort();
        let mut want: Vec<(String, String)> = [
            ("name", "type"), ("kind", "enum"), ("email", "email"), ("website", "url"), ("tags", "type"),
            ("owner_id", "uuid"), ("billing_address.country", "iso3166"), ("billing_address.planet", "unknown_field"),
            ("nickname", "unknown_field"),
        ]
        .iter()
        .map(|(f, r)| ((*f).to_owned(), (*r).to_owned()))
        .collect();
        want.sort();
        assert_eq!(got, want);
        assert_eq!(r.body["detail"], "9 fields are invalid");

        let r = app.post("/api/v1/accounts", t, json!({"name": "   "})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("name".to_owned(), "required".to_owned())]);
        let r = app.post("/api/v1/accounts", t, json!({"name": "x".repeat(201)})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("name".to_owned(), "max_length".to_owned())]);
        let r = app.post("/api/v1/accounts", t, json!({"name": "ok", "notes": "a\u{0}b"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("notes".to_owned(), "characters".to_owned())]);
        let r = app.post("/api/v1/accounts", t, json!({"name": "ok", "tags": (0..51).map(|i| i.to_string()).collect::<Vec<_>>()})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("tags".to_owned(), "max_items".to_owned())]);
        // PATCH cannot clear a required field.
        let a = app.account(t, json!({"name": "Base"})).await;
        let r = app
            .patch(&format!("/api/v1/accounts/{}", a["id"].as_str().unwrap_or("")), t, json!({"name": null, "kind": null}), None)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors().len(), 2);

        // None of the failures wrote anything.
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'account'").await, 1);
    }
}

both_engines! {
    async fn bad_paths_queries_and_media_types(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let r = app.get("/api/v1/accounts/not-a-uuid", t).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(r.field_errors(), vec![("id".to_owned(), "uuid".to_owned())]);
        app.get(&format!("/api/v1/accounts/{}", uuid::Uuid::now_v7()), t).await.problem(StatusCode::NOT_FOUND);
        for (uri, field, rule) in [
            ("/api/v1/accounts?limit=0", "limit", "range"),
            ("/api/v1/accounts?limit=501", "limit", "range"),
            ("/api/v1/accounts?limit=ten", "limit", "range"),
            ("/api/v1/accounts?cursor=garbage", "cursor", "cursor"),
            ("/api/v1/accounts?cursor=eyJzIjoiLWNyZWF0ZWRfYXQsLWlkIiwidiI6WzEsMl19", "cursor", "cursor"),
            ("/api/v1/accounts?sort=password_hash", "sort", "sort_field"),
            ("/api/v1/accounts?sort=name,name", "sort", "repeated"),
            ("/api/v1/accounts?count=perhaps", "count", "boolean"),
        ] {
            let r = app.get(uri, t).await.problem(StatusCode::BAD_REQUEST);
            assert_eq!(r.field_errors(), vec![(field.to_owned(), rule.to_owned())], "{uri}");
        }
        let q = "x".repeat(201);
        app.get(&format!("/api/v1/accounts?q={q}"), t).await.problem(StatusCode::BAD_REQUEST);
        // Filter values with SQL in them are just values: no such name (a set of
        // names), or no such text.
        let r = app.get("/api/v1/accounts?kind=customer'%20OR%20'1'='1", t).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(r.field_errors(), vec![("kind".to_owned(), "enum".to_owned())]);
        let r = app.get("/api/v1/accounts?city=Lyon'%20OR%20'1'='1", t).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body["data"], json!([]));

        let form = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/accounts")
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("name=x"))
            .expect("request");
        app.send(form).await.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
}

both_engines! {
    async fn oversized_bodies_are_refused_before_reading(db) {
        let app = App::start_with(db, rapport_web::WebConfig { max_body_bytes: 2048, ..Default::default() }).await;
        let t = &app.admin.token;
        let big = json!({"name": "Big", "notes": "n".repeat(4000)});
        let r = app.post("/api/v1/accounts", t, big.clone()).await.problem(StatusCode::PAYLOAD_TOO_LARGE);
        assert!(r.body["detail"].as_str().unwrap_or("").contains("2048"));
        // Without a Content-Length (streamed), the limit still holds.
        let stream = Body::from_stream(futures::stream::iter(vec![Ok::<_, std::io::Error>(bytes::Bytes::from(big.to_string()))]));
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/accounts")
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(stream)
            .expect("request");
        app.send(req).await.problem(StatusCode::PAYLOAD_TOO_LARGE);
        // With an Idempotency-Key the body is read by the idempotency layer: same limit.
        app.call_with(Method::POST, "/api/v1/accounts", t, Some(big), &[("idempotency-key", "big-1")])
            .await
            .problem(StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 0);
    }
}

both_engines! {
    async fn missing_or_wrong_credentials_are_401(db) {
        let app = App::start(db).await;
        let r = app.get("/api/v1/accounts", "").await.problem(StatusCode::UNAUTHORIZED);
        assert!(r.body["detail"].as_str().unwrap_or("").contains("Bearer"));
        app.get("/api/v1/accounts", "rpt_not-a-real-token").await.problem(StatusCode::UNAUTHORIZED);
        app.post("/api/v1/accounts", "", json!({"name": "Anon"})).await.problem(StatusCode::UNAUTHORIZED);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 0);
    }
}

both_engines! {
    async fn idempotency_keys_replay_and_refuse_reuse(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let key = [("idempotency-key", "create-acme-1")];
        let first = app.call_with(Method::POST, "/api/v1/accounts", t, Some(json!({"name": "Acme"})), &key).await;
        assert_eq!(first.status, StatusCode::CREATED);
        let again = app.call_with(Method::POST, "/api/v1/accounts", t, Some(json!({"name": "Acme"})), &key).await;
        assert_eq!(again.status, StatusCode::CREATED);
        assert_eq!(again.body, first.body);
        assert_eq!(again.header("location"), first.header("location"));
        assert_eq!(again.header("etag"), first.header("etag"));
        assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'account'").await, 1);

        let other = app
            .call_with(Method::POST, "/api/v1/accounts", t, Some(json!({"name": "Acme 2"})), &key)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(other.field_errors(), vec![("Idempotency-Key".to_owned(), "idempotency_key_reuse".to_owned())]);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 1);

        // Keys belong to their user: another user's identical key is a separate request.
        let theirs = app.call_with(Method::POST, "/api/v1/accounts", &app.manager.token, Some(json!({"name": "Other"})), &key).await;
        assert_eq!(theirs.status, StatusCode::CREATED);

        // A 4xx answer is remembered too, so a retry does not flip to a different outcome.
        let bad = [("idempotency-key", "bad-1")];
        let r1 = app.call_with(Method::POST, "/api/v1/accounts", t, Some(json!({"name": ""})), &bad).await;
        assert_eq!(r1.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r2 = app.call_with(Method::POST, "/api/v1/accounts", t, Some(json!({"name": ""})), &bad).await;
        assert_eq!(r2.header("idempotent-replayed").as_deref(), Some("true"));

        let r = app.call_with(Method::POST, "/api/v1/accounts", t, Some(json!({"name": "Z"})), &[("idempotency-key", "")]).await;
        r.problem(StatusCode::BAD_REQUEST);
    }
}

both_engines! {
    async fn request_ids_are_echoed_and_put_in_problems(db) {
        let app = App::start(db).await;
        let r = app
            .call_with(Method::GET, "/api/v1/accounts/nope", &app.admin.token, None, &[("x-request-id", "trace-abc.123")])
            .await;
        assert_eq!(r.header("x-request-id").as_deref(), Some("trace-abc.123"));
        assert_eq!(r.body["request_id"], "trace-abc.123");
        let r = app.get("/api/v1/accounts", &app.admin.token).await;
        let generated = r.header("x-request-id").unwrap_or_default();
        assert!(uuid::Uuid::parse_str(&generated).is_ok(), "{generated}");
    }
}
