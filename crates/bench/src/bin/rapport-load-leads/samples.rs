//! The samples file rapport-bench's lead scenarios read: ids drawn evenly from every
//! loaded lead (get, activities), ids of open, unarchived leads (status changes), the
//! statuses that have leads, and the search prefixes.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result};
use rapport_bench::customers::Rng;
use rapport_bench::lead_data::SEARCH_PREFIXES;
use rapport_domain::lead::LeadStatus;
use uuid::Uuid;

/// A uniform random sample of at most `cap` of the ids offered (reservoir sampling), so
/// that requests spread over the whole table, as real ones would, without the file
/// listing a million ids.
pub struct Reservoir {
    cap: usize,
    seen: u64,
    ids: Vec<Uuid>,
    rng: Rng,
}

impl Reservoir {
    pub fn new(cap: usize, seed: u64) -> Self {
        Self {
            cap,
            seen: 0,
            ids: Vec::with_capacity(cap.min(1 << 20)),
            rng: Rng::new(seed),
        }
    }

    pub fn offer(&mut self, id: Uuid) {
        self.seen += 1;
        if self.ids.len() < self.cap {
            self.ids.push(id);
            return;
        }
        let slot = self.rng.next_u64() % self.seen;
        if let Ok(slot) = usize::try_from(slot) {
            if slot < self.cap {
                self.ids[slot] = id;
            }
        }
    }

    fn strings(&self) -> Vec<String> {
        self.ids.iter().map(Uuid::to_string).collect()
    }
}

pub struct Samples {
    /// Drawn from every lead, archived and closed ones too.
    pub leads: Reservoir,
    /// Open and unarchived: the ones a status change may move.
    pub open: Reservoir,
    /// Statuses with unarchived leads, for the by-status list.
    statuses: BTreeSet<LeadStatus>,
}

impl Samples {
    pub fn new(seed: u64, leads: usize, open: usize) -> Self {
        Self {
            leads: Reservoir::new(leads, seed ^ 0x1ead),
            open: Reservoir::new(open, seed ^ 0x0be7),
            statuses: BTreeSet::new(),
        }
    }

    pub fn add(&mut self, id: Uuid, status: LeadStatus, archived: bool) {
        self.leads.offer(id);
        if !archived {
            self.statuses.insert(status);
            if !status.is_final() {
                self.open.offer(id);
            }
        }
    }

    pub fn write(&self, path: &Path, leads: usize, activities_per_lead: usize) -> Result<()> {
        let json = serde_json::json!({
            "leads": leads,
            "activities_per_lead": activities_per_lead,
            "statuses": self.statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            "search_prefixes": SEARCH_PREFIXES,
            "lead_ids": self.leads.strings(),
            "open_lead_ids": self.open.strings(),
        });
        std::fs::write(path, format!("{json}\n"))
            .with_context(|| format!("writing {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservoir_keeps_an_even_sample() {
        let mut r = Reservoir::new(1_000, 7);
        for i in 0..100_000u128 {
            r.offer(Uuid::from_u128(i));
        }
        assert_eq!(r.ids.len(), 1_000);
        // Roughly a tenth from each tenth of the stream.
        let late = r.ids.iter().filter(|id| id.as_u128() >= 90_000).count();
        assert!((60..140).contains(&late), "{late}");
    }

    #[test]
    fn only_unarchived_open_leads_may_move() {
        let mut s = Samples::new(1, 10, 10);
        s.add(Uuid::from_u128(1), LeadStatus::New, false);
        s.add(Uuid::from_u128(2), LeadStatus::Won, false);
        s.add(Uuid::from_u128(3), LeadStatus::Proposal, true);
        assert_eq!(s.leads.ids.len(), 3);
        assert_eq!(s.open.ids, [Uuid::from_u128(1)]);
        assert_eq!(
            s.statuses.iter().copied().collect::<Vec<_>>(),
            [LeadStatus::New, LeadStatus::Won]
        );
    }
}
