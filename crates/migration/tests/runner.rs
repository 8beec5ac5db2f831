//! Migrations apply, revert and refuse unusable schemas on both engines.

use rapport_db::{both_engines, Database, DbOptions, Value};
use rapport_migration::{check_current, down, latest_version, status, up, MigrationError};

async fn open(url: &str) -> Database {
    Database::connect(url, &DbOptions::default())
        .await
        .expect("connect")
}

async fn table_exists(db: &Database, table: &'static str) -> bool {
    let sql = match db.dialect() {
        rapport_db::Dialect::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
        }
        rapport_db::Dialect::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ?"
        }
    };
    let n: i64 = db
        .read(move |c| c.query_scalar(sql, &[table.into()]))
        .await
        .unwrap()
        .unwrap();
    n == 1
}

both_engines! {
    async fn up_then_down_then_up_again(tdb) {
        let db = open(&tdb.url).await;
        assert!(matches!(check_current(&db).await, Err(MigrationError::Pending(_))));
        let applied = up(&db, None).await.unwrap();
        assert_eq!(applied.last().copied(), Some(latest_version()));
        assert!(table_exists(&db, "accounts").await);
        check_current(&db).await.unwrap();
        // A second run has nothing to do.
        assert!(up(&db, None).await.unwrap().is_empty());

        let reverted = down(&db, usize::MAX).await.unwrap();
        assert_eq!(reverted.len(), applied.len());
        assert!(!table_exists(&db, "accounts").await);
        assert!(!table_exists(&db, "users").await);
        assert_eq!(status(&db).await.unwrap().current_version(), 0);

        up(&db, None).await.unwrap();
        check_current(&db).await.unwrap();
    }
}

both_engines! {
    async fn schema_ahead_of_binary_is_refused(tdb) {
        let db = open(&tdb.url).await;
        up(&db, None).await.unwrap();
        let future = latest_version() + 1;
        db.write(move |c| c.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, 'from_the_future', 'x', '2030-01-01T00:00:00Z')",
            &[Value::Int(future)],
        )).await.unwrap();
        let err = check_current(&db).await.unwrap_err();
        assert!(matches!(err, MigrationError::Ahead { database, .. } if database == future), "{err}");
        assert!(err.to_string().contains("newer than this binary"));
        // up refuses too rather than building on a schema it does not know.
        assert!(matches!(up(&db, None).await, Err(MigrationError::Ahead { .. })));
    }
}

both_engines! {
    async fn failed_migration_leaves_schema_unchanged_and_is_reported(tdb) {
        let db = open(&tdb.url).await;
        // A table in the way makes migration 1 fail halfway through (after `users`).
        db.write(|c| c.batch("CREATE TABLE sessions (x INTEGER)")).await.unwrap();
        let err = up(&db, None).await.unwrap_err();
        assert!(matches!(&err, MigrationError::Failed { version: 1, .. }), "{err}");
        assert!(err.to_string().contains("rolled back"));
        // Nothing from the failed migration survives.
        assert!(!table_exists(&db, "users").await);
        let s = status(&db).await.unwrap();
        assert_eq!(s.current_version(), 0);
        assert_eq!(s.last_failure.as_ref().map(|f| f.version), Some(1));
        assert!(matches!(check_current(&db).await, Err(MigrationError::PreviousFailure(_))));

        // Once the cause is gone, up succeeds and the failure record is cleared.
        db.write(|c| c.batch("DROP TABLE sessions")).await.unwrap();
        up(&db, None).await.unwrap();
        let s = check_current(&db).await.unwrap();
        assert!(s.last_failure.is_none());

    }
}

both_engines! {
    async fn audit_log_is_append_only(tdb) {
        let db = open(&tdb.url).await;
        up(&db, None).await.unwrap();
        let id = uuid::Uuid::now_v7();
        db.write(move |c| c.execute(
            "INSERT INTO audit_log (id, at, action, entity_type) VALUES (?, ?, 'create', 'account')",
            &[id.into(), rapport_db::now().into()],
        )).await.unwrap();
        let update = db.write(move |c| c.execute("UPDATE audit_log SET action = 'x' WHERE id = ?", &[id.into()])).await;
        assert!(update.is_err());
        let delete = db.write(move |c| c.execute("DELETE FROM audit_log WHERE id = ?", &[id.into()])).await;
        assert!(delete.is_err());
    }
}

