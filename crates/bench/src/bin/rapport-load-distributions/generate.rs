//! Deterministic customers, products and distribution entries: the same `--seed` and
//! sizes always give the same rows, whatever the batch size, so both engines load
//! identical data.
//!
//! The shape is what makes the dashboard's figures mean something:
//! - customer sizes follow a power law (weight `1 / (u·C + 20)`, `u` uniform: the top 1 %
//!   of customers ship about a third of the lines); 45 % are customers from the first
//!   month, the rest start during the period, and 12 % stop before its end, so
//!   first-time and repeat customers move from month to month;
//! - each customer reorders from a basket: 8–22 core SKUs plus 2–8 more each year, drawn
//!   by a Zipf-like popularity over all SKUs; an order has 1–5 lines of distinct SKUs
//!   sharing its order number and ship date; a customer's orders are spread evenly over
//!   its months by the volume of each month (growth and season), so small customers
//!   order every few months;
//! - 2 % of orders have no order number (each line is then its own order); about 1 %
//!   ship in two parts across a month boundary under one order number, some written in
//!   lower case the second time (the same order key);
//! - 10 % of orders are unlinked: no customer id, the customer's name as typed (the same
//!   company key, different case or punctuation); a few hundred entries name customers
//!   that have no account, and about a hundred name no customer at all;
//! - every customer has a primary rep from its state's territory, who is the rep of its
//!   entries but for 5 %; lot numbers are per SKU and month.
//!
//! Keys are computed with `rapport_domain::distribution`, as the application computes
//! them.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use rapport_bench::customers::{phone, slug, Rng};
use rapport_bench::words::{
    ACCOUNT_EMAIL_LOCALS, DESCRIPTORS, FIRST_NAMES, LAST_NAMES, PLACE_HEADS, PLACE_TAILS,
    REAL_PLACES, STREET_KINDS, SUFFIXES, TLDS,
};
use rapport_db::Value;
use rapport_domain::account::Address;
use rapport_domain::distribution::{customer_key, month_index, month_start, order_key};
use rapport_domain::normalize::{company_key, phone_words, search_text};
use uuid::Uuid;

const CUSTOMER_STREAM: u64 = 21;
const BASKET_STREAM: u64 = 22;
const ORDER_STREAM: u64 = 23;
const EXTRA_STREAM: u64 = 24;
const PRODUCT_STREAM: u64 = 25;
const CATALOG_STREAM: u64 = 26;

/// Per cent of orders without an order number, unlinked, and by another rep.
const NO_ORDER_NUMBER: u64 = 2;
const UNLINKED: u64 = 10;
const OTHER_REP: u64 = 5;

/// (state, cities, population in 100,000s): where customers are, in proportion.
pub const STATES: &[(&str, &[&str], u32)] = &[
    ("AL", &["Birmingham", "Montgomery"], 50),
    ("AK", &["Anchorage"], 7),
    ("AZ", &["Phoenix", "Tucson"], 72),
    ("AR", &["Little Rock"], 30),
    (
        "CA",
        &["Los Angeles", "San Diego", "San Jose", "Sacramento"],
        392,
    ),
    ("CO", &["Denver", "Colorado Springs"], 58),
    ("CT", &["Hartford", "New Haven"], 36),
    ("DE", &["Wilmington"], 10),
    ("DC", &["Washington"], 7),
    ("FL", &["Miami", "Orlando", "Tampa", "Jacksonville"], 218),
    ("GA", &["Atlanta", "Savannah"], 108),
    ("HI", &["Honolulu"], 14),
    ("ID", &["Boise"], 19),
    ("IL", &["Chicago", "Springfield"], 127),
    ("IN", &["Indianapolis", "Fort Wayne"], 68),
    ("IA", &["Des Moines"], 32),
    ("KS", &["Wichita"], 29),
    ("KY", &["Louisville", "Lexington"], 45),
    ("LA", &["New Orleans", "Baton Rouge"], 46),
    ("ME", &["Portland"], 14),
    ("MD", &["Baltimore"], 62),
    ("MA", &["Boston", "Worcester"], 70),
    ("MI", &["Detroit", "Grand Rapids"], 101),
    ("MN", &["Minneapolis", "Saint Paul"], 57),
    ("MS", &["Jackson"], 29),
    ("MO", &["Kansas City", "St. Louis"], 62),
    ("MT", &["Billings"], 11),
    ("NE", &["Omaha", "Lincoln"], 20),
    ("NV", &["Las Vegas", "Reno"], 31),
    ("NH", &["Manchester"], 14),
    ("NJ", &["Newark", "Jersey City"], 93),
    ("NM", &["Albuquerque"], 21),
    ("NY", &["New York", "Buffalo", "Rochester"], 198),
    ("NC", &["Charlotte", "Raleigh"], 106),
    ("ND", &["Fargo"], 8),
    ("OH", &["Columbus", "Cleveland", "Cincinnati"], 118),
    ("OK", &["Oklahoma City", "Tulsa"], 40),
    ("OR", &["Portland", "Eugene"], 42),
    ("PA", &["Philadelphia", "Pittsburgh"], 130),
    ("RI", &["Providence"], 11),
    ("SC", &["Charleston", "Columbia"], 52),
    ("SD", &["Sioux Falls"], 9),
    ("TN", &["Nashville", "Memphis"], 70),
    ("TX", &["Houston", "Dallas", "Austin", "San Antonio"], 295),
    ("UT", &["Salt Lake City"], 33),
    ("VT", &["Burlington"], 6),
    ("VA", &["Virginia Beach", "Richmond"], 86),
    ("WA", &["Seattle", "Spokane"], 77),
    ("WV", &["Charleston"], 18),
    ("WI", &["Milwaukee", "Madison"], 59),
    ("WY", &["Cheyenne"], 6),
];

