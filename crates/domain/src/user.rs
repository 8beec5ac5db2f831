//! What an admin may send about a user: create and PATCH bodies.

use utoipa::openapi::schema::{KnownFormat, Schema, SchemaFormat};

use crate::actor::Role;
use crate::changes::kinds::{Email, Enum, Id, Text};
use crate::changes::{changes, schema, Kind, Mode};
use crate::input::{ObjectReader, Patch};

/// The shortest password a local user may be given.
pub const MIN_PASSWORD_LEN: usize = 12;

/// The longest password read (a bound on what is hashed, not a rule for people).
pub const MAX_PASSWORD_LEN: usize = 1000;

changes! {
    /// What an admin may send about a user: create and PATCH bodies.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct UserChanges {
        /// Unique, compared without case.
        email: Email(254) [required not_null],
        name: Text(200),
        /// Only an admin may grant admin.
        role: Enum<Role> [required not_null],
        /// The organisation of a partner or distributor user (an account of that kind);
        /// none for other roles.
        account_id: Id,
        /// Create only: the initial password (local users), at least 12 characters;
        /// refused for directory users.
        password: Password [no_apply],
        /// Create only: `ldap` for a user who signs in with the directory's password
        /// (pre-provisioned with a role, so they need no approval, and linked to their
        /// entry by email on first sign-in); `local` by default.
        directory as "auth_provider": AuthProvider [no_apply],
    }
    create schema UserCreate;
    patch schema UserPatch;
    // By hand: a missing or cleared email or role is "is required" (even after another
    // error about it), and the password's rules depend on the provider.
    checks by_hand;
    read with user_rules;
}

fn user_rules(r: &mut ObjectReader, changes: &UserChanges, for_create: bool) {
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
        r.error("password", "depends", "is required for a local user");
    }
}

/// The initial password, exactly as typed (as sign-in reads it), on create only. On a
/// patch it is refused by [`user_rules`], after `auth_provider`.
#[derive(Default)]
pub struct Password;

impl Password {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for Password {
    type Value = Option<String>;

    fn read(&self, r: &mut ObjectReader, name: &str, mode: Mode) -> Option<String> {
        if mode.create && r.has(name) {
            r.required_secret(name, MAX_PASSWORD_LEN)
        } else {
            None
        }
    }

    fn schema(&self) -> Schema {
        // A directory user may not be given one at all (`not_allowed`), so the local
        // users' minimum is the schema's.
        crate::changes::schema::secret(MAX_PASSWORD_LEN)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
            .min_length(Some(MIN_PASSWORD_LEN))
            .build()
            .into()
    }

    fn accepts_null(&self) -> bool {
        false
    }

    fn in_patch(&self) -> bool {
        false
    }
}

/// `auth_provider`, read as "is a directory user": chosen on create, refused after.
#[derive(Default)]
pub struct AuthProvider;

impl AuthProvider {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for AuthProvider {
    type Value = bool;

    fn read(&self, r: &mut ObjectReader, name: &str, mode: Mode) -> bool {
        if !r.has(name) {
            return false;
        }
        if mode.create {
            let provider = r.patch_enum(name, "local, ldap", |p| match p {
                "ldap" => Some(true),
                "local" => Some(false),
                _ => None,
            });
            return provider == Patch::Set(true);
        }
        r.raw(name);
        r.error(name, "read_only", "is chosen when the user is created");
        false
    }

    fn schema(&self) -> Schema {
        schema::one_of(vec!["local", "ldap"]).build().into()
    }

    fn in_patch(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use utoipa::PartialSchema;

    use crate::changes::schema::as_json;

    #[test]
    fn schemas_are_as_strict_as_the_reader() {
        let create = as_json(UserCreate::schema());
        assert_eq!(create["required"], json!(["email", "role"]));
        let p = &create["properties"];
        assert_eq!(p["email"]["format"], "email");
        assert_eq!(p["email"]["type"], "string");
        assert_eq!(p["password"]["format"], "password");
        assert_eq!(p["auth_provider"]["enum"], json!(["local", "ldap", null]));
        assert!(p.get("directory").is_none());
        let patch = as_json(UserPatch::schema());
        assert!(patch["properties"].get("password").is_none());
        assert!(patch["properties"].get("auth_provider").is_none());
        assert_eq!(patch["properties"]["role"]["type"], "string");
    }

    #[test]
    fn users_are_read_as_before() {
        let e = UserChanges::read(
            json!({"email": "x", "auth_provider": "ldap", "password": "p"}),
            true,
        )
        .unwrap_err();
        let got: Vec<(&str, &str)> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.rule.as_str()))
                .collect();
        assert_eq!(
            got,
            vec![
                ("email", "email"),
                ("email", "required"),
                ("role", "required"),
                ("password", "not_allowed")
            ]
        );
        let e = UserChanges::read(json!({"password": "p", "auth_provider": "ldap"}), false)
            .unwrap_err();
        let got: Vec<(&str, &str)> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.rule.as_str()))
                .collect();
        assert_eq!(
            got,
            vec![("auth_provider", "read_only"), ("password", "read_only")]
        );
        let ok = UserChanges::read(
            json!({"email": "a@b.fr", "role": "rep", "auth_provider": "ldap"}),
            true,
        )
        .unwrap();
        assert!(ok.directory && ok.password.is_none());
    }
}
