//! A running app over a fresh database, with users of several roles and their tokens.

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use rapport_db::testing::TestDatabase;
use rapport_db::{Database, DbOptions};
use rapport_domain::{Actor, Ctx, Role};
use rapport_store::auth::tokens;
use rapport_store::auth::users::{self, NewUser, User};
use rapport_store::{AuthPolicy, Store};
use rapport_web::{router, AppState, WebConfig};
use serde_json::Value;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery staple";

#[derive(Clone)]
pub struct TestUser {
    pub user: User,
    pub token: String,
}

pub struct App {
    pub router: Router,
    pub store: Store,
    pub admin: TestUser,
    pub restricted_admin: TestUser,
    pub manager: TestUser,
    pub rep: TestUser,
    pub other_rep: TestUser,
    pub viewer: TestUser,
    url: String,
    // Dropped last: the database outlives the pools that use it. None on a second node.
    _db: Option<TestDatabase>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// `(field, rule)` of each error in a problem body.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e["field"].as_str().unwrap_or("").to_owned(),
                            e["rule"].as_str().unwrap_or("").to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Asserts a problem+json answer with this status and returns self.
    #[track_caller]
    pub fn problem(self, status: StatusCode) -> Self {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json")
        );
        assert_eq!(self.body["status"], status.as_u16());
        assert!(self.body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("/problems/")));
        assert!(self.body["request_id"].is_string());
        self
    }
}

pub fn cli_ctx() -> Ctx {
    Ctx::cli(Actor {
        user_id: uuid::Uuid::nil(),
        email: "test".into(),
        role: Role::Admin,
        account_id: None,
    })
}

/// A user with a bearer token; partner and distributor users belong to `account_id`.
pub async fn make_user(
    store: &Store,
    role: Role,
    email: &str,
    account_id: Option<uuid::Uuid>,
) -> TestUser {
    let user = users::create(
        store,
        &cli_ctx(),
        NewUser {
            email: email.into(),
            name: email.split('@').next().unwrap_or("").into(),
            role,
            credential: rapport_store::auth::users::Credential::Password(PASSWORD.into()),
            account_id,
        },
    )
    .await
    .expect("create user");
    let ctx = Ctx {
        actor: user.actor(),
        ..cli_ctx()
    };
    let token = tokens::create(store, &ctx, "test".into(), None)
        .await
        .expect("token")
        .secret;
    TestUser { user, token }
}

impl App {
    pub async fn start(db: TestDatabase) -> Self {
        Self::start_with(db, WebConfig::default()).await
    }

    pub async fn start_with(db: TestDatabase, config: WebConfig) -> Self {
        Self::start_full(db, config, None).await
    }

    /// With sign-in through an LDAP directory as well as local passwords.
    pub async fn start_with_directory(
        db: TestDatabase,
        directory: rapport_directory::DirectoryConfig,
    ) -> Self {
        let directory = rapport_directory::Directory::new(directory).expect("directory config");
        Self::start_full(db, WebConfig::default(), Some(directory)).await
    }

    async fn start_full(
        db: TestDatabase,
        config: WebConfig,
        directory: Option<rapport_directory::Directory>,
    ) -> Self {
        let database = Database::connect(&db.url, &DbOptions::default())
            .await
            .expect("connect");
        rapport_migration::up(&database, None)
            .await
            .expect("migrate");
        let mut store = Store::new(database, AuthPolicy::default());
        store.listen_for_auth_changes().expect("listen");
        if let Some(directory) = directory {
            store = store.with_directory(directory);
        }
        let mk = |role: Role, email: &'static str| make_user(&store, role, email, None);
        let admin = mk(Role::Admin, "admin@example.com").await;
        let restricted_admin = mk(Role::RestrictedAdmin, "radmin@example.com").await;
        let manager = mk(Role::Manager, "manager@example.com").await;
        let rep = mk(Role::Rep, "rep@example.com").await;
        let other_rep = mk(Role::Rep, "rep2@example.com").await;
        let viewer = mk(Role::Viewer, "viewer@example.com").await;
        let router = router(AppState::new(store.clone(), config));
        Self {
            router,
            store,
            admin,
            restricted_admin,
            manager,
            rep,
            other_rep,
            viewer,
            url: db.url.clone(),
            _db: Some(db),
        }
    }

