//! One sign-in: find the person's entry with the search account, then bind as that
//! entry with the password given. The entry's DN comes from the directory, never from
//! the user name, so a crafted name cannot choose whom to bind as.

use std::sync::Arc;

use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError, Scope, SearchEntry, SearchOptions};

use crate::config::Security;
use crate::{DirectoryConfig, DirectoryError};

/// Result codes of RFC 4511 that Rapport tells apart.
const RC_SUCCESS: u32 = 0;
const RC_SIZE_LIMIT_EXCEEDED: u32 = 4;
const RC_INVALID_CREDENTIALS: u32 = 49;

/// The longest user name sent to the directory; longer ones cannot be real and are
/// refused before any network traffic.
const MAX_USERNAME_LEN: usize = 256;

/// Who the directory says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The entry's distinguished name: the stable key Rapport links the user by.
    pub dn: String,
    pub email: String,
    pub name: String,
}

/// A checked configuration with its TLS settings built once.
#[derive(Clone)]
pub struct Directory {
    config: DirectoryConfig,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl std::fmt::Debug for Directory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Directory")
            .field("url", &self.config.url)
            .field("base_dn", &self.config.base_dn)
            .finish_non_exhaustive()
    }
}

impl Directory {
    pub fn new(config: DirectoryConfig) -> Result<Self, DirectoryError> {
        config.check()?;
        let tls = match config.security() {
            Security::Plain => None,
            Security::StartTls | Security::Ldaps => {
                Some(crate::tls::client_config(config.ca_file.as_deref())?)
            }
        };
        Ok(Self { config, tls })
    }

    pub fn url(&self) -> &str {
        &self.config.url
    }

    /// Checks `username` and `password` against the directory.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<Person, DirectoryError> {
        let username = username.trim();
        // An empty password would be an unauthenticated bind, which succeeds on most
        // servers without checking anything.
        if password.is_empty()
            || username.is_empty()
            || username.len() > MAX_USERNAME_LEN
            || username.chars().any(char::is_control)
        {
            return Err(DirectoryError::InvalidCredentials);
        }
        let mut ldap = self.connect().await?;
        let outcome = self.find_and_bind(&mut ldap, username, password).await;
        // The person is known (or not) already; a failed unbind changes nothing.
        let _ = ldap.unbind().await;
        outcome
    }

    async fn connect(&self) -> Result<Ldap, DirectoryError> {
        let mut settings = LdapConnSettings::new()
            .set_conn_timeout(self.config.timeout)
            .set_starttls(self.config.security() == Security::StartTls);
        if let Some(tls) = &self.tls {
            settings = settings.set_config(tls.clone());
        }
        let (conn, ldap) = LdapConnAsync::with_settings(settings, &self.config.url)
            .await
            .map_err(|e| self.unavailable("could not connect", e))?;
        ldap3::drive!(conn);
        Ok(ldap)
    }

    async fn find_and_bind(
        &self,
        ldap: &mut Ldap,
        username: &str,
        password: &str,
    ) -> Result<Person, DirectoryError> {
        let timeout = self.config.timeout;
        if let (Some(dn), Some(pw)) = (&self.config.bind_dn, &self.config.bind_password) {
            let bound = ldap
                .with_timeout(timeout)
                .simple_bind(dn, pw)
                .await
                .map_err(|e| self.unavailable("search account bind", e))?;
            if bound.rc != RC_SUCCESS {
                return Err(DirectoryError::Misconfigured(format!(
                    "the search account {dn} could not bind: {} ({})",
                    bound.text, bound.rc
                )));
            }
        }
        let attributes = [
            self.config.email_attribute.as_str(),
            self.config.name_attribute.as_str(),
        ];
        let filter = self.config.filter_for(username);
        // Two is enough to know the name is ambiguous.
        let found = ldap
            .with_timeout(timeout)
            .with_search_options(SearchOptions::new().sizelimit(2))
            .search(&self.config.base_dn, Scope::Subtree, &filter, attributes)
            .await
            .map_err(|e| match e {
                LdapError::FilterParsing => DirectoryError::Misconfigured(
                    "ldap_user_filter is not a valid LDAP filter".into(),
                ),
                other => self.unavailable("search", other),
            })?;
        let (entries, result) = (found.0, found.1);
        match result.rc {
            RC_SUCCESS => {}
            RC_SIZE_LIMIT_EXCEEDED => return Err(DirectoryError::Ambiguous(entries.len())),
            rc => {
                return Err(DirectoryError::Unavailable(format!(
                    "the search under {} failed: {} ({rc})",
                    self.config.base_dn, result.text
                )))
            }
        }
        let entry = match entries.len() {
            0 => return Err(DirectoryError::InvalidCredentials),
            1 => entries.into_iter().next().map(SearchEntry::construct),
            n => return Err(DirectoryError::Ambiguous(n)),
        };
        let Some(entry) = entry else {
            return Err(DirectoryError::InvalidCredentials);
        };
        let bound = ldap
            .with_timeout(timeout)
            .simple_bind(&entry.dn, password)
            .await
            .map_err(|e| self.unavailable("bind", e))?;
        match bound.rc {
            RC_SUCCESS => {}
            RC_INVALID_CREDENTIALS => return Err(DirectoryError::InvalidCredentials),
            rc => {
                return Err(DirectoryError::Unavailable(format!(
                    "the bind was refused: {} ({rc})",
                    bound.text
                )))
            }
        }
        let email = first_value(&entry, &self.config.email_attribute)
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty())
            .ok_or_else(|| DirectoryError::MissingAttribute {
                dn: entry.dn.clone(),
                attribute: self.config.email_attribute.clone(),
            })?;
        let name = first_value(&entry, &self.config.name_attribute)
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| email.clone());
        Ok(Person {
            dn: entry.dn,
            email,
            name,
        })
    }

    fn unavailable(&self, step: &str, e: LdapError) -> DirectoryError {
        tracing::warn!(url = %self.config.url, step, error = %e, "directory unavailable");
        DirectoryError::Unavailable(format!("{} ({step}): {e}", self.config.url))
    }
}

/// Attribute names are case-insensitive in LDAP; servers answer in their own case.
fn first_value(entry: &SearchEntry, attribute: &str) -> Option<String> {
    entry
        .attrs
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(attribute))
        .and_then(|(_, values)| values.first().cloned())
}
