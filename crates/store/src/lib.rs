//! Every read and write of Rapport's data. Each call takes the acting user (inside a
//! [`rapport_domain::Ctx`] or as an [`rapport_domain::Actor`]); what the actor may see or
//! change is decided in [`scope`] and nowhere else.

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod auth;
pub mod contacts;
pub mod csv;
pub mod dashboards;
pub mod distributions;
pub mod distributor_partners;
mod error;
pub mod exports;
pub mod idempotency;
pub mod include;
pub mod leads;
pub mod links;
pub mod list;
pub mod merge;
pub mod notes;
pub mod pipeline;
pub mod products;
mod ranked;
pub mod reps;
mod sales_figures;
pub mod scope;
pub mod search;
pub mod settings;
mod sql;
pub mod timeline;
pub mod user_admin;
pub mod users;

pub use error::StoreError;
pub use list::{ListParams, Page};
pub use sql::SqlBuf;

use rapport_db::Database;

/// Settings that storage needs (sign-in policy); everything else is per call.
#[derive(Debug, Clone)]
pub struct AuthPolicy {
    pub session_idle: chrono::Duration,
    pub session_absolute: chrono::Duration,
    /// Failed sign-ins for one account before it is refused for `lockout`.
    pub max_failed_logins: i32,
    pub lockout: chrono::Duration,
}

impl Default for AuthPolicy {
    fn default() -> Self {
        Self {
            session_idle: chrono::Duration::hours(8),
            session_absolute: chrono::Duration::days(7),
            max_failed_logins: 5,
            lockout: chrono::Duration::minutes(15),
        }
    }
}

#[derive(Clone)]
pub struct Store {
    pub db: Database,
    pub policy: AuthPolicy,
    /// The LDAP directory people may also sign in with; local accounts only when absent.
    pub directory: Option<std::sync::Arc<rapport_directory::Directory>>,
    pub(crate) token_cache: std::sync::Arc<auth::token_cache::TokenCache>,
    /// Failed sign-ins of names with no user (nobody, or a directory person not met
    /// yet), locked out like known users so a lock-out never tells who exists.
    pub(crate) unknown_names: std::sync::Arc<auth::throttle::LoginThrottle>,
}

impl Store {
    pub fn new(db: Database, policy: AuthPolicy) -> Self {
        let cache = auth::token_cache::TokenCache::new(db.dialect() == rapport_db::Dialect::Sqlite);
        let unknown_names = auth::throttle::LoginThrottle::new(
            u32::try_from(policy.max_failed_logins.max(1)).unwrap_or(5),
            policy
                .lockout
                .to_std()
                .unwrap_or(std::time::Duration::from_secs(900)),
        );
        Self {
            db,
            policy,
            directory: None,
            token_cache: std::sync::Arc::new(cache),
            unknown_names: std::sync::Arc::new(unknown_names),
        }
    }

    pub fn with_directory(mut self, directory: rapport_directory::Directory) -> Self {
        self.directory = Some(std::sync::Arc::new(directory));
        self
    }
}
