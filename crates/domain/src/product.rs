//! Products (seed 002): what a lead is interested in. At most a configurable number may
//! be active at once; the catalogue issue adds SKUs' prices and durations around them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::account::MAX_METADATA_BYTES;
use crate::input::{ObjectReader, Patch};
use crate::normalize::company_key;
use crate::validation::Invalid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Product {
    pub id: Uuid,
    /// Unique, ignoring case, spacing and punctuation.
    pub name: String,
    pub description: Option<String>,
    pub active: bool,
    pub sku: Option<String>,
    pub legacy_id: Option<String>,
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Product {
    pub fn name_key(&self) -> String {
        company_key(&self.name)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProductChanges {
    pub name: Patch<String>,
    pub description: Patch<String>,
    pub active: Patch<bool>,
    pub sku: Patch<String>,
    pub legacy_id: Patch<String>,
    pub metadata: Patch<Map<String, Value>>,
}

impl ProductChanges {
    pub fn read(body: Value, for_create: bool) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let name = if for_create {
            r.required_string("name", 200)
                .map_or(Patch::Absent, Patch::Set)
        } else {
            r.patch_string("name", 200)
        };
        if let Patch::Set(n) = &name {
            if company_key(n).is_empty() {
                r.error("name", "letters", "must contain a letter or digit");
            }
        }
        let changes = ProductChanges {
            name,
            description: r.patch_string("description", 5000),
            active: r.patch_bool("active"),
            sku: r.patch_string("sku", 100),
            legacy_id: r.patch_string("legacy_id", 200),
            metadata: r.patch_object("metadata", MAX_METADATA_BYTES),
        };
        for (field, cleared) in [
            ("name", changes.name == Patch::Null),
            ("active", changes.active == Patch::Null),
        ] {
            if cleared {
                r.error(field, "required", "cannot be cleared");
            }
        }
        r.finish()?;
        Ok(changes)
    }
}
