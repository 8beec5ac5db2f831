use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a user may do is decided from the role (and for partner and distributor users,
/// the account they belong to). The full matrix is in docs/access.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    RestrictedAdmin,
    Manager,
    Rep,
    Distributor,
    Partner,
    Fulfiller,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::RestrictedAdmin,
        Role::Manager,
        Role::Rep,
        Role::Distributor,
        Role::Partner,
        Role::Fulfiller,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::RestrictedAdmin => "restricted_admin",
            Role::Manager => "manager",
            Role::Rep => "rep",
            Role::Distributor => "distributor",
            Role::Partner => "partner",
            Role::Fulfiller => "fulfiller",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn names() -> String {
        Role::ALL.map(Role::as_str).join(", ")
    }

    /// Admins of either kind see every record and the audit log.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Admin | Role::RestrictedAdmin)
    }
}

crate::changes::choice!(Role);

/// The acting user, handed to every storage call so that scope is applied in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub email: String,
    pub role: Role,
    /// The partner or distributor account a partner or distributor user belongs to.
    pub account_id: Option<Uuid>,
}

/// The actor plus where the request came from; the audit log records all of it.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub request_id: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Ctx {
    /// A context for work started from the command line rather than over HTTP.
    pub fn cli(actor: Actor) -> Self {
        Self {
            actor,
            request_id: format!("cli-{}", crate::new_id()),
            ip: None,
            user_agent: Some("rapport-cli".into()),
        }
    }
}
