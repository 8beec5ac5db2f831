//! Who a request acts as, for PostgreSQL's row-level security: the web layer runs each
//! signed-in request acting as its user, and every read that task makes tells the
//! database, which then applies the policies of migration 0007 on top of the scope the
//! repositories already wrote into their SQL — so a read that forgot its filter still
//! returns only what the caller may see.

use uuid::Uuid;

/// The acting user as the policies read it (`rapport.user_id`, `rapport.role`,
/// `rapport.org`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    pub user_id: Uuid,
    /// One of Rapport's role names; anything else sees nothing under the policies.
    pub role: &'static str,
    /// The organisation (account) of a partner or distributor user.
    pub organisation: Option<Uuid>,
}

impl Acting {
    /// The statement that makes a connection's session act as this user, read-only. Every
    /// value is a UUID or one of Rapport's own role names, never text from a request, so
    /// they are written inline.
    pub(crate) fn session_sql(&self) -> String {
        let org = self.organisation.map(|o| o.to_string()).unwrap_or_default();
        let role: String = self
            .role
            .chars()
            .filter(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        format!(
            "SELECT set_config('rapport.user_id', '{}', false), \
             set_config('rapport.role', '{role}', false), set_config('rapport.org', '{org}', false), \
             set_config('default_transaction_read_only', 'on', false)",
            self.user_id
        )
    }
}

/// Back to nobody: no acting user (no restriction) and writable.
pub(crate) const SESSION_RESET_SQL: &str = "SELECT set_config('rapport.user_id', '', false), \
     set_config('rapport.role', '', false), set_config('rapport.org', '', false), \
     set_config('default_transaction_read_only', 'off', false)";

/// Opens a write transaction that acts as nobody whatever the session acts as: the local
/// settings end with the transaction, leaving the session's as they were.
pub(crate) const WRITE_AS_NOBODY_SQL: &str = "BEGIN READ WRITE; \
     SELECT set_config('rapport.user_id', '', true), set_config('rapport.role', '', true), \
     set_config('rapport.org', '', true)";

/// Who a pooled connection's session acts as. Setting it costs a round trip, so it is
/// kept between requests and changed only when the next read acts as someone else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SessionActing {
    /// Nobody: unrestricted, writable (a new connection, or after a reset).
    Nobody,
    As(Acting),
    /// A statement that changes it failed: reset before the next use.
    Unknown,
}

tokio::task_local! {
    static ACTING: Acting;
}

/// Runs `fut` acting as `acting`: every read it makes (in this task) carries the user.
pub async fn acting_as<F: std::future::Future>(acting: Acting, fut: F) -> F::Output {
    ACTING.scope(acting, fut).await
}

/// Who the current task acts as, if a request set it.
pub(crate) fn current() -> Option<Acting> {
    ACTING.try_with(Acting::clone).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_sql_carries_only_safe_characters() {
        let a = Acting {
            user_id: Uuid::nil(),
            role: "rep'; DROP TABLE accounts; --",
            organisation: None,
        };
        let sql = a.session_sql();
        assert!(sql.contains("'repaccounts'"), "{sql}");
        assert!(!sql.contains("DROP"), "{sql}");
    }

    #[tokio::test]
    async fn the_slot_is_per_task() {
        assert_eq!(current(), None);
        let acting = Acting {
            user_id: Uuid::nil(),
            role: "rep",
            organisation: None,
        };
        let seen = acting_as(acting.clone(), async { current() }).await;
        assert_eq!(seen, Some(acting));
        assert_eq!(current(), None);
    }
}
