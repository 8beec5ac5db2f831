//! Products (seeds 002, 003 and 004): what a lead is interested in and what an order
//! sells. At most a configurable number may be active at once. A product has a list price
//! (`unit_price`, sold once) and may have quantity price tiers per period
//! (`price_tier`), which then price it instead (docs/orders.md, "Catalogue").

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::account::MAX_METADATA_BYTES;
use crate::changes::kinds::{Currency, Flag, Money, Object, Text};
use crate::changes::{changes, no_rules};
use crate::input::{ObjectReader, Patch};
use crate::money::canonical;
use crate::normalize::company_key;
use crate::validation::Invalid;

/// A product as the API returns it. `Default` is the blank a create starts from (see
/// [`Product::blank`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Product {
    pub id: Uuid,
    /// Unique, ignoring case, spacing and punctuation.
    pub name: String,
    pub description: Option<String>,
    pub active: bool,
    /// Unique when present.
    pub sku: Option<String>,
    /// What kind of thing it is (free text: appliance, service, license…).
    pub r#type: Option<String>,
    /// What a quantity counts (free text: TB, user, seat…).
    pub unit: Option<String>,
    pub category: Option<String>,
    /// The list price per unit: exact, at most 4 decimal places, never negative; what a
    /// product without price tiers sells at, once.
    #[schema(value_type = Option<String>, example = "1234.50")]
    pub unit_price: Option<Decimal>,
    /// ISO 4217; required with a list price.
    pub currency: Option<String>,
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

    /// What a product derives from its fields, after changes and reads: the list price
    /// written with its currency's minor units (`12.5` EUR reads `"12.50"`; four places
    /// stay four).
    pub fn refresh_derived(&mut self) {
        if let Some(p) = self.unit_price {
            self.unit_price = Some(canonical(p, self.currency.as_deref()));
        }
    }

    /// The rules that span fields, checked on the merged record before every write.
    pub fn check(&self) -> Result<(), Invalid> {
        if self.unit_price.is_some() && self.currency.is_none() {
            return Err(Invalid(vec![crate::FieldError::new(
                "currency",
                "depends",
                "is required with a unit_price",
            )]));
        }
        Ok(())
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
        /// Unique when present.
        sku: Text(100),
        /// Free text: appliance, service, license…
        r#type as "type": Text(100),
        /// What a quantity counts: TB, user, seat…
        unit: Text(50),
        category: Text(100),
        /// The list price per unit, a decimal string with at most 4 places, e.g.
        /// "1234.50"; never a JSON number. Price tiers, when the product has any, price
        /// it instead.
        unit_price: Money,
        /// ISO 4217; required with a unit_price.
        currency: Currency,
        legacy_id: Text(200),
        metadata: Object(MAX_METADATA_BYTES),
    }
    apply to Product, then Product::refresh_derived;
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

    #[test]
    fn catalogue_fields_read_apply_and_show_as_the_api_names_them() {
        let mut p = Product::blank(None, Utc::now());
        let body = json!({"name": "Backup", "type": "service", "unit": "TB",
                          "category": "storage", "unit_price": "12.5", "currency": "EUR"});
        ProductChanges::read(body, true).unwrap().apply_to(&mut p);
        assert_eq!(p.r#type.as_deref(), Some("service"));
        assert_eq!(
            p.unit_price.map(|d| d.to_string()).as_deref(),
            Some("12.50")
        );
        assert!(p.check().is_ok());
        let shown = serde_json::to_value(&p).unwrap();
        assert_eq!(
            (shown["type"].clone(), shown["unit_price"].clone()),
            (json!("service"), json!("12.50"))
        );
        // Four places stay four; a fifth is refused, as is a number or a negative.
        ProductChanges::read(json!({"unit_price": "0.1234"}), false)
            .unwrap()
            .apply_to(&mut p);
        assert_eq!(
            p.unit_price.map(|d| d.to_string()).as_deref(),
            Some("0.1234")
        );
        for (bad, rule) in [
            (json!("1.23456"), "decimal"),
            (json!(12.5), "type"),
            (json!("-1"), "minimum"),
        ] {
            let e = ProductChanges::read(json!({"unit_price": bad}), false).unwrap_err();
            assert_eq!(
                (e.0[0].field.as_str(), e.0[0].rule.as_str()),
                ("unit_price", rule)
            );
        }
        // A list price needs its currency.
        p.currency = None;
        let e = p.check().unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].rule.as_str()),
            ("currency", "depends")
        );
        let create = as_json(ProductCreate::schema());
        assert_eq!(create["properties"]["type"]["maxLength"], 100);
        assert!(create["properties"]["unit_price"]["pattern"].is_string());
        assert!(create["properties"].get("r#type").is_none());
    }
}
