//! `If-Match` as RFC 9110 §13.1.1 says: a valid list of entity tags none of which is the
//! record's current version fails the precondition (412) and changes nothing; a list
//! that contains it passes; only a header that is not an entity-tag list is a 400.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use serde_json::json;

#[allow(unused_imports)]
use super::support::*;

both_engines! {
    async fn if_match_lists_weak_and_opaque_tags(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let id = app.account(t, json!({"name": "Precondition Labs"})).await["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let uri = format!("/api/v1/accounts/{id}");
        let version = |r: &Reply| r.body["version"].as_i64().expect("version");

        // Valid lists that do not name version 1: 412, and the account stays as it was.
        for tag in ["\"abc\"", "W/\"1\"", "\"2\", \"3\"", "W/\"1\", \"x\"", "\"1.0\"", "\"\""] {
            let r = app.patch(&uri, t, json!({"notes": "should not land"}), Some(tag)).await;
            let r = r.problem(StatusCode::PRECONDITION_FAILED);
            assert_eq!(r.body["current_version"], 1, "{tag}: {}", r.body);
        }
        let r = app.get(&uri, t).await;
        assert_eq!((version(&r), r.body["notes"].clone()), (1, serde_json::Value::Null));

        // A list that contains the current tag passes, wherever it stands in it.
        let r = app.patch(&uri, t, json!({"notes": "one"}), Some("\"9\", W/\"4\", \"1\"")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(version(&r), 2);
        // Repeated headers are one list.
        let r = app
            .call_with(Method::PATCH, &uri, t, Some(json!({"notes": "two"})), &[("if-match", "\"8\""), ("if-match", "\"2\"")])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(version(&r), 3);
        let r = app.patch(&uri, t, json!({"notes": "three"}), Some("*")).await;
        assert_eq!((r.status, version(&r)), (StatusCode::OK, 4));

        // Not an entity-tag list at all: 400 naming the header, nothing written.
        for bad in ["4", "\"4", "W/4", "\"4\" \"5\"", "\"4\";"] {
            let r = app.patch(&uri, t, json!({"notes": "bad"}), Some(bad)).await;
            let r = r.problem(StatusCode::BAD_REQUEST);
            assert_eq!(r.field_errors()[0].0, "If-Match", "{bad}: {}", r.body);
        }

        // A delete guarded by a tag no version matches leaves the record.
        let r = app.call_with(Method::DELETE, &uri, t, None, &[("if-match", "\"abc\"")]).await;
        r.problem(StatusCode::PRECONDITION_FAILED);
        let r = app.get(&uri, t).await;
        assert_eq!((r.status, version(&r)), (StatusCode::OK, 4));
        assert_eq!(r.body["notes"], "three");
    }
}
