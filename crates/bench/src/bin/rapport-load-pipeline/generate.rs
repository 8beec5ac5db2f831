//! Deterministic products, leads (with their status history) and activities: the same
//! `--seed` and index always give the same record, whatever the batch size, so runs on
//! both engines load identical data.
//!
//! The rules are the application's (rapport-store `leads.rs`): a lead's probability
//! defaults by status (`rapport_domain::settings`), a lost lead has a reason, won and lost
//! leads have `closed_at` (the time of their last status change), a won lead has an
//! account, money is an exact decimal (at most two places) with a currency or neither,
//! `title_key` and `search_text` are `Lead::title_key` and `Lead::search_words`, and every
//! lead's history starts with a row from no status at its creation. Records refer only to
//! what existed when they were created.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rapport_bench::customers::{self, epoch, slug, Rng};
use rapport_bench::words::{
    CONTACT_EMAIL_DOMAINS, DESCRIPTORS, FIRST_NAMES, LAST_NAMES, PLACE_HEADS, PLACE_TAILS, SUFFIXES,
};
use rapport_db::Value;
use rapport_domain::lead::LeadStatus;
use rapport_domain::normalize::{company_key, phone_words, search_text};
use rapport_domain::settings::default_probability;
use rust_decimal::Decimal;
use uuid::Uuid;

const LEAD_STREAM: u64 = 11;
const ACTIVITY_STREAM: u64 = 12;
const PRODUCT_STREAM: u64 = 13;

/// Indices into [`LeadStatus::ALL`], the order a lead moves through; won and lost close it.
const WON: usize = 5;
const LOST: usize = 6;
/// The last open stage.
const NEGOTIATION: usize = 4;

pub const CURRENCIES: [&str; 3] = ["EUR", "USD", "GBP"];

const PRODUCTS: [(&str, &str, &str); 3] = [
    (
        "Imaging Suite",
        "IMG-100",
        "Acquisition, viewing and archive for X-ray and CBCT images.",
    ),
    (
        "Practice Management",
        "PMS-200",
        "Scheduling, charting and billing for practices and clinics.",
    ),
    (
        "Service Contract",
        "SVC-300",
        "Yearly maintenance, on-site repairs and loan equipment.",
    ),
];

pub const PRODUCT_COLUMNS: &str = "id, name, name_key, description, active, sku, metadata, \
    created_by, updated_by, created_at, updated_at, version";

/// The three active products, created just before the oldest lead; returns their ids and
/// rows.
pub fn products(seed: u64, reps: &[Uuid]) -> (Vec<Uuid>, Vec<Vec<Value>>) {
    let mut ids = Vec::new();
    let mut rows = Vec::new();
    for (index, (name, sku, description)) in PRODUCTS.iter().enumerate() {
        let mut rng = Rng::for_record(seed, PRODUCT_STREAM, index as u64);
        let at =
            epoch() - Duration::days(customers::HISTORY_DAYS + 10) + Duration::hours(index as i64);
        let id = rng.uuid_v7(at);
        let by = reps.first().copied();
        ids.push(id);
        rows.push(vec![
            id.into(),
            (*name).into(),
            company_key(name).into(),
            (*description).into(),
            true.into(),
            (*sku).into(),
            serde_json::json!({}).into(),
            by.into(),
            by.into(),
            at.into(),
            at.into(),
            1i64.into(),
        ]);
    }
    (ids, rows)
}

/// What leads and activities need to know about an account.
pub struct AccountRef {
    pub id: Uuid,
    pub name: String,
    pub owner: Option<Uuid>,
    pub archived: bool,
}

/// What activities (and the samples) need to know about a lead.
pub struct LeadRef {
    pub id: Uuid,
    /// Index into the accounts, or `u32::MAX` for none.
    pub account: u32,
    pub owner: Option<Uuid>,
    pub archived: bool,
}

impl LeadRef {
    pub fn account(&self) -> Option<usize> {
        (self.account != u32::MAX).then_some(self.account as usize)
    }
}

/// Everything leads are generated against.
pub struct LeadContext<'a> {
    pub seed: u64,
    pub count: usize,
    pub accounts: &'a [AccountRef],
    pub partners: &'a [Uuid],
    pub distributors: &'a [Uuid],
    pub reps: &'a [Uuid],
    pub products: &'a [Uuid],
}

