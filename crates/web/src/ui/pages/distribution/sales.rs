//! `GET /dashboards/sales`: the sales dashboard over the distribution log — period,
//! interval and rep/SKU/state filters, the totals, a chart with its figures beside it,
//! the per-SKU table and the API's CSV of the same query. The query is read as the API
//! reads it, but a bad value is named beside its field instead of failing the page.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate, Utc};
use maud::{html, Markup};
use rapport_domain::validation::strict_uuid;
use rapport_domain::FieldError;
use rapport_store::auth::users::{self, Colleague};
use rapport_store::reports::dashboards::period;
use rapport_store::reports::dashboards::sales::{self, Interval, SalesDashboard, SalesQuery};
use uuid::Uuid;

use crate::problem::Problem;
use crate::ui::chart::{bars, Group};
use crate::ui::errors::{OrPage, PageResult};
use crate::ui::form::{field, select, Errors};
use crate::ui::layout::{respond, shell, Section};
use crate::ui::list::{with_query, ListQuery};
use crate::ui::session::Viewer;
use crate::AppState;

const INTERVALS: [(&str, &str); 3] = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")];

/// This calendar year: the page's default period (`to` is exclusive).
fn this_year(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let end = NaiveDate::from_ymd_opt(today.year() + 1, 1, 1).unwrap_or(today);
    (start, end)
}

