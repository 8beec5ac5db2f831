//! A fresh database per test, on SQLite always and on PostgreSQL when
//! `RAPPORT_TEST_POSTGRES_URL` is set. Lives here so every crate's tests use the same
//! harness, behind the `testing` feature so that production builds do not compile it:
//! crates enable it from their dev-dependencies.

use std::path::PathBuf;

/// The variable naming a PostgreSQL server where tests may create and drop databases.
pub const POSTGRES_ENV: &str = "RAPPORT_TEST_POSTGRES_URL";

/// Tests connect as this ordinary role, owner of its test database, as production
/// should: a superuser is never bound by row-level security, so tests run as one would
/// not exercise it.
pub const APP_ROLE: &str = "rapport_test_app";

/// A database that exists for one test and is removed when dropped.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("rapport-test-{}", uuid::Uuid::new_v4()));
        if let Err(e) = std::fs::create_dir_all(&dir) {
            panic!("cannot create test directory {}: {e}", dir.display());
        }
        Self {
            url: format!("sqlite://{}", dir.join("rapport.db").display()),
            cleanup: Cleanup::Dir(dir),
        }
    }

    /// `None`, with a notice on stderr, when no PostgreSQL server is configured.
    pub fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
            eprintln!(
                "NOTICE: {POSTGRES_ENV} is not set; the PostgreSQL half of this test is skipped"
            );
            return None;
        };
        let name = format!("rapport_t_{}", uuid::Uuid::new_v4().simple());
        if let Err(e) = ensure_app_role(&admin_url) {
            panic!("cannot create the role {APP_ROLE} through {POSTGRES_ENV}: {e}");
        }
        if let Err(e) = admin_sql(
            &admin_url,
            format!("CREATE DATABASE {name} OWNER {APP_ROLE}"),
        ) {
            panic!("cannot create test database {name} through {POSTGRES_ENV}: {e}");
        }
        Some(Self {
            url: with_user(&with_database(&admin_url, &name), APP_ROLE),
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }
}

/// Roles are shared by the whole server, and tests run in parallel processes: creating
/// the role tolerates another process having just done it.
fn ensure_app_role(admin_url: &str) -> Result<(), String> {
    admin_sql(
        admin_url,
        format!(
            "DO $$ BEGIN \
               IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN \
                 CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS; \
               END IF; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; \
             END $$"
        ),
    )
}

/// Replaces the user (and drops any password) in a PostgreSQL URL: the test role has
/// none, so the server must trust local connections, as CI's does.
fn with_user(url: &str, user: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let host_start = match (rest.find('@'), rest.find('/')) {
        (Some(at), Some(slash)) if at < slash => at + 1,
        (Some(at), None) => at + 1,
        _ => 0,
    };
    format!("{}{user}@{}", &url[..scheme_end], &rest[host_start..])
}

/// Runs one statement on its own thread: the synchronous client cannot block a thread
/// that drives the test's async runtime.
fn admin_sql(admin_url: &str, sql: String) -> Result<(), String> {
    let url = admin_url.to_owned();
    std::thread::spawn(move || {
        let mut admin =
            postgres::Client::connect(&url, postgres::NoTls).map_err(|e| e.to_string())?;
        admin.batch_execute(&sql).map_err(|e| e.to_string())
    })
    .join()
    .map_err(|_| "admin thread panicked".to_owned())?
}

/// Replaces the database name in a PostgreSQL URL, keeping any query string.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                // FORCE ends connections the test's pool still holds.
                let _ = admin_sql(
                    admin_url,
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                );
            }
        }
    }
}

/// Defines one test per engine: `name::sqlite` and `name::postgres` (for each of several
/// functions, when given more than one). The body sees a
/// [`TestDatabase`] under the given binding.
#[macro_export]
macro_rules! both_engines {
    ($(#[$meta:meta])* async fn $name:ident($db:ident) $body:block $($rest:tt)+) => {
        $crate::both_engines! { $(#[$meta])* async fn $name($db) $body }
        $crate::both_engines! { $($rest)+ }
    };
    ($(#[$meta:meta])* async fn $name:ident($db:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$meta])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $db = $crate::testing::TestDatabase::sqlite();
                $body
            }

            $(#[$meta])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($db) = $crate::testing::TestDatabase::postgres() else {
                    return;
                };
                $body
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn user_is_replaced() {
        assert_eq!(
            super::with_user("postgres://postgres:pw@h:5432/x?a=b", "app"),
            "postgres://app@h:5432/x?a=b"
        );
        assert_eq!(
            super::with_user("postgres://h/x", "app"),
            "postgres://app@h/x"
        );
    }

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/test?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h", "x"),
            "postgres://u@h/x"
        );
    }
}