/// A generated lead: the figures the board totals are made of, and its rows.
pub struct Lead {
    pub id: Uuid,
    pub account: Option<usize>,
    pub owner: Option<Uuid>,
    pub partner: Option<Uuid>,
    pub distributor: Option<Uuid>,
    pub status: LeadStatus,
    pub probability: i64,
    pub value: Option<Decimal>,
    pub currency: Option<&'static str>,
    pub expected_close: Option<NaiveDate>,
    pub archived: bool,
    /// Columns in the order of [`LEAD_COLUMNS`].
    pub values: Vec<Value>,
    /// Rows in the order of [`HISTORY_COLUMNS`], oldest first.
    pub history: Vec<Vec<Value>>,
}

pub const LEAD_COLUMNS: &str = "id, title, account_id, organization, contact_name, \
    contact_email, contact_phone, product_id, value, currency, status, probability, \
    expected_close_date, acquisition_source, owner_id, partner_id, distributor_id, \
    lost_reason, closed_at, archived_at, title_key, search_text, created_by, updated_by, \
    created_at, updated_at, version";

pub const HISTORY_COLUMNS: &str =
    "id, lead_id, old_status, new_status, reason, reopened, changed_by, changed_at";

const LEAD_WHATS: &[&str] = &[
    "renewal",
    "upgrade",
    "new installation",
    "expansion",
    "service contract",
    "trial",
    "replacement",
    "second site",
    "training",
    "migration",
];

const SOURCES: &[&str] = &[
    "website",
    "referral",
    "trade_show",
    "partner",
    "cold_call",
    "campaign",
    "inbound_call",
];

const LOST_REASONS: &[&str] = &[
    "Price too high",
    "Went with a competitor",
    "No budget this year",
    "Project postponed",
    "No decision made",
    "Product does not fit",
    "Unresponsive after proposal",
];

const PHONE_COUNTRIES: &[&str] = &["US", "DE", "FR", "GB", "CH", "AT", "IT", "ES", "NL"];

/// How many of `count` records created evenly over the same window as `n` others exist
/// when record `index` of those `n` is created (at least one).
pub fn existing(index: usize, n: usize, count: usize) -> usize {
    let seen = (index as u128 * count as u128 / n.max(1) as u128) as usize + 1;
    seen.min(count)
}

/// An index below `n`, skewed towards 0: a few get many (x³ puts a third of the picks
/// on the first 4 %).
fn skewed(rng: &mut Rng, n: usize) -> usize {
    let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    ((u * u * u * n as f64) as usize).min(n - 1)
}

/// A money amount with at most two decimals: mostly whole, sometimes with cents.
fn amount(rng: &mut Rng) -> Decimal {
    let units: i64 = match rng.below(10) {
        0..=5 => 500 + rng.below(19_500) as i64,
        6..=8 => 20_000 + rng.below(130_000) as i64,
        _ => 150_000 + rng.below(1_850_000) as i64,
    };
    let cents: i64 = match rng.below(4) {
        0 | 1 => 0,
        2 => 50,
        _ => rng.below(100) as i64,
    };
    Decimal::new(units * 100 + cents, 2)
}

/// `t` plus a step towards `limit` that leaves room for `remaining` more steps after it:
/// strictly later, never past `limit`, in whole microseconds.
fn step(rng: &mut Rng, t: DateTime<Utc>, limit: DateTime<Utc>, remaining: i64) -> DateTime<Utc> {
    let room = (limit - t).num_microseconds().unwrap_or(0) / (remaining + 1);
    let wanted = 3_600_000_000 + (rng.next_u64() % (30 * 24 * 3_600_000_000)) as i64;
    t + Duration::microseconds(wanted.min(room).max(1))
}

