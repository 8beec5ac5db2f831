//! The sales dashboard as the distribution benchmark sees it: the samples file
//! `rapport-load-distributions` writes (reps, SKUs, states, customers, the months the data
//! covers) and the request windows `rapport-bench` times and `rapport-check-distributions`
//! verifies. Both read the file through [`Samples`], so they always ask for the same
//! windows.

use std::path::Path;

use anyhow::{ensure, Context, Result};
use chrono::NaiveDate;
use rapport_domain::distribution::month_start;
use serde_json::{json, Value as Json};

pub const PATH: &str = "/api/v1/dashboards/sales";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interval {
    Month,
    Quarter,
    Year,
}

impl Interval {
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Month => "month",
            Interval::Quarter => "quarter",
            Interval::Year => "year",
        }
    }

    pub fn months(self) -> i32 {
        match self {
            Interval::Month => 1,
            Interval::Quarter => 3,
            Interval::Year => 12,
        }
    }

    /// The interval a month index falls in, numbered like month indices (`month / 3`
    /// for quarters): calendar quarters and years, since month 0 is a January.
    pub fn bucket(self, month: i32) -> i32 {
        month.div_euclid(self.months())
    }

    /// First day of interval `bucket`.
    pub fn start(self, bucket: i32) -> NaiveDate {
        month_start(bucket * self.months())
    }
}

/// The dashboard's optional filters, as query parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub rep_id: Option<String>,
    pub sku: Option<String>,
    pub state: Option<String>,
}

impl Filter {
    /// For reports: rep ids shortened to their first 8 characters.
    pub fn describe(&self) -> String {
        let rep = self
            .rep_id
            .as_ref()
            .map(|id| match id.char_indices().nth(8) {
                Some((cut, _)) => format!("{}…", &id[..cut]),
                None => id.clone(),
            });
        let parts: Vec<String> = [("rep_id", &rep), ("sku", &self.sku), ("state", &self.state)]
            .iter()
            .filter_map(|(name, v)| v.as_ref().map(|v| format!("{name}={v}")))
            .collect();
        if parts.is_empty() {
            "unfiltered".into()
        } else {
            parts.join(" ")
        }
    }
}

/// One dashboard request: whole months `[from_month, to_month)` (month indices as
/// `rapport_domain::distribution::month_index`), by `interval`, under `filter`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    pub from_month: i32,
    pub to_month: i32,
    pub interval: Interval,
    pub filter: Filter,
}

impl Window {
    pub fn months(from_month: i32, to_month: i32, interval: Interval, filter: Filter) -> Self {
        Self {
            from_month,
            to_month,
            interval,
            filter,
        }
    }

    pub fn from(&self) -> NaiveDate {
        month_start(self.from_month)
    }

    /// Exclusive.
    pub fn to(&self) -> NaiveDate {
        month_start(self.to_month)
    }

    /// The request path with its query string.
    pub fn path(&self) -> String {
        let mut path = format!(
            "{PATH}?from={}&to={}&interval={}",
            self.from(),
            self.to(),
            self.interval.as_str()
        );
        for (name, value) in [
            ("rep_id", &self.filter.rep_id),
            ("sku", &self.filter.sku),
            ("state", &self.filter.state),
        ] {
            if let Some(v) = value {
                path.push_str(&format!("&{name}={}", encode(v)));
            }
        }
        path
    }

    pub fn label(&self) -> String {
        format!(
            "{}..{} by {} {}",
            self.from(),
            self.to(),
            self.interval.as_str(),
            self.filter.describe()
        )
    }

    /// Every interval the answer must list, in order, including empty ones.
    pub fn buckets(&self) -> Vec<i32> {
        let first = self.interval.bucket(self.from_month);
        let last = self.interval.bucket(self.to_month - 1);
        (first..=last).collect()
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters: SKUs and names may
/// hold `&`, `+` or spaces.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A loaded customer, for bulk ingest (linked by id, or unlinked by name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleCustomer {
    pub id: String,
    pub name: String,
    pub rep_id: Option<String>,
}

/// What `rapport-load-distributions` writes for the benchmark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Samples {
    pub entries: u64,
    /// First and last month with ship dates, and the last month the data covers whole.
    pub first_month: i32,
    pub last_month: i32,
    pub last_full_month: i32,
    /// Rep user ids, from the one with the most entries to the one with the fewest.
    pub reps: Vec<String>,
    /// SKUs for the filtered scenarios, spread from the busiest to quiet ones.
    pub skus: Vec<String>,
    /// Every loaded SKU, most popular first (what bulk ingest ships).
    pub all_skus: Vec<String>,
    /// State codes of the customers' accounts, the most customers first.
    pub states: Vec<String>,
    /// Customers still buying at the end of the data.
    pub customers: Vec<SampleCustomer>,
}

