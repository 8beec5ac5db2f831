//! Settings every node shares (stored in the database, changed by admins through the
//! API): the active-product cap and each lead status's default probability.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::input::{ObjectReader, Patch};
use crate::lead::LeadStatus;
use crate::validation::Invalid;

pub const ACTIVE_PRODUCT_CAP: &str = "products.active_cap";
pub const LEAD_PROBABILITIES: &str = "leads.default_probabilities";

/// Seed 002 allows three active products.
pub const DEFAULT_ACTIVE_PRODUCT_CAP: i64 = 3;

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
}

impl Default for Settings {
    fn default() -> Self {
        Self {
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

/// A `PATCH /settings` body: only the keys given change; probabilities merge by status.
#[derive(Debug, Clone, Default)]
pub struct SettingsChanges {
    pub active_product_cap: Option<i64>,
    pub lead_probabilities: BTreeMap<LeadStatus, i64>,
}

impl SettingsChanges {
    pub fn read(body: Value) -> Result<Self, Invalid> {
        let mut r = ObjectReader::new(body)?;
        let cap = match r.patch_int("active_product_cap", 0, 1_000_000) {
            Patch::Set(c) => Some(c),
            Patch::Null => {
                r.error(
                    "active_product_cap",
                    "required",
                    "cannot be cleared (0 means no cap)",
                );
                None
            }
            Patch::Absent => None,
        };
        let mut probabilities = BTreeMap::new();
        match r.raw("lead_probabilities") {
            None => {}
            Some(Value::Object(map)) => {
                for (name, v) in map {
                    let field = format!("lead_probabilities.{name}");
                    let Some(status) = LeadStatus::ALL.into_iter().find(|s| s.as_str() == name)
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
                    match v.as_i64() {
                        Some(p) if (0..=100).contains(&p) => {
                            probabilities.insert(status, p);
                        }
                        _ => r.error(&field, "range", "must be a whole number from 0 to 100"),
                    }
                }
            }
            Some(_) => r.error(
                "lead_probabilities",
                "type",
                "must be an object of status → 0–100",
            ),
        }
        r.finish()?;
        Ok(SettingsChanges {
            active_product_cap: cap,
            lead_probabilities: probabilities,
        })
    }
}
