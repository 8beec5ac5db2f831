//! The [`changes!`] macro and its helpers. The helpers are macros of their own because
//! what `apply_to` writes depends on a field's flags at the type level (a field that
//! cannot be cleared may be of a type with no empty value), which a runtime `if` cannot
//! express.

/// Declares a changes type once; see the module documentation of [`crate::changes`].
///
/// ```text
/// changes! {
///     /// A create or a patch of a widget.
///     #[derive(Debug, Clone, Default)]
///     pub struct WidgetChanges {
///         /// Shown in lists.
///         name: Text(200) [required not_null] then name_has_letters,
///         owner_id: Id,
///         colour: Enum<Colour>,
///         metadata: Object(MAX_METADATA_BYTES),
///         note as "status_note": OptionalText(2000) [no_apply],
///     }
///     apply to Widget, then Widget::refresh_keys;
///     create schema WidgetCreate;
///     patch schema WidgetPatch;
///     checks after;
///     read with widget_rules;
/// }
/// ```
///
/// Each field is `name [as "json_name"]: Kind[<T>][(args)] [[flags]] [then check]`, in the
/// order the reader reads them (the order errors are reported in):
///
/// - the kind (see [`crate::changes::kinds`]) gives the field's type (`Kind::Value`), how it
///   is read and its schema; `Kind::new(args)` builds it;
/// - `required`: must be given on a create (in the create schema's `required`);
/// - `not_null`: `null` is refused with "cannot be cleared" (and the schema is not
///   nullable); `apply_to` writes the field only when it is set;
/// - `no_apply`: not a field of the entity (or one the store derives itself);
/// - `then check`: `fn(&mut ObjectReader, &Value)`, run right after the field is read.
///
/// `apply to E[, then f]` generates `apply_to(self, &mut E)`, which ends by calling
/// `f(&mut E)` to recompute what the entity derives from its fields. `checks` is one of
/// `inline`, `after` or `by_hand` (see [`crate::changes::Checks`]). `read with rules`
/// generates `read(body, for_create)`, calling `rules(&mut ObjectReader, &Self, for_create)`
/// after the fields are read; without it the entity writes its own `read` around the
/// generated `read_checked` (when it needs more than the body, as distribution's `today`).
macro_rules! changes {
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $field:ident $(as $json:literal)? :
                    $kind:ident $(<$gen:ty>)? $(($($arg:expr),* $(,)?))?
                    $([$($flag:ident)*])? $(then $check:expr)?
            ),* $(,)?
        }
        $(apply to $entity:ty $(, then $after:path)?;)?
        $(create schema $create:ident;)?
        $(patch schema $patch:ident;)?
        checks $checks:ident;
        $(read with $rules:expr;)?
    ) => {
        $(#[$attr])*
        $vis struct $name {
            $(
                $(#[doc = $doc])*
                pub $field: <$kind $(<$gen>)? as $crate::changes::Kind>::Value,
            )*
        }

        impl $name {
            /// Reads a create (`for_create`) or a PATCH body field by field, in declaration
            /// order; `rules` adds the entity's own checks before unknown fields are
            /// reported. Every problem found is returned, not only the first.
            pub fn read_checked(
                body: ::serde_json::Value,
                for_create: bool,
                rules: impl FnOnce(&mut $crate::input::ObjectReader, &Self, bool),
            ) -> ::core::result::Result<Self, $crate::validation::Invalid> {
                let checks = $crate::changes::__checks!($checks);
                let mut r = $crate::input::ObjectReader::new(body)?;
                $(
                    let $field = {
                        $crate::changes::__known_flags!($($($flag)*)?);
                        let name = $crate::changes::__json_name!($field $($json)?);
                        let mode = $crate::changes::Mode {
                            create: for_create,
                            required: for_create
                                && checks != $crate::changes::Checks::ByHand
                                && $crate::changes::__flag_required!($($($flag)*)?),
                        };
                        let kind = <$kind $(<$gen>)?>::new($($($arg),*)?);
                        let value = $crate::changes::read_field(&kind, &mut r, name, mode);
                        if checks == $crate::changes::Checks::Inline
                            && $crate::changes::__flag_not_null!($($($flag)*)?)
                            && $crate::changes::Slot::is_null(&value)
                        {
                            r.error(name, "required", "cannot be cleared");
                        }
                        $( ($check)(&mut r, &value); )?
                        value
                    };
                )*
                let changes = Self { $($field),* };
                if checks == $crate::changes::Checks::After {
                    changes.check_not_null(&mut r);
                }
                rules(&mut r, &changes, for_create);
                r.finish()?;
                Ok(changes)
            }

            /// On a create, reports each `required` field that was not given (and about
            /// which nothing else was reported), in declaration order. For rules hooks
            /// that check by hand.
            pub fn check_required(&self, r: &mut $crate::input::ObjectReader, for_create: bool) {
                $(
                    let name = $crate::changes::__json_name!($field $($json)?);
                    if for_create
                        && $crate::changes::__flag_required!($($($flag)*)?)
                        && $crate::changes::Slot::is_absent(&self.$field)
                        && !$crate::changes::has_error(r, name)
                    {
                        r.error(name, "required", "is required");
                    }
                )*
            }

            /// Reports each `not_null` field given as `null`, in declaration order.
            pub fn check_not_null(&self, r: &mut $crate::input::ObjectReader) {
                $(
                    if $crate::changes::__flag_not_null!($($($flag)*)?)
                        && $crate::changes::Slot::is_null(&self.$field)
                    {
                        let name = $crate::changes::__json_name!($field $($json)?);
                        r.error(name, "required", "cannot be cleared");
                    }
                )*
            }

            /// The OpenAPI schema of a create (`create`) or a patch body.
            pub fn request_schema(
                create: bool,
            ) -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                $crate::changes::schema::body(create, vec![
                    $(
                        $crate::changes::schema::Prop::of(
                            &<$kind $(<$gen>)?>::new($($($arg),*)?),
                            $crate::changes::__json_name!($field $($json)?),
                            &[$($doc),*],
                            $crate::changes::__flag_required!($($($flag)*)?),
                            $crate::changes::__flag_not_null!($($($flag)*)?),
                        ),
                    )*
                ])
            }
        }

        $crate::changes::__apply_impl! {
            [$($entity $(, $after)?)?] $name { $( $field [$($($flag)*)?] )* }
        }
        $( $crate::changes::__schema_type!($create, $name, true, "create"); )?
        $( $crate::changes::__schema_type!($patch, $name, false, "patch"); )?
        $(
            impl $name {
                /// Reads a create (`for_create`) or a PATCH body.
                pub fn read(
                    body: ::serde_json::Value,
                    for_create: bool,
                ) -> ::core::result::Result<Self, $crate::validation::Invalid> {
                    Self::read_checked(body, for_create, $rules)
                }
            }
        )?
    };
}
pub(crate) use changes;