both_engines! {
    // Boring upgrades: data written under 0001 is carried into 0002's new columns, rep
    // rows and search index, without the application having to touch it.
    async fn upgrade_to_0002_carries_existing_accounts(tdb) {
        let db = open(&tdb.url).await;
        up(&db, Some(1)).await.unwrap();
        let (user, account) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let now = rapport_db::now();
        db.write(move |c| {
            c.execute(
                "INSERT INTO users (id, email, role, created_at, updated_at) VALUES (?, 'rep@example.com', 'rep', ?, ?)",
                &[user.into(), now.into(), now.into()],
            )?;
            c.execute(
                "INSERT INTO accounts (id, kind, name, company_key, phone, billing_address, tags, owner_id, \
                 search_text, created_at, updated_at) VALUES (?, 'customer', 'Acme Dental', 'ACMEDENTAL', \
                 '+33 (0)4 72-10', ?, ?, ?, 'acme dental', ?, ?)",
                &[
                    account.into(),
                    Value::Json(serde_json::json!({"city": "Lyon", "region": "ARA", "country": "FR"})),
                    Value::Json(serde_json::json!(["vip"])),
                    user.into(),
                    now.into(),
                    now.into(),
                ],
            )?;
            c.execute("INSERT INTO account_tags (account_id, tag) VALUES (?, 'vip')", &[account.into()])
        })
        .await
        .unwrap();

        up(&db, None).await.unwrap();
        let place = db
            .read(move |c| {
                let row = c.query_one("SELECT city, region, country FROM accounts WHERE id = ?", &[account.into()])?;
                let row = row.expect("the account survives");
                Ok::<_, rapport_db::DbError>((
                    row.get::<String>("city")?,
                    row.get::<String>("region")?,
                    row.get::<String>("country")?,
                ))
            })
            .await
            .unwrap();
        assert_eq!(place, ("Lyon".to_owned(), "ARA".to_owned(), "FR".to_owned()));
        let primary: Option<String> = db
            .read(move |c| c.query_scalar("SELECT role FROM account_reps WHERE account_id = ? AND user_id = ?", &[account.into(), user.into()]))
            .await
            .unwrap();
        assert_eq!(primary.as_deref(), Some("primary"));

        let search = match db.dialect() {
            rapport_db::Dialect::Sqlite => {
                "SELECT a.id FROM account_search JOIN accounts a ON a.search_seq = account_search.rowid \
                 WHERE account_search MATCH ?"
            }
            rapport_db::Dialect::Postgres => {
                "SELECT id FROM accounts WHERE search_vector @@ to_tsquery('simple', ?)"
            }
        };
        for (sqlite_query, pg_query) in [("\"acme\"*", "acme:*"), ("\"lyon\"", "lyon"), ("\"vip\"", "vip"), ("\"3304\"*", "3304:*")] {
            let q = if db.dialect() == rapport_db::Dialect::Sqlite { sqlite_query } else { pg_query };
            let found: Option<uuid::Uuid> = db
                .read(move |c| c.query_scalar(search, &[q.into()]))
                .await
                .unwrap();
            assert_eq!(found, Some(account), "{q} finds the pre-0002 account");
        }
    }
}

