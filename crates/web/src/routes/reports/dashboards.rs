//! Dashboards: `/api/v1/dashboards/sales` over the distribution log,
//! `/api/v1/dashboards/pipeline` over leads and `/api/v1/dashboards/contracts` over
//! contracts.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use rapport_store::reports::dashboards::contracts::{
    self as contract_figures, ContractsDashboard, ContractsQuery,
};
use rapport_store::reports::dashboards::period;
use rapport_store::reports::dashboards::pipeline::{self, PipelineDashboard, PipelineQuery};
use rapport_store::reports::dashboards::sales::{self, Interval, SalesDashboard, SalesQuery};
use uuid::Uuid;

use crate::auth::Authed;
use crate::problem::{ApiResult, Problem};
use crate::query::QueryPairs;
use crate::AppState;

fn date(name: &str, v: &str) -> Result<NaiveDate, Problem> {
    rapport_domain::validation::strict_date(v).ok_or_else(|| {
        Problem::bad_request(name, "date", format!("{v:?} is not a YYYY-MM-DD date"))
    })
}

fn user(name: &str, v: &str, me: Uuid) -> Result<Uuid, Problem> {
    // Exactly as the document's pattern says: no trimming, a hyphenated UUID.
    if v == "me" {
        return Ok(me);
    }
    rapport_domain::validation::strict_uuid(v)
        .ok_or_else(|| Problem::bad_request(name, "uuid", format!("{v:?} is not a UUID (or me)")))
}

fn unknown(name: &str, takes: &str) -> Problem {
    Problem::bad_request(
        name,
        "unknown_parameter",
        format!("is not a parameter of this dashboard; it takes {takes}"),
    )
}

fn wants_csv(headers: &HeaderMap, format: Option<&str>) -> Result<bool, Problem> {
    match format {
        Some("csv") => return Ok(true),
        Some("json") => return Ok(false),
        Some(other) => {
            return Err(Problem::bad_request(
                "format",
                "enum",
                format!("must be json or csv, not {other:?}"),
            ))
        }
        None => {}
    }
    Ok(headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.split(',').any(|t| t.trim().starts_with("text/csv"))))
}

