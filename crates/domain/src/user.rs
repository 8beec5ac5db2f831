//! What an admin may send about a user: create and PATCH bodies.

use serde_json::Value;
use uuid::Uuid;

use crate::actor::Role;
use crate::input::{ObjectReader, Patch};
use crate::validation::{is_email, Invalid};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserChanges {
    pub email: Patch<String>,
    pub name: Patch<String>,
    pub role: Patch<Role>,
    /// The organisation of a partner or distributor user.
    pub account_id: Patch<Uuid>,
    /// Create only: the initial password (local users).
    pub password: Option<String>,
    /// Create only: `ldap` for a user who signs in with the directory's password
    /// (pre-provisioned with a role, so they need no approval); `local` by default.
    pub directory: bool,
}

impl UserChanges {
    pub fn read(body: Value, for_create: bool) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let email = r.patch_checked("email", 254, "email", "is not an email address", is_email);
        let changes = UserChanges {
            email,
            name: r.patch_string("name", 200),
            role: r.patch_enum("role", &Role::names(), Role::parse),
            account_id: r.patch_uuid("account_id"),
            // Exactly as typed, as sign-in reads it.
            password: if for_create && r.has("password") {
                r.required_secret("password", 1000)
            } else {
                None
            },
            directory: false,
        };
        let mut changes = changes;
        if r.has("auth_provider") {
            if for_create {
                let provider = r.patch_enum("auth_provider", "local, ldap", |p| match p {
                    "ldap" => Some(true),
                    "local" => Some(false),
                    _ => None,
                });
                changes.directory = provider == Patch::Set(true);
            } else {
                r.raw("auth_provider");
                r.error(
                    "auth_provider",
                    "read_only",
                    "is chosen when the user is created",
                );
            }
        }
        if !for_create && r.raw("password").is_some() {
            r.error(
                "password",
                "read_only",
                "is not changed here; users change their own password",
            );
        }
        for (name, absent, cleared) in [
            (
                "email",
                changes.email.is_absent(),
                changes.email == Patch::Null,
            ),
            (
                "role",
                changes.role.is_absent(),
                changes.role == Patch::Null,
            ),
        ] {
            if cleared || (for_create && absent) {
                r.error(name, "required", "is required");
            }
        }
        if for_create && changes.directory && changes.password.is_some() {
            r.error(
                "password",
                "not_allowed",
                "a directory (ldap) user signs in with the directory's password",
            );
        }
        if for_create && !changes.directory && changes.password.is_none() {
            r.error("password", "required", "is required");
        }
        r.finish()?;
        Ok(changes)
    }
}
