//! One declaration per changes type (issue 13). A `*Changes` type — what a create or a
//! PATCH body may say about an entity — is declared once with [`changes!`], and from that
//! one list come:
//!
//! - the struct of fields (`Patch<T>` for the entity's fields, as before);
//! - its strict reader, built on [`ObjectReader`], with "required on create", "cannot be
//!   cleared" and the entity's own rules (hand-written hooks where a rule is not a
//!   declaration);
//! - `apply_to`, which writes every set or cleared field onto the entity;
//! - the OpenAPI schemas of the create and patch bodies, with each property's type and
//!   constraints as the reader enforces them.
//!
//! Each field names a [`Kind`]: how it is read and how its schema reads. The kinds are in
//! [`kinds`]; an entity with a field no common kind fits defines its own next to it.
//!
//! The reader of each entity must keep producing exactly the errors it did, in the same
//! order (clients and tests compare them), so a declaration also says *when* its
//! "cannot be cleared" checks run (see [`Checks`]).

mod declare;
pub mod kinds;
pub mod schema;

pub(crate) use declare::{
    __apply_field, __apply_impl, __checks, __flag_not_null, __flag_required, __json_name,
    __known_flags, __schema_type, changes,
};

use std::collections::BTreeMap;

use utoipa::openapi::schema::Schema;

use crate::input::{ObjectReader, Patch};

/// How one field is read from a body and described in the OpenAPI document.
pub trait Kind {
    /// What the changes struct holds for the field: `Patch<T>` for an entity field.
    type Value: Slot;

    /// Reads the field `name`. `mode.required` is set on a create when the declaration
    /// marks the field `required` and the reader checks that as it reads; a kind need
    /// only handle it when it reports a missing value differently (see [`read_field`]).
    fn read(&self, r: &mut ObjectReader, name: &str, mode: Mode) -> Self::Value;

    /// The property's schema as the reader enforces it, without `null`: whether `null`
    /// is accepted depends on the declaration too, and is added by [`schema::body`].
    fn schema(&self) -> Schema;

    /// Whether JSON `null` is read as a value (for a patch: "clear the field").
    fn accepts_null(&self) -> bool {
        true
    }

    /// Whether the field belongs in a create body.
    fn in_create(&self) -> bool {
        true
    }

    /// Whether the field belongs in a patch body.
    fn in_patch(&self) -> bool {
        true
    }
}

/// What the reader is reading: a create or a patch, and whether this field is required.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    pub create: bool,
    pub required: bool,
}

/// When a declaration's `required` and `not_null` flags are checked. The three orders
/// exist because the readers written before the declarations reported in these three
/// orders, and their error lists must not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// Each field's checks right after the field is read.
    Inline,
    /// `required` as the field is read, "cannot be cleared" after every field is read.
    After,
    /// Neither: the entity's rules hook checks both (it may call the generated
    /// `check_required` and `check_not_null`), because its messages or order differ.
    ByHand,
}

/// Reads a field with `kind`, then, when it is required and nothing was given (and the
/// kind reported nothing about it), reports it as required.
pub fn read_field<K: Kind>(kind: &K, r: &mut ObjectReader, name: &str, mode: Mode) -> K::Value {
    let value = kind.read(r, name, mode);
    if mode.required && value.is_absent() && !has_error(r, name) {
        r.error(name, "required", "is required");
    }
    value
}

/// Whether the reader already reported something about the top-level field `name`.
pub fn has_error(r: &ObjectReader, name: &str) -> bool {
    r.errors.iter().any(|e| e.field == name)
}

/// The rules hook of an entity that has no rules beyond its declaration.
pub fn no_rules<T>(_: &mut ObjectReader, _: &T, _: bool) {}

/// What the generated checks need to know of a field's value, whatever its kind holds.
pub trait Slot {
    /// Nothing was given.
    fn is_absent(&self) -> bool;
    /// `null` was given (only a patch can hold that).
    fn is_null(&self) -> bool;
}

impl<T> Slot for Patch<T> {
    fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    fn is_null(&self) -> bool {
        matches!(self, Patch::Null)
    }
}

impl<T> Slot for Option<T> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }

    fn is_null(&self) -> bool {
        false
    }
}

/// A flag a kind derives from the body (absent reads as `false`).
impl Slot for bool {
    fn is_absent(&self) -> bool {
        false
    }

    fn is_null(&self) -> bool {
        false
    }
}

impl<K, V> Slot for BTreeMap<K, V> {
    fn is_absent(&self) -> bool {
        self.is_empty()
    }

    fn is_null(&self) -> bool {
        false
    }
}

/// A closed set of names read into an enum (see [`kinds::Enum`]).
pub trait Choice: Sized {
    fn parse(s: &str) -> Option<Self>;
    /// The allowed names as the error message lists them.
    fn names() -> String;
    /// Every name the reader accepts, aliases included, for the schema's `enum`.
    fn accepted() -> Vec<&'static str>;
}

/// [`Choice`] for an enum with `ALL`, `as_str`, `parse` and `names`, the shape every
/// closed set in the domain has.
macro_rules! choice {
    ($t:ty) => {
        impl $crate::changes::Choice for $t {
            fn parse(s: &str) -> Option<Self> {
                <$t>::parse(s)
            }

            fn names() -> String {
                <$t>::names()
            }

            fn accepted() -> Vec<&'static str> {
                <$t>::ALL.map(<$t>::as_str).to_vec()
            }
        }
    };
    // A set that also reads other spellings (a seed's names): `ALIASES` lists them.
    ($t:ty, with aliases) => {
        impl $crate::changes::Choice for $t {
            fn parse(s: &str) -> Option<Self> {
                <$t>::parse(s)
            }

            fn names() -> String {
                <$t>::names()
            }

            fn accepted() -> Vec<&'static str> {
                let aliases = <$t>::ALIASES.iter().map(|(a, _)| *a);
                <$t>::ALL
                    .map(<$t>::as_str)
                    .into_iter()
                    .chain(aliases)
                    .collect()
            }
        }
    };
}
pub(crate) use choice;

/// The value named `s`: one of `all` by its name, or one of `aliases` by its alias.
pub(crate) fn named<T: Copy>(
    s: &str,
    all: &[T],
    name: fn(T) -> &'static str,
    aliases: &[(&'static str, T)],
) -> Option<T> {
    all.iter()
        .copied()
        .find(|v| name(*v) == s)
        .or_else(|| aliases.iter().find(|(a, _)| *a == s).map(|(_, v)| *v))
}

/// An object nested in a body (an address), read and described by hand (see
/// [`kinds::Nested`]).
pub trait NestedObject: Sized {
    /// Reads the object's fields; `None` when it cannot be built (errors are reported).
    fn read(r: &mut ObjectReader) -> Option<Self>;
    /// The object's schema, `additionalProperties: false` as unknown fields are refused.
    fn schema() -> Schema;
}

#[cfg(test)]
mod tests;
