//! Deterministic customer-master records for the loaders: the same `--seed` and index
//! always give the same rep, account or contact, whatever the batch size, so runs on
//! both engines load identical data.
//!
//! Derived columns (company_key, search_text, name_key, sort_key, city/region/country)
//! follow the rules of `rapport-store` (accounts.rs `searchable`/`values`, contacts.rs
//! `values`) through the same `rapport_domain::normalize` functions, so `q` finds loaded
//! records exactly as it finds records written through the API.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rapport_db::Value;
use rapport_domain::account::Address;
use rapport_domain::normalize::{company_key, phone_words, search_text};
use uuid::Uuid;

use crate::words::*;

/// splitmix64: tiny, fast and good enough to spread test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// A generator for record `index` of stream `stream`, independent of all others.
    pub fn for_record(seed: u64, stream: u64, index: u64) -> Self {
        let mut r = Self(seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        r.0 ^= r
            .next_u64()
            .wrapping_add(index.wrapping_mul(0xd1b5_4a32_d192_ed03));
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next_u64() % 10) as u8))
            .collect()
    }

    /// A UUIDv7 for a record created at `at`, like `rapport_domain::new_id` would have
    /// minted then.
    pub fn uuid_v7(&mut self, at: DateTime<Utc>) -> Uuid {
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        random[8..].copy_from_slice(&self.next_u64().to_le_bytes()[..2]);
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
        uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
    }
}

const ACCOUNT_STREAM: u64 = 1;
const CONTACT_STREAM: u64 = 2;
const USER_STREAM: u64 = 3;

/// Records are created evenly over this many days before `epoch`.
pub const HISTORY_DAYS: i64 = 5 * 365;

/// The fixed clock the data is generated against, so reruns give identical rows.
pub fn epoch() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc::now())
}

/// Creation time of record `index` of `count`: evenly spread, oldest first, whole
/// microseconds (what both engines store).
pub fn created_at(index: usize, count: usize) -> DateTime<Utc> {
    let span_us = HISTORY_DAYS * 24 * 3600 * 1_000_000;
    let offset = (span_us as i128 * index as i128 / count.max(1) as i128) as i64;
    epoch() - Duration::days(HISTORY_DAYS) + Duration::microseconds(offset)
}

fn updated_at(rng: &mut Rng, created: DateTime<Utc>) -> DateTime<Utc> {
    if rng.chance(60) {
        return created;
    }
    let later = created + Duration::seconds((rng.next_u64() % (400 * 24 * 3600)) as i64);
    later.min(epoch())
}

