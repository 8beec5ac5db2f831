//! Row-level security on PostgreSQL (#6, defence in depth): for every role, a read with
//! no filter at all, made acting as the user, returns exactly the rows the scopes of
//! `scope.rs` select — on accounts, contacts, leads, activities and shipments — so a
//! query that forgot its scope leaks nothing. The same reads without an acting user see
//! everything, which shows it is the policies doing the filtering. PostgreSQL only:
//! SQLite has no row-level security (its half is the scope alone, tested everywhere).

#[allow(unused_imports)]
use super::support::*;
use rapport_db::acting::{acting_as, Acting};
use rapport_db::testing::TestDatabase;
use rapport_domain::{Actor, Role};
use rapport_store::policy as scope;
use rapport_store::SqlBuf;
use serde_json::json;
use std::collections::BTreeSet;

/// The default message type that moves nothing (migration 0012).
const NOTE_TYPE: &str = "01a24dcc-d808-7241-9050-000000000000";

/// Two reps' books, a distributor with one linked and one unlinked partner, and on each
/// account a contact, a lead, a note, an internal note, a task and a shipment.
async fn fixture(app: &App) -> Vec<(Role, Actor)> {
    let admin = app.admin.token.as_str();
    let acct = |name: &str, kind: &str| json!({"name": name, "kind": kind});
    let rep_acct = made(
        app,
        &app.rep.token,
        "/api/v1/accounts",
        acct("Rep Co", "customer"),
    )
    .await;
    let other_acct = made(
        app,
        &app.other_rep.token,
        "/api/v1/accounts",
        acct("Other Co", "customer"),
    )
    .await;
    let partner = made(
        app,
        admin,
        "/api/v1/accounts",
        acct("Linked Partner", "partner"),
    )
    .await;
    let lone_partner = made(
        app,
        admin,
        "/api/v1/accounts",
        acct("Lone Partner", "partner"),
    )
    .await;
    let distributor = made(app, admin, "/api/v1/accounts", acct("Dist", "distributor")).await;
    made(
        app,
        admin,
        &format!("/api/v1/distributors/{distributor}/partners"),
        json!({"partner_id": partner}),
    )
    .await;

    for (token, account) in [
        (app.rep.token.as_str(), &rep_acct),
        (app.other_rep.token.as_str(), &other_acct),
        (admin, &partner),
        (admin, &lone_partner),
        (admin, &distributor),
    ] {
        let contact = made(
            app,
            token,
            "/api/v1/contacts",
            json!({"first_name": "C", "last_name": account}),
        )
        .await;
        made(
            app,
            token,
            &format!("/api/v1/accounts/{account}/contacts"),
            json!({"contact_id": contact}),
        )
        .await;
        let lead = made(
            app,
            token,
            "/api/v1/leads",
            json!({"title": "Deal", "account_id": account}),
        )
        .await;
        made(
            app,
            token,
            &format!("/api/v1/accounts/{account}/notes"),
            json!({"body": "note"}),
        )
        .await;
        for body in [
            json!({"kind": "note", "body": "internal", "account_id": account, "internal": true}),
            json!({"kind": "task", "subject": "call", "lead_id": lead}),
        ] {
            made(app, admin, "/api/v1/activities", body).await;
        }
        made(
            app,
            token,
            "/api/v1/distributions",
            json!({"ship_date": "2026-02-03", "sku": "S1", "quantity": 2, "customer_id": account}),
        )
        .await;
        made(
            app,
            token,
            "/api/v1/orders",
            json!({"currency": "EUR", "account_id": account}),
        )
        .await;
    }
    // An order in fulfilment, which fulfillers see.
    let fulfilling = made(
        app,
        &app.other_rep.token,
        "/api/v1/orders",
        json!({"currency": "EUR", "account_id": other_acct}),
    )
    .await;
    for to in ["sent", "in_fulfillment"] {
        made(
            app,
            admin,
            &format!("/api/v1/orders/{fulfilling}/transitions"),
            json!({"to": to}),
        )
        .await;
    }
    // A rep's loose contact, and a lead registered by the partner for itself.
    made(
        app,
        &app.rep.token,
        "/api/v1/contacts",
        json!({"first_name": "Loose", "last_name": "One"}),
    )
    .await;
    let id = |s: &str| s.parse::<uuid::Uuid>().expect("uuid");
    let partner_user = make_user(
        &app.store,
        Role::Partner,
        "p@example.com",
        Some(id(&partner)),
    )
    .await;
    let distributor_user = make_user(
        &app.store,
        Role::Distributor,
        "d@example.com",
        Some(id(&distributor)),
    )
    .await;
    let lone_user = make_user(
        &app.store,
        Role::Partner,
        "lone@example.com",
        Some(id(&lone_partner)),
    )
    .await;
    let fulfiller = make_user(&app.store, Role::Fulfiller, "f@example.com", None).await;
    made(
        app,
        &partner_user.token,
        "/api/v1/leads",
        json!({"title": "Registered"}),
    )
    .await;
    made(
        app,
        &partner_user.token,
        "/api/v1/orders",
        json!({"currency": "EUR"}),
    )
    .await;
    // The lab's work: a project with a task on every order (they follow their order).
    let orders = app.get("/api/v1/orders?limit=500", admin).await;
    for order in orders.body["data"].as_array().cloned().unwrap_or_default() {
        let project = made(
            app,
            admin,
            "/api/v1/projects",
            json!({"order_id": order["id"], "name": "Work"}),
        )
        .await;
        made(
            app,
            admin,
            "/api/v1/tasks",
            json!({"project_id": project, "title": "Step"}),
        )
        .await;
        made(
            app,
            admin,
            "/api/v1/instructions",
            json!({"order_id": order["id"], "instruction_type": "treatment", "content": "Do"}),
        )
        .await;
        made(
            app,
            admin,
            "/api/v1/messages",
            json!({"message_type_id": NOTE_TYPE, "order_id": order["id"], "body": "On it"}),
        )
        .await;
    }
    // Messages on no order: seen by their sender and their recipients only.
    made(
        app,
        &app.rep.token,
        "/api/v1/messages",
        json!({"message_type_id": NOTE_TYPE, "body": "Between us", "recipient_ids": [app.other_rep.user.id]}),
    )
    .await;

    let mut actors = vec![];
    for u in [
        &app.admin,
        &app.restricted_admin,
        &app.manager,
        &app.viewer,
        &app.rep,
        &app.other_rep,
        &partner_user,
        &distributor_user,
        &lone_user,
        &fulfiller,
    ] {
        actors.push((u.user.role, u.user.actor()));
    }
    actors
}

