//! What every list page shares: its query string read as the API reads a list's (the
//! same filters, sort, search and keyset cursor), the pager, and the filter values to show
//! back in the form.

use axum::extract::{FromRequestParts, RawQuery};
use axum::http::request::Parts;
use maud::{html, Markup};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use rapport_store::auth::users::Colleague;
use rapport_store::ListParams;

use super::form::Errors;
use crate::query::{decode_pairs, list_params};

/// A list page's query: the pairs as sent (empty form fields dropped, so an unused filter
/// is no filter), and the list parameters read from them, or why they could not be read.
pub struct ListQuery {
    pub pairs: Vec<(String, String)>,
    pub params: Result<ListParams, Errors>,
}

impl ListQuery {
    /// The value of a parameter as sent, for showing it back in the filter form.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A `YYYY-MM-DD` parameter; a malformed one is named in `errors` (rule `date`).
    pub fn date(
        &self,
        name: &str,
        errors: &mut Vec<rapport_domain::FieldError>,
    ) -> Option<chrono::NaiveDate> {
        let v = self.value(name)?;
        let d = rapport_domain::validation::strict_date(v);
        if d.is_none() {
            errors.push(rapport_domain::FieldError::new(
                name,
                "date",
                format!("{v:?} is not a YYYY-MM-DD date"),
            ));
        }
        d
    }

    /// The parameters with `limit` set, or the page's errors.
    pub fn params(&self, limit: usize) -> Result<ListParams, Errors> {
        self.params.clone().map(|mut p| {
            p.limit = limit;
            p
        })
    }

    /// This query without its cursor and with `extra` pairs set, as a query string.
    pub fn link(&self, path: &str, extra: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .pairs
            .iter()
            .filter(|(k, _)| k != "cursor" && !extra.iter().any(|(e, _)| e == k))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.extend(extra.iter().copied());
        with_query(path, &pairs)
    }

    /// Next-page and first-page links for a keyset page.
    pub fn pager(&self, path: &str, next_cursor: Option<&str>) -> Markup {
        let on_later_page = self.value("cursor").is_some();
        html! {
            nav.pager aria-label="Pages" {
                @if on_later_page { a href=(self.link(path, &[])) { "← First page" } }
                @if let Some(c) = next_cursor { a href=(self.link(path, &[("cursor", c)])) rel="next" { "Next page →" } }
            }
        }
    }
}

pub fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    let q: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect();
    format!("{path}?{}", q.join("&"))
}

impl<S: Send + Sync> FromRequestParts<S> for ListQuery {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = RawQuery::from_request_parts(parts, state)
            .await
            .map(|RawQuery(q)| q.unwrap_or_default())
            .unwrap_or_default();
        let (pairs, params) = match decode_pairs(&raw) {
            Ok(pairs) => {
                let pairs: Vec<(String, String)> = pairs
                    .into_iter()
                    .filter(|(_, v)| !v.trim().is_empty())
                    .collect();
                let params = list_params(pairs.clone()).map_err(Errors::from);
                (pairs, params)
            }
            Err(p) => (Vec::new(), Err(Errors::from(p))),
        };
        Ok(ListQuery { pairs, params })
    }
}

/// An option of a filter's select, selected when it is the current value.
pub fn option(value: &str, label: &str, current: Option<&str>) -> Markup {
    html! { option value=(value) selected[current == Some(value)] { (label) } }
}

/// A people filter (owner, rep…): anyone, me, or a colleague by name.
pub fn people_filter(
    id: &str,
    name: &str,
    label: &str,
    colleagues: &[Colleague],
    current: Option<&str>,
) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                (option("", "Anyone", current))
                (option("me", "Me", current))
                @for c in colleagues { (option(&c.id.to_string(), &c.name, current)) }
            }
        }
    }
}

/// The archived filter of a list whose records can be archived: hidden by default.
pub fn archived_filter(q: &ListQuery) -> Markup {
    let current = q.value("archived");
    html! {
        div.field {
            label for="f-archived" { "Archived" }
            select #f-archived name="archived" {
                (option("", "Hide", current))
                (option("true", "Only archived", current))
                (option("all", "Show too", current))
            }
        }
    }
}

/// The sort picker of a list: `sorts` are (value of `sort`, label), the default first.
pub fn sort_filter(q: &ListQuery, sorts: &[(&str, &str)]) -> Markup {
    html! {
        div.field {
            label for="f-sort" { "Sort" }
            select #f-sort name="sort" {
                @for (v, l) in sorts { (option(v, l, q.value("sort"))) }
            }
        }
    }
}
