use rapport_db::DbError;
use rapport_domain::IfMatch;
use rapport_domain::{FieldError, Invalid};
use uuid::Uuid;

/// Why a storage call did not do what was asked; each maps to one HTTP status.
#[derive(Debug)]
pub enum StoreError {
    /// Missing, or outside the caller's scope (the two are not told apart).
    NotFound {
        entity: &'static str,
    },
    /// Well-formed but breaks rules (422).
    Invalid(Invalid),
    /// A malformed request parameter (400).
    BadRequest(FieldError),
    /// Conflicts with current state (409); `existing_id` only when the caller may see it.
    Conflict {
        message: String,
        field: Option<String>,
        existing_id: Option<Uuid>,
    },
    /// The record's state forbids the change, e.g. it is archived (409, rule `state`).
    State {
        field: String,
        message: String,
    },
    /// Authenticated, but the role may not do this (403).
    Forbidden {
        field: Option<String>,
        message: String,
    },
    /// `If-Match` named an older version (412).
    PreconditionFailed {
        current_version: i64,
    },
    Unauthorized(String),
    /// Signed in, but the account waits for an administrator to enable it (403).
    PendingApproval(String),
    /// A service Rapport depends on, such as the LDAP directory, is unreachable (503).
    Unavailable(String),
    TooManyRequests {
        retry_after_secs: u64,
        message: String,
    },
    Db(DbError),
}

impl StoreError {
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden {
            field: None,
            message: message.into(),
        }
    }

    pub fn forbidden_field(field: &str, message: impl Into<String>) -> Self {
        Self::Forbidden {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    pub fn invalid(field: &str, rule: &str, message: impl Into<String>) -> Self {
        Self::Invalid(Invalid(vec![FieldError::new(field, rule, message)]))
    }

    pub fn state(field: &str, message: impl Into<String>) -> Self {
        Self::State {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// `If-Match` named `if_match`; the record is at `current`.
    pub fn check_version(if_match: &IfMatch, current: i64) -> Result<(), Self> {
        if if_match.allows(current) {
            Ok(())
        } else {
            Err(Self::PreconditionFailed {
                current_version: current,
            })
        }
    }

    /// A record named in the body (not the path) that is missing or out of scope is a
    /// bad field (422 naming it), not a 404 for the request.
    pub fn named_in(self, field: &str, message: &str) -> Self {
        match self {
            Self::NotFound { .. } => Self::invalid(field, "exists", message),
            other => other,
        }
    }

    pub fn bad_request(field: &str, rule: &str, message: impl Into<String>) -> Self {
        Self::BadRequest(FieldError::new(field, rule, message))
    }

    /// A write's error, read for the one unique field every imported record has: a
    /// clash on its `…_legacy_key` index is a 409 naming `legacy_id` ("another `what`
    /// already has this legacy_id"), anything else the database's error.
    pub fn legacy_taken(e: DbError, what: &str) -> Self {
        if e.violates("legacy") {
            return Self::Conflict {
                message: format!("another {what} already has this legacy_id"),
                field: Some("legacy_id".into()),
                existing_id: None,
            };
        }
        e.into()
    }
}

impl From<DbError> for StoreError {
    fn from(e: DbError) -> Self {
        Self::Db(e)
    }
}

impl From<Invalid> for StoreError {
    fn from(e: Invalid) -> Self {
        Self::Invalid(e)
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotFound { entity } => write!(f, "{entity} not found"),
            Self::Invalid(i) => write!(f, "invalid: {i}"),
            Self::BadRequest(e) => write!(f, "{}: {}", e.field, e.message),
            Self::Conflict { message, .. } => f.write_str(message),
            Self::Forbidden { message, .. } | Self::State { message, .. } => f.write_str(message),
            Self::PreconditionFailed { current_version } => {
                write!(f, "the record has changed (now version {current_version})")
            }
            Self::Unauthorized(m) | Self::PendingApproval(m) | Self::Unavailable(m) => {
                f.write_str(m)
            }
            Self::TooManyRequests { message, .. } => f.write_str(message),
            Self::Db(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StoreError {}
