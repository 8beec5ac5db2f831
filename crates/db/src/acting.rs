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
    /// The statements that make a transaction act as this user. Every value is a UUID or
    /// one of Rapport's own role names, never text from a request, so they are written
    /// inline; one round trip opens the transaction and sets them.
    pub(crate) fn begin_sql(&self) -> String {
        let org = self.organisation.map(|o| o.to_string()).unwrap_or_default();
        let role: String = self
            .role
            .chars()
            .filter(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        format!(
            "BEGIN READ ONLY; SELECT set_config('rapport.user_id', '{}', true), \
             set_config('rapport.role', '{role}', true), set_config('rapport.org', '{org}', true)",
            self.user_id
        )
    }
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
    fn begin_sql_carries_only_safe_characters() {
        let a = Acting {
            user_id: Uuid::nil(),
            role: "rep'; DROP TABLE accounts; --",
            organisation: None,
        };
        let sql = a.begin_sql();
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