/// Lead `index` of `ctx.count`.
pub fn lead(ctx: &LeadContext<'_>, index: usize) -> Lead {
    let mut rng = Rng::for_record(ctx.seed, LEAD_STREAM, index as u64);
    let created = customers::created_at(index, ctx.count);
    let id = rng.uuid_v7(created);

    // Older leads are more often closed; open ones sit at every stage.
    let age_days = (epoch() - created).num_days();
    let closed_percent = (age_days * 100 / 365).clamp(5, 85) as u64;
    let status = if rng.chance(closed_percent) {
        if rng.chance(45) {
            WON
        } else {
            LOST
        }
    } else {
        match rng.below(100) {
            0..=29 => 0,
            30..=54 => 1,
            55..=74 => 2,
            75..=89 => 3,
            _ => NEGOTIATION,
        }
    };
    // An account that existed when the lead came in, for about 70 %: always for won
    // leads (the application converts a lead won without an account), for 55 % of
    // the others.
    let account = (!ctx.accounts.is_empty() && (status == WON || rng.chance(55)))
        .then(|| rng.below(existing(index, ctx.count, ctx.accounts.len())));
    let contact_name = rng
        .chance(80)
        .then(|| (*rng.pick(FIRST_NAMES), *rng.pick(LAST_NAMES)));
    let organization = match account {
        Some(a) => Some(ctx.accounts[a].name.clone()),
        None => rng.chance(60).then(|| {
            format!(
                "{}{} {} {}",
                rng.pick(PLACE_HEADS),
                rng.pick(PLACE_TAILS),
                rng.pick(DESCRIPTORS),
                rng.pick(SUFFIXES)
            )
        }),
    };
    let what = *rng.pick(LEAD_WHATS);
    let title = match (&organization, contact_name) {
        (Some(org), _) => format!("{org} {what}"),
        (None, Some((first, last))) => format!("{first} {last} {what}"),
        (None, None) => format!("Website inquiry {what}"),
    };
    let contact_email = contact_name
        .filter(|_| rng.chance(60))
        .map(|(first, last)| {
            format!(
                "{}.{}@{}",
                slug(first),
                slug(last),
                rng.pick(CONTACT_EMAIL_DOMAINS)
            )
        });
    let contact_phone = contact_name.filter(|_| rng.chance(50)).map(|_| {
        let country = *rng.pick(PHONE_COUNTRIES);
        customers::phone(&mut rng, country)
    });
    let contact_name = contact_name.map(|(first, last)| format!("{first} {last}"));
    let product = (!ctx.products.is_empty() && rng.chance(60)).then(|| *rng.pick(ctx.products));
    let (value, currency) = if rng.chance(90) {
        let currency = match rng.below(100) {
            0..=49 => CURRENCIES[0],
            50..=84 => CURRENCIES[1],
            _ => CURRENCIES[2],
        };
        (Some(amount(&mut rng)), Some(currency))
    } else {
        (None, None)
    };
    let source = rng.chance(70).then(|| *rng.pick(SOURCES));
    let owner = (!ctx.reps.is_empty() && rng.chance(95)).then(|| *rng.pick(ctx.reps));
    let partner = (!ctx.partners.is_empty() && rng.chance(25))
        .then(|| ctx.partners[skewed(&mut rng, ctx.partners.len())]);
    let distributor = (!ctx.distributors.is_empty() && rng.chance(15))
        .then(|| ctx.distributors[skewed(&mut rng, ctx.distributors.len())]);
    let expected_close = rng
        .chance(85)
        .then(|| created.date_naive() + Duration::days(7 + rng.below(359) as i64));

    // The stages it went through: from its first status up to the one it closed from.
    let reached = match status {
        WON => {
            if rng.chance(70) {
                NEGOTIATION
            } else {
                3
            }
        }
        LOST => rng.below(NEGOTIATION + 1),
        open => open,
    };
    let first = match rng.below(100) {
        0..=84 => 0,
        85..=94 => 1,
        _ => 2,
    }
    .min(reached);
    let mut path: Vec<usize> = (first..=reached).collect();
    if status >= WON {
        path.push(status);
    }
    let probability = if status < WON && rng.chance(25) {
        5 + 5 * rng.below(19) as i64
    } else {
        default_probability(LeadStatus::ALL[status])
    };
    let lost_reason = (status == LOST).then(|| *rng.pick(LOST_REASONS));

    let mut history = Vec::with_capacity(path.len());
    let mut at = created;
    let mut old: Option<&str> = None;
    for (n, &s) in path.iter().enumerate() {
        if n > 0 {
            at = step(&mut rng, at, epoch(), (path.len() - 1 - n) as i64);
        }
        history.push(vec![
            rng.uuid_v7(at).into(),
            id.into(),
            old.into(),
            LeadStatus::ALL[s].as_str().into(),
            (s == LOST).then_some(lost_reason).flatten().into(),
            false.into(),
            owner.into(),
            at.into(),
        ]);
        old = Some(LeadStatus::ALL[s].as_str());
    }
    let closed_at = (status >= WON).then_some(at);
    let mut updated = at;
    let mut version = path.len() as i64;
    let archived = rng.chance(5);
    let archived_at = archived.then(|| {
        updated = step(&mut rng, updated, epoch(), 0);
        version += 1;
        updated
    });

    let search = {
        let digits = contact_phone.as_deref().map(phone_words);
        let parts: Vec<&str> = [
            Some(title.as_str()),
            organization.as_deref(),
            contact_name.as_deref(),
            contact_email.as_deref(),
            contact_phone.as_deref(),
            digits.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        search_text(&parts)
    };
    let account_id = account.map(|a| ctx.accounts[a].id);
    let values = vec![
        id.into(),
        title.clone().into(),
        account_id.into(),
        organization.into(),
        contact_name.into(),
        contact_email.into(),
        contact_phone.into(),
        product.into(),
        value.into(),
        currency.into(),
        LeadStatus::ALL[status].as_str().into(),
        probability.into(),
        expected_close.into(),
        source.into(),
        owner.into(),
        partner.into(),
        distributor.into(),
        lost_reason.into(),
        closed_at.into(),
        archived_at.into(),
        company_key(&title).into(),
        search.into(),
        owner.into(),
        owner.into(),
        created.into(),
        updated.into(),
        version.into(),
    ];
    Lead {
        id,
        account,
        owner,
        partner,
        distributor,
        status: LeadStatus::ALL[status],
        probability,
        value,
        currency,
        expected_close,
        archived,
        values,
        history,
    }
}

/// `year * 12 + month - 1` of a date: the board's month key.
pub fn close_month(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

/// Everything activities are generated against.
pub struct ActivityContext<'a> {
    pub seed: u64,
    pub count: usize,
    pub accounts: &'a [AccountRef],
    pub leads: &'a [LeadRef],
    /// Indices of the accounts and leads that get a tenth of their kind's activities.
    pub busy_accounts: &'a [usize],
    pub busy_leads: &'a [usize],
    pub reps: &'a [Uuid],
}

impl ActivityContext<'_> {
    /// Percent of activities linked to a lead (the rest to an account only).
    fn lead_percent(&self) -> u64 {
        match (self.accounts.is_empty(), self.leads.is_empty()) {
            (_, true) => 0,
            (true, false) => 100,
            (false, false) => 50,
        }
    }
}

