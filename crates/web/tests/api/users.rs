//! Managing users over HTTP: who may create, change, disable and enable whom, the
//! organisation rules of partner and distributor users, and disabled users' tokens
//! failing at once. Both engines.

use axum::http::StatusCode;
use rapport_db::both_engines;
use serde_json::json;

#[allow(unused_imports)]
use super::support::*;

const PASSWORD_OK: &str = "a long enough password";

both_engines! {
    async fn admins_manage_users_and_bad_ones_are_refused(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let partner_org = app.account(t, json!({"name": "Partner Org", "kind": "partner"})).await;
        let customer = app.account(t, json!({"name": "Customer Org"})).await;
        let users_before = app.count("SELECT count(*) FROM users").await;

        let cases = [
            (json!({"email": "x@example.com", "role": "wizard", "password": PASSWORD_OK}), "role", "enum"),
            (json!({"email": "x@example.com", "role": "rep"}), "password", "depends"),
            (json!({"email": "x@example.com", "role": "rep", "password": "short"}), "password", "min_length"),
            (json!({"email": "not an email", "role": "rep", "password": PASSWORD_OK}), "email", "email"),
            (json!({"email": "x@example.com", "role": "partner", "password": PASSWORD_OK}), "account_id", "depends"),
            (json!({"email": "x@example.com", "role": "partner", "password": PASSWORD_OK, "account_id": customer["id"]}), "account_id", "referenced_kind"),
            (json!({"email": "x@example.com", "role": "distributor", "password": PASSWORD_OK, "account_id": partner_org["id"]}), "account_id", "referenced_kind"),
            (json!({"email": "x@example.com", "role": "rep", "password": PASSWORD_OK, "account_id": partner_org["id"]}), "account_id", "role"),
        ];
        for (body, field, rule) in cases {
            let r = app.post("/api/v1/users", t, body.clone()).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.field_errors().contains(&(field.to_owned(), rule.to_owned())), "{body}: {}", r.body);
        }
        app.post("/api/v1/users", t, json!({"email": "REP@example.com", "role": "rep", "password": PASSWORD_OK})).await
            .problem(StatusCode::CONFLICT);
        app.post("/api/v1/users", &app.manager.token, json!({"email": "m2@example.com", "role": "rep", "password": PASSWORD_OK})).await
            .problem(StatusCode::FORBIDDEN);
        app.get("/api/v1/users", &app.rep.token).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT count(*) FROM users").await, users_before);

        let p = app.post("/api/v1/users", t, json!({"email": "p@example.com", "name": "Pat", "role": "partner",
            "password": PASSWORD_OK, "account_id": partner_org["id"]})).await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
        assert_eq!(p.body["account_id"], partner_org["id"]);
        let list = app.get("/api/v1/users", t).await;
        assert!(list.body["data"].as_array().unwrap().iter().any(|u| u["email"] == "p@example.com"));
        let uri = format!("/api/v1/users/{}", p.body["id"].as_str().unwrap());
        // A partner user moved to the rep role must leave the organisation behind.
        let r = app.patch(&uri, t, json!({"role": "rep"}), None).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), [("account_id".to_owned(), "role".to_owned())]);
        let moved = app.patch(&uri, t, json!({"role": "rep", "account_id": null, "name": "Pat R."}), None).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
        assert_eq!((moved.body["role"].as_str(), moved.body["name"].as_str()), (Some("rep"), Some("Pat R.")));
        app.patch(&uri, t, json!({"password": PASSWORD_OK}), None).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        let actions: Vec<String> = app.audit_of("user", id_of(&p.body)).await.iter().map(|a| a.action.clone()).collect();
        assert_eq!(actions, ["create", "update"]);
    }

    async fn restricted_admins_cannot_touch_admins(db) {
        let app = App::start(db).await;
        let ra = &app.restricted_admin.token;
        let r = app.post("/api/v1/users", ra, json!({"email": "boss@example.com", "role": "admin", "password": PASSWORD_OK})).await
            .problem(StatusCode::FORBIDDEN);
        assert_eq!(r.body["errors"][0]["field"], "role");
        let rep = app.post("/api/v1/users", ra, json!({"email": "new@example.com", "role": "rep", "password": PASSWORD_OK})).await;
        assert_eq!(rep.status, StatusCode::CREATED, "{}", rep.body);
        let rep_uri = format!("/api/v1/users/{}", rep.body["id"].as_str().unwrap());
        app.patch(&rep_uri, ra, json!({"role": "admin"}), None).await.problem(StatusCode::FORBIDDEN);
        let admin_uri = format!("/api/v1/users/{}", app.admin.user.id);
        app.patch(&admin_uri, ra, json!({"name": "Renamed"}), None).await.problem(StatusCode::FORBIDDEN);
        app.post(&format!("{admin_uri}/disable"), ra, json!({})).await.problem(StatusCode::FORBIDDEN);
        // Nobody disables themself or changes their own role.
        app.post(&format!("{admin_uri}/disable"), &app.admin.token, json!({})).await.problem(StatusCode::CONFLICT);
        app.patch(&admin_uri, &app.admin.token, json!({"role": "rep"}), None).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT count(*) FROM users WHERE role = 'admin' AND enabled = TRUE").await, 1);
    }

    async fn a_disabled_users_token_fails_at_once(db) {
        let app = App::start(db).await;
        assert_eq!(app.get("/api/v1/me", &app.rep.token).await.status, StatusCode::OK);
        let uri = format!("/api/v1/users/{}", app.rep.user.id);
        let off = app.post(&format!("{uri}/disable"), &app.restricted_admin.token, json!({})).await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.body);
        assert_eq!(off.body["enabled"], false);
        app.get("/api/v1/me", &app.rep.token).await.problem(StatusCode::UNAUTHORIZED);
        app.get("/api/v1/accounts", &app.rep.token).await.problem(StatusCode::UNAUTHORIZED);
        let on = app.post(&format!("{uri}/enable"), &app.admin.token, json!({})).await;
        assert_eq!(on.body["enabled"], true);
        assert_eq!(app.get("/api/v1/me", &app.rep.token).await.status, StatusCode::OK);
        let who: Option<String> = app.store.db.read(|c| c.query_scalar("SELECT enabled_by FROM users WHERE email = 'rep@example.com'", &[])).await.unwrap();
        assert_eq!(who, Some(app.admin.user.id.to_string()));
    }
}