/// (SKU prefix, product family, most units on a line): 10 families, SKUs dealt out in
/// turn.
const FAMILIES: [(&str, &str, usize); 10] = [
    ("IMP", "Implant", 4),
    ("ABT", "Abutment", 4),
    ("CRN", "Crown Blank", 10),
    ("BUR", "Diamond Bur", 25),
    ("CEM", "Resin Cement", 12),
    ("IMR", "Impression Material", 20),
    ("END", "Endo File Pack", 15),
    ("ALN", "Aligner Kit", 3),
    ("STP", "Sterilization Pouches", 40),
    ("GLV", "Nitrile Gloves", 60),
];

/// Relative volume by calendar month: summer and the year's end are slow.
const SEASON: [u64; 12] = [95, 97, 105, 100, 102, 98, 90, 85, 105, 110, 108, 95];

const NOTES: &[&str] = &[
    "Backorder filled",
    "Replacement for damaged shipment",
    "Rush delivery",
    "Sample",
    "Consignment stock",
];

const UNMATCHED_KINDS: &[&str] = &[
    "Dental Office",
    "DDS",
    "Family Dentistry",
    "Smile Studio",
    "Orthodontics",
];

/// The months the data covers and how busy each is.
pub struct Plan {
    pub first_month: i32,
    pub last_month: i32,
    pub end_date: NaiveDate,
    /// Relative volume of each month from `first_month` on: 12 % growth a year, the
    /// season, and the share of its days a partial last month has.
    month_weight: Vec<u64>,
    /// `prefix[i]` = sum of `month_weight[..i]`.
    prefix: Vec<u64>,
}

impl Plan {
    pub fn new(end_date: NaiveDate, years: u32) -> Self {
        let last_month = month_index(end_date);
        let first_month = last_month - 12 * years as i32 + 1;
        let month_weight: Vec<u64> = (first_month..=last_month)
            .map(|m| {
                let growth = 1.12f64.powf(f64::from(m - first_month) / 12.0);
                let season = SEASON[m.rem_euclid(12) as usize] as f64;
                let (from, to) = (month_start(m), month_start(m + 1));
                let whole = (to - from).num_days() as f64;
                let covered = ((end_date - from).num_days() + 1).min(whole as i64) as f64;
                (growth * season * 100.0 * covered / whole) as u64
            })
            .collect();
        let mut prefix = vec![0];
        for w in &month_weight {
            prefix.push(prefix.last().copied().unwrap_or(0) + w);
        }
        Self {
            first_month,
            last_month,
            end_date,
            month_weight,
            prefix,
        }
    }

    /// The last month whose every day is covered.
    pub fn last_full_month(&self) -> i32 {
        if month_index(self.end_date + Duration::days(1)) != self.last_month {
            self.last_month
        } else {
            self.last_month - 1
        }
    }

    /// Summed weight of months `from..=to`.
    fn weight(&self, from: i32, to: i32) -> u64 {
        let i = |m: i32| (m - self.first_month) as usize;
        self.prefix[i(to) + 1] - self.prefix[i(from)]
    }

    /// First and last ship day of month `m`.
    fn days(&self, m: i32) -> (NaiveDate, NaiveDate) {
        let last = (month_start(m + 1) - Duration::days(1)).min(self.end_date);
        (month_start(m), last)
    }

    pub fn months(&self) -> usize {
        self.month_weight.len()
    }
}

