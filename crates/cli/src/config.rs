//! Configuration: defaults → TOML file → `RAPPORT_*` environment → command-line flags.

use std::path::PathBuf;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// `sqlite://path` (default `sqlite://rapport.db`) or `postgres://user:pass@host/db`.
    pub database_url: String,
    /// Read connections (SQLite) or connections in all (PostgreSQL).
    pub db_pool_size: usize,
    /// SQLite durability: FULL (default: every acknowledged write survives power loss) or NORMAL.
    pub sqlite_synchronous: String,
    /// PostgreSQL: run each signed-in user's reads under the row-level security policies
    /// that mirror the access scopes (defence in depth).
    pub postgres_row_security: bool,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest accepted body of a bulk endpoint (`…/bulk`), in bytes.
    pub max_bulk_body_bytes: usize,
    /// Trust X-Forwarded-For/-Proto (only behind your own reverse proxy).
    pub trust_proxy_headers: bool,
    /// `auto` (Secure when the proxy says https), `always` or `never`.
    pub cookie_secure: rapport_web::CookieSecure,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// Failed sign-ins before an account is refused for `login_lockout_minutes`.
    pub login_max_failures: i32,
    pub login_lockout_minutes: i64,
    /// Failed sign-ins from one address within the window before it is refused.
    pub login_max_failures_per_ip: u32,
    pub login_window_minutes: u64,
    /// `text` or `json`.
    pub log_format: String,
    /// A tracing filter, e.g. `info` or `rapport_web=debug,info`.
    pub log_level: String,
    /// Apply pending migrations when serving (false: refuse to start instead).
    pub migrate: bool,
    /// Seconds in-flight requests get to finish after SIGTERM or Ctrl-C.
    pub shutdown_grace_secs: u64,
    /// Seconds a client may take to send a request's headers.
    pub header_read_timeout_secs: u64,
    /// Seconds a client may take to send a request's body once its headers are in.
    pub body_read_timeout_secs: u64,
    /// Connections served at once; more wait in the listen queue.
    pub max_connections: usize,
    /// LDAP directory for sign-in, `ldap://host:389` or `ldaps://host:636`; empty: off.
    pub ldap_url: String,
    /// Upgrade `ldap://` with StartTLS before any password is sent.
    pub ldap_starttls: bool,
    /// PEM file of trusted certificate authorities for LDAPS/StartTLS; empty: the system's.
    pub ldap_ca_file: String,
    /// Account that searches for people (empty with an empty password: anonymous search).
    pub ldap_bind_dn: String,
    pub ldap_bind_password: String,
    /// Where people are searched, e.g. `ou=people,dc=example,dc=com`.
    pub ldap_base_dn: String,
    /// Filter that finds one person; `{username}` is replaced by the escaped name typed.
    pub ldap_user_filter: String,
    pub ldap_email_attribute: String,
    pub ldap_name_attribute: String,
    pub ldap_timeout_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://rapport.db".into(),
            db_pool_size: 8,
            sqlite_synchronous: "FULL".into(),
            postgres_row_security: true,
            max_body_bytes: 1024 * 1024,
            max_bulk_body_bytes: 32 * 1024 * 1024,
            trust_proxy_headers: false,
            cookie_secure: rapport_web::CookieSecure::Auto,
            session_idle_minutes: 8 * 60,
            session_absolute_hours: 7 * 24,
            login_max_failures: 5,
            login_lockout_minutes: 15,
            login_max_failures_per_ip: 20,
            login_window_minutes: 15,
            log_format: "text".into(),
            log_level: "info".into(),
            migrate: true,
            shutdown_grace_secs: 30,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 30,
            max_connections: 1024,
            ldap_url: String::new(),
            ldap_starttls: false,
            ldap_ca_file: String::new(),
            ldap_bind_dn: String::new(),
            ldap_bind_password: String::new(),
            ldap_base_dn: String::new(),
            ldap_user_filter: rapport_directory::DirectoryConfig::new("", "").user_filter,
            ldap_email_attribute: "mail".into(),
            ldap_name_attribute: "cn".into(),
            ldap_timeout_secs: 5,
        }
    }
}