/// A rep user.
pub struct Rep {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

pub fn rep(seed: u64, index: usize) -> Rep {
    let mut rng = Rng::for_record(seed, USER_STREAM, index as u64);
    let created_at = epoch() - Duration::days(HISTORY_DAYS + 30) + Duration::hours(index as i64);
    Rep {
        id: rng.uuid_v7(created_at),
        email: format!("rep{:03}@reps.bench.example", index + 1),
        name: format!("{} {}", rng.pick(REP_FIRST), rng.pick(LAST_NAMES)),
        created_at,
    }
}

pub const REP_COLUMNS: &str =
    "id, email, name, role, enabled, auth_provider, created_at, updated_at, version";

pub fn rep_values(r: &Rep) -> Vec<Value> {
    vec![
        r.id.into(),
        r.email.clone().into(),
        r.name.clone().into(),
        "rep".into(),
        true.into(),
        "local".into(),
        r.created_at.into(),
        r.created_at.into(),
        1i64.into(),
    ]
}

/// A phone number written the way people in `country` write it.
pub fn phone(rng: &mut Rng, country: &str) -> String {
    match country {
        "US" | "CA" => format!(
            "+1 ({}{}) {}-{}",
            2 + rng.below(8),
            rng.digits(2),
            rng.digits(3),
            rng.digits(4)
        ),
        "DE" => format!(
            "+49 {} {}",
            rng.pick(&["30", "40", "89", "221", "69", "711", "211", "341", "351", "911"]),
            rng.digits(7)
        ),
        "FR" => format!(
            "+33 {} {} {} {} {}",
            1 + rng.below(5),
            rng.digits(2),
            rng.digits(2),
            rng.digits(2),
            rng.digits(2)
        ),
        "CH" => format!(
            "+41 {} {} {} {}",
            rng.pick(&["44", "22", "61", "31", "21"]),
            rng.digits(3),
            rng.digits(2),
            rng.digits(2)
        ),
        "AT" => format!(
            "+43 {} {}",
            rng.pick(&["1", "316", "732", "662"]),
            rng.digits(7)
        ),
        "GB" => format!(
            "+44 {} {} {}",
            rng.pick(&["20", "161", "121", "113", "141", "131", "117"]),
            rng.digits(4),
            rng.digits(4)
        ),
        "IT" => format!(
            "+39 {} {}",
            rng.pick(&["02", "06", "011", "081"]),
            rng.digits(7)
        ),
        "ES" => format!(
            "+34 9{} {} {} {}",
            rng.digits(1),
            rng.digits(3),
            rng.digits(2),
            rng.digits(2)
        ),
        _ => format!(
            "+31 {} {} {}",
            rng.pick(&["20", "10", "30"]),
            rng.digits(3),
            rng.digits(4)
        ),
    }
}

fn address(rng: &mut Rng) -> Address {
    let (city, region, country) = *rng.pick(CITIES);
    Address {
        street: Some(format!(
            "{} {}{} {}",
            1 + rng.below(400),
            rng.pick(PLACE_HEADS),
            rng.pick(PLACE_TAILS),
            rng.pick(STREET_KINDS)
        )),
        street2: None,
        city: Some(city.to_owned()),
        region: Some(region.to_owned()),
        postal_code: Some(rng.digits(5)),
        country: Some(country.to_owned()),
    }
}

fn address_value(a: &Option<Address>) -> Value {
    match a {
        Some(addr) => serde_json::to_value(addr).map_or(Value::Null, Value::Json),
        None => Value::Null,
    }
}

/// Lower-case letters and digits: the word an email domain is made of.
pub fn slug(s: &str) -> String {
    company_key(s).to_lowercase()
}

/// The parts of a generated account that sample queries are made from.
pub struct Account {
    pub id: Uuid,
    /// customer, prospect, partner, distributor, office or facility.
    pub kind: &'static str,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub owner: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub archived: bool,
    /// Columns in the order of [`ACCOUNT_COLUMNS`].
    pub values: Vec<Value>,
    pub tags: Vec<String>,
}

pub const ACCOUNT_COLUMNS: &str =
    "id, kind, name, legal_name, company_key, registration_number, customer_type, \
    email, phone, website, billing_address, service_address, tags, notes, owner_id, legacy_id, \
    metadata, search_text, created_by, updated_by, created_at, updated_at, archived_at, version, \
    city, region, country, merged_into_id";

/// Where `kind` stands in [`ACCOUNT_COLUMNS`].
pub const ACCOUNT_KIND_COLUMN: usize = 1;
/// Where `kind` stands in [`CONTACT_COLUMNS`].
pub const CONTACT_KIND_COLUMN: usize = 1;

/// Account `index` of `count`. `unique_key` is asked whether a company key is still free
/// and must remember it if so; a taken name gets a number, like "Ashford Smile Clinic 2".
pub fn account(
    seed: u64,
    index: usize,
    count: usize,
    reps: &[Uuid],
    mut unique_key: impl FnMut(&str) -> bool,
) -> Account {
    let mut rng = Rng::for_record(seed, ACCOUNT_STREAM, index as u64);
    let created = created_at(index, count);
    let updated = updated_at(&mut rng, created);
    let id = rng.uuid_v7(created);

    let place = if rng.chance(10) {
        (*rng.pick(REAL_PLACES)).to_owned()
    } else {
        format!("{}{}", rng.pick(PLACE_HEADS), rng.pick(PLACE_TAILS))
    };
    let descriptor = *rng.pick(DESCRIPTORS);
    let suffix = *rng.pick(SUFFIXES);
    let base = format!("{place} {descriptor} {suffix}");
    let mut name = base.clone();
    let mut n = 2;
    while !unique_key(&company_key(&name)) {
        name = format!("{base} {n}");
        n += 1;
    }
    let key = company_key(&name);

    let kind = match rng.below(100) {
        0..=84 => "customer",
        85..=92 => "prospect",
        93..=95 => "partner",
        96..=97 => "distributor",
        98 => "office",
        _ => "facility",
    };
    let customer_type = match rng.below(10) {
        0..=6 => Some("commercial"),
        7 => Some("residential"),
        _ => None,
    };
    let domain = format!("{}-{}.{}", slug(&place), slug(descriptor), rng.pick(TLDS));
    let email = rng
        .chance(90)
        .then(|| format!("{}@{domain}", rng.pick(ACCOUNT_EMAIL_LOCALS)));
    let website = rng.chance(50).then(|| format!("https://www.{domain}"));
    let (billing, service) = match rng.below(100) {
        0..=84 => (Some(address(&mut rng)), None),
        85..=89 => (Some(address(&mut rng)), Some(address(&mut rng))),
        90..=94 => (None, Some(address(&mut rng))),
        _ => (None, None),
    };
    // The country of the phone number follows the account's place.
    let place_of = billing.as_ref().or(service.as_ref());
    let country = place_of
        .and_then(|a| a.country.clone())
        .unwrap_or_else(|| "US".into());
    let phone = rng.chance(85).then(|| phone(&mut rng, &country));
    let mut tags: Vec<String> = Vec::new();
    for _ in 0..rng.below(4) {
        let tag = (*rng.pick(TAGS)).to_owned();
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let owner = (!reps.is_empty() && rng.chance(90)).then(|| *rng.pick(reps));
    let archived = rng.chance(2);

    // accounts.rs `searchable`: name, legal name, email, phone, its digits, cities,
    // registration number, website, tags.
    let city = |a: &Option<Address>| a.as_ref().and_then(|x| x.city.clone()).unwrap_or_default();
    let phone_text = phone.clone().unwrap_or_default();
    let mut parts: Vec<String> = vec![
        name.clone(),
        String::new(),
        email.clone().unwrap_or_default(),
        phone_text.clone(),
        phone_words(&phone_text),
        city(&billing),
        city(&service),
        String::new(),
        website.clone().unwrap_or_default(),
    ];
    parts.extend(tags.iter().cloned());
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    let search = search_text(&refs);

    let place_of = billing.as_ref().or(service.as_ref());
    let values = vec![
        id.into(),
        kind.into(),
        name.clone().into(),
        Value::Null,
        key.into(),
        Value::Null,
        customer_type.into(),
        email.clone().into(),
        phone.clone().into(),
        website.into(),
        address_value(&billing),
        address_value(&service),
        serde_json::json!(tags).into(),
        Value::Null,
        owner.into(),
        Value::Null,
        serde_json::json!({}).into(),
        search.into(),
        owner.into(),
        owner.into(),
        created.into(),
        updated.into(),
        archived.then_some(updated).into(),
        1i64.into(),
        place_of.and_then(|p| p.city.clone()).into(),
        place_of.and_then(|p| p.region.clone()).into(),
        place_of.and_then(|p| p.country.clone()).into(),
        Value::Null,
    ];
    Account {
        id,
        kind,
        city: place_of.and_then(|p| p.city.clone()),
        name,
        email,
        phone,
        owner,
        created_at: created,
        archived,
        values,
        tags,
    }
}

/// The parts of a generated contact that sample queries are made from.
pub struct Contact {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    /// Columns in the order of [`CONTACT_COLUMNS`].
    pub values: Vec<Value>,
}

pub const CONTACT_COLUMNS: &str =
    "id, kind, first_name, middle_name, last_name, email, phone, title, \
    date_of_birth, gender, address, active, legacy_id, metadata, name_key, sort_key, search_text, \
    created_by, updated_by, created_at, updated_at, version";

pub fn contact(seed: u64, index: usize, count: usize, reps: &[Uuid]) -> Contact {
    let mut rng = Rng::for_record(seed, CONTACT_STREAM, index as u64);
    let created = created_at(index, count);
    let updated = updated_at(&mut rng, created);
    let id = rng.uuid_v7(created);
    let first = (*rng.pick(FIRST_NAMES)).to_owned();
    let middle = rng.chance(10).then(|| (*rng.pick(FIRST_NAMES)).to_owned());
    let last = (*rng.pick(LAST_NAMES)).to_owned();
    let kind = match rng.below(100) {
        0..=49 => "contact",
        50..=64 => "doctor",
        65..=79 => "staff",
        80..=87 => "technician",
        88..=94 => "patient",
        _ => "sales_person",
    };
    let email = rng.chance(80).then(|| {
        let number = if rng.chance(30) {
            rng.below(100).to_string()
        } else {
            String::new()
        };
        format!(
            "{}.{}{number}@{}",
            slug(&first),
            slug(&last),
            rng.pick(CONTACT_EMAIL_DOMAINS)
        )
    });
    let addr = rng.chance(20).then(|| address(&mut rng));
    let country = addr
        .as_ref()
        .and_then(|a| a.country.clone())
        .unwrap_or_else(|| (*rng.pick(&["US", "DE", "FR", "GB", "CH"])).to_owned());
    let phone = rng.chance(70).then(|| phone(&mut rng, &country));
    let title = rng
        .chance(40)
        .then(|| (*rng.pick(CONTACT_TITLES)).to_owned());
    let date_of_birth = rng.chance(20).then(|| {
        NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or_default()
            + Duration::days(rng.below(50 * 365) as i64)
    });
    let active = rng.chance(95);
    let created_by = (!reps.is_empty() && rng.chance(70)).then(|| *rng.pick(reps));

    // contacts.rs `values`: full name, keys and search words.
    let full_name = rapport_domain::contact::Contact::display_name(
        Some(&first),
        middle.as_deref(),
        Some(&last),
    );
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let phone_text = s(&phone);
    let sort_key = company_key(&format!("{} {} {}", last, first, s(&middle)));
    let search = search_text(&[
        &full_name,
        &s(&email),
        &phone_text,
        &phone_words(&phone_text),
    ]);
    let values = vec![
        id.into(),
        kind.into(),
        first.clone().into(),
        middle.clone().into(),
        last.clone().into(),
        email.clone().into(),
        phone.clone().into(),
        title.into(),
        date_of_birth.into(),
        Value::Null,
        address_value(&addr),
        active.into(),
        Value::Null,
        serde_json::json!({}).into(),
        company_key(&full_name).into(),
        sort_key.into(),
        search.into(),
        created_by.into(),
        created_by.into(),
        created.into(),
        updated.into(),
        1i64.into(),
    ];
    Contact {
        id,
        first_name: first,
        last_name: last,
        email,
        phone,
        created_at: created,
        created_by,
        values,
    }
}

pub const LINK_COLUMNS: &str = "id, account_id, contact_id, role, is_primary, active, \
    created_by, created_at, updated_at, version";

/// A link from contact `index` to an account. Contact `i` goes to account `i % accounts`,
/// so the first pass over the accounts gives every account its primary contact.
pub fn link(
    seed: u64,
    index: usize,
    contact: &Contact,
    account_id: Uuid,
    account_created: DateTime<Utc>,
    accounts: usize,
) -> Vec<Value> {
    let mut rng = Rng::for_record(seed, CONTACT_STREAM + 100, index as u64);
    let at = contact.created_at.max(account_created);
    let role = rng.chance(60).then(|| (*rng.pick(LINK_ROLES)).to_owned());
    vec![
        rng.uuid_v7(at).into(),
        account_id.into(),
        contact.id.into(),
        role.into(),
        (index < accounts).into(),
        true.into(),
        contact.created_by.into(),
        at.into(),
        at.into(),
        1i64.into(),
    ]
}

/// Creation time of account `index` of `count` (without generating it).
pub fn account_created_at(index: usize, count: usize) -> DateTime<Utc> {
    created_at(index, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_deterministic_and_keys_unique() {
        let mut seen = std::collections::HashSet::new();
        let reps = [Uuid::nil()];
        let a = account(7, 3, 10, &reps, |k| seen.insert(k.to_owned()));
        let mut seen2 = std::collections::HashSet::new();
        let b = account(7, 3, 10, &reps, |k| seen2.insert(k.to_owned()));
        assert_eq!(a.values, b.values);
        // The same key again must get a number.
        let c = account(7, 3, 10, &reps, |k| seen.insert(k.to_owned()));
        assert_eq!(c.name, format!("{} 2", a.name));
    }

    #[test]
    fn search_text_holds_name_email_phone_words() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..50 {
            let a = account(1, i, 50, &[], |k| seen.insert(k.to_owned()));
            let Value::Text(search) = &a.values[17] else {
                panic!("search_text is not text");
            };
            assert!(search.starts_with(&search_text(&[&a.name])));
            if let Some(p) = &a.phone {
                assert!(search.contains(&phone_words(p)));
            }
        }
    }

    #[test]
    fn created_at_is_ordered_and_in_micros() {
        let a = created_at(1, 3);
        let b = created_at(2, 3);
        assert!(a < b && b < epoch());
        assert_eq!(a.timestamp_subsec_nanos() % 1000, 0);
    }
}
