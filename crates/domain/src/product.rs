//! Products (seed 002): what a lead is interested in. At most a configurable number may
//! be active at once; the catalogue issue adds SKUs' prices and durations around them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::account::MAX_METADATA_BYTES;
use crate::changes::kinds::{Flag, Object, Text};
use crate::changes::{changes, no_rules};
use crate::input::{ObjectReader, Patch};
use crate::normalize::company_key;

/// A product as the API returns it. `Default` is the blank a create starts from (see
/// [`Product::blank`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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
    /// A new, active product before its changes are applied, created now by `by`.
    pub fn blank(by: Option<Uuid>, at: DateTime<Utc>) -> Self {
        Self {
            id: crate::new_id(),
            active: true,
            created_by: by,
            updated_by: by,
            created_at: at,
            updated_at: at,
            version: 1,
            ..Self::default()
        }
    }

    pub fn name_key(&self) -> String {
        company_key(&self.name)
    }
}

changes! {
    /// A create or a patch of a product.
    #[derive(Debug, Clone, Default)]
    pub struct ProductChanges {
        /// Unique, ignoring case, spacing and punctuation.
        name: Text(200) [required not_null] then name_has_letters,
        description: Text(5000),
        /// True unless given. At most `active_product_cap` (setting) products are active
        /// at once.
        active: Flag [not_null],
        sku: Text(100),
        legacy_id: Text(200),
        metadata: Object(MAX_METADATA_BYTES),
    }
    apply to Product;
    create schema ProductCreate;
    patch schema ProductPatch;
    checks after;
    read with no_rules;
}

fn name_has_letters(r: &mut ObjectReader, name: &Patch<String>) {
    if let Patch::Set(n) = name {
        if company_key(n).is_empty() {
            r.error(
                "name",
                "letters_or_digits",
                "must contain a letter or digit",
            );
        }
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
        let create = as_json(ProductCreate::schema());
        assert_eq!(create["required"], json!(["name"]));
        let p = &create["properties"];
        assert_eq!(p["name"]["maxLength"], 200);
        assert_eq!(p["active"]["type"], "boolean");
        assert_eq!(p["sku"]["type"], json!(["string", "null"]));
        let patch = as_json(ProductPatch::schema());
        assert!(
            patch.get("required").is_none_or(|r| r == &json!([])),
            "{patch}"
        );
        assert_eq!(patch["additionalProperties"], false);
    }

    #[test]
    fn a_name_needs_letters_and_changes_apply() {
        let e = ProductChanges::read(json!({"name": "--"}), true).unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].rule.as_str()),
            ("name", "letters_or_digits")
        );
        let mut p = Product::blank(None, Utc::now());
        ProductChanges::read(json!({"name": "Scanner X", "sku": "SX"}), true)
            .unwrap()
            .apply_to(&mut p);
        assert!(p.active);
        assert_eq!(
            (p.name.as_str(), p.sku.as_deref()),
            ("Scanner X", Some("SX"))
        );
        ProductChanges::read(json!({"active": false, "sku": null}), false)
            .unwrap()
            .apply_to(&mut p);
        assert!(!p.active && p.sku.is_none());
    }
}