fn uniform(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// An index below `n`, skewed towards 0.
fn skewed(rng: &mut Rng, n: usize) -> usize {
    let u = uniform(rng);
    ((u * u * n as f64) as usize).min(n.saturating_sub(1))
}

/// An index into `cumulative` (running totals of weights) drawn by weight.
fn by_weight(rng: &mut Rng, cumulative: &[u64]) -> usize {
    let total = cumulative.last().copied().unwrap_or(0).max(1);
    let x = rng.next_u64() % total;
    cumulative.partition_point(|&c| c <= x)
}

fn running(weights: impl IntoIterator<Item = u64>) -> Vec<u64> {
    let mut total = 0;
    weights
        .into_iter()
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

/// A SKU and the product that has it.
pub struct Sku {
    pub code: String,
    pub product: Uuid,
    /// Index into [`FAMILIES`].
    family: usize,
    number: u32,
    /// Its rank by popularity (0: the most popular).
    pub rank: usize,
}

pub struct Catalog {
    pub skus: Vec<Sku>,
    /// SKU indices, most popular first.
    pub by_rank: Vec<usize>,
    /// Running Zipf-like weights over `by_rank`.
    rank_weights: Vec<u64>,
}

pub const PRODUCT_COLUMNS: &str = "id, name, name_key, description, active, sku, metadata, \
    created_by, updated_by, created_at, updated_at, version";

/// `count` SKUs over the product families and the products that carry them, created a
/// month before the first entry; returns the catalogue and the product rows.
pub fn catalog(
    seed: u64,
    count: usize,
    plan: &Plan,
    by: Option<Uuid>,
) -> (Catalog, Vec<Vec<Value>>) {
    let created = month_start(plan.first_month)
        .and_hms_opt(9, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_default()
        - Duration::days(30);
    // Popularity is dealt out at random, not by family.
    let mut by_rank: Vec<usize> = (0..count).collect();
    let mut rng = Rng::for_record(seed, CATALOG_STREAM, 0);
    for i in (1..by_rank.len()).rev() {
        by_rank.swap(i, rng.below(i + 1));
    }
    let mut rank_of = vec![0; count];
    for (rank, &sku) in by_rank.iter().enumerate() {
        rank_of[sku] = rank;
    }
    let mut skus = Vec::with_capacity(count);
    let mut rows = Vec::with_capacity(count);
    for (i, rank) in rank_of.into_iter().enumerate() {
        let mut rng = Rng::for_record(seed, PRODUCT_STREAM, i as u64);
        let family = i % FAMILIES.len();
        let (prefix, name, _) = FAMILIES[family];
        let number = 1000 + (i / FAMILIES.len()) as u32 * 7 + family as u32;
        let code = format!("{prefix}-{number:04}");
        let at = created + Duration::seconds(i as i64);
        let id = rng.uuid_v7(at);
        let product_name = format!("{name} {code}");
        rows.push(vec![
            id.into(),
            product_name.clone().into(),
            company_key(&product_name).into(),
            format!("{name}, catalogue number {code}.").into(),
            true.into(),
            code.clone().into(),
            serde_json::json!({}).into(),
            by.into(),
            by.into(),
            at.into(),
            at.into(),
            1i64.into(),
        ]);
        skus.push(Sku {
            code,
            product: id,
            family,
            number,
            rank,
        });
    }
    let rank_weights = running((0..count).map(|r| 1_000_000_000 / (r as u64 + 3)));
    (
        Catalog {
            skus,
            by_rank,
            rank_weights,
        },
        rows,
    )
}

impl Catalog {
    /// A SKU index drawn by popularity.
    fn popular(&self, rng: &mut Rng) -> usize {
        self.by_rank[by_weight(rng, &self.rank_weights).min(self.by_rank.len() - 1)]
    }
}

/// Reps covering each state in [`STATES`]: big states have several, and every rep
/// covers a few states.
pub fn territories(reps: usize) -> Vec<Vec<usize>> {
    let total: usize = STATES.iter().map(|s| s.2 as usize).sum();
    let mut next = 0;
    STATES
        .iter()
        .map(|s| {
            let n = (s.2 as usize * reps).div_ceil(total).max(1);
            (0..n)
                .map(|_| {
                    next += 1;
                    (next - 1) % reps
                })
                .collect()
        })
        .collect()
}

/// What entries need to know about a customer account.
pub struct Customer {
    pub id: Uuid,
    pub name: String,
    /// Index into [`STATES`].
    pub state: usize,
    /// Its primary rep, an index into the reps.
    pub rep: usize,
    weight: u64,
    /// First and last month it buys in.
    pub first: i32,
    pub last: i32,
}

pub const ACCOUNT_COLUMNS: &str = rapport_bench::customers::ACCOUNT_COLUMNS;
pub const ACCOUNT_REP_COLUMNS: &str = "account_id, user_id, role, created_by, created_at";

/// Customer account `index` of `count`, with its account row and primary-rep row.
/// `unique_key` is asked whether a company key is still free and must remember it if
/// so; a taken name gets a number.
pub fn customer(
    seed: u64,
    index: usize,
    count: usize,
    plan: &Plan,
    territories: &[Vec<usize>],
    reps: &[Uuid],
    mut unique_key: impl FnMut(&str) -> bool,
) -> (Customer, Vec<Value>, Vec<Value>) {
    let mut rng = Rng::for_record(seed, CUSTOMER_STREAM, index as u64);
    let weight = (1e12 / (uniform(&mut rng) * count as f64 + 20.0)) as u64;
    let months = plan.months() as i32;
    let first = if months <= 1 || rng.chance(45) {
        plan.first_month
    } else {
        plan.first_month + 1 + rng.below(months as usize - 1) as i32
    };
    let room = plan.last_month - first - 6;
    let last = if room > 0 && rng.chance(12) {
        first + 6 + rng.below(room as usize) as i32
    } else {
        plan.last_month
    };
    // Existing customers have had their account for up to two years; new ones open it
    // shortly before their first order.
    let days_before = if first == plan.first_month {
        30 + rng.below(700)
    } else {
        1 + rng.below(60)
    } as i64;
    let created = month_start(first)
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_default()
        - Duration::days(days_before)
        + Duration::seconds(rng.below(86_400) as i64);
    let id = rng.uuid_v7(created);

    let place = if rng.chance(10) {
        (*rng.pick(REAL_PLACES)).to_owned()
    } else {
        format!("{}{}", rng.pick(PLACE_HEADS), rng.pick(PLACE_TAILS))
    };
    let descriptor = *rng.pick(DESCRIPTORS);
    let base = format!("{place} {descriptor} {}", rng.pick(SUFFIXES));
    let mut name = base.clone();
    let mut n = 2;
    while !unique_key(&company_key(&name)) {
        name = format!("{base} {n}");
        n += 1;
    }
    let key = company_key(&name);

    let state_weights = running(STATES.iter().map(|s| u64::from(s.2)));
    let state = by_weight(&mut rng, &state_weights).min(STATES.len() - 1);
    let (code, cities, _) = STATES[state];
    let city = (*rng.pick(cities)).to_owned();
    let rep = *rng.pick(&territories[state]);
    let owner = reps[rep];

    let domain = format!("{}-{}.{}", slug(&place), slug(descriptor), rng.pick(TLDS));
    let email = rng
        .chance(80)
        .then(|| format!("{}@{domain}", rng.pick(ACCOUNT_EMAIL_LOCALS)));
    let website = rng.chance(40).then(|| format!("https://www.{domain}"));
    let phone = rng.chance(85).then(|| phone(&mut rng, "US"));
    let address = Address {
        street: Some(format!(
            "{} {}{} {}",
            1 + rng.below(4000),
            rng.pick(PLACE_HEADS),
            rng.pick(PLACE_TAILS),
            rng.pick(&STREET_KINDS[..5])
        )),
        street2: None,
        city: Some(city.clone()),
        region: Some(code.to_owned()),
        postal_code: Some(rng.digits(5)),
        country: Some("US".to_owned()),
    };
    let customer_type = if rng.chance(90) {
        "commercial"
    } else {
        "residential"
    };

    // The store's `searchable` (accounts.rs): name, legal name, email, phone, its
    // digits, billing and service cities, registration number, website, tags.
    let phone_text = phone.clone().unwrap_or_default();
    let search = search_text(&[
        &name,
        "",
        email.as_deref().unwrap_or(""),
        &phone_text,
        &phone_words(&phone_text),
        &city,
        "",
        "",
        website.as_deref().unwrap_or(""),
    ]);
    let address_json = serde_json::to_value(&address).map_or(Value::Null, Value::Json);
    let account = vec![
        id.into(),
        "customer".into(),
        name.clone().into(),
        Value::Null,
        key.clone().into(),
        Value::Null,
        customer_type.into(),
        email.into(),
        phone.into(),
        website.into(),
        address_json,
        Value::Null,
        serde_json::json!([]).into(),
        Value::Null,
        owner.into(),
        Value::Null,
        serde_json::json!({}).into(),
        search.into(),
        owner.into(),
        owner.into(),
        created.into(),
        created.into(),
        Value::Null,
        1i64.into(),
        city.into(),
        code.into(),
        "US".into(),
        Value::Null,
    ];
    // reps.rs `sync_owner`: the owner is the primary rep.
    let account_rep = vec![
        id.into(),
        owner.into(),
        "primary".into(),
        owner.into(),
        created.into(),
    ];
    (
        Customer {
            id,
            name,
            state,
            rep,
            weight,
            first,
            last,
        },
        account,
        account_rep,
    )
}

/// How many of `total` lines each customer ships: in proportion to its weight times the
/// volume of the months it buys in, rounded so that they add up to `total` exactly.
pub fn allocate(customers: &[Customer], plan: &Plan, total: u64) -> Vec<u64> {
    let shares: Vec<u128> = customers
        .iter()
        .map(|c| u128::from(c.weight) * u128::from(plan.weight(c.first, c.last)))
        .collect();
    let sum: u128 = shares.iter().sum::<u128>().max(1);
    let mut cumulative: u128 = 0;
    shares
        .iter()
        .map(|share| {
            let before = u128::from(total) * cumulative / sum;
            cumulative += share;
            (u128::from(total) * cumulative / sum - before) as u64
        })
        .collect()
}

/// `name` as someone might type it: different case, spacing or punctuation, accents
/// dropped; always the same company key (else `name` itself).
pub fn spelling(name: &str, which: usize) -> String {
    let variant = match which % 6 {
        0 => name.to_owned(),
        1 => name.to_uppercase(),
        2 => name.to_lowercase(),
        3 => name.replace(' ', "-"),
        4 => format!("{}.", name.replace(' ', "  ")),
        _ => name
            .chars()
            .map(|c| match c {
                'à' | 'á' | 'â' | 'ä' | 'å' => 'a',
                'è' | 'é' | 'ê' | 'ë' => 'e',
                'ì' | 'í' | 'î' | 'ï' => 'i',
                'ò' | 'ó' | 'ô' | 'ö' => 'o',
                'ù' | 'ú' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                'ñ' => 'n',
                other => other,
            })
            .collect(),
    };
    // Upper-casing "ß" gives "SS", which is another key: such a name is typed as is.
    if company_key(&variant) == company_key(name) {
        variant
    } else {
        name.to_owned()
    }
}

/// Who an entry is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Who {
    /// A linked account (index into the customers), with the name it was typed as when
    /// kept after linking.
    Linked(u32, Option<String>),
    /// An account's customer, unlinked: only the name as typed.
    Named(u32, String),
    /// A name no account has.
    Unmatched(String),
    Nobody,
}

/// One generated entry, compact until it becomes a row.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: Uuid,
    pub ship_date: NaiveDate,
    pub order_number: Option<String>,
    /// Index into the catalogue's SKUs.
    pub sku: usize,
    pub lot: Option<String>,
    pub quantity: i64,
    pub who: Who,
    /// Index into the reps.
    pub rep: usize,
    pub source: &'static str,
    pub notes: Option<&'static str>,
    pub legacy_id: Option<u64>,
    pub created_at: DateTime<Utc>,
}

pub const DISTRIBUTION_COLUMNS: &str = "id, ship_date, ship_month, order_number, sku, \
    product_id, lot_number, quantity, customer_id, customer_name, rep_id, source, notes, \
    legacy_id, order_key, customer_key, created_by, updated_by, created_at, updated_at, \
    version";

impl Entry {
    /// The row in [`DISTRIBUTION_COLUMNS`] order, keys as the application computes them.
    pub fn values(self, customers: &[Customer], catalog: &Catalog, reps: &[Uuid]) -> Vec<Value> {
        let (customer_id, customer_name) = match self.who {
            Who::Linked(c, name) => (Some(customers[c as usize].id), name),
            Who::Named(_, name) | Who::Unmatched(name) => (None, Some(name)),
            Who::Nobody => (None, None),
        };
        let order = order_key(self.order_number.as_deref(), self.id);
        let customer = customer_key(customer_id, customer_name.as_deref());
        let sku = &catalog.skus[self.sku];
        let rep = reps[self.rep];
        vec![
            self.id.into(),
            self.ship_date.into(),
            month_index(self.ship_date).into(),
            self.order_number.into(),
            sku.code.clone().into(),
            sku.product.into(),
            self.lot.into(),
            self.quantity.into(),
            customer_id.into(),
            customer_name.into(),
            rep.into(),
            self.source.into(),
            self.notes.into(),
            self.legacy_id.map(|n| format!("DL-{n:09}")).into(),
            order.into(),
            customer.into(),
            rep.into(),
            rep.into(),
            self.created_at.into(),
            self.created_at.into(),
            1i64.into(),
        ]
    }
}

/// A customer's progress through its lines.
struct Progress {
    /// Lines of each of its orders, adding up to its share of the entries.
    sizes: Vec<u8>,
    /// Orders placed so far.
    placed: usize,
    /// Where in its slot of time each order falls, in thousandths.
    phase: u64,
    basket: Vec<usize>,
    basket_cumulative: Vec<u64>,
    basket_year: i32,
}

/// Lines per order, 1 to 5: mostly small orders.
fn order_size(rng: &mut Rng) -> usize {
    match rng.below(100) {
        0..=29 => 1,
        30..=54 => 2,
        55..=74 => 3,
        75..=89 => 4,
        _ => 5,
    }
}

/// Makes the entries month by month, in ship-date order within each month.
pub struct Generator<'a> {
    seed: u64,
    plan: &'a Plan,
    customers: &'a [Customer],
    catalog: &'a Catalog,
    reps: usize,
    progress: Vec<Progress>,
    /// Names no account has (each used by several entries).
    unmatched_names: Vec<String>,
    /// Entries naming no account, and naming no customer at all, over the whole period.
    unmatched: u64,
    nobody: u64,
    /// Of those, how many are made so far.
    extras_done: u64,
    next_order: u64,
    next_legacy: u64,
    /// Second parts of orders shipped across a month boundary, for the next month.
    carry: Vec<Entry>,
}

