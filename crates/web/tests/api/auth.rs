//! Signing in and out, sessions and their CSRF tokens, API tokens, lock-out and
//! throttling: who the server believes is calling, and when it stops believing it.

#[allow(unused_imports)]
use super::support::*;
use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use rapport_web::{CookieSecure, WebConfig};
use serde_json::json;

const LOGIN: &str = "/api/v1/auth/login";

/// A signed-in browser: the `Cookie` header value and the CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

async fn login(app: &App, email: &str, password: &str, extra: &[(&str, &str)]) -> Reply {
    app.call_with(
        Method::POST,
        LOGIN,
        "",
        Some(json!({"email": email, "password": password})),
        extra,
    )
    .await
}

/// The `name=value` part of a Set-Cookie header.
fn cookie_pair(r: &Reply) -> String {
    let set = r.header("set-cookie").expect("set-cookie");
    set.split(';')
        .next()
        .expect("cookie pair")
        .trim()
        .to_owned()
}

#[track_caller]
fn session_of(r: &Reply) -> Session {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    Session {
        cookie: cookie_pair(r),
        csrf: r.body["csrf_token"]
            .as_str()
            .expect("csrf_token")
            .to_owned(),
    }
}

async fn sign_in(app: &App, email: &str) -> Session {
    session_of(&login(app, email, PASSWORD, &[]).await)
}

/// A request carrying only a cookie (and the CSRF token when given).
async fn with_cookie(
    app: &App,
    method: Method,
    uri: &str,
    s: &Session,
    csrf: Option<&str>,
    body: Option<serde_json::Value>,
) -> Reply {
    let mut extra = vec![("cookie", s.cookie.as_str())];
    if let Some(c) = csrf {
        extra.push(("x-csrf-token", c));
    }
    app.call_with(method, uri, "", body, &extra).await
}

async fn me_by_cookie(app: &App, s: &Session) -> StatusCode {
    with_cookie(app, Method::GET, "/api/v1/me", s, None, None)
        .await
        .status
}

async fn scalar(app: &App, sql: &'static str, id: uuid::Uuid) -> i64 {
    app.store
        .db
        .read(move |c| c.query_scalar::<i64>(sql, &[id.into()]))
        .await
        .expect("query")
        .unwrap_or(0)
}

async fn sessions_of(app: &App, user: uuid::Uuid) -> i64 {
    scalar(app, "SELECT COUNT(*) FROM sessions WHERE user_id = ?", user).await
}

async fn exec(app: &App, sql: &'static str, params: Vec<rapport_db::Value>) -> u64 {
    app.store
        .db
        .write(move |c| c.execute(sql, &params))
        .await
        .expect("write")
}

// --- signing in -------------------------------------------------------------------

both_engines! {
    async fn login_returns_user_and_csrf_token_and_sets_a_hardened_session_cookie(db) {
        let app = App::start(db).await;
        let r = login(&app, "admin@example.com", PASSWORD, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["user"]["id"], app.admin.user.id.to_string());
        assert_eq!(r.body["user"]["email"], "admin@example.com");
        assert_eq!(r.body["user"]["role"], "admin");
        // The login response must never echo anything password-like.
        assert!(r.body["user"].get("password_hash").is_none(), "{}", r.body);
        assert!(!String::from_utf8_lossy(&r.raw).contains(PASSWORD));
        let csrf = r.body["csrf_token"].as_str().expect("csrf_token");
        assert!(csrf.len() >= 32, "csrf token too short: {csrf}");
        let expires = chrono::DateTime::parse_from_rfc3339(r.body["expires_at"].as_str().expect("expires_at"))
            .expect("expires_at is RFC 3339");
        let hours = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours();
        assert!((167..=168).contains(&hours), "session should last 7 days, ends in {hours} h");

        let set = r.header("set-cookie").expect("set-cookie");
        let attrs: Vec<&str> = set.split(';').map(str::trim).collect();
        let value = attrs[0].strip_prefix("rapport_session=").expect("cookie name");
        assert!(value.len() >= 32, "session secret too short");
        assert_ne!(value, csrf, "the CSRF token must not be the session secret");
        assert!(attrs.contains(&"Path=/"), "{set}");
        assert!(attrs.contains(&"HttpOnly"), "{set}");
        assert!(attrs.contains(&"SameSite=Lax"), "{set}");
        assert!(attrs.contains(&"Max-Age=604800"), "{set}");
        // Plain HTTP without a trusted proxy: a Secure cookie would never come back.
        assert!(!attrs.contains(&"Secure"), "{set}");

        let me = app.call_with(Method::GET, "/api/v1/me", "", None, &[("cookie", attrs[0])]).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.body);
        assert_eq!(me.body["id"], app.admin.user.id.to_string());
        assert!(me.body["last_login_at"].is_string(), "last_login_at is recorded: {}", me.body);
        assert_eq!(sessions_of(&app, app.admin.user.id).await, 1);
    }
}