/// `apply_to`, when the declaration names its entity.
macro_rules! __apply_impl {
    ([] $name:ident { $($field:ident [$($flag:ident)*])* }) => {};
    ([$entity:ty $(, $after:path)?] $name:ident { $($field:ident [$($flag:ident)*])* }) => {
        impl $name {
            /// Writes every field this change sets or clears onto `entity`: a set field
            /// takes its value; a cleared one becomes empty (`None`, `""`, `[]`, `{}`);
            /// fields that cannot be cleared are written only when set. Then recomputes
            /// what the entity derives from its fields.
            // A field of type `T` set from a `Patch<T>` converts to itself.
            #[allow(clippy::useless_conversion)]
            pub fn apply_to(self, entity: &mut $entity) {
                $( $crate::changes::__apply_field!(self, entity, $field; $($flag)*); )*
                $( $after(entity); )?
            }
        }
    };
}
pub(crate) use __apply_impl;

/// One field of `apply_to`, by its flags (`no_apply` anywhere wins over `not_null`).
macro_rules! __apply_field {
    (@set $from:ident, $to:ident, $field:ident;) => {
        if let $crate::input::Patch::Set(v) = $from.$field {
            $to.$field = ::core::convert::Into::into(v);
        }
    };
    (@set $from:ident, $to:ident, $field:ident; no_apply $($rest:ident)*) => {};
    (@set $from:ident, $to:ident, $field:ident; $other:ident $($rest:ident)*) => {
        $crate::changes::__apply_field!(@set $from, $to, $field; $($rest)*)
    };
    ($from:ident, $to:ident, $field:ident;) => {
        match $from.$field {
            $crate::input::Patch::Absent => {}
            $crate::input::Patch::Null => $to.$field = ::core::default::Default::default(),
            $crate::input::Patch::Set(v) => $to.$field = ::core::convert::Into::into(v),
        }
    };
    ($from:ident, $to:ident, $field:ident; no_apply $($rest:ident)*) => {};
    ($from:ident, $to:ident, $field:ident; not_null $($rest:ident)*) => {
        $crate::changes::__apply_field!(@set $from, $to, $field; $($rest)*)
    };
    ($from:ident, $to:ident, $field:ident; $other:ident $($rest:ident)*) => {
        $crate::changes::__apply_field!($from, $to, $field; $($rest)*)
    };
}
pub(crate) use __apply_field;

/// A schema type implementing `utoipa::ToSchema` for one body of a changes type.
macro_rules! __schema_type {
    ($schema:ident, $name:ident, $create:expr, $word:literal) => {
        #[doc = concat!(
            "The ", $word, " body of [`", stringify!($name), "`] for the OpenAPI document, ",
            "generated from the same declaration as its reader."
        )]
        pub struct $schema;

        impl ::utoipa::PartialSchema for $schema {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                $name::request_schema($create)
            }
        }

        impl ::utoipa::ToSchema for $schema {
            fn name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($schema))
            }
        }
    };
}
pub(crate) use __schema_type;

macro_rules! __json_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident $json:literal) => {
        $json
    };
}
pub(crate) use __json_name;

macro_rules! __checks {
    (inline) => {
        $crate::changes::Checks::Inline
    };
    (after) => {
        $crate::changes::Checks::After
    };
    (by_hand) => {
        $crate::changes::Checks::ByHand
    };
}
pub(crate) use __checks;

macro_rules! __flag_required {
    () => {
        false
    };
    (required $($rest:ident)*) => {
        true
    };
    ($other:ident $($rest:ident)*) => {
        $crate::changes::__flag_required!($($rest)*)
    };
}
pub(crate) use __flag_required;

macro_rules! __flag_not_null {
    () => {
        false
    };
    (not_null $($rest:ident)*) => {
        true
    };
    ($other:ident $($rest:ident)*) => {
        $crate::changes::__flag_not_null!($($rest)*)
    };
}
pub(crate) use __flag_not_null;

/// Refuses a misspelt flag, which would otherwise be ignored without a word.
macro_rules! __known_flags {
    () => {};
    (required $($rest:ident)*) => {
        $crate::changes::__known_flags!($($rest)*)
    };
    (not_null $($rest:ident)*) => {
        $crate::changes::__known_flags!($($rest)*)
    };
    (no_apply $($rest:ident)*) => {
        $crate::changes::__known_flags!($($rest)*)
    };
    ($other:ident $($rest:ident)*) => {
        compile_error!(concat!("unknown changes! flag: ", stringify!($other)))
    };
}
pub(crate) use __known_flags;
