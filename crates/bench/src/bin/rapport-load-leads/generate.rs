//! Deterministic leads (with their status history and activities) of the lead and
//! activity workload: the same `--seed` and index always give the same rows, whatever the
//! batch size, so both engines load identical data.
//!
//! The rows are the ones the application writes (rapport-store `pipeline/leads`): a lead
//! is created in an open status (one history row from no status), won or lost leads were
//! moved there later (a second row, `closed_at` at the move, a reason when lost), an
//! archived lead was touched once more; the probability is the status's default;
//! `title_key` and `search_text` come from `Lead::title_key` and `Lead::search_words`
//! themselves. A won lead is linked to its organisation's account, which the application
//! creates by find-or-create on the first win (see [`conversion_account`]).

use chrono::{DateTime, Duration, Utc};
use rapport_bench::customers::{self, epoch, Rng};
use rapport_bench::lead_data::{self, Person, OPEN_STATUSES};
use rapport_db::Value;
use rapport_domain::lead::{Lead, LeadStatus};
use rapport_domain::normalize::{company_key, phone_words, search_text};
use rapport_domain::settings::default_probability;
use uuid::Uuid;

/// Streams independent of the other loaders' (accounts 1–3, pipeline 11–13).
const LEAD_STREAM: u64 = 21;
const ACCOUNT_STREAM: u64 = 22;

/// Activities of a lead are logged within this many days of its creation (or before
/// the loader's clock, for the newest leads).
const ACTIVITY_DAYS: i64 = 90;
/// A won or lost lead closed within this many days of its creation.
const CLOSE_DAYS: i64 = 120;

pub const LEAD_COLUMNS: &str = "id, title, account_id, organization, contact_email, \
    contact_phone, status, probability, lost_reason, closed_at, archived_at, title_key, \
    search_text, created_at, updated_at, version";
/// Where `account_id` is in [`LEAD_COLUMNS`]: the caller fills it for won leads.
pub const ACCOUNT_ID_COLUMN: usize = 2;

pub const HISTORY_COLUMNS: &str =
    "id, lead_id, old_status, new_status, reason, reopened, changed_at";

pub const ACTIVITY_COLUMNS: &str = "id, kind, channel, subject, body, activity_date, due_at, \
    done, done_at, internal, pinned, lead_id, created_at, updated_at, version";

const LOST_REASONS: [&str; 5] = [
    "Price too high",
    "Went with a competitor",
    "No budget this year",
    "Project postponed",
    "No decision made",
];

/// (kind, channel, subjects) of the activities logged on a lead.
const KINDS: [(&str, Option<&str>, &[&str]); 5] = [
    ("note", None, &[]),
    (
        "call",
        Some("phone"),
        &["Intro call", "Follow-up call", "Pricing questions"],
    ),
    (
        "email",
        Some("email"),
        &["Quote attached", "Re: your inquiry", "Brochure"],
    ),
    (
        "meeting",
        Some("meeting"),
        &["On-site demo", "Contract review"],
    ),
    (
        "task",
        None,
        &["Send revised quote", "Book a demo", "Chase the signature"],
    ),
];

const BODIES: [&str; 6] = [
    "Spoke with the practice manager.",
    "They are comparing two vendors.",
    "Budget is approved for next quarter.",
    "Asked for references from nearby sites.",
    "Waiting on their IT department.",
    "Wants a second demo before deciding.",
];

/// A generated lead and its rows.
pub struct GeneratedLead {
    pub id: Uuid,
    pub status: LeadStatus,
    pub archived: bool,
    /// When a won lead was won (its account is created then if it has none yet).
    pub won_at: Option<DateTime<Utc>>,
    pub organization: String,
    pub email: String,
    pub phone: String,
    /// Columns in the order of [`LEAD_COLUMNS`], `account_id` null.
    pub values: Vec<Value>,
    /// Rows in the order of [`HISTORY_COLUMNS`].
    pub history: Vec<Vec<Value>>,
    /// Rows in the order of [`ACTIVITY_COLUMNS`], oldest first.
    pub activities: Vec<Vec<Value>>,
}

/// `t` plus a random step of at most `days`, leaving room before the loader's clock;
/// always strictly later, in whole microseconds.
fn later(rng: &mut Rng, t: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    let room = (epoch() - t)
        .num_microseconds()
        .unwrap_or(0)
        .min(days * 86_400_000_000);
    t + Duration::microseconds(1 + (rng.next_u64() % room.max(1) as u64) as i64)
}