both_engines! {
    // 0003 rebuilds the activities table on SQLite: notes written under 0002 must come
    // through with every column, and the widened link CHECK must still refuse an
    // activity linked to nothing. Going back down keeps the account's note.
    async fn upgrade_to_0003_keeps_notes_and_the_link_rule(tdb) {
        let db = open(&tdb.url).await;
        up(&db, Some(2)).await.unwrap();
        let (account, note) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let now = rapport_db::now();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        db.write(move |c| {
            c.execute(
                "INSERT INTO accounts (id, kind, name, company_key, search_text, created_at, updated_at) \
                 VALUES (?, 'customer', 'Acme', 'ACME', 'acme', ?, ?)",
                &[account.into(), now.into(), now.into()],
            )?;
            c.execute(
                "INSERT INTO activities (id, kind, body, activity_date, pinned, account_id, created_at, updated_at) \
                 VALUES (?, 'note', 'first call went well', ?, ?, ?, ?, ?)",
                &[note.into(), day.into(), true.into(), account.into(), now.into(), now.into()],
            )
        })
        .await
        .unwrap();

        up(&db, None).await.unwrap();
        let kept = db
            .read(move |c| {
                let row = c
                    .query_one("SELECT body, activity_date, pinned, account_id, lead_id FROM activities WHERE id = ?", &[note.into()])?
                    .expect("the note survives");
                Ok::<_, rapport_db::DbError>((
                    row.get::<String>("body")?,
                    row.get::<chrono::NaiveDate>("activity_date")?,
                    row.get::<bool>("pinned")?,
                    row.get::<uuid::Uuid>("account_id")?,
                    row.get::<Option<uuid::Uuid>>("lead_id")?,
                ))
            })
            .await
            .unwrap();
        assert_eq!(kept, ("first call went well".to_owned(), day, true, account, None));
        let unlinked = db
            .write(move |c| {
                c.execute(
                    "INSERT INTO activities (id, kind, activity_date, created_at, updated_at) VALUES (?, 'call', ?, ?, ?)",
                    &[uuid::Uuid::now_v7().into(), day.into(), now.into(), now.into()],
                )
            })
            .await;
        assert!(unlinked.is_err(), "an activity linked to nothing is refused");

        down(&db, 1).await.unwrap();
        let body: Option<String> = db
            .read(move |c| c.query_scalar("SELECT body FROM activities WHERE id = ?", &[note.into()]))
            .await
            .unwrap();
        assert_eq!(body.as_deref(), Some("first call went well"));
    }
}

