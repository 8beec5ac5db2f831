//! The order configuration pages (`/admin/order-types`, `/admin/order-states`) through
//! the real router on both engines: each reads and writes through the store as the API
//! does, so what is asserted is the store's state, read back through the API.

use axum::http::StatusCode;
use rapport_db::both_engines;

use crate::support::App;
use crate::ui_support::Browser;

const CREATED: &str = "01a24dcc-d803-7241-9050-000000000000";
const CANCELLED: &str = "01a24dcc-d807-7241-9050-000000000000";

both_engines! {
    async fn an_administrator_keeps_order_types_and_their_schemas(db) {
        let app = App::start(db).await;
        let b = Browser::signed_in(&app, "admin@example.com").await;
        b.get("/admin/order-types").await
            .assert_has("Order types").assert_has("Refinement").assert_has("href=\"/admin/order-states\"");
        let form = b.get("/admin/order-types/new").await;
        assert_eq!(form.status, StatusCode::OK);
        form.assert_has("name=\"data_schema\"");

        // Not JSON, then not a schema: each named beside the schema's field, what was typed kept.
        let fields = |schema: &'static str| vec![("key", "aligner"), ("name", "Aligner"), ("required_roles", "doctor, patient"),
                                                 ("data_schema", schema), ("active", "on")];
        let page = b.post("/admin/order-types/new", &fields("{\"type\": ")).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.html);
        page.assert_has("id=\"f-data_schema-error\"").assert_has("is not JSON").assert_has("doctor, patient");
        let page = b.post("/admin/order-types/new", &fields(r#"{"properties": {"age": {"type": "integr"}}}"#)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_has("id=\"f-data_schema-error\"").assert_has("/properties/age/type");
        let page = b.post("/admin/order-types/new", &fields(r#"{"properties": {"age": {"type": "integer"}}}"#)).await;
        assert_eq!((page.status, page.location.as_deref()), (StatusCode::SEE_OTHER, Some("/admin/order-types")), "{}", page.html);
        let made = app.get("/api/v1/order-types?key=aligner", &app.viewer.token).await;
        let t = made.body["data"][0].clone();
        assert_eq!(t["required_roles"], serde_json::json!(["doctor", "patient"]));
        assert_eq!(t["data_schema"]["properties"]["age"]["type"], "integer");
        let uri = format!("/admin/order-types/{}", t["id"].as_str().unwrap());

        // A taken key is the store's refusal, beside the key; an edit clears the schema.
        let page = b.post(&uri, &[("key", "main"), ("name", "Aligner"), ("version", "1")]).await;
        assert_eq!(page.status, StatusCode::CONFLICT);
        page.assert_has("id=\"f-key-error\"");
        let page = b.post(&uri, &[("key", "aligner"), ("name", "Aligners"), ("data_schema", ""), ("required_roles", ""), ("version", "1")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        let now = app.get(&format!("/api/v1{}", uri.trim_start_matches("/admin")), &app.viewer.token).await;
        assert_eq!((now.body["name"].as_str(), now.body["data_schema"].is_null(), now.body["active"].as_bool()),
                   (Some("Aligners"), true, Some(false)));
        assert_eq!(now.body["required_roles"], serde_json::json!([]));
        // A stale form says so and changes nothing.
        let page = b.post(&uri, &[("key", "aligner"), ("name", "Stale"), ("version", "1")]).await;
        assert_eq!(page.status, StatusCode::PRECONDITION_FAILED);
        let page = b.post(&format!("{uri}/delete"), &[("version", "2")]).await;
        assert_eq!((page.status, page.location.as_deref()), (StatusCode::SEE_OTHER, Some("/admin/order-types?deleted=1")));
        assert_eq!(app.count("SELECT count(*) FROM order_types").await, 3);
    }
}

both_engines! {
    async fn the_workflow_page_shows_colours_and_edits_moves(db) {
        let app = App::start(db).await;
        let b = Browser::signed_in(&app, "radmin@example.com").await;
        let page = b.get("/admin/order-states").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        // Each state with its colour and its moves as ticked boxes; final states have none.
        page.assert_has("fill=\"#2563eb\"").assert_has("id=\"state-in_fulfillment\"")
            .assert_has(&format!("action=\"/admin/order-states/{CREATED}/transitions\""))
            .assert_has("value=\"sent\" checked")
            .assert_lacks(&format!("action=\"/admin/order-states/{CANCELLED}/transitions\""));

        let page = b.post(&format!("/admin/order-states/{CREATED}/transitions"), &[("to", "cancelled"), ("version", "1")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        let moves = app.get(&format!("/api/v1/order-states/{CREATED}/transitions"), &app.viewer.token).await;
        assert_eq!(moves.body["to"], serde_json::json!(["cancelled"]));
        // A move out of a final state is refused, the store's words on the page.
        let page = b.post(&format!("/admin/order-states/{CANCELLED}/transitions"), &[("to", "created")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_has("freezes its orders");

        // A new state; then the rules of the initial mark, beside the field they name.
        let page = b.post("/admin/order-states/new", &[("key", "review"), ("name", "Review"), ("colour", "#7c3aed"),
                                                       ("sequence", "15"), ("active", "on")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        let review = app.get("/api/v1/order-states?key=review", &app.viewer.token).await.body["data"][0].clone();
        assert_eq!((review["colour"].as_str(), review["sequence"].as_i64()), (Some("#7c3aed"), Some(15)));
        let created = format!("/admin/order-states/{CREATED}");
        b.get(&created).await.assert_has("name=\"initial\" checked");
        let page = b.post(&created, &[("key", "created"), ("name", "Created"), ("colour", "#6b7280"), ("sequence", "10"),
                                      ("active", "on"), ("version", "2")]).await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.html);
        page.assert_has("id=\"f-initial-error\"").assert_has("mark another state initial");
        let review_uri = format!("/admin/order-states/{}", review["id"].as_str().unwrap());
        let page = b.post(&review_uri, &[("key", "review"), ("name", "Review"), ("colour", "#7c3aed"), ("sequence", "15"),
                                         ("initial", "on"), ("active", "on"), ("version", "1")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        let initial = app.get("/api/v1/order-states?initial=true", &app.viewer.token).await;
        assert_eq!(initial.body["data"][0]["key"], "review");
        // The initial state is not deleted; another is, with its moves.
        let page = b.post(&format!("{review_uri}/delete"), &[]).await;
        assert_eq!(page.status, StatusCode::CONFLICT);
        let page = b.post(&format!("{created}/delete"), &[]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        assert_eq!(app.count("SELECT count(*) FROM order_states").await, 5);
    }
}

both_engines! {
    async fn only_administrators_open_the_configuration_pages(db) {
        let app = App::start(db).await;
        for email in ["manager@example.com", "rep@example.com", "viewer@example.com"] {
            let b = Browser::signed_in(&app, email).await;
            for path in ["/admin/order-types", "/admin/order-types/new", "/admin/order-states", "/admin/order-states/new",
                         &format!("/admin/order-states/{CREATED}")] {
                assert_eq!(b.get(path).await.status, StatusCode::FORBIDDEN, "{email} {path}");
            }
            let page = b.post("/admin/order-types/new", &[("key", "sneaky"), ("name", "Sneaky")]).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{email}");
            let page = b.post(&format!("/admin/order-states/{CREATED}/transitions"), &[("to", "sent")]).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{email}");
        }
        assert_eq!(app.count("SELECT count(*) FROM order_types").await, 3);
        assert_eq!(app.count("SELECT count(*) FROM order_state_transitions").await, 7);
    }
}