/// The dashboard's query from the page's, or every field's error at once.
fn read(q: &ListQuery, me: Uuid, today: NaiveDate) -> Result<SalesQuery, Errors> {
    let mut errors = Vec::new();
    let (default_from, default_to) = this_year(today);
    let from = q.date("from", &mut errors).unwrap_or(default_from);
    let to = q.date("to", &mut errors).unwrap_or(default_to);
    let interval = match q.value("interval") {
        None => Interval::Month,
        Some(v) => Interval::parse(v).unwrap_or_else(|| {
            errors.push(FieldError::new(
                "interval",
                "enum",
                format!("must be month, quarter or year, not {v:?}"),
            ));
            Interval::Month
        }),
    };
    let rep_id = match q.value("rep_id") {
        None => None,
        Some("me") => Some(me),
        Some(v) => {
            let id = strict_uuid(v);
            if id.is_none() {
                errors.push(FieldError::new(
                    "rep_id",
                    "uuid",
                    format!("{v:?} is not a UUID (or me)"),
                ));
            }
            id
        }
    };
    let text = |name: &str| {
        q.value(name)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    if errors.is_empty() {
        if let Err(e) = period(Some(from), Some(to), today) {
            return Err(Errors::from(e));
        }
    }
    if !errors.is_empty() {
        return Err(Errors::from(Problem::validation(errors)));
    }
    Ok(SalesQuery {
        from,
        to,
        interval,
        rep_id,
        sku: text("sku"),
        state: text("state"),
    })
}

/// The API's CSV of the same query: the resolved period and interval, the filters as given.
fn csv_href(q: &ListQuery, query: &SalesQuery) -> String {
    let (from, to) = (query.from.to_string(), query.to.to_string());
    let interval = INTERVALS
        .iter()
        .map(|(v, _)| *v)
        .find(|v| Interval::parse(v) == Some(query.interval))
        .unwrap_or("month");
    let mut pairs = vec![
        ("from", from.as_str()),
        ("to", to.as_str()),
        ("interval", interval),
    ];
    for name in ["rep_id", "sku", "state"] {
        if let Some(v) = q.value(name) {
            pairs.push((name, v));
        }
    }
    pairs.push(("format", "csv"));
    with_query("/api/v1/dashboards/sales", &pairs)
}

fn label(start: NaiveDate, interval: Interval) -> String {
    match interval {
        Interval::Month => start.format("%b %Y").to_string(),
        Interval::Quarter => format!("Q{} {}", start.month0() / 3 + 1, start.year()),
        Interval::Year => start.year().to_string(),
    }
}

fn filters(q: &ListQuery, colleagues: &[Colleague], errors: &Errors, today: NaiveDate) -> Markup {
    let (default_from, default_to) = this_year(today);
    let (df, dt) = (default_from.to_string(), default_to.to_string());
    let intervals: Vec<(String, String)> = INTERVALS
        .iter()
        .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
        .collect();
    let mut reps = vec![
        (String::new(), "Anyone".to_owned()),
        ("me".to_owned(), "Me".to_owned()),
    ];
    reps.extend(
        colleagues
            .iter()
            .map(|c| (c.id.to_string(), c.name.clone())),
    );
    html! {
        form.filters method="get" action="/dashboards/sales" data-live-search {
            (field("From (inclusive)", "from", Some(q.value("from").unwrap_or(&df)), "date", errors))
            (field("To (exclusive)", "to", Some(q.value("to").unwrap_or(&dt)), "date", errors))
            (select("Interval", "interval", &intervals, Some(q.value("interval").unwrap_or("month")), errors))
            @if !colleagues.is_empty() { (select("Rep", "rep_id", &reps, q.value("rep_id"), errors)) }
            (field("SKU", "sku", q.value("sku"), "text", errors))
            (field("State", "state", q.value("state"), "text", errors))
            button type="submit" { "Show" }
        }
    }
}

fn figures_table(d: &SalesDashboard, interval: Interval) -> Markup {
    html! {
        div.table-wrap {
            table.figures-table {
                caption { "Per " (INTERVALS.iter().find(|(v, _)| Interval::parse(v) == Some(interval)).map(|(v, _)| *v).unwrap_or("interval")) }
                thead { tr {
                    th scope="col" { "Interval" } th scope="col".num { "Orders" } th scope="col".num { "Units" }
                    th scope="col".num { "Customers" } th scope="col".num { "First-time" } th scope="col".num { "Repeat" }
                } }
                tbody {
                    @for i in &d.intervals {
                        tr {
                            th scope="row" { (label(i.start, interval)) }
                            td.num { (i.figures.orders) } td.num { (i.figures.units) } td.num { (i.figures.customers) }
                            td.num { (i.figures.first_time_customers) } td.num { (i.figures.repeat_customers) }
                        }
                    }
                }
            }
        }
    }
}

fn skus_table(d: &SalesDashboard) -> Markup {
    html! {
        section.card {
            h2 { "Per SKU" }
            @if d.skus.is_empty() { p.muted { "No shipments in this period." } } @else {
                div.table-wrap {
                    table {
                        thead { tr { th scope="col" { "SKU" } th scope="col".num { "Orders" } th scope="col".num { "Units" } th scope="col".num { "Customers" } } }
                        tbody {
                            @for s in &d.skus {
                                tr {
                                    th scope="row" { a href={ "/distributions/trace?sku=" (super::list::urlencoded(&s.sku)) } { (s.sku) } }
                                    td.num { (s.orders) } td.num { (s.units) } td.num { (s.customers) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn dashboard(d: &SalesDashboard, query: &SalesQuery, csv: &str) -> Markup {
    let groups: Vec<Group> = d
        .intervals
        .iter()
        .map(|i| Group {
            label: label(i.start, query.interval),
            values: vec![i.figures.first_time_customers, i.figures.repeat_customers],
        })
        .collect();
    let units: Vec<Group> = d
        .intervals
        .iter()
        .map(|i| Group {
            label: label(i.start, query.interval),
            values: vec![i.figures.units],
        })
        .collect();
    html! {
        p.muted { "Ship dates from " (query.from) " up to (not including) " (query.to) ". " a href=(csv) download { "Download these figures as CSV" } }
        dl.figures.sales-totals {
            div { dt { "Orders" } dd #total-orders { (d.totals.orders) } }
            div { dt { "Units" } dd #total-units { (d.totals.units) } }
            div { dt { "Customers" } dd #total-customers { (d.totals.customers) } }
            div { dt { "First-time customers" } dd #total-first-time { (d.totals.first_time_customers) } }
            div { dt { "Repeat customers" } dd #total-repeat { (d.totals.repeat_customers) } }
        }
        div.grid.chart-beside {
            div {
                (bars("Customers per interval: first-time and repeat", &["first-time", "repeat"], &groups))
                (bars("Units per interval", &["units"], &units))
            }
            (figures_table(d, query.interval))
        }
        (skus_table(d))
    }
}

/// `GET /dashboards/sales`
pub async fn show(State(app): State<AppState>, viewer: Viewer, q: ListQuery) -> PageResult {
    let today = Utc::now().date_naive();
    let colleagues = users::colleagues(&app.store, &viewer.ctx.actor)
        .await
        .or_page(&viewer)?;
    let (status, errors, content) = match read(&q, viewer.ctx.actor.user_id, today) {
        Ok(query) => {
            let d = sales::sales(&app.store, &viewer.ctx.actor, query.clone())
                .await
                .or_page(&viewer)?;
            (
                StatusCode::OK,
                Errors::none(),
                dashboard(&d, &query, &csv_href(&q, &query)),
            )
        }
        Err(errors) => (
            StatusCode::BAD_REQUEST,
            errors,
            html! { p.muted { "Correct the period or filters above to see the figures." } },
        ),
    };
    let body = html! {
        h1 { "Sales dashboard" }
        (errors.banner(&["from", "to", "interval", "rep_id", "sku", "state"]))
        (filters(&q, &colleagues, &errors, today))
        div #results { (content) }
    };
    Ok(respond(
        status,
        shell(&viewer, Section::Distribution, "Sales dashboard", body),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> ListQuery {
        ListQuery {
            pairs: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            params: Ok(Default::default()),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 17).expect("date")
    }

    #[test]
    fn the_default_period_is_this_calendar_year_by_month() {
        let q = read(&query(&[]), Uuid::nil(), today()).expect("reads");
        assert_eq!(
            (q.from.to_string(), q.to.to_string()),
            ("2026-01-01".into(), "2027-01-01".into())
        );
        assert_eq!(q.interval, Interval::Month);
    }

    #[test]
    fn every_bad_field_is_named_and_a_reversed_period_names_to() {
        let e = read(
            &query(&[
                ("from", "2026-13-01"),
                ("interval", "week"),
                ("rep_id", "bob"),
            ]),
            Uuid::nil(),
            today(),
        )
        .expect_err("refused");
        for name in ["from", "interval", "rep_id"] {
            assert!(e.of(name).is_some(), "{name}: {e:?}");
        }
        let reversed = read(
            &query(&[("from", "2026-06-01"), ("to", "2026-02-01")]),
            Uuid::nil(),
            today(),
        )
        .expect_err("refused");
        assert!(reversed.of("to").is_some(), "{reversed:?}");
    }

    #[test]
    fn the_csv_link_carries_the_resolved_period_and_the_filters() {
        let q = query(&[("sku", "ST 4"), ("interval", "quarter")]);
        let sq = read(&q, Uuid::nil(), today()).expect("reads");
        assert_eq!(
            csv_href(&q, &sq),
            "/api/v1/dashboards/sales?from=2026%2D01%2D01&to=2027%2D01%2D01&interval=quarter&sku=ST%204&format=csv"
        );
    }
}