impl<'a> Generator<'a> {
    /// `total` entries: a few hundred unmatched and about a hundred without a customer
    /// (fewer in small loads), the rest from the customers.
    pub fn new(
        seed: u64,
        plan: &'a Plan,
        customers: &'a [Customer],
        catalog: &'a Catalog,
        reps: usize,
        total: u64,
        account_keys: &HashSet<String>,
    ) -> Self {
        let unmatched = (total / 30_000).max(total.min(5_000) / 100);
        let nobody = (total / 100_000).max(total.min(1_000) / 100);
        let lines = allocate(customers, plan, total - unmatched - nobody);
        let progress = lines
            .into_iter()
            .enumerate()
            .map(|(c, lines)| {
                let mut rng = Rng::for_record(seed, ORDER_STREAM, u64::MAX - c as u64);
                let mut sizes = Vec::new();
                let mut left = lines;
                while left > 0 {
                    let size = (order_size(&mut rng) as u64).min(left);
                    sizes.push(size as u8);
                    left -= size;
                }
                Progress {
                    sizes,
                    placed: 0,
                    phase: rng.below(1000) as u64,
                    basket: Vec::new(),
                    basket_cumulative: Vec::new(),
                    basket_year: i32::MIN,
                }
            })
            .collect();
        let mut rng = Rng::for_record(seed, EXTRA_STREAM, u64::MAX);
        let mut unmatched_names = Vec::new();
        let mut taken = HashSet::new();
        while (unmatched_names.len() as u64) < (unmatched / 3).max(1) {
            let name = format!(
                "{} {} {}",
                rng.pick(FIRST_NAMES),
                rng.pick(LAST_NAMES),
                rng.pick(UNMATCHED_KINDS)
            );
            let key = company_key(&name);
            if !account_keys.contains(&key) && taken.insert(key) {
                unmatched_names.push(name);
            }
        }
        Self {
            seed,
            plan,
            customers,
            catalog,
            reps,
            progress,
            unmatched_names,
            unmatched,
            nobody,
            extras_done: 0,
            next_order: 0,
            next_legacy: 0,
            carry: Vec::new(),
        }
    }

