//! The lead and activity workload of issue #15 (seed 002 mapped onto leads): the small
//! name lists both `rapport-load-leads` and rapport-bench's `lead-create` draw from, so
//! loaded and created leads look alike, and the last-name prefixes the search scenario
//! types.

use rapport_domain::lead::LeadStatus;

/// 25 first names. None starts with a [`SEARCH_PREFIXES`] entry, so a prefix search
/// finds leads by their last name only and its matches are a known share of the leads.
pub const FIRST_NAMES: [&str; 25] = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Charles",
    "Sarah",
    "Christopher",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
];

/// 25 last names, common ones first.
pub const LAST_NAMES: [&str; 25] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Nguyen",
    "Patel",
    "Kim",
    "Ivanova",
];

/// Company words; with [`COMPANY_SUFFIXES`] they make 160 organisations.
pub const COMPANIES: [&str; 20] = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Wonka",
    "Cyberdyne",
    "Tyrell",
    "Soylent",
    "Stark",
    "Wayne",
    "Oscorp",
    "Aperture",
    "Monarch",
    "Dunder",
    "Nakatomi",
    "Gekko",
    "Bluth",
    "Sterling",
];

pub const COMPANY_SUFFIXES: [&str; 8] = [
    "Industries",
    "Systems",
    "Labs",
    "Holdings",
    "Group",
    "Logistics",
    "Dental",
    "Clinic",
];

/// What the search scenario types: prefixes of last names, from a whole short name
/// (`kim`) to the first letters of a long one (`ander`). `mart` matches two names.
pub const SEARCH_PREFIXES: [&str; 10] = [
    "smith", "garc", "nguy", "patel", "ander", "mart", "kim", "ivan", "tayl", "jack",
];

/// The statuses a lead may be created in or moved between without a reopen; won and lost
/// are final, and lost needs a reason.
pub const OPEN_STATUSES: [LeadStatus; 5] = [
    LeadStatus::New,
    LeadStatus::Contacted,
    LeadStatus::Qualified,
    LeadStatus::Proposal,
    LeadStatus::Negotiation,
];

/// The open status after `status`, wrapping from negotiation back to new: every move is
/// a real change (a history row and a move on the board), and never a final one.
pub fn next_open(status: LeadStatus) -> LeadStatus {
    let at = OPEN_STATUSES.iter().position(|s| *s == status).unwrap_or(0);
    OPEN_STATUSES[(at + 1) % OPEN_STATUSES.len()]
}

/// A lead's person and organisation, picked from the lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Person {
    pub first: &'static str,
    pub last: &'static str,
    pub company: &'static str,
    pub suffix: &'static str,
}

impl Person {
    /// Picks each part from its own bits of `bits`, so any random u64 gives an even
    /// spread over every list.
    pub fn from_bits(bits: u64) -> Self {
        let pick = |shift: u32, n: usize| ((bits >> shift) % n as u64) as usize;
        Self {
            first: FIRST_NAMES[pick(0, FIRST_NAMES.len())],
            last: LAST_NAMES[pick(16, LAST_NAMES.len())],
            company: COMPANIES[pick(32, COMPANIES.len())],
            suffix: COMPANY_SUFFIXES[pick(48, COMPANY_SUFFIXES.len())],
        }
    }

    /// "First Last Company Suffix".
    pub fn title(&self) -> String {
        format!(
            "{} {} {} {}",
            self.first, self.last, self.company, self.suffix
        )
    }

    /// "Company Suffix".
    pub fn organization(&self) -> String {
        format!("{} {}", self.company, self.suffix)
    }

    /// first.lastN@company.example.com
    pub fn email(&self, n: u64) -> String {
        format!(
            "{}.{}{n}@{}.example.com",
            self.first.to_lowercase(),
            self.last.to_lowercase(),
            self.company.to_lowercase()
        )
    }
}

/// +1-555-NNNNNNN: the number `n` in the range the North American plan keeps for fiction.
pub fn phone(n: u64) -> String {
    format!("+1-555-{:07}", n % 10_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prefix_finds_a_last_name_and_no_first_name() {
        for prefix in SEARCH_PREFIXES {
            let starts = |name: &str| name.to_lowercase().starts_with(prefix);
            assert!(LAST_NAMES.iter().any(|n| starts(n)), "{prefix}");
            assert!(!FIRST_NAMES.iter().any(|n| starts(n)), "{prefix}");
            assert!(!COMPANIES.iter().any(|n| starts(n)), "{prefix}");
        }
    }

    #[test]
    fn people_are_written_as_the_workload_says() {
        let p = Person::from_bits(0);
        assert_eq!(p.title(), "James Smith Acme Industries");
        assert_eq!(p.organization(), "Acme Industries");
        assert_eq!(p.email(12), "james.smith12@acme.example.com");
        assert_eq!(phone(1), "+1-555-0000001");
        assert_eq!(phone(12_345_678), "+1-555-2345678");
    }

    #[test]
    fn status_moves_stay_open() {
        for s in OPEN_STATUSES {
            let next = next_open(s);
            assert_ne!(next, s);
            assert!(!next.is_final());
        }
        assert_eq!(next_open(LeadStatus::Negotiation), LeadStatus::New);
    }
}
