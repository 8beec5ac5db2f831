//! What a team moving from each seed system tripped over (#16), each fixed and checked
//! through the API on both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use serde_json::{json, Value};

#[allow(unused_imports)]
use super::support::*;

fn ids(page: &Reply) -> Vec<String> {
    let mut v: Vec<String> = page.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data: {}", page.body))
        .iter()
        .map(|x| x["id"].as_str().unwrap_or("").to_owned())
        .collect();
    v.sort();
    v
}

fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id: {v}"))
        .to_owned()
}

both_engines! {
    async fn a_phone_number_typed_without_spaces_finds_it_everywhere(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let account = app.account(t, json!({"name": "Dial Tone Ltd", "phone": "+1 555-0100"})).await;
        let contact = created(&app, t, "/api/v1/contacts", json!({"last_name": "Dialer", "phone": "+1 (555) 010-2030"})).await;
        let lead = created(&app, t, "/api/v1/leads", json!({"title": "Phone deal", "contact_phone": "+44 20 7946 0958"})).await;
        for (uri, q, want) in [
            ("/api/v1/accounts", "5550100", &account),
            ("/api/v1/accounts", "15550100", &account),
            ("/api/v1/contacts", "5550102030", &contact),
            ("/api/v1/contacts", "0102030", &contact),
            ("/api/v1/leads", "2079460958", &lead),
        ] {
            let page = app.get(&format!("{uri}?q={q}"), t).await;
            assert_eq!(ids(&page), vec![id(want)], "{uri}?q={q}: {}", page.body);
        }
        // A number that is not there finds nothing.
        assert!(ids(&app.get("/api/v1/accounts?q=5550199", t).await).is_empty());
    }

    async fn enum_filters_read_values_as_writes_do_and_refuse_unknown_ones(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let home = app.account(t, json!({"name": "Home One", "customer_type": "Residential"})).await;
        assert_eq!(home["customer_type"], "residential");
        app.account(t, json!({"name": "Shop One", "customer_type": "commercial"})).await;
        for filter in ["Residential", "residential"] {
            let page = app.get(&format!("/api/v1/accounts?customer_type={filter}"), t).await;
            assert_eq!(ids(&page), vec![id(&home)], "{filter}: {}", page.body);
        }
        for uri in ["/api/v1/accounts?customer_type=Industrial", "/api/v1/accounts?kind=planet",
                    "/api/v1/contacts?kind=alien", "/api/v1/leads?status=maybe", "/api/v1/activities?kind=fax"] {
            let r = app.get(uri, t).await.problem(StatusCode::BAD_REQUEST);
            let name = uri.split('?').nth(1).and_then(|q| q.split('=').next()).unwrap_or("");
            assert_eq!(r.field_errors(), vec![(name.to_owned(), "enum".to_owned())], "{uri}");
        }
        // Seed 002's status names filter as they write.
        let won = created(&app, t, "/api/v1/leads", json!({"title": "Won one", "status": "closed_won", "organization": "Winner Co"})).await;
        assert_eq!(ids(&app.get("/api/v1/leads?status=closed_won", t).await), vec![id(&won)]);
        // Seed 003's master technicians are people like any other.
        let master = created(&app, t, "/api/v1/contacts", json!({"last_name": "Senior", "kind": "master"})).await;
        assert_eq!(ids(&app.get("/api/v1/contacts?kind=master", t).await), vec![id(&master)]);
    }

    async fn a_persons_primary_account_and_an_accounts_primary_contact_are_kept_apart(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let office_a = app.account(t, json!({"name": "Office A", "kind": "office"})).await;
        let office_b = app.account(t, json!({"name": "Office B", "kind": "office"})).await;
        let doc1 = created(&app, t, "/api/v1/contacts", json!({"last_name": "One", "kind": "doctor"})).await;
        let doc2 = created(&app, t, "/api/v1/contacts", json!({"last_name": "Two", "kind": "doctor"})).await;
        let people = |a: &Value| format!("/api/v1/accounts/{}/contacts", id(a));
        // Doctor one: primary office A (and A's primary contact). Doctor two: primary
        // office A too — which must not clear doctor one's flag.
        let l1 = app.post(&people(&office_a), t, json!({"contact_id": id(&doc1), "is_primary_account": true, "is_primary": true})).await;
        assert_eq!(l1.status, StatusCode::CREATED, "{}", l1.body);
        let l2 = app.post(&people(&office_a), t, json!({"contact_id": id(&doc2), "is_primary_account": true})).await;
        assert_eq!(l2.status, StatusCode::CREATED, "{}", l2.body);
        let listed = app.get(&people(&office_a), t).await;
        let flags: Vec<(bool, bool)> = listed.body["data"].as_array().unwrap().iter()
            .map(|p| (p["is_primary"].as_bool().unwrap(), p["is_primary_account"].as_bool().unwrap())).collect();
        assert_eq!(flags, vec![(true, true), (false, true)], "{}", listed.body);
        // Doctor one at office B as primary account too: refused, naming office A.
        let before = app.count("SELECT COUNT(*) FROM account_contacts").await;
        let r = app.post(&people(&office_b), t, json!({"contact_id": id(&doc1), "is_primary_account": true})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["existing_id"], office_a["id"], "{}", r.body);
        assert_eq!(r.body["field"].as_str().or(r.field_errors().first().map(|e| e.0.as_str())), Some("is_primary_account"), "{}", r.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM account_contacts").await, before);
        // Linked plainly, then moved by unsetting A first.
        let plain = app.post(&people(&office_b), t, json!({"contact_id": id(&doc1)})).await;
        assert_eq!(plain.status, StatusCode::CREATED, "{}", plain.body);
        let unset = app.patch(&format!("{}/{}", people(&office_a), id(&doc1)), t, json!({"is_primary_account": false}), None).await;
        assert_eq!(unset.status, StatusCode::OK, "{}", unset.body);
        assert_eq!(unset.body["is_primary"], true, "the account's primary contact stays");
        let set = app.patch(&format!("{}/{}", people(&office_b), id(&doc1)), t, json!({"is_primary_account": true}), None).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.body);
        let theirs = app.get(&format!("/api/v1/contacts/{}/accounts", id(&doc1)), t).await;
        let primary: Vec<&str> = theirs.body["data"].as_array().unwrap().iter()
            .filter(|l| l["is_primary_account"] == true).map(|l| l["account_name"].as_str().unwrap()).collect();
        assert_eq!(primary, vec!["Office B"], "{}", theirs.body);
    }

    async fn an_email_is_unique_within_an_account_only(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let acme = app.account(t, json!({"name": "Acme"})).await;
        let other = app.account(t, json!({"name": "Other Co"})).await;
        let ann = created(&app, t, "/api/v1/contacts", json!({"last_name": "Ann", "email": "sales@acme.test"})).await;
        let bob = created(&app, t, "/api/v1/contacts", json!({"last_name": "Bob", "email": "Sales@Acme.test"})).await;
        let cy = created(&app, t, "/api/v1/contacts", json!({"last_name": "Cy", "email": "cy@acme.test"})).await;
        let people = |a: &Value| format!("/api/v1/accounts/{}/contacts", id(a));
        for (a, p) in [(&acme, &ann), (&other, &bob), (&acme, &cy)] {
            let r = app.post(&people(a), t, json!({"contact_id": id(p)})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let links = "SELECT COUNT(*) FROM account_contacts";
        let before = app.count(links).await;
        // Bob's address is Ann's (any case): not at Acme.
        let r = app.post(&people(&acme), t, json!({"contact_id": id(&bob)})).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["existing_id"], ann["id"], "{}", r.body);
        assert_eq!(app.count(links).await, before);
        // Cy taking Ann's address at Acme: refused on the email; at another account fine.
        let r = app.patch(&format!("/api/v1/contacts/{}", id(&cy)), t, json!({"email": "SALES@acme.test"}), None).await.problem(StatusCode::CONFLICT);
        assert_eq!(r.body["existing_id"], ann["id"], "{}", r.body);
        assert_eq!(app.get(&format!("/api/v1/contacts/{}", id(&cy)), t).await.body["email"], "cy@acme.test");
    }

    async fn a_new_primary_rep_keeps_the_old_one_as_secondary_and_accounts_filter_by_rep(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let acct = app.account(t, json!({"name": "Rep Moves", "owner_id": app.rep.user.id})).await;
        let reps = format!("/api/v1/accounts/{}/reps", id(&acct));
        let r = app.post(&reps, t, json!({"user_id": app.other_rep.user.id, "role": "primary"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let listed = app.get(&reps, t).await;
        let roles: Vec<(String, String)> = listed.body["data"].as_array().unwrap().iter()
            .map(|x| (x["user_id"].as_str().unwrap().to_owned(), x["role"].as_str().unwrap().to_owned())).collect();
        assert_eq!(roles, vec![(app.other_rep.user.id.to_string(), "primary".to_owned()), (app.rep.user.id.to_string(), "secondary".to_owned())]);
        app.account(t, json!({"name": "Not Theirs"})).await;
        for who in [app.rep.user.id.to_string(), app.other_rep.user.id.to_string()] {
            assert_eq!(ids(&app.get(&format!("/api/v1/accounts?rep_id={who}"), t).await), vec![id(&acct)]);
        }
        assert_eq!(ids(&app.get("/api/v1/accounts?rep_id=me", &app.rep.token).await), vec![id(&acct)]);
        let r = app.get("/api/v1/accounts?rep_id=someone", t).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(r.field_errors(), vec![("rep_id".to_owned(), "type".to_owned())]);
    }

    async fn deleting_an_account_takes_the_people_linked_nowhere_else(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let gone = app.account(t, json!({"name": "Going Away"})).await;
        let stays = app.account(t, json!({"name": "Staying"})).await;
        let only = created(&app, t, "/api/v1/contacts", json!({"last_name": "OnlyHere"})).await;
        let both = created(&app, t, "/api/v1/contacts", json!({"last_name": "BothPlaces"})).await;
        for (a, p) in [(&gone, &only), (&gone, &both), (&stays, &both)] {
            let r = app.post(&format!("/api/v1/accounts/{}/contacts", id(a)), t, json!({"contact_id": id(p)})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let r = app.call(Method::DELETE, &format!("/api/v1/accounts/{}", id(&gone)), t, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        app.get(&format!("/api/v1/contacts/{}", id(&only)), t).await.problem(StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/api/v1/contacts/{}", id(&both)), t).await.status, StatusCode::OK);
        assert_eq!(app.audit_of("contact", id_of(&only)).await.len(), 2, "created, then deleted");
    }

    async fn seed_001s_rules_are_settings_an_admin_turns_on(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let rep = &app.rep.token;
        // An account another rep owns, last updated by our rep (as an admin import would leave it).
        let touched = app.account(&app.other_rep.token, json!({"name": "Touched"})).await;
        let own = app.account(rep, json!({"name": "Mine"})).await;
        app.store.db.write({
            let (acct, by) = (id_of(&touched), app.rep.user.id);
            move |c| c.execute("UPDATE accounts SET updated_by = ? WHERE id = ?", &[by.into(), acct.into()])
        }).await.expect("update");
        let touched_uri = format!("/api/v1/accounts/{}", id(&touched));
        app.get(&touched_uri, rep).await.problem(StatusCode::NOT_FOUND);
        app.call(Method::DELETE, &format!("/api/v1/accounts/{}", id(&own)), rep, None).await.problem(StatusCode::FORBIDDEN);
        // Bad values are refused, naming the field; nothing changes.
        let r = app.call(Method::PATCH, "/api/v1/settings", t, Some(json!({"reps_see_accounts_they_updated": "yes"}))).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("reps_see_accounts_they_updated".to_owned(), "type".to_owned())]);
        app.call(Method::PATCH, "/api/v1/settings", &app.manager.token, Some(json!({"reps_see_accounts_they_updated": true}))).await.problem(StatusCode::FORBIDDEN);
        let on = app.call(Method::PATCH, "/api/v1/settings", t, Some(json!({"reps_see_accounts_they_updated": true, "reps_delete_accounts_they_created": true}))).await;
        assert_eq!(on.status, StatusCode::OK, "{}", on.body);
        assert_eq!(app.get(&touched_uri, rep).await.status, StatusCode::OK);
        // They may delete what they created, not what they only updated.
        app.call(Method::DELETE, &touched_uri, rep, None).await.problem(StatusCode::FORBIDDEN);
        let r = app.call(Method::DELETE, &format!("/api/v1/accounts/{}", id(&own)), rep, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let off = app.call(Method::PATCH, "/api/v1/settings", t, Some(json!({"reps_see_accounts_they_updated": false}))).await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.body);
        app.get(&touched_uri, rep).await.problem(StatusCode::NOT_FOUND);
    }

    async fn planned_calls_change_until_done_and_partners_note_their_leads(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let acct = app.account(t, json!({"name": "Planner"})).await;
        let planned = created(&app, t, "/api/v1/activities", json!({"kind": "call", "account_id": id(&acct), "subject": "Intro call", "due_at": "2026-12-20T10:00:00Z"})).await;
        assert_eq!(planned["done"], false);
        let uri = format!("/api/v1/activities/{}", id(&planned));
        let moved = app.patch(&uri, t, json!({"due_at": "2026-12-21T10:00:00Z"}), None).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
        let done = app.patch(&uri, t, json!({"done": true, "body": "They want a quote"}), None).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(done.body["done_at"].is_string());
        // Done: a record of what happened, immutable.
        app.patch(&uri, t, json!({"body": "rewritten"}), None).await.problem(StatusCode::CONFLICT);
        // An imported planned meeting that was already held arrives done.
        let held = created(&app, t, "/api/v1/activities", json!({"kind": "meeting", "account_id": id(&acct), "due_at": "2026-01-05T09:00:00Z", "done": true, "provider_name": "crm", "provider_id": "m-1"})).await;
        assert_eq!(held["done"], true);

        // Seed 004: a partner notes their own lead as they log calls there; a date
        // arriving as midnight is taken as its date.
        let partner = app.account(t, json!({"name": "Partner Org", "kind": "partner"})).await;
        let p_user = make_user(&app.store, rapport_domain::Role::Partner, "po@example.com", Some(id_of(&partner))).await;
        let lead = created(&app, &p_user.token, "/api/v1/leads", json!({"title": "Partner lead", "expected_close_date": "2026-03-31T00:00:00Z"})).await;
        assert_eq!(lead["expected_close_date"], "2026-03-31");
        let r = app.post("/api/v1/leads", &p_user.token, json!({"title": "Bad date", "expected_close_date": "2026-03-31T10:00:00Z"})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("expected_close_date".to_owned(), "date".to_owned())]);
        let note = app.post("/api/v1/activities", &p_user.token, json!({"kind": "note", "body": "customer asked for a demo", "lead_id": id(&lead)})).await;
        assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);
        let edited = app.patch(&format!("/api/v1/activities/{}", id(&note.body)), &p_user.token, json!({"body": "asked for a demo in March"}), None).await;
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
        // Still not on an account they may not write.
        app.post("/api/v1/activities", &p_user.token, json!({"kind": "note", "body": "x", "account_id": id(&acct)})).await
            .problem(StatusCode::FORBIDDEN);
    }

    async fn the_dashboard_counts_a_customer_once_before_linking(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let hospital = app.account(t, json!({"name": "Hospital A"})).await;
        for (day, customer) in [("2026-02-02", json!({"customer_id": id(&hospital)})), ("2026-02-03", json!({"customer_name": "Hospital-A"}))] {
            let mut body = json!({"ship_date": day, "sku": "S-1", "quantity": 1});
            body.as_object_mut().unwrap().extend(customer.as_object().unwrap().clone());
            let r = app.post("/api/v1/distributions", t, body).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            assert_eq!(r.body["customer_key"], json!(format!("a:{}", id(&hospital))), "{}", r.body);
        }
        let dash = app.get("/api/v1/dashboards/sales?from=2026-01-01&to=2026-04-01", t).await;
        assert_eq!(dash.body["totals"]["customers"], 1, "{}", dash.body);
        assert_eq!(dash.body["totals"]["first_time_customers"], 1, "{}", dash.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM distributions").await, 2);
    }

    async fn addresses_take_countries_as_people_write_them(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let a = app.account(t, json!({"name": "Address Co", "billing_address": {"country": "USA", "state": "CA", "zip": "94110"},
                                       "service_address": {"country": "france"}})).await;
        assert_eq!(a["billing_address"]["country"], "US");
        assert_eq!(a["billing_address"]["region"], "CA");
        assert_eq!(a["billing_address"]["postal_code"], "94110");
        assert_eq!(a["service_address"]["country"], "FR");
        assert_eq!(ids(&app.get("/api/v1/accounts?state=CA", t).await), vec![id(&a)]);
        let before = app.count("SELECT COUNT(*) FROM accounts").await;
        let r = app.post("/api/v1/accounts", t, json!({"name": "Nowhere", "billing_address": {"country": "XYZ"}})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("billing_address.country".to_owned(), "iso3166".to_owned())]);
        let r = app.post("/api/v1/accounts", t, json!({"name": "Twice", "billing_address": {"region": "CA", "state": "CA"}})).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.field_errors(), vec![("billing_address.state".to_owned(), "alias".to_owned())]);
        assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, before);
    }
}
