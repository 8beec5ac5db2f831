//! Settings every node shares (stored in the database, changed by admins through the
//! API): the active-product cap and each lead status's default probability.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::changes::{changes, no_rules, schema, Kind, Mode};
use crate::input::{ObjectReader, Patch};
use crate::lead::LeadStatus;
use crate::validation::Invalid;

pub const ACTIVE_PRODUCT_CAP: &str = "products.active_cap";
pub const LEAD_PROBABILITIES: &str = "leads.default_probabilities";
/// Seed 001's rule: a rep also sees the accounts they last updated.
pub const REPS_SEE_LAST_UPDATED: &str = "accounts.reps_see_last_updated";
/// Seed 001's rule: a rep may delete the accounts they created.
pub const REPS_DELETE_CREATED: &str = "accounts.reps_delete_created";
/// The lab (docs/lab.md): completing a project's last open task completes the project.
pub const COMPLETE_PROJECT_WITH_LAST_TASK: &str = "lab.complete_project_with_last_task";

/// Seed 002 allows three active products.
pub const DEFAULT_ACTIVE_PRODUCT_CAP: i64 = 3;
pub const MAX_ACTIVE_PRODUCT_CAP: i64 = 1_000_000;

pub fn default_probability(status: LeadStatus) -> i64 {
    match status {
        LeadStatus::New => 10,
        LeadStatus::Contacted => 20,
        LeadStatus::Qualified => 40,
        LeadStatus::Proposal => 60,
        LeadStatus::Negotiation => 80,
        LeadStatus::Won => 100,
        LeadStatus::Lost => 0,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Settings {
    /// Most products that may be active at once; 0 means no cap.
    pub active_product_cap: i64,
    /// The probability a lead takes when it enters each status without one given.
    #[schema(value_type = Object)]
    pub lead_probabilities: BTreeMap<LeadStatus, i64>,
    /// Seed 001's rule, off by default: a rep also sees (and works) the accounts they
    /// last updated, beside those they own, created or are assigned to.
    pub reps_see_accounts_they_updated: bool,
    /// Seed 001's rule, off by default: a rep may hard-delete the accounts they created.
    pub reps_delete_accounts_they_created: bool,
    /// Off by default: completing a project's last open task completes the project.
    pub complete_project_with_last_task: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            reps_see_accounts_they_updated: false,
            reps_delete_accounts_they_created: false,
            complete_project_with_last_task: false,
            active_product_cap: DEFAULT_ACTIVE_PRODUCT_CAP,
            lead_probabilities: LeadStatus::ALL
                .into_iter()
                .map(|s| (s, default_probability(s)))
                .collect(),
        }
    }
}

impl Settings {
    pub fn probability(&self, status: LeadStatus) -> i64 {
        self.lead_probabilities
            .get(&status)
            .copied()
            .unwrap_or_else(|| default_probability(status))
    }
}

changes! {
    /// A `PATCH /settings` body: only the keys given change; probabilities merge by status.
    #[derive(Debug, Clone, Default)]
    pub struct SettingsChanges {
        /// Most products that may be active at once; 0 means no cap.
        active_product_cap: ProductCap,
        /// The probability a lead takes when it enters each status without one given.
        lead_probabilities: Probabilities,
        /// Seed 001: a rep also sees the accounts they last updated.
        reps_see_accounts_they_updated: Switch,
        /// Seed 001: a rep may hard-delete the accounts they created.
        reps_delete_accounts_they_created: Switch,
        /// The lab: completing a project's last open task completes the project.
        complete_project_with_last_task: Switch,
    }
    patch schema SettingsPatch;
    // By hand: each kind reports its own `null`.
    checks by_hand;
}

impl SettingsChanges {
    pub fn read(body: Value) -> Result<Self, Invalid> {
        Self::read_checked(body, false, no_rules)
    }
}

/// The active-product cap: a new value or nothing; it cannot be cleared.
#[derive(Default)]
pub struct ProductCap;

impl ProductCap {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for ProductCap {
    type Value = Option<i64>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Option<i64> {
        match r.patch_int(name, 0, MAX_ACTIVE_PRODUCT_CAP) {
            Patch::Set(c) => Some(c),
            Patch::Null => {
                r.error(name, "required", "cannot be cleared (0 means no cap)");
                None
            }
            Patch::Absent => None,
        }
    }