/// The sales dashboard over ship dates in `[from, to)` (default: the twelve months to the
/// end of this month), per `interval` (month, quarter or year; default month) and per
/// SKU, over the entries the caller can see, optionally only those of one `rep_id`
/// (`me`), `sku`, or customer `state` (the account's region). With `format=csv` or
/// `Accept: text/csv`, the same figures as CSV.
#[utoipa::path(get, path = "/api/v1/dashboards/sales", tag = "dashboards",
    params(
        ("from" = Option<String>, Query, description = "YYYY-MM-DD, inclusive"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, exclusive"),
        ("interval" = Option<String>, Query, description = "month (default), quarter or year"),
        ("rep_id" = Option<String>, Query, description = "a user id or me"),
        ("sku" = Option<String>, Query),
        ("state" = Option<String>, Query, description = "the customer account's region, ignoring case"),
        ("format" = Option<String>, Query, description = "json (default) or csv")),
    responses(
        (status = 200, description = "The dashboard; with `format=csv` (or Accept: text/csv), its rows as CSV", content(
            (SalesDashboard = "application/json"),
            (String = "text/csv"))),
        (status = 400, description = "Bad parameter, named (to before from, unknown interval…)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn sales_dashboard(
    State(app): State<AppState>,
    Authed(auth): Authed,
    headers: HeaderMap,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Response> {
    let me = auth.ctx.actor.user_id;
    let (mut from, mut to, mut interval) = (None, None, Interval::Month);
    let (mut rep_id, mut sku, mut state, mut format) = (None, None, None, None);
    for (name, v) in pairs {
        match name.as_str() {
            "from" => from = Some(date(&name, &v)?),
            "to" => to = Some(date(&name, &v)?),
            "interval" => {
                interval = Interval::parse(&v).ok_or_else(|| {
                    Problem::bad_request(
                        "interval",
                        "enum",
                        format!("must be month, quarter or year, not {v:?}"),
                    )
                })?
            }
            "rep_id" => rep_id = Some(user(&name, &v, me)?),
            "sku" => sku = Some(v.trim().to_owned()).filter(|s| !s.is_empty()),
            "state" => state = Some(v.trim().to_owned()).filter(|s| !s.is_empty()),
            "format" => format = Some(v),
            _ => {
                return Err(unknown(
                    &name,
                    "from, to, interval, rep_id, sku, state, format",
                ))
            }
        }
    }
    let csv = wants_csv(&headers, format.as_deref())?;
    let (from, to) = period(from, to, chrono::Utc::now().date_naive())?;
    let q = SalesQuery {
        from,
        to,
        interval,
        rep_id,
        sku,
        state,
    };
    let dashboard = sales::sales(&app.store, &auth.ctx.actor, q).await?;
    if csv {
        let mut res = (StatusCode::OK, sales::to_csv(&dashboard)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        res.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"sales-dashboard.csv\""),
        );
        return Ok(res);
    }
    Ok(Json(dashboard).into_response())
}

/// The pipeline dashboard for leads created in `[from, to)` (default: the twelve months to
/// the end of this month), archived ones left out: per owner (and for everyone) a board
/// of count, value and weighted value per status and currency, the win rate (won over
/// closed) and the average days from creation to winning. `owner_id` (`me`) narrows it
/// to one owner. Scoped to the leads the caller can see.
#[utoipa::path(get, path = "/api/v1/dashboards/pipeline", tag = "dashboards",
    params(
        ("from" = Option<String>, Query, description = "YYYY-MM-DD, inclusive"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, exclusive"),
        ("owner_id" = Option<String>, Query, description = "a user id or me")),
    responses(
        (status = 200, description = "The dashboard", body = PipelineDashboard)))]
pub async fn pipeline_dashboard(
    State(app): State<AppState>,
    Authed(auth): Authed,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<PipelineDashboard>> {
    let me = auth.ctx.actor.user_id;
    let (mut from, mut to, mut owner_id) = (None, None, None);
    for (name, v) in pairs {
        match name.as_str() {
            "from" => from = Some(date(&name, &v)?),
            "to" => to = Some(date(&name, &v)?),
            "owner_id" => owner_id = Some(user(&name, &v, me)?),
            _ => return Err(unknown(&name, "from, to, owner_id")),
        }
    }
    let (from, to) = period(from, to, chrono::Utc::now().date_naive())?;
    Ok(Json(
        pipeline::pipeline(
            &app.store,
            &auth.ctx.actor,
            PipelineQuery { from, to, owner_id },
        )
        .await?,
    ))
}

/// The contracts dashboard: contracts active today and their value per currency, those
/// expiring within 30, 60 and 90 days, and over `[from, to)` (default: the twelve months
/// to the end of this month) the renewals (contracts activated in it that renew another)
/// and the churn (contracts that became expired, lost or cancelled in it, by their status
/// history, and that no contract renews). Scoped to the contracts the caller can see.
#[utoipa::path(get, path = "/api/v1/dashboards/contracts", tag = "dashboards",
    params(
        ("from" = Option<String>, Query, description = "YYYY-MM-DD, inclusive"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, exclusive")),
    responses(
        (status = 200, description = "The dashboard", body = ContractsDashboard),
        (status = 400, description = "Bad parameter, named (to before from, unknown parameter…)", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn contracts_dashboard(
    State(app): State<AppState>,
    Authed(auth): Authed,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<ContractsDashboard>> {
    let (mut from, mut to) = (None, None);
    for (name, v) in pairs {
        match name.as_str() {
            "from" => from = Some(date(&name, &v)?),
            "to" => to = Some(date(&name, &v)?),
            _ => return Err(unknown(&name, "from, to")),
        }
    }
    let today = chrono::Utc::now().date_naive();
    let (from, to) = period(from, to, today)?;
    Ok(Json(
        contract_figures::contracts(
            &app.store,
            &auth.ctx.actor,
            ContractsQuery { from, to, today },
        )
        .await?,
    ))
}
