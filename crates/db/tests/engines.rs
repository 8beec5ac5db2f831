//! The connection abstraction behaves the same on both engines.

use rapport_db::{both_engines, Database, DbErrorKind, DbOptions, Value};
use rust_decimal::Decimal;
use std::str::FromStr;

async fn open(url: &str) -> Database {
    Database::connect(url, &DbOptions::default())
        .await
        .expect("connect")
}

const TABLE_SQLITE: &str = "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL UNIQUE, \
    amount TEXT, at TEXT, doc TEXT, flag INTEGER NOT NULL)";
const TABLE_PG: &str = "CREATE TABLE t (id UUID PRIMARY KEY, n BIGINT NOT NULL UNIQUE, \
    amount NUMERIC, at TIMESTAMPTZ, doc JSONB, flag BOOLEAN NOT NULL)";

async fn create_table(db: &Database) {
    let ddl = match db.dialect() {
        rapport_db::Dialect::Sqlite => TABLE_SQLITE,
        rapport_db::Dialect::Postgres => TABLE_PG,
    };
    db.write(move |c| c.batch(ddl)).await.expect("ddl");
}

both_engines! {
    async fn values_round_trip_exactly(tdb) {
        let db = open(&tdb.url).await;
        create_table(&db).await;
        let id = uuid::Uuid::now_v7();
        let at = rapport_db::now();
        let amount = Decimal::from_str("12345678901234.5678").unwrap();
        let doc = serde_json::json!({"a": [1, 2, {"b": "ç"}]});
        let params = vec![id.into(), 7i64.into(), amount.into(), at.into(), doc.clone().into(), true.into()];
        db.write(move |c| c.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", &params)).await.unwrap();
        let row = db
            .read(move |c| c.query_one("SELECT * FROM t WHERE id = ?", &[id.into()]))
            .await
            .unwrap()
            .expect("row");
        assert_eq!(row.get::<uuid::Uuid>("id").unwrap(), id);
        assert_eq!(row.get::<i64>("n").unwrap(), 7);
        assert_eq!(row.get::<Decimal>("amount").unwrap(), amount);
        assert_eq!(row.get::<chrono::DateTime<chrono::Utc>>("at").unwrap(), at);
        assert_eq!(row.get::<serde_json::Value>("doc").unwrap(), doc);
        assert!(row.get::<bool>("flag").unwrap());
    }
}

both_engines! {
    async fn failed_write_leaves_nothing_and_others_commit(tdb) {
        let db = open(&tdb.url).await;
        create_table(&db).await;
        // Many concurrent writes, one of which fails halfway: its first insert must vanish,
        // every other write must stand.
        let mut handles = Vec::new();
        for n in 0..40i64 {
            let db = db.clone();
            handles.push(tokio::spawn(async move {
                db.write(move |c| {
                    let p = |k: i64| vec![
                        Value::Uuid(uuid::Uuid::now_v7()), k.into(), Value::Null, Value::Null, Value::Null, false.into(),
                    ];
                    c.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", &p(n))?;
                    if n == 13 {
                        // Duplicate n: violates the unique constraint after a good insert.
                        c.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", &p(n))?;
                    }
                    Ok::<_, rapport_db::DbError>(())
                })
                .await
            }));
        }
        let mut failures = Vec::new();
        for h in handles {
            if let Err(e) = h.await.unwrap() {
                failures.push(e);
            }
        }
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert_eq!(failures[0].kind, DbErrorKind::Unique);
        let count: i64 = db
            .read(|c| c.query_scalar("SELECT COUNT(*) FROM t", &[]))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(count, 39);
        let thirteen: i64 = db
            .read(|c| c.query_scalar("SELECT COUNT(*) FROM t WHERE n = 13", &[]))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(thirteen, 0);
    }
}
