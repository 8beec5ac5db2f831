//! What Rapport needs to know about a directory, checked once at start-up.

use std::path::PathBuf;
use std::time::Duration;

use crate::DirectoryError;

/// The placeholder in [`DirectoryConfig::user_filter`] that the escaped user name fills.
pub const USERNAME_PLACEHOLDER: &str = "{username}";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryConfig {
    /// `ldap://host:389` or `ldaps://host:636`.
    pub url: String,
    /// Upgrade an `ldap://` connection with StartTLS before sending any password.
    pub starttls: bool,
    /// PEM file of the certificate authorities trusted for LDAPS/StartTLS; the system's
    /// roots when absent.
    pub ca_file: Option<PathBuf>,
    /// The account that searches for people; anonymous search when absent.
    pub bind_dn: Option<String>,
    pub bind_password: Option<String>,
    /// Where people are searched, e.g. `ou=people,dc=example,dc=com`.
    pub base_dn: String,
    /// An LDAP filter with `{username}`, e.g. `(&(objectClass=person)(uid={username}))`.
    pub user_filter: String,
    pub email_attribute: String,
    pub name_attribute: String,
    /// For connecting and for each operation.
    pub timeout: Duration,
}

/// How the connection is protected, from the URL and `starttls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    Plain,
    StartTls,
    Ldaps,
}

impl DirectoryConfig {
    /// A configuration with the defaults for everything but the server and the base.
    pub fn new(url: impl Into<String>, base_dn: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            starttls: false,
            ca_file: None,
            bind_dn: None,
            bind_password: None,
            base_dn: base_dn.into(),
            user_filter: "(&(objectClass=inetOrgPerson)(|(uid={username})(mail={username})))"
                .into(),
            email_attribute: "mail".into(),
            name_attribute: "cn".into(),
            timeout: Duration::from_secs(5),
        }
    }

    pub fn security(&self) -> Security {
        if self.url.starts_with("ldaps://") {
            Security::Ldaps
        } else if self.starttls {
            Security::StartTls
        } else {
            Security::Plain
        }
    }

    /// Every problem at once, each naming its setting, so one start-up shows them all.
    pub fn check(&self) -> Result<(), DirectoryError> {
        let mut problems = Vec::new();
        let scheme_ok = self.url.starts_with("ldap://") || self.url.starts_with("ldaps://");
        if !scheme_ok {
            problems.push("ldap_url: must start with ldap:// or ldaps://".to_owned());
        }
        if self.starttls && self.url.starts_with("ldaps://") {
            problems.push(
                "ldap_starttls: StartTLS needs an ldap:// URL; ldaps:// is already encrypted"
                    .to_owned(),
            );
        }
        if self.base_dn.trim().is_empty() {
            problems.push("ldap_base_dn: must name where people are searched".to_owned());
        }
        let filter = self.user_filter.trim();
        if !(filter.starts_with('(') && filter.ends_with(')')) {
            problems.push("ldap_user_filter: must be an LDAP filter in parentheses".to_owned());
        }
        if !filter.contains(USERNAME_PLACEHOLDER) {
            problems.push(format!(
                "ldap_user_filter: must contain {USERNAME_PLACEHOLDER}"
            ));
        }
        if self.bind_dn.is_some() != self.bind_password.is_some() {
            problems.push(
                "ldap_bind_dn and ldap_bind_password: set both for a search account, or neither for anonymous search"
                    .to_owned(),
            );
        }
        if self.bind_password.as_deref() == Some("") {
            // An empty password is an unauthenticated bind, which many servers accept
            // without checking anything.
            problems.push("ldap_bind_password: must not be empty".to_owned());
        }
        for (name, value) in [
            ("ldap_email_attribute", &self.email_attribute),
            ("ldap_name_attribute", &self.name_attribute),
        ] {
            let ok = !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ';');
            if !ok {
                problems.push(format!("{name}: must be an attribute name like mail"));
            }
        }
        if self.timeout.is_zero() || self.timeout > Duration::from_secs(120) {
            problems.push("ldap_timeout_secs: must be 1 to 120".to_owned());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(DirectoryError::Misconfigured(problems.join("; ")))
        }
    }

    /// The search filter for one user name, escaped per RFC 4515 so that `*`, `(`, `)`,
    /// `\` and NUL in a name match literally and cannot change the filter.
    pub(crate) fn filter_for(&self, username: &str) -> String {
        self.user_filter
            .replace(USERNAME_PLACEHOLDER, &ldap3::ldap_escape(username))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> DirectoryConfig {
        DirectoryConfig::new("ldap://127.0.0.1:389", "dc=example,dc=com")
    }

    #[test]
    fn the_defaults_pass() {
        assert!(config().check().is_ok());
        assert_eq!(config().security(), Security::Plain);
    }

    #[test]
    fn every_problem_is_named() {
        let mut c = config();
        c.url = "http://x".into();
        c.user_filter = "uid=x".into();
        c.bind_dn = Some("cn=reader".into());
        c.email_attribute = "mail)(x".into();
        let Err(DirectoryError::Misconfigured(text)) = c.check() else {
            panic!("accepted");
        };
        for setting in [
            "ldap_url",
            "ldap_user_filter: must be an LDAP filter",
            "must contain {username}",
            "ldap_bind_dn and ldap_bind_password",
            "ldap_email_attribute",
        ] {
            assert!(text.contains(setting), "{setting} missing from {text}");
        }
    }

    #[test]
    fn starttls_over_ldaps_is_refused() {
        let mut c = config();
        c.url = "ldaps://h".into();
        c.starttls = true;
        assert!(c.check().is_err());
        c.starttls = false;
        assert_eq!(c.security(), Security::Ldaps);
    }

    #[test]
    fn an_empty_bind_password_is_refused() {
        let mut c = config();
        c.bind_dn = Some("cn=reader".into());
        c.bind_password = Some(String::new());
        assert!(c.check().is_err());
    }

    #[test]
    fn filter_metacharacters_in_a_name_are_escaped() {
        let c = config();
        let f = c.filter_for("*)(uid=*");
        assert!(f.contains(r"\2a\29\28uid=\2a"), "{f}");
        assert!(!f.contains("(uid=*"), "{f}");
        assert!(c.filter_for("a\\b\0").contains(r"a\5cb\00"));
    }
}