    /// Every entry shipped in month `m` (called for each month in order), sorted by ship
    /// date and id.
    pub fn month(&mut self, m: i32) -> Vec<Entry> {
        let mut out = std::mem::take(&mut self.carry);
        let customers = self.customers;
        for (c, customer) in customers.iter().enumerate() {
            if m < customer.first || m > customer.last {
                continue;
            }
            let key = ((c as u64) << 12) | (m - self.plan.first_month) as u64;
            let mut rng = Rng::for_record(self.seed, ORDER_STREAM, key);
            self.refresh_basket(c, m);
            // Order j of K is placed in the month where the customer's share of the
            // volume so far passes (j + phase) / K: evenly over its months, busier ones
            // getting more, with no pile-up of remainders at either end.
            let done = u128::from(self.plan.weight(customer.first, m));
            let all = u128::from(self.plan.weight(customer.first, customer.last).max(1));
            loop {
                let p = &mut self.progress[c];
                let count = p.sizes.len() as u128;
                let Some(&size) = p.sizes.get(p.placed) else {
                    break;
                };
                let at = p.placed as u128 * 1000 + u128::from(p.phase);
                if at * all > done * count * 1000 {
                    break;
                }
                p.placed += 1;
                self.order(&mut rng, c, m, usize::from(size), &mut out);
            }
        }
        self.extras(m, &mut out);
        out.sort_unstable_by_key(|e| (e.ship_date, e.id));
        out
    }