/// Lead `index` of `count`, created evenly over five years, oldest first.
pub fn lead(seed: u64, index: usize, count: usize, activities: usize) -> GeneratedLead {
    let mut rng = Rng::for_record(seed, LEAD_STREAM, index as u64);
    let created = customers::created_at(index, count);
    let id = rng.uuid_v7(created);
    let person = Person::from_bits(rng.next_u64());
    let n = index as u64 + 1;

    // Even over the seven statuses; a closed lead was created in an open one.
    let status = LeadStatus::ALL[rng.below(LeadStatus::ALL.len())];
    let first = if status.is_final() {
        *rng.pick(&OPEN_STATUSES)
    } else {
        status
    };
    let lost_reason = (status == LeadStatus::Lost).then(|| *rng.pick(&LOST_REASONS));
    let mut updated = created;
    let mut version = 1i64;
    let mut history = vec![history_row(&mut rng, id, None, first, None, created)];
    let closed_at = status.is_final().then(|| {
        updated = later(&mut rng, created, CLOSE_DAYS);
        version += 1;
        history.push(history_row(
            &mut rng,
            id,
            Some(first),
            status,
            lost_reason,
            updated,
        ));
        updated
    });
    let archived = rng.chance(5);
    let archived_at = archived.then(|| {
        updated = later(&mut rng, updated, 30);
        version += 1;
        updated
    });

    // The domain type derives the search columns, exactly as the store's writes do.
    let lead = Lead {
        id,
        title: person.title(),
        organization: Some(person.organization()),
        contact_email: Some(person.email(n)),
        contact_phone: Some(lead_data::phone(n)),
        status,
        ..Lead::default()
    };
    let values = vec![
        id.into(),
        lead.title.clone().into(),
        Value::Null,
        lead.organization.clone().into(),
        lead.contact_email.clone().into(),
        lead.contact_phone.clone().into(),
        status.as_str().into(),
        default_probability(status).into(),
        lost_reason.into(),
        closed_at.into(),
        archived_at.into(),
        lead.title_key().into(),
        lead.search_words().into(),
        created.into(),
        updated.into(),
        version.into(),
    ];
    let activities = (0..activities)
        .map(|k| activity(&mut rng, id, created, k, activities))
        .collect();
    GeneratedLead {
        id,
        status,
        archived,
        won_at: closed_at.filter(|_| status == LeadStatus::Won),
        organization: lead.organization.unwrap_or_default(),
        email: lead.contact_email.unwrap_or_default(),
        phone: lead.contact_phone.unwrap_or_default(),
        values,
        history,
        activities,
    }
}

fn history_row(
    rng: &mut Rng,
    lead: Uuid,
    old: Option<LeadStatus>,
    new: LeadStatus,
    reason: Option<&str>,
    at: DateTime<Utc>,
) -> Vec<Value> {
    vec![
        rng.uuid_v7(at).into(),
        lead.into(),
        old.map(LeadStatus::as_str).into(),
        new.as_str().into(),
        reason.into(),
        false.into(),
        at.into(),
    ]
}

/// Activity `k` of `of` on a lead: spread over the lead's first [`ACTIVITY_DAYS`] in
/// order, a note, an interaction through its kind's channel, or a task (done when its
/// due date has passed, mostly).
fn activity(rng: &mut Rng, lead: Uuid, created: DateTime<Utc>, k: usize, of: usize) -> Vec<Value> {
    let room = (epoch() - created)
        .num_microseconds()
        .unwrap_or(0)
        .min(ACTIVITY_DAYS * 86_400_000_000);
    let slot = room / of.max(1) as i64;
    let offset = slot * k as i64 + (rng.next_u64() % slot.max(1) as u64) as i64;
    let at = created + Duration::microseconds(offset.max(1));
    let (kind, channel, subjects) = *rng.pick(&KINDS);
    let subject = (!subjects.is_empty()).then(|| *rng.pick(subjects));
    let body = *rng.pick(&BODIES);
    let (due_at, done_at) = if kind == "task" {
        let due = at + Duration::days(1 + rng.below(14) as i64);
        let done = (due < epoch() && rng.chance(80)).then_some(due);
        (Some(due), done)
    } else {
        (None, None)
    };
    let updated = done_at.unwrap_or(at);
    let version = if done_at.is_some() { 2i64 } else { 1 };
    vec![
        rng.uuid_v7(at).into(),
        kind.into(),
        channel.into(),
        subject.into(),
        body.into(),
        at.date_naive().into(),
        due_at.into(),
        done_at.is_some().into(),
        done_at.into(),
        false.into(),
        false.into(),
        lead.into(),
        at.into(),
        updated.into(),
        version.into(),
    ]
}