both_engines! {
    async fn session_cookie_is_secure_when_configured_always(db) {
        let app = App::start_with(db, WebConfig { cookie_secure: CookieSecure::Always, ..Default::default() }).await;
        let r = login(&app, "rep@example.com", PASSWORD, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        let set = r.header("set-cookie").expect("set-cookie");
        assert!(set.split(';').any(|a| a.trim() == "Secure"), "{set}");
    }
}

both_engines! {
    async fn session_cookie_is_secure_only_when_a_trusted_proxy_says_https(db) {
        let app = App::start_with(db, WebConfig { trust_proxy_headers: true, ..Default::default() }).await;
        let https = login(&app, "rep@example.com", PASSWORD, &[("x-forwarded-proto", "https")]).await;
        assert_eq!(https.status, StatusCode::OK);
        let set = https.header("set-cookie").expect("set-cookie");
        assert!(set.split(';').any(|a| a.trim() == "Secure"), "{set}");

        let http = login(&app, "rep@example.com", PASSWORD, &[("x-forwarded-proto", "http")]).await;
        let set = http.header("set-cookie").expect("set-cookie");
        assert!(!set.split(';').any(|a| a.trim() == "Secure"), "{set}");
    }
}

both_engines! {
    async fn forwarded_proto_is_ignored_unless_the_proxy_is_trusted(db) {
        // Otherwise any client could decide the cookie's attributes.
        let app = App::start(db).await;
        let r = login(&app, "rep@example.com", PASSWORD, &[("x-forwarded-proto", "https")]).await;
        assert_eq!(r.status, StatusCode::OK);
        let set = r.header("set-cookie").expect("set-cookie");
        assert!(!set.split(';').any(|a| a.trim() == "Secure"), "{set}");
    }
}

both_engines! {
    async fn login_email_ignores_case_and_surrounding_spaces(db) {
        let app = App::start(db).await;
        let r = login(&app, "  Manager@EXAMPLE.com ", PASSWORD, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["user"]["id"], app.manager.user.id.to_string());
    }
}

both_engines! {
    async fn wrong_password_and_unknown_email_get_the_same_401(db) {
        let app = App::start(db).await;
        let wrong = login(&app, "admin@example.com", "not the password at all", &[]).await.problem(StatusCode::UNAUTHORIZED);
        let unknown = login(&app, "nobody@example.com", PASSWORD, &[]).await.problem(StatusCode::UNAUTHORIZED);
        // Identical answers, so the endpoint cannot be used to learn who has an account.
        assert_eq!(wrong.body["detail"], unknown.body["detail"]);
        assert_eq!(wrong.body["type"], unknown.body["type"]);
        assert!(wrong.header("set-cookie").is_none());
        assert!(unknown.header("set-cookie").is_none());
        assert_eq!(sessions_of(&app, app.admin.user.id).await, 0);
        assert_eq!(scalar(&app, "SELECT failed_logins FROM users WHERE id = ?", app.admin.user.id).await, 1);
    }
}

both_engines! {
    async fn login_body_is_validated_field_by_field(db) {
        let app = App::start(db).await;
        let r = app.post(LOGIN, "", json!({"email": "admin@example.com"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.field_errors().iter().any(|(f, _)| f == "password"), "{}", r.body);

        let r = app.post(LOGIN, "", json!({"password": PASSWORD})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.field_errors().iter().any(|(f, _)| f == "email"), "{}", r.body);

        let r = app.post(LOGIN, "", json!(["admin@example.com", PASSWORD])).await;
        r.problem(StatusCode::UNPROCESSABLE_ENTITY);

        let req = axum::http::Request::builder()
            .method(Method::POST)
            .uri(LOGIN)
            .header("content-type", "application/json")
            .body(axum::body::Body::from("{\"email\": "))
            .expect("request");
        app.send(req).await.problem(StatusCode::BAD_REQUEST);
    }
}

both_engines! {
    async fn disabled_user_cannot_sign_in_even_with_the_right_password(db) {
        let app = App::start(db).await;
        rapport_store::auth::users::set_enabled(&app.store, &cli_ctx(), app.rep.user.id, false).await.expect("disable");
        let r = login(&app, "rep@example.com", PASSWORD, &[]).await.problem(StatusCode::FORBIDDEN);
        assert!(r.header("set-cookie").is_none());
        // A wrong password still says only "wrong", not "disabled".
        login(&app, "rep@example.com", "wrong password here", &[]).await.problem(StatusCode::UNAUTHORIZED);
        assert_eq!(sessions_of(&app, app.rep.user.id).await, 0);
    }
}

// --- lock-out and throttling --------------------------------------------------------

both_engines! {
    async fn account_is_locked_after_five_failures_even_for_the_right_password(db) {
        let app = App::start(db).await;
        for _ in 0..5 {
            login(&app, "viewer@example.com", "wrong password here", &[]).await.problem(StatusCode::UNAUTHORIZED);
        }
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM users WHERE id = ? AND locked_until IS NOT NULL", app.viewer.user.id).await,
            1
        );
        let r = login(&app, "viewer@example.com", PASSWORD, &[]).await.problem(StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = r.header("retry-after").expect("Retry-After").parse().expect("Retry-After in seconds");
        assert!((1..=900).contains(&retry), "lock-out is 15 minutes, Retry-After says {retry}");
        assert!(r.header("set-cookie").is_none());
        assert_eq!(sessions_of(&app, app.viewer.user.id).await, 0);

        // The lock is per account: others still sign in from the same address.
        assert_eq!(login(&app, "manager@example.com", PASSWORD, &[]).await.status, StatusCode::OK);
    }
}

both_engines! {
    async fn an_email_with_no_account_is_locked_out_exactly_like_one_with_an_account(db) {
        let app = App::start(db).await;
        let mut answers = vec![];
        for email in ["viewer@example.com", "nobody@example.com"] {
            for _ in 0..5 {
                login(&app, email, "wrong password here", &[]).await.problem(StatusCode::UNAUTHORIZED);
            }
            let r = login(&app, email, PASSWORD, &[]).await.problem(StatusCode::TOO_MANY_REQUESTS);
            assert!(r.header("retry-after").is_some());
            answers.push(r.body["detail"].clone());
        }
        // The lock-out does not tell a guesser which of the two has an account.
        assert_eq!(answers[0], answers[1]);
        assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE email = 'nobody@example.com'").await, 0);
    }
}

both_engines! {
    async fn concurrent_failures_are_all_counted_towards_the_lock(db) {
        // Guessing in parallel must not slip past the limit by racing the counter.
        let app = App::start(db).await;
        let tries = (0..5).map(|_| login(&app, "viewer@example.com", "wrong password here", &[]));
        let replies = futures::future::join_all(tries).await;
        for r in &replies {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        }
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM users WHERE id = ? AND locked_until IS NOT NULL", app.viewer.user.id).await,
            1
        );
        login(&app, "viewer@example.com", PASSWORD, &[]).await.problem(StatusCode::TOO_MANY_REQUESTS);
    }
}

both_engines! {
    async fn lock_expiry_lets_the_user_back_in_and_resets_the_count(db) {
        let app = App::start(db).await;
        let id = app.viewer.user.id;
        for _ in 0..5 {
            login(&app, "viewer@example.com", "wrong password here", &[]).await.problem(StatusCode::UNAUTHORIZED);
        }
        login(&app, "viewer@example.com", PASSWORD, &[]).await.problem(StatusCode::TOO_MANY_REQUESTS);
        let past = rapport_db::now() - chrono::Duration::seconds(1);
        exec(&app, "UPDATE users SET locked_until = ? WHERE id = ?", vec![past.into(), id.into()]).await;

        let r = login(&app, "viewer@example.com", PASSWORD, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(scalar(&app, "SELECT failed_logins FROM users WHERE id = ?", id).await, 0);
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM users WHERE id = ? AND locked_until IS NULL", id).await, 1);
    }
}

both_engines! {
    async fn successful_login_resets_the_failure_count(db) {
        let app = App::start(db).await;
        let id = app.manager.user.id;
        for _ in 0..4 {
            login(&app, "manager@example.com", "wrong password here", &[]).await.problem(StatusCode::UNAUTHORIZED);
        }
        assert_eq!(scalar(&app, "SELECT failed_logins FROM users WHERE id = ?", id).await, 4);
        assert_eq!(login(&app, "manager@example.com", PASSWORD, &[]).await.status, StatusCode::OK);
        assert_eq!(scalar(&app, "SELECT failed_logins FROM users WHERE id = ?", id).await, 0);
        // Had the count survived, this would be the fifth failure and lock the account.
        login(&app, "manager@example.com", "wrong password here", &[]).await.problem(StatusCode::UNAUTHORIZED);
        assert_eq!(login(&app, "manager@example.com", PASSWORD, &[]).await.status, StatusCode::OK);
    }
}

both_engines! {
    async fn too_many_failures_from_one_address_are_refused_with_retry_after(db) {
        let app = App::start_with(db, WebConfig { login_max_failures_per_ip: 3, ..Default::default() }).await;
        // Different unknown emails, so no account lock can be what refuses us.
        for email in ["a@example.com", "b@example.com", "c@example.com"] {
            login(&app, email, PASSWORD, &[]).await.problem(StatusCode::UNAUTHORIZED);
        }
        let r = login(&app, "admin@example.com", PASSWORD, &[]).await.problem(StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = r.header("retry-after").expect("Retry-After").parse().expect("seconds");
        assert!((1..=900).contains(&retry), "window is 15 minutes, Retry-After says {retry}");
        assert!(r.header("set-cookie").is_none());
        assert_eq!(sessions_of(&app, app.admin.user.id).await, 0);
        // The refusal is the address's, not the account's.
        assert_eq!(scalar(&app, "SELECT failed_logins FROM users WHERE id = ?", app.admin.user.id).await, 0);
    }
}

// --- credentials that are refused ----------------------------------------------------

both_engines! {
    async fn me_needs_credentials(db) {
        let app = App::start(db).await;
        let r = app.get("/api/v1/me", "").await.problem(StatusCode::UNAUTHORIZED);
        assert_eq!(r.body["type"], "/problems/unauthorized");
        let me = app.get("/api/v1/me", &app.viewer.token).await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.body["id"], app.viewer.user.id.to_string());
        assert_eq!(me.body["role"], "viewer");
    }
}

both_engines! {
    async fn malformed_or_unknown_credentials_are_401(db) {
        let app = App::start(db).await;
        for auth in [
            "Basic YWRtaW5AZXhhbXBsZS5jb206cGFzc3dvcmQ=",
            "Bearer garbage",
            "Bearer ",
            "Bearer rpt_thisIsNotARealTokenButHasThePrefix000000000",
            "Token rpt_abc",
        ] {
            let r = app.call_with(Method::GET, "/api/v1/me", "", None, &[("authorization", auth)]).await;
            r.problem(StatusCode::UNAUTHORIZED);
        }
        // A token's secret with a character changed is a different token.
        let mut tampered = app.admin.token.clone();
        let last = tampered.pop().expect("non-empty");
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        app.get("/api/v1/me", &tampered).await.problem(StatusCode::UNAUTHORIZED);
    }
}

both_engines! {
    async fn bearer_scheme_name_is_case_insensitive(db) {
        // RFC 9110 §11.1: the authentication scheme is a case-insensitive token.
        let app = App::start(db).await;
        let auth = format!("bearer {}", app.rep.token);
        let r = app.call_with(Method::GET, "/api/v1/me", "", None, &[("authorization", auth.as_str())]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["id"], app.rep.user.id.to_string());
    }
}

both_engines! {
    async fn unauthorized_answers_carry_www_authenticate(db) {
        // RFC 9110 §15.5.2: a 401 MUST say which scheme would work.
        let app = App::start(db).await;
        let r = app.get("/api/v1/me", "").await.problem(StatusCode::UNAUTHORIZED);
        let challenge = r.header("www-authenticate").unwrap_or_default();
        assert!(challenge.to_ascii_lowercase().starts_with("bearer"), "WWW-Authenticate: {challenge:?}");
    }
}

both_engines! {
    async fn forged_or_stale_cookie_counts_as_no_credentials(db) {
        let app = App::start(db).await;
        let forged = Session { cookie: "rapport_session=forged-value-that-was-never-issued".into(), csrf: "x".into() };
        with_cookie(&app, Method::GET, "/api/v1/me", &forged, None, None).await.problem(StatusCode::UNAUTHORIZED);
        // Unsafe methods with a dead cookie: "not signed in", not a CSRF complaint.
        let r = with_cookie(&app, Method::POST, "/api/v1/accounts", &forged, None, Some(json!({"name": "Forged"}))).await;
        r.problem(StatusCode::UNAUTHORIZED);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 0);
        // A forged cookie does not spoil a valid bearer token sent with it.
        let both = app
            .call_with(Method::GET, "/api/v1/me", &app.rep.token, None, &[("cookie", forged.cookie.as_str())])
            .await;
        assert_eq!(both.status, StatusCode::OK);
        assert_eq!(both.body["id"], app.rep.user.id.to_string());
    }
}

both_engines! {
    async fn bad_bearer_is_refused_even_beside_a_valid_cookie(db) {
        // The bearer header is what the client chose to authenticate with; falling back
        // to the cookie would hide a broken token.
        let app = App::start(db).await;
        let s = sign_in(&app, "admin@example.com").await;
        let r = app.call_with(Method::GET, "/api/v1/me", "garbage", None, &[("cookie", s.cookie.as_str())]).await;
        r.problem(StatusCode::UNAUTHORIZED);
    }
}

both_engines! {
    async fn expired_or_idle_sessions_no_longer_authenticate(db) {
        let app = App::start(db).await;
        let absolute = sign_in(&app, "rep@example.com").await;
        let idle = sign_in(&app, "manager@example.com").await;
        assert_eq!(me_by_cookie(&app, &absolute).await, StatusCode::OK);
        assert_eq!(me_by_cookie(&app, &idle).await, StatusCode::OK);

        let now = rapport_db::now();
        exec(&app, "UPDATE sessions SET expires_at = ? WHERE user_id = ?", vec![now.into(), app.rep.user.id.into()]).await;
        // Idle limit is 8 hours.
        let stale = now - chrono::Duration::hours(9);
        exec(&app, "UPDATE sessions SET last_seen_at = ? WHERE user_id = ?", vec![stale.into(), app.manager.user.id.into()]).await;

        assert_eq!(me_by_cookie(&app, &absolute).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me_by_cookie(&app, &idle).await, StatusCode::UNAUTHORIZED);
    }
}

// --- CSRF ---------------------------------------------------------------------------

both_engines! {
    async fn cookie_writes_need_the_sessions_csrf_token(db) {
        let app = App::start(db).await;
        let s = sign_in(&app, "admin@example.com").await;
        let body = || Some(json!({"name": "Csrf Guarded"}));

        let r = with_cookie(&app, Method::POST, "/api/v1/accounts", &s, None, body()).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(r.body["errors"][0]["field"], "X-CSRF-Token", "{}", r.body);
        let r = with_cookie(&app, Method::POST, "/api/v1/accounts", &s, Some("wrong"), body()).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(r.body["errors"][0]["field"], "X-CSRF-Token");
        // A prefix of the right token must not pass.
        let prefix = &s.csrf[..s.csrf.len() - 1];
        with_cookie(&app, Method::POST, "/api/v1/accounts", &s, Some(prefix), body()).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 0, "a refused write must not happen");

        let ok = with_cookie(&app, Method::POST, "/api/v1/accounts", &s, Some(&s.csrf), body()).await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
        assert_eq!(ok.body["created_by"], app.admin.user.id.to_string());
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 1);

        // Reads need no token.
        let list = with_cookie(&app, Method::GET, "/api/v1/accounts", &s, None, None).await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(list.body["data"].as_array().map(Vec::len), Some(1));
    }
}