/// Indices of `busy` records of `count`, spread over the first 1 % created (so that they
/// collect activities for almost the whole history) and skipping those `skip` rejects
/// (archived).
pub fn busy_indices(count: usize, busy: usize, skip: impl Fn(usize) -> bool) -> Vec<usize> {
    let window = (count / 100).max(busy).min(count);
    let stride = (window / busy.max(1)).max(1);
    let mut out = Vec::with_capacity(busy);
    let mut index = 0;
    while out.len() < busy && index < count {
        if skip(index) {
            index += 1;
            continue;
        }
        out.push(index);
        index = (out.len() * stride).max(index + 1);
    }
    out
}

/// A generated activity and what it is linked to.
pub struct Activity {
    pub account: Option<usize>,
    pub lead: Option<usize>,
    /// Columns in the order of [`ACTIVITY_COLUMNS`].
    pub values: Vec<Value>,
}

pub const ACTIVITY_COLUMNS: &str = "id, kind, channel, subject, body, activity_date, due_at, \
    done, done_at, internal, pinned, author_id, assignee_id, account_id, lead_id, created_by, \
    updated_by, created_at, updated_at, version";

const CALL_SUBJECTS: &[&str] = &[
    "Intro call",
    "Follow-up call",
    "Pricing questions",
    "Support escalation",
    "Check-in",
    "Demo scheduling",
];
const EMAIL_SUBJECTS: &[&str] = &[
    "Quote attached",
    "Re: your inquiry",
    "Contract draft",
    "Meeting notes",
    "Product brochure",
    "Invoice question",
];
const MEETING_SUBJECTS: &[&str] = &[
    "On-site demo",
    "Quarterly review",
    "Installation planning",
    "Training session",
    "Contract negotiation",
];
const TASK_SUBJECTS: &[&str] = &[
    "Send revised quote",
    "Call back about delivery",
    "Prepare demo unit",
    "Book installation",
    "Chase signed contract",
    "Update decision makers",
];
const OPENERS: &[&str] = &[
    "Spoke with the practice manager.",
    "Customer asked about delivery times.",
    "Discussed the upgrade path.",
    "They are comparing two vendors.",
    "Budget is approved for next quarter.",
    "Reviewed the open support tickets.",
    "Sent the updated price list.",
    "The owner wants a second demo.",
    "Installation date confirmed.",
    "Waiting on their IT department.",
];
const DETAILS: &[&str] = &[
    "Follow up next week.",
    "Needs sign-off from the head of clinic.",
    "Interested in the service contract too.",
    "Asked for references from nearby sites.",
    "Concerned about training time for staff.",
    "Will decide after the trade show.",
    "",
    "",
];