fn month_text(month: i32) -> String {
    month_start(month).format("%Y-%m").to_string()
}

fn parse_month(text: &str) -> Option<i32> {
    let d = NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").ok()?;
    Some(rapport_domain::distribution::month_index(d))
}

impl Samples {
    pub fn to_json(&self) -> Json {
        json!({
            "entries": self.entries,
            "months": {
                "first": month_text(self.first_month),
                "last": month_text(self.last_month),
                "last_full": month_text(self.last_full_month),
            },
            "reps": self.reps,
            "skus": self.skus,
            "all_skus": self.all_skus,
            "states": self.states,
            "customers": self.customers.iter().map(|c| json!({
                "id": c.id,
                "name": c.name,
                "rep_id": c.rep_id,
            })).collect::<Vec<_>>(),
        })
    }

    pub fn from_json(json: &Json) -> Result<Self> {
        let strings = |key: &str| -> Vec<String> {
            json[key]
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let month = |key: &str| -> Result<i32> {
            json["months"][key]
                .as_str()
                .and_then(parse_month)
                .with_context(|| format!("samples file has no months.{key} (YYYY-MM)"))
        };
        let customers = json["customers"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|c| {
                        Some(SampleCustomer {
                            id: c["id"].as_str()?.to_owned(),
                            name: c["name"].as_str()?.to_owned(),
                            rep_id: c["rep_id"].as_str().map(str::to_owned),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let samples = Self {
            entries: json["entries"].as_u64().unwrap_or_default(),
            first_month: month("first")?,
            last_month: month("last")?,
            last_full_month: month("last_full")?,
            reps: strings("reps"),
            skus: strings("skus"),
            all_skus: strings("all_skus"),
            states: strings("states"),
            customers,
        };
        ensure!(
            samples.first_month <= samples.last_full_month,
            "the samples' data covers no whole month"
        );
        Ok(samples)
    }

    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading distribution samples {}", path.display()))?;
        let json: Json = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        Self::from_json(&json).with_context(|| format!("in {}", path.display()))
    }

    /// Up to `count` twelve-month windows `[from, to)` aligned to month starts: the one
    /// ending with the last whole month of the data, then each one ending a month
    /// earlier. Windows would start before the data only when it covers less than a
    /// year; then the whole data is one window.
    pub fn year_windows(&self, count: usize) -> Vec<(i32, i32)> {
        let end = self.last_full_month + 1;
        let mut windows: Vec<(i32, i32)> = (0..count as i32)
            .map(|back| (end - back - 12, end - back))
            .filter(|(from, _)| *from >= self.first_month)
            .collect();
        if windows.is_empty() {
            windows.push((self.first_month, end));
        }
        windows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Samples {
        Samples {
            entries: 10,
            first_month: 2021 * 12 + 10,
            last_month: 2026 * 12 + 9,
            last_full_month: 2026 * 12 + 9,
            reps: vec!["r1".into()],
            skus: vec!["IMP-1000".into()],
            all_skus: vec!["IMP-1000".into(), "GLV-1009".into()],
            states: vec!["CA".into()],
            customers: vec![SampleCustomer {
                id: "c1".into(),
                name: "Ashbrook Dental".into(),
                rep_id: None,
            }],
        }
    }

    #[test]
    fn samples_round_trip() -> Result<()> {
        let s = samples();
        assert_eq!(Samples::from_json(&s.to_json())?, s);
        Ok(())
    }

    #[test]
    fn windows_are_twelve_whole_months_ending_with_the_data() {
        let s = samples();
        let w = s.year_windows(3);
        assert_eq!(w.len(), 3);
        assert_eq!(month_start(w[0].0).to_string(), "2025-11-01");
        assert_eq!(month_start(w[0].1).to_string(), "2026-11-01");
        assert_eq!(month_start(w[2].1).to_string(), "2026-09-01");
        let short = Samples {
            first_month: 2026 * 12 + 3,
            ..s
        };
        assert_eq!(short.year_windows(3), [(2026 * 12 + 3, 2026 * 12 + 10)]);
    }

    #[test]
    fn paths_and_buckets() {
        let w = Window::months(
            2025 * 12 + 10,
            2026 * 12 + 10,
            Interval::Quarter,
            Filter {
                sku: Some("A&B 1".into()),
                ..Filter::default()
            },
        );
        assert_eq!(
            w.path(),
            "/api/v1/dashboards/sales?from=2025-11-01&to=2026-11-01&interval=quarter&sku=A%26B%201"
        );
        // Nov 2025 is in Q4 2025; Oct 2026 in Q4 2026: five calendar quarters.
        let b = w.buckets();
        assert_eq!(b.len(), 5);
        assert_eq!(Interval::Quarter.start(b[0]).to_string(), "2025-10-01");
        assert_eq!(Interval::Year.start(2026).to_string(), "2026-01-01");
    }
}