/// The account a lead won without one converts to (rapport-store `pipeline/leads/rules`
/// `convert`): a customer named after the organisation, with the lead's email and phone,
/// created at the win. Columns in the order of `customers::ACCOUNT_COLUMNS`; its
/// `search_text` is the accounts' rule (name, email, phone and its digits).
pub fn conversion_account(
    seed: u64,
    lead: &GeneratedLead,
    at: DateTime<Utc>,
) -> (Uuid, Vec<Value>) {
    let mut rng = Rng::for_record(seed, ACCOUNT_STREAM, lead.id.as_u128() as u64);
    let id = rng.uuid_v7(at);
    let name = lead.organization.as_str();
    let search = search_text(&[
        name,
        "",
        &lead.email,
        &lead.phone,
        &phone_words(&lead.phone),
    ]);
    let values = vec![
        id.into(),
        "customer".into(),
        name.into(),
        Value::Null,
        company_key(name).into(),
        Value::Null,
        Value::Null,
        lead.email.clone().into(),
        lead.phone.clone().into(),
        Value::Null,
        Value::Null,
        Value::Null,
        serde_json::json!([]).into(),
        Value::Null,
        Value::Null,
        Value::Null,
        serde_json::json!({}).into(),
        search.into(),
        Value::Null,
        Value::Null,
        at.into(),
        at.into(),
        Value::Null,
        1i64.into(),
        Value::Null,
        Value::Null,
        Value::Null,
        Value::Null,
    ];
    (id, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leads_follow_the_rules() {
        let count = 7_000;
        let mut per_status = [0usize; 7];
        let mut archived = 0;
        for i in 0..count {
            let l = lead(1, i, count, 5);
            assert_eq!(l.values.len(), LEAD_COLUMNS.split(',').count());
            assert_eq!(l.values[ACCOUNT_ID_COLUMN], Value::Null);
            per_status[LeadStatus::ALL
                .iter()
                .position(|s| *s == l.status)
                .unwrap_or(0)] += 1;
            archived += usize::from(l.archived);
            // History: from no status to the current one, a closed lead in two steps.
            assert_eq!(l.history[0][2], Value::Null);
            assert_eq!(l.history.len(), if l.status.is_final() { 2 } else { 1 });
            let last = l.history.last().map(|h| h[3].clone());
            assert_eq!(last, Some(Value::from(l.status.as_str())));
            assert_eq!(l.values[9] != Value::Null, l.status.is_final());
            assert_eq!(l.values[8] != Value::Null, l.status == LeadStatus::Lost);
            assert_eq!(l.won_at.is_some(), l.status == LeadStatus::Won);
            assert_eq!(l.activities.len(), 5);
            for a in &l.activities {
                assert_eq!(a.len(), ACTIVITY_COLUMNS.split(',').count());
                let (Value::Timestamp(at), Value::Timestamp(lead_at)) = (&a[12], &l.values[13])
                else {
                    panic!("created_at is not a timestamp");
                };
                assert!(at > lead_at && *at <= epoch());
            }
            // Same index, same lead.
            assert_eq!(lead(1, i, count, 5).values, l.values);
        }
        for n in per_status {
            assert!((850..1150).contains(&n), "{per_status:?}");
        }
        assert!((250..450).contains(&archived), "{archived} archived");
    }

    #[test]
    fn search_columns_are_the_domains() {
        let l = lead(1, 0, 10, 0);
        let Value::Text(search) = &l.values[12] else {
            panic!("search_text is not text");
        };
        assert!(
            search.contains(&l.email.replace(['.', '@'], " ")),
            "{search}"
        );
        let Value::Text(key) = &l.values[11] else {
            panic!("title_key is not text");
        };
        assert!(key.chars().all(|c| c.is_ascii_uppercase()), "{key}");
    }
}
