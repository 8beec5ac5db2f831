//! Inputs that used to reach a 500, or were taken when they should not be (issue 14):
//! the NUL character, which PostgreSQL cannot store in text or JSONB, is refused on
//! both engines alike and named; percent-escapes that are not UTF-8 are refused, not
//! read as something else; a body that breaks off is a 400, not a 413; a body must say
//! it is JSON; dates are exactly `YYYY-MM-DD`; an unknown parameter is named as such.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use rapport_db::both_engines;
use serde_json::json;

#[allow(unused_imports)]
use super::support::*;

both_engines! {
    async fn nul_in_parameters_and_paths_is_named_not_a_500(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        app.account(t, json!({"name": "Nul Labs", "legacy_id": "L-1"})).await;
        for (uri, field) in [
            ("/api/v1/accounts?legacy_id=L%00-1", "legacy_id"),
            ("/api/v1/accounts?q=nul%00", "q"),
            ("/api/v1/contacts?email=a%00b", "email"),
            ("/api/v1/leads?acquisition_source=%00", "acquisition_source"),
            ("/api/v1/distributions?sku=A%00", "sku"),
            ("/api/v1/accounts/by-legacy-id/L%00-1", "legacy_id"),
        ] {
            let r = app.get(uri, t).await.problem(StatusCode::BAD_REQUEST);
            assert_eq!(r.field_errors(), vec![(field.to_owned(), "characters".to_owned())], "{uri}: {}", r.body);
        }
        // Percent-escapes that are not UTF-8 are refused, not read as U+FFFD.
        let r = app.get("/api/v1/accounts?q=%FF%FE", t).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(r.field_errors(), vec![("q".to_owned(), "utf8".to_owned())]);
        // The same text without the NUL is fine.
        let r = app.get("/api/v1/accounts/by-legacy-id/L-1", t).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    async fn nul_inside_json_objects_is_refused_and_nothing_written(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let r = app
            .post("/api/v1/accounts", t, json!({"name": "Meta", "metadata": {"note": "a\u{0}b"}}))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("metadata".to_owned(), "characters".to_owned())]);
        let r = app
            .post("/api/v1/accounts", t, json!({"name": "Meta", "metadata": {"k\u{0}": 1}}))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("metadata".to_owned(), "characters".to_owned())]);
        let r = app
            .post("/api/v1/leads", t, json!({"title": "Deal", "provider_metadata": {"x": ["ok", "\u{0}"]}}))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("provider_metadata".to_owned(), "characters".to_owned())]);
        // A plain string field refuses it too, as every control character.
        let r = app
            .post("/api/v1/accounts", t, json!({"name": "Me\u{0}ta"}))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors()[0].0, "name");
        assert_eq!(app.count("SELECT count(*) FROM accounts").await, 0);
        assert_eq!(app.count("SELECT count(*) FROM leads").await, 0);
    }

    async fn broken_bodies_are_bad_requests_and_json_must_say_so(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        // A body that breaks off mid-stream (a client gone, a broken chunk).
        let broken = futures::stream::iter(vec![
            Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"{\"name\": \"Br")),
            Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed")),
        ]);
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/accounts")
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from_stream(broken))
            .expect("request");
        let r = app.send(req).await.problem(StatusCode::BAD_REQUEST);
        assert!(r.body["detail"].as_str().unwrap_or("").contains("could not be read"), "{}", r.body);
        // Over the limit is still 413, streamed or declared.
        let big = "x".repeat(1024 * 1024 + 10);
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/accounts")
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from_stream(futures::stream::iter(vec![Ok::<_, std::io::Error>(bytes::Bytes::from(big))])))
            .expect("request");
        app.send(req).await.problem(StatusCode::PAYLOAD_TOO_LARGE);
        // JSON without a Content-Type is not guessed at.
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/accounts")
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::from(json!({"name": "Untyped"}).to_string()))
            .expect("request");
        app.send(req).await.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(app.count("SELECT count(*) FROM accounts").await, 0);
    }

    async fn dates_are_exactly_yyyy_mm_dd_and_unknown_parameters_are_named(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        for day in ["+002026-01-01", "2026-1-1", "2026-01-1"] {
            let r = app
                .post("/api/v1/distributions", t, json!({"ship_date": day, "sku": "A", "quantity": 1}))
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(r.field_errors(), vec![("ship_date".to_owned(), "date".to_owned())], "{day}");
            let r = app.get(&format!("/api/v1/distributions?ship_date_after={day}"), t).await;
            r.problem(StatusCode::BAD_REQUEST);
        }
        assert_eq!(app.count("SELECT count(*) FROM distributions").await, 0);
        let r = app.get("/api/v1/users?limit=5", t).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(r.field_errors(), vec![("limit".to_owned(), "unknown".to_owned())]);
        let r = app.get("/api/v1/users?enabled=maybe", t).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(r.field_errors(), vec![("enabled".to_owned(), "type".to_owned())]);
    }

    // Found by the contract run: PostgreSQL stored metadata holding the largest double,
    // and every later read of the product failed (a 500) as its full decimal form no
    // longer parses; SQLite read it back. Both now refuse it, and nothing is written.
    async fn metadata_numbers_near_the_largest_double_read_back_unchanged(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        // JSONB writes these out in full (309 digits); the exact parser reads that back
        // as the same doubles, so they are kept rather than refused.
        let body = r#"{"name": "Max", "metadata": {"a": [1.7976931348623157e308], "b": -1.7976931348623157e308, "c": 5e-324}}"#;
        let req = axum::http::Request::post("/api/v1/products")
            .header("authorization", format!("Bearer {t}"))
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body))
            .expect("request");
        let r = app.send(req).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let listed = app.get("/api/v1/products", t).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        let m = &listed.body["data"][0]["metadata"];
        assert_eq!(m["a"], json!([f64::MAX]));
        assert_eq!(m["b"], json!(f64::MIN));
        assert_eq!(m["c"], json!(5e-324));
    }

    // Found by the contract run: a number filter beyond the 32-bit column failed to bind
    // on PostgreSQL (a 500) while SQLite answered; both now name the parameter.
    async fn number_filters_beyond_their_column_are_named_not_a_500(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        for query in [
            "/api/v1/distributions?quantity_after=-9223372036854775808",
            "/api/v1/distributions?quantity=2147483648",
            "/api/v1/leads?probability_before=99999999999",
        ] {
            let r = app.get(query, t).await.problem(StatusCode::BAD_REQUEST);
            assert_eq!(r.field_errors()[0].1, "type", "{query}");
        }
        let r = app.get("/api/v1/distributions?quantity_after=-2147483648", t).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}
