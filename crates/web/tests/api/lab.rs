//! The lab's projects and tasks over HTTP (#19; docs/lab.md): numbered projects on an
//! order, their status times, tasks assigned and ticked off, what a fulfiller may do,
//! the setting that completes a project with its last task, scope and deletes with
//! their audit. Both engines.

use axum::http::{Method, StatusCode};
use rapport_db::both_engines;
use rapport_domain::Role;
use serde_json::{json, Value};

use super::orders::{etag_of, order};
#[allow(unused_imports)]
use super::support::*;

async fn patch(app: &App, token: &str, uri: &str, body: Value, etag: &str) -> Reply {
    app.call_with(Method::PATCH, uri, token, Some(body), &[("if-match", etag)])
        .await
}

both_engines! {
    async fn projects_are_numbered_on_an_order_and_stamp_their_times(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let o = order(&app, t, json!({"currency": "EUR", "description": "Aligners for R. Diaz"})).await;
        let first = created(&app, t, "/api/v1/projects", json!({"order_id": o["id"], "name": "Upper arch"})).await;
        let year = chrono::Utc::now().format("%Y").to_string();
        assert_eq!(first["project_number"], format!("PRJ-{year}-000001"));
        assert_eq!((first["status"].as_str(), first["started_at"].is_null()), (Some("pending"), true));
        let second = created(&app, t, "/api/v1/projects", json!({"order_id": o["id"], "name": "Lower arch", "legacy_id": "P-77"})).await;
        assert_eq!(second["project_number"], format!("PRJ-{year}-000002"));
        // Kept numbers and legacy ids are unique; the order must be one the caller sees.
        let r = app.post("/api/v1/projects", t, json!({"order_id": o["id"], "name": "X", "legacy_id": "P-77"})).await;
        assert_eq!(r.problem(StatusCode::CONFLICT).body["errors"][0]["field"], "legacy_id");
        let hidden = order(&app, &app.other_rep.token, json!({"currency": "EUR"})).await;
        let r = app.post("/api/v1/projects", t, json!({"order_id": hidden["id"], "name": "X"})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("order_id".to_owned(), "exists".to_owned())]);
        let r = app.post("/api/v1/projects", t, json!({"name": "X", "status": "paused"})).await;
        let mut errors = r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors();
        errors.sort();
        assert_eq!(errors, vec![("order_id".to_owned(), "required".to_owned()), ("status".to_owned(), "enum".to_owned())]);

        // Active stamps the start once; completed stamps the end, reopening clears it.
        let uri = format!("/api/v1/projects/{}", first["id"].as_str().unwrap());
        let r = patch(&app, t, &uri, json!({"status": "active"}), &etag_of(&first)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let started = r.body["started_at"].clone();
        assert!(!started.is_null());
        let r = patch(&app, t, &uri, json!({"status": "completed"}), &etag_of(&r.body)).await;
        assert!(!r.body["completed_at"].is_null() && r.body["started_at"] == started, "{}", r.body);
        let r = patch(&app, t, &uri, json!({"status": "active", "order_id": hidden["id"]}), &etag_of(&r.body)).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("order_id".to_owned(), "immutable".to_owned())]);
        let now = app.get(&uri, t).await.body;
        let r = patch(&app, t, &uri, json!({"status": "active"}), &etag_of(&now)).await;
        assert!(r.body["completed_at"].is_null() && r.body["started_at"] == started, "{}", r.body);
        // A stale version is refused.
        let r = patch(&app, t, &uri, json!({"name": "Stale"}), "\"1\"").await;
        assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);

        // The other rep sees none of it; the list filters by order and status.
        app.get(&uri, &app.other_rep.token).await.problem(StatusCode::NOT_FOUND);
        let mine = app.get(&format!("/api/v1/projects?order_id={}&status=active&count=true", o["id"].as_str().unwrap()), t).await;
        assert_eq!(mine.body["total"], 1, "{}", mine.body);
        let theirs = app.get("/api/v1/projects?count=true", &app.other_rep.token).await;
        assert_eq!(theirs.body["total"], 0);
    }

    async fn tasks_are_ticked_off_by_their_assignee_and_may_complete_their_project(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let fulfiller = make_user(&app.store, Role::Fulfiller, "f@example.com", None).await;
        let o = order(&app, a, json!({"currency": "EUR"})).await;
        let project = created(&app, a, "/api/v1/projects", json!({"order_id": o["id"], "name": "Retainer"})).await;
        let pid = project["id"].as_str().unwrap().to_owned();
        let scan = created(&app, a, "/api/v1/tasks", json!({"project_id": pid, "title": "Scan", "assignee_id": fulfiller.user.id,
            "priority": "high", "due_at": "2030-01-02T09:00:00Z"})).await;
        let mill = created(&app, a, "/api/v1/tasks", json!({"project_id": pid, "title": "Mill"})).await;
        assert_eq!((scan["order_id"].clone(), scan["status"].as_str()), (o["id"].clone(), Some("pending")));
        let r = app.post("/api/v1/tasks", a, json!({"project_id": pid, "title": "X", "assignee_id": uuid::Uuid::now_v7()})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("assignee_id".to_owned(), "exists".to_owned())]);

        // The order is not in fulfilment yet: the fulfiller sees nothing of it.
        let scan_uri = format!("/api/v1/tasks/{}", scan["id"].as_str().unwrap());
        app.get(&scan_uri, &fulfiller.token).await.problem(StatusCode::NOT_FOUND);
        for to in ["sent", "in_fulfillment"] {
            created(&app, a, &format!("/api/v1/orders/{}/transitions", o["id"].as_str().unwrap()), json!({"to": to})).await;
        }
        let mine = app.get("/api/v1/tasks?assignee=me&status=pending&count=true", &fulfiller.token).await;
        assert_eq!(mine.body["total"], 1, "{}", mine.body);
        // Only the status, and only of their own task.
        let r = patch(&app, &fulfiller.token, &scan_uri, json!({"title": "Renamed"}), &etag_of(&scan)).await;
        r.problem(StatusCode::FORBIDDEN);
        let mill_uri = format!("/api/v1/tasks/{}", mill["id"].as_str().unwrap());
        let r = patch(&app, &fulfiller.token, &mill_uri, json!({"status": "completed"}), &etag_of(&mill)).await;
        r.problem(StatusCode::FORBIDDEN);
        let r = app.post("/api/v1/tasks", &fulfiller.token, json!({"project_id": pid, "title": "Mine"})).await;
        r.problem(StatusCode::FORBIDDEN);
        let r = patch(&app, &fulfiller.token, &scan_uri, json!({"status": "completed"}), &etag_of(&scan)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(!r.body["completed_at"].is_null());
        // The setting is off: the project stays open though one task is left...
        let p = app.get(&format!("/api/v1/projects/{pid}"), a).await.body;
        assert_eq!(p["status"], "pending");
        // ...and with it on, completing the last open task completes the project.
        let on = app.call(Method::PATCH, "/api/v1/settings", a, Some(json!({"complete_project_with_last_task": true}))).await;
        assert_eq!(on.status, StatusCode::OK, "{}", on.body);
        let r = patch(&app, a, &mill_uri, json!({"status": "completed"}), &etag_of(&mill)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let p = app.get(&format!("/api/v1/projects/{pid}"), a).await.body;
        assert_eq!(p["status"], "completed");
        assert!(!p["completed_at"].is_null());
        let audit = app.audit_of("project", id_of(&project)).await;
        assert_eq!(audit.last().map(|e| e.action.as_str()), Some("update"));

        // Deleting the project takes its tasks, each audited; managers may, reps may not.
        let r = app.call_with(Method::DELETE, &format!("/api/v1/projects/{pid}"), &app.rep.token, None, &[]).await;
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
        let r = app.call_with(Method::DELETE, &format!("/api/v1/projects/{pid}"), &app.manager.token, None,
            &[("if-match", &etag_of(&p))]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        for t in [&scan, &mill] {
            let audit = app.audit_of("task", id_of(t)).await;
            assert_eq!(audit.last().map(|e| e.action.as_str()), Some("delete"), "{audit:?}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM tasks").await, 0);
    }

    async fn comments_on_work_show_on_the_orders_timeline(db) {
        let app = App::start(db).await;
        let t = &app.rep.token;
        let o = order(&app, t, json!({"currency": "EUR"})).await;
        let other = order(&app, t, json!({"currency": "EUR"})).await;
        let project = created(&app, t, "/api/v1/projects", json!({"order_id": o["id"], "name": "Upper"})).await;
        let task = created(&app, t, "/api/v1/tasks", json!({"project_id": project["id"], "title": "Trim"})).await;
        // A comment on the task names its project and order; one on the project, its order.
        let on_task = created(&app, t, "/api/v1/activities", json!({"kind": "comment", "task_id": task["id"], "body": "Trim 2 mm"})).await;
        assert_eq!((on_task["project_id"].clone(), on_task["order_id"].clone()), (project["id"].clone(), o["id"].clone()));
        let on_project = created(&app, t, "/api/v1/activities", json!({"kind": "comment", "project_id": project["id"], "body": "Started"})).await;
        assert_eq!(on_project["order_id"], o["id"]);
        let r = app.post("/api/v1/activities", t, json!({"kind": "comment", "project_id": project["id"], "order_id": other["id"], "body": "Wrong"})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("order_id".to_owned(), "different".to_owned())]);
        let timeline = app.get(&format!("/api/v1/orders/{}/timeline", o["id"].as_str().unwrap()), t).await;
        let bodies: Vec<&str> = timeline.body["data"].as_array().unwrap().iter()
            .filter_map(|e| e["activity"]["body"].as_str()).collect();
        assert!(bodies.contains(&"Trim 2 mm") && bodies.contains(&"Started"), "{bodies:?}");
        let listed = app.get(&format!("/api/v1/activities?task_id={}&count=true", task["id"].as_str().unwrap()), t).await;
        assert_eq!(listed.body["total"], 1);
        // Someone who cannot see the order cannot comment on its work.
        let r = app.post("/api/v1/activities", &app.other_rep.token, json!({"kind": "comment", "task_id": task["id"], "body": "Hi"})).await;
        assert_eq!(r.problem(StatusCode::UNPROCESSABLE_ENTITY).field_errors(), vec![("task_id".to_owned(), "exists".to_owned())]);
    }

    async fn deleting_an_order_audits_its_projects_and_tasks(db) {
        let app = App::start(db).await;
        let a = &app.admin.token;
        let o = order(&app, a, json!({"currency": "EUR"})).await;
        let project = created(&app, a, "/api/v1/projects", json!({"order_id": o["id"], "name": "Upper"})).await;
        let task = created(&app, a, "/api/v1/tasks", json!({"project_id": project["id"], "title": "Trim"})).await;
        let instruction = created(&app, a, "/api/v1/instructions", json!({"order_id": o["id"], "instruction_type": "treatment", "content": "Trim"})).await;
        let message = created(&app, a, "/api/v1/messages", json!({"message_type_id": "01a24dcc-d808-7241-9050-000000000000",
            "order_id": o["id"], "body": "Trimmed"})).await;
        let r = app.call_with(Method::DELETE, &format!("/api/v1/orders/{}", o["id"].as_str().unwrap()), a, None,
            &[("if-match", &etag_of(&o))]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM messages").await + app.count("SELECT COUNT(*) FROM instructions").await, 0);
        for (entity, record) in [("project", &project), ("task", &task), ("instruction", &instruction), ("message", &message)] {
            let audit = app.audit_of(entity, id_of(record)).await;
            assert_eq!(audit.last().map(|e| e.action.as_str()), Some("delete"), "{entity}: {audit:?}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM projects").await, 0);
    }
}