    /// The database's URL, for a test that opens its own connections to it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The same database served by a second node with its own pools and caches, as a
    /// second `rapport serve` sharing PostgreSQL (or, on SQLite, a second process on the
    /// same file) would be. Drop it before the first.
    pub async fn another_node(&self) -> App {
        let database = Database::connect(&self.url, &DbOptions::default())
            .await
            .expect("connect");
        let store = Store::new(database, AuthPolicy::default());
        store.listen_for_auth_changes().expect("listen");
        App {
            router: router(AppState::new(store.clone(), WebConfig::default())),
            store,
            admin: self.admin.clone(),
            restricted_admin: self.restricted_admin.clone(),
            manager: self.manager.clone(),
            rep: self.rep.clone(),
            other_rep: self.other_rep.clone(),
            viewer: self.viewer.clone(),
            url: self.url.clone(),
            _db: None,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router never fails");
        let status = res.status();
        let headers = res.headers().clone();
        let raw = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec();
        let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            raw,
        }
    }

    /// A request with a bearer token and, if given, a JSON body.
    pub async fn call(&self, method: Method, uri: &str, token: &str, body: Option<Value>) -> Reply {
        self.call_with(method, uri, token, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: Method,
        uri: &str,
        token: &str,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> Reply {
        let mut b = Request::builder().method(method).uri(uri);
        if !token.is_empty() {
            b = b.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        let req = match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string())),
            None => b.body(Body::empty()),
        }
        .expect("request");
        self.send(req).await
    }

    pub async fn get(&self, uri: &str, token: &str) -> Reply {
        self.call(Method::GET, uri, token, None).await
    }

    pub async fn post(&self, uri: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, uri, token, Some(body)).await
    }

    pub async fn patch(&self, uri: &str, token: &str, body: Value, etag: Option<&str>) -> Reply {
        match etag {
            Some(e) => {
                self.call_with(Method::PATCH, uri, token, Some(body), &[("if-match", e)])
                    .await
            }
            None => self.call(Method::PATCH, uri, token, Some(body)).await,
        }
    }

    /// Creates an account as `token`, asserting 201; returns the body.
    pub async fn account(&self, token: &str, body: Value) -> Value {
        let r = self.post("/api/v1/accounts", token, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }

    /// Audit rows about one entity, oldest first.
    pub async fn audit_of(
        &self,
        entity_type: &'static str,
        id: uuid::Uuid,
    ) -> Vec<rapport_store::reports::audit_log::AuditEntry> {
        self.store
            .db
            .read(move |c| rapport_store::reports::audit_log::for_entity(c, entity_type, id))
            .await
            .expect("audit")
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        self.store
            .db
            .read(move |c| c.query_scalar::<i64>(sql, &[]))
            .await
            .expect("count")
            .unwrap_or(0)
    }
}

/// POSTs as `token`, asserting success; returns the body.
pub async fn created(app: &App, token: &str, uri: &str, body: Value) -> Value {
    let r = app.post(uri, token, body).await;
    assert!(r.status.is_success(), "{uri}: {} {}", r.status, r.body);
    r.body
}

/// Creates a record as `token`, asserting success; returns its id.
pub async fn made(app: &App, token: &str, uri: &str, body: Value) -> String {
    created(app, token, uri, body)
        .await
        .get("id")
        .and_then(Value::as_str)
        .expect("id")
        .to_owned()
}

pub fn id_of(v: &Value) -> uuid::Uuid {
    v["id"]
        .as_str()
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
        .expect("id")
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
