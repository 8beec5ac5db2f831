//! The lead scenarios that write (issue #15): `lead-create` posts a new lead like the
//! loaded ones, `lead-status` moves an open lead to the next open status with `If-Match`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use bytes::Bytes;
use hyper::header::{HeaderValue, IF_MATCH};
use hyper::{Method, StatusCode};
use rapport_bench::lead_data::{self, next_open, Person, OPEN_STATUSES};
use rapport_domain::lead::LeadStatus;

use crate::client::{json_bytes, Conn};
use crate::leads::LEADS;
use crate::scenario::success;
use crate::stats::Failure;

/// Numbers the created leads of a run (one counter shared by all workers): it makes
/// their emails and phones distinct and picks their names.
pub struct LeadNumbers {
    run_id: u64,
    next: AtomicU64,
}

impl LeadNumbers {
    pub fn new(run_id: u64) -> Self {
        Self {
            run_id,
            next: AtomicU64::new(1),
        }
    }

    /// The body of the next `POST /api/v1/leads`: "First Last Company Suffix" in one of
    /// the open statuses, as the loader writes them.
    pub fn next_body(&self) -> Bytes {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let bits = mix(self.run_id ^ n);
        let person = Person::from_bits(bits);
        let status = OPEN_STATUSES[(bits >> 56) as usize % OPEN_STATUSES.len()];
        json_bytes(&serde_json::json!({
            "title": person.title(),
            "organization": person.organization(),
            "contact_email": person.email(n),
            "contact_phone": lead_data::phone(n),
            "status": status.as_str(),
        }))
    }
}

/// splitmix64's finaliser: consecutive numbers give unrelated bits.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// An open lead as a `lead-status` worker last left it.
pub struct OpenLead {
    path: String,
    etag: HeaderValue,
    status: LeadStatus,
}

pub enum LeadJob {
    Create(Arc<LeadNumbers>),
    /// Each worker owns a disjoint slice of the sampled open leads, so a `412` means a
    /// server bug, not a race between workers.
    Status {
        leads: Vec<OpenLead>,
        next: usize,
    },
}

impl LeadJob {
    /// One measured request.
    pub async fn step(&mut self, conn: &mut Conn) -> Result<(), Failure> {
        match self {
            LeadJob::Create(numbers) => {
                let reply = success(
                    conn.send(Method::POST, LEADS, &[], Some(numbers.next_body()))
                        .await,
                )?;
                expect(reply.status, StatusCode::CREATED, || reply.body_excerpt())
            }
            LeadJob::Status { leads, next } => {
                let index = *next;
                *next = (index + 1) % leads.len();
                move_status(conn, &mut leads[index]).await
            }
        }
    }
}

fn expect(
    got: StatusCode,
    want: StatusCode,
    detail: impl FnOnce() -> String,
) -> Result<(), Failure> {
    if got == want {
        return Ok(());
    }
    Err(Failure {
        kind: format!("HTTP {got} (expected {want})"),
        detail: detail(),
    })
}

async fn move_status(conn: &mut Conn, lead: &mut OpenLead) -> Result<(), Failure> {
    let to = next_open(lead.status);
    let body = json_bytes(&serde_json::json!({ "status": to.as_str() }));
    let if_match = [(IF_MATCH, lead.etag.clone())];
    let reply = conn
        .send(Method::PATCH, &lead.path, &if_match, Some(body))
        .await;
    if matches!(&reply, Ok(r) if r.status == StatusCode::PRECONDITION_FAILED) {
        // Nobody else writes this lead, so a stale ETag is a server bug. Re-read it
        // (inside this failed request's time) so that one such bug counts once, not on
        // every later pass over the lead.
        if let Ok(fresh) = read(conn, &lead.path).await {
            *lead = fresh;
        }
    }
    let reply = success(reply)?;
    expect(reply.status, StatusCode::OK, || reply.body_excerpt())?;
    lead.etag = reply.etag().ok_or_else(|| Failure {
        kind: "PATCH response without ETag".into(),
        detail: reply.body_excerpt(),
    })?;
    lead.status = to;
    Ok(())
}

/// Reads the ETag and status of each of `paths` (unmeasured), refusing a lead that is
/// not open and unarchived: it could not move without a reopen or a restore.
pub async fn read_open(
    conn: &mut Conn,
    paths: impl Iterator<Item = String>,
) -> Result<Vec<OpenLead>> {
    let mut leads = Vec::new();
    for path in paths {
        leads.push(read(conn, &path).await?);
    }
    ensure!(
        !leads.is_empty(),
        "a lead-status worker got no open lead: the samples file lists fewer than \
         --concurrency (see rapport-load-leads --sample-open)"
    );
    Ok(leads)
}

async fn read(conn: &mut Conn, path: &str) -> Result<OpenLead> {
    let reply = conn
        .send(Method::GET, path, &[], None)
        .await
        .with_context(|| format!("GET {path}"))?
        .ensure_success("reading a sampled open lead")?;
    let etag = reply
        .etag()
        .with_context(|| format!("GET {path} returned no ETag"))?;
    let json = reply.json()?;
    let status = json["status"]
        .as_str()
        .and_then(LeadStatus::parse)
        .with_context(|| format!("GET {path} returned no known status"))?;
    ensure!(
        !status.is_final() && json["archived_at"].is_null(),
        "{path} is {} (archived: {}), not an open lead: is the database the one the \
         samples were written for?",
        status.as_str(),
        !json["archived_at"].is_null()
    );
    Ok(OpenLead {
        path: path.to_owned(),
        etag,
        status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_leads_look_like_loaded_ones() -> Result<()> {
        let numbers = LeadNumbers::new(42);
        let first: serde_json::Value = serde_json::from_slice(&numbers.next_body())?;
        let second: serde_json::Value = serde_json::from_slice(&numbers.next_body())?;
        let title = first["title"].as_str().context("title")?;
        assert_eq!(title.split(' ').count(), 4, "{title}");
        assert!(title.ends_with(first["organization"].as_str().context("organization")?));
        assert!(first["contact_email"]
            .as_str()
            .is_some_and(|e| e.ends_with(".example.com") && e.contains("1@")));
        assert_eq!(first["contact_phone"], "+1-555-0000001");
        assert_eq!(second["contact_phone"], "+1-555-0000002");
        let status = first["status"].as_str().and_then(LeadStatus::parse);
        assert!(status.is_some_and(|s| !s.is_final()));
        Ok(())
    }
}