both_engines! {
    async fn csrf_token_of_another_session_is_refused(db) {
        let app = App::start(db).await;
        let mine = sign_in(&app, "admin@example.com").await;
        let other = sign_in(&app, "admin@example.com").await;
        assert_ne!(mine.csrf, other.csrf);
        with_cookie(&app, Method::POST, "/api/v1/accounts", &mine, Some(&other.csrf), Some(json!({"name": "Cross"})))
            .await
            .problem(StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 0);
    }
}

both_engines! {
    async fn csrf_guards_patch_and_delete_too(db) {
        let app = App::start(db).await;
        let account = app.account(&app.admin.token, json!({"name": "Untouchable"})).await;
        let uri = format!("/api/v1/accounts/{}", id_of(&account));
        let s = sign_in(&app, "admin@example.com").await;

        with_cookie(&app, Method::PATCH, &uri, &s, None, Some(json!({"name": "Touched"}))).await.problem(StatusCode::FORBIDDEN);
        with_cookie(&app, Method::DELETE, &uri, &s, None, None).await.problem(StatusCode::FORBIDDEN);
        with_cookie(&app, Method::POST, &format!("{uri}/archive"), &s, None, None).await.problem(StatusCode::FORBIDDEN);

        let now = app.get(&uri, &app.admin.token).await;
        assert_eq!(now.status, StatusCode::OK);
        assert_eq!(now.body["name"], "Untouchable");
        assert_eq!(now.body["version"], 1);
        assert!(now.body["archived_at"].is_null());

        let patched = with_cookie(&app, Method::PATCH, &uri, &s, Some(&s.csrf), Some(json!({"name": "Touched"}))).await;
        assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
        assert_eq!(patched.body["name"], "Touched");
    }
}