/// The ids a query returns.
async fn ids(app: &App, q: SqlBuf) -> BTreeSet<String> {
    app.store
        .db
        .read(move |c| {
            c.query(&q.sql, &q.params).map(|rows| {
                rows.iter()
                    .map(|r| r.get::<uuid::Uuid>("id").expect("id").to_string())
                    .collect()
            })
        })
        .await
        .expect("query")
}

fn scoped(table: &str, condition: SqlBuf) -> SqlBuf {
    let mut q = SqlBuf::new(&format!("SELECT id FROM {table} WHERE ("));
    q.append(condition).push(")");
    q
}

fn unfiltered(table: &str) -> SqlBuf {
    SqlBuf::new(&format!("SELECT id FROM {table}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfiltered_reads_acting_as_a_user_return_exactly_their_scope() {
    let Some(db) = TestDatabase::postgres() else {
        return;
    };
    let app = App::start(db).await;
    let actors = fixture(&app).await;
    let mut wrong = vec![];
    let mut narrower_somewhere = false;
    for (role, actor) in &actors {
        let acting = Acting {
            user_id: actor.user_id,
            role: role.as_str(),
            organisation: actor.account_id,
        };
        for (table, condition) in [
            ("accounts", scope::accounts_visible(actor)),
            ("contacts", scope::contacts_visible(actor)),
            ("leads", scope::leads_visible(actor)),
            ("activities", scope::activities_visible(actor)),
            ("distributions", scope::distributions_visible(actor)),
            ("orders", scope::orders_visible(actor)),
            ("projects", scope::projects_visible(actor)),
            ("tasks", scope::tasks_visible(actor)),
            ("instructions", scope::instructions_visible(actor)),
            ("messages", scope::messages_visible(actor)),
        ] {
            let all = ids(&app, unfiltered(table)).await;
            let by_scope = ids(&app, scoped(table, condition)).await;
            let by_policy = acting_as(acting.clone(), ids(&app, unfiltered(table))).await;
            if by_policy != by_scope {
                wrong.push(format!(
                    "{} on {table}: the policy lets {} rows through, the scope {}",
                    role.as_str(),
                    by_policy.len(),
                    by_scope.len()
                ));
            }
            narrower_somewhere |= by_policy.len() < all.len();
            if *role != Role::Fulfiller {
                assert!(
                    !by_scope.is_empty(),
                    "{} sees no {table}: the fixture proves nothing",
                    role.as_str()
                );
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "policies and scopes disagree:\n{}",
        wrong.join("\n")
    );
    assert!(narrower_somewhere, "no policy filtered anything");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivated_link_leaves_the_distributors_policy_view_at_once() {
    let Some(db) = TestDatabase::postgres() else {
        return;
    };
    let app = App::start(db).await;
    let admin = app.admin.token.as_str();
    let partner = made(
        &app,
        admin,
        "/api/v1/accounts",
        json!({"name": "P", "kind": "partner"}),
    )
    .await;
    let distributor = made(
        &app,
        admin,
        "/api/v1/accounts",
        json!({"name": "D", "kind": "distributor"}),
    )
    .await;
    made(
        &app,
        admin,
        &format!("/api/v1/distributors/{distributor}/partners"),
        json!({"partner_id": partner}),
    )
    .await;
    let user = make_user(
        &app.store,
        Role::Distributor,
        "d@example.com",
        Some(distributor.parse().expect("uuid")),
    )
    .await;
    let acting = Acting {
        user_id: user.user.id,
        role: "distributor",
        organisation: user.user.account_id,
    };
    let seen = acting_as(acting.clone(), ids(&app, unfiltered("accounts"))).await;
    assert_eq!(seen, BTreeSet::from([partner.clone(), distributor.clone()]));
    let r = app
        .post(
            &format!("/api/v1/distributors/{distributor}/partners/{partner}/deactivate"),
            admin,
            json!({}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let seen = acting_as(acting, ids(&app, unfiltered("accounts"))).await;
    assert_eq!(seen, BTreeSet::from([distributor]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_role_sees_nothing_under_the_policies() {
    let Some(db) = TestDatabase::postgres() else {
        return;
    };
    let app = App::start(db).await;
    made(
        &app,
        &app.rep.token,
        "/api/v1/accounts",
        json!({"name": "Rep Co"}),
    )
    .await;
    let acting = Acting {
        user_id: app.rep.user.id,
        role: "intruder",
        organisation: None,
    };
    for table in [
        "accounts",
        "contacts",
        "leads",
        "activities",
        "distributions",
    ] {
        let seen = acting_as(acting.clone(), ids(&app, unfiltered(table))).await;
        assert!(seen.is_empty(), "{table}: {seen:?}");
    }
    assert!(!ids(&app, unfiltered("accounts")).await.is_empty());
}

/// The ids of every account, read through `db` (acting as whoever the task acts as).
async fn account_ids(db: rapport_db::Database) -> BTreeSet<uuid::Uuid> {
    db.read(|c| {
        c.query("SELECT id FROM accounts", &[]).map(|rows| {
            rows.iter()
                .map(|r| r.get::<uuid::Uuid>("id").expect("id"))
                .collect()
        })
    })
    .await
    .expect("read")
}

// A pooled connection's session keeps the acting user between requests (docs/access.md):
// with one connection, every step reuses what the step before left. A read as a rep sees
// the rep's accounts; the next read without a user sees all; a write on a session acting
// as the rep is unrestricted and cannot leave the settings changed; a read acting as a
// user cannot write; after a write that rolls back, the next user is still told apart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_connection_changes_hands_between_users_reads_and_writes() {
    let Some(db) = TestDatabase::postgres() else {
        return;
    };
    let app = App::start(db).await;
    let mine = id_of(
        &created(
            &app,
            &app.rep.token,
            "/api/v1/accounts",
            json!({"name": "Rep Co"}),
        )
        .await,
    );
    let theirs = id_of(
        &created(
            &app,
            &app.other_rep.token,
            "/api/v1/accounts",
            json!({"name": "Other Co"}),
        )
        .await,
    );
    let options = rapport_db::DbOptions {
        pool_size: 1,
        ..rapport_db::DbOptions::default()
    };
    let one = rapport_db::Database::connect(app.url(), &options)
        .await
        .expect("connect");
    let rep = |u: &TestUser| Acting {
        user_id: u.user.id,
        role: "rep",
        organisation: None,
    };
    let both: BTreeSet<uuid::Uuid> = [mine, theirs].into();

    assert_eq!(
        acting_as(rep(&app.rep), account_ids(one.clone())).await,
        [mine].into()
    );
    assert_eq!(
        account_ids(one.clone()).await,
        both,
        "a read without a user sees all"
    );

    assert_eq!(
        acting_as(rep(&app.rep), account_ids(one.clone())).await,
        [mine].into()
    );
    let renamed = one
        .write(move |c| {
            c.execute(
                "UPDATE accounts SET name = 'Renamed' WHERE id = ?",
                &[theirs.into()],
            )
        })
        .await
        .expect("write");
    assert_eq!(
        renamed, 1,
        "a write is not restricted by the session's acting user"
    );
    assert_eq!(
        acting_as(rep(&app.rep), account_ids(one.clone())).await,
        [mine].into()
    );

    let tried = acting_as(
        rep(&app.rep),
        one.read(move |c| {
            c.execute(
                "UPDATE accounts SET name = 'Sneaky' WHERE id = ?",
                &[mine.into()],
            )
        }),
    )
    .await;
    assert!(
        tried.is_err(),
        "a read acting as a user is read-only: {tried:?}"
    );

    let failed: Result<u64, rapport_db::DbError> = one
        .write(move |c| {
            c.execute(
                "UPDATE accounts SET name = 'Undone' WHERE id = ?",
                &[mine.into()],
            )?;
            Err(rapport_db::DbError::new(
                rapport_db::DbErrorKind::Other,
                "rolled back on purpose",
            ))
        })
        .await;
    assert!(failed.is_err());
    assert_eq!(
        acting_as(rep(&app.other_rep), account_ids(one.clone())).await,
        [theirs].into()
    );
    assert_eq!(account_ids(one.clone()).await, both);
    let names: Vec<String> = one
        .read(|c| c.query("SELECT name FROM accounts ORDER BY name", &[]))
        .await
        .expect("names")
        .iter()
        .map(|r| r.get::<String>("name").expect("name"))
        .collect();
    assert_eq!(
        names,
        ["Renamed", "Rep Co"],
        "the failed write left nothing, the refused one nothing"
    );
}
