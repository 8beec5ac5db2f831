//! Every read and write of Rapport's data. Each call takes the acting user (inside a
//! [`rapport_domain::Ctx`] or as an [`rapport_domain::Actor`]); what the actor may see or
//! change is decided in [`policy`] and nowhere else. The modules are grouped by
//! domain area; see docs/architecture.md for the areas, their order and the import rule.

// The areas, in the order in which they may import each other (docs/architecture.md):
// a module imports only the kernel, the policy and areas listed before its own.
pub mod auth;
pub mod catalog;
pub mod contracts;
pub mod customers;
pub mod distribution;
pub mod kernel;
pub mod lab;
pub mod lifecycle;
pub mod orders;
pub mod pipeline;
pub mod policy;
pub mod reports;
pub mod settings;
pub mod timeline;

pub use kernel::error::StoreError;
pub use kernel::list::{ListParams, Page};
pub use kernel::sql::SqlBuf;

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
        let cache = if db.single_node() {
            auth::token_cache::TokenCache::single_node()
        } else {
            auth::token_cache::TokenCache::shared()
        };
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

    /// Lets this node remember token checks on a shared database too, listening for the
    /// other nodes' revocations (`serve` calls it; see `auth::token_cache`).
    pub fn listen_for_auth_changes(&self) -> Result<(), StoreError> {
        auth::token_cache::TokenCache::listen(&self.token_cache, &self.db)
    }

    /// Whether token checks are remembered now (on PostgreSQL: while the listener listens).
    pub fn remembers_tokens(&self) -> bool {
        self.token_cache.trusted()
    }

    pub fn with_directory(mut self, directory: rapport_directory::Directory) -> Self {
        self.directory = Some(std::sync::Arc::new(directory));
        self
    }
}
