//! The leads list's `count=true` from the board's kept totals: the number of unarchived
//! leads per status, for everyone and per owner, partner and distributor, is already kept
//! in step with every lead write, so a list asking for exactly such a set is counted from
//! a few rows, exactly, at any size (docs/api.md "Totals").

use rapport_db::Conn;
use rapport_domain::Actor;
use uuid::Uuid;

use crate::kernel::list::count::KeptCount;
use crate::kernel::list::ListParams;
use crate::policy as scope;
use crate::{SqlBuf, StoreError};

/// The kept count for a leads list, when the totals hold its set: the actor sees every
/// lead, no text search, unarchived leads only (`archived` absent or false), and no
/// filter but `status` and at most one single-valued owner, partner or distributor.
pub(crate) fn kept_lead_count(actor: &Actor, params: &ListParams) -> Option<KeptCount> {
    if !scope::sees_every_lead(actor) || params.q.is_some() {
        return None;
    }
    let mut statuses: Vec<String> = Vec::new();
    let mut member: Option<(&'static str, Uuid)> = None;
    for (name, value) in &params.filters {
        let dimension = match name.as_str() {
            // Commas and repeats both mean "any of".
            "status" => {
                statuses.extend(value.split(',').map(|s| s.trim().to_owned()));
                continue;
            }
            "archived" if value == "false" => continue,
            "owner_id" => "owner",
            "partner_id" => "partner",
            "distributor_id" => "distributor",
            _ => return None,
        };
        let id = if value == "me" {
            actor.user_id
        } else {
            Uuid::parse_str(value).ok()?
        };
        if member.replace((dimension, id)).is_some() {
            return None;
        }
    }
    let (dimension, member) = member.unwrap_or(("all", Uuid::nil()));
    Some(Box::new(move |c: &mut dyn Conn| {
        count(c, dimension, member, &statuses)
    }))
}

fn count(
    c: &mut dyn Conn,
    dimension: &str,
    member: Uuid,
    statuses: &[String],
) -> Result<i64, StoreError> {
    let mut q = SqlBuf::new("SELECT status, lead_count FROM pipeline_totals WHERE dimension = ");
    q.bind(dimension).push(" AND member_id = ").bind(member);
    let mut total = 0;
    for row in c.query(&q.sql, &q.params)? {
        let status: String = row.get("status")?;
        if statuses.is_empty() || statuses.contains(&status) {
            total += row.get::<i64>("lead_count")?;
        }
    }
    Ok(total)
}
