use rapport_db::Dialect;

use crate::steps::{self, Step};
use sha2::{Digest, Sha256};

/// One schema change, with its SQL for each engine.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    sqlite_up: &'static str,
    sqlite_down: &'static str,
    postgres_up: &'static str,
    postgres_down: &'static str,
    /// Run after the up SQL, in its transaction.
    pub(crate) up_step: Option<Step>,
    /// Run before the down SQL, in its transaction.
    pub(crate) down_step: Option<Step>,
}

impl Migration {
    pub fn up_sql(&self, dialect: Dialect) -> &'static str {
        match dialect {
            Dialect::Sqlite => self.sqlite_up,
            Dialect::Postgres => self.postgres_up,
        }
    }

    pub fn down_sql(&self, dialect: Dialect) -> &'static str {
        match dialect {
            Dialect::Sqlite => self.sqlite_down,
            Dialect::Postgres => self.postgres_down,
        }
    }

    /// Detects a migration edited after it was applied somewhere (its SQL; a step is
    /// code, fixed with the binary).
    pub fn checksum(&self, dialect: Dialect) -> String {
        hex::encode(Sha256::digest(self.up_sql(dialect).as_bytes()))
    }
}

macro_rules! migration {
    ($version:expr, $dir:literal) => {
        Migration {
            version: $version,
            name: $dir,
            sqlite_up: include_str!(concat!("../sql/", $dir, "/sqlite.up.sql")),
            sqlite_down: include_str!(concat!("../sql/", $dir, "/sqlite.down.sql")),
            postgres_up: include_str!(concat!("../sql/", $dir, "/postgres.up.sql")),
            postgres_down: include_str!(concat!("../sql/", $dir, "/postgres.down.sql")),
            up_step: None,
            down_step: None,
        }
    };
    ($version:expr, $dir:literal, up $up:expr, down $down:expr) => {
        Migration {
            up_step: Some($up),
            down_step: Some($down),
            ..migration!($version, $dir)
        }
    };
}

/// Every migration this binary knows, oldest first. Append only; never edit one that
/// has shipped.
pub static MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_platform"),
    migration!(2, "0002_customer_master"),
    migration!(3, "0003_pipeline"),
    migration!(4, "0004_distributions"),
    migration!(5, "0005_distributor_partners"),
    migration!(6, "0006_directory_users"),
    migration!(7, "0007_row_security"),
    migration!(8, "0008_search_prefixes"),
    migration!(9, "0009_seed_gaps", up steps::seed_gaps_up, down steps::seed_gaps_down),
    migration!(10, "0010_list_sorts"),
    migration!(11, "0011_orders"),
    migration!(12, "0012_lab"),
    migration!(13, "0013_lab_figures"),
    migration!(14, "0014_lab_view_indexes"),
];

pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}
