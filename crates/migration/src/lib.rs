//! Rapport's schema: one embedded, versioned migration set for both engines.
//!
//! Each migration has SQL per engine (the engines' types differ) and runs in its own
//! transaction, so a failed migration leaves the schema as it was. Applied versions and
//! checksums are kept in `schema_migrations`; failures in `schema_migration_failures`, so
//! that `status` and a refusing `serve` can say what happened.

mod batch_end;
mod runner;
mod set;
mod steps;

pub use runner::{
    check_current, check_current_readonly, down, status, up, Applied, MigrationError, SchemaStatus,
};
pub use set::{latest_version, Migration, MIGRATIONS};