both_engines! {
    // 0008 rebuilds SQLite's text indexes with longer prefixes: records written before
    // it are found by the same searches after it, and after going back down.
    async fn upgrade_to_0008_keeps_every_record_searchable(tdb) {
        let db = open(&tdb.url).await;
        up(&db, Some(7)).await.unwrap();
        let account = uuid::Uuid::now_v7();
        let now = rapport_db::now();
        db.write(move |c| {
            c.execute(
                "INSERT INTO accounts (id, kind, name, company_key, billing_address, tags, \
                 search_text, created_at, updated_at) VALUES (?, 'customer', 'Acme Dental', 'ACMEDENTAL', \
                 ?, ?, 'acme dental lyon smithson', ?, ?)",
                &[
                    account.into(),
                    Value::Json(serde_json::json!({})),
                    Value::Json(serde_json::json!([])),
                    now.into(),
                    now.into(),
                ],
            )
        })
        .await
        .unwrap();
        let search = match db.dialect() {
            rapport_db::Dialect::Sqlite => {
                "SELECT a.id FROM account_search JOIN accounts a ON a.search_seq = account_search.rowid \
                 WHERE account_search MATCH ?"
            }
            rapport_db::Dialect::Postgres => {
                "SELECT id FROM accounts WHERE search_vector @@ to_tsquery('simple', ?)"
            }
        };
        let queries = [
            ("\"ac\"*", "ac:*"),
            ("\"dent\"*", "dent:*"),
            ("\"smiths\"*", "smiths:*"),
            ("\"smithson\"*", "smithson:*"),
            ("\"lyon\"", "lyon"),
        ];
        let find = |q: &'static str| {
            let db = db.clone();
            async move {
                db.read(move |c| c.query(search, &[q.into()]))
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.get::<uuid::Uuid>("id").unwrap())
                    .collect::<Vec<_>>()
            }
        };
        let engine = |sqlite: &'static str, pg: &'static str| {
            if db.dialect() == rapport_db::Dialect::Sqlite { sqlite } else { pg }
        };
        up(&db, Some(8)).await.unwrap();
        for (sqlite_query, pg_query) in queries {
            assert_eq!(find(engine(sqlite_query, pg_query)).await, vec![account], "{sqlite_query} after up");
        }
        // Under 0008 SQLite queues the text and the writer applies it once per batch:
        // a new record, a changed one and a deleted one are searched as written.
        let (second, third) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        db.write(move |c| {
            for (id, key, text) in [(second, "ZETA", "zeta works"), (third, "GONE", "gone soon")] {
                c.execute(
                    "INSERT INTO accounts (id, kind, name, company_key, billing_address, tags, \
                     search_text, created_at, updated_at) VALUES (?, 'customer', ?, ?, ?, ?, ?, ?, ?)",
                    &[id.into(), text.into(), key.into(), Value::Json(serde_json::json!({})),
                      Value::Json(serde_json::json!([])), text.into(), now.into(), now.into()],
                )?;
            }
            c.execute("UPDATE accounts SET search_text = 'acme dental quux' WHERE id = ?", &[account.into()])?;
            c.execute("DELETE FROM accounts WHERE id = ?", &[third.into()])
        })
        .await
        .unwrap();
        assert_eq!(find(engine("\"zeta\"*", "zeta:*")).await, vec![second]);
        assert_eq!(find(engine("\"quux\"", "quux")).await, vec![account]);
        assert!(find(engine("\"lyon\"", "lyon")).await.is_empty(), "the old text is gone");
        assert!(find(engine("\"gone\"", "gone")).await.is_empty(), "a deleted record is gone");
        if db.dialect() == rapport_db::Dialect::Sqlite {
            let queued: Option<i64> = db
                .read(|c| c.query_scalar("SELECT COUNT(*) FROM search_pending", &[]))
                .await
                .unwrap();
            assert_eq!(queued, Some(0), "every batch applies its queue before it commits");
        }

        down(&db, 1).await.unwrap();
        assert_eq!(find(engine("\"quux\"", "quux")).await, vec![account], "after down");
        assert_eq!(find(engine("\"zet\"*", "zet:*")).await, vec![second], "after down");
        // The old triggers write the index again.
        db.write(move |c| c.execute("UPDATE accounts SET search_text = 'acme dental corge' WHERE id = ?", &[account.into()]))
            .await
            .unwrap();
        assert_eq!(find(engine("\"corge\"", "corge")).await, vec![account], "written after down");
    }

    async fn upgrade_to_0009_carries_links_and_phones_and_reverts_only_what_fits(tdb) {
        let db = open(&tdb.url).await;
        up(&db, Some(8)).await.unwrap();
        let (account, person, link) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let now = rapport_db::now();
        db.write(move |c| {
            c.execute(
                "INSERT INTO accounts (id, kind, name, company_key, phone, billing_address, tags, \
                 search_text, created_at, updated_at) VALUES (?, 'office', 'Phone Office', 'PHONEOFFICE', \
                 '+1 555-0100', ?, ?, 'phone office 1 555 0100 15550100', ?, ?)",
                &[account.into(), Value::Json(serde_json::json!({})), Value::Json(serde_json::json!([])),
                  now.into(), now.into()],
            )?;
            c.execute(
                "INSERT INTO contacts (id, kind, last_name, name_key, sort_key, search_text, created_at, updated_at) \
                 VALUES (?, 'doctor', 'Molar', 'MOLAR', 'MOLAR', 'molar', ?, ?)",
                &[person.into(), now.into(), now.into()],
            )?;
            c.execute(
                "INSERT INTO account_contacts (id, account_id, contact_id, is_primary, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
                &[link.into(), account.into(), person.into(), true.into(), now.into(), now.into()],
            )
        })
        .await
        .unwrap();
        up(&db, Some(9)).await.unwrap();
        // The link keeps its meaning: the account's primary contact, not (yet) the
        // person's primary account.
        let flags = db
            .read(move |c| c.query("SELECT is_primary, is_primary_account FROM account_contacts WHERE id = ?", &[link.into()]))
            .await
            .unwrap();
        assert_eq!(
            (flags[0].get::<bool>("is_primary").unwrap(), flags[0].get::<bool>("is_primary_account").unwrap()),
            (true, false)
        );
        // The number typed without spaces finds the account written before 0009.
        let search = match db.dialect() {
            rapport_db::Dialect::Sqlite => {
                "SELECT a.id FROM account_search JOIN accounts a ON a.search_seq = account_search.rowid \
                 WHERE account_search MATCH '\"5550100\"*'"
            }
            rapport_db::Dialect::Postgres => {
                "SELECT a.id FROM account_search_vectors v JOIN accounts a ON a.search_seq = v.search_seq \
                 WHERE v.search_vector @@ to_tsquery('simple', '5550100:*')"
            }
        };
        let found = db.read(move |c| c.query(search, &[])).await.unwrap();
        assert_eq!(found.iter().map(|r| r.get::<uuid::Uuid>("id").unwrap()).collect::<Vec<_>>(), vec![account]);
        // Seed 003's master technicians fit; while one exists, down is refused and
        // nothing changes.
        let master = uuid::Uuid::now_v7();
        let insert_master = move |c: &mut dyn rapport_db::Conn| {
            c.execute(
                "INSERT INTO contacts (id, kind, last_name, name_key, sort_key, search_text, created_at, updated_at) \
                 VALUES (?, 'master', 'Senior', 'SENIOR', 'SENIOR', 'senior', ?, ?)",
                &[master.into(), now.into(), now.into()],
            )
        };
        db.write(insert_master).await.unwrap();
        let refused = down(&db, 1).await.unwrap_err().to_string();
        assert!(refused.contains("master"), "{refused}");
        assert_eq!(status(&db).await.unwrap().current_version(), 9);
        db.write(move |c| c.execute("DELETE FROM contacts WHERE id = ?", &[master.into()])).await.unwrap();
        assert_eq!(down(&db, 1).await.unwrap(), vec![9]);
        // The older check is back: a master no longer fits.
        assert!(db.write(insert_master).await.is_err(), "the kind check is restored");
        assert_eq!(up(&db, Some(9)).await.unwrap(), vec![9]);
        db.write(insert_master).await.unwrap();
    }
    async fn upgrade_to_0011_keeps_the_timeline_and_links_notes_to_orders(tdb) {
        let db = open(&tdb.url).await;
        up(&db, Some(10)).await.unwrap();
        let (account, call, fix) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let now = rapport_db::now();
        db.write(move |c| {
            c.execute(
                "INSERT INTO accounts (id, kind, name, company_key, billing_address, tags, \
                 search_text, created_at, updated_at) VALUES (?, 'customer', 'Acme', 'ACME', ?, ?, 'acme', ?, ?)",
                &[account.into(), Value::Json(serde_json::json!({})), Value::Json(serde_json::json!([])),
                  now.into(), now.into()],
            )?;
            for (id, corrects) in [(call, None), (fix, Some(call))] {
                c.execute(
                    "INSERT INTO activities (id, kind, channel, body, activity_date, account_id, corrects_id, \
                     parent_id, created_at, updated_at) VALUES (?, 'call', 'phone', 'x', '2026-12-01', ?, ?, ?, ?, ?)",
                    &[id.into(), account.into(), corrects.into(), corrects.into(), now.into(), now.into()],
                )?;
            }
            Ok::<(), rapport_db::DbError>(())
        })
        .await
        .unwrap();
        let refs = |db: &rapport_db::Database| {
            let db = db.clone();
            async move {
                let rows = db
                    .read(move |c| c.query("SELECT corrects_id, parent_id FROM activities WHERE id = ?", &[fix.into()]))
                    .await
                    .unwrap();
                (rows[0].get::<Option<uuid::Uuid>>("corrects_id").unwrap(), rows[0].get::<Option<uuid::Uuid>>("parent_id").unwrap())
            }
        };
        up(&db, Some(11)).await.unwrap();
        assert_eq!(refs(&db).await, (Some(call), Some(call)), "the rebuilt timeline keeps its links");
        // A note may now hang off an order alone; the defaults are there.
        let (order, note) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        db.write(move |c| {
            c.execute(
                "INSERT INTO orders (id, order_number, order_type_id, state_id, currency, created_at, updated_at) \
                 SELECT ?, 'ORD-2026-000001', t.id, s.id, 'EUR', ?, ? FROM order_types t, order_states s \
                 WHERE t.key = 'main' AND s.key = 'created'",
                &[order.into(), now.into(), now.into()],
            )?;
            c.execute(
                "INSERT INTO activities (id, kind, body, activity_date, order_id, created_at, updated_at) \
                 VALUES (?, 'note', 'on the order', '2026-12-01', ?, ?, ?)",
                &[note.into(), order.into(), now.into(), now.into()],
            )
        })
        .await
        .unwrap();
        let linkless = db
            .write(move |c| {
                c.execute(
                    "INSERT INTO activities (id, kind, body, activity_date, created_at, updated_at) \
                     VALUES (?, 'note', 'nowhere', '2026-12-01', ?, ?)",
                    &[uuid::Uuid::now_v7().into(), now.into(), now.into()],
                )
            })
            .await;
        assert!(linkless.is_err(), "a note still needs a link");
        assert_eq!(down(&db, 1).await.unwrap(), vec![11]);
        assert_eq!(refs(&db).await, (Some(call), Some(call)), "down keeps the links too");
        let left: Option<i64> = db
            .read(|c| c.query_scalar("SELECT COUNT(*) FROM activities", &[]))
            .await
            .unwrap();
        assert_eq!(left, Some(2), "the order's note went with the order");
        assert_eq!(up(&db, Some(11)).await.unwrap(), vec![11]);
    }
    async fn upgrade_to_0012_keeps_comments_and_down_keeps_work_comments_on_their_order(tdb) {
        let db = open(&tdb.url).await;
        up(&db, Some(11)).await.unwrap();
        let (order, old_note, account) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let now = rapport_db::now();
        db.write(move |c| {
            c.execute(
                "INSERT INTO accounts (id, kind, name, company_key, billing_address, tags, \
                 search_text, created_at, updated_at) VALUES (?, 'customer', 'Acme', 'ACME', ?, ?, 'acme', ?, ?)",
                &[account.into(), Value::Json(serde_json::json!({})), Value::Json(serde_json::json!([])),
                  now.into(), now.into()],
            )?;
            c.execute(
                "INSERT INTO orders (id, order_number, order_type_id, state_id, currency, created_at, updated_at) \
                 SELECT ?, 'ORD-2026-000001', t.id, s.id, 'EUR', ?, ? FROM order_types t, order_states s \
                 WHERE t.key = 'main' AND s.key = 'created'",
                &[order.into(), now.into(), now.into()],
            )?;
            c.execute(
                "INSERT INTO activities (id, kind, body, activity_date, order_id, created_at, updated_at) \
                 VALUES (?, 'comment', 'before the lab', '2026-12-01', ?, ?, ?)",
                &[old_note.into(), order.into(), now.into(), now.into()],
            )
        })
        .await
        .unwrap();
        assert_eq!(up(&db, Some(12)).await.unwrap(), vec![12]);
        // A project and a task of the order, a comment on the task, the default kinds.
        let (project, task, comment) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        db.write(move |c| {
            c.execute(
                "INSERT INTO projects (id, order_id, project_number, name, created_at, updated_at) \
                 VALUES (?, ?, 'PRJ-2026-000001', 'Aligners', ?, ?)",
                &[project.into(), order.into(), now.into(), now.into()],
            )?;
            c.execute(
                "INSERT INTO tasks (id, project_id, order_id, title, created_at, updated_at) VALUES (?, ?, ?, 'Scan', ?, ?)",
                &[task.into(), project.into(), order.into(), now.into(), now.into()],
            )?;
            c.execute(
                "INSERT INTO activities (id, kind, body, activity_date, order_id, task_id, created_at, updated_at) \
                 VALUES (?, 'comment', 'on the task', '2026-12-02', ?, ?, ?, ?)",
                &[comment.into(), order.into(), task.into(), now.into(), now.into()],
            )
        })
        .await
        .unwrap();
        let kinds: Option<i64> = db
            .read(|c| c.query_scalar("SELECT COUNT(*) FROM message_types WHERE triggers_state_change", &[]))
            .await
            .unwrap();
        assert_eq!(kinds, Some(2));
        // A comment on a task must name the task's order too.
        let orphan = db
            .write(move |c| {
                c.execute(
                    "INSERT INTO activities (id, kind, body, activity_date, account_id, task_id, created_at, updated_at) \
                     VALUES (?, 'comment', 'no order', '2026-12-02', ?, ?, ?, ?)",
                    &[uuid::Uuid::now_v7().into(), account.into(), task.into(), now.into(), now.into()],
                )
            })
            .await;
        assert!(orphan.is_err(), "a task's comment without its order is refused");
        assert_eq!(down(&db, 1).await.unwrap(), vec![12]);
        let bodies = db
            .read(move |c| {
                c.query("SELECT body FROM activities WHERE order_id = ? ORDER BY activity_date", &[order.into()])
            })
            .await
            .unwrap();
        let bodies: Vec<String> = bodies.iter().map(|r| r.get::<String>("body").unwrap()).collect();
        assert_eq!(bodies, vec!["before the lab", "on the task"], "down keeps every comment on its order");
        assert_eq!(up(&db, Some(12)).await.unwrap(), vec![12]);
    }
}
