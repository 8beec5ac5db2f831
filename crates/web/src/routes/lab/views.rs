//! The lab's standing views (seed 003): `/api/v1/views/order-summary`,
//! `/api/v1/views/active-projects` and `/api/v1/views/monthly-order-stats`, scoped like
//! every read (store: `reports::lab_views`).

use axum::extract::State;
use axum::Json;
use rapport_store::kernel::list::DEFAULT_LIMIT;
use rapport_store::reports::lab_views::{
    self as views, ActiveProjectPage, MonthlyOrderCountPage, MonthlyQuery, OrderSummaryPage,
};
use uuid::Uuid;

use crate::auth::Authed;
use crate::problem::{ApiResult, Problem};
use crate::query::{ListQuery, QueryPairs};
use crate::AppState;

/// The order summary: the orders the caller sees, each with its type, patient, doctor,
/// office and state by name. Sorts and filters are the orders list's.
#[utoipa::path(get, path = "/api/v1/views/order-summary", tag = "lab",
    responses(
        (status = 200, description = "A page", body = OrderSummaryPage),
        (status = 400, description = "A bad parameter, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn order_summary(
    State(app): State<AppState>,
    Authed(auth): Authed,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<OrderSummaryPage>> {
    Ok(Json(
        views::order_summary(&app.store, &auth.ctx.actor, params).await?,
    ))
}

/// Active projects: the projects the caller sees that are neither completed nor
/// cancelled, each with its order number, patient, and task counts (all, completed).
/// Sorts and filters are the projects list's.
#[utoipa::path(get, path = "/api/v1/views/active-projects", tag = "lab",
    responses(
        (status = 200, description = "A page", body = ActiveProjectPage),
        (status = 400, description = "A bad parameter, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn active_projects(
    State(app): State<AppState>,
    Authed(auth): Authed,
    ListQuery(params): ListQuery,
) -> ApiResult<Json<ActiveProjectPage>> {
    Ok(Json(
        views::active_projects(&app.store, &auth.ctx.actor, params).await?,
    ))
}

fn month(name: &str, v: &str) -> Result<String, Problem> {
    if views::is_month(v) {
        Ok(v.to_owned())
    } else {
        Err(Problem::bad_request(
            name,
            "month",
            format!("{v:?} is not a YYYY-MM month"),
        ))
    }
}

fn id(name: &str, v: &str) -> Result<Uuid, Problem> {
    rapport_domain::validation::strict_uuid(v)
        .ok_or_else(|| Problem::bad_request(name, "uuid", format!("{v:?} is not a UUID")))
}

/// Monthly order statistics: orders created per month (UTC), office and order type,
/// newest month first, over the orders the caller sees; `from`/`to` bound the months
/// (both included), `office_id` and `order_type_id` pick one.
#[utoipa::path(get, path = "/api/v1/views/monthly-order-stats", tag = "lab",
    params(
        ("from" = Option<String>, Query, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", description = "YYYY-MM, included"),
        ("to" = Option<String>, Query, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", description = "YYYY-MM, included"),
        ("office_id" = Option<Uuid>, Query),
        ("order_type_id" = Option<Uuid>, Query),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500, description = "1–500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    responses(
        (status = 200, description = "A page of counts", body = MonthlyOrderCountPage),
        (status = 400, description = "A bad parameter, named", body = crate::problem::ProblemBody, content_type = "application/problem+json")))]
pub async fn monthly_order_stats(
    State(app): State<AppState>,
    Authed(auth): Authed,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Json<MonthlyOrderCountPage>> {
    let mut q = MonthlyQuery {
        limit: DEFAULT_LIMIT,
        ..MonthlyQuery::default()
    };
    for (name, v) in pairs {
        match name.as_str() {
            "from" => q.from = Some(month(&name, &v)?),
            "to" => q.to = Some(month(&name, &v)?),
            "office_id" => q.office_id = Some(id(&name, &v)?),
            "order_type_id" => q.order_type_id = Some(id(&name, &v)?),
            "cursor" => q.cursor = Some(v).filter(|c| !c.is_empty()),
            "limit" => {
                q.limit = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=500).contains(n))
                    .ok_or_else(|| {
                        Problem::bad_request("limit", "range", "must be a whole number from 1 to 500")
                    })?
            }
            _ => {
                return Err(Problem::bad_request(
                    &name,
                    "unknown_parameter",
                    "is not a parameter of this view; it takes from, to, office_id, order_type_id, limit, cursor",
                ))
            }
        }
    }
    Ok(Json(
        views::monthly_order_stats(&app.store, &auth.ctx.actor, q).await?,
    ))
}
