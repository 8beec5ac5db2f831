//! `q` search over accounts and contacts: word prefixes, accents, the fields it covers,
//! its tiers (name key prefix first, then other word matches newest first) and paging. The same assertions run on SQLite (FTS5) and PostgreSQL
//! (tsvector), so both engines are held to the same answers.

use axum::http::StatusCode;
use rapport_db::both_engines;
use serde_json::{json, Value};

#[allow(unused_imports)]
use super::support::*;

fn names(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|a| {
                    a.get("name")
                        .or_else(|| a.get("full_name"))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

both_engines! {
    async fn accounts_are_found_by_word_prefix_and_ranked(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        for body in [
            json!({"name": "Logistics of Acme", "tags": ["freight"]}),
            json!({"name": "Acme Logistics", "phone": "+33 (0)1 23-45-67", "billing_address": {"city": "Saint-Étienne", "region": "ARA", "country": "FR"}}),
            json!({"name": "Acmeville Clinic", "email": "desk@acmeville.example", "service_address": {"city": "Boston", "region": "MA", "country": "US"}}),
            json!({"name": "Hôpital Saint-Éloi", "legal_name": "CHU Saint Éloi SA", "tags": ["VIP"]}),
            json!({"name": "Zeta Dental", "notes": "acme is mentioned only in notes"}),
        ] {
            app.account(t, body).await;
        }
        let q = |s: &str| format!("/api/v1/accounts?q={}", urlencode(s));
        // Names starting with the query first (in name order), then other matches.
        assert_eq!(names(&app.get(&q("acme"), t).await.body), vec!["Acme Logistics", "Acmeville Clinic", "Logistics of Acme"]);
        assert_eq!(names(&app.get(&q("ACME LOG"), t).await.body), vec!["Acme Logistics", "Logistics of Acme"]);
        // A one-letter last word is a prefix like any other.
        assert_eq!(names(&app.get(&q("acme l"), t).await.body), vec!["Acme Logistics", "Logistics of Acme"]);
        assert_eq!(names(&app.get(&q("z"), t).await.body), vec!["Zeta Dental"]);
        // Words before the last are whole words: the last is the one being typed.
        assert!(names(&app.get(&q("acm logistics"), t).await.body).is_empty());
        // A name typed without its spaces still finds it (the name key matches).
        assert_eq!(names(&app.get(&q("acmelog"), t).await.body), vec!["Acme Logistics"]);
        // Other word matches come newest first.
        app.account(t, json!({"name": "Zulu Acme Partners"})).await;
        assert_eq!(names(&app.get(&q("acme"), t).await.body), vec!["Acme Logistics", "Acmeville Clinic", "Zulu Acme Partners", "Logistics of Acme"]);
        let zulu = app.get(&q("zulu"), t).await;
        let zulu_id = zulu.body["data"][0]["id"].as_str().unwrap_or("").to_owned();
        app.call(axum::http::Method::DELETE, &format!("/api/v1/accounts/{zulu_id}"), t, None).await;
        // Accents and case fold both ways; every word must match.
        assert_eq!(names(&app.get(&q("hopital eloi"), t).await.body), vec!["Hôpital Saint-Éloi"]);
        assert_eq!(names(&app.get(&q("HÔPITAL"), t).await.body), vec!["Hôpital Saint-Éloi"]);
        assert!(names(&app.get(&q("hopital zeta"), t).await.body).is_empty());
        // Legal name, email, phone (also as digits run together), city and tags.
        assert_eq!(names(&app.get(&q("chu"), t).await.body), vec!["Hôpital Saint-Éloi"]);
        assert_eq!(names(&app.get(&q("desk@acmeville"), t).await.body), vec!["Acmeville Clinic"]);
        assert_eq!(names(&app.get(&q("330123"), t).await.body), vec!["Acme Logistics"]);
        assert_eq!(names(&app.get(&q("45-67"), t).await.body), vec!["Acme Logistics"]);
        assert_eq!(names(&app.get(&q("saint etienne"), t).await.body), vec!["Acme Logistics"]);
        assert_eq!(names(&app.get(&q("bost"), t).await.body), vec!["Acmeville Clinic"]);
        assert_eq!(names(&app.get(&q("vip"), t).await.body), vec!["Hôpital Saint-Éloi"]);
        assert_eq!(names(&app.get(&q("freig"), t).await.body), vec!["Logistics of Acme"]);
        // Free notes are not searched; an infix is not a prefix.
        assert!(names(&app.get(&q("mentioned"), t).await.body).is_empty());
        assert!(names(&app.get(&q("cme"), t).await.body).is_empty());
        // Query syntax of either engine is just text.
        assert!(names(&app.get(&q("acme OR zeta"), t).await.body).is_empty());
        assert_eq!(names(&app.get(&q("acme* & !log | \"x"), t).await.body).len(), 0);
        assert_eq!(names(&app.get(&q("acme NEAR"), t).await.body).len(), 0);

        // Ranked results page with a cursor like any list; an explicit sort wins.
        let first = app.get(&format!("{}&limit=2", q("acme")), t).await;
        assert_eq!(names(&first.body), vec!["Acme Logistics", "Acmeville Clinic"]);
        let cursor = first.body["next_cursor"].as_str().expect("cursor").to_owned();
        let rest = app.get(&format!("{}&limit=2&cursor={cursor}", q("acme")), t).await;
        assert_eq!(names(&rest.body), vec!["Logistics of Acme"]);
        assert_eq!(names(&app.get(&format!("{}&sort=-name", q("acme")), t).await.body), vec!["Logistics of Acme", "Acmeville Clinic", "Acme Logistics"]);
        assert_eq!(app.get(&format!("{}&count=true", q("acme")), t).await.body["total"], 3);
        let r = app.get("/api/v1/accounts?sort=relevance", t).await.problem(StatusCode::BAD_REQUEST);
        assert_eq!(r.body["errors"][0]["field"], "sort");
        let long = "a".repeat(201);
        app.get(&q(&long), t).await.problem(StatusCode::BAD_REQUEST);

        // Filters on the place of an account: billing address, else service address.
        assert_eq!(names(&app.get("/api/v1/accounts?country=FR", t).await.body), vec!["Acme Logistics"]);
        assert_eq!(names(&app.get("/api/v1/accounts?state=MA", t).await.body), vec!["Acmeville Clinic"]);
        assert_eq!(names(&app.get("/api/v1/accounts?country=US&city=Boston", t).await.body), vec!["Acmeville Clinic"]);
        assert_eq!(names(&app.get("/api/v1/accounts?country=null&sort=name", t).await.body).len(), 3);
    }
}

both_engines! {
    async fn search_follows_the_record_and_the_callers_scope(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        let mine = app.account(&app.rep.token, json!({"name": "Borealis Medical"})).await;
        app.account(&app.other_rep.token, json!({"name": "Borealis Dental"})).await;
        let q = "/api/v1/accounts?q=borealis";
        assert_eq!(names(&app.get(q, &app.rep.token).await.body), vec!["Borealis Medical"]);
        assert_eq!(names(&app.get(q, t).await.body).len(), 2);
        // A rename, a tag and a delete reach the index at once.
        let id = id_of(&mine);
        app.patch(&format!("/api/v1/accounts/{id}"), t, json!({"name": "Aurora Medical"}), None).await;
        assert_eq!(names(&app.get("/api/v1/accounts?q=aurora", t).await.body), vec!["Aurora Medical"]);
        assert_eq!(names(&app.get(q, t).await.body), vec!["Borealis Dental"]);
        app.post(&format!("/api/v1/accounts/{id}/tags"), t, json!({"add": ["northern"]})).await;
        assert_eq!(names(&app.get("/api/v1/accounts?q=north", t).await.body), vec!["Aurora Medical"]);
        app.call(axum::http::Method::DELETE, &format!("/api/v1/accounts/{id}"), t, None).await;
        assert!(names(&app.get("/api/v1/accounts?q=aurora", t).await.body).is_empty());
    }
}

both_engines! {
    async fn contacts_are_found_by_name_email_and_phone(db) {
        let app = App::start(db).await;
        let t = &app.admin.token;
        for body in [
            json!({"first_name": "Jean", "last_name": "Dupont", "email": "jd@cabinet.example"}),
            json!({"first_name": "Dupont", "last_name": "Aignan"}),
            json!({"first_name": "Zoë", "last_name": "Jeanneret", "phone": "555-0199"}),
            json!({"last_name": "Smith", "title": "Dupont expert"}),
        ] {
            let r = app.post("/api/v1/contacts", t, body).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let q = |s: &str| format!("/api/v1/contacts?q={}", urlencode(s));
        // Last names starting with the query first, then first names, then the rest.
        assert_eq!(names(&app.get(&q("dupont"), t).await.body), vec!["Jean Dupont", "Dupont Aignan"]);
        assert_eq!(names(&app.get(&q("jean"), t).await.body), vec!["Zoë Jeanneret", "Jean Dupont"]);
        assert_eq!(names(&app.get(&q("jean dup"), t).await.body), vec!["Jean Dupont"]);
        assert_eq!(names(&app.get(&q("zoe"), t).await.body), vec!["Zoë Jeanneret"]);
        assert_eq!(names(&app.get(&q("5550199"), t).await.body), vec!["Zoë Jeanneret"]);
        assert_eq!(names(&app.get(&q("cabinet"), t).await.body), vec!["Jean Dupont"]);
        assert_eq!(names(&app.get("/api/v1/contacts?sort=name", t).await.body), vec!["Dupont Aignan", "Jean Dupont", "Zoë Jeanneret", "Smith"]);
    }
}