/// Activity `index` of `ctx.count`: activities are generated in the order they were
/// created, each on an account or lead that existed then.
pub fn activity(ctx: &ActivityContext<'_>, index: usize) -> Activity {
    let mut rng = Rng::for_record(ctx.seed, ACTIVITY_STREAM, index as u64);
    let created = customers::created_at(index, ctx.count);
    // A tenth of each kind goes to the busy records (once they exist), the rest to any
    // record that existed then.
    let pick = |rng: &mut Rng, busy: &[usize], count: usize| {
        let existing = existing(index, ctx.count, count);
        match (!busy.is_empty() && rng.chance(10)).then(|| *rng.pick(busy)) {
            Some(b) if b < existing => b,
            _ => rng.below(existing),
        }
    };
    let (account, lead) = if rng.chance(ctx.lead_percent()) {
        let lead = pick(&mut rng, ctx.busy_leads, ctx.leads.len());
        (ctx.leads[lead].account(), Some(lead))
    } else {
        let account = pick(&mut rng, ctx.busy_accounts, ctx.accounts.len());
        (Some(account), None)
    };
    let (target_created, owner) = match lead {
        Some(l) => (
            customers::created_at(l, ctx.leads.len()),
            ctx.leads[l].owner,
        ),
        None => {
            let a = account.unwrap_or_default();
            (
                customers::created_at(a, ctx.accounts.len()),
                ctx.accounts[a].owner,
            )
        }
    };
    let author = match owner {
        Some(o) if rng.chance(60) => Some(o),
        _ => (!ctx.reps.is_empty()).then(|| *rng.pick(ctx.reps)),
    };

    let kind = match rng.below(100) {
        0..=24 => "note",
        25..=44 => "call",
        45..=64 => "email",
        65..=72 => "meeting",
        73..=77 => "chat",
        78..=92 => "task",
        _ => "comment",
    };
    let channel = match kind {
        "call" | "email" | "meeting" | "chat" if rng.chance(3) => Some("other"),
        "call" => Some("phone"),
        "email" => Some("email"),
        "meeting" => Some("meeting"),
        "chat" => Some("chat"),
        _ => None,
    };
    let subject = match kind {
        "call" => Some(*rng.pick(CALL_SUBJECTS)),
        "email" => Some(*rng.pick(EMAIL_SUBJECTS)),
        "meeting" => Some(*rng.pick(MEETING_SUBJECTS)),
        "task" => Some(*rng.pick(TASK_SUBJECTS)),
        _ => None,
    };
    let body = format!("{} {}", rng.pick(OPENERS), rng.pick(DETAILS))
        .trim_end()
        .to_owned();
    // Usually logged the day it happened, sometimes a few days later; never before the
    // record it is on.
    let mut date = created.date_naive();
    if rng.chance(20) {
        date = (date - Duration::days(1 + rng.below(3) as i64)).max(target_created.date_naive());
    }
    let mut updated = created;
    let mut version = 1i64;
    let (due_at, done, done_at, assignee) = if kind == "task" {
        let due = created + Duration::hours(24 + rng.below(20 * 24) as i64);
        let done_at = (due < epoch() && rng.chance(85)).then(|| {
            let at = due - Duration::hours(rng.below(48) as i64);
            at.clamp(created, epoch())
        });
        if let Some(at) = done_at {
            updated = at;
            version = 2;
        }
        let assignee = rng.chance(70).then(|| match owner {
            Some(o) if rng.chance(50) => o,
            _ => author.unwrap_or_else(|| *rng.pick(ctx.reps)),
        });
        (Some(due), done_at.is_some(), done_at, assignee)
    } else {
        (None, false, None, None)
    };
    let internal = matches!(kind, "note" | "comment") && rng.chance(10);
    let pinned = rng.chance(1);

    let values = vec![
        rng.uuid_v7(created).into(),
        kind.into(),
        channel.into(),
        subject.into(),
        body.into(),
        date.into(),
        due_at.into(),
        done.into(),
        done_at.into(),
        internal.into(),
        pinned.into(),
        author.into(),
        assignee.into(),
        account.map(|a| ctx.accounts[a].id).into(),
        lead.map(|l| ctx.leads[l].id).into(),
        author.into(),
        author.into(),
        created.into(),
        updated.into(),
        version.into(),
    ];
    Activity {
        account,
        lead,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts(n: usize) -> Vec<AccountRef> {
        (0..n)
            .map(|i| AccountRef {
                id: Uuid::from_u128(i as u128 + 1),
                name: format!("Account {i}"),
                owner: None,
                archived: false,
            })
            .collect()
    }

    #[test]
    fn leads_follow_the_rules() {
        let accounts = accounts(50);
        let reps = [Uuid::from_u128(7)];
        let partners = [accounts[3].id];
        let products = [Uuid::from_u128(9)];
        let ctx = LeadContext {
            seed: 1,
            count: 2000,
            accounts: &accounts,
            partners: &partners,
            distributors: &[],
            reps: &reps,
            products: &products,
        };
        let mut no_value = 0;
        for i in 0..ctx.count {
            let l = lead(&ctx, i);
            assert_eq!(l.values.len(), LEAD_COLUMNS.split(',').count());
            assert_eq!(l.value.is_some(), l.currency.is_some());
            no_value += usize::from(l.value.is_none());
            if let Some(v) = l.value {
                assert!(v.scale() <= 2 && v > Decimal::ZERO);
            }
            assert!((0..=100).contains(&l.probability));
            if l.status.is_final() {
                assert_eq!(l.probability, default_probability(l.status));
            }
            // History: from no status to the current one, strictly later each time.
            assert_eq!(l.history[0][2], Value::Null);
            let last = l.history.last().map(|h| h[3].clone());
            assert_eq!(last, Some(Value::from(l.status.as_str())));
            let times: Vec<&Value> = l.history.iter().map(|h| &h[7]).collect();
            for pair in times.windows(2) {
                let (Value::Timestamp(a), Value::Timestamp(b)) = (pair[0], pair[1]) else {
                    panic!("changed_at is not a timestamp");
                };
                assert!(a < b && *b <= epoch());
            }
            assert_eq!(l.values[9] != Value::Null, l.currency.is_some());
            if l.status == LeadStatus::Lost {
                assert!(matches!(&l.values[17], Value::Text(r) if !r.is_empty()));
            }
            assert_eq!(l.values[18] != Value::Null, l.status.is_final());
            if l.status == LeadStatus::Won {
                assert!(l.account.is_some(), "a won lead has an account");
            }
            // Same index, same lead.
            assert_eq!(lead(&ctx, i).values, l.values);
        }
        assert!(
            (100..300).contains(&no_value),
            "{no_value} leads without value"
        );
    }

    #[test]
    fn activities_link_to_records_that_exist() {
        let accounts = accounts(20);
        let leads: Vec<LeadRef> = (0..100)
            .map(|i| LeadRef {
                id: Uuid::from_u128(1000 + i),
                account: if i % 3 == 0 {
                    u32::MAX
                } else {
                    (i % 20) as u32
                },
                owner: None,
                archived: false,
            })
            .collect();
        let busy_accounts = busy_indices(accounts.len(), 1, |_| false);
        let busy_leads = busy_indices(leads.len(), 2, |i| i == 0);
        assert_eq!(busy_accounts, [0]);
        assert_eq!(busy_leads, [1, 2]);
        let reps = [Uuid::from_u128(7)];
        let ctx = ActivityContext {
            seed: 1,
            count: 5000,
            accounts: &accounts,
            leads: &leads,
            busy_accounts: &busy_accounts,
            busy_leads: &busy_leads,
            reps: &reps,
        };
        let mut on_leads = 0;
        for i in 0..ctx.count {
            let a = activity(&ctx, i);
            assert_eq!(a.values.len(), ACTIVITY_COLUMNS.split(',').count());
            assert!(a.account.is_some() || a.lead.is_some());
            if let Some(l) = a.lead {
                on_leads += 1;
                assert_eq!(a.account, leads[l].account());
                assert!(l < existing(i, ctx.count, leads.len()));
            }
            let (Value::Date(date), Value::Timestamp(created)) = (&a.values[5], &a.values[17])
            else {
                panic!("activity_date or created_at has the wrong type");
            };
            assert!(*date <= created.date_naive());
        }
        assert!((2000..3000).contains(&on_leads), "{on_leads} on leads");
    }

    #[test]
    fn skewed_picks_favour_the_first() {
        let mut rng = Rng::new(3);
        let mut first = 0;
        for _ in 0..10_000 {
            let i = skewed(&mut rng, 100);
            assert!(i < 100);
            first += usize::from(i < 4);
        }
        assert!(first > 2_500, "{first}");
    }
}
