//! What a list is asked (`ListParams`), what it accepts (`ListSpec`) and what it
//! answers (`Page`).

use crate::{SqlBuf, StoreError};

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;

/// The standard list parameters, plus every other query parameter as a filter.
#[derive(Debug, Clone)]
pub struct ListParams {
    pub limit: usize,
    pub cursor: Option<String>,
    pub sort: Option<String>,
    pub q: Option<String>,
    pub count: bool,
    pub filters: Vec<(String, String)>,
}

impl ListParams {
    /// Removes and returns the values of one filter, for resources that treat it specially.
    pub fn take_filter(&mut self, name: &str) -> Vec<String> {
        let mut taken = Vec::new();
        self.filters.retain(|(k, v)| {
            if k == name {
                taken.push(v.clone());
                false
            } else {
                true
            }
        });
        taken
    }
}

impl Default for ListParams {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            cursor: None,
            sort: None,
            q: None,
            count: false,
            filters: Vec::new(),
        }
    }
}

/// The `archived=false|true|all` filter of resources that archive (default false), as
/// a condition on `archived_at`.
pub fn take_archived(params: &mut ListParams) -> Result<Option<SqlBuf>, StoreError> {
    let archived = params.take_filter("archived");
    match archived.last().map(String::as_str) {
        None | Some("false") => Ok(Some(SqlBuf::new("archived_at IS NULL"))),
        Some("true") => Ok(Some(SqlBuf::new("archived_at IS NOT NULL"))),
        Some("all") => Ok(None),
        Some(other) => Err(StoreError::bad_request(
            "archived",
            "enum",
            format!("must be false, true or all, not {other:?}"),
        )),
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
    /// Present when asked for with `count=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// With `total`: false when counting stopped at a limit and `total` is a lower bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_exact: Option<bool>,
}

impl<T> Page<T> {
    /// Sets `total` and `total_exact` from a count.
    pub fn with_total(mut self, total: Option<super::count::Total>) -> Self {
        self.total = total.map(|t| t.count);
        self.total_exact = total.map(|t| t.exact);
        self
    }
}

impl<T> Page<T> {
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            data: self.data.into_iter().map(f).collect::<Result<_, E>>()?,
            next_cursor: self.next_cursor,
            total: self.total,
            total_exact: self.total_exact,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Uuid,
    Timestamp,
    Date,
    Int,
    Bool,
    /// An exact decimal (a total), for sorting: SQLite keeps decimals as text, so both
    /// engines compare it as a number (`DOUBLE PRECISION`, ties broken by the id).
    Decimal,
    /// One of a set of names, read as the write reads them (aliases and seed spellings
    /// included) and compared as stored; an unknown name is a 400 naming the filter.
    Choice(Choice),
}

/// The named sets a filter may be one of: each the domain's own, so a filter accepts
/// exactly what a write accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    AccountKind,
    CustomerType,
    ContactKind,
    LeadStatus,
    ActivityKind,
    Channel,
    DistributionSource,
    ContractStatus,
    OrderPriority,
    ProjectStatus,
    TaskStatus,
}

impl Choice {
    /// The stored name `written` stands for, if any.
    pub fn stored(self, written: &str) -> Option<&'static str> {
        use rapport_domain::changes::Choice as C;
        fn of<T: C + Copy>(s: &str, name: fn(T) -> &'static str) -> Option<&'static str> {
            T::parse(s).map(name)
        }
        match self {
            Choice::AccountKind => of(written, rapport_domain::account::AccountKind::as_str),
            Choice::CustomerType => of(written, rapport_domain::account::CustomerType::as_str),
            Choice::ContactKind => of(written, rapport_domain::contact::ContactKind::as_str),
            Choice::LeadStatus => of(written, rapport_domain::lead::LeadStatus::as_str),
            Choice::ActivityKind => of(written, rapport_domain::activity::ActivityKind::as_str),
            Choice::Channel => of(written, rapport_domain::activity::Channel::as_str),
            Choice::DistributionSource => of(written, rapport_domain::distribution::Source::as_str),
            Choice::ContractStatus => of(written, rapport_domain::contract::ContractStatus::as_str),
            Choice::OrderPriority => of(written, rapport_domain::order::Priority::as_str),
            Choice::ProjectStatus => of(written, rapport_domain::project::ProjectStatus::as_str),
            Choice::TaskStatus => of(written, rapport_domain::project::TaskStatus::as_str),
        }
    }

    /// Every name accepted, aliases included (for the API document).
    pub fn accepted(self) -> Vec<&'static str> {
        use rapport_domain::changes::Choice as C;
        match self {
            Choice::AccountKind => rapport_domain::account::AccountKind::accepted(),
            Choice::CustomerType => rapport_domain::account::CustomerType::accepted(),
            Choice::ContactKind => rapport_domain::contact::ContactKind::accepted(),
            Choice::LeadStatus => rapport_domain::lead::LeadStatus::accepted(),
            Choice::ActivityKind => rapport_domain::activity::ActivityKind::accepted(),
            Choice::Channel => rapport_domain::activity::Channel::accepted(),
            Choice::DistributionSource => rapport_domain::distribution::Source::accepted(),
            Choice::ContractStatus => rapport_domain::contract::ContractStatus::accepted(),
            Choice::OrderPriority => rapport_domain::order::Priority::accepted(),
            Choice::ProjectStatus => rapport_domain::project::ProjectStatus::accepted(),
            Choice::TaskStatus => rapport_domain::project::TaskStatus::accepted(),
        }
    }
}

/// A column that can be sorted or filtered on, under its API name.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub column: &'static str,
    pub kind: Kind,
    pub nullable: bool,
    /// A filter on a column of a linked table rather than of the list's own.
    pub through: Option<Through>,
}

/// The table whose rows `key` points at the listed row: a filter through it keeps the
/// rows that have a linked row matching it (`rep_id` through `account_reps`).
#[derive(Debug, Clone, Copy)]
pub struct Through {
    pub table: &'static str,
    pub key: &'static str,
}

impl Field {
    pub const fn new(name: &'static str, column: &'static str, kind: Kind) -> Self {
        Self {
            name,
            column,
            kind,
            nullable: false,
            through: None,
        }
    }

    pub const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    /// Filters on `column` of the rows of `table` whose `key` is the listed row's id.
    pub const fn through(mut self, table: &'static str, key: &'static str) -> Self {
        self.through = Some(Through { table, key });
        self
    }
}

/// What a resource's list accepts.
pub struct ListSpec {
    pub table: &'static str,
    pub sortable: &'static [Field],
    /// e.g. "-created_at"; the id is always the last tie-breaker.
    pub default_sort: &'static str,
    pub filters: &'static [Field],
    /// How `q` finds and ranks rows, if the resource is searchable.
    pub search: Option<&'static crate::kernel::search::Search>,
}