    /// The customer's basket for the year `m` is in: its core SKUs and this year's
    /// extras, the first ones most often.
    fn refresh_basket(&mut self, c: usize, m: i32) {
        let year = (m - self.plan.first_month) / 12;
        if self.progress[c].basket_year == year {
            return;
        }
        let mut basket: Vec<usize> = Vec::new();
        let mut add = |rng: &mut Rng, n: usize| {
            let mut tries = 0;
            let want = basket.len() + n;
            while basket.len() < want && tries < 20 * n {
                tries += 1;
                let sku = self.catalog.popular(rng);
                if !basket.contains(&sku) {
                    basket.push(sku);
                }
            }
        };
        let mut core = Rng::for_record(self.seed, BASKET_STREAM, c as u64);
        let n = 8 + core.below(15);
        add(&mut core, n);
        let mut extra = Rng::for_record(
            self.seed,
            BASKET_STREAM,
            (1 << 40) | ((c as u64) << 8) | year as u64,
        );
        let n = 2 + extra.below(7);
        add(&mut extra, n);
        let p = &mut self.progress[c];
        p.basket_cumulative = running((0..basket.len()).map(|j| 1000 / (j as u64 + 2)));
        p.basket = basket;
        p.basket_year = year;
    }

    fn order(&mut self, rng: &mut Rng, c: usize, m: i32, size: usize, out: &mut Vec<Entry>) {
        let (first_day, last_day) = self.plan.days(m);
        let day = weekday(rng, first_day, last_day);
        let order_number = (!rng.chance(NO_ORDER_NUMBER)).then(|| {
            self.next_order += 1;
            format!("SO-{:08}", self.next_order)
        });
        let customers = self.customers;
        let customer = &customers[c];
        let habit = c + rng.below(2);
        let who = if rng.chance(UNLINKED) {
            Who::Named(c as u32, spelling(&customer.name, habit))
        } else {
            let kept = rng.chance(25).then(|| spelling(&customer.name, habit));
            Who::Linked(c as u32, kept)
        };
        let rep = if self.reps > 1 && rng.chance(OTHER_REP) {
            (customer.rep + 1 + rng.below(self.reps - 1)) % self.reps
        } else {
            customer.rep
        };
        let source = self.source(rng, m);

        let p = &self.progress[c];
        let mut skus: Vec<usize> = Vec::with_capacity(size);
        let mut tries = 0;
        while skus.len() < size.min(p.basket.len()) && tries < 50 {
            tries += 1;
            let sku = p.basket[by_weight(rng, &p.basket_cumulative).min(p.basket.len() - 1)];
            if !skus.contains(&sku) {
                skus.push(sku);
            }
        }
        // Orders near a month's end sometimes ship their second half in the first days
        // of the next month: one order, counted in both months.
        let split = if skus.len() >= 2
            && order_number.is_some()
            && m < self.plan.last_month
            && (last_day - day).num_days() <= 2
            && rng.chance(15)
        {
            let (next_first, next_last) = self.plan.days(m + 1);
            let later = (next_first + Duration::days(rng.below(3) as i64)).min(next_last);
            Some((skus.len().div_ceil(2), later, rng.chance(30)))
        } else {
            None
        };
        for (line, sku) in skus.into_iter().enumerate() {
            let (ship, number, carried) = match &split {
                Some((at, later, lower)) if line >= *at => {
                    let number = if *lower {
                        order_number.as_ref().map(|n| n.to_lowercase())
                    } else {
                        order_number.clone()
                    };
                    (*later, number, true)
                }
                _ => (day, order_number.clone(), false),
            };
            let entry = self.line(rng, ship, number, sku, who.clone(), rep, source);
            if carried {
                self.carry.push(entry);
            } else {
                out.push(entry);
            }
        }
    }

