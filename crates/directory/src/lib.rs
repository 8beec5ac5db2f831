//! Sign-in against an LDAP directory (OpenLDAP, Active Directory, FreeIPA…).
//!
//! The directory only answers "is this the person, and what are their email and name";
//! roles, organisations and whether the person may use Rapport at all stay in Rapport.

mod config;
mod error;
mod sign_in;
mod tls;

#[cfg(any(test, feature = "test-server"))]
pub mod test_server;

#[cfg(test)]
mod against_slapd;

pub use config::{DirectoryConfig, Security};
pub use error::DirectoryError;
pub use sign_in::{Directory, Person};
