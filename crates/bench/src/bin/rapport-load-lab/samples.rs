//! What the loader adds up while it generates: the kept monthly counts and the number
//! series (as the store would have left them), and the samples file rapport-bench's view
//! scenarios read — offices from the busiest to the quietest, orders with an open
//! project, the open states, the months of the data — plus the reps by how many orders
//! they see, for timing a scoped call by hand.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use rapport_bench::customers::Rep;
use rapport_db::Value;
use uuid::Uuid;

use crate::generate::{OfficeRef, OrderRef, ProjectRef, State};

pub struct Samples {
    offices: Vec<Uuid>,
    office_owner: Vec<Option<Uuid>>,
    orders_per_office: Vec<u32>,
    reps: Vec<(Uuid, String)>,
    states: Vec<Uuid>,
    types: Vec<Uuid>,
    /// Orders per (month, office, type): `order_month_counts`' rows.
    month_counts: BTreeMap<(String, Uuid, Uuid), i64>,
    orders_per_state: [u64; 5],
    /// Orders that have at least one open project, by index, in order.
    open_project_orders: Vec<u32>,
    projects: u64,
    open_projects: u64,
    /// Last number taken per year, for `number_series`.
    pub order_numbers: BTreeMap<i32, i64>,
    pub project_numbers: BTreeMap<i32, i64>,
}

impl Samples {
    pub fn new(offices: &[OfficeRef], reps: &[Rep], states: &[Uuid], types: &[Uuid]) -> Self {
        Self {
            offices: offices.iter().map(|o| o.id).collect(),
            office_owner: offices.iter().map(|o| o.owner).collect(),
            orders_per_office: vec![0; offices.len()],
            reps: reps.iter().map(|r| (r.id, r.email.clone())).collect(),
            states: states.to_vec(),
            types: types.to_vec(),
            month_counts: BTreeMap::new(),
            orders_per_state: [0; 5],
            open_project_orders: Vec::new(),
            projects: 0,
            open_projects: 0,
            order_numbers: BTreeMap::new(),
            project_numbers: BTreeMap::new(),
        }
    }

    /// month_counts.rs `group`: the creation month in UTC, the office (the nil id for
    /// none), the type.
    pub fn add_order(&mut self, order: &OrderRef, type_index: usize) {
        let office = order.office as usize;
        self.orders_per_office[office] += 1;
        self.orders_per_state[order.state.index()] += 1;
        let key = (
            order.created.format("%Y-%m").to_string(),
            self.offices[office],
            self.types[type_index],
        );
        *self.month_counts.entry(key).or_default() += 1;
    }

    pub fn add_project(&mut self, project: &ProjectRef) {
        self.projects += 1;
        if project.status.is_open() {
            self.open_projects += 1;
            // An order's projects are made one after another.
            if self.open_project_orders.last() != Some(&project.order) {
                self.open_project_orders.push(project.order);
            }
        }
    }

    pub fn month_count_rows(&self) -> Vec<Vec<Value>> {
        self.month_counts
            .iter()
            .map(|((month, office, kind), n)| {
                vec![
                    month.clone().into(),
                    (*office).into(),
                    (*kind).into(),
                    (*n).into(),
                ]
            })
            .collect()
    }

    pub fn series_rows(&self) -> Vec<Vec<Value>> {
        let series = [
            ("order", &self.order_numbers),
            ("project", &self.project_numbers),
        ];
        series
            .into_iter()
            .flat_map(|(name, years)| {
                years
                    .iter()
                    .map(move |(year, last)| vec![name.into(), (*year).into(), (*last).into()])
            })
            .collect()
    }

    /// Reps by the orders of the offices they own, most first, as
    /// `{id, email, offices, orders}`: the busiest three, the median one and the quietest.
    fn reps_json(&self) -> Vec<serde_json::Value> {
        let mut per_rep: BTreeMap<Uuid, (u64, u64)> = BTreeMap::new();
        for (office, owner) in self.office_owner.iter().enumerate() {
            if let Some(owner) = owner {
                let entry = per_rep.entry(*owner).or_default();
                entry.0 += 1;
                entry.1 += u64::from(self.orders_per_office[office]);
            }
        }
        let mut list: Vec<(Uuid, String, u64, u64)> = self
            .reps
            .iter()
            .filter_map(|(id, email)| {
                let (offices, orders) = per_rep.get(id)?;
                Some((*id, email.clone(), *offices, *orders))
            })
            .collect();
        list.sort_by(|a, b| b.3.cmp(&a.3).then(a.0.cmp(&b.0)));
        let mut picked: Vec<usize> = vec![0, 1, 2, list.len() / 2, list.len().saturating_sub(1)];
        picked.retain(|&i| i < list.len());
        picked.dedup();
        picked
            .into_iter()
            .map(|i| {
                let (id, email, offices, orders) = &list[i];
                serde_json::json!({
                    "id": id.to_string(),
                    "email": email,
                    "offices": offices,
                    "orders": orders,
                })
            })
            .collect()
    }

    /// Offices with orders, spread from the one with the most to the one with the fewest.
    fn offices_json(&self, per_kind: usize) -> Vec<String> {
        let mut list: Vec<(u32, usize)> = self
            .orders_per_office
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (*n, i))
            .collect();
        list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let step = list.len().div_ceil(per_kind.max(1)).max(1);
        list.iter()
            .step_by(step)
            .map(|(_, i)| self.offices[*i].to_string())
            .collect()
    }

    pub fn write(&self, path: &Path, per_kind: usize, orders: &[OrderRef]) -> Result<()> {
        let wanted = per_kind.max(1);
        let step = self.open_project_orders.len().div_ceil(wanted).max(1);
        let open_orders: Vec<String> = self
            .open_project_orders
            .iter()
            .step_by(step)
            .map(|&i| orders[i as usize].id.to_string())
            .collect();
        let months: Vec<&String> = self.month_counts.keys().map(|(m, _, _)| m).collect();
        let by_state: serde_json::Map<String, serde_json::Value> = State::ALL
            .iter()
            .map(|s| (s.key().to_owned(), self.orders_per_state[s.index()].into()))
            .collect();
        let open_states: Vec<String> = [State::Created, State::Sent, State::InFulfillment]
            .iter()
            .map(|s| self.states[s.index()].to_string())
            .collect();
        let json = serde_json::json!({
            "orders": orders.len(),
            "orders_by_state": by_state,
            "projects": self.projects,
            "open_projects": self.open_projects,
            "order_month_counts": self.month_counts.len(),
            "months": {
                "first": months.first(),
                "last": months.last(),
            },
            "offices": self.offices_json(per_kind),
            "open_states": open_states,
            "order_types": self.types.iter().map(Uuid::to_string).collect::<Vec<_>>(),
            "open_project_orders": open_orders,
            "reps": self.reps_json(),
        });
        std::fs::write(path, format!("{json:#}\n"))
            .with_context(|| format!("writing {}", path.display()))
    }
}
