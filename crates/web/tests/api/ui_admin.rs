//! The contact, product, token and admin pages through the real router on both engines:
//! each reads and writes through the store as the API does, so the state asserted here
//! is the store's (read back through the API or the database), not the page's word.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use serde_json::{json, Value};

use crate::support::{id_of, App};
use crate::ui_support::{Browser, Page};

/// The text of the element with this id (a secret shown once).
fn text_of(page: &Page, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = page
        .html
        .find(&marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no #{id} in:\n{}", page.html));
    let end = page.html[start..].find('<').expect("end of element") + start;
    page.html[start..end].to_owned()
}

async fn product(app: &App, name: &str, active: bool) -> Value {
    let r = app
        .post(
            "/api/v1/products",
            &app.manager.token,
            json!({"name": name, "active": active}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

async fn active_products(app: &App) -> i64 {
    app.count("SELECT COUNT(*) FROM products WHERE active = TRUE")
        .await
}

async fn user_json(app: &App, email: &str) -> Value {
    let r = app.get("/api/v1/users", &app.admin.token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["data"]
        .as_array()
        .and_then(|all| all.iter().find(|u| u["email"] == email))
        .cloned()
        .unwrap_or(Value::Null)
}

/// A directory user created on first sign-in: disabled, never enabled, a viewer.
async fn waiting_user(app: &App, email: &'static str) -> uuid::Uuid {
    let id = rapport_domain::new_id();
    app.store
        .db
        .write(move |c| {
            let now = rapport_db::now();
            c.execute(
                "INSERT INTO users (id, email, name, role, enabled, auth_provider, auth_subject, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                &[id.into(), email.into(), "Wai Ting".into(), "viewer".into(), false.into(), "ldap".into(),
                  "uid=wai,ou=people,dc=rapport,dc=test".into(), now.into(), now.into()],
            )?;
            Ok::<(), rapport_store::StoreError>(())
        })
        .await
        .expect("insert a waiting user");
    id
}

both_engines! {
    async fn contacts_are_found_shown_with_their_accounts_and_edited(db) {
        let app = App::start(db).await;
        let account = app.account(&app.rep.token, json!({"name": "Quist Dental"})).await;
        let at = format!("/accounts/{}", account["id"].as_str().expect("id"));
        let b = Browser::signed_in(&app, "rep@example.com").await;
        for fields in [
            vec![("first_name", "Zelda"), ("last_name", "Quist"), ("email", "zelda@quist.example"), ("role", "Owner"), ("is_primary", "on")],
            vec![("first_name", "Bram"), ("last_name", "Other"), ("email", "bram@quist.example")],
        ] {
            let r = b.post(&format!("{at}/people"), &fields).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
        }
        let found = app.get("/api/v1/contacts?q=zelda", &app.rep.token).await;
        let zelda = found.body["data"][0]["id"].as_str().expect("zelda").to_owned();
        let bram = app.get("/api/v1/contacts?q=bram", &app.rep.token).await.body["data"][0]["id"].as_str().expect("bram").to_owned();

        // Search finds her and not him; the list is the live region.
        let list = b.get("/contacts?q=zelda").await;
        assert_eq!(list.status, StatusCode::OK);
        list.assert_has("Zelda Quist").assert_lacks("Bram Other").assert_has("data-refresh");
        b.get("/contacts?kind=doctor").await.assert_lacks("Zelda Quist");
        b.get(&format!("/contacts?account_id={}", account["id"].as_str().expect("id"))).await
            .assert_has("Zelda Quist").assert_has("Bram Other").assert_has("People at Quist Dental");

        // Her page links the account, with her role and the primary mark; his has no mark.
        let detail = b.get(&format!("/contacts/{zelda}")).await;
        detail.assert_has(&format!("href=\"{at}\"")).assert_has("Quist Dental").assert_has("Owner").assert_has("primary contact");
        b.get(&format!("/contacts/{bram}")).await.assert_has("Quist Dental").assert_lacks("primary contact");

        // A bad email is named beside its field, what was typed stays, and nothing changes.
        let form = b.get(&format!("/contacts/{zelda}/edit")).await;
        form.assert_has("name=\"version\" value=\"1\"");
        let bad = b.post(&format!("/contacts/{zelda}/edit"), &[("version", "1"), ("first_name", "Zelda"), ("last_name", "Quist"),
            ("kind", "contact"), ("active", "on"), ("email", "not an email"), ("title", "Director")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        bad.assert_has("id=\"f-email-error\"").assert_has("value=\"not an email\"");
        let stored = app.get(&format!("/api/v1/contacts/{zelda}"), &app.rep.token).await;
        assert_eq!((stored.body["email"].as_str(), stored.body["title"].as_str(), stored.body["version"].as_i64()),
            (Some("zelda@quist.example"), None, Some(1)));

        let good = b.post(&format!("/contacts/{zelda}/edit"), &[("version", "1"), ("first_name", "Zelda"), ("last_name", "Quist"),
            ("kind", "doctor"), ("active", "on"), ("email", "zelda@quist.example"), ("title", "Director"), ("address.city", "Ghent")]).await;
        assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.html);
        let stored = app.get(&format!("/api/v1/contacts/{zelda}"), &app.rep.token).await;
        assert_eq!((stored.body["title"].as_str(), stored.body["kind"].as_str(), stored.body["address"]["city"].as_str()),
            (Some("Director"), Some("doctor"), Some("Ghent")));
        // The form opened at version 1 is stale now: refused, nothing overwritten.
        let stale = b.post(&format!("/contacts/{zelda}/edit"), &[("version", "1"), ("first_name", "Zelda"), ("last_name", "Quist"),
            ("kind", "contact"), ("active", "on"), ("title", "Intern")]).await;
        assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
        stale.assert_has("Someone changed this record while you were editing");
        let stored = app.get(&format!("/api/v1/contacts/{zelda}"), &app.rep.token).await;
        assert_eq!(stored.body["title"], "Director");
    }

    async fn activation_past_the_cap_is_refused_explained_and_the_setting_raises_it(db) {
        let app = App::start(db).await;
        let first = id_of(&product(&app, "Scanner A", true).await).to_string();
        for name in ["Scanner B", "Scanner C"] {
            product(&app, name, true).await;
        }
        let spare = product(&app, "Scanner D", false).await;
        let spare_id = id_of(&spare).to_string();
        assert_eq!(active_products(&app).await, 3);

        let manager = Browser::signed_in(&app, "manager@example.com").await;
        let list = manager.get("/products").await;
        list.assert_has("3 of at most 3 products are active").assert_has("Scanner D").assert_has("New product");
        let refused = manager.post(&format!("/products/{spare_id}/activate"), &[("version", "1")]).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.html);
        refused.assert_has("at most 3 products may be active at once").assert_has("only administrators change")
            .assert_lacks("href=\"/admin/settings");
        assert_eq!(active_products(&app).await, 3);
        let stored = app.get(&format!("/api/v1/products/{spare_id}"), &app.manager.token).await;
        assert_eq!((stored.body["active"].as_bool(), stored.body["version"].as_i64()), (Some(false), Some(1)));

        // The edit form refuses it too, beside the Active box; an admin is pointed at the setting.
        let admin = Browser::signed_in(&app, "admin@example.com").await;
        let edit = admin.post(&format!("/products/{spare_id}/edit"), &[("version", "1"), ("name", "Scanner D"), ("active", "on")]).await;
        assert_eq!(edit.status, StatusCode::CONFLICT, "{}", edit.html);
        edit.assert_has("id=\"f-active-error\"").assert_has("href=\"/admin/settings#f-active_product_cap\"");
        assert_eq!(active_products(&app).await, 3);

        // A rep reads the catalogue but is offered no changes.
        let rep = Browser::signed_in(&app, "rep@example.com").await;
        rep.get("/products").await.assert_has("Scanner D").assert_lacks("New product").assert_lacks("/activate\"");

        // The settings form: a bad cap is named beside its field and changes nothing.
        let settings = admin.get("/admin/settings").await;
        settings.assert_has("name=\"active_product_cap\"").assert_has("value=\"3\"").assert_has("href=\"/admin/audit\"");
        let bad = admin.post("/admin/settings", &[("active_product_cap", "-2"), ("lead_probabilities.won", "100")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        bad.assert_has("id=\"f-active_product_cap-error\"");
        let bad_probability = admin.post("/admin/settings", &[("active_product_cap", "4"), ("lead_probabilities.qualified", "140")]).await;
        assert_eq!(bad_probability.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad_probability.assert_has("id=\"f-lead_probabilities.qualified-error\"");
        assert_eq!(app.get("/api/v1/settings", &app.rep.token).await.body["active_product_cap"], 3);

        // Raised through the form, it takes effect: the activation now goes through.
        let saved = admin.post("/admin/settings", &[("active_product_cap", "4"), ("lead_probabilities.qualified", "45"),
            ("reps_see_accounts_they_updated", "on")]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        let now = app.get("/api/v1/settings", &app.rep.token).await.body;
        assert_eq!((now["active_product_cap"].as_i64(), now["lead_probabilities"]["qualified"].as_i64(),
            now["reps_see_accounts_they_updated"].as_bool(), now["reps_delete_accounts_they_created"].as_bool()),
            (Some(4), Some(45), Some(true), Some(false)));
        let done = manager.post(&format!("/products/{spare_id}/activate"), &[("version", "1")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        assert_eq!(active_products(&app).await, 4);

        // The audit page lists both changes and filters by entity.
        let audit = admin.get("/admin/audit").await;
        assert_eq!(audit.status, StatusCode::OK);
        audit.assert_has(&spare_id).assert_has("active_product_cap");
        let products_only = admin.get("/admin/audit?entity_type=product&action=update").await;
        products_only.assert_has(&spare_id).assert_lacks("active_product_cap");
        let settings_only = admin.get("/admin/audit?entity_type=settings").await;
        settings_only.assert_has("active_product_cap").assert_lacks(&spare_id);
        admin.get("/admin/audit?entity_type=product").await.assert_has(&first);
        admin.get(&format!("/admin/audit?entity_id={spare_id}")).await.assert_has(&spare_id).assert_lacks(&first);
        // A filter the store cannot read is said on the page.
        admin.get("/admin/audit?entity_id=nope").await.assert_has("alert error");
    }

    async fn an_admin_adds_users_and_enables_one_waiting_for_approval(db) {
        let app = App::start(db).await;
        let admin = Browser::signed_in(&app, "admin@example.com").await;
        let users = admin.get("/admin/users").await;
        assert_eq!(users.status, StatusCode::OK);
        users.assert_has("rep@example.com").assert_has("href=\"/admin/partners\"").assert_has("href=\"/tokens\"");

        // A local user with a generated password, shown once.
        let made = admin.post("/admin/users", &[("email", "new.rep@example.com"), ("name", "New Rep"), ("role", "rep"),
            ("auth_provider", "local"), ("account_id", ""), ("password", "")]).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.html);
        let password = text_of(&made, "generated-password");
        assert!(password.len() >= 12, "{password}");
        let stored = user_json(&app, "new.rep@example.com").await;
        assert_eq!((stored["role"].as_str(), stored["enabled"].as_bool(), stored["auth_provider"].as_str()),
            (Some("rep"), Some(true), Some("local")));
        let login = app.call_with(Method::POST, "/api/v1/auth/login", "", Some(json!({"email": "new.rep@example.com", "password": password})), &[]).await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.body);
        admin.get("/admin/users").await.assert_has("new.rep@example.com").assert_lacks(&password);
        admin.get(&format!("/admin/users/{}", stored["id"].as_str().expect("id"))).await.assert_lacks(&password);

        // A typed password is used, and not shown back.
        let typed = admin.post("/admin/users", &[("email", "typed@example.com"), ("role", "viewer"), ("auth_provider", "local"),
            ("password", "a typed password here")]).await;
        assert_eq!(typed.status, StatusCode::CREATED, "{}", typed.html);
        typed.assert_lacks("a typed password here").assert_lacks("generated-password");
        let login = app.call_with(Method::POST, "/api/v1/auth/login", "", Some(json!({"email": "typed@example.com", "password": "a typed password here"})), &[]).await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.body);

        // A partner user needs their organisation: named beside the field, nobody made.
        let before = app.count("SELECT COUNT(*) FROM users").await;
        let orgless = admin.post("/admin/users", &[("email", "p@partner.example"), ("role", "partner"), ("auth_provider", "local"), ("account_id", "")]).await;
        assert_eq!(orgless.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", orgless.html);
        orgless.assert_has("id=\"f-account_id-error\"").assert_has("value=\"p@partner.example\"");
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, before);

        // The directory user waiting for approval is in the queue, and enabled with a role.
        let waiting = waiting_user(&app, "wai@example.test").await;
        let queue = admin.get("/admin/users?show=waiting").await;
        queue.assert_has("wai@example.test").assert_has("waiting for approval").assert_lacks("rep@example.com");
        let enabled = admin.post(&format!("/admin/users/{waiting}/enable"), &[("role", "manager"), ("account_id", "")]).await;
        assert_eq!(enabled.status, StatusCode::SEE_OTHER, "{}", enabled.html);
        let stored = user_json(&app, "wai@example.test").await;
        assert_eq!((stored["enabled"].as_bool(), stored["role"].as_str()), (Some(true), Some("manager")));
        assert!(stored["enabled_at"].is_string(), "{stored}");
        admin.get("/admin/users?show=waiting").await.assert_lacks("wai@example.test");

        // Disabled from their page; a role change through the form.
        let rep_id = app.rep.user.id;
        let off = admin.post(&format!("/admin/users/{rep_id}/disable"), &[]).await;
        assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.html);
        assert_eq!(user_json(&app, "rep@example.com").await["enabled"], false);
        admin.get("/admin/users?show=disabled").await.assert_has("rep@example.com");
        let changed = admin.post(&format!("/admin/users/{rep_id}"), &[("email", "rep@example.com"), ("name", "Rep"), ("role", "manager"), ("account_id", "")]).await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.html);
        assert_eq!(user_json(&app, "rep@example.com").await["role"], "manager");
    }

    async fn other_roles_get_the_stores_refusal_on_admin_pages(db) {
        let app = App::start(db).await;
        app.account(&app.admin.token, json!({"name": "Big Distributor", "kind": "distributor"})).await;
        // A restricted admin may not change or disable an admin: the store's words, nothing changed.
        let radmin = Browser::signed_in(&app, "radmin@example.com").await;
        let admin_id = app.admin.user.id;
        let page = radmin.get(&format!("/admin/users/{admin_id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let demote = radmin.post(&format!("/admin/users/{admin_id}"), &[("email", "admin@example.com"), ("name", "Admin"), ("role", "rep"), ("account_id", "")]).await;
        assert_eq!(demote.status, StatusCode::FORBIDDEN, "{}", demote.html);
        demote.assert_has("a restricted admin may not manage admins");
        let disable = radmin.post(&format!("/admin/users/{admin_id}/disable"), &[]).await;
        assert_eq!(disable.status, StatusCode::FORBIDDEN, "{}", disable.html);
        disable.assert_has("a restricted admin may not manage admins");
        let make_admin = radmin.post("/admin/users", &[("email", "boss@example.com"), ("role", "admin"), ("auth_provider", "local")]).await;
        assert_eq!(make_admin.status, StatusCode::FORBIDDEN, "{}", make_admin.html);
        let stored = user_json(&app, "admin@example.com").await;
        assert_eq!((stored["role"].as_str(), stored["enabled"].as_bool()), (Some("admin"), Some(true)));
        assert_eq!(user_json(&app, "boss@example.com").await, Value::Null);
        // ... but manages everyone else.
        let ok = radmin.post(&format!("/admin/users/{}/disable", app.viewer.user.id), &[]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html);

        // A rep opening any admin page gets the refusal page, not the content.
        let rep = Browser::signed_in(&app, "rep@example.com").await;
        for path in ["/admin/users", "/admin/partners", "/admin/settings", "/admin/audit", &format!("/admin/users/{admin_id}")] {
            let refused = rep.get(path).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}: {}", refused.html);
            refused.assert_has("Not allowed").assert_lacks("admin@example.com").assert_lacks("class=\"admin-nav\"");
        }
        let write = rep.post("/admin/settings", &[("active_product_cap", "99")]).await;
        assert_eq!(write.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/api/v1/settings", &app.rep.token).await.body["active_product_cap"], 3);
        // Nor does the header offer Admin.
        rep.get("/home").await.assert_lacks("href=\"/admin/users\"").assert_has("href=\"/tokens\"");
    }

    async fn a_token_made_on_the_page_works_until_revoked_there(db) {
        let app = App::start(db).await;
        let b = Browser::signed_in(&app, "rep@example.com").await;
        let blank = b.post("/tokens", &[("name", "")]).await;
        assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
        blank.assert_has("id=\"f-name-error\"");
        let made = b.post("/tokens", &[("name", "nightly sync"), ("expires_at", "")]).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.html);
        let secret = text_of(&made, "token-secret");
        assert!(secret.starts_with("rpt_"), "{secret}");
        // Shown once: the list names it but never shows the secret.
        let list = b.get("/tokens").await;
        list.assert_has("nightly sync").assert_lacks(&secret);

        let works = app.get("/api/v1/contacts", &secret).await;
        assert_eq!(works.status, StatusCode::OK, "{}", works.body);
        let tokens = app.get("/api/v1/tokens", &app.rep.token).await;
        let id = tokens.body["data"].as_array().and_then(|all| all.iter().find(|t| t["name"] == "nightly sync"))
            .and_then(|t| t["id"].as_str()).expect("the page's token").to_owned();
        let revoked = b.post(&format!("/tokens/{id}/revoke"), &[]).await;
        assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.html);
        assert_eq!(app.get("/api/v1/contacts", &secret).await.status, StatusCode::UNAUTHORIZED);
        b.get("/tokens").await.assert_has("revoked");
        // Another user's token is not theirs to revoke.
        let other = app.get("/api/v1/tokens", &app.other_rep.token).await;
        let theirs = other.body["data"][0]["id"].as_str().expect("other rep's token").to_owned();
        let refused = b.post(&format!("/tokens/{theirs}/revoke"), &[]).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/contacts", &app.other_rep.token).await.status, StatusCode::OK);
    }

    async fn partners_are_assigned_to_a_distributor_and_deactivated(db) {
        let app = App::start(db).await;
        let dist = id_of(&app.account(&app.admin.token, json!({"name": "North Distribution", "kind": "distributor"})).await);
        let partner = id_of(&app.account(&app.admin.token, json!({"name": "Lab Partner", "kind": "partner"})).await);
        let admin = Browser::signed_in(&app, "admin@example.com").await;
        let page = admin.get("/admin/partners").await;
        page.assert_has("North Distribution").assert_has("No partners linked yet.").assert_has("Lab Partner");
        let missing = admin.post("/admin/partners", &[("distributor_id", &dist.to_string()), ("partner_id", "")]).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", missing.html);
        missing.assert_has("id=\"f-partner_id-error\"");
        let linked = admin.post("/admin/partners", &[("distributor_id", &dist.to_string()), ("partner_id", &partner.to_string()), ("notes", "since 2024")]).await;
        assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.html);
        let api = app.get(&format!("/api/v1/distributors/{dist}/partners"), &app.admin.token).await;
        assert_eq!(api.body["data"][0]["partner_id"], partner.to_string());
        assert_eq!(api.body["data"][0]["notes"], "since 2024");
        let twice = admin.post("/admin/partners", &[("distributor_id", &dist.to_string()), ("partner_id", &partner.to_string())]).await;
        assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.html);
        let ended = admin.post(&format!("/admin/partners/{dist}/{partner}/deactivate"), &[]).await;
        assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.html);
        let api = app.get(&format!("/api/v1/distributors/{dist}/partners"), &app.admin.token).await;
        assert_eq!(api.body["data"].as_array().map(Vec::len), Some(0), "{}", api.body);
        admin.get(&format!("/admin/partners?distributor_id={dist}")).await.assert_has("ended");
    }
}