    fn schema(&self) -> Schema {
        schema::int(0, MAX_ACTIVE_PRODUCT_CAP).build().into()
    }

    fn accepts_null(&self) -> bool {
        false
    }
}

/// A setting that is on or off: `true` or `false`, nothing else (not `null`).
#[derive(Default)]
pub struct Switch;

impl Switch {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for Switch {
    type Value = Option<bool>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Option<bool> {
        match r.patch_bool(name) {
            Patch::Set(b) => Some(b),
            Patch::Null => {
                r.error(name, "required", "must be true or false");
                None
            }
            Patch::Absent => None,
        }
    }

    fn schema(&self) -> Schema {
        ObjectBuilder::new()
            .schema_type(Type::Boolean)
            .build()
            .into()
    }

    fn accepts_null(&self) -> bool {
        false
    }
}

/// Default probabilities by status, 0–100 each; the statuses not given keep theirs.
#[derive(Default)]
pub struct Probabilities;

impl Probabilities {
    pub const fn new() -> Self {
        Self
    }
}

impl Kind for Probabilities {
    type Value = BTreeMap<LeadStatus, i64>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> BTreeMap<LeadStatus, i64> {
        let mut probabilities = BTreeMap::new();
        match r.raw(name) {
            None => {}
            Some(Value::Object(map)) => {
                for (status_name, v) in map {
                    let field = format!("{name}.{status_name}");
                    let Some(status) = LeadStatus::ALL
                        .into_iter()
                        .find(|s| s.as_str() == status_name)
                    else {
                        r.error(
                            &field,
                            "enum",
                            format!(
                                "is not a status; statuses: {}",
                                LeadStatus::ALL.map(LeadStatus::as_str).join(", ")
                            ),
                        );
                        continue;
                    };
                    match v.as_number().and_then(crate::validation::whole_number) {
                        Some(p) if (0..=100).contains(&p) => {
                            probabilities.insert(status, p);
                        }
                        _ => r.error(&field, "range", "must be a whole number from 0 to 100"),
                    }
                }
            }
            Some(_) => r.error(name, "type", "must be an object of status → 0–100"),
        }
        probabilities
    }

    /// An object with a property per status (seed 002's aliases are not keys here).
    fn schema(&self) -> Schema {
        LeadStatus::ALL
            .into_iter()
            .fold(schema::closed_object(), |o, s| {
                o.property(s.as_str(), schema::int(0, 100))
            })
            .build()
            .into()
    }

    fn accepts_null(&self) -> bool {
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
    fn the_patch_schema_is_as_strict_as_the_reader() {
        let patch = as_json(SettingsPatch::schema());
        assert_eq!(patch["additionalProperties"], false);
        let cap = &patch["properties"]["active_product_cap"];
        assert_eq!(cap["type"], "integer");
        assert_eq!(
            (cap["minimum"].clone(), cap["maximum"].clone()),
            (json!(0), json!(1_000_000))
        );
        let p = &patch["properties"]["lead_probabilities"];
        assert_eq!(p["additionalProperties"], false);
        assert_eq!(p["properties"]["won"]["maximum"], 100);
    }

    #[test]
    fn settings_are_read_as_before() {
        let e = SettingsChanges::read(json!({"active_product_cap": null,
                                             "lead_probabilities": {"maybe": 5, "won": 101}}))
        .unwrap_err();
        let got: Vec<(&str, &str)> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.message.as_str()))
                .collect();
        assert_eq!(
            got[0],
            ("active_product_cap", "cannot be cleared (0 means no cap)")
        );
        assert_eq!(got[1].0, "lead_probabilities.maybe");
        assert_eq!(
            got[2],
            (
                "lead_probabilities.won",
                "must be a whole number from 0 to 100"
            )
        );
        let ok = SettingsChanges::read(json!({"lead_probabilities": {"won": 90}})).unwrap();
        assert_eq!(ok.active_product_cap, None);
        assert_eq!(ok.lead_probabilities.get(&LeadStatus::Won), Some(&90));
    }
}
