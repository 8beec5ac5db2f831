//! The UI's pages through the real router on both engines: first-run setup, sign-in and
//! out, CSRF, the security headers, error pages, and the account pages reading and
//! writing through the store with the caller's scope.

use axum::http::StatusCode;
use rapport_db::both_engines;
use rapport_db::{Database, DbOptions};
use rapport_domain::Role;
use rapport_store::{AuthPolicy, Store};
use rapport_web::{router, AppState, WebConfig};
use serde_json::json;

use crate::support::{make_user, App};
use crate::ui_support::Browser;

both_engines! {
    async fn first_run_setup_creates_one_admin_once(db) {
        let database = Database::connect(&db.url, &DbOptions::default()).await.expect("connect");
        rapport_migration::up(&database, None).await.expect("migrate");
        let store = Store::new(database, AuthPolicy::default());
        let state = AppState::new(store.clone(), WebConfig::default());
        let path = state.offer_first_run_setup().await.expect("offer").expect("no users yet, so a link");
        let app = router(state);
        let b = Browser::new(&app);
        // Nothing but the link opens the page.
        assert_eq!(b.get("/setup/not-the-token").await.status, StatusCode::NOT_FOUND);
        let form = b.get(&path).await;
        form.assert_has("Create the first administrator");
        let token = form.csrf().expect("token");
        // A mismatched confirmation is named beside its field and the link survives.
        let refused = b.send_form(&path, &[("_csrf", &token), ("name", "Ada"), ("email", "ada@example.com"),
            ("password", "a long enough password"), ("confirm", "something else")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        refused.assert_has("f-confirm-error").assert_has("does not match the password");
        // A short password is the store's rule, named beside the password field.
        let short = b.send_form(&path, &[("_csrf", &token), ("name", "Ada"), ("email", "ada@example.com"),
            ("password", "short"), ("confirm", "short")]).await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", short.html);
        short.assert_has("f-password-error");
        let done = b.send_form(&path, &[("_csrf", &token), ("name", "Ada"), ("email", "ada@example.com"),
            ("password", "a long enough password"), ("confirm", "a long enough password")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        assert_eq!(done.location.as_deref(), Some("/home"));
        b.get("/home").await.assert_has("Good to see you, Ada");
        let admin = rapport_store::auth::users::find_by_email(&store, "ada@example.com").await.expect("read").expect("created");
        assert_eq!(admin.role, Role::Admin);
        // Used once: the link is gone, and a fresh offer is refused now a user exists.
        assert_eq!(Browser::new(&app).get(&path).await.status, StatusCode::NOT_FOUND);
        let again = AppState::new(store.clone(), WebConfig::default());
        assert_eq!(again.offer_first_run_setup().await.expect("offer"), None);
    }

    async fn signing_in_returns_to_the_page_asked_for(db) {
        let app = App::start(db).await;
        let b = Browser::new(&app.router);
        let root = b.get("/").await;
        assert_eq!(root.location.as_deref(), Some("/sign-in"));
        let asked = b.get("/accounts?kind=customer").await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER);
        let to = asked.location.expect("to sign-in");
        assert_eq!(to, "/sign-in?next=%2Faccounts%3Fkind%3Dcustomer");
        let form = b.get(&to).await;
        let token = form.csrf().expect("token");
        let wrong = b.send_form("/sign-in", &[("_csrf", &token), ("login", "rep@example.com"), ("password", "nope"), ("next", "/accounts?kind=customer")]).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        wrong.assert_has("That email or password is not right.").assert_has("value=\"rep@example.com\"");
        let right = b.send_form("/sign-in", &[("_csrf", &token), ("login", "rep@example.com"), ("password", crate::support::PASSWORD), ("next", "/accounts?kind=customer")]).await;
        assert_eq!(right.location.as_deref(), Some("/accounts?kind=customer"));
        // Another site's address is never followed.
        let b2 = Browser::new(&app.router);
        let t2 = b2.get("/sign-in").await.csrf().expect("token");
        let away = b2.send_form("/sign-in", &[("_csrf", &t2), ("login", "rep@example.com"), ("password", crate::support::PASSWORD), ("next", "//evil.example/")]).await;
        assert_eq!(away.location.as_deref(), Some("/home"));
    }

    async fn forms_need_their_token_and_this_site(db) {
        let app = App::start(db).await;
        let b = Browser::signed_in(&app, "rep@example.com").await;
        // The sign-in form without the cookie's token is refused.
        let stranger = Browser::new(&app.router);
        let r = stranger.send_form("/sign-in", &[("_csrf", "0123456789abcdef0123456789abcdef"), ("login", "rep@example.com"), ("password", crate::support::PASSWORD)]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // A signed-in form without the session's token changes nothing.
        let r = b.send_form("/accounts/new", &[("name", "Forged Ltd")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 0);
        let r = b.post("/accounts/new", &[("name", "Real Ltd")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 1);
        // Signing out ends the session: the next page asks to sign in.
        let out = b.post("/sign-out", &[]).await;
        assert_eq!(out.location.as_deref(), Some("/sign-in"));
        assert_eq!(b.get("/home").await.status, StatusCode::SEE_OTHER);
    }

    async fn pages_carry_a_strict_policy_and_assets_are_immutable(db) {
        let app = App::start(db).await;
        let b = Browser::new(&app.router);
        let page = b.get("/sign-in").await;
        page.assert_lacks("<script>").assert_lacks("style=\"");
        let req = axum::http::Request::builder().uri("/sign-in").body(axum::body::Body::empty()).expect("req");
        let res = tower::ServiceExt::oneshot(app.router.clone(), req).await.expect("res");
        let csp = res.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(res.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
        // The stylesheet named in the page is served for a year; a stale name is 404.
        let marker = "rel=\"stylesheet\" href=\"";
        let start = page.html.find(marker).expect("stylesheet") + marker.len();
        let href = &page.html[start..start + page.html[start..].find('"').expect("end")];
        let req = axum::http::Request::builder().uri(href).body(axum::body::Body::empty()).expect("req");
        let css = tower::ServiceExt::oneshot(app.router.clone(), req).await.expect("res");
        assert_eq!(css.status(), StatusCode::OK);
        assert!(css.headers().get("cache-control").and_then(|v| v.to_str().ok()).unwrap_or("").contains("immutable"));
        assert_eq!(b.get("/assets/app.000000000000.css").await.status, StatusCode::NOT_FOUND);
        // Unknown pages are an HTML page; unknown API paths stay problem+json.
        let missing = b.get("/no-such-page").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        missing.assert_has("<h1>Not found</h1>");
        let api = app.get("/api/v1/no-such-thing", "").await;
        assert_eq!(api.status, StatusCode::NOT_FOUND);
        assert_eq!(api.header("content-type").as_deref(), Some("application/problem+json"));
    }

    async fn an_account_is_made_filled_and_logged_in_the_browser(db) {
        let app = App::start(db).await;
        let b = Browser::signed_in(&app, "rep@example.com").await;
        // A bad email is named beside its field, and what was typed stays.
        let bad = b.post("/accounts/new", &[("name", "Acme Dental"), ("email", "not-an-email"), ("kind", "customer")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad.assert_has("f-email-error").assert_has("value=\"Acme Dental\"");
        let made = b.post("/accounts/new", &[("name", "Acme Dental"), ("email", "desk@acme.example"), ("kind", "customer"),
            ("billing_address.city", "Lyon"), ("billing_address.country", "France"), ("tags", "vip, north")]).await;
        let at = made.location.expect("to the account");
        let page = b.get(&at).await;
        page.assert_has("Acme Dental").assert_has("Lyon").assert_has("FR").assert_has("vip");
        let id = at.trim_start_matches("/accounts/").to_owned();
        // Two people; the second is made primary.
        let p1 = b.post(&format!("{at}/people"), &[("first_name", "Ana"), ("last_name", "Ruiz"), ("is_primary", "on")]).await;
        assert_eq!(p1.status, StatusCode::SEE_OTHER, "{}", p1.html);
        let p2 = b.post(&format!("{at}/people"), &[("first_name", "Ben"), ("last_name", "Okafor"), ("email", "ben@acme.example")]).await;
        assert_eq!(p2.status, StatusCode::SEE_OTHER, "{}", p2.html);
        // A second person with the same email at this account is refused, and no one is left behind.
        let dup = b.post(&format!("{at}/people"), &[("first_name", "Benny"), ("email", "ben@acme.example")]).await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", dup.html);
        assert_eq!(app.count("SELECT COUNT(*) FROM contacts").await, 2);
        let people = app.get(&format!("/api/v1/accounts/{id}/contacts"), &app.rep.token).await;
        let ben = people.body["data"].as_array().and_then(|a| a.iter().find(|p| p["contact"]["first_name"] == "Ben")).map(|p| p["contact"]["id"].as_str().unwrap_or("").to_owned()).expect("ben");
        let primary = b.post(&format!("{at}/people/{ben}/primary"), &[]).await;
        assert_eq!(primary.status, StatusCode::SEE_OTHER, "{}", primary.html);
        let api = app.get(&format!("/api/v1/accounts/{id}/contacts"), &app.rep.token).await;
        let primaries: Vec<&str> = api.body["data"].as_array().expect("list").iter().filter(|p| p["is_primary"] == true).filter_map(|p| p["contact"]["first_name"].as_str()).collect();
        assert_eq!(primaries, vec!["Ben"]);
        // A call with a follow-up, on the timeline and on the home page's list.
        let call = b.post(&format!("{at}/activities"), &[("kind", "call"), ("subject", "Pricing call"), ("body", "Wants a quote"), ("follow_up_at", "2099-01-05T09:30")]).await;
        assert_eq!(call.status, StatusCode::SEE_OTHER, "{}", call.html);
        b.get(&at).await.assert_has("Pricing call").assert_has("Wants a quote");
        let empty_note = b.post(&format!("{at}/activities"), &[("kind", "note"), ("body", "")]).await;
        assert_eq!(empty_note.status, StatusCode::UNPROCESSABLE_ENTITY);
        empty_note.assert_has("f-note-body-error");
        // The list finds it by search; archive hides it until asked for.
        b.get("/accounts?q=acme").await.assert_has("Acme Dental");
        let archived = b.post(&format!("{at}/archive"), &[]).await;
        assert_eq!(archived.status, StatusCode::SEE_OTHER);
        b.get("/accounts?q=acme").await.assert_lacks("Acme Dental");
        b.get("/accounts?q=acme&archived=all").await.assert_has("Acme Dental");
        // A filter the store refuses is shown on the page, not as a crash.
        let bad_filter = b.get("/accounts?kind=spaceship").await;
        assert_eq!(bad_filter.status, StatusCode::OK);
        bad_filter.assert_has("alert error");
    }

    async fn pages_show_only_what_the_viewer_may_see(db) {
        let app = App::start(db).await;
        let theirs = app.account(&app.other_rep.token, json!({"name": "Other Rep Co", "owner_id": app.other_rep.user.id})).await;
        let mine = app.account(&app.rep.token, json!({"name": "My Own Co"})).await;
        let b = Browser::signed_in(&app, "rep@example.com").await;
        let list = b.get("/accounts").await;
        list.assert_has("My Own Co").assert_lacks("Other Rep Co");
        let peek = b.get(&format!("/accounts/{}", theirs["id"].as_str().expect("id"))).await;
        assert_eq!(peek.status, StatusCode::NOT_FOUND);
        peek.assert_has("not yours to see").assert_lacks("Other Rep Co");
        // A partner user sees their own organisation's records only.
        let org = app.account(&app.admin.token, json!({"name": "Partner Org", "kind": "partner"})).await;
        let org_id = crate::support::id_of(&org);
        make_user(&app.store, Role::Partner, "p@partner.example", Some(org_id)).await;
        let p = Browser::signed_in(&app, "p@partner.example").await;
        let plist = p.get("/accounts").await;
        plist.assert_lacks("My Own Co").assert_lacks("Other Rep Co");
        assert_eq!(p.get(&format!("/accounts/{}", mine["id"].as_str().expect("id"))).await.status, StatusCode::NOT_FOUND);
        // Partners have no Admin, Products or Distribution in their header.
        let home = p.get("/home").await;
        home.assert_lacks("href=\"/admin/users\"").assert_lacks("href=\"/products\"");
    }

    async fn bulk_actions_report_what_each_account_did(db) {
        let app = App::start(db).await;
        let a = crate::support::id_of(&app.account(&app.manager.token, json!({"name": "Bulk One"})).await);
        let c = crate::support::id_of(&app.account(&app.manager.token, json!({"name": "Bulk Two"})).await);
        let b = Browser::signed_in(&app, "manager@example.com").await;
        let (a, c) = (a.to_string(), c.to_string());
        let tagged = b.post("/accounts/bulk", &[("ids", &a), ("ids", &c), ("action", "tag"), ("tag", "spring")]).await;
        assert_eq!(tagged.status, StatusCode::SEE_OTHER, "{}", tagged.html);
        b.get("/accounts?tag=spring").await.assert_has("Bulk One").assert_has("Bulk Two");
        let rep = app.rep.user.id.to_string();
        let assigned = b.post("/accounts/bulk", &[("ids", &a), ("action", "assign"), ("owner_id", &rep)]).await;
        assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.html);
        let r = app.get(&format!("/api/v1/accounts/{a}"), &app.manager.token).await;
        assert_eq!(r.body["owner_id"], rep.as_str());
        let nothing = b.post("/accounts/bulk", &[("action", "archive")]).await;
        assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
        nothing.assert_has("Tick at least one account.");
    }

    async fn reps_are_added_and_removed_on_the_account_page(db) {
        let app = App::start(db).await;
        let acct = crate::support::id_of(&app.account(&app.manager.token, json!({"name": "Rep Test Co"})).await);
        let b = Browser::signed_in(&app, "manager@example.com").await;
        let at = format!("/accounts/{acct}");
        let rep = app.rep.user.id.to_string();
        let added = b.post(&format!("{at}/reps"), &[("user_id", &rep), ("role", "primary")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.html);
        // Primary makes them the owner, as the API does.
        assert_eq!(app.get(&format!("/api/v1/accounts/{acct}"), &app.manager.token).await.body["owner_id"], rep.as_str());
        b.get(&at).await.assert_has("rep · primary");
        let bad = b.post(&format!("{at}/reps"), &[("user_id", &rep), ("role", "boss")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad.assert_has("must be primary or secondary");
        let removed = b.post(&format!("{at}/reps/{rep}/remove"), &[]).await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.html);
        let reps = app.get(&format!("/api/v1/accounts/{acct}/reps"), &app.manager.token).await;
        assert_eq!(reps.body["data"].as_array().map(Vec::len), Some(0), "{}", reps.body);
        // A rep may add only themself: the store's refusal is shown on the page.
        let r = Browser::signed_in(&app, "rep2@example.com").await;
        let mine = crate::support::id_of(&app.account(&app.other_rep.token, json!({"name": "Own Co"})).await);
        let refused = r.post(&format!("/accounts/{mine}/reps"), &[("user_id", &rep), ("role", "secondary")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.html);
        refused.assert_has("may only assign themself");
    }
}