/// Every key of [`Config`], as read from `RAPPORT_<KEY>`.
const KEYS: [&str; 32] = [
    "listen",
    "database_url",
    "db_pool_size",
    "sqlite_synchronous",
    "postgres_row_security",
    "max_body_bytes",
    "max_bulk_body_bytes",
    "trust_proxy_headers",
    "cookie_secure",
    "session_idle_minutes",
    "session_absolute_hours",
    "login_max_failures",
    "login_lockout_minutes",
    "login_max_failures_per_ip",
    "login_window_minutes",
    "log_format",
    "log_level",
    "migrate",
    "shutdown_grace_secs",
    "header_read_timeout_secs",
    "body_read_timeout_secs",
    "max_connections",
    "ldap_url",
    "ldap_starttls",
    "ldap_ca_file",
    "ldap_bind_dn",
    "ldap_bind_password",
    "ldap_base_dn",
    "ldap_user_filter",
    "ldap_email_attribute",
    "ldap_name_attribute",
    "ldap_timeout_secs",
];

/// Values given on the command line; `None` leaves the layer below in force.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migrate: Option<bool>,
}

/// The file named by `--config`, else `RAPPORT_CONFIG`, else `rapport.toml` if present.
fn config_file(explicit: Option<PathBuf>) -> Option<PathBuf> {
    explicit
        .or_else(|| std::env::var_os("RAPPORT_CONFIG").map(PathBuf::from))
        .or_else(|| Some(PathBuf::from("rapport.toml")).filter(|p| p.exists()))
}

pub fn load(explicit: Option<PathBuf>, overrides: Overrides) -> anyhow::Result<Config> {
    let mut figment = Figment::from(Serialized::defaults(Config::default()));
    if let Some(path) = config_file(explicit) {
        if !path.exists() {
            anyhow::bail!("configuration file {} does not exist", path.display());
        }
        figment = figment.merge(Toml::file_exact(path));
    }
    let config: Config = figment
        // Only known keys: deployments often carry unrelated RAPPORT_* variables (tests'
        // RAPPORT_TEST_POSTGRES_URL, for one). Typos in the TOML file are still refused.
        .merge(Env::prefixed("RAPPORT_").only(&KEYS))
        .merge(Serialized::globals(overrides))
        .extract()
        .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
    validate(&config)?;
    Ok(config)
}

fn validate(c: &Config) -> anyhow::Result<()> {
    let mut problems = Vec::new();
    if c.listen.parse::<std::net::SocketAddr>().is_err() {
        problems.push(format!(
            "listen: {:?} is not an address like 127.0.0.1:8080",
            c.listen
        ));
    }
    if !(c.database_url.starts_with("sqlite:")
        || c.database_url.starts_with("postgres://")
        || c.database_url.starts_with("postgresql://"))
    {
        problems.push("database_url: must start with sqlite:// or postgres://".into());
    }
    if !(1..=512).contains(&c.db_pool_size) {
        problems.push("db_pool_size: must be 1 to 512".into());
    }
    if !["FULL", "NORMAL", "EXTRA"].contains(&c.sqlite_synchronous.to_ascii_uppercase().as_str()) {
        problems.push("sqlite_synchronous: must be FULL, NORMAL or EXTRA".into());
    }
    if c.max_body_bytes < 1024 {
        problems.push("max_body_bytes: must be at least 1024".into());
    }
    if c.max_bulk_body_bytes < c.max_body_bytes {
        problems.push("max_bulk_body_bytes: must be at least max_body_bytes".into());
    }
    if !(1..=3600).contains(&c.header_read_timeout_secs) {
        problems.push("header_read_timeout_secs: must be 1 to 3600".into());
    }
    if !(1..=3600).contains(&c.body_read_timeout_secs) {
        problems.push("body_read_timeout_secs: must be 1 to 3600".into());
    }
    if !(1..=100_000).contains(&c.max_connections) {
        problems.push("max_connections: must be 1 to 100000".into());
    }
    if c.session_idle_minutes < 1 || c.session_absolute_hours < 1 {
        problems.push("session_idle_minutes and session_absolute_hours: must be positive".into());
    }
    if !["text", "json"].contains(&c.log_format.as_str()) {
        problems.push("log_format: must be text or json".into());
    }
    if let Err(e) = directory(c) {
        problems.push(e.to_string());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("invalid configuration:\n  {}", problems.join("\n  "))
    }
}

