//! Sign-in through an LDAP directory, against a real OpenLDAP server (Debian's slapd,
//! started per test on free loopback ports by `rapport_directory::test_server`), on
//! both engines: first sign-in creates a disabled user an admin must enable, roles come
//! from Rapport, wrong passwords, unknown people and filter injection get the same 401
//! and create nobody, and local accounts sign in whatever the directory's state.

#[allow(unused_imports)]
use super::support::*;
use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use rapport_directory::test_server::{unreachable_config, TestDirectory};
use serde_json::{json, Value};

const LOGIN: &str = "/api/v1/auth/login";
const ADA_DN: &str = "uid=ada,ou=people,dc=rapport,dc=test";

async fn login(app: &App, body: Value) -> Reply {
    app.call_with(Method::POST, LOGIN, "", Some(body), &[])
        .await
}

async fn users_count(app: &App) -> i64 {
    app.count("SELECT COUNT(*) FROM users").await
}

async fn user_by_email(app: &App, email: &str) -> Value {
    let r = app.get("/api/v1/users", &app.admin.token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["data"]
        .as_array()
        .and_then(|all| all.iter().find(|u| u["email"] == email))
        .cloned()
        .unwrap_or(Value::Null)
}

/// The emails of the directory users waiting for an admin.
async fn queue(app: &App) -> Vec<Value> {
    let r = app
        .get("/api/v1/users?pending=true", &app.admin.token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["data"]
        .as_array()
        .map(|a| a.iter().map(|u| u["email"].clone()).collect())
        .unwrap_or_default()
}

both_engines! {
    async fn first_directory_sign_in_waits_for_an_admin_then_works_with_rapports_role(db) {
        let Some(server) = TestDirectory::start() else { return };
        let app = App::start_with_directory(db, server.config()).await;
        let before = users_count(&app).await;

        let r = login(&app, json!({"username": "ada", "password": "ada-password-1"})).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(r.body["type"], "/problems/pending-approval", "{}", r.body);
        assert!(r.body["detail"].as_str().unwrap_or("").contains("waits for an administrator"), "{}", r.body);
        assert!(r.header("set-cookie").is_none(), "a pending user got a session");
        assert_eq!(users_count(&app).await, before + 1);

        let ada = user_by_email(&app, "ada@example.test").await;
        assert_eq!(ada["enabled"], false, "{ada}");
        assert_eq!(ada["role"], "viewer");
        assert_eq!(ada["name"], "Ada Lovelace");
        assert_eq!(ada["auth_provider"], "ldap");
        assert_eq!(ada["auth_subject"], ADA_DN);
        assert_eq!(ada["enabled_at"], Value::Null);
        let ada_id = ada["id"].as_str().expect("id").to_owned();
        let created = app.audit_of("user", id_of(&ada)).await;
        assert_eq!(created.len(), 1, "the creation is audited");

        // Signing in again, by name or email, finds the same waiting user.
        for body in [json!({"username": "ada", "password": "ada-password-1"}),
                     json!({"email": "ADA@example.test", "password": "ada-password-1"})] {
            let r = login(&app, body).await.problem(StatusCode::FORBIDDEN);
            assert_eq!(r.body["type"], "/problems/pending-approval");
        }
        assert_eq!(users_count(&app).await, before + 1);

        // The admin's queue of people waiting.
        assert_eq!(queue(&app).await, vec![json!("ada@example.test")]);
        app.get("/api/v1/users?pending=maybe", &app.admin.token).await.problem(StatusCode::BAD_REQUEST);

        // The admin gives the role and enables; who and when are kept.
        let r = app.patch(&format!("/api/v1/users/{ada_id}"), &app.admin.token, json!({"role": "rep"}), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = app.post(&format!("/api/v1/users/{ada_id}/enable"), &app.admin.token, json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["enabled_by"], app.admin.user.id.to_string());
        assert!(r.body["enabled_at"].is_string(), "{}", r.body);

        assert!(queue(&app).await.is_empty());
        let r = login(&app, json!({"username": "ada", "password": "ada-password-1"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["user"]["id"], ada_id.as_str());
        assert_eq!(r.body["user"]["role"], "rep", "the role is Rapport's, not the directory's");
        let cookie = r.header("set-cookie").expect("session cookie");
        let cookie = cookie.split(';').next().expect("pair").to_owned();
        let me = app.call_with(Method::GET, "/api/v1/me", "", None, &[("cookie", cookie.as_str())]).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.body);
        assert_eq!(me.body["email"], "ada@example.test");

        // Disabled later, the answer is "disabled", not "waiting".
        let r = app.post(&format!("/api/v1/users/{ada_id}/disable"), &app.admin.token, json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = login(&app, json!({"username": "ada", "password": "ada-password-1"})).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(r.body["type"], "/problems/forbidden", "{}", r.body);
    }
}

both_engines! {
    async fn wrong_password_unknown_person_and_filter_injection_get_one_401_and_create_nobody(db) {
        let Some(server) = TestDirectory::start() else { return };
        let app = App::start_with_directory(db, server.config()).await;
        let before = users_count(&app).await;
        let wrong = login(&app, json!({"username": "ada", "password": "not-her-password"})).await.problem(StatusCode::UNAUTHORIZED);
        for body in [
            json!({"username": "nobody", "password": "ada-password-1"}),
            json!({"email": "nobody@example.test", "password": "x-password-1"}),
            json!({"username": "*", "password": "ada-password-1"}),
            json!({"username": "ada)(uid=*", "password": "ada-password-1"}),
            json!({"username": "*)(|(objectClass=*", "password": "grace-password-1"}),
            json!({"username": "ad*", "password": "ada-password-1"}),
            // Two entries answer to "twin": ambiguous names sign nobody in.
            json!({"username": "twin", "password": "twin-password-1"}),
            // An empty-looking password would be an anonymous bind.
            json!({"username": "ada", "password": " "}),
        ] {
            let r = login(&app, body.clone()).await.problem(StatusCode::UNAUTHORIZED);
            assert_eq!(r.body["detail"], wrong.body["detail"], "{body}: {}", r.body);
        }
        assert_eq!(users_count(&app).await, before, "a failed sign-in created a user");

        // An entry without an email signs in but cannot be named: a clear 403.
        let r = login(&app, json!({"username": "nomail", "password": "nomail-password-1"})).await.problem(StatusCode::FORBIDDEN);
        assert!(r.body["detail"].as_str().unwrap_or("").contains("no mail"), "{}", r.body);
        assert_eq!(users_count(&app).await, before);
    }
}

both_engines! {
    async fn a_directory_user_is_locked_after_repeated_failures(db) {
        let Some(server) = TestDirectory::start() else { return };
        let app = App::start_with_directory(db, server.config()).await;
        login(&app, json!({"username": "grace", "password": "grace-password-1"})).await.problem(StatusCode::FORBIDDEN);
        for _ in 0..5 {
            login(&app, json!({"email": "grace@example.test", "password": "wrong-password"})).await.problem(StatusCode::UNAUTHORIZED);
        }
        let r = login(&app, json!({"email": "grace@example.test", "password": "grace-password-1"})).await.problem(StatusCode::TOO_MANY_REQUESTS);
        assert!(r.header("retry-after").is_some());
    }
}

both_engines! {
    async fn a_directory_name_rapport_has_not_met_is_locked_out_too(db) {
        let Some(server) = TestDirectory::start() else { return };
        let app = App::start_with_directory(db, server.config()).await;
        let before = users_count(&app).await;
        for _ in 0..5 {
            login(&app, json!({"username": "ada", "password": "guess-password"})).await.problem(StatusCode::UNAUTHORIZED);
        }
        // Guessing a directory password through Rapport stops, right password or not.
        login(&app, json!({"username": "ada", "password": "ada-password-1"})).await.problem(StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(users_count(&app).await, before);
        // Other people are unaffected.
        login(&app, json!({"username": "grace", "password": "grace-password-1"})).await.problem(StatusCode::FORBIDDEN);
    }
}

both_engines! {
    async fn a_pre_provisioned_directory_user_signs_in_at_once_with_their_role(db) {
        let Some(server) = TestDirectory::start() else { return };
        let app = App::start_with_directory(db, server.config()).await;
        let a = &app.admin.token;
        let r = app.post("/api/v1/users", a, json!({"email": "grace@example.test", "role": "rep", "auth_provider": "ldap", "password": "a-password-123"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.field_errors().iter().any(|(f, rule)| f == "password" && rule == "not_allowed"), "{}", r.body);
        let r = app.post("/api/v1/users", a, json!({"email": "x@example.test", "role": "rep", "auth_provider": "kerberos"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.field_errors().iter().any(|(f, rule)| f == "auth_provider" && rule == "enum"), "{}", r.body);
        let r = app.post("/api/v1/users", a, json!({"email": "grace@example.test", "role": "rep", "auth_provider": "ldap"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.body["auth_provider"], "ldap");
        assert_eq!(r.body["auth_subject"], Value::Null);
        let grace = r.body["id"].as_str().expect("id").to_owned();
        let r = app.patch(&format!("/api/v1/users/{grace}"), a, json!({"auth_provider": "local"}), None).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.field_errors().iter().any(|(f, rule)| f == "auth_provider" && rule == "read_only"), "{}", r.body);

        // No password of Rapport's opens it: only the directory's.
        login(&app, json!({"email": "grace@example.test", "password": PASSWORD})).await.problem(StatusCode::UNAUTHORIZED);
        let before = users_count(&app).await;
        let r = login(&app, json!({"username": "grace", "password": "grace-password-1"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["user"]["id"], grace.as_str());
        assert_eq!(r.body["user"]["role"], "rep");
        assert_eq!(r.body["user"]["auth_subject"], "uid=grace,ou=people,dc=rapport,dc=test");
        assert_eq!(users_count(&app).await, before, "the sign-in linked the user, it did not create one");
    }
}

both_engines! {
    async fn the_directory_cannot_take_over_a_local_account(db) {
        let Some(server) = TestDirectory::start() else { return };
        let app = App::start_with_directory(db, server.config()).await;
        // A local admin happens to have the email the directory gives Ada.
        let local = make_user(&app.store, rapport_domain::Role::Admin, "ada@example.test", None).await;
        let r = login(&app, json!({"username": "ada", "password": "ada-password-1"})).await.problem(StatusCode::FORBIDDEN);
        assert!(r.body["detail"].as_str().unwrap_or("").contains("local Rapport account"), "{}", r.body);
        // By email, the local password decides; the directory's is just a wrong one.
        login(&app, json!({"email": "ada@example.test", "password": "ada-password-1"})).await.problem(StatusCode::UNAUTHORIZED);
        let r = login(&app, json!({"email": "ada@example.test", "password": PASSWORD})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["user"]["id"], local.user.id.to_string());
        assert_eq!(r.body["user"]["auth_provider"], "local");
    }
}

both_engines! {
    async fn local_admins_sign_in_while_the_directory_is_down(db) {
        let app = App::start_with_directory(db, unreachable_config()).await;
        let r = login(&app, json!({"email": "admin@example.com", "password": PASSWORD})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        let before = users_count(&app).await;
        let r = login(&app, json!({"username": "ada", "password": "ada-password-1"})).await.problem(StatusCode::SERVICE_UNAVAILABLE);
        let detail = r.body["detail"].as_str().unwrap_or("");
        assert!(detail.contains("directory cannot be reached"), "{}", r.body);
        assert!(!detail.contains("127.0.0.1"), "the directory's address leaked: {detail}");
        assert!(r.header("retry-after").is_some());
        assert_eq!(users_count(&app).await, before);
    }
}

both_engines! {
    async fn a_known_directory_user_is_refused_with_503_when_it_goes_down_and_locals_are_not(db) {
        let Some(mut server) = TestDirectory::start() else { return };
        let app = App::start_with_directory(db, server.config()).await;
        login(&app, json!({"username": "grace", "password": "grace-password-1"})).await.problem(StatusCode::FORBIDDEN);
        server.stop();
        login(&app, json!({"email": "grace@example.test", "password": "grace-password-1"})).await.problem(StatusCode::SERVICE_UNAVAILABLE);
        let r = login(&app, json!({"email": "manager@example.com", "password": PASSWORD})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

both_engines! {
    async fn ldaps_sign_in_end_to_end(db) {
        let Some(server) = TestDirectory::start() else { return };
        let app = App::start_with_directory(db, server.ldaps_config()).await;
        let r = login(&app, json!({"username": "grace", "password": "grace-password-1"})).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(r.body["type"], "/problems/pending-approval");
    }
}

both_engines! {
    async fn starttls_to_an_untrusted_certificate_is_unavailable_not_a_sign_in(db) {
        let Some(server) = TestDirectory::start() else { return };
        let mut config = server.starttls_config();
        config.ca_file = None;
        let app = App::start_with_directory(db, config).await;
        login(&app, json!({"username": "grace", "password": "grace-password-1"})).await.problem(StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(users_count(&app).await, 6);
    }
}

both_engines! {
    async fn login_takes_email_or_username_but_not_both(db) {
        let app = App::start(db).await;
        let r = login(&app, json!({"email": "admin@example.com", "username": "admin", "password": PASSWORD})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.field_errors().iter().any(|(f, rule)| f == "username" && rule == "exclusive"), "{}", r.body);
        // Without a directory, a user name signs nobody in.
        login(&app, json!({"username": "admin", "password": PASSWORD})).await.problem(StatusCode::UNAUTHORIZED);
    }
}