    /// Old entries came in from the legacy system, recent ones typed in or over the API.
    fn source(&self, rng: &mut Rng, m: i32) -> &'static str {
        let old = self.plan.last_month - m >= 12;
        match (old, rng.below(10)) {
            (true, 0..=6) => "import",
            (true, _) => "manual",
            (false, 0..=4) => "manual",
            (false, _) => "api",
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn line(
        &mut self,
        rng: &mut Rng,
        ship: NaiveDate,
        order_number: Option<String>,
        sku: usize,
        who: Who,
        rep: usize,
        source: &'static str,
    ) -> Entry {
        let created_at = ship
            .and_hms_opt(7, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or_default()
            + Duration::seconds(rng.below(36 * 3600) as i64);
        let s = &self.catalog.skus[sku];
        // One lot per SKU and month, two for the popular ones (a new lot mid-month).
        let lot = (!rng.chance(3)).then(|| {
            let half = if s.rank < 50 && ship.day() > 15 {
                'B'
            } else {
                'A'
            };
            format!(
                "{}{:02}{:02}{half}",
                s.number,
                ship.year() % 100,
                ship.month()
            )
        });
        let quantity = 1 + skewed(rng, FAMILIES[s.family].2) as i64;
        let legacy_id = (source == "import").then(|| {
            self.next_legacy += 1;
            self.next_legacy
        });
        Entry {
            id: rng.uuid_v7(created_at),
            ship_date: ship,
            order_number,
            sku,
            lot,
            quantity,
            who,
            rep,
            source,
            notes: rng.chance(1).then(|| *rng.pick(NOTES)),
            legacy_id,
            created_at,
        }
    }

    /// This month's share of the entries naming no account or no customer: one-line
    /// orders, spread evenly over the months.
    fn extras(&mut self, m: i32, out: &mut Vec<Entry>) {
        let all = self.unmatched + self.nobody;
        let months = self.plan.months() as u64;
        let upto = all * (m - self.plan.first_month + 1) as u64 / months;
        while self.extras_done < upto {
            let index = self.extras_done;
            self.extras_done += 1;
            let mut rng = Rng::for_record(self.seed, EXTRA_STREAM, index);
            let who = if is_nobody(index, self.unmatched, self.nobody) {
                Who::Nobody
            } else {
                Who::Unmatched(rng.pick(&self.unmatched_names).clone())
            };
            let (first_day, last_day) = self.plan.days(m);
            let day = weekday(&mut rng, first_day, last_day);
            let order_number = (!rng.chance(NO_ORDER_NUMBER)).then(|| {
                self.next_order += 1;
                format!("SO-{:08}", self.next_order)
            });
            let sku = self.catalog.popular(&mut rng);
            let rep = rng.below(self.reps);
            let source = self.source(&mut rng, m);
            let entry = self.line(&mut rng, day, order_number, sku, who, rep, source);
            out.push(entry);
        }
    }
}

/// Whether extra entry `index` names nobody: every k-th one, so both kinds run through
/// the whole period.
fn is_nobody(index: u64, unmatched: u64, nobody: u64) -> bool {
    if nobody == 0 {
        return false;
    }
    let all = unmatched + nobody;
    // Entry i is the n-th "nobody" when floor((i+1)·nobody/all) steps up.
    (index + 1) * nobody / all > index * nobody / all
}

/// A random weekday between `from` and `to` (any day if the range has none).
fn weekday(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let days = (to - from).num_days().max(0) as usize + 1;
    for _ in 0..8 {
        let d = from + Duration::days(rng.below(days) as i64);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            return d;
        }
    }
    from + Duration::days(rng.below(days) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan::new(NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(), 2)
    }

    fn setup(count: usize, reps: usize) -> (Plan, Vec<Customer>, Catalog, HashSet<String>) {
        let plan = plan();
        let ids: Vec<Uuid> = (0..reps).map(|i| Uuid::from_u128(i as u128 + 1)).collect();
        let t = territories(reps);
        let mut keys = HashSet::new();
        let customers = (0..count)
            .map(|i| customer(5, i, count, &plan, &t, &ids, |k| keys.insert(k.to_owned())).0)
            .collect();
        let (catalog, _) = catalog(5, 40, &plan, None);
        (plan, customers, catalog, keys)
    }

    #[test]
    fn plan_covers_whole_months() {
        let p = plan();
        assert_eq!(month_start(p.first_month).to_string(), "2024-11-01");
        assert_eq!(p.months(), 24);
        assert_eq!(p.last_full_month(), p.last_month);
        let partial = Plan::new(NaiveDate::from_ymd_opt(2026, 10, 15).unwrap(), 1);
        assert_eq!(partial.last_full_month(), partial.last_month - 1);
        assert!(partial.month_weight[11] < partial.month_weight[10]);
    }

    #[test]
    fn allocation_is_exact() {
        let (plan, customers, _, _) = setup(300, 5);
        let lines = allocate(&customers, &plan, 123_457);
        assert_eq!(lines.iter().sum::<u64>(), 123_457);
    }

    #[test]
    fn spellings_keep_the_company_key() {
        for name in [
            "Zürich Müller GmbH",
            "Straße Dental Lab",
            "Ashbrook Smile Clinic",
        ] {
            for which in 0..6 {
                assert_eq!(company_key(&spelling(name, which)), company_key(name));
            }
        }
        assert_eq!(spelling("Ashbrook Smile", 1), "ASHBROOK SMILE");
    }

    #[test]
    fn territories_cover_every_state_and_rep() {
        let t = territories(40);
        assert_eq!(t.len(), STATES.len());
        let mut seen: HashSet<usize> = HashSet::new();
        for reps in &t {
            assert!(!reps.is_empty());
            seen.extend(reps);
        }
        assert_eq!(seen.len(), 40);
    }

    #[test]
    fn entries_add_up_and_are_deterministic() {
        let (plan, customers, catalog, keys) = setup(200, 6);
        let total = 40_000;
        let run = || {
            let mut g = Generator::new(5, &plan, &customers, &catalog, 6, total, &keys);
            let mut all = Vec::new();
            for m in plan.first_month..=plan.last_month {
                let month = g.month(m);
                assert!(month.iter().all(|e| month_index(e.ship_date) == m));
                assert!(month.windows(2).all(|w| w[0].ship_date <= w[1].ship_date));
                all.extend(month);
            }
            all
        };
        let a = run();
        assert_eq!(a.len() as u64, total);
        let b = run();
        assert!(a
            .iter()
            .zip(&b)
            .all(|(x, y)| x.id == y.id && x.who == y.who));

        let count = |f: &dyn Fn(&Entry) -> bool| a.iter().filter(|e| f(e)).count() as f64;
        let n = a.len() as f64;
        let unlinked = count(&|e| matches!(e.who, Who::Named(..)));
        assert!((0.07..0.13).contains(&(unlinked / n)), "{unlinked}");
        assert!(count(&|e| matches!(e.who, Who::Nobody)) >= 1.0);
        assert!(count(&|e| matches!(e.who, Who::Unmatched(_))) >= 10.0);
        let no_number = count(&|e| e.order_number.is_none());
        assert!((0.005..0.05).contains(&(no_number / n)), "{no_number}");
        // Some orders ship in two months, and unmatched names match no account.
        let mut months_of: std::collections::HashMap<String, HashSet<i32>> = Default::default();
        for e in &a {
            if let Some(o) = &e.order_number {
                months_of
                    .entry(o.to_uppercase())
                    .or_default()
                    .insert(month_index(e.ship_date));
            }
            if let Who::Unmatched(name) = &e.who {
                assert!(!keys.contains(&company_key(name)));
            }
            if let Who::Named(c, name) = &e.who {
                assert_eq!(company_key(name), company_key(&customers[*c as usize].name));
            }
        }
        assert!(months_of.values().any(|m| m.len() == 2));
        assert!(months_of.values().all(|m| m.len() <= 2));
        // Orders have distinct SKUs.
        let mut lines: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for e in &a {
            if let Some(o) = &e.order_number {
                lines.entry(o.to_uppercase()).or_default().push(e.sku);
            }
        }
        for skus in lines.values() {
            let distinct: HashSet<_> = skus.iter().collect();
            assert_eq!(distinct.len(), skus.len());
            assert!(skus.len() <= 5);
        }
    }

    #[test]
    fn rows_carry_the_domain_keys() {
        let (plan, customers, catalog, keys) = setup(50, 3);
        let reps: Vec<Uuid> = (0..3).map(|i| Uuid::from_u128(i + 1)).collect();
        let mut g = Generator::new(5, &plan, &customers, &catalog, 3, 5_000, &keys);
        let entry = g.month(plan.last_month).remove(0);
        let id = entry.id;
        let number = entry.order_number.clone();
        let row = entry.values(&customers, &catalog, &reps);
        assert_eq!(row.len(), DISTRIBUTION_COLUMNS.split(',').count());
        assert_eq!(row[14], Value::Text(order_key(number.as_deref(), id)));
    }
}