/// The LDAP directory the settings describe, if `ldap_url` is set.
pub fn directory(
    c: &Config,
) -> Result<Option<rapport_directory::Directory>, rapport_directory::DirectoryError> {
    if c.ldap_url.trim().is_empty() {
        return Ok(None);
    }
    let non_empty = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let mut d = rapport_directory::DirectoryConfig::new(c.ldap_url.trim(), c.ldap_base_dn.trim());
    d.starttls = c.ldap_starttls;
    d.ca_file = non_empty(&c.ldap_ca_file).map(Into::into);
    d.bind_dn = non_empty(&c.ldap_bind_dn);
    // Not trimmed: spaces may be part of a password.
    d.bind_password = Some(c.ldap_bind_password.clone()).filter(|p| !p.is_empty());
    d.user_filter = c.ldap_user_filter.trim().to_owned();
    d.email_attribute = c.ldap_email_attribute.trim().to_owned();
    d.name_attribute = c.ldap_name_attribute.trim().to_owned();
    d.timeout = std::time::Duration::from_secs(c.ldap_timeout_secs);
    rapport_directory::Directory::new(d).map(Some)
}

/// The configuration as TOML, with any password in the database URL masked.
pub fn printable_url(url: &str) -> String {
    mask_url_password(url)
}

pub fn printable(c: &Config) -> anyhow::Result<String> {
    let mut shown = c.clone();
    shown.database_url = mask_url_password(&c.database_url);
    if !shown.ldap_bind_password.is_empty() {
        shown.ldap_bind_password = "****".into();
    }
    Ok(toml::to_string_pretty(&shown)?)
}

/// Masks `user:password@` and a `password=` query parameter (both forms are accepted by
/// PostgreSQL clients).
fn mask_url_password(url: &str) -> String {
    let url = &mask_query_password(url);
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let Some(at) = rest.find('@') else {
        return url.to_owned();
    };
    let userinfo = &rest[..at];
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{}{user}:****{}", &url[..scheme_end], &rest[at..]),
        None => url.to_owned(),
    }
}

fn mask_query_password(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let masked: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=****"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{base}?{}", masked.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_can_come_from_the_environment() {
        let toml = toml::to_string(&Config::default()).unwrap_or_default();
        let fields = toml.lines().filter(|l| l.contains(" = ")).count();
        assert_eq!(fields, KEYS.len());
        for key in KEYS {
            assert!(toml.contains(&format!("{key} = ")), "{key}");
        }
    }

    #[test]
    fn connection_limits_out_of_range_are_named() {
        let c = Config {
            header_read_timeout_secs: 0,
            body_read_timeout_secs: 7200,
            max_connections: 0,
            ..Config::default()
        };
        let message = validate(&c).map_or_else(|e| e.to_string(), |_| String::new());
        for key in [
            "header_read_timeout_secs",
            "body_read_timeout_secs",
            "max_connections",
        ] {
            assert!(
                message.contains(&format!("{key}: must be")),
                "{key}: {message}"
            );
        }
        assert!(validate(&Config::default()).is_ok());
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            mask_url_password("postgres://u:secret@h/db"),
            "postgres://u:****@h/db"
        );
        assert_eq!(mask_url_password("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            mask_url_password("sqlite://rapport.db"),
            "sqlite://rapport.db"
        );
    }
}