both_engines! {
    async fn bearer_writes_need_no_csrf_token(db) {
        // A bearer token is never sent by a browser on its own, so CSRF cannot use it.
        let app = App::start(db).await;
        let r = app.post("/api/v1/accounts", &app.rep.token, json!({"name": "Scripted"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
}

// --- signing out and rotation ---------------------------------------------------------

both_engines! {
    async fn logout_ends_the_session_and_clears_the_cookie(db) {
        let app = App::start(db).await;
        let s = sign_in(&app, "rep@example.com").await;
        let r = with_cookie(&app, Method::POST, "/api/v1/auth/logout", &s, Some(&s.csrf), None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert!(r.raw.is_empty());
        let set = r.header("set-cookie").expect("clearing cookie");
        let attrs: Vec<&str> = set.split(';').map(str::trim).collect();
        assert_eq!(attrs[0], "rapport_session=");
        assert!(attrs.contains(&"Max-Age=0"), "{set}");
        assert!(attrs.contains(&"Path=/"), "{set}");

        assert_eq!(me_by_cookie(&app, &s).await, StatusCode::UNAUTHORIZED);
        assert_eq!(sessions_of(&app, app.rep.user.id).await, 0);
    }
}

both_engines! {
    async fn logout_without_csrf_is_refused_and_the_session_lives_on(db) {
        // Otherwise any site could sign the user out.
        let app = App::start(db).await;
        let s = sign_in(&app, "rep@example.com").await;
        let r = with_cookie(&app, Method::POST, "/api/v1/auth/logout", &s, None, None).await.problem(StatusCode::FORBIDDEN);
        assert_eq!(r.body["errors"][0]["field"], "X-CSRF-Token");
        assert_eq!(me_by_cookie(&app, &s).await, StatusCode::OK);
        assert_eq!(sessions_of(&app, app.rep.user.id).await, 1);
    }
}

both_engines! {
    async fn logout_ends_only_the_callers_session(db) {
        let app = App::start(db).await;
        let laptop = sign_in(&app, "rep@example.com").await;
        let phone = sign_in(&app, "rep@example.com").await;
        let r = with_cookie(&app, Method::POST, "/api/v1/auth/logout", &laptop, Some(&laptop.csrf), None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(me_by_cookie(&app, &laptop).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me_by_cookie(&app, &phone).await, StatusCode::OK);
    }
}

both_engines! {
    async fn logout_needs_a_caller(db) {
        let app = App::start(db).await;
        app.call(Method::POST, "/api/v1/auth/logout", "", None).await.problem(StatusCode::UNAUTHORIZED);
        // With a token there is no session to end; the token keeps working.
        let r = app.call(Method::POST, "/api/v1/auth/logout", &app.rep.token, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get("/api/v1/me", &app.rep.token).await.status, StatusCode::OK);
    }
}

both_engines! {
    async fn signing_in_again_with_the_old_cookie_ends_the_old_session(db) {
        // Rotation on sign-in defeats session fixation.
        let app = App::start(db).await;
        let old = sign_in(&app, "manager@example.com").await;
        let r = login(&app, "manager@example.com", PASSWORD, &[("cookie", old.cookie.as_str())]).await;
        let new = session_of(&r);
        assert_ne!(new.cookie, old.cookie);
        assert_ne!(new.csrf, old.csrf);
        assert_eq!(me_by_cookie(&app, &old).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me_by_cookie(&app, &new).await, StatusCode::OK);
        assert_eq!(sessions_of(&app, app.manager.user.id).await, 1);
    }
}

both_engines! {
    async fn signing_in_without_a_cookie_leaves_other_sessions_alone(db) {
        let app = App::start(db).await;
        let first = sign_in(&app, "manager@example.com").await;
        let second = sign_in(&app, "manager@example.com").await;
        assert_ne!(first.cookie, second.cookie);
        assert_eq!(me_by_cookie(&app, &first).await, StatusCode::OK);
        assert_eq!(me_by_cookie(&app, &second).await, StatusCode::OK);
        assert_eq!(sessions_of(&app, app.manager.user.id).await, 2);
    }
}

both_engines! {
    async fn disabling_a_user_ends_their_sessions_and_stops_their_tokens_at_once(db) {
        let app = App::start(db).await;
        let s = sign_in(&app, "rep@example.com").await;
        assert_eq!(me_by_cookie(&app, &s).await, StatusCode::OK);
        assert_eq!(app.get("/api/v1/me", &app.rep.token).await.status, StatusCode::OK);

        rapport_store::auth::users::set_enabled(&app.store, &cli_ctx(), app.rep.user.id, false).await.expect("disable");
        assert_eq!(me_by_cookie(&app, &s).await, StatusCode::UNAUTHORIZED);
        app.get("/api/v1/me", &app.rep.token).await.problem(StatusCode::UNAUTHORIZED);
        assert_eq!(sessions_of(&app, app.rep.user.id).await, 0);
        // Other users are unaffected.
        assert_eq!(app.get("/api/v1/me", &app.other_rep.token).await.status, StatusCode::OK);

        // Tokens follow the enabled flag; the ended session stays ended.
        rapport_store::auth::users::set_enabled(&app.store, &cli_ctx(), app.rep.user.id, true).await.expect("enable");
        assert_eq!(app.get("/api/v1/me", &app.rep.token).await.status, StatusCode::OK);
        assert_eq!(me_by_cookie(&app, &s).await, StatusCode::UNAUTHORIZED);
    }
}

// --- API tokens -----------------------------------------------------------------------

both_engines! {
    async fn token_is_created_shown_once_and_authenticates_its_owner(db) {
        let app = App::start(db).await;
        let r = app.post("/api/v1/tokens", &app.manager.token, json!({"name": "ci script"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = id_of(&r.body);
        assert_eq!(r.header("location"), Some(format!("/api/v1/tokens/{id}")));
        let secret = r.body["token"].as_str().expect("token").to_owned();
        assert!(secret.starts_with("rpt_"), "{secret}");
        assert!(secret.len() >= 40, "{secret}");
        assert_eq!(r.body["name"], "ci script");
        assert_eq!(r.body["user_id"], app.manager.user.id.to_string());
        assert_eq!(r.body["prefix"].as_str(), Some(&secret[..10]));
        assert!(r.body["expires_at"].is_null());
        assert!(r.body["revoked_at"].is_null());

        let me = app.get("/api/v1/me", &secret).await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.body["id"], app.manager.user.id.to_string());

        let list = app.get("/api/v1/tokens", &app.manager.token).await;
        assert_eq!(list.status, StatusCode::OK);
        let data = list.body["data"].as_array().expect("data");
        // The fixture's token plus this one.
        assert_eq!(data.len(), 2, "{}", list.body);
        assert!(list.body["next_cursor"].is_null());
        let listed = data.iter().find(|t| t["id"] == id.to_string()).expect("listed");
        assert_eq!(listed["name"], "ci script");
        assert!(listed.get("token").is_none(), "the secret is shown only once: {listed}");
        assert!(listed.get("token_hash").is_none());
        assert!(!String::from_utf8_lossy(&list.raw).contains(&secret));
        // Newest first.
        assert_eq!(data[0]["id"], id.to_string());

        // Only a hash is stored.
        let plain = secret.clone();
        let stored = app
            .store
            .db
            .read(move |c| c.query_scalar::<i64>("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?", &[plain.into()]))
            .await
            .expect("query");
        assert_eq!(stored, Some(0));
    }
}

both_engines! {
    async fn token_list_shows_only_the_callers_tokens(db) {
        let app = App::start(db).await;
        app.post("/api/v1/tokens", &app.other_rep.token, json!({"name": "theirs"})).await;
        let list = app.get("/api/v1/tokens", &app.rep.token).await;
        assert_eq!(list.status, StatusCode::OK);
        let data = list.body["data"].as_array().expect("data");
        assert_eq!(data.len(), 1, "{}", list.body);
        assert!(data.iter().all(|t| t["user_id"] == app.rep.user.id.to_string()));
        app.get("/api/v1/tokens", "").await.problem(StatusCode::UNAUTHORIZED);
    }
}

both_engines! {
    async fn token_request_is_validated(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let r = app.post("/api/v1/tokens", t, json!({})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.field_errors().iter().any(|(f, _)| f == "name"), "{}", r.body);

        let r = app.post("/api/v1/tokens", t, json!({"name": "x".repeat(101)})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.field_errors().iter().any(|(f, _)| f == "name"), "{}", r.body);

        let r = app.post("/api/v1/tokens", t, json!({"name": "n", "expires_at": "tomorrow"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.field_errors().contains(&("expires_at".into(), "datetime".into())), "{}", r.body);

        let r = app.post("/api/v1/tokens", t, json!({"name": "n", "expires_at": "2000-01-01T00:00:00Z"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.field_errors().contains(&("expires_at".into(), "future".into())), "{}", r.body);

        app.post("/api/v1/tokens", "", json!({"name": "anon"})).await.problem(StatusCode::UNAUTHORIZED);
        // Only the fixture's token exists.
        assert_eq!(app.get("/api/v1/tokens", t).await.body["data"].as_array().map(Vec::len), Some(1));
    }
}

both_engines! {
    async fn token_with_a_future_expiry_works_until_then(db) {
        let app = App::start(db).await;
        let r = app.post("/api/v1/tokens", &app.rep.token, json!({"name": "short", "expires_at": "2099-01-01T00:00:00Z"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.body["expires_at"], "2099-01-01T00:00:00Z");
        let secret = r.body["token"].as_str().expect("token").to_owned();
        assert_eq!(app.get("/api/v1/me", &secret).await.status, StatusCode::OK);

        // A second token whose expiry has passed (set in the database before its first
        // use: on SQLite a token already checked is remembered for up to 2 s, and an edit
        // behind the server's back is only seen after that; see docs/api.md).
        let r2 = app.post("/api/v1/tokens", &app.rep.token, json!({"name": "lapsed", "expires_at": "2099-01-01T00:00:00Z"})).await;
        let lapsed = r2.body["token"].as_str().expect("token").to_owned();
        let past = rapport_db::now() - chrono::Duration::seconds(1);
        let n = exec(&app, "UPDATE api_tokens SET expires_at = ? WHERE id = ?", vec![past.into(), id_of(&r2.body).into()]).await;
        assert_eq!(n, 1);
        app.get("/api/v1/me", &lapsed).await.problem(StatusCode::UNAUTHORIZED);
        assert_eq!(app.get("/api/v1/me", &secret).await.status, StatusCode::OK);
        // The user's other token is not affected.
        assert_eq!(app.get("/api/v1/me", &app.rep.token).await.status, StatusCode::OK);
    }
}

both_engines! {
    async fn revoked_token_is_refused_at_once(db) {
        let app = App::start(db).await;
        let r = app.post("/api/v1/tokens", &app.rep.token, json!({"name": "doomed"})).await;
        let id = id_of(&r.body);
        let secret = r.body["token"].as_str().expect("token").to_owned();
        assert_eq!(app.get("/api/v1/me", &secret).await.status, StatusCode::OK);

        let del = app.call(Method::DELETE, &format!("/api/v1/tokens/{id}"), &app.rep.token, None).await;
        assert_eq!(del.status, StatusCode::NO_CONTENT, "{}", del.body);
        assert!(del.raw.is_empty());
        app.get("/api/v1/me", &secret).await.problem(StatusCode::UNAUTHORIZED);

        let list = app.get("/api/v1/tokens", &app.rep.token).await;
        let listed = list.body["data"].as_array().expect("data").iter().find(|t| t["id"] == id.to_string()).cloned().expect("listed");
        assert!(listed["revoked_at"].is_string(), "{listed}");
        // Revoking twice is not an error, and does not bring it back.
        let again = app.call(Method::DELETE, &format!("/api/v1/tokens/{id}"), &app.rep.token, None).await;
        assert_eq!(again.status, StatusCode::NO_CONTENT);
        app.get("/api/v1/me", &secret).await.problem(StatusCode::UNAUTHORIZED);
    }
}

both_engines! {
    // Node B remembers a token check; node A revokes the token and disables a user. On
    // PostgreSQL B hears of both through its listener and refuses within moments, long
    // before its cache's 30-second TTL. On SQLite a second process is not told: its
    // 2-second TTL is the bound (docs/access.md "Tokens").
    async fn another_node_refuses_a_revoked_token_and_a_disabled_user(db) {
        let app = App::start(db).await;
        let node_b = app.another_node().await;
        let r = app.post("/api/v1/tokens", &app.rep.token, json!({"name": "shared"})).await;
        let id = id_of(&r.body);
        let secret = r.body["token"].as_str().expect("token").to_owned();
        let bound = match app.store.db.dialect() {
            rapport_db::Dialect::Postgres => std::time::Duration::from_secs(5),
            rapport_db::Dialect::Sqlite => std::time::Duration::from_secs(8),
        };
        // B's listener may take a moment to start listening; until then it caches nothing.
        let started = std::time::Instant::now();
        while !node_b.store.remembers_tokens() {
            assert!(started.elapsed() < bound, "node B never started listening");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(node_b.get("/api/v1/me", &secret).await.status, StatusCode::OK);
        let del = app.call(Method::DELETE, &format!("/api/v1/tokens/{id}"), &app.rep.token, None).await;
        assert_eq!(del.status, StatusCode::NO_CONTENT, "{}", del.body);
        let refused_within = |token: String| {
            let node_b = &node_b;
            async move {
                let started = std::time::Instant::now();
                loop {
                    if node_b.get("/api/v1/me", &token).await.status == StatusCode::UNAUTHORIZED {
                        return started.elapsed();
                    }
                    assert!(started.elapsed() < bound, "node B still accepts the token after {bound:?}");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            }
        };
        refused_within(secret).await;

        assert_eq!(node_b.get("/api/v1/me", &app.other_rep.token).await.status, StatusCode::OK);
        let off = app
            .post(&format!("/api/v1/users/{}/disable", app.other_rep.user.id), &app.admin.token, json!({}))
            .await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.body);
        refused_within(app.other_rep.token.clone()).await;
    }
}

both_engines! {
    async fn a_token_can_revoke_itself(db) {
        let app = App::start(db).await;
        let r = app.post("/api/v1/tokens", &app.rep.token, json!({"name": "self"})).await;
        let secret = r.body["token"].as_str().expect("token").to_owned();
        let del = app.call(Method::DELETE, &format!("/api/v1/tokens/{}", id_of(&r.body)), &secret, None).await;
        assert_eq!(del.status, StatusCode::NO_CONTENT);
        app.get("/api/v1/me", &secret).await.problem(StatusCode::UNAUTHORIZED);
    }
}

both_engines! {
    async fn other_users_tokens_are_404_except_to_admins(db) {
        let app = App::start(db).await;
        let r = app.post("/api/v1/tokens", &app.other_rep.token, json!({"name": "theirs"})).await;
        let uri = format!("/api/v1/tokens/{}", id_of(&r.body));
        let secret = r.body["token"].as_str().expect("token").to_owned();

        // Not "forbidden": whether the id exists is none of the caller's business.
        app.call(Method::DELETE, &uri, &app.rep.token, None).await.problem(StatusCode::NOT_FOUND);
        app.call(Method::DELETE, &uri, &app.restricted_admin.token, None).await.problem(StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/me", &secret).await.status, StatusCode::OK);

        let del = app.call(Method::DELETE, &uri, &app.admin.token, None).await;
        assert_eq!(del.status, StatusCode::NO_CONTENT);
        app.get("/api/v1/me", &secret).await.problem(StatusCode::UNAUTHORIZED);
    }
}

both_engines! {
    async fn revoking_an_unknown_or_malformed_token_id(db) {
        let app = App::start(db).await;
        let missing = format!("/api/v1/tokens/{}", uuid::Uuid::now_v7());
        app.call(Method::DELETE, &missing, &app.admin.token, None).await.problem(StatusCode::NOT_FOUND);
        let r = app.call(Method::DELETE, "/api/v1/tokens/not-a-uuid", &app.admin.token, None).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(r.field_errors(), vec![("id".to_owned(), "uuid".to_owned())]);
        app.call(Method::DELETE, &missing, "", None).await.problem(StatusCode::UNAUTHORIZED);
    }
}

both_engines! {
    async fn tokens_can_be_managed_from_a_browser_session(db) {
        let app = App::start(db).await;
        let s = sign_in(&app, "viewer@example.com").await;
        with_cookie(&app, Method::POST, "/api/v1/tokens", &s, None, Some(json!({"name": "nope"}))).await.problem(StatusCode::FORBIDDEN);
        let r = with_cookie(&app, Method::POST, "/api/v1/tokens", &s, Some(&s.csrf), Some(json!({"name": "from ui"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.body["user_id"], app.viewer.user.id.to_string());
        let secret = r.body["token"].as_str().expect("token");
        assert_eq!(app.get("/api/v1/me", secret).await.body["id"], app.viewer.user.id.to_string());
    }
}
